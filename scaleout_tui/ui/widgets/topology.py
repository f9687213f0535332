"""The topology diagram: clients → web tier → database tier, one card per box.

Why a pure function plus a thin widget (as Textual's own Sparkline does): the drawing
depends only on the boxes and the width, so it can be unit-tested on plain values, and
the widget only decides *when* to redraw (when the boxes' view changed).

A card shows what a player needs to read a box's health at a glance: its instance type
and size, its state in colour, a CPU bar, and its queue. The role decides the column,
so the same code draws one box (app + DB together), two tiers, or later a fleet.

Behind a balancer a box has two truths, and the lesson of the health-check levels is the gap
between them: what the box *is* (running, crashed, or running with a broken app) and what
the balancer *thinks* (in rotation or out). Every card and fleet line shows both marks side
by side, so "✖✓" (dead, still in rotation) is visible at 80 columns. Taller terminals add
the targets table (:func:`targets_table`): each target's consecutive passes or failures and
its last check, the numbers behind the marks.

Narrow cards degrade by choosing, line by line, the longest wording that fits
(:func:`fit`), so a number is never cut in half by an ellipsis.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rich.table import Table
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
#: The narrowest card that holds a fleet line ("web-1 ●✓ 60%") and a compact queue line whole:
#: arrows get shorter before cards get narrower than this.
CARD_COMFORT = 14


NO_SERVICES = Services()


@dataclass(frozen=True, slots=True)
class TopologyData:
    """What the diagram depends on: equal data means an identical drawing."""

    boxes: tuple[BoxView, ...]
    pending: tuple[str, ...] = ()


_CHECK = re.compile(r"^(?P<kind>L[47]) (?:TCP connect|GET (?P<path>\S+)) every (?P<every>\S+ s), "
                    r"timeout \S+ s, out after (?P<out>\d+) fails, in after (?P<into>\d+) passes$")


def check_chips(check: str) -> list[str]:
    """The health check as two short chips ("L7 GET /health every 5 s", "out at 2✗, in at 3✓").

    The snapshot gives the check as one sentence; this reads it back with a pattern, and an
    unknown wording is shown whole rather than guessed at.
    """
    if check == "none":
        return [texts.SERVICE_NO_CHECK]
    m = _CHECK.match(check)
    if m is None:
        return [check]
    what = texts.SERVICE_CHECK_L7.format(path=m["path"]) if m["path"] else texts.SERVICE_CHECK_L4
    return [texts.SERVICE_CHECK_SHORT.format(kind=m["kind"], what=what, every=m["every"]),
            texts.SERVICE_THRESHOLDS_SHORT.format(out=m["out"], into=m["into"])]


def service_chips(services: Services) -> list[Text]:
    """The shared parts as short chips, in the order a player asks about them."""
    chips: list[Text] = []
    if services.algorithm:
        lb = Text(texts.SERVICE_LB_SHORT.format(algorithm=services.algorithm))
        if services.sticky:
            lb.append(texts.SERVICE_STICKY_SHORT)
        if not services.lb_serving:
            lb.append(texts.SERVICE_LB_DOWN_SHORT, style="bold red")
        chips.append(lb)
    if services.check:
        chips.extend(Text(c) for c in check_chips(services.check))
    if services.session_store:
        chips.append(Text(texts.SERVICE_SESSIONS_SHORT.format(store=services.session_store,
                                                              n=services.sessions_active)))
    if services.storage:
        chips.append(Text(texts.SERVICE_FILES_SHORT.format(mode=services.storage)))
    return chips


def pack(chips: Sequence[Text], width: int, sep: str = " · ") -> Text:
    """Chips joined by ``sep``, a new line only between chips: a chip is never split."""
    out = Text(style="dim")
    used = 0
    for chip in chips:
        if used and used + len(sep) + len(chip) > width:
            out.append("\n")
            used = 0
        elif used:
            out.append(sep)
            used += len(sep)
        out.append_text(chip)
        used += len(chip)
    return out


def services_text(services: Services, width: int = 0, *, compact: bool = False) -> Text:
    """The shared parts under the diagram (balancer, health checks, session store, files),
    empty for a level that has none of them.

    Full sentences, one per line, when there is height to spare; ``compact`` packs short
    chips into ``width`` columns instead (an 80×24 screen has about two lines for them).
    """
    if compact:
        return pack(service_chips(services), max(width, 1))
    parts: list[Text] = []
    if services.algorithm:
        lb = Text(texts.SERVICE_LB.format(algorithm=services.algorithm))
        if services.sticky:
            lb.append(texts.SERVICE_STICKY)
        if not services.lb_serving:
            lb.append(texts.SERVICE_LB_DOWN, style="bold red")
        parts.append(lb)
    if services.check:
        parts.append(Text(texts.SERVICE_CHECK.format(check=services.check)))
    if services.session_store:
        parts.append(Text(texts.SERVICE_SESSIONS.format(store=services.session_store,
                                                        n=services.sessions_active)))
    if services.storage:
        parts.append(Text(texts.SERVICE_FILES.format(mode=services.storage)))
    return Text("\n", style="dim").join(parts)


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


def state_lines(box: BoxView) -> list[Text]:
    """A card's state line, longest first: state, fault, then the balancer's view."""
    state = Text(texts.STATES.get(box.state, box.state), style=STATE_STYLES.get(box.state, ""))
    fault = Text(" " + texts.FAULTS[box.fault], style="bold red") if box.fault in texts.FAULTS else Text()
    if box.health not in texts.HEALTH:
        return [Text.assemble(state, fault), Text.assemble(state_mark(box), fault)]
    mark, words = texts.HEALTH[box.health]
    style = HEALTH_STYLES[box.health]
    return [
        Text.assemble(state, fault, (f" {mark} {words}", style)),
        Text.assemble(state, fault, (f" {mark}", style)),
        Text.assemble(state_mark(box), fault, (f" {mark}", style)),
        Text.assemble(state_mark(box), health_mark(box)),
    ]


def card(box: BoxView, width: int) -> list[Text]:
    """The lines of one box's card, each exactly ``width`` cells wide.

    Narrow cards (three tiers side by side at 80 columns) drop words, not facts: the role
    (its column already says it), "vCPU" (the busy/total count still shows the cores).
    """
    inner = max(width - 2, 4)
    title = f" {box.name} · {box.role} "
    if len(title) > inner:
        title = f" {box.name} "
    top = _top(title[:inner], inner)
    pct = f" {box.cpu_pct:3.0f}%"
    label = texts.BOX_CPU + " "
    cpu = Text(label)
    cpu.append_text(bar(box.cpu_pct, max(inner - len(label) - len(pct), 1)))
    cpu.append(pct, style=cpu_style(box.cpu_pct))
    hot = "bold red" if box.queue > 10 * box.vcpus else ""
    queue = f"{box.queue:,}"
    busy = texts.BOX_BUSY.format(busy=box.busy_workers, vcpus=box.vcpus)
    busy_short = texts.BOX_BUSY_SHORT.format(busy=box.busy_workers, vcpus=box.vcpus)
    queues = [
        Text.assemble((texts.BOX_QUEUE.format(queue=queue), hot), (" · " + busy, "dim")),
        Text.assemble((texts.BOX_QUEUE_SHORT.format(queue=queue), hot), (" " + busy_short, "dim")),
        Text.assemble((texts.BOX_QUEUE_SHORT.format(queue=queue), hot),
                      (f" {box.busy_workers}/{box.vcpus}", "dim")),
        Text(texts.BOX_QUEUE_SHORT.format(queue=queue), style=hot),
    ]
    kinds = [Text(texts.BOX_TYPE.format(itype=box.itype, vcpus=box.vcpus)), Text(box.itype)]
    return [
        top,
        _line(fit(kinds, inner), inner),
        _line(fit(state_lines(box), inner), inner),
        _line(cpu, inner),
        _line(fit(queues, inner), inner),
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


def fleet_row(box: BoxView, inner: int, name_w: int) -> Text:
    """One box of a fleet: name, the two marks, then a CPU bar and percentage if they fit.

    What gives way first, in order: the bar (too short to read), the percentage's padding,
    the alignment of the name column; the percentage itself only when nothing else is left.
    """
    marks = Text.assemble(state_mark(box), health_mark(box))
    fixed = len(box.name) + 1 + marks.cell_len
    pct = f"{box.cpu_pct:3.0f}%"
    pad = name_w - len(box.name)
    if inner - fixed - pad < len(pct.strip()):
        pad = max(0, inner - fixed - len(pct.strip()))
    row = Text(box.name + " " * pad + " ")
    row.append_text(marks)
    room = inner - row.cell_len
    if room < len(pct):
        pct = pct.strip().rjust(room)
    if room >= 1 + 3 + 1 + len(pct):
        row.append(" ")
        row.append_text(bar(box.cpu_pct, room - 2 - len(pct)))
        row.append(" ")
    elif room >= len(pct.strip()):
        row.append(" " * (room - len(pct)))
    else:
        return row
    row.append(pct, style=cpu_style(box.cpu_pct))
    return row


def fleet_card(boxes: Sequence[BoxView], width: int) -> list[Text]:
    """Several boxes of one tier as one card with a line each: a fleet of ten must not
    push the charts off an 80×24 screen, and a line per box still shows which one is hot."""
    inner = max(width - 2, 4)
    roles = sorted({b.role for b in boxes})
    titles = [f" {' / '.join(roles)} ×{len(boxes)} ", f" {'/'.join(roles)} ×{len(boxes)} ",
              f" {'/'.join(roles)} ", f" ×{len(boxes)} "]
    title = next((t for t in titles if len(t) <= inner), titles[-1][:inner])
    lines = [_top(title, inner)]
    name_w = max(len(b.name) for b in boxes)
    lines.extend(_line(fleet_row(b, inner, name_w), inner) for b in boxes)
    lines.append(Text.assemble(("└" + "─" * inner + "┘", "dim")))
    return lines


#: How the columns are joined, most explicit first: "clients ─▶ card ─▶ card", then arrows
#: only, then bare arrows. The first that leaves cards of CARD_COMFORT cells is used.
CONNECTORS: tuple[tuple[str, str], ...] = (
    (texts.CLIENTS + " ", texts.ARROW + " "),
    ("", texts.ARROW_SHORT + " "),
    ("", texts.ARROW_SHORT),
)


def topology(data: TopologyData, width: int) -> Text:
    """The whole diagram at ``width`` cells: clients, then one column per tier."""
    columns_of_boxes = tiers(data.boxes)
    n = max(len(columns_of_boxes), 1)
    for lead_s, arrow_s in CONNECTORS:
        card_w = (width - len(lead_s) - len(arrow_s) * n) // n
        if card_w >= CARD_COMFORT:
            break
    lead = Text(lead_s, style="bold")
    arrow = Text(arrow_s, style="dim")
    card_w = max(CARD_MIN, min(CARD_MAX, card_w))
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


def targets_table(boxes: Sequence[BoxView]) -> Table | None:
    """The balancer's targets, one row each: the box's state, the balancer's view, the
    consecutive check results and the last check's reason. ``None`` without a balancer.

    The count shown is the streak that matters now: failures while checks fail (on the way
    out, or staying out), passes otherwise (on the way back in, or staying in).
    """
    rows = [b for b in boxes if b.health in texts.HEALTH]
    if not rows:
        return None
    grid = Table.grid(padding=(0, 1), expand=True)
    for i, _ in enumerate(texts.TARGETS_HEAD):
        last = i == len(texts.TARGETS_HEAD) - 1
        grid.add_column(no_wrap=True, overflow="ellipsis", ratio=1 if last else None)
    grid.add_row(*(Text(h, style="dim italic") for h in texts.TARGETS_HEAD))
    for b in rows:
        state = Text(texts.STATES.get(b.state, b.state), style=STATE_STYLES.get(b.state, ""))
        if b.fault in texts.FAULTS:
            state.append(" " + texts.FAULTS[b.fault], style="bold red")
        mark, words = texts.HEALTH[b.health]
        view = Text(f"{mark} {words}", style=HEALTH_STYLES[b.health])
        if b.fails:
            streak = Text(texts.TARGET_FAILED.format(n=b.fails), style="red")
        elif b.passes:
            streak = Text(texts.TARGET_PASSED.format(n=b.passes), style="green")
        else:
            streak = Text(texts.TARGET_NOT_CHECKED, style="dim")  # before the first probe
        grid.add_row(b.name, state, view, streak, Text(b.last_check, style="dim"))
    return grid


class TopologyView(Widget):
    """Redraws only when the boxes' view changes (frozen values compare by content)."""

    data: reactive[TopologyData] = reactive(TopologyData(()), layout=True)

    def render(self) -> Text:
        return topology(self.data, self.size.width or 80)


class ServicesView(Widget):
    """The shared services under the diagram; hidden when the level has none. Short chips on
    a short terminal (the screen's ``-short`` class), sentences otherwise."""

    services: reactive[Services] = reactive(NO_SERVICES, layout=True)

    def watch_services(self, services: Services) -> None:
        self.display = bool(services_text(services).plain)

    def render(self) -> Text:
        compact = self.screen.has_class("-short")
        return services_text(self.services, self.size.width, compact=compact)


class TargetsView(Widget):
    """The targets table under the services (tall terminals only, see scaleout.tcss); hidden
    in a level without a balancer. Redraws when a box's view changes."""

    boxes: reactive[tuple[BoxView, ...]] = reactive((), layout=True)

    def watch_boxes(self, boxes: tuple[BoxView, ...]) -> None:
        self.set_class(targets_table(boxes) is None, "-empty")

    def render(self) -> Table | Text:
        table = targets_table(self.boxes)
        return table if table is not None else Text()
