"""How fast is the ingest tier's engine core? Simulated messages and connections per wall-second.

Scenario (the level-9 storm, at fleet size): ``--devices`` devices (20,000 unless told), one
message every 10 s, over 3 comm servers behind an active/standby L4 pair checking every second;
connections retire at a max age of 120 s (±10 %), least connections, jittered exponential backoff.
At 200 s a comm server is stopped (its devices reset and reconnect), at 300 s a fourth server is
added, at 400 s the active balancer node fails (every device reconnects). ``--seconds`` of
simulated time (600) in ticks of ``--tick`` (0.1 s). Only the ingest core runs: the work items
are produced, not served (the data plane's ``WorkerBank`` is measured by ``bench/scale.py``).

``--mode engine`` runs the same storm through the whole engine (:class:`Simulation` with
``SimConfig.ingest``): the work queued on the comm boxes (4 vCPUs each), the connects settled,
every reading written to a database of three shards, beside a web tier of two boxes taking
``--web-rps`` requests a second; the failures are ``inject.crash`` on ``comm-1`` and ``tcp-lb-1``
and the fourth server is ``ingest.comm_count`` (it boots for 60 s, so it joins at 360 s).
``--mode level`` runs level 9 itself (``levels/09-ingest.toml``: 8,000 devices, its scheduled
comm-server crash and balancer failure, 10 simulated minutes) as the game does, with its starting
settings and with the reference solution. ``--mode both`` (the default) prints the core's figures,
then the engine's; ``--mode all`` the level's too.

Prints simulated seconds per wall-second, messages and connect attempts per wall-second, the
peak connect attempts in one simulated second, and the totals.

    .venv/bin/python bench/ingest.py [--mode core|engine|both] [--devices 20000] [--seconds 600]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from scaleout_tui.engine import (
    Command,
    FleetSpec,
    InstanceType,
    KindMix,
    SimConfig,
    Simulation,
    TrafficSpec,
)
from scaleout_tui.engine.devices import CommSpec, DeviceFleet, DeviceSpec
from scaleout_tui.engine.ingest import IngestSpec
from scaleout_tui.engine.rng import stream
from scaleout_tui.engine.shardrouter import ShardingSpec
from scaleout_tui.engine.tcpbalancer import TcpBalancer, TcpBalancerSpec

LB = TcpBalancerSpec(algorithm="least_conn")
COMM = CommSpec(max_age_s=120.0)


def devices(n: int) -> DeviceSpec:
    return DeviceSpec(count=n, backoff="exponential", base_s=1.0, cap_s=120.0, jitter="full")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--devices", type=int, default=20_000)
    ap.add_argument("--seconds", type=float, default=600.0)
    ap.add_argument("--tick", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--mode", choices=("core", "engine", "both", "level", "all"), default="both")
    ap.add_argument("--web-rps", type=float, default=100.0)
    a = ap.parse_args()
    if a.mode in ("core", "both", "all"):
        core(a)
    if a.mode in ("engine", "both", "all"):
        engine(a)
    if a.mode in ("level", "all"):
        level(a)


def core(a: argparse.Namespace) -> None:
    print("core (devices and balancer only):")
    lb = TcpBalancer(LB, 3, stream(a.seed, "ingest.lb"))
    f = DeviceFleet(devices(a.devices), COMM, lb, stream(a.seed, "ingest.devices"))
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


def engine(a: argparse.Namespace) -> None:
    """The same storm in a :class:`Simulation`: queued, settled, written to the shards."""
    print("whole engine (Simulation with SimConfig.ingest):")
    web = InstanceType("m5.large", 2, 8.0, 1.0, 0.096)
    comm = InstanceType("m5.xlarge", 4, 16.0, 1.0, 0.192)
    traffic = TrafficSpec(curve=((0.0, a.web_rps),), kinds=(KindMix("page", 0.8, 0.01, 0.002),
                                                            KindMix("write", 0.2, 0.01, 0.005)))
    cfg = SimConfig(duration_s=a.seconds, traffic=traffic, fleet=FleetSpec("two-tier", web, comm, 2),
                    catalog={"m5.large": web, "m5.xlarge": comm}, tick_s=a.tick,
                    sharding=ShardingSpec(shards=3, key="user_hash"),
                    ingest=IngestSpec(devices(a.devices), COMM, LB, comm_count=3, comm_type="m5.xlarge"))
    sim = Simulation(cfg, a.seed)
    events = {200.0: Command("inject.crash", "comm-1"), 300.0: Command("ingest.comm_count", 4),
              400.0: Command("inject.crash", "tcp-lb-1")}
    start = time.perf_counter()
    while not sim.finished:
        for at in [x for x in events if x <= sim.now]:
            sim.apply(events.pop(at))
        sim.step()
    wall = time.perf_counter() - start
    tier = sim.ingest
    assert tier is not None
    tot, plane = tier.devices.totals, tier.plane
    attempts = plane.series["attempts"]
    print(f"{a.devices:,} devices and {a.web_rps:.0f} web req/s, {a.seconds:.0f} s simulated in ticks of "
          f"{a.tick} s: {wall:.2f} s wall ({a.seconds / wall:.0f} simulated s per wall-s)")
    print(f"messages: {tot['messages']:,} ({tot['messages'] / wall:,.0f} per wall-s); "
          f"connect attempts: {tot['attempts']:,} ({tot['attempts'] / wall:,.0f} per wall-s); "
          f"database rows: {plane.totals['db_writes']:,}; web requests: {sim.metrics.arrived:,}")
    print(f"peak connect attempts in one simulated second: {max(attempts):,.0f} "
          f"(at {attempts.index(max(attempts)) + 1} s); refused {tot['refused']:,}, "
          f"backlog full {tot['backlog_refused']:,}, timed out {tot['timeouts']:,}")
    print(f"open connections per server at the end: {tier.devices.open_connections().tolist()}")


def level(a: argparse.Namespace) -> None:
    """Level 9 as the game runs it: its own configuration, events and ticks, through a Session."""
    from scaleout_tui.content import find_level, load_catalog_default, load_level
    from scaleout_tui.content.paths import solution_path
    from scaleout_tui.content.policy import load_policy
    from scaleout_tui.game.session import Session

    catalog = load_catalog_default()
    lv = load_level(find_level("09-ingest"), catalog)
    ref = solution_path(lv.id)
    runs: list[tuple[str, dict[str, str]]] = [("starting settings", {})]
    if ref is not None:
        runs.append(("reference solution", dict(load_policy(ref, lv).knobs)))
    print(f"level 9 ({lv.id}), seed {a.seed}:")
    for name, knobs in runs:
        session = Session(lv, catalog, a.seed, knobs=knobs)
        start = time.perf_counter()
        while not session.finished:
            session.advance(60.0)
        wall = time.perf_counter() - start
        tier = session.sim.ingest
        assert tier is not None
        tot = tier.devices.totals
        print(f"  {name}: {lv.duration_s:.0f} s simulated in {wall:.2f} s wall "
              f"({lv.duration_s / wall:.0f} simulated s per wall-s); "
              f"messages {tot['messages']:,} ({tot['messages'] / wall:,.0f} per wall-s), "
              f"connect attempts {tot['attempts']:,} ({tot['attempts'] / wall:,.0f} per wall-s), "
              f"peak {max(tier.plane.series['attempts']):,.0f} attempts/s; "
              f"{session.result().stars} stars")


if __name__ == "__main__":
    main()
