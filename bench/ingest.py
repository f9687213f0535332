"""How fast is the ingest tier's engine core? Simulated messages and connections per wall-second.

Scenario (the level-9 storm, at fleet size): ``--devices`` devices (20,000 unless told), one
message every 10 s, over 3 comm servers behind an active/standby L4 pair checking every second;
connections retire at a max age of 120 s (±10 %), least connections, jittered exponential backoff.
At 200 s a comm server is stopped (its devices reset and reconnect), at 300 s a fourth server is
added, at 400 s the active balancer node fails (every device reconnects). ``--seconds`` of
simulated time (600) in ticks of ``--tick`` (0.1 s). Only the ingest core runs: the work items
are produced, not served (the data plane's ``WorkerBank`` is measured by ``bench/scale.py``).

Prints simulated seconds per wall-second, messages and connect attempts per wall-second, the
peak connect attempts in one simulated second, and the totals.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from scaleout_tui.engine.devices import CommSpec, DeviceFleet, DeviceSpec
from scaleout_tui.engine.rng import stream
from scaleout_tui.engine.tcpbalancer import TcpBalancer, TcpBalancerSpec


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--devices", type=int, default=20_000)
    ap.add_argument("--seconds", type=float, default=600.0)
    ap.add_argument("--tick", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    lb = TcpBalancer(TcpBalancerSpec(algorithm="least_conn"), 3, stream(a.seed, "ingest.lb"))
    dev = DeviceSpec(count=a.devices, backoff="exponential", base_s=1.0, cap_s=120.0, jitter="full")
    f = DeviceFleet(dev, CommSpec(max_age_s=120.0), lb, stream(a.seed, "ingest.devices"))
    f.server_down(0, 200.0)
    events = {300.0: lambda t: f.add_server(t), 400.0: lambda t: f.node_fail(0, t)}
    per_second = np.zeros(int(a.seconds) + 1, dtype=np.int64)
    items = 0
    start = time.perf_counter()
    for i in range(round(a.seconds / a.tick)):
        t0, t1 = i * a.tick, (i + 1) * a.tick
        for at in [x for x in events if t0 <= x < t1]:
            events.pop(at)(at)
        tick = f.step(t0, t1)
        items += tick.work.t.size
        np.add.at(per_second, tick.attempts.t.astype(np.int64), 1)
    wall = time.perf_counter() - start
    tot = f.totals
    print(f"{a.devices:,} devices, {a.seconds:.0f} s simulated in ticks of {a.tick} s: {wall:.2f} s wall "
          f"({a.seconds / wall:.0f} simulated s per wall-s)")
    print(f"messages: {tot['messages']:,} ({tot['messages'] / wall:,.0f} per wall-s); "
          f"connect attempts: {tot['attempts']:,} ({tot['attempts'] / wall:,.0f} per wall-s); "
          f"work items: {items:,} ({items / wall:,.0f} per wall-s)")
    print(f"peak connect attempts in one simulated second: {per_second.max():,} "
          f"(at {int(per_second.argmax())} s); refused {tot['refused']:,}, timed out {tot['timeouts']:,}")
    print(f"open connections per server at the end: {f.open_connections().tolist()}")


if __name__ == "__main__":
    main()
