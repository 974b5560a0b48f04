#!/usr/bin/python3
"""Measures how far tcpphase agrees with a live Suricata on how each TCP
connection ended, and on the stream events the README's anomaly table gives
a Suricata counterpart for.

  tools/suricata-agree.py --build BUILD [--chroot DIR] [--generated N] [-v] [CAPTURE...]

Default captures: sample-captures/*.pcap* and ../shared/captures/*.pcap*.
Each capture goes once through `suricata -r` (offline, eve.json with the
flow and stream-anomaly records, stream.midstream on) and once through
one-pass tshark with the plugin. Per flow, Suricata's session state at flow
end (eve flow record, tcp.state) is compared with what tcpphase's
end-of-connection states of both ends (tcpphase.state.client/.server on the
connection's last segment) map to (SURICATA_STATE below).

Every disagreement must be of a kind in KINDS, each with its reason; the
script prints the agreement, a table of the kinds and exits 1 if one is of
no known kind, 77 (ctest's skip) when there is no suricata. --chroot DIR
runs `chroot DIR suricata` on copies of the captures inside DIR (a Debian
trixie chroot with suricata, for a host without it). --generated N adds a
bench/gen.py capture of N connections."""
import argparse
import collections
import concurrent.futures
import csv
import datetime
import glob
import io
import ipaddress
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))
import catalogue  # noqa: E402  (tests/: the anomaly table's Suricata column)
import tplib  # noqa: E402  (tests/: tshark as uid 65534 with a copy of the plugin)
import views  # noqa: E402

SKIP = 77

# Suricata's configuration: only what differs from its built-in defaults.
# Flow timeouts are raised so that a quiet flow is not cut in two (tcpphase
# never times a connection out): every flow then ends at shutdown with its
# final session state. Checksums are not checked (Wireshark does not either,
# and the crafted captures have none), no rules are loaded (-S /dev/null).
SURICATA_YAML = """%YAML 1.1
---
outputs:
  - eve-log:
      enabled: yes
      filetype: regular
      filename: eve.json
      types:
        - flow
        - anomaly:
            enabled: yes
            types: {decode: no, stream: yes, applayer: no}
stream:
  midstream: true
  checksum-validation: no
flow-timeouts:
  tcp: {new: 86400, established: 86400, closed: 86400,
        emergency-new: 86400, emergency-established: 86400, emergency-closed: 86400}
"""

# ---------------------------------------------------------------------------
# The mapping. Suricata keeps one state per session, not one per end: it
# moves on the first SYN (syn_sent), the SYN-ACK (syn_recv), the handshake
# ACK (established), and after a FIN it is named after the server's RFC 9293
# state (src/stream-tcp.c, StreamTcpHandleFin: the client's FIN gives
# close_wait, the server's fin_wait1; then last_ack or fin_wait2, time_wait)
# until the ACK of the last FIN, when it is closed; an accepted RST closes it
# too. A tcpphase server is SYN_RECEIVED as soon as the SYN arrives, so the
# client's state tells syn_sent from syn_recv. A pair not listed here is
# "unmapped" (and must be explained like any other difference).
GONE = {"CLOSED", "LISTEN"}
FIN, SYN, RST, ACK = 0x01, 0x02, 0x04, 0x10
SURICATA_STATE = {
    ("SYN_SENT", "SYN_RECEIVED"): "syn_sent",
    ("SYN_SENT", "LISTEN"): "syn_sent",
    ("ESTABLISHED", "SYN_RECEIVED"): "syn_recv",
    ("ESTABLISHED", "ESTABLISHED"): "established",
    # the client closed first
    ("FIN_WAIT_1", "CLOSE_WAIT"): "close_wait",
    ("FIN_WAIT_2", "CLOSE_WAIT"): "close_wait",
    ("TIME_WAIT", "LAST_ACK"): "last_ack",
    ("FIN_WAIT_1", "LAST_ACK"): "last_ack",
    ("TIME_WAIT", "CLOSED"): "closed",
    # the server closed first
    ("CLOSE_WAIT", "FIN_WAIT_1"): "fin_wait1",
    ("CLOSE_WAIT", "FIN_WAIT_2"): "fin_wait2",
    ("LAST_ACK", "TIME_WAIT"): "time_wait",
    ("LAST_ACK", "FIN_WAIT_1"): "time_wait",
    ("CLOSED", "TIME_WAIT"): "closed",
    # the FINs crossed: closing until the first ACK, time_wait until the second
    ("CLOSING", "CLOSING"): "closing",
    ("TIME_WAIT", "CLOSING"): "time_wait",
    ("CLOSING", "TIME_WAIT"): "time_wait",
    ("TIME_WAIT", "TIME_WAIT"): "closed",
}


def suricata_state(client, server):
    """The Suricata session state tcpphase's end states map to."""
    if client in GONE and server in GONE:
        return "closed"  # a RST both ends took (or a refused SYN)
    return SURICATA_STATE.get((client, server), "unmapped")


# ---------------------------------------------------------------------------
# What each side says

Seg = collections.namedtuple("Seg", "number time role flags len client server")


class Conn:
    """One tcpphase connection: its ends, segments, anomalies."""

    def __init__(self, number, client, server):
        self.number, self.client, self.server = number, client, server
        self.frames = []        # [Seg]
        self.anomalies = []     # (frame number, id)
        self.midstream = False
        self.tunnelled = False  # inside another TCP connection (one frame, two TCP layers)
        self.truncated = False  # a frame cut by the snap length
        self.syn_data = False   # a SYN carried data

    def key(self):
        return frozenset((self.client, self.server))

    def final(self):
        return self.frames[-1].client, self.frames[-1].server

    def has(self, anomaly):
        return any(a == anomaly for _, a in self.anomalies)

    def frames_with(self, flags):
        return [f for f in self.frames if f.flags & flags == flags]


def endpoint(text):
    """("10.0.0.1", 40001) of "10.0.0.1:40001" or "[2001:db8::1]:80"."""
    host, port = text.rsplit(":", 1)
    return str(ipaddress.ip_address(host.strip("[]"))), int(port)


FIELDS = ["frame.number", "frame.time_epoch", "frame.len", "frame.cap_len", "tcp.len", "tcpphase.conn", "tcpphase.role", "tcp.flags",
          "tcpphase.state.client", "tcpphase.state.server", "tcpphase.midstream", "tcpphase.anomaly"]


def tcpphase_conns(sandbox, capture):
    """{number: Conn} of one-pass tshark with the plugin, from its per-frame
    fields and the -z tcpphase,conns,tsv report printed after them (which
    names each connection's client and server address and port)."""
    args = ["-T", "fields", "-E", "separator=/t", "-E", "occurrence=a",
            "-E", "aggregator=" + views.AGGREGATOR, "-z", "tcpphase,conns,tsv"]
    for field in FIELDS:
        args += ["-e", field]
    text = sandbox.tshark(capture, args)
    at = text.find("conn\tstream\tclient\t")
    frames, report = text[:at], text[at:] if at >= 0 else ""
    conns = {}
    for row in csv.DictReader(io.StringIO(report), delimiter="\t"):
        conns[int(row["conn"])] = Conn(int(row["conn"]), endpoint(row["client"]), endpoint(row["server"]))
    names = sandbox.value_names()
    for line in frames.splitlines():
        cells = dict(zip(FIELDS, (c.split(views.AGGREGATOR) if c else [] for c in line.split("\t"))))
        number, time = int(cells["frame.number"][0]), float(cells["frame.time_epoch"][0])
        # one tcpphase tree per TCP layer (tunnels), in the order of the layers
        for i, n in enumerate(cells["tcpphase.conn"]):
            c = conns[int(n)]
            state = [tplib.display_value(names, f, cells[f][i])
                     for f in ("tcpphase.role", "tcpphase.state.client", "tcpphase.state.server")]
            flags, length = int(cells["tcp.flags"][i], 16), int(cells["tcp.len"][i])
            c.frames.append(Seg(number, time, state[0], flags, length, state[1], state[2]))
            c.tunnelled |= i > 0
            c.truncated |= cells["frame.len"] != cells["frame.cap_len"]
            c.syn_data |= flags & (SYN | ACK) == SYN and length > 0
            c.midstream |= tplib.display_value(names, "tcpphase.midstream",
                                               (cells["tcpphase.midstream"] or ["0"])[0]) == "True"
            c.anomalies += [(number, a) for a in cells["tcpphase.anomaly"]]
    return {n: c for n, c in conns.items() if c.frames}


class Flow:
    """One Suricata eve flow record and the stream events of its flow_id."""

    def __init__(self, record):
        self.src = (str(ipaddress.ip_address(record["src_ip"])), record["src_port"])
        self.dst = (str(ipaddress.ip_address(record["dest_ip"])), record["dest_port"])
        self.start = epoch(record["flow"]["start"])
        self.end = epoch(record["flow"]["end"])
        self.state = record.get("tcp", {}).get("state", "none")  # no session: no state
        self.id = record["flow_id"]
        self.events = []  # (pcap_cnt, "stream.xxx")

    def key(self):
        return frozenset((self.src, self.dst))


def epoch(stamp):
    return datetime.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%f%z").timestamp()


class Unreadable(Exception):
    """Suricata (its libpcap) cannot read the capture at all."""


def suricata_flows(capture, workdir, chroot):
    """[Flow] of `suricata -r capture` (in |chroot| if given), run in |workdir|."""
    inner = "/" + os.path.relpath(workdir, chroot) if chroot else workdir
    shutil.copyfile(capture, os.path.join(workdir, "capture"))
    with open(os.path.join(workdir, "suricata.yaml"), "w") as f:
        f.write(SURICATA_YAML)
    argv = (["chroot", chroot] if chroot else []) + [
        "suricata", "-c", f"{inner}/suricata.yaml", "-r", f"{inner}/capture", "-l", inner,
        "-k", "none", "-S", "/dev/null", "--runmode", "single"]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=600)
    if "Failed to init pcap file" in proc.stderr + proc.stdout:
        raise Unreadable(re.findall(r"Error: pcap: (.*)", proc.stderr + proc.stdout)[0])
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)}: exit {proc.returncode}\n{proc.stderr}{proc.stdout}")
    flows, events = {}, []
    with open(os.path.join(workdir, "eve.json")) as f:
        for line in f:
            r = json.loads(line)
            if r.get("proto") != "TCP":
                continue
            if r["event_type"] == "flow":
                flows[r["flow_id"]] = Flow(r)
            elif r["event_type"] == "anomaly" and r["anomaly"].get("type") == "stream":
                events.append((r["flow_id"], r.get("pcap_cnt"), r["anomaly"]["event"]))
    for flow_id, frame, event in events:
        if flow_id in flows:
            flows[flow_id].events.append((frame, event))
    return sorted(flows.values(), key=lambda fl: fl.start)


# ---------------------------------------------------------------------------
# Pairing flows with connections

def overlap(a, b):
    return a[0] <= b[1] + 1e-6 and b[0] <= a[1] + 1e-6


def groups(conns, flows):
    """[([conn], [flow])]: the connections and flows on the same two
    endpoints. Where both sides have several (port reuse, Suricata's TCP
    session reuse), those whose time spans overlap, transitively: Suricata
    and tcpphase may cut the same segments into connections differently.
    (With one on either side, times are not compared: a capture's clock can
    go backwards.)"""
    by_key = collections.defaultdict(lambda: ([], []))
    for c in conns.values():
        by_key[c.key()][0].append(((c.frames[0].time, c.frames[-1].time), c))
    for f in flows:
        by_key[f.key()][1].append(((f.start, f.end), f))
    out = []
    for cs, fs in by_key.values():
        if len(cs) <= 1 or len(fs) <= 1:
            out.append(([c for _, c in cs], [f for _, f in fs]))
            continue
        mine = []  # [span, conns, flows]
        for span, obj in sorted(cs + fs, key=lambda item: item[0][0]):
            g = next((g for g in reversed(mine) if overlap(g[0], span)), None)
            if g is None:
                g = [span, [], []]
                mine.append(g)
            g[0] = (g[0][0], max(g[0][1], span[1]))
            g[1 if isinstance(obj, Conn) else 2].append(obj)
        out += [(g[1], g[2]) for g in mine]
    return out


# ---------------------------------------------------------------------------
# Kinds of disagreement on the final state, each with the reason it is not a
# tcpphase fault. match(conns, flows) -> bool; the first kind that matches
# is taken. A group that is not one connection and one flow always differs.

def only(conns):
    return conns[0] if len(conns) == 1 else None


def reset_reply_pair(c):
    """Ends with one end gone and the other still SYN_RECEIVED: the RST that
    a SYN_RECEIVED end answers an unacceptable segment with (RFC 9293
    3.10.7.3, <SEQ=SEG.ACK><CTL=RST>) closes its receiver, not its sender."""
    a, b = c.final()
    return {a, b} & GONE and "SYN_RECEIVED" in (a, b) and c.frames[-1][3] & RST and not c.frames[-1][3] & ACK


KINDS = [
    ("no Suricata flow, tunnel", "TCP inside a tunnel Suricata does not decode (GTP over TCP, as tshark "
     "-d tcp.port==2152,gtp reads it)", lambda cs, fs: not fs and any(c.tunnelled for c in cs)),
    ("no Suricata flow, truncated", "Suricata drops a packet cut by the snap length (decoder event "
     "ipv4.trunc_pkt) before the stream engine; tcpphase labels any TCP header it can read whole",
     lambda cs, fs: not fs and all(c.truncated for c in cs)),
    ("one flow across port reuse", "Suricata reuses a TCP session only for a SYN with another ISN "
     "(TcpSessionReuseDoneEnoughSyn); tcpphase starts a new connection on a bare SYN once both ends "
     "have left theirs (README, tcpphase.conn)",
     lambda cs, fs: len(fs) == 1 and len(cs) > 1 and all(c.has("port_reuse") for c in cs[1:])),
    ("Suricata splits at a SYN", "Suricata 7 starts a new session on a SYN after TFO data was "
     "ignored, or on a SYN or SYN-ACK in a closing session; tcpphase (RFC 9293 3.10.7.4, RFC 5961 4) "
     "keeps the connection: a SYN in a synchronized state gets a challenge ACK, a retransmitted SYN "
     "is a retransmission",
     lambda cs, fs: len(cs) == 1 and len(fs) > 1 and (cs[0].has("syn_data_ignored") or cs[0].has(
         "syn_while_closing") or cs[0].has("syn_in_established"))),
    ("no Suricata session", "Suricata starts no TCP session on a lone RST, FIN or illegal flag "
     "combination (state none); tcpphase tracks every segment, the RST closing both ends",
     lambda cs, fs: only(cs) and len(fs) == 1 and fs[0].state == "none"),
    ("crossed FINs", "tcpphase keeps a state per end and sees the FINs cross (CLOSING); "
     "Suricata's one session state takes them in order (last_ack, time_wait)",
     lambda cs, fs: only(cs) and len(fs) == 1 and cs[0].has("simultaneous_close")),
    ("simultaneous open", "both ends sent a SYN: Suricata, whose numbers follow a plain 3-way "
     "handshake, finds the later FINs out of window (fin_out_of_window, fin_invalid_ack) and stays "
     "established; tcpphase follows RFC 9293's simultaneous open",
     lambda cs, fs: only(cs) and (cs[0].has("simultaneous_open") or cs[0].has("split_handshake"))),
    ("reset reply from SYN_RECEIVED", "RFC 9293 3.10.7.3: a SYN_RECEIVED end answers an "
     "unacceptable segment with <SEQ=SEG.ACK><CTL=RST> and stays SYN_RECEIVED, its peer is CLOSED; "
     "Suricata's one session state either takes that RST for the session's (closed) or drops it",
     lambda cs, fs: only(cs) and len(fs) == 1 and reset_reply_pair(cs[0])),
    ("SYN-ACK not captured", "tcpphase infers the SYN-ACK from the client's ACK of it (README, How "
     "the states are worked out); Suricata without the SYN-ACK stays in syn_sent",
     lambda cs, fs: only(cs) and len(fs) == 1 and fs[0].state == "syn_sent" and not cs[0].frames_with(SYN | ACK)),
    ("data on the SYN acknowledged", "the SYN-ACK acknowledges the SYN's data too: RFC 9293 lets a "
     "receiver queue SYN data (SND.UNA < SEG.ACK =< SND.NXT), so tcpphase takes it; Suricata accepts "
     "ISN+1 only (3whs_synack_with_wrong_ack) without a TFO option and stays in syn_sent",
     lambda cs, fs: only(cs) and len(fs) == 1 and fs[0].state == "syn_sent" and cs[0].syn_data),
    ("FIN not captured", "the capture lacks a FIN that the peer's ACK acknowledges: tcpphase "
     "moves both ends as if it had been seen (fin_not_captured); Suricata, without the FIN, "
     "stays in close_wait",
     lambda cs, fs: only(cs) and cs[0].has("fin_not_captured")),
    ("ACK of unsent data", "a closing ACK acknowledges data never sent: Suricata takes it for packets "
     "its capture missed and moves the sender's next sequence number there, so the genuine last ACK "
     "looks old and it stays in last_ack; tcpphase waits for the ACK of the FIN",
     lambda cs, fs: only(cs) and cs[0].has("close_ack_invalid")),
    ("self-connect", "a socket connected to its own address and port: tcpphase runs every segment "
     "through its one TCB (simultaneous open with itself, README: A self-connect); Suricata takes the "
     "SYN-ACK for one in the wrong direction (3whs_synack_in_wrong_direction) and stays in syn_sent",
     lambda cs, fs: only(cs) and cs[0].client == cs[0].server),
    ("midstream pickup", "no SYN captured: tcpphase starts both ends ESTABLISHED and follows a "
     "teardown from its first FIN; Suricata cannot start a session on a FIN (fin_but_no_session), "
     "picks the flow up at the next ACK and finds the FINs after it out of window",
     lambda cs, fs: only(cs) and cs[0].midstream),
]


def classify(conns, flows):
    for name, _, match in KINDS:
        if match(conns, flows):
            return name
    return None


# ---------------------------------------------------------------------------
# Stream events the anomaly table names a counterpart for

def counterparts():
    """{tcpphase anomaly id: {"stream.xxx", ...}} from the Suricata column."""
    return {a["id"]: set(re.findall(r"stream\.\w+", a["suricata"])) for a in catalogue.load()
            if "stream." in a["suricata"]}


# Known kinds of a one-sided event: (side, tcpphase id or Suricata event) ->
# (kind, reason). "tcpphase" rows: tcpphase raises the anomaly and Suricata
# not its counterpart on that frame; "suricata" rows the reverse.
EVENT_KINDS = {
    ("tcpphase", "fin_without_handshake"): (
        "FIN before the handshake", "Suricata raises fin_but_no_session only for a FIN that finds "
        "no session at all; tcpphase also for a FIN from an end still in SYN_SENT"),
    ("tcpphase", "traffic_after_rst"): (
        "traffic after RST", "suspected_rst_inject only follows a RST a SYN_SENT end accepted "
        "(README, anomaly table); tcpphase flags traffic after any accepted RST"),
    ("tcpphase", "close_ack_invalid"): (
        "ACK of unsent data", "Suricata checks the acknowledgment of a FIN (fin_invalid_ack), "
        "not of a pure ACK during the close; it takes a too-high ACK for missed packets"),
    ("tcpphase", "fin_bad_seq"): (
        "FIN behind unacknowledged data", "Suricata's fin_out_of_window only asks whether the FIN "
        "lies between the last acknowledged byte and the window's end; tcpphase wants SND.NXT"),
    ("tcpphase", "handshake_ack_bad"): (
        "bad handshake ACK", "Suricata raises 3whs_wrong_seq_wrong_ack only when the sequence "
        "number is wrong too; a right one with a wrong ACK is 3whs_right_seq_wrong_ack_evasion, "
        "and a FIN there is judged by its window (fin_out_of_window)"),
    ("tcpphase", "syn_new_isn"): (
        "new ISN before the SYN-ACK", "Suricata's 3whs_syn_resend_diff_seq_on_syn_recv is for "
        "SYN_RECV (after the SYN-ACK); before it Suricata takes the new SYN silently"),
    ("tcpphase", "syn_while_closing"): (
        "SYN while closing", "Suricata starts a new session on it (TCP session reuse) instead "
        "of raising shutdown_syn_resend; tcpphase keeps the connection (RFC 5961 4)"),
    ("tcpphase", "syn_in_established"): (
        "SYN in an established connection", "Suricata raises a sibling event instead "
        "(est_syn_resend_diff_seq for another ISN, est_syn_toclient from the server)"),
    ("tcpphase", "illegal_flags"): (
        "illegal flags", "Suricata raises fin_syn only for a SYN+FIN on an established session; "
        "a packet with no flags or SYN+FIN that starts no session raises nothing"),
    ("tcpphase", "rst_with_data"): (
        "RST without a session", "Suricata raises rst_with_data only while validating a RST of "
        "a session it has: a lone RST gets rst_but_no_session instead"),
    ("tcpphase", "rst_no_connection"): (
        "truncated RST", "Suricata's decoder drops a truncated packet before the stream engine "
        "(no flow at all)"),
    ("suricata", "stream.fin_but_no_session"): (
        "midstream FIN", "the capture starts at a FIN: tcpphase picks the connection up midstream "
        "(both ESTABLISHED, teardown 1/4), Suricata cannot start a session on a FIN"),
    ("suricata", "stream.fin_out_of_window"): (
        "Suricata lost the numbers", "after a midstream pickup or a simultaneous open Suricata's "
        "idea of the window is off; tcpphase checks the FIN against what the sender sent"),
    ("suricata", "stream.fin_invalid_ack"): (
        "Suricata lost the numbers", "after a midstream pickup or a simultaneous open Suricata's "
        "idea of the next sequence number is off"),
    ("suricata", "stream.3whs_synack_with_wrong_ack"): (
        "data on the SYN acknowledged", "the SYN-ACK acknowledges the SYN's data as well: "
        "acceptable under RFC 9293, Suricata expects ISN+1 without a TFO option"),
    ("suricata", "stream.3whs_synack_in_wrong_direction"): (
        "self-connect", "both ends are one address and port, so Suricata cannot tell the SYN-ACK's "
        "direction from the SYN's; tcpphase raises synack_wrong_direction wherever the directions "
        "are told apart, so only a self-connect leaves Suricata alone with it"),
    ("suricata", "stream.3whs_right_seq_wrong_ack_evasion"): (
        "data on the SYN-ACK acknowledged", "the third segment acknowledges the SYN-ACK's data "
        "as well (ISN+1+len): acceptable under RFC 9293, Suricata expects ISN+1"),
}


def compare_events(conns, flows, table):
    """(both, [(frame, side, id or event, other events Suricata raised there)])
    frame by frame, for the anomalies and events in |table|."""
    ours = {(f, a) for c in conns.values() for f, a in c.anomalies if a in table}
    all_theirs = {}
    for fl in flows:
        for f, e in fl.events:
            all_theirs.setdefault(f, set()).add(e)
    theirs = {(f, e) for f, es in all_theirs.items() for e in es if any(e in s for s in table.values())}
    both, one_sided = 0, []
    for frame, a in sorted(ours):
        hit = [e for e in table[a] if (frame, e) in theirs]
        if hit:
            both += 1
            theirs -= {(frame, e) for e in hit}
        else:
            one_sided.append((frame, "tcpphase", a, sorted(all_theirs.get(frame, ()))))
    one_sided += [(frame, "suricata", e, []) for frame, e in sorted(theirs)]
    return both, one_sided


# ---------------------------------------------------------------------------

def default_captures():
    pattern = ["sample-captures/*.pcap", "sample-captures/*.pcapng"]
    found = [p for pat in pattern for p in glob.glob(os.path.join(ROOT, pat))]
    found += glob.glob(os.path.join(tplib.SHARED, "*.pcap")) + glob.glob(os.path.join(tplib.SHARED, "*.pcapng"))
    return sorted(found)


def measure(capture, sandbox, work, chroot):
    """(name, [(conns, flows)], (events both, one-sided events)) of one capture,
    or (name, None, why) when Suricata cannot read it."""
    workdir = tempfile.mkdtemp(dir=work)
    os.chmod(workdir, 0o755)
    name = os.path.basename(capture)
    try:
        flows = suricata_flows(capture, workdir, chroot)
    except Unreadable as e:
        return name, None, str(e)
    conns = tcpphase_conns(sandbox, capture)
    return name, groups(conns, flows), compare_events(conns, flows, counterparts())


def describe(conns, flows):
    ours = "; ".join(f"conn {c.number} (frames {c.frames[0].number}-{c.frames[-1].number}) "
                     f"{'/'.join(c.final())}" for c in conns) or "no connection"
    return f"tcpphase {ours}; Suricata {', '.join(f.state for f in flows) or 'no flow'}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", required=True)
    ap.add_argument("--chroot", default=os.environ.get("SURICATA_CHROOT"),
                    help="run suricata in this chroot (files are staged inside it)")
    ap.add_argument("--generated", type=int, default=0, help="add a bench/gen.py capture of N connections")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every disagreement")
    ap.add_argument("captures", nargs="*")
    args = ap.parse_args()
    if args.chroot:
        if not os.path.exists(os.path.join(args.chroot, "usr/bin/suricata")):
            print(f"SKIP: no suricata in {args.chroot}")
            return SKIP
    elif not shutil.which("suricata"):
        print("SKIP: suricata is not installed (tools/install-deps.sh installs it on Debian trixie)")
        return SKIP
    captures = args.captures or default_captures()
    base = os.path.join(args.chroot, "tmp") if args.chroot else None
    work = tempfile.mkdtemp(prefix="suricata-agree-", dir=base)
    os.chmod(work, 0o755)
    try:
        if args.generated:
            gen = os.path.join(work, f"gen-{args.generated}.pcap")
            subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen.py"), gen,
                            str(args.generated)], check=True)
            captures.append(gen)
        with tplib.Sandbox(args.build) as sandbox, \
                concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 2) as pool:
            sandbox.value_names()  # once, before the threads ask for it
            results = list(pool.map(lambda c: measure(c, sandbox, work, args.chroot), captures))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return report(results, args.verbose)


def print_kinds(title, kinds, reasons, verbose):
    """One line per kind: count, captures, reason, and examples (all if -v)."""
    print(title)
    for kind, cases in sorted(kinds.items(), key=lambda kv: (kv[0] is None, kv[0] or "")):
        caps = sorted({c for c, _ in cases})
        print(f"  {kind or 'UNCLASSIFIED'}: {len(cases)} in {len(caps)} captures")
        print(f"      why: {reasons.get(kind, 'no known reason: a tcpphase (or script) bug?')}")
        for capture, what in cases if (verbose or kind is None) else cases[:2]:
            print(f"      {capture}: {what}")


def report(results, verbose):
    """Prints the figures; 1 if a difference is of no known kind."""
    flows = agree = 0
    kinds, event_kinds = {}, {}  # kind -> [(capture, description)]
    both = 0
    for name, pairs, events in results:
        if pairs is None:
            print(f"not measured: {name}: Suricata cannot read it ({events})")
            continue
        for conns, fls in pairs:
            flows += 1
            if len(conns) == 1 and len(fls) == 1 and suricata_state(*conns[0].final()) == fls[0].state:
                agree += 1
                continue
            kinds.setdefault(classify(conns, fls), []).append((name, describe(conns, fls)))
        both += events[0]
        for frame, side, what, others in events[1]:
            kind = EVENT_KINDS.get((side, what), (None,))[0]
            also = f" (Suricata raised {', '.join(others)})" if others else ""
            event_kinds.setdefault(kind, []).append((name, f"frame {frame}: {side} only: {what}{also}"))
    one_sided = sum(len(v) for v in event_kinds.values())
    print(f"{flows} connections (Suricata flows and tcpphase connections on the same ports and times), "
          f"{agree} agree on the final state ({100.0 * agree / max(flows, 1):.1f} %)")
    print_kinds("differences in the final state:", kinds, {n: r for n, r, _ in KINDS}, verbose)
    print(f"stream events with a counterpart in the anomaly table: {both} raised by both on the same "
          f"frame, {one_sided} by one side only")
    print_kinds("one-sided events:", event_kinds, {k: r for k, r in EVENT_KINDS.values()}, verbose)
    return 1 if None in kinds or None in event_kinds else 0


if __name__ == "__main__":
    sys.exit(main())
