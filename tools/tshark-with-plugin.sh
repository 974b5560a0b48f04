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
    # After the README's personal install, the personal plugin dir has a
    # tcpphase.so too, and Wireshark warns that it found the plugin twice:
    # then run with a home of its own that shares the user's configuration
    # (profiles, preferences) but not the personal plugins.
    if compgen -G "$HOME/.local/lib/wireshark/plugins/*/epan/tcpphase.so" >/dev/null; then
        home=$(mktemp -d)
        trap 'rm -rf "$home"' EXIT
        [ -d "$HOME/.config/wireshark" ] && mkdir -p "$home/.config" && ln -s "$HOME/.config/wireshark" "$home/.config/wireshark"
        HOME="$home" WIRESHARK_PLUGIN_DIR="$top/build/plugins" "$program" "$@"
        exit
    fi
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
