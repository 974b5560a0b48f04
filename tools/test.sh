#!/bin/bash
# The README's test command: installs what is missing, builds warning-free,
# runs every ctest test (all labels: fast, gui, memcheck, fuzz, big,
# package), then Wireshark's own source checkers (tools/wireshark-checks.sh).
# While developing, `ctest --test-dir build -L fast` is enough (see README).
# TCPPHASE_SKIP_WS_CHECKS=1 skips the checkers (CI's 4.4 and 4.6 legs: the
# Debian mirror serves only bookworm's Wireshark source, 4.0.17).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -d "$top/../shared/captures" ]; then
    echo "tools/test.sh: no ../shared/captures beside the project ($top/../shared)." >&2
    echo "The golden and oracle tests read the third-party captures there: clone the project" >&2
    echo "next to the steering repo's shared/ folder, then run tools/test.sh again." >&2
    exit 2
fi
start=$SECONDS
"$top/tools/build.sh"
ctest --test-dir "$top/build" --output-on-failure -j"$(nproc)"
if [ "${TCPPHASE_SKIP_WS_CHECKS:-0}" != 1 ]; then
    "$top/tools/wireshark-checks.sh"
fi
echo "tools/test.sh: all tests passed in $((SECONDS - start)) s"
