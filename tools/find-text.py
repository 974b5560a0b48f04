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


def words(png, band=None):
    """[(text, left, top, width, height)] of the words tesseract reads, in
    reading order, with coordinates in |png|'s pixels (read at 200%); only
    in the horizontal band (top, height) of it if given."""
    with tempfile.TemporaryDirectory() as tmp:
        big = os.path.join(tmp, "big.png")
        crop = ["-crop", f"{size(png)[0]}x{band[1]}+0+{band[0]}", "+repage"] if band else []
        subprocess.run(["/usr/bin/convert", png] + crop +
                       ["-colorspace", "Gray", "-resize", "200%", "-normalize", big], check=True)
        tsv = subprocess.run(["tesseract", big, "-", "tsv"], capture_output=True, text=True, check=True).stdout
    out = []
    for line in tsv.splitlines()[1:]:
        cols = line.split("\t")
        if len(cols) == 12 and cols[11].strip():
            left, top, width, height = (int(c) // 2 for c in cols[6:10])
            out.append((cols[11].strip(), left, top + (band[0] if band else 0), width, height))
    return out


def size(png):
    """(width, height) of |png| in pixels."""
    out = subprocess.run(["/usr/bin/identify", "-format", "%w %h", png], capture_output=True, text=True, check=True)
    return tuple(int(n) for n in out.stdout.split())


def find(found, want):
    """The centre of the first word of the words |want| in |found|, or None."""
    texts = [w[0].lower() for w in found]
    for i in range(len(found) - len(want) + 1):
        if all(want[k] in texts[i + k] for k in range(len(want))):
            _, left, top, width, h = found[i]
            return left + width // 2, top + h // 2
    return None


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    want = [w.lower() for w in sys.argv[2:]]
    at = find(words(sys.argv[1]), want)
    if at is None:
        # Some tesseract versions lose a line of a wide screen in its page
        # layout (trixie's and sid's on the Flow Graph): read it again in
        # overlapping bands of 100 pixels.
        total = size(sys.argv[1])[1]
        for top in range(0, total, 50):
            at = find(words(sys.argv[1], (top, 100)), want)
            if at:
                break
    if at is None:
        return 1
    print(*at)
    return 0


if __name__ == "__main__":
    sys.exit(main())
