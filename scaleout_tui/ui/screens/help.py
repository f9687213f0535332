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
        """Focus the text (on mount, and after a change of language); a help closed by the
        same burst of keys that opened it has no text left to focus."""
        for scroll in self.query("#help-scroll").results(VerticalScroll):
            scroll.focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
