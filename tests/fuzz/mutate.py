#!/usr/bin/python3
"""Structure-aware capture fuzzer with a one-pass vs two-pass comparison
(issue 17).

A *mutated file* is one pcapng file (one section) made from one sample or
shared capture by 1 to 3 mutators, chosen and driven by a random generator
seeded with "SEED:INDEX", so that (SEED, INDEX) alone rebuilds it:

  snaplen   per-packet random truncation (the captured length cut, often
            inside the IP or TCP header or the options)
  header    TCP/IP header fields: flags, seq, ack, data offset, ports,
            window, urgent pointer, checksums, IPv4 total length, header
            length, fragment fields, protocol, IPv6 payload length
  options   TCP options: bad lengths (0, 1, 2, past the header), SACK, TS,
            MSS, WS, SACK-permitted, TFO and MPTCP options of wrong sizes (a
            SACK of length 8 makes Wireshark 4.0 throw inside option parsing),
            a truncated option list; options are inserted where a segment has
            none (IP length and data offset follow)
  reorder   swap, move, reverse a run, duplicate or drop packets, timestamps
            travelling with the packets or staying in place
  jitter    per-packet time jitter, forwards and backwards
  timeshift times out of range: the whole file or single packets before
            1970, after 2262 and near the 64-bit limits (pcapng timestamps of
            1 s, 1 us or 1 ns resolution near 0, 2^63 and 2^64 units;
            if_tsoffset near the int64 limits)
  bytes     random bytes of random packets replaced (as editcap -E does)

Each mutated file is checked by reading it with tshark one-pass and with
tshark -2 -o tcpphase.two_pass:TRUE (the release build): every frame must
get the same tcpphase fields, except what one pass cannot know yet
(order.one_pass_differences: LOOKAHEAD fields, LATER and REVISED anomalies,
HINDSIGHT fields on REJ/S0/RSTOS0/SH connections); tshark must not crash,
hang or report a dissector bug.

Batching. A tshark start costs about 0.3 s of CPU, more than reading a
mutated file, so up to --batch mutated files are concatenated, byte for
byte, into one pcapng file of as many sections, read once each way:
frame.section_number says which file each frame is from. The files of a
batch have disjoint TCP 4-tuples (as this script finds them in the bytes),
and a batch in which Wireshark's tcp.stream or tcpphase.conn still spans
two files has those files checked again each alone, so that no connection
mixes files. A file in a batch is still read after the batch's earlier
files (tcpphase counts times from the batch's first segment and shares its
tables); a disagreement is therefore checked again on its file alone, and
is reported as the file's if it shows there, else as the batch's (the batch
is kept). Either is a failure. A crash or hang of a batch has each of its
files read alone.

  mutate.py --build BUILD COUNT [SEED]        check COUNT mutated files
  mutate.py --write SEED INDEX OUT.pcapng     rebuild one mutated file
Failing files are kept in $TCPPHASE_FUZZ_OUT (default /var/tmp/tcpphase-fuzz)."""
import argparse
import collections
import glob
import re
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import order  # noqa: E402  (the one-pass rules)
import tplib  # noqa: E402
import views  # noqa: E402

# The options some sources need to be dissected as intended (GTP over TCP
# port 2152), given to every run: a batch mixes sources.
OPTIONS = [o for options in dict.fromkeys(tuple(v) for v in tplib.CAPTURE_OPTIONS.values()) for o in options]
SANITIZER_WORDS = ("AddressSanitizer", "runtime error:", "UndefinedBehaviorSanitizer", "LeakSanitizer")


def asan_env():
    """What tshark needs to run an ASan/UBSan build of the plugin (as
    tests/fuzz/captures.sh runs it): the gcc ASan runtime preloaded, wmem
    allocations that ASan sees."""
    runtime = subprocess.run(["gcc", "-print-file-name=libasan.so"], capture_output=True, text=True).stdout.strip()
    return [f"LD_PRELOAD={runtime}", "WIRESHARK_DEBUG_WMEM_OVERRIDE=simple",
            "ASAN_OPTIONS=detect_leaks=0:halt_on_error=1:abort_on_error=0",
            "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1"]


TIMEOUT = 120  # seconds for one tshark run of a batch
KEEP = os.environ.get("TCPPHASE_FUZZ_OUT", "/var/tmp/tcpphase-fuzz")
U64 = (1 << 64) - 1

# ---------------------------------------------------------------- pcapng


class Capture:
    """One pcapng section: interfaces [(linktype, snaplen, options bytes)],
    other blocks [(type, body)] and packets [dict(iface, ns, data, orig,
    opts)]; times are nanoseconds since 1970 (a Python int). On writing,
    .tsresol (decimal exponent) and .raw_ts (packet index -> raw 64-bit
    timestamp, overriding ns) and .tsoffset say how times are written."""

    def __init__(self):
        self.interfaces, self.other, self.packets = [], [], []
        self.tsresol, self.raw_ts, self.tsoffset = 6, {}, None

    @staticmethod
    def read(path):
        data = open(path, "rb").read()
        cap, units, at = Capture(), [], 0
        while at + 12 <= len(data):
            btype, blen = struct.unpack_from("<II", data, at)
            body = data[at + 8:at + blen - 4]
            at += blen
            if btype == 0x0A0D0D0A:
                if struct.unpack_from("<I", body)[0] != 0x1A2B3C4D:
                    raise ValueError(f"{path}: big-endian pcapng")
                if cap.interfaces:
                    break  # one section
            elif btype == 1:
                linktype, snaplen = struct.unpack_from("<HxxI", body)
                opts, unit = b"", 10 ** 6
                for code, value, raw in options(body[8:]):
                    if code == 9:
                        r = value[0]
                        unit = 2 ** (r & 0x7F) if r & 0x80 else 10 ** r
                    elif code not in (0, 14):
                        opts += raw
                cap.interfaces.append((linktype, snaplen, opts))
                units.append(unit)
            elif btype == 6:
                iface, hi, lo, caplen, orig = struct.unpack_from("<IIIII", body)
                ts = hi << 32 | lo
                cap.packets.append(dict(iface=iface, ns=ts * 10 ** 9 // units[iface], data=body[20:20 + caplen],
                                        orig=orig, opts=body[20 + (caplen + 3) // 4 * 4:]))
            elif btype == 3:
                orig = struct.unpack_from("<I", body)[0]
                cap.packets.append(dict(iface=0, ns=0, data=body[4:4 + min(orig, cap.interfaces[0][1] or orig)],
                                        orig=orig, opts=b""))
            elif btype in (2, 5):
                continue  # obsolete packet block (editcap never writes it), statistics
            else:
                cap.other.append((btype, body))
        return cap

    def write(self, path):
        out = [block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))]
        unit = 10 ** self.tsresol
        for linktype, snaplen, opts in self.interfaces:
            extra = option(9, bytes([self.tsresol]))
            if self.tsoffset is not None:
                extra += option(14, struct.pack("<q", self.tsoffset))
            out.append(block(1, struct.pack("<HHI", linktype, 0, snaplen) + opts + extra + option(0, b"")))
        out += [block(t, body) for t, body in self.other]
        for i, p in enumerate(self.packets):
            ts = self.raw_ts.get(i, p["ns"] * unit // 10 ** 9) & U64
            data = p["data"]
            out.append(block(6, struct.pack("<IIIII", p["iface"], ts >> 32, ts & 0xFFFFFFFF, len(data),
                                            max(p["orig"], len(data))) + pad(data) + p["opts"]))
        with open(path, "wb") as f:
            f.write(b"".join(out))
        return len(self.packets)


def pad(b):
    return b + b"\0" * (-len(b) % 4)


def block(btype, body):
    body = pad(body)
    return struct.pack("<II", btype, len(body) + 12) + body + struct.pack("<I", len(body) + 12)


def option(code, value):
    return struct.pack("<HH", code, len(value)) + pad(value)


def options(b):
    at = 0
    while at + 4 <= len(b):
        code, length = struct.unpack_from("<HH", b, at)
        end = at + 4 + (length + 3) // 4 * 4
        yield code, b[at + 4:at + 4 + length], b[at:end]
        if code == 0:
            return
        at = end


# ---------------------------------------------------------------- headers


def ip_checksum(h):
    h = pad(h)[:len(h) + len(h) % 2]
    s = sum(struct.unpack(f"!{len(h) // 2}H", h))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def tcp_headers(data):
    """[(ip offset, ip version, tcp offset)] of every IPv4 header (valid
    checksum) or IPv6 header (next header TCP) carrying TCP in |data|,
    outermost first; within the first 256 bytes."""
    found, n = [], len(data)
    for at in range(0, min(n - 20, 256)):
        v = data[at] >> 4
        if v == 4:
            ihl = (data[at] & 15) * 4
            if ihl >= 20 and at + ihl + 14 <= n and data[at + 9] == 6 and ip_checksum(data[at:at + ihl]) == 0:
                found.append((at, 4, at + ihl))
        elif v == 6 and at + 40 + 14 <= n and data[at + 6] == 6 and data[at + 7] > 0:
            length = struct.unpack_from("!H", data, at + 4)[0]
            if 20 <= length:
                found.append((at, 6, at + 40))
    return found


def tuples(cap):
    """The TCP 4-tuples (as unordered endpoint pairs) of a capture's packets."""
    out = set()
    for p in cap.packets:
        d = p["data"]
        for ip, v, tcp in tcp_headers(d):
            if tcp + 4 > len(d):
                continue
            a, b = (d[ip + 12:ip + 16], d[ip + 16:ip + 20]) if v == 4 else (d[ip + 8:ip + 24], d[ip + 24:ip + 40])
            out.add(frozenset([(a, d[tcp:tcp + 2]), (b, d[tcp + 2:tcp + 4])]))
    return out


def fix_ipv4(d, ip):
    ihl = (d[ip] & 15) * 4
    if ip + ihl <= len(d):
        d[ip + 10:ip + 12] = b"\0\0"
        d[ip + 10:ip + 12] = struct.pack("!H", ip_checksum(bytes(d[ip:ip + ihl])))


def pick_tcp(rng, cap):
    """(packet, ip, version, tcp) of a random packet with a TCP header, or None."""
    cands = [(p, h) for p in cap.packets for h in tcp_headers(p["data"])[-1:]]
    if not cands:
        return None
    p, (ip, v, tcp) = rng.choice(cands)
    return p, ip, v, tcp


def segments(rng, cap, counts):
    """(packet, ip, version, tcp) of one of |counts| random packets with a TCP
    header after another, until none is left."""
    for _ in range(rng.choice(counts)):
        got = pick_tcp(rng, cap)
        if not got:
            return
        yield got


# ---------------------------------------------------------------- mutators


def m_snaplen(rng, cap):
    share = rng.choice([0.1, 0.3, 1.0])
    for p in cap.packets:
        if rng.random() < share and p["data"]:
            heads = tcp_headers(p["data"])
            if heads and rng.random() < 0.7:  # inside the headers or the options
                _, _, tcp = heads[-1]
                cut = rng.randrange(max(0, heads[-1][0] - 4), min(len(p["data"]), tcp + 60) + 1)
            else:
                cut = rng.randrange(0, len(p["data"]))
            p["data"] = p["data"][:cut]
    return f"snaplen({share})"


def m_header(rng, cap):
    what = []
    for p, ip, v, tcp in segments(rng, cap, [1, 1, 2, 4]):
        d = bytearray(p["data"])
        n = len(d)
        field = rng.choice(["flags", "flags", "seq", "ack", "offset", "ports", "window", "urgent", "tcpsum",
                            "iplen", "ihl", "frag", "proto", "ipsum"])
        what.append(field)
        if field == "flags" and tcp + 14 <= n:
            d[tcp + 13] = rng.choice([0, 0x01, 0x02, 0x03, 0x04, 0x06, 0x07, 0x12, 0x14, 0x16, 0x29, 0xFF,
                                      d[tcp + 13] ^ (1 << rng.randrange(8)), rng.randrange(256)])
            if rng.random() < 0.3:
                d[tcp + 12] ^= 1 << rng.randrange(4)  # the reserved bits and AE
        elif field in ("seq", "ack") and tcp + 12 <= n:
            at = tcp + (4 if field == "seq" else 8)
            old = struct.unpack_from("!I", d, at)[0]
            new = rng.choice([0, U64 >> 32, old + 1, old - 1, old + rng.randrange(1, 70000), old - rng.randrange(1, 70000),
                              old ^ 0x80000000, rng.getrandbits(32)])
            struct.pack_into("!I", d, at, new & 0xFFFFFFFF)
        elif field == "offset" and tcp + 13 <= n:
            d[tcp + 12] = rng.randrange(16) << 4 | (d[tcp + 12] & 15)
        elif field == "ports" and tcp + 4 <= n:
            which = rng.choice(["src", "dst", "swap", "zero"])
            if which == "swap":
                d[tcp:tcp + 4] = d[tcp + 2:tcp + 4] + d[tcp:tcp + 2]
            elif which == "zero":
                d[tcp:tcp + 4] = b"\0\0\0\0"
            else:
                at = tcp + (0 if which == "src" else 2)
                struct.pack_into("!H", d, at, rng.choice([0, 1, 65535, rng.randrange(65536)]))
        elif field == "window" and tcp + 16 <= n:
            struct.pack_into("!H", d, tcp + 14, rng.choice([0, 1, 65535, rng.randrange(65536)]))
        elif field == "urgent" and tcp + 20 <= n:
            struct.pack_into("!H", d, tcp + 18, rng.choice([0, 1, 65535, rng.randrange(65536)]))
            d[tcp + 13] |= 0x20
        elif field == "tcpsum" and tcp + 18 <= n:
            struct.pack_into("!H", d, tcp + 16, rng.randrange(65536))
        elif field == "iplen":
            if v == 4:
                struct.pack_into("!H", d, ip + 2, rng.choice([0, 1, 20, 39, 40, 41, 65535, rng.randrange(65536)]))
            else:
                struct.pack_into("!H", d, ip + 4, rng.choice([0, 1, 19, 20, 21, 65535, rng.randrange(65536)]))
        elif field == "ihl" and v == 4:
            d[ip] = 0x40 | rng.randrange(16)
        elif field == "frag" and v == 4:
            struct.pack_into("!H", d, ip + 6, rng.choice([0x2000, 0x0001, 0x2001, 0x4000, 0x8000, rng.randrange(65536)]))
        elif field == "proto":
            d[ip + (9 if v == 4 else 6)] = rng.choice([0, 1, 17, 41, 44, 58, 255])
        elif field == "ipsum" and v == 4:
            struct.pack_into("!H", d, ip + 10, rng.randrange(65536))
        if v == 4 and field != "ipsum" and rng.random() < 0.7:
            fix_ipv4(d, ip)
        p["data"] = bytes(d)
    return "header(" + ",".join(what) + ")"


# TCP option lists of wrong sizes (kind, length byte, then bytes up to the
# stated or a wrong size).
BAD_OPTIONS = [
    b"\x05\x08" + b"\0" * 6,              # SACK of length 8 (Wireshark 4.0 throws)
    b"\x05\x02",                          # SACK without blocks
    b"\x05\x0b" + b"\0" * 9,              # SACK of a block and a half
    b"\x05\x0a" + b"\x00\x00\x00\x01\x00\x00\x00\x02",
    b"\x05\x22" + b"\x11" * 32,           # four blocks
    b"\x08\x08" + b"\0" * 6,              # TS of 8
    b"\x08\x0c" + b"\0" * 10,             # TS of 12
    b"\x08\x0a" + b"\xff" * 8,
    b"\x02\x03\x05",                      # MSS of 3
    b"\x02\x05\x05\xb4\x00",              # MSS of 5
    b"\x02\x04\x00\x00",                  # MSS 0
    b"\x03\x02",                          # WS without shift
    b"\x03\x04\x0e\x00",                  # WS of 4
    b"\x03\x03\xff",                      # shift 255
    b"\x04\x03\x00",                      # SACK-permitted of 3
    b"\x22\x02",                          # TFO cookie request
    b"\x22\x03\x00",                      # TFO of 3
    b"\x1e\x03\x00",                      # MPTCP of 3
    b"\x1e\x14" + b"\x10" * 18,           # MPTCP
    b"\x13\x12" + b"\0" * 16,             # MD5
    b"\x1d\x03\x00",                      # TCP-AO
    b"\xfe\x04\xf9\x89",                  # experimental
    b"\x00",                              # end of list
    b"\x01\x01\x01",                      # NOPs
    b"\x05\x00",                          # length 0
    b"\x08\x01",                          # length 1
    b"\x02\x28",                          # length past the header
    b"\x05",                              # kind without length (truncated list)
]


def m_options(rng, cap):
    what = []
    for p, ip, v, tcp in segments(rng, cap, [1, 1, 2, 3]):
        d = bytearray(p["data"])
        if tcp + 20 > len(d):
            continue
        doff = (d[tcp + 12] >> 4) * 4
        how = rng.choice(["insert", "insert", "length", "kind", "truncate"] if doff > 20 else ["insert"])
        what.append(how)
        if how == "insert":
            opts = b"".join(rng.choice(BAD_OPTIONS) for _ in range(rng.choice([1, 1, 2, 3])))
            if rng.random() < 0.5:
                opts = b"\x01" * rng.randrange(3) + opts
            opts = opts[:40]
            room = 40 - max(0, doff - 20)
            opts = opts[:room] if room > 0 else b""
            opts += b"\0" * (-len(opts) % 4) if rng.random() < 0.8 else b""
            if len(opts) % 4:
                opts = opts[:len(opts) // 4 * 4]
            if not opts:
                continue
            at = tcp + min(doff, len(d) - tcp) if rng.random() < 0.5 else tcp + 20
            d[at:at] = opts
            d[tcp + 12] = (min(15, (doff + len(opts)) // 4) << 4) | (d[tcp + 12] & 15)
            if v == 4:
                struct.pack_into("!H", d, ip + 2, (struct.unpack_from("!H", d, ip + 2)[0] + len(opts)) & 0xFFFF)
                fix_ipv4(d, ip)
            else:
                struct.pack_into("!H", d, ip + 4, (struct.unpack_from("!H", d, ip + 4)[0] + len(opts)) & 0xFFFF)
            p["orig"] += len(opts)
        elif how == "length":
            at = tcp + 20 + rng.randrange(doff - 20)
            if at + 1 < len(d):
                d[at + 1] = rng.choice([0, 1, 2, 3, 4, 8, 10, 11, 40, 255, rng.randrange(256)])
        elif how == "kind":
            at = tcp + 20 + rng.randrange(doff - 20)
            if at < len(d):
                d[at] = rng.choice([0, 1, 2, 3, 4, 5, 8, 19, 29, 30, 34, 253, 254, rng.randrange(256)])
        elif how == "truncate":  # the data offset ends inside an option
            d[tcp + 12] = (rng.randrange(5, doff // 4) << 4) | (d[tcp + 12] & 15)
        p["data"] = bytes(d)
    return "options(" + ",".join(what) + ")"


def m_reorder(rng, cap):
    ps, what = cap.packets, []
    if len(ps) < 2:
        return "reorder(none)"
    keep_times = rng.random() < 0.4
    times = [p["ns"] for p in ps]
    for _ in range(rng.choice([1, 1, 2, 3])):
        how = rng.choice(["swap", "swap", "move", "reverse", "duplicate", "drop"])
        what.append(how)
        i, j = sorted(rng.sample(range(len(ps)), 2))
        if how == "swap":
            ps[i], ps[j] = ps[j], ps[i]
        elif how == "move":
            ps.insert(j, ps.pop(i)) if rng.random() < 0.5 else ps.insert(i, ps.pop(j))
        elif how == "reverse":
            ps[i:j + 1] = ps[i:j + 1][::-1]
        elif how == "duplicate":
            ps.insert(j, dict(ps[i]))
            times.insert(j, times[i])
        elif how == "drop" and len(ps) > 2:
            del ps[i]
            del times[i]
    if keep_times:
        for p, t in zip(ps, times):
            p["ns"] = t
    return "reorder(" + ",".join(what) + (",times kept" if keep_times else "") + ")"


def m_jitter(rng, cap):
    scale = rng.choice([1_000, 1_000_000, 100_000_000, 10 ** 10, 10 ** 12])
    share = rng.choice([0.2, 0.5, 1.0])
    for p in cap.packets:
        if rng.random() < share:
            p["ns"] = max(0, p["ns"] + rng.randrange(-scale, scale + 1))
    return f"jitter({scale} ns,{share})"


def m_timeshift(rng, cap):
    how = rng.choice(["file", "file", "packets", "tsoffset"])
    res = rng.choice([0, 6, 9])
    cap.tsresol = res
    unit = 10 ** res
    # raw 64-bit timestamps near the edges: 0, 2^63 and 2^64 units (with 1 s
    # units, 2^64 - k is k seconds before 1970 and 2^63 the int64 limits;
    # with 1 ns units, past 2^63 is after 2262)
    edges = [0, 1 << 63, (1 << 64), (1 << 62), 9_223_372_036 * unit, 4_102_444_800 * unit]
    if how == "tsoffset":
        cap.tsoffset = rng.choice([-(1 << 63), (1 << 63) - 1, -4_000_000_000, -1_700_000_000, 10 ** 12])
        return f"timeshift(tsoffset {cap.tsoffset},1e-{res} s)"
    first = cap.packets[0]["ns"] * unit // 10 ** 9 if cap.packets else 0
    if how == "file":
        base = rng.choice(edges) + rng.randrange(-100 * unit, 100 * unit)
        for i, p in enumerate(cap.packets):
            cap.raw_ts[i] = base + p["ns"] * unit // 10 ** 9 - first
        return f"timeshift(file to {base & U64:#x},1e-{res} s)"
    picked = []
    for i in rng.sample(range(len(cap.packets)), min(len(cap.packets), rng.choice([1, 2, 3]))):
        cap.raw_ts[i] = rng.choice(edges) + rng.randrange(-10 * unit, 10 * unit)
        picked.append(i + 1)
    return f"timeshift(packets {picked},1e-{res} s)"


def m_bytes(rng, cap):
    prob = rng.choice([0.01, 0.02, 0.05])
    for p in cap.packets:
        if rng.random() < 0.5:
            d = bytearray(p["data"])
            for k in range(len(d)):
                if rng.random() < prob:
                    d[k] = rng.randrange(256)
            p["data"] = bytes(d)
    return f"bytes({prob})"


MUTATORS = [("snaplen", m_snaplen, 2), ("header", m_header, 4), ("options", m_options, 3),
            ("reorder", m_reorder, 2), ("jitter", m_jitter, 2), ("timeshift", m_timeshift, 2),
            ("bytes", m_bytes, 1)]


def sources():
    out = []
    for d in (tplib.SAMPLES, tplib.SHARED):
        for path in sorted(glob.glob(os.path.join(d, "*.pcap")) + glob.glob(os.path.join(d, "*.pcapng"))):
            out.append(path)
    return out


class Sources:
    """The sample and shared captures as pcapng (editcap -F pcapng), read once."""

    def __init__(self, work):
        self.paths = sources()
        self.work, self.cache = work, {}

    def get(self, i):
        if i not in self.cache:
            out = os.path.join(self.work, f"source-{i}.pcapng")
            subprocess.run(["editcap", "-F", "pcapng", self.paths[i], out], check=True, capture_output=True)
            self.cache[i] = out
        return Capture.read(self.cache[i])


def mutate(srcs, seed, index):
    """(Capture, source path, [mutator descriptions]) of mutated file |index|."""
    rng = random.Random(f"{seed}:{index}")
    k = rng.randrange(len(srcs.paths))
    cap = srcs.get(k)
    names = [m for m in MUTATORS for _ in range(m[2])]
    done = []
    for _ in range(rng.choice([1, 1, 2, 3])):
        name, fn, _ = rng.choice(names)
        done.append(fn(rng, cap))
    return cap, srcs.paths[k], done


# ---------------------------------------------------------------- checking


class Run:
    """One tshark run of a capture, one-pass or -2 two_pass."""

    def __init__(self, sandbox, fields, path, two_pass, options=(), env=()):
        argv = ["tshark", "-n", "-r", path] + (["-2"] + views.TWO_PASS if two_pass else []) + list(options)
        argv += ["-T", "fields", "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=" + views.AGGREGATOR]
        for f in fields:
            argv += ["-e", f]
        self.argv = argv
        try:
            command = sandbox.command(argv)
            at = command.index("-i") + 1  # env -i ...: the sanitizer's variables with the others
            command[at:at] = list(env)
            proc = subprocess.run(command, capture_output=True, text=True, errors="replace",
                                  cwd=sandbox.dir, timeout=TIMEOUT)
            self.status, out, self.err = proc.returncode, proc.stdout, proc.stderr
        except subprocess.TimeoutExpired:
            self.status, out, self.err = "hang", "", f"no end after {TIMEOUT} s"
        self.rows = views.Rows(fields, out)
        self.problem = None
        if self.status == "hang":
            self.problem = f"hang (no end after {TIMEOUT} s)"
        elif any(word in self.err for word in SANITIZER_WORDS):
            self.problem = "sanitizer report: " + " | ".join(
                line for line in self.err.splitlines() if any(w in line for w in SANITIZER_WORDS))[:400]
        elif "Dissector bug, protocol TCPPHASE" in out + self.err:
            self.problem = "dissector bug in tcpphase"
        elif self.status != 0:
            self.problem = f"tshark exit status {self.status}: {self.err.strip()[-300:]}"


def number_sections(run, counts):
    """Fills in frame.section_number from the sections' frame counts where
    tshark gives none (the field is Wireshark's since 3.6; the counts say
    the same where it is there)."""
    ends, total = [], 0
    for n in counts:
        total += n
        ends.append(total)
    for row in run.rows.frames:
        if not row.get("frame.section_number") and row.get("frame.number"):
            number = int(row["frame.number"][0])
            row["frame.section_number"] = [str(next((i + 1 for i, end in enumerate(ends) if number <= end), 0))]


def section(row):
    return int((row.get("frame.section_number") or ["0"])[0] or 0)


def local_conns(run):
    """{(section, tcpphase.conn): the connection's rank by number among those of
    its section}: connection numbers as the section alone would number them
    (tcpphase numbers connections as it creates them: an earlier file's
    connection created late in one of the runs must not shift the numbers of
    every later file)."""
    numbers = {}
    for row in run.rows.frames:
        for v in row.get("tcpphase.conn", []):
            numbers.setdefault(section(row), set()).add(int(v))
    return {(s, str(v)): str(rank) for s, vs in numbers.items() for rank, v in enumerate(sorted(vs), 1)}


def local(conns, row, pairs):
    s = section(row)
    return [(n, conns.get((s, v), v)) if n == "tcpphase.conn" else (n, v) for n, v in pairs]


class Checker:
    def __init__(self, sandbox, env=(), glossary=None):
        """|glossary|: the sandbox whose tshark -G gives the fields (an ASan
        build of the plugin does not load without its runtime preloaded)."""
        glossary = glossary or sandbox
        self.sandbox, self.env = sandbox, list(env)
        self.names = views.tcpphase_fields(glossary)
        # frame.section_number is Wireshark's since 3.6; without it the
        # sections are told by their frame counts (number_sections)
        has_section = "\tframe.section_number\t" in glossary.glossary(
            "fields-frame", ["tshark", "-G", "fields"], lambda line: "\tframe.section_number\t" in line)
        self.fields = (["frame.number"] + (["frame.section_number"] if has_section else []) + self.names
                       + ["tcp.stream", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "tcp.srcport", "tcp.dstport"])
        self.value_names = glossary.value_names()
        self.runs = 0

    def read(self, path, two_pass):
        self.runs += 1
        return Run(self.sandbox, self.fields, path, two_pass, OPTIONS, self.env)

    def compare(self, one, two):
        """{section: [problem]} of one-pass |one| against -2 two_pass |two|."""
        out = {}
        if len(one.rows.frames) != len(two.rows.frames):
            out.setdefault(0, []).append(f"one-pass printed {len(one.rows.frames)} frames, -2 {len(two.rows.frames)}")
            return out
        one_conns, two_conns = local_conns(one), local_conns(two)
        for a, b in zip(one.rows.frames, two.rows.frames):
            seen = sorted(local(one_conns, a, one.rows.pairs(a, self.names, self.value_names)))
            full = sorted(local(two_conns, b, two.rows.pairs(b, self.names, self.value_names)))
            extra, missing = order.one_pass_differences(seen, full)
            if extra or missing:
                out.setdefault(section(a), []).append(
                    f"frame {a['frame.number'][0]}: one-pass has {extra} that -2 two_pass has not, lacks {missing}")
        return out

    def spanning(self, run):
        """Sections sharing a tcp.stream or a tcpphase.conn with another."""
        owner, shared = {}, set()
        for row in run.rows.frames:
            section = int((row.get("frame.section_number") or ["0"])[0] or 0)
            for key in ("tcp.stream", "tcpphase.conn"):
                for value in row.get(key, []):
                    other = owner.setdefault((key, value), section)
                    if other != section:
                        shared |= {other, section}
        return shared

    def check(self, path, counts=()):
        """(problems {section: [..]}, crashed, one, two) of one capture whose
        sections have |counts| frames each."""
        one = self.read(path, False)
        two = self.read(path, True)
        for run in (one, two):
            number_sections(run, counts)
        crashed = [f"{'one-pass' if r is one else '-2 two_pass'}: {r.problem}" for r in (one, two) if r.problem]
        if crashed:
            return {}, crashed, one, two
        return self.compare(one, two), [], one, two


def plain_crashes(sandbox, path, two_pass):
    """Whether tshark without the plugin crashes on |path| too (Wireshark's),
    in the environment the checks ran in but for the plugin directory: a
    dissector bug aborts tshark there (WIRESHARK_ABORT_ON_DISSECTOR_BUG), so
    Wireshark's own must abort here too to be told apart from tcpphase's."""
    argv = ["tshark", "-n", "-r", path] + (["-2"] if two_pass else []) + ["-V"]
    cmd = [f"WIRESHARK_PLUGIN_DIR={sandbox.dir}/none" if a.startswith("WIRESHARK_PLUGIN_DIR=") else a
           for a in sandbox.command(argv)]
    try:
        status = subprocess.run(cmd, capture_output=True, cwd=sandbox.dir, timeout=TIMEOUT).returncode
        return status < 0 or status >= 128  # killed by a signal (setpriv execs tshark), or a shell's 128 + signal
    except subprocess.TimeoutExpired:
        return True


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(tplib.ROOT, "build"))
    ap.add_argument("--batch", type=int, default=60, help="mutated files per tshark run")
    ap.add_argument("--write", nargs=3, metavar=("SEED", "INDEX", "OUT"), help="rebuild one mutated file")
    ap.add_argument("--first", type=int, default=0, help="first index")
    ap.add_argument("--asan", action="store_true",
                    help="the --build is an ASan/UBSan build (tests/fuzz/captures.sh makes build/asan): "
                         "preload the runtime, fail on a sanitizer report")
    ap.add_argument("--release", default=os.path.join(tplib.ROOT, "build"),
                    help="with --asan: the release build whose tshark -G lists the fields")
    ap.add_argument("count", type=int, nargs="?", default=100)
    ap.add_argument("seed", nargs="?", default="1")
    opts = ap.parse_args()

    work = tempfile.mkdtemp(prefix="tcpphase-mutate-")
    try:
        srcs = Sources(work)
        if opts.write:
            seed, index, out = opts.write
            cap, source, done = mutate(srcs, seed, int(index))
            cap.write(out)
            print(f"{out}: {os.path.basename(source)} {' '.join(done)}")
            return 0
        with tplib.Sandbox(opts.build) as sandbox:
            if not opts.asan:
                return fuzz(sandbox, srcs, Checker(sandbox), opts)
            with tplib.Sandbox(opts.release) as release:
                return fuzz(sandbox, srcs, Checker(sandbox, asan_env(), release), opts)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def fuzz(sandbox, srcs, checker, opts):
    seed, failures, notes, alone, frames_total, spanning = opts.seed, [], [], 0, 0, 0
    started = time.monotonic()
    os.makedirs(KEEP, exist_ok=True)
    me = os.path.relpath(os.path.abspath(__file__), tplib.ROOT)

    def reproduce(index):
        return (f"check it alone again: {me} --first {index} 1 {seed}; rebuild it: {me} --write {seed} {index} "
                f"f.pcapng, then compare tshark -n -r f.pcapng -T fields -e frame.number -e tcpphase.label ... "
                f"with the same and -2 -o tcpphase.two_pass:TRUE")

    def keep(path, name):
        shutil.copyfile(path, os.path.join(KEEP, name))
        return os.path.join(KEEP, name)

    kinds = collections.Counter()

    def fail(index, info, what, path):
        kept = keep(path, f"mutate-{seed}-{index}.pcapng")
        failures.append(index)
        kinds[" ".join(sorted(set(re.findall(r"\('(tcpphase[a-z_.]*)'", " ".join(what))))) or what[0][:60]] += 1
        print(f"FAIL seed {seed} file {index} ({info}): {what[0]}")
        for w in what[1:8]:
            print("    ", w)
        print(f"     kept {kept}; {reproduce(index)}")

    def check_alone(index, info, path):
        """Checks one mutated file by itself: "fail" or None (it agrees)."""
        staged = sandbox.stage(path)
        problems, crashed, _, _ = checker.check(staged)
        os.remove(staged)
        if crashed:
            staged = sandbox.stage(path)
            plain = any(plain_crashes(sandbox, staged, tp) for tp in (False, True))
            os.remove(staged)
            if plain:
                notes.append(f"note: seed {seed} file {index}: Wireshark crashes without tcpphase too: not counted")
                print(notes[-1])
                return None
            fail(index, info, crashed, path)
            return "fail"
        what = [p for ps in problems.values() for p in ps]
        if problems:
            fail(index, info, what, path)
            return "fail"
        return None

    index, end = opts.first, opts.first + opts.count
    batch_no, waiting = 0, []
    while index < end or waiting:
        # a batch: mutated files with disjoint 4-tuples; a file that shares
        # one with the batch waits for the next (read alone after 3 tries)
        members, used, deferred, later = [], set(), [], []
        candidates = waiting
        waiting = []
        while (candidates or index < end) and len(members) < opts.batch:
            if candidates:
                tries, i, cap, source, done = candidates.pop(0)
            else:
                (tries, i), (cap, source, done) = (0, index), mutate(srcs, seed, index)
                index += 1
            t = tuples(cap)
            if not t & used:
                used |= t
                members.append((i, cap, source, done))
            elif tries < 3:
                later.append((tries + 1, i, cap, source, done))
            else:
                deferred.append((i, cap, source, done))
        waiting = later + candidates
        batch_no += 1
        paths, infos = [], {}
        counts = []
        for i, cap, source, done in members + deferred:
            path = os.path.join(srcs.work, f"mutate-{seed}-{i}.pcapng")
            counts.append(cap.write(path))
            frames_total += counts[-1]
            infos[i] = f"{os.path.basename(source)}: {' '.join(done)}"
            paths.append((i, path))
        batch = os.path.join(srcs.work, f"batch-{batch_no}.pcapng")
        with open(batch, "wb") as out:
            for i, path in paths[:len(members)]:
                out.write(open(path, "rb").read())
        problems, crashed, one, two = checker.check(sandbox.stage(batch), counts[:len(members)])
        os.remove(sandbox.stage(batch))
        recheck = [i for i, _, _, _ in deferred]  # files sharing a 4-tuple with the batch: alone
        section_of = {s + 1: members[s][0] for s in range(len(members))}
        if crashed:
            recheck += [i for i, _, _, _ in members]
        else:
            spans = [section_of[s] for s in sorted(checker.spanning(one) | checker.spanning(two)) if s in section_of]
            spanning += len(spans)
            recheck += spans
            for s, ps in sorted(problems.items()):
                i = section_of.get(s)
                if i is None or i in recheck:
                    continue
                if check_alone(i, infos[i], dict(paths)[i]) is None:
                    # the file alone agrees: the batch's failure
                    name = f"mutate-{seed}-batch-{batch_no}.pcapng"
                    shutil.copyfile(batch, os.path.join(KEEP, name))
                    failures.append(f"batch {batch_no}")
                    print(f"FAIL seed {seed} batch {batch_no} (files {members[0][0]}..{members[-1][0]}, section {s} "
                          f"= file {i}, which alone agrees): {ps[0]}; kept {KEEP}/{name}")
        for i in dict.fromkeys(recheck):
            alone += 1
            check_alone(i, infos[i], dict(paths)[i])
        for _, path in paths:
            os.remove(path)
        os.remove(batch)
        if opts.batch > 1 and batch_no % 20 == 0:
            print(f"... {index - opts.first - len(waiting)} files, {len(failures)} failed, {time.monotonic() - started:.0f} s", flush=True)

    print(f"{opts.count} mutated files (seed {seed}, indices {opts.first}..{end - 1}, {frames_total} frames), "
          f"{checker.runs} tshark runs ({alone} files read alone instead of in a batch, {spanning} of them for a "
          f"connection across files; a failing file is read alone again too), {time.monotonic() - started:.0f} s: "
          f"{len(failures)} failed, {len(notes)} Wireshark crashes not counted")
    for kind, n in kinds.most_common():
        print(f"  {n} file(s) differ in: {kind}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
