"""The three sandboxes between them offer every knob parameter a level may have: format 1 cannot
combine replicas and shards in one level, so the shards get a sandbox of their own; the cache and
the device-ingest tier of chapter two get a third (in 99 or 98 they would change every run of
theirs), built on the sharded one."""

from __future__ import annotations

from scaleout_tui.content import load_catalog_default, load_level
from scaleout_tui.content.build import build_config
from scaleout_tui.content.paths import scenarios_dir
from scaleout_tui.content.schema import KNOB_PARAMS
from scaleout_tui.engine import Simulation

CHAPTER_TWO = "97-sandbox-chapter-two"


def _params(level_id: str) -> set[str]:
    return {k.param for k in load_level(scenarios_dir() / f"{level_id}.toml").knobs}


def test_the_sandboxes_cover_every_knob_parameter() -> None:
    a, b, c = _params("99-sandbox"), _params("98-sandbox-shards"), _params(CHAPTER_TWO)
    # the auto scaling group owns the count
    assert a | b | c == set(KNOB_PARAMS) - {"web.count"}
    assert a - b == {"db.replicas", "db.read_routing"}
    assert b - a == {"db.shards", "db.shard_key"}
    # chapter two's sandbox is the sharded one with the cache's and the ingest tier's knobs added,
    # less the layout: both need the database box of a two-tier run (its header says why)
    new = {p for p in KNOB_PARAMS if p.startswith(("cache.", "ingest."))}
    assert c == (b - {"layout"}) | new
    assert not new & (a | b)


def test_the_chapter_two_sandbox_is_the_sharded_one_with_a_cache_and_devices() -> None:
    """Same traffic, web knobs and drills as 98; its own [cache] and [ingest] tables."""
    shards = load_level(scenarios_dir() / "98-sandbox-shards.toml")
    two = load_level(scenarios_dir() / f"{CHAPTER_TWO}.toml")
    assert two.order == 97 and two.id == CHAPTER_TWO
    assert two.traffic == shards.traffic
    assert two.injections == shards.injections
    assert two.sharding == shards.sharding and two.replication is None
    assert two.autoscaling == shards.autoscaling
    assert two.cache is not None and two.ingest is not None
    old = {k.id: k for k in shards.knobs}
    assert all(old[k.id] == k for k in two.knobs if k.id in old)
    assert two.topology.layout == "two-tier" and "layout" not in {k.param for k in two.knobs}
    assert not two.events  # free play: nothing is scheduled to break


def test_the_chapter_two_sandbox_runs_its_cache_and_devices() -> None:
    """Thirty seconds with three shards: the cache answers reads, every device is connected
    through the TCP balancer, and the readings become rows on every shard."""
    level = load_level(scenarios_dir() / f"{CHAPTER_TWO}.toml")
    sim = Simulation(build_config(level, load_catalog_default(), {"shards": "3"}), seed=1)
    sim.advance(30.0)
    assert sim.shard_router is not None and sim.shard_router.n == 3
    assert sim.metrics.completed > 0
    assert sim.cache is not None and sim.cache.stats.hits > 0
    assert sim.ingest is not None and level.ingest is not None
    open_now = sim.ingest.devices.open_connections()
    assert int(open_now.sum()) == level.ingest.devices and (open_now > 0).all()  # on both comm servers
    rows = sim.ingest.plane.rows_by_box
    assert sorted(rows) == sorted(sim.shard_router.boxes) and min(rows.values()) > 0

def test_the_sharded_sandbox_runs_with_three_shards() -> None:
    level = load_level(scenarios_dir() / "98-sandbox-shards.toml")
    sim = Simulation(build_config(level, load_catalog_default(), {"shards": "3"}), seed=1)
    sim.advance(30.0)
    assert sim.shard_router is not None and sim.shard_router.n == 3
    assert sim.metrics.completed > 0
