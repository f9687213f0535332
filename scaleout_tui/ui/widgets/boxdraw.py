"""Drawing primitives shared by the diagram's cards: colours, bars, framed lines, marks.

Why a module of their own: the topology diagram and the database column both draw cards
with the same frame, bars and marks, and the database module must not import the diagram
that in turn places its column (that would be a cycle). Everything here is a pure function
of plain values, so it is tested without a terminal.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len, set_cell_size
from rich.text import Text

from scaleout_tui.engine.snapshot import BoxView
from scaleout_tui.ui import texts

STATE_STYLES: dict[str, str] = {
    "running": "bold green",
    "booting": "bold cyan",
    "stopping": "bold yellow",
    "stopped": "yellow",
    "crashed": "bold red",
    "terminated": "dim",
}

HEALTH_STYLES: dict[str, str] = {
    "healthy": "green",
    "unhealthy": "bold red",
    "initial": "cyan",
    "draining": "yellow",
}


def cpu_style(pct: float) -> str:
    """Green with headroom, yellow when getting busy, red when the cores are saturated."""
    if pct >= 90:
        return "red"
    if pct >= 70:
        return "yellow"
    return "green"


def bar(pct: float, width: int, style: str | None = None) -> Text:
    """A horizontal bar of ``pct`` percent over ``width`` cells, with eighth-cell precision.

    Coloured like a CPU gauge unless ``style`` says otherwise (a shard's share of inserts
    is judged against a fair share, not against 100 %)."""
    width = max(width, 0)
    pct = min(max(pct, 0.0), 100.0)
    eighths = round(pct / 100 * width * 8)
    full, part = divmod(eighths, 8)
    body = "█" * full + ("▏▎▍▌▋▊▉"[part - 1] if part else "")
    text = Text(body, style=cpu_style(pct) if style is None else style)
    text.append("·" * (width - len(body)), style="dim")
    return text


def framed(content: Text, inner: int) -> Text:
    """One line of a card: ``content`` cut or padded to ``inner`` cells between two rules."""
    content = content.copy()
    content.truncate(inner, overflow="ellipsis", pad=True)
    return Text.assemble(("│", "dim"), content, ("│", "dim"))


def card_top(title: str, inner: int) -> Text:
    """A card's top border with its title set into it."""
    rule = "─" * max(inner - cell_len(title), 0)
    return Text.assemble(("┌", "dim"), (title, "bold"), (rule, "dim"), ("┐", "dim"))


def card_bottom(inner: int) -> Text:
    return Text.assemble(("└" + "─" * inner + "┘", "dim"))


def pick_title(titles: Sequence[str], inner: int) -> str:
    """The first title that fits ``inner`` cells (longest wording first), else the last, cut at a
    cell (a wide character that would straddle the edge becomes a space)."""
    return next((t for t in titles if cell_len(t) <= inner), set_cell_size(titles[-1], inner))


def fit(candidates: Sequence[Text], inner: int) -> Text:
    """The first candidate that fits ``inner`` cells (longest wording first); else the last,
    which the card's frame then cuts."""
    for text in candidates:
        if text.cell_len <= inner:
            return text
    return candidates[-1]


def state_mark(box: BoxView) -> Text:
    """One cell for what the box *is*: its state, or a red ``!`` for a running but broken app."""
    if box.fault in texts.FAULTS and box.state in ("running", "stopping"):
        return Text("!", style="bold red")
    return Text(texts.STATES.get(box.state, box.state)[:1], style=STATE_STYLES.get(box.state, ""))


def health_mark(box: BoxView) -> Text:
    """One cell for what the balancer *thinks* of the box (empty without a balancer)."""
    if box.health not in texts.HEALTH:
        return Text()
    return Text(texts.HEALTH[box.health][0], style=HEALTH_STYLES[box.health])
