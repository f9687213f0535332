"""Is the engine's queueing right? Mean response time and p99 wait against Erlang C.

The game's lessons (a full box queues, pooling beats splitting, a bigger box helps until it
doesn't) hold outside the game only if its queues behave like real ones. For an M/M/c queue
(Poisson arrivals, exponential service, c workers, one FIFO queue) theory is exact:

- mean response time  E[T] = C / (c·mu - lambda) + 1/mu, with C the Erlang-C probability of waiting;
- waiting time        P(W > t) = C · exp(-(c·mu - lambda)·t), so the p99 wait is
                      ln(C / 0.01) / (c·mu - lambda) when C > 1 %, and 0 otherwise (then the
                      measured share of requests that waited is compared with C instead).

Each point (c = 1, 2, 4, 16 workers; rho = 0.5, 0.8) serves 10^6 requests twice:

- **Simulation**: the whole engine as the game runs it (traffic generator, ticks, the data
  plane, metrics), one box with c vCPUs; its per-request trace gives the mean response time.
- **WorkerBank**: the data plane's queue itself (``scaleout_tui.engine.queueing``), fed the
  same kind of stream in one-second batches; it reports each request's start, so its waits
  are exact and give the p99 wait.

The budget is: mean within 1 % and p99 wait within 10 % at rho <= 0.8. Sampling noise is
of that order at rho = 0.8 (successive response times are strongly correlated), so each
figure comes with its standard error by batch means (50 batches in arrival order): a
difference of two or three standard errors is noise, a modelling error shows as more.
Figures are printed, never asserted.

A second part compares the engine with **Ciw**, an independent event-by-event simulator (a
test-only dependency), where theory has no closed form: M/G/c with lognormal service, least_conn
as join-the-shortest-queue over four boxes at every tick length, a 1-vCPU and a 4-vCPU box behind
least_conn and round robin, and finite queues (M/M/c/K, whose closed form is printed too, and
M/G/c/K). The cases, run lengths and the agreement rule (within 4 combined standard errors) are
those of tests/engine/test_ciw_oracle.py, from tests/engine/ciw_oracle.py; here ± is a 95 %
confidence interval (1.96 standard errors, batch means). The tests read Ciw's figures from the
store that module keeps; this bench runs Ciw live every time, so it re-derives them.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from scaleout_tui.engine import FleetSpec, InstanceType, KindMix, SimConfig, Simulation, TrafficSpec
from scaleout_tui.engine.queueing import WorkerBank
from tests.engine.ciw_oracle import CHECKS, JSQ_TICKS, Figures, engine_figures, rows, run_ciw
from tests.engine.reference import mmck

MU = 1000.0  # service rate per worker (1 ms mean service): the unit does not matter, and many
#              requests per simulated second keep the engine's per-tick cost small
#: The engine's tick for this bench; results do not depend on it (tests/engine check 0.05-0.5 s).
TICK_S = 0.5
POINTS = [(c, rho) for c in (1, 2, 4, 16) for rho in (0.5, 0.8)]
BATCHES = 50


# ---- theory ---------------------------------------------------------------------------------
def erlang_c(c: int, a: float) -> float:
    """Probability that an arrival waits in M/M/c with offered load ``a = lambda/mu`` (< c),
    through the Erlang B recursion (no large factorials)."""
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    rho = a / c
    return b / (1.0 - rho + rho * b)


def theory(c: int, rho: float) -> tuple[float, float, float]:
    """Mean response time, p99 wait and P(wait) for M/M/c at utilisation ``rho``."""
    lam = rho * c * MU
    pw = erlang_c(c, lam / MU)
    theta = c * MU - lam
    p99_wait = math.log(pw / 0.01) / theta if pw > 0.01 else 0.0
    return pw / theta + 1.0 / MU, p99_wait, pw


def batch_se(x: np.ndarray, stat: str) -> float:
    """Standard error of ``mean`` or ``p99`` of ``x`` (in arrival order) by batch means."""
    parts = np.array_split(x, BATCHES)
    vals = [float(p.mean()) if stat == "mean" else float(np.quantile(p, 0.99)) for p in parts]
    return float(np.std(vals, ddof=1) / math.sqrt(BATCHES))


# ---- the two measurements ---------------------------------------------------------------------
def simulated_responses(c: int, rho: float, requests: int, seed: int) -> np.ndarray:
    """Response times of the whole engine, in arrival order (request id order)."""
    lam = rho * c * MU
    box = InstanceType(f"bench.{c}x", vcpus=c, memory_gb=2.0 * c, speed=1.0, price_per_hour=0.05 * c)
    page = KindMix("page", 1.0, app_s=1.0 / MU, db_s=0.0, cv=1.0)
    traffic = TrafficSpec(curve=((0.0, lam),), kinds=(page,), distribution="exponential")
    # One box, no network time, a queue and a patience that never bind: the textbook M/M/c.
    config = SimConfig(duration_s=requests / lam, traffic=traffic,
                       fleet=FleetSpec(layout="single", web_type=box, web_count=1), catalog={box.name: box},
                       rtt_s=0.0, timeout_s=1e6, queue_limit=1_000_000, tick_s=TICK_S)
    sim = Simulation(config, seed=seed)
    sim.data.trace = []
    sim.run()
    rid = np.concatenate([t[0] for t in sim.data.trace])
    arrival = np.concatenate([t[1] for t in sim.data.trace])
    done = np.concatenate([t[2] for t in sim.data.trace])
    return (done - arrival)[np.argsort(rid)]


def bank_waits(c: int, rho: float, requests: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Waits and response times of the engine's queue, fed Poisson arrivals in 1 s batches."""
    lam = rho * c * MU
    rng = np.random.default_rng(seed)
    gaps = rng.exponential(1.0 / lam, requests)
    arrival = np.cumsum(gaps)
    service = rng.exponential(1.0 / MU, requests)
    bank = WorkerBank([c], [1_000_000])
    waits, responses = [], []
    edges = np.searchsorted(arrival, np.arange(0.0, arrival[-1] + 1.0, 1.0))
    for lo, hi in zip(edges[:-1], [*edges[1:-1], requests], strict=True):
        if hi <= lo:
            continue
        a = arrival[lo:hi]
        served = bank.offer(a, np.zeros(hi - lo, dtype=np.int64), service[lo:hi])
        waits.append(served.start - a)
        responses.append(served.finish - a)
    return np.concatenate(waits), np.concatenate(responses)


@dataclass(frozen=True)
class Row:
    c: int
    rho: float
    n_sim: int
    mean_sim: float
    se_sim: float
    n_bank: int
    mean_bank: float
    se_bank: float
    p99_wait: float
    se_p99: float
    p_wait: float
    wall_s: float


def measure(c: int, rho: float, requests: int, seed: int) -> Row:
    t0 = time.perf_counter()
    resp = simulated_responses(c, rho, requests, seed)
    waits, bank_resp = bank_waits(c, rho, requests, seed)
    return Row(c, rho, resp.size, float(resp.mean()), batch_se(resp, "mean"), waits.size,
               float(bank_resp.mean()), batch_se(bank_resp, "mean"),
               float(np.quantile(waits, 0.99)), batch_se(waits, "p99"),
               float(np.count_nonzero(waits > 0) / waits.size), time.perf_counter() - t0)


def pct(got: float, want: float) -> str:
    return f"{(got / want - 1) * 100:+.2f}%" if want else "-"


# ---- the engine against Ciw ------------------------------------------------------------------
def ci(value: float, se: float, scale: float = 1e3, digits: int = 2) -> str:
    """``value ± 95 % CI``, in ms by default."""
    return f"{value * scale:.{digits}f}±{1.96 * se * scale:.{digits}f}"


def verdict(eng: Figures, ref: Figures) -> str:
    bad = [r.what.split()[0] for r in rows(eng, ref) if not r.ok]
    return "agree" if not bad else "DIFFER: " + ",".join(dict.fromkeys(bad))


def ciw_part() -> None:
    print("\nThe engine against Ciw (independent simulator), mu = 100/s per vCPU; ± is a 95 % CI")
    head = (f"{'case':<32} {'req.':>7} | {'mean ms engine':>14} {'Ciw':>12} {'theory':>7} | "
            f"{'p95 ms engine':>13} {'Ciw':>12} | {'blocked/box-0 share %':>21} {'Ciw':>11} {'theory':>6} | "
            f"{'box-0 CPU % eng/Ciw':>19} | {'wall s':>6} | verdict")
    print(head)
    print("-" * len(head))
    for key in ("mgc-0.7", "mgc-0.9", "mixed-lc", "mixed-rr", "mmck", "mgck"):
        check = CHECKS[key]
        t0 = time.perf_counter()
        ref = run_ciw(check.case, check.run)
        eng = engine_figures(check.case, check.run, check.tick_s)
        wall = time.perf_counter() - t0
        mean_th = blocked_th = "-"
        if key == "mmck":
            b, m = mmck(check.case.rate, 1.0 / check.case.mean_s, check.case.boxes[0],
                        check.case.boxes[0] + (check.case.queue or 0))
            mean_th, blocked_th = f"{m * 1e3:.2f}", f"{b * 100:.2f}"
        if len(eng.share) > 1:
            third = (ci(eng.share[0], eng.share_se[0], 100), ci(ref.share[0], ref.share_se[0], 100))
        else:
            third = (ci(eng.blocked, eng.blocked_se, 100), ci(ref.blocked, ref.blocked_se, 100))
        cpu = f"{eng.util[0] * 100:.1f}/{ref.util[0] * 100:.1f}"
        print(f"{check.case.name:<32} {eng.requests:>7} | {ci(eng.mean, eng.mean_se):>14} "
              f"{ci(ref.mean, ref.mean_se):>12} {mean_th:>7} | {ci(eng.p95, eng.p95_se):>13} "
              f"{ci(ref.p95, ref.p95_se):>12} | {third[0]:>21} {third[1]:>11} {blocked_th:>6} | "
              f"{cpu:>19} | {wall:>6.1f} | {verdict(eng, ref)}")
    # how much the reference's tie rule matters where boxes differ: the lowest box (the small
    # one) first, against random
    lc = CHECKS["mixed-lc"]
    order = run_ciw(replace(lc.case, tie="order"), lc.run)
    rnd = run_ciw(lc.case, lc.run)
    print(f"(Ciw tie rule, 1+4 vCPU least_conn: random {ci(rnd.mean, rnd.mean_se)} ms, "
          f"small box first {ci(order.mean, order.mean_se)} ms, its share {order.share[0] * 100:.1f} %)")

    print("\nleast_conn against join-the-shortest-queue (Ciw LoadBalancing, random ties), "
          "4 x 1 vCPU, by tick")
    head = (f"{'rho':>4} {'tick s':>6} | {'mean ms engine':>14} {'Ciw':>12} {'err':>7} | "
            f"{'p95 ms engine':>13} {'Ciw':>12} | {'max box share %':>15} | {'wall s':>6} | verdict")
    print(head)
    print("-" * len(head))
    for key in ("jsq-0.5", "jsq-0.8", "jsq-0.9"):
        check = CHECKS[key]
        ref = run_ciw(check.case, check.run)
        for tick in JSQ_TICKS:
            t0 = time.perf_counter()
            eng = engine_figures(check.case, check.run, tick)
            wall = time.perf_counter() - t0
            print(f"{check.case.rho:>4} {tick:>6} | {ci(eng.mean, eng.mean_se):>14} "
                  f"{ci(ref.mean, ref.mean_se):>12} {pct(eng.mean, ref.mean):>7} | "
                  f"{ci(eng.p95, eng.p95_se):>13} {ci(ref.p95, ref.p95_se):>12} | "
                  f"{max(eng.share) * 100:>15.2f} | {wall:>6.1f} | {verdict(eng, ref)}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--requests", type=int, default=1_000_000, help="requests per point (default 10^6)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--part", choices=("erlang", "ciw", "all"), default="all",
                    help="Erlang C only, the Ciw comparison only, or both (default)")
    args = ap.parse_args(argv)
    if args.part != "ciw":
        erlang_part(args)
    if args.part != "erlang":
        ciw_part()
    return 0


def erlang_part(args: argparse.Namespace) -> None:
    print(f"scaleout accuracy bench: M/M/c against Erlang C, {args.requests:,} requests per point, "
          f"seeds {args.seed}000.., mean service {1e3 / MU:.0f} ms")
    print("budget: mean response within 1 %, p99 wait within 10 % (rho <= 0.8); "
          "± is one standard error (batch means)")
    head = (f"{'c':>3} {'rho':>4} {'P(wait)':>7} {'got':>7} | {'mean resp. ms':>13} {'Simulation':>10} "
            f"{'err':>7} {'±se':>6} | {'WorkerBank':>10} {'err':>7} | {'p99 wait ms':>11} {'WorkerBank':>10} "
            f"{'err':>7} {'±se':>6} | {'wall s':>6}")
    print(head)
    print("-" * len(head))
    worst_sim = worst_bank = worst_p99 = 0.0
    bank_ses = 0.0
    for i, (c, rho) in enumerate(POINTS):
        # A seed of its own per point: with one seed, every row drew the same random numbers
        # (scaled), so every row erred the same way (all eight WorkerBank means came out high).
        r = measure(c, rho, args.requests, args.seed * 1000 + i)
        mean_th, p99_th, pw = theory(c, rho)
        se_mean = f"{r.se_sim / mean_th * 100:.2f}%"
        se_p99 = f"{r.se_p99 / p99_th * 100:.2f}%" if p99_th else "-"
        print(f"{c:>3} {rho:>4} {pw:>7.4f} {r.p_wait:>7.4f} | {mean_th * 1e3:>13.4f} "
              f"{r.mean_sim * 1e3:>10.4f} {pct(r.mean_sim, mean_th):>7} {se_mean:>6} | "
              f"{r.mean_bank * 1e3:>10.4f} {pct(r.mean_bank, mean_th):>7} | "
              f"{p99_th * 1e3:>11.4f} {r.p99_wait * 1e3:>10.4f} {pct(r.p99_wait, p99_th):>7} "
              f"{se_p99:>6} | {r.wall_s:>6.1f}")
        worst_sim = max(worst_sim, abs(r.mean_sim / mean_th - 1))
        if abs(r.mean_bank / mean_th - 1) > worst_bank:
            worst_bank = abs(r.mean_bank / mean_th - 1)
            bank_ses = abs(r.mean_bank - mean_th) / r.se_bank
        if p99_th:
            worst_p99 = max(worst_p99, abs(r.p99_wait / p99_th - 1))
    print(f"\nmean response, whole engine (Simulation): worst error {worst_sim * 100:.2f} % (budget 1 %): "
          f"{'within' if worst_sim <= 0.01 else 'OVER'}")
    print(f"mean response, the queue alone (WorkerBank): worst error {worst_bank * 100:.2f} % "
          f"({bank_ses:.1f} standard errors): {'within' if worst_bank <= 0.01 else 'OVER'}")
    print(f"p99 wait (WorkerBank): worst error {worst_p99 * 100:.2f} % (budget 10 %): "
          f"{'within' if worst_p99 <= 0.10 else 'OVER'}")
    print("(where P(wait) < 1 % the p99 wait is 0 in theory, an atom's edge that sampling straddles; "
          "those rows are judged by P(wait), theory against 'got')")


if __name__ == "__main__":
    raise SystemExit(main())
