"""The game clock: how much simulated time each wall-clock callback should advance.

Why a separate, pure class: the play screen's timer is the only place where wall time
touches the game, and wall time is what makes UI tests flaky. Keeping the arithmetic
here (speed, pause, the debt carried between callbacks, the compute budget at "max")
lets tests check it with made-up elapsed times, and lets the screen stay a thin loop.

The engine advances in whole ticks (50-100 ms of simulated time), so asking it for
0.05 s at 1× would run a full tick and make 1× run at 2×. The clock therefore keeps a
*debt*: what it owes the simulation, minus what the simulation really advanced
(which may overshoot by part of a tick). The debt stays within one tick, so every
speed is exact on average.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

#: Simulated seconds per wall second for each speed; ``None`` is "as fast as possible".
SPEEDS: tuple[float | None, ...] = (1.0, 10.0, 60.0, None)
#: The speed a run starts at, an index into SPEEDS (10×: a ten-minute level plays in about a minute).
DEFAULT_SPEED = 1
#: Wall seconds between clock callbacks in normal mode.
TICK_INTERVAL = 1 / 20
#: Wall seconds between view refreshes: about 4 Hz leaves the CPU to the simulation (``bench/ui.py``).
REFRESH_INTERVAL = 0.25
#: Wall seconds between view refreshes at "max": in fast-forward nobody reads a number that
#: changes four times a second, and every refresh of a big screen is CPU the simulation loses
#: (``bench/ui.py`` [1]); two a second keep the dashboard moving and halve that cost.
REFRESH_INTERVAL_MAX = 0.5
#: At "max", the compute each slice may spend advancing the simulation, in wall seconds
#: (at least: see :func:`max_budget`).
MAX_BUDGET = 0.035
#: At "max", the share of wall time the simulation keeps whatever the screen costs (the budget
#: of issue 7 is 80 % of its speed with no screen; the margin covers the callback's overhead).
MAX_SHARE = 0.85
#: At "max", the longest slice: a key pressed during one waits for it to end.
MAX_BUDGET_CAP = 0.25
#: At "max", the wall seconds left idle between two slices. Whatever is ready (a key, a paint,
#: the view's refresh) runs in the gap however long it takes; the gap itself is only the wait
#: for what is not ready yet, so it is kept short: 4 ms of every 35 ms slice cost 5-6 points of
#: the simulation's share (``bench/ui.py`` [1]), 1-2 ms cost about one.
MAX_GAP = 0.002
#: At "max", the size of one advance step, in simulated seconds.
MAX_STEP = 1.0
#: A callback that comes very late (the machine was busy, the laptop slept) must not make
#: the clock jump: it is treated as at most this many wall seconds.
MAX_ELAPSED = 0.25


@dataclass
class GameClock:
    """Speed and pause state, plus the simulated time owed to the session."""

    speed_index: int = 0
    paused: bool = False
    debt: float = 0.0

    @property
    def speed(self) -> float | None:
        return SPEEDS[self.speed_index]

    def set_speed(self, index: int) -> None:
        """Choose a speed; an unknown index is ignored (keys and commands share this)."""
        if 0 <= index < len(SPEEDS):
            self.speed_index = index
            self.debt = 0.0

    def toggle_pause(self) -> None:
        self.paused = not self.paused
        self.debt = 0.0

    def owed(self, elapsed: float) -> float:
        """Add ``elapsed`` wall seconds at the current speed; return the simulated time owed.

        Only meaningful for a finite speed; at "max" the screen uses :meth:`run_max`.
        """
        speed = self.speed
        if self.paused or speed is None:
            return 0.0
        self.debt += speed * min(max(elapsed, 0.0), MAX_ELAPSED)
        return self.debt

    def paid(self, advanced: float) -> None:
        """Record how far the simulation really advanced (it may overshoot by part of a tick)."""
        self.debt -= advanced

    def reset(self) -> None:
        self.debt = 0.0


def refresh_interval(speed: float | None) -> float:
    """Wall seconds between view refreshes at this speed (``None``: max)."""
    return REFRESH_INTERVAL_MAX if speed is None else REFRESH_INTERVAL


def max_budget(others: float) -> float:
    """The next slice at "max", given the wall time ``others`` spent since the last slice
    ended (painting the screen, keys, the view's refresh, the gap between slices).

    Why not a fixed slice: a fixed 35 ms of every 50 ms callback left the simulation at most
    70 % of the time, and a repaint of a big screen on a slow machine (tens of ms, several a
    second) took a good part of that as well (``bench/ui.py`` measured 25-40 %). A slice that
    pays back whatever else took the time keeps the simulation at ``MAX_SHARE`` of the wall
    time on any machine; the screen then simply refreshes less often where painting is dear.
    Never below ``MAX_BUDGET``, never above ``MAX_BUDGET_CAP``.
    """
    owed = max(others, 0.0) * MAX_SHARE / (1.0 - MAX_SHARE)
    return min(max(MAX_BUDGET, owed), MAX_BUDGET_CAP)


def run_max(advance: Callable[[float], None], finished: Callable[[], bool],
            now: Callable[[], float], budget: float = MAX_BUDGET, step: float = MAX_STEP) -> int:
    """Advance in ``step``-second slices until ``budget`` wall seconds are spent or the run ends.

    ``now`` is the wall clock (``time.perf_counter`` in the game, a fake in tests). At least
    one step is taken, so "max" always makes progress however slow the machine. Returns the
    number of steps taken.
    """
    start = now()
    steps = 0
    while not finished():
        advance(step)
        steps += 1
        if now() - start >= budget:
            break
    return steps
