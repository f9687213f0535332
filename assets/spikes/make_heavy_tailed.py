"""Write ``heavy-tailed.rate``: an hour of bursty traffic whose bursts have Pareto sizes.

A quiet base (0.5 of the mean) plus bursts that start as a Poisson process (one every 40 s on
average), each lasting 5 to 60 s, with a height drawn from a Pareto law of index 1.5 (finite mean,
infinite variance: the heavy tail that makes a few bursts dwarf the rest). Deterministic (a fixed
seed). Run from the repository root::

    python assets/spikes/make_heavy_tailed.py
"""

from __future__ import annotations

import random
from pathlib import Path

OUT = Path(__file__).with_name("heavy-tailed.rate")
SECONDS = 3600
SEED = 1997
ALPHA = 1.5


def main() -> None:
    rng = random.Random(SEED)
    rates = [0.5] * SECONDS
    t = rng.expovariate(1 / 40)
    while t < SECONDS:
        height = 0.5 * rng.paretovariate(ALPHA)
        length = rng.randint(5, 60)
        for s in range(int(t), min(SECONDS, int(t) + length)):
            rates[s] += height
        t += rng.expovariate(1 / 40)
    lines = ["scaleout-rate 1", f"# written by make_heavy_tailed.py (seed {SEED}, Pareto index {ALPHA})"]
    lines += [f"{r:.4f}".rstrip("0").rstrip(".") for r in rates]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {OUT}: {SECONDS} s, mean {sum(rates) / SECONDS:.3f}, peak {max(rates):.3f}")


if __name__ == "__main__":
    main()
