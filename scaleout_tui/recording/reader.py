"""Read a recording back, strictly but forgivingly.

Forgiving where a file is *expected* to be damaged: a run killed mid-write leaves its last line
cut short; every complete line before it is kept, and :attr:`Recording.cut` says what was lost.
Strict everywhere else: a corrupt line in the middle, a field of the wrong type, a recording from a
newer format or another game version stops the read with one line naming the file, the line and
the field (:class:`RecordingError`), never a traceback and never a replay that quietly goes wrong.
"""

from __future__ import annotations

import json
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

import scaleout_tui
from scaleout_tui import texts
from scaleout_tui.recording.format import FORMAT, Checkpoint, CommandLine, Header, Line, ReportLine, SpeedLine

#: The largest recording read. A whole day of commands and checksums is a few megabytes; the cap
#: keeps a stray multi-gigabyte file from being read into memory first and refused after.
MAX_BYTES = 64 * 1024 * 1024


class RecordingError(ValueError):
    """A recording that cannot be read or replayed; the message is one line for a person."""


@dataclass
class Recording:
    path: Path
    header: Header
    #: (line number, command) in file order
    commands: list[tuple[int, CommandLine]] = field(default_factory=list)
    speeds: list[tuple[int, SpeedLine]] = field(default_factory=list)
    checkpoints: list[tuple[int, Checkpoint]] = field(default_factory=list)
    report: dict[str, Any] | None = None
    report_line: int = 0
    #: how many complete lines were read
    lines: int = 0
    #: a note for the player when the last line was cut short (a killed run), else None
    cut: str | None = None
    #: the encoded text of each line, by number, for a take-over that copies a prefix
    raw: dict[int, str] = field(default_factory=dict)
    #: The run goes on to the level's end although no line says so. Why a flag: a file's run
    #: ends where its report is (a finished run) or at its last line (a run killed or left early),
    #: and a replay must not play past what was recorded. A recording made in memory from a
    #: policy (the reference solution, :mod:`~scaleout_tui.recording.reference`) has neither
    #: report nor checkpoints, yet nothing stops it early: its inputs (knobs and schedule) are
    #: all there, so the replay may simulate it to the end, as far as the viewer moves the clock.
    to_end: bool = False

    @property
    def end_t(self) -> float:
        """The last simulated time the file speaks of."""
        times = [c.t for _, c in self.commands] + [c.t for _, c in self.checkpoints]
        return max(times, default=0.0)


_PATH_RE = re.compile(r"\$\.?(\S*)")


def _field_error(path: Path, number: int, err: msgspec.ValidationError, kind: object) -> RecordingError:
    """``Expected `float`, got `str` - at `$.t``` → ``rec.jsonl:7: t: expected `float`, got `str```;
    a problem with the line as a whole is named by its type (``header: object missing …``)."""
    msg = str(err)
    reason, _, where = msg.partition(" - at ")
    m = _PATH_RE.search(where.strip("`"))
    name = (m.group(1) if m else "") or (kind if isinstance(kind, str) else "line")
    reason = reason[:1].lower() + reason[1:]
    return RecordingError(texts.REC_FIELD.format(path=path, line=number, field=name, reason=reason))


def _check_format(path: Path, obj: dict[str, Any]) -> None:
    got = obj.get("format")
    if isinstance(got, int) and not isinstance(got, bool) and got != FORMAT:
        template = texts.REC_FUTURE_FORMAT if got > FORMAT else texts.REC_OLD_FORMAT
        raise RecordingError(template.format(path=path, got=got, known=FORMAT))


def read_recording(path: Path | str, *, check_game: bool = True) -> Recording:
    """Read ``path``. Raises :class:`RecordingError` with a one-line message."""
    path = Path(path)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a FIFO would block for ever, /dev/zero never end
            raise RecordingError(texts.REC_NOT_A_FILE.format(path=path))
        if info.st_size > MAX_BYTES:
            raise RecordingError(texts.REC_TOO_BIG.format(path=path, size=info.st_size, limit=MAX_BYTES))
        data = path.read_bytes()
    except OSError as e:
        raise RecordingError(texts.REC_CANNOT_READ.format(path=path, reason=e.strerror or e)) from None
    if not data.strip():
        raise RecordingError(texts.REC_EMPTY.format(path=path))
    chunks = data.split(b"\n")
    # Every line is written with its newline; text after the last newline is a line being
    # written when the run stopped. It is dropped even if it happens to parse.
    tail = chunks.pop()
    rec: Recording | None = None
    last_t = 0.0
    for number, chunk in enumerate(chunks, start=1):
        try:
            text = chunk.decode("utf-8")
            obj = json.loads(text)
            if not isinstance(obj, dict):
                raise ValueError(f"found {type(obj).__name__}")
        except RecursionError:  # thousands of nested brackets: no line of ours nests past three
            raise RecordingError(texts.REC_NOT_JSON.format(path=path, line=number,
                                                           reason=texts.REC_TOO_DEEP)) from None
        except (UnicodeDecodeError, ValueError) as e:
            reason = e.msg if isinstance(e, json.JSONDecodeError) else str(e)
            raise RecordingError(texts.REC_NOT_JSON.format(path=path, line=number, reason=reason)) from None
        if number == 1:
            if obj.get("type") != "header":
                raise RecordingError(texts.REC_FIRST_NOT_HEADER.format(path=path, got=obj.get("type")))
            _check_format(path, obj)
        try:
            line = msgspec.convert(obj, type=Line)
        except msgspec.ValidationError as e:
            raise _field_error(path, number, e, obj.get("type")) from None
        if rec is None:
            assert isinstance(line, Header)
            if check_game and line.game != scaleout_tui.__version__:
                raise RecordingError(texts.REC_OTHER_GAME.format(path=path, got=line.game,
                                                                 have=scaleout_tui.__version__))
            rec = Recording(path, line)
        elif isinstance(line, Header):
            raise RecordingError(texts.REC_SECOND_HEADER.format(path=path, line=number))
        elif rec.report is not None:
            raise RecordingError(texts.REC_AFTER_REPORT.format(path=path, line=number))
        elif isinstance(line, ReportLine):
            rec.report, rec.report_line = line.report, number
        else:
            if line.t < last_t - 1e-9:
                raise RecordingError(texts.REC_TIME_BACKWARDS.format(path=path, line=number, t=line.t,
                                                                     before=last_t))
            last_t = line.t
            if isinstance(line, CommandLine):
                rec.commands.append((number, line))
            elif isinstance(line, SpeedLine):
                rec.speeds.append((number, line))
            else:
                rec.checkpoints.append((number, line))
        rec.raw[number] = text
        rec.lines = number
    if rec is None:  # only a cut first line
        raise RecordingError(texts.REC_CUT.format(path=path, line=1, kept=0))
    if tail.strip():
        rec.cut = texts.REC_CUT.format(path=path, line=rec.lines + 1, kept=rec.lines)
    return rec
