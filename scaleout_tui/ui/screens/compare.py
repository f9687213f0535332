"""Two recorded runs of one level side by side, on the same charts, at the same simulated time.

Why the same charts rather than two play screens: the question a comparison answers is "where
did the runs part ways, and by how much", which the eye reads from two lines on one axis, not
from two panels with their own scales. So each chart draws run A and run B, each in its own colour
*and* glyph (A a braille line, B dots; the legend in the chart's title shows both, as on the play
screen, so the charts read without colour); beside them, each objective's value so far for both
runs, and the commands each run was given (the cause of the difference). Time moves for both
together, with the replay screen's keys. No event markers: on a shared axis they could not say
which run the event happened in; the commands panel says it instead.

The runs are named by their files (``scaleout replay --compare``), or in words when the game
made the pair itself (the debrief's "watch a winning run": "A your run", "B winning run").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Static

from scaleout_tui.content.labels import choice_words
from scaleout_tui.content.schema import Knob
from scaleout_tui.game.session import ObjectiveResult
from scaleout_tui.game.texts import clock
from scaleout_tui.recording import Replay
from scaleout_tui.ui import fmt, texts
from scaleout_tui.ui.clock import DEFAULT_SPEED, TICK_INTERVAL, GameClock
from scaleout_tui.ui.screens.scrubbing import ScrubControls
from scaleout_tui.ui.scrub import Scrubber
from scaleout_tui.ui.widgets.charts import BRAILLE, Series, SeriesChart
from scaleout_tui.ui.widgets.clockbar import ClockBar, ClockData
from scaleout_tui.ui.widgets.footer import KeysFooter

#: (chart id, the name of its title's text, series key, how to bin)
CHARTS: tuple[tuple[str, str, str, str], ...] = (
    ("cmp-latency", "PANEL_COMPARE_LATENCY", "p95_ms", "max"),
    ("cmp-served", "PANEL_COMPARE_SERVED", "rps_out", "mean"),
    ("cmp-cpu", "PANEL_COMPARE_CPU", "cpu_max_pct", "max"),
)
#: Each run's colour and glyph, the same on every chart and in the line naming the runs.
STYLE_A, GLYPH_A = "yellow", BRAILLE
STYLE_B, GLYPH_B = "cyan", "•"


def objectives_table(a: Sequence[ObjectiveResult], b: Sequence[ObjectiveResult]) -> Table:
    """Objective (its short name: the side column is narrow), target, and each run's value so far,
    green when met, red when not. A name wraps rather than ending in "…" when a losing run's wide
    values ("8,090 ms", "44.01 %") leave it less than its width."""
    table = Table.grid(padding=(0, 1), expand=True)
    table.add_column(ratio=1, overflow="fold")
    for _ in range(3):
        table.add_column(no_wrap=True, justify="right")
    table.add_row(*[Text(c, style="bold") for c in texts.COMPARE_COLUMNS])
    for oa, ob in zip(a, b, strict=False):
        def value(o: ObjectiveResult) -> Text:
            return Text(fmt.metric(o.metric, o.value), style="green" if o.met else "red")

        target = Text(f"{fmt.op(oa.op)} {fmt.target(oa.metric, oa.target)}")
        table.add_row(Text(oa.heading), target, value(oa), value(ob))
    return table


def command_words(knobs: Sequence[Knob], name: str, value: str) -> str:
    """A recorded command as a player reads it: ``Instance size: m5.xlarge``, ``Balancing: Least
    connections``, ``Crash web-2``, ``Repair web-2``; the ids only for a name nobody knows."""
    knob = next((k for k in knobs if k.id == name), None)
    if knob is not None:
        return texts.COMPARE_SETTING.format(label=knob.label, value=choice_words(knob.param, value))
    kind = name.removeprefix("inject.")
    if kind in texts.CMD_INJECT:
        return texts.CMD_INJECT[kind].format(box=value)
    if name == "repair":
        return texts.CMD_REPAIR.format(box=value)
    return texts.COMPARE_UNKNOWN.format(name=name, value=value)


def commands_text(label: str, start: dict[str, str], history: Sequence[tuple[float, str, str]],
                  limit: int, knobs: Sequence[Knob] = ()) -> Group:
    """One run's settings at the start (those that differ from the other run's) and its latest
    commands, newest last."""
    lines: list[RenderableType] = [Text(label, style="bold")]
    for name, value in start.items():
        lines.append(Text(" " + texts.COMPARE_START.format(what=command_words(knobs, name, value)),
                          no_wrap=True, overflow="ellipsis"))
    shown = list(history)[-limit:] if limit > 0 else []
    if not history and not start:
        lines.append(Text(" " + texts.COMPARE_NO_COMMANDS, style="dim"))
    for t, name, value in shown:
        what = command_words(knobs, name, value)
        lines.append(Text(" " + texts.COMPARE_COMMAND.format(t=clock(t), what=what), no_wrap=True,
                          overflow="ellipsis"))
    return Group(*lines)


class CompareScreen(ScrubControls):
    #: From 150 columns the side panel gets wider (see scaleout.tcss).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (150, "-wide")]  # noqa: RUF012 (typed by Screen)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_pause", texts.KEY_PAUSE, priority=True),
        *[Binding(str(i + 1), f"speed({i})", texts.KEY_SPEED.format(name=name), show=False)
          for i, name in enumerate(texts.SPEED_NAMES)],
        Binding("escape", "back", texts.KEY_BACK),
    ]

    def __init__(self, a: Replay, b: Replay, *, manual_clock: bool = False, speed_index: int = DEFAULT_SPEED,
                 labels: Callable[[], tuple[str, str]] | None = None) -> None:
        super().__init__()
        self.a, self.b = a, b
        #: how the line naming run A and run B is worded (their files, unless given in words): a
        #: function, so a change of language words it again
        self.labels = labels or self._file_labels
        self.level = a.level
        self.scrubber = Scrubber([a, b])
        self.clock = GameClock(speed_index=speed_index, paused=True)
        self.manual_clock = manual_clock
        self._timer: Timer | None = None
        self._last_wall: float | None = None
        self._last_refresh = 0.0
        self._p95_target = next((o.target for o in self.level.objectives
                                 if o.metric == "latency_p95_ms"), None)

    def _file_labels(self) -> tuple[str, str]:
        ra, rb = self.a.recording, self.b.recording
        return (texts.COMPARE_RUN_A.format(file=ra.path.name, seed=ra.header.seed),
                texts.COMPARE_RUN_B.format(file=rb.path.name, seed=rb.header.seed))

    def language_changed(self) -> None:
        """The app speaks another language (and has given this screen the level in it): both
        runs go on with the level's new words (objective labels, the knobs in the commands), as
        the player's own run does, before the screen is composed again."""
        if self.level.id != self.a.level.id:
            return
        for run in (self.a, self.b):
            run.level = self.level  # a session rebuilt by a seek back starts in them too
            run.session.speak(self.level)

    def compose(self) -> ComposeResult:
        yield ClockBar(id="clockbar")
        a_text, b_text = self.labels()
        runs = Text.assemble((GLYPH_A, STYLE_A), " ", (a_text, STYLE_A), "   ",
                             (GLYPH_B, STYLE_B), " ", (b_text, STYLE_B), no_wrap=True, overflow="ellipsis")
        yield Static(runs, id="compare-runs")
        with Horizontal(id="compare-body"):
            with Vertical(id="compare-charts"):
                for chart_id, title, *_ in CHARTS:
                    yield SeriesChart(id=chart_id, classes="panel", title=getattr(texts, title))
            with Vertical(id="compare-side"):
                objectives = Static(id="compare-objectives", classes="panel")
                objectives.border_title = texts.PANEL_COMPARE_OBJECTIVES
                yield objectives
                commands = Static(id="compare-commands", classes="panel")
                commands.border_title = texts.PANEL_COMPARE_COMMANDS
                yield commands
        yield KeysFooter()

    def on_mount(self) -> None:
        if self.manual_clock:
            self.scrubber.finish()
        self.redraw()
        if not self.manual_clock:
            self._timer = self.set_interval(TICK_INTERVAL, self._on_tick, name="compare-clock")

    def redraw(self) -> None:
        """Fill freshly composed widgets (on mount, and after a change of language); none when
        they are gone already (closed by the same burst of keys that opened the screen)."""
        if self.query(ClockBar):
            self.refresh_view()

    def on_unmount(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    # ---- the view -------------------------------------------------------------------------
    def clock_data(self) -> ClockData:
        target = self.scrubber.target
        speed = texts.SPEED_NAMES[self.clock.speed_index] if target is None else \
            texts.REPLAY_SEEKING.format(t=clock(target))
        return ClockData(level=texts.COMPARE_TITLE.format(order=self.level.order, title=self.level.title),
                         t=self.scrubber.now, duration=self.level.duration_s,
                         paused=self.clock.paused and target is None, speed=speed,
                         finished=self.scrubber.at_end and target is None)

    def refresh_view(self, charts: tuple[str, ...] = ()) -> None:
        # (``charts`` is the play screen's turn-taking; the comparison redraws both runs together)
        if self.scrubber.at_end and not self.clock.paused:
            self.clock.toggle_pause()
        sa, sb = self.a.session.snapshot(), self.b.session.snapshot()
        self.query_one(ClockBar).data = self.clock_data()
        t = sa.series.get("t", ())
        goal = self._p95_target
        target = "" if goal is None else texts.SERIES_TARGET.format(value=f"{goal:g}")
        for chart_id, _, key, how in CHARTS:
            lines = [Series(sa.series.get(key, ()), STYLE_A, how, GLYPH_A, texts.SERIES_COMPARE_A),
                     Series(sb.series.get(key, ()), STYLE_B, how, GLYPH_B, texts.SERIES_COMPARE_B)]
            reference = goal if key == "p95_ms" else None
            ceiling = 100.0 if key == "cpu_max_pct" else None
            self.query_one(f"#{chart_id}", SeriesChart).show(
                t, lines, sa.duration, reference, ceiling, reference_label=target if reference else "",
                reference_short=texts.SERIES_TARGET_SHORT)
        self.query_one("#compare-objectives", Static).update(
            objectives_table(self.a.session.result().objectives, self.b.session.result().objectives))
        box = self.query_one("#compare-commands", Static)
        ka, kb = self.a.recording.header.knobs, self.b.recording.header.knobs
        start_a = {k: v for k, v in ka.items() if kb.get(k) != v}
        start_b = {k: v for k, v in kb.items() if ka.get(k) != v}
        rows = max(1, (box.size.height - 3 - len(start_a) - len(start_b)) // 2)
        knobs = self.a.session.level.knobs
        box.update(Group(commands_text("A", start_a, self.a.session.history, rows, knobs),
                         commands_text("B", start_b, self.b.session.history, rows, knobs)))

    # ---- actions --------------------------------------------------------------------------
    def action_back(self) -> None:
        if self.is_active:  # a second Escape in one burst must not close the screen beneath
            self.app.pop_screen()
