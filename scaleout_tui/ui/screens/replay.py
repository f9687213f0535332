"""The replay screen: a recorded run on the play screen's own widgets, at any speed, at any time.

It *is* a play screen (same layout, same snapshot rendering), driven by a
:class:`~scaleout_tui.recording.Replay` instead of the player: the policy panel shows the values
in force but cannot be changed, and the run is not recorded again. Time moves through a
:class:`~scaleout_tui.ui.scrub.Scrubber`: play/pause and the four speeds as in a game, ←/→ and
[/] to scrub by 30 s and 5 min, Home/End. A scrub back restarts the replay at zero and
re-simulates forward a slice per timer callback, so the screen stays live while it catches up.

**Take over** (``t``) hands the very session, at the time shown, to an ordinary play screen with
a new recording that starts with this one's commands; **compare** (``c``) opens another
recording of the same level side by side on the same charts.
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import Button, Footer, Select

from scaleout_tui.game.session import Result
from scaleout_tui.game.texts import clock
from scaleout_tui.recording import Recording, RecordingError, Replay, open_replay
from scaleout_tui.ui import recordings, texts
from scaleout_tui.ui.campaign import stars_text
from scaleout_tui.ui.clock import DEFAULT_SPEED
from scaleout_tui.ui.navigation import BackToMap
from scaleout_tui.ui.screens.play import CHARTS, PlayScreen
from scaleout_tui.ui.screens.scrubbing import ScrubControls
from scaleout_tui.ui.scrub import Scrubber
from scaleout_tui.ui.widgets.clockbar import ClockBar, ClockData
from scaleout_tui.ui.widgets.policy import PolicyPanel

#: Seconds of simulated time for ←/→ and [/].
SCRUB_S = 30.0
SCRUB_FAR_S = 300.0


def result_text(rec: Recording, result: Result | None = None) -> str:
    """How the recorded run ended, in a few words. A run made in memory (the reference
    solution) has no report but ran to the end: ``result`` is the replay's own result then."""
    report = rec.report
    if report is None and rec.to_end and result is not None:
        report = {"won": result.won, "stars": result.stars}
    if report is None:
        return texts.REPLAY_RESULT_CUT
    if report.get("won"):
        return texts.REPLAY_RESULT_WON.format(stars=stars_text(int(report.get("stars") or 0)))
    return texts.REPLAY_RESULT_LOST


class ReplayScreen(ScrubControls, PlayScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "take_over", texts.KEY_TAKE_OVER),
        Binding("c", "compare", texts.KEY_COMPARE),
    ]

    def __init__(self, replay: Replay, *, manual_clock: bool = False,
                 speed_index: int = DEFAULT_SPEED) -> None:
        super().__init__(replay.level, replay.catalog, seed=replay.recording.header.seed,
                         manual_clock=manual_clock, speed_index=speed_index, session=replay.session,
                         record=False)
        self.replay = replay
        # The drop-downs follow the recording (show_values); the Changed events that causes must
        # never be taken as the player's changes, or the replay would go another way.
        self.read_only = True
        self.scrubber = Scrubber([replay])
        self._shown_knobs: dict[str, str] = {}
        self._told_end = False
        self._told_mismatches = 0

    def on_mount(self) -> None:
        self._read_only()
        if self.replay.recording.cut:
            self.notify(self.replay.recording.cut, severity="warning", timeout=10)

    def redraw(self) -> None:
        super().redraw()
        self._read_only()

    def _read_only(self) -> None:
        # Read-only: the policy shows the recorded values; the drill cannot be used.
        for widget in [*self.query(Select), *self.query(PolicyPanel).first().query(Button)]:
            widget.disabled = True
        # The replay's keys (the game's, the scrub keys, take over, compare) fit 80 columns only
        # without the footer's spacing.
        for footer in self.query(Footer):
            footer.compact = True

    def on_screen_resume(self) -> None:
        self._moved()
        self.refresh_view()

    # ---- time -------------------------------------------------------------------------
    def _moved(self) -> None:
        """Follow the replay's session (a restart makes a new one)."""
        self.session = self.replay.session

    # ---- the view -----------------------------------------------------------------------
    def clock_label(self) -> str:
        """What the clock bar calls the run: a recording loaded from a file is named by it, so the
        player knows which of their runs this is."""
        return texts.REPLAY_CLOCK.format(order=self.level.order, title=self.level.title,
                                         file=self.replay.recording.path.name)

    def clock_data(self) -> ClockData:
        target = self.scrubber.target
        at_end = self.scrubber.at_end and target is None
        speed = texts.SPEED_NAMES[self.clock.speed_index]
        if target is not None:
            speed = texts.REPLAY_SEEKING.format(t=clock(target))
        return ClockData(
            level=self.clock_label(), t=self.session.now, duration=self.session.level.duration_s,
            paused=self.clock.paused and target is None, speed=speed, finished=at_end)

    def refresh_view(self, charts: tuple[str, ...] = CHARTS) -> None:
        super().refresh_view(charts)
        if self.session.knobs != self._shown_knobs:
            self._shown_knobs = dict(self.session.knobs)
            self.query_one(PolicyPanel).show_values(self.session.knobs)
        if self.scrubber.at_end and not self.scrubber.seeking:
            if not self.clock.paused:
                self.clock.toggle_pause()
                self.query_one(ClockBar).data = self.clock_data()
            if not self._told_end:
                self._told_end = True
                result = result_text(self.replay.recording, self.session.result())
                self.notify(texts.REPLAY_AT_END.format(result=result))
        else:
            self._told_end = False
        for m in self.replay.mismatches[self._told_mismatches:]:
            self.notify(texts.REPLAY_MISMATCH.format(message=m.message), severity="error", timeout=15)
        self._told_mismatches = len(self.replay.mismatches)

    # ---- actions ------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A replay is read-only: take it over to act.
        return action not in ("inject", "repair", "restart")

    def action_take_over(self) -> None:
        """Continue this run from the time shown as an ordinary game, recorded to a new file."""
        if self.scrubber.seeking:
            self.notify(texts.REPLAY_WAIT_SEEK, severity="warning")
            return
        try:
            recorder = self.replay.take_over(recordings.new_path(self.level.id, "takeover"))
        except OSError as e:
            self.notify(texts.REPLAY_TAKE_OVER_FAILED.format(reason=e), severity="error")
            return
        play = PlayScreen(self.level, self.catalog, seed=self.seed, manual_clock=self.manual_clock,
                          speed_index=self.clock.speed_index, session=self.replay.session, recorder=recorder)
        self.app.switch_screen(play)
        took = texts.REPLAY_TOOK_OVER.format(t=clock(self.session.now), path=recorder.path)
        self.app.notify(took, timeout=10)

    def action_leave(self) -> None:
        self.post_message(BackToMap())  # nothing to lose: the recording is on disk

    def action_compare(self) -> None:
        from scaleout_tui.ui.screens.pick import RecordingPicker

        def chosen(path: object) -> None:
            if path is not None:
                self.compare_with(str(path))

        self.app.push_screen(RecordingPicker(self.level.id, exclude=self.replay.recording.path), chosen)

    def compare_with(self, path: str) -> None:
        from scaleout_tui.ui.screens.compare import CompareScreen

        try:
            other = open_replay(path, self.catalog)
        except RecordingError as e:
            self.notify(str(e), severity="error")
            return
        self.app.push_screen(CompareScreen(self.replay, other, manual_clock=self.manual_clock))


class ReplayOverScreen(ReplayScreen):
    """A replay opened over another screen that it returns to: the debrief's winning run, shown
    alone when the player's run cannot be shown beside it. Esc is "Back" there, not "Map": the
    debrief still has the player's Retry."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "leave", texts.KEY_BACK)]

    def clock_label(self) -> str:
        """The winning run is made in memory from the level's file, whose name
        ("01-single-server.toml") said nothing to a player: it is called what it is."""
        return texts.REPLAY_WINNING_CLOCK.format(order=self.level.order, title=self.level.title)

    def action_leave(self) -> None:
        if self.is_active:  # a second Escape in one burst must not close the screen beneath
            self.app.pop_screen()
