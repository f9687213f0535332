"""Screenshots of every main screen at the minimum size (80×24) and a large one (200×60), in
English and in Korean: four pictures of one run (``tests/ui/views.py``).

Deterministic by construction: the app runs with ``manual_clock=True`` (no timer exists),
``run_before`` steps the simulation itself, progress lives in a fresh temporary folder,
nothing on these screens blinks (no text input is shown), and the map and levels 1-2 are
taken from a campaign that holds levels 1 and 2 only, so adding a level file does not change
their pictures. The scale-out levels (3-7) are shown at moments their lessons are visible.
Review a changed snapshot with ``pytest --snapshot-report`` before accepting it with
``--snapshot-update``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Select

from scaleout_tui.ui.app import make_app
from scaleout_tui.ui.screens.debrief import DebriefScreen
from tests.ui.conftest import (
    LEVEL_2,
    LEVEL_3,
    LEVEL_4,
    LEVEL_5,
    LEVEL_6,
    LEVEL_7,
    LEVEL_8,
    LEVEL_9,
    LEVEL_10,
    open_level,
    play_at,
    solution_knobs,
    two_level_game,
    unlock_through,
)
from tests.ui.views import Views


# ---- scenes: the moments these pictures are taken at (test_snapshots_ko.py takes the same ones) ---
async def scene_play_paused(pilot: Pilot[int]) -> None:
    await open_level(pilot)
    await pilot.pause()


async def scene_play_after_300_s(pilot: Pilot[int]) -> None:
    play = await open_level(pilot)
    play.advance(300)
    await pilot.pause()


async def scene_debrief_after_a_full_run(pilot: Pilot[int]) -> None:
    play = await open_level(pilot)
    play.advance(play.level.duration_s)
    await pilot.pause()
    assert isinstance(pilot.app.screen, DebriefScreen)


async def scene_level_3_web_2_out(pilot: Pilot[int]) -> None:
    play = await play_at(pilot, LEVEL_3, 1175.0, solution_knobs(LEVEL_3))
    web2 = next(b for b in play.session.snapshot().boxes if b.name == "web-2")
    assert web2.state == "crashed" and web2.health == "unhealthy"


REPLICAS = {"replicas": "2", "reads": "read_your_writes"}


async def scene_level_6_two_replicas(pilot: Pilot[int]) -> None:
    play = await play_at(pilot, LEVEL_6, 840.0, REPLICAS)
    replicas = [b for b in play.session.snapshot().boxes if b.role == "replica"]
    assert len(replicas) == 2 and all(b.lag_ms > 0 for b in replicas)


async def scene_focused_setting(pilot: Pilot[int]) -> None:
    play = await open_level(pilot, LEVEL_2)
    play.query_one("#knob-db_size", Select).value = "m5.4xlarge"
    await pilot.press("tab")
    await pilot.pause()


async def scene_level_4_sessions_lost(pilot: Pilot[int]) -> None:
    play = await play_at(pilot, LEVEL_4, 1230.0)
    assert dict(play.session.snapshot().gauges.errors)["session_lost"] > 0


async def scene_level_5_files_not_found(pilot: Pilot[int]) -> None:
    play = await play_at(pilot, LEVEL_5, 600.0)
    assert dict(play.session.snapshot().gauges.errors)["not_found"] > 0


async def scene_level_6_promoted(pilot: Pilot[int]) -> None:
    play = await play_at(pilot, LEVEL_6, 1540.0, REPLICAS)
    roles = {b.name: b.role for b in play.session.snapshot().boxes}
    assert roles.get("replica-1") == "db" and "db-1" not in roles


async def scene_level_7_shards_by_time(pilot: Pilot[int]) -> None:
    play = await play_at(pilot, LEVEL_7, 600.0, {"shards": "3", "key": "created_at"})
    shares = sorted(b.shard_share for b in play.session.snapshot().boxes if b.role == "db")
    assert shares[-1] > 0.9


async def scene_level_8_scheduled_up(pilot: Pilot[int]) -> None:
    play = await play_at(pilot, LEVEL_8, 2040.0, solution_knobs(LEVEL_8))
    snap = play.session.snapshot()
    assert snap.capacity["in_service"][-1] >= 40
    assert any(c.cause == "scheduled" for c in snap.scaling)


def test_campaign_map(snap_views: Views, home: Path) -> None:
    assert not snap_views(two_level_game())


def test_briefing(snap_views: Views, home: Path) -> None:
    assert not snap_views(two_level_game(), press=["enter"])


def test_play_paused_before_the_first_second(snap_views: Views, home: Path) -> None:
    """Issue 14: at 00:00 the charts span the whole evening; the requests chart shows the plan and
    the capacity of the chosen size as a labelled line; the log starts with the peak, the verdict,
    the cost and what one vCPU and one box carry."""
    assert not snap_views(two_level_game(), run_before=scene_play_paused)


def test_play_after_300_simulated_seconds(snap_views: Views, home: Path) -> None:
    assert not snap_views(two_level_game(), run_before=scene_play_after_300_s)


def test_play_the_focused_setting_shows(snap_views: Views, home: Path) -> None:
    """Issue 14: level 2 at 00:00, the database size changed (its heading marked " *") and the
    focus moved to the second setting with Tab: "▶" before its heading, a bar and reversed text on
    its drop-down; every heading shows its direct key; the paused clock says what Space does."""
    unlock_through(LEVEL_2)
    assert not snap_views(two_level_game(), run_before=scene_focused_setting)


@pytest.mark.slow
def test_debrief_after_a_full_run(snap_views: Views, home: Path) -> None:
    assert not snap_views(two_level_game(), run_before=scene_debrief_after_a_full_run)


# ---- the scale-out levels: the balancer's view, sessions, files ---------------------------------
# These use the full campaign (levels 3-5 must be there) with earlier levels marked won in the
# temporary progress file; only play screens are taken, so adding a level changes none of them.
@pytest.mark.slow
def test_level_3_just_after_web_2_crashed_and_left_the_rotation(snap_views: Views, home: Path) -> None:
    """Seed 1, the reference checks (L7 on /health every 5 s, two balancer nodes): the level
    crashes web-2 at 19:10 and two failed checks take it out by 19:20."""
    unlock_through(LEVEL_3)
    assert not snap_views(make_app(manual_clock=True), run_before=scene_level_3_web_2_out)


@pytest.mark.slow
def test_level_4_losing_sessions_kept_on_each_box(snap_views: Views, home: Path) -> None:
    """The starting policy (sessions local to each box, round robin) half a minute after the
    level crashes web-1: users bounce between boxes and are asked to log in again."""
    unlock_through(LEVEL_4)
    scene = scene_level_4_sessions_lost
    assert not snap_views(make_app(manual_clock=True), run_before=scene)


@pytest.mark.slow
def test_level_5_downloads_that_find_no_file(snap_views: Views, home: Path) -> None:
    """The starting policy (files on each box's own disk) at 10:00: a download routed to a box
    other than the one that took the upload answers 404."""
    unlock_through(LEVEL_5)
    scene = scene_level_5_files_not_found
    assert not snap_views(make_app(manual_clock=True), run_before=scene)


# ---- the database levels: replicas and their lag, failover, shards --------------------------------
@pytest.mark.slow
def test_level_6_two_replicas_during_the_flash_sale(snap_views: Views, home: Path) -> None:
    """The reference policy (two replicas, read-your-writes) at 14:00, in the flash sale that
    starts at 13:20: the master and both replicas busier, each replica's lag on its line."""
    unlock_through(LEVEL_6)
    scene = scene_level_6_two_replicas
    assert not snap_views(make_app(manual_clock=True), run_before=scene)


@pytest.mark.slow
def test_level_6_a_replica_promoted_after_the_master_died(snap_views: Views, home: Path) -> None:
    """The same policy at 25:40: the master died at 25:00, replica-1 was promoted at 25:30
    (the master's line, no lag) and replica-2 now follows it."""
    unlock_through(LEVEL_6)
    scene = scene_level_6_promoted
    assert not snap_views(make_app(manual_clock=True), run_before=scene)


@pytest.mark.slow
def test_level_7_three_shards_keyed_by_creation_time(snap_views: Views, home: Path) -> None:
    """Three shards keyed by created_at at 10:00: every insert has the newest key, so db-3
    takes them all (a red bar at 100 %) while db-1 and db-2 idle."""
    unlock_through(LEVEL_7)
    scene = scene_level_7_shards_by_time
    assert not snap_views(make_app(manual_clock=True), run_before=scene)


# ---- auto scaling: the capacity chart and the scaling history -------------------------------------
@pytest.mark.slow
def test_level_8_the_fleet_scheduled_up_for_the_launch_ad(snap_views: Views, home: Path) -> None:
    """The reference policy (target tracking, 40 instances scheduled at 32:00) at 34:00, in the
    launch ad that starts at 33:20: the capacity chart jumps from a handful to 40 booted before
    the crowd, and the history shows the scheduled action above the target-tracking changes."""
    unlock_through(LEVEL_8)
    scene = scene_level_8_scheduled_up
    assert not snap_views(make_app(manual_clock=True), run_before=scene)


# ---- the cache tier ---------------------------------------------------------------------------------
async def scene_level_9_after_the_storm(pilot: Pilot[int]) -> None:
    play = await play_at(pilot, LEVEL_9, 240.0)
    ingest = play.session.snapshot().ingest
    assert ingest is not None and ingest.share[1] < 0.2  # comm-2 came back to almost nothing


@pytest.mark.slow
def test_level_9_a_comm_server_back_from_its_crash_gets_almost_nothing(snap_views: Views, home: Path) -> None:
    """The starting policy at 04:00: comm-2 crashed at 02:00 (its devices stormed back, most to
    comm-1), came back at 03:30 and holds 7 % of the connections while comm-1 runs at 100 %; the
    connects chart has the storm, the comm-server table and the gauges the shares, the log why."""
    unlock_through(LEVEL_9)
    assert not snap_views(make_app(manual_clock=True), run_before=scene_level_9_after_the_storm)


async def scene_level_10_cold_cache(pilot: Pilot[int]) -> None:
    play = await play_at(pilot, LEVEL_10, 135.0)
    cache = play.session.snapshot().cache
    assert cache is not None and cache.up and cache.hit_ratio < 0.6


@pytest.mark.slow
def test_level_10_the_cache_just_after_it_restarted_cold(snap_views: Views, home: Path) -> None:
    """The starting policy at 02:15: the deploy at 02:00 restarted the cache empty, its hit ratio
    is climbing back, the database's queue and the p95 spiked, and the log says why."""
    unlock_through(LEVEL_10)
    assert not snap_views(make_app(manual_clock=True), run_before=scene_level_10_cold_cache)
