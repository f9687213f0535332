"""Does the engine keep its speed as the fleet grows? Cost per request from 1 to 5,000 servers.

Why this exists: ``make bench`` measures one fleet (50 servers). A sandbox player can ask for
thousands of boxes, and then anything the engine does per box and per tick (rather than per
request) becomes the bill. Two such costs were found this way: scanning every box's queue ring
(servers × queue limit numbers) on every tick, and growing the fleet's arrays one copy per added
box (quadratic). This script measures the engine as the fleet grows, so a cost that grows with
the fleet shows up here before a player meets it.

Scenario: Poisson arrivals dispatched at random over ``S`` identical 2-vCPU servers, exponential
service sized so every server runs at rho = 0.7, queue limit 511 (the levels' default), as in
``bench/fastforward.py``. Points: 10,000 req/s over 1, 10, 50, 200, 1,000 and 5,000 servers, then
100,000 req/s over 500 and 1,000,000 req/s over 5,000. For each: simulated requests per
wall-second, CPU microseconds per request, and the peak resident memory of a process that built
and ran only that point (each point runs in a fresh interpreter, so peaks do not carry over). The
speed figures are the steady state: the first tenth of each run is not timed (:data:`WARMUP`).

Then the time to build a fleet of 20,000 servers: the whole :class:`Simulation` as a level
builds it, and the engine's own arrays grown one box at a time as the control plane grows them
at run time.

Budgets (a verdict is printed, never asserted: figures depend on the machine):

- CPU µs per request at 5,000 servers within 3× the 50-server figure of the same run;
- building 20,000 servers in under 1 s.

Each point runs ``--repeat`` times (3 unless told), in rounds, and the fastest run counts.
``--quick`` runs each once for a fifth of the time, a smoke test; the full bench takes one to two
minutes.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from scaleout_tui.engine import FleetSpec, InstanceType, KindMix, SimConfig, Simulation, TrafficSpec
from scaleout_tui.engine.box import Box
from scaleout_tui.engine.metrics import Metrics
from scaleout_tui.engine.queueing import WorkerBank

RHO = 0.7
VCPUS = 2
QUEUE_LIMIT = 511
TICK_S = 0.2  # as in bench/fastforward.py: results do not depend on it, only the batch size does
BUILD_SERVERS = 20_000
#: (servers, req/s, simulated seconds of the full run): about 200,000 requests at 10k req/s,
#: more at the high rates, where a tick's batch is large and the cost per request small.
POINTS: tuple[tuple[int, float, float], ...] = (
    (1, 10_000.0, 20.0), (10, 10_000.0, 20.0), (50, 10_000.0, 20.0), (200, 10_000.0, 20.0),
    (1_000, 10_000.0, 20.0), (5_000, 10_000.0, 20.0),
    (500, 100_000.0, 5.0), (5_000, 1_000_000.0, 2.0),
)
QUICK_FACTOR = 0.2
#: Share of each point's simulated time run before the clock starts. Queues fill from empty
#: (at 5,000 servers a service takes 0.7 s), and memory is first touched: a server's queue
#: ring on its first request (page faults cost this VM about 15 µs per 4 KiB page, 40-75 ms
#: for 5,000 rings), which no later second of the run pays again.
WARMUP = 0.1
#: The budget: µs per request at the largest 10k req/s fleet within this factor of the 50-server one.
SPREAD_BUDGET = 3.0
BUILD_BUDGET_S = 1.0
#: A growth path still running after this long is stopped and reported as such.
GIVE_UP_S = 10.0
#: The same for building a whole simulation (20,000 servers took over a minute before the fix).
BUILD_TIMEOUT_S = 20.0


def itype() -> InstanceType:
    return InstanceType(f"bench.{VCPUS}x", vcpus=VCPUS, memory_gb=2.0 * VCPUS, speed=1.0,
                        price_per_hour=0.05 * VCPUS)


def config(servers: int, rate: float, sim_s: float) -> SimConfig:
    """Every server at RHO: mean service = RHO · servers · vCPUs / rate."""
    it = itype()
    service = RHO * servers * VCPUS / rate
    traffic = TrafficSpec(curve=((0.0, rate), (sim_s, rate)),
                          kinds=(KindMix("page", 1.0, app_s=service, db_s=0.0, cv=1.0),),
                          distribution="exponential")
    # rtt 0 and a long timeout: measure the queues, not the network or the client's patience
    return SimConfig(duration_s=sim_s, traffic=traffic,
                     fleet=FleetSpec(layout="single", web_type=it, web_count=servers),
                     catalog={it.name: it}, rtt_s=0.0, timeout_s=600.0, dispatch="random",
                     tick_s=TICK_S, queue_limit=QUEUE_LIMIT)


def peak_rss_mb() -> float:
    """Peak resident memory of this process (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


# ---- one point, in a child process --------------------------------------------------------------
def run_point(servers: int, rate: float, sim_s: float, seed: int) -> dict[str, float]:
    """Build and run one point; time all but its warm-up (see :data:`WARMUP`)."""
    sim = Simulation(config(servers, rate, sim_s), seed=seed)
    sim.advance(WARMUP * sim_s)
    arrived = sim.metrics.arrived
    cpu0, wall0 = time.process_time(), time.perf_counter()
    sim.run()
    wall = time.perf_counter() - wall0
    cpu = time.process_time() - cpu0
    return {"requests": sim.metrics.arrived - arrived, "errors": int(sim.metrics.total_errors.sum()),
            "wall_s": wall, "cpu_s": cpu, "rss_mb": peak_rss_mb()}


def grown(add: Callable[[int], object], n: int) -> tuple[float, int]:
    """Seconds to call ``add(k)`` for k = 1 .. n - 1, and how many calls were made.

    Gives up after :data:`GIVE_UP_S`: a quadratic path would otherwise run for hours at 20,000.
    """
    t0 = time.perf_counter()
    for k in range(1, n):
        add(k)
        if k % 500 == 0 and time.perf_counter() - t0 > GIVE_UP_S:
            return time.perf_counter() - t0, k + 1
    return time.perf_counter() - t0, n


def time_build(n: int) -> dict[str, float]:
    """Seconds to build a simulation of ``n`` servers, as a level builds its fleet."""
    t0 = time.perf_counter()
    Simulation(config(n, 10_000.0, 1.0), seed=1)
    return {"s": time.perf_counter() - t0}


def time_growth(n: int) -> dict[str, float]:
    """Seconds to grow to ``n`` servers one at a time, as launches do at run time."""
    out: dict[str, float] = {}
    bank = WorkerBank([VCPUS], [QUEUE_LIMIT])
    out["bank"], out["bank_n"] = grown(lambda _k: bank.add_server(VCPUS, QUEUE_LIMIT, 0.0), n)
    metrics = Metrics(1)
    out["metrics"], out["metrics_n"] = grown(lambda k: metrics.grow(k + 1), n)

    # the whole run-time path: what a launched box costs the data plane (bank, metrics and its
    # own per-box arrays), without the control plane's bookkeeping around it
    sim = Simulation(config(1, 10_000.0, 1.0), seed=1)
    it = itype()

    def launch(k: int) -> None:
        box = Box(f"web-{k + 1}", "app+db", it, k)
        sim.boxes.append(box)
        sim.data.add_box(box, 0.0)

    out["data_plane"], out["data_plane_n"] = grown(launch, n)
    return out


def child(spec: str) -> int:
    args = json.loads(spec)
    kind, n = args["kind"], int(args["servers"])
    if kind == "build":
        result = time_build(n)
    elif kind == "grow":
        result = time_growth(n)
    else:
        result = run_point(n, float(args["rate"]), float(args["sim_s"]), int(args["seed"]))
    print(json.dumps(result))
    return 0


def in_child(timeout: float | None = None, **spec: object) -> dict[str, float] | None:
    """Run one measurement in a fresh interpreter (its peak memory is its own); ``None`` if it
    was still running after ``timeout`` seconds."""
    try:
        proc = subprocess.run([sys.executable, __file__, "--child", json.dumps(spec)],
                              capture_output=True, text=True, check=False, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    if proc.returncode != 0:
        raise SystemExit(f"bench child failed ({spec}):\n{proc.stderr}")
    result: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


# ---- report -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Point:
    servers: int
    rate: float
    sim_s: float
    requests: int
    errors: int
    wall_s: float
    cpu_s: float
    rss_mb: float

    @property
    def us_per_request(self) -> float:
        return 1e6 * self.cpu_s / max(self.requests, 1)

    @property
    def per_wall_s(self) -> float:
        return self.requests / self.wall_s


def verdict(ok: bool) -> str:
    return "within budget" if ok else "OVER BUDGET"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--quick", action="store_true", help="simulate a fifth of the time (a smoke test)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3,
                    help="runs of each point, in rounds; the fastest counts (default 3, 1 with --quick)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        return child(args.child)
    factor = QUICK_FACTOR if args.quick else 1.0
    repeat = 1 if args.quick else max(args.repeat, 1)
    print(f"scaleout scale bench: random dispatch, {VCPUS} vCPU servers at rho = {RHO}, exponential "
          f"service, queue limit {QUEUE_LIMIT}, tick {TICK_S} s{' (--quick)' if args.quick else ''}")
    # Every point once per round, so a busy spell of the machine hits all points alike; the
    # fastest run of each counts, as in bench/fastforward.py (the same seed is the same work).
    runs: dict[tuple[int, float], list[Point]] = {(n, rate): [] for n, rate, _ in POINTS}
    for k in range(repeat):
        print(f"  round {k + 1} of {repeat} ...", flush=True)
        for servers, rate, sim_s in POINTS:
            s = sim_s * factor
            r = in_child(kind="run", servers=servers, rate=rate, sim_s=s, seed=args.seed)
            assert r is not None  # no timeout asked
            runs[servers, rate].append(Point(servers, rate, s, int(r["requests"]), int(r["errors"]),
                                             r["wall_s"], r["cpu_s"], r["rss_mb"]))
    print(f"  {'servers':>7} {'req/s':>10} {'sim s':>6} {'timed req':>10} {'sim req/wall-s':>15} "
          f"{'CPU µs/req':>11} {'peak RSS MB':>12}  CPU µs/req of each run")
    points: list[Point] = []
    for tries in runs.values():
        p = min(tries, key=lambda x: x.cpu_s)
        points.append(p)
        each = ", ".join(f"{x.us_per_request:.2f}" for x in tries) if len(tries) > 1 else ""
        note = f"  ({p.errors:,} errors)" if p.errors else ""
        print(f"  {p.servers:>7,} {p.rate:>10,.0f} {p.sim_s:>6.1f} {p.requests:>10,} {p.per_wall_s:>15,.0f} "
              f"{p.us_per_request:>11.2f} {max(x.rss_mb for x in tries):>12.0f}  {each}{note}")

    base = next(p for p in points if p.servers == 50 and p.rate == 10_000.0)
    big = next(p for p in points if p.servers == 5_000 and p.rate == 10_000.0)
    spread = big.us_per_request / base.us_per_request
    print(f"\n[1] µs per request at 5,000 servers / at 50 servers (10,000 req/s): {spread:.2f}x "
          f"(budget ≤ {SPREAD_BUDGET:.0f}x): {verdict(spread <= SPREAD_BUDGET)}")

    print(f"[2] building {BUILD_SERVERS:,} servers (budget < {BUILD_BUDGET_S:.0f} s):")
    build = in_child(timeout=BUILD_TIMEOUT_S, kind="build", servers=BUILD_SERVERS)
    took = f"{build['s']:.2f} s" if build else f"over {BUILD_TIMEOUT_S:.0f} s (stopped)"
    ok = build is not None and build["s"] < BUILD_BUDGET_S
    print(f"    Simulation(...), as a level builds it: {took}: {verdict(ok)}")
    g = in_child(kind="grow", servers=BUILD_SERVERS)
    assert g is not None  # no timeout asked
    print("    grown one box at a time, as launches grow it at run time:")
    for label, key in (("WorkerBank.add_server", "bank"), ("Metrics.grow", "metrics"),
                       ("DataPlane.add_box (all of it)", "data_plane")):
        k = int(g[key + "_n"])
        stopped = "" if k == BUILD_SERVERS else f" (stopped after {k:,} servers)"
        print(f"      {label}: {g[key]:.3f} s{stopped}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
