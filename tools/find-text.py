#!/usr/bin/python3
"""Where a phrase is on a screenshot, by OCR: prints "X Y", the centre of the
phrase's first word in the screenshot's pixels, or exits 1. The GUI scripts
click menu entries by name with it, as their places differ between
Wireshark versions.

  find-text.py SCREENSHOT.png WORD [WORD...]"""
import os
import subprocess
import sys
import tempfile


def words(png):
    """[(text, left, top, width, height)] of the words tesseract reads, in
    reading order, with coordinates in |png|'s pixels (read at 200%)."""
    with tempfile.TemporaryDirectory() as tmp:
        big = os.path.join(tmp, "big.png")
        subprocess.run(["/usr/bin/convert", png, "-colorspace", "Gray", "-resize", "200%", "-normalize", big],
                       check=True)
        tsv = subprocess.run(["tesseract", big, "-", "tsv"], capture_output=True, text=True, check=True).stdout
    out = []
    for line in tsv.splitlines()[1:]:
        cols = line.split("\t")
        if len(cols) == 12 and cols[11].strip():
            left, top, width, height = (int(c) // 2 for c in cols[6:10])
            out.append((cols[11].strip(), left, top, width, height))
    return out


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    want = [w.lower() for w in sys.argv[2:]]
    found = words(sys.argv[1])
    texts = [w[0].lower() for w in found]
    for i in range(len(found) - len(want) + 1):
        if all(want[k] in texts[i + k] for k in range(len(want))):
            _, left, top, width, height = found[i]
            print(left + width // 2, top + height // 2)
            return 0
    return 1


if __name__ == "__main__":
    sys.exit(main())
