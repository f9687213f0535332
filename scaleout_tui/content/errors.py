"""The one error type of the content layer.

A level designer fixes files, so an error must say *where* (file, line, field) and *what*, on
one line that an editor or CI log can jump to: ``levels/x.toml:12: traffic.curve[2]: time must
increase (got 600 after 900)``. The same type covers every content file (levels, the instance
catalog, policy files) so the CLI and the UI handle them all alike.
"""

from __future__ import annotations

import os


class LevelError(ValueError):
    """A problem in a content file.

    ``line`` is 1-based, or ``None`` when it cannot be told (e.g. a required key that is
    missing at the top level). ``field`` is a dotted path with list indexes
    (``knobs[1].default``), or ``""`` when the problem is the file as a whole.
    """

    def __init__(self, path: str | os.PathLike[str], field: str, message: str, line: int | None = None):
        self.path = os.fspath(path)
        self.field = field
        self.message = message
        self.line = line
        # args mirror the constructor so the error pickles (e.g. across pytest-xdist workers)
        super().__init__(self.path, field, message, line)

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        text = f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        # one line always, even when a key or file name holds a line break
        return text.replace("\r", "\\r").replace("\n", "\\n")

    def __repr__(self) -> str:
        return f"LevelError({self.path!r}, {self.field!r}, {self.message!r}, {self.line!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, LevelError):
            return NotImplemented
        return (self.path, self.field, self.message, self.line) == (
            other.path, other.field, other.message, other.line)

    def __hash__(self) -> int:
        return hash((self.path, self.field, self.message, self.line))
