#!/bin/bash
# The benchmark's steady twin: instructions (and simulated cache misses)
# counted by valgrind's cachegrind for tshark without a plugin, with the
# floor plugin (bench/floor) and with tcpphase, over the same captures.
# Counts barely move between runs, unlike wall-clock time on a shared
# machine, so they show what a change to tcpphase's per-packet work is
# worth. tshark's start-up (measured on a one-packet capture with the same
# options) is taken out before the ratios. Each row prints tcpphase beside
# no plugin and beside the floor: what tcpphase adds beyond what Wireshark
# charges any post-dissector of its design (issue 18).
# Cases: bare TCP (bench/gen.py, `tshark -n -r`, no payload dissector: the
# worst case), and real traffic (bench/real-traffic.sh: HTTP on lo, made
# here when run as root, or given) read with `tshark -n -r`, `tshark -n -2`
# and `tshark -n -T fields -e tcp.stream` (a tree is built).
# Needs a build (tools/build.sh) and valgrind.
# GLib's random numbers, which seed the hashes of Wireshark's maps, come
# from a fixed seed (bench/fixed-seed.c): with a fresh seed each run the
# same build's count moved by up to 300 instructions a packet. A seed's luck
# still moves every count by up to about 200 a packet and tcpphase/floor by
# a few thousandths: SEEDS="1 2 3" averages over those seeds and prints the
# range (default: seed 1, as one run).
#   [SEEDS="1 2 3"] bench/instructions.sh [connections=15000] [real-capture|none]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
conns=${1:-15000}
real=${2:-}
seeds=${SEEDS:-1}
. "$top/bench/setup.sh"
/usr/bin/python3 "$top/bench/gen.py" "$work/cap.pcap" "$conns"
editcap -r "$work/cap.pcap" "$work/start.pcap" 1
if [ -z "$real" ] && [ "$(id -u)" -eq 0 ]; then
    "$top/bench/real-traffic.sh" "$work/real.pcapng" >/dev/null
    real=$work/real.pcapng
elif [ -n "$real" ] && [ "$real" != none ]; then
    cp "$real" "$work/real.pcapng"
    real=$work/real.pcapng
fi
if [ -n "$real" ] && [ "$real" != none ]; then
    editcap -r "$real" "$work/real-start.pcapng" 1
fi
chmod -R a+rX "$work"

# count PLUGIN_DIR CAPTURE ARGS...: prints "instructions last-level-data-misses"
# (GLib's random numbers from $seed: bench/fixed-seed.c; env takes the
# last BENCH_SEED given, so $seed overrides setup.sh's)
count() {
    local dir=$1 cap=$2
    shift 2
    "${as_user[@]}" env -i PATH=/usr/bin:/bin HOME="$work/home" WIRESHARK_PLUGIN_DIR="$work/$dir" \
        "${fixed_seed[@]}" BENCH_SEED="$seed" \
        valgrind --tool=cachegrind --cache-sim=yes --cachegrind-out-file=/dev/null \
        tshark -n -r "$cap" "$@" >/dev/null 2>"$work/home/err" || { cat "$work/home/err" >&2; exit 1; }
    awk '/ I *refs:/ {gsub(",", "", $4); i = $4} / LLd misses:/ {gsub(",", "", $4); m = $4}
         END {print i, m}' "$work/home/err"
}

# row NAME CAPTURE START-CAPTURE ARGS...: instructions per packet without a
# plugin, with the floor and with tcpphase, and the ratios; with several
# seeds, their means and the range of tcpphase/floor over the seeds
row() {
    local name=$1 cap=$2 start=$3
    shift 3
    local packets runs=""
    packets=$(capinfos -c -M "$cap" | awk '/Number of packets/ {print $4}')
    for seed in $seeds; do
        runs+="$(count without "$start" "$@") $(count without "$cap" "$@") $(count floor "$cap" "$@") $(count with "$cap" "$@")"$'\n'
    done
    printf '%s' "$runs" | awk -v name="$name" -v n="$packets" '{
        s = $1; none = ($3 - s) / n; fl = ($5 - s) / n; tp = ($7 - s) / n
        k++; sn += none; sf += fl; st += tp; sm += $8 / $6
        r = tp / fl; if (k == 1 || r < lo) lo = r; if (k == 1 || r > hi) hi = r
    } END {
        none = sn / k; fl = sf / k; tp = st / k
        printf "%-40s %7d pkts  per packet: none %6.0f  floor %6.0f  tcpphase %6.0f   floor/none %.3f  tcpphase/none %.3f  tcpphase/floor %.4f   LLd misses tcpphase/floor %.3f",
               name, n, none, fl, tp, fl / none, tp / none, tp / fl, sm / k
        if (k > 1) printf "   (%d seeds: tcpphase/floor %.4f..%.4f)", k, lo, hi
        printf "\n" }'
}

echo "cachegrind instructions, tshark's start-up taken out, GLib seed(s) $seeds"
row "bare TCP ($conns conns), tshark -n -r" "$work/cap.pcap" "$work/start.pcap"
if [ -n "$real" ] && [ "$real" != none ]; then
    row "real traffic (HTTP), tshark -n -r" "$work/real.pcapng" "$work/real-start.pcapng"
    row "real traffic (HTTP), tshark -n -2" "$work/real.pcapng" "$work/real-start.pcapng" -2
    row "real traffic, -T fields -e tcp.stream" "$work/real.pcapng" "$work/real-start.pcapng" -T fields -e tcp.stream
fi
