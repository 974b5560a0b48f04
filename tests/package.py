#!/usr/bin/python3
"""cpack makes a Debian package named for the Wireshark version, depending
on the exact libwireshark, holding the plugin where that Wireshark looks for
it; the plugin in it loads. (The package is unpacked, not installed, so the
system stays as it is.)

  package.py --build BUILD"""
import argparse
import glob
import os
import subprocess
import sys
import tempfile

import tplib


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    opts = ap.parse_args()
    checks = tplib.Checks()
    expect = checks.expect

    version = subprocess.run(["tshark", "--version"], capture_output=True, text=True).stdout.split()[2]
    major_minor = ".".join(version.split(".")[:2])
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["cpack", "-B", tmp], cwd=opts.build, check=True, capture_output=True)
        debs = glob.glob(os.path.join(tmp, "*.deb"))
        expect(len(debs) == 1 and os.path.basename(debs[0]).startswith(f"wireshark-tcpphase-{major_minor}_"),
               f"cpack makes wireshark-tcpphase-{major_minor}_*.deb ({[os.path.basename(d) for d in debs]})")
        if not debs:
            return 1
        info = subprocess.run(["dpkg-deb", "-f", debs[0], "Package", "Depends"], capture_output=True,
                              text=True, check=True).stdout
        lib = subprocess.run(["dpkg-query", "-S", "libwireshark.so.*"], capture_output=True, text=True).stdout
        lib_package = lib.split(":")[0] if lib else "?"
        lib_version = subprocess.run(["dpkg-query", "-W", "-f=${Version}", lib_package], capture_output=True,
                                     text=True).stdout
        expect(f"Depends: {lib_package} (= {lib_version})" in info,
               f"the package depends on exactly {lib_package} {lib_version} ({info.strip()})")
        root = os.path.join(tmp, "root")
        subprocess.run(["dpkg-deb", "-x", debs[0], root], check=True)
        plugins = glob.glob(os.path.join(root, "usr", "lib", "*", "wireshark", "plugins"))
        so = glob.glob(os.path.join(root, "usr", "lib", "*", "wireshark", "plugins", major_minor, "epan",
                                    "tcpphase.so"))
        expect(len(so) == 1, f"it installs plugins/{major_minor}/epan/tcpphase.so under Wireshark's plugin dir")
        if plugins:
            # load the packaged plugin, not the build's
            with tplib.Sandbox(opts.build) as sandbox:
                subprocess.run(["rm", "-rf", sandbox.plugins], check=True)
                subprocess.run(["cp", "-r", plugins[0], sandbox.plugins], check=True)
                subprocess.run(["chmod", "-R", "a+rX", sandbox.plugins], check=True)
                listed = sandbox.run(["tshark", "-G", "plugins"]).stdout
                expect("tcpphase.so" in listed, "tshark loads the packaged plugin")
    return checks.exit_status()


if __name__ == "__main__":
    sys.exit(main())
