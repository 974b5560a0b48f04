#!/usr/bin/python3
"""tcpphase says the same about a frame however Wireshark comes to dissect it.

For each capture:
  1. tshark one-pass and tshark -2 give identical per-frame tables;
  2. sharkd (which, like the GUI, dissects frames on request after a first
     sequential pass) gives identical per-frame fields whether the frames
     are asked for first to last or last to first;
  3. every field one-pass tshark shows has the value sharkd shows. The
     fields that look ahead (links to later frames, handshake timings) may
     be missing in tshark, which prints a frame before reading the next;
     every other field must be there, equal; so must every anomaly but the
     catalogue's LATER ones, which need the whole capture;
  4. with the preference two_pass, tshark -2 shows exactly what sharkd shows,
     and one-pass tshark what it shows without it.

  order.py --build BUILD CAPTURE..."""
import argparse
import os
import sys

import catalogue
import golden
import tplib

# Fields whose value can depend on frames after the one shown (the
# connection's outcome, history and closer are shown only once the whole
# capture has been read).
LOOKAHEAD = {
    "tcpphase.syn_frame", "tcpphase.synack_frame", "tcpphase.ack_frame", "tcpphase.fin_acked_in",
    "tcpphase.handshake.syn_to_synack", "tcpphase.handshake.synack_to_ack", "tcpphase.handshake.rtt",
    "tcpphase.outcome", "tcpphase.history", "tcpphase.closed_by",
}


TWO_PASS = ["-o", "tcpphase.two_pass:TRUE"]

LATER_ANOMALIES = {a["id"] for a in catalogue.load() if a["when"] == "LATER"}


def sharkd_fields(node, names, out):
    """Collects 'tcpphase.x == v' filter strings of a sharkd tree as (x, v)."""
    for item in node:
        f = item.get("f", "")
        if f.startswith("tcpphase.") and " == " in f:
            name, value = f.split(" == ", 1)
            out.append((name, tplib.display_value(names, name, value.strip('"'))))
        sharkd_fields(item.get("n", []), names, out)
    return out


def sharkd_view(sandbox, capture, frames):
    requests = [{"method": "load", "params": {"file": sandbox.stage(capture)}},
                {"method": "tap", "params": {"tap0": "expert"}}]
    requests += [{"method": "frame", "params": {"frame": n, "proto": True}} for n in frames]
    results = sandbox.sharkd(capture, requests)[2:]
    names = sandbox.value_names()
    return {n: sorted(sharkd_fields(r.get("tree", []), names, [])) for n, r in zip(frames, results)}


def tshark_view(sandbox, capture, names, extra=(), two_pass=False):
    args = list(extra) + ["-T", "fields", "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=|",
            "-e", "frame.number"]
    for name in names:
        args += ["-e", name]
    view = {}
    value_names = sandbox.value_names()
    for line in sandbox.tshark(capture, args, two_pass=two_pass).splitlines():
        cols = line.split("\t")
        pairs = []
        for name, col in zip(names, cols[1:]):
            pairs += [(name, tplib.display_value(value_names, name, v)) for v in col.split("|") if v != ""]
        view[int(cols[0])] = sorted(pairs)
    return view


def check(sandbox, capture):
    problems = []
    one = golden.table(sandbox, capture)
    two = golden.table(sandbox, capture, two_pass=True)
    if one != two:
        problems.append("tshark one-pass and -2 differ")

    frames = list(range(1, len(one.splitlines())))
    forward = sharkd_view(sandbox, capture, frames)
    backward = sharkd_view(sandbox, capture, frames[::-1])
    for n in frames:
        if forward[n] != backward[n]:
            problems.append(f"frame {n}: sharkd forward {forward[n]} != backward {backward[n]}")

    names = sorted({name for pairs in forward.values() for name, _ in pairs})
    if names:
        tshark = tshark_view(sandbox, capture, names)
        for n in frames:
            full = forward[n]
            seen = tshark.get(n, [])
            extra = [p for p in seen if p not in full]
            missing = [p for p in full if p not in seen and p[0] not in LOOKAHEAD
                       and not (p[0] == "tcpphase.anomaly" and p[1] in LATER_ANOMALIES)]
            if extra or missing:
                problems.append(f"frame {n}: tshark has {extra} not in sharkd, lacks {missing}")
        # With the two_pass preference, tshark -2 knows the whole capture too.
        full_two_pass = tshark_view(sandbox, capture, names, TWO_PASS, two_pass=True)
        for n in frames:
            if full_two_pass.get(n, []) != forward[n]:
                problems.append(f"frame {n}: tshark -2 with two_pass {full_two_pass.get(n)} != sharkd {forward[n]}")
        if golden.table(sandbox, capture, extra=TWO_PASS) != one:
            problems.append("the two_pass preference changes one-pass tshark")
    return problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("captures", nargs="+")
    opts = ap.parse_args()
    failed = 0
    with tplib.Sandbox(opts.build) as sandbox:
        for capture in opts.captures:
            problems = check(sandbox, capture)
            name = os.path.basename(capture)
            if problems:
                failed += 1
                print(f"FAIL {name}")
                for p in problems[:20]:
                    print("   ", p)
            else:
                print(f"ok   {name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
