"""How far a headless run has come, told a few times a second (issue 15).

Why: ``scaleout run`` on a long level, a take-over replay or a grade over many seeds can take
minutes of silence, and a user cannot tell a slow run from a hung one. The session already
tells its listeners of every tick; this listener turns that into a call of ``report(done,
total)`` at most every ``every_s`` seconds of wall time, so the cost per tick is one clock read
and the caller (the command line) decides what to draw and where. The game layer writes no
progress text itself: the words belong to the command line.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scaleout_tui.game.session import Session

#: ``report(done, total)``: simulated seconds of one run, or runs of a grade.
Report = Callable[[float, float], None]

#: Wall seconds between two reports: often enough to look alive, rare enough to cost nothing.
EVERY_S = 0.25


class ProgressListener:
    """A session listener that reports the simulated time of its run, throttled by wall time."""

    def __init__(self, report: Report, every_s: float = EVERY_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.report = report
        self.every_s = every_s
        self.clock = clock
        self._next = clock() + every_s

    def command(self, t: float, name: str, value: str) -> None:
        """Commands do not move the clock: nothing to report."""

    def ticked(self, session: Session) -> None:
        now = self.clock()
        if now >= self._next:
            self._next = now + self.every_s
            self.report(session.sim.now, session.sim.config.duration_s)
