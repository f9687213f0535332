"""Level 9, the device-ingest tier: its start loses and its reference solution wins, and each lesson
metric moves the right way between them (seeds 1-10 were checked by hand with ``scaleout run``;
two seeds here keep the test to a few runs of ten simulated minutes; seed 1's two runs are the ones
``test_campaign_levels`` grades, made once: :mod:`tests.levels.runs`)."""

from __future__ import annotations

from typing import Any

import pytest

from scaleout_tui.content.paths import solution_path
from tests.levels.runs import level_report


def values(report: dict[str, Any]) -> dict[str, float]:
    return {o["metric"]: o["value"] for o in report["objectives"]}


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 7])
def test_the_start_loses_and_the_reference_wins(seed: int, tmp_path_factory: pytest.TempPathFactory) -> None:
    solution = solution_path("09-ingest")
    assert solution is not None
    start = level_report(tmp_path_factory, "09-ingest", seed)
    ref = level_report(tmp_path_factory, "09-ingest", seed, solution)
    assert not start["won"] and ref["won"] and ref["stars"] == 3
    a, b = values(start), values(ref)
    assert a["messages_lost"] > 2 * b["messages_lost"]  # N+1 and quick, spread reconnects
    assert a["connects_refused"] > 5 * b["connects_refused"]  # no waves turned away by the backlog
    assert a["new_comm_share_pct"] < 20 <= 30 < b["new_comm_share_pct"]  # the max age rebalances
    la, lb = start["lesson"], ref["lesson"]
    assert la["peak_connect_attempts_per_s"] > lb["peak_connect_attempts_per_s"]
    assert la["refused_backlog_full"] > 10 * max(lb["refused_backlog_full"], 1)
    assert la["comm_peak_cpu_pct"] >= 95 and la["takeover_s"] == pytest.approx(3.609, abs=0.01)
    assert (lb["comm_servers"], lb["max_age_s"], lb["jitter"]) == (3, 120.0, "full")
    assert any("N+1" in line for line in start["debrief"])
