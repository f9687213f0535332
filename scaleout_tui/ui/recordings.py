"""Where the game keeps its recordings, and how it names and lists them.

Every run played on screen is recorded into ``recordings/`` in the game's data folder (the
progress file's folder: ``$SCALEOUT_HOME`` or the user-data folder), one file per run, named
after the level, the kind of run and the wall-clock time it started, so a listing sorted by
name within a level is also sorted by time.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass
from pathlib import Path

from scaleout_tui.content.paths import find_level
from scaleout_tui.content.schema import Level
from scaleout_tui.game.session import Session
from scaleout_tui.home import data_dir
from scaleout_tui.recording import Recorder, header_for

FOLDER = "recordings"
SUFFIX = ".jsonl"


def folder() -> Path:
    return data_dir() / FOLDER


#: the wall clock a file name is stamped with (a test that shows a name sets its own)
utc_now = time.gmtime


def new_path(level_id: str, kind: str = "play") -> Path:
    """A fresh file name: ``03-load-balancer-play-20261122-203501.jsonl`` (``-2`` ... if taken).
    Creates the recordings folder on first use (the game owns it; a :class:`Recorder` creates no
    folder). Raises ``OSError`` when it cannot be created."""
    stamp = time.strftime("%Y%m%d-%H%M%S", utc_now())
    home = folder()
    home.mkdir(parents=True, exist_ok=True)
    base = home / f"{level_id}-{kind}-{stamp}"
    path = base.with_suffix(SUFFIX)
    n = 2
    while path.exists():
        path = Path(f"{base}-{n}{SUFFIX}")
        n += 1
    return path


def level_file(level: Level) -> Path:
    return find_level(level.id)


def start(session: Session, kind: str = "play") -> Recorder:
    """Start recording ``session`` (before its first tick) into a new file; the recorder is
    attached to the session. Raises ``OSError`` or the content layer's error when the file
    cannot be created or the level's file cannot be found; a later write error only stops the
    recording (``recorder.error``)."""
    recorder = Recorder(new_path(session.level.id, kind), header_for(session, level_file(session.level)),
                        strict=False)
    session.listeners.append(recorder)
    return recorder


@dataclass(frozen=True, slots=True)
class Listed:
    path: Path
    level_id: str
    size: int


def listing(level_id: str | None = None) -> list[Listed]:
    """The recordings in the folder, newest first (by file time), optionally of one level only.
    The level is read from the file name, so listing never opens a file."""
    try:
        files = [p for p in folder().glob(f"*{SUFFIX}") if p.is_file()]
    except OSError:
        return []
    out = []
    for p in sorted(files, key=lambda p: (p.stat().st_mtime, p.name), reverse=True):
        level = p.name.split("-play-")[0].split("-takeover-")[0].removesuffix(SUFFIX)
        if level_id is None or level == level_id:
            out.append(Listed(p, level, p.stat().st_size))
    return out


def kept_if_left(session: Session) -> bool:
    """Whether leaving ``session`` now keeps its recording: once the clock has run or the player
    has changed something (a knob, a drill), the file stays, without a report."""
    return session.now > 0.0 or bool(session.history)


def shown_path(path: Path) -> str:
    """A recording's path as a player is told it: from the data folder's name on when it is in
    it (``recordings/01-single-server-play-….jsonl``), else whole."""
    try:
        return str(path.relative_to(folder().parent))
    except ValueError:
        return str(path)


def discard_if_unplayed(recorder: Recorder, session: Session) -> None:
    """Close ``recorder``; if the run never started (the player looked at the board and left),
    remove its file: a recording of nothing is clutter in the list."""
    recorder.close()
    if not kept_if_left(session):
        with contextlib.suppress(OSError):
            recorder.path.unlink()
