#!/usr/bin/python3
"""sharkd's setconf of each tcpphase preference takes effect (issue 17,
item 3): after setconf and a load, every frame shows in sharkd what
tshark -2 -o tcpphase.two_pass:TRUE -o <preference>:<value> shows (the
GUI's view of the whole capture, as tests/order.py compares without
preferences). Each row sets one preference away from its default, on a
capture where that changes something (checked too: the value differs from
the default's view, but for the two Info-column preferences, which change no
field).

  sharkd_prefs.py --build BUILD"""
import argparse
import os
import sys

import fields
import tplib
import views

# (preference, value, sample capture, changes a field)
PREFERENCES = [
    ("info_column", "FALSE", "normal-client-close.pcap", False),
    ("info_ladder", "TRUE", "normal-client-close.pcap", False),
    ("two_pass", "TRUE", "normal-client-close.pcap", False),
    ("tfo_normal", "FALSE", "anomaly-syn-data-ignored.pcap", True),
    ("handshake_timeout", "1", "slow-connect.pcapng", True),
    ("time_wait", "1", "anomaly-time-wait-assassination.pcap", True),
    ("slow_handshake", "100000", "slow-connect.pcapng", True),
    ("show_notes", "FALSE", "syn-unanswered.pcap", True),
    ("language", "zh", "normal-client-close.pcap", True),
]


def tshark_view(sandbox, capture, options, names, value_names):
    rows = views.tshark_rows(sandbox, capture, True, views.TWO_PASS + options)
    return {rows.number(r): rows.pairs(r, names, value_names) for r in rows.frames}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    opts = ap.parse_args()
    checks = tplib.Checks()
    with tplib.Sandbox(opts.build) as sandbox:
        value_names = sandbox.value_names()
        for pref, value, name, changes in PREFERENCES:
            capture = os.path.join(tplib.SAMPLES, name)
            view = views.CaptureViews(capture)
            view.rows["one"] = views.tshark_rows(sandbox, capture, False, [])
            views.sharkd_batch(sandbox, [view], backward=False, setconf=[("tcpphase." + pref, value)])
            if view.error:
                checks.expect(False, f"{pref}={value}: {view.error}")
                continue
            names = sorted({n for pairs in view.forward.values() for n, _ in pairs} |
                           {n for n in views.tcpphase_fields(sandbox) if n not in fields.hidden()})
            want = tshark_view(sandbox, capture, ["-o", f"tcpphase.{pref}:{value}"], names, value_names)
            default = tshark_view(sandbox, capture, [], names, value_names)
            differ = [n for n in view.forward if view.forward[n] != want.get(n, [])]
            checks.expect(not differ, f"{pref}={value} on {name}: sharkd after setconf shows what tshark -o shows"
                          + (f" (frame {differ[0]}: {view.forward[differ[0]]} != {want.get(differ[0])})"
                             if differ else ""))
            if changes:
                checks.expect(want != default, f"{pref}={value} on {name}: the value changes what a frame shows")
    return checks.exit_status()


if __name__ == "__main__":
    sys.exit(main())
