#!/bin/bash
# Runs Wireshark's own source checkers on tcpphase's dissector sources and
# fails if any of them finds something:
#   checkAPIs.pl               prohibited/deprecated APIs      (all plugin/*.c)
#   check_typed_item_calls.py  field types vs proto_tree_add_* (all plugin/*.c)
#   checkhf.pl                 hf_/ei_ defined, registered, used
#   checkfiltername.pl         field and expert filter names
# The checkers come from the source of the Wireshark installed here (so the
# tag is pinned by the Debian package version), fetched once through Debian's
# deb-src into $TCPPHASE_WS_SOURCE (default /var/tmp/tcpphase-wsrc).
# checkhf.pl and checkfiltername.pl read C text with regular expressions, so
# they run twice: on the source as written and on the source with tcpphase's
# own X-macros expanded (tools/expand-own-macros.py), where the 42 expert
# fields and their filter names the anomaly catalogue generates are visible.
# Run as root on a fresh machine.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
src=${TCPPHASE_WS_SOURCE:-/var/tmp/tcpphase-wsrc}
version=$(dpkg-query -W -f='${source:Version}' tshark)  # binNMUs (+bN) have no source of their own
upstream=${version%%-*}
tools="$src/wireshark-v$upstream/tools"

if [ ! -f "$tools/checkhf.pl" ]; then
    command -v perl >/dev/null || apt-get install -y -q perl >/dev/null
    mkdir -p "$src" && cd "$src" || exit 1
    # deb-src twins of the sources apt uses, in a private apt state: the
    # system's sources and package lists are left alone.
    apt=$(mktemp -d) && mkdir -p "$apt/parts" "$apt/lists/partial"
    [ -f /etc/apt/sources.list ] && sed -n 's/^deb /deb-src /p' /etc/apt/sources.list > "$apt/sources.list"
    for f in /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] && sed -n 's/^deb /deb-src /p' "$f" > "$apt/parts/$(basename "$f")"
    done
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] && sed 's/^Types:.*/Types: deb-src/' "$f" > "$apt/parts/$(basename "$f")"
    done
    opts=(-o "Dir::Etc::sourcelist=$apt/sources.list" -o "Dir::Etc::sourceparts=$apt/parts"
          -o "Dir::State::Lists=$apt/lists" -q)
    apt-get "${opts[@]}" update >/dev/null && apt-get "${opts[@]}" source --download-only "wireshark=$version" >/dev/null
    fetched=$?
    rm -rf "$apt"
    [ $fetched -eq 0 ] || { echo "could not fetch wireshark=$version source" >&2; exit 1; }
    tar xjf "wireshark_$upstream.orig.tar.bz2" --wildcards '*/tools/check*' || exit 1
fi

cd "$top" || exit 1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
fail() { echo "FAIL: $*"; status=1; }

# A checker passes when it exits 0 and prints no error or warning line.
run_checker() {
    local name=$1; shift
    local out
    out=$("$@" 2>&1); local rc=$?
    [ -n "$out" ] && echo "$out"
    if [ $rc -ne 0 ] || grep -qiE '^(error|warning)|errors?:|[1-9][0-9]* warnings' <<<"$out"; then
        fail "$name"
    else
        echo "ok: $name"
    fi
}

for c in plugin/*.c; do
    run_checker "checkAPIs.pl $c" perl "$tools/checkAPIs.pl" "$c"
    # check_typed_item_calls.py looks for files under epan/dissectors.
    mkdir -p "$work/typed/epan/dissectors" && cp "$c" "$work/typed/epan/dissectors/"
    run_checker "check_typed_item_calls.py $c" \
        bash -c "cd '$work/typed' && /usr/bin/python3 '$tools/check_typed_item_calls.py' --file '$(basename "$c")' --mask --label"
done

mkdir -p "$work/expanded"
/usr/bin/python3 tools/expand-own-macros.py plugin/packet-tcpphase.c > "$work/expanded/packet-tcpphase.c" \
    || fail "expand-own-macros.py"
for f in plugin/packet-tcpphase.c "$work/expanded/packet-tcpphase.c"; do
    run_checker "checkhf.pl $f" perl "$tools/checkhf.pl" "$f"
    run_checker "checkfiltername.pl $f" perl "$tools/checkfiltername.pl" "$f"
done
# The expanded source must hold every expert field, or the checks above prove nothing.
n=$(grep -c '{&ei_tcpphase_[a-z_]*, {"tcpphase\.anomaly\.[a-z_]*", PI_' "$work/expanded/packet-tcpphase.c")
want=$(grep -c '^ *X([a-z_]*, ' include/tcpphase/anomalies.h) # catalogue rows, not TP_WIRESHARK_REPORTS
[ "$n" -eq "$want" ] && echo "ok: $n expert fields seen by the checkers" \
    || fail "checkers saw $n expert fields, the catalogue has $want"
n=$(grep -c '{&hf_tcpphase_[a-z_]*, {"[^"]*", "tcpphase\.[a-z_.]*", FT_' "$work/expanded/packet-tcpphase.c")
want=$(grep -c '^ *X(' plugin/fields.h)
[ "$n" -eq "$want" ] && echo "ok: $n fields seen by the checkers" \
    || fail "checkers saw $n fields, the field table has $want"
exit $status
