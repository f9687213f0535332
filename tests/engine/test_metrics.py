"""Metrics grown one box at a time read exactly as if every box had been there, idle."""

from __future__ import annotations

import numpy as np

from scaleout_tui.engine.metrics import Metrics


def test_growing_one_box_at_a_time_matches_a_fleet_built_at_once():
    rng = np.random.default_rng(2)
    grown, built = Metrics(2), Metrics(40)
    for tick in range(30):
        now = 0.25 * (tick + 1)
        if grown.n_servers < 40:
            grown.grow(min(grown.n_servers + 3, 40))
            grown.grow(grown.n_servers)  # no change
        n = grown.n_servers
        busy, cap, queue = rng.random(n), rng.random(n) + 1.0, rng.integers(0, 5, n).astype(float)
        grown.record_servers(busy, cap, queue)
        pad = np.zeros(40 - n)
        built.record_servers(*(np.concatenate((a, pad)) for a in (busy, cap, queue)))
        latencies = rng.exponential(0.05, 20)
        for m in (grown, built):
            m.record_success(latencies)
            m.roll(now)
    assert grown.series == built.series
    for name in ("busy", "peak_util", "hot_windows", "peak_queue", "powered"):
        assert np.array_equal(getattr(grown.boxes, name), getattr(built.boxes, name)), name
    for w in grown.windows:
        # a closed window keeps its own figures, not a view of the spare room it grew in
        assert w.busy.base is None and w.busy.size == w.n_servers
