"""Ciw as an independent oracle: the same station run by the engine and by Ciw, with CIs.

Why Ciw: closed forms cover M/M/c (Erlang C) and M/M/c/K, but not lognormal service (M/G/c),
not join-the-shortest-queue routing and not boxes of different sizes behind one balancer, which
are what the game's later levels teach. Ciw (``ciw`` on PyPI, a test-only dependency pinned in
pyproject.toml) is a per-customer, event-by-event queueing-network simulator that shares no code
and no modelling choice with the engine: no ticks, no vectorised worker bank, its own random
streams (``ciw.seed``). Where both agree within sampling noise, the engine's tick-batched data
plane is right; where they differ by more, one of them is wrong, and Ciw is the simple one.

One :class:`Case` describes a station: Poisson arrivals, one or more boxes (a box of ``c``
vCPUs is ``c`` servers sharing one FIFO queue), exponential or lognormal service, an optional
waiting room per box, and how arrivals pick a box:

* ``single``: one box (M/G/c, M/G/c/K);
* ``least_conn``: the box with the fewest requests in it, queued or in service (Ciw's
  ``routing.LoadBalancing``, i.e. join-the-shortest-queue by connections; nginx ``least_conn``,
  HAProxy ``leastconn``). Ciw runs it as a dispatcher node of zero service time and unlimited
  servers that routes each customer on at its arrival instant, seeing every completion so far;
* ``round_robin``: boxes in turn (Ciw's ``routing.Cycle``).

Each side returns :class:`Figures`: mean response, p95 response, blocking probability and each
box's share of the traffic, each with a standard error by batch means (``BATCHES`` batches of
equal simulated time, in arrival order, after a warm-up the figures leave out). The engine's
figures come from its per-request trace (``DataPlane.trace``) and a recorder around its balancer,
so they are exact per request, not its histogram buckets. :func:`tolerance` turns two standard
errors into the band a test asserts.

It lives beside the engine tests and ``bench/accuracy.py`` imports it from there (the bench puts
the repository root on ``sys.path``, as every bench does): the oracle is test code, one copy.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Literal

import ciw
import numpy as np
import numpy.typing as npt

from scaleout_tui.engine import FleetSpec, InstanceType, KindMix, SimConfig, Simulation, TrafficSpec
from scaleout_tui.engine.balancer import BalancerSpec
from scaleout_tui.engine.requests import CAUSE, OK

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

Routing = Literal["single", "least_conn", "round_robin"]

#: batches for batch means: 20 keeps each batch long (many relaxation times even at rho 0.9)
#: while the spread of 20 batch values estimates the standard error to about ±16 %
BATCHES = 20
#: How many combined standard errors a difference may reach before a test calls it a
#: disagreement. Both simulators are seeded, so the tests are deterministic; 4 leaves room for
#: the batch-means estimate of the error itself (Student t with 19 degrees of freedom: 99.9 %
#: two-sided is 3.88), so an unlucky seed does not fail a correct engine, while the modelling
#: errors these tests are for (a stale balancer: +36 % at rho 0.8) are dozens of errors away.
Z = 4.0


@dataclass(frozen=True)
class Case:
    """A station both simulators run: times in seconds, rates per second."""

    name: str
    rate: float
    #: vCPUs (servers) of each box
    boxes: tuple[int, ...]
    mean_s: float
    #: coefficient of variation of service: 1 with ``dist="exponential"``
    cv: float = 1.0
    dist: Literal["exponential", "lognormal"] = "exponential"
    routing: Routing = "single"
    #: waiting room of each box (requests queued beyond its busy vCPUs); None: unlimited
    queue: int | None = None
    #: Ciw's tie rule for least_conn: "random", or "order" (the lowest box first)
    tie: Literal["random", "order"] = "random"

    @property
    def rho(self) -> float:
        """Offered load per vCPU."""
        return self.rate * self.mean_s / sum(self.boxes)

    def lognormal(self) -> tuple[float, float]:
        """(mu, sigma) of the normal under the lognormal with this mean and CV."""
        sigma = math.sqrt(math.log1p(self.cv**2))
        return math.log(self.mean_s) - sigma**2 / 2, sigma


@dataclass(frozen=True)
class Run:
    """How long to simulate: measure arrivals in ``[warmup_s, horizon_s)``, then run on for
    ``drain_s`` so that every one of them has finished."""

    horizon_s: float
    warmup_s: float
    drain_s: float = 20.0
    seed: int = 1


@dataclass(frozen=True)
class Figures:
    """What one simulator measured, each figure with its standard error (batch means)."""

    requests: int
    mean: float
    mean_se: float
    p95: float
    p95_se: float
    blocked: float
    blocked_se: float
    share: tuple[float, ...]
    share_se: tuple[float, ...]
    #: CPU utilisation of each box (busy vCPU-seconds over capacity), over the measured window
    util: tuple[float, ...] = field(default=())


# ---- the statistics both sides share ---------------------------------------------------------

def figures(arrival: F64, response: F64, box: I64, blocked: npt.NDArray[np.bool_], work: F64,
            n_boxes: int, vcpus: tuple[int, ...], run: Run) -> Figures:
    """Batch-means figures of the requests that arrived in the measured window. ``response`` is
    NaN for a blocked request; ``work`` is each request's service time (0 if blocked)."""
    keep = (arrival >= run.warmup_s) & (arrival < run.horizon_s)
    arrival, response, box = arrival[keep], response[keep], box[keep]
    blocked, work = blocked[keep], work[keep]
    span = run.horizon_s - run.warmup_s
    which = np.minimum(((arrival - run.warmup_s) / span * BATCHES).astype(np.int64), BATCHES - 1)
    served = ~blocked
    per: dict[str, list[float]] = {"mean": [], "p95": [], "blocked": []}
    shares: list[F64] = []
    for b in range(BATCHES):
        inb = which == b
        ok = inb & served
        r = response[ok]
        per["mean"].append(float(r.mean()))
        per["p95"].append(float(np.quantile(r, 0.95)))
        per["blocked"].append(float(np.count_nonzero(inb & blocked) / max(np.count_nonzero(inb), 1)))
        shares.append(np.bincount(box[inb], minlength=n_boxes) / max(np.count_nonzero(inb), 1))

    def se(values: list[float] | F64) -> float:
        return float(np.std(values, ddof=1) / math.sqrt(BATCHES))

    r = response[served]
    share_b = np.array(shares)
    busy = np.bincount(box[served], weights=work[served], minlength=n_boxes)
    return Figures(
        requests=int(arrival.size),
        mean=float(r.mean()), mean_se=se(per["mean"]),
        p95=float(np.quantile(r, 0.95)), p95_se=se(per["p95"]),
        blocked=float(np.count_nonzero(blocked) / arrival.size), blocked_se=se(per["blocked"]),
        share=tuple(float(x) for x in np.bincount(box, minlength=n_boxes) / arrival.size),
        share_se=tuple(se(share_b[:, k]) for k in range(n_boxes)),
        util=tuple(float(busy[k] / (vcpus[k] * span)) for k in range(n_boxes)),
    )


def tolerance(a_se: float, b_se: float) -> float:
    """The band two independent estimates may differ by: ``Z`` combined standard errors."""
    return Z * math.hypot(a_se, b_se)


@dataclass(frozen=True)
class Row:
    """One figure of both simulators side by side."""

    what: str
    engine: float
    engine_se: float
    ciw: float
    ciw_se: float

    @property
    def band(self) -> float:
        return tolerance(self.engine_se, self.ciw_se)

    @property
    def ok(self) -> bool:
        return abs(self.engine - self.ciw) <= self.band

    def __str__(self) -> str:
        return (f"{self.what}: engine {self.engine:.5g} ± {self.engine_se:.2g}, Ciw {self.ciw:.5g} ± "
                f"{self.ciw_se:.2g}, differ by {self.engine - self.ciw:+.3g}, band ±{self.band:.2g}")


def rows(engine: Figures, ref: Figures) -> list[Row]:
    """Every figure of ``engine`` against ``ref``: mean and p95 response, blocking, each box's
    share (the shares only with more than one box, blocking only where a queue is finite)."""
    out = [Row("mean response s", engine.mean, engine.mean_se, ref.mean, ref.mean_se),
           Row("p95 response s", engine.p95, engine.p95_se, ref.p95, ref.p95_se)]
    if engine.blocked or ref.blocked:
        out.append(Row("blocked", engine.blocked, engine.blocked_se, ref.blocked, ref.blocked_se))
    if len(engine.share) > 1:
        out += [Row(f"share of box {k}", e, es, c, cs) for k, (e, es, c, cs)
                in enumerate(zip(engine.share, engine.share_se, ref.share, ref.share_se, strict=True))]
    return out


# ---- the cases the tests and the bench share ---------------------------------------------------

@dataclass(frozen=True)
class Check:
    """A case, how long to run it, and the test's power: the widest band (as a share of Ciw's
    mean response) that still counts as a test. A run too short or too noisy for that fails
    instead of passing on noise."""

    case: Case
    run: Run
    max_band: float
    tick_s: float = 0.1


MS = 0.010  # mean service: 10 ms, mu = 100/s per vCPU
CHECKS: dict[str, Check] = {
    # M/G/c: c = 4, lognormal service with CV 1.5: no closed form (Kingman-style corrections
    # to Erlang C are approximations); the noise grows steeply with rho, hence the longer run
    "mgc-0.7": Check(Case("M/G/4 lognormal cv1.5 rho0.7", 280.0, (4,), MS, 1.5, "lognormal"),
                     Run(600.0, 20.0), max_band=0.12),
    "mgc-0.9": Check(Case("M/G/4 lognormal cv1.5 rho0.9", 360.0, (4,), MS, 1.5, "lognormal"),
                     Run(1000.0, 50.0), max_band=0.30),
    # JSQ by connections over four 1-vCPU boxes (least_conn)
    "jsq-0.5": Check(Case("JSQ 4x1 rho0.5", 200.0, (1, 1, 1, 1), MS, routing="least_conn"),
                     Run(300.0, 20.0), max_band=0.08),
    "jsq-0.8": Check(Case("JSQ 4x1 rho0.8", 320.0, (1, 1, 1, 1), MS, routing="least_conn"),
                     Run(400.0, 20.0), max_band=0.13),
    "jsq-0.9": Check(Case("JSQ 4x1 rho0.9", 360.0, (1, 1, 1, 1), MS, routing="least_conn"),
                     Run(600.0, 50.0), max_band=0.22),
    # one 1-vCPU and one 4-vCPU box: least_conn at 240/s (rho 0.48 overall); round robin at
    # 160/s, since at 240/s it would send the small box 120/s, past its 100/s
    "mixed-lc": Check(Case("1+4 vCPU least_conn 240/s", 240.0, (1, 4), MS, routing="least_conn"),
                      Run(300.0, 20.0), max_band=0.05),
    "mixed-rr": Check(Case("1+4 vCPU round_robin 160/s", 160.0, (1, 4), MS, routing="round_robin"),
                      Run(600.0, 20.0), max_band=0.20),
    # finite waiting room: 4 vCPUs and 4 places (K = 8) offered rho 0.9: about 10 % blocked
    "mmck": Check(Case("M/M/4/8 rho0.9", 360.0, (4,), MS, queue=4), Run(400.0, 10.0), max_band=0.05),
    "mgck": Check(Case("M/G/4/8 lognormal cv1.5 rho0.9", 360.0, (4,), MS, 1.5, "lognormal", queue=4),
                  Run(400.0, 10.0), max_band=0.06),
}
JSQ_TICKS = (0.05, 0.1, 0.5, 1.0)


# ---- Ciw ---------------------------------------------------------------------------------------

def _service(case: Case) -> ciw.dists.Distribution:
    if case.dist == "exponential":
        return ciw.dists.Exponential(1.0 / case.mean_s)
    mu, sigma = case.lognormal()
    return ciw.dists.Lognormal(mu, sigma)


# ---- Ciw's figures, kept ------------------------------------------------------------------------
#: Ciw's figures for every :data:`CHECKS` case, as ``python -m tests.engine.ciw_oracle`` wrote
#: them with the Ciw version it names. Why: Ciw is a per-customer simulator, about 100 µs a
#: customer, and the checks need a million customers (90 s of a CI worker, three quarters of
#: the comparisons' time) to reach their power. Both simulators are seeded, so Ciw's answer for
#: a case is a fixed number, like a closed form, and is kept like one. It stays Ciw's own:
#: ``test_ciw_oracle.py`` runs :data:`PROBE` live and asserts its kept figures are exactly what
#: Ciw returns, and another that every check is kept under the installed Ciw version.
STORE = Path(__file__).with_name("ciw_figures.json")


def store_key(case: Case, run: Run) -> str:
    """A case and its run as the store names them: every field, so a changed case misses."""
    return f"{case!r} {run!r}"


@lru_cache(maxsize=1)
def stored() -> dict[str, Figures]:
    """The kept figures, when they were made by the installed Ciw; else none (all run live)."""
    if not STORE.exists():
        return {}
    data = json.loads(STORE.read_text(encoding="utf-8"))
    if data["ciw"] != ciw.__version__:
        return {}
    return {key: Figures(**{k: tuple(v) if isinstance(v, list) else v for k, v in f.items()})
            for key, f in data["figures"].items()}


def ciw_figures(case: Case, run: Run) -> Figures:
    """Ciw's figures for ``case``: the kept ones when the store has them, else a run of Ciw
    (:func:`run_ciw`, which the bench and the probe's test call to run it live)."""
    kept = stored().get(store_key(case, run))
    return run_ciw(case, run) if kept is None else kept


#: a short M/M/4/8 run kept beside the checks: the test that the kept figures are Ciw's own runs
#: it live (2 s, where the shortest check takes 6 s) and holds it to the closed form as well
PROBE = (Case("M/M/4/8", 360.0, (4,), 0.01, queue=4), Run(150.0, 5.0, seed=4))


def write_store() -> None:
    """Run every check (and the probe) in Ciw and keep the figures (after a change to a case or
    to Ciw)."""
    runs = [(c.case, c.run) for c in CHECKS.values()] + [PROBE]
    figures = {store_key(case, run): asdict(run_ciw(case, run)) for case, run in runs}
    STORE.write_text(json.dumps({"ciw": ciw.__version__, "figures": figures}, indent=1) + "\n",
                     encoding="utf-8")
    stored.cache_clear()


@lru_cache(maxsize=32)
def run_ciw(case: Case, run: Run) -> Figures:
    """Run ``case`` in Ciw. Cached: a test parametrised over the engine's tick compares every
    tick length with one Ciw run."""
    n = len(case.boxes)
    cap = float("inf") if case.queue is None else case.queue
    if case.routing == "single":
        assert n == 1
        network = ciw.create_network(
            arrival_distributions=[ciw.dists.Exponential(case.rate)],
            service_distributions=[_service(case)],
            number_of_servers=[case.boxes[0]],
            queue_capacities=[cap],
        )
        first = 1
    else:
        # node 1 dispatches: no waiting, no work; it routes each customer on at its arrival
        dests = list(range(2, n + 2))
        router: ciw.routing.NodeRouting
        if case.routing == "least_conn":
            router = ciw.routing.LoadBalancing(destinations=dests, tie_break=case.tie)
        else:
            router = ciw.routing.Cycle(cycle=dests)
        network = ciw.create_network(
            arrival_distributions=[ciw.dists.Exponential(case.rate)] + [None] * n,
            service_distributions=[ciw.dists.Deterministic(0.0)] + [_service(case)] * n,
            number_of_servers=[float("inf"), *case.boxes],
            queue_capacities=[float("inf")] + [cap] * n,
            routing=ciw.routing.NetworkRouting(routers=[router] + [ciw.routing.Leave()] * n),
        )
        first = 2
        # a full box would block the dispatcher (Ciw's blocking after service), which no
        # balancer does; the cases with a waiting room have one box
        assert case.queue is None
    ciw.seed(run.seed)
    sim = ciw.Simulation(network)
    sim.simulate_until_max_time(run.horizon_s + run.drain_s)
    recs = [r for r in sim.get_all_records(only=["service", "rejection"]) if r.node >= first]
    arrival = np.array([r.arrival_date for r in recs])
    rejected = np.array([r.record_type == "rejection" for r in recs])
    end = np.array([r.service_end_date if r.record_type == "service" else math.nan for r in recs])
    work = np.array([r.service_time if r.record_type == "service" else 0.0 for r in recs])
    box = np.array([r.node - first for r in recs], dtype=np.int64)
    unfinished = [ind for node in sim.nodes[first:-1] for ind in node.all_individuals
                  if ind.arrival_date < run.horizon_s]
    assert not unfinished, "drain_s too short: measured customers still in Ciw"
    return figures(arrival, end - arrival, box, rejected, work, n, case.boxes, run)


# ---- the engine --------------------------------------------------------------------------------

class RecordingBalancer:
    """Wraps the engine's balancer and keeps every pick, in request-id order (the data plane
    numbers a tick's arrivals in the order it routes them). Test instrumentation only."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.picks: list[I64] = []

    def route(self, t: F64, user: I64, rotation: I64, registered: I64, open_requests: object) -> I64:
        pick: I64 = self.inner.route(t, user, rotation, registered, open_requests)  # type: ignore[attr-defined]
        self.picks.append(pick)
        return pick


def engine_sim(case: Case, run: Run, tick_s: float = 0.1) -> Simulation:
    """The whole engine as the game runs it, set up as ``case``: no network time, a client that
    never times out, boxes of the case's sizes (resized before the clock starts)."""
    sizes = {c: InstanceType(f"oracle.{c}x", c, 2.0 * c, 1.0, 0.05 * c) for c in set(case.boxes)}
    widest = sizes[max(case.boxes)]
    if case.dist == "exponential":
        kind = KindMix("page", 1.0, app_s=case.mean_s, db_s=0.0, cv=1.0)
    else:
        kind = KindMix("page", 1.0, app_s=case.mean_s, db_s=0.0, cv=case.cv)
    traffic = TrafficSpec(curve=((0.0, case.rate),), kinds=(kind,), distribution=case.dist)
    balancer = None if case.routing == "single" else BalancerSpec(case.routing)
    cfg = SimConfig(duration_s=run.horizon_s + run.drain_s, traffic=traffic,
                    fleet=FleetSpec("single", widest, None, len(case.boxes)),
                    catalog={t.name: t for t in sizes.values()}, tick_s=tick_s, rtt_s=0.0,
                    timeout_s=1e9, queue_limit=1_000_000 if case.queue is None else case.queue,
                    balancer=balancer)
    sim = Simulation(cfg, seed=run.seed)
    web = [b for b in sim.boxes if b.role == "app+db"]
    for b, c in zip(web, case.boxes, strict=True):
        sim.fleet.resize(b, sizes[c])  # at t = 0: configures, no downtime
    return sim


def engine_figures(case: Case, run: Run, tick_s: float = 0.1) -> Figures:
    """Run ``case`` on the engine with ticks of ``tick_s`` and measure it like Ciw."""
    sim = engine_sim(case, run, tick_s)
    recorder = None
    if sim.data.balancer is not None:
        recorder = RecordingBalancer(sim.data.balancer)
        sim.data.balancer = recorder
    sim.data.trace = []
    sim.run()
    tr = sim.data.trace
    rid = np.concatenate([t[0] for t in tr])
    arrival = np.concatenate([t[1] for t in tr])
    done = np.concatenate([t[2] for t in tr])
    cause = np.concatenate([t[3] for t in tr])
    o = np.argsort(rid)
    rid, arrival, done, cause = rid[o], arrival[o], done[o], cause[o]
    assert not (sim.data.flight.arrival < run.horizon_s).any(), "drain_s too short"
    assert np.isin(cause, [OK, CAUSE["queue_full"]]).all()
    blocked = cause == CAUSE["queue_full"]
    box = np.zeros(rid.size, np.int64) if recorder is None else np.concatenate(recorder.picks)[rid]
    response = np.where(blocked, math.nan, done - arrival)
    # the engine keeps no per-request demand in its trace; its CPU figure is the box's busy time
    # over the run (metrics), so the warm-up and the drain count too (a few % of the run)
    web = [b.index for b in sim.boxes if b.role == "app+db"]
    cap = np.array([sim.boxes[i].itype.vcpus for i in web]) * sim.now
    util = sim.metrics.boxes.busy[web] / cap
    f = figures(arrival, response, box, blocked, np.zeros(rid.size), len(case.boxes), case.boxes, run)
    return replace(f, util=tuple(float(u) for u in util))


if __name__ == "__main__":
    write_store()
    print(f"wrote {STORE} with Ciw {ciw.__version__}: {len(CHECKS)} checks and the probe")
