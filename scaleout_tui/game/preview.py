"""The evening before it starts: a level's whole traffic curve and what the chosen set-up carries.

A newcomer should see, before the first second runs, how much traffic is coming (the curve with
its spikes and its peak), what one vCPU and one web box carry, and what the evening will cost.
These are *rough but honest* estimates from the level data alone, no simulation run:

- **work per request**: the traffic mix's mean CPU time, ``Σ weight × app_s`` plus, on a box that
  also runs the database (``app+db``), ``Σ weight × db_s × colocation_penalty`` (the same demand
  the engine charges a request, :mod:`scaleout_tui.engine.dataplane`), divided by the box's
  per-vCPU ``speed``;
- **one vCPU** carries ``speed / work`` requests a second at 100 % busy (no queueing margin,
  which is why the estimate is an upper bound: latency climbs well before it);
- **capacity** is the sum over the starting web boxes of ``vCPUs × speed / work``, and with a
  separate database box, the smaller of that and the database's own ``vCPUs × speed / db work``;
- **devices** (a level with an ingest tier): the fleet's readings a second, ``devices / period``;
  what the comm servers carry, ``Σ vCPUs × speed / message cost``, and with one of them down
  (the N+1 question: do the others carry the whole fleet?); each reading is also a database
  write, whose CPU is taken out of the database's capacity for web requests;
- **cost** is the starting boxes' price per hour (every billed box the engine starts with) times
  the level's duration: a set-up that grows or shrinks during the run costs more or less.

This is the one home of these numbers: the briefing, the paused play screen and the tests read
them here (the level 1 hint "each vCPU here serves roughly 30 requests a second; the peak is about
225" is checked against it in ``tests/game/test_preview.py``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from scaleout_tui.content.build import build_config
from scaleout_tui.content.schema import Level
from scaleout_tui.engine.box import Box
from scaleout_tui.engine.config import SimConfig
from scaleout_tui.engine.instance import InstanceType
from scaleout_tui.engine.simulation import Simulation

#: points of the drawn curve (plenty for a chart of a few hundred braille columns)
CURVE_POINTS = 721


@dataclass(frozen=True, slots=True)
class DevicesPreview:
    """The ingest tier's numbers: the load the devices bring and what the comm servers carry."""

    devices: int
    readings_per_s: float           # devices / period: every device sends one reading a period
    comm_servers: int
    comm_capacity: float            # readings a second all comm servers carry at 100 % busy
    one_down_capacity: float        # and with one of them down (equal servers)

    @property
    def survives_one_down(self) -> bool:
        return self.one_down_capacity >= self.readings_per_s


@dataclass(frozen=True, slots=True)
class Preview:
    """The numbers of one level with one choice of settings."""

    duration_s: float
    t: tuple[float, ...]            # seconds
    rps: tuple[float, ...]          # offered requests per second at ``t`` (spikes included)
    peak_rps: float
    peak_at_s: float
    work_ms: float                  # mean CPU time of one request on a web box, at speed 1
    per_vcpu_rps: float             # what one vCPU of the first web box carries at 100 % busy
    per_box_rps: float              # what one web box carries
    web_boxes: int
    web_type: str                   # the first web box's instance type, and its vCPUs
    web_vcpus: int
    capacity_rps: float             # what the whole set-up carries (web tier, and the database)
    db_capacity_rps: float | None   # a separate database box's own limit, if there is one
    boxes: int                      # billed boxes at the start
    cost_per_hour: float
    cost_evening: float             # cost_per_hour × duration (the set-up unchanged)
    devices: DevicesPreview | None = None  # a level with a device-ingest tier

    @property
    def headroom(self) -> float:
        """Capacity over peak: below 1 the evening's peak does not fit."""
        return self.capacity_rps / self.peak_rps if self.peak_rps > 0 else float("inf")


def work_per_request(config: SimConfig, colocated: bool) -> tuple[float, float]:
    """Mean CPU seconds of one request on a web box (at speed 1) and on the database box."""
    kinds = config.traffic.kinds
    total = sum(k.weight for k in kinds) or 1.0
    app = sum(k.weight * k.app_s for k in kinds) / total
    db = sum(k.weight * k.db_s for k in kinds) / total
    if colocated:
        return app + db * config.colocation_penalty, 0.0
    return app, db


def traffic_curve(config: SimConfig, points: int = CURVE_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """The offered rate over the whole level, sampled at ``points`` times and at every knot of
    the curve, its spikes and its scenario, so a peak between two samples is never missed."""
    duration = config.duration_s
    t = np.linspace(0.0, duration, max(points, 2))
    knots = config.traffic.knots()
    t = np.unique(np.concatenate((t, knots[(knots >= 0) & (knots <= duration)])))
    return t, np.asarray(config.traffic.rate(t), dtype=float)


def preview(level: Level, catalog: Mapping[str, InstanceType],
            knobs: Mapping[str, str] | None = None) -> Preview:
    """The preview of ``level`` with ``knobs`` (the level's defaults for the rest)."""
    config = build_config(level, catalog, knobs)
    t, rps = traffic_curve(config)
    peak_i = int(np.argmax(rps)) if rps.size else 0
    # The boxes the engine starts with (numbered and priced exactly as a run has them).
    boxes = [b for b in Simulation(config, seed=1).fleet.boxes if b.billed]
    web = [b for b in boxes if b.serves_web]
    colocated = any(b.role == "app+db" for b in web)
    app_s, db_s = work_per_request(config, colocated)
    first = web[0].itype if web else config.fleet.web_type
    per_vcpu = first.speed / app_s if app_s > 0 else 0.0
    per_box = first.vcpus * per_vcpu
    web_capacity = sum(b.itype.vcpus * b.itype.speed for b in web) / app_s if app_s > 0 else 0.0
    db_capacity = None
    # the master and its replicas (reads spread over them; writes do not: an upper bound)
    dbs = [b for b in boxes if b.role in ("db", "replica")]
    devices = _devices(config, boxes)
    if dbs and db_s > 0:
        db_cpu = sum(b.itype.vcpus * b.itype.speed for b in dbs)
        if devices is not None and config.ingest is not None:  # the readings' writes come first
            db_cpu = max(db_cpu - devices.readings_per_s * config.ingest.db_write_s, 0.0)
        db_capacity = db_cpu / db_s
    capacity = web_capacity if db_capacity is None else min(web_capacity, db_capacity)
    rate = sum(b.itype.price_per_hour for b in boxes)
    return Preview(
        duration_s=config.duration_s,
        t=tuple(float(x) for x in t), rps=tuple(float(x) for x in rps),
        peak_rps=float(rps[peak_i]) if rps.size else 0.0,
        peak_at_s=float(t[peak_i]) if rps.size else 0.0,
        work_ms=1000.0 * app_s,
        per_vcpu_rps=per_vcpu, per_box_rps=per_box, web_boxes=len(web),
        web_type=first.name, web_vcpus=first.vcpus,
        capacity_rps=capacity, db_capacity_rps=db_capacity,
        boxes=len(boxes), cost_per_hour=rate, cost_evening=rate * config.duration_s / 3600.0,
        devices=devices,
    )


def _devices(config: SimConfig, boxes: Sequence[Box]) -> DevicesPreview | None:
    """The ingest tier's load and capacity, from its spec and the comm boxes the run starts with."""
    spec = config.ingest
    if spec is None:
        return None
    comm = [b for b in boxes if b.role == "comm"]
    cost = spec.comm.message_s
    cpu = [b.itype.vcpus * b.itype.speed for b in comm]
    capacity = sum(cpu) / cost if cost > 0 else float("inf")
    one_down = (sum(cpu) - max(cpu)) / cost if cost > 0 and cpu else 0.0
    n = spec.devices.count
    return DevicesPreview(devices=n, readings_per_s=n / spec.devices.period_s, comm_servers=len(comm),
                          comm_capacity=capacity, one_down_capacity=one_down)
