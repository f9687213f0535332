"""Live objective status: each objective's value on the run so far against its target.

The verdict logic (which way a target points, what counts as met) is the game layer's
(``Session.result``); this panel only colours it. Mid-run the mark means "on track so
far", which is why the panel's title says "so far".
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from scaleout_tui.game.session import ObjectiveResult
from scaleout_tui.ui import fmt, texts


def objectives_text(objectives: tuple[ObjectiveResult, ...]) -> Text:
    """One line per objective: mark, label, value and target, green when met, red when not."""
    out = Text()
    for i, o in enumerate(objectives):
        if i:
            out.append("\n")
        style = "green" if o.met else "red"
        out.append(texts.OBJ_ON_TRACK if o.met else texts.OBJ_OFF_TRACK, style=f"bold {style}")
        out.append(f" {o.label}: ")
        out.append(fmt.metric(o.metric, o.value), style=f"bold {style}")
        out.append(f" ({fmt.op(o.op)} {fmt.metric(o.metric, o.target)})", style="dim")
    return out


class ObjectivesView(Widget):
    """Redraws only when a value or a verdict changes."""

    objectives: reactive[tuple[ObjectiveResult, ...]] = reactive((), layout=True)

    def render(self) -> Text:
        return objectives_text(self.objectives)
