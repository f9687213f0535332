"""A stand-in for the game under ``scaleout serve``: one still screen of Hangul, for the font test.

It speaks what textual-serve expects of a Textual app under its web driver: the line
``__GANGLION__``, then packets (``D``, a 4-byte big-endian length, the terminal's bytes). It
draws the screen once and then reads its input until the server closes it.

The screen, in cells (0-based column, row):

- red cells at (2, 1), (42, 1) and (2, 11): the test measures the cell grid from them;
- :data:`SYLLABLES` on row 3 from column 2, each two cells wide and followed by a blank cell;
- a sentence on row 6 and its bold on row 8, for a person looking at the screenshot.
"""

from __future__ import annotations

import sys

#: Distinct syllables, from the first (가, U+AC00) to the last (힣, U+D7A3), simple and dense.
SYLLABLES = "가한국어글꼴뷁힣"
MARKERS = ((2, 1), (42, 1), (2, 11))
SYLLABLE_ROW, FIRST_COLUMN = 3, 2
SENTENCE = "스케일아웃: 서버를 늘려 보세요. Latin stays Roboto Mono: 0123 →"
RED = "\x1b[48;2;255;0;0m"


def at(column: int, row: int) -> str:
    return f"\x1b[{row + 1};{column + 1}H"


def screen() -> bytes:
    parts = ["\x1b[?25l\x1b[2J"]
    parts += [f"{at(column, row)}{RED} \x1b[0m" for column, row in MARKERS]
    parts.append(at(FIRST_COLUMN, SYLLABLE_ROW) + " ".join(SYLLABLES))
    parts.append(at(FIRST_COLUMN, 6) + SENTENCE)
    parts.append(at(FIRST_COLUMN, 8) + "\x1b[1m" + SENTENCE + "\x1b[0m")
    return "".join(parts).encode()


def main() -> None:
    out = sys.stdout.buffer
    data = screen()
    out.write(b"__GANGLION__\n" + b"D" + len(data).to_bytes(4, "big") + data)
    out.flush()
    while sys.stdin.buffer.read(65536):
        pass


if __name__ == "__main__":
    main()
