#!/usr/bin/python3
"""tshark -2 without the preference two_pass, with a filter (issue 17):

  -Y   shows exactly the frames of the unfiltered -2 run its display filter
       matches, each saying the same (the tracker runs in the second pass,
       on every frame, as in one-pass);
  -R   is the deliberate exception: the read filter drops frames in the
       first pass, and the second pass (the only one with the TCP header
       without two_pass) never sees them, so tcpphase describes the capture
       made of the kept frames alone. What it says equals one-pass tshark on
       that capture (written by tshark -Y with the same filter and -w), every field, frame links
       included (both number the kept frames 1..n); with two_pass,
       tests/order.py checks that -2 -R says what the unfiltered -2 says.

A few captures, chosen so that the read filter drops segments the tracker
needs (handshake ACKs, data, the last ACK); the -2 two_pass and one-pass
filtered views of every capture are in tests/order.py.

  filters.py --build BUILD"""
import argparse
import os
import sys

import order
import tplib
import views

CAPTURES = [os.path.join(tplib.SAMPLES, name) for name in (
    "normal-client-close.pcap", "rst-after-fin.pcap", "rst-abort.pcap", "port-reuse.pcap",
    "anomaly-time-wait-assassination.pcap", "handshake-reordered.pcap", "simultaneous-close.pcap",
    "half-close.pcap")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    opts = ap.parse_args()
    checks = tplib.Checks()
    with tplib.Sandbox(opts.build) as sandbox:
        value_names = sandbox.value_names()
        names = [f for f in views.tcpphase_fields(sandbox)]
        unlinked = [n for n in names if n not in order.FRAME_LINKS]
        exceptions = []  # captures where a kept frame says otherwise than in the unfiltered -2
        for capture in CAPTURES:
            name = os.path.basename(capture)
            whole = views.tshark_rows(sandbox, capture, True, [])
            shown = views.tshark_rows(sandbox, capture, True, ["-Y", views.DISPLAY_FILTER])
            want = {whole.number(r): whole.pairs(r, names, value_names) for r in whole.frames
                    if views.display_filter_passes(r, value_names)}
            got = {shown.number(r): shown.pairs(r, names, value_names) for r in shown.frames}
            differ = [n for n in sorted(set(want) | set(got)) if want.get(n) != got.get(n)]
            checks.expect(want and not differ,
                          f"{name}: tshark -2 -Y shows the {len(want)} frames its filter matches in -2, "
                          "each as without -Y"
                          + (f" (frame {differ[0]}: {got.get(differ[0])} != {want.get(differ[0])})" if differ else ""))

            kept = os.path.join(sandbox.home, "kept-" + name)
            options = tplib.CAPTURE_OPTIONS.get(name, [])
            sandbox.run(["tshark", "-n", "-r", sandbox.stage(capture), "-Y", views.READ_FILTER, "-w", kept]
                        + options)
            filtered = views.tshark_rows(sandbox, capture, True, ["-R", views.READ_FILTER])
            alone = views.Rows(filtered.fields, sandbox.run(
                ["tshark", "-n", "-r", kept] + options + tshark_field_args(filtered.fields)).stdout)
            want = [alone.pairs(r, names, value_names) for r in alone.frames]
            got = [filtered.pairs(r, names, value_names) for r in filtered.frames]
            differ = [i for i in range(max(len(want), len(got)))
                      if i >= len(want) or i >= len(got) or want[i] != got[i]]
            dropped = len(whole.frames) - len(filtered.frames)
            checks.expect(got and dropped > 0 and not differ,
                          f"{name}: tshark -2 -R without two_pass ({dropped} frames dropped) says of each kept frame "
                          "what one-pass tshark says of the capture of the kept frames alone"
                          + (f" (kept frame {differ[0] + 1}: {got[differ[0]] if differ[0] < len(got) else None}"
                             f" != {want[differ[0]] if differ[0] < len(want) else None})" if differ else ""))
            passes = [r for r in whole.frames
                      if any(int(v, 16) & views.READ_FILTER_FLAGS for v in r.get("tcp.flags", []))]
            if [whole.pairs(r, unlinked, value_names) for r in passes] != \
                    [filtered.pairs(r, unlinked, value_names) for r in filtered.frames]:
                exceptions.append(name)
        # The exception is real (else tests/order.py's -R check would cover it).
        checks.expect(exceptions, f"tshark -2 -R without two_pass says otherwise than -2 of a kept frame on "
                      f"{len(exceptions)} of {len(CAPTURES)} captures: {exceptions}")
    return checks.exit_status()


def tshark_field_args(fields):
    args = ["-T", "fields", "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=" + views.AGGREGATOR]
    for field in fields:
        args += ["-e", field]
    return args


if __name__ == "__main__":
    sys.exit(main())
