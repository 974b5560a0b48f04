#!/usr/bin/python3
"""Every tcpphase preference, set away from its default (numbers also to 0),
reads the same in sharkd as in tshark -o (issue 17, item 3, and the
invariant suite): in one sharkd session, each setting is made by setconf,
each of its captures loaded and every frame read (fields and the Info
column), and the preference set back to its default. For each setting and
capture:

  - sharkd shows what tshark -2 -o tcpphase.two_pass:TRUE -o <pref>:<value>
    shows (the GUI's view of the whole capture), fields and Info column;
  - one-pass tshark -o <pref>:<value> shows what sharkd shows but for the
    deliberate exceptions of tests/order.py (look-ahead fields, LATER and
    REVISED anomalies, hindsight states), and the same Info column;
  - the setting changes something on one of its captures (a field; for the
    two Info-column preferences, the Info column).
The preferences come from the plugin (tshark -G defaultprefs): one without a
setting here fails the test. After the settings, every capture read again
with the defaults shows what it showed first (nothing stays behind a
setconf and back).

sharkd's setconf (4.0) only sets the value: no prefs-applied callback and
no re-dissection; tcpphase copies its preferences when a file is loaded,
so each setting is followed by a load, as the GUI re-reads a file after a
preference changes.

  sharkd_prefs.py --build BUILD"""
import argparse
import os
import re
import sys

import fields
import order
import tplib
import views

INFO_ONLY = {"info_column", "info_ladder"}  # change the Info column, no field
# Changes nothing sharkd shows (it has the whole capture after its tap pass
# anyway): what it changes, tshark -2, is checked by tests/order.py.
SHARKD_UNCHANGED = {"two_pass"}

# (preference, value, sample captures where it changes something)
SETTINGS = [
    ("info_column", "FALSE", ["normal-client-close.pcap", "refused.pcap"]),
    ("info_ladder", "TRUE", ["normal-client-close.pcap", "refused.pcap"]),
    ("two_pass", "TRUE", ["normal-client-close.pcap", "syn-unanswered.pcap"]),
    ("tfo_normal", "FALSE", ["anomaly-syn-data-ignored.pcap", "tfo.pcap"]),
    ("handshake_timeout", "1", ["slow-connect.pcapng", "syn-unanswered.pcap"]),
    ("handshake_timeout", "0", ["slow-connect.pcapng", "syn-unanswered.pcap"]),
    ("time_wait", "1", ["anomaly-time-wait-assassination.pcap", "port-reuse.pcap"]),
    ("time_wait", "0", ["anomaly-time-wait-assassination.pcap", "port-reuse.pcap"]),
    ("slow_handshake", "100000", ["slow-connect.pcapng", "anomaly-slow-handshake.pcap"]),
    ("slow_handshake", "0", ["normal-client-close.pcap", "slow-connect.pcapng"]),
    ("show_notes", "FALSE", ["syn-unanswered.pcap", "half-close.pcap"]),
    ("language", "zh", ["normal-client-close.pcap", "refused.pcap"]),
]
INFO = "_ws.col.Info"

# What Wireshark's own dissectors add to the Info column from later frames,
# which one-pass tshark cannot know yet (4.4 and 4.6 name the frame a PDU is
# reassembled in): not tcpphase's text, left out of the one-pass comparison.
WIRESHARK_LOOKAHEAD = re.compile(r" ?\[(TCP )?PDU reassembled in \d+\]")


def wireshark_now(info):
    """|info| without Wireshark's own look-ahead notes."""
    return WIRESHARK_LOOKAHEAD.sub("", info) if info is not None else None


def defaults(sandbox):
    """{preference: default value} of tcpphase's preferences (tshark -G defaultprefs)."""
    out = {}
    for line in sandbox.glossary("defaultprefs", keep=lambda line: line.startswith("#tcpphase.")).splitlines():
        name, value = line[len("#tcpphase."):].split(":", 1)
        out[name] = value.strip()
    return out


class Reading:
    """sharkd's reading of one capture under one setting: .fields {frame:
    pairs}, .info {frame: Info column}."""

    def __init__(self, capture, frames):
        self.capture, self.frames = capture, frames
        self.fields, self.info = {}, {}


def sharkd_session(sandbox, steps):
    """Runs |steps| (("setconf", name, value) or ("read", Reading)) in one
    sharkd; returns an error text or None."""
    requests, reads = [], []
    for step in steps:
        if step[0] == "setconf":
            requests.append({"method": "setconf", "params": {"name": step[1], "value": step[2]}})
            continue
        reading = step[1]
        start = len(requests)
        requests += [{"method": "load", "params": {"file": sandbox.stage(reading.capture)}},
                     {"method": "tap", "params": {"tap0": "expert"}}]
        requests += [{"method": "frame", "params": {"frame": n, "proto": True, "columns": True}}
                     for n in reading.frames]
        reads.append((reading, start))
    replies, proc = views.sharkd_session(sandbox, requests)
    for i, request in enumerate(requests):
        if i + 1 not in replies or "error" in replies[i + 1]:
            return f"sharkd: {request} failed: {replies.get(i + 1)} (sharkd exit {proc.returncode})"
    names = sandbox.value_names()
    for reading, start in reads:
        for k, n in enumerate(reading.frames):
            result = replies[start + 3 + k]["result"]
            reading.fields[n] = sorted(views.sharkd_fields(result.get("tree", []), names, []))
            reading.info[n] = result.get("col", [""])[-1]
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    opts = ap.parse_args()
    checks = tplib.Checks()
    with tplib.Sandbox(opts.build) as sandbox:
        value_names = sandbox.value_names()
        default = defaults(sandbox)
        unset = sorted(set(default) - {pref for pref, _, _ in SETTINGS})
        checks.expect(not unset, f"every tcpphase preference has a setting here (missing: {unset})")
        names = sorted(n for n in views.tcpphase_fields(sandbox) if n not in fields.hidden())

        def tshark(capture, two_pass, options):
            rows = views.tshark_rows(sandbox, capture, two_pass, (views.TWO_PASS if two_pass else []) + options,
                                     [INFO])
            return ({rows.number(r): rows.pairs(r, names, value_names) for r in rows.frames},
                    {rows.number(r): "".join(r.get(INFO, [])) for r in rows.frames})

        captures = sorted({c for _, _, cs in SETTINGS for c in cs})
        frames = {}
        runs = []  # (pref, value, capture, tshark -2 two_pass -o, one-pass tshark -o, Reading)
        for pref, value, names_of_captures in SETTINGS:
            option = ["-o", f"tcpphase.{pref}:{value}"]
            for name in names_of_captures:
                capture = os.path.join(tplib.SAMPLES, name)
                whole, one = tshark(capture, True, option), tshark(capture, False, option)
                frames[name] = sorted(whole[0])
                runs.append((pref, value, name, whole, one, Reading(capture, frames[name])))

        first = {name: Reading(os.path.join(tplib.SAMPLES, name), frames[name]) for name in captures}
        again = {name: Reading(os.path.join(tplib.SAMPLES, name), frames[name]) for name in captures}
        steps = [("read", first[name]) for name in captures]
        at = 0
        for pref, value, names_of_captures in SETTINGS:
            steps.append(("setconf", "tcpphase." + pref, value))
            steps += [("read", runs[at + k][5]) for k in range(len(names_of_captures))]
            at += len(names_of_captures)
            steps.append(("setconf", "tcpphase." + pref, default.get(pref, "")))
        steps += [("read", again[name]) for name in captures]
        error = sharkd_session(sandbox, steps)
        if error:
            checks.expect(False, error)
            return checks.exit_status()

        changed = {}
        for pref, value, name, (whole, whole_info), (one, one_info), got in runs:
            what = f"{pref}={value} on {name}"
            differ = [n for n in got.frames if got.fields[n] != whole.get(n, [])]
            checks.expect(not differ, f"{what}: sharkd after setconf shows what tshark -2 two_pass -o shows"
                          + (f" (frame {differ[0]}: {got.fields[differ[0]]} != {whole.get(differ[0])})"
                             if differ else ""))
            differ = [n for n in got.frames if got.info[n] != whole_info.get(n)]
            checks.expect(not differ, f"{what}: sharkd's Info column is tshark -2 two_pass -o's"
                          + (f" (frame {differ[0]}: {got.info[differ[0]]!r} != {whole_info.get(differ[0])!r})"
                             if differ else ""))
            problems = order.one_pass_problems(got.fields, one, got.frames)
            checks.expect(not problems, f"{what}: one-pass tshark -o shows what sharkd shows but for the "
                          "look-ahead fields and the whole-capture anomalies" + (f" ({problems[0]})" if problems else ""))
            # The ladder Info names the server's transition, a HINDSIGHT field:
            # on a connection the whole capture finds refused or unanswered,
            # one-pass tshark may name another (tests/order.py's exception).
            corrected = {n for n in got.frames
                         if any(f == "tcpphase.outcome" and v.startswith(order.HINDSIGHT_OUTCOMES)
                                for f, v in got.fields[n])}
            differ = [n for n in got.frames if wireshark_now(got.info[n]) != wireshark_now(one_info.get(n))
                      and not (pref == "info_ladder" and n in corrected)]
            checks.expect(not differ, f"{what}: one-pass tshark -o's Info column is sharkd's"
                          + (f" (frame {differ[0]}: {one_info.get(differ[0])!r} != {got.info[differ[0]]!r})"
                             if differ else ""))
            base = first[name]
            if pref not in SHARKD_UNCHANGED:
                changed[pref] = changed.get(pref, False) or (
                    got.info != base.info if pref in INFO_ONLY else got.fields != base.fields)
        # 0 turns handshake_timeout, time_wait and slow_handshake off: it need
        # not change a capture the default leaves alone, so per preference.
        for pref, did in changed.items():
            checks.expect(did, f"{pref}: a setting changes what a frame shows in sharkd ("
                          + ("its Info column" if pref in INFO_ONLY else "a field") + ") on one of its captures")
        for name in captures:
            checks.expect(again[name].fields == first[name].fields and again[name].info == first[name].info,
                          f"{name}: read again with the defaults after every setconf and back, sharkd shows "
                          "what it showed first")
    return checks.exit_status()


if __name__ == "__main__":
    sys.exit(main())
