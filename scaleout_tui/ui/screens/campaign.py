"""The campaign map: the eight planned levels in order, their lock state and stars.

Every planned level is listed, written or not, so a player sees where the campaign goes
(scale up, then two tiers, then a balancer ... then autoscaling) from the first screen.
Rows that cannot be opened can still be highlighted, so the player can read what comes
next; the detail panel and a notice on Enter say why (locked: win the previous level;
coming soon: not written yet).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from scaleout_tui.content.paths import SANDBOX_ID
from scaleout_tui.game.texts import plural
from scaleout_tui.persistence.progress import Progress
from scaleout_tui.ui import fmt, texts
from scaleout_tui.ui.campaign import Content, Slot, slots, stars_text
from scaleout_tui.ui.navigation import LoadReplay, OpenBriefing, SwitchLanguage
from scaleout_tui.ui.widgets.footer import KeysFooter

if TYPE_CHECKING:
    from scaleout_tui.content.schema import Level


def slot_prompt(slot: Slot) -> Table:
    """One row: number and title on the left; stars, or why it cannot be played, on the right."""
    title = Text(texts.MAP_ROW.format(order=slot.order, title=slot.title),
                 style="bold" if slot.playable else "dim")
    if slot.level is None:
        status = Text(texts.MAP_SOON, style="dim italic")
    elif not slot.unlocked:
        status = Text(texts.MAP_LOCKED, style="dim italic")
    else:
        status = Text(stars_text(slot.stars), style="bold yellow")
    row = Table.grid(expand=True, padding=(0, 1))
    row.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    row.add_column(no_wrap=True, justify="right")
    row.add_row(title, status)
    return row


def slot_detail(slot: Slot, title: str | None = None) -> Group:
    """The panel beside the list: what the level is about, how far the player got, and
    (for a level that cannot be opened yet) why. ``title`` replaces the numbered one."""
    title = title or texts.MAP_ROW.format(order=slot.order, title=slot.title)
    parts: list[RenderableType] = [Text(title, style="bold")]
    lv = slot.level
    if lv is None:
        parts.append(Text("\n" + texts.MAP_DETAIL_SOON, style="dim"))
        return Group(*parts)
    parts.append(Text(lv.subtitle, style="italic"))
    if not slot.unlocked:
        parts.append(Text("\n" + texts.MAP_DETAIL_LOCKED.format(prev=slot.order - 1), style="bold yellow"))
    elif slot.plays:
        plays = texts.MAP_DETAIL_PLAYS.format(plays=plural(slot.plays, texts.NOUN_TIME),
                                              stars=stars_text(slot.stars))
        parts.append(Text("\n" + plays, style="yellow"))
    parts.append(Text("\n" + texts.MAP_DETAIL_CONCEPTS, style="bold"))
    concepts = Table.grid(padding=(0, 1))
    concepts.add_column(no_wrap=True)
    concepts.add_column(ratio=1)
    for c in lv.concepts:
        concepts.add_row(" •", Text(c))
    parts.append(concepts)
    parts.append(Text("\n" + fmt.reflow(lv.briefing.text), style="dim"))
    return Group(*parts)


#: the option id of the main sandbox's row, below the campaign's levels (the others' ids add
#: their level id: ``sandbox:98-sandbox-shards``)
SANDBOX_OPTION = "sandbox"


def sandbox_option_id(level: Level) -> str:
    return SANDBOX_OPTION if level.id == SANDBOX_ID else f"{SANDBOX_OPTION}:{level.id}"


def sandbox_prompt(level: Level) -> Table:
    """A sandbox's row: its title on the left, "free play" on the right."""
    row = Table.grid(expand=True, padding=(0, 1))
    row.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    row.add_column(no_wrap=True, justify="right")
    row.add_row(Text(level.title, style="bold"), Text(texts.MAP_SANDBOX_STATUS, style="italic cyan"))
    return row


class CampaignScreen(Screen[None]):
    """The app's base screen; every other screen returns here."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority, so the footer shows it (the list's own Enter, unshown, would hide it); it does
        # what the list's Enter did: open the highlighted row.
        Binding("enter", "open", texts.KEY_OPEN, priority=True),
        Binding("l", "load_replay", texts.KEY_LOAD_REPLAY),
        Binding("g", "language", texts.KEY_LANGUAGE),
    ]

    def __init__(self, content: Content, progress: Progress) -> None:
        super().__init__()
        self.content = content
        #: the app's progress, which the debrief records into: the rows are rebuilt from it on resume
        self.progress = progress
        self._slots: list[Slot] = []
        self._furthest: int | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text.assemble((texts.APP_TITLE, "bold"), "  ", (texts.APP_SUBTITLE, "italic")),
                     id="map-title")
        with Horizontal(id="map-body"):
            with Vertical(id="map-list-box") as box:
                box.border_title = texts.MAP_TITLE
                yield OptionList(id="map-list")
                yield Static(id="map-total")
            yield Static(id="map-detail")
        # One footer: the keys with their names (a second line of hints above it said the same).
        yield KeysFooter()

    def on_mount(self) -> None:
        self.reload()

    def redraw(self) -> None:
        """After a change of language: the rows again, in it."""
        self.reload()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        """Rebuild the rows from the content and progress (after a debrief saved a result).

        Nothing to rebuild when the list is gone: a browser tab closed while the map was still
        mounting told the game to quit, the app removed the screen's widgets, and the mount
        handler that came after found no list (``NoMatches``, a traceback in ``scaleout serve``'s
        log)."""
        self._slots = slots(self.content, self.progress)
        try:
            lst = self.query_one("#map-list", OptionList)
        except NoMatches:
            return
        keep = lst.highlighted
        lst.clear_options()
        # Rows that cannot be opened stay selectable, so the player can read what comes next.
        lst.add_options([Option(slot_prompt(s), id=str(s.order)) for s in self._slots])
        # the sandboxes: free play, open from the start (chapter two's plays the cache and the
        # device tier, which only levels 9 and 10 had offered)
        lst.add_options([Option(sandbox_prompt(s), id=sandbox_option_id(s)) for s in self.content.sandboxes])
        playable = [i for i, s in enumerate(self._slots) if s.playable]
        furthest = playable[-1] if playable else None
        if keep is None or keep >= lst.option_count or furthest != self._furthest:
            # Start on the furthest level the player can open (the one to play next), and move
            # there again when a win has just unlocked a new one.
            keep = furthest
        self._furthest = furthest
        lst.highlighted = keep
        total = sum(s.stars for s in self._slots)
        self.query_one("#map-total", Static).update(
            texts.MAP_TOTAL.format(stars=total, max=3 * len(self._slots)))
        self._show_detail(keep)
        lst.focus()

    def _show_detail(self, index: int | None) -> None:
        found = self.query("#map-detail").results(Static)
        detail = next(found, None)
        if detail is None:  # a highlight queued before the map's widgets went (a tab closing)
            return
        # The panel's size is the layout's (1fr each way), not its text's: a new text only
        # repaints it (each highlighted row used to lay the whole map out again).
        sandbox = self._sandbox(index)
        if sandbox is not None:
            sandbox_slot = Slot(sandbox.order, sandbox.title, sandbox, None, True, 0, 0)
            detail.update(slot_detail(sandbox_slot, sandbox.title), layout=False)
            return
        if index is None or not 0 <= index < len(self._slots):
            detail.update("", layout=False)
            return
        detail.update(slot_detail(self._slots[index]), layout=False)

    @on(OptionList.OptionHighlighted, "#map-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_detail(event.option_index)

    @on(OptionList.OptionSelected, "#map-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._open(event.option_index)

    def action_open(self) -> None:
        self._open(self.query_one("#map-list", OptionList).highlighted)

    def _sandbox(self, index: int | None) -> Level | None:
        """The sandbox level if ``index`` is one of their rows (below the campaign's)."""
        if index is None or not 0 <= index - len(self._slots) < len(self.content.sandboxes):
            return None
        return self.content.sandboxes[index - len(self._slots)]

    def _open(self, index: int | None) -> None:
        sandbox = self._sandbox(index)
        if sandbox is not None:
            self.post_message(OpenBriefing(sandbox, origin=self))
            return
        if index is None or not 0 <= index < len(self._slots):
            return
        slot = self._slots[index]
        if slot.playable and slot.level is not None:
            self.post_message(OpenBriefing(slot.level, origin=self))
        elif slot.level is None:
            self.notify(texts.MAP_DETAIL_SOON, severity="warning")
        else:
            self.notify(texts.MAP_DETAIL_LOCKED.format(prev=slot.order - 1), severity="warning")

    def action_language(self) -> None:
        self.post_message(SwitchLanguage())

    def action_load_replay(self) -> None:
        """Choose one of the recorded runs and open it in the replay screen."""
        from scaleout_tui.ui.screens.pick import RecordingPicker

        def chosen(path: object) -> None:
            if isinstance(path, Path):
                self.post_message(LoadReplay(path))

        self.app.push_screen(RecordingPicker(), chosen)
