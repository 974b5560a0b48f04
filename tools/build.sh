#!/bin/bash
# Configures and builds tcpphase into build/ (dependencies installed first).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/tools/install-deps.sh"
cmake -S "$top" -B "$top/build" -DTCPPHASE_WERROR=ON "$@" >/dev/null
cmake --build "$top/build" -j"$(nproc)"
