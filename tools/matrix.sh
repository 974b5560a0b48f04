#!/bin/bash
# Builds tcpphase and runs the whole test suite against the Wireshark of
# another Debian release, in a debootstrap chroot: trixie (4.4), sid (4.6).
# Run as root. The chroot is kept in $TCPPHASE_CHROOTS (default
# /var/tmp/tcpphase-chroots) and reused; the project and ../shared are
# copied in fresh each time.
#   tools/matrix.sh trixie|sid
set -euo pipefail
suite=${1:?usage: tools/matrix.sh trixie|sid}
top=$(cd "$(dirname "$0")/.." && pwd)
chroots=${TCPPHASE_CHROOTS:-/var/tmp/tcpphase-chroots}
root="$chroots/$suite"
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
export DEBIAN_FRONTEND=noninteractive

if [ ! -x "$root/usr/bin/apt-get" ]; then
    command -v debootstrap >/dev/null || { apt-get update -q && apt-get install -y -q debootstrap; }
    mkdir -p "$chroots"
    debootstrap --variant=minbase --include=eatmydata "$suite" "$root" "$mirror" >"$chroots/$suite.log"
    echo "wireshark-common wireshark-common/install-setuid boolean false" | chroot "$root" debconf-set-selections
    # sid's Release file on the mirror can be older than its Valid-Until
    echo 'Acquire::Check-Valid-Until "false";' > "$root/etc/apt/apt.conf.d/99tcpphase"
fi

# valgrind (tests/memcheck.py) needs /proc
if ! mountpoint -q "$root/proc"; then
    mount -t proc proc "$root/proc"
    trap 'umount "$root/proc" 2>/dev/null || true' EXIT
fi

rm -rf "$root/work"
mkdir -p "$root/work/main"
(cd "$top" && tar cf - --exclude=./build --exclude=./.git .) | tar xf - -C "$root/work/main"
cp -r "$top/../shared" "$root/work/shared"
chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
    TCPPHASE_SKIP_WS_CHECKS=1 eatmydata bash -c "cd /work/main && tools/test.sh"
