"""The two sandboxes between them offer every knob parameter a level may have: format 1 cannot
combine replicas and shards in one level, so the shards get a sandbox of their own."""

from __future__ import annotations

from scaleout_tui.content import load_catalog_default, load_level
from scaleout_tui.content.build import build_config
from scaleout_tui.content.paths import scenarios_dir
from scaleout_tui.content.schema import KNOB_PARAMS
from scaleout_tui.engine import Simulation


def test_the_sandboxes_cover_every_knob_parameter() -> None:
    plain = load_level(scenarios_dir() / "99-sandbox.toml")
    shards = load_level(scenarios_dir() / "98-sandbox-shards.toml")
    a = {k.param for k in plain.knobs}
    b = {k.param for k in shards.knobs}
    # the auto scaling group owns the count; the look-aside cache's knobs are level 10's (a cache in
    # the sandbox would change every sandbox run: its box, its stage before the database)
    # (and the ingest tier's are level 9's: a device fleet in the sandbox would do the same)
    cache = {p for p in KNOB_PARAMS if p.startswith(("cache.", "ingest."))}
    assert a | b == set(KNOB_PARAMS) - {"web.count"} - cache
    assert a - b == {"db.replicas", "db.read_routing"}
    assert b - a == {"db.shards", "db.shard_key"}


def test_the_sharded_sandbox_runs_with_three_shards() -> None:
    level = load_level(scenarios_dir() / "98-sandbox-shards.toml")
    sim = Simulation(build_config(level, load_catalog_default(), {"shards": "3"}), seed=1)
    sim.advance(30.0)
    assert sim.shard_router is not None and sim.shard_router.n == 3
    assert sim.metrics.completed > 0
