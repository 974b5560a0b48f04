#!/usr/bin/python3
"""tcpphase.conn and Wireshark's tcp.stream agree, or differ for a reason
the README gives (tcpphase.conn in the field table).

Users cross-reference the two (Follow TCP Stream, Conversations). For every
capture, from one-pass tshark's rows:
  1. a tcpphase connection moves to another tcp.stream only at a SYN with
     another ISN that tcpphase keeps in the connection (SAME_CONNECTION_SYNS),
     or, on Wireshark 4.4 and later, at any SYN or SYN-ACK;
  2. a tcp.stream holds several tcpphase connections only by port reuse:
     each connection after the first starts with a bare SYN (with another
     ISN: a SYN with the same ISN is the same connection).
Tunnelled frames pair the innermost TCP layer of each (last values)."""
import collections
import os

# The SYNs with another ISN on a live connection, where Wireshark starts a
# new tcp.stream and tcpphase keeps the connection (README, tcpphase.conn):
# from SYN_SENT a new attempt replacing the first, on a synchronized or
# closing connection a SYN its receiver answers with a challenge ACK.
SAME_CONNECTION_SYNS = {"syn_new_isn", "syn_in_established", "syn_while_closing"}

SYN, ACK = 0x02, 0x10

# Wireshark 4.4 and later also start a new tcp.stream at a SYN or SYN-ACK that
# follows a RST or a close, or carries another ISN: a connect retried after a
# RST, a changed SYN-ACK, a late copy of a SYN; tcpphase keeps those in the
# connection (a retry or a copy of the same attempt).
NEW_STREAM_AT_ANY_SYN = (4, 4)


def pairs(view):
    """[(frame, conn, stream, flags, seq, anomalies)] of the frames with both fields."""
    rows = view.rows["one"]
    out = []
    for r in rows.frames:
        conns, streams, flags = r.get("tcpphase.conn", []), r.get("tcp.stream", []), r.get("tcp.flags", [])
        if conns and streams and flags:
            out.append((rows.number(r), conns[-1], streams[-1], int(flags[-1], 16),
                        (r.get("tcp.seq_raw") or [""])[-1], set(r.get("tcpphase.anomaly", []))))
    return out


def check(sandbox, view):
    problems = []
    any_syn = tuple(int(n) for n in sandbox.wireshark_version().split(".")[:2]) >= NEW_STREAM_AT_ANY_SYN
    stream_of = {}
    conns_of = collections.defaultdict(list)  # stream -> [(first frame, conn, flags, seq)]
    for frame, conn, stream, flags, seq, anomalies in pairs(view):
        kept = anomalies & SAME_CONNECTION_SYNS or (any_syn and flags & SYN)
        if conn in stream_of and stream_of[conn] != stream and not kept:
            problems.append(f"tcpphase.conn {conn} moves from tcp.stream {stream_of[conn]} to {stream} "
                            f"at frame {frame}, which is no SYN tcpphase keeps in its connection")
        stream_of[conn] = stream
        if conn not in [c[1] for c in conns_of[stream]]:
            conns_of[stream].append((frame, conn, flags, seq))
    for stream, conns in sorted(conns_of.items()):
        for before, (frame, conn, flags, seq) in zip(conns, conns[1:]):
            if flags & (SYN | ACK) != SYN:
                problems.append(f"tcp.stream {stream}: tcpphase.conn {conn} starts at frame {frame} "
                                f"without a SYN (flags 0x{flags:02x}): not a port reuse")
            elif before[2] & (SYN | ACK) == SYN and seq == before[3]:
                problems.append(f"tcp.stream {stream}: tcpphase.conn {conn} starts at frame {frame} "
                                f"with the ISN of conn {before[1]}: the same attempt, not a port reuse")
    return problems
