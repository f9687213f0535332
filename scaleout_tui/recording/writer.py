"""Write a recording as the run happens, one flushed line per event.

The :class:`Recorder` is a :class:`~scaleout_tui.game.session.SessionListener`: it is attached to
a session and hears every command and tick; the session never touches a file. Each line is
written and flushed at once (a crash or kill keeps every complete line); the file is *not*
fsynced per line, which would cost a disk flush per knob change for protection only against a
power cut.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import IO, Any

import msgspec

import scaleout_tui
from scaleout_tui import i18n
from scaleout_tui.game.session import Session
from scaleout_tui.recording.format import CHECKPOINT_S, FORMAT, Checkpoint, CommandLine, Header, SpeedLine


def level_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def header_for(session: Session, level_path: Path, schedule: list[tuple[float, str, str]] | None = None,
               *, checkpoint_s: float = CHECKPOINT_S, taken_over_from: str | None = None,
               taken_over_at: float | None = None) -> Header:
    """The header of a run of ``session`` (whose level was read from ``level_path``).

    ``schedule`` is the policy's timed changes (default: those the session still has to make,
    which before the first tick are all of them)."""
    return Header(format=FORMAT, game=scaleout_tui.__version__, level=session.level.id,
                  level_sha256=level_sha256(level_path), level_file=str(level_path.resolve()),
                  seed=session.seed,
                  tick_s=session.sim.config.tick_s, knobs=dict(session.start_knobs),
                  schedule=list(session.schedule if schedule is None else schedule),
                  checkpoint_s=checkpoint_s, taken_over_from=taken_over_from, taken_over_at=taken_over_at,
                  language=i18n.active())


def encode(line: msgspec.Struct | dict[str, Any]) -> str:
    """One line of JSON. The stdlib encoder, not msgspec's: a report can hold NaN (a latency
    with no request), which msgspec would turn into null and so change the report."""
    obj = msgspec.to_builtins(line) if isinstance(line, msgspec.Struct) else line
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


class Recorder:
    """Writes one run to ``path``: the header now, then every command, speed change and
    checkpoint as it happens, and the report at :meth:`finish`.

    ``prior`` lines (already encoded, without newlines) are written after the header: a take-over
    copies the commands and checkpoints of the run it continues. Raises ``OSError`` if the file
    cannot be created, and ``FileNotFoundError`` when its folder does not exist: the recorder
    creates no folder (a typo in ``--record`` must not make one; the game creates its own
    recordings folder, :func:`scaleout_tui.ui.recordings.new_path`). A write that fails later
    (a full disk) raises too, unless ``strict`` is off: then recording stops, :attr:`error` says
    why, and the run goes on (the game must not die because its recording cannot be written).
    """

    def __init__(self, path: Path | str, header: Header, prior: list[str] | None = None,
                 next_checkpoint: float | None = None, *, strict: bool = True) -> None:
        self.path = Path(path)
        self.strict = strict
        self.error: str | None = None
        self._file: IO[str] | None = self.path.open("w", encoding="utf-8", newline="\n")
        self.header = header
        self.step = header.checkpoint_s
        self.next_checkpoint = self.step if next_checkpoint is None else next_checkpoint
        self.lines = 0
        self._write(encode(header))
        for line in prior or []:
            self._write(line)

    def _write(self, text: str) -> None:
        if self._file is None:
            return
        try:
            self._file.write(text + "\n")
            self._file.flush()
        except OSError as e:
            if self.strict:
                raise
            self.error = e.strerror or str(e)
            self.close()
            return
        self.lines += 1

    # ---- SessionListener --------------------------------------------------------------------
    def command(self, t: float, name: str, value: str) -> None:
        self._write(encode(CommandLine(t=t, name=name, value=value)))

    def ticked(self, session: Session) -> None:
        now = session.now
        if now >= self.next_checkpoint - 1e-9:
            self._write(encode(Checkpoint(t=now, digest=session.sim.digest())))
            while self.next_checkpoint <= now + 1e-9:
                self.next_checkpoint += self.step

    # ---- the game's own lines ---------------------------------------------------------------
    def speed(self, t: float, speed: str) -> None:
        self._write(encode(SpeedLine(t=t, speed=speed)))

    def finish(self, report: dict[str, Any]) -> None:
        """Write the final report and close the file."""
        self._write(encode({"type": "report", "report": report}))
        self.close()

    def close(self) -> None:
        if self._file is not None:
            file, self._file = self._file, None
            try:
                file.close()
            except OSError:
                if self.strict:
                    raise

    @property
    def closed(self) -> bool:
        return self._file is None
