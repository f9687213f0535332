"""Live gauges: traffic, latency percentiles, errors by cause, instances and cost, and the
cache's hit ratio or the device-ingest tier's connections in a level that has one.

The numbers come from the snapshot's gauges (the last few one-second windows) and
totals (the whole run so far); this module only lays them out. Colour thresholds are
presentation hints, not verdicts: the objectives panel shows the level's own targets.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text
from textual.reactive import reactive

from scaleout_tui.engine.snapshot import CacheView, Gauges, IngestView, Totals
from scaleout_tui.ui import fmt, texts
from scaleout_tui.ui.widgets.autoheight import FitsContent
from scaleout_tui.ui.widgets.topology import short_name


@dataclass(frozen=True, slots=True)
class GaugeData:
    gauges: Gauges | None = None
    totals: Totals | None = None
    cache: CacheView | None = None
    ingest: IngestView | None = None


def _latency_style(v: float) -> str:
    if v >= 1000:
        return "bold red"
    if v >= 300:
        return "yellow"
    return "green"


def error_causes(errors: tuple[tuple[str, int], ...]) -> str:
    """``"503 queue full 12, timeout 3"``: the causes that happened, most frequent first."""
    seen = sorted(((n, c) for c, n in errors if n), reverse=True)
    return ", ".join(f"{texts.CAUSES_SHORT.get(c, c)} {n:,}" for n, c in seen)


def instances_text(tot: Totals) -> str:
    """``"4 (peak 6)"``, or just ``"4"`` while the peak says nothing more.

    Both count the same boxes (those doing the work, balancer nodes apart, plus those still
    booting), but the peak is taken when a one-second window closes: at 00:00 it is still 0
    while boxes already run, and a box launched this second is in the count before the peak.
    A peak at or below the current count adds nothing (and "6 (peak 4)" reads as a bug), so
    it is shown only once it is higher.
    """
    if tot.peak_instances > tot.instances:
        return texts.GAUGE_INSTANCES_VALUE.format(n=tot.instances, peak=tot.peak_instances)
    return texts.GAUGE_INSTANCES_NOW.format(n=tot.instances)


def cache_text(cache: CacheView) -> Text:
    """``"93 % hits · 9,800/10,000 keys, 4 stale, 12 duplicate loads"``: the last second's hit
    ratio and fill, then the two faults of the cache's lessons when they happened (reads of an
    out-of-date value; loads of a key already being loaded)."""
    if not cache.up:
        return Text(texts.GAUGE_CACHE_DOWN, style="bold red")
    hit = 100.0 * cache.hit_ratio
    out = Text(texts.GAUGE_CACHE_VALUE.format(hit=hit, entries=cache.entries, capacity=cache.capacity),
               style="green" if hit >= 80 else "yellow" if hit >= 50 else "bold red")
    for n, words in ((cache.stale_reads, texts.GAUGE_CACHE_STALE),
                     (cache.duplicate_loads, texts.GAUGE_CACHE_DUPLICATES)):
        if n:
            out.append(", ")
            out.append(words.format(n=n), style="yellow")
    return out


def devices_text(ingest: IngestView) -> Text:
    """``"9,950/10,000 connected · 1,990 msg/s"``: the devices with a live connection, and the
    messages that reached a comm server in the last second; then those lost, if any."""
    out = Text(texts.GAUGE_DEVICES_VALUE.format(connected=ingest.connected, devices=ingest.devices,
                                                messages=ingest.messages),
               style="green" if ingest.connected >= ingest.devices else "yellow")
    if ingest.lost >= 0.5:
        out.append(", ")
        out.append(texts.GAUGE_DEVICES_LOST.format(n=ingest.lost), style="bold red")
    return out


def connects_text(ingest: IngestView) -> Text:
    """``"240/s, 35/s refused"``: connect attempts in the last second (a reconnect storm is a
    spike here), then the refused ones (a closed port, no server, a full accept backlog) and
    the ones that timed out, when there were any."""
    out = Text(texts.GAUGE_CONNECTS_VALUE.format(n=ingest.attempts))
    for n, words in ((ingest.refused + ingest.backlog_full, texts.GAUGE_CONNECTS_REFUSED),
                     (ingest.timeouts, texts.GAUGE_CONNECTS_TIMEOUTS)):
        if n >= 0.5:
            out.append(", ")
            out.append(words.format(n=n), style="bold red")
    return out


def shares_text(ingest: IngestView, width: int = 0) -> Text:
    """``"comm-1 50 % · comm-2 50 % · comm-3 0 %"``: each comm server's share of the open
    connections now. A server that joined late and stays near 0 % is the lesson of long-lived
    connections, so a share under half the even one is yellow. Where the full names would wrap
    in ``width`` cells (the value's column), they shorten as the squeezed topology's do (``c1``)."""
    n = len(ingest.servers)
    even = 100.0 / n if n else 0.0

    def line(names: list[str]) -> Text:
        out = Text()
        for i, (name, share) in enumerate(zip(names, ingest.share, strict=True)):
            if i:
                out.append(" · ", style="dim")
            pct = 100.0 * share
            out.append(texts.GAUGE_SHARE.format(name=name, pct=pct),
                       style="yellow" if pct < even / 2 else "")
        if ingest.booting:
            out.append(" ")
            out.append(texts.GAUGE_SHARE_BOOTING.format(n=ingest.booting), style="cyan")
        return out

    full = line(list(ingest.servers))
    if width <= 0 or full.cell_len <= width:
        return full
    return line([name[0] + short_name(name) for name in ingest.servers])


def gauges_table(data: GaugeData, width: int = 0) -> Table:
    """A two-column grid: what, then its value."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    g, tot = data.gauges, data.totals
    if g is None or tot is None:
        return grid
    grid.add_row(texts.GAUGE_RPS, texts.GAUGE_RPS_VALUE.format(rps_in=g.rps_in, rps_out=g.rps_out))
    lat = Text()
    for i, (name, v) in enumerate((("p50", g.p50_ms), ("p95", g.p95_ms), ("p99", g.p99_ms))):
        if i:
            lat.append("  ")
        lat.append(f"{name} ", style="dim")
        lat.append(fmt.ms_short(v), style=_latency_style(v))
    grid.add_row(texts.GAUGE_LATENCY, lat)
    if g.error_pct > 0:
        err = Text(texts.GAUGE_ERRORS_VALUE.format(pct=g.error_pct),
                   style="bold red" if g.error_pct >= 1 else "yellow")
        causes = error_causes(g.errors)
        if causes:
            err.append(f" ({causes})")
    else:
        err = Text(texts.GAUGE_ERRORS_NONE, style="green")
    grid.add_row(texts.GAUGE_ERRORS, err)
    grid.add_row(texts.GAUGE_INSTANCES, instances_text(tot))
    grid.add_row(texts.GAUGE_COST, texts.GAUGE_COST_VALUE.format(cost=tot.cost, rate=g.cost_per_hour))
    if data.cache is not None:
        grid.add_row(texts.GAUGE_CACHE, cache_text(data.cache))
    if data.ingest is not None:
        grid.add_row(texts.GAUGE_DEVICES, devices_text(data.ingest))
        grid.add_row(texts.GAUGE_CONNECTS, connects_text(data.ingest))
        # the value's column: the width less the widest label of the rows there are, and the gap
        label_w = max(cell_len(str(label)) for label in (*grid.columns[0].cells, texts.GAUGE_SHARES))
        grid.add_row(texts.GAUGE_SHARES, shares_text(data.ingest, width - label_w - 1 if width else 0))
    return grid


class GaugesView(FitsContent):
    """Redraws only when the gauges or totals change; lays out again when its height does (the
    errors row wraps once it lists causes: the sandbox at 200×60 lost its "cost" row under it)."""

    data: reactive[GaugeData] = reactive(GaugeData())

    def watch_data(self) -> None:
        self.fit_height()

    def render(self) -> Table:
        return gauges_table(self.data, self.size.width)
