"""The scaling history of an auto scaling group: every capacity change, newest first.

Why its own panel when the event log already says "Scale out 2 → 3": the log scrolls past a
change within a minute of a busy run, while the history keeps each change beside its cause,
so the player can see *why* the fleet is the size it is (an alarm, a schedule, a
replacement). Where there is height it is a table; given a single row (short terminals) it
shows only the last change, on one line.
"""

from __future__ import annotations

from rich.text import Text
from textual.geometry import Size
from textual.reactive import reactive

from scaleout_tui.engine.snapshot import ScalingChange
from scaleout_tui.game.texts import clock, scaling_cause
from scaleout_tui.ui import texts
from scaleout_tui.ui.widgets.autoheight import FitsContent


def change_style(change: ScalingChange) -> str:
    """Green for a scale out (capacity added), cyan for a scale in."""
    return "green" if change.new > change.old else "cyan"


def fit(line: Text, width: int) -> Text:
    """``line`` cut to ``width`` cells with "…", so a long cause never wraps the table."""
    if line.cell_len <= width:
        return line
    line = line.copy()
    line.truncate(max(width - 1, 0))
    line.append("…")
    return line


def row_text(change: ScalingChange) -> Text:
    line = Text(texts.SCALING_ROW.format(t=clock(change.t), old=change.old, new=change.new),
                style=change_style(change))
    line.append(scaling_cause(change.cause, dict(change.params)))
    return line


def history_text(changes: tuple[ScalingChange, ...], width: int, height: int) -> Text:
    """A header and the newest changes that fit ``height`` rows; one row: the last change."""
    if width <= 0 or height <= 0:
        return Text()
    if not changes:
        return Text(texts.SCALING_NONE, style="dim italic")
    if height == 1:
        last = changes[-1]
        line = Text(texts.SCALING_LAST.format(t=clock(last.t), old=last.old, new=last.new),
                    style=change_style(last))
        line.append(scaling_cause(last.cause, dict(last.params)))
        return fit(line, width)
    lines = [fit(Text(texts.SCALING_HEADER, style="bold dim"), width)]
    lines += [fit(row_text(c), width) for c in reversed(changes[-(height - 1):])]
    return Text("\n").join(lines)


class ScalingHistory(FitsContent):
    """Redraws when a change arrives; as tall as its rows (the stylesheet caps it)."""

    changes: reactive[tuple[ScalingChange, ...]] = reactive(())

    def watch_changes(self) -> None:
        self.fit_height()

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return 1 + len(self.changes) if self.changes else 1

    def render(self) -> Text:
        width, height = self.content_size
        return history_text(self.changes, width, height)
