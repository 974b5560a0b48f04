#!/usr/bin/env bash
# Make real loopback captures of real programs, for testing tcpphase.
# Usage (as root): ./make_loopback.sh [outdir [capture...]]
#   outdir defaults to this script's dir; captures (http refused half_close
#   server_close slow_connect self_connect) default to all of them.
set -euo pipefail

OUT=$(cd "${1:-$(dirname "$0")}" && pwd)
PY=/usr/bin/python3            # Debian's python, not whatever is on PATH
TMP=$(mktemp -d)
PIDS=()

cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$TMP"
}
trap cleanup EXIT

# Poll until something listens on 127.0.0.1:$1 (servers start asynchronously).
wait_port() {
    for _ in $(seq 50); do
        ss -Hltn "sport = :$1" | grep -q . && return 0
        sleep 0.1
    done
    echo "port $1 never started listening" >&2; exit 1
}

# capture NAME PORT CMD...: record only PORT's traffic while CMD runs.
capture() {
    local name=$1 port=$2; shift 2
    local raw="$TMP/$name.pcap"
    # Capture as plain pcap (-P): it has no room for dumpcap's host CPU/OS,
    # interface name or filter, so the pcapng made from it stays neutral.
    dumpcap -q -P -i lo -f "tcp port $port" -w "$raw" 2>/dev/null &
    local dpid=$!
    # dumpcap writes the file header once it is capturing.
    for _ in $(seq 50); do [ -s "$raw" ] && break; sleep 0.1; done
    sleep 0.5
    "$@"
    sleep 1                     # let the final ACKs arrive
    kill -INT "$dpid"; wait "$dpid" || true
    editcap -F pcapng "$raw" "$OUT/$name.pcapng" 2>/dev/null
    echo "$name.pcapng: $(capinfos -c -M "$OUT/$name.pcapng" 2>/dev/null | awk '/packets/{print $NF}') packets"
}

# --- HTTP: two fetches => two connections; HTTP/1.0 server closes first.
section_http() {
mkdir "$TMP/www"
echo "hello from tcpphase" > "$TMP/www/a.txt"
echo "second small file"   > "$TMP/www/b.txt"
$PY -m http.server 18080 --bind 127.0.0.1 --directory "$TMP/www" >/dev/null 2>&1 &
PIDS+=($!)
wait_port 18080
# --ignore-content-length makes curl read to EOF, so the server's FIN is
# always first (otherwise curl's close races it: sometimes simultaneous close).
http_fetch() {
    curl -s -o /dev/null --ignore-content-length http://127.0.0.1:18080/a.txt
    sleep 0.3
    curl -s -o /dev/null --ignore-content-length http://127.0.0.1:18080/b.txt
}
capture loopback-http 18080 http_fetch

}

# --- Refused: nothing listens, the kernel answers SYN with RST-ACK.
section_refused() {
refused() { curl -s --max-time 3 http://127.0.0.1:18081/ || true; }
capture loopback-refused 18081 refused

}

# --- Half-close: client sends request then FIN; server replies afterwards.
section_half_close() {
cat > "$TMP/hc_server.py" <<'PY'
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 18082)); s.listen(1)
c, _ = s.accept()
while c.recv(4096):          # read until the client's FIN
    pass
for i in range(3):           # data flows after the peer's FIN
    c.sendall(b"chunk %d\n" % i); time.sleep(0.1)
c.close()
PY
cat > "$TMP/hc_client.py" <<'PY'
import socket
c = socket.create_connection(("127.0.0.1", 18082))
c.sendall(b"request\n")
c.shutdown(socket.SHUT_WR)   # half-close: client FIN first
while c.recv(4096):
    pass
c.close()
PY
$PY "$TMP/hc_server.py" & PIDS+=($!)
wait_port 18082
capture loopback-half-close 18082 $PY "$TMP/hc_client.py"

}

# --- Server close: server greets and closes first; client reads to EOF.
section_server_close() {
cat > "$TMP/sc_server.py" <<'PY'
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 18083)); s.listen(1)
c, _ = s.accept()
c.sendall(b"220 hello, closing now\n")
c.close()                    # server FIN first
PY
cat > "$TMP/sc_client.py" <<'PY'
import socket, time
c = socket.create_connection(("127.0.0.1", 18083))
while c.recv(4096):
    pass
time.sleep(0.1)              # separate our FIN from the ACK of theirs
c.close()
PY
$PY "$TMP/sc_server.py" & PIDS+=($!)
wait_port 18083
capture loopback-server-close 18083 $PY "$TMP/sc_client.py"
}

# --- Slow connect: a listener with listen(0) whose accept queue is full
# (one connection it does not accept yet) drops the SYNs of the next client,
# which retransmits its SYN (after 1 s, then 1 s later) and connects once
# the listener accepts, after about 2 s: connect_time 2 s, 3 SYNs, an rtt
# well under 1 ms.
section_slow_connect() {
cat > "$TMP/slow_server.py" <<'PY'
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 18084)); s.listen(0)
time.sleep(2.5)              # accept nothing for a while: the queue stays full
for _ in range(2):
    c, _ = s.accept()
    c.recv(4096)
    c.close()
PY
cat > "$TMP/slow_client.py" <<'PY'
import socket, time
# the connection that fills the accept queue (not captured: another port)
filler = socket.create_connection(("127.0.0.1", 18084))
filler.sendall(b"first\n")
time.sleep(0.2)
c = socket.socket()
c.bind(("127.0.0.1", 18085))  # the captured client's port
c.connect(("127.0.0.1", 18084))
c.sendall(b"second\n")
c.recv(4096)
c.close()
filler.close()
PY
$PY "$TMP/slow_server.py" & PIDS+=($!)
wait_port 18084
capture slow-connect 18085 $PY "$TMP/slow_client.py"
}

# --- Self-connect: a socket bound to 127.0.0.1:18086 connects to that same
# address and port (issue 17 item 6). Linux takes its own SYN as a
# simultaneous open with itself: one socket, SYN_SENT -> SYN_RECEIVED ->
# ESTABLISHED; it sends itself a little data and closes (its FIN arrives at
# itself too).
section_self_connect() {
cat > "$TMP/self_connect.py" <<'PY'
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 18086))
s.connect(("127.0.0.1", 18086))
s.sendall(b"hello, me\n")
assert s.recv(4096) == b"hello, me\n"
time.sleep(0.1)              # separate the close from the data's ACK
s.close()
PY
capture self-connect 18086 $PY "$TMP/self_connect.py"
}

shift || true
for section in "${@:-http refused half_close server_close slow_connect self_connect}"; do
    for s in $section; do "section_$s"; done
done
