"""The briefing: the situation, real-world facts, the objectives and the knobs, then Start.

A player should start a level knowing what "winning" means in numbers, what the evening holds
(the whole traffic curve, its peak, what the starting set-up carries and costs: the preview at
the top, see :mod:`scaleout_tui.game.preview`) and what they are allowed to change, so the
objectives are listed with their targets and stretch targets,
and each knob with its choices described the way the policy panel will show them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Static

from scaleout_tui.content import injections
from scaleout_tui.content.paths import is_sandbox
from scaleout_tui.content.schema import Level
from scaleout_tui.engine.instance import InstanceType
from scaleout_tui.game.preview import preview
from scaleout_tui.game.texts import clock
from scaleout_tui.ui import fmt, texts
from scaleout_tui.ui.failures import drill_texts
from scaleout_tui.ui.navigation import BackToMap, StartLevel
from scaleout_tui.ui.screens.scrolling import SCROLL_BINDINGS, scroll_text
from scaleout_tui.ui.widgets.charts import SeriesChart
from scaleout_tui.ui.widgets.footer import KeysFooter
from scaleout_tui.ui.widgets.policy import choice_label
from scaleout_tui.ui.widgets.preview import capacity_guide, plan_series, preview_lines


def _section(title: str) -> Text:
    return Text("\n" + title, style="bold underline")


def _bullets(rows: list[Text]) -> Table:
    """Bulleted rows whose wrapped lines hang under the text, not under the bullet."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    for row in rows:
        grid.add_row(" •", row)
    return grid


def briefing_text(level: Level, catalog: Mapping[str, InstanceType]) -> Group:
    """Everything above the buttons, as one renderable (it scrolls as a whole on small screens)."""
    parts: list[RenderableType] = [Text(level.subtitle, style="italic")]
    parts += [_section(texts.BRIEFING_SITUATION), Text(fmt.reflow(level.briefing.text))]
    if level.briefing.facts:
        facts = [Text(fmt.reflow(f)) for f in level.briefing.facts]
        parts += [_section(texts.BRIEFING_FACTS), _bullets(facts)]
    objectives = []
    for o in level.objectives:
        row = Text(texts.BRIEFING_OBJECTIVE.format(label=o.label, op=fmt.op(o.op),
                                                   target=fmt.target(o.metric, o.target)))
        if o.stretch is not None:
            stretch = fmt.target(o.metric, o.stretch)
            row.append(texts.BRIEFING_STRETCH.format(op=fmt.op(o.op), stretch=stretch), style="yellow")
        objectives.append(row)
    heading = texts.BRIEFING_OBJECTIVES_SANDBOX if is_sandbox(level.id) else texts.BRIEFING_OBJECTIVES
    parts += [_section(heading), _bullets(objectives),
              Text(texts.BRIEFING_DURATION.format(clock=clock(level.duration_s)), style="dim")]
    knobs = []
    for k in level.knobs:
        row = Text()
        row.append(k.label, style="bold")
        row.append(texts.BRIEFING_KNOB_NOW.format(value=choice_label(k, k.default, catalog)))
        if k.help:
            row.append("\n" + fmt.reflow(k.help), style="dim")
        for c in k.choices:
            row.append("\n  – " + choice_label(k, c, catalog))
        knobs.append(row)
    drill = injections(level)
    if drill:
        # The drill is something to do, like a knob: listed with them, so nobody discovers it late.
        row = Text(texts.DRILL_LABEL, style="bold")
        drill_text, _ = drill_texts(level)
        row.append("\n" + drill_text, style="dim")
        for kind in drill:
            row.append(f"\n  – {texts.DRILL_KINDS.get(kind, kind)}: {texts.DRILL_KIND_HELP.get(kind, kind)}")
        knobs.append(row)
    parts += [_section(texts.BRIEFING_KNOBS), _bullets(knobs)]
    return Group(*parts)


class BriefingScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "start", texts.KEY_START),
        Binding("escape", "back", texts.KEY_BACK),
        *SCROLL_BINDINGS,
    ]

    def action_scroll_text(self, how: str) -> None:
        """Scroll the text while a button keeps the focus (see screens.scrolling)."""
        scroll_text(self, "#briefing-scroll", how)

    def __init__(self, level: Level, catalog: Mapping[str, InstanceType]) -> None:
        super().__init__()
        self.level = level
        self.catalog = catalog
        #: the evening with the level's starting settings
        self.evening = preview(level, catalog)

    def compose(self) -> ComposeResult:
        yield Static(Text(texts.BRIEFING_HEADING.format(order=self.level.order, title=self.level.title),
                          style="bold"), id="briefing-title")
        with VerticalScroll(id="briefing-scroll"):
            with Vertical(id="briefing-preview"):
                yield SeriesChart(id="preview-chart", classes="panel", title=texts.PANEL_PREVIEW)
                yield Static(Text("\n").join(preview_lines(self.evening)), id="preview-numbers")
            yield Static(briefing_text(self.level, self.catalog), id="briefing-text")
        with Horizontal(id="briefing-buttons"):
            yield Button(texts.BRIEFING_START, id="start", variant="success")
            yield Button(texts.BRIEFING_BACK, id="back")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.redraw()

    def redraw(self) -> None:
        """Focus Start and draw the evening's chart (on mount, and after a change of language).

        Either can be gone already: Enter then Escape in one burst of keys dismisses the briefing
        before its mount handler runs, and the app has removed its widgets by then."""
        for button in self.query("#start").results(Button):
            button.focus()
        p = self.evening
        for chart in self.query("#preview-chart").results(SeriesChart):
            chart.show((), [plan_series(p, with_unit=True)], p.duration_s,
                       guides=[capacity_guide(p, with_unit=True)], whole=True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "start":
            self.action_start()
        else:
            self.action_back()

    def action_start(self) -> None:
        self.post_message(StartLevel(self.level, origin=self))

    def action_back(self) -> None:
        self.post_message(BackToMap())
