#!/usr/bin/python3
"""The README's scripts stop at once with a clear message on bad input,
instead of failing half-way:

  * tools/test.sh without ../shared beside the project;
  * tools/install-deps.sh with packages missing, not root and no sudo;
  * tools/fresh-leg.sh not root (and no sudo), or with an unknown release;

and the tests' own sandbox (tplib.Sandbox) stages each capture it is given.

  scripts.py"""
import os
import shutil
import subprocess
import sys
import tempfile

import tplib

NOBODY = [shutil.which("setpriv") or "/usr/bin/setpriv", f"--reuid={tplib.NOBODY}", f"--regid={tplib.NOBODY}", "--clear-groups"]


def run(argv, env=None, as_nobody=False):
    if as_nobody and os.geteuid() == 0:
        argv = NOBODY + argv
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120)
    return proc.returncode, proc.stdout + proc.stderr


def main():
    checks = tplib.Checks()
    expect = checks.expect
    work = tempfile.mkdtemp(prefix="tcpphase-scripts-")
    os.chmod(work, 0o755)
    try:
        # A copy of the project's tools with no ../shared beside it.
        project = os.path.join(work, "project")
        shutil.copytree(os.path.join(tplib.ROOT, "tools"), os.path.join(project, "tools"))
        rc, out = run(["bash", os.path.join(project, "tools", "test.sh")])
        expect(rc == 2 and "no ../shared/captures" in out and "clone the project" in out,
               f"tools/test.sh without ../shared: exit 2 and says what to do (exit {rc}: {out.strip()[:200]})")

        # install-deps.sh as a user with packages missing and no sudo: a PATH
        # whose dpkg-query knows no package and that holds no sudo.
        stub = os.path.join(work, "bin")
        os.mkdir(stub)
        for tool in ["id", "grep", "cat", "env", "dirname"]:
            os.symlink(shutil.which(tool), os.path.join(stub, tool))
        with open(os.path.join(stub, "dpkg-query"), "w") as f:
            f.write("#!/bin/bash\nexit 1\n")
        for top, dirs, files in os.walk(work):
            for name in dirs + files:
                path = os.path.join(top, name)
                if not os.path.islink(path):
                    os.chmod(path, 0o755)
        env = {"PATH": stub, "HOME": work}
        rc, out = run(["/bin/bash", os.path.join(project, "tools", "install-deps.sh")], env=env, as_nobody=True)
        if os.geteuid() == 0 or shutil.which("sudo") is None:
            expect(rc == 2 and "needs root" in out and "apt-get install" in out and "tshark" in out,
                   f"install-deps.sh without root or sudo: exit 2, names the packages (exit {rc}: {out.strip()[:200]})")

        rc, out = run(["bash", os.path.join(project, "tools", "fresh-leg.sh"), "buster"])
        expect(rc == 2 and "usage" in out, f"fresh-leg.sh with an unknown release: usage (exit {rc})")
        if os.geteuid() == 0:
            rc, out = run(["/bin/bash", os.path.join(project, "tools", "fresh-leg.sh"), "sid"],
                          env={"PATH": stub, "HOME": work}, as_nobody=True)
            expect(rc == 2 and "needs root" in out,
                   f"fresh-leg.sh as a user without sudo: exit 2, says it needs root (exit {rc}: {out.strip()[:200]})")
        # after the README's personal install, the wrapper (tools/demo.sh's
        # tshark) loads build/'s plugin without "found in multiple directories"
        plugins = os.path.join(tplib.ROOT, "build", "plugins")
        if os.geteuid() == 0 and os.path.isdir(plugins):
            home = os.path.join(work, "user")
            for top, _, files in os.walk(plugins):
                if "tcpphase.so" in files:
                    personal = os.path.join(home, ".local", "lib", "wireshark", "plugins",
                                            os.path.relpath(top, plugins))
                    os.makedirs(personal)
                    shutil.copy(os.path.join(top, "tcpphase.so"), personal)
            for top, dirs, files in os.walk(work):
                for n in [top] + [os.path.join(top, f) for f in dirs + files]:
                    os.chown(n, tplib.NOBODY, tplib.NOBODY)
            os.chmod(work, 0o755)
            rc, out = run([os.path.join(tplib.ROOT, "tools", "tshark-with-plugin.sh"), "-r",
                           os.path.join(tplib.SAMPLES, "refused.pcap")],
                          env={"PATH": os.environ["PATH"], "HOME": home}, as_nobody=True)
            expect(rc == 0 and "multiple directories" not in out and "[HS 1/3]" in out,
                   f"tshark-with-plugin.sh after a personal install: no duplicate-plugin warning (exit {rc}: {out[:160]})")
        # the tests' sandbox: two captures of one name are two copies, and
        # a capture written again is copied again (a test that stages its
        # own captures under one name read the first one's copy)
        if os.path.isdir(plugins):
            first, second = os.path.join(work, "a", "x.pcap"), os.path.join(work, "b", "x.pcap")
            for path, data in ((first, b"first"), (second, b"second")):
                os.makedirs(os.path.dirname(path))
                with open(path, "wb") as f:
                    f.write(data)
            with tplib.Sandbox(os.path.join(tplib.ROOT, "build")) as sandbox:
                staged = [sandbox.stage(first), sandbox.stage(second)]
                read = [open(c, "rb").read() for c in staged]
                with open(first, "wb") as f:
                    f.write(b"first, written again")
                again = open(sandbox.stage(first), "rb").read()
                # a caller that removed its copy (tests/fuzz/mutate.py does,
                # then stages the file again to triage a crash) gets a new one
                os.remove(sandbox.stage(second))
                restaged = sandbox.stage(second)
                removed_then = open(restaged, "rb").read() if os.path.exists(restaged) else None
            expect(read == [b"first", b"second"] and staged[0] != staged[1] and again == b"first, written again",
                   f"the sandbox stages two captures of one name apart and a changed one again ({read}, {again})")
            expect(removed_then == b"second",
                   f"the sandbox stages a capture again once its copy was removed (read {removed_then})")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return checks.exit_status()


if __name__ == "__main__":
    sys.exit(main())
