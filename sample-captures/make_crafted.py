#!/usr/bin/python3
"""Write the deterministic crafted sample captures described in README.md.

Usage: /usr/bin/python3 sample-captures/make_crafted.py [outdir]

Everything is fixed (timestamps, ISNs, IP ids, MACs), so two runs give
byte-identical files.  Needs Debian's python3-scapy (hence /usr/bin/python3).
"""
import os
import socket
import sys

import subprocess
import tempfile

from scapy.all import ICMP, IP, UDP, IPv6, TCP, Ether, PcapWriter
from scapy.layers.dns import DNS, DNSQR
from scapy.layers.l2 import ARP, CookedLinux
from scapy.contrib.gtp import GTP_U_Header

T0 = 1700000000        # start time of every capture (seconds)
OWD = 0.010            # default gap between packets (one-way delay)
MOD = 1 << 32
MSS = [("MSS", 1460)]


def mac(ip):
    """Fixed locally administered MAC derived from the last 4 address bytes."""
    fam = socket.AF_INET6 if ":" in ip else socket.AF_INET
    return "02:00:" + ":".join("%02x" % b for b in socket.inet_pton(fam, ip)[-4:])


LINK_ETHERNET, LINK_RAW, LINK_SLL = 1, 101, 113


class Cap:
    """Packets of one capture, with a clock kept in integer microseconds."""

    def __init__(self, link=LINK_ETHERNET, start_us=0):
        self.us = start_us
        self.link = link
        self.frames = []            # (time_us, bytes, wirelen)

    def add(self, pkt, dt=OWD, caplen=None):
        """Append an L3 packet (or an Ethernet frame), dt s after the previous one."""
        if self.frames:
            self.us += round(dt * 1e6)
        if isinstance(pkt, Ether) or self.link == LINK_RAW:
            raw = bytes(pkt)
        elif self.link == LINK_SLL:
            raw = bytes(CookedLinux(pkttype=0, lladdrtype=1, lladdrlen=6,
                                    src=bytes.fromhex(mac(pkt.src).replace(":", "")) + b"\0\0") / pkt)
        else:
            raw = bytes(Ether(src=mac(pkt.src), dst=mac(pkt.dst)) / pkt)
        self.frames.append((self.us, raw[:caplen], len(raw)))
        return pkt

    def write(self, path):
        w = PcapWriter(path, linktype=self.link, endianness="<", sync=False)
        w.write_header(None)        # not implied when writing raw bytes
        for us, raw, wirelen in self.frames:
            w.write_packet(raw, sec=T0 + us // 10**6, usec=us % 10**6,
                           wirelen=wirelen)
        w.close()


class Conn:
    """One TCP connection; tracks next seq ('nxt') and ack ('rcv') per side.

    Sides are 'c' (client) and 's' (server).  Each segment is assumed to be
    received in order right away, so ack numbers follow automatically; pass
    seq=/ack= explicitly for retransmissions, crossings and oddities.
    """

    def __init__(self, emit, cport, cisn=1000, sisn=5000, sport=80,
                 cip="10.0.0.1", sip="10.0.0.2"):
        self.emit = emit            # callable(l3_packet, dt, caplen=None)
        self.addr = {"c": (cip, cport), "s": (sip, sport)}
        self.nxt = {"c": cisn, "s": sisn}
        self.rcv = {"c": sisn, "s": cisn}   # as if synchronized (midstream)
        self.ipid = {"c": 0x1000, "s": 0x2000}

    def send(self, side, flags, payload=b"", seq=None, ack=None, dt=OWD,
             caplen=None, **tcp):
        """Emit one segment; advances nxt only when seq is not given."""
        peer = "s" if side == "c" else "c"
        if isinstance(payload, int):
            payload = b"x" * payload
        s = self.nxt[side] if seq is None else seq
        a = ack if ack is not None else (self.rcv[side] if "A" in flags else 0)
        end = (s + len(payload) + ("S" in flags) + ("F" in flags)) % MOD
        if seq is None:
            self.nxt[side] = end
        if "R" not in flags and ("S" in flags or s == self.rcv[peer]):
            self.rcv[peer] = end
        (src, sport), (dst, dport) = self.addr[side], self.addr[peer]
        if ":" in src:
            l3 = IPv6(src=src, dst=dst)
        else:
            l3 = IP(src=src, dst=dst, id=self.ipid[side], flags="DF")
            self.ipid[side] += 1
        tcp.setdefault("window", 64240)
        pkt = l3 / TCP(sport=sport, dport=dport, flags=flags, seq=s, ack=a,
                       **tcp)
        if payload:
            pkt = pkt / payload
        return self.emit(pkt, dt, caplen)

    def syn(self, side="c", **kw):
        kw.setdefault("options", MSS)
        return self.send(side, "S", **kw)

    def synack(self, side="s", **kw):
        kw.setdefault("options", MSS)
        return self.send(side, "SA", **kw)

    def ack(self, side, **kw):
        return self.send(side, "A", **kw)

    def data(self, side, n, **kw):
        return self.send(side, "PA", n, **kw)

    def fin(self, side, **kw):
        return self.send(side, "FA", **kw)

    def rst(self, side, flags="RA", **kw):
        return self.send(side, flags, **kw)

    # common sequences
    def open(self):
        self.syn(); self.synack(); self.ack("c")

    def exchange(self):
        """Request 100 B, server ACK, response 200 B, client ACK."""
        self.data("c", 100); self.ack("s"); self.data("s", 200); self.ack("c")

    def close(self, first="c"):
        """Four-segment close initiated by side `first`."""
        other = "s" if first == "c" else "c"
        self.fin(first); self.ack(other); self.fin(other); self.ack(first)


# ---------------------------------------------------------------- scenarios

def normal_client_close(cap):
    """Handshake, request/response, client closes first (4-segment close)."""
    c = Conn(cap.add, 40001)
    c.open(); c.exchange(); c.close("c")


def normal_server_close(cap):
    """Handshake, request/response, server closes first."""
    c = Conn(cap.add, 40002)
    c.open(); c.exchange(); c.close("s")


def three_segment_close(cap):
    """Close with FIN, FIN+ACK (acking the first FIN), ACK."""
    c = Conn(cap.add, 40003)
    c.open(); c.data("c", 100); c.data("s", 200)
    c.fin("c"); c.fin("s"); c.ack("c")


def half_close(cap):
    """Client sends request and FIN; server keeps sending data, then FINs."""
    c = Conn(cap.add, 40004)
    c.open(); c.data("c", 100); c.fin("c", dt=0.001); c.ack("s")
    for _ in range(3):
        c.data("s", 300); c.ack("c")
    c.fin("s"); c.ack("c")


def simultaneous_open(cap):
    """Crossing SYNs, then both sides send SYN-ACK; data; normal close."""
    c = Conn(cap.add, 40005)
    c.syn(); c.syn("s", dt=0.001)
    c.synack("c", seq=1000); c.synack("s", seq=5000, dt=0.001)
    c.data("c", 100); c.ack("s"); c.close("c")


def split_handshake(cap):
    """SYN, bare SYN back, client SYN-ACK, server ACK; data; close."""
    c = Conn(cap.add, 40006)
    c.syn(); c.syn("s"); c.synack("c", seq=1000); c.ack("s")
    c.exchange(); c.close("c")


def simultaneous_close(cap):
    """Both FINs cross (neither acks the other's FIN), then both ACK."""
    c = Conn(cap.add, 40007)
    c.open(); c.exchange()
    s_ack = c.rcv["s"]                  # server has not seen the client FIN
    c.fin("c"); c.fin("s", ack=s_ack, dt=0.001)
    c.ack("c", dt=0.009); c.ack("s", dt=0.001)


def refused(cap):
    """SYN answered by RST-ACK, retried after 1 s with a new ISN, refused again."""
    c = Conn(cap.add, 40008)
    c.syn(); c.rst("s", seq=0)
    c = Conn(cap.add, 40008, cisn=2000)
    c.syn(dt=1.0); c.rst("s", seq=0)


def half_open_scan(cap):
    """A half-open (SYN) scan: SYN, SYN-ACK, and the scanner's RST instead of
    the third segment; the server returns to LISTEN."""
    c = Conn(cap.add, 40127)
    c.syn(); c.synack(); c.rst("c", flags="R", seq=1001)


def syn_unanswered(cap):
    """One SYN retransmitted after 1 s and 2 s more; never answered."""
    c = Conn(cap.add, 40009)
    c.syn(); c.syn(seq=1000, dt=1.0); c.syn(seq=1000, dt=2.0)


def synack_retransmitted(cap):
    """SYN-ACK retransmitted after 1 s before the client ACK; data; close."""
    c = Conn(cap.add, 40010)
    c.syn(); c.synack(); c.synack(seq=5000, dt=1.0); c.ack("c")
    c.exchange(); c.close("c")


def handshake_ack_lost(cap):
    """No pure handshake ACK: the client's first data segment completes it."""
    c = Conn(cap.add, 40011)
    c.syn(); c.synack(); c.data("c", 100); c.ack("s")
    c.data("s", 200); c.ack("c"); c.close("c")


def rst_abort(cap):
    """Established connection aborted by a client RST."""
    c = Conn(cap.add, 40012)
    c.open(); c.exchange(); c.rst("c")


def rst_after_fin(cap):
    """Client FIN, server ACK+FIN, client answers with RST not ACK."""
    c = Conn(cap.add, 40013)
    c.open(); c.exchange(); c.fin("c"); c.ack("s"); c.fin("s"); c.rst("c")


def midstream(cap):
    """Capture starts mid-connection (no handshake), then a normal close."""
    c = Conn(cap.add, 40014, cisn=123456, sisn=987654)
    c.exchange(); c.close("c")


def midstream_unclosed(cap):
    """Capture starts mid-connection and ends without a close (Zeek: OTH)."""
    c = Conn(cap.add, 40016, cisn=345678, sisn=765432)
    c.exchange(); c.exchange()


def rst_own_traffic(cap):
    """Handshake, data, the client aborts with RST|ACK, then sends data again."""
    c = Conn(cap.add, 40017)
    c.open(); c.exchange(); c.rst("c"); c.data("c", 50)


def rst_before_received_fin(cap):
    """Client FIN (seq 1001); the server's data acks 1001 only; a RST at 1001,
    below the RCV.NXT of a server that has the FIN (1002): ignored, and the
    server then acknowledges the FIN and closes."""
    c = Conn(cap.add, 40018)
    c.open(); c.fin("c")
    c.data("s", 100, ack=1001)
    c.rst("c", flags="R", seq=1001)
    c.fin("s"); c.ack("c")


def rst_syn_sent_wrong_ack(cap):
    """SYN, a RST-ACK acknowledging 1501 instead of 1001 (the client in
    SYN_SENT drops it: rst_invalid), then the real handshake and a close."""
    c = Conn(cap.add, 40019)
    c.syn(); c.rst("s", seq=0, ack=1501)
    c.synack(); c.ack("c"); c.exchange(); c.close("c")


def fin_ack_lost(cap):
    """A normal close whose last ACK is lost after the capture point: the
    server sends its FIN again (frame 11), is back in LAST_ACK, and the
    client's second ACK closes it."""
    c = Conn(cap.add, 40020)
    c.open(); c.exchange(); c.close("c")
    c.fin("s", seq=5201, dt=0.2); c.ack("c")


def rst_crossed(cap):
    """Handshake, the server aborts with RST|ACK, the client's RST crosses
    it: the outcome stays RSTR (fixed at the first accepted RST), not REJ."""
    c = Conn(cap.add, 40021)
    c.open(); c.rst("s"); c.rst("c", flags="R")


def rst_midstream_both(cap):
    """Picked up midstream at a pure ACK; the client's RST is far outside
    the window (ignored), the server's is exact: no SYN, so never REJ."""
    c = Conn(cap.add, 40022)
    c.ack("c"); c.rst("c", flags="R", seq=1001 + 10**6); c.rst("s", flags="R")


def content_gaps(cap):
    """Zeek's history letter g, three ways. 40023: the client's second
    segment (1101-1200) arrives before its first (1001-1100): reordered, no
    gap. 40024: the capture misses 1101-1200; the server acks 1301: a gap.
    40025: a 300-byte segment cut by the snap length (96 bytes kept), then
    acked: a gap."""
    a = Conn(cap.add, 40023)
    a.open()
    a.data("c", 100, seq=1101); a.data("c", 100, seq=1001); a.ack("s", ack=1201)
    a.nxt["c"] = a.rcv["s"] = 1201; a.close("c")
    b = Conn(cap.add, 40024)
    b.open(); b.data("c", 100)
    b.data("c", 100, seq=1201); b.ack("s", ack=1301)
    b.nxt["c"] = b.rcv["s"] = 1301; b.close("c")
    c = Conn(cap.add, 40025)
    c.open(); c.data("c", 300, caplen=14 + 20 + 20 + 42); c.ack("s")
    c.close("c")


def lost(conn, send):
    """Lets |conn| send a segment the capture point never sees."""
    emit, conn.emit = conn.emit, (lambda *args: None)
    send()
    conn.emit = emit


def capture_loss(cap):
    """Segments lost before the capture point, seen through their ACKs.
    40026: the SYN-ACK is lost; the client's ACK (frame 2) acknowledges it.
    40027: the server's FIN is lost; the client's ACK (frame 20) of it closes
    both ends (client TIME_WAIT, server CLOSED)."""
    a = Conn(cap.add, 40026)
    a.syn(); lost(a, a.synack); a.ack("c"); a.exchange(); a.close("c")
    b = Conn(cap.add, 40027)
    b.open(); b.exchange(); b.fin("c"); b.ack("s"); lost(b, lambda: b.fin("s")); b.ack("c")


def handshake_reordered(cap):
    """Handshake segments out of order at the capture point.
    40028: SYN (ISN 1000), SYN-ACK, then a SYN with ISN 3000 (frame 3:
    syn_new_isn, not adopted), the server's SYN-ACK again for ISN 1000
    (frame 4: a plain retransmission), ACK, close.
    40029: the capture starts at the SYN-ACK; after the close a late copy of
    the SYN it answered (frame 16): answered, no syn_unanswered.
    40030: SYN, the third segment (frame 18) before the SYN-ACK (frame 19):
    the same SYN-ACK, late, not synack_changed (and, once the SYN-ACK is
    known, not synack_not_captured)."""
    a = Conn(cap.add, 40028)
    a.syn(); a.synack(); a.syn(seq=3000); a.rcv["s"] = 1001
    a.synack(seq=5000, ack=1001)
    a.ack("c"); a.close("c")
    b = Conn(cap.add, 40029)
    lost(b, b.syn); b.synack(); b.ack("c"); b.close("c"); b.syn(seq=1000)
    c = Conn(cap.add, 40030)
    c.syn(); c.ack("c", seq=1001, ack=5001); c.synack(); c.nxt["c"] = 1001
    c.close("c")


def mid_teardown(cap):
    """Capture starts at the teardown: server FIN first."""
    c = Conn(cap.add, 40015, cisn=234567, sisn=876543)
    c.close("s")


def port_reuse(cap):
    """Client-closed connection, then the same 4-tuple reused 1 s later."""
    c = Conn(cap.add, 40016)
    c.open(); c.exchange(); c.close("c")
    c = Conn(cap.add, 40016, cisn=900000, sisn=700000)
    c.syn(dt=1.0); c.synack(); c.ack("c"); c.exchange(); c.close("c")


def tfo(cap):
    """TCP Fast Open: SYN carries a cookie and 50 B of data."""
    c = Conn(cap.add, 40017)
    c.syn(payload=50, options=MSS + [(34, bytes(range(1, 9)))])
    c.synack(); c.ack("c"); c.data("s", 200); c.ack("c"); c.close("c")


def ipv6(cap):
    """Normal connection over IPv6, client closes."""
    c = Conn(cap.add, 40018, cip="2001:db8::1", sip="2001:db8::2")
    c.open(); c.exchange(); c.close("c")


def tunnel(cap):
    """Inner TCP connection carried in GTP-U inside an outer TCP connection."""
    outer = Conn(cap.add, 40100, sport=2152, cip="192.0.2.1", sip="192.0.2.2")

    def carry(pkt, dt, caplen=None):
        side = "c" if pkt.src == "10.1.0.1" else "s"
        return outer.data(side, bytes(GTP_U_Header(gtp_type=0xff, teid=1) / pkt),
                          dt=dt)

    inner = Conn(carry, 41000, cip="10.1.0.1", sip="10.1.0.2")
    outer.open()
    inner.open(); inner.data("c", 100); inner.data("s", 200)
    inner.fin("c"); inner.fin("s"); inner.ack("c")
    outer.ack("s"); outer.close("c")


def deep_tunnel(cap):
    """Ten TCP layers in one frame: a SYN inside nine TCP-over-GTP-U
    tunnels, each an outer data segment to port 2152."""
    pkt = IP(src="10.1.0.1", dst="10.1.0.2", id=0x4000) / TCP(sport=41100, dport=80, flags="S", seq=1000,
                                                               window=64240, options=MSS)
    for level in range(9):
        outer = IP(src="192.0.2.%d" % (level + 1), dst="192.0.2.%d" % (level + 101), id=0x4100 + level)
        seg = TCP(sport=40200 + level, dport=2152, flags="PA", seq=7000, ack=9000, window=64240)
        pkt = outer / seg / GTP_U_Header(gtp_type=0xff, teid=level + 1) / pkt
    cap.add(pkt)


def icmp_quoted(cap):
    """ICMP frag-needed errors quoting a data segment (40 and 28 bytes)."""
    c = Conn(cap.add, 40019)
    c.open()
    seg = bytes(c.data("c", 100))
    err = IP(src="10.0.0.254", dst="10.0.0.1", id=0x3000)
    cap.add(err / ICMP(type=3, code=4, nexthopmtu=1280) / seg[:40], dt=0.001)
    cap.add(err / ICMP(type=3, code=4, nexthopmtu=1280) / seg[:28], dt=0.001)
    c.ack("s", dt=0.008); c.data("s", 200); c.ack("c"); c.close("c")


def seq_wrap(cap):
    """Both sides' sequence numbers wrap past 2^32 during the data phase."""
    c = Conn(cap.add, 40020, cisn=0xFFFFFF00, sisn=0xFFFFFFF0)
    c.open()
    for n in (100, 200, 300):
        c.data("c", n); c.data("s", n + 50)
    c.ack("c"); c.close("c")


def duplicated_frames(cap):
    """A normal connection captured twice over: every frame is followed by an
    identical copy 1 us later (a span port that sees both directions twice)."""
    c = Conn(cap.add, 40030)
    c.open(); c.exchange(); c.close("c")
    cap.frames = [f for us, raw, wl in cap.frames
                  for f in ((us, raw, wl), (us + 1, raw, wl))]


def time_backwards(cap):
    """A normal connection whose capture clock jumps back twice: the SYN-ACK
    is stamped 5 ms before the SYN, the server's FIN 1 s before the client's."""
    c = Conn(cap.add, 40031)
    c.syn(); c.synack(dt=-0.005); c.ack("c")
    c.exchange()
    c.fin("c"); c.ack("s"); c.fin("s", dt=-1.0); c.ack("c")


def no_tcp(cap):
    """ARP, DNS over UDP and ping: not one TCP segment."""
    cap.add(Ether(src=mac("10.0.0.1"), dst="ff:ff:ff:ff:ff:ff")
            / ARP(op=1, hwsrc=mac("10.0.0.1"), psrc="10.0.0.1", pdst="10.0.0.53"))
    q = IP(src="10.0.0.1", dst="10.0.0.53", id=1) / UDP(sport=53000, dport=53)
    cap.add(q / DNS(id=7, rd=1, qd=DNSQR(qname="example.org")))
    cap.add(IP(src="10.0.0.53", dst="10.0.0.1", id=2) / UDP(sport=53, dport=53000)
            / DNS(id=7, qr=1, rd=1, ra=1, rcode=3, qd=DNSQR(qname="example.org")))
    cap.add(IP(src="10.0.0.1", dst="10.0.0.2", id=3) / ICMP(type=8, id=1, seq=1) / (b"p" * 32))
    cap.add(IP(src="10.0.0.2", dst="10.0.0.1", id=4) / ICMP(type=0, id=1, seq=1) / (b"p" * 32))


def multi_interface(path):
    """pcapng with three interfaces of three link types (Ethernet, raw IP,
    Linux cooked), one connection on each, interleaved in time; made with
    Wireshark's mergecap from three pcaps."""
    parts = [(LINK_ETHERNET, 0, 40040), (LINK_RAW, 3000, 40041), (LINK_SLL, 6000, 40042)]
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for link, start, port in parts:
            cap = Cap(link, start)
            c = Conn(cap.add, port, cip="10.9.%d.1" % (link % 256), sip="10.9.0.2")
            c.open(); c.exchange(); c.close("c" if port % 2 == 0 else "s")
            files.append(os.path.join(tmp, "%d.pcap" % link))
            cap.write(files[-1])
        subprocess.run(["mergecap", "-F", "pcapng", "-w", path] + files, check=True)


def malformed(cap):
    """Independent oddities, each on its own 4-tuple."""
    Conn(cap.add, 40301).send("c", "A", dataofs=3)           # (a) offset < 5
    Conn(cap.add, 40302).syn(caplen=14 + 20 + 10)             # (b) snapped SYN
    Conn(cap.add, 40303).fin("c", seq=0xFFFFFFFF, ack=0xDEADBEEF,
                             window=0)                        # (c) absurd
    Conn(cap.add, 40304).send("c", "")                        # (d) no flags
    Conn(cap.add, 40305).send("c", "SF")                      # (e) SYN+FIN
    Conn(cap.add, 40306).rst("c", payload=b"connection rejected!")  # (f)


def rst_out_of_window(cap):
    """Injected server RST far outside the window; connection carries on."""
    c = Conn(cap.add, 40021)
    c.open(); c.exchange()
    c.rst("s", seq=(c.nxt["s"] + 10_000_000) % MOD, dt=0.005)
    c.exchange(); c.close("c")


# ------------------------------------------------------- anomaly scenarios
# One capture per anomaly (client ports 40101-40126); each makes the named
# anomaly happen and keeps everything else normal.

def stray(c, side, flags, **kw):
    """Emit one segment that leaves the connection's nxt/rcv state untouched."""
    saved = dict(c.nxt), dict(c.rcv)
    pkt = c.send(side, flags, **kw)
    c.nxt, c.rcv = saved
    return pkt


def anomaly_syn_new_isn(cap):
    """Unanswered SYN replaced 1 s later by a SYN with another ISN (3000)."""
    c = Conn(cap.add, 40101)
    c.syn(); c.nxt["c"] = 3000; c.syn(dt=1.0)
    c.synack(); c.ack("c"); c.exchange(); c.close("c")


def anomaly_synack_unacked(cap):
    """SYN-ACK retransmitted after 1 s and 2 s more; never acknowledged."""
    c = Conn(cap.add, 40102)
    c.syn(); c.synack(); c.synack(seq=5000, dt=1.0); c.synack(seq=5000, dt=2.0)


def anomaly_synack_changed(cap):
    """SYN-ACK resent 1 s later with ISN 6000 instead of 5000."""
    c = Conn(cap.add, 40103)
    c.syn(); c.synack(); c.nxt["s"] = 6000; c.synack(dt=1.0)
    c.ack("c"); c.exchange(); c.close("c")


def anomaly_synack_bad_ack(cap):
    """SYN-ACK acks 2001 instead of 1001; the client RSTs (seq 2001, no ACK)."""
    c = Conn(cap.add, 40104)
    c.syn(); c.synack(ack=2001); c.rst("c", flags="R", seq=2001)


def anomaly_synack_wrong_direction(cap):
    """SYN, then the client itself sends a SYN-ACK; the server RSTs."""
    c = Conn(cap.add, 40105)
    c.syn(); c.synack("c", seq=1000, ack=5001); c.rst("s", flags="R", seq=5001)


def anomaly_synack_unsolicited(cap):
    """A lone SYN-ACK with no SYN; the client RSTs (seq 1001, no ACK)."""
    c = Conn(cap.add, 40106)
    c.synack(ack=1001); c.rst("c", flags="R", seq=1001)


def anomaly_handshake_ack_bad(cap):
    """Third handshake segment acks 9999; the server RSTs (seq 9999)."""
    c = Conn(cap.add, 40107)
    c.syn(); c.synack(); c.ack("c", ack=9999); c.rst("s", flags="R", seq=9999)


def anomaly_data_before_established(cap):
    """The server sends 100 B before the client's handshake ACK."""
    c = Conn(cap.add, 40108)
    c.syn(); c.synack(); c.data("s", 100); c.ack("c")
    c.exchange(); c.close("c")


def anomaly_syn_data_ignored(cap):
    """TFO SYN with 50 B; SYN-ACK acks only the SYN; the client resends."""
    c = Conn(cap.add, 40109)
    c.syn(payload=50, options=MSS + [(34, bytes(range(1, 9)))])
    c.nxt["c"] = c.rcv["s"] = 1001      # the server drops the SYN's data
    c.synack(); c.ack("c"); c.data("c", 50); c.ack("s")
    c.data("s", 200); c.ack("c"); c.close("c")


def anomaly_syn_in_established(cap):
    """Bare SYN (ISN 7000) on an established connection; challenge ACK."""
    c = Conn(cap.add, 40110)
    c.open(); c.exchange()
    stray(c, "c", "S", seq=7000, options=MSS); c.ack("s")
    c.close("c")


def anomaly_slow_handshake(cap):
    """SYN-ACK 1.5 s after the SYN (no retransmission)."""
    c = Conn(cap.add, 40111)
    c.syn(); c.synack(dt=1.5); c.ack("c"); c.exchange(); c.close("c")


def anomaly_fin_without_handshake(cap):
    """SYN answered by FIN+ACK with no SYN; the client RSTs."""
    c = Conn(cap.add, 40112)
    c.syn(); c.fin("s"); c.rst("c", flags="R")


def anomaly_fin_retransmission(cap):
    """Client FIN sent again 300 ms later, then a normal close."""
    c = Conn(cap.add, 40113)
    c.open(); c.exchange()
    c.fin("c"); c.fin("c", seq=c.nxt["c"] - 1, dt=0.3)
    c.ack("s"); c.fin("s"); c.ack("c")


def anomaly_fin_bad_seq(cap):
    """Client FIN at seq 1001, below the 100 B it already sent (up to 1101)."""
    c = Conn(cap.add, 40114)
    c.open(); c.data("c", 100); c.fin("c", seq=1001)
    c.ack("s"); c.fin("s"); c.ack("c")


def anomaly_data_after_fin(cap):
    """Client sends 50 B of new data after its own FIN."""
    c = Conn(cap.add, 40115)
    c.open(); c.exchange(); c.fin("c"); c.ack("s")
    c.data("c", 50); c.ack("s"); c.fin("s"); c.ack("c")


def anomaly_close_ack_invalid(cap):
    """Server ACK of the client FIN acks 3102 (2000 bytes never sent)."""
    c = Conn(cap.add, 40116)
    c.open(); c.exchange(); c.fin("c"); c.ack("s", ack=3102)
    c.fin("s"); c.ack("c")


def anomaly_half_closed_at_end(cap):
    """Client FIN; the server sends two more segments but never FINs."""
    c = Conn(cap.add, 40117)
    c.open(); c.exchange(); c.fin("c"); c.ack("s")
    for _ in range(2):
        c.data("s", 100); c.ack("c")


def anomaly_final_ack_missing(cap):
    """Client FIN, server FIN+ACK, capture ends without the last ACK."""
    c = Conn(cap.add, 40118)
    c.open(); c.exchange(); c.fin("c"); c.fin("s")


def anomaly_syn_while_closing(cap):
    """Bare SYN (ISN 9000) while the server is in CLOSE_WAIT; challenge ACK."""
    c = Conn(cap.add, 40119)
    c.open(); c.exchange(); c.fin("c"); c.ack("s")
    stray(c, "c", "S", seq=9000, options=MSS); c.ack("s")
    c.fin("s"); c.ack("c")


def anomaly_rst_challenge(cap):
    """In-window RST 100 past rcv.nxt; challenge ACK; exact RST."""
    c = Conn(cap.add, 40120)
    c.open(); c.exchange()
    c.rst("c", seq=c.nxt["c"] + 100); c.ack("s"); c.rst("c")


def anomaly_traffic_after_rst(cap):
    """Client RST, the server keeps sending 2 segments, the client RSTs again."""
    c = Conn(cap.add, 40121)
    c.open(); c.exchange(); c.rst("c")
    c.data("s", 100); c.data("s", 100); c.rst("c", flags="R")


def anomaly_rst_no_connection(cap):
    """A lone RST for a connection never seen."""
    c = Conn(cap.add, 40122, cisn=123456)
    c.rst("c", flags="R")


def anomaly_time_wait_assassination(cap):
    """Normal client close, then a server RST 1 s later (client in TIME_WAIT)."""
    c = Conn(cap.add, 40123)
    c.open(); c.exchange(); c.close("c"); c.rst("s", flags="R", dt=1.0)


def anomaly_time_wait_reuse_unsafe(cap):
    """Reuse from TIME_WAIT 1 s later with ISN 1000, below the old 500102."""
    c = Conn(cap.add, 40124, cisn=500000)
    c.open(); c.exchange(); c.close("c")
    c = Conn(cap.add, 40124)
    c.syn(dt=1.0); c.synack(); c.ack("c"); c.exchange(); c.close("c")


def nearmiss_reuse_after_2msl(cap):
    """Like port_reuse, but the new SYN comes 130 s after the final ACK."""
    c = Conn(cap.add, 40125)
    c.open(); c.exchange(); c.close("c")
    c = Conn(cap.add, 40125, cisn=900000, sisn=700000)
    c.syn(dt=130.0); c.synack(); c.ack("c"); c.exchange(); c.close("c")


def nearmiss_challenge_ack_normal(cap):
    """Ordinary connection whose server repeats a pure ACK (a dup ACK)."""
    c = Conn(cap.add, 40126)
    c.open(); c.data("c", 100); c.ack("s"); c.ack("s")
    c.data("s", 200); c.ack("c"); c.close("c")


def bad_checksum(cap):
    """A SYN with a wrong TCP checksum, sent again 1 s later; then a normal
    connection whose client FIN has a wrong checksum and is sent again."""
    c = Conn(cap.add, 40127)
    c.syn(chksum=0xbad0)
    c.syn(seq=1000, dt=1.0); c.synack(); c.ack("c"); c.exchange()
    c.fin("c", chksum=0xbad1)
    c.fin("c", seq=1101, dt=0.2); c.ack("s"); c.fin("s"); c.ack("c")


# A SACK option of length 8: two bytes of kind and length and 6 of blocks,
# not whole 8-byte blocks (RFC 2018 allows 10, 18, 26, 34). Wireshark 4.0
# reads the second block's edge past the option and throws.
BAD_SACK = [(5, b"\0\0\x13\x88\0\0"), ("NOP", None), ("NOP", None)]


def bad_options(cap):
    """Two normal connections whose closing end's FIN carries a SACK option
    of length 8 (IPv4: the client closes; IPv6: the server closes)."""
    c = Conn(cap.add, 40128)
    c.open(); c.exchange()
    c.fin("c", options=BAD_SACK); c.ack("s"); c.fin("s"); c.ack("c")
    c = Conn(cap.add, 40129, cip="2001:db8::1", sip="2001:db8::2")
    c.open(); c.exchange()
    c.fin("s", options=BAD_SACK); c.ack("c"); c.fin("c"); c.ack("s")


def tunnel_bad_options(cap):
    """tunnel() with the inner client's FIN carrying a SACK option of length
    8: Wireshark 4.0 stops inside the inner TCP layer, after the outer
    layer's tap entry."""
    outer = Conn(cap.add, 40101, sport=2152, cip="192.0.2.1", sip="192.0.2.2")

    def carry(pkt, dt, caplen=None):
        side = "c" if pkt.src == "10.1.0.1" else "s"
        return outer.data(side, bytes(GTP_U_Header(gtp_type=0xff, teid=1) / pkt), dt=dt)

    inner = Conn(carry, 41001, cip="10.1.0.1", sip="10.1.0.2")
    outer.open()
    inner.open(); inner.data("c", 100); inner.data("s", 200)
    inner.fin("c", options=BAD_SACK); inner.fin("s"); inner.ack("c")
    outer.ack("s"); outer.close("c")


SCENARIOS = {
    "normal-client-close": normal_client_close,
    "normal-server-close": normal_server_close,
    "three-segment-close": three_segment_close,
    "half-close": half_close,
    "simultaneous-open": simultaneous_open,
    "split-handshake": split_handshake,
    "simultaneous-close": simultaneous_close,
    "refused": refused,
    "half-open-scan": half_open_scan,
    "syn-unanswered": syn_unanswered,
    "synack-retransmitted": synack_retransmitted,
    "handshake-ack-lost": handshake_ack_lost,
    "rst-abort": rst_abort,
    "rst-after-fin": rst_after_fin,
    "midstream": midstream,
    "mid-teardown": mid_teardown,
    "midstream-unclosed": midstream_unclosed,
    "rst-own-traffic": rst_own_traffic,
    "rst-before-received-fin": rst_before_received_fin,
    "rst-syn-sent-wrong-ack": rst_syn_sent_wrong_ack,
    "fin-ack-lost": fin_ack_lost,
    "rst-crossed": rst_crossed,
    "rst-midstream-both": rst_midstream_both,
    "content-gaps": content_gaps,
    "capture-loss": capture_loss,
    "handshake-reordered": handshake_reordered,
    "port-reuse": port_reuse,
    "tfo": tfo,
    "ipv6": ipv6,
    "tunnel": tunnel,
    "icmp-quoted": icmp_quoted,
    "seq-wrap": seq_wrap,
    "malformed": malformed,
    "duplicated-frames": duplicated_frames,
    "time-backwards": time_backwards,
    "no-tcp": no_tcp,
    "rst-out-of-window": rst_out_of_window,
    "anomaly-syn-new-isn": anomaly_syn_new_isn,
    "anomaly-synack-unacked": anomaly_synack_unacked,
    "anomaly-synack-changed": anomaly_synack_changed,
    "anomaly-synack-bad-ack": anomaly_synack_bad_ack,
    "anomaly-synack-wrong-direction": anomaly_synack_wrong_direction,
    "anomaly-synack-unsolicited": anomaly_synack_unsolicited,
    "anomaly-handshake-ack-bad": anomaly_handshake_ack_bad,
    "anomaly-data-before-established": anomaly_data_before_established,
    "anomaly-syn-data-ignored": anomaly_syn_data_ignored,
    "anomaly-syn-in-established": anomaly_syn_in_established,
    "anomaly-slow-handshake": anomaly_slow_handshake,
    "anomaly-fin-without-handshake": anomaly_fin_without_handshake,
    "anomaly-fin-retransmission": anomaly_fin_retransmission,
    "anomaly-fin-bad-seq": anomaly_fin_bad_seq,
    "anomaly-data-after-fin": anomaly_data_after_fin,
    "anomaly-close-ack-invalid": anomaly_close_ack_invalid,
    "anomaly-half-closed-at-end": anomaly_half_closed_at_end,
    "anomaly-final-ack-missing": anomaly_final_ack_missing,
    "anomaly-syn-while-closing": anomaly_syn_while_closing,
    "anomaly-rst-challenge": anomaly_rst_challenge,
    "anomaly-traffic-after-rst": anomaly_traffic_after_rst,
    "anomaly-rst-no-connection": anomaly_rst_no_connection,
    "anomaly-time-wait-assassination": anomaly_time_wait_assassination,
    "anomaly-time-wait-reuse-unsafe": anomaly_time_wait_reuse_unsafe,
    "nearmiss-reuse-after-2msl": nearmiss_reuse_after_2msl,
    "nearmiss-challenge-ack-normal": nearmiss_challenge_ack_normal,
    "bad-checksum": bad_checksum,
    "deep-tunnel": deep_tunnel,
    "bad-options": bad_options,
    "tunnel-bad-options": tunnel_bad_options,
}


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(
        os.path.abspath(__file__))
    os.makedirs(outdir, exist_ok=True)
    for name, build in SCENARIOS.items():
        cap = Cap()
        build(cap)
        cap.write(os.path.join(outdir, name + ".pcap"))
        print("%-24s %3d packets" % (name + ".pcap", len(cap.frames)))
    multi_interface(os.path.join(outdir, "multi-interface.pcapng"))
    print("%-24s  33 packets" % "multi-interface.pcapng")


if __name__ == "__main__":
    main()
