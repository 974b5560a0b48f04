#!/usr/bin/python3
"""Golden per-frame test: runs tshark with the plugin over a capture and
compares what tcpphase says about every frame with tests/golden/<capture>.tsv.

  golden.py --build BUILD CAPTURE...            compare
  golden.py --build BUILD --update CAPTURE...   rewrite the golden files

The table holds value names (handshake, SYN_SENT, ...), not numbers, and
only tcpphase's fields: Wireshark's own tcp.stream is numbered differently
from version to version (4.4 splits more streams on port reuse)."""
import argparse
import difflib
import os
import sys

import tplib

# (column title, field): the one list of what a golden file holds.
COLUMNS = [
    ("frame", "frame.number"),
    ("conn", "tcpphase.conn"),
    ("phase", "tcpphase.phase"),
    ("step", "tcpphase.step"),
    ("label", "tcpphase.label"),
    ("role", "tcpphase.role"),
    ("guessed", "tcpphase.role_guessed"),
    ("client", "tcpphase.state.client"),
    ("server", "tcpphase.state.server"),
    ("midstream", "tcpphase.midstream"),
    ("syn", "tcpphase.syn_frame"),
    ("synack", "tcpphase.synack_frame"),
    ("hs_ack", "tcpphase.ack_frame"),
    ("fin", "tcpphase.fin_frame"),
    ("fin_acked_in", "tcpphase.fin_acked_in"),
    ("syn_to_synack", "tcpphase.handshake.syn_to_synack"),
    ("synack_to_ack", "tcpphase.handshake.synack_to_ack"),
    ("hs_rtt", "tcpphase.handshake.rtt"),
    ("anomalies", "tcpphase.anomaly"),
]


def golden_path(capture, version=None):
    """tests/golden/[shared/]<capture>.tsv, or the file of the same name under
    tests/golden/<major.minor>/ where that Wireshark version dissects the
    capture differently (given |version|, that file if it exists)."""
    sub = "shared" if os.path.dirname(os.path.abspath(capture)) == tplib.SHARED else ""
    name = os.path.basename(capture) + ".tsv"
    if version:
        specific = os.path.join(tplib.GOLDEN, version, sub, name)
        if os.path.exists(specific):
            return specific
    return os.path.join(tplib.GOLDEN, sub, name)


def table(sandbox, capture, two_pass=False, extra=()):
    """The capture's per-frame table, value names spelled out (handshake,
    SYN_SENT, ...) and booleans as True/False, so that it reads the same on
    every Wireshark version."""
    args = list(extra) + ["-T", "fields", "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=,"]
    for _, field in COLUMNS:
        args += ["-e", field]
    names = sandbox.value_names()
    lines = ["\t".join(title for title, _ in COLUMNS)]
    for line in sandbox.tshark(capture, args, two_pass=two_pass).splitlines():
        cells = []
        for (_, field), cell in zip(COLUMNS, line.split("\t")):
            values = cell.split(",") if cell else []
            cells.append(",".join(tplib.display_value(names, field, v) for v in values))
        lines.append("\t".join(cells))
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", required=True, help="CMake build directory")
    ap.add_argument("--update", action="store_true", help="rewrite the golden files")
    ap.add_argument("captures", nargs="+")
    opts = ap.parse_args()

    failed = 0
    with tplib.Sandbox(opts.build) as sandbox:
        for capture in opts.captures:
            got = table(sandbox, capture)
            path = golden_path(capture, None if opts.update else sandbox.wireshark_version())
            if opts.update:
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w") as f:
                    f.write(got)
                print(f"wrote {os.path.relpath(path, tplib.ROOT)}")
                continue
            with open(path) as f:
                want = f.read()
            if got != want:
                failed += 1
                sys.stdout.writelines(difflib.unified_diff(
                    want.splitlines(True), got.splitlines(True), path, "tshark now"))
                print(f"FAIL {os.path.basename(capture)}")
            else:
                print(f"ok   {os.path.basename(capture)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
