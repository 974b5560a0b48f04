#!/bin/bash
# Runs every test: the tracker's unit tests and the real tshark/sharkd tests.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/tools/build.sh"
ctest --test-dir "$top/build" --output-on-failure -j"$(nproc)"
