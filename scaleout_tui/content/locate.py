"""Find the line of a field in raw TOML text, for error messages.

Why this exists: ``tomllib`` reports lines only for syntax errors, and msgspec works on the parsed
dict, so a message like ``traffic.curve[2]: time must increase`` would otherwise not say where to
look. This is a best-effort scanner, not a second TOML parser: it knows table headers (counting
``[[array]]`` entries), keys (bare, quoted, dotted), strings of all four kinds, comments, and the
elements of multi-line arrays. When it cannot place a field it returns the line of the nearest
enclosing table, or ``None``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

PathPart = str | int
FieldPath = tuple[PathPart, ...]

_KEY_PART = r'(?:"(?:[^"\\]|\\.)*"|\'[^\']*\'|[A-Za-z0-9_-]+)'
_DOTTED = rf"{_KEY_PART}(?:\s*\.\s*{_KEY_PART})*"
_ARRAY_HEADER = re.compile(rf"^\s*\[\[\s*({_DOTTED})\s*\]\]")
_TABLE_HEADER = re.compile(rf"^\s*\[\s*({_DOTTED})\s*\]")
_KEY_LINE = re.compile(rf"^\s*({_DOTTED})\s*=")
_PART = re.compile(r'"((?:[^"\\]|\\.)*)"|\'([^\']*)\'|([A-Za-z0-9_-]+)')
_FIELD_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def split_key(dotted: str) -> tuple[str, ...]:
    """``a."b.c".d`` -> ``("a", "b.c", "d")`` (escapes in quoted keys are kept as written)."""
    return tuple(m.group(1) if m.group(1) is not None else m.group(2) if m.group(2) is not None
                 else m.group(3) for m in _PART.finditer(dotted))


def parse_field(text: str) -> FieldPath:
    """``traffic.kinds[1].weight`` -> ``("traffic", "kinds", 1, "weight")``."""
    return tuple(m.group(1) if m.group(1) is not None else int(m.group(2))
                 for m in _FIELD_PART.finditer(text))


def format_field(path: Sequence[PathPart]) -> str:
    """The inverse of :func:`parse_field`."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


class LineIndex:
    """Where each table, key and multi-line array element of a TOML text starts."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.where: dict[FieldPath, int] = {}
        self._scan()

    def line_of(self, path: Sequence[PathPart]) -> int | None:
        """The line of ``path`` or of its longest known prefix; ``None`` if nothing matches."""
        for n in range(len(path), 0, -1):
            found = self.where.get(tuple(path[:n]))
            if found is not None:
                return found
        return None

    # ---- scanning ---------------------------------------------------------------------------
    def _scan(self) -> None:
        table: FieldPath = ()
        counts: dict[tuple[str, ...], int] = {}  # array-of-tables name -> index of its last entry
        i = 0
        while i < len(self.lines):
            line = self.lines[i]
            if m := _ARRAY_HEADER.match(line):
                name = split_key(m.group(1))
                # a new parent entry restarts the numbering of arrays nested under it
                for nested in [k for k in counts if len(k) > len(name) and k[: len(name)] == name]:
                    del counts[nested]
                counts[name] = counts.get(name, -1) + 1
                table = (*self._resolve(name, counts), counts[name])
                self.where.setdefault(table, i + 1)
                i += 1
            elif m := _TABLE_HEADER.match(line):
                table = self._resolve(split_key(m.group(1)), counts)
                self._define(table, i + 1)
                i += 1
            elif m := _KEY_LINE.match(line):
                key = table + split_key(m.group(1))
                self._define(key, i + 1)
                i = self._scan_value(key, i, m.end())
            else:
                i += 1

    def _define(self, path: FieldPath, line: int) -> None:
        """``path`` is on ``line``, and so is every table it defines implicitly: ``[a.b.c]`` or
        ``a.b = 1`` makes ``a`` a table there, so an unknown ``a`` is named with that line (it
        was named without one)."""
        for n in range(1, len(path) + 1):
            self.where.setdefault(path[:n], line)

    @staticmethod
    def _resolve(name: tuple[str, ...], counts: dict[tuple[str, ...], int]) -> FieldPath:
        """Insert the current index after every prefix of ``name`` that is an array of tables."""
        out: list[PathPart] = []
        for n in range(1, len(name) + 1):
            out.append(name[n - 1])
            if n < len(name) and name[:n] in counts:
                out.append(counts[name[:n]])
        return tuple(out)

    def _scan_value(self, key: FieldPath, i: int, col: int) -> int:
        """Skip the value that starts at ``(i, col)``; record the lines of top-level array
        elements. Returns the index of the first line after the value."""
        depth = 0
        quote = ""  # the open string delimiter, if any
        is_array = self.lines[i][col:].lstrip().startswith("[")
        element = -1
        expecting = False
        while i < len(self.lines):
            line = self.lines[i]
            j = col
            while j < len(line):
                ch = line[j]
                if quote:
                    if ch == "\\" and quote in ('"', '"""'):
                        j += 2
                        continue
                    if line.startswith(quote, j):
                        j += len(quote)
                        quote = ""
                        continue
                    j += 1
                    continue
                if ch == "#":
                    break
                if depth == 1 and is_array and expecting and ch not in " \t,]":
                    element += 1
                    self.where.setdefault((*key, element), i + 1)
                    expecting = False
                if ch in "\"'":
                    triple = line[j : j + 3]
                    quote = triple if triple in ('"""', "'''") else ch
                    j += len(quote)
                    continue
                if ch in "[{":
                    depth += 1
                    if depth == 1:
                        expecting = True
                elif ch in "]}":
                    depth -= 1
                elif ch == "," and depth == 1:
                    expecting = True
                j += 1
            i += 1
            col = 0
            if quote in ('"', "'"):  # one-line strings cannot span lines; tomllib reports that
                quote = ""
            if depth <= 0 and quote not in ('"""', "'''"):
                return i
        return i
