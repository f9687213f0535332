"""Live objective status: each objective's value on the run so far against its target.

The verdict logic (which way a target points, what counts as met) is the game layer's
(``Session.result``); this panel only colours it. Mid-run the mark means "on track so
far", which is why the panel's title says "so far".
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text
from textual.content import Content
from textual.reactive import reactive

from scaleout_tui.game.session import ObjectiveResult
from scaleout_tui.ui import fmt, texts
from scaleout_tui.ui.widgets.autoheight import FitsContent

#: the mark column and the three one-column gaps between the four columns
_FIXED = 1 + 3


def _numbers(o: ObjectiveResult) -> tuple[str, str]:
    return fmt.metric(o.metric, o.value), f"{fmt.op(o.op)} {fmt.target(o.metric, o.target)}"


def names(objectives: Sequence[ObjectiveResult], width: int | None) -> list[str]:
    """Each objective's name for a panel ``width`` columns wide: its long label where it fits
    beside the numbers (a wide screen), else its short label (80 columns), so a name is never
    cut to "Seconds out of …". ``None``: no room to measure yet, the short one."""
    rows = [_numbers(o) for o in objectives]
    if width is None or not rows:
        return [o.heading for o in objectives]
    room = width - _FIXED - max(cell_len(v) for v, _ in rows) - max(cell_len(t) for _, t in rows)
    return [o.label if cell_len(o.label) <= room else o.heading for o in objectives]


def objectives_table(objectives: tuple[ObjectiveResult, ...], width: int | None = None) -> Table:
    """One row per objective: mark, name, value, target; green when met, red when not.

    A grid rather than sentences so that at 80 columns each objective stays on one line. The
    name is the level's short label where the long one does not fit; should unusually wide
    numbers ("2,119 ms", "100.00 %") squeeze even that, it wraps onto a second line instead of
    losing its end to an ellipsis. The numbers are never cut.
    """
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1, overflow="fold")
    grid.add_column(no_wrap=True, justify="right")
    grid.add_column(no_wrap=True, style="dim")
    for o, name in zip(objectives, names(objectives, width), strict=True):
        style = "green" if o.met else "red"
        value, target = _numbers(o)
        grid.add_row(Text(texts.OBJ_ON_TRACK if o.met else texts.OBJ_OFF_TRACK, style=f"bold {style}"),
                     Text(name), Text(value, style=f"bold {style}"), Text(target))
    return grid


def long_names(objectives: Sequence[ObjectiveResult]) -> str | None:
    """The tooltip: each short name with the long label it stands for; ``None`` when no
    objective has a short one (then the panel shows every label whole)."""
    lines = [texts.OBJ_LONG_NAME.format(short=o.short_label, label=o.label)
             for o in objectives if o.short_label]
    return "\n".join(lines) or None


class ObjectivesView(FitsContent):
    """Redraws only when a value or a verdict changes."""

    objectives: reactive[tuple[ObjectiveResult, ...]] = reactive(())

    def watch_objectives(self, old: tuple[ObjectiveResult, ...],
                         new: tuple[ObjectiveResult, ...]) -> None:
        if [o.short_label for o in old] != [o.short_label for o in new]:
            names = long_names(new)
            self.tooltip = None if names is None else Content(names)  # level text: not markup
        self.fit_height()

    def render(self) -> Table:
        width = self.content_size.width
        return objectives_table(self.objectives, width if width > 0 else None)
