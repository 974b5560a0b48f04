#!/usr/bin/python3
"""A live capture says only what it has checked (issue 14, item 5).

As root, dumpcap captures lo into a named pipe; the plugin's tshark runs as
nobody with -i on that pipe, printing every frame as it arrives and the
-z tcpphase,conns report once the capture stops. Three connections:

  normal      connect, send, close, to a server that accepts
  refused     connect to a port nothing listens on (RST)
  waiting     connect to a listener whose accept queue is full: the kernel
              drops the SYNs; the capture stops while the client still
              retries, 2.5 s after its first SYN (less than the 127 s
              handshake timeout)

Checks: while live, no frame carries an outcome, a summary or an anomaly
only the end of the capture decides; after the stop, the report gives the
waiting connection S0 and says how long the capture showed it unanswered;
the frames equal tshark's one-pass reading of the same packets from a file;
and -2 on that file shows what the ended capture decides.

Needs root (dumpcap on lo); exits 77 (skipped) otherwise.

  live.py --build BUILD"""
import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

import tplib

PORT_NORMAL, PORT_FULL, PORT_CLOSED = 18093, 18090, 18091
FIELDS = ["frame.number", "tcp.srcport", "tcp.dstport", "tcpphase.conn", "tcpphase.label",
          "tcpphase.anomaly", "tcpphase.outcome", "tcpphase.summary", "tcpphase.history"]
END_OF_CAPTURE = {"syn_unanswered", "synack_unacked", "half_closed_at_end", "final_ack_missing"}


def serve_normal(listener):
    while True:
        try:
            c, _ = listener.accept()
        except OSError:
            return
        c.recv(4096)
        c.close()


def traffic():
    """The three connections; returns the sockets to close after the stop."""
    normal = socket.socket()
    normal.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    normal.bind(("127.0.0.1", PORT_NORMAL))
    normal.listen(8)
    threading.Thread(target=serve_normal, args=(normal,), daemon=True).start()
    full = socket.socket()
    full.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    full.bind(("127.0.0.1", PORT_FULL))
    full.listen(0)  # never accepted: one connection fills the queue
    filler = socket.create_connection(("127.0.0.1", PORT_FULL))
    time.sleep(0.3)

    c = socket.create_connection(("127.0.0.1", PORT_NORMAL))
    c.sendall(b"hello\n")
    time.sleep(0.1)
    c.close()
    try:
        socket.create_connection(("127.0.0.1", PORT_CLOSED), timeout=2)
    except ConnectionRefusedError:
        pass
    waiting = socket.socket()
    waiting.setblocking(False)
    try:
        waiting.connect(("127.0.0.1", PORT_FULL))
    except BlockingIOError:
        pass
    time.sleep(2.5)  # the client retries its SYN after 1 s; no answer
    return [normal, full, filler, waiting]


def rows(text):
    out = []
    for line in text.splitlines():
        if line.startswith("conn\t"):
            break
        if line and line[0].isdigit():
            out.append(dict(zip(FIELDS, line.split("\t"))))
    return out


def report(text):
    lines = text[text.find("conn\tstream\t"):].splitlines()
    header = lines[0].split("\t") if lines else []
    return [dict(zip(header, line.split("\t"))) for line in lines[1:] if line]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    opts = ap.parse_args()
    if os.geteuid() != 0:
        print("skipped: dumpcap on lo needs root")
        return 77
    checks = tplib.Checks()
    field_args = ["-T", "fields", "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=,"]
    for f in FIELDS:
        field_args += ["-e", f]
    with tplib.Sandbox(opts.build) as sandbox, tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)
        fifo = os.path.join(tmp, "lo.pipe")
        out_dir = os.path.join(sandbox.dir, "live")  # nobody writes the saved capture there
        os.mkdir(out_dir, 0o755)
        os.chown(out_dir, tplib.NOBODY, tplib.NOBODY)
        saved = os.path.join(out_dir, "live.pcapng")
        os.mkfifo(fifo, 0o644)
        ports = f"tcp port {PORT_NORMAL} or tcp port {PORT_FULL} or tcp port {PORT_CLOSED}"
        shark = subprocess.Popen(sandbox.command(["tshark", "-n", "-l", "-i", fifo, "-w", saved, "-P"] + field_args
                                                + ["-z", "tcpphase,conns,tsv"]),
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=sandbox.dir)
        dump = subprocess.Popen(["dumpcap", "-q", "-i", "lo", "-f", ports, "-w", fifo],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(1.5)  # both started, the pipe open
        sockets = traffic()
        dump.send_signal(signal.SIGINT)
        dump.wait(timeout=30)
        out, err = shark.communicate(timeout=60)
        for s in sockets:
            s.close()
        checks.expect(shark.returncode == 0, f"live tshark exits 0")
        if shark.returncode != 0:
            print(err.strip()[-600:])
        live = rows(out)
        conns = {r["conn"]: r for r in report(out)}
        checks.expect(len(live) >= 8, f"live tshark printed {len(live)} frames as they came")

        claims = [r for r in live if r.get("tcpphase.outcome") or r.get("tcpphase.summary") or
                  END_OF_CAPTURE & set(r.get("tcpphase.anomaly", "").split(","))]
        checks.expect(not claims, "while live, no frame claims an outcome, a summary or an end-of-capture "
                                  f"anomaly: {claims[:2]}")

        syns = [r for r in live if r.get("tcpphase.label", "").startswith("Handshake 1/3")
                and r.get("tcp.dstport") == str(PORT_FULL)]
        conn = syns[-1]["tcpphase.conn"] if syns else "?"  # the first is the filler's
        waiting = [r for r in syns if r["tcpphase.conn"] == conn]
        row = conns.get(conn, {})
        checks.expect(len(waiting) >= 2, f"the waiting client sent {len(waiting)} SYNs (at least 2)")
        checks.expect(row.get("outcome") == "S0", f"after the stop, the waiting connection is S0: {row}")
        checks.expect(row.get("summary", "").startswith(f"no answer to {len(waiting)} SYNs over "),
                      f"its summary counts its SYNs: {row.get('summary')!r}")
        refused = [r for r in conns.values() if r.get("server", "").endswith(f":{PORT_CLOSED}")]
        checks.expect(bool(refused) and refused[0].get("outcome") == "REJ", f"the refused one is REJ: {refused}")
        normal = [r for r in conns.values() if r.get("server", "").endswith(f":{PORT_NORMAL}")]
        checks.expect(bool(normal) and normal[0].get("outcome") == "SF", f"the normal one is SF: {normal}")

        # The same packets from the file: one pass prints the same frames...
        from_file = rows(sandbox.run(["tshark", "-n", "-r", saved] + field_args).stdout)
        checks.expect(from_file == live, "one-pass tshark on the saved file prints what the live one printed")
        # ... and -2, with the whole (ended) capture known, decides the rest.
        whole = sandbox.run(["tshark", "-n", "-2", "-o", "tcpphase.two_pass:TRUE", "-r", saved, "-V", "-Y",
                             f"tcpphase.conn == {conn} && tcpphase.step == 1"]).stdout
        checks.expect("syn_unanswered" in whole and "ms of capture after the first" in whole,
                      "-2 on the saved file raises syn_unanswered, saying how much capture it checked")
        checks.expect("Outcome: S0" in whole, "-2 on the saved file gives the waiting connection S0")
    return checks.exit_status()


if __name__ == "__main__":
    sys.exit(main())
