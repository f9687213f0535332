"""The campaign map: the eight planned levels in order, their lock state and stars.

Every planned level is listed, written or not, so a player sees where the campaign goes
(scale up, then two tiers, then a balancer ... then autoscaling) from the first screen.
Rows that cannot be opened are disabled in the list; the detail panel says why (locked:
win the previous level; coming soon: not written yet).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from scaleout_tui.ui import texts
from scaleout_tui.ui.campaign import Slot, slots, stars_text

if TYPE_CHECKING:
    from scaleout_tui.ui.app import ScaleoutApp


def slot_prompt(slot: Slot) -> Table:
    """One row: number and title on the left; stars, or why it cannot be played, on the right."""
    title = Text(texts.MAP_ROW.format(order=slot.order, title=slot.title),
                 style="bold" if slot.playable else "dim")
    if slot.level is None:
        status = Text(texts.MAP_SOON, style="dim italic")
    elif not slot.unlocked:
        status = Text(texts.MAP_LOCKED, style="dim italic")
    else:
        status = Text(stars_text(slot.stars), style="bold yellow" if slot.stars else "dim")
    row = Table.grid(expand=True, padding=(0, 1))
    row.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    row.add_column(no_wrap=True, justify="right")
    row.add_row(title, status)
    return row


def slot_detail(slot: Slot) -> Text:
    """The panel beside the list: what the level is about and how to open it."""
    out = Text()
    out.append(texts.MAP_ROW.format(order=slot.order, title=slot.title), style="bold")
    lv = slot.level
    if lv is None:
        out.append("\n\n" + texts.MAP_DETAIL_SOON, style="dim")
        return out
    out.append("\n" + lv.subtitle, style="italic")
    out.append("\n\n" + texts.MAP_DETAIL_CONCEPTS.format(concepts=", ".join(lv.concepts)))
    if not slot.unlocked:
        out.append("\n\n" + texts.MAP_DETAIL_LOCKED.format(prev=slot.order - 1), style="yellow")
    elif slot.plays:
        out.append("\n\n" + texts.MAP_DETAIL_PLAYS.format(plays=slot.plays, stars=stars_text(slot.stars)))
    return out


class CampaignScreen(Screen[None]):
    """The app's base screen; every other screen returns here."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", texts.KEY_OPEN),
    ]

    app: ScaleoutApp

    def __init__(self) -> None:
        super().__init__()
        self._slots: list[Slot] = []

    def compose(self) -> ComposeResult:
        yield Static(Text.assemble((texts.APP_TITLE, "bold"), "  ", (texts.APP_SUBTITLE, "italic")),
                     id="map-title")
        with Horizontal(id="map-body"):
            with Vertical(id="map-list-box") as box:
                box.border_title = texts.MAP_TITLE
                yield OptionList(id="map-list")
                yield Static(id="map-total")
            yield Static(id="map-detail")
        yield Static(texts.MAP_HINT, id="map-hint")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        """Rebuild the rows from the content and progress (after a debrief saved a result)."""
        self._slots = slots(self.app.content, self.app.progress)
        lst = self.query_one("#map-list", OptionList)
        keep = lst.highlighted
        lst.clear_options()
        lst.add_options([Option(slot_prompt(s), id=str(s.order), disabled=not s.playable)
                         for s in self._slots])
        if keep is None or keep >= len(self._slots) or not self._slots[keep].playable:
            playable = [i for i, s in enumerate(self._slots) if s.playable]
            # Start on the furthest level the player can open: the one to play next.
            keep = playable[-1] if playable else None
        lst.highlighted = keep
        total = sum(s.stars for s in self._slots)
        self.query_one("#map-total", Static).update(
            texts.MAP_TOTAL.format(stars=total, max=3 * len(self._slots)))
        self._show_detail(keep)
        lst.focus()

    def _show_detail(self, index: int | None) -> None:
        detail = self.query_one("#map-detail", Static)
        if index is None or not 0 <= index < len(self._slots):
            detail.update("")
            return
        detail.update(slot_detail(self._slots[index]))

    @on(OptionList.OptionHighlighted, "#map-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_detail(event.option_index)

    @on(OptionList.OptionSelected, "#map-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._open(event.option_index)

    def action_open(self) -> None:
        self._open(self.query_one("#map-list", OptionList).highlighted)

    def _open(self, index: int | None) -> None:
        if index is None or not 0 <= index < len(self._slots):
            return
        slot = self._slots[index]
        if slot.playable and slot.level is not None:
            self.app.open_briefing(slot.level)
