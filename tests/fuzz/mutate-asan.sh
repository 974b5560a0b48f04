#!/bin/bash
# tests/fuzz/mutate.py with the ASan/UBSan build of the plugin (built by
# tests/fuzz/asan-build.sh); fails on a sanitizer report too. The fields are
# listed by the release build (--build, default build/).
#   tests/fuzz/mutate-asan.sh [--build RELEASE] COUNT [SEED]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
release="$here/../../build"
if [ "${1:-}" = "--build" ]; then release=$2; shift 2; fi
asan=$("$here/asan-build.sh")
exec /usr/bin/python3 "$here/mutate.py" --build "$asan" --asan --release "$release" "$@"
