#!/bin/bash
# Installs what tcpphase needs to build and test on Debian/Ubuntu, if missing.
# Every package the README's commands use is listed here: CI runs them in a
# chroot made fresh from a minbase debootstrap (tools/fresh-leg.sh), so a
# package missing from this list fails CI.
set -euo pipefail

packages=(tshark libwireshark-dev libwiretap-dev wireshark-dev libglib2.0-dev cmake make gcc
          pkg-config python3
          # the README's JSON and EK examples (tests/readme_examples.py)
          jq
          # Wireshark's source checkers (tools/wireshark-checks.sh): perl, the .tar.bz2 source
          perl bzip2 xz-utils
          # memcheck (tests/memcheck.py); the tracker's libFuzzer test (tests/fuzz/run.sh)
          valgrind clang libclang-rt-dev
          # the GUI test: Wireshark's Qt GUI under Xvfb, driven by xdotool, read back by OCR
          wireshark xvfb xdotool imagemagick tesseract-ocr tesseract-ocr-eng)
# The agreement test with a live Suricata 7 (tools/suricata-agree.py): on
# Debian trixie, whose suricata is the 7.0 the script's mapping was read from
# (bookworm has 6, sid 8).
codename=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
[ "$codename" = trixie ] && packages+=(suricata)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing: ${missing[*]}"
as_root=()
if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null; then
        echo "tools/install-deps.sh: these packages are missing and installing them needs root, but" >&2
        echo "there is no sudo here. As root, run:  apt-get install ${missing[*]}" >&2
        echo "then run the command again." >&2
        exit 2
    fi
    as_root=(sudo)
fi
if ! "${as_root[@]}" apt-get update -q; then
    echo "tools/install-deps.sh: apt-get update failed: is the network to the Debian mirror down?" >&2
    echo "Without it, install these packages another way and run the command again: ${missing[*]}" >&2
    exit 2
fi
if ! "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q --no-install-recommends "${missing[@]}"; then
    echo "tools/install-deps.sh: apt-get install failed (see above); the packages tcpphase needs are:" >&2
    echo "  ${missing[*]}" >&2
    exit 2
fi
