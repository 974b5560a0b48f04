#!/bin/bash
# Installs what tcpphase needs to build and test on Debian/Ubuntu, if missing.
set -euo pipefail

packages=(tshark libwireshark-dev libwiretap-dev wireshark-dev libglib2.0-dev cmake make gcc
          pkg-config python3)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo -E apt-get install -y -q --no-install-recommends "${missing[@]}"
