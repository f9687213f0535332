"""The export dialog: the player's design written as real configuration files (issue 17).

Opened over the play screen (the settings chosen now) and the debrief (the settings the run ended
with); both hand it the level and the knob values, and it asks :mod:`scaleout_tui.deploy` for the
rest, so the game and ``scaleout export`` write the very same files.

Why it reads :data:`~scaleout_tui.deploy.formats.FORMATS` when it opens rather than at import: the
registry is the one list of formats (the command line's ``--to``, the import's sniffing), and a
format added to it shows here without a change to this screen.

Why a failure keeps the dialog open: a folder that cannot be written (no permission, a file in
the way, no name at all) is the player's to fix, and it is said inside the dialog, naming the
path, with the folder still typed in. Nothing the dialog does touches the run: the play screen's
clock stands still under it, as under the help, and goes on when it closes.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from scaleout_tui.content.errors import LevelError
from scaleout_tui.content.schema import Level
from scaleout_tui.deploy import formats
from scaleout_tui.deploy.design import design_of
from scaleout_tui.i18n import plural
from scaleout_tui.ui import texts


def default_folder(level: Level, name: str) -> str:
    """Where an export goes unless the player says otherwise: one folder per level and format
    under ``./scaleout-export``, relative to where the game was started, so two exports never
    mix their files and the player finds them beside the terminal they play in."""
    return f"./scaleout-export/{level.id}-{name}"


def format_line(name: str, name_width: int) -> Table:
    """A format's row in the list: its name in a column as wide as the longest, and what its
    files hold beside it. A grid, not a string: the description wraps by cells under itself (a
    Korean line breaks where it fits, two cells a syllable) and the names stay in one column."""
    row = Table.grid(padding=(0, 2))
    row.add_column(width=name_width, no_wrap=True)
    row.add_column(ratio=1)
    row.add_row(Text(name, style="bold"), Text(texts.EXPORT_FORMATS.get(name, ""), style="dim"))
    return row


class FormatList(OptionList):
    """The formats; the highlighted one is the choice. A click only chooses (the option list
    would also *select* it, which here means exporting at once); Enter exports."""

    async def _on_click(self, event: events.Click) -> None:
        event.prevent_default()
        clicked = event.style.meta.get("option")
        if isinstance(clicked, int):
            self.highlighted = clicked


class ExportScreen(ModalScreen[list[Path] | None]):
    """Dismisses with the paths written, or ``None`` when cancelled. The notice of what was
    written is its own: whoever opened it has nothing more to do."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", texts.KEY_BACK),
    ]
    #: Below 30 rows the list of formats scrolls sooner, so that a long error (a path) still
    #: leaves the buttons on screen at 80×24, in Korean too (see scaleout.tcss).
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]  # noqa: RUF012 (typed by Screen)

    def __init__(self, level: Level, knobs: Mapping[str, str]) -> None:
        super().__init__()
        self.level = level
        #: the settings as they were when the dialog opened (the run stands still meanwhile)
        self.knobs = dict(knobs)
        #: the format names, in the registry's order, as registered now
        self.names: list[str] = list(formats.FORMATS)
        #: what the dialog shows, kept here so that a redraw in another language keeps it
        self.chosen: str | None = self.names[0] if self.names else None
        self.folder = default_folder(level, self.chosen) if self.chosen else ""
        self.error = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="export-box") as box:
            box.border_title = texts.EXPORT_TITLE
            yield Static(texts.EXPORT_FORMAT, classes="export-label")
            if self.names:
                width = max(cell_len(n) for n in self.names)
                options = [Option(format_line(n, width), id=n) for n in self.names]
                listing = FormatList(*options, id="export-formats")
                if self.chosen in self.names:
                    listing.highlighted = self.names.index(self.chosen)
                yield listing
            else:
                yield Static(texts.EXPORT_NO_FORMATS, id="export-none")
            yield Static(texts.EXPORT_FOLDER, classes="export-label")
            yield Input(self.folder, id="export-folder", select_on_focus=False)
            # The error takes the hint's place: on a short screen there is room for one of them.
            hint = Static(texts.EXPORT_FOLDER_HINT, id="export-hint")
            hint.display = not self.error
            yield hint
            error = Static(self.error, id="export-error", markup=False)  # holds a path
            error.display = bool(self.error)
            yield error
            with Horizontal(id="export-buttons"):
                yield Button(texts.EXPORT_OK, id="export-ok", variant="primary", disabled=not self.names)
                yield Button(texts.EXPORT_CANCEL, id="export-cancel")

    def on_mount(self) -> None:
        self.redraw()

    def redraw(self) -> None:
        """Focus the choice of format (on mount, and after a change of language)."""
        target = self.query("#export-formats") or self.query("#export-folder")
        target.first().focus()

    # ---- what the player changes ---------------------------------------------------------
    @on(OptionList.OptionHighlighted, "#export-formats")
    def _format_chosen(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        name = event.option.id
        if name is None or name == self.chosen:
            return
        # The folder follows the format while it is the default one; a folder typed stays.
        if self.chosen is not None and self.folder == default_folder(self.level, self.chosen):
            self.folder = default_folder(self.level, name)
            self.query_one("#export-folder", Input).value = self.folder
        self.chosen = name

    @on(Input.Changed, "#export-folder")
    def _folder_typed(self, event: Input.Changed) -> None:
        event.stop()
        self.folder = event.value

    # ---- exporting ---------------------------------------------------------------------------
    @on(OptionList.OptionSelected, "#export-formats")
    def _format_entered(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_export()

    @on(Input.Submitted, "#export-folder")
    def _folder_entered(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_export()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "export-ok":
            self.action_export()
        else:
            self.action_cancel()

    def action_export(self) -> None:
        """Write the files, say what was written and close; or say why not and stay open."""
        name = self.chosen
        if name is None or name not in formats.FORMATS:
            self.show_error(texts.EXPORT_NO_FORMATS)
            return
        folder = self.folder.strip()
        if not folder:
            self.show_error(texts.EXPORT_NO_FOLDER, focus="#export-folder")
            return
        target = Path(folder).expanduser()
        try:
            design = design_of(self.level, self.knobs)
        except LevelError as e:
            self.show_error(texts.EXPORT_DESIGN_FAILED.format(reason=e))
            return
        try:
            written = formats.write_export(design, name, target)
        except OSError as e:
            where = os.fsdecode(e.filename) if e.filename else str(target)
            self.show_error(texts.EXPORT_WRITE_FAILED.format(path=where, reason=e.strerror or e),
                            focus="#export-folder")
            return
        except (LevelError, ValueError, KeyError) as e:  # a writer's bug: said, never the run's end
            self.show_error(texts.EXPORT_FORMAT_FAILED.format(format=name, reason=e))
            return
        readme = next((p for p in written if p.name == "README.md"), written[-1] if written else target)
        self.notify(texts.EXPORT_DONE.format(files=plural(len(written), texts.NOUN_FILE),
                                             folder=target.resolve(), readme=readme.resolve()),
                    timeout=15)
        self.dismiss(written)

    def show_error(self, message: str, *, focus: str | None = None) -> None:
        self.error = message
        error = self.query_one("#export-error", Static)
        error.update(message)
        error.display = True
        self.query_one("#export-hint").display = False
        if focus is not None:
            self.query_one(focus).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
