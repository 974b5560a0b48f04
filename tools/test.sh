#!/bin/bash
# Runs every test: the tracker's unit tests and the real tshark/sharkd tests
# (ctest), then Wireshark's own source checkers (tools/wireshark-checks.sh).
# TCPPHASE_SKIP_WS_CHECKS=1 skips the checkers: tools/matrix.sh sets it, as
# the Debian mirror serves only bookworm's Wireshark source (4.0.17).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/tools/build.sh"
ctest --test-dir "$top/build" --output-on-failure -j"$(nproc)"
if [ "${TCPPHASE_SKIP_WS_CHECKS:-0}" != 1 ]; then
    "$top/tools/wireshark-checks.sh"
fi
