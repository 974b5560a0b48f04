#!/bin/bash
# Builds the plugin with AddressSanitizer and UndefinedBehaviorSanitizer
# (gcc) in build/asan (inside build/: never copied or committed), for
# tests/fuzz/captures.sh and tests/fuzz/mutate.py --asan.
#   tests/fuzz/asan-build.sh     prints the build directory
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build="$top/build/asan"
sanitize="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DTCPPHASE_WERROR=ON \
    -DCMAKE_C_FLAGS="$sanitize -O1" -DCMAKE_MODULE_LINKER_FLAGS="$sanitize" >/dev/null
cmake --build "$build" --target tcpphase -j"$(nproc)" >/dev/null
echo "$build"
