#!/usr/bin/python3
"""The connection-level views: the outcome, history and closer fields, the
-z tcpphase,tree statistics, the -z tcpphase,conns report, the ladder labels
for the flow graph, the -z tcpphase,ladder text ladder against its golden
files (tests/golden/ladder/), and agreement with Zeek's conn.log.

  reports.py --build BUILD [--update-ladders]"""
import argparse
import csv
import io
import os
import sys

import order
import tplib

# Zeek's verdicts for the shared captures: conn.log files, and the four
# captures of the conn_state-RST-behavior btest, one per line in that order.
RST_BEHAVIOR = ["zeek-tcp-single-rst.pcap", "zeek-tcp-syn-then-rst.pcap",
                "zeek-tcp-syn-then-ack-then-rst.pcap", "zeek-tcp-syn-then-stuff-then-rst.pcap"]


def zeek_verdicts():
    """{capture: {(orig port, resp port): (conn_state, history)}} for every TCP connection."""
    verdicts = {}
    for name in sorted(os.listdir(tplib.SHARED)):
        if not name.endswith(".zeek-conn.log"):
            continue
        rows = {}
        for line in open(os.path.join(tplib.SHARED, name)):
            if line.startswith("#"):
                continue
            f = line.rstrip("\n").split("\t")
            if len(f) > 15 and f[6] == "tcp":
                rows[(int(f[3]), int(f[5]))] = (f[11], f[15])
        verdicts[name[:-len(".zeek-conn.log")]] = rows
    lines = [l for l in open(os.path.join(tplib.SHARED, RST_BEHAVIOR[1] + ".zeek-conn_state-RST-behavior.out"))
             if l.strip() and not l.startswith("#")]
    for capture, line in zip(RST_BEHAVIOR, lines):
        history, state = [x.strip() for x in line.split(",")]
        verdicts[capture] = {None: (state, history)}
    return verdicts


# The text ladder's golden files: a textbook connection each way of ending,
# a refusal, an unanswered SYN, a simultaneous open and close, a half-open scan.
LADDERS = ["normal-client-close.pcap", "refused.pcap", "syn-unanswered.pcap", "simultaneous-open.pcap",
           "simultaneous-close.pcap", "half-close.pcap", "half-open-scan.pcap", "loopback-http.pcapng"]
LADDER_DIR = os.path.join(tplib.GOLDEN, "ladder")


def check_ladders(sandbox, expect, update):
    for name in LADDERS:
        capture = os.path.join(tplib.SAMPLES, name)
        one = sandbox.tshark(capture, ["-q", "-z", "tcpphase,ladder"])
        path = os.path.join(LADDER_DIR, name + ".txt")
        if update:
            os.makedirs(LADDER_DIR, exist_ok=True)
            with open(path, "w") as f:
                f.write(one)
        expect(os.path.exists(path) and open(path).read() == one,
               f"{name}: -z tcpphase,ladder equals {os.path.relpath(path, tplib.ROOT)}")
        two = sandbox.tshark(capture, ["-q", "-o", "tcpphase.two_pass:TRUE", "-z", "tcpphase,ladder"],
                             two_pass=True)
        expect(two == one, f"{name}: the ladder is the same in tshark -2")
    only = sandbox.tshark(os.path.join(tplib.SAMPLES, "refused.pcap"), ["-q", "-z", "tcpphase,ladder,2"])
    expect("Connection 2:" in only and "Connection 1:" not in only, "-z tcpphase,ladder,2 draws connection 2 only")
    bad = sandbox.run(["tshark", "-r", sandbox.stage(os.path.join(tplib.SAMPLES, "refused.pcap")), "-q",
                       "-z", "tcpphase,ladder,x"], check=False)
    expect("CONN is a connection number" in bad.stderr, f"-z tcpphase,ladder,x says what CONN is ({bad.stderr!r})")


# The Flow Graph's flow type "TCP Connection Phase" (-z flow,tcpphase,standard,
# the same items the GUI draws): loopback ends as two nodes, each arrow's short
# step, both transitions as the comment; one pass says what is known at each
# segment, -2 with two_pass what the whole capture proves (a refused SYN
# leaves the server CLOSED). Golden files per Wireshark version where its layout differs
# (tests/golden/<major.minor>/flow/ first).
FLOWS = [("loopback-server-close.pcapng", False), ("refused.pcap", False), ("refused.pcap", True),
         ("simultaneous-open.pcap", True), ("half-open-scan.pcap", True)]


def check_flows(sandbox, expect, update):
    for name, two_pass in FLOWS:
        prefs = ["-o", "tcpphase.two_pass:TRUE"] if two_pass else []
        out = sandbox.tshark(os.path.join(tplib.SAMPLES, name), prefs + ["-q", "-z", "flow,tcpphase,standard"],
                             two_pass=two_pass)
        file = name + (".2pass" if two_pass else "") + ".txt"
        own = os.path.join(tplib.GOLDEN, sandbox.wireshark_version(), "flow", file)
        path = own if os.path.exists(own) else os.path.join(tplib.GOLDEN, "flow", file)
        if update:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(out)
        expect(os.path.exists(path) and open(path).read() == out,
               f"{name}{' -2' if two_pass else ''}: -z flow,tcpphase,standard equals "
               f"{os.path.relpath(path, tplib.ROOT)}")
    loop = sandbox.tshark(os.path.join(tplib.SAMPLES, "loopback-server-close.pcapng"),
                          ["-q", "-z", "flow,tcpphase,standard"])
    header = " ".join(loop.splitlines()[:2])
    expect("127.0.0.1:45882" in header and "127.0.0.1:18083" in header,
           f"loopback-server-close.pcapng: the Flow Graph's two nodes are the two loopback ends ({header!r})")


def conns(sandbox, capture):
    out = sandbox.tshark(capture, ["-q", "-z", "tcpphase,conns,tsv"])
    return list(csv.DictReader(io.StringIO(out), delimiter="\t"))


def port(endpoint):
    return int(endpoint.rsplit(":", 1)[1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--update-ladders", action="store_true", help="rewrite tests/golden/ladder/ and flow/")
    opts = ap.parse_args()
    checks = tplib.Checks()
    expect = checks.expect

    with tplib.Sandbox(opts.build) as sandbox:
        # Zeek agreement: every TCP connection of every baseline.
        for capture, rows in zeek_verdicts().items():
            ours = conns(sandbox, os.path.join(tplib.SHARED, capture))
            for key, (state, history) in rows.items():
                match = [r for r in ours if key is None or (port(r["client"]), port(r["server"])) == key]
                got = [(r["outcome"], r["history"]) for r in match]
                expect(got == [(state, history)],
                       f"{capture} {key or ''}: Zeek says {state} {history}, tcpphase {got}")

        refused = os.path.join(tplib.SAMPLES, "refused.pcap")
        rows = conns(sandbox, refused)
        expect([(r["conn"], r["outcome"], r["history"], r["closed_by"], r["first_frame"]) for r in rows] ==
               [("1", "REJ", "Sr", "server", "1"), ("2", "REJ", "Sr", "server", "3")],
               "refused.pcap: -z tcpphase,conns,tsv has both rejected attempts")
        normal = conns(sandbox, os.path.join(tplib.SAMPLES, "normal-client-close.pcap"))
        expect(len(normal) == 1 and normal[0]["outcome"] == "SF" and normal[0]["closed_by"] == "client"
               and normal[0]["syn_to_synack"] == "0.010000" and normal[0]["synack_to_ack"] == "0.010000"
               and normal[0]["bytes_c2s"] == "100" and normal[0]["bytes_s2c"] == "200"
               and normal[0]["client"] == "10.0.0.1:40001" and normal[0]["duration"] == "0.100000",
               f"normal-client-close.pcap: SF, closed by client, timings and bytes ({normal})")
        reuse = conns(sandbox, os.path.join(tplib.SAMPLES, "syn-unanswered.pcap"))
        expect([(r["outcome"], r["syn_count"], r["connect_time"], r["summary"]) for r in reuse] ==
               [("S0", "3", "-", "no answer to 3 SYNs over 3.0 s")],
               f"syn-unanswered.pcap: S0 with 3 SYNs, no connect time, its story ({reuse})")
        slow = conns(sandbox, os.path.join(tplib.SAMPLES, "slow-connect.pcapng"))
        expect([(r["syn_count"], r["connect_time"], r["syn_to_synack"], r["summary"]) for r in slow] ==
               [("3", "2.026946", "0.000028", "connected after 2.0 s and 3 SYNs, closed by the server first")],
               f"slow-connect.pcapng: 3 SYNs, connected after 2.03 s, a 28 us round trip ({slow})")

        table = sandbox.tshark(refused, ["-q", "-z", "tcpphase,conntable"])
        rows = [[c.strip() for c in line.split("|")] for line in table.splitlines() if line.count("|") >= 12]
        expect([r[:9] for r in rows[1:]] ==
               [["1", "0", "0.000000", "1", "10.0.0.1:40008", "10.0.0.2:80", "REJ", "Sr", "server"],
                ["2", "1", "1.010000", "3", "10.0.0.1:40008", "10.0.0.2:80", "REJ", "Sr", "server"]],
               f"refused.pcap: the connection table (GUI dialog, -z tcpphase,conntable) ({rows})")

        tree = sandbox.tshark(refused, ["-q", "-z", "tcpphase,tree"])
        counts = {line[:42].strip(): line[42:].split()[0] for line in tree.splitlines()
                  if len(line) > 42 and line[42:].split() and line[42:].split()[0].isdigit()}
        expect(counts.get("REJ: connection attempt rejected") == "2" and counts.get("4. reset") == "2"
               and counts.get("Handshake 1/3: SYN") == "2" and counts.get("rejected") == "2"
               and "S0: connection attempt seen, no reply" not in counts,
               f"refused.pcap: -z tcpphase,tree counts phases, steps, outcomes (no row at 0 for the S0 "
               f"each connection passed through), anomalies ({counts})")
        names = [line[:42].strip() for line in tree.splitlines() if line[42:].split()]
        phases = [n for n in names if n[:1].isdigit()]
        expect(phases == ["1. handshake", "4. reset"], f"refused.pcap: phase rows in life order ({phases})")

        # tcpphase.language zh: the tree's headings, steps and outcomes in
        # Chinese, the value names (phases, anomaly ids) as they are.
        tree = sandbox.tshark(os.path.join(tplib.SAMPLES, "normal-client-close.pcap"),
                              ["-o", "tcpphase.language:zh", "-q", "-z", "tcpphase,tree"])
        names = [line.split("  ")[0].strip() for line in tree.splitlines() if "%" in line]
        expect(names == ["按阶段统计的报文段", "1. handshake", "2. established", "3. teardown",
                         "按步骤统计的报文段", "三次握手 1/3: SYN", "三次握手 2/3: SYN-ACK", "三次握手 3/3: ACK",
                         "四次挥手 1/4: FIN", "四次挥手 2/4: ACK", "四次挥手 3/4: FIN", "四次挥手 4/4: ACK",
                         "按结果统计的连接（Zeek conn_state）", "SF: 已建立，双方正常关闭", "异常"],
               f"normal-client-close.pcap: -z tcpphase,tree in Chinese, steps in order ({names})")

        # In the GUI (sharkd after a tap pass) every segment carries the outcome.
        view = order.sharkd_view(sandbox, refused, [1, 2, 3, 4])
        for n in (1, 2, 3, 4):
            fields = dict(view[n])
            expect(fields.get("tcpphase.outcome") == "REJ" and fields.get("tcpphase.history") == "Sr"
                   and fields.get("tcpphase.closed_by") == "server",
                   f"refused.pcap frame {n}: outcome REJ, history Sr, closed by server in the GUI")
        close = order.sharkd_view(sandbox, os.path.join(tplib.SAMPLES, "simultaneous-close.pcap"), [1])
        expect(dict(close[1]).get("tcpphase.closed_by") == "both", "simultaneous close: closed by both")

        ladder = sandbox.tshark(os.path.join(tplib.SAMPLES, "normal-client-close.pcap"),
                                ["-o", "tcpphase.info_ladder:TRUE", "-q", "-z", "flow,any,network"])
        for text in ["[SYN 1/3] client CLOSED\u2192SYN_SENT, server LISTEN\u2192SYN_RECEIVED | ",
                     "[ACK 3/3] server SYN_RECEIVED\u2192ESTABLISHED | ",
                     "[ACK 4/4] server LAST_ACK\u2192CLOSED | "]:
            expect(text in ladder, f"flow graph text shows {text}")
        check_ladders(sandbox, expect, opts.update_ladders)
        check_flows(sandbox, expect, opts.update_ladders)
    return checks.exit_status()


if __name__ == "__main__":
    sys.exit(main())
