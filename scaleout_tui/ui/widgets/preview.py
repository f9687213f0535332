"""The evening ahead, in words and on a chart: what :mod:`scaleout_tui.game.preview` computes.

Shown on the briefing and, on the play screen, before the first second runs (the requests chart
draws the plan and the capacity line; the event log starts with these lines).
"""

from __future__ import annotations

from rich.text import Text

from scaleout_tui.game.preview import Preview
from scaleout_tui.game.texts import clock, plural
from scaleout_tui.ui import texts
from scaleout_tui.ui.widgets.charts import CAPACITY_GLYPH, Guide, Series


def num(x: float) -> str:
    """A rate or a count for reading, not for accounting: whole from 10 up, one decimal below."""
    return f"{x:,.0f}" if abs(x) >= 10 else f"{x:.1f}"


def money(x: float) -> str:
    return f"{x:,.2f}" if x >= 0.1 else f"{x:.3f}"


def preview_lines(p: Preview) -> list[Text]:
    """The preview's numbers, one sentence each, with their units."""
    verdict = (texts.PREVIEW_FITS if p.headroom >= 1.0
               else texts.PREVIEW_SHORT.format(times=f"{1 / p.headroom:.1f}" if p.headroom > 0 else "∞"))
    capacity = texts.PREVIEW_CAPACITY.format(capacity=num(p.capacity_rps), verdict=verdict)
    if p.db_capacity_rps is not None:
        capacity += texts.PREVIEW_DB.format(db=num(p.db_capacity_rps))
    # Most telling first: a short panel (the log at 80×24) shows the first lines.
    lines = [
        Text(texts.PREVIEW_PEAK.format(peak=num(p.peak_rps), at=clock(p.peak_at_s))),
        Text(capacity, style="green" if p.headroom >= 1.0 else "yellow"),
        Text(texts.PREVIEW_COST.format(cost=money(p.cost_evening),
                                       boxes=plural(p.boxes, texts.NOUN_BOX),
                                       rate=money(p.cost_per_hour),
                                       hours=f"{round(p.duration_s / 3600, 2):g}")),
        Text(texts.PREVIEW_VCPU.format(per_vcpu=num(p.per_vcpu_rps), work=f"{p.work_ms:.0f}")),
        Text(texts.PREVIEW_BOX.format(itype=p.web_type, vcpus=p.web_vcpus, per_box=num(p.per_box_rps))),
        Text(texts.PREVIEW_NOTE, style="dim italic"),
    ]
    d = p.devices
    if d is not None:  # the ingest level's own question comes second: does N-1 carry the fleet?
        verdict = (texts.PREVIEW_DEVICES_FITS if d.survives_one_down
                   else texts.PREVIEW_DEVICES_SHORT)
        lines.insert(1, Text(texts.PREVIEW_DEVICES.format(
            devices=num(d.devices), readings=num(d.readings_per_s),
            servers=plural(d.comm_servers, texts.NOUN_COMM_SERVER), carry=num(d.comm_capacity),
            one_down=num(d.one_down_capacity), verdict=verdict),
            style="green" if d.survives_one_down else "yellow"))
    return lines


def plan_series(p: Preview, *, with_unit: bool = False) -> Series:
    """The whole evening's offered traffic, drawn as dim dots under the live lines.

    ``with_unit``: the legend names the unit ("planned requests/s"), as on the briefing, whose
    chart is the only one there; the play screen's requests chart has it in its title."""
    label = texts.SERIES_PLAN_UNIT if with_unit else texts.SERIES_PLAN
    return Series(p.rps, "grey62", "max", "·", label, t=p.t)


def capacity_guide(p: Preview, *, with_unit: bool = False) -> Guide:
    """The chosen set-up's capacity as a labelled line (``with_unit``: as for :func:`plan_series`)."""
    template = texts.SERIES_CAPACITY_UNIT if with_unit else texts.SERIES_CAPACITY
    label = template.format(rps=num(p.capacity_rps))
    return Guide(p.capacity_rps, "bright_blue", CAPACITY_GLYPH, label,
                 texts.SERIES_CAPACITY_SHORT.format(rps=num(p.capacity_rps)))
