"""Live objective status: each objective's value on the run so far against its target.

The verdict logic (which way a target points, what counts as met) is the game layer's
(``Session.result``); this panel only colours it. Mid-run the mark means "on track so
far", which is why the panel's title says "so far".
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.reactive import reactive

from scaleout_tui.game.session import ObjectiveResult
from scaleout_tui.ui import fmt, texts
from scaleout_tui.ui.widgets.autoheight import FitsContent


def objectives_table(objectives: tuple[ObjectiveResult, ...]) -> Table:
    """One row per objective: mark, label, value, target; green when met, red when not.

    A grid rather than sentences so that at 80 columns each objective stays on one line
    (a long label is cut with an ellipsis; the numbers never are).
    """
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    grid.add_column(no_wrap=True, justify="right")
    grid.add_column(no_wrap=True, style="dim")
    for o in objectives:
        style = "green" if o.met else "red"
        grid.add_row(Text(texts.OBJ_ON_TRACK if o.met else texts.OBJ_OFF_TRACK, style=f"bold {style}"),
                     o.label,
                     Text(fmt.metric(o.metric, o.value), style=f"bold {style}"),
                     f"{fmt.op(o.op)} {fmt.target(o.metric, o.target)}")
    return grid


class ObjectivesView(FitsContent):
    """Redraws only when a value or a verdict changes."""

    objectives: reactive[tuple[ObjectiveResult, ...]] = reactive(())

    def watch_objectives(self) -> None:
        self.fit_height()

    def render(self) -> Table:
        return objectives_table(self.objectives)
