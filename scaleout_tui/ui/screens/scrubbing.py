"""The time controls shared by the replay and compare screens, over a :class:`Scrubber`.

Both screens play recordings rather than a live game, so their keys mean the same: space
play/pause (at the end: play again from the start), ``1``-``4`` speed, ←/→ and [/] scrub,
Home/End. A timer callback either works towards a scrub target within a small budget or plays at
the clock's speed; with the manual clock (tests) a seek completes at once.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding, BindingType
from textual.screen import Screen

from scaleout_tui.ui import texts
from scaleout_tui.ui.clock import REFRESH_INTERVAL, SPEEDS, GameClock
from scaleout_tui.ui.scrub import Scrubber
from scaleout_tui.ui.widgets.clockbar import ClockBar, ClockData


class ScrubControls(Screen[None]):
    """A base for a screen that has ``scrubber``, ``clock``, ``manual_clock``, ``_last_wall``,
    ``_last_refresh``, ``refresh_view()`` and ``clock_data()``; put it first among the bases so
    its actions win (the replay screen is also a play screen)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # One footer entry for both ("←→ ±30s"): at 80 columns the replay's footer has no room for
        # two once it shows the speeds too.
        Binding("left", "scrub(-30)", texts.KEY_SCRUB_BOTH, priority=True,
                key_display=texts.KEY_SCRUB_BOTH_DISPLAY),
        Binding("right", "scrub(30)", texts.KEY_SCRUB_FORWARD, priority=True, show=False),
        Binding("left_square_bracket", "scrub(-300)", texts.KEY_SCRUB_BACK_FAR, show=False),
        Binding("right_square_bracket", "scrub(300)", texts.KEY_SCRUB_FORWARD_FAR, show=False),
        Binding("home", "seek(0)", texts.KEY_SCRUB_START, show=False),
        Binding("end", "seek(-1)", texts.KEY_SCRUB_END, show=False),
    ]

    scrubber: Scrubber
    clock: GameClock
    manual_clock: bool
    _last_wall: float | None
    _last_refresh: float

    if TYPE_CHECKING:  # provided by the screen; not defined here, so super() reaches them
        def refresh_view(self, charts: tuple[str, ...] = ...) -> None: ...

        def clock_data(self) -> ClockData: ...

    def _moved(self) -> None:
        """Called after the replays moved (a restart may have replaced their sessions)."""

    def _on_tick(self) -> None:
        if not self.is_attached:
            return
        now = time.perf_counter()
        last, self._last_wall = self._last_wall, now
        if not self.is_active:
            return
        seeking = self.scrubber.seeking
        if seeking:
            self.scrubber.work(time.perf_counter)
        else:
            self.scrubber.play(self.clock, now - last if last is not None else 0.0, time.perf_counter)
        self._moved()
        if (seeking and not self.scrubber.seeking) or now - self._last_refresh >= REFRESH_INTERVAL:
            self._last_refresh = now
            self.refresh_view()

    def advance(self, seconds: float) -> None:
        """Play ``seconds`` of the recordings now (tests, manual clock)."""
        self.scrubber.advance(seconds)
        self._moved()
        self.refresh_view()

    def seek(self, t: float) -> None:
        """Go to time ``t``: at once with the manual clock, a slice per tick otherwise."""
        self.scrubber.seek(t)
        if self.manual_clock:
            self.scrubber.finish()
        self._moved()
        self.refresh_view()

    def action_toggle_pause(self) -> None:
        if self.scrubber.at_end and self.clock.paused:
            self.seek(0.0)  # play again from the start
        self.clock.toggle_pause()
        self._last_wall = None
        self.query_one(ClockBar).data = self.clock_data()
        if self.clock.paused:  # the board shows where it stopped, after the pause has shown
            self.call_after_refresh(self._refresh_if_attached)

    def _refresh_if_attached(self) -> None:
        if self.is_attached:
            self.refresh_view()

    def action_speed(self, index: int) -> None:
        if 0 <= index < len(SPEEDS):
            self.clock.set_speed(index)
            self.query_one(ClockBar).data = self.clock_data()

    def action_scrub(self, seconds: float) -> None:
        base = self.scrubber.target if self.scrubber.target is not None else self.scrubber.now
        self.seek(base + seconds)

    def action_seek(self, t: float) -> None:
        """Go to ``t``; a negative ``t`` is the end."""
        self.seek(self.scrubber.end if t < 0 else t)
