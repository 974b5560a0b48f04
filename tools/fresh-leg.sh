#!/bin/bash
# Runs the README's test command (tools/test.sh) in a Debian chroot made
# fresh for this run from a minbase debootstrap, so that every package the
# project needs must come from tools/install-deps.sh: nothing installed by
# hand on this machine helps, nothing installed by an earlier run is kept.
#   tools/fresh-leg.sh bookworm|trixie|sid   (Wireshark 4.0 | 4.4 | 4.6)
# Only the bare minbase system is cached, as a tarball made once by
# debootstrap ($TCPPHASE_CACHE, default /var/tmp/tcpphase-cache); the chroot
# unpacked from it is deleted when the leg ends. Extra arguments go to
# tools/test.sh. Set TCPPHASE_SKIP_WS_CHECKS=1 to skip Wireshark's source
# checkers (Debian's mirror serves the source of bookworm's Wireshark only).
# Needs root (or sudo), the network to Debian's mirror and ../shared.
set -euo pipefail
suite=${1:-}
case "$suite" in
    bookworm|trixie|sid) shift ;;
    *) echo "usage: tools/fresh-leg.sh bookworm|trixie|sid [tools/test.sh arguments]" >&2; exit 2 ;;
esac
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${TCPPHASE_CACHE:-/var/tmp/tcpphase-cache}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
export DEBIAN_FRONTEND=noninteractive

if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
        exec sudo -E "$0" "$suite" "$@"
    fi
    echo "tools/fresh-leg.sh makes a chroot and needs root: run it as root or with sudo" >&2
    exit 2
fi
if [ ! -d "$top/../shared/captures" ]; then
    echo "no ../shared/captures beside the project ($top/../shared): the tests read the shared captures there;" >&2
    echo "clone the project next to the steering repo's shared/ folder" >&2
    exit 2
fi

fetch_check() {
    # Debian's mirror must answer: say so now rather than half-way through debootstrap
    if ! "$top/tools/apt-reachable.sh" "$mirror/dists/$suite/Release"; then
        echo "Debian's mirror $mirror does not answer: tools/fresh-leg.sh needs it for debootstrap" >&2
        echo "and apt-get; set DEBIAN_MIRROR to a reachable mirror" >&2
        exit 2
    fi
}

tarball="$cache/minbase-$suite.tar"
if [ ! -s "$tarball" ]; then
    fetch_check
    command -v debootstrap >/dev/null || { apt-get update -q && apt-get install -y -q debootstrap; } >/dev/null
    mkdir -p "$cache"
    made=$(mktemp -d "$cache/make-$suite.XXXXXX")
    chmod 755 "$made"
    echo "debootstrap --variant=minbase $suite (cached as $tarball)"
    if ! debootstrap --variant=minbase --include=eatmydata "$suite" "$made" "$mirror" >"$cache/$suite.log" 2>&1; then
        tail -20 "$cache/$suite.log" >&2
        rm -rf "$made"
        echo "debootstrap $suite failed: see $cache/$suite.log" >&2
        exit 1
    fi
    tar cf "$tarball.part" -C "$made" . && mv "$tarball.part" "$tarball"
    rm -rf "$made"
fi

root=$(mktemp -d "/var/tmp/tcpphase-leg-$suite.XXXXXX")
cleanup() {
    umount "$root/proc" 2>/dev/null || true
    rm -rf --one-file-system "$root"
}
trap cleanup EXIT
tar xf "$tarball" -C "$root"
# mktemp makes 0700 directories, and tar gives "." the mode it was packed
# with: apt's _apt and the tests' uid 65534 must be able to enter /
chmod 755 "$root"
# sid's Release file on the mirror can be older than its Valid-Until
echo 'Acquire::Check-Valid-Until "false";' > "$root/etc/apt/apt.conf.d/99tcpphase"
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
mount -t proc proc "$root/proc"   # valgrind (tests/memcheck.py) needs /proc

mkdir -p "$root/work/main"
(cd "$top" && tar cf - --exclude=./build --exclude=./.git .) | tar xf - -C "$root/work/main"
cp -r "$top/../shared" "$root/work/shared"
echo "== $suite: tools/test.sh $* in a fresh minbase chroot"
chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
    TCPPHASE_SKIP_WS_CHECKS="${TCPPHASE_SKIP_WS_CHECKS:-0}" \
    eatmydata bash -c 'cd /work/main && tools/test.sh "$@"' test.sh "$@"
