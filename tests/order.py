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
     the server's state and transition may differ on a connection the whole
     capture finds refused or unanswered (HINDSIGHT fields: REJ, S0, RSTOS0,
     SH, or a server without a word in the history);
     every other field must be there, equal; so must every anomaly but the
     catalogue's LATER ones, which need the whole capture; tshark may show
     REVISED ones that the whole capture withdraws;
  4. with the preference two_pass, tshark -2 shows exactly what sharkd shows,
     and one-pass tshark what it shows without it;
  5. tshark -2 -R (two_pass) says of each frame its read filter keeps what
     the unfiltered -2 says of it (links to frames aside: -R numbers anew);
  6. tshark -Y shows exactly the frames of the unfiltered run its display
     filter matches, each with the same fields: one-pass (where a filter on
     tcpphase's fields selects by what is known at that frame) and -2 with
     two_pass (by what the whole capture tells);
  7. sharkd says the same of every frame after a setconf and back and a
     second tap pass over the loaded file (every frame dissected again),
     asked for in a seeded random order, as first to last.

  order.py --build BUILD CAPTURE..."""
import argparse
import os
import sys

import catalogue
import fields
import golden
import tplib
import views

# Fields whose value can depend on frames after the one shown: LATER in the
# field table (plugin/fields.h).
LOOKAHEAD = fields.lookahead()


# Fields the whole capture may correct (a refused or unanswered SYN's server
# state, tp_hindsight_states): they may differ between tshark and sharkd on
# the frames of a connection sharkd calls REJ, S0, RSTOS0 or SH, and only there.
HINDSIGHT = fields.hindsight()
HINDSIGHT_OUTCOMES = ("REJ", "S0", "RSTOS0", "SH")  # refused, or no word from the server


def hindsight_corrected(full):
    """Whether the whole capture may correct the HINDSIGHT fields of a frame
    whose (field, value) pairs it gives as |full|: its connection was refused
    or had no word from the server (tp_hindsight_states), as its outcome
    says, or, for a silent server whose outcome is another (OTH: SYN, FIN
    and RST from the client alone), its history: no lower-case (server)
    letter."""
    return any((name == "tcpphase.outcome" and value.startswith(HINDSIGHT_OUTCOMES))
               or (name == "tcpphase.history" and value and not any(ch.islower() for ch in value))
               for name, value in full)

# Fields that name other frames by number: tshark -2 -R numbers anew.
FRAME_LINKS = {f["filter"] for f in fields.load() if f["type"] == "FT_FRAMENUM"}

LATER_ANOMALIES = {a["id"] for a in catalogue.load() if a["when"] == "LATER"}
# Anomalies one-pass tshark may show that the whole capture withdraws.
REVISED_ANOMALIES = {a["id"] for a in catalogue.load() if a["when"] == "REVISED"}


def one_pass_differences(seen, full):
    """(extra, missing): the (field, value) pairs one-pass tshark shows of a
    frame that the whole capture does not say of it, and those the whole
    capture says that one-pass tshark lacks, leaving out what one pass may
    not know yet (LOOKAHEAD fields, LATER anomalies), what the whole capture
    may withdraw (REVISED anomalies) or correct (HINDSIGHT fields on a
    connection it finds refused or unanswered: hindsight_corrected). Also used by
    tests/fuzz/mutate.py."""
    corrected = hindsight_corrected(full)
    extra = [p for p in seen if p not in full
             and not (p[0] == "tcpphase.anomaly" and p[1] in REVISED_ANOMALIES)
             and not (corrected and p[0] in HINDSIGHT)]
    missing = [p for p in full if p not in seen and p[0] not in LOOKAHEAD
               and not (p[0] == "tcpphase.anomaly" and p[1] in LATER_ANOMALIES)
               and not (corrected and p[0] in HINDSIGHT)]
    return extra, missing


def sharkd_view(sandbox, capture, frames):
    """{frame: sorted (field, value) pairs} of |frames| as sharkd shows them
    after an expert tap pass, asked for in the order given."""
    v = views.CaptureViews(capture, frames)
    views.sharkd_batch(sandbox, [v], backward=False)
    if v.error:
        raise RuntimeError(v.error)
    return v.forward


def check(sandbox, view):
    """Problems of one capture (views.CaptureViews with every configuration
    and both sharkd orders)."""
    problems = []
    one = golden.table_of(sandbox, view.rows["one"])
    if golden.table_of(sandbox, view.rows["two"]) != one:
        problems.append("tshark one-pass and -2 differ")

    frames = view.frame_numbers()
    forward, backward = view.forward, view.backward
    for n in frames:
        if forward[n] != backward[n]:
            problems.append(f"frame {n}: sharkd forward {forward[n]} != backward {backward[n]}")
    if view.redissected is not None:
        for n in frames:
            if forward[n] != view.redissected[n]:
                problems.append(f"frame {n}: sharkd after setconf and a second tap pass, random order "
                                f"(TCPPHASE_ORDER_SEED={views.ORDER_SEED}, frame {view.shuffled.index(n) + 1} "
                                f"asked) {view.redissected[n]} != first to last {forward[n]}")

    names = sorted({name for pairs in forward.values() for name, _ in pairs})
    if names:
        value_names = sandbox.value_names()

        def tshark_view(key):
            rows = view.rows[key]
            return {rows.number(r): rows.pairs(r, names, value_names) for r in rows.frames}

        problems += one_pass_problems(forward, tshark_view("one"), frames)
        # With the two_pass preference, tshark -2 knows the whole capture too.
        full_two_pass = tshark_view("two_tp")
        for n in frames:
            if full_two_pass.get(n, []) != forward[n]:
                problems.append(f"frame {n}: tshark -2 with two_pass {full_two_pass.get(n)} != sharkd {forward[n]}")
        if golden.table_of(sandbox, view.rows["one_tp"]) != one:
            problems.append("the two_pass preference changes one-pass tshark")
        problems += read_filter_problems(view, names, value_names)
        problems += display_filter_problems(view, names, value_names)
    return problems


def display_filter_problems(view, names, value_names):
    """tshark -Y shows the frames of the unfiltered run of the same
    configuration that its filter matches (frame numbers kept), each saying
    the same. The filter is judged on the unfiltered run's values: in
    one-pass, what was known at that frame."""
    problems = []
    for key, whole_key in (("one_display_filter", "one"), ("two_tp_display_filter", "two_tp")):
        if key not in view.rows:
            continue
        whole, filtered = view.rows[whole_key], view.rows[key]
        want = {whole.number(r): whole.pairs(r, names, value_names) for r in whole.frames
                if views.display_filter_passes(r, value_names)}
        got = {filtered.number(r): filtered.pairs(r, names, value_names) for r in filtered.frames}
        what = f"tshark {'-2 two_pass ' if whole_key == 'two_tp' else ''}-Y"
        if sorted(want) != sorted(got):
            problems.append(f"{what}: shows frames {sorted(got)[:20]}, its filter matches {sorted(want)[:20]} "
                            "of the unfiltered run")
        for n in sorted(set(want) & set(got)):
            if want[n] != got[n]:
                problems.append(f"{what}: frame {n} says {got[n]}, without -Y {want[n]}")
                break
    return problems


def one_pass_problems(full_view, tshark, frames):
    """One-pass tshark's {frame: pairs} against sharkd's (the whole
    capture): every field and anomaly must be there, equal, but for the
    deliberate exceptions (LOOKAHEAD fields and LATER anomalies may be
    missing, REVISED anomalies extra, HINDSIGHT fields differ on a
    connection the whole capture finds refused or unanswered:
    one_pass_differences)."""
    problems = []
    for n in frames:
        extra, missing = one_pass_differences(tshark.get(n, []), full_view[n])
        if extra or missing:
            problems.append(f"frame {n}: tshark has {extra} not in sharkd, lacks {missing}")
    return problems


def read_filter_problems(view, names, value_names):
    """tshark -2 -R keeps some frames and numbers them anew: each must say
    what the same frame says in the unfiltered -2 run, links to other
    frames aside (they name frames by number)."""
    if "two_tp_read_filter" not in view.rows:
        return []
    kept_names = [n for n in names if n not in FRAME_LINKS]
    whole, filtered = view.rows["two_tp"], view.rows["two_tp_read_filter"]

    def passes(row):
        return any(int(v, 16) & views.READ_FILTER_FLAGS for v in row.get("tcp.flags", []))

    want = [whole.pairs(r, kept_names, value_names) for r in whole.frames if passes(r)]
    got = [filtered.pairs(r, kept_names, value_names) for r in filtered.frames]
    if want == got:
        return []
    for i, (w, g) in enumerate(zip(want, got)):
        if w != g:
            return [f"tshark -2 -R: kept frame {i + 1} says {g}, the same frame without -R {w}"]
    return [f"tshark -2 -R kept {len(got)} frames, {len(want)} pass its filter"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("captures", nargs="+")
    opts = ap.parse_args()
    failed = 0
    with tplib.Sandbox(opts.build) as sandbox:
        for view in views.read(sandbox, opts.captures):
            problems = [view.error] if view.error else check(sandbox, view)
            name = os.path.basename(view.capture)
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
