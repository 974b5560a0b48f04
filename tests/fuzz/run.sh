#!/bin/bash
# Builds the tracker's libFuzzer harness with AddressSanitizer and
# UndefinedBehaviorSanitizer (clang) and runs it.
#   tests/fuzz/run.sh [libFuzzer options]   default: a fixed, bounded run (CI)
#   tests/fuzz/run.sh -max_total_time=3600  an hour of fuzzing
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
clang -g -O1 -std=c11 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
    -I "$top/include" "$top"/core/*.c "$top/tests/fuzz/fuzz_tracker.c" -o "$out/fuzz_tracker"  # the whole core
if [ $# -eq 0 ]; then
    set -- -seed=1 -runs=300000 -max_len=600
fi
"$out/fuzz_tracker" "$@" "$out" 2>&1 | tail -5
