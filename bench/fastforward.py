"""How fast can the game fast-forward? The tick engine against a per-request SimPy model.

Why this exists: the "max" speed button and ``scaleout run`` replay 30 simulated minutes
in a few seconds only because the data plane moves each tick's requests in bulk
(NumPy) instead of as one SimPy process per request. This script measures that claim
on the machine it runs on, and checks that both models still agree with queueing
theory (Erlang C), so speed was not bought with wrong answers.

Scenario (both models): 10,000 req/s of Poisson arrivals, dispatched at random over 50
identical servers with ``c`` workers each (c = vCPUs), exponential service sized so
every server runs at rho = 0.7. Random dispatch splits a Poisson stream into
independent Poisson streams, so each server is exactly an M/M/c queue with
lambda = 200 req/s, and theory gives the mean and p95 response time.

  (a) the game's engine (:class:`scaleout_tui.engine.Simulation`), 30 simulated minutes;
  (b) the same model written the textbook way: every request a SimPy process, every
      server a ``simpy.Resource(capacity=c)``. It is run for a shorter span and its
      speed scaled, which is fair because its cost per request is flat;
  (c) the ratio of their speeds.

Each side runs ``--repeat`` times (3 unless told), in turn (a, b, a, b, ...) so both meet the
same machine, and the fastest run of each counts, as ``timeit`` does: the same seed gives the
same simulation every time, so a slower run only measured what else the machine was doing (on a
shared 2-core machine single runs of either side varied by 10 %). Every wall time is printed.

Figures are printed, never asserted: they depend on the machine. ``--quick`` runs
short spans for a smoke test.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import simpy

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from scaleout_tui.engine import FleetSpec, InstanceType, KindMix, SimConfig, Simulation, TrafficSpec
from scaleout_tui.engine.metrics import percentile

RATE = 10_000.0
SERVERS = 50
RHO = 0.7
# The data plane's batch length. Results do not depend on it (tests/engine check tick
# lengths from 0.05 to 0.5 s against Erlang C); it only sets how soon a control-plane
# change reaches the requests: 0.2 s, well inside any health-check interval (2-30 s).
TICK_S = 0.2


# ---- theory -----------------------------------------------------------------------------
def erlang_c(c: int, a: float) -> float:
    """Probability that an arrival waits in M/M/c with offered load ``a = lambda/mu`` (< c).

    Computed through the Erlang B recursion, which never forms large factorials.
    """
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    rho = a / c
    return b / (1.0 - rho + rho * b)


@dataclass(frozen=True)
class Theory:
    mean_s: float
    p95_s: float
    wait_prob: float


def mmc_theory(lam: float, mu: float, c: int) -> Theory:
    """Mean and 95th percentile of the response time (wait + service) of M/M/c FIFO.

    The wait is 0 with probability 1 - C and otherwise exponential with rate
    ``theta = c*mu - lambda``; adding an independent exponential service gives a
    closed-form tail, inverted here by bisection.
    """
    a = lam / mu
    pw = erlang_c(c, a)
    theta = c * mu - lam
    mean = pw / theta + 1.0 / mu

    def tail(t: float) -> float:
        if abs(theta - mu) < 1e-12:
            both = (1.0 + mu * t) * math.exp(-mu * t)
        else:
            both = (theta * math.exp(-mu * t) - mu * math.exp(-theta * t)) / (theta - mu)
        return (1.0 - pw) * math.exp(-mu * t) + pw * both

    lo, hi = 0.0, 1.0
    while tail(hi) > 0.05:
        hi *= 2
    for _ in range(100):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if tail(mid) > 0.05 else (lo, mid)
    return Theory(mean, hi, pw)


# ---- (a) the game's tick engine ------------------------------------------------------------
@dataclass(frozen=True)
class Result:
    sim_s: float
    wall_s: float
    requests: int
    completed: int
    mean_s: float
    p95_s: float

    @property
    def per_wall_s(self) -> float:
        return self.requests / self.wall_s

    @property
    def speedup(self) -> float:
        return self.sim_s / self.wall_s


def service_mean(vcpus: int) -> float:
    """Mean service time that puts every server at RHO."""
    return RHO * SERVERS * vcpus / RATE


def run_engine(vcpus: int, sim_s: float, seed: int) -> Result:
    itype = InstanceType(f"bench.{vcpus}x", vcpus=vcpus, memory_gb=2.0 * vcpus, speed=1.0,
                         price_per_hour=0.05 * vcpus)
    traffic = TrafficSpec(curve=((0.0, RATE), (sim_s, RATE)),
                          kinds=(KindMix("page", 1.0, app_s=service_mean(vcpus), db_s=0.0, cv=1.0),),
                          distribution="exponential")
    # rtt 0 and a long timeout: measure the queue, not the network or the client's patience.
    config = SimConfig(duration_s=sim_s, traffic=traffic,
                       fleet=FleetSpec(layout="single", web_type=itype, web_count=SERVERS),
                       catalog={itype.name: itype}, rtt_s=0.0, timeout_s=600.0, dispatch="random",
                       tick_s=TICK_S)
    sim = Simulation(config, seed=seed)
    t0 = time.perf_counter()
    sim.run()
    wall = time.perf_counter() - t0
    m = sim.metrics
    errors = int(m.total_errors.sum())
    if errors:
        print(f"    note: the engine reported {errors} errors", file=sys.stderr)
    return Result(sim_s, wall, m.arrived, m.completed, m.latency_sum / max(m.completed, 1),
                  percentile(m.total_hist, 0.95))


# ---- (b) one SimPy process per request -----------------------------------------------------
def run_simpy(vcpus: int, sim_s: float, seed: int) -> Result:
    rng = np.random.default_rng(seed)
    env = simpy.Environment()
    servers = [simpy.Resource(env, capacity=vcpus) for _ in range(SERVERS)]
    mean_service = service_mean(vcpus)
    latencies: list[float] = []
    record = latencies.append
    arrived = 0

    def request(server: simpy.Resource, service: float) -> simpy.events.ProcessGenerator:
        start = env.now
        with server.request() as slot:
            yield slot
            yield env.timeout(service)
        record(env.now - start)

    def arrivals() -> simpy.events.ProcessGenerator:
        nonlocal arrived
        batch = 65_536  # draw random numbers in bulk: give SimPy its best case
        while True:
            gaps = rng.exponential(1.0 / RATE, batch).tolist()
            picks = rng.integers(0, SERVERS, batch).tolist()
            services = rng.exponential(mean_service, batch).tolist()
            for gap, s, d in zip(gaps, picks, services, strict=True):
                yield env.timeout(gap)
                arrived += 1
                env.process(request(servers[s], d))

    env.process(arrivals())
    t0 = time.perf_counter()
    env.run(until=sim_s)
    wall = time.perf_counter() - t0
    lat = np.asarray(latencies)
    return Result(sim_s, wall, arrived, lat.size, float(lat.mean()), float(np.quantile(lat, 0.95)))


# ---- report --------------------------------------------------------------------------------
def _row(label: str, r: Result, th: Theory, scaled_to: float | None = None) -> None:
    err_mean = (r.mean_s / th.mean_s - 1.0) * 100
    err_p95 = (r.p95_s / th.p95_s - 1.0) * 100
    print(f"  {label}")
    print(f"    simulated {r.sim_s:,.0f} s, {r.requests:,} requests ({r.completed:,} completed) "
          f"in {r.wall_s:.2f} s wall")
    print(f"    speed: {r.per_wall_s:,.0f} simulated req per wall-second, {r.speedup:,.1f}x real time")
    if scaled_to is not None:
        print(f"    scaled (cost per request is flat): {scaled_to:,.0f} simulated s would take "
              f"~{scaled_to / r.speedup:,.0f} s wall")
    print(f"    response time: mean {r.mean_s * 1e3:.3f} ms "
          f"(theory {th.mean_s * 1e3:.3f}, {err_mean:+.2f} %), "
          f"p95 {r.p95_s * 1e3:.3f} ms (theory {th.p95_s * 1e3:.3f}, {err_p95:+.2f} %)")


def _walls(runs: list[Result]) -> None:
    if len(runs) > 1:
        walls = ", ".join(f"{r.wall_s:.2f}" for r in runs)
        print(f"    {len(runs)} runs, wall s: {walls}; the fastest counts")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--quick", action="store_true", help="short spans (engine 120 s, SimPy 5 s simulated)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--vcpus", type=int, nargs="+", default=[1, 2], help="workers per server to try")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each side; the fastest counts (default 3)")
    args = ap.parse_args(argv)
    repeat = 1 if args.quick else max(args.repeat, 1)
    engine_s, simpy_s = (120.0, 5.0) if args.quick else (1800.0, 60.0)

    print(f"scaleout fast-forward bench: {RATE:,.0f} req/s, random dispatch over {SERVERS} servers, "
          f"exponential service, rho = {RHO}{' (--quick)' if args.quick else ''}")
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, simpy {simpy.__version__}")
    for c in args.vcpus:
        mu = 1.0 / service_mean(c)
        th = mmc_theory(RATE / SERVERS, mu, c)
        print(f"\n== {c} vCPU per server: M/M/{c} per server, lambda {RATE / SERVERS:.0f}/s, "
              f"service mean {service_mean(c) * 1e3:.1f} ms, P(wait) {th.wait_prob:.3f}")
        runs_a: list[Result] = []
        runs_b: list[Result] = []
        for _ in range(repeat):
            runs_a.append(run_engine(c, engine_s, args.seed))
            runs_b.append(run_simpy(c, simpy_s, args.seed))
        a = min(runs_a, key=lambda r: r.wall_s)
        b = min(runs_b, key=lambda r: r.wall_s)
        _row("(a) tick engine (NumPy data plane, SimPy control plane)", a, th)
        _walls(runs_a)
        _row(f"(b) per-request SimPy (run for {simpy_s:.0f} simulated s only)", b, th, scaled_to=engine_s)
        _walls(runs_b)
        print(f"  (c) speed ratio (a)/(b): {a.per_wall_s / b.per_wall_s:,.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
