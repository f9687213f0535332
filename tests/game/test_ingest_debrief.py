"""The device-ingest tier in the game layer: its metrics from the engine's counts, and its debrief
sentences said when their condition holds (both sides), in the run's own numbers and both languages.
Small fleets (600 devices) over a few simulated minutes: what each assertion needs."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from scaleout_tui.content import build_config, load_catalog_default, loads_level
from scaleout_tui.engine.simulation import Simulation
from scaleout_tui.game import debrief as db
from scaleout_tui.game import texts
from scaleout_tui.game.scoring import NEW_SERVER_SETTLE_S, ingest_metrics, newest_comm
from scaleout_tui.i18n import activate
from tests.content.helpers import event_toml
from tests.content.test_loader import MINIMAL

D = texts.DEBRIEF
BASE = (MINIMAL.replace('layout = "single"', 'layout = "two-tier"')
        .replace("duration_s = 120", "duration_s = {d}")
        + "[engine]\ntick_s = 0.5\n[ingest]\ndevices = 600\ncomm_count = 2\n{extra}")


def run(duration: float, extra: str = "", events: str = "") -> Simulation:
    level = loads_level(BASE.format(d=duration, extra=extra) + events)
    sim = Simulation(build_config(level, load_catalog_default()), seed=3)
    sim.run()
    return sim


def crash(target: str, at: float, repair_s: float) -> str:
    entry = event_toml(target).replace("at = 60", f"at = {at}")
    return entry.replace("repair_s = 30", f"repair_s = {repair_s}")


@pytest.fixture(scope="module")
def comm_crash() -> Simulation:
    """comm-2 dies at 20 s and is back at 40 s; fixed 10 s retries without jitter, no max age."""
    return run(165, events=crash("comm-2", 20, 20))


@pytest.fixture(scope="module")
def comm_crash_fixed() -> Simulation:
    """The same with a two-minute max age, exponential backoff from 1 s and full jitter."""
    return run(165, 'max_age_s = 60\nbackoff = "exponential"\njitter = "full"\nbase_s = 1\n',
               crash("comm-2", 20, 20))


@pytest.mark.slow
def test_the_metrics_are_the_engines_counts(comm_crash: Simulation) -> None:
    tier = comm_crash.ingest
    assert tier is not None
    dev, plane = tier.devices.totals, tier.plane.totals
    m = ingest_metrics(comm_crash)
    assert m["messages_lost"] == dev["lost"] + dev["missed"] + plane["msg_refused"] + plane["db_failed"] > 0
    assert m["connects_refused"] == dev["refused"] + dev["backlog_refused"]
    assert m["peak_connect_attempts_per_s"] == max(tier.plane.series["attempts"]) >= 300  # comm-2's devices
    joined = newest_comm(comm_crash)
    assert joined is not None and joined.box == "comm-2" and joined.at == pytest.approx(40.0)
    i = tier.plane.series["t"].index(joined.measured_at)
    assert joined.measured_at == pytest.approx(joined.at + NEW_SERVER_SETTLE_S, abs=1.0)
    assert m["new_comm_share_pct"] == pytest.approx(100 * tier.plane.per_server["share"][i][1])
    assert joined.fair == 0.5


def test_without_an_ingest_tier_every_metric_is_zero() -> None:
    sim: Any = SimpleNamespace(ingest=None)
    assert set(ingest_metrics(sim).values()) == {0.0}
    assert newest_comm(sim) is None and db.ingest_lesson(sim) == {} and db._ingest_lines(sim) == []


@pytest.mark.slow
def test_a_server_back_under_load_stays_empty_without_a_max_age(comm_crash: Simulation,
                                                                 comm_crash_fixed: Simulation) -> None:
    empty, spread = ingest_metrics(comm_crash), ingest_metrics(comm_crash_fixed)
    assert empty["new_comm_share_pct"] < 10 < 40 < spread["new_comm_share_pct"]
    lines = db._ingest_lines(comm_crash)
    assert D["ingest_joined_empty"].format(box="comm-2") in lines
    assert D["ingest_joined_empty"].format(box="comm-2") not in db._ingest_lines(comm_crash_fixed)
    pct = empty["new_comm_share_pct"]
    assert D["ingest_joined"].format(box="comm-2", at="00:40", pct=pct, fair=50.0) in lines


@pytest.mark.slow
def test_fixed_retries_come_in_waves_and_jitter_spreads_them(comm_crash: Simulation,
                                                             comm_crash_fixed: Simulation) -> None:
    fixed, jittered = db._ingest_lines(comm_crash), db._ingest_lines(comm_crash_fixed)
    tier = comm_crash.ingest
    assert tier is not None
    waves = D["ingest_waves"].format(base="10 s")
    spread = D["ingest_spread"].format(backoff="Exponential: doubled after each failed try",
                                       jitter="Full: anywhere from 0 to the delay")
    if tier.devices.totals["backlog_refused"]:
        assert waves in fixed
    assert spread not in fixed and waves not in jittered
    if ingest_metrics(comm_crash_fixed)["connects_refused"]:
        assert spread in jittered
    lost = ingest_metrics(comm_crash)["messages_lost"]
    assert any(line.startswith(f"{int(lost):,} of ") for line in fixed)


@pytest.mark.slow
def test_the_lesson_block_names_the_settings_and_the_numbers(comm_crash_fixed: Simulation) -> None:
    lesson = db.ingest_lesson(comm_crash_fixed)
    m = ingest_metrics(comm_crash_fixed)
    assert lesson["messages_lost"] == m["messages_lost"] and lesson["newest_comm"] == "comm-2"
    assert (lesson["max_age_s"], lesson["backoff"], lesson["jitter"], lesson["standby"]) == (
        60.0, "exponential", "full", "on")
    assert lesson["takeover_s"] == -1.0  # no balancer node failed


def test_the_balancer_pair_takes_over_in_about_3_6_s_and_a_single_node_does_not() -> None:
    pair = run(60, events=crash("tcp-lb-1", 10, 60))
    over = db.takeover(pair)
    assert over is not None and over.node == "tcp-lb-1" and over.backup == "tcp-lb-2"
    assert over.secs == pytest.approx(3 + 156 / 256, abs=0.01) and over.connections == 600
    assert D["ingest_takeover"].format(node="tcp-lb-1", at="00:10", backup="tcp-lb-2", secs=over.secs,
                                       n="600") in db._ingest_lines(pair)
    single = run(60, "standby = false\n", crash("tcp-lb-1", 10, 20))
    alone = db.takeover(single)
    assert alone is not None and alone.backup == "" and alone.secs == pytest.approx(20.0, abs=0.5)
    line = D["ingest_no_standby"].format(node="tcp-lb-1", at="00:10", secs=texts.span(alone.secs))
    assert line in db._ingest_lines(single)
    try:
        activate("ko")
        ko = db._ingest_lines(single)
        assert any("대기 노드가 없었습니다" in x for x in ko) and any("측정값" in x for x in ko)
    finally:
        activate("en")
