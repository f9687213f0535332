"""The event log: the newest entries that fit, oldest at the top, coloured by severity.

Why not ``RichLog``: it wraps each line once, at the width it had when written, so a
resize leaves old lines cut or ragged. This widget keeps the entries and wraps them at
render time for the current size, showing the last lines that fit, so the newest event
is always visible at the bottom of the panel.
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from scaleout_tui.engine.events import LogEntry
from scaleout_tui.game.texts import clock, describe
from scaleout_tui.ui import texts
from scaleout_tui.ui.widgets.charts import marker_of, marker_text

SEVERITY_STYLES: dict[str, str] = {
    "info": "",
    "warn": "yellow",
    "error": "bold red",
    "good": "green",
}


def entry_text(entry: LogEntry) -> Text:
    """``"03:12 ✖ web-1 crashed: ..."`` with the time dimmed and the message coloured; an event
    the charts mark on their time axis starts with the same marker glyph."""
    line = Text(clock(entry.t) + " ", style="dim")
    kind = marker_of(entry)
    if kind is not None:
        line.append_text(marker_text(kind))
        line.append(" ")
    line.append(describe(entry), style=SEVERITY_STYLES.get(entry.severity, ""))
    return line


def cut(lines: list[Text], width: int) -> list[Text]:
    """``lines`` with an ellipsis at the end of the last one: more follows that did not fit."""
    last = lines[-1].copy()
    last.rstrip()
    last.truncate(max(width - 1, 0))
    last.append("…")
    return [*lines[:-1], last]


def log_text(entries: tuple[LogEntry, ...], width: int, height: int, console: Console,
             preamble: tuple[Text, ...] = ()) -> Text:
    """The newest whole entries that fit ``height`` lines at ``width`` cells, oldest first.

    An entry is shown whole or not at all (a half entry at the top reads as nonsense),
    except when the newest alone is taller than the panel (two lines at 80×24): then its
    *first* lines, ending in "…". They hold the time and what happened to which box
    ("25:30 replica-1 promoted to"); its last lines alone ("master; 0 writes it had not
    applied are lost") did not say which box.
    """
    if width <= 0 or height <= 0:
        return Text()
    if preamble:  # the evening ahead, before the clock starts: first, the entries below it
        head = [line for p in preamble for line in p.wrap(console, width)][:height]
        rest = log_text(entries, width, height - len(head), console) if height > len(head) else Text()
        return Text("\n").join([*head, rest] if rest.plain else head)
    if not entries:
        return Text(texts.LOG_EMPTY, style="dim italic")
    blocks: list[list[Text]] = []
    used = 0
    for entry in reversed(entries):
        wrapped = list(entry_text(entry).wrap(console, width))
        if used + len(wrapped) > height:
            if not blocks:
                blocks.append(cut(wrapped[:height], width))
            break
        blocks.append(wrapped)
        used += len(wrapped)
    return Text("\n").join(line for block in reversed(blocks) for line in block)


class EventLog(Widget):
    """Redraws when a new entry arrives (entries are compared by content)."""

    entries: reactive[tuple[LogEntry, ...]] = reactive(())
    #: lines shown above the entries (the preview, before the clock starts)
    preamble: reactive[tuple[Text, ...]] = reactive(())

    def render(self) -> Text:
        width, height = self.content_size
        return log_text(self.entries, width, height, self.app.console, self.preamble)
