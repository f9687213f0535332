"""The formats, an export written to a folder, and files read back.

Why a registry and not a ``--to`` switch in the command line: the command line, the UI's export
dialog, the import's sniffing and the tests all iterate over the same formats, and a new format
is one module plus one line here.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from scaleout_tui.deploy import cloudformation, haproxy, kubernetes, nginx, texts
from scaleout_tui.deploy.design import ConfigError, Design, Export, Format, Imported, Where
from scaleout_tui.deploy.readme import readme

#: every format, by the name ``--to`` takes, in the order the help lists them
_ALL: tuple[Format, ...] = (nginx.FORMAT, haproxy.FORMAT, kubernetes.FORMAT, cloudformation.FORMAT)
FORMATS: dict[str, Format] = {f.name: f for f in _ALL}


def export(design: Design, name: str) -> Export:
    """The files of ``design`` in format ``name`` (a key of :data:`FORMATS`), README included."""
    fmt = FORMATS[name]
    out = fmt.write(design)
    return Export({**out.files, "README.md": readme(design, fmt, out)}, out.notes, out.checks)


def write_export(design: Design, name: str, folder: str | os.PathLike[str]) -> list[Path]:
    """Write the export into ``folder`` (made if missing; files of the same names are replaced)
    and return the paths written, README last. Raises :class:`OSError` as the system does."""
    return write_files(export(design, name), folder)


def write_files(out: Export, folder: str | os.PathLike[str]) -> list[Path]:
    """Write an export already made (its notes are the caller's to show) into ``folder``."""
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    written = []
    for rel, text in sorted(out.files.items(), key=lambda kv: (kv[0] == "README.md", kv[0])):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def format_of(name: str, text: str) -> Format | None:
    """The format that claims a file, or ``None``."""
    return next((f for f in FORMATS.values() if f.claims(name, text)), None)


def read_files(paths: Iterable[str | os.PathLike[str]]) -> Imported:
    """Every file read by its own format and merged in order. Raises :class:`ConfigError` (one
    line: file, line, problem) for a file that is unreadable, not UTF-8, of no known format, or
    malformed; :class:`OSError` is turned into the same kind of line."""
    found = Imported()
    for p in paths:
        name = os.fspath(p)
        try:
            data = Path(p).read_bytes()
        except OSError as e:
            raise ConfigError(Where(name), e.strerror or str(e)) from None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            line = data[: e.start].count(b"\n") + 1
            raise ConfigError(Where(name, line), texts.NOT_UTF8) from None
        fmt = format_of(name, text)
        if fmt is None:
            raise ConfigError(Where(name), texts.UNKNOWN_FORMAT)
        found.merge(fmt.read(name, text))
    return found
