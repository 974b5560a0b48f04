#!/usr/bin/python3
"""Writes a large synthetic capture fast (no scapy): N interleaved TCP
connections with a realistic mix of outcomes.

  gen.py OUT.pcap [connections=100000] [--syn-flood]
  gen.py OUT.pcap SEGMENTS --one-connection

Mix: 70 % normal (handshake, request, response, client-first close),
10 % refused (SYN, RST-ACK), 5 % reset while established, 10 % with a
retransmitted SYN, 5 % half-closed (data after the client's FIN).
About 10 packets per connection, 1,000 connections open at a time.
--syn-flood writes one unanswered SYN per connection instead;
--one-connection one connection of SEGMENTS segments (handshake, data
both ways with sequence numbers wrapping, client-first close)."""
import random
import struct
import sys

ETH = b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00"
F, S, R, P, A = 0x01, 0x02, 0x04, 0x08, 0x10


def checksum_free_ipv4(src, dst, payload_len):
    total = 20 + payload_len
    return struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, 0, 0x4000, 64, 6, 0, src, dst)


class Writer:
    def __init__(self, path):
        self.f = open(path, "wb", buffering=1 << 20)
        self.f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        self.t = 1_700_000_000.0

    def packet(self, src, dst, sport, dport, seq, ack, flags, payload=b""):
        tcp = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, 0x50, flags,
                          64240, 0, 0)
        frame = ETH + checksum_free_ipv4(src, dst, len(tcp) + len(payload)) + tcp + payload
        self.t += 0.00001
        sec = int(self.t)
        self.f.write(struct.pack("<IIII", sec, int((self.t - sec) * 1e6), len(frame), len(frame)) + frame)


def conversation(kind, n):
    """The segments of connection |n| as (from_client, seq_delta..) steps."""
    c, s = 1000 + n, 5000 + n
    req, resp = b"q" * 100, b"r" * 200
    yield (True, c, 0, S, b"")
    if kind == "refused":
        yield (False, 0, c + 1, R | A, b"")
        return
    if kind == "syn_retx":
        yield (True, c, 0, S, b"")
    yield (False, s, c + 1, S | A, b"")
    yield (True, c + 1, s + 1, A, b"")
    yield (True, c + 1, s + 1, P | A, req)
    yield (False, s + 1, c + 101, A, b"")
    if kind == "reset":
        yield (True, c + 101, s + 1, R | A, b"")
        return
    if kind == "half_closed":
        yield (True, c + 101, s + 1, F | A, b"")
        yield (False, s + 1, c + 102, P | A, resp)
        yield (True, c + 102, s + 201, A, b"")
        yield (False, s + 201, c + 102, F | A, b"")
        yield (True, c + 102, s + 202, A, b"")
        return
    yield (False, s + 1, c + 101, P | A, resp)
    yield (True, c + 101, s + 201, F | A, b"")
    yield (False, s + 201, c + 102, A, b"")
    yield (False, s + 201, c + 102, F | A, b"")
    yield (True, c + 102, s + 202, A, b"")


def one_connection(w, segments):
    c, s = 0xFFF00000, 0x7FF00000  # the client's numbers wrap early on
    cli, srv = bytes([10, 2, 0, 1]), bytes([10, 1, 0, 1])
    w.packet(cli, srv, 40000, 9, c, 0, S)
    w.packet(srv, cli, 9, 40000, s, c + 1, S | A)
    w.packet(cli, srv, 40000, 9, c + 1, s + 1, A)
    c, s = c + 1, s + 1
    payload = b"d" * 100
    for i in range(max(segments - 7, 0)):
        if i % 2 == 0:
            w.packet(cli, srv, 40000, 9, c, s, P | A, payload)
            c += 100
        else:
            w.packet(srv, cli, 9, 40000, s, c, A)
    w.packet(cli, srv, 40000, 9, c, s, F | A)
    w.packet(srv, cli, 9, 40000, s, c + 1, A)
    w.packet(srv, cli, 9, 40000, s, c + 1, F | A)
    w.packet(cli, srv, 40000, 9, c + 1, s + 1, A)


def main():
    out = sys.argv[1]
    conns = int(sys.argv[2]) if len(sys.argv) > 2 and sys.argv[2].isdigit() else 100_000
    flood = "--syn-flood" in sys.argv
    rnd = random.Random(1)
    w = Writer(out)
    server = bytes([10, 1, 0, 1])

    def client(n):
        return bytes([10, 2 + (n >> 16) % 200, (n >> 8) & 0xFF, n & 0xFF]), 1024 + n % 60000

    if "--one-connection" in sys.argv:
        one_connection(w, conns)
        return
    if flood:
        for n in range(conns):
            addr, port = client(n)
            w.packet(addr, server, port, 80, 1000 + n, 0, S)
        return
    kinds = ["normal"] * 70 + ["refused"] * 10 + ["reset"] * 5 + ["syn_retx"] * 10 + ["half_closed"] * 5
    active, started = [], 0
    while active or started < conns:
        while len(active) < 1000 and started < conns:
            addr, port = client(started)
            active.append((addr, port, conversation(rnd.choice(kinds), started)))
            started += 1
        i = rnd.randrange(len(active))
        addr, port, steps = active[i]
        step = next(steps, None)
        if step is None:
            active[i] = active[-1]
            active.pop()
            continue
        from_client, seq, ack, flags, payload = step
        if from_client:
            w.packet(addr, server, port, 80, seq, ack, flags, payload)
        else:
            w.packet(server, addr, 80, port, seq, ack, flags, payload)


if __name__ == "__main__":
    main()
