#!/bin/bash
# Two builds of tcpphase side by side, on the same captures in one run:
# this tree's build and the one of a git revision (built here in a
# throw-away worktree). For each capture it prints, for both builds, the
# instructions a packet inside the plugin (callgrind counting only while
# dissect_tcpphase runs: no tshark start-up, no other dissector, so a change
# of a few instructions a packet shows), and checks that the two builds
# print the same in every tshark mode tools/same-output.sh tries.
# Whole-tshark counts drift by tens of instructions a packet between runs;
# these do not, which is why a change is judged here (issue 18).
# Needs valgrind and a build (tools/build.sh).
#   bench/side-by-side.sh REVISION [capture...]   (default: bench/gen.py, 5,000 connections)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
rev=${1:?usage: bench/side-by-side.sh REVISION [capture...]}
shift
. "$top/bench/setup.sh"
git -C "$top" worktree add -q --detach "$work/src" "$rev"
trap 'git -C "$top" worktree remove --force "$work/src"; rm -rf "$work"' EXIT
cmake -S "$work/src" -B "$work/src/build" >/dev/null
cmake --build "$work/src/build" -j"$(nproc)" --target tcpphase >/dev/null
cp -r "$work/src/build/plugins" "$work/base"
caps=("$@")
if [ ${#caps[@]} -eq 0 ]; then
    /usr/bin/python3 "$top/bench/gen.py" "$work/gen.pcap" 5000
    caps=("$work/gen.pcap")
fi
chmod -R a+rX "$work"

# inside DIR CAPTURE: instructions inside dissect_tcpphase (and what it calls)
inside() {
    "${as_user[@]}" env -i PATH=/usr/bin:/bin HOME="$work/home" WIRESHARK_PLUGIN_DIR="$work/$1" "${fixed_seed[@]}" \
        valgrind --tool=callgrind --toggle-collect=dissect_tcpphase --callgrind-out-file=/dev/null \
        tshark -n -r "$2" >/dev/null 2>"$work/home/err" || { cat "$work/home/err" >&2; exit 1; }
    awk '/Collected :/ {print $4}' "$work/home/err"
}

for cap in "${caps[@]}"; do
    packets=$(capinfos -c -M "$cap" | awk '/Number of packets/ {print $4}')
    base=$(inside base "$cap")
    now=$(inside with "$cap")
    awk -v name="$(basename "$cap")" -v n="$packets" -v b="$base" -v w="$now" -v rev="$rev" 'BEGIN {
        printf "%-28s %8d pkts  inside the plugin a packet: %s %8.1f  this tree %8.1f  (%+.1f, %+.2f %%)\n",
               name, n, rev, b / n, w / n, (w - b) / n, 100 * (w - b) / b }'
    "$top/tools/same-output.sh" "$work/base" "$work/with" "$cap"
done
