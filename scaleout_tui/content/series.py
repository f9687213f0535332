"""A per-second rate series and its text format, ``scaleout-rate 1``.

Why a format of our own, and this one: a rate series is the one thing an access log and a
synthetic trace have in common (requests per second, nothing about who or what), it diffs and
greps as text, and a person can read or hand-write one. The format::

    scaleout-rate 1
    # start: 1995-07-01T04:00:00Z      (comments: any line starting with '#')
    # source: access.log.gz, 3000 lines, 12 junk
    12
    15
    0

Line 1 is the magic word and the version. Every other line is blank, a comment, or one number:
the requests in the next second (second 0 first). Numbers are non-negative and finite; a scaled
series may have decimals. A reader refuses a newer version and names the file and the line of
any bad value.

Using a series: :meth:`RateSeries.compressed` plays ``K`` seconds of the trace in one second of
the run, keeping the *rate* (a day compressed 96 times is a 15-minute run at the day's rates);
:meth:`RateSeries.scaled` multiplies the rate. :meth:`RateSeries.curve` is the result as the
engine's piecewise-linear curve, one point per second.

Why in content: levels (``[traffic.series]``) and the scenario library read series as they read
any other content file, with the same errors; the access-log importer (:mod:`scaleout_tui.traces`)
writes them.
"""

from __future__ import annotations

import math
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from scaleout_tui import texts
from scaleout_tui.content.errors import LevelError

F64 = npt.NDArray[np.float64]

MAGIC = "scaleout-rate"
VERSION = 1
#: the largest series a file may hold: 92 days of seconds (the NASA 1995 logs span two months)
MAX_SECONDS = 92 * 86_400
#: the largest rate a second may have (the level format's bound on a curve point)
MAX_RATE = 1e6
#: the largest series file read: every one of MAX_SECONDS lines holding a long decimal
MAX_FILE_BYTES = MAX_SECONDS * 24


@dataclass(frozen=True)
class RateSeries:
    """Requests per second, one value per second from second 0."""

    values: F64
    #: free-form lines kept as ``# ...`` comments when the series is written
    notes: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.values.ndim != 1 or self.values.size == 0:
            raise ValueError("a rate series has at least one second")

    @property
    def seconds(self) -> int:
        return int(self.values.size)

    @property
    def mean(self) -> float:
        return float(self.values.mean())

    @property
    def peak(self) -> float:
        return float(self.values.max())

    def scaled(self, factor: float) -> RateSeries:
        """Every rate times ``factor``."""
        return RateSeries(self.values * factor, self.notes)

    def compressed(self, k: float) -> RateSeries:
        """``k`` trace seconds per run second, each run second the *mean* rate of its ``k``.

        Averaging (not sampling) keeps the mean rate exact whatever ``k`` is, and keeps a burst
        shorter than ``k`` seconds as part of its second instead of dropping or inflating it.
        ``k < 1`` slows the trace down (each trace second lasts ``1/k`` run seconds).
        """
        if not (k > 0 and math.isfinite(k)):
            raise ValueError(f"compress must be a positive number, got {k}")
        if k == 1:
            return self
        n = self.seconds
        cum = np.concatenate(([0.0], np.cumsum(self.values)))  # integral of the step function
        m = max(1, math.ceil(n / k - 1e-9))
        edges = np.minimum(np.arange(m + 1) * k, n)
        area = np.diff(np.interp(edges, np.arange(n + 1), cum))
        width = np.diff(edges)
        return RateSeries(area / np.where(width > 0, width, 1.0), self.notes)

    def normalised(self) -> RateSeries:
        """The shape: every rate over the mean (mean 1), for use as a multiplier."""
        mean = self.mean
        return RateSeries(self.values / mean if mean > 0 else np.ones_like(self.values), self.notes)

    def curve(self) -> tuple[tuple[float, float], ...]:
        """The series as ``(second, rate)`` points for the engine's curve."""
        return tuple((float(i), float(v)) for i, v in enumerate(self.values))


def write_series(series: RateSeries, path: str | os.PathLike[str]) -> None:
    """Write ``series`` in ``scaleout-rate 1``; whole numbers without a decimal point."""
    lines = [f"{MAGIC} {VERSION}"]
    lines += [f"# {note}" for note in series.notes]
    for v in series.values.tolist():
        lines.append(str(int(v)) if float(v).is_integer() else f"{v:.6g}")
    out = Path(path)
    # the traces folder ($SCALEOUT_HOME/traces) does not exist until the first import
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _error(path: Path, message: str, line: int | None = None) -> LevelError:
    return LevelError(path, "", message, line)


def read_series(path: str | os.PathLike[str]) -> RateSeries:
    """Read a ``scaleout-rate`` file. Raises :class:`LevelError` (file and line) on a bad one."""
    p = Path(path)
    try:
        info = p.stat()
        if not stat.S_ISREG(info.st_mode):  # /dev/zero never ends, a FIFO blocks for ever
            raise _error(p, texts.NOT_A_FILE)
        if info.st_size > MAX_FILE_BYTES:
            raise _error(p, texts.TOO_LARGE.format(size=info.st_size, limit=MAX_FILE_BYTES))
        raw = p.read_bytes()
    except FileNotFoundError:
        raise _error(p, texts.NO_SUCH_FILE) from None
    except IsADirectoryError:
        raise _error(p, texts.NOT_A_FILE) from None
    except OSError as e:
        raise _error(p, texts.UNREADABLE.format(reason=e.strerror or e)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        at = raw.count(b"\n", 0, e.start) + 1
        raise _error(p, texts.NOT_UTF8.format(byte=raw[e.start], offset=e.start), at) from None
    lines = text.splitlines()
    head = lines[0].split() if lines else []
    if len(head) != 2 or head[0] != MAGIC:
        raise _error(p, texts.SERIES_MAGIC.format(magic=MAGIC, version=VERSION), 1)
    if head[1] != str(VERSION):
        raise _error(p, texts.SERIES_VERSION.format(got=head[1], version=VERSION), 1)
    values: list[float] = []
    notes: list[str] = []
    for no, line in enumerate(lines[1:], start=2):
        s = line.strip()
        if not s:
            continue
        if s.startswith("#"):
            notes.append(s[1:].strip())
            continue
        try:
            v = float(s)
        except ValueError:
            v = math.nan
        if not (math.isfinite(v) and 0 <= v <= MAX_RATE):
            raise _error(p, texts.SERIES_BAD_VALUE.format(got=s[:40], most=f"{MAX_RATE:,.0f}"), no)
        values.append(v)
        if len(values) > MAX_SECONDS:
            raise _error(p, texts.SERIES_TOO_LONG.format(most=MAX_SECONDS), no)
    if not values:
        raise _error(p, texts.SERIES_EMPTY)
    return RateSeries(np.asarray(values, dtype=float), tuple(notes))
