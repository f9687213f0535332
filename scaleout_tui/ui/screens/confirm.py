"""A yes/no question over the current screen (leaving a run, restarting it)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from scaleout_tui.ui import texts


class ConfirmScreen(ModalScreen[bool]):
    """Dismisses with ``True`` for yes. Escape and ``n`` mean no, so a stray key is safe."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", texts.KEY_YES),
        Binding("n,escape", "answer(False)", texts.KEY_NO),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self._question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(self._question, id="confirm-question", markup=False)  # holds a path
            with Horizontal(id="confirm-buttons"):
                yield Button(texts.CONFIRM_YES, id="yes", variant="warning")
                yield Button(texts.CONFIRM_NO, id="no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
