#!/bin/bash
# Runs Wireshark's own source checkers on tcpphase's dissector sources:
# checkAPIs.pl (prohibited/deprecated APIs), check_typed_item_calls.py (field
# types vs proto_tree_add_* calls), checkhf.pl and checkfiltername.pl. They
# come from Wireshark's source, fetched once through Debian's deb-src (the
# version installed here) into $TCPPHASE_WS_SOURCE (default /var/tmp/tcpphase-wsrc).
# Run as root (it adds a deb-src entry for the duration of the download).
#
# Known findings, both artefacts of the X-macro catalogue: checkhf.pl reports
# "NO ARRAY: ei_tcpphase" (the expert fields are an array indexed by the
# anomaly enum, which it does not parse) and, on preprocessed source,
# checkfiltername.pl sees "tcpphase.anomaly." "<id>" as two strings.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
src=${TCPPHASE_WS_SOURCE:-/var/tmp/tcpphase-wsrc}
version=$(dpkg-query -W -f='${Version}' tshark)
upstream=${version%%-*}
tools="$src/wireshark-v$upstream/tools"

if [ ! -d "$tools" ]; then
    mkdir -p "$src" && cd "$src" || exit 1
    list=/etc/apt/sources.list.d/tcpphase-deb-src.sources
    sed -n 's/^Types: deb$/Types: deb-src/p;/^URIs\|^Suites\|^Components\|^Signed-By\|^$/p' \
        /etc/apt/sources.list.d/debian.sources > "$list"
    apt-get update -q >/dev/null && apt-get source --download-only -q "wireshark=$version"
    rm -f "$list"; apt-get update -q >/dev/null
    tar xjf "wireshark_$upstream.orig.tar.bz2" --wildcards '*/tools/check*' || exit 1
fi

cd "$top" || exit 1
status=0
perl "$tools/checkAPIs.pl" plugin/*.c || status=1
work=$(mktemp -d) && mkdir -p "$work/epan/dissectors"
cp plugin/packet-tcpphase.c "$work/epan/dissectors/"
(cd "$work" && /usr/bin/python3 "$tools/check_typed_item_calls.py" --file packet-tcpphase.c --mask --label) || status=1
perl "$tools/checkhf.pl" plugin/packet-tcpphase.c
perl "$tools/checkfiltername.pl" plugin/packet-tcpphase.c || status=1
rm -rf "$work"
exit $status
