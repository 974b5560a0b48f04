#!/bin/bash
# A capture of real traffic for the benchmarks (issue 18): python3's
# http.server (HTTP/1.1) on 127.0.0.1, a few thousand connections from 8
# concurrent clients, each with 1 to 8 requests on it (keep-alive, as a
# browser makes them) for files of 120 bytes to 60 kB, captured by dumpcap
# on lo with a port filter. Real stacks, real payload dissectors (HTTP), and the
# mix of a real capture: mostly plain data and ACK segments of established
# connections. Written on demand, not committed (about 90 MB). Needs root
# (dumpcap on lo) and python3.
#   bench/real-traffic.sh OUT.pcapng [connections=2000] [port=18080]
set -euo pipefail
out=${1:?usage: bench/real-traffic.sh OUT.pcapng [connections] [port]}
connections=${2:-2000}
port=${3:-18080}
[ "$(id -u)" -eq 0 ] || { echo "bench/real-traffic.sh: needs root (dumpcap on lo)" >&2; exit 1; }
work=$(mktemp -d)
cleanup() {
    [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null
    [ -n "${dumpcap_pid:-}" ] && kill "$dumpcap_pid" 2>/dev/null
    wait 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

# the files served: sizes spread over what a web page fetches
mkdir -p "$work/www"
for size in 120 900 4000 15000 60000; do
    head -c "$size" /dev/urandom > "$work/www/f$size"
done
(cd "$work/www" && exec python3 -c '
import http.server, sys
http.server.SimpleHTTPRequestHandler.protocol_version = "HTTP/1.1"
http.server.SimpleHTTPRequestHandler.log_message = lambda *a: None
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), http.server.SimpleHTTPRequestHandler).serve_forever()
' "$port" >/dev/null 2>&1) &
server_pid=$!
for _ in $(seq 1 100); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1', $port)).close()" 2>/dev/null && break
    sleep 0.1
done
/usr/bin/dumpcap -q -i lo -f "tcp port $port" -w "$work/cap.pcapng" 2>"$work/dumpcap.log" &
dumpcap_pid=$!
for _ in $(seq 1 100); do [ -s "$work/cap.pcapng" ] && break; sleep 0.1; done
sleep 0.5

python3 - "$port" "$connections" <<'PY'
import concurrent.futures, http.client, random, sys
port, n = int(sys.argv[1]), int(sys.argv[2])
sizes = [120, 900, 4000, 15000, 60000]
weights = [30, 25, 20, 15, 10]
rng = random.Random(18)
plans = [["/f%d" % rng.choices(sizes, weights)[0] for _ in range(rng.randint(1, 8))] for _ in range(n)]
def visit(paths):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    for i, path in enumerate(paths):
        c.request("GET", path, headers={"Connection": "close" if i == len(paths) - 1 else "keep-alive"})
        c.getresponse().read()
    c.close()
with concurrent.futures.ThreadPoolExecutor(8) as pool:
    list(pool.map(visit, plans))
PY
sleep 1
kill -INT "$dumpcap_pid"
wait "$dumpcap_pid" 2>/dev/null || true
dumpcap_pid=
cp "$work/cap.pcapng" "$out"
capinfos -c -M "$out" | awk '/Number of packets/ {print "real traffic: " $4 " packets"}'
