"""Runs the real tshark and sharkd with the freshly built plugin.

tshark run as root ignores WIRESHARK_PLUGIN_DIR and the personal plugin dir,
so as root every run drops to uid/gid 65534 in a private world-readable
sandbox holding a copy of the plugin and of the captures it reads."""
import glob
import hashlib
import os
import shutil
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAMPLES = os.path.join(ROOT, "sample-captures")
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "captures")
GOLDEN = os.path.join(ROOT, "tests", "golden")
NOBODY = 65534

# Extra tshark options a capture needs to be dissected as intended.
CAPTURE_OPTIONS = {
    "tunnel.pcap": ["-d", "tcp.port==2152,gtp"],
    "deep-tunnel.pcap": ["-d", "tcp.port==2152,gtp"],
    "tunnel-bad-options.pcap": ["-d", "tcp.port==2152,gtp"],
}


class Checks:
    """Prints "ok   <what>" or "FAIL <what>" per check and keeps the failures."""

    def __init__(self):
        self.failures = []

    def expect(self, ok, what):
        print(("ok   " if ok else "FAIL ") + what)
        if not ok:
            self.failures.append(what)

    def exit_status(self):
        print(f"{len(self.failures)} failed")
        return 1 if self.failures else 0


def display_value(names, field, value):
    """A raw -T fields value as a person reads it: the value name of an
    enumerated field, True/False for booleans (4.0 prints 0/1, 4.4+ words)."""
    if value in ("True", "False"):
        return value
    if field in booleans():
        return {"0": "False", "1": "True"}.get(value, value)
    return names.get(field, {}).get(value, value)


def booleans():
    """tcpphase's boolean fields, from the field table (plugin/fields.h)."""
    global _BOOLEANS
    if _BOOLEANS is None:
        import fields  # fields imports tplib
        _BOOLEANS = fields.booleans()
    return _BOOLEANS


_BOOLEANS = None


class Sandbox:
    """A temporary plugin dir, HOME and capture copies that uid 65534 can read."""

    def __init__(self, build_dir):
        self.build_dir = os.path.abspath(build_dir)
        self.dir = tempfile.mkdtemp(prefix="tcpphase-test-")
        self._staged = {}  # source path -> (copy, (size, mtime_ns) when copied)
        os.chmod(self.dir, 0o755)
        plugins = os.path.join(build_dir, "plugins")
        if not os.path.isdir(plugins):
            raise SystemExit(f"no plugin build under {plugins}: build first")
        self.plugins = os.path.join(self.dir, "plugins")
        shutil.copytree(plugins, self.plugins)
        self.home = os.path.join(self.dir, "home")
        os.mkdir(self.home, 0o700)
        if os.geteuid() == 0:
            for top, dirs, files in os.walk(self.dir):
                for name in dirs + files:
                    os.chmod(os.path.join(top, name), 0o755)
            os.chown(self.home, NOBODY, NOBODY)

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def stage(self, path):
        """Copies a capture into the sandbox and returns the copy's path: under
        its own name, unless another capture of that name was staged before
        (then under a numbered one); copied again if it changed or its copy
        was removed since."""
        source = os.path.abspath(path)
        if os.path.dirname(source) == self.dir:
            return source
        st = os.stat(source)
        stamp = (st.st_size, st.st_mtime_ns)
        staged = self._staged.get(source)
        if staged and staged[1] == stamp and os.path.exists(staged[0]):
            return staged[0]  # a caller may have removed its copy: staged again then
        copy = staged[0] if staged else os.path.join(self.dir, os.path.basename(source))
        taken = {c for c, _ in self._staged.values()}
        n = 1
        while not staged and copy in taken:
            n += 1
            copy = os.path.join(self.dir, f"{n}-{os.path.basename(source)}")
        shutil.copyfile(source, copy)
        os.chmod(copy, 0o644)
        self._staged[source] = (copy, stamp)
        return copy

    def command(self, argv):
        env = ["env", "-i", "PATH=/usr/bin:/bin", f"HOME={self.home}",
               f"WIRESHARK_PLUGIN_DIR={self.plugins}", "TZ=UTC", "LC_ALL=C.UTF-8",
               "WIRESHARK_ABORT_ON_DISSECTOR_BUG=1"]
        if os.geteuid() == 0:
            return ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"] + env + argv
        return env + argv

    def run(self, argv, stdin=None, check=True):
        proc = subprocess.run(self.command(argv), input=stdin, capture_output=True, text=True,
                              cwd=self.dir, timeout=600)
        if check and proc.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} failed ({proc.returncode}):\n{proc.stderr}")
        return proc

    def tshark(self, capture, args, two_pass=False):
        argv = ["tshark", "-n", "-r", self.stage(capture)]
        if two_pass:
            argv.append("-2")
        argv += CAPTURE_OPTIONS.get(os.path.basename(capture), []) + list(args)
        return self.run(argv).stdout

    def wireshark_version(self):
        """"4.0", "4.4", ... of the tshark that runs the tests."""
        if not hasattr(self, "_version"):
            first = self.glossary("version", ["tshark", "--version"], lambda line: line.startswith("TShark")).split()
            self._version = ".".join(first[2].split(".")[:2])
        return self._version

    def glossary(self, report, argv=None, keep=lambda line: "tcpphase" in line):
        """The lines of tshark -G |report| (fields, values, ...) that mention
        tcpphase, kept in the build dir for the plugin and tshark they came
        from: -G values alone costs 2 s, and every test process needs it."""
        stamp = []
        for path in sorted(glob.glob(os.path.join(self.plugins, "**", "*.so"), recursive=True)) + \
                [shutil.which("tshark", path="/usr/bin:/bin") or "tshark"]:
            st = os.stat(path)
            stamp.append(f"{os.path.basename(path)}:{st.st_size}:{st.st_mtime_ns}")
        key = hashlib.sha1(" ".join(stamp).encode()).hexdigest()[:16]
        cache = os.path.join(self.build_dir, "test-cache", f"G-{report}-{key}.txt")
        if os.path.exists(cache):
            with open(cache) as f:
                return f.read()
        text = "".join(line for line in self.run(argv or ["tshark", "-G", report]).stdout.splitlines(True)
                       if keep(line))
        os.makedirs(os.path.dirname(cache), exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=os.path.dirname(cache), delete=False) as f:
            f.write(text)
        os.replace(f.name, cache)  # atomic: tests running in parallel may write it too
        return text

    def value_names(self):
        """{field: {number: name}} for tcpphase's enumerated fields (tshark -G values)."""
        if not hasattr(self, "_names"):
            self._names = {}
            for line in self.glossary("values").splitlines():
                cols = line.split("\t")
                if len(cols) == 4 and cols[0] == "V" and cols[1].startswith("tcpphase."):
                    self._names.setdefault(cols[1], {})[cols[2]] = cols[3]
        return self._names
