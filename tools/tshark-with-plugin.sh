#!/bin/bash
# Runs tshark (or another Wireshark program: TSHARK=sharkd) with the plugin
# from build/, without installing it. As root, Wireshark ignores
# WIRESHARK_PLUGIN_DIR, so a root caller runs it as user nobody on copies.
#   tools/tshark-with-plugin.sh -r sample-captures/normal-client-close.pcap
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
program=${TSHARK:-tshark}
[ -d "$top/build/plugins" ] || { echo "build first: tools/build.sh" >&2; exit 1; }

if [ "$(id -u)" -ne 0 ]; then
    exec env WIRESHARK_PLUGIN_DIR="$top/build/plugins" "$program" "$@"
fi
sandbox=$(mktemp -d)
trap 'rm -rf "$sandbox"' EXIT
chmod 755 "$sandbox"
cp -r "$top/build/plugins" "$sandbox/plugins"
mkdir "$sandbox/home" && chown nobody: "$sandbox/home"
args=()
for a in "$@"; do
    if [ -f "$a" ]; then # a capture: hand nobody a readable copy
        cp "$a" "$sandbox/" && a="$sandbox/$(basename "$a")"
    fi
    args+=("$a")
done
chmod -R a+rX "$sandbox/plugins" "$sandbox"/*.pcap* 2>/dev/null || true
setpriv --reuid=nobody --regid=nogroup --clear-groups \
    env HOME="$sandbox/home" WIRESHARK_PLUGIN_DIR="$sandbox/plugins" "$program" "${args[@]}"
