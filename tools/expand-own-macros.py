#!/usr/bin/python3
"""Writes a tcpphase source file with tcpphase's own macros expanded (the
X-macro catalogues) and Wireshark's and GLib's left as written, in the shape
Wireshark's source checkers (checkhf.pl, checkfiltername.pl) parse.

The checkers read C text with regular expressions: they cannot see the expert
fields and filter names an X-macro generates, and on fully preprocessed code
they no longer find EI_INIT, HFILL or PI_* either. So every header that is not
tcpphase's is replaced by an empty stub, the C preprocessor runs, adjacent
string literals are joined ("tcpphase.anomaly." "syn_unanswered" is one
filter name to the compiler) and each statement or table entry gets its own
line, since a macro expands to a single line.

usage: expand-own-macros.py SOURCE.c > expanded.c   (run from the repository top)
"""
import os
import re
import subprocess
import sys
import tempfile

OWN_DIRS = ['include', 'plugin', 'core']
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]', re.M)
STRING = r'"(?:[^"\\\n]|\\.)*"'
ADJACENT = re.compile(rf'({STRING})\s*({STRING})')


def own_header(name, including_dir):
    for d in [including_dir] + OWN_DIRS:
        path = os.path.join(d, name)
        if os.path.isfile(path):
            return path
    return None


def stub_foreign_headers(source, stub_dir):
    todo, seen = [source], set()
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        with open(path) as f:
            for name in INCLUDE.findall(f.read()):
                own = own_header(name, os.path.dirname(path))
                if own:
                    todo.append(own)
                else:
                    stub = os.path.join(stub_dir, name)
                    os.makedirs(os.path.dirname(stub), exist_ok=True)
                    open(stub, 'w').close()


def join_literals(code):
    while True:
        joined = ADJACENT.sub(lambda m: m.group(1)[:-1] + m.group(2)[1:], code)
        if joined == code:
            return code
        code = joined


def one_statement_per_line(code):
    parts = re.split(rf'({STRING})', code)  # odd parts are literals: keep as is
    for i in range(0, len(parts), 2):
        parts[i] = re.sub(r';[ \t]*(?=\S)', ';\n    ', parts[i])
        parts[i] = re.sub(r'\}\},[ \t]*(?=\S)', '}},\n    ', parts[i])
    return ''.join(parts)


def main(source):
    with tempfile.TemporaryDirectory() as stub_dir:
        stub_foreign_headers(source, stub_dir)
        includes = [f'-I{d}' for d in OWN_DIRS] + [f'-I{stub_dir}']
        code = subprocess.run(['cpp', '-P', '-nostdinc', *includes, source],
                              check=True, capture_output=True, text=True).stdout
    sys.stdout.write(one_statement_per_line(join_literals(code)))


if __name__ == '__main__':
    main(sys.argv[1])
