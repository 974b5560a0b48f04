#!/bin/bash
# Benchmark: tshark with and without tcpphase on a large synthetic capture,
# alternating runs in the same session, printing time and peak memory ratios
# (plugin / no plugin): of elapsed and of CPU time, each the fastest of the
# repetitions, and of the median peak RSS. Needs a build (tools/build.sh)
# and GNU time.
#   bench/run.sh [connections=110000] [repetitions=3]
# Targets (issue 6): plain read <= 1.03, fields <= 1.10, -2 <= 1.05,
# memory <= 1.10.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
conns=${1:-110000}
reps=${2:-3}
. "$top/bench/setup.sh"
/usr/bin/python3 "$top/bench/gen.py" "$work/big.pcap" "$conns"
/usr/bin/python3 "$top/bench/gen.py" "$work/flood.pcap" 1000000 --syn-flood
/usr/bin/python3 "$top/bench/gen.py" "$work/flood100k.pcap" 100000 --syn-flood
/usr/bin/python3 "$top/bench/gen.py" "$work/one.pcap" 1000000 --one-connection
chmod -R a+rX "$work"
echo "capture: $(capinfos -c -M "$work/big.pcap" | awk '/Number of packets/ {print $4}') packets, $conns connections"

# run PLUGIN_DIR ARGS...: prints "elapsed_s cpu_s max_rss_kb"
run() {
    local dir=$1; shift
    "${as_user[@]}" env -i PATH=/usr/bin:/bin HOME="$work/home" WIRESHARK_PLUGIN_DIR="$work/$dir" \
        /usr/bin/time -f "%e %U %S %M" -o "$work/home/time" tshark -n "$@" >/dev/null 2>"$work/home/err" || {
        cat "$work/home/err" >&2; exit 1; }
    awk '{print $1, $2 + $3, $4}' "$work/home/time"
}

# best REPS-LINES: the fastest elapsed and CPU time (noise on a shared
# machine only ever adds time) and the median peak RSS
best() {
    awk '{e[NR] = $1; c[NR] = $2; m[NR] = $3}
        END {be = e[1]; bc = c[1]
             for (i = 2; i <= NR; i++) { if (e[i] < be) be = e[i]; if (c[i] < bc) bc = c[i] }
             for (i = 2; i <= NR; i++)           # insertion sort of the RSS figures
                 for (j = i; j > 1 && m[j - 1] > m[j]; j--) { t = m[j]; m[j] = m[j - 1]; m[j - 1] = t }
             print be, bc, m[int((NR + 1) / 2)]}'
}

# measure KEY NAME "ARGS with plugin" "ARGS without" [PLUGIN_DIR=with]:
# alternate; keeps best's figures in $work/KEY.with and $work/KEY.without
# ("elapsed_s cpu_s max_rss_kb")
measure() {
    local key=$1 name=$2 with=$3 without=$4 dir=${5:-with} a=() b=()
    for _ in $(seq "$reps"); do
        a+=("$(eval run "$dir" "$with")")
        b+=("$(eval run without "$without")")
    done
    printf '%s\n' "${a[@]}" | best > "$work/$key.with"
    printf '%s\n' "${b[@]}" | best > "$work/$key.without"
    paste -d' ' "$work/$key.with" "$work/$key.without" | awk -v name="$name" '{
        printf "%-34s time %6.2fs vs %6.2fs  ratio %.3f   CPU ratio %.3f   peak RSS %5.0f MB vs %5.0f MB  ratio %.3f\n",
               name, $1, $4, $1 / $4, $2 / $5, $3 / 1024, $6 / 1024, $3 / $6 }'
}

big="$work/big.pcap"
measure a "(a) tshark -r" "-r $big" "-r $big"
# The floor plugin (bench/floor/floor.c) does only what any post-dissector
# reading the tcp tap must: what of (a) is Wireshark's per-frame price.
measure floor "(a) floor: post-dissector + tcp tap" "-r $big" "-r $big" floor
measure b "(b) -T fields" \
    "-r $big -T fields -e tcpphase.label -e tcpphase.state.client" \
    "-r $big -T fields -e tcp.flags.str -e tcp.stream"
measure c "(c) tshark -2" "-2 -r $big" "-2 -r $big"
measure flood "SYN flood, 1M distinct SYNs" "-r $work/flood.pcap" "-r $work/flood.pcap"
measure flood100k "SYN flood, 100k distinct SYNs" "-r $work/flood100k.pcap" "-r $work/flood100k.pcap"
measure one "1 connection, 1M segments" "-r $work/one.pcap" "-r $work/one.pcap"

paste -d' ' "$work/a.with" "$work/a.without" "$work/floor.with" "$work/floor.without" | awk '{
    added = $2 / $5 - 1
    if (added > 0)
        printf "of (a)'"'"'s added CPU time, the floor (calling a post-dissector, tapping tcp) is %.0f %%\n",
               100 * ($8 / $11 - 1) / added }'

# what tcpphase adds beyond the floor (issue 18): its run against the floor's
paste -d' ' "$work/a.with" "$work/floor.with" | awk '{
    printf "tcpphase/floor on (a): time %.3f  CPU %.3f  peak RSS %.3f\n", $1 / $4, $2 / $5, $3 / $6 }'

# added KEY: kilobytes of peak RSS the plugin adds in run KEY
added() { paste -d' ' "$work/$1.with" "$work/$1.without" | awk '{print $3 - $6}'; }
per_frame=$(awk -v kb="$(added one)" 'BEGIN {printf "%.0f", kb * 1024 / 1000000}')
per_conn=$(awk -v kb="$(added flood)" -v f="$per_frame" 'BEGIN {printf "%.0f", kb * 1024 / 1000000 - f}')
echo "memory tcpphase adds: $per_frame bytes per segment (1 connection of 1M segments)," \
     "$per_conn bytes per connection (1M SYN flood, less the per-segment part)"
awk -v small="$(added flood100k)" -v big="$(added flood)" 'BEGIN {
    printf "10x the connections (SYN flood 100k -> 1M): %.2fx the added memory (flat if <= 10)\n", big / small }'
