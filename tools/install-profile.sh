#!/bin/bash
# Installs the Wireshark configuration profile "tcpphase" (columns and their
# widths, colouring rules, filter buttons) for the current user, or into
# DEST; pick it in Edit → Configuration Profiles, or run tshark -C tcpphase.
# A profile's colorfilters file replaces Wireshark's default rules, so the
# installed one is tcpphase's rules followed by this Wireshark's defaults
# (Bad TCP, TCP RST, ...): first match wins, tcpphase's rows keep their
# colours and every other row keeps Wireshark's.
#   tools/install-profile.sh [DEST]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
dest=${1:-"${XDG_CONFIG_HOME:-$HOME/.config}/wireshark/profiles/tcpphase"}
defaults=${WIRESHARK_COLORFILTERS:-/usr/share/wireshark/colorfilters}
mkdir -p "$dest"
cp "$top/profile/tcpphase/"* "$dest/"
if [ -r "$defaults" ]; then
    { echo "# Wireshark's default colouring rules ($defaults), after tcpphase's"; grep '^[@!]' "$defaults"; } \
        >> "$dest/colorfilters"
else
    echo "install-profile.sh: no $defaults: the profile has tcpphase's colouring rules only" >&2
fi
echo "installed the tcpphase profile in $dest"
