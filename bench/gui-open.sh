#!/bin/bash
# What tcpphase costs a person who opens a big capture in the Wireshark GUI
# (issue 18): the real GUI under Xvfb opens the benchmark's capture
# (bench/gen.py, about 1M packets at the default 110,000 connections)
# without a plugin, with the floor plugin (bench/floor) and with tcpphase,
# alternating, and prints for each the time to load it and the peak RSS.
# Loading is done when the GUI stops using the CPU: /proc/PID/stat is read
# every 0.1 s, and the GUI counts as idle once its CPU time has not grown
# for 3 s (after its first 0.3 s of CPU: before that it is starting); the load time is the wall-clock time from the start to the last
# growth, and the CPU time to then (start-up included: the same for all).
# Peak RSS is VmHWM. The GUI runs as nobody when root (Wireshark as root
# ignores WIRESHARK_PLUGIN_DIR), with the default profile (its coloring
# rules make the packet list build a tree nobody shows, as for everyone).
# Needs a build (tools/build.sh), wireshark (Qt), xvfb and xdotool.
#   bench/gui-open.sh [connections=110000] [repetitions=2]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
conns=${1:-110000}
reps=${2:-2}
display=${DISPLAY_NUMBER:-:93} # a display of its own: the GUI tests use others
. "$top/bench/setup.sh"
trap 'kill "${gui_pid:-}" "${xvfb_pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
/usr/bin/python3 "$top/bench/gen.py" "$work/big.pcap" "$conns"
mkdir -p "$work/home/.config/wireshark"
printf 'privs.warn_if_elevated: FALSE\ngui.geometry_main_maximized: FALSE\n' > "$work/home/.config/wireshark/recent_common"
chmod -R a+rX "$work"
[ "$(id -u)" -eq 0 ] && chown -R nobody: "$work/home"
packets=$(capinfos -c -M "$work/big.pcap" | awk '/Number of packets/ {print $4}')

Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp -noreset >"$work/xvfb.log" 2>&1 &
xvfb_pid=$!
for _ in $(seq 1 600); do
    kill -0 "$xvfb_pid" 2>/dev/null || { echo "Xvfb $display did not start (in use?):" >&2; cat "$work/xvfb.log" >&2; exit 1; }
    DISPLAY=$display xdotool getdisplaygeometry >/dev/null 2>&1 && break
    sleep 0.1
done

tick=$(getconf CLK_TCK)
# open PLUGIN_DIR: prints "load_seconds cpu_seconds peak_rss_kb"
open_capture() {
    local start now cpu last_cpu=-1 last_change idle_for pid
    start=$(date +%s.%N)
    "${as_user[@]}" env -i PATH=/usr/bin:/bin DISPLAY="$display" HOME="$work/home" XDG_RUNTIME_DIR="$work/home" \
        LANG=C.UTF-8 WIRESHARK_PLUGIN_DIR="$work/$1" wireshark -r "$work/big.pcap" >"$work/gui.log" 2>&1 &
    gui_pid=$!
    pid=$gui_pid
    last_change=$start
    while :; do
        sleep 0.1
        [ -r "/proc/$pid/stat" ] || { echo "the GUI exited:" >&2; tail -5 "$work/gui.log" >&2; exit 1; }
        # utime + stime, fields 14 and 15 (the command name has no spaces here)
        cpu=$(awk '{print $14 + $15}' "/proc/$pid/stat")
        now=$(date +%s.%N)
        if [ "$cpu" != "$last_cpu" ]; then
            last_cpu=$cpu
            last_change=$now
            rss=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status")
        fi
        idle_for=$(echo "$now - $last_change" | bc)
        if [ "$(echo "$idle_for > 3" | bc)" -eq 1 ] && [ "$(echo "$last_cpu > 30" | bc)" -eq 1 ]; then
            break
        fi
    done
    rss=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status")
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    gui_pid=
    echo "$(echo "$last_change - $start" | bc) $(echo "scale=2; $last_cpu / $tick" | bc) $rss"
}

echo "Wireshark GUI opening $packets packets ($conns connections), best of $reps; load time, CPU time, peak RSS"
for _ in $(seq "$reps"); do
    for dir in without floor with; do
        echo "$dir $(open_capture "$dir")" >> "$work/results"
    done
done
awk '{ if (!($1 in t) || $2 < t[$1]) t[$1] = $2
       if (!($1 in c) || $3 < c[$1]) c[$1] = $3
       if (!($1 in m) || $4 < m[$1]) m[$1] = $4 }
     END {
       split("without floor with", order, " ")
       for (i = 1; i <= 3; i++) {
           k = order[i]
           printf "%-8s load %6.2f s  CPU %6.2f s  peak RSS %5.0f MB   vs none: load %.3f CPU %.3f RSS %.3f\n",
                  k == "with" ? "tcpphase" : k == "without" ? "none" : "floor", t[k], c[k], m[k] / 1024,
                  t[k] / t["without"], c[k] / c["without"], m[k] / m["without"]
       }
       printf "tcpphase/floor: load %.3f  CPU %.3f  peak RSS %.3f\n", t["with"] / t["floor"], c["with"] / c["floor"],
              m["with"] / m["floor"]
     }' "$work/results"
