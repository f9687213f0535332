"""Small builders shared by the engine tests."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scaleout_tui.content.knobs import read_knob
from scaleout_tui.engine import Command, FleetSpec, InstanceType, KindMix, SimConfig, Simulation, TrafficSpec
from scaleout_tui.engine.autoscaler import Change
from scaleout_tui.engine.metrics import ERROR_CAUSES
from scaleout_tui.engine.traffic import KINDS, Arrivals
from scaleout_tui.game.texts import scaling_cause

#: an error cause's index in the metrics' counts (``total_errors[E["session_lost"]]``)
E = {name: i for i, name in enumerate(ERROR_CAUSES)}
#: a request kind's code (``K["login"]``)
K = {name: np.int8(i) for i, name in enumerate(KINDS)}


def reqs(*rows: tuple[float, int, str, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Rows of (time, user, kind name, box) as the arrays a mechanism's per-tick call takes."""
    t, u, k, b = zip(*rows, strict=True)
    return np.array(t), np.array(u, np.int64), np.array([K[x] for x in k], np.int8), np.array(b, np.int64)


def itype(vcpus: int, name: str = "box", speed: float = 1.0, price: float = 0.1) -> InstanceType:
    return InstanceType(name, vcpus, 4.0, speed, price)


def steady(rate: float, app_s: float, db_s: float = 0.0, dist: str = "exponential") -> TrafficSpec:
    return TrafficSpec(curve=((0.0, rate),), kinds=(KindMix("page", 1.0, app_s, db_s),),
                       distribution=dist)


def config(traffic: TrafficSpec, vcpus: int = 1, duration: float = 100.0, layout: str = "single",
           web_count: int = 1, db_vcpus: int | None = None, **kw: object) -> SimConfig:
    web = itype(vcpus, "web")
    db = itype(db_vcpus or vcpus, "dbt")
    opts: dict[str, object] = {"rtt_s": 0.0, "queue_limit": 100_000, "timeout_s": 1e6}
    opts.update(kw)
    return SimConfig(duration_s=duration, traffic=traffic,
                     fleet=FleetSpec(layout, web, db, web_count),  # type: ignore[arg-type]
                     catalog={"web": web, "dbt": db, "big": itype(8, "big"), "small": itype(1, "small")},
                     **opts)  # type: ignore[arg-type]


@dataclass
class ArraySource:
    """Replays pre-drawn arrivals, so the engine and a reference see the same requests."""

    arr: Arrivals

    def sample(self, t0: float, t1: float) -> Arrivals:
        lo, hi = np.searchsorted(self.arr.t, [t0, t1], side="left")
        a = self.arr
        return Arrivals(a.t[lo:hi], a.user[lo:hi], a.kind[lo:hi], a.app_s[lo:hi], a.db_s[lo:hi])


def poisson_arrivals(rng: np.random.Generator, rate: float, duration: float, app_mean: float,
                     db_mean: float = 0.0, db_share: float = 1.0) -> Arrivals:
    n = rng.poisson(rate * duration)
    t = np.sort(rng.random(n)) * duration
    app = rng.exponential(app_mean, n)
    db = np.where(rng.random(n) < db_share, rng.exponential(db_mean, n), 0.0) if db_mean else np.zeros(n)
    return Arrivals(t, np.zeros(n, np.int64), np.zeros(n, np.int8), app, db)


def traced(sim: Simulation) -> Simulation:
    sim.data.trace = []
    return sim


def trace_arrays(sim: Simulation) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    assert sim.data.trace is not None
    rid = np.concatenate([t[0] for t in sim.data.trace])
    arr = np.concatenate([t[1] for t in sim.data.trace])
    done = np.concatenate([t[2] for t in sim.data.trace])
    cause = np.concatenate([t[3] for t in sim.data.trace])
    o = np.argsort(rid)
    return rid[o], arr[o], done[o], cause[o]


def knob(sim: Simulation, param: str, text: object) -> Command:
    """The typed command for ``param`` set to ``text``, read by the content layer's one parser
    (as the game does), against the run's own catalog."""
    return Command(param, read_knob(param, str(text), sim.config.catalog))


def worded(change: Change) -> str:
    """A capacity change's cause as the game words it (the engine keeps a code and numbers)."""
    return scaling_cause(change.cause, change.params)
