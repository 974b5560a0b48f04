#!/bin/bash
# Whether two plugin builds print the same, capture by capture, in the
# tshark modes users read (one pass, -2, -V, fields, JSON, EK, PDML,
# filters, expert infos, reports). For a change meant to alter no output
# (a speed or memory change): prints each mode that differs, exits 1 if any.
#   tools/same-output.sh PLUGIN_DIR_A PLUGIN_DIR_B capture...
set -uo pipefail
a=$1 b=$2
shift 2
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
chmod 755 "$home"
as_user=()
if [ "$(id -u)" -eq 0 ]; then # as root tshark ignores WIRESHARK_PLUGIN_DIR
    chown nobody: "$home"
    as_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
fi
run() {
    local dir=$1 cap=$2
    shift 2
    # PDML's header says when tshark ran: not the plugin's output
    "${as_user[@]}" env -i PATH=/usr/bin:/bin HOME="$home" WIRESHARK_PLUGIN_DIR="$dir" tshark -n -r "$cap" "$@" 2>&1 |
        sed '/^<pdml /s/ time="[^"]*"//'
}
modes=(
    "" "-V" "-2 -V" "-2 -o tcpphase.two_pass:TRUE -V"
    "-T fields -e tcp.stream -e _ws.expert.message -e _ws.expert"
    "-T fields -e tcpphase.label -e tcpphase.transition.client -e tcpphase.check"
    "-T fields -e tcpphase.summary -e tcpphase.history -e tcpphase.history.letters -2"
    "-T json -2" "-T ek" "-T pdml"
    "-Y tcpphase.anomaly -T fields -e frame.number" "-Y _ws.expert" "-Y tcp.stream>=0"
    "-2 -Y _ws.expert.severity>=0" "-z expert -q" "-Y tcp.stream>=0 -z expert -q" "-z tcpphase,tree -q"
    "-z tcpphase,conns -q" "-z tcpphase,ladder -q"
)
differ=0
for cap in "$@"; do
    for mode in "${modes[@]}"; do
        # shellcheck disable=SC2086 # each mode is words
        if ! cmp -s <(run "$a" "$cap" $mode) <(run "$b" "$cap" $mode); then
            echo "differs: $cap $mode"
            differ=1
        fi
    done
done
[ $differ -eq 0 ] && echo "same output: $# capture(s), ${#modes[@]} modes"
exit $differ
