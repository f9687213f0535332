"""The player's campaign progress: which levels are won, with how many stars.

The file is versioned JSON, ``{"format": 1, "levels": {"01-single-server": {...}}}``, so
a later version of the game can migrate it instead of guessing. It lives in the player's
folder (:func:`scaleout_tui.home.data_dir`: the platform's user-data folder, or
``$SCALEOUT_HOME`` when that is set).

Reading is strict (msgspec Structs that forbid unknown fields, bounded numbers) because
a save that half-parses is worse than one that clearly fails: the game would carry a
wrong state forward and write it back. When the file is broken in any way (bad JSON,
wrong types, a format from a newer game) it is *moved aside*, never deleted, to
``progress.json.corrupt-<UTC timestamp>``; the game starts from fresh progress and
:meth:`Progress.load` returns a notice that names both files and the problem, so the UI
can tell the player where their old data went.

Saving goes through :mod:`scaleout_tui.persistence.atomic`, so a kill mid-save leaves
the previous file intact. Two game windows saving at once: the last save wins.
"""

from __future__ import annotations

import math
import os
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import msgspec

from scaleout_tui import texts
from scaleout_tui.home import data_dir
from scaleout_tui.persistence.atomic import remove_stale_temps, write_bytes_atomic

#: 2 added ``language`` (format 1 files read as "no language chosen")
FORMAT = 2
FILE_NAME = "progress.json"
#: Eight levels' records take about 2 KB; even thousands of levels stay far below this. A larger
#: file is damage, and is not read into memory to find that out.
MAX_BYTES = 4 * 1024 * 1024
MAX_STARS = 3


LevelId = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Stars = Annotated[int, msgspec.Meta(ge=0, le=MAX_STARS)]
Count = Annotated[int, msgspec.Meta(ge=0)]
ObjectiveId = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
AwareTime = Annotated[datetime, msgspec.Meta(tz=True)]


class LevelRecord(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """What the player achieved on one level.

    ``best_values`` are the objective values of the *best run* (won beats lost, then
    more stars; a tie keeps the earlier run). Keeping one run's values, rather than
    the best of each objective separately, means the numbers shown together really
    happened together, and no per-objective "better" direction has to be known here.
    """

    won: bool = False
    best_stars: Stars = 0
    best_values: dict[ObjectiveId, float] = msgspec.field(default_factory=dict)
    plays: Count = 0
    last_played: AwareTime | None = None


Language = Annotated[str, msgspec.Meta(min_length=1, max_length=20)]


class ProgressFile(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The on-disk shape, format 2."""

    format: int
    levels: dict[LevelId, LevelRecord] = msgspec.field(default_factory=dict)
    #: the language the player chose in the game (``None``: never chose; ``--lang`` and the
    #: environment decide). A code the game does not speak is kept but ignored.
    language: Language | None = None


class ProgressError(ValueError):
    """The progress file is present but unusable; the message says why, for a player."""


def default_path() -> Path:
    return data_dir() / FILE_NAME


def _finite_check(pf: ProgressFile) -> None:
    # JSON cannot spell nan, but msgspec reads 1e999 as inf; objective values must be real numbers.
    for level_id, rec in pf.levels.items():
        for name, v in rec.best_values.items():
            if not math.isfinite(v):
                where = f"levels.{level_id}.best_values.{name}"
                raise ProgressError(texts.PROGRESS["not_finite"].format(where=where))


def decode(raw: bytes) -> ProgressFile:
    """Parse and validate a progress file's bytes, or raise :class:`ProgressError`.

    The format number is checked before the full decode, so a file from a newer game
    is reported as such rather than as whatever field it happens to add first.
    """
    raw = raw.removeprefix(b"\xef\xbb\xbf")  # a BOM some Windows editors add on saving: not damage
    try:
        loose: Any = msgspec.json.decode(raw)
    except msgspec.DecodeError as e:  # also covers bytes that are not UTF-8
        raise ProgressError(str(e)) from e
    except RecursionError:  # a file nested a thousand deep: no progress file nests past four
        raise ProgressError(texts.PROGRESS["too_deep"]) from None
    fmt = loose.get("format") if isinstance(loose, dict) else None
    if not isinstance(fmt, int) or isinstance(fmt, bool) or fmt < 1:
        raise ProgressError(texts.PROGRESS["bad_format"])
    if fmt > FORMAT:
        raise ProgressError(texts.PROGRESS["future_format"].format(found=fmt, ours=FORMAT))
    try:
        pf = msgspec.json.decode(raw, type=ProgressFile, strict=True)
    except msgspec.ValidationError as e:
        raise ProgressError(str(e)) from e
    except RecursionError:
        raise ProgressError(texts.PROGRESS["too_deep"]) from None
    _finite_check(pf)
    return pf


def encode(pf: ProgressFile) -> bytes:
    """Pretty JSON (a player may want to read or back up the file), ending in a newline."""
    return msgspec.json.format(msgspec.json.encode(pf), indent=2) + b"\n"


def _aside_path(path: Path, now: datetime) -> Path:
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    candidate = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
        n += 1
    return candidate


@dataclass
class Progress:
    """Campaign progress in memory, bound to the file it came from (or will go to)."""

    path: Path
    levels: dict[str, LevelRecord] = field(default_factory=dict)
    language: str | None = None

    # ---- loading and saving --------------------------------------------------------------
    @classmethod
    def load(cls, path: Path | str | None = None) -> tuple[Progress, str | None]:
        """Read progress from ``path`` (default: :func:`default_path`).

        Returns the progress and a notice for the player, or ``None`` when all went well.
        A missing file is not a problem: it is a new player. A broken file is moved
        aside and fresh progress returned.
        """
        p = Path(path) if path is not None else default_path()
        remove_stale_temps(p)
        try:
            info = p.stat()
            if not stat.S_ISREG(info.st_mode):  # a FIFO left the game on a blank screen for ever
                return cls._recover(p, texts.PROGRESS["not_a_file"])
            if info.st_size > MAX_BYTES:
                return cls._recover(p, texts.PROGRESS["too_big"].format(size=info.st_size, limit=MAX_BYTES))
            raw = p.read_bytes()
        except FileNotFoundError:
            return cls(p), None
        except OSError as e:
            return cls._recover(p, e.strerror or str(e))
        try:
            pf = decode(raw)
        except ProgressError as e:
            return cls._recover(p, str(e))
        return cls(p, dict(pf.levels), pf.language), None

    @classmethod
    def _recover(cls, p: Path, problem: str) -> tuple[Progress, str]:
        now = datetime.now(UTC)
        if p.exists():
            aside = _aside_path(p, now)
            try:
                os.replace(p, aside)
            except OSError as e:
                return cls(p), texts.PROGRESS["not_moved"].format(path=p, problem=problem,
                                                                  error=e.strerror or e)
            return cls(p), texts.PROGRESS["moved_aside"].format(path=p, problem=problem, aside=aside)
        return cls(p), texts.PROGRESS["unreadable"].format(path=p, problem=problem)  # pragma: no cover

    def save(self) -> None:
        """Write the file atomically, creating its folder. Raises ``OSError`` on failure."""
        write_bytes_atomic(self.path, encode(ProgressFile(format=FORMAT, levels=self.levels,
                                                          language=self.language)))

    @staticmethod
    def saved_language(path: Path | str | None = None) -> str | None:
        """The language saved in the progress file, or ``None``, without touching the file: the
        command line reads it on every start, and only the game moves a broken file aside."""
        p = Path(path) if path is not None else default_path()
        try:
            if not p.is_file() or p.stat().st_size > MAX_BYTES:
                return None
            return decode(p.read_bytes()).language
        except (OSError, ProgressError):
            return None

    # ---- updating ------------------------------------------------------------------------
    def record(self, level_id: str, won: bool, stars: int, values: Mapping[str, float],
               when: datetime | None = None) -> bool:
        """Note the end of a run. Returns ``True`` if it is the level's new best run.

        Non-finite values (a p95 of a run that completed no request is ``nan``) are left
        out of ``best_values``: the file stays plain JSON and a missing value reads as
        "no data", which is what it is.
        """
        if not level_id:
            raise ValueError("level_id must not be empty")
        if not 0 <= stars <= MAX_STARS:
            raise ValueError(f"stars must be within 0..{MAX_STARS}, not {stars}")
        stamp = when or datetime.now(UTC)
        if stamp.tzinfo is None:
            raise ValueError("when must be timezone-aware")
        rec = self.levels.get(level_id)
        if rec is None:
            rec = self.levels[level_id] = LevelRecord()
        rec.plays += 1
        rec.last_played = stamp
        better = rec.plays == 1 or (bool(won), stars) > (rec.won, rec.best_stars)
        if better:
            rec.won = rec.won or bool(won)
            rec.best_stars = stars
            rec.best_values = {k: float(v) for k, v in values.items() if math.isfinite(v)}
        return better

    # ---- queries -------------------------------------------------------------------------
    def level(self, level_id: str) -> LevelRecord | None:
        return self.levels.get(level_id)

    def stars(self, level_id: str) -> int:
        """Best stars earned on a level (0 if never played)."""
        rec = self.levels.get(level_id)
        return rec.best_stars if rec else 0

    def won(self, level_id: str) -> bool:
        rec = self.levels.get(level_id)
        return bool(rec and rec.won)

    def total_stars(self) -> int:
        return sum(r.best_stars for r in self.levels.values())

    def is_unlocked(self, level_id: str, order_of_levels: Sequence[str]) -> bool:
        """The first level is always open; any other opens once the one before it is won.

        A level the player has already won stays open even if a newer campaign order
        puts it behind one they have not won: taking away earned access would feel
        like a bug.
        """
        try:
            i = list(order_of_levels).index(level_id)
        except ValueError:
            raise ValueError(f"{level_id!r} is not in the campaign order") from None
        return i == 0 or self.won(level_id) or self.won(order_of_levels[i - 1])
