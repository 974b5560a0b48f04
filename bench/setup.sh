# Sourced by the bench scripts: a work dir (removed on exit) with the three
# plugin dirs tshark is run with (with: tcpphase, floor: bench/floor,
# without: none) and a home for tshark; as_user runs it unprivileged when
# root (as root tshark ignores WIRESHARK_PLUGIN_DIR); fixed_seed is the
# environment that makes valgrind's counts of one build repeat
# (bench/fixed-seed.c; BENCH_SEED picks the seed, default 1). Needs $top.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
[ -d "$top/build/plugins" ] && [ -d "$top/build/bench-floor" ] || "$top/tools/build.sh"
cp -r "$top/build/plugins" "$work/with"
cp -r "$top/build/bench-floor" "$work/floor"
mkdir -p "$work/without" "$work/home"
cc -shared -fPIC -O2 -o "$work/fixed-seed.so" "$top/bench/fixed-seed.c"
fixed_seed=(LD_PRELOAD="$work/fixed-seed.so" BENCH_SEED="${BENCH_SEED:-1}")
as_user=()
if [ "$(id -u)" -eq 0 ]; then
    chown nobody: "$work/home"
    as_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
fi
