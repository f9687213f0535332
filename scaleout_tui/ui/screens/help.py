"""The help screen: controls and how the game works. The play clock stands still under it
(the play screen only advances while it is the current screen)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Markdown

from scaleout_tui.ui import texts


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,question_mark,q", "close", texts.HELP_CLOSE),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box") as box:
            box.border_title = texts.HELP_TITLE
            with VerticalScroll(id="help-scroll"):
                yield Markdown(texts.HELP_TEXT, id="help-text")
            yield Button(texts.HELP_CLOSE, id="help-close", variant="primary")

    def on_mount(self) -> None:
        self.redraw()

    def redraw(self) -> None:
        self.query_one("#help-scroll", VerticalScroll).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
