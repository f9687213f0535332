"""The topology diagram: clients → web tier → database tier, one card per box.

Why a pure function plus a thin widget (as Textual's own Sparkline does): the drawing
depends only on the boxes and the width, so it can be unit-tested on plain values, and
the widget only decides *when* to redraw (when the boxes' view changed).

A card shows what a player needs to read a box's health at a glance: its instance type
and size, its state in colour, a CPU bar, and its queue. The role decides the column,
so the same code draws one box (app + DB together), two tiers, or later a fleet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from scaleout_tui.engine.snapshot import BoxView, Services
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

CARD_MIN = 12
CARD_MAX = 30
#: Below this inner width a card uses its compact lines (two tiers must fit 80 columns).
COMPACT_INNER = 20
CARD_LINES = 6


NO_SERVICES = Services()


@dataclass(frozen=True, slots=True)
class TopologyData:
    """What the diagram depends on: equal data means an identical drawing."""

    boxes: tuple[BoxView, ...]
    pending: tuple[str, ...] = ()


def services_text(services: Services) -> Text:
    """The shared parts under the diagram (balancer, health checks, session store, files),
    empty for a level that has none of them. Wrapped, unlike the diagram: a health check
    reads as a sentence."""
    parts: list[str] = []
    if services.algorithm:
        lb = texts.SERVICE_LB.format(algorithm=services.algorithm)
        if services.sticky:
            lb += texts.SERVICE_STICKY
        if not services.lb_serving:
            lb += texts.SERVICE_LB_DOWN
        parts.append(lb)
    if services.check:
        parts.append(texts.SERVICE_CHECK.format(check=services.check))
    if services.session_store:
        parts.append(texts.SERVICE_SESSIONS.format(store=services.session_store, n=services.sessions_active))
    if services.storage:
        parts.append(texts.SERVICE_FILES.format(mode=services.storage))
    return Text("\n".join(parts), style="dim")


def cpu_style(pct: float) -> str:
    """Green with headroom, yellow when getting busy, red when the cores are saturated."""
    if pct >= 90:
        return "red"
    if pct >= 70:
        return "yellow"
    return "green"


def bar(pct: float, width: int) -> Text:
    """A horizontal bar of ``pct`` percent over ``width`` cells, with eighth-cell precision."""
    width = max(width, 0)
    pct = min(max(pct, 0.0), 100.0)
    eighths = round(pct / 100 * width * 8)
    full, part = divmod(eighths, 8)
    body = "█" * full + ("▏▎▍▌▋▊▉"[part - 1] if part else "")
    text = Text(body, style=cpu_style(pct))
    text.append("·" * (width - len(body)), style="dim")
    return text


def _line(content: Text, inner: int) -> Text:
    content = content.copy()
    content.truncate(inner, overflow="ellipsis", pad=True)
    return Text.assemble(("│", "dim"), content, ("│", "dim"))


def _top(title: str, inner: int) -> Text:
    """A card's top border with its title set into it."""
    rule = "─" * max(inner - len(title), 0)
    return Text.assemble(("┌", "dim"), (title, "bold"), (rule, "dim"), ("┐", "dim"))


def card(box: BoxView, width: int) -> list[Text]:
    """The lines of one box's card, each exactly ``width`` cells wide.

    Narrow cards (two tiers side by side at 80 columns) drop words, not facts: the role
    (its column already says it), "vCPU" (the busy/total count still shows the cores).
    """
    inner = max(width - 2, 4)
    compact = inner < COMPACT_INNER
    title = f" {box.name} · {box.role} "
    if len(title) > inner:
        title = f" {box.name} "
    top = _top(title[:inner], inner)
    state = Text(texts.STATES.get(box.state, box.state), style=STATE_STYLES.get(box.state, ""))
    if box.fault in texts.FAULTS:
        state.append(" " + texts.FAULTS[box.fault], style="bold red")
    elif box.health in texts.HEALTH:
        mark, words = texts.HEALTH[box.health]
        state.append(f" {mark}" if compact else f" {mark} {words}", style=HEALTH_STYLES[box.health])
    pct = f" {box.cpu_pct:3.0f}%"
    label = texts.BOX_CPU + " "
    cpu = Text(label)
    cpu.append_text(bar(box.cpu_pct, max(inner - len(label) - len(pct), 1)))
    cpu.append(pct, style=cpu_style(box.cpu_pct))
    hot = "bold red" if box.queue > 10 * box.vcpus else ""
    if compact:
        kind = Text(box.itype)
        queue = Text(texts.BOX_QUEUE_SHORT.format(queue=f"{box.queue:,}"), style=hot)
        queue.append(" " + texts.BOX_BUSY_SHORT.format(busy=box.busy_workers, vcpus=box.vcpus), style="dim")
    else:
        kind = Text(texts.BOX_TYPE.format(itype=box.itype, vcpus=box.vcpus))
        queue = Text(texts.BOX_QUEUE.format(queue=f"{box.queue:,}"), style=hot)
        queue.append(" · " + texts.BOX_BUSY.format(busy=box.busy_workers, vcpus=box.vcpus), style="dim")
    return [
        top,
        _line(kind, inner),
        _line(state, inner),
        _line(cpu, inner),
        _line(queue, inner),
        Text.assemble(("└" + "─" * inner + "┘", "dim")),
    ]


#: Columns left to right, by role: the entry point, the app servers, then what they call.
TIER_ROLES: tuple[tuple[str, ...], ...] = (("lb",), ("web", "app+db"), ("session", "db"))


def tiers(boxes: Sequence[BoxView]) -> list[list[BoxView]]:
    """Boxes grouped into columns by role; an unknown role joins the app column."""
    known = {role for group in TIER_ROLES for role in group}
    columns = [[b for b in boxes if b.role in group or (group == ("web", "app+db") and b.role not in known)]
               for group in TIER_ROLES]
    return [c for c in columns if c]


def fleet_card(boxes: Sequence[BoxView], width: int) -> list[Text]:
    """Several boxes of one tier as one card with a line each: a fleet of ten must not
    push the charts off an 80×24 screen, and a line per box still shows which one is hot."""
    inner = max(width - 2, 4)
    roles = sorted({b.role for b in boxes})
    title = f" {' / '.join(roles)} ×{len(boxes)} "[:inner]
    lines = [_top(title, inner)]
    name_w = max(len(b.name) for b in boxes)
    for b in boxes:
        row = Text(b.name.ljust(name_w) + " ")
        row.append(texts.STATES.get(b.state, b.state)[:1], style=STATE_STYLES.get(b.state, ""))
        if b.fault in texts.FAULTS:
            row.append("!", style="bold red")
        elif b.health in texts.HEALTH:
            row.append(texts.HEALTH[b.health][0], style=HEALTH_STYLES[b.health])
        pct = f" {b.cpu_pct:3.0f}%"
        room = inner - len(row) - 1 - len(pct)
        if room >= 3:  # a bar too short to read is left out; the percentage stays
            row.append(" ")
            row.append_text(bar(b.cpu_pct, room))
        row.append(pct, style=cpu_style(b.cpu_pct))
        lines.append(_line(row, inner))
    lines.append(Text.assemble(("└" + "─" * inner + "┘", "dim")))
    return lines


def topology(data: TopologyData, width: int) -> Text:
    """The whole diagram at ``width`` cells: clients, then one column per tier."""
    columns_of_boxes = tiers(data.boxes)
    n = max(len(columns_of_boxes), 1)
    lead = Text(texts.CLIENTS + " ", style="bold")
    arrow = Text(texts.ARROW + " ", style="dim")
    if len(lead) + len(arrow) * n + CARD_MIN * n > width:
        # Three tiers at 80 columns: the arrows alone say where requests come from.
        lead = Text("")
        arrow = Text(texts.ARROW_SHORT + " ", style="dim")
    gaps = len(lead) + len(arrow) * n
    card_w = max(CARD_MIN, min(CARD_MAX, (width - gaps) // n))
    columns = [card(tier[0], card_w) if len(tier) == 1 else fleet_card(tier, card_w)
               for tier in columns_of_boxes]
    height = max((len(c) for c in columns), default=0)
    arrow_row = min(2, max(height - 1, 0))
    out = Text(no_wrap=True, overflow="crop")
    for row in range(height):
        line = Text(no_wrap=True)
        middle = row == arrow_row
        if lead:
            line.append_text(lead if middle else Text(" " * len(lead)))
        for col in columns:
            line.append_text(arrow if middle else Text(" " * len(arrow)))
            line.append_text(col[row] if row < len(col) else Text(" " * card_w))
        if row:
            out.append("\n")
        out.append_text(line)
    for what in data.pending:
        out.append("\n")
        out.append(" " * len(lead) + texts.PENDING.format(what=what), style="cyan")
    return out


class TopologyView(Widget):
    """Redraws only when the boxes' view changes (frozen values compare by content)."""

    data: reactive[TopologyData] = reactive(TopologyData(()), layout=True)

    def render(self) -> Text:
        return topology(self.data, self.size.width or 80)


class ServicesView(Widget):
    """The shared services under the diagram; hidden when the level has none."""

    services: reactive[Services] = reactive(NO_SERVICES, layout=True)

    def watch_services(self, services: Services) -> None:
        self.display = bool(services_text(services).plain)

    def render(self) -> Text:
        return services_text(self.services)
