"""Small builders shared by the engine tests."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scaleout_tui.content.knobs import read_knob
from scaleout_tui.engine import Command, FleetSpec, InstanceType, KindMix, SimConfig, Simulation, TrafficSpec
from scaleout_tui.engine.autoscaler import Change
from scaleout_tui.engine.balancer import BalancerSpec
from scaleout_tui.engine.healthcheck import HealthCheckSpec
from scaleout_tui.engine.metrics import ERROR_CAUSES
from scaleout_tui.engine.replication import ReplicationSpec
from scaleout_tui.engine.sessions import SessionSpec
from scaleout_tui.engine.shardrouter import ShardingSpec
from scaleout_tui.engine.storage import StorageSpec
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


# ---- the set-ups several mechanisms' tests share --------------------------------------------

def lb_config(n=3, rate=60.0, app=0.005, check=None, failures=(), balancer=None, tick_s=0.5, **kw):
    """Three web boxes behind a balancer. A half-second tick: the checks, crashes and boots
    asserted here run on the engine's own clock, not on tick boundaries."""
    return config(steady(rate, app), vcpus=2, web_count=n, duration=kw.pop("duration", 400),
                  layout="single", balancer=balancer or BalancerSpec(),
                  health=check or HealthCheckSpec(kind="L7", path="/health", interval_s=10, timeout_s=2,
                                                   healthy_threshold=3, unhealthy_threshold=2),
                  failures=failures, timeout_s=kw.pop("timeout_s", 5.0), tick_s=tick_s, **kw)


def db_heavy(routing: str = "replicas", replicas: int = 2, write_share: float = 0.2, rate: float = 150.0,
             failures=(), sharding: ShardingSpec | None = None, users: int = 2000, duration: float = 300,
             **kw: object):
    """A two-tier shop with a replicated or sharded database. A half-second tick: lag, staleness
    and placement are worked out per request, failover and moves on the engine's clock."""
    kinds = (KindMix("page", 1.0 - write_share, 0.004, 0.004), KindMix("write", write_share, 0.004, 0.006))
    traffic = TrafficSpec(curve=((0.0, rate),), kinds=kinds, users=users)
    return config(traffic, vcpus=4, db_vcpus=4, layout="two-tier", duration=duration,
                  replication=ReplicationSpec(replicas, routing, failover_s=20.0) if replicas else None,
                  sharding=sharding, failures=failures, timeout_s=10.0, tick_s=0.5, rtt_s=0.0005, **kw)


#: long enough for every user to log in, upload and come back several times (100 req/s, 300 users)
DURATION = 200.0


def web_app(store: str = "local", sticky: bool = False, storage: str | None = None, failures=(), n=2,
            duration: float = DURATION):
    """Two web boxes behind a balancer. A half-second tick: what is asserted here is counted per
    request, and the engine's results do not depend on the tick (test_queueing_theory)."""
    kinds = (KindMix("login", 0.1, 0.005), KindMix("page", 0.6, 0.005), KindMix("upload", 0.1, 0.005),
             KindMix("download", 0.1, 0.005), KindMix("static", 0.1, 0.001))
    traffic = TrafficSpec(curve=((0.0, 100.0),), kinds=kinds, users=300)
    return config(traffic, vcpus=2, web_count=n, duration=duration,
                  balancer=BalancerSpec("round_robin", sticky=sticky),
                  health=HealthCheckSpec("L7", "/health", interval_s=5, timeout_s=2, unhealthy_threshold=2),
                  sessions=SessionSpec(store), storage=StorageSpec(storage) if storage else None,
                  failures=failures, timeout_s=10.0, tick_s=0.5)
