#!/bin/bash
# Installs what tcpphase needs to build and test on Debian/Ubuntu, if missing.
set -euo pipefail

packages=(tshark libwireshark-dev libwiretap-dev wireshark-dev libglib2.0-dev cmake make gcc
          pkg-config python3
          # memcheck (tests/memcheck.py)
          valgrind
          # the GUI test: Wireshark's Qt GUI under Xvfb, driven by xdotool, read back by OCR
          wireshark xvfb xdotool imagemagick tesseract-ocr tesseract-ocr-eng)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing: ${missing[*]}"
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
"${as_root[@]}" apt-get update -q
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}"
