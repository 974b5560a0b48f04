#!/usr/bin/python3
"""Checks tcpphase against what other projects expect of the shared captures.

Each capture in ../shared/captures comes with its source project's own
regression baseline (Zeek conn.log / btest output, Suricata test.yaml,
Arkime session JSON, tcpdump output; see MANIFEST.md there). Every check
below turns one fact of such a baseline into a fact about tcpphase's
per-frame output (golden.table_of: the same columns as the golden files), e.g.
Zeek S0 -> a SYN, no SYN-ACK, no step 3. The captures where tcpphase means
something else than the oracle are in DIFFERENCES: there the check covers
the part both agree on.

  shared_oracles.py --build BUILD [CAPTURE-NAME...]

Prints "ok   <capture>" or "FAIL <capture>: <what>" per capture; exit 1 on a FAIL."""
import argparse
import csv
import io
import os
import sys

import golden
import tplib
import views

# ---------------------------------------------------------------------------
# tcpphase's output, per frame and per connection

# RFC 9293 states in which an end has no connection left: a RST it accepts
# leaves it CLOSED, or LISTEN if it was opened passively (3.10.7.4).
GONE = {"CLOSED", "LISTEN"}
SYNCHRONIZED = {"ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING",
                "LAST_ACK", "TIME_WAIT"}

FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10

# What tcpphase does not say but the checks need: who sent each frame.
PACKET_FIELDS = views.PACKET_FIELDS


def split_steps(steps, label):
    """tcpphase.step lists the handshake steps, then the teardown steps, each
    ascending ("3,1" = handshake 3 and teardown 1). Returns (handshake, teardown).
    One ascending run is told apart by the label ("2,3": a FIN-ACK or the
    SYN-ACK of a simultaneous open); none of these captures has handshake 3
    and teardown 4 on one segment, which would read as teardown "3,4"."""
    if not steps:
        return set(), set()
    for i in range(1, len(steps)):
        if steps[i] <= steps[i - 1]:
            return set(steps[:i]), set(steps[i:])
    if label.startswith("Teardown"):
        return set(), set(steps)
    return set(steps), set()


class Frame:
    def __init__(self, row, packet):
        self.number = int(row["frame"])
        self.conn = int(row["conn"]) if row["conn"] else None
        self.phase = row["phase"]
        self.label = row["label"]
        self.role = row["role"]
        self.guessed = row["guessed"] == "True"
        self.client = row["client"]
        self.server = row["server"]
        self.midstream = row["midstream"] == "True"
        steps = [int(s) for s in row["step"].split(",") if s]
        self.hs, self.td = split_steps(steps, self.label)
        # from the innermost IP and TCP headers (tunnels)
        _, ip_src, ipv6_src, sport, dport, flags, length, seq = packet
        self.src = ip_src or ipv6_src
        self.sport = int(sport) if sport else None
        self.dport = int(dport) if dport else None
        self.flags = int(flags, 16) if flags else 0
        self.len = int(length) if length else 0
        self.seq = int(seq) if seq else None

    def has(self, flag):
        return bool(self.flags & flag)

    def __repr__(self):
        return f"frame {self.number}"


class Conn:
    """The frames tcpphase gave one tcpphase.conn number."""

    def __init__(self, number, frames):
        self.number = number
        self.frames = frames
        self.first, self.last = frames[0], frames[-1]

    def ports(self):
        return {f.sport for f in self.frames} | {f.dport for f in self.frames}

    def port_of(self, role):
        """The TCP port of the end tcpphase calls |role| (client/server)."""
        f = self.first
        return f.sport if f.role == role else f.dport

    def sent_by(self, role):
        return [f for f in self.frames if f.role == role]

    def hs_frames(self, step):
        return [f for f in self.frames if step in f.hs]

    def td_frames(self, step):
        return [f for f in self.frames if step in f.td]

    def hs_steps(self):
        return set().union(*(f.hs for f in self.frames))

    def td_steps(self):
        return set().union(*(f.td for f in self.frames))

    def ever_both_established(self):
        return any(f.client in SYNCHRONIZED and f.server in SYNCHRONIZED for f in self.frames)

    def __repr__(self):
        return f"conn {self.number}"


class Capture:
    def __init__(self, name, table, packets):
        by_number = {int(p[0]): p for p in packets}
        rows = csv.DictReader(io.StringIO(table), delimiter="\t")
        rows.fieldnames = [n.replace("_ws.col.", "") for n in rows.fieldnames]
        self.name = name
        self.frames = [Frame(r, by_number[int(r["frame"])]) for r in rows]
        numbers = sorted({f.conn for f in self.frames if f.conn is not None})
        self.conns = [Conn(n, [f for f in self.frames if f.conn == n]) for n in numbers]

    def frame(self, number):
        return self.frames[number - 1]

    def on_port(self, port):
        """The connections with |port| at either end."""
        return [c for c in self.conns if port in c.ports()]


def capture_of(sandbox, name, rows):
    """The Capture of one-pass tshark's output (views.Rows)."""
    table = golden.table_of(sandbox, rows)
    packets = [[(row.get(f) or [""])[-1] for f in PACKET_FIELDS] for row in rows.frames]
    return Capture(name, table, packets)


# ---------------------------------------------------------------------------
# Facts about that output

class Missing(Exception):
    """A check cannot go on (e.g. the connection it is about is not there)."""


class Check:
    """Collects the facts tcpphase's output contradicts, for one capture."""

    def __init__(self, cap):
        self.cap = cap
        self.failures = []

    def expect(self, ok, what):
        if not ok:
            self.failures.append(what)
        return ok

    # -- finding connections
    def conn(self, port=None):
        """The one connection (on |port|, if given)."""
        found = self.cap.conns if port is None else self.cap.on_port(port)
        where = f" on port {port}" if port is not None else ""
        if len(found) != 1:
            raise Missing(f"{len(found)} connections{where}, expected 1")
        return found[0]

    def conns(self, port, count):
        found = self.cap.on_port(port)
        if len(found) != count:
            raise Missing(f"{len(found)} connections on port {port}, expected {count}")
        return found

    # -- facts about a connection
    def client_port(self, conn, port):
        self.expect(conn.port_of("client") == port,
                    f"{conn}: client is port {conn.port_of('client')}, expected {port}")

    def packets(self, conn, client, server):
        got = (len(conn.sent_by("client")), len(conn.sent_by("server")))
        self.expect(got == (client, server),
                    f"{conn}: client/server sent {got[0]}/{got[1]} segments, expected {client}/{server}")

    def handshake(self, conn, *steps):
        got = conn.hs_steps()
        self.expect(got == set(steps), f"{conn}: handshake steps {sorted(got)}, expected {list(steps)}")

    def teardown(self, conn, *steps):
        got = conn.td_steps()
        self.expect(got == set(steps), f"{conn}: teardown steps {sorted(got)}, expected {list(steps)}")

    def step_sent_by(self, conn, kind, step, role):
        """Every segment that is handshake/teardown step |step| came from |role|."""
        frames = conn.hs_frames(step) if kind == "handshake" else conn.td_frames(step)
        self.expect(frames and all(f.role == role for f in frames),
                    f"{conn}: {kind} step {step} sent by {[f.role for f in frames]}, expected {role}")

    def first_closer(self, conn, role):
        frames = conn.td_frames(1)
        self.expect(frames and frames[0].role == role,
                    f"{conn}: first FIN (teardown 1) from {frames[0].role if frames else 'nobody'}, "
                    f"expected {role}")

    def never_established(self, conn):
        self.expect(not conn.ever_both_established() and 3 not in conn.hs_steps(),
                    f"{conn}: handshake completed, expected never")

    def midstream(self, conn, value):
        self.expect(all(f.midstream == value for f in conn.frames),
                    f"{conn}: midstream {conn.first.midstream}, expected {value}")

    def ends_with_rst(self, conn, role):
        last = conn.last
        self.expect(last.has(RST) and last.phase == "reset" and last.role == role,
                    f"{conn}: last segment ({last}) is {last.label!r} from {last.role}, "
                    f"expected a RST from {role}")

    # -- facts about a frame
    def gone_after(self, number):
        """Both ends have no connection left after frame |number| (an accepted RST)."""
        f = self.cap.frame(number)
        self.expect(f.client in GONE and f.server in GONE,
                    f"after frame {number}: client {f.client}, server {f.server}, expected both closed")

    def state_after(self, number, client=None, server=None):
        f = self.cap.frame(number)
        if client is not None:
            self.expect(f.client in client, f"after frame {number}: client {f.client}, expected {client}")
        if server is not None:
            self.expect(f.server in server, f"after frame {number}: server {f.server}, expected {server}")

    def phase(self, numbers, phase):
        for n in numbers:
            f = self.cap.frame(n)
            self.expect(f.phase == phase, f"frame {n}: phase {f.phase}, expected {phase}")

    def label(self, number, label):
        f = self.cap.frame(number)
        self.expect(f.label == label, f"frame {number}: {f.label!r}, expected {label!r}")

    # -- a Zeek conn.log line
    def zeek(self, orig_port, conn_state, history, orig_pkts=None, resp_pkts=None):
        """Checks what a Zeek conn.log line (conn_state, history, packet counts)
        says about the connection whose originator uses |orig_port|."""
        conn = self.conn(orig_port)
        self.client_port(conn, orig_port)
        if orig_pkts is not None:
            self.packets(conn, orig_pkts, resp_pkts)
        # history: upper case = originator (our client), lower case = responder
        if "S" in history:
            self.step_sent_by(conn, "handshake", 1, "client")
        if "h" in history:
            self.step_sent_by(conn, "handshake", 2, "server")
        else:
            self.expect(2 not in conn.hs_steps(), f"{conn}: a SYN-ACK step, Zeek saw none")
        closers = [c for c in history if c in "Ff"]
        if closers:
            self.first_closer(conn, "client" if closers[0] == "F" else "server")
        for letter, role in (("R", "client"), ("r", "server")):
            if letter in history:
                self.expect(any(f.has(RST) and f.role == role for f in conn.frames),
                            f"{conn}: no RST from the {role}, Zeek history {history}")
        for letter, role in (("D", "client"), ("d", "server")):
            if letter in history:
                self.expect(any(f.len > 0 and f.role == role for f in conn.frames),
                            f"{conn}: no payload from the {role}, Zeek history {history}")
        # conn_state (MANIFEST.md, "Reading the oracles")
        if conn_state == "SF":      # normal establishment and termination
            self.handshake(conn, 1, 2, 3)
            self.teardown(conn, 1, 2, 3, 4)
        elif conn_state == "S0":    # attempt, no reply
            self.handshake(conn, 1)
            self.never_established(conn)
        elif conn_state == "SH":    # originator SYN then FIN, no SYN-ACK
            self.expect(2 not in conn.hs_steps(), f"{conn}: a SYN-ACK step, Zeek SH says none")
            self.step_sent_by(conn, "teardown", 1, "client")
            self.expect(not conn.sent_by("server"), f"{conn}: the responder sent segments")
        elif conn_state == "RSTO":  # established, then the originator reset
            self.expect(3 in conn.hs_steps(), f"{conn}: no handshake step 3, Zeek RSTO is established")
            self.ends_with_rst(conn, "client")
        elif conn_state == "RSTOS0":  # originator SYN then RST, no SYN-ACK
            self.handshake(conn, 1)
            self.never_established(conn)
            self.ends_with_rst(conn, "client")
        elif conn_state == "OTH":   # no SYN: midstream
            self.midstream(conn, True)
            self.handshake(conn)
        else:
            raise ValueError(f"no translation for Zeek conn_state {conn_state}")
        return conn


# ---------------------------------------------------------------------------
# One function per capture. Oracle files are next to the capture in
# tplib.SHARED; "MANIFEST" is its MANIFEST.md.

ORACLES = {}


def oracle(name):
    def register(fn):
        ORACLES[name] = fn
        return fn
    return register


# --- Zeek ------------------------------------------------------------------

@oracle("zeek-tcp-syn.pcap")
def zeek_syn(ck):
    # .zeek-connection-successful.out: "connection_state_remove, F" -> never
    # established (Zeek S0 / history S per MANIFEST); the SYN is 59856 -> 80.
    conn = ck.conn()
    ck.client_port(conn, 59856)
    ck.handshake(conn, 1)
    ck.never_established(conn)


@oracle("zeek-tcp-syn-synack.pcap")
def zeek_syn_synack(ck):
    # .zeek-connection-successful.out: connection_established T on SYN + SYN-ACK
    # (see DIFFERENCES); MANIFEST scenario: the third ACK never appears.
    conn = ck.conn()
    ck.step_sent_by(conn, "handshake", 1, "client")
    ck.step_sent_by(conn, "handshake", 2, "server")
    ck.handshake(conn, 1, 2)
    ck.state_after(2, client={"ESTABLISHED"})  # the SYN-ACK establishes its receiver


@oracle("zeek-tcp-no-handshake.pcap")
def zeek_no_handshake(ck):
    # .zeek-connection-successful.out: no connection_established (no SYN, no
    # SYN-ACK); the one data segment is 141.142.228.5:59856 -> :80 (MANIFEST).
    conn = ck.conn()
    ck.midstream(conn, True)
    ck.handshake(conn)
    ck.client_port(conn, 59856)


@oracle("zeek-tcp-single-rst.pcap")
def zeek_single_rst(ck):
    # .zeek-conn_state-RST-behavior.out line 1: "R, OTH" (10.0.0.10:48777 -> :80).
    ck.zeek(48777, "OTH", "R")
    ck.ends_with_rst(ck.conn(), "client")


@oracle("zeek-tcp-syn-then-rst.pcap")
def zeek_syn_then_rst(ck):
    # .zeek-conn_state-RST-behavior.out line 2: "SR, RSTOS0" (see DIFFERENCES).
    ck.zeek(13131, "RSTOS0", "SR")


@oracle("zeek-tcp-syn-then-ack-then-rst.pcap")
def zeek_syn_ack_rst(ck):
    # .zeek-conn_state-RST-behavior.out line 3: "SaR, RSTOS0": the responder's
    # bare ACK (frame 2) is no SYN-ACK.
    conn = ck.zeek(13131, "RSTOS0", "SaR")
    ck.expect(ck.cap.frame(2).role == "server" and not ck.cap.frame(2).hs,
              "frame 2 (responder's bare ACK) is not a plain segment from the server")
    ck.packets(conn, 2, 1)


@oracle("zeek-tcp-syn-then-stuff-then-rst.pcap")
def zeek_syn_stuff_rst(ck):
    # .zeek-conn_state-RST-behavior.out line 4: "SaFR, OTH" (OTH: see
    # DIFFERENCES): SYN, responder bare ACK, originator FIN, originator RST.
    conn = ck.conn()
    ck.client_port(conn, 13131)
    ck.handshake(conn, 1)
    ck.never_established(conn)
    # Zeek's F: the originator sent a FIN (frame 3), from SYN_SENT. RFC 9293:
    # CLOSE in SYN-SENT deletes the TCB, no FIN; its peer cannot validate it.
    fin = ck.cap.frame(3)
    ck.expect(fin.has(FIN) and fin.role == "client" and fin.label == "Stray FIN",
              f"frame 3: {fin.label!r} from {fin.role}, expected the client's stray FIN")
    ck.teardown(conn)
    ck.ends_with_rst(conn, "client")


@oracle("zeek-tcp-fin_retransmission.pcap")
def zeek_fin_retransmission(ck):
    # .zeek-fin-retransmit.out: orig endpoint state=5 (CLOSED: sent FIN),
    # num_pkts=3; resp endpoint state=6 (RESET), num_pkts=2.
    conn = ck.conn()
    ck.client_port(conn, 55344)
    ck.packets(conn, 3, 2)
    ck.step_sent_by(conn, "teardown", 1, "client")
    ck.ends_with_rst(conn, "server")
    # RFC 9293: the RST's seq is the client's RCV.NXT (SYN-ACK ISN+1): the
    # client accepts it and closes. The RST is <SEQ=SEG.ACK><CTL=RST> without
    # ACK, the reply of a SYN_RECEIVED end to a segment it cannot accept (the
    # client's FIN at its ISN, below RCV.NXT): 3.10.7.4 keeps the server in
    # SYN_RECEIVED. (Zeek's RESET is its endpoint's last packet, not a state.)
    ck.state_after(conn.last.number, client={"CLOSED"}, server={"SYN_RECEIVED"})


@oracle("zeek-tcp-miss_end_data.pcap")
def zeek_miss_end_data(ck):
    # .zeek-conn.log: 60648 -> 80 SF, history ShADafgF, 5/4 packets.
    ck.zeek(60648, "SF", "ShADafgF", 5, 4)


@oracle("zeek-tcp-payload-syn.pcap")
def zeek_payload_syn(ck):
    # .zeek-signature.out: signature_match on the payload of the SYN of
    # orig 192.168.0.1:80 -> 192.168.0.2:80: the SYN carries data.
    conn = ck.conn()
    syn = conn.hs_frames(1)
    ck.expect(syn and syn[0].src == "192.168.0.1" and syn[0].role == "client",
              "the SYN does not come from the client 192.168.0.1")
    ck.expect(syn and syn[0].label == "Handshake 1/3: SYN (data)", "the SYN is not labelled with data")


@oracle("zeek-tcp-payload-synack.pcap")
def zeek_payload_synack(ck):
    # .zeek-signature.out: one signature_match, the payload riding on the
    # SYN-ACK of 192.168.0.2 (MANIFEST); orig is 192.168.0.1.
    conn = ck.conn()
    synack = conn.hs_frames(2)
    ck.expect(synack and synack[0].src == "192.168.0.2" and synack[0].role == "server",
              "the SYN-ACK does not come from the server 192.168.0.2")
    ck.expect(synack and synack[0].label == "Handshake 2/3: SYN-ACK (data)",
              "the SYN-ACK is not labelled with data")


@oracle("zeek-tcp-tcp-fast-open.pcap")
def zeek_tcp_fast_open(ck):
    # .sv-test.yaml: 2 TCP flow events and 2 http transactions (one per
    # connection, so both handshakes completed); .zeek-signature.out: the
    # payload of the SYN of 10.99.99.1:55534 matched (TFO data on the SYN).
    ck.expect(len(ck.cap.conns) == 2, f"{len(ck.cap.conns)} connections, expected 2")
    for port in (55533, 55534):
        conn = ck.conn(port)
        ck.client_port(conn, port)
        ck.handshake(conn, 1, 2, 3)
    ck.label(ck.conn(55534).hs_frames(1)[0].number, "Handshake 1/3: SYN (data)")


@oracle("zeek-tcp-qi_internet_SYNACK_curl_jsonip.pcap")
def zeek_quantum_insert(ck):
    # .zeek-quantum-insert.out: rexmit_inconsistency on orig 39976 -> 80: two
    # different responder payloads at the same sequence number, flags AP.
    conn = ck.conn()
    ck.client_port(conn, 39976)
    answers = [f for f in conn.sent_by("server") if f.len > 0 and f.has(PSH) and f.has(ACK)]
    seqs = [f.seq for f in answers]
    ck.expect(any(seqs.count(s) >= 2 for s in seqs),
              "no two PSH|ACK payloads from the server at the same sequence number")
    ck.expect(all(f.label == "Data" for f in answers), "a server response is not labelled Data")


@oracle("zeek-tcp-truncated-header.pcap")
def zeek_truncated_header(ck):
    # .zeek-tcp_packet.out: 23 tcp_packet events for 24 frames (the SYN, its
    # options cut by the snap length, is skipped); the first (the SYN-ACK) is
    # from 128.3.26.249:25, the rest with orig 201.186.157.67:60827.
    # tcpphase tracks the SYN on its fixed header, which the capture holds
    # (Wireshark 4.4 and later tap it; 4.0 throws in its options, and tcpphase
    # rebuilds it from the bytes): one connection of 24 frames from the
    # client's SYN, on every version, where Zeek starts at the SYN-ACK.
    conn = ck.conn()
    ck.client_port(conn, 60827)
    ck.expect(len(conn.frames) == 24 and conn.first.label == "Handshake 1/3: SYN",
              f"frame 1 tracked but not as the client's SYN ({conn.first.label})")
    ck.expect(conn.last.number == 24, "the connection does not run to frame 24")


@oracle("zeek-pop3-bad-list-retr-crafted.pcap")
def zeek_pop3(ck):
    # .zeek-conn.log: 58854 -> 110 RSTO, history ShAdDaFR, 20/16 packets.
    ck.zeek(58854, "RSTO", "ShAdDaFR", 20, 16)


@oracle("zeek-mixed-vlan-mpls.pcap")
def zeek_vlan_mpls(ck):
    # .zeek-conn.log: three connections (SH: see DIFFERENCES).
    ck.zeek(11001, "SH", "SADF", 11, 0)
    ck.zeek(56730, "SF", "ShADdFaf", 12, 10)
    ck.zeek(50343, "SF", "ShADadfF", 7, 7)


@oracle("zeek-tunnels-gre-sample.pcap")
def zeek_gre(ck):
    # .zeek-conn.log: 40264 -> 22 SF, history ShAdDaFf, 12/10 packets (the
    # other lines are UDP/ICMP). .arkime-test.json: one TCP session, syn=1
    # syn-ack=1 fin=2, tcpSynValidated and tcpSynAckValidated true.
    ck.expect(len(ck.cap.conns) == 1, f"{len(ck.cap.conns)} connections, expected 1")
    conn = ck.zeek(40264, "SF", "ShAdDaFf", 12, 10)
    ck.expect(len(conn.hs_frames(1)) == 1 and len(conn.hs_frames(2)) == 1,
              f"{conn}: not exactly one SYN and one SYN-ACK step")
    ck.expect(len([f for f in conn.frames if f.td & {1, 3}]) == 2, f"{conn}: not exactly two FIN steps")


@oracle("zeek-tunnels-vxlan-encapsulated-http.pcap")
def zeek_vxlan(ck):
    # .zeek-conn.log: 40354 -> 80 SF, history ShADadFf, 7/5 packets (the
    # other line is the outer UDP flow).
    ck.expect(len(ck.cap.conns) == 1, f"{len(ck.cap.conns)} connections, expected 1")
    ck.zeek(40354, "SF", "ShADadFf", 7, 5)


@oracle("zeek-tunnels-4in6.pcap")
def zeek_4in6(ck):
    # .zeek-ip-in-ip.out, 4th block: new_connection 70.55.213.211:31337 ->
    # 192.88.99.1:80 inside the IPv6 tunnel: tracked on the inner header.
    conn = ck.conn()
    ck.client_port(conn, 31337)
    ck.expect(conn.first.src == "70.55.213.211", f"{conn}: client is {conn.first.src}")
    ck.handshake(conn, 1)


@oracle("zeek-ftp-ipv6.pcap")
def zeek_ftp_ipv6(ck):
    # .zeek-conn.log: six SF connections; the two active-mode data
    # connections are opened by the FTP server (orig ports 55785, 55647).
    ck.expect(len(ck.cap.conns) == 6, f"{len(ck.cap.conns)} connections, expected 6")
    ck.zeek(49185, "SF", "ShAdDfFa", 57, 34)
    for port in (49186, 49187, 49188):
        ck.zeek(port, "SF", "ShAdfFa", 5, 4)
    for port in (55785, 55647):
        ck.zeek(port, "SF", "ShADFaf", 5, 4)


# --- Suricata --------------------------------------------------------------

@oracle("sv-tcp-split-handshake-01-4whs.pcap")
def sv_split_handshake(ck):
    # .sv-test.yaml: one alert each for "EVIL" as tcp, tcp-stream and tcp-pkt:
    # the S, S, SA, A exchange is a valid session whose stream carries the
    # client's data (frame 5) -> the handshake completes before frame 5.
    conn = ck.conn()
    ck.client_port(conn, 12345)
    done = conn.hs_frames(3)
    ck.expect(done and done[0].number < 5, f"{conn}: handshake not completed before the data (frame 5)")
    ck.expect(ck.cap.frame(5).role == "client", "frame 5 (EVIL) is not the client's")
    ck.phase([5], "established")


@oracle("sv-bug-6244-tcp-rst-with-data.pcap")
def sv_rst_with_data(ck):
    # .sv-test.yaml: sid 4 ("Please Let Me In!", the server's 4 segments
    # reassembled) = 1; sid 1 (tcp-pkt, flags RA, "Access Denied") = 1; sid 2
    # (the RST payload in the stream) = 0: the client's RST|ACK carries data
    # but is a reset, not stream data.
    conn = ck.conn()
    ck.client_port(conn, 12345)
    ck.handshake(conn, 1, 2, 3)
    ck.phase([4, 5, 6, 7], "established")
    ck.ends_with_rst(conn, "client")
    ck.label(8, "Reset: RST (data)")
    ck.gone_after(8)  # RFC 9293: its seq (2) is the server's RCV.NXT: accepted


@oracle("sv-alert-no-3whs-established.pcap")
def sv_no_3whs(ck):
    # .sv-test.yaml: 0 alerts for "flow:to_server,established": no three-way
    # handshake (see DIFFERENCES); MANIFEST: 2443 -> 1212 data answered by
    # RST, twice.
    conn = ck.conn()
    ck.midstream(conn, True)
    ck.handshake(conn)
    ck.client_port(conn, 2443)
    resets = [f.number for f in conn.frames if f.has(RST)]
    ck.expect(resets == [2, 4] and all(ck.cap.frame(n).role == "server" for n in resets),
              f"RSTs in frames {resets}, expected 2 and 4 from the server")


@oracle("sv-bug-6733-syn-only.pcap")
def sv_syn_only(ck):
    # .sv-test.yaml flow event: tcp.state syn_sent, tcp_flags 02,
    # pkts_toserver 1, pkts_toclient 0, src_port 38212.
    conn = ck.conn()
    ck.client_port(conn, 38212)
    ck.packets(conn, 1, 0)
    ck.handshake(conn, 1)
    ck.state_after(conn.last.number, client={"SYN_SENT"})


@oracle("sv-bug-2491-02-onesided-nosyn.pcap")
def sv_onesided(ck):
    # .sv-test.yaml (midstream + async-oneside): flow tcp.state close_wait
    # (Suricata's name for the state after the client's FIN), tcp_flags 19
    # (no SYN), pkts_toserver 11 / toclient 0, src_port 55963.
    conn = ck.conn()
    ck.midstream(conn, True)
    ck.client_port(conn, 55963)
    ck.packets(conn, 11, 0)
    ck.handshake(conn)
    ck.step_sent_by(conn, "teardown", 1, "client")
    ck.state_after(conn.last.number, client={"FIN_WAIT_1"}, server={"CLOSE_WAIT"})


@oracle("sv-bug-2646-01-fin-retransmit.pcap")
def sv_fin_retransmit(ck):
    # .sv-test.yaml: tls event at pcap_cnt 12 from 192.168.0.253:49584; flow
    # pkts_toserver 10 / toclient 19, tcp_flags 1b both ways (no RST),
    # tcp.state last_ack (see DIFFERENCES): the client closed first, the server
    # closed too, and the server's FIN was never acknowledged.
    conn = ck.conn()
    ck.client_port(conn, 49584)
    ck.packets(conn, 10, 19)
    done = conn.hs_frames(3)
    ck.expect(done and done[0].number < 12, f"{conn}: handshake not completed before frame 12")
    ck.expect(not any(f.has(RST) or f.phase == "reset" for f in conn.frames), f"{conn}: a reset")
    ck.first_closer(conn, "client")
    ck.step_sent_by(conn, "teardown", 3, "server")
    ck.expect(4 not in conn.td_steps(), f"{conn}: the server's FIN was acknowledged (teardown 4)")
    ck.state_after(conn.last.number, server={"LAST_ACK", "CLOSING"})


@oracle("sv-tcp-fastopen-10-syn-data-ignore.pcap")
def sv_tfo_syn_data_ignored(ck):
    # .sv-test.yaml stream_tcp events: pcap_cnt 1 to_server syn_sent, len 585
    # (SYN with 517 B); pcap_cnt 2 to_client syn_recv (the server answered);
    # pcap_cnt 3 to_server syn_sent: the client sends its SYN again, so it
    # is still in SYN_SENT (RFC 9293: only SYN_SENT sends a SYN).
    conn = ck.conn()
    ck.client_port(conn, 51615)
    ck.label(1, "Handshake 1/3: SYN (data)")
    ck.state_after(1, client={"SYN_SENT"})
    ck.step_sent_by(conn, "handshake", 2, "server")
    ck.state_after(2, server={"SYN_RECEIVED"})
    ck.expect(1 in ck.cap.frame(3).hs, "frame 3 is not a SYN step")
    ck.state_after(3, client={"SYN_SENT"})


@oracle("sv-bug-3286-02-linux-evasion.pcap")
def sv_linux_evasion(ck):
    # .sv-test.yaml: the "server" RST|ACK and FIN|ACK of frames 2-3 carry an
    # invalid timestamp and are ignored (sid 2210044 at pcap_cnt 2 and 3);
    # the session goes on: HTTP 200, file CLOSED. So the genuine SYN-ACK
    # (frame 5) and the client's ACK (6) complete the handshake and the HTTP
    # request (7) and response (9) flow in an established connection that no
    # FIN has touched (RFC 9293 3.10.7.3: a SYN_SENT end drops a segment
    # without SYN or RST, so the FIN of frame 3 is no teardown). Frame 2's
    # RST: see DIFFERENCES.
    conn = ck.conn()
    ck.client_port(conn, 35532)
    ck.expect(5 in [f.number for f in conn.hs_frames(2)], "frame 5 is not a SYN-ACK step")
    ck.expect(6 in [f.number for f in conn.hs_frames(3)], "frame 6 does not complete the handshake")
    ck.state_after(6, client={"ESTABLISHED"}, server={"ESTABLISHED"})
    ck.phase([7, 9], "established")
    ck.teardown(conn)


@oracle("sv-issue-3341-urgent11.pcap")
def sv_urgent11(ck):
    # .sv-test.yaml: exactly one alert sid 1, "flow:to_server; tcp.hdr"
    # matching the options 1d 03 61 00 of frame 3: frame 3 is to the server.
    # MANIFEST scenario: SYN, SYN-ACK, RST, URG|SYN|FIN; then a new SYN (new
    # ISN), SYN-ACK, RST, data.
    ck.expect(ck.cap.frame(3).role == "client", "frame 3 (alert, to_server) is not the client's")
    first, second = ck.conns(31337, 2)
    for conn in (first, second):
        ck.client_port(conn, 31337)
        ck.handshake(conn, 1, 2)
    ck.expect(second.first.number == 7, f"the second connection starts at {second.first}, expected 7")
    # the RSTs (frames 5, 9) carry seq ISN+1 = the server's RCV.NXT: accepted
    ck.gone_after(5)
    ck.gone_after(9)
    ck.label(6, "Invalid flags")
    ck.expect((ck.cap.frame(6).client, ck.cap.frame(6).server)
              == (ck.cap.frame(5).client, ck.cap.frame(5).server), "frame 6 (SYN+FIN) changed a state")


@oracle("sv-firewall-tcp-session-stream-out-of-window.pcap")
def sv_out_of_window(ck):
    # .sv-test.yaml: anomaly stream.3whs_wrong_seq_wrong_ack, the segment is
    # dropped ("stream error"): frame 3 does not complete the handshake. RFC
    # 9293 3.10.7.4 agrees: its seq (101001) is outside the server's window
    # (RCV.NXT 1001, window 256), so the SYN_RECEIVED server drops it.
    conn = ck.conn()
    ck.client_port(conn, 43210)
    ck.handshake(conn, 1, 2)
    ck.state_after(3, server={"SYN_RECEIVED"})


# --- Arkime ----------------------------------------------------------------

def arkime_session(ck, conn, client_port, src_pkts, dst_pkts, syn=1, synack=1):
    """An Arkime session: source is the client; syn / syn-ack packet counts
    are the SYN (step 1) and SYN-ACK (step 2) segments of the connection."""
    ck.client_port(conn, client_port)
    ck.packets(conn, src_pkts, dst_pkts)
    syns = [f for f in conn.frames if f.has(SYN) and not f.has(ACK)]
    synacks = [f for f in conn.frames if f.has(SYN) and f.has(ACK)]
    ck.expect(len(syns) == syn and all(1 in f.hs for f in syns),
              f"{conn}: {len(syns)} SYNs ({[f.label for f in syns]}), expected {syn} step-1 SYNs")
    ck.expect(len(synacks) == synack and all(2 in f.hs for f in synacks),
              f"{conn}: {len(synacks)} SYN-ACKs, expected {synack} step-2 SYN-ACKs")


def syn_ack_validated(ck, conn):
    """tcpSynAckValidated: the client acknowledged the SYN-ACK -> step 3."""
    ck.step_sent_by(conn, "handshake", 3, "client")


@oracle("ark-no-syn-ack.pcap")
def ark_no_syn_ack(ck):
    # .arkime-test.json: two sessions tagged no-syn-ack, syn=1 syn-ack=0,
    # tcpSynValidated=false, tcpSynAckValidated=false (see DIFFERENCES);
    # 40041 -> 3306 with 4/1 packets, 61181 -> 80 with 3/2.
    ck.expect(len(ck.cap.conns) == 2, f"{len(ck.cap.conns)} connections, expected 2")
    arkime_session(ck, ck.conn(40041), 40041, 4, 1, synack=0)
    arkime_session(ck, ck.conn(61181), 61181, 3, 2, synack=0)
    for conn in ck.cap.conns:
        ck.expect(2 not in conn.hs_steps(), f"{conn}: a SYN-ACK step without a SYN-ACK")


@oracle("ark-http-syn-ack.pcap")
def ark_http_syn_ack(ck):
    # .arkime-test.json: one session 10.0.0.32:10882 -> :80 (2/11 packets),
    # syn=0 syn-ack=1, tcpSynValidated=false (no SYN), tcpSynAckValidated=true.
    conn = ck.conn()
    arkime_session(ck, conn, 10882, 2, 11, syn=0)
    syn_ack_validated(ck, conn)
    ck.handshake(conn, 2, 3)
    ck.midstream(conn, True)  # MANIFEST: the capture starts at the SYN-ACK


@oracle("ark-wireshark-retrans.pcap")
def ark_wireshark_retrans(ck):
    # .arkime-test.json: a single session (the late SYN copy of frame 10 does
    # not split it, srcISNCnt=1), syn=4 syn-ack=4 fin=8, 64/44 packets,
    # tcpSynValidated and tcpSynAckValidated true.
    conn = ck.conn()
    arkime_session(ck, conn, 59221, 64, 44, syn=4, synack=4)
    syn_ack_validated(ck, conn)
    fins = [f for f in conn.frames if f.has(FIN)]
    ck.expect(len(fins) == 8 and all(f.td & {1, 3} for f in fins),
              f"{conn}: {len(fins)} FINs, expected 8 FIN steps")


@oracle("ark-tcp-reassembly-synthetic.pcap")
def ark_reassembly(ck):
    # .arkime-test.json: sessions 10.180.156.1:<port> -> :80, each
    # tcpSynValidated and tcpSynAckValidated true, syn=1, syn-ack=1.
    # Port 40008 yields two sessions (5/3 packets with fin=2, then 3/1 with
    # no FIN); port 40009's SYN, captured last, is part of its one session.
    sessions = {  # port: [(source packets, destination packets, FINs)]
        40001: [(6, 5, 2)], 40002: [(6, 6, 2)], 40003: [(6, 5, 2)], 40004: [(6, 5, 2)],
        40005: [(6, 5, 2)], 40006: [(6, 6, 2)], 40007: [(6, 7, 2)],
        40008: [(5, 3, 2), (3, 1, 0)], 40009: [(5, 3, 2)], 40010: [(4, 1, 1)],
    }
    for port, expected in sessions.items():
        try:
            conns = ck.conns(port, len(expected))
        except Missing as e:
            ck.expect(False, str(e))
            continue
        for conn, (src, dst, fins) in zip(conns, expected):
            arkime_session(ck, conn, port, src, dst)
            syn_ack_validated(ck, conn)
            got = len([f for f in conn.frames if f.has(FIN)])
            ck.expect(got == fins and all(f.td & {1, 3} for f in conn.frames if f.has(FIN)),
                      f"{conn}: {got} FINs, expected {fins} FIN steps")


# --- tcpdump and hand-derived (oracle C) -----------------------------------

def rst_with_data(ck):
    # .tcpdump-v.out: one "Flags [R.]" from 199.204.31.89.80 with length 58
    # (F5 "RST+" text), nothing before it: a midstream reset carrying data.
    conn = ck.conn()
    ck.midstream(conn, True)
    ck.handshake(conn)
    ck.client_port(conn, 52875)
    ck.ends_with_rst(conn, "server")
    ck.label(1, "Reset: RST (data)")


@oracle("td-tcp_rst_data.pcap")
def td_rst_data(ck):
    rst_with_data(ck)


@oracle("td-tcp_rst_data-trunc.pcap")
def td_rst_data_trunc(ck):
    # same, the frame cut inside the payload ("[|tcp]"): the header is whole
    rst_with_data(ck)


@oracle("td-tfo-5c1fa7f9ae91.pcap")
def td_tfo(ck):
    # .tcpdump.out (14 lines) + MANIFEST: 13047 -> 13054 seen on both sides of
    # a NAT (192.168.0.100 and 9.9.9.9): a full handshake and a normal close
    # begun by the client (frames 7/8 "F." from the client, 9/10 "F." from the
    # server acking it, 11/12 the last ACKs). Then 192.168.0.100:13048 sends a
    # TFO SYN with 4 B (frame 13), gets no SYN-ACK, and sends "F." with
    # "ack 0" (frame 14), which acknowledges nothing: no handshake.
    views = ck.conns(13047, 2)
    ck.expect({c.first.src for c in views} == {"192.168.0.100", "9.9.9.9"},
              "the two NAT views are not two connections")
    for conn in views:
        ck.handshake(conn, 1, 2, 3)
        ck.teardown(conn, 1, 2, 3, 4)
        ck.first_closer(conn, "client")
    tfo = ck.conn(13048)
    ck.label(13, "Handshake 1/3: SYN (data)")
    ck.expect(2 not in tfo.hs_steps(), f"{tfo}: a SYN-ACK step, none was sent")
    ck.never_established(tfo)


@oracle("cs-tcp_teardown.pcapng")
def cs_teardown(ck):
    # MANIFEST (hand-derived): capture starts at the server's (67.228.110.120:80)
    # FIN|ACK, client ACK, client FIN|ACK, server ACK.
    conn = ck.conn()
    ck.midstream(conn, True)
    ck.expect(conn.port_of("server") == 80, f"{conn}: server is port {conn.port_of('server')}")
    ck.expect([sorted(f.td) for f in conn.frames] == [[1], [2], [3], [4]],
              f"{conn}: teardown steps {[sorted(f.td) for f in conn.frames]}, expected 1, 2, 3, 4")
    ck.first_closer(conn, "server")


@oracle("cs-tcp_refuseconnection.pcapng")
def cs_refused(ck):
    # MANIFEST (hand-derived, Zeek REJ): SYN 3372 -> 80 answered by RST|ACK
    # acknowledging it: refused, both ends closed.
    conn = ck.conn()
    ck.client_port(conn, 3372)
    ck.handshake(conn, 1)
    ck.ends_with_rst(conn, "server")
    ck.gone_after(conn.last.number)


@oracle("cs-nowebaccess2.pcapng")
def cs_nowebaccess(ck):
    # MANIFEST (hand-derived): SYN 1074 -> 80 answered by RST|ACK, three times
    # on the same 4-tuple. The three SYNs carry the same ISN: one connect,
    # retried twice (Windows), as Wireshark's tcp.stream has it too: one
    # connection, refused three times.
    conn = ck.conn()
    ck.client_port(conn, 1074)
    ck.expect(len(conn.frames) == 6, f"{conn}: {len(conn.frames)} segments, expected 3 SYN + RST")
    ck.expect([f.label for f in conn.frames] ==
              ["Handshake 1/3: SYN", "Reset: RST"] + ["Handshake 1/3: SYN (retransmission)", "Reset: RST"] * 2,
              f"{conn}: SYN, RST, then the SYN resent and refused twice")
    ck.ends_with_rst(conn, "server")
    ck.gone_after(conn.last.number)


# ---------------------------------------------------------------------------
# Where tcpphase legitimately means something else than the oracle. The
# checks above test only what both agree on.

DIFFERENCES = {
    "zeek-tcp-syn-synack.pcap":
        "Zeek raises connection_established on the SYN-ACK; tcpphase calls the handshake complete "
        "only at step 3 (both ends ESTABLISHED), which this capture lacks. Both agree that the "
        "SYN-ACK establishes the client.",
    "zeek-tcp-no-handshake.pcap":
        "Zeek raises no connection_established without a SYN-ACK; tcpphase takes a connection "
        "picked up midstream to be between two ESTABLISHED ends (phase established, midstream).",
    "zeek-tcp-syn-then-rst.pcap":
        "Zeek's RSTOS0 counts the originator's RST as its abort; the crafted RST carries seq = ISN "
        "where the receiver expects ISN+1, so under RFC 9293/5961 it is out of the window and "
        "tcpphase lets it change no state (SYN_SENT / SYN_RECEIVED after it).",
    "zeek-tcp-syn-then-stuff-then-rst.pcap":
        "Zeek says OTH (its 'no SYN seen' state) because the originator's FIN took its endpoint "
        "out of SYN_SENT before the RST; the SYN is captured, so tcpphase does not call the "
        "connection midstream. Zeek records the originator's FIN (F); tcpphase labels it "
        "'Stray FIN', not teardown step 1: it was sent from SYN_SENT, where RFC 9293 has no FIN "
        "to send and the peer cannot validate one.",
    "zeek-mixed-vlan-mpls.pcap":
        "11001 -> 23 is SH for Zeek (no SYN-ACK seen); tcpphase infers the uncaptured SYN-ACK from "
        "the client's ACK of it (frame 2) and labels that ACK handshake step 3, both ESTABLISHED.",
    "ark-no-syn-ack.pcap":
        "Arkime's tcpSynAckValidated=false: there is no SYN-ACK to validate; tcpphase infers the "
        "uncaptured SYN-ACK from the client's ACK and labels that ACK handshake step 3.",
    "sv-bug-2646-01-fin-retransmit.pcap":
        "Suricata ends in tcp.state last_ack (one session state, the server having sent its FIN "
        "after the client's); tcpphase keeps a state per end and, as the server's FIN (frame 19) "
        "does not acknowledge the client's, sees the FINs cross: the server is CLOSING. Both mean "
        "the server's FIN is never acknowledged.",
    "sv-alert-no-3whs-established.pcap":
        "Without stream.midstream Suricata never considers a flow with no three-way handshake "
        "established; tcpphase takes a midstream pickup to be ESTABLISHED (phase established).",
    "sv-bug-3286-02-linux-evasion.pcap":
        "Suricata (like the Linux target) ignores the RST|ACK of frame 2 for its invalid timestamp "
        "(TSecr 100 does not echo the SYN); tcpphase does not check timestamps and applies RFC "
        "9293 3.10.7.3 (a RST acknowledging the SYN closes a SYN_SENT end): both CLOSED after "
        "frame 2 until the genuine handshake. The check covers what follows.",
    "sv-tcp-fastopen-10-syn-data-ignore.pcap":
        "After the SYN-ACK (frame 2) Suricata's session state is syn_recv; tcpphase, assuming the "
        "SYN-ACK arrived, already has the client ESTABLISHED (both agree the server is "
        "SYN_RECEIVED). The test's '2 flow events' is not checked: a flow count has no tcpphase "
        "counterpart (a SYN-ACK never starts a tcpphase connection).",
}


# ---------------------------------------------------------------------------

def check(sandbox, view):
    """The failures of one capture's checks (views.CaptureViews)."""
    name = os.path.basename(view.capture)
    ck = Check(capture_of(sandbox, name, view.rows["one"]))
    try:
        ORACLES[name](ck)
    except Missing as e:
        ck.failures.append(str(e))
    return ck.failures


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", required=True, help="CMake build directory")
    ap.add_argument("captures", nargs="*", help="capture names (default: all with an oracle)")
    ap.add_argument("--coverage", action="store_true",
                    help="only check that every shared capture has an oracle and every oracle its capture "
                         "(tests/frames.py runs the oracles in ctest)")
    opts = ap.parse_args()
    if opts.coverage:
        shared = {n for n in os.listdir(tplib.SHARED) if n.endswith((".pcap", ".pcapng"))}
        checks = tplib.Checks()
        checks.expect(not shared - set(ORACLES), f"every shared capture has an oracle ({sorted(shared - set(ORACLES))} lack one)")
        checks.expect(not set(ORACLES) - shared, f"every oracle's capture is in shared/ ({sorted(set(ORACLES) - shared)} missing)")
        return checks.exit_status()

    names = opts.captures or sorted(ORACLES)
    unknown = [n for n in names if n not in ORACLES]
    if unknown:
        ap.error(f"no oracle for {', '.join(unknown)}")
    failed = 0
    with tplib.Sandbox(opts.build) as sandbox:
        paths = [os.path.join(tplib.SHARED, n) for n in names]
        for name, view in zip(names, views.read(sandbox, paths, configs=views.CONFIGS[:1], sharkd=False)):
            failures = [view.error] if view.error else check(sandbox, view)
            if failures:
                failed += 1
                print(f"FAIL {name}: {'; '.join(failures)}")
            else:
                print(f"ok   {name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
