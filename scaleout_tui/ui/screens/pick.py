"""Choose a recording: "Load replay" on the map, and the second run of a comparison."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from scaleout_tui.ui import recordings, texts


def size_text(n: int) -> str:
    return f"{n / 1024:.0f} KB" if n >= 1024 else f"{n} B"


class RecordingPicker(ModalScreen[Path | None]):
    """Dismisses with the chosen file, or ``None`` (Escape)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", texts.KEY_BACK)]

    def __init__(self, level_id: str | None = None, exclude: Path | None = None) -> None:
        super().__init__()
        self.level_id = level_id
        self.files = [f for f in recordings.listing(level_id)
                      if exclude is None or f.path.resolve() != exclude.resolve()]

    def compose(self) -> ComposeResult:
        with Vertical(id="pick-box") as box:
            box.border_title = texts.PICK_TITLE_COMPARE if self.level_id else texts.PICK_TITLE
            if self.files:
                yield OptionList(*[Option(texts.PICK_ROW.format(name=f.path.name, size=size_text(f.size)),
                                          id=str(i)) for i, f in enumerate(self.files)], id="pick-list")
            else:
                empty = texts.PICK_EMPTY_COMPARE if self.level_id else texts.PICK_EMPTY
                yield Static(empty.format(folder=recordings.folder()), id="pick-empty", markup=False)
            yield Static(texts.PICK_HINT, id="pick-hint")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.files[event.option_index].path)

    def action_cancel(self) -> None:
        self.dismiss(None)
