#!/usr/bin/python3
"""Golden per-frame test: runs tshark with the plugin over a capture and
compares what tcpphase says about every frame with tests/golden/<capture>.tsv.

  golden.py --build BUILD CAPTURE...            compare
  golden.py --build BUILD --update CAPTURE...   rewrite the golden files

Beside each table, tests/golden/conns/ holds the capture's -z tcpphase,conns,tsv
report, printed by the same one-pass run after the last frame.

The table holds value names (handshake, SYN_SENT, ...), not numbers, and
only tcpphase's fields: Wireshark's own tcp.stream is numbered differently
from version to version (4.4 splits more streams on port reuse)."""
import argparse
import difflib
import os
import sys

import tplib
import views

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
    ("connect_time", "tcpphase.handshake.connect_time"),
    ("syn_count", "tcpphase.handshake.syn_count"),
    ("anomalies", "tcpphase.anomaly"),
]


def golden_path(capture, version=None, kind=""):
    """tests/golden/[kind/][shared/]<capture>.tsv, or the file of the same name
    under tests/golden/<major.minor>/ where that Wireshark version dissects the
    capture differently (given |version|, that file if it exists). |kind| is
    "" for the per-frame tables, "conns" for the connection reports."""
    sub = "shared" if os.path.dirname(os.path.abspath(capture)) == tplib.SHARED else ""
    name = os.path.basename(capture) + ".tsv"
    if version:
        specific = os.path.join(tplib.GOLDEN, version, kind, sub, name)
        if os.path.exists(specific):
            return specific
    return os.path.join(tplib.GOLDEN, kind, sub, name)


def table_of(sandbox, rows):
    """The golden table of one tshark run (views.Rows): value names spelled out
    (handshake, SYN_SENT, ...) and booleans as True/False, so that it reads the
    same on every Wireshark version."""
    names = sandbox.value_names()
    lines = ["\t".join(title for title, _ in COLUMNS)]
    for row in rows.frames:
        lines.append("\t".join(",".join(tplib.display_value(names, field, v) for v in row.get(field, []))
                               for _, field in COLUMNS))
    return "\n".join(lines) + "\n"


def compare(got, path):
    """Problems of |got| against the golden file |path|."""
    if not os.path.exists(path):
        return [f"no golden file {os.path.relpath(path, tplib.ROOT)} (make it with golden.py --update)"]
    with open(path) as f:
        want = f.read()
    if got == want:
        return []
    return ["".join(difflib.unified_diff(want.splitlines(True), got.splitlines(True), path, "tshark now"))]


def check(sandbox, view):
    """Problems of one capture's one-pass table against its golden file."""
    return compare(table_of(sandbox, view.rows["one"]), golden_path(view.capture, sandbox.wireshark_version()))


def conns_table(report):
    """The -z tcpphase,conns,tsv report as its golden file holds it: without
    the stream column (Wireshark's tcp.stream, numbered differently from
    version to version)."""
    return "".join("\t".join(c for i, c in enumerate(line.split("\t")) if i != 1)
                   for line in report.splitlines(True))


def check_conns(sandbox, view):
    """Problems of one capture's -z tcpphase,conns,tsv report (outcome,
    history, closer, timings, anomalies of every connection) against its
    golden file; and one-pass tshark's three reports (conns, the statistics
    tree, the connection table), drawn after the last packet, must say what
    tshark -2 with the whole capture known says."""
    one = conns_table(view.rows["one"].report)
    problems = compare(one, golden_path(view.capture, sandbox.wireshark_version(), "conns"))
    whole = conns_table(view.rows["two_tp"].report)
    for name, one_pass, two_pass in (("-z tcpphase,conns", one, whole),
                                     ("-z tcpphase,tree", view.rows["one"].tree, view.rows["two_tp"].tree),
                                     ("-z tcpphase,conntable", view.rows["one"].conntable,
                                      view.rows["two_tp"].conntable)):
        if not two_pass:
            problems.append(f"{name} printed nothing in tshark -2")
        elif one_pass != two_pass:
            problems.append(f"one-pass {name} differs from tshark -2 -o tcpphase.two_pass:TRUE's:\n" +
                            "".join(difflib.unified_diff(two_pass.splitlines(True), one_pass.splitlines(True),
                                                         "two-pass", "one-pass")))
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", required=True, help="CMake build directory")
    ap.add_argument("--update", action="store_true", help="rewrite the golden files")
    ap.add_argument("captures", nargs="+")
    opts = ap.parse_args()

    failed = 0
    with tplib.Sandbox(opts.build) as sandbox:
        if opts.update:
            for view in views.read(sandbox, opts.captures, configs=views.CONFIGS[:1], sharkd=False):
                for path, text in ((golden_path(view.capture), table_of(sandbox, view.rows["one"])),
                                   (golden_path(view.capture, kind="conns"), conns_table(view.rows["one"].report))):
                    os.makedirs(os.path.dirname(path), exist_ok=True)
                    with open(path, "w") as f:
                        f.write(text)
                    print(f"wrote {os.path.relpath(path, tplib.ROOT)}")
            return 0
        # one pass, and -2 with two_pass for the reports check_conns compares
        configs = [c for c in views.CONFIGS if c[0] in ("one", "two_tp")]
        for view in views.read(sandbox, opts.captures, configs=configs, sharkd=False):
            problems = [view.error] if view.error else check(sandbox, view) + check_conns(sandbox, view)
            failed += bool(problems)
            for p in problems:
                sys.stdout.write(p)
            print(f"{'FAIL' if problems else 'ok  '} {os.path.basename(view.capture)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
