"""The debrief: won or lost, stars, each objective against its target, and why.

The sentences come from the game layer (``headless.report``'s ``debrief``, the same text
``scaleout run`` prints), told in the run's own numbers; this screen frames them. It is
also where a run is recorded: the result goes into the player's progress and is saved
at once, so quitting from here loses nothing. A save that fails is reported, not fatal.

After a second loss on a level never won, and when the level has a reference solution, the
debrief offers to watch a winning run beside the player's own (``w``): not earlier, because
finding the way is the game, and a first loss is mostly learning what the level asks; not
later, because a player stuck twice learns more from seeing where the two evenings part than
from a third blind try.

Ctrl+E writes the settings the run ended with as real configuration files (nginx, HAProxy,
Kubernetes, CloudFormation: :mod:`~scaleout_tui.ui.screens.export`): the design that won, or
the one to take apart with the real tools.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Static

from scaleout_tui.content.paths import is_sandbox, solution_path
from scaleout_tui.content.schema import Level
from scaleout_tui.game.headless import report
from scaleout_tui.game.session import Result, Session
from scaleout_tui.persistence.progress import Progress
from scaleout_tui.ui import fmt, texts
from scaleout_tui.ui.campaign import Content, stars_text
from scaleout_tui.ui.navigation import BackToMap, OpenBriefing, StartLevel, WatchWinningRun
from scaleout_tui.ui.screens.export import ExportScreen
from scaleout_tui.ui.screens.scrolling import SCROLL_BINDINGS, scroll_text
from scaleout_tui.ui.widgets.footer import KeysFooter


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
    """Each objective (its long label: the debrief has the room, and a label wraps rather than
    pushes the verdict out), its value, target and verdict.

    A met stretch target is a star after "met" ("met ★"), explained once under the table: the
    verdict said "met ★ stretch met", which beside a wide value and target ran into the scroll
    bar at 80×24."""
    table = Table.grid(expand=True, padding=(0, 1))
    table.add_column(ratio=1)
    table.add_column("", justify="right", no_wrap=True)
    table.add_column("", no_wrap=True, style="dim")
    table.add_column("", no_wrap=True)
    for o in result.objectives:
        verdict = Text(texts.DEBRIEF_MET if o.met else texts.DEBRIEF_MISSED,
                       style="bold green" if o.met else "bold red")
        if o.stretch_met:
            verdict.append(" " + texts.DEBRIEF_STRETCH, style="bold yellow")
        target = texts.DEBRIEF_TARGET.format(op=fmt.op(o.op), target=fmt.target(o.metric, o.target))
        table.add_row(Text(o.label), Text(fmt.metric(o.metric, o.value), style="bold"), Text(target), verdict)
    legend = Text()
    if any(o.stretch_met for o in result.objectives):
        legend.append(texts.DEBRIEF_STRETCH, style="bold yellow")
        legend.append(" " + texts.DEBRIEF_STRETCH_LEGEND, style="dim")
    return Group(Text(texts.DEBRIEF_OBJECTIVES, style="bold underline"), table, legend, Text(""))


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
        Binding("w", "watch", texts.KEY_WATCH),
        Binding("ctrl+e", "export", texts.KEY_EXPORT),
        Binding("m,escape", "map", texts.KEY_MAP),
        *SCROLL_BINDINGS,
    ]

    def action_scroll_text(self, how: str) -> None:
        """Scroll the text while a button keeps the focus (see screens.scrolling)."""
        scroll_text(self, "#debrief-scroll", how)

    def __init__(self, session: Session, result: Result, content: Content, progress: Progress,
                 recording: Path | None = None) -> None:
        super().__init__()
        #: the run's recording, shown beside the winning run (None: not recorded)
        self.recording = recording
        #: whether the debrief offers a winning run to watch (decided on mount, see _decide_watch)
        self.offers_watch = False
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

    def _decide_watch(self) -> bool:
        """Whether to offer a winning run to watch: this run lost, the level has never been won
        and has been played at least twice (this run counted once it is recorded), and there is
        a reference solution to show. Decided once, after the run is recorded (nothing changes
        it while the debrief is open), not at every binding check."""
        rec = self.progress.level(self.level.id)
        return (not self.result.won and rec is not None and not rec.won and rec.plays >= 2
                and solution_path(self.level.id) is not None)

    def language_changed(self) -> None:
        """The app speaks another language (the app has given the session the level in it):
        the objectives' labels and the sentences about the run are taken again from the same
        run, in the new words, before the screen is composed again."""
        self.level = self.session.level
        self.result = self.session.result()
        self.report = report(self.session, self.result)

    def compose(self) -> ComposeResult:
        title = Static(heading(self.level, self.result), id="debrief-title")
        title.add_class("-won" if self.result.won else "-lost")
        yield title
        with VerticalScroll(id="debrief-scroll"):
            hint = Static(texts.DEBRIEF_WATCH_HINT, id="debrief-watch-hint")
            hint.display = False  # the offer is known once the run is recorded (on_mount)
            yield hint
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
            watch = Button(texts.DEBRIEF_WATCH, id="watch", variant="warning")
            watch.display = False
            yield watch
            yield Button(texts.DEBRIEF_MAP, id="map", variant="primary")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.record()
        self.offers_watch = self._decide_watch()
        self.redraw()

    def redraw(self) -> None:
        """Show what is offered and focus the next step (on mount, and after a change of
        language)."""
        offer = self.offers_watch
        for widget in self.query("#watch, #debrief-watch-hint"):
            widget.display = offer
        self.refresh_bindings()
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
        if action == "watch":
            return self.offers_watch
        return not (action == "next" and self.next_level is None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        actions = {"retry": self.action_retry, "next": self.action_next, "watch": self.action_watch,
                   "map": self.action_map}
        actions.get(event.button.id or "", self.action_map)()

    def action_retry(self) -> None:
        """The same level again with the settings the run ended with (the player's choices)."""
        self.post_message(StartLevel(self.level, knobs=self.session.knobs, origin=self))

    def action_next(self) -> None:
        nxt = self.next_level
        if nxt is not None:
            self.post_message(OpenBriefing(nxt, replace=True, origin=self))

    def action_watch(self) -> None:
        """The winning run beside this one, over the debrief (Esc comes back here)."""
        if self.offers_watch:
            self.post_message(WatchWinningRun(self.level, self.recording, self.session.seed))

    def action_export(self) -> None:
        """The settings the run ended with as real configuration files (Ctrl+E, the palette)."""
        self.app.push_screen(ExportScreen(self.level, self.session.knobs))

    def action_map(self) -> None:
        self.post_message(BackToMap())
