#!/usr/bin/python3
"""Every example in the README runs, and says what the README says.

  * a block of `$ command` lines: each command runs (from the project root,
    `tshark` being tools/tshark-with-plugin.sh) and the lines the README
    shows after it appear in its output, in order ("..." stands for any
    text, a line of "..." for any lines, and a run of blanks for any);
  * a block of display filters (`tcpphase.... description`): each filter
    compiles and selects at least one frame of the sample captures, merged
    (read as the GUI does, with the whole capture known); a filter the
    README says selects exactly something is checked for that;
  * a ```sh block: the tshark command runs on a sample capture (in place of
    the README's capture.pcapng) and prints something, without an error.

  readme_examples.py --build BUILD"""
import argparse
import glob
import os
import re
import shlex
import subprocess
import sys
import tempfile

import tplib

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README = os.path.join(TOP, "README.md")
WRAPPER = os.path.join(TOP, "tools", "tshark-with-plugin.sh")
SAMPLE = os.path.join(TOP, "sample-captures", "normal-client-close.pcap")
TWO_PASS = ["-2", "-o", "tcpphase.two_pass:TRUE"]


def blocks(text):
    """[(info string, [lines])] of the README's fenced code blocks."""
    out, lines, info = [], None, ""
    for line in text.splitlines():
        if line.startswith("```"):
            if lines is None:
                lines, info = [], line[3:].strip()
            else:
                out.append((info, lines))
                lines = None
        elif lines is not None:
            lines.append(line)
    return out


def shell(command, env=None):
    """Runs |command| with bash from the project root; (exit status, stdout, stderr)."""
    command = re.sub(r"(^|[|;&]\s*)tshark\b", lambda m: m.group(1) + WRAPPER, command)
    p = subprocess.run(["bash", "-c", command], cwd=TOP, capture_output=True, text=True, env=env)
    return p.returncode, p.stdout, p.stderr


def squeeze(line):
    """|line| with runs of blanks as one space: column widths differ between
    Wireshark versions, the text in them does not."""
    return re.sub(r"\s+", " ", line).strip()


def matches(expected, output):
    """Whether the README's |expected| lines appear in |output|, in order."""
    got = [squeeze(l) for l in output.splitlines()]
    at = 0
    for want in expected:
        if want.strip() == "...":
            continue
        pattern = re.compile(".*".join(re.escape(part) for part in squeeze(want).split("...")) + "$")
        while at < len(got) and not pattern.match(got[at]):
            at += 1
        if at == len(got):
            return f"no line like {want!r} (in order)"
        at += 1
    return None


def command_blocks(readme_blocks):
    """[(command, expected lines)] of the `$ ` blocks; continuation lines
    (ending in a backslash) are joined."""
    out = []
    for _, lines in readme_blocks:
        if not lines or not lines[0].startswith("$ "):
            continue
        i = 0
        while i < len(lines):
            command = lines[i][2:]
            while command.endswith("\\"):
                i += 1
                command = command[:-1] + " " + lines[i].strip()
            i += 1
            expected = []
            while i < len(lines) and not lines[i].startswith("$ "):
                expected.append(lines[i])
                i += 1
            out.append((command, expected))
    return out


def filter_lines(readme_blocks):
    """The display filters of the filter blocks: the text before two spaces."""
    out = []
    for info, lines in readme_blocks:
        if info or not lines or not lines[0].startswith("tcpphase."):
            continue
        for line in lines:
            if line.startswith("tcpphase."):
                out.append(re.split(r"\s{2,}", line.strip())[0])
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", required=True)
    opts = ap.parse_args()
    ck = tplib.Checks()
    readme_blocks = blocks(open(README).read())

    for command, expected in command_blocks(readme_blocks):
        status, out, err = shell(command)
        problem = matches(expected, out) if status == 0 else f"exit {status}: {err.strip()[-300:]}"
        ck.expect(problem is None, f"$ {command}: {problem}")

    with tplib.Sandbox(opts.build) as sandbox, tempfile.TemporaryDirectory() as tmp:
        merged = os.path.join(tmp, "samples.pcapng")
        subprocess.run(["mergecap", "-w", merged] + sorted(glob.glob(os.path.join(TOP, "sample-captures", "*.pcap"))),
                       check=True)
        for display_filter in filter_lines(readme_blocks):
            out = sandbox.tshark(merged, TWO_PASS + ["-Y", display_filter, "-T", "fields", "-e", "frame.number"],
                                 two_pass=False)
            ck.expect(out.split(), f"filter {display_filter!r} selects frames of the sample captures")
        # the filters the README says select exactly something: the
        # segments of connections picked up without their SYN
        def selected(capture, display_filter):
            return len(sandbox.tshark(os.path.join(TOP, "sample-captures", capture),
                                      ["-Y", display_filter, "-T", "fields", "-e", "frame.number"]).split())
        ck.expect(selected("midstream.pcap", "tcpphase.midstream") == 8 and
                  selected("normal-client-close.pcap", "tcpphase.midstream") == 0,
                  "tcpphase.midstream selects the 8 segments of midstream.pcap and none of a normal connection")

    for info, lines in readme_blocks:
        if info != "sh" or not lines or not lines[0].startswith("tshark -r capture.pcapng"):
            continue
        command = " ".join(l.rstrip("\\").strip() for l in lines).replace("capture.pcapng", shlex.quote(SAMPLE))
        status, out, err = shell(command)
        ck.expect(status == 0 and out.strip() and "tshark:" not in err,
                  f"{command[:60]}...: runs and prints ({status}, {err.strip()[-200:]})")
    return ck.exit_status()


if __name__ == "__main__":
    sys.exit(main())
