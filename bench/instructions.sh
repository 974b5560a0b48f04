#!/bin/bash
# The benchmark's steady twin: instructions (and simulated cache misses)
# counted by valgrind's cachegrind for plain `tshark -r` without a plugin,
# with the floor plugin (bench/floor) and with tcpphase, over the same
# generated capture. Counts barely move between runs, unlike wall-clock time
# on a shared machine, so they show what a change to tcpphase's per-packet
# work is worth. tshark's start-up (measured on a one-packet capture) is
# taken out before the ratios. Needs a build (tools/build.sh) and valgrind.
#   bench/instructions.sh [connections=15000]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
conns=${1:-15000}
. "$top/bench/setup.sh"
/usr/bin/python3 "$top/bench/gen.py" "$work/cap.pcap" "$conns"
editcap -r "$work/cap.pcap" "$work/start.pcap" 1
chmod -R a+rX "$work"

# count PLUGIN_DIR CAPTURE: prints "instructions last-level-data-misses"
count() {
    "${as_user[@]}" env -i PATH=/usr/bin:/bin HOME="$work/home" WIRESHARK_PLUGIN_DIR="$work/$1" \
        valgrind --tool=cachegrind --cache-sim=yes --cachegrind-out-file=/dev/null \
        tshark -n -r "$2" >/dev/null 2>"$work/home/err" || { cat "$work/home/err" >&2; exit 1; }
    awk '/ I *refs:/ {gsub(",", "", $4); i = $4} / LLd misses:/ {gsub(",", "", $4); m = $4}
         END {print i, m}' "$work/home/err"
}

packets=$(capinfos -c -M "$work/cap.pcap" | awk '/Number of packets/ {print $4}')
echo "capture: $packets packets, $conns connections; cachegrind, tshark -n -r"
start=$(count without "$work/start.pcap")
without=$(count without "$work/cap.pcap")
for dir in floor with; do
    name=$([ "$dir" = with ] && echo "tcpphase" || echo "floor (post-dissector + tcp tap)")
    echo "$(count "$dir" "$work/cap.pcap")" "$without" "$start" | awk -v name="$name" -v n="$packets" '{
        per = ($3 - $5) / n
        printf "%-34s instructions per packet %6.0f vs %6.0f  ratio %.3f   LL data misses ratio %.3f\n",
               name, ($1 - $5) / n, per, ($1 - $5) / ($3 - $5), $2 / $4 }'
done
