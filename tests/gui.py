#!/usr/bin/python3
"""The real Wireshark GUI loads the plugin: tools/gui-screenshots.sh runs it
under Xvfb on a sample capture, and OCR (tesseract) must find tcpphase's
text in each screenshot: the column values and subtree, the expert infos, the
statistics tree, the connection table (Statistics menu), the ladder window
and the selected packet's connection filter (Tools menu), the Flow Graph,
and a frame after the GUI dissected the capture again (a preference change).

  gui.py --build BUILD"""
import argparse
import os
import subprocess
import sys
import tempfile

import tplib

EXPECTED = {
    "gui-packets.png": ["Handshake 1/3: SYN", "Teardown 4/4", "TIME_WAIT", "TCP Connection Phase",
                        "syn_in_established", "History: ShADadSFf"],
    # the same frame after the GUI dissected the capture again twice (Tools →
    # English / 中文, a preference change): the same texts, the history that
    # needs the whole capture included
    "gui-redissected.png": ["Handshake 1/3: SYN", "Teardown 4/4", "TIME_WAIT", "TCP Connection Phase",
                            "syn_in_established", "History: ShADadSFf"],
    "gui-expert.png": ["SYN on a synchronized connection", "Challenge ACK"],
    "gui-stats.png": ["Segments by phase", "Connections by outcome", "Handshake 2/3: SYN-ACK"],
    "gui-conntable.png": ["10.0.0.1:40110", "ShADadSFf", "client", "First frame", "Start", "0.000000"],
    "gui-ladder.png": ["Connection 1: client 10.0.0.1:40110", "SYN_RECEIVED", "FIN_WAIT_2", "TIME_WAIT"],
    # Statistics → Flow Graph, flow type TCP Connection Phase, on loopback:
    # the two ends are two nodes, the comments the transitions with their
    # reasons (the arrows' small labels over coloured rows defeat OCR; the
    # same items' labels are in tests/golden/flow/)
    "gui-flowgraph.png": ["127.0.0.1:45882", "127.0.0.1:18083", "client CLOSED", "SYN_SENT (sent SYN)",
                          "LAST_ACK"],
    # the filter the Tools entry applied, from the selected packet's connection
    # (OCR reads the 1 on the filter bar's green as anything)
    "gui-conn-filter.png": ["tcpphase.conn ==", "Displayed: 13"],
}


def ocr(png, workdir):
    """Text of a screenshot: grey, doubled, normalised first (coloured rows defeat OCR)."""
    big = os.path.join(workdir, "ocr-" + os.path.basename(png))
    subprocess.run(["/usr/bin/convert", png, "-colorspace", "Gray", "-resize", "200%", "-normalize", big], check=True)
    # two readings, tesseract's automatic page layout and a single block of
    # text: versions differ in which of them reads a wide table
    out = "".join(subprocess.run(["tesseract", big, "-"] + psm, capture_output=True, text=True, check=True).stdout
                  for psm in ([], ["--psm", "6"]))
    return normal(out)


def normal(text):
    """OCR drops or invents spaces and reads "_" as a space now and then:
    compare without either."""
    return "".join(text.replace("_", "").split())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.parse_args()
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)
        run = subprocess.run([os.path.join(tplib.ROOT, "tools", "gui-screenshots.sh"), "", tmp],
                             capture_output=True, text=True, timeout=600)
        if run.returncode != 0:
            print(run.stdout, run.stderr)
            print("FAIL the GUI screenshot script")
            return 1
        for png, texts in EXPECTED.items():
            text = ocr(os.path.join(tmp, png), tmp)
            for want in texts:
                ok = normal(want) in text
                print(("ok   " if ok else "FAIL ") + f"{png} shows {want!r}")
                if not ok:
                    failures.append(want)
                    print("     OCR read:", text[:400])
        # Wireshark 4.6's statistics-tree dialog opens in the order the tree
        # asks for (by name, ascending: steps in the order of a connection's
        # life); 4.0 and 4.4 open every tree by name descending (README).
        version = subprocess.run(["tshark", "--version"], capture_output=True, text=True).stdout.split()[2]
        if tuple(int(x) for x in version.split(".")[:2]) >= (4, 6):
            text = ocr(os.path.join(tmp, "gui-stats.png"), tmp)
            order = [text.find(normal(row)) for row in
                     ("Handshake 1/3: SYN", "Handshake 3/3: ACK", "Teardown 1/4: FIN", "Teardown 4/4: ACK")]
            ok = -1 not in order and order == sorted(order)
            print(("ok   " if ok else "FAIL ") + f"gui-stats.png opens with the steps in life order ({order})")
            if not ok:
                failures.append("statistics tree order")
    print(f"{len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
