#!/usr/bin/python3
"""How loud tcpphase's expert infos are on real traffic (issue 14, item 3):
the shared third-party captures, concatenated with mergecap -a, read with
the whole capture known (tshark -2 -o tcpphase.two_pass:TRUE).

Prints: packets, connections, failed connections (a SYN seen, never
established: S0, REJ, RSTOS0, RSTRH, SH, SHR), the tcpphase warnings and
errors per failed connection (mean and most), and Expert Information's rows
(-z expert) for tcpphase: one per id, or the summaries are not constant.

  tools/noise.py --build build [CAPTURE...]   (default ../shared/captures/*)"""
import argparse
import collections
import glob
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
import catalogue  # noqa: E402
import tplib  # noqa: E402

FAILED = {"S0", "REJ", "RSTOS0", "RSTRH", "SH", "SHR"}
TWO_PASS = ["-2", "-o", "tcpphase.two_pass:TRUE"]


def captures(given):
    if given:
        return given
    return sorted(p for p in glob.glob(os.path.join(tplib.SHARED, "*"))
                  if re.search(r"\.(pcap|pcapng)$", p))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", required=True)
    ap.add_argument("captures", nargs="*")
    opts = ap.parse_args()
    rows = catalogue.load()
    loud = {a["id"] for a in rows if a["severity"] in ("WARN", "ERROR")} - catalogue.wireshark_reports()
    experts = {a["id"] for a in rows} - catalogue.wireshark_reports()
    with tempfile.TemporaryDirectory() as tmp, tplib.Sandbox(opts.build) as sandbox:
        merged = os.path.join(tmp, "merged.pcapng")
        subprocess.run(["mergecap", "-a", "-F", "pcapng", "-w", merged] + captures(opts.captures), check=True)
        out = sandbox.run(["tshark", "-n", "-r", sandbox.stage(merged)] + TWO_PASS +
                          ["-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,", "-e", "tcpphase.conn",
                           "-e", "tcpphase.anomaly", "-z", "tcpphase,conns,tsv"]).stdout
        expert = sandbox.run(["tshark", "-n", "-q", "-r", sandbox.stage(merged)] + TWO_PASS +
                             ["-z", "expert,note"]).stdout
    frames, _, report = out.partition("conn\tstream\t")
    header = ("conn\tstream\t" + report).splitlines()[0].split("\t")
    outcome = {}
    for line in report.splitlines()[1:]:
        row = dict(zip(header, line.split("\t")))
        outcome[row["conn"]] = row["outcome"]
    packets, loud_of = 0, collections.Counter()
    for line in frames.splitlines():
        packets += 1
        cells = line.split("\t") + ["", ""]
        for conn in set(cells[0].split(",")) if cells[0] else ():
            loud_of[conn] += sum(1 for a in cells[1].split(",") if a in loud)
    failed = [c for c, o in outcome.items() if o in FAILED]
    per_failed = [loud_of[c] for c in failed]
    print(f"{len(captures(opts.captures))} captures, {packets} packets, {len(outcome)} connections, "
          f"{len(failed)} failed")
    if per_failed:
        print(f"tcpphase warnings and errors per failed connection: mean {sum(per_failed) / len(per_failed):.2f}, "
              f"most {max(per_failed)}, none on {per_failed.count(0)}")
    # -z expert: "    Frequency      Group           Protocol  Summary"
    summaries = collections.Counter()
    for line in expert.splitlines():
        m = re.match(r"\s+(\d+)\s+(\w+)\s+(\S+)\s+(.*)$", line)
        if m and m.group(3).lower() == "tcpphase":
            summaries[m.group(4).strip()] += 1
    by_summary = {a["summary"]: a["id"] for a in rows}
    raised = {by_summary.get(s, "?" + s) for s in summaries}
    print(f"Expert Information rows of tcpphase: {sum(summaries.values())} for {len(raised)} ids "
          f"({len(experts)} ids can raise one)")
    for s, n in sorted(summaries.items()):
        print(f"  {n} x {by_summary.get(s, '(not a catalogue summary)')}: {s}")
    return 0 if all(n == 1 for n in summaries.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
