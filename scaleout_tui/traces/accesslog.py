r"""Import a web server's access log as a per-second rate series.

The lines are split by hand, field by field, not matched by a regular expression: the combined
format's regex in apachelogs (which this module used before) nests quantifiers, and it backtracks
exponentially on a line it cannot match: a 27-byte line of Cyrillic junk took 32 s, 47 bytes
over 100 s. The splitter here looks at each byte a bounded number of times (the fixed-width
timestamp in ``[...]``, each quoted field found with ``bytes.find`` and its closing quote told
from an escaped one by counting the backslashes before it), so a line costs time linear in its
length, whatever it holds. nginx's default ``combined`` format is Apache's; lines in the common
format (no referer, no user agent) are accepted too.

Real logs are messy, and each mess has a rule here:

- time zones: every timestamp carries its offset (``-0400``); counts are per UTC second;
- out of order: lines are counted into seconds, so order does not matter (merged logs of several
  servers, or a server that logs at the end of a slow request, are fine);
- compressed files: gzip and bzip2 are recognised by their first bytes, whatever the file name;
- junk (a truncated line, a line of another format, binary noise): counted and reported with the
  first few line numbers, never fatal;
- bytes outside ASCII, UTF-8 or not (a user agent in Latin-1): fine, the splitter reads bytes;
- a line longer than :data:`MAX_LINE_BYTES` (no server writes one): skipped as junk, read in
  chunks and never held whole.

Hostile files are refused in one line naming the file, with memory bounded by the chunk and line
sizes: anything but a regular file (a FIFO, ``/dev/zero``, a folder), a log of more than
:data:`MAX_LOG_BYTES` decompressed bytes or :data:`MAX_LINES` lines, and an archive that inflates
more than :data:`MAX_RATIO` times (a gzip bomb; text logs compress about 10 times).

An empty log, or one with no valid line at all, is refused: there is no series to write.
"""

from __future__ import annotations

import bz2
import gzip
import os
import stat
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

import numpy as np

from scaleout_tui import texts
from scaleout_tui.content.errors import LevelError
from scaleout_tui.content.series import MAX_SECONDS, RateSeries

#: how many junk line numbers a result keeps to show
JUNK_SHOWN = 5
#: a longer line is junk, skipped unread (Apache caps a request line at 8 KiB)
MAX_LINE_BYTES = 64 * 1024
#: decompressed bytes and lines a log may hold (about 20 million combined lines)
MAX_LOG_BYTES = 4 * 1024**3
MAX_LINES = 50_000_000
#: an archive may inflate this many times its compressed size, past the first MAX_RATIO_FREE bytes
MAX_RATIO = 100
MAX_RATIO_FREE = 4 * 1024**2
#: bytes read at a time
CHUNK = 64 * 1024

Progress = Callable[[int], None]

_MONTHS = {name: n for n, name in enumerate(
    (b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec"), 1)}
_STAMP = len(b"[01/Jul/1995:00:00:05 -0400]")
_QUOTE, _BACKSLASH = b'"', 0x5C


@dataclass
class ImportResult:
    """What an import found: requests per UTC second, and the lines it could not read
    (``overlong`` of the junk were longer than :data:`MAX_LINE_BYTES`)."""

    counts: Counter[int] = field(default_factory=Counter)
    lines: int = 0
    junk: int = 0
    junk_lines: list[int] = field(default_factory=list)
    overlong: int = 0

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


_KINDS = ((stat.S_ISDIR, "folder"), (stat.S_ISFIFO, "fifo"), (stat.S_ISCHR, "character_device"),
          (stat.S_ISBLK, "block_device"), (stat.S_ISSOCK, "socket"))


def open_regular(path: Path) -> BinaryIO:
    """``path`` opened for reading if it is a regular file; :class:`LevelError` otherwise. Opened
    without blocking (a FIFO with no writer would wait forever) and checked on the open file."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = next((name for test, name in _KINDS if test(mode)), "special")
            raise LevelError(path, "", texts.LOG_NOT_REGULAR.format(kind=texts.FILE_KINDS[kind]))
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def open_log(path: Path) -> tuple[BinaryIO, BinaryIO]:
    """``(lines, raw)``: the log's decompressed bytes, and the file underneath (whose position
    tells how far the import has read, for a progress bar)."""
    raw = open_regular(path)
    magic = raw.read(3)
    raw.seek(0)
    if magic[:2] == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=raw), raw  # type: ignore[return-value]
    if magic == b"BZh":
        return bz2.BZ2File(raw), raw  # type: ignore[return-value]
    return raw, raw


def _chunks(path: Path, stream: BinaryIO, raw: BinaryIO) -> Iterator[bytes]:
    """The decompressed bytes in chunks of at most :data:`CHUNK`, refused past the size caps."""
    packed = stream is not raw
    total = 0
    while chunk := stream.read(CHUNK):
        total += len(chunk)
        if total > MAX_LOG_BYTES:
            raise LevelError(path, "", texts.LOG_TOO_BIG.format(limit=MAX_LOG_BYTES))
        if packed and total > MAX_RATIO_FREE and total > MAX_RATIO * (read := max(raw.tell(), 1)):
            raise LevelError(path, "", texts.LOG_BOMB.format(ratio=MAX_RATIO, out=total, packed=read))
        yield chunk


def _lines(chunks: Iterator[bytes]) -> Iterator[bytes | None]:
    """The lines of the chunks without their line ends; ``None`` for a line over
    :data:`MAX_LINE_BYTES`, whose bytes are dropped as they come (never held whole)."""
    tail = b""
    skipping = False
    for chunk in chunks:
        start = 0
        while (end := chunk.find(b"\n", start)) != -1:
            if skipping or len(tail) + end - start > MAX_LINE_BYTES:
                yield None
            else:
                yield (tail + chunk[start:end]).rstrip(b"\r")
            tail, skipping, start = b"", False, end + 1
        if not skipping:
            if len(tail) + len(chunk) - start > MAX_LINE_BYTES:
                tail, skipping = b"", True
            else:
                tail += chunk[start:]
    if skipping:
        yield None
    elif tail:
        yield tail.rstrip(b"\r")


def count_log(path: str | os.PathLike[str], progress: Progress | None = None) -> ImportResult:
    """Count the requests of an access log per UTC second. Raises :class:`LevelError` for a file
    that cannot be read at all (missing, a folder or a device, a corrupt archive, too large)."""
    p = Path(path)
    result = ImportResult()
    try:
        stream, raw = open_log(p)
        with raw, stream:
            for result.lines, line in enumerate(_lines(_chunks(p, stream, raw)), start=1):
                if result.lines > MAX_LINES:
                    raise LevelError(p, "", texts.LOG_TOO_MANY_LINES.format(limit=MAX_LINES))
                when = None if line is None else parse_time(line)
                if when is None:
                    result.junk += 1
                    result.overlong += line is None
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


def _quoted_end(line: bytes, start: int) -> int:
    """The index of the quote closing a field opened just before ``start``, or -1. A quote after
    an odd number of backslashes is escaped; each backslash run is counted once, before its own
    quote, so the scan is linear."""
    at = start
    while (quote := line.find(_QUOTE, at)) != -1:
        back = quote
        while back > start and line[back - 1] == _BACKSLASH:
            back -= 1
        if (quote - back) % 2 == 0:
            return quote
        at = quote + 1
    return -1


def parse_time(line: bytes) -> int | None:
    """The UTC second of a combined or common log line, or ``None`` for junk.

    ``host ident user [dd/Mon/yyyy:HH:MM:SS +zzzz] "request" status size`` then, in the combined
    format, `` "referer" "user agent"``; host, ident and user hold no space, the request, referer
    and user agent may hold ``\\"``, the size may be ``-``."""
    parts = line.split(b" ", 3)
    if len(parts) != 4 or not all(parts[:3]):
        return None
    rest = parts[3]
    when = _stamp(rest[:_STAMP])
    if when is None or rest[_STAMP:_STAMP + 2] != b' "':
        return None
    end = _quoted_end(rest, _STAMP + 2)
    if end == -1:
        return None
    tail = rest[end + 1:]
    # common: ` 200 100`; combined: ` 200 100 "referer" "agent"`
    fields = tail.split(b" ", 3)
    if len(fields) < 3 or fields[0] or len(fields[1]) != 3 or not fields[1].isdigit():
        return None
    if not (fields[2].isdigit() or fields[2] == b"-"):
        return None
    if len(fields) == 3:
        return when
    extra = fields[3]
    if extra[:1] != _QUOTE or (ref := _quoted_end(extra, 1)) == -1 or extra[ref + 1:ref + 3] != b' "':
        return None
    return when if _quoted_end(extra, ref + 3) == len(extra) - 1 else None


@lru_cache(maxsize=4096)  # neighbouring lines share their second: the datetime is built once
def _stamp(text: bytes) -> int | None:
    """``[01/Jul/1995:00:00:05 -0400]`` as a UTC second, or ``None`` (a wrong shape, 31 June)."""
    if (len(text) != _STAMP or text[:1] != b"[" or text[-1:] != b"]" or text[3:4] != b"/"
            or text[7:8] != b"/" or text[12:13] != b":" or text[15:16] != b":" or text[18:19] != b":"
            or text[21:22] != b" " or text[22:23] not in (b"+", b"-")):
        return None
    month = _MONTHS.get(text[4:7])
    digits = (text[1:3], text[8:12], text[13:15], text[16:18], text[19:21], text[23:25], text[25:27])
    if month is None or not all(d.isdigit() for d in digits):
        return None
    day, year, hour, minute, second, zh, zm = (int(d) for d in digits)
    try:
        offset = timedelta(hours=zh, minutes=zm) * (-1 if text[22:23] == b"-" else 1)
        when = datetime(year, month, day, hour, minute, second, tzinfo=timezone(offset))
    except (ValueError, OverflowError):
        return None
    return int(when.timestamp())
