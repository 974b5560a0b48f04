"""What tcpphase says about every frame of a capture, read each way a user
can read it, with as few tshark and sharkd starts as possible.

A tshark start costs about 0.3 s of CPU, far more than reading one small
capture, so each capture is read once per tshark configuration with every
field any test needs (tcpphase's own and the packet fields the oracles
read), and one sharkd session serves a whole batch of captures (sharkd's
"load" starts a new epan session, so connection numbers restart as they do
in a new process). The golden, order, oracle and anomaly checks all work on
these views.

The four tshark configurations: one-pass and -2, each without and with the
preference two_pass. sharkd reads every frame first to last, then (after a
fresh load) last to first, each after an expert tap pass, as the GUI shows
frames once the file has been read."""
import json
import os
import random
import re

import tplib

# Packet fields the oracles read, from the innermost headers (last occurrence).
PACKET_FIELDS = ["frame.number", "ip.src", "ipv6.src", "tcp.srcport", "tcp.dstport", "tcp.flags",
                 "tcp.len", "tcp.seq_raw"]
# ... and the one tests/streams.py compares tcpphase.conn with
STREAM_FIELDS = ["tcp.stream"]

TWO_PASS = ["-o", "tcpphase.two_pass:TRUE"]
# The three reports, printed after the frames: one-pass must print what -2
# prints with the whole capture known (tests/golden.py check_conns).
REPORT = ["-z", "tcpphase,conns,tsv", "-z", "tcpphase,tree", "-z", "tcpphase,conntable"]

# A read filter (tshark -2 -R) keeps only these segments; tests/order.py
# compares what they say with the same frames of the unfiltered -2 run.
READ_FILTER = "tcp.flags.syn == 1 || tcp.flags.fin == 1 || tcp.flags.reset == 1"
READ_FILTER_FLAGS = 0x7  # SYN, FIN, RST in tcp.flags

# A display filter (tshark -Y) shows some frames: each must say what it says
# without the filter (tests/order.py). Half of it on packet fields, half on
# tcpphase's own: a per-segment field (phase) and one whole-capture knowledge
# may add to (an anomaly: the LATER ones only in -2 with two_pass). One-pass
# tshark can select only by what is known at that frame; -2 with two_pass by
# what the whole capture tells.
DISPLAY_FILTER = "tcp.flags.syn == 1 || tcp.flags.fin == 1 || tcpphase.phase == teardown || tcpphase.anomaly"
DISPLAY_FILTER_FLAGS = 0x3  # SYN, FIN in tcp.flags


def display_filter_passes(row, value_names):
    """Whether DISPLAY_FILTER keeps a frame printed by an unfiltered run
    (any occurrence, as Wireshark's filters match)."""
    phases = value_names.get("tcpphase.phase", {})
    return (any(int(v, 16) & DISPLAY_FILTER_FLAGS for v in row.get("tcp.flags", []))
            or any(phases.get(v) == "teardown" for v in row.get("tcpphase.phase", []))
            or bool(row.get("tcpphase.anomaly")))


# (key, tshark -2, extra options); one-pass also prints the reports
CONFIGS = [
    ("one", False, REPORT),
    ("two", True, []),
    ("one_tp", False, TWO_PASS),
    ("two_tp", True, TWO_PASS + REPORT),
    ("two_tp_read_filter", True, TWO_PASS + ["-R", READ_FILTER]),
    ("one_display_filter", False, ["-Y", DISPLAY_FILTER]),
    ("two_tp_display_filter", True, TWO_PASS + ["-Y", DISPLAY_FILTER]),
]

AGGREGATOR = "\x1f"  # never inside a value


def tcpphase_fields(sandbox):
    """tcpphase's fields that carry a value (not the FT_NONE expert twins), in
    registration order (tshark -G fields)."""
    if not hasattr(sandbox, "_tcpphase_fields"):
        fields = []
        for line in sandbox.glossary("fields").splitlines():
            cols = line.split("\t")
            if len(cols) > 3 and cols[0] == "F" and cols[2].startswith("tcpphase.") and cols[3] != "FT_NONE":
                fields.append(cols[2])
        sandbox._tcpphase_fields = fields
    return sandbox._tcpphase_fields


REPORT_HEADER = "conn\tstream\t"


class Rows:
    """One tshark run's output: for every printed frame, {field: [values]};
    .report: the -z tcpphase,conns,tsv report printed after them, if asked;
    .tree: the -z tcpphase,tree rows as "topic<TAB>count" lines (the
    rates and bursts left out: they depend on when a count was made);
    .conntable: the -z tcpphase,conntable rows."""

    def __init__(self, fields, text):
        self.fields = fields
        self.frames = []
        self.report = self.tree = self.conntable = ""
        starts = [at for at in (text.find("\n" + REPORT_HEADER) + 1, text.find("\n\n====") + 1) if at > 0]
        if text.startswith(REPORT_HEADER):
            starts.append(0)
        if starts:
            reports, text = text[min(starts):], text[:min(starts)]
            at = reports.find(REPORT_HEADER)
            self.report = reports[at:] if at >= 0 else ""
            self.tree = tree_rows(reports)
            self.conntable = conntable_rows(reports)
        for line in text.splitlines():
            cells = line.split("\t")
            self.frames.append({f: (c.split(AGGREGATOR) if c else []) for f, c in zip(fields, cells)})

    def number(self, row):
        return int(row["frame.number"][0])

    def pairs(self, row, names, value_names):
        """Sorted (field, value as a person reads it) pairs of |names| in |row|."""
        out = []
        for name in names:
            out += [(name, tplib.display_value(value_names, name, v)) for v in row.get(name, []) if v != ""]
        return sorted(out)


def tree_rows(reports):
    """The statistics tree's topics and counts, in the printed order."""
    out, inside = [], False
    for line in reports.splitlines():
        if line.startswith("Topic / Item"):
            inside = True
        elif inside and line.startswith("---") and out:
            break
        elif inside and line.strip() and not line.startswith("---"):
            cells = re.split(r"\s{2,}", line.rstrip())
            out.append(cells[0] + "\t" + cells[1])
    return "\n".join(out)


def conntable_rows(reports):
    """The connection table's header and rows, as printed."""
    out, inside = [], False
    for line in reports.splitlines():
        if line.startswith("TCP Connection Phase connection table:"):
            inside = True
        elif inside and line.startswith("===="):
            break
        elif inside and "|" in line:
            out.append(line)
    return "\n".join(out)


def tshark_rows(sandbox, capture, two_pass, extra, more_fields=()):
    fields = ["frame.number"] + [f for f in tcpphase_fields(sandbox)] + PACKET_FIELDS[1:] + STREAM_FIELDS + \
        list(more_fields)
    args = list(extra) + ["-T", "fields", "-E", "separator=/t", "-E", "occurrence=a",
                          "-E", "aggregator=" + AGGREGATOR]
    for field in fields:
        args += ["-e", field]
    return Rows(fields, sandbox.tshark(capture, args, two_pass=two_pass))


def sharkd_fields(node, names, out):
    """Collects 'tcpphase.x == v' filter strings of a sharkd tree as (x, v)."""
    for item in node:
        f = item.get("f", "")
        if f.startswith("tcpphase.") and " == " in f:
            name, value = f.split(" == ", 1)
            out.append((name, tplib.display_value(names, name, value.strip('"'))))
        sharkd_fields(item.get("n", []), names, out)
    return out


class CaptureViews:
    """Everything read of one capture: .rows[config] (Rows), .forward,
    .redissected and .backward ({frame: sorted (field, value) pairs} from
    sharkd: first to last; then, in the same load, after a setconf and back
    and a second tap pass, in a seeded random order; then, after a fresh
    load, last to first), .error (why a view is missing, or None)."""

    def __init__(self, capture, frames=None):
        self.capture = capture
        self.frames = frames  # the frames to ask sharkd for; default: those tshark printed
        self.rows = {}
        self.forward = self.backward = self.redissected = None
        self.shuffled = None  # the random order .redissected was asked in
        self.error = None

    def frame_numbers(self):
        if self.frames is not None:
            return self.frames
        return [self.rows["one"].number(r) for r in self.rows["one"].frames]


# The random order of sharkd's second reading: a seed per process, printed
# by tests/frames.py; TCPPHASE_ORDER_SEED=N repeats a run's orders.
ORDER_SEED = int(os.environ.get("TCPPHASE_ORDER_SEED") or random.SystemRandom().randrange(1 << 32))

# A preference sharkd's setconf changes and sets back between the two
# readings of one load: in 4.0 setconf only sets the value (no prefs-applied
# callback, no re-dissection), so the second tap pass is what dissects every
# frame again, in capture order, as the GUI does for a new tap or statistic.
REDISSECT_SETCONF = [("tcpphase.info_column", "FALSE"), ("tcpphase.info_column", "TRUE")]


def shuffled(capture, frames):
    """|frames| in an order fixed by ORDER_SEED and the capture's name."""
    order = list(frames)
    random.Random(f"{ORDER_SEED}:{os.path.basename(capture)}").shuffle(order)
    return order


def sharkd_session(sandbox, requests):
    """({id: reply}, process) of one sharkd session that answers |requests|
    (JSON-RPC, numbered from 1 in order)."""
    lines = [json.dumps(dict(r, jsonrpc="2.0", id=i)) for i, r in enumerate(requests, 1)]
    proc = sandbox.run(["sharkd", "-"], stdin="\n".join(lines) + "\n", check=False)
    replies = {}
    for line in proc.stdout.splitlines():
        if line.startswith("{"):
            reply = json.loads(line)
            replies[reply.get("id")] = reply
    return replies, proc


def sharkd_batch(sandbox, views, backward=True, setconf=()):
    """Fills .forward (and .redissected and .backward) of every CaptureViews
    in one sharkd session, after setconf of each (preference, value) in
    |setconf|."""
    requests = [{"method": "setconf", "params": {"name": name, "value": value}} for name, value in setconf]
    spans = []  # (view, attribute, frame order, first reply, first frame reply, end)

    def frames_of(order):
        return [{"method": "frame", "params": {"frame": n, "proto": True}} for n in order]

    for v in views:
        if v.error:
            continue
        frames = v.frame_numbers()
        start = len(requests)
        requests += [{"method": "load", "params": {"file": sandbox.stage(v.capture)}},
                     {"method": "tap", "params": {"tap0": "expert"}}]
        requests += frames_of(frames)
        spans.append((v, "forward", frames, start, start + 2, len(requests)))
        if not backward:
            continue
        v.shuffled = shuffled(v.capture, frames)
        start = len(requests)
        requests += [{"method": "setconf", "params": {"name": name, "value": value}}
                     for name, value in REDISSECT_SETCONF]
        requests += [{"method": "tap", "params": {"tap0": "expert"}}]
        requests += frames_of(v.shuffled)
        spans.append((v, "redissected", v.shuffled, start, start + len(REDISSECT_SETCONF) + 1, len(requests)))
        start = len(requests)
        requests += [{"method": "load", "params": {"file": sandbox.stage(v.capture)}},
                     {"method": "tap", "params": {"tap0": "expert"}}]
        requests += frames_of(frames[::-1])
        spans.append((v, "backward", frames[::-1], start, start + 2, len(requests)))
    if not requests:
        return
    replies, proc = sharkd_session(sandbox, requests)
    refused = [(setconf[i], replies.get(i + 1)) for i in range(len(setconf))
               if not replies.get(i + 1) or "error" in replies[i + 1]]
    if refused:
        for v, *_ in spans:
            v.error = f"sharkd: setconf {refused[0][0]} refused: {refused[0][1]}"
        return
    names = sandbox.value_names()
    for v, attribute, order, start, first_frame, end in spans:
        if v.error:
            continue
        got = [replies.get(i + 1) for i in range(start, end)]
        bad = [(requests[i], r) for i, r in zip(range(start, end), got) if r is None or "error" in r]
        if bad:
            v.error = f"sharkd: {bad[0][0]} failed: {bad[0][1]} (sharkd exit {proc.returncode})"
            continue
        setattr(v, attribute, {n: sorted(sharkd_fields(r["result"].get("tree", []), names, []))
                               for n, r in zip(order, got[first_frame - start:])})


def read(sandbox, captures, configs=CONFIGS, sharkd=True):
    """CaptureViews of every capture, in the order given."""
    views = []
    for capture in captures:
        v = CaptureViews(capture)
        try:
            for key, two_pass, extra in configs:
                v.rows[key] = tshark_rows(sandbox, capture, two_pass, extra)
        except RuntimeError as e:
            v.error = str(e)
        views.append(v)
    if sharkd:
        sharkd_batch(sandbox, views)
    return views
