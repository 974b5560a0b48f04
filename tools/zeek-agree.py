#!/usr/bin/python3
"""How far tcpphase's outcome and history agree with Zeek's own regression
baselines (the conn.log files of Zeek's btest suite).

  zeek-agree.py collect MIRROR_GIT_DIR OUTDIR
      From a bare git clone of github.com/zeek/zeek, takes every btest whose
      baseline holds a conn.log (or a zeek-cut of one with the 4-tuple and the
      history) and whose test runs `zeek -r $TRACES/<trace>` exactly once, and
      writes the traces, the baselines and OUTDIR/manifest.tsv.
  zeek-agree.py compare --build BUILD OUTDIR [--examples N] [--list]
      Runs `tshark -q -z tcpphase,conns,tsv` on each trace with the plugin of
      BUILD (copied at start, run as uid 65534 when root), matches every TCP
      line of each baseline to a tcpphase connection and prints the agreement
      and the disagreements grouped by kind.

The manifest has one line per test: test, trace (relative to OUTDIR),
baseline (relative to OUTDIR), flags (C: the test ran zeek -C, so Zeek kept
segments with bad checksums; b: bare mode, so only the analyzers the test
loads register their ports as likely server ports), skip (why the test is not compared, or empty)."""
import argparse
import collections
import csv
import io
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests"))
import tplib  # noqa: E402  (the sandbox that runs tshark with a copy of the plugin)

MAX_TRACE = 20 * 1024 * 1024
BTEST = "testing/btest/"
MANIFEST_FIELDS = ["test", "trace", "baseline", "flags", "skip"]

# Words in a test's scripts or command line that change which connections Zeek
# makes or how it ends them: such tests measure something else than plain
# Zeek and are not compared. A reason found first wins.
ALTERS_SEMANTICS = [
    (r"tcp_(attempt|close|reset|partial_close)_delay|tcp_inactivity_timeout|tcp_SYN_timeout"
     r"|tcp_session_timer|tcp_max_|tcp_storm|tcp_excessive", "redefines a TCP timer or limit"),
    (r"\$conn\$conn_state|\$history\s*=|\$conn\$history", "rewrites conn_state or history"),
    (r"conn_key|ConnKey|vlan_fivetuple", "changes the connection key"),
    (r"(^|\s)-f\s|restricted_filter|PacketFilter::|pcap_filter|install_(src|dst)_|NetControl::",
     "filters packets"),
    (r"max_depth|Tunnel::max", "limits tunnel depth"),
    (r"skip_further_processing|set_record_packets|flip_roles|Conn::set_|GridFTP|size_threshold",
     "changes connection handling"),
]


# ---------------------------------------------------------------- collect

def git(gitdir, *args, binary=False):
    proc = subprocess.run(["git", "--git-dir", gitdir] + list(args), capture_output=True)
    if proc.returncode != 0:
        return None
    return proc.stdout if binary else proc.stdout.decode("utf-8", "replace")


def btest_files(gitdir):
    """{path: size} of every file under testing/btest at HEAD."""
    files = {}
    for line in git(gitdir, "ls-tree", "-r", "-l", "HEAD", BTEST).splitlines():
        meta, path = line.split("\t", 1)
        size = meta.split()[3]
        files[path] = int(size) if size.isdigit() else 0
    return files


def test_names(files):
    """{btest name: test file}: btest names a test by its path under
    testing/btest, extension dropped, '/' replaced by '.'."""
    names = collections.defaultdict(list)
    for path in files:
        if path.startswith((BTEST + "Baseline", BTEST + "Traces")):
            continue
        rel = path[len(BTEST):]
        names[re.sub(r"\.[^./]+$", "", rel).replace("/", ".")].append(path)
    return {name: paths[0] for name, paths in names.items() if len(paths) == 1}


def zeek_runs(source):
    """The @TEST-EXEC commands that run zeek on a trace: [(trace, command)]."""
    runs = []
    for line in source.splitlines():
        m = re.search(r"@TEST-EXEC(?:-FAIL)?:\s*(.*)", line)
        if not m or not re.search(r"(^|[\s|;(])zeek\s", m.group(1)):
            continue
        trace = re.search(r"\s-[A-Za-z]*r\s*\$\{?TRACES\}?/([^\s;|)]+)", m.group(1))
        if trace:
            runs.append((trace.group(1), m.group(1)))
    return runs


def skip_reason(source, command, baseline_text):
    if re.search(r"@TEST-START-NEXT", source):
        return "several tests in one file"
    body = "\n".join(l for l in source.splitlines() if not l.lstrip().startswith("#")) + "\n" + command
    for pattern, reason in ALTERS_SEMANTICS:
        if re.search(pattern, body):
            return reason
    header = baseline_header(baseline_text)
    if not header or "history" not in header:
        return "baseline has no history column"
    return ""


def collect(gitdir, outdir):
    files = btest_files(gitdir)
    names = test_names(files)
    manifest = []
    baselines = sorted(p for p in files if p.startswith(BTEST + "Baseline/")
                       and re.search(r"/conn\.(log|log\.cut|cut)$", p))
    for baseline in baselines:
        test = baseline.split("/")[3]
        row = {"test": test, "trace": "", "baseline": "", "flags": "", "skip": ""}
        manifest.append(row)
        if test not in names:
            row["skip"] = "no single test file of that name"
            continue
        runs = zeek_runs(git(gitdir, "show", "HEAD:" + names[test]) or "")
        if len(runs) != 1:
            row["skip"] = f"{len(runs)} zeek -r runs"
            continue
        trace, command = runs[0]
        trace_path = BTEST + "Traces/" + trace
        text = git(gitdir, "show", "HEAD:" + baseline) or ""
        row["skip"] = skip_reason(git(gitdir, "show", "HEAD:" + names[test]), command, text)
        row["trace"] = "traces/" + trace
        row["flags"] = "".join(flag for flag in "Cb" if re.search(r"(^|\s)-[a-zA-Z]*" + flag, command))
        if trace_path not in files:
            row["skip"] = row["skip"] or "trace not in the repository"
        elif files[trace_path] > MAX_TRACE:
            row["skip"] = row["skip"] or "trace over 20 MB"
        if row["skip"]:
            continue
        blob = git(gitdir, "show", "HEAD:" + trace_path, binary=True)
        if blob is None:
            row["skip"] = "trace blob absent from the mirror"
            continue
        write(os.path.join(outdir, row["trace"]), blob)
        row["baseline"] = "baselines/" + test + "/" + os.path.basename(baseline)
        write(os.path.join(outdir, row["baseline"]), text.encode())
    with open(os.path.join(outdir, "manifest.tsv"), "w") as f:
        out = csv.DictWriter(f, MANIFEST_FIELDS, delimiter="\t", lineterminator="\n")
        out.writeheader()
        out.writerows(manifest)
    used = [r for r in manifest if not r["skip"]]
    print(f"{len(manifest)} baselines, {len(used)} usable, {len(set(r['trace'] for r in used))} traces")
    for reason, n in collections.Counter(r["skip"] for r in manifest if r["skip"]).most_common():
        print(f"  skipped {n:4}  {reason}")


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


# ---------------------------------------------------------------- Zeek's side

def baseline_header(text):
    """Field names of a conn.log (#fields) or of a zeek-cut -m / btest-diff-cut
    -m output (its first line that is not a comment)."""
    for line in text.splitlines():
        if line.startswith("#fields"):
            return line.split("\t")[1:]
        if not line.startswith("#"):
            names = line.split("\t")
            return names if set(names) & {"uid", "history", "id.orig_h", "ts"} else None
    return None


TCP_LETTERS = re.compile(r"[SHAFRQIshafrqi]")  # UDP histories hold only D d C c ^


def zeek_rows(path):
    """The TCP lines of a baseline as dicts. A cut may lack proto (then the
    history's TCP letters tell), parts of the 4-tuple (None) and conn_state
    (None)."""
    text = open(path).read()
    header = baseline_header(text)
    rows = []
    body = [l for l in text.splitlines() if l.strip() and not l.startswith("#")]
    if not text.count("#fields"):
        body = body[1:]  # a cut's header line
    for line in body:
        row = dict(zip(header, line.split("\t")))
        proto = row.get("proto")
        history = row.get("history", "-")
        if proto != "tcp" and (proto is not None or not TCP_LETTERS.search(history)):
            continue
        rows.append({"orig": endpoint(row.get("id.orig_h"), row.get("id.orig_p")),
                     "resp": endpoint(row.get("id.resp_h"), row.get("id.resp_p")),
                     "ts": number(row.get("ts")), "duration": number(row.get("duration")),
                     "state": row.get("conn_state"), "history": history,
                     "tunnel": row.get("tunnel_parents", "-") not in ("-", "(empty)", "")})
    return rows


def number(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None  # missing or masked by btest's canonifier (XXXXXXXXXX.XXXXXX)


def endpoint(host, port):
    """(host, port), either None where the baseline left it out."""
    return (host.strip("[]").lower() if host else None, int(port) if port and port.isdigit() else None)


def full(ep):
    return None not in ep


# ---------------------------------------------------------------- tcpphase's side

def split_endpoint(text):
    host, port = text.rsplit(":", 1)
    return endpoint(host, port)


def tcpphase_rows(sandbox, trace, extra=()):
    out = sandbox.tshark(trace, list(extra) + ["-q", "-z", "tcpphase,conns,tsv"])
    rows = []
    for r in csv.DictReader(io.StringIO(out), delimiter="\t"):
        rows.append({"client": split_endpoint(r["client"]), "server": split_endpoint(r["server"]),
                     "ts": float(r["start"]), "duration": float(r["duration"]), "stream": r["stream"],
                     "frame": r["first_frame"], "state": r["outcome"], "history": r["history"],
                     "conn": r["conn"]})
    return rows


def bad_checksum_trace(sandbox, trace):
    """A copy of the trace without the frames whose IP or TCP checksum is
    wrong (which Zeek drops unless run with -C), or None if there are none."""
    keep = "!(ip.checksum.status == 0 || tcp.checksum.status == 0)"
    opts = ["-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE"]
    bad = sandbox.tshark(trace, opts + ["-Y", "!(" + keep + ")", "-T", "fields", "-e", "frame.number"])
    if not bad.split():
        return None
    copy = os.path.join(sandbox.home, os.path.basename(trace) + ".goodsums.pcapng")  # uid 65534 writes there
    sandbox.run(["tshark", "-n", "-r", sandbox.stage(trace)] + opts + ["-Y", keep, "-w", copy])
    return copy


# ---------------------------------------------------------------- matching

def pair_key(a, b):
    return tuple(sorted([a, b], key=str))


def fits(part, value):
    """Does a Zeek endpoint with parts left out (None) fit a tcpphase one?"""
    return all(p is None or p == v for p, v in zip(part, value))


def candidates_for(z, ours):
    """tcpphase connections on Zeek's address pair, either way round."""
    return [r for r in ours
            if (fits(z["orig"], r["client"]) and fits(z["resp"], r["server"]))
            or (fits(z["orig"], r["server"]) and fits(z["resp"], r["client"]))]


def match(zeek, ours):
    """[(zeek row, tcpphase row, None) or (zeek row, None, why)]: each Zeek
    line goes to a tcpphase connection of the same address pair, the nearest
    in start time (or, where the baseline masks timestamps, in duration),
    each used once. Where the baseline leaves out parts of the 4-tuple and
    several connections fit, with no time to choose by, it is not compared."""
    pairs = []
    for z in zeek:
        fitting = candidates_for(z, ours)
        free = [r for r in fitting if not r.get("used")]
        exact = full(z["orig"]) and full(z["resp"])
        if not free:
            pairs.append((z, None, "missing"))
            continue
        if z["ts"] is not None:
            best = min(free, key=lambda r: abs(r["ts"] - z["ts"]))
        elif z["duration"] is not None:
            best = min(free, key=lambda r: (abs(r["duration"] - z["duration"]), r["ts"]))
        elif exact or (len(fitting) == 1 and sum(fits(z2["orig"], fitting[0]["client"]) or
                                                 fits(z2["orig"], fitting[0]["server"]) for z2 in zeek) == 1):
            best = free[0]
        else:
            pairs.append((z, None, "ambiguous"))
            continue
        best["used"] = True
        pairs.append((z, best, None))
    return pairs


def fill(z, o):
    """Zeek's endpoints completed from the tcpphase connection it matched,
    orig being the end that fits Zeek's orig. Where both ends fit (a cut
    without the 4-tuple), orig is the end that sent the first segment unless
    Zeek flipped it (^), as tcpphase's own ^ tells for its client."""
    as_is = fits(z["orig"], o["client"]) and fits(z["resp"], o["server"])
    swapped = fits(z["orig"], o["server"]) and fits(z["resp"], o["client"])
    if as_is and swapped:
        as_is = ("^" in z["history"]) == ("^" in o["history"])
    if as_is:
        return dict(z, orig=o["client"], resp=o["server"])
    return dict(z, orig=o["server"], resp=o["client"])


# ---------------------------------------------------------------- classifying

LOG_LETTERS = "cgtwCGTW"  # recorded at the 1st, 10th, 100th... occurrence


def once_each(history, letters):
    """history with every repeat of the given letters dropped."""
    seen, out = set(), []
    for ch in history:
        if ch in letters and ch in seen:
            continue
        seen.add(ch)
        out.append(ch)
    return "".join(out)


def drop(history, letters):
    return "".join(ch for ch in history if ch not in letters)


def one_sided(history):
    """Zeek saw segments of one end only: it records gaps only while both
    ends are established (TCP_Reassembler::Gap)."""
    letters = drop(history, "^")
    return letters.isupper() or letters.islower()


def letter_diff(zeek, ours):
    """'+x' letters only Zeek has, '-y' only tcpphase has (multisets), or
    'order' when both hold the same letters in another order."""
    z, o = collections.Counter(zeek), collections.Counter(ours)
    plus = "".join(sorted((z - o).elements()))
    minus = "".join(sorted((o - z).elements()))
    if not plus and not minus:
        return "order"
    return " ".join(p for p in (plus and "+" + plus, minus and "-" + minus) if p)


def classify(z, ours, count_zeek, count_ours, checksum_row=None):
    """The kind of one disagreement: the first known explanation that accounts
    for it, else 'unclassified' with the letter difference."""
    zh, oh, zs = z["history"], ours["history"], z["state"]
    same_state = zs is None or zs == ours["state"]
    if "X" in zh.upper() and same_state and drop(zh, "Xx") == oh:
        return "Zeek's X letter (analysis partial)"
    if checksum_row is not None:
        if agrees(dict(z, history=drop(zh, "cC")), checksum_row):
            return "checksum: Zeek dropped bad-checksum segments (agrees without them)"
        return "checksum: Zeek dropped bad-checksum segments; without them, " + \
            classify(dict(z, history=drop(zh, "cC")), checksum_row, count_zeek, count_ours)
    if "c" in zh.lower():
        return "checksum: Zeek's c letter"
    if count_zeek != count_ours:
        return f"split: Zeek {count_zeek} line(s), tcpphase {count_ours} connection(s) on the 4-tuple"
    if same_state and drop(oh, "dD") == drop(zh, "dD") and len(oh) > len(zh):
        return "d letter only: tcpphase has a d/D that Zeek lacks"
    if same_state and once_each(zh, LOG_LETTERS) == once_each(oh, LOG_LETTERS):
        return "c/g/t/w repeats (logarithmic counting)"
    if same_state and drop(zh, "gG") == drop(oh, "gG"):
        return "g letter only" + (", one-sided connection" if one_sided(zh) else "") + f" ({letter_diff(zh, oh)})"
    if same_state and drop(zh, "tT") == drop(oh, "tT"):
        return "t letter only"
    if same_state and drop(once_each(zh, LOG_LETTERS), "gGtT") == drop(once_each(oh, LOG_LETTERS), "gGtT"):
        return "g/t letters and repeats"
    what = "history " + letter_diff(zh, oh) if zh != oh else "history same"
    state = f"state {zs}->{ours['state']}" if not same_state else "state same"
    return f"unclassified: {state}, {what}"


# ---------------------------------------------------------------- compare

def unique_baselines(outdir):
    """The usable manifest lines, one per distinct (trace, flags, TCP lines):
    many tests run the same trace with the same verdicts."""
    seen, tests = set(), []
    with open(os.path.join(outdir, "manifest.tsv")) as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if row["skip"]:
                continue
            rows = zeek_rows(os.path.join(outdir, row["baseline"]))
            key = (row["trace"], row["flags"],
                   tuple(sorted((z["orig"], z["resp"], z["state"] or "", z["history"]) for z in rows)))
            if rows and key not in seen:
                seen.add(key)
                tests.append((row, rows))
    return tests


def compare_one(sandbox, outdir, row, zeek):
    """[(kind or None, zeek row, tcpphase row)] for one baseline."""
    trace = os.path.join(outdir, row["trace"])
    ours = tcpphase_rows(sandbox, trace)
    pairs = [(fill(z, o) if o else z, o, why) for z, o, why in match(zeek, ours)]
    zcount = collections.Counter(pair_key(z["orig"], z["resp"]) for z, _, why in pairs if why != "ambiguous")
    ocount = collections.Counter(pair_key(r["client"], r["server"]) for r in ours)
    checksum = None
    results = []
    for z, o, why in pairs:
        if o is None:
            results.append((unmatched_kind(z, why, ours), z, None))
            continue
        if o["client"] != z["orig"]:
            results.append((roles_kind(row, z, o), z, o))
            continue
        if agrees(z, o):
            results.append((None, z, o))
            continue
        if checksum is None and "C" not in row["flags"]:
            checksum = checksum_view(sandbox, trace)
        results.append((classify(z, o, zcount[pair_key(z["orig"], z["resp"])],
                                 ocount[pair_key(o["client"], o["server"])],
                                 checksum_row(o, checksum)), z, o))
    return results


def roles_kind(row, z, o):
    """tcpphase guessed the roles of a connection without SYN by the lower
    port; Zeek flips a partial connection only towards a likely server port
    (an analyzer's registered port), and in bare mode (-b) few are."""
    if "b" in row["flags"]:
        return "roles: Zeek in bare mode (-b) did not flip to the server port; tcpphase did"
    return "roles: tcpphase's client is Zeek's responder"


def unmatched_kind(z, why, ours):
    if why == "ambiguous":
        return "not compared: the baseline's columns fit several connections"
    if candidates_for(z, ours):
        return "split: Zeek has more lines than tcpphase has connections on the 4-tuple"
    if z["tunnel"]:
        return "tunnel: tcpphase sees no TCP inside"
    if z["history"] in ("-", ""):
        return "empty Zeek history: no segment whole (a TCP header cut by the snap length gets no tcpphase label)"
    return "missing: no tcpphase connection"


def agrees(z, o):
    return (z["state"] is None or z["state"] == o["state"]) and z["history"] == o["history"]


def checksum_view(sandbox, trace):
    """tcpphase's rows of the trace without its bad-checksum frames ([] if none)."""
    copy = bad_checksum_trace(sandbox, trace)
    return tcpphase_rows(sandbox, copy) if copy else []


def checksum_row(o, checksum_rows):
    """The connection as tcpphase reads it once the frames Zeek dropped for
    their checksums are gone, or None if those frames made no difference."""
    for r in checksum_rows or []:
        if r["client"] == o["client"] and r["server"] == o["server"] and abs(r["ts"] - o["ts"]) < 1e-3:
            return r if (r["state"], r["history"]) != (o["state"], o["history"]) else None
    return None


def fmt(ep):
    host, port = ep
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def example(row, z, o):
    ours = f"{o['state']} {o['history']} (conn {o['conn']}, frame {o['frame']})" if o else "-"
    return (f"{row['trace'][len('traces/'):]} ({row['test']}) {fmt(z['orig'])} > {fmt(z['resp'])}: "
            f"zeek {z['state'] or '?'} {z['history']}, tcpphase {ours}")


def compare(build, outdir, examples, listing):
    tests = unique_baselines(outdir)
    kinds = collections.defaultdict(list)
    total = state_ok = history_ok = with_state = skipped = 0
    with tplib.Sandbox(build) as sandbox:
        for row, zeek in tests:
            for kind, z, o in compare_one(sandbox, outdir, row, zeek):
                if kind and kind.startswith("not compared"):
                    skipped += 1
                    continue
                total += 1
                if o is not None and o["client"] == z["orig"]:
                    if z["state"] is not None:
                        with_state += 1
                        state_ok += z["state"] == o["state"]
                    history_ok += z["history"] == o["history"]
                if kind:
                    kinds[kind].append((row, z, o))
                if listing:
                    print(("ok   " if kind is None else "DIFF ") + example(row, z, o) + (f"  [{kind}]" if kind else ""))
    report(tests, total, skipped, with_state, state_ok, history_ok, kinds, examples)


def report(tests, total, skipped, with_state, state_ok, history_ok, kinds, examples):
    traces = len(set(row["trace"] for row, _ in tests))
    print(f"{len(tests)} distinct baselines over {traces} traces: {total} Zeek TCP connections compared")
    print(f"outcome agreement: {state_ok}/{with_state} = {100.0 * state_ok / max(with_state, 1):.1f} %"
          f" (connections matched with the same roles, in baselines that log conn_state)")
    print(f"history agreement: {history_ok}/{total} = {100.0 * history_ok / max(total, 1):.1f} %"
          f" (all compared; unmatched and role-flipped count as disagreeing)")
    print(f"disagreeing connections: {sum(len(v) for v in kinds.values())}")
    for kind, items in sorted(kinds.items(), key=lambda kv: (kv[0].startswith("unclassified"), -len(kv[1]))):
        print(f"\n{len(items):5}  {kind}")
        for item in items[:examples]:
            print("         " + example(*item))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    c = sub.add_parser("collect")
    c.add_argument("mirror")
    c.add_argument("outdir")
    m = sub.add_parser("compare")
    m.add_argument("--build", required=True)
    m.add_argument("--examples", type=int, default=3)
    m.add_argument("--list", action="store_true", help="one line per Zeek connection")
    m.add_argument("outdir")
    opts = ap.parse_args()
    if opts.command == "collect":
        collect(opts.mirror, opts.outdir)
    else:
        compare(opts.build, opts.outdir, opts.examples, opts.list)


if __name__ == "__main__":
    main()
