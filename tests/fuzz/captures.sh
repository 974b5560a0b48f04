#!/bin/bash
# Capture fuzzer in the style of Wireshark's tools/fuzz-test.sh: every sample
# capture and every shared capture, concatenated into one pcapng (mergecap),
# is mutated with `editcap -E` (each byte of a packet may be replaced) and
# read by tshark with tcpphase built with AddressSanitizer and
# UndefinedBehaviorSanitizer (gcc; the ASan runtime is preloaded into the
# uninstrumented tshark), three ways: one pass with the full tree (-V, the
# Info ladder on), two passes with the tracker in pass 1
# (-2, tcpphase.two_pass), and the statistics, report and expert taps.
# Fails on a crash, a hang (timeout), a sanitizer report or a dissector bug
# in tcpphase. A crash that plain tshark without the plugin also has on the
# same file is Wireshark's: reported, not counted. Mutated files that fail
# are kept in $TCPPHASE_FUZZ_OUT (default /var/tmp/tcpphase-fuzz).
#   tests/fuzz/captures.sh [iterations=4] [first seed=1]
#   tests/fuzz/captures.sh 100000 "$RANDOM"     for hours
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
iterations=${1:-4}
seed=${2:-1}
keep=${TCPPHASE_FUZZ_OUT:-/var/tmp/tcpphase-fuzz}
probability=${TCPPHASE_FUZZ_PROBABILITY:-0.02}
build=$("$top/tests/fuzz/asan-build.sh") || exit 1
asan=$(gcc -print-file-name=libasan.so)

work=$(mktemp -d)
trap '[ -n "${TCPPHASE_FUZZ_KEEP_WORK:-}" ] || rm -rf "$work"' EXIT
chmod 755 "$work"
cp -r "$build/plugins" "$work/plugins"
mkdir -p "$work/home" "$keep"
shopt -s nullglob
mergecap -a -F pcapng -w "$work/all.pcapng" "$top"/sample-captures/*.pcap "$top"/sample-captures/*.pcapng \
    "$top"/../shared/captures/*.pcap "$top"/../shared/captures/*.pcapng || exit 1
chmod -R a+rX "$work"
as_user=()
if [ "$(id -u)" -eq 0 ]; then
    chown nobody: "$work/home"
    as_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
fi

# tshark_run PLUGINS(yes|no) OUT ARGS...: exit status of tshark; stdout+stderr in OUT
tshark_run() {
    local with=$1 out=$2; shift 2
    local env=(PATH=/usr/bin:/bin HOME="$work/home" LC_ALL=C.UTF-8)
    if [ "$with" = yes ]; then
        env+=(WIRESHARK_PLUGIN_DIR="$work/plugins" LD_PRELOAD="$asan"
              WIRESHARK_DEBUG_WMEM_OVERRIDE=simple
              ASAN_OPTIONS=detect_leaks=0:halt_on_error=1:abort_on_error=0
              UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1)
    else
        env+=(WIRESHARK_PLUGIN_DIR="$work/none")
    fi
    "${as_user[@]}" env -i "${env[@]}" timeout 300 tshark -n "$@" >"$out" 2>&1
}

modes=("-V -o tcpphase.info_ladder:TRUE"
       "-2 -V -o tcpphase.two_pass:TRUE"
       "-q -z tcpphase,tree -z tcpphase,conns -z tcpphase,conntable -z expert")
failures=0 wireshark_crashes=0 runs=0
for ((i = 0; i < iterations; i++, seed++)); do
    fuzzed="$work/fuzz-$seed.pcapng"
    editcap -E "$probability" --seed "$seed" "$work/all.pcapng" "$fuzzed" >/dev/null 2>&1 || continue
    chmod a+r "$fuzzed"
    for mode in "${modes[@]}"; do
        runs=$((runs + 1))
        # shellcheck disable=SC2086
        tshark_run yes "$work/out" -r "$fuzzed" $mode
        status=$?
        problem=""
        if [ $status -eq 124 ]; then problem="hang (no end after 300 s)"
        elif grep -aqE "AddressSanitizer|runtime error:|UndefinedBehaviorSanitizer" "$work/out"; then
            problem="sanitizer report"
        elif grep -aq "Dissector bug, protocol TCPPHASE" "$work/out"; then problem="dissector bug in tcpphase"
        elif [ $status -ge 128 ] || [ $status -eq 134 ]; then problem="crash (status $status)"
        fi
        if [ -n "$problem" ] && [ "${problem#crash}" != "$problem" ]; then
            # shellcheck disable=SC2086
            tshark_run no "$work/plain" -r "$fuzzed" $mode
            if [ $? -ge 128 ]; then
                echo "note: seed $seed ($mode): Wireshark crashes without tcpphase too: not counted"
                wireshark_crashes=$((wireshark_crashes + 1))
                problem=""
            fi
        fi
        if [ -n "$problem" ]; then
            failures=$((failures + 1))
            cp "$fuzzed" "$keep/"
            cp "$work/out" "$keep/fuzz-$seed.log"
            echo "FAIL seed $seed, tshark $mode: $problem; kept $keep/fuzz-$seed.pcapng"
            grep -aE -A12 "ERROR: AddressSanitizer|runtime error:" "$work/out" | head -30
        fi
    done
done
echo "$iterations mutated captures ($(capinfos -c -M "$work/all.pcapng" | awk '/packets/ {print $NF}') packets each, byte error probability $probability), $runs tshark runs: $failures failed, $wireshark_crashes Wireshark crashes not counted"
[ $failures -eq 0 ]
