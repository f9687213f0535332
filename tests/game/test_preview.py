"""The evening's preview (game/preview.py), computed by hand for level 1."""

from __future__ import annotations

import re

import pytest

from scaleout_tui.content import find_level, load_level
from scaleout_tui.content.catalog import load_catalog
from scaleout_tui.game.preview import preview


@pytest.fixture(scope="module")
def catalog():  # type: ignore[no-untyped-def]
    return load_catalog()


def test_level_1_by_hand(catalog) -> None:  # type: ignore[no-untyped-def]
    level = load_level(find_level("01-single-server"))
    p = preview(level, catalog)
    # The mix: page 0.6 × (30 ms app, 4 ms db), login 0.05 × (40, 8), write 0.1 × (20, 15),
    # static 0.25 × (1, 0). One box runs app and database, so db work counts × 1.6 (the level's
    # colocation penalty): 22.25 + 4.3 × 1.6 = 29.13 ms a request.
    assert p.work_ms == pytest.approx(29.13)
    assert p.per_vcpu_rps == pytest.approx(1000 / 29.13)          # 34.3 a second (m5.large: speed 1)
    assert p.per_box_rps == pytest.approx(2 * 1000 / 29.13)       # 2 vCPUs: 68.7
    assert p.capacity_rps == pytest.approx(p.per_box_rps)
    assert p.web_boxes == 1 and p.boxes == 1 and p.db_capacity_rps is None
    # The curve ends at 150 a second; the partner ad (× 1.5, rising 30 s from 22:00) peaks at 225.
    assert p.peak_rps == pytest.approx(225.0)
    assert p.peak_at_s == pytest.approx(1350.0)
    assert p.rps[0] == pytest.approx(40.0)
    # $0.096 an hour for 30 minutes
    assert p.cost_per_hour == pytest.approx(0.096)
    assert p.cost_evening == pytest.approx(0.048)


def test_level_1_hint_agrees_with_the_preview(catalog) -> None:  # type: ignore[no-untyped-def]
    """The level's own hint ("Each vCPU here serves roughly 30 requests a second. The peak is
    about 225 a second.") is written in the level file; its numbers must be the preview's, rounded
    the way the hint rounds (one significant figure for "roughly", the peak whole)."""
    level = load_level(find_level("01-single-server"))
    p = preview(level, catalog)
    hint = next(h.text for h in level.hints if "vCPU" in h.text)
    per_vcpu, peak = (float(x) for x in re.findall(r"\d+", hint)[:2])
    assert round(p.per_vcpu_rps, -1) == per_vcpu
    assert round(p.peak_rps) == peak


def test_a_bigger_box_moves_the_capacity_not_the_curve(catalog) -> None:  # type: ignore[no-untyped-def]
    level = load_level(find_level("01-single-server"))
    small = preview(level, catalog)
    big = preview(level, catalog, {"size": "m5.2xlarge"})
    assert big.rps == small.rps
    assert big.capacity_rps == pytest.approx(8 * 0.98 * 1000 / 29.13)
    assert big.cost_evening == pytest.approx(0.384 / 2)
    assert big.headroom > 1 > small.headroom


def test_two_tiers_count_the_database_box(catalog) -> None:  # type: ignore[no-untyped-def]
    level = load_level(find_level("02-two-tiers"))
    p = preview(level, catalog, {k.id: ("two-tier" if k.param == "layout" else k.default)
                                 for k in level.knobs})
    assert p.boxes == 2
    assert p.db_capacity_rps is not None
    assert p.capacity_rps == pytest.approx(min(p.per_box_rps * p.web_boxes, p.db_capacity_rps))



def test_level_9_devices_by_hand(catalog) -> None:  # type: ignore[no-untyped-def]
    """8,000 devices every 10 s send 800 readings/s; a reading costs a comm server 3 ms, so two
    m5.large comm servers (2 vCPUs at speed 1) carry 2 × 2 / 0.003 ≈ 1,333/s and one alone 667/s:
    short of 800, the N+1 question the level asks. A third server makes one down carry 1,333/s.
    Each reading is also a 1 ms write on the shards (3 × m5.large), which the database's capacity
    for web requests gives up first: (6 − 800 × 0.001) / mean db time."""
    level = load_level(find_level("09-ingest"), catalog)
    p = preview(level, catalog)
    d = p.devices
    assert d is not None
    assert (d.devices, d.readings_per_s, d.comm_servers) == (8000, 800.0, 2)
    assert d.comm_capacity == pytest.approx(4 / 0.003) and d.one_down_capacity == pytest.approx(2 / 0.003)
    assert not d.survives_one_down
    db_s = 0.9 * 0.004 + 0.1 * 0.005  # the level's mix: pages 4 ms, writes 5 ms at the database
    assert p.db_capacity_rps == pytest.approx((6 - 0.8) / db_s)
    three = preview(level, catalog, {"comm_count": "3"}).devices
    assert three is not None and three.survives_one_down
    assert three.one_down_capacity == pytest.approx(4 / 0.003)
    assert preview(load_level(find_level("10-cache"), catalog), catalog).devices is None
