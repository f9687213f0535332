"""The play screen: the live simulation, its gauges and charts, and the policy panel.

The screen owns one :class:`~scaleout_tui.game.session.Session` and one
:class:`~scaleout_tui.ui.clock.GameClock`. It never computes a rule of the simulation:
each refresh it takes a frozen snapshot and hands parts of it to widgets that redraw
only when their part changed; each knob change goes straight to the session.

Two ways to drive the clock:

- **normal**: a timer defined *here*, and only here, fires about 20 times a second and
  advances the session by speed × elapsed wall time; the view refreshes at about 4 Hz,
  and in those refreshes the charts take turns: one chart re-plots per refresh (see
  :meth:`PlayScreen.chart_turn`), so each chart redraws about once a second.
  (Textual runs ``on_mount`` for every class in the MRO, so an interval set in a base
  class would keep ticking on wall time under subclasses and tests; it is deliberately
  not factored out.) The timer does nothing once the screen is detached (a callback can
  still be queued during teardown, when queries raise ``NoMatches``) or while another
  screen (help, a question, the size notice) covers it, so the game pauses under them.
  At "max" the timer only refreshes the view; the simulation runs in slices chained on the
  event loop (:meth:`PlayScreen._max_slice`), which stop under the same conditions.
- **manual** (tests, snapshots): no timer at all. A test calls :meth:`PlayScreen.advance`,
  which advances the session and refreshes the view synchronously, then awaits
  ``pilot.pause()``. Nothing depends on wall time, so screenshots are identical run after run.

A run starts paused: changes made before the clock starts are free (a resize later
costs downtime), so the player gets to read the board and set the policy first.

Each setting has a direct key (shown in the policy panel, see
:data:`~scaleout_tui.ui.widgets.policy.KNOB_KEYS`) that focuses it and opens its list, and a
palette command; ``0`` puts every setting back to the level's start. A restart (and the
debrief's Retry) keeps the settings the player chose: they come in as ``knobs``.

In a level with ``injections`` the player can also break a box (the failure drill in the
policy panel, keys ``i`` / ``u``, or the command palette). All of these end in
:meth:`PlayScreen.inject` / :meth:`PlayScreen.repair`, which call the session (the change
shows at once, even paused) and turn any refusal into a toast with the game's reason: a
wrong choice must never cost the player their run.

Ctrl+E (and the palette's "Export configuration…") writes the settings chosen now as real
configuration files (:mod:`~scaleout_tui.ui.screens.export`); the clock stands still under the
dialog, as under the help.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from typing import ClassVar, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Button, Select

from scaleout_tui.content import injections
from scaleout_tui.content.schema import Level
from scaleout_tui.engine import CommandError
from scaleout_tui.engine.instance import InstanceType
from scaleout_tui.game.headless import report
from scaleout_tui.game.preview import Preview, preview
from scaleout_tui.game.session import Session
from scaleout_tui.game.texts import refusal
from scaleout_tui.recording import Recorder
from scaleout_tui.ui import failures, recordings, texts
from scaleout_tui.ui.clock import (
    DEFAULT_SPEED,
    MAX_GAP,
    REFRESH_INTERVAL,
    SPEEDS,
    TICK_INTERVAL,
    GameClock,
    max_budget,
    refresh_interval,
    run_max,
)
from scaleout_tui.ui.navigation import BackToMap, ShowDebrief, StartLevel
from scaleout_tui.ui.screens.confirm import ConfirmScreen
from scaleout_tui.ui.screens.export import ExportScreen
from scaleout_tui.ui.widgets.charts import Series, SeriesChart, markers
from scaleout_tui.ui.widgets.clockbar import ClockBar, ClockData
from scaleout_tui.ui.widgets.database import DatabaseView
from scaleout_tui.ui.widgets.drill import FailureDrill
from scaleout_tui.ui.widgets.eventlog import EventLog
from scaleout_tui.ui.widgets.footer import KeysFooter
from scaleout_tui.ui.widgets.gauges import GaugeData, GaugesView
from scaleout_tui.ui.widgets.objectives import ObjectivesView
from scaleout_tui.ui.widgets.overview import Overview
from scaleout_tui.ui.widgets.policy import KNOB_KEYS, PolicyPanel, select_id
from scaleout_tui.ui.widgets.preview import capacity_guide, plan_series, preview_lines
from scaleout_tui.ui.widgets.scaling import ScalingHistory
from scaleout_tui.ui.widgets.topology import ServicesView, TargetsView, TopologyData, TopologyView

#: a widget class looked up by :meth:`PlayScreen._present`
W = TypeVar("W", bound=Widget)

#: The charts, in the order they take turns to re-plot in the timer's refreshes.
CHARTS = ("chart-latency", "chart-rps", "chart-capacity", "chart-connects", "chart-cpu")


class PlayScreen(Screen[None]):
    # Space and the digits are priority bindings so they work even while a drop-down of the
    # policy panel has focus (a Select would otherwise take Space to open itself).
    # The footer shows the four speeds as one "1-4 Speed" (the first binding carries it for all).
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_pause", texts.KEY_RUN_PAUSE, priority=True),
        *[Binding(str(i + 1), f"speed({i})",
                  texts.KEY_SPEEDS if i == 0 else texts.KEY_SPEED.format(name=name), priority=True,
                  show=i == 0, key_display=texts.KEY_SPEEDS_DISPLAY if i == 0 else None)
          for i, name in enumerate(texts.SPEED_NAMES)],
        # Not in the footer (it has no room left at 80 columns): the drill's buttons show the keys,
        # the policy panel the settings' keys, the help screen all of them.
        Binding("i", "inject", texts.KEY_INJECT, show=False),
        Binding("u", "repair", texts.KEY_REPAIR, show=False),
        Binding("r", "restart", texts.KEY_RESTART),
        # Not in the footer either (no room at 80 columns): the help and the palette name it. Ctrl:
        # every letter is a setting's key in a level with many settings (the sandbox).
        Binding("ctrl+e", "export", texts.KEY_EXPORT, show=False),
        Binding("escape", "leave", texts.KEY_MAP),
        *[Binding(key, f"knob({i})", texts.KEY_KNOB.format(n=i + 1), show=False)
          for i, key in enumerate(KNOB_KEYS)],
        Binding("0", "reset_knobs", texts.KEY_RESET, show=False),
        # The board above the charts scrolls on a short terminal; its rule says so (Overview).
        # Priority: the settings panel around the focused drop-down would take them first. Only
        # while the board overflows, and never from an open list (see check_action).
        Binding("pagedown", "board(True)", texts.KEY_BOARD_DOWN, show=False, priority=True),
        Binding("pageup", "board(False)", texts.KEY_BOARD_UP, show=False, priority=True),
    ]

    #: From 150 columns the topology and the gauges sit side by side and a CPU chart joins the
    #: other two (see scaleout.tcss).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (150, "-wide")]  # noqa: RUF012 (typed by Screen)
    #: Below 36 rows only the focused knob shows its help text (the briefing has them all).
    VERTICAL_BREAKPOINTS = [(0, "-short"), (36, "-tall")]  # noqa: RUF012 (typed by Screen)

    #: The first knob is focused in on_mount instead. Textual's auto-focus happens at compose
    #: time and scrolls the focused drop-down to the centre, animated, before the layout is
    #: final: on a short terminal the policy panel opened scrolled by a row, its first label hidden.
    AUTO_FOCUS = ""

    def __init__(self, level: Level, catalog: Mapping[str, InstanceType], *, seed: int = 1,
                 manual_clock: bool = False, speed_index: int = DEFAULT_SPEED,
                 session: Session | None = None, recorder: Recorder | None = None,
                 record: bool = True, knobs: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self.level = level
        self.catalog = catalog
        self.seed = seed
        #: A run taken over from a replay comes with its session and its recorder (already attached);
        #: a restart or a retry with the settings the player had chosen (``knobs``).
        self.session = session if session is not None else Session(level, catalog, seed,
                                                                   knobs=dict(knobs or {}))
        #: Every run is recorded (see :mod:`scaleout_tui.ui.recordings`); a replay is not.
        self.recorder = recorder
        #: A replay shows the policy but takes no change from it (see ReplayScreen).
        self.read_only = False
        self._record_error: str | None = None
        if recorder is None and record:
            try:
                self.recorder = recordings.start(self.session)
            except (OSError, ValueError) as e:  # a folder that cannot be written; a level not on disk
                self._record_error = str(e)
        self.clock = GameClock(speed_index=speed_index, paused=True)
        self.manual_clock = manual_clock
        self._clock_timer: Timer | None = None
        self._ended = False
        self._last_wall: float | None = None
        #: When the last slice at "max" ended: the time since went to the screen (or waiting).
        self._max_slice_end: float | None = None
        #: The next slice at "max", when one is scheduled (see :meth:`_max_slice`).
        self._max_handle: asyncio.Handle | None = None
        self._last_refresh = 0.0
        #: Charts still to re-plot since the game paused (see :meth:`action_toggle_pause`).
        self._charts_behind = 0
        self._p95_target = next((o.target for o in level.objectives if o.metric == "latency_p95_ms"), None)
        #: The failure kinds the player may inject here (empty: no drill, no keys, no commands).
        self.injections: tuple[str, ...] = injections(level)
        #: The roles the drill offers (web boxes; the database tier too in a database level).
        self.drill_roles = failures.target_roles(level)
        #: Whether the web tier is an auto scaling group: only then the capacity chart and the
        #: scaling history exist on screen (levels without one look exactly as before).
        self.has_group = level.autoscaling is not None
        #: Whether the level has a device-ingest tier: only then the connects chart exists.
        self.has_ingest = level.ingest is not None
        self._chart_turn = -1
        self._preview: tuple[tuple[tuple[str, str], ...], Preview] | None = None

    @property
    def ended(self) -> bool:
        """Whether the run has finished (its debrief is on its way)."""
        return self._ended

    # ---- layout -------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield ClockBar(id="clockbar")
        with Horizontal(id="play-body"):
            with Vertical(id="play-left"):
                with Overview(id="overview"):
                    with Vertical(id="topology-box", classes="panel") as topo:
                        topo.border_title = texts.PANEL_TOPOLOGY
                        yield TopologyView(id="topology")
                        services = ServicesView(id="services")
                        services.display = False
                        yield services
                        yield TargetsView(id="targets", classes="-empty")
                        yield DatabaseView(id="database", classes="-empty")
                    gauges = GaugesView(id="gauges", classes="panel")
                    gauges.border_title = texts.PANEL_GAUGES.format(span=5)
                    yield gauges
                kinds = (("-asg", self.has_group), ("-ingest", self.has_ingest))
                with Horizontal(id="charts", classes=" ".join(k for k, on in kinds if on)):
                    yield SeriesChart(id="chart-latency", classes="panel", title=texts.CHART_LATENCY)
                    # Only in a level with an auto scaling group: it takes the requests chart's
                    # place on a narrow screen. Not built at all elsewhere (a chart is seven
                    # widgets that every layout and every style change would walk for nothing).
                    if self.has_group:
                        yield SeriesChart(id="chart-capacity", classes="panel", title=texts.CHART_CAPACITY)
                    # Only in a level with a device-ingest tier, in the same place and way.
                    if self.has_ingest:
                        yield SeriesChart(id="chart-connects", classes="panel", title=texts.CHART_CONNECTS)
                    yield SeriesChart(id="chart-rps", classes="panel", title=texts.CHART_RPS)
                    yield SeriesChart(id="chart-cpu", classes="panel", title=texts.CHART_CPU)
                # On a large screen (wide and tall) the event log sits under the charts, across
                # the whole left column, and the right column is left to the settings and the
                # objectives; elsewhere it is the right column's last panel (see scaleout.tcss).
                wide_log = EventLog(id="log-wide", classes="panel")
                wide_log.border_title = texts.PANEL_LOG
                yield wide_log
            # "-asg": the scaling history needs its rows too (see scaleout.tcss)
            with Vertical(id="play-right", classes="-asg" if self.has_group else ""):
                _, drill_help = failures.drill_texts(self.level)
                policy = PolicyPanel(self.level.knobs, self.session.knobs, self.catalog,
                                     injections=self.injections, targets=self.drill_targets(),
                                     drill_help=drill_help, resettable=not self.read_only, id="policy")
                policy.add_class("panel")  # its title is its own (it says what " *" means)
                yield policy
                objectives = ObjectivesView(id="objectives", classes="panel")
                objectives.border_title = texts.PANEL_OBJECTIVES
                yield objectives
                scaling = ScalingHistory(id="scaling", classes="panel")
                scaling.border_title = texts.PANEL_SCALING
                scaling.display = self.has_group
                yield scaling
                log = EventLog(id="log", classes="panel")
                log.border_title = texts.PANEL_LOG
                yield log
        yield KeysFooter()

    def on_mount(self) -> None:
        self.redraw()
        if self._record_error:
            self.notify(texts.REC_NOT_RECORDING.format(reason=self._record_error), severity="warning")
        if not self.manual_clock:
            self._clock_timer = self.set_interval(TICK_INTERVAL, self._on_tick, name="play-clock")

    def redraw(self) -> None:
        """Fill freshly composed widgets (on mount, and after a change of language) from the run
        as it stands: a paused run has no tick to do it. Nothing to fill when the widgets are
        gone (a screen closed by the same burst of keys that opened it)."""
        if not self.query(ClockBar):
            return
        selects = self.query(Select)
        if selects:
            selects.first().focus(scroll_visible=False)
        self.refresh_view()

    def on_unmount(self) -> None:
        self._stop_timer()
        if self.recorder is not None:
            # a run left unfinished keeps its lines, without a report; one never started, nothing
            recordings.discard_if_unplayed(self.recorder, self.session)

    def _stop_timer(self) -> None:
        if self._clock_timer is not None:
            self._clock_timer.stop()
            self._clock_timer = None
        self._stop_max()

    def _stop_max(self) -> None:
        if self._max_handle is not None:
            self._max_handle.cancel()
            self._max_handle = None
        self._max_slice_end = None

    # ---- the clock ----------------------------------------------------------------------
    def _on_tick(self) -> None:
        """One wall-clock callback: advance the session, refresh the view at about 4 Hz.

        At "max" the simulation does not run here but in :meth:`_max_slice`, which this
        callback only starts.
        """
        if self._ended or not self.is_attached:
            return
        now = time.perf_counter()
        last, self._last_wall = self._last_wall, now
        if not self.is_active or self.clock.paused:
            self._stop_max()
            if self.is_active and self._charts_behind and now - self._last_refresh >= REFRESH_INTERVAL:
                self._charts_behind -= 1  # paused: the charts catch up with the pause, one a turn
                self._last_refresh = now
                try:
                    self.refresh_view(charts=self.chart_turn())
                except NoMatches:
                    self._stop_timer()
            return
        elapsed = now - last if last is not None else 0.0
        if self.clock.speed is None:
            if self._max_handle is None:
                self._max_handle = asyncio.get_running_loop().call_soon(self._max_slice)
        else:
            self._stop_max()
            owed = self.clock.owed(elapsed)
            if owed > 0:
                before = self.session.now
                self.session.advance(owed)
                self.clock.paid(self.session.now - before)
        try:
            if self.session.finished:
                self._finish()
            elif now - self._last_refresh >= refresh_interval(self.clock.speed):
                self._last_refresh = now
                self.refresh_view(charts=self.chart_turn())
        except NoMatches:
            # The screen is being torn down between the check above and the query.
            self._stop_timer()

    def _max_slice(self) -> None:
        """One slice of the simulation at "max", then the next one ``MAX_GAP`` later.

        Why not in the interval timer: Textual's timer, after a callback that overran its
        interval, sleeps to the *second* grid point after it, so every slice was followed by
        50-100 ms of idle (``bench/ui.py`` [1] measured 65 % of the UI-off speed). Slices
        chained on the event loop leave only what the screen really needs between them: the
        short gap lets keys, paints and the 20 Hz callback (which refreshes the view) run.
        The chain stops by itself when the game pauses, leaves "max", ends or is covered.
        """
        self._max_handle = None
        if (self._ended or not self.is_attached or not self.is_active or self.clock.paused
                or self.clock.speed is not None):
            self._max_slice_end = None
            return
        start = time.perf_counter()
        others = start - self._max_slice_end if self._max_slice_end is not None else 0.0
        try:
            run_max(self.session.advance, lambda: self.session.finished, time.perf_counter,
                    budget=max_budget(others))
            self._max_slice_end = time.perf_counter()
            if self.session.finished:
                self._finish()
                return
        except NoMatches:
            self._stop_timer()
            return
        except Exception as error:  # a callback outside Textual's own: report it as Textual would
            self.app._handle_exception(error)
            return
        self._max_handle = asyncio.get_running_loop().call_later(MAX_GAP, self._max_slice)

    def advance(self, seconds: float) -> None:
        """Advance the simulation by ``seconds`` and refresh the view now (tests, manual clock).

        Works whether or not the clock is paused: pausing is about wall time, and a manual
        clock has none.
        """
        if self._ended:
            return
        self.session.advance(seconds)
        if self.session.finished:
            self._finish()
        else:
            self.refresh_view()

    def _finish(self) -> None:
        if self._ended:
            return
        self._ended = True
        self._stop_timer()
        self.refresh_view()
        result = self.session.result()
        if self.recorder is not None:
            self.recorder.finish(report(self.session, result))
            if self.recorder.error:
                self.notify(texts.REC_NOT_RECORDING.format(reason=self.recorder.error), severity="warning")
        recorded = self.recorder.path if self.recorder is not None and not self.recorder.error else None
        self.post_message(ShowDebrief(self.session, result, self, recording=recorded))

    # ---- the view -----------------------------------------------------------------------
    def clock_data(self) -> ClockData:
        return ClockData(
            level=texts.CLOCK_LEVEL.format(order=self.level.order, title=self.level.title),
            t=self.session.now, duration=self.session.level.duration_s, paused=self.clock.paused,
            speed=texts.SPEED_NAMES[self.clock.speed_index], finished=self.session.finished,
            hint=texts.CLOCK_PAUSED_HINT.format(speed=texts.SPEED_NAMES[self.clock.speed_index]))

    def chart_turn(self) -> tuple[str, ...]:
        """The one chart that re-plots in this refresh of the clock: the visible charts in turn.

        Why: re-plotting a chart and painting it is the dearest part of a refresh (about
        30 ms each at 200×60 on a slow machine). In fast-forward every chart has new data at
        every refresh, so all of them re-plotting 4 times a second took most of the time the
        simulation should have had, and held keys back. In turn, each chart still redraws
        about once a second, which at 1× is as often as its data changes (once per simulated
        second). A hidden chart (a narrow screen) gives up its turn; it is drawn again from
        its last data when it shows (:meth:`SeriesChart.on_resize`) and rejoins the turns.
        """
        ids = [c for c in CHARTS if (c != "chart-capacity" or self.has_group)
               and (c != "chart-connects" or self.has_ingest)]
        shown = [c for c in ids if self.query_one(f"#{c}", SeriesChart).display] or ids
        self._chart_turn = (self._chart_turn + 1) % len(shown)
        return (shown[self._chart_turn],)

    def refresh_view(self, charts: tuple[str, ...] = CHARTS) -> None:
        """Hand each widget its part of a fresh snapshot; unchanged parts do not redraw.

        ``charts`` are the charts that re-plot (all by default: after a knob change, a
        failure, in tests); the clock's own refreshes pass one at a time (:meth:`chart_turn`).
        """
        snap = self.session.snapshot()
        self.query_one(ClockBar).data = self.clock_data()
        self.query_one(TopologyView).data = TopologyData(snap.boxes, snap.pending)
        self.query_one(ServicesView).services = snap.services
        targets = self.query_one(TargetsView)
        targets.boxes = snap.boxes
        targets.ingest = snap.ingest
        self.query_one(DatabaseView).boxes = snap.boxes
        gauges = self.query_one(GaugesView)
        gauges.data = GaugeData(snap.gauges, snap.totals, snap.cache, snap.ingest)
        gauges.border_title = texts.PANEL_GAUGES.format(span=snap.gauges.span_s)
        s = snap.series
        t = s.get("t", ())
        # From the whole log: the snapshot keeps its last 200 entries, which a fleet of 40 booting
        # boxes fills in two minutes, and a chart spans ten (its markers went missing).
        marks = markers(self.session.sim.log)
        # Before the first second: the whole evening on the time axis, the plan and the capacity.
        ahead = self.evening() if snap.t <= 0.0 else None
        whole = ahead is not None
        if "chart-latency" in charts:
            goal = self._p95_target
            target = "" if goal is None else texts.SERIES_TARGET.format(value=f"{goal:g}")
            p95 = Series(s.get("p95_ms", ()), "yellow", "max", label=texts.SERIES_P95)
            self.query_one("#chart-latency", SeriesChart).show(
                t, [p95], snap.duration, goal, reference_label=target,
                reference_short=texts.SERIES_TARGET_SHORT, marks=marks, whole=whole)
        if "chart-rps" in charts:
            rps = [Series(s.get("rps_in", ()), "cyan", "mean", label=texts.SERIES_IN),
                   Series(s.get("rps_out", ()), "green", "mean", "•", texts.SERIES_OUT)]
            if ahead is not None:
                rps.insert(0, plan_series(ahead))
            self.query_one("#chart-rps", SeriesChart).show(
                t, rps, snap.duration, guides=[capacity_guide(ahead)] if ahead is not None else (),
                marks=marks, whole=whole)
        # Drawn even while hidden (narrow layout): the breakpoint that shows it is applied after
        # the first refresh, and a chart never given its data showed a bare 0..1 axis at 00:00.
        if "chart-cpu" in charts:
            self.query_one("#chart-cpu", SeriesChart).show(
                t, [Series(s.get("cpu_max_pct", ()), "magenta", "max", label=texts.SERIES_CPU)],
                snap.duration, ceiling=100.0, marks=marks, whole=whole)
        if self.has_ingest and snap.ingest is not None and "chart-connects" in charts:
            ing = snap.ingest.series
            failed = tuple(a + b + c for a, b, c in zip(ing.get("refused", ()), ing.get("backlog_full", ()),
                                                         ing.get("timeouts", ()), strict=True))
            lines = [Series(ing.get("attempts", ()), "cyan", "max", label=texts.SERIES_ATTEMPTS),
                     Series(failed, "red", "max", "▪", texts.SERIES_FAILED_CONNECTS)]
            self.query_one("#chart-connects", SeriesChart).show(ing.get("t", ()), lines, snap.duration,
                                                                marks=marks, whole=whole)
        if self.has_group:
            if "chart-capacity" in charts:
                cap = snap.capacity
                lines = [Series(cap.get("desired", ()), "bright_blue", "mean", "○", texts.SERIES_DESIRED),
                         Series(cap.get("in_service", ()), "green", "mean", label=texts.SERIES_SERVING),
                         Series(cap.get("pending", ()), "yellow", "max", "▪", texts.SERIES_BOOTING)]
                self.query_one("#chart-capacity", SeriesChart).show(t, lines, snap.duration, marks=marks,
                                                                    whole=whole)
            self.query_one(ScalingHistory).changes = snap.scaling
        self.query_one(ObjectivesView).objectives = self.session.result().objectives
        preamble = tuple(preview_lines(ahead)) if ahead is not None else ()
        for log in self.query(EventLog):
            log.entries = snap.log
            log.preamble = preamble
        if self.injections:
            self.query_one(FailureDrill).set_targets(failures.targets(snap.boxes, self.drill_roles))

    def evening(self) -> Preview:
        """The evening ahead with the settings chosen now (computed again when they change)."""
        key = tuple(sorted(self.session.knobs.items()))
        if self._preview is None or self._preview[0] != key:
            self._preview = (key, preview(self.level, self.catalog, self.session.knobs))
        return self._preview[1]

    # ---- knobs --------------------------------------------------------------------------
    @on(Select.Changed)
    def _knob_changed(self, event: Select.Changed) -> None:
        knob_id = PolicyPanel.knob_of(event.select)
        if knob_id is None or event.value is Select.NULL or self._ended or self.read_only:
            return
        event.stop()
        value = str(event.value)
        if self.session.knobs.get(knob_id) == value:
            return
        try:
            self.session.set_knob(knob_id, value)
        except CommandError as e:
            self.notify(texts.KNOB_REFUSED.format(reason=refusal(e)), severity="error")
            self.query_one(PolicyPanel).show_values(self.session.knobs)
            return
        self.query_one(PolicyPanel).show_values(self.session.knobs)
        self.refresh_view()

    def open_knob(self, knob_id: str) -> None:
        """Focus a setting and open its list (its direct key, the palette's "Set …")."""
        self.query_one(PolicyPanel).open_knob(knob_id)

    def choose_knob(self, knob_id: str, value: str) -> None:
        """Set a knob from the palette: the drop-down changes, which sets the session's knob as
        a choice in the panel would (refusals included)."""
        self.query_one(f"#{select_id(knob_id)}", Select).value = value

    def action_knob(self, index: int) -> None:
        if 0 <= index < len(self.level.knobs):
            self.open_knob(self.level.knobs[index].id)

    def can_change_knobs(self) -> bool:
        return not self._ended and not self.read_only

    def action_reset_knobs(self) -> None:
        """Put every setting back to the level's start (key ``0``, the palette). Before the clock
        has run that is free and is done at once; afterwards each change costs what it costs,
        so the player is asked first."""
        if not self.can_change_knobs():
            return
        panel = self._present(PolicyPanel)
        if panel is None or not panel.changed():
            self.notify(texts.KNOB_RESET_NOTHING)
            return
        if self.session.now <= 0.0:
            self.reset_knobs()
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self.reset_knobs()

        self.app.push_screen(ConfirmScreen(texts.CONFIRM_RESET), answer)

    def reset_knobs(self) -> None:
        """Set each changed knob back to its level default, through the session like a choice.
        One knob may refuse until another is back (a minimum above the maximum), so a refused
        one is tried again once the others are done; what still refuses is said in a toast."""
        start = {k.id: k.default for k in self.level.knobs}
        todo = [k for k, v in start.items() if self.session.knobs.get(k) != v]
        error: CommandError | None = None
        for _ in range(2):
            refused = []
            for knob_id in todo:
                try:
                    self.session.set_knob(knob_id, start[knob_id])
                except CommandError as e:
                    refused.append(knob_id)
                    error = e
            todo = refused
            if not todo:
                break
        self.query_one(PolicyPanel).show_values(self.session.knobs)
        if todo and error is not None:
            self.notify(texts.KNOB_RESET_PARTLY.format(reason=refusal(error)), severity="error")
        else:
            self.notify(texts.KNOB_RESET_DONE)
        self.refresh_view()

    # ---- failure drill ------------------------------------------------------------------
    def drill_targets(self) -> tuple[str, ...]:
        """The boxes a player may break now (none in a level without injections)."""
        return failures.targets(self.session.snapshot().boxes, self.drill_roles) if self.injections else ()

    def inject(self, kind: str, box: str) -> None:
        """Break ``box`` with ``kind``; a refusal becomes a toast with the reason."""
        if self._ended:
            return
        try:
            self.session.inject(kind, box)
        except CommandError as e:
            self.notify(texts.DRILL_REFUSED.format(reason=refusal(e)), severity="error")
            return
        sent = texts.DRILL_SENT_PAUSED if self.clock.paused else texts.DRILL_SENT
        self.notify(sent.format(kind=texts.DRILL_KINDS.get(kind, kind).capitalize(), box=box))
        self.refresh_view()

    def repair(self, box: str) -> None:
        """Undo a failure of ``box``; a refusal becomes a toast with the reason."""
        if self._ended:
            return
        try:
            self.session.repair(box)
        except CommandError as e:
            self.notify(texts.DRILL_REFUSED.format(reason=refusal(e)), severity="error")
            return
        sent = texts.DRILL_REPAIR_SENT_PAUSED if self.clock.paused else texts.DRILL_REPAIR_SENT
        self.notify(sent.format(box=box))
        self.refresh_view()

    def action_inject(self) -> None:
        """Inject the failure chosen in the drill (key ``i``, the Inject button)."""
        drill = self._present(FailureDrill)
        if drill is None:
            return
        if drill.target is None:
            self.notify(texts.DRILL_NO_TARGET, severity="warning")
        elif drill.kind is None:
            self.notify(texts.DRILL_NO_KIND, severity="warning")
        else:
            self.inject(drill.kind, drill.target)

    def action_repair(self) -> None:
        """Repair the box chosen in the drill (key ``u``, the Repair button)."""
        drill = self._present(FailureDrill)
        if drill is None:
            return
        target = drill.target
        if target is None:
            self.notify(texts.DRILL_NO_REPAIR_TARGET, severity="warning")
        else:
            self.repair(target)

    @on(Button.Pressed, "#drill-inject")
    def _inject_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_inject()

    @on(Button.Pressed, "#drill-repair")
    def _repair_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_repair()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A level without injections has no drill: its keys are neither shown nor active.
        if action in ("inject", "repair"):
            return bool(self.injections) and not self._ended
        # A setting's key exists only for the level's settings, and not in a replay.
        if action == "knob":
            index = parameters[0] if parameters else -1
            return (isinstance(index, int) and 0 <= index < len(self.level.knobs)
                    and self.can_change_knobs())
        if action == "reset_knobs":
            return self.can_change_knobs()
        if action == "export":
            return not self._ended
        if action == "board":
            # PgDn / PgUp scroll the board only while its rule says some of it is hidden; an open
            # drop-down's list keeps them for its own pages.
            overview = self._present(Overview)
            return overview is not None and overview.overflows() and not self._list_open()
        return True

    def _list_open(self) -> bool:
        """Whether the focus is in a drop-down whose list is open."""
        widget = self.focused
        chain = () if widget is None else (widget, *widget.ancestors)
        return any(isinstance(w, Select) and w.expanded for w in chain)

    # ---- actions ------------------------------------------------------------------------
    def _present(self, kind: type[W]) -> W | None:
        """The screen's widget of ``kind``, or None while it is gone: a key queued in a burst can
        arrive while the screen is composed again (a change of language) or taken down."""
        found = self.query(kind)
        return found.first() if found else None

    def _show_clock(self) -> None:
        bar = self._present(ClockBar)
        if bar is not None:
            bar.data = self.clock_data()

    def action_toggle_pause(self) -> None:
        if self._ended:
            return
        self.clock.toggle_pause()
        self._last_wall = None
        self._show_clock()
        # The view refreshes every 250-500 ms of wall time, which at max is minutes of game time:
        # without this, a pause would leave numbers from before on the board. The panels refresh
        # after the next paint, so the pause itself shows at once; the charts catch up in turns
        # while paused (:meth:`_on_tick`), since re-plotting all of them at once held the next
        # key back by up to 60 ms (bench/ui.py [5]).
        self._charts_behind = len(CHARTS) if self.clock.paused else 0
        if self.clock.paused:
            self.call_after_refresh(self._refresh_if_attached)
        self._record_speed()

    def _refresh_if_attached(self) -> None:
        if self.is_attached and not self._ended:
            self.refresh_view(charts=())

    def action_board(self, down: bool) -> None:
        """Scroll the board (diagram and gauges) a page: PgDn / PgUp, wherever the focus is,
        since the focus normally sits in a drop-down of the settings."""
        overview = self._present(Overview)
        if overview is not None:
            overview.page(down)

    def action_speed(self, index: int) -> None:
        if 0 <= index < len(SPEEDS):
            self.clock.set_speed(index)
            self._show_clock()
            self._record_speed()

    def _record_speed(self) -> None:
        if self.recorder is not None and not self._ended:
            speed = texts.SPEED_PAUSED if self.clock.paused else texts.SPEED_NAMES[self.clock.speed_index]
            self.recorder.speed(self.session.now, speed)

    def action_restart(self) -> None:
        """Start again from 00:00 with the settings chosen (0 puts them back to the level's)."""
        self.post_message(StartLevel(self.level, speed_index=self.clock.speed_index,
                                     knobs=dict(self.session.knobs), origin=self))

    def action_export(self) -> None:
        """The settings chosen now as real configuration files (Ctrl+E, the palette). The clock
        stands still under the dialog, as under the help."""
        if not self._ended:
            self.app.push_screen(ExportScreen(self.level, self.session.knobs))

    def recording_fate(self) -> str:
        """What happens to this run's recording if the player leaves it now, in words; the
        same rule as :func:`recordings.discard_if_unplayed`, which on_unmount applies."""
        if self.recorder is None or self.recorder.error:
            return texts.REC_FATE_NONE
        if not recordings.kept_if_left(self.session):
            return texts.REC_FATE_DISCARDED
        return texts.REC_FATE_KEPT.format(path=recordings.shown_path(self.recorder.path))

    def leave_question(self, question: str) -> str:
        """``question`` followed by what happens to the recording (leaving, quitting)."""
        return f"{question} {self.recording_fate()}"

    def action_leave(self) -> None:
        def answer(yes: bool | None) -> None:
            if yes:
                self.post_message(BackToMap())

        self.app.push_screen(ConfirmScreen(self.leave_question(texts.CONFIRM_LEAVE)), answer)
