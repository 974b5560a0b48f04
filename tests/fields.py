#!/usr/bin/python3
"""tcpphase's fields as plugin/fields.h defines them (the one table that
registration reads), and a check that the README and the tests say the same.

  fields.py --check    compare the README's field reference and the tests' lists
  fields.py --list     print the table"""
import os
import re
import sys

import tplib

HEADER = os.path.join(tplib.ROOT, "plugin", "fields.h")
README = os.path.join(tplib.ROOT, "README.md")

# How the README's field reference names a Wireshark type.
README_TYPE = {"FT_UINT8": "uint", "FT_UINT32": "uint", "FT_BOOLEAN": "bool", "FT_STRING": "string",
               "FT_FRAMENUM": "frame", "FT_RELATIVE_TIME": "time"}

ROW = re.compile(r"\bX\((\w+),\s*\"([^\"]+)\",\s*\"([^\"]+)\",\s*(\w+),\s*(\w+),\s*(NULL|\w+\(\w+\)),"
                 r"\s*(NOW|LATER|HINDSIGHT),\s*((?:\"(?:[^\"\\]|\\.)*\"\s*)+)\)")


def load():
    """[{id, filter, name, type, display, strings, when, blurb}] in table order."""
    text = open(HEADER).read()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S).replace("\\\n", " ")
    rows = []
    for m in ROW.finditer(text):
        rows.append(dict(id=m.group(1), filter=m.group(2), name=m.group(3), type=m.group(4),
                         display=m.group(5), strings=m.group(6), when=m.group(7),
                         blurb="".join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(8)))))
    return rows


def filters():
    return [f["filter"] for f in load()]


def lookahead():
    """Fields that may need frames after the one shown (LATER)."""
    return {f["filter"] for f in load() if f["when"] == "LATER"}


def hindsight():
    """Fields the whole capture may correct (HINDSIGHT): a refused or
    unanswered SYN's server state."""
    return {f["filter"] for f in load() if f["when"] == "HINDSIGHT"}


def hidden():
    """Hidden items (the name twins, tcpphase.step): in -T fields, JSON, EK,
    PDML and filters, not in a tree a user (or sharkd) is shown."""
    return {f["filter"] for f in load() if f["blurb"].rstrip(".").endswith("hidden in the tree")}


def booleans():
    return {f["filter"] for f in load() if f["type"] == "FT_BOOLEAN"}


def readme_rows():
    """{field: [cells after the first]} of every README table row whose first
    cell names tcpphase fields (`a`, `b` rows give each name the same cells)."""
    rows = {}
    for line in open(README):
        m = re.match(r"\|\s*((?:`tcpphase\.[\w.]+`(?:,\s*)?)+)\s*\|(.*)\|\s*$", line)
        if m:
            for name in re.findall(r"`(tcpphase\.[\w.]+)`", m.group(1)):
                rows[name] = [c.strip() for c in m.group(2).split("|")]
    return rows


def check():
    problems = []
    table = load()
    text = open(HEADER).read()
    if len(table) != text.count("    X("):
        problems.append(f"parsed {len(table)} of the {text.count('    X(')} rows of {HEADER}")
    documented = readme_rows()
    for f in table:
        cells = documented.get(f["filter"])
        if cells is None:
            problems.append(f"{f['filter']}: not in a README table")
        elif len(cells) >= 2 and cells[0].split(",")[0] != README_TYPE.get(f["type"]):
            problems.append(f"{f['filter']}: README says type '{cells[0]}', the table {f['type']}")
    known = set(filters())
    # tcpphase.<pref> preferences and tcpphase.anomaly.<id> expert infos have tables of their own
    for name in documented:
        if name not in known and not name.startswith("tcpphase.anomaly.") and name.count(".") > 1:
            problems.append(f"{name}: in the README's field reference but not a field")
    import golden
    for _, field in golden.COLUMNS:
        if field.startswith("tcpphase.") and field not in known:
            problems.append(f"{field}: a golden column, but not a field")
    return problems


if __name__ == "__main__":
    if sys.argv[1:] == ["--list"]:
        for f in load():
            print(f"{f['filter']}\t{f['type']}\t{f['when']}\t{f['blurb']}")
        sys.exit(0)
    if sys.argv[1:] != ["--check"]:
        sys.exit(__doc__)
    problems = check()
    for p in problems:
        print("FAIL", p)
    print(f"{len(load())} fields, {len(problems)} problems")
    sys.exit(1 if problems else 0)
