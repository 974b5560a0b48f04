#!/bin/bash
# Runs the real Wireshark GUI under Xvfb with the plugin from build/ on a
# sample capture and saves screenshots in docs/ (packet list with tcpphase
# columns and the tcpphase tree, Expert Information, the statistics tree and
# the connection table). Needs wireshark-qt (Debian 12) or wireshark, xvfb,
# xdotool and imagemagick; run as root or a user (the GUI runs as nobody
# when root, because Wireshark as root ignores WIRESHARK_PLUGIN_DIR).
#   tools/gui-screenshots.sh [capture] [outdir]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
capture=${1:-}
capture=${capture:-$top/sample-captures/anomaly-syn-in-established.pcap}
out=${2:-$top/docs}
display=${DISPLAY_NUMBER:-:97}
[ -d "$top/build/plugins" ] || "$top/tools/build.sh"
mkdir -p "$out"

work=$(mktemp -d)
cleanup() { kill "${gui_pid:-}" "${xvfb_pid:-}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
chmod 755 "$work"
cp -r "$top/build/plugins" "$work/plugins"
cp "$capture" "$work/capture.pcap"
home="$work/home"
mkdir -p "$home/.config/wireshark"
# window geometry and column widths, so the shots are readable
cat > "$home/.config/wireshark/recent_common" <<'R'
gui.geometry_main_x: 0
gui.geometry_main_y: 0
gui.geometry_main_width: 1600
gui.geometry_main_height: 900
gui.geometry_main_maximized: FALSE
privs.warn_if_elevated: FALSE
R
# the profile as tools/install-profile.sh installs it (its column widths
# included), with the panes sized for the shots
profile="$home/.config/wireshark/profiles/tcpphase"
"$top/tools/install-profile.sh" "$profile" >/dev/null
cat >> "$profile/recent" <<'R'
gui.geometry_main_upper_pane: 330
gui.geometry_main_lower_pane: 1150
R
chmod -R a+rX "$work"
if [ "$(id -u)" -eq 0 ]; then chown -R nobody: "$home"; as_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups); else as_user=(); fi

Xvfb "$display" -screen 0 1600x900x24 -nolisten tcp -noreset >"$work/xvfb.log" 2>&1 &
xvfb_pid=$!
# A fresh system's first Xvfb start is slow (keymaps, font caches) and a GUI
# started before the display answers aborts: wait for it, up to 60 s.
# -noreset: an X server resets when its last client leaves, and a client
# arriving during the reset (the GUI, right after this check) is refused.
up=false
for _ in $(seq 1 600); do
    if DISPLAY=$display xdotool getdisplaygeometry >/dev/null 2>&1; then up=true; break; fi
    sleep 0.1
done
$up || { echo "Xvfb $display did not come up in 60 s:" >&2; cat "$work/xvfb.log" >&2; exit 1; }

shot() { # window-name-pattern file
    local id=""
    for _ in $(seq 1 100); do
        id=$(DISPLAY=$display xdotool search --name "$1" 2>/dev/null | tail -1) && [ -n "$id" ] && break
        sleep 0.2
    done
    if [ -z "$id" ]; then
        echo "no window '$1'; Wireshark said:" >&2
        tail -20 "$work/gui.log" >&2
        return 1
    fi
    sleep 2
    DISPLAY=$display /usr/bin/import -window "$id" "$out/$2"
    echo "$out/$2"
}
gui() { # extra wireshark options...
    "${as_user[@]}" env -i PATH=/usr/bin:/bin DISPLAY="$display" HOME="$home" XDG_RUNTIME_DIR="$home" \
        LANG=C.UTF-8 WIRESHARK_PLUGIN_DIR="$work/plugins" \
        wireshark -C tcpphase -r "${gui_capture:-$work/capture.pcap}" "$@" >"$work/gui.log" 2>&1 &
    gui_pid=$!
}

click() { DISPLAY=$display xdotool mousemove "$1" "$2" click 1; sleep 0.7; }
key() { DISPLAY=$display xdotool key "$@"; sleep 0.7; }
find_window() { # name-pattern: the newest window with that name, or nothing
    local id=""
    for _ in $(seq 1 50); do
        id=$(DISPLAY=$display xdotool search --name "$1" 2>/dev/null | tail -1) && [ -n "$id" ] && break
        sleep 0.2
    done
    echo "$id"
}

# 1. packet list and details: frame 8 selected, the tcpphase subtree expanded
# (no window manager under Xvfb: mouse clicks and plain key presses only)
gui -g 8
shot "capture.pcap" gui-packets.png >/dev/null
click 300 820    # an empty spot of the packet details: focus it, whatever the row height
key End Right    # the last item is tcpphase's: select and expand it
shot "capture.pcap" gui-packets.png

# 2. the statistics trees are at the bottom of the Statistics menu
click 325 10
key Up Up Return
shot "TCP Connection Phase" gui-stats.png
kill "$gui_pid"; wait "$gui_pid" 2>/dev/null || true

# 3. Expert Information, 4. the connection table (both take -z in the GUI)
gui -z expert
shot "Expert Information" gui-expert.png
kill "$gui_pid"; wait "$gui_pid" 2>/dev/null || true
click_text() { # words: clicks them where OCR reads them on the screen (an open menu's entry)
    DISPLAY=$display /usr/bin/import -window root "$work/menu.png"
    local at
    if at=$("$top/tools/find-text.py" "$work/menu.png" "$@"); then
        click $at
    else
        echo "no '$*' on the screen" >&2
        key Escape
    fi
}
menu_entry() { # x of the menu in the menu bar, words of its entry
    local x=$1
    shift
    click "$x" 10
    click_text "$@"
}
# the connection table from the Statistics menu, found there by its name
gui
shot "capture.pcap" gui-conntable.png >/dev/null
menu_entry 325 Connection Phase connection table
table=$(find_window "connection table")
[ -n "$table" ] && DISPLAY=$display xdotool windowsize "$table" 1580 420 windowmove "$table" 0 0
shot "connection table" gui-conntable.png
kill "$gui_pid"; wait "$gui_pid" 2>/dev/null || true

# 5. The ladder: Tools → TCP Connection Phase ladder (funnel.h) asks for a
# connection; connection 1 is drawn into a text window. No window manager
# under Xvfb and menu bars differ between versions: open File, move left to
# Tools (past Help), click the entry found by its name; focus the question
# by its name.
tools_entry() { # words of a Tools menu entry: opens the menu and clicks it
    click 20 10
    key Left Left
    click_text "$@"
}
gui
shot "capture.pcap" gui-ladder.png >/dev/null
tools_entry Phase ladder
question=$(find_window "TCP Connection Phase ladder")
[ -n "$question" ] && DISPLAY=$display xdotool windowfocus --sync "$question" 2>/dev/null
key 1 Return
sleep 1
ladder=$(find_window "TCP Connection Phase ladder")
[ -n "$ladder" ] && DISPLAY=$display xdotool windowsize "$ladder" 760 860 windowmove "$ladder" 0 0
shot "TCP Connection Phase ladder" gui-ladder.png
kill "$gui_pid"; wait "$gui_pid" 2>/dev/null || true

# 6. Statistics → Flow Graph, flow type "TCP Connection Phase", on a
# loopback capture: one node per endpoint (address and port), each arrow's
# step short ("SYN 1/3"), both transitions in the comment. The dialog opens on
# "All Flows": the flow type box is found right of its label, and typing
# picks the entry from the open list.
cp "$top/sample-captures/loopback-server-close.pcapng" "$work/loopback.pcapng"
chmod a+r "$work/loopback.pcapng"
gui_capture="$work/loopback.pcapng" gui
shot "loopback.pcapng" gui-flowgraph.png >/dev/null
menu_entry 325 Flow Graph
flow=$(find_window "Flow")
[ -n "$flow" ] && DISPLAY=$display xdotool windowsize "$flow" 1500 800 windowmove "$flow" 0 0
sleep 2
DISPLAY=$display /usr/bin/import -window root "$work/flow.png"
if at=$("$top/tools/find-text.py" "$work/flow.png" Flow type:); then
    read -r x y <<<"$at"
    click $((x + 140)) "$y"
    key T C P space C Return
else
    echo "no 'Flow type:' on the screen" >&2
fi
shot "Flow" gui-flowgraph.png
kill "$gui_pid"; wait "$gui_pid" 2>/dev/null || true

# 7. From the selected packet to its connection's packets: Tools → "TCP
# Connection Phase: a connection's packets" is prefilled with the selected
# packet's connection (frame 8: connection 1); Return applies the filter.
gui -g 8
shot "capture.pcap" gui-conn-filter.png >/dev/null
tools_entry "connection's" packets
question=$(find_window "a connection's packets")
[ -n "$question" ] && DISPLAY=$display xdotool windowfocus --sync "$question" 2>/dev/null
key Return
sleep 2
shot "capture.pcap" gui-conn-filter.png
kill "$gui_pid"; wait "$gui_pid" 2>/dev/null || true

# 8. The GUI's re-dissection: Tools → "TCP Connection Phase: switch language"
# sets tcpphase.language and has Wireshark dissect the capture again, a new
# session from the first frame, as after any preference change; chosen twice
# (Chinese, then English again), frame 8 must say what it said on the first
# reading, the connection's whole-capture history included (tests/gui.py
# reads it for the texts of gui-packets.png).
gui -g 8
shot "capture.pcap" gui-redissected.png >/dev/null
tools_entry switch language
sleep 3
tools_entry switch language
sleep 3
# the new tree: select tcpphase's item by its text and expand it
DISPLAY=$display /usr/bin/import -window root "$work/redissected.png"
if at=$("$top/tools/find-text.py" "$work/redissected.png" "[TCP" Connection Phase:); then
    click $at
    key Right
else
    echo "no '[TCP Connection Phase:' on the screen" >&2
fi
shot "capture.pcap" gui-redissected.png
kill "$gui_pid"; wait "$gui_pid" 2>/dev/null || true
