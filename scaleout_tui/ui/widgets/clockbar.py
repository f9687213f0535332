"""The status line: which level, whether the clock runs and how fast, and the time.

A player glancing up must know at once whether time is passing (a paused game that
looks live is the worst confusion a simulation can cause), hence the symbols ▶ and ❚❚
and the colour, as well as the time against the run's length with a progress bar.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from scaleout_tui.game.texts import clock
from scaleout_tui.ui import texts
from scaleout_tui.ui.widgets.topology import bar


@dataclass(frozen=True, slots=True)
class ClockData:
    level: str = ""
    t: float = 0.0
    duration: float = 1.0
    paused: bool = False
    speed: str = ""
    finished: bool = False
    #: Said after "paused" (the play screen: what Space does, at which speed).
    hint: str = ""


def clock_line(data: ClockData, width: int) -> Table:
    """Level name on the left; state, time and a progress bar on the right."""
    if data.finished:
        state = Text(texts.CLOCK_FINISHED, style="bold")
    elif data.paused:
        state = Text()
        state.append(texts.CLOCK_PAUSED, style="bold black on yellow")
        if data.hint:  # beside the yellow chip, not in it: the chip says the state
            state.append(" " + data.hint, style="italic")
    else:
        state = Text(texts.CLOCK_RUNNING.format(speed=data.speed), style="bold green")
    time = Text(texts.CLOCK_TIME.format(now=clock(data.t), duration=clock(data.duration)), style="bold")
    progress_w = max(0, min(30, width - cell_len(data.level) - state.cell_len - time.cell_len - 8))
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    grid.add_column(no_wrap=True)
    grid.add_column(no_wrap=True)
    grid.add_column(no_wrap=True)
    pct = 100.0 * data.t / data.duration if data.duration > 0 else 0.0
    progress = bar(pct, progress_w) if progress_w >= 5 else Text()
    progress.stylize("cyan")
    grid.add_row(Text(data.level, style="bold"), state, time, progress)
    return grid


class ClockBar(Widget):
    data: reactive[ClockData] = reactive(ClockData())

    def render(self) -> Table:
        return clock_line(self.data, self.size.width)
