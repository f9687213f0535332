"""The debrief: won or lost, stars, each objective against its target, and why.

The sentences come from the game layer (``headless.report``'s ``debrief``, the same text
``scaleout run`` prints), told in the run's own numbers; this screen frames them. It is
also where a run is recorded: the result goes into the player's progress and is saved
at once, so quitting from here loses nothing. A save that fails is reported, not fatal.
"""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Static

from scaleout_tui.content.paths import is_sandbox
from scaleout_tui.content.schema import Level
from scaleout_tui.game.headless import report
from scaleout_tui.game.session import Result, Session
from scaleout_tui.persistence.progress import Progress
from scaleout_tui.ui import fmt, texts
from scaleout_tui.ui.campaign import Content, stars_text
from scaleout_tui.ui.navigation import BackToMap, OpenBriefing, StartLevel
from scaleout_tui.ui.screens.scrolling import SCROLL_BINDINGS, scroll_text


def heading(level: Level, result: Result) -> Text:
    out = Text()
    if is_sandbox(level.id):  # free play: nothing was won or lost
        out.append(texts.DEBRIEF_SANDBOX, style="bold")
    else:
        out.append(texts.DEBRIEF_WON if result.won else texts.DEBRIEF_LOST,
                   style="bold green" if result.won else "bold red")
        out.append("  ")
        out.append(stars_text(result.stars), style="bold yellow")
    out.append(f"   {texts.MAP_ROW.format(order=level.order, title=level.title)}", style="dim")
    return out


def objectives_table(result: Result) -> Group:
    table = Table.grid(expand=True, padding=(0, 1))
    table.add_column(ratio=3)
    table.add_column("", justify="right", no_wrap=True)
    table.add_column("", no_wrap=True, style="dim")
    table.add_column("", no_wrap=True)
    for o in result.objectives:
        verdict = Text(texts.DEBRIEF_MET if o.met else texts.DEBRIEF_MISSED,
                       style="bold green" if o.met else "bold red")
        if o.stretch_met:
            verdict.append(" " + texts.DEBRIEF_STRETCH, style="yellow")
        table.add_row(o.label, Text(fmt.metric(o.metric, o.value), style="bold"),
                      texts.DEBRIEF_TARGET.format(op=fmt.op(o.op), target=fmt.target(o.metric, o.target)),
                      verdict)
    return Group(Text(texts.DEBRIEF_OBJECTIVES, style="bold underline"), table, Text(""))


def bullets(heading_text: str, items: list[str], style: str = "") -> Group:
    """A heading and a bulleted list whose wrapped lines hang under the text, not the bullet."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    for item in items:
        grid.add_row(" •", Text(item, style=style))
    return Group(Text(heading_text, style="bold underline"), grid, Text(""))


class DebriefScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "retry", texts.KEY_RETRY),
        Binding("n", "next", texts.KEY_NEXT),
        Binding("m,escape", "map", texts.KEY_MAP),
        *SCROLL_BINDINGS,
    ]

    def action_scroll_text(self, how: str) -> None:
        """Scroll the text while a button keeps the focus (see screens.scrolling)."""
        scroll_text(self, "#debrief-scroll", how)

    def __init__(self, session: Session, result: Result, content: Content, progress: Progress) -> None:
        super().__init__()
        self.session = session
        self.result = result
        #: the campaign (what comes next) and the player's progress, which the run is recorded into
        self.content = content
        self.progress = progress
        self.level = session.level
        self.report = report(session, result)
        self._recorded = False

    @property
    def next_level(self) -> Level | None:
        """The next level, offered only after a win (a loss means: try this one again)."""
        return self.content.next_level(self.level.id) if self.result.won else None

    def compose(self) -> ComposeResult:
        title = Static(heading(self.level, self.result), id="debrief-title")
        title.add_class("-won" if self.result.won else "-lost")
        yield title
        with VerticalScroll(id="debrief-scroll"):
            yield Static(objectives_table(self.result), id="debrief-objectives")
            yield Static(bullets(texts.DEBRIEF_WHY, list(self.report["debrief"])), id="debrief-why")
            if not self.result.won and self.level.hints:
                yield Static(bullets(texts.DEBRIEF_HINTS, [h.text for h in self.level.hints], "italic"),
                             id="debrief-hints")
        with Horizontal(id="debrief-buttons"):
            yield Button(texts.DEBRIEF_RETRY, id="retry")
            nxt = Button(texts.DEBRIEF_NEXT, id="next", variant="success")
            nxt.display = self.next_level is not None
            yield nxt
            yield Button(texts.DEBRIEF_MAP, id="map", variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        self.record()
        # the buttons can be gone already when the app closes as the debrief opens
        for button in self.query("#next" if self.next_level is not None else "#retry").results(Button):
            button.focus()

    def record(self) -> None:
        """Record the run in the player's progress and save it (once per debrief)."""
        if self._recorded:
            return
        self._recorded = True
        progress = self.progress
        ids = self.content.ordered_ids
        nxt = self.content.next_level(self.level.id)
        was_open = nxt is not None and progress.is_unlocked(nxt.id, ids)
        progress.record(self.level.id, self.result.won, self.result.stars,
                        {o.id: o.value for o in self.result.objectives})
        try:
            progress.save()
        except OSError as e:
            self.notify(texts.DEBRIEF_SAVE_FAILED.format(error=e.strerror or e), severity="error", timeout=10)
            return
        if nxt is not None and not was_open and progress.is_unlocked(nxt.id, ids):
            self.notify(texts.DEBRIEF_UNLOCKED.format(title=nxt.title))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (action == "next" and self.next_level is None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        actions = {"retry": self.action_retry, "next": self.action_next, "map": self.action_map}
        actions.get(event.button.id or "", self.action_map)()

    def action_retry(self) -> None:
        """The same level again with the settings the run ended with (the player's choices)."""
        self.post_message(StartLevel(self.level, knobs=self.session.knobs))

    def action_next(self) -> None:
        nxt = self.next_level
        if nxt is not None:
            self.post_message(OpenBriefing(nxt, replace=True))

    def action_map(self) -> None:
        self.post_message(BackToMap())
