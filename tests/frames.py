#!/usr/bin/python3
"""The per-capture tests in one process for many captures: each capture is
read the four tshark ways and through one sharkd session shared by all
(tests/views.py), then checked by

  golden     one-pass tshark equals tests/golden/<capture>.tsv (golden.py)
  conns      its -z tcpphase,conns,tsv report equals tests/golden/conns/<capture>.tsv, and
             one-pass conns, tree and conntable reports equal tshark -2's
  order      every way of reading it agrees (order.py)
  streams    tcpphase.conn and Wireshark's tcp.stream agree (streams.py)
  oracle     a shared capture agrees with its project's verdict (shared_oracles.py)
  anomalies  a sample capture raises what it must and no near miss (anomalies.py)

Prints one line per capture and check, "ok   <check> <capture>" or
"FAIL <check> <capture>" followed by what differs.

  frames.py --build BUILD CAPTURE..."""
import argparse
import os
import sys

import anomalies
import golden
import order
import shared_oracles
import streams
import tplib
import views


def checks_of(capture):
    """(name, function(sandbox, view) -> problems) that apply to |capture|."""
    name = os.path.basename(capture)
    checks = [("golden", golden.check), ("conns", golden.check_conns), ("order", order.check),
              ("streams", streams.check)]
    if os.path.dirname(os.path.abspath(capture)) == tplib.SHARED and name in shared_oracles.ORACLES:
        checks.append(("oracle", shared_oracles.check))
    if os.path.dirname(os.path.abspath(capture)) == tplib.SAMPLES and name in anomalies.CAPTURES:
        checks.append(("anomalies", anomalies.check))
    if os.path.dirname(os.path.abspath(capture)) == tplib.SHARED and name in anomalies.SHARED_CAPTURES:
        checks.append(("anomalies", anomalies.check))
    return checks


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", required=True, help="CMake build directory")
    ap.add_argument("captures", nargs="+")
    opts = ap.parse_args()

    failed = passed = 0
    print(f"sharkd's random order: TCPPHASE_ORDER_SEED={views.ORDER_SEED} repeats it")
    with tplib.Sandbox(opts.build) as sandbox:
        for view in views.read(sandbox, opts.captures):
            name = os.path.basename(view.capture)
            for check, function in checks_of(view.capture):
                try:
                    problems = [view.error] if view.error else function(sandbox, view)
                except Exception as e:  # one capture's broken view must not hide the others' results
                    problems = [f"{type(e).__name__}: {e}"]
                if problems:
                    failed += 1
                    print(f"FAIL {check} {name}")
                    for p in problems[:20]:
                        print("    " + p.rstrip("\n").replace("\n", "\n    "))
                    if len(problems) > 20:
                        print(f"    ... and {len(problems) - 20} more")
                else:
                    passed += 1
                    print(f"ok   {check} {name}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
