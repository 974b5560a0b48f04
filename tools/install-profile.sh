#!/bin/bash
# Installs the Wireshark configuration profile "tcpphase" (columns, colouring
# rules, filter buttons) for the current user; pick it in Edit →
# Configuration Profiles, or run tshark -C tcpphase.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
dest="${XDG_CONFIG_HOME:-$HOME/.config}/wireshark/profiles/tcpphase"
mkdir -p "$dest"
cp "$top/profile/tcpphase/"* "$dest/"
echo "installed the tcpphase profile in $dest"
