r"""Import a web server's access log as a per-second rate series.

The lines are parsed by apachelogs (a maintained parser of Apache's ``LogFormat`` directives),
not by a regular expression of our own: the combined format's quoting rules (escaped quotes in a
user agent, ``-`` for an empty size) are exactly what hand-written patterns get wrong. nginx's
default ``combined`` format is the same line. Lines in the common format (no referer, no user
agent) are accepted too.

Real logs are messy, and each mess has a rule here:

- time zones: every timestamp carries its offset (``-0400``); counts are per UTC second;
- out of order: lines are counted into seconds, so order does not matter (merged logs of several
  servers, or a server that logs at the end of a slow request, are fine);
- compressed files: gzip and bzip2 are recognised by their first bytes, whatever the file name;
- junk (a truncated line, a line of another format, binary noise): counted and reported with the
  first few line numbers, never fatal;
- bytes outside ASCII, UTF-8 or not (a user agent in Latin-1): escaped as ``\xHH``, the way Apache
  and nginx escape them themselves, so the line parses.

An empty log, or one with no valid line at all, is refused: there is no series to write.
"""

from __future__ import annotations

import bz2
import gzip
import os
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

import apachelogs
import numpy as np

from scaleout_tui import texts
from scaleout_tui.content.errors import LevelError
from scaleout_tui.content.series import MAX_SECONDS, RateSeries

#: tried in this order; the first that parses a line wins
FORMATS: tuple[str, ...] = (apachelogs.COMBINED, apachelogs.COMMON)
#: how many junk line numbers a result keeps to show
JUNK_SHOWN = 5

Progress = Callable[[int], None]


@dataclass
class ImportResult:
    """What an import found: requests per UTC second, and the lines it could not read."""

    counts: Counter[int] = field(default_factory=Counter)
    lines: int = 0
    junk: int = 0
    junk_lines: list[int] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return self.lines - self.junk

    def series(self, source: str) -> RateSeries:
        """The counts as a series from the first second with a request to the last."""
        first, last = min(self.counts), max(self.counts)
        values = np.zeros(last - first + 1)
        for sec, n in self.counts.items():
            values[sec - first] = n
        start = datetime.fromtimestamp(first, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        notes = (texts.SERIES_NOTE_START.format(start=start),
                 texts.SERIES_NOTE_SOURCE.format(source=source, lines=self.lines, junk=self.junk))
        return RateSeries(values, notes)


def open_log(path: Path) -> tuple[BinaryIO, BinaryIO]:
    """``(lines, raw)``: the log's decompressed bytes, and the file underneath (whose position
    tells how far the import has read, for a progress bar)."""
    raw = path.open("rb")
    magic = raw.read(3)
    raw.seek(0)
    if magic[:2] == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=raw), raw  # type: ignore[return-value]
    if magic == b"BZh":
        return bz2.BZ2File(raw), raw  # type: ignore[return-value]
    return raw, raw


def _lines(stream: BinaryIO) -> Iterator[str]:
    for line in stream:
        # Apache and nginx write a byte outside printable ASCII as \xHH, and apachelogs reads only
        # that spelling; a log with raw bytes (UTF-8 or Latin-1) gets them escaped the same way
        yield line.decode("ascii", errors="backslashreplace").rstrip("\r\n")


def count_log(path: str | os.PathLike[str], progress: Progress | None = None) -> ImportResult:
    """Count the requests of an access log per UTC second. Raises :class:`LevelError` for a file
    that cannot be read at all (missing, a folder, a corrupt archive)."""
    p = Path(path)
    parsers = [apachelogs.LogParser(f) for f in FORMATS]
    result = ImportResult()
    try:
        if p.is_dir():
            raise LevelError(p, "", texts.NOT_A_FILE)
        stream, raw = open_log(p)
        with raw, stream:
            for result.lines, line in enumerate(_lines(stream), start=1):
                when = _timestamp(parsers, line)
                if when is None:
                    result.junk += 1
                    if len(result.junk_lines) < JUNK_SHOWN:
                        result.junk_lines.append(result.lines)
                else:
                    result.counts[when] += 1
                if progress is not None and result.lines % 4096 == 0:
                    progress(raw.tell())
    except FileNotFoundError:
        raise LevelError(p, "", texts.NO_SUCH_FILE) from None
    except (OSError, EOFError, ValueError) as e:  # a truncated or corrupt archive
        if isinstance(e, LevelError):
            raise
        reason = e.strerror if isinstance(e, OSError) and e.strerror else str(e) or type(e).__name__
        raise LevelError(p, "", texts.UNREADABLE.format(reason=reason), result.lines or None) from None
    if not result.counts:
        raise LevelError(p, "", texts.LOG_NO_REQUESTS.format(lines=result.lines, junk=result.junk))
    span = max(result.counts) - min(result.counts) + 1
    if span > MAX_SECONDS:
        raise LevelError(p, "", texts.LOG_TOO_LONG.format(days=span / 86_400, most=MAX_SECONDS // 86_400))
    return result


def _timestamp(parsers: list[apachelogs.LogParser], line: str) -> int | None:
    """The UTC second of a log line, or ``None`` for junk."""
    for parser in parsers:
        try:
            entry = parser.parse(line)
        except (apachelogs.Error, ValueError, OverflowError):
            # InvalidEntryError for another format; ValueError/OverflowError for a line of the
            # right shape whose date cannot be (31 Feb, a year 99999)
            continue
        when = entry.request_time
        if when is None or when.tzinfo is None:
            return None
        return int(when.timestamp() // 1)
    return None
