"""The database tier when it is more than one box: a master and its replicas, or shards.

Levels 6 and 7 are about this tier, so it gets its own drawing:

- In the diagram, :func:`db_card` gives every database box one line: name, state mark, CPU,
  then what the level is about: a replica's *replication lag* (how far behind the master it
  is, coloured green under 100 ms, yellow under 1 s, red above), or a shard's *share of the
  inserts so far* (a bar and a percentage, coloured against a fair share). A header line
  names the two numbers, since a shard line holds two percentages. One line per box keeps
  the column the height of a web fleet, so the board still fits 80×24.
- On tall terminals, :func:`database_table` adds the fuller view under the diagram, as the
  targets table does for the balancer: each box's role, state, CPU bar, queue and busy
  workers, and a lag gauge (a bar on a log scale, 1 ms to 10 s) or the share bar.

At 80 columns the card is given room before the others (see ``topology.column_widths``);
when even that is short, a line drops its CPU bar, then its CPU number, never the lag or
the share.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text
from textual.reactive import reactive

from scaleout_tui import i18n
from scaleout_tui.engine.snapshot import BoxView
from scaleout_tui.ui import fmt, texts
from scaleout_tui.ui.widgets.autoheight import FitsContent
from scaleout_tui.ui.widgets.boxdraw import (
    STATE_STYLES,
    bar,
    card_bottom,
    card_top,
    cpu_style,
    framed,
    pick_title,
    state_mark,
)

#: Replication lag colours: a replica on a LAN is tens of ms behind; a write burst takes it to
#: hundreds; past a second a read right after a write is likely stale.
LAG_YELLOW_MS = 100.0
LAG_RED_MS = 1000.0
#: The lag gauge's log scale: 1 ms (empty) to 10 s (full).
LAG_SCALE_DECADES = 4.0
#: A shard's share of inserts is judged against a fair share (1/n): up to 1.3× is even enough,
#: up to 1.8× leaning, above that one shard is hot.
SHARE_EVEN = 1.3
SHARE_LEANING = 1.8

DATABASE_ROLES = ("db", "replica")
#: Masters (or shards) first, then replicas, then anything else in the column.
_ORDER = {"db": 0, "replica": 1}

#: Cells of a line's fixed parts: CPU as " 32%"/"100%", a lag as " 24ms", a share as " 33%".
CPU_W = 4
LAG_W = 5
SHARE_W = 5


def lag_style(ms: float) -> str:
    if ms >= LAG_RED_MS:
        return "bold red"
    if ms >= LAG_YELLOW_MS:
        return "yellow"
    return "green"


def share_style(share: float, shards: int) -> str:
    ratio = share * max(shards, 1)
    if ratio < SHARE_EVEN:
        return "green"
    if ratio < SHARE_LEANING:
        return "yellow"
    return "bold red"


def is_shard(box: BoxView) -> bool:
    return box.shard_share >= 0


def is_cluster(boxes: Sequence[BoxView]) -> bool:
    """A column that holds replicas or shards (one plain database keeps the ordinary card)."""
    return len(boxes) > 1 and any(b.role == "replica" or is_shard(b) for b in boxes)


def ordered(boxes: Sequence[BoxView]) -> list[BoxView]:
    return sorted(boxes, key=lambda b: _ORDER.get(b.role, 2))


def shows_lag(box: BoxView) -> bool:
    """Only a running replica has a lag worth a number (a master has none; a crashed
    replica applies nothing until it is back)."""
    return box.role == "replica" and box.state == "running"


@dataclass(frozen=True, slots=True)
class Form:
    """How a card's lines are laid out at a given width (the same for every line, so the
    header lines up): the name column, a CPU bar of ``cpu_bar`` cells (0: none), the CPU
    number or not, and a share bar of ``share_bar`` cells (shards; 0: none)."""

    name_w: int
    shards: bool
    cpu_bar: int = 0
    cpu: bool = True
    share_bar: int = 0

    @property
    def extra_w(self) -> int:
        if self.shards:
            return SHARE_W + (1 + self.share_bar if self.share_bar else 0)
        return LAG_W

    @property
    def lead_w(self) -> int:
        """The name and its gap, then the state mark: ``name_w`` 0 draws no name."""
        return (self.name_w + 1 if self.name_w else 0) + 1

    @property
    def width(self) -> int:
        cpu = (1 + self.cpu_bar if self.cpu_bar else 0) + (CPU_W if self.cpu else 0)
        return self.lead_w + cpu + self.extra_w


#: The narrowest bars worth drawing: a share bar must still show a third from a half.
MIN_SHARE_BAR = 2
MIN_CPU_BAR = 3
#: The share bar the card asks for when it can (see :func:`want_inner`).
WANT_SHARE_BAR = 4


def form_for(boxes: Sequence[BoxView], inner: int) -> Form:
    """The richest layout whose lines fit ``inner`` cells.

    Shards: the share bar is the lesson, so it grows first; replicas: a CPU bar, since the
    lag is already a coloured number. Short of room, the CPU number goes, then the end of the
    names ("replica-1" → "repli"), then the names: each line keeps its state and its lag or
    share, which the frame's ellipsis used to hide ("replica-1 …").
    """
    name_w = max((len(b.name) for b in boxes), default=1)
    shards = any(is_shard(b) for b in boxes)
    plain = Form(name_w, shards)
    spare = inner - plain.width
    if spare < 0:
        bare = Form(name_w, shards, cpu=False)
        if bare.width <= inner:
            return bare
        cut = name_w - (bare.width - inner)
        return Form(cut if cut >= 1 else 0, shards, cpu=False)
    if shards:
        return Form(name_w, shards, share_bar=spare - 1) if spare >= 1 + MIN_SHARE_BAR else plain
    return Form(name_w, shards, cpu_bar=spare - 1) if spare >= 1 + MIN_CPU_BAR else plain


def min_inner(boxes: Sequence[BoxView]) -> int:
    """The narrowest inner width that still shows every box's CPU and lag or share."""
    return Form(max(len(b.name) for b in boxes), any(is_shard(b) for b in boxes)).width


def want_inner(boxes: Sequence[BoxView]) -> int:
    """The inner width the card asks for when the screen has it: shards with a share bar."""
    shards = any(is_shard(b) for b in boxes)
    name_w = max(len(b.name) for b in boxes)
    return Form(name_w, shards, share_bar=WANT_SHARE_BAR if shards else 0).width


def lag_cell(box: BoxView, width: int) -> Text:
    if not shows_lag(box):
        return Text(_rjust(texts.DB_NO_LAG, width), style="dim")
    return Text(fmt.lag_short(box.lag_ms).rjust(width), style=lag_style(box.lag_ms))


def db_line(box: BoxView, form: Form, shards: int) -> Text:
    """One box's line in the card, laid out by ``form``."""
    line = Text(box.name[:form.name_w].ljust(form.name_w) + " " if form.name_w else "")
    line.append_text(state_mark(box))
    if form.cpu_bar:
        line.append(" ")
        line.append_text(bar(box.cpu_pct, form.cpu_bar))
    if form.cpu:
        line.append(f"{box.cpu_pct:3.0f}%".rjust(CPU_W), style=cpu_style(box.cpu_pct))
    if form.shards:
        if not is_shard(box):
            line.append(_rjust(texts.DB_NO_LAG, form.extra_w), style="dim")
            return line
        style = share_style(box.shard_share, shards)
        if form.share_bar:
            line.append(" ")
            line.append_text(bar(100 * box.shard_share, form.share_bar, style))
        line.append(f"{100 * box.shard_share:3.0f}%".rjust(SHARE_W), style=style)
    else:
        line.append_text(lag_cell(box, LAG_W))
    return line


def _rjust(text: str, width: int) -> str:
    """``text`` right-aligned in ``width`` terminal cells (``str.rjust`` counts characters)."""
    return " " * max(width - cell_len(text), 0) + text


def header(form: Form) -> Text:
    """What the two numbers are, right-aligned over them."""
    style = "dim italic"
    cpu_w = (1 + form.cpu_bar if form.cpu_bar else 0) + (CPU_W if form.cpu else 0)
    words = (texts.DB_HEAD_SHARE, texts.DB_HEAD_SHARE_SHORT) if form.shards else (texts.DB_HEAD_LAG,)
    word = next((w for w in words if cell_len(w) < form.extra_w), words[-1])
    indent = form.lead_w + (cpu_w - cell_len(texts.DB_HEAD_CPU) if cpu_w else 0)
    line = Text(" " * indent)
    if cpu_w:
        line.append(texts.DB_HEAD_CPU, style=style)
    line.append(" " * max(form.extra_w - cell_len(word), 0))
    line.append(word, style=style)
    return line


def title_of(boxes: Sequence[BoxView]) -> list[str]:
    """Longest first: "master + 2 replicas" / "3 shards" (without its right margin if that
    makes it fit: it says which line is the master), then "db ×3", then "×3"."""
    n = len(boxes)
    shards = sum(is_shard(b) for b in boxes)
    replicas = sum(b.role == "replica" for b in boxes)
    if shards:
        first = texts.DB_TITLE_SHARDS.format(n=shards)
    else:
        first = i18n.plural(replicas, texts.DB_TITLE_REPLICAS)
    return [f" {first} ", f" {first}", f" {texts.DB_TITLE_SHORT.format(n=n)} ", f" ×{n} "]


def db_card(boxes: Sequence[BoxView], width: int) -> list[Text]:
    """The database column as one card: a header, then a line per box (see the module doc)."""
    inner = max(width - 2, 4)
    rows = ordered(boxes)
    form = form_for(rows, inner)
    shards = sum(is_shard(b) for b in rows)
    lines = [card_top(pick_title(title_of(rows), inner), inner), framed(header(form), inner)]
    lines.extend(framed(db_line(b, form, shards), inner) for b in rows)
    lines.append(card_bottom(inner))
    return lines


# ---- the fuller view: one table row per database box (tall terminals) -------------------------
GAUGE_W = 10


def lag_gauge(box: BoxView) -> Text:
    """A bar on a log scale (1 ms empty, 10 s full) and the lag in words, coloured alike."""
    if not shows_lag(box):
        return Text(texts.DB_NO_LAG, style="dim")
    ms = max(box.lag_ms, 0.0)
    style = lag_style(ms)
    level = min(max(math.log10(max(ms, 1.0)) / LAG_SCALE_DECADES, 0.0), 1.0)
    gauge = bar(100 * level, GAUGE_W, style)
    gauge.append(" " + fmt.ms(ms), style=style)
    return gauge


def share_gauge(box: BoxView, shards: int) -> Text:
    style = share_style(box.shard_share, shards)
    gauge = bar(100 * box.shard_share, GAUGE_W, style)
    gauge.append(f" {100 * box.shard_share:3.0f} %", style=style)
    return gauge


def role_word(box: BoxView) -> str:
    if box.role == "replica":
        return texts.DB_ROLE_REPLICA
    if is_shard(box):
        return texts.DB_ROLE_SHARD
    return texts.DB_ROLE_MASTER if box.role == "db" else box.role


def database_table(boxes: Sequence[BoxView]) -> Table | None:
    """One row per database box, or ``None`` when the tier is a single plain database."""
    rows = ordered([b for b in boxes if b.role in DATABASE_ROLES])
    if not is_cluster(rows):
        return None
    shards = sum(is_shard(b) for b in rows)
    head = texts.DB_TABLE_HEAD + ((texts.DB_TABLE_SHARE,) if shards else (texts.DB_TABLE_LAG,))
    grid = Table.grid(padding=(0, 1), expand=True)
    for i, _ in enumerate(head):
        grid.add_column(no_wrap=True, overflow="ellipsis", ratio=1 if i == len(head) - 1 else None)
    grid.add_row(*(Text(h, style="dim italic") for h in head))
    for b in rows:
        state = Text(texts.STATES.get(b.state, b.state), style=STATE_STYLES.get(b.state, ""))
        cpu = bar(b.cpu_pct, GAUGE_W)
        cpu.append(f" {b.cpu_pct:3.0f}%", style=cpu_style(b.cpu_pct))
        hot = "bold red" if b.queue > 10 * b.vcpus else ""
        queue = Text.assemble((texts.BOX_QUEUE.format(queue=f"{b.queue:,}"), hot),
                              (" · " + texts.BOX_BUSY.format(busy=b.busy_workers, vcpus=b.vcpus), "dim"))
        last = share_gauge(b, shards) if is_shard(b) else lag_gauge(b)
        grid.add_row(Text(b.name), Text(role_word(b)), state, cpu, queue, last)
    return grid


class DatabaseView(FitsContent):
    """The database table (tall terminals only, see scaleout.tcss); hidden while the tier is
    a single database. Redraws when a box's view changes."""

    boxes: reactive[tuple[BoxView, ...]] = reactive(())

    def watch_boxes(self, boxes: tuple[BoxView, ...]) -> None:
        self.set_class(database_table(boxes) is None, "-empty")
        self.fit_height()

    def render(self) -> Table | Text:
        table = database_table(self.boxes)
        return table if table is not None else Text()
