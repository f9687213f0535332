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

A replicated or sharded database is drawn by :mod:`scaleout_tui.ui.widgets.database` as one
card with a line per box. Its lines need more room than a web fleet's, so columns are no
longer always equal: :func:`column_widths` gives a column that needs more than an equal share
its need first, squeezing the balancer's fleet to its nodes' numbers and marks at 80 columns.
Levels without such a database keep equal columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.geometry import Size
from textual.reactive import reactive

from scaleout_tui.content.labels import choice_short, choice_words
from scaleout_tui.engine.snapshot import BoxView, IngestView, Services
from scaleout_tui.game import texts as game_texts
from scaleout_tui.ui import texts
from scaleout_tui.ui.widgets import database
from scaleout_tui.ui.widgets.autoheight import FitsContent
from scaleout_tui.ui.widgets.boxdraw import (
    HEALTH_STYLES,
    STATE_STYLES,
    bar,
    card_bottom,
    card_top,
    cpu_style,
    fit,
    framed,
    health_mark,
    pick_title,
    state_mark,
)

__all__ = ["bar", "cpu_style", "fit", "state_mark"]  # re-exported: callers and tests import them here

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
    pending: tuple[tuple[str, str], ...] = ()  # (name, state) of boxes on their way


def check_chips(services: Services) -> list[str]:
    """The health check as two short chips ("L7 GET /health every 5 s", "out at 2✗, in at 3✓"),
    from the snapshot's structured check fields; none in a level without a balancer."""
    if services.check_kind == "none":
        return [texts.SERVICE_NO_CHECK]
    if services.check_kind not in ("L4", "L7"):
        return []
    what = (texts.SERVICE_CHECK_L7.format(path=services.check_path) if services.check_kind == "L7"
            else texts.SERVICE_CHECK_L4)
    every = texts.SERVICE_EVERY.format(s=services.check_interval_s)
    return [texts.SERVICE_CHECK_SHORT.format(kind=services.check_kind, what=what, every=every),
            texts.SERVICE_THRESHOLDS_SHORT.format(out=services.check_unhealthy, into=services.check_healthy)]


def counter(template: str, n: int, alarm: str) -> Text:
    """A run counter, in ``alarm`` colours once it is above zero (at zero it is good news, not
    a warning)."""
    return Text(template.format(n=n), style=alarm if n else "")


def _value(services: Services, param: str) -> str:
    return {"db.read_routing": services.read_routing, "db.shard_key": services.shard_key,
            "app.redirect": services.redirect, "lb.algorithm": services.algorithm,
            "storage.mode": services.storage}[param]


def _words(services: Services, param: str) -> str:
    """A setting in force, in the words its drop-down shows (``Least connections``)."""
    return choice_words(param, _value(services, param))


def _short(services: Services, param: str) -> str:
    """The same in a chip's short words (``least conn.``): a chip line is 45 cells at 80×24."""
    return choice_short(param, _value(services, param))


def database_chips(services: Services) -> list[Text]:
    """Read routing, shard key, and the counters of what went wrong with the data.

    Writes lost are bold red: data loss is the one outcome no later fix undoes. Stale reads
    are yellow: wrong for a moment, right again once the replica catches up.
    """
    chips: list[Text] = []
    if services.read_routing:
        chips.append(Text(texts.SERVICE_READS_SHORT.format(routing=_short(services, "db.read_routing"))))
    if services.shard_key:
        chips.append(Text(texts.SERVICE_SHARD_KEY_SHORT.format(key=_short(services, "db.shard_key"))))
    if services.read_routing:
        chips.append(counter(texts.SERVICE_STALE_SHORT, services.stale_reads, "yellow"))
        chips.append(counter(texts.SERVICE_LOST_SHORT, services.writes_lost, "bold red"))
    return chips


def app_chips(services: Services) -> list[Text]:
    """The app's redirect style and the two silent counters of cloning gone wrong: users an
    absolute redirect keeps off the balancer, and reads served from another copy of the data.
    Both are yellow when above zero: nothing fails yet, but the shop is not what it seems."""
    if not services.redirect:
        return []
    return [Text(texts.SERVICE_REDIRECT_SHORT.format(mode=_short(services, "app.redirect"))),
            counter(texts.SERVICE_PINNED_SHORT, services.pinned_users, "yellow"),
            counter(texts.SERVICE_DIVERGENT_SHORT, services.divergent_reads, "yellow")]


def service_chips(services: Services) -> list[Text]:
    """The shared parts as short chips, in the order a request meets them."""
    chips: list[Text] = []
    if services.algorithm:
        lb = Text(texts.SERVICE_LB_SHORT.format(algorithm=_short(services, "lb.algorithm")))
        if services.sticky:
            lb.append(texts.SERVICE_STICKY_SHORT)
        if not services.lb_serving:
            lb.append(texts.SERVICE_LB_DOWN_SHORT, style="bold red")
        chips.append(lb)
    chips.extend(Text(c) for c in check_chips(services))
    if services.session_store:
        chips.append(Text(texts.SERVICE_SESSIONS_SHORT.format(store=_store_words(services.session_store),
                                                              n=services.sessions_active)))
    if services.storage:
        chips.append(Text(texts.SERVICE_FILES_SHORT.format(mode=_short(services, "storage.mode"))))
    chips.extend(app_chips(services))
    chips.extend(database_chips(services))
    return chips


def pack(chips: Sequence[Text], width: int, sep: str = " · ") -> Text:
    """Chips joined by ``sep``, a new line only between chips: a chip is never split."""
    out = Text(style="dim")
    used = 0
    for chip in chips:
        if used and used + cell_len(sep) + chip.cell_len > width:
            out.append("\n")
            used = 0
        elif used:
            out.append(sep)
            used += cell_len(sep)
        out.append_text(chip)
        used += chip.cell_len
    return out


def services_text(services: Services, width: int = 0, *, compact: bool = False) -> Text:
    """The shared parts under the diagram (balancer, health checks, session store, files,
    read routing and shard key, with the data counters), empty for a level that has none.

    Full sentences, one per line, when there is height to spare; ``compact`` packs short
    chips into ``width`` columns instead (an 80×24 screen has about two lines for them).
    """
    if compact:
        return pack(service_chips(services), max(width, 1))
    parts: list[Text] = []
    if services.algorithm:
        lb = Text(texts.SERVICE_LB.format(algorithm=_words(services, "lb.algorithm")))
        if services.sticky:
            lb.append(texts.SERVICE_STICKY)
        if not services.lb_serving:
            lb.append(texts.SERVICE_LB_DOWN, style="bold red")
        parts.append(lb)
    check = game_texts.check_summary(services.check_kind, services.check_path,
                                     services.check_interval_s, services.check_timeout_s,
                                     services.check_unhealthy, services.check_healthy)
    if check:
        parts.append(Text(texts.SERVICE_CHECK.format(check=check)))
    if services.session_store:
        parts.append(Text(texts.SERVICE_SESSIONS.format(store=_store_words(services.session_store),
                                                        n=services.sessions_active)))
    if services.storage:
        parts.append(Text(texts.SERVICE_FILES.format(mode=_words(services, "storage.mode"))))
    if services.redirect:
        app = Text(texts.SERVICE_REDIRECT.format(mode=_words(services, "app.redirect")))
        app.append(" · ")
        app.append_text(counter(texts.SERVICE_PINNED, services.pinned_users, "yellow"))
        app.append(" · ")
        app.append_text(counter(texts.SERVICE_DIVERGENT, services.divergent_reads, "yellow"))
        parts.append(app)
    if services.read_routing:
        parts.append(Text(texts.SERVICE_READS.format(routing=_words(services, "db.read_routing"))))
    if services.shard_key:
        parts.append(Text(texts.SERVICE_SHARD_KEY.format(key=_words(services, "db.shard_key"))))
    if services.read_routing:
        data = counter(texts.SERVICE_STALE, services.stale_reads, "yellow")
        data.append(" · ")
        data.append_text(counter(texts.SERVICE_LOST, services.writes_lost, "bold red"))
        parts.append(data)
    return Text("\n", style="dim").join(parts)


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
    if cell_len(title) > inner:
        title = f" {box.name} "
    top = card_top(set_cell_size(title, inner) if cell_len(title) > inner else title, inner)
    pct = f" {box.cpu_pct:3.0f}%"
    label = texts.BOX_CPU + " "
    cpu = Text(label)
    cpu.append_text(bar(box.cpu_pct, max(inner - cell_len(label) - len(pct), 1)))
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
        framed(fit(kinds, inner), inner),
        framed(fit(state_lines(box), inner), inner),
        framed(cpu, inner),
        framed(fit(queues, inner), inner),
        card_bottom(inner),
    ]


#: Columns left to right, by role: the entry point, the app servers, then what they call: the
#: cache, which the app asks first (a column of its own, dropped like any empty one), then the data.
#: The ingest tier's L4 pair stands with the balancers, its comm servers with the app servers.
TIER_ROLES: tuple[tuple[str, ...], ...] = (
    ("lb", "tcp-lb"), ("web", "app+db", "comm"), ("cache",), ("session", "db", "replica"),
)


def tiers(boxes: Sequence[BoxView]) -> list[list[BoxView]]:
    """Boxes grouped into columns by role; an unknown role joins the app column."""
    known = {role for group in TIER_ROLES for role in group}
    columns = [[b for b in boxes if b.role in group or (group == ("web", "app+db") and b.role not in known)]
               for group in TIER_ROLES]
    return [c for c in columns if c]


def short_name(name: str) -> str:
    """``lb-2`` → ``2``: in a squeezed fleet card the title already says the role."""
    return name.rsplit("-", 1)[-1]


def fleet_row(box: BoxView, inner: int, name_w: int, name: str | None = None) -> Text:
    """One box of a fleet: name, the two marks, then a CPU bar and percentage if they fit.

    What gives way first, in order: the bar (too short to read), the percentage's padding,
    the alignment of the name column; the percentage itself only when nothing else is left.
    ``name`` replaces the box's name (a squeezed card shows only its number).
    """
    name = box.name if name is None else name
    marks = Text.assemble(state_mark(box), health_mark(box))
    fixed = len(name) + 1 + marks.cell_len
    pct = f"{box.cpu_pct:3.0f}%"
    pad = name_w - len(name)
    if inner - fixed - pad < len(pct.strip()):
        pad = max(0, inner - fixed - len(pct.strip()))
    row = Text(name + " " * pad + " ")
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


#: The widest CPU figure of a fleet line, which a name must leave room for.
PCT_WIDEST = "100%"
#: The most lines a fleet card gives its boxes. An auto scaling group of 40 drew 40 lines and
#: pushed the charts off an 80×24 screen; past this, the card keeps the boxes worth a look.
FLEET_MAX_ROWS = 10
#: The same on a short terminal (the screen's ``-short`` class), so the charts keep their rows.
FLEET_MAX_ROWS_SHORT = 6


def fleet_shown(boxes: Sequence[BoxView], max_rows: int = FLEET_MAX_ROWS) -> list[BoxView]:
    """The boxes a fleet card lists, in their order: all of them up to FLEET_MAX_ROWS, else
    room for one summary line and, first, those not simply serving (booting, failing,
    draining: what the player must see), then the busiest."""
    if len(boxes) <= max_rows:
        return list(boxes)

    def calm(b: BoxView) -> bool:
        return b.state == "running" and b.health in ("", "healthy") and b.fault not in texts.FAULTS

    ranked = sorted(range(len(boxes)), key=lambda i: (calm(boxes[i]), -boxes[i].cpu_pct, i))
    keep = sorted(ranked[: max(max_rows - 1, 1)])
    return [boxes[i] for i in keep]


def fleet_card(boxes: Sequence[BoxView], width: int, max_rows: int = FLEET_MAX_ROWS) -> list[Text]:
    """Several boxes of one tier as one card with a line each: a fleet of ten must not
    push the charts off an 80×24 screen, and a line per box still shows which one is hot.

    Squeezed below a name, its marks and a CPU figure (the balancer's column, when the database
    column needs the room; the sandbox's web column at 80×24), a line shows the box's number
    only: "2 ●" under the title "lb"."""
    inner = max(width - 2, 4)
    roles = sorted({b.role for b in boxes})
    titles = [f" {' / '.join(roles)} ×{len(boxes)} ", f" {'/'.join(roles)} ×{len(boxes)} ",
              f" {'/'.join(roles)} ", f" ×{len(boxes)} "]
    lines = [card_top(pick_title(titles, inner), inner)]
    marks_w = max(Text.assemble(state_mark(b), health_mark(b)).cell_len for b in boxes)
    names = [b.name for b in boxes]
    # A full name that leaves no room for "100%" loses its role part ("web-1" → "1", the title
    # says "web"): the sandbox's web card at 80×24 showed names and marks and no CPU at all.
    if max(len(n) for n in names) + 1 + marks_w + len(PCT_WIDEST) > inner:
        short = [short_name(n) for n in names]
        # boxes of two roles in one column (the cache folded into the database's at 80×24) would
        # both read "1": each keeps its name's first letter ("r1", "d1")
        unique = len(set(short)) == len(short)
        names = short if unique else [n[0] + s for n, s in zip(names, short, strict=True)]
    name_w = max(len(n) for n in names)
    shown = fleet_shown(boxes, max_rows)
    named = dict(zip((b.name for b in boxes), names, strict=True))
    lines.extend(framed(fleet_row(b, inner, name_w, named[b.name]), inner) for b in shown)
    if len(shown) < len(boxes):
        rest = [b for b in boxes if b not in shown]
        more = Text(texts.FLEET_MORE.format(n=len(rest), cpu=sum(b.cpu_pct for b in rest) / len(rest)),
                    style="dim")
        lines.append(framed(fit([more, Text(f"+{len(rest)}", style="dim")], inner), inner))
    lines.append(card_bottom(inner))
    return lines


#: How the columns are joined, most explicit first: "clients ─▶ card ─▶ card", then arrows
#: only, then bare arrows. The first that leaves cards of CARD_COMFORT cells is used.
def _store_words(store: str) -> str:
    """Where sessions live (an engine id: ``local``, ``shared``), in words."""
    return game_texts.STORE_WORDS.get(store, store)


def connectors() -> tuple[tuple[str, str], ...]:
    """The lead and the arrows between columns, widest first (read when drawn: the words follow
    the language)."""
    return ((texts.CLIENTS + " ", texts.ARROW + " "), ("", texts.ARROW_SHORT + " "), ("", texts.ARROW_SHORT))


#: A squeezed balancer column: " lb " over "1 ●" lines.
SQUEEZED_LB = 6


def column_floors(tier: Sequence[BoxView]) -> tuple[int, int]:
    """(narrowest, wanted) card width of a column.

    Most columns need CARD_COMFORT. A replicated or sharded database needs a line per box
    with its lag or share (wider), and gives up nothing when it gets it. The balancer's fleet
    can be squeezed to its nodes' numbers and marks: its nodes do no modelled work, so its
    CPU line says little, and in the database levels it is background.
    """
    if database.is_cluster(tier):
        return database.min_inner(tier) + 2, database.want_inner(tier) + 2
    if len(tier) > 1 and all(b.role == "lb" for b in tier):
        return SQUEEZED_LB, SQUEEZED_LB
    return CARD_COMFORT, CARD_COMFORT


def column_widths(floors: Sequence[int], total: int) -> list[int]:
    """Card widths for ``total`` cells: as equal as the floors allow (water-filling).

    A column whose floor is above an equal share gets its floor and the others share what
    is left, so with every floor at or under an equal share (every level without a database
    cluster) the cards are equal, as they always were.
    """
    n = len(floors)
    widths = [0] * n
    remaining, left = total, n
    for i in sorted(range(n), key=lambda i: -floors[i]):
        share = remaining // left
        if floors[i] <= share:
            break
        widths[i] = floors[i]
        remaining -= floors[i]
        left -= 1
    share = min(CARD_MAX, remaining // left if left else 0)
    # Never under CARD_MIN (the frame then cuts), unless the floor itself is lower (squeezed).
    return [w or max(min(floors[i], CARD_MIN), share) for i, w in enumerate(widths)]


def fitted_tiers(boxes: Sequence[BoxView], width: int) -> list[list[BoxView]]:
    """:func:`tiers`, with the cache's column folded into the data column beside it when the
    columns' narrowest cards cannot all stand side by side in ``width`` cells (level 10's board
    at 80 columns: balancers, app servers, cache and database are four columns in about 44
    cells). The cache then reads as a line of the data column's list, as a fleet's boxes do."""
    columns = tiers(boxes)
    arrow = cell_len(connectors()[-1][1])
    need = sum(column_floors(t)[0] for t in columns) + arrow * len(columns)
    roles = [{b.role for b in t} for t in columns]
    if need > width and {"cache"} in roles:
        i = roles.index({"cache"})
        if i + 1 < len(columns):
            columns[i:i + 2] = [columns[i] + columns[i + 1]]
    return columns


def topology(data: TopologyData, width: int, max_rows: int = FLEET_MAX_ROWS) -> Text:
    """The whole diagram at ``width`` cells: clients, then one column per tier."""
    columns_of_boxes = fitted_tiers(data.boxes, width)
    n = max(len(columns_of_boxes), 1)
    floors = [column_floors(t) for t in columns_of_boxes]
    for lead_s, arrow_s in connectors():
        total = width - cell_len(lead_s) - cell_len(arrow_s) * n
        if total // n >= CARD_COMFORT and sum(f[0] for f in floors) <= total:
            break
    lead = Text(lead_s, style="bold")
    arrow = Text(arrow_s, style="dim")
    wanted = [f[1] for f in floors]
    narrowest = [f[0] for f in floors]
    if sum(narrowest) > total:
        # Short of room (level 6's board with its scroll bar at 80 columns): the other cards give
        # way first, down to CARD_MIN, where a fleet line still reads ("1 ●✓ 29%"); the database
        # cluster's lines are the level's lesson, and squeezed to an equal share they showed
        # "replica-1 …" instead of each box's lag.
        narrowest = [f if database.is_cluster(tier) else min(f, CARD_MIN)
                     for f, tier in zip(narrowest, columns_of_boxes, strict=True)]
    if sum(narrowest) > total:
        # not even the narrowest cards fit: narrower cards crop a few characters, where a
        # drawing wider than its panel breaks every line
        narrowest = [min(f, max(CARD_MIN, total // n)) for f in narrowest]
    widths = column_widths(wanted if sum(wanted) <= total else narrowest, total)
    columns = []
    for tier, card_w in zip(columns_of_boxes, widths, strict=True):
        if len(tier) == 1:
            columns.append(card(tier[0], card_w))
        elif database.is_cluster(tier):
            columns.append(database.db_card(tier, card_w))
        else:
            columns.append(fleet_card(tier, card_w, max_rows))
    height = max((len(c) for c in columns), default=0)
    arrow_row = min(2, max(height - 1, 0))
    out = Text(no_wrap=True, overflow="crop")
    for row in range(height):
        line = Text(no_wrap=True)
        middle = row == arrow_row
        if lead:
            line.append_text(lead if middle else Text(" " * lead.cell_len))
        for col, card_w in zip(columns, widths, strict=True):
            line.append_text(arrow if middle else Text(" " * arrow.cell_len))
            line.append_text(col[row] if row < len(col) else Text(" " * card_w))
        if row:
            out.append("\n")
        out.append_text(line)
    for name, state in data.pending:
        out.append("\n")
        what = texts.PENDING_BOX.format(name=name, state=game_texts.STATE_WORDS.get(state, state))
        out.append(" " * lead.cell_len + texts.PENDING.format(what=what), style="cyan")
    return out


def targets_table(boxes: Sequence[BoxView]) -> Table | None:
    """The balancer's targets, one row each: the box's state, the balancer's view, the
    consecutive check results and the last check's reason. ``None`` without a balancer.

    The count shown is the streak that matters now: failures while checks fail (on the way
    out, or staying out), passes otherwise (on the way back in, or staying in).
    """
    targets = [b for b in boxes if b.health in texts.HEALTH]
    if not targets:
        return None
    # A big group lists the same boxes as its card, plus a line for the rest.
    rows = fleet_shown(targets)
    grid = Table.grid(padding=(0, 1), expand=True)
    for i, _ in enumerate(texts.TARGETS_HEAD):
        last = i == len(texts.TARGETS_HEAD) - 1
        grid.add_column(no_wrap=True, overflow="ellipsis", ratio=1 if last else None)
    grid.add_row(*(Text(str(h), style="dim italic") for h in texts.TARGETS_HEAD))
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
        reason = game_texts.check_reason(b.last_check, dict(b.last_check_params))
        grid.add_row(Text(b.name), state, view, streak, Text(reason, style="dim"))
    if len(rows) < len(targets):
        rest = [b for b in targets if b not in rows]
        grid.add_row(Text(texts.TARGETS_MORE.format(n=len(rest)), style="dim"))
    return grid


def comm_table(ingest: IngestView, boxes: Sequence[BoxView]) -> Table:
    """The TCP balancer's comm servers, one row each: the box's state, whether the active
    balancer node has it in rotation, its open connections and their share, and what it did in
    the last second (messages in, the balancer's connect-and-close checks). Long-lived
    connections stay where they were opened, so the share column is where a late server's
    empty hands show."""
    state_of = {b.name: b for b in boxes}
    grid = Table.grid(padding=(0, 1))
    for i, _ in enumerate(texts.COMM_HEAD):
        grid.add_column(no_wrap=True, overflow="ellipsis", justify="right" if i >= 3 else "left")
    grid.add_row(*(Text(str(h), style="dim italic") for h in texts.COMM_HEAD))
    for i, name in enumerate(ingest.servers):
        box = state_of.get(name)
        state = (Text(texts.STATES.get(box.state, box.state), style=STATE_STYLES.get(box.state, ""))
                 if box is not None else Text())
        health = "healthy" if ingest.in_rotation[i] else "unhealthy"
        mark, words = texts.HEALTH[health]
        view = Text(f"{mark} {words}", style=HEALTH_STYLES[health])
        grid.add_row(Text(name), state, view, Text(f"{ingest.open[i]:,}"),
                     Text(f"{100.0 * ingest.share[i]:.0f} %"), Text(f"{ingest.server_messages[i]:,.0f}"),
                     Text(f"{ingest.server_probes[i]:,.1f}"))
    return grid


def line_count(text: Text) -> int:
    return text.plain.count("\n") + 1 if text.plain else 0


class TopologyView(FitsContent):
    """Redraws only when the boxes' view changes (frozen values compare by content).

    Its height is the drawing's own line count *at the width being laid out*. Textual's
    default measures ``render()``, which draws at the widget's current size: during a resize
    that is the old width, and after 80×24 → 200×60 the diagram kept a stale height of 12
    rows for 6 lines until the next change of data (a paused game has none).
    """

    data: reactive[TopologyData] = reactive(TopologyData(()))

    def watch_data(self) -> None:
        self.fit_height()

    def max_rows(self) -> int:
        return FLEET_MAX_ROWS_SHORT if self.screen.has_class("-short") else FLEET_MAX_ROWS

    def render(self) -> Text:
        return topology(self.data, self.size.width or 80, self.max_rows())

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return line_count(topology(self.data, width, self.max_rows())) if width else 0


class ServicesView(FitsContent):
    """The shared services under the diagram; hidden when the level has none. Short chips on
    a short terminal (the screen's ``-short`` class), sentences otherwise."""

    services: reactive[Services] = reactive(NO_SERVICES)

    def watch_services(self, services: Services) -> None:
        self.display = bool(services_text(services).plain)
        self.fit_height()

    def render(self) -> Text:
        compact = self.screen.has_class("-short")
        return services_text(self.services, self.size.width, compact=compact)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """Chips are packed for a width, so count them at the width being laid out (as the
        diagram does); sentences are wrapped by Textual, which measures them itself."""
        if self.screen.has_class("-short"):
            return line_count(services_text(self.services, width, compact=True)) if width else 0
        return super().get_content_height(container, viewport, width)


class TargetsView(FitsContent):
    """The targets table under the services (tall terminals only, see scaleout.tcss); hidden
    in a level without a balancer. Redraws when a box's view changes."""

    boxes: reactive[tuple[BoxView, ...]] = reactive(())
    #: the device-ingest tier, whose comm servers get a table of their own under the web targets
    ingest: reactive[IngestView | None] = reactive(None)

    def watch_boxes(self) -> None:
        self.set_class(targets_table(self.boxes) is None and self.ingest is None, "-empty")
        self.fit_height()

    def watch_ingest(self) -> None:
        self.watch_boxes()

    def render(self) -> Group | Text:
        tables: list[Table] = []
        web = targets_table(self.boxes)
        if web is not None:
            tables.append(web)
        if self.ingest is not None:
            tables.append(comm_table(self.ingest, self.boxes))
        return Group(*tables) if tables else Text()
