"""Driving one or more replays through time: play, pause, and scrub to any time.

Why a separate, pure class: the replay and compare screens move time the same way, and a seek
must never freeze the screen. A state cannot be restored (the engine's processes are Python
generators), so going back means starting again from zero and re-simulating forward; the whole
of level 8 takes several seconds. :class:`Scrubber` therefore only *sets* a target, and the
screen's timer calls :meth:`Scrubber.work` with a small compute budget until the target is
reached, redrawing as the charts fill in. Tests call :meth:`Scrubber.finish` to get there at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from scaleout_tui.recording import Replay
from scaleout_tui.ui.clock import MAX_BUDGET, GameClock, run_max

#: Simulated seconds per step while seeking (each step re-checks the compute budget).
SEEK_STEP = 5.0


class Scrubber:
    """The replays move together. The first one sets the time: the others are brought to it
    (by :meth:`work`, as for any seek) if they are elsewhere."""

    def __init__(self, replays: Sequence[Replay]) -> None:
        self.replays = list(replays)
        self.target: float | None = None
        lead = self.replays[0].now
        for r in self.replays[1:]:
            if r.now > lead + 1e-9:
                r.seek(0.0)
        if self.now < lead - 1e-9:
            self.target = lead

    @property
    def now(self) -> float:
        """The time of the replay furthest behind (all of them, once a seek is done)."""
        return min(r.now for r in self.replays)

    @property
    def end(self) -> float:
        """The first time at which one of the replays has nothing more to play."""
        return min(r.end for r in self.replays)

    @property
    def at_end(self) -> bool:
        return self.now >= self.end - 1e-9

    @property
    def seeking(self) -> bool:
        return self.target is not None

    def seek(self, t: float) -> None:
        """Aim at time ``t`` (clamped to the replays). Going back restarts them at zero now;
        the way forward is made by :meth:`work` or :meth:`finish`."""
        t = max(0.0, min(t, self.end))
        if t < self.now - 1e-9:
            for r in self.replays:
                r.seek(0.0)
        self.target = t if t > self.now + 1e-9 else None

    def _step(self, seconds: float) -> None:
        assert self.target is not None
        to = min(self.now + seconds, self.target)
        for r in self.replays:
            if r.now < to - 1e-9:
                r.seek(to)
        if self.now >= self.target - 1e-9:
            self.target = None

    def work(self, now: Callable[[], float], budget: float = MAX_BUDGET) -> None:
        """Move towards the target for about ``budget`` wall seconds."""
        if self.target is not None:
            run_max(self._step, lambda: self.target is None, now, budget, SEEK_STEP)

    def finish(self) -> None:
        """Reach the target now, however long it takes (tests, the manual clock)."""
        if self.target is not None:
            self._step(self.target - self.now)

    def play(self, clock: GameClock, elapsed: float, now: Callable[[], float]) -> None:
        """Play at the clock's speed for ``elapsed`` wall seconds (nothing while paused)."""
        if clock.paused or self.at_end:
            return
        if clock.speed is None:
            run_max(self.advance, lambda: self.at_end, now)
        else:
            owed = clock.owed(elapsed)
            if owed > 0:
                before = self.now
                self.advance(owed)
                clock.paid(self.now - before)

    def advance(self, seconds: float) -> None:
        to = min(self.now + seconds, self.end)
        for r in self.replays:
            if r.now < to - 1e-9:
                r.seek(to)
