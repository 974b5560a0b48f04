#!/usr/bin/python3
"""valgrind memcheck over every sample capture (concatenated into one pcapng
by mergecap): tshark with the plugin, three ways (one pass with the tree and
the Info ladder; -2 with the tracker in pass 1; the statistics, report and
expert taps). Fails on any memcheck error (invalid read or write, use of
uninitialised memory, bad free, definitely lost memory) that the committed
suppressions (tests/valgrind.supp: Wireshark's own leaks only) do not cover.

  memcheck.py --build BUILD"""
import argparse
import glob
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import tplib

MODES = [
    ["-V", "-o", "tcpphase.info_ladder:TRUE"],
    ["-2", "-V", "-o", "tcpphase.two_pass:TRUE"],
    ["-q", "-z", "tcpphase,tree", "-z", "tcpphase,conns", "-z", "tcpphase,conntable", "-z", "expert"],
]


def describe(error):
    what = error.findtext("what") or error.findtext("xwhat/text") or error.findtext("kind")
    frames = []
    for f in error.find("stack").findall("frame")[:12]:
        frames.append(f"{f.findtext('fn') or '?'} ({os.path.basename(f.findtext('obj') or '?')})")
    return what + "\n      " + "\n      ".join(frames)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", required=True)
    args = parser.parse_args()
    checks = tplib.Checks()
    with tplib.Sandbox(args.build) as sandbox:
        merged = os.path.join(sandbox.dir, "samples.pcapng")
        captures = sorted(glob.glob(os.path.join(tplib.SAMPLES, "*.pcap*")))
        subprocess.run(["mergecap", "-a", "-F", "pcapng", "-w", merged] + captures, check=True)
        os.chmod(merged, 0o644)
        supp = sandbox.stage(os.path.join(tplib.ROOT, "tests", "valgrind.supp"))
        for n, mode in enumerate(MODES):
            xml = os.path.join(sandbox.home, f"memcheck-{n}.xml")
            argv = ["env", "G_SLICE=always-malloc", "WIRESHARK_DEBUG_WMEM_OVERRIDE=simple",
                    "valgrind", "--tool=memcheck", "--keep-debuginfo=yes", "--leak-check=full",
                    "--show-leak-kinds=definite", "--errors-for-leak-kinds=definite",
                    f"--suppressions={supp}", "--num-callers=40", "--xml=yes", f"--xml-file={xml}",
                    "tshark", "-n", "-r", merged] + mode
            proc = sandbox.run(argv, check=False)
            root = ET.parse(xml).getroot()
            errors = root.findall("error")
            suppressed = sum(int(s.findtext("count")) for s in root.findall("suppcounts/pair"))
            ran = proc.returncode == 0 and ("TCP Connection Phase" in proc.stdout or "TCPPHASE" in proc.stdout)
            checks.expect(ran, f"tshark {' '.join(mode)} under valgrind ran and showed tcpphase's output")
            checks.expect(not errors, f"tshark {' '.join(mode)}: {len(errors)} memcheck errors "
                                      f"({suppressed} of Wireshark's own suppressed)")
            for e in errors:
                print("   ", describe(e))
    return checks.exit_status()


if __name__ == "__main__":
    sys.exit(main())
