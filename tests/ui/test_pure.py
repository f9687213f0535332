"""The pure parts of the UI: clock arithmetic, chart binning, drawings, campaign rows.

These need no terminal, so they pin behaviour precisely (a 1× clock that ran at 2× was the
bug that motivated :class:`GameClock`'s debt) and run in milliseconds.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from rich.cells import cell_len
from rich.console import Console

from scaleout_tui.engine.events import LogEntry
from scaleout_tui.engine.snapshot import BoxView, Services, Snapshot
from scaleout_tui.ui import fmt
from scaleout_tui.ui.clock import MAX_ELAPSED, GameClock, run_max
from scaleout_tui.ui.screens.too_small import notice, too_small
from scaleout_tui.ui.widgets.charts import bin_series
from scaleout_tui.ui.widgets.eventlog import log_text
from scaleout_tui.ui.widgets.topology import TopologyData, bar, topology


def plain(text: object, width: int = 120) -> str:
    console = Console(width=width, record=True, color_system=None)
    console.print(text)
    return console.export_text()


# ---- clock ------------------------------------------------------------------------------------
class FakeSim:
    """Advances in whole ticks, like the engine: asking for 0.05 s runs a 0.1 s tick."""

    def __init__(self, tick: float = 0.1, duration: float = 600.0) -> None:
        self.now = 0.0
        self.tick = tick
        self.duration = duration

    def advance(self, seconds: float) -> None:
        end = min(self.now + seconds, self.duration)
        while self.now < end - 1e-9:
            self.now = min(self.now + self.tick, self.duration)


@pytest.mark.parametrize("speed_index,speed", [(0, 1.0), (1, 10.0), (2, 60.0)])
def test_clock_speed_is_exact_on_average_despite_whole_ticks(speed_index: int, speed: float) -> None:
    clock = GameClock(speed_index=speed_index)
    sim = FakeSim()
    for _ in range(200):  # 10 wall seconds of 20 Hz callbacks
        owed = clock.owed(0.05)
        if owed > 0:
            before = sim.now
            sim.advance(owed)
            clock.paid(sim.now - before)
    assert sim.now == pytest.approx(10 * speed, abs=0.1 + 1e-9)


def test_clock_paused_owes_nothing_and_late_callbacks_are_capped() -> None:
    clock = GameClock(speed_index=2, paused=True)
    assert clock.owed(1.0) == 0.0
    clock.toggle_pause()
    assert clock.owed(30.0) == pytest.approx(60.0 * MAX_ELAPSED)


def test_clock_ignores_unknown_speed() -> None:
    clock = GameClock(speed_index=1)
    clock.set_speed(9)
    assert clock.speed_index == 1
    clock.set_speed(3)
    assert clock.speed is None
    assert clock.owed(0.05) == 0.0  # "max" is driven by run_max, not by debt


def test_run_max_spends_its_budget_and_always_makes_progress() -> None:
    sim = FakeSim(duration=100.0)
    fake_time = iter(np.arange(0.0, 10.0, 0.01))  # each call to now() is 10 ms later
    steps = run_max(sim.advance, lambda: sim.now >= sim.duration, lambda: float(next(fake_time)),
                    budget=0.035, step=1.0)
    assert steps == 4 and sim.now == pytest.approx(4.0)
    slow = iter([0.0, 1.0])
    assert run_max(sim.advance, lambda: False, lambda: next(slow), budget=0.035) == 1


# ---- charts -----------------------------------------------------------------------------------
def test_bin_series_keeps_spikes_with_max_and_smooths_with_mean() -> None:
    t = [float(i) for i in range(1, 601)]
    y = [10.0] * 600
    y[299] = 1000.0
    xs, ys = bin_series(t, y, 0.0, 600.0, 60, "max")
    assert len(xs) == 60 and ys.max() == 1000.0
    xs, ys = bin_series(t, y, 0.0, 600.0, 60, "mean")
    assert ys.max() == pytest.approx(109.0)


def test_bin_series_drops_empty_bins_and_non_finite_values() -> None:
    _xs, ys = bin_series([1.0, 2.0, float("nan")], [5.0, float("inf"), 3.0], 0.0, 600.0, 100)
    assert list(ys) == [5.0]
    assert bin_series([], [], 0.0, 600.0, 100)[0].size == 0


# ---- drawings ---------------------------------------------------------------------------------
def box(name: str = "web-1", role: str = "app+db", state: str = "running", cpu: float = 50.0,
        queue: int = 0) -> BoxView:
    return BoxView(name, role, "m5.large", 2, state, 0.0, cpu, queue, 1, 0.096)


def test_topology_draws_one_column_per_tier() -> None:
    single = plain(topology(TopologyData((box(),)), 80))
    assert "clients" in single and "web-1 · app+db" in single and "m5.large · 2 vCPU" in single
    two = plain(topology(TopologyData((box(role="web"), box("db-1", "db", "crashed"))), 80))
    line = next(ln for ln in two.splitlines() if "clients" in ln)
    assert line.count("─▶") == 2
    assert "✖ crashed" in two


def test_topology_never_raises_at_tiny_widths() -> None:
    for width in (0, 1, 5, 20):
        topology(TopologyData((box(), box("db-1", "db")), (("db-new", "booting"),)), width)


def test_three_tiers_fit_a_board_narrowed_by_its_scroll_bar() -> None:
    """At 80×24 the sandbox's board scrolls, and its scroll bar leaves the diagram 44 cells: one
    short of three comfortable cards. The cards get narrower rather than every line wrapping."""
    fleet = (box("web-1", "web"), box("web-2", "web"))
    for width in (44, 43, 42):
        drawing = topology(TopologyData((box("lb-1", "lb"), *fleet, box("db-1", "db"))), width)
        assert max(cell_len(line) for line in drawing.plain.splitlines()) <= width, width


def test_bar_is_exactly_its_width() -> None:
    for pct in (0.0, 33.3, 99.9, 100.0, 150.0, -5.0):
        assert len(bar(pct, 12)) == 12


def test_log_text_shows_the_newest_lines_that_fit() -> None:
    entries = tuple(LogEntry(float(i), "knob", "info", {"label": "Size", "value": f"v{i}"})
                    for i in range(50))
    text = log_text(entries, 40, 3, Console(width=40))
    assert "v49" in text.plain and "v46" not in text.plain
    assert log_text(entries, 0, 0, Console()).plain == ""
    assert "Nothing has happened" in log_text((), 40, 3, Console()).plain


def test_a_log_entry_taller_than_the_panel_shows_its_beginning() -> None:
    long = LogEntry(1530.0, "promoted", "good", {"box": "replica-1", "old": "db-1", "lost": 0})
    text = log_text((long,), 34, 2, Console(width=34)).plain
    lines = text.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("25:30 ⇄ replica-1 promoted")  # the failover marker, as on the charts
    assert lines[1].endswith("…") and len(lines[1]) <= 34


# ---- formatting and size ----------------------------------------------------------------------
def test_metric_units() -> None:
    assert fmt.metric("latency_p95_ms", 212.4) == "212 ms"
    assert fmt.metric("latency_p95_ms", 15_000) == "15.0 s"
    assert fmt.metric("error_rate_pct", 0.5) == "0.50 %"
    assert fmt.metric("cost", 1.5) == "$1.50"
    assert fmt.metric("latency_p95_ms", float("nan")) == "–"
    assert fmt.op("<=") == "≤"


def test_too_small_threshold_and_notice() -> None:
    assert too_small(79, 24) and too_small(80, 23) and not too_small(80, 24)
    assert "80×24" in notice(10, 5) and "10×5" in notice(10, 5)


# ---- campaign rows ----------------------------------------------------------------------------
def test_slots_list_every_planned_level_and_follow_progress(tmp_path: Path) -> None:
    import msgspec

    from scaleout_tui.content import load_catalog_default, load_level
    from scaleout_tui.persistence.progress import Progress
    from scaleout_tui.ui.campaign import Content, slots, stars_text

    catalog = load_catalog_default()
    fixture = Path(__file__).resolve().parents[1] / "content" / "fixtures" / "99-good.toml"
    base = load_level(fixture, catalog)
    one = msgspec.structs.replace(base, id="01-a", order=1, title="A")
    two = msgspec.structs.replace(base, id="02-b", order=2, title="B")
    content = Content((one, two), catalog)
    progress, _ = Progress.load(tmp_path / "progress.json")

    rows = slots(content, progress)
    assert [r.order for r in rows] == list(range(1, 11))  # chapter two's two levels included
    assert rows[8].level is None and rows[8].title == "Device ingest tier"
    assert rows[0].playable and not rows[1].playable and rows[1].level is not None
    assert rows[2].level is None and rows[2].title == "Load balancer + health checks"

    progress.record("01-a", True, 2, {})
    rows = slots(content, progress)
    assert rows[1].playable and rows[0].stars == 2
    assert stars_text(2) == "★★☆"
    assert content.next_level("01-a") == two and content.next_level("02-b") is None


def test_reflow_joins_lines_but_keeps_paragraphs() -> None:
    text = "\nOne box\nserves all.\n\nThen it  \nfills up.\n"
    assert fmt.reflow(text) == "One box serves all.\n\nThen it fills up."


def test_nice_ticks_cover_the_top_with_few_round_steps() -> None:
    from scaleout_tui.ui.widgets.charts import nice_ticks

    assert nice_ticks(440, 4) == [0, 200, 400, 600]
    assert nice_ticks(420, 3) == [0, 250, 500]
    assert nice_ticks(100, 6) == [0, 20, 40, 60, 80, 100]
    assert nice_ticks(0, 3) == [0, 0.5, 1.0]  # an empty chart still gets an axis
    for top in (0.3, 7.0, 95.0, 1234.0, 98765.0):
        for n in (2, 3, 5, 9):
            ticks = nice_ticks(top, n)
            assert len(ticks) <= n and ticks[-1] >= top and ticks[0] == 0
    assert fmt.ms_short(473.4) == "473ms" and fmt.ms_short(1234) == "1.2s"


def test_two_tiers_fit_the_left_column_at_80_columns() -> None:
    drawing = topology(TopologyData((box(role="web"), box("db-1", "db"))), 45)
    lines = plain(drawing, 45).splitlines()
    assert all(len(ln.rstrip()) <= 45 for ln in lines)
    assert len(lines) == 6  # no wrapping: one row per card line
    assert "db-1" in lines[0] and "m5.large" in lines[1]


def test_log_text_never_shows_half_an_entry() -> None:
    long = LogEntry(1.0, "knob", "info", {"label": "A setting with a long name", "value": "x" * 30})
    short = LogEntry(2.0, "knob", "info", {"label": "B", "value": "y"})
    text = log_text((long, short), 30, 2, Console(width=30)).plain
    assert "A setting" not in text and "B to y" in text
    only_long = log_text((long,), 30, 1, Console(width=30)).plain
    assert only_long and "\n" not in only_long


def test_a_fleet_is_one_card_with_a_line_per_box() -> None:
    fleet = tuple(box(f"web-{i}", "web", cpu=10.0 * i) for i in range(1, 6))
    drawing = plain(topology(TopologyData((box("lb-1", "lb"), *fleet, box("db-1", "db"))), 80), 80)
    lines = drawing.splitlines()
    assert len(lines) == 7  # 5 boxes + the card's frame, not 5 stacked cards
    assert "web ×5" in lines[0] and "lb-1" in lines[0] and "db-1" in lines[0]
    assert lines[2].count("─▶") == 3


def test_minute_ticks_are_whole_minutes_and_few() -> None:
    from scaleout_tui.ui.widgets.charts import minute_ticks

    assert minute_ticks(0, 10, 11) == [float(m) for m in range(11)]
    assert minute_ticks(0, 10, 3) == [0.0, 5.0, 10.0]
    assert minute_ticks(2.5, 12.5, 3) == [5.0, 10.0]


def test_cards_show_the_balancers_view_and_faults() -> None:
    from dataclasses import replace

    out = replace(box("web-1", "web"), health="unhealthy")
    hung = replace(box("web-2", "web"), fault="hang", health="healthy")
    single = plain(topology(TopologyData((out,)), 80), 80)
    assert "out of rotation" in single
    fleet = plain(topology(TopologyData((out, hung)), 80), 80)
    assert "✗" in fleet and "!" in fleet


# ---- balancer health, services, failure drill --------------------------------------------------
def test_three_tiers_at_80_columns_show_both_marks_and_the_cpu_of_every_web_box() -> None:
    from dataclasses import replace

    web = [replace(box(f"web-{i}", "web", cpu=60.0), health="healthy", passes=9) for i in (1, 3)]
    dead = replace(box("web-2", "web", "crashed", cpu=0.0), health="healthy", passes=40)
    lbs = (box("lb-1", "lb", cpu=0.0), box("lb-2", "lb", cpu=0.0))
    drawing = plain(topology(TopologyData((*lbs, web[0], dead, web[1], box("db-1", "db"))), 45), 45)
    lines = drawing.splitlines()
    assert all(len(ln.rstrip()) <= 45 for ln in lines), drawing
    assert "…" not in drawing  # every line chose a wording that fits
    assert "web-1 ●✓ 60%" in drawing
    assert "web-2 ✖✓  0%" in drawing  # dead, and the balancer does not know yet
    assert "q 0 1/2 busy" in drawing


def test_a_broken_app_shows_a_red_bang_next_to_the_balancers_view() -> None:
    from dataclasses import replace

    hung = replace(box("web-1", "web"), fault="hang", health="healthy")
    fine = replace(box("web-2", "web"), health="unhealthy")
    fleet = plain(topology(TopologyData((hung, fine)), 80), 80)
    assert "web-1 !✓" in fleet and "web-2 ●✗" in fleet
    single = plain(topology(TopologyData((hung,)), 80), 80)
    assert "● running hangs ✓" in single


L7_CHECK = Services(check_kind="L7", check_path="/health", check_interval_s=5.0, check_timeout_s=2.0,
                    check_healthy=3, check_unhealthy=2)


def test_the_check_chips_come_from_the_structured_fields() -> None:
    from scaleout_tui.engine.snapshot import Services
    from scaleout_tui.ui.widgets.topology import check_chips

    assert check_chips(L7_CHECK) == ["L7 GET /health every 5 s", "out at 2✗, in at 3✓"]
    l4 = Services(check_kind="L4", check_interval_s=30.0, check_healthy=3, check_unhealthy=3)
    assert check_chips(l4) == ["L4 TCP every 30 s", "out at 3✗, in at 3✓"]
    half = Services(check_kind="L7", check_path="/", check_interval_s=2.5)
    assert check_chips(half)[0] == "L7 GET / every 2.5 s"
    assert check_chips(Services(check_kind="none")) == ["no health checks"]
    assert check_chips(Services()) == []


def test_service_chips_pack_into_the_width_without_splitting_a_chip() -> None:
    from scaleout_tui.engine.snapshot import Services
    from scaleout_tui.ui.widgets.topology import services_text

    services = replace(L7_CHECK, algorithm="round_robin", session_store="shared", sessions_active=5721,
                       storage="local")
    compact = services_text(services, 45, compact=True).plain.splitlines()
    assert len(compact) == 3 and all(len(ln) <= 45 for ln in compact)
    assert compact[0] == "LB round robin · L7 GET /health every 5 s"  # choices in words (issue 14)
    assert "5,721 sessions (shared)" in compact[1] and compact[2] == "files: local"
    full = services_text(services).plain
    assert "timeout 2 s" in full and "5,721 logged in" in full
    assert services_text(Services()).plain == ""


def test_the_database_chips_count_stale_reads_and_show_lost_writes_in_red() -> None:
    from scaleout_tui.engine.snapshot import Services
    from scaleout_tui.ui.widgets.topology import service_chips, services_text

    fine = replace(L7_CHECK, algorithm="round_robin", read_routing="read_your_writes")
    compact = services_text(fine, 45, compact=True).plain.splitlines()
    assert compact == ["LB round robin · L7 GET /health every 5 s",
                       "out at 2✗, in at 3✓ · reads: your writes",
                       "0 stale reads · 0 writes lost"]
    lost = next(c for c in service_chips(Services(read_routing="replicas", stale_reads=1234, writes_lost=7))
                if "lost" in c.plain)
    assert lost.plain == "7 writes lost" and "red" in str(lost.style)
    assert "stale reads so far: 0 · writes lost so far: 0" in services_text(fine).plain
    assert "database reads: Read your writes" in services_text(fine).plain  # the full line: the label
    sharded = services_text(Services(shard_key="created_at"), 45, compact=True).plain
    assert sharded == "shard key: created"  # no replication: no stale or lost counters


def test_the_targets_table_shows_the_streak_that_matters() -> None:
    from dataclasses import replace

    from scaleout_tui.ui.widgets.topology import targets_table

    leaving = replace(box("web-1", "web", "crashed"), health="healthy", passes=0, fails=1,
                      last_check="refused")
    back = replace(box("web-2", "web"), health="unhealthy", passes=2, last_check="http_200",
                   last_check_params=(("ms", 1.2),))
    text = plain(targets_table((leaving, back, box("db-1", "db"))), 100)
    assert "1 failed" in text and "connection refused" in text
    assert "2 passed" in text and "out of rotation" in text
    assert "db-1" not in text
    assert targets_table((box(),)) is None


def test_the_instance_gauge_shows_a_peak_only_above_the_current_count() -> None:
    from scaleout_tui.engine.snapshot import Totals
    from scaleout_tui.ui.widgets.gauges import instances_text

    def totals(n: int, peak: int) -> Totals:
        return Totals(0, 0, 0, 0, (), 0.0, n, peak)

    assert instances_text(totals(3, 0)) == "3"  # at 00:00, before the first window closes
    assert instances_text(totals(6, 4)) == "6"
    assert instances_text(totals(2, 5)) == "2 (peak 5)"


# ---- the database column (levels 6-7) ------------------------------------------------------------
def db_box(name: str, role: str = "db", cpu: float = 30.0, lag: float = 0.0, share: float = -1.0,
           state: str = "running") -> BoxView:
    return BoxView(name, role, "m5.large", 2, state, 0.0, cpu, 0, 1, 0.096, lag_ms=lag, shard_share=share)


def test_lag_fits_four_cells_and_reads_in_the_unit_that_suits_it() -> None:
    cases = {0.0: "0ms", 24.4: "24ms", 99.4: "99ms", 99.6: "0.1s", 850.0: "0.8s", 1234.0: "1.2s",
             12_345.0: "12s", -11.0: "0ms", float("nan"): "–"}
    for ms, text in cases.items():
        assert fmt.lag_short(ms) == text
        assert len(fmt.lag_short(ms)) <= 4


def test_lag_and_share_colours() -> None:
    from scaleout_tui.ui.widgets.database import lag_style, share_style

    lags = [lag_style(ms) for ms in (24, 99, 100, 999, 1000)]
    assert lags == ["green", "green", "yellow", "yellow", "bold red"]
    assert share_style(1 / 3, 3) == "green" and share_style(0.5, 3) == "yellow"
    assert share_style(1.0, 3) == "bold red"
    assert share_style(0.5, 2) == "green" and share_style(1.0, 2) == "bold red"


def test_a_replica_line_keeps_its_lag_when_the_card_narrows() -> None:
    from scaleout_tui.ui.widgets.database import db_card

    boxes = (db_box("db-1"), db_box("replica-1", "replica", 100.0, 1500.0),
             db_box("replica-2", "replica", lag=24.0, state="crashed"))
    for width, title in ((30, "master + 2 replicas"), (22, "master + 2 replicas"), (18, "db ×3")):
        lines = [ln.plain for ln in db_card(boxes, width)]
        assert all(len(ln) == width for ln in lines), lines
        assert title in lines[0]
        assert "lag" in lines[1] and "1.5s" in lines[3]
        assert lines[2].rstrip("│").endswith("–") and lines[4].rstrip("│").endswith("–")  # master; crashed
    wide = [ln.plain for ln in db_card(boxes, 30)]
    assert "CPU" in wide[1] and "100%" in wide[3] and "█" in wide[3]  # a CPU bar when there is room
    assert "100%" in db_card(boxes, 22)[3].plain  # 80 columns: the number, no bar
    assert "%" not in db_card(boxes, 18)[3].plain  # narrower still: the CPU goes, the lag stays


def test_shard_lines_show_a_share_bar_with_a_percentage() -> None:
    from scaleout_tui.ui.widgets.database import db_card, want_inner

    shards = (db_box("db-1", share=0.0, cpu=19), db_box("db-2", share=0.0),
              db_box("db-3", share=1.0, cpu=100))
    lines = [ln.plain for ln in db_card(shards, want_inner(shards) + 2)]
    assert "3 shards" in lines[0] and "inserts" in lines[1]
    assert lines[4] == "│db-3 ●100% ████ 100%│"
    assert lines[2] == "│db-1 ● 19% ····   0%│"


def test_the_database_column_gets_its_width_first_at_80_columns() -> None:
    from scaleout_tui.ui.widgets.topology import column_widths

    assert column_widths([6, 14, 22], 42) == [6, 14, 22]  # level 6 at 80×24: the balancer squeezed
    assert column_widths([6, 14, 14], 42) == [14, 14, 14]  # levels 3-5: equal, as before
    assert column_widths([6, 14, 22], 64) == [21, 21, 22]
    assert column_widths([14, 14], 200) == [30, 30]
    lb = tuple(replace(box(f"lb-{i}", "lb"), cpu_pct=0.0) for i in (1, 2))
    web = tuple(replace(box(f"web-{i}", "web"), health="healthy") for i in (1, 2, 3, 4))
    db = (db_box("db-1"), db_box("replica-1", "replica", lag=24.0), db_box("replica-2", "replica", lag=24.0))
    text = plain(topology(TopologyData(lb + web + db), 45), 45)
    assert "master + 2 replicas" in text and "replica-2 ● 30% 24ms" in text and "2 ●" in text
    assert all(len(ln) <= 45 for ln in text.splitlines())


def test_the_database_table_has_a_row_per_database_box() -> None:
    from scaleout_tui.ui.widgets.database import database_table

    rows = (box("web-1", "web"), db_box("replica-1", "replica", lag=1500.0), db_box("db-1"))
    text = plain(database_table(rows), 100)
    assert "behind the master" in text and "1,500 ms" in text
    assert text.index("db-1") < text.index("replica-1") and "master" in text and "web-1" not in text
    shards = (db_box("db-1", share=0.25), db_box("db-2", share=0.75))
    assert " 75 %" in plain(database_table(shards), 100)
    assert database_table((db_box("db-1"),)) is None
    assert database_table((db_box("db-1", share=-1.0), box("web-1", "web"))) is None


def test_the_drill_offers_the_database_only_in_a_database_level() -> None:
    from scaleout_tui.ui.failures import DATABASE_ROLES, WEB_ROLES, targets

    boxes = (box("lb-1", "lb"), box("web-1", "web"), box("web-2", "web", "crashed"), box("db-1", "db"),
             box("replica-1", "replica"))
    assert targets(boxes) == ("web-1", "web-2")
    assert targets(boxes, WEB_ROLES + DATABASE_ROLES) == ("web-1", "web-2", "db-1", "replica-1")


def test_the_briefing_lists_the_drill_only_for_a_level_that_has_one() -> None:
    from scaleout_tui.content import LevelError, find_level, load_catalog_default, load_level
    from scaleout_tui.ui.screens.briefing import briefing_text

    catalog = load_catalog_default()
    for level_id, drill in (("01-single-server", False), ("03-load-balancer", True)):
        try:
            level = load_level(find_level(level_id), catalog)
        except LevelError:  # a level not written yet
            pytest.skip(f"{level_id} is not available")
        text = plain(briefing_text(level, catalog))
        assert ("Break a box" in text) is drill
        assert ("hang: the app hangs" in text) is drill


# ---- auto scaling: the scaling history and a big fleet -------------------------------------------
def test_scaling_history_lists_newest_first_and_fits_one_line_when_short() -> None:
    from scaleout_tui.engine.snapshot import ScalingChange
    from scaleout_tui.ui.widgets.scaling import history_text

    rule = (("metric", "cpu"), ("value", 72.0), ("threshold", 70.0), ("m", 1), ("n", 1), ("step", 1),
            ("cooldown_s", 300.0))
    changes = (ScalingChange(900.0, 2, 3, "simple_out", rule),
               ScalingChange(1920.0, 3, 40, "scheduled"))
    table = history_text(changes, 60, 10).plain.splitlines()
    assert table[1].startswith("32:00   3 → 40") and table[1].endswith("scheduled action")
    assert table[2].startswith("15:00   2 → 3")
    assert "CPU 72 % ≥ 70 % for 1 of 1 periods → +1" in table[2]  # worded from the code, cut to 60 cells
    assert history_text(changes, 60, 2).plain.count("\n") == 1  # header + the newest only
    line = history_text(changes, 24, 1).plain
    assert "\n" not in line and line.startswith("Last scaling 32:00") and line.endswith("…")
    assert history_text((), 40, 5).plain == "No capacity change yet."


def test_a_fleet_past_ten_boxes_lists_those_worth_a_look_and_counts_the_rest() -> None:
    from scaleout_tui.ui.widgets.topology import FLEET_MAX_ROWS, fleet_shown

    fleet = [box(f"web-{i}", "web", cpu=10.0 + i) for i in range(1, 41)]
    fleet[4] = box("web-5", "web", "booting", cpu=0.0)
    shown = fleet_shown(fleet)
    assert len(shown) == FLEET_MAX_ROWS - 1
    assert shown[0].name == "web-5" and shown[-1].name == "web-40"  # fleet order kept
    assert fleet_shown(fleet[:10]) == fleet[:10]
    drawing = plain(topology(TopologyData(tuple(fleet)), 80), 80)
    assert "+31 more" in drawing or "+31" in drawing


@pytest.mark.parametrize("width", [80, 200])
def test_the_cache_is_a_column_between_the_app_and_the_database(width: int) -> None:
    """The app asks the cache first, then the database: the cache box gets a card of its own
    between them (not a line in the app servers' list), and the drawing fits the width."""
    from scaleout_tui.engine import Simulation
    from scaleout_tui.engine.cache import CacheSpec
    from scaleout_tui.engine.snapshot import take
    from tests.engine.helpers import config, steady

    cfg = config(steady(50.0, 0.01, 0.005), vcpus=2, db_vcpus=2, layout="two-tier", duration=5.0,
                 cache=CacheSpec(keys=100, capacity=10))
    sim = Simulation(cfg, seed=1)
    sim.advance(2.0)
    drawing = topology(TopologyData(tuple(take(sim).boxes)), width).plain.splitlines()
    assert max(cell_len(line) for line in drawing) <= width
    top = drawing[0]
    assert top.index("web-1") < top.index("redis-1 · cache") < top.index("db-1")


def test_the_cache_gauge_says_hits_fill_and_its_two_faults_in_words() -> None:
    from scaleout_tui.engine.snapshot import CacheView
    from scaleout_tui.ui.widgets.gauges import cache_text

    view = CacheView(box="redis-1", up=True, entries=9_800, capacity=10_000, hit_ratio=0.934, reads=1_000,
                     duplicate_loads=0, stale_reads=0, coalesced=0, refreshes=0, bypassed=0,
                     hit_ratio_run=0.9, load_ms=8.0)
    assert cache_text(view).plain == "93 % hits · 9,800/10,000 keys"
    worse = replace(view, stale_reads=4, duplicate_loads=12)
    assert cache_text(worse).plain == "93 % hits · 9,800/10,000 keys, 4 stale, 12 duplicate loads"
    assert "database" in cache_text(replace(view, up=False)).plain


def test_the_ingest_tier_stands_with_the_balancers_and_the_app_servers() -> None:
    """The L4 pair is drawn in the balancers' column, the comm servers in the app servers'."""
    from scaleout_tui.engine import Simulation
    from scaleout_tui.engine.devices import DeviceSpec
    from scaleout_tui.engine.snapshot import take
    from scaleout_tui.ui.widgets.topology import tiers
    from tests.engine.test_ingest import run_config

    sim = Simulation(run_config(DeviceSpec(count=100)), seed=1)
    sim.advance(1.0)
    columns = [{b.role for b in column} for column in tiers(take(sim).boxes)]
    lb = next(i for i, roles in enumerate(columns) if "tcp-lb" in roles)
    comm = next(i for i, roles in enumerate(columns) if "comm" in roles)
    assert comm == lb + 1 and "web" in columns[comm]


def _ingest_with_a_late_server() -> tuple[Snapshot, Snapshot]:
    """3,000 devices on two comm servers; a third is launched at 5 s and joins at 15 s. With no
    max connection age nobody reconnects, so it holds nothing (the engine's own test pins that)."""
    from scaleout_tui.engine import Command, Simulation
    from scaleout_tui.engine.devices import DeviceSpec
    from scaleout_tui.engine.snapshot import take
    from tests.engine.test_ingest import run_config

    sim = Simulation(run_config(DeviceSpec(count=3000), duration=20.0), seed=2)
    sim.advance(5.0)
    sim.apply(Command("ingest.comm_count", 3))
    sim.advance(7.0)
    booting = take(sim)
    sim.advance(5.0)
    return booting, take(sim)


def test_the_ingest_gauges_say_connections_connects_and_each_servers_share() -> None:
    from scaleout_tui.ui.widgets.gauges import (
        GaugeData,
        connects_text,
        devices_text,
        gauges_table,
        shares_text,
    )

    booting, joined = _ingest_with_a_late_server()
    assert booting.ingest is not None and joined.ingest is not None
    assert shares_text(booting.ingest).plain == "comm-1 50 % · comm-2 50 % +1 booting"
    view = joined.ingest
    full = shares_text(view)
    assert full.plain == "comm-1 50 % · comm-2 50 % · comm-3 0 %"
    late = full.plain.index("comm-3")
    assert {s.style for s in full.spans if s.start <= late < s.end} == {"yellow"}  # under half the even share
    assert shares_text(view, width=30).plain == "c1 50 % · c2 50 % · c3 0 %"  # where the names would wrap
    # 3,000 devices every 10 s at their own phases: about 300 a second, whatever this second had
    assert 240 <= view.messages <= 360
    assert devices_text(view).plain == f"3,000/3,000 connected · {view.messages:,.0f} msg/s"
    assert connects_text(view).plain == "0/s"
    storm = replace(view, attempts=1_500.0, refused=200.0, backlog_full=100.0, timeouts=40.0, lost=12.0)
    assert connects_text(storm).plain == "1,500/s, 300/s refused, 40/s timed out"
    assert devices_text(storm).plain.endswith(", 12 lost/s")
    rows = plain(gauges_table(GaugeData(joined.gauges, joined.totals, None, view), 60))
    assert "devices" in rows and "connects" in rows and "comm-3 0 %" in rows


def test_the_comm_table_lists_each_servers_connections_share_and_work() -> None:
    from scaleout_tui.ui.widgets.topology import comm_table

    _, joined = _ingest_with_a_late_server()
    assert joined.ingest is not None
    lines = plain(comm_table(joined.ingest, joined.boxes), 120).splitlines()
    assert lines[0].split()[:2] == ["comm", "server"]
    # the late server: running, in rotation, checked by both balancer nodes every second, and
    # holding no connection and getting no message
    assert lines[3].split() == ["comm-3", "●", "running", "✓", "in", "rotation", "0", "0", "%", "0", "2.0"]
    assert lines[1].split()[6:9] == ["1,500", "50", "%"]


def test_a_line_makes_its_caches_when_it_first_uses_them_with_textuals_sizes() -> None:
    """``textual_fixes.lazy_line_caches``: a new Strip holds none of its seven caches; each one
    appears on first use, the size Textual's own ``__init__`` gives it, and the line renders the
    same. (Installing it here, as every app does at start, lasts for the rest of the worker.)"""
    from rich.segment import Segment
    from textual.cache import FIFOCache
    from textual.strip import Strip

    from scaleout_tui.ui import textual_fixes

    assert textual_fixes.lazy_line_caches()
    textual_init = Strip._textual_init  # type: ignore[attr-defined]
    eager = object.__new__(Strip)
    textual_init(eager, [Segment("hello world")], 11)
    caches = {n: getattr(eager, n)._maxsize for n in Strip.__slots__
              if isinstance(getattr(eager, n, None), FIFOCache)}
    assert len(caches) == 7, caches
    line = Strip([Segment("hello world")], 11)
    for name in caches:
        with pytest.raises(AttributeError):
            Strip.__dict__[name].member.__get__(line)  # the slot itself: not made yet
    assert line.crop(0, 5).text == eager.crop(0, 5).text == "hello"
    assert Strip.__dict__["_crop_cache"].member.__get__(line)._maxsize == caches["_crop_cache"]
    assert {n: getattr(line, n)._maxsize for n in caches} == caches
    assert line.divide([3, 11])[1].text == "lo world"
