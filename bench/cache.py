"""What the look-aside cache costs the engine: µs of wall time per request, with and without it.

Why this exists: the cache decides each request in a Python loop (:mod:`scaleout_tui.engine.cache`,
one dict look-up and an LRU move per read), where the rest of the data plane is NumPy. This script
measures what that adds on the machine it runs on, at a level-like load: a two-tier shop (one web
box of 8 cores, a database of 8) at ``--rate`` requests per second, one in ten a write, for
``--seconds`` of simulated time, with the cache's defaults (100,000 Zipf(0.99) keys, 10,000
entries, TTL 300 s) and without a cache. Each side runs ``--repeat`` times in turn and the fastest
counts (the same seed gives the same run; a slower one only measured the machine's other work).

Figures are printed, never asserted. ``python bench/cache.py --quick`` is a smoke test.
"""

from __future__ import annotations

import argparse
import time

from scaleout_tui.engine import FleetSpec, InstanceType, KindMix, SimConfig, Simulation, TrafficSpec
from scaleout_tui.engine.cache import CacheSpec


def build(rate: float, seconds: float, cache: CacheSpec | None) -> SimConfig:
    box = InstanceType("m.2xlarge", 8, 32.0, 1.0, 0.384)
    aux = InstanceType("t.small", 2, 2.0, 1.0, 0.023)
    kinds = (KindMix("page", 0.9, 0.002, 0.003), KindMix("write", 0.1, 0.002, 0.004))
    return SimConfig(duration_s=seconds, traffic=TrafficSpec(curve=((0.0, rate),), kinds=kinds, users=10_000),
                     fleet=FleetSpec("two-tier", box, box, 1), catalog={box.name: box, aux.name: aux},
                     aux_type=aux.name, timeout_s=10.0, cache=cache)


def run(rate: float, seconds: float, cache: CacheSpec | None) -> tuple[float, Simulation]:
    sim = Simulation(build(rate, seconds, cache), seed=1)
    start = time.perf_counter()
    sim.run()
    return time.perf_counter() - start, sim


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rate", type=float, default=2000.0)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    seconds, repeat = (5.0, 1) if a.quick else (a.seconds, a.repeat)
    best: dict[bool, float] = {}
    sims: dict[bool, Simulation] = {}
    for _ in range(repeat):
        for on in (False, True):
            wall, sim = run(a.rate, seconds, CacheSpec() if on else None)
            print(f"cache {'on ' if on else 'off'}: {wall:.3f} s wall")
            best[on] = min(best.get(on, wall), wall)
            sims[on] = sim
    n = sims[True].metrics.arrived
    off, on = best[False] / n * 1e6, best[True] / n * 1e6
    gate = sims[True].cache
    assert gate is not None
    print(f"{n} requests ({a.rate:.0f}/s for {seconds:.0f} s), best of {repeat}")
    print(f"  without a cache: {off:.2f} µs per request")
    print(f"  with the cache:  {on:.2f} µs per request (+{on - off:.2f})")
    print(f"  hit ratio {gate.stats.hit_ratio:.3f}, {gate.ops} cache operations, "
          f"mean latency {1000 * sims[False].metrics.latency_sum / sims[False].metrics.completed:.2f} ms "
          f"-> {1000 * sims[True].metrics.latency_sum / sims[True].metrics.completed:.2f} ms")


if __name__ == "__main__":
    main()
