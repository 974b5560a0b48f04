#!/usr/bin/python3
"""The anomaly catalogue as include/tcpphase/anomalies.h defines it, and a
check that the README's anomaly table says the same.

  catalogue.py --check-readme    compare
  catalogue.py --readme-table    print the table to paste into the README"""
import os
import re
import sys

import tplib

HEADER = os.path.join(tplib.ROOT, "include", "tcpphase", "anomalies.h")
README = os.path.join(tplib.ROOT, "README.md")


def load():
    """[{id, group, severity, when, summary, message, zeek, suricata}] in table order."""
    text = open(HEADER).read()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S).replace("\\\n", " ")
    rows = []
    for m in re.finditer(r"\bX\((\w+),\s*(\w+),\s*(\w+),\s*(\w+),\s*((?:\"(?:[^\"\\]|\\.)*\"\s*)+),"
                         r"\s*((?:\"(?:[^\"\\]|\\.)*\"\s*)+),\s*(\"[^\"]*\"),\s*(\"[^\"]*\")\)", text):
        strings = ["".join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(i))) for i in (5, 6, 7, 8)]
        rows.append(dict(id=m.group(1), group=m.group(2), severity=m.group(3), when=m.group(4),
                         summary=strings[0], message=strings[1], zeek=strings[2], suricata=strings[3]))
    return rows


def wireshark_reports():
    """The ids of TP_WIRESHARK_REPORTS: raised as no expert info, as
    Wireshark's TCP analysis reports them on the same frame."""
    text = open(HEADER).read()
    body = re.search(r"#define TP_WIRESHARK_REPORTS\(X\)((?:[^\n]*\\\n)*[^\n]*)", text).group(1)
    return set(re.findall(r"\bX\((\w+)\)", body))


WHEN_TEXT = {"NOW": "", "LATER": " (needs the whole capture)",
             "REVISED": " (withdrawn once the whole capture disproves it)"}


def severity_text(a):
    """The README's severity cell: the severity, when it is decided, and
    whether it is an expert info."""
    quiet = " (no expert info: Wireshark's TCP analysis reports it)" if a["id"] in wireshark_reports() else ""
    return a["severity"].lower() + WHEN_TEXT[a["when"]] + quiet


def readme_rows():
    """{id: [cells]} of the README table whose first column is `tcpphase.anomaly.<id>`."""
    rows = {}
    for line in open(README):
        m = re.match(r"\|\s*`tcpphase\.anomaly\.(\w+)`\s*\|(.*)\|\s*$", line)
        if m:
            rows[m.group(1)] = [c.strip() for c in m.group(2).split("|")]
    return rows


def check_readme():
    problems = []
    documented = readme_rows()
    catalogue = load()
    if len(catalogue) < 40:
        problems.append(f"parsed only {len(catalogue)} anomalies from {HEADER}")
    for a in catalogue:
        cells = documented.pop(a["id"], None)
        if cells is None:
            problems.append(f"{a['id']}: not in the README's anomaly table")
            continue
        want_sev = severity_text(a)
        if want_sev not in cells:
            problems.append(f"{a['id']}: README says {cells}, expected severity '{want_sev}'")
        if f"{a['zeek']} / {a['suricata']}" not in cells:
            problems.append(f"{a['id']}: README lacks the equivalents '{a['zeek']} / {a['suricata']}'")
    problems += [f"{extra}: in the README but not in the catalogue" for extra in documented]
    return problems


def readme_table():
    """The README's anomaly table, made from the catalogue."""
    lines = ["| expert info | severity | group | meaning | nearest Zeek / Suricata |",
             "| --- | --- | --- | --- | --- |"]
    for a in load():
        sev = severity_text(a)
        lines.append(f"| `tcpphase.anomaly.{a['id']}` | {sev} | {a['group'].lower()} | {a['summary']} "
                     f"| {a['zeek']} / {a['suricata']} |")
    return "\n".join(lines)


if __name__ == "__main__":
    if sys.argv[1:] == ["--readme-table"]:
        print(readme_table())
        sys.exit(0)
    if sys.argv[1:] != ["--check-readme"]:
        sys.exit(__doc__)
    problems = check_readme()
    for p in problems:
        print("FAIL", p)
    print(f"{len(load())} anomalies, {len(problems)} README problems")
    sys.exit(1 if problems else 0)
