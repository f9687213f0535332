"""Write ``assets/fonts/scaleout-hangul.woff2``: the Hangul that ``scaleout serve``'s page draws.

The source is NanumGothicCoding (``NanumGothicCoding.ttf``, "Version 2.000") as Debian's package
``fonts-nanum`` 20200506-1 ships it; its SHA-256 is checked. Kept: only characters a terminal
draws two cells wide, which the font draws one em wide (``scaleout_tui.serve.HANGUL_RANGES``):
Hangul syllables, compatibility jamo, CJK punctuation, enclosed Hangul, fullwidth forms. Dropped:
its Latin (the page keeps Roboto Mono for that), box drawing and other narrow characters, its
TrueType hinting (browsers rasterise web fonts without it) and every glyph nothing maps to.

The SIL Open Font License lets a changed font be shared only under a name other than its
Reserved Font Name, so the subset is named "Scaleout Hangul"; the copyright, licence and
trademark notices in its name table are kept as they were.

Deterministic: the same bytes on every run (the font's timestamps are not touched). Needs
fontTools and brotli, which the game does not (``pip install fonttools brotli``). From the
repository root, with the project installed in the virtual environment::

    apt-get download fonts-nanum && dpkg-deb -x fonts-nanum_20200506-1_all.deb /tmp/nanum
    .venv/bin/python assets/fonts/make_subset.py /tmp/nanum/usr/share/fonts/truetype/nanum/NanumGothicCoding.ttf
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

from scaleout_tui.serve import HANGUL_FONT_FILE, HANGUL_RANGES

SOURCE_SHA256 = "787effd7efed2abca88ade231faa8191f4e9fcf85b1805a13ee1dc3724b72089"
OUT = Path(__file__).with_name(HANGUL_FONT_FILE)
FAMILY = "Scaleout Hangul"
POSTSCRIPT = "ScaleoutHangul-Regular"
#: Name-table entries that name the font (family, unique id, full name, PostScript name).
NAMES = {1: FAMILY, 3: POSTSCRIPT, 4: FAMILY, 6: POSTSCRIPT}


def main(source: str) -> int:
    data = Path(source).read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != SOURCE_SHA256:
        print(f"{source}: SHA-256 {digest}, not the NanumGothicCoding.ttf this was made from "
              f"({SOURCE_SHA256})", file=sys.stderr)
        return 1
    font = TTFont(source, recalcTimestamp=False)
    options = subset.Options()
    options.hinting = False
    options.name_IDs = ["*"]  # every notice: copyright, trademark, designer, licence
    options.name_languages = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[cp for low, high in HANGUL_RANGES for cp in range(low, high + 1)])
    subsetter.subset(font)
    name = font["name"]
    for record in name.names:
        if record.nameID in NAMES:
            record.string = NAMES[record.nameID]
        elif record.nameID == 5:
            record.string = f"{record.toUnicode()}; subset for scaleout serve"
    font.flavor = "woff2"
    font.save(OUT)
    print(f"{OUT}: {OUT.stat().st_size} bytes, {len(font.getBestCmap())} characters "
          f"(from {len(data)} bytes, SHA-256 {digest})")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
