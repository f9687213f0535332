"""Re-simulate a recording: seek to any time, check every checksum, take the run over.

Why re-simulate instead of storing states: the engine's control plane is SimPy processes, which
are Python generators and cannot be copied or pickled, so a state cannot be saved and restored.
The engine is deterministic, though, so the state at time T is the one reached by replaying the
recorded commands up to T. Seeking forward continues from the current state; seeking backward
starts again from zero (a whole level takes 1-5 s at full speed: see ``bench/replay_seek.py``).

A replay checks itself as it goes: each recorded checksum is compared with the replay's own at the
same tick, and a recorded command the replay refuses is reported, so a divergence is named with
the line where it shows, instead of surfacing as a different final score.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scaleout_tui import i18n, texts
from scaleout_tui.content.catalog import load_catalog_default
from scaleout_tui.content.errors import LevelError
from scaleout_tui.content.loader import load_level
from scaleout_tui.content.paths import find_level
from scaleout_tui.content.schema import Level
from scaleout_tui.engine import CommandError
from scaleout_tui.engine.instance import InstanceType
from scaleout_tui.game.headless import report
from scaleout_tui.game.session import Session
from scaleout_tui.game.texts import refusal
from scaleout_tui.recording.format import Checkpoint
from scaleout_tui.recording.reader import Recording, RecordingError, read_recording
from scaleout_tui.recording.writer import Recorder, header_for, level_sha256


@dataclass(frozen=True)
class ReplayMismatch:
    """Where a replay went another way than the recording."""

    line: int
    message: str


def apply_command(session: Session, name: str, value: str) -> None:
    """Give ``session`` a command as a recording names it. Raises :class:`CommandError`."""
    if name.startswith("inject."):
        session.inject(name.removeprefix("inject."), value)
    elif name == "repair":
        session.repair(value)
    else:
        session.set_knob(name, value)


def locate_level(rec: Recording) -> Path:
    """The level file the recording was made on: where it was read from if that file still has
    the recorded hash, else the level of that id in this game. Raises :class:`RecordingError`
    when neither matches (the level changed) or there is no such level."""
    h = rec.header
    candidates: list[Path] = []
    if h.level_file:
        candidates.append(Path(h.level_file))
    try:
        candidates.append(find_level(h.level))
    except LevelError as e:
        if not any(p.is_file() for p in candidates):
            raise RecordingError(texts.REC_NO_LEVEL.format(path=rec.path, reason=e.message)) from None
    existing = [p for p in candidates if p.is_file()]
    for p in existing:
        if level_sha256(p) == h.level_sha256:
            return p
    raise RecordingError(texts.REC_LEVEL_CHANGED.format(path=rec.path, level=existing[0]))


#: the parts of a report that are words in the language of the run (the rest are ids and numbers)
WORDS_IN_REPORT = ("debrief",)
WORDS_IN_OBJECTIVE = ("label",)


def without_words(report: dict[str, Any]) -> dict[str, Any]:
    """``report`` with its words blanked: what two runs in two languages must still agree on."""
    out: dict[str, Any] = {k: (None if k in WORDS_IN_REPORT else v) for k, v in report.items()}
    objectives = out.get("objectives")
    if isinstance(objectives, list):
        out["objectives"] = [{k: (None if k in WORDS_IN_OBJECTIVE else v) for k, v in o.items()}
                             if isinstance(o, dict) else o for o in objectives]
    return out


def first_difference(a: Any, b: Any, where: str = "") -> str | None:
    """The path of the first value that differs between two reports (``summary.cost``)."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in list(a) + [k for k in b if k not in a]:
            sub = f"{where}.{key}" if where else str(key)
            if key not in a or key not in b:
                return sub
            found = first_difference(a[key], b[key], sub)
            if found:
                return found
        return None if list(a) == list(b) else (where or texts.REC_WHERE_KEY_ORDER)
    if isinstance(a, list) and isinstance(b, list):
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            found = first_difference(x, y, f"{where}[{i}]")
            if found:
                return found
        return None if len(a) == len(b) else f"{where} (length)"
    same = a == b or (isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b))
    return None if same and type(a) is type(b) else (where or texts.REC_WHERE_REPORT)


class _Verifier:
    """A session listener that compares the replay's checksums with the recorded ones."""

    def __init__(self, replay: Replay, checkpoints: list[tuple[int, Checkpoint]]) -> None:
        self.replay = replay
        self.checkpoints = checkpoints
        self.index = 0
        self.matched = 0

    def command(self, t: float, name: str, value: str) -> None:
        pass

    def ticked(self, session: Session) -> None:
        now = session.now
        path = self.replay.recording.path
        while self.index < len(self.checkpoints) and self.checkpoints[self.index][1].t <= now + 1e-9:
            number, cp = self.checkpoints[self.index]
            self.index += 1
            if abs(cp.t - now) > 1e-9:
                missed = texts.REC_CHECKPOINT_MISSED.format(path=path, line=number, t=cp.t)
                self.replay.mismatch(number, missed)
            elif cp.digest != session.sim.digest():
                self.replay.mismatch(number, texts.REC_CHECKSUM.format(path=path, line=number, t=cp.t))
            else:
                self.matched += 1


class Replay:
    """A recording being re-simulated. :attr:`session` is the live session at :attr:`now`."""

    def __init__(self, recording: Recording, level: Level, catalog: Mapping[str, InstanceType],
                 level_path: Path) -> None:
        self.recording = recording
        self.level = level
        self.catalog = catalog
        self.level_path = level_path
        self.mismatches: list[ReplayMismatch] = []
        self._start()

    def _start(self) -> None:
        h = self.recording.header
        self.session = Session(self.level, self.catalog, h.seed, dict(h.knobs), list(h.schedule))
        self._next = 0
        self._verifier = _Verifier(self, self.recording.checkpoints)
        self.session.listeners.append(self._verifier)

    def mismatch(self, line: int, message: str) -> None:
        self.mismatches.append(ReplayMismatch(line, message))

    @property
    def now(self) -> float:
        return self.session.now

    @property
    def duration(self) -> float:
        return self.session.sim.config.duration_s

    @property
    def end(self) -> float:
        """Where the recording stops: the level's end if it has its report (or goes there by
        construction, :attr:`Recording.to_end`), else its last line."""
        if self.recording.report is not None or self.recording.to_end:
            return self.duration
        return min(self.recording.end_t, self.duration)

    @property
    def checksums_matched(self) -> int:
        return self._verifier.matched

    @property
    def commands_applied(self) -> int:
        return self._next

    def seek(self, t: float) -> None:
        """Bring the session to time ``t`` (clamped to the run), applying every recorded command
        at or before it. Backward means starting again from zero."""
        t = max(0.0, min(t, self.duration))
        if t < self.session.now - 1e-9:
            self._start()
        commands = self.recording.commands
        while self._next < len(commands) and commands[self._next][1].t <= t + 1e-9:
            number, c = commands[self._next]
            if c.t > self.session.now:
                self.session.advance(c.t - self.session.now)
            self._next += 1
            try:
                apply_command(self.session, c.name, c.value)
            except CommandError as e:
                self.mismatch(number, texts.REC_COMMAND_REFUSED.format(
                    path=self.recording.path, line=number, name=c.name, value=c.value, reason=refusal(e)))
        if t > self.session.now:
            self.session.advance(t - self.session.now)

    def advance(self, seconds: float) -> None:
        self.seek(self.session.now + seconds)

    def run(self) -> dict[str, Any]:
        """Replay to the end and return the report; a difference from the recorded report is a
        mismatch."""
        self.seek(self.duration)
        result = report(self.session, self.session.result())
        recorded = self.recording.report
        if recorded is not None:
            same_words = (self.recording.header.language or i18n.SOURCE) == i18n.active()
            # played in another language: the words differ, the run must not
            mine, theirs = ((result, recorded) if same_words
                            else (without_words(result), without_words(recorded)))
            where = first_difference(mine, theirs)
            if where is None and same_words and json.dumps(result) != json.dumps(recorded):
                where = texts.REC_WHERE_JSON_TEXT
            if where is not None:
                self.mismatch(self.recording.report_line, texts.REC_REPORT_DIFFERS.format(
                    path=self.recording.path, line=self.recording.report_line, where=where))
        return result

    def take_over(self, path: Path | str) -> Recorder:
        """Stop following the recording at :attr:`now` and record from here on into ``path``.

        The new recording starts with this one's header (the policy's changes still to come are
        dropped: the player now drives), commands and checksums up to now, so replaying it, or a
        fresh run given the same commands, reproduces the taken-over run exactly. The returned
        recorder is attached to :attr:`session`; give it the commands from here on through the
        session, and :meth:`Recorder.finish` with the report at the end.
        """
        rec = self.recording
        now = self.session.now
        self.session.listeners.remove(self._verifier)
        remaining = len(self.session.schedule)
        applied = rec.header.schedule[: len(rec.header.schedule) - remaining]
        self.session.drop_schedule()
        header = header_for(self.session, self.level_path, applied, checkpoint_s=rec.header.checkpoint_s,
                            taken_over_from=rec.path.name, taken_over_at=now)
        taken = {n for n, _ in rec.commands[: self._next]}
        taken |= {n for n, c in rec.checkpoints if c.t <= now + 1e-9}
        taken |= {n for n, s in rec.speeds if s.t <= now + 1e-9}
        prior = [rec.raw[n] for n in sorted(taken)]
        step = rec.header.checkpoint_s
        recorder = Recorder(path, header, prior, next_checkpoint=(math.floor(now / step + 1e-9) + 1) * step)
        self.session.listeners.append(recorder)
        return recorder


def open_replay(path: Path | str, catalog: Mapping[str, InstanceType] | None = None) -> Replay:
    """Read a recording and prepare its replay at t=0. Raises :class:`RecordingError` (one line)
    for a file that cannot be read, another game version or a changed level."""
    rec = read_recording(path)
    level_path = locate_level(rec)
    try:
        level = load_level(level_path)
    except LevelError as e:
        raise RecordingError(texts.REC_NO_LEVEL.format(path=rec.path, reason=e)) from None
    try:
        replay = Replay(rec, level, catalog if catalog is not None else load_catalog_default(), level_path)
    except CommandError as e:
        raise RecordingError(texts.REC_FIELD.format(path=rec.path, line=1, field="knobs",
                                                    reason=refusal(e))) from None
    if abs(replay.session.sim.config.tick_s - rec.header.tick_s) > 1e-12:
        raise RecordingError(texts.REC_FIELD.format(path=rec.path, line=1, field="tick_s",
                                                    reason=texts.REC_TICK_DIFFERS.format(
                                                        recorded=rec.header.tick_s,
                                                        level=replay.session.sim.config.tick_s)))
    return replay
