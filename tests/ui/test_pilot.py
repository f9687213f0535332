"""Playing the game through the keyboard, as a player would, with the clock stepped by the test.

Each test builds the app with ``manual_clock=True`` (no timers) and a temporary
``SCALEOUT_HOME``; after stepping simulated time with ``PlayScreen.advance`` it awaits
``pilot.pause()`` so the screen has processed the resulting messages.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from textual.widgets import Button, Select

from scaleout_tui.persistence.progress import Progress
from scaleout_tui.ui import texts
from scaleout_tui.ui.app import ScaleoutApp, make_app
from scaleout_tui.ui.commands import GameCommands
from scaleout_tui.ui.screens.briefing import BriefingScreen
from scaleout_tui.ui.screens.campaign import CampaignScreen
from scaleout_tui.ui.screens.confirm import ConfirmScreen
from scaleout_tui.ui.screens.debrief import DebriefScreen
from scaleout_tui.ui.screens.help import HelpScreen
from scaleout_tui.ui.screens.play import PlayScreen
from scaleout_tui.ui.screens.too_small import TooSmallScreen
from scaleout_tui.ui.widgets.eventlog import EventLog
from scaleout_tui.ui.widgets.topology import TopologyView
from tests.ui.conftest import (
    LEVEL_1,
    LEVEL_2,
    LEVEL_3,
    LEVEL_6,
    LEVEL_7,
    async_test,
    open_level,
    play_at,
    solution_knobs,
    unlock_through,
)


def current(app: ScaleoutApp) -> object:
    """The screen on top now. (After ``assert isinstance(app.screen, X)`` mypy takes the
    screen for an X for good; a key press can change it, which this call lets it see.)"""
    return app.screen


async def choose(pilot, select: Select[str], value: str) -> None:  # type: ignore[no-untyped-def]
    """Pick ``value`` in a drop-down with the keyboard: focus, open, move, confirm."""
    options = [v for _, v in select._options]
    steps = options.index(value) - options.index(select.value)
    select.focus()
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press(*(["down"] * steps if steps >= 0 else ["up"] * -steps), "enter")
    await pilot.pause()


@pytest.mark.core
@async_test
async def test_win_level_1_with_the_reference_size_and_unlock_level_2(home: Path) -> None:
    app = make_app(manual_clock=True)
    knobs = solution_knobs(LEVEL_1)
    async with app.run_test(size=(120, 40)) as pilot:
        play = await open_level(pilot)
        assert play.session.now == 0.0
        for knob_id, value in knobs.items():
            await choose(pilot, play.query_one(f"#knob-{knob_id}", Select), value)
        assert play.session.knobs == {**play.session.knobs, **knobs}
        # Chosen before the clock started: the box is already that size, with no downtime.
        assert play.session.snapshot().boxes[0].itype == knobs["size"]

        while not play.session.finished:
            play.advance(300.0)
            await pilot.pause()
        debrief = app.screen
        assert isinstance(debrief, DebriefScreen)
        assert debrief.result.won and debrief.result.stars >= 1
        assert "Level won" in str(debrief.query_one("#debrief-title").render())

    saved, notice = Progress.load(home / "progress.json")
    assert notice is None
    assert saved.won(LEVEL_1) and saved.stars(LEVEL_1) >= 1
    assert saved.is_unlocked(LEVEL_2, [LEVEL_1, LEVEL_2])


@pytest.mark.slow
@async_test
async def test_after_a_win_the_map_opens_level_2(home: Path) -> None:
    app = make_app(manual_clock=True)
    if app.content.level(LEVEL_2) is None:
        pytest.skip("level 2 is not written yet")
    async with app.run_test(size=(120, 40)) as pilot:
        play = await open_level(pilot)
        for knob_id, value in solution_knobs(LEVEL_1).items():
            play.session.set_knob(knob_id, value)
        play.advance(play.level.duration_s)
        await pilot.pause()
        await pilot.press("n")  # next level: its briefing
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen) and app.screen.level.id == LEVEL_2
        await pilot.press("escape", "y")
        await pilot.pause()
        assert isinstance(app.screen, CampaignScreen)
        assert app.screen._slots[1].playable


@async_test
async def test_a_knob_change_shows_within_one_simulated_second(home: Path) -> None:
    app = make_app(manual_clock=True)
    async with app.run_test(size=(120, 40)) as pilot:
        play = await open_level(pilot)
        play.advance(30.0)
        await pilot.pause()
        select = play.query_one("#knob-size", Select)
        await choose(pilot, select, "m5.xlarge")
        changed_at = play.session.now
        play.advance(1.0)
        await pilot.pause()
        snap = play.session.snapshot()
        assert snap.t - changed_at <= 1.0 + 1e-9
        # While the clock runs a resize is a stop and a start: the box says so, and so does the log.
        assert snap.boxes[0].state == "stopping"
        codes = [e.code for e in snap.log]
        assert "knob" in codes and "resize_start" in codes
        assert "stopping" in str(play.query_one(TopologyView).render())
        assert "stopping to resize" in str(play.query_one("#log", EventLog).render())

        # A second resize while the box is down is refused by the session: the drop-down goes back.
        select.value = "m5.2xlarge"
        await pilot.pause()
        assert select.value == "m5.xlarge" and play.session.knobs["size"] == "m5.xlarge"


@async_test
async def test_a_change_before_the_clock_starts_is_immediate(home: Path) -> None:
    app = make_app(manual_clock=True)
    async with app.run_test(size=(120, 40)) as pilot:
        play = await open_level(pilot)
        await choose(pilot, play.query_one("#knob-size", Select), "m5.4xlarge")
        assert "m5.4xlarge" in str(play.query_one(TopologyView).render())
        play.advance(1.0)
        await pilot.pause()
        assert play.session.snapshot().boxes[0].state == "running"


@pytest.mark.parametrize("size", [(10, 5), (40, 12), (79, 23)])
@async_test
async def test_tiny_terminals_show_the_size_notice_and_never_raise(home: Path, size: tuple[int, int]) -> None:
    app = make_app(manual_clock=True)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        notice = str(app.screen.query_one("#too-small-notice").render())
        assert "80×24" in notice and f"{size[0]}×{size[1]}" in notice
        await pilot.press("enter", "f1", "question_mark", "space", "down", "escape")
        assert isinstance(app.screen, TooSmallScreen)

        # Growing the terminal uncovers the map; shrinking it during a run covers the run again.
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert isinstance(app.screen, CampaignScreen)
        play = await open_level(pilot)
        play.advance(60.0)
        await pilot.resize_terminal(*size)
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        play.advance(60.0)  # the run underneath keeps rendering at the tiny size without errors
        await pilot.pause()
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert current(app) is play


@async_test
async def test_escape_asks_before_leaving_a_run(home: Path) -> None:
    app = make_app(manual_clock=True)
    async with app.run_test(size=(100, 30)) as pilot:
        play = await open_level(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert current(app) is play
        await pilot.press("escape", "y")
        await pilot.pause()
        assert isinstance(app.screen, CampaignScreen)
        assert len(app.screen_stack) == 1


@pytest.mark.core
@async_test
async def test_keys_pause_speed_restart_and_help(home: Path) -> None:
    app = make_app(manual_clock=True)
    async with app.run_test(size=(100, 30)) as pilot:
        play = await open_level(pilot)
        assert play.clock.paused  # a run starts paused: choices made now are free
        await pilot.press("space", "3")
        assert not play.clock.paused and play.clock.speed == 60.0
        await pilot.press("4")
        assert play.clock.speed is None
        play.advance(120.0)
        await pilot.press("r")
        await pilot.pause()
        fresh = app.screen
        assert isinstance(fresh, PlayScreen) and fresh is not play and fresh.session.now == 0.0
        assert fresh.clock.speed_index == 3  # a restart keeps the chosen speed
        for key in ("f1", "question_mark"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is fresh


@async_test
async def test_command_palette_offers_the_game_commands(home: Path) -> None:
    app = make_app(manual_clock=True)
    async with app.run_test(size=(100, 30)) as pilot:
        play = await open_level(pilot)
        provider = GameCommands(play)
        names = [name for name, _, _ in provider.commands()]
        assert any("Pause" in n for n in names) and any("max" in n for n in names)
        assert any("Restart" in n for n in names) and any("help" in n.lower() for n in names)
        hits = [hit async for hit in provider.search("speed 60")]
        assert hits
        hits[0].command()
        assert play.clock.speed == 60.0
        map_provider = GameCommands(app.screen_stack[0])
        language = texts.CMD_LANGUAGE.format(name="한국어")
        assert names[-1] == language  # every screen offers the other language, last
        # on the map: only help, and the language
        assert [n for n, _, _ in map_provider.commands()] == [names[-2], language]


@async_test
async def test_command_palette_map_and_help_reach_the_app(home: Path) -> None:
    """Over a screen other than play and the map, the palette offers "map" and "help"; each asks
    the app, as the screens do (a message, an action), when the palette runs it."""
    app = make_app(manual_clock=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("home", "enter")
        await pilot.pause()
        briefing = app.screen
        assert isinstance(briefing, BriefingScreen)
        commands = {name: callback for name, _, callback in GameCommands(briefing).commands()}
        assert list(commands) == [texts.CMD_MAP, texts.CMD_HELP, texts.CMD_LANGUAGE.format(name="한국어")]
        app.call_later(commands[texts.CMD_HELP])  # as the palette runs the chosen command
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is briefing
        app.call_later(commands[texts.CMD_MAP])
        await pilot.pause()
        assert isinstance(current(app), CampaignScreen)


@pytest.mark.slow
@async_test
async def test_the_real_clock_runs_and_stops_with_its_screen(home: Path) -> None:
    """The one test with the wall-clock timer: time moves only while the run is unpaused and
    visible, and leaving the screen stops the timer (no callback after unmount)."""
    app: ScaleoutApp = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        play = await open_level(pilot)
        await asyncio.sleep(0.2)
        assert play.session.now == 0.0  # starts paused
        await pilot.press("space", "3")
        for _ in range(100):
            await asyncio.sleep(0.05)
            if play.session.now > 0:
                break
        assert play.session.now > 0
        await pilot.press("f1")
        await pilot.pause()
        frozen = play.session.now
        await asyncio.sleep(0.2)
        assert play.session.now == frozen  # covered by help: the game waits
        await pilot.press("escape")
        await pilot.press("escape", "y")
        await pilot.pause()
        assert isinstance(app.screen, CampaignScreen)
        assert play._clock_timer is None
        await asyncio.sleep(0.2)


@async_test
async def test_a_corrupt_progress_file_is_reported_in_a_toast(home: Path) -> None:
    (home / "progress.json").write_text("{not json", encoding="utf-8")
    app = make_app(manual_clock=True)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("could not be read" in m for m in messages), messages
        assert isinstance(app.screen, CampaignScreen)
    assert list(home.glob("progress.json.corrupt-*"))


@async_test
async def test_on_a_short_terminal_only_the_focused_knob_shows_its_help(home: Path) -> None:
    progress, _ = Progress.load()
    progress.record(LEVEL_1, True, 3, {})
    progress.save()
    app = make_app(manual_clock=True)
    if app.content.level(LEVEL_2) is None:
        pytest.skip("level 2 is not written yet")
    async with app.run_test(size=(80, 24)) as pilot:
        play = await open_level(pilot, LEVEL_2)
        helps = list(play.query(".knob-help"))
        assert len(helps) == 3
        for i in range(3):
            assert [h.display for h in helps] == [j == i for j in range(3)]
            await pilot.press("tab")
            await pilot.pause()


@pytest.mark.slow
@async_test
async def test_a_run_that_ends_under_a_dialog_still_lands_on_its_debrief(home: Path) -> None:
    app = make_app(manual_clock=True)
    async with app.run_test(size=(100, 30)) as pilot:
        play = await open_level(pilot)
        await pilot.press("f1")
        await pilot.pause()
        play.advance(play.level.duration_s)
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        assert [type(s) for s in app.screen_stack] == [CampaignScreen, DebriefScreen]


# ---- failure drill (levels with injections) ---------------------------------------------------
def log_lines(play: PlayScreen) -> list[str]:
    from scaleout_tui.game.texts import describe

    return [describe(e) for e in play.session.snapshot().log]


def toasts(app: ScaleoutApp) -> list[str]:
    return [n.message for n in app._notifications]


@pytest.mark.slow
@async_test
async def test_a_crash_injected_from_the_drill_leaves_and_rejoins_the_rotation(home: Path) -> None:
    unlock_through(LEVEL_3)
    app = make_app(manual_clock=True)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        # The reference checks (L7 every 5 s), and well before the level's own scripted hang at 500 s.
        play = await play_at(pilot, LEVEL_3, 60.0, solution_knobs(LEVEL_3))
        await choose(pilot, play.query_one("#drill-target", Select), "web-2")
        await choose(pilot, play.query_one("#drill-kind", Select), "crash")
        await pilot.press("i")
        await pilot.pause()
        play.advance(20.0)
        await pilot.pause()
        web2 = next(b for b in play.session.snapshot().boxes if b.name == "web-2")
        assert web2.state == "crashed" and web2.health == "unhealthy"
        assert any(ln.startswith("web-2") and "out of rotation" in ln for ln in log_lines(play))
        assert "out of rotation" in str(play.query_one("#log", EventLog).render())

        # Repair with the button this time; the box must pass its checks again before it rejoins.
        play.query_one("#drill-repair", Button).press()
        await pilot.pause()
        play.advance(40.0)
        await pilot.pause()
        web2 = next(b for b in play.session.snapshot().boxes if b.name == "web-2")
        assert web2.state == "running" and web2.health == "healthy"
        assert any(ln.startswith("web-2") and "back in rotation" in ln for ln in log_lines(play))
        assert "back in rotation" in str(play.query_one("#log", EventLog).render())
        assert not any("Not done" in t for t in toasts(app))


@pytest.mark.slow
@async_test
async def test_bad_drill_input_is_a_toast_never_a_traceback(home: Path) -> None:
    unlock_through(LEVEL_3)
    app = make_app(manual_clock=True)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        play = await play_at(pilot, LEVEL_3, 10.0)
        await pilot.press("i")  # nothing selected yet
        await pilot.press("u")
        await pilot.pause()
        assert "Choose a box to break first." in toasts(app)
        assert "Choose the box to repair first." in toasts(app)

        play.repair("web-1")  # not broken
        play.inject("crash", "web-9")  # no such box (refused by the engine itself)
        play.inject("crash", "web-1")
        play.advance(1.0)
        play.inject("hang", "web-1")  # already down
        await pilot.pause()
        messages = toasts(app)
        assert any("web-1 is not broken" in m for m in messages), messages
        assert any("web-9" in m for m in messages), messages
        assert any("web-1 is crashed" in m for m in messages), messages
        assert isinstance(app.screen, PlayScreen)


@pytest.mark.slow
@async_test
async def test_the_palette_offers_the_drill_only_where_the_level_allows_it(home: Path) -> None:
    unlock_through(LEVEL_3)
    app = make_app(manual_clock=True)
    async with app.run_test(size=(100, 30)) as pilot:
        play = await open_level(pilot, LEVEL_3)
        names = [name for name, _, _ in GameCommands(play).commands()]
        assert "Crash web-2" in names and "Repair web-2" in names and "Hang web-1" in names
        hits = [hit async for hit in GameCommands(play).search("crash web-3")]
        hits[0].command()
        play.advance(1.0)
        await pilot.pause()
        assert next(b for b in play.session.snapshot().boxes if b.name == "web-3").state == "crashed"
        await pilot.press("escape", "y")
        await pilot.pause()

        play = await open_level(pilot, LEVEL_1)
        names = [name for name, _, _ in GameCommands(play).commands()]
        assert not any(n.startswith(("Crash", "Repair")) for n in names)
        assert not play.query("#drill")
        await pilot.press("i")  # no drill, no key: nothing happens
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen)


# ---- the database levels (6: replicas, 7: shards) ---------------------------------------------
def shard_shares(play: PlayScreen) -> dict[str, int]:
    """Each shard's share of inserts as the diagram prints it (the last "NN%" of its line)."""
    drawing = str(play.query_one(TopologyView).render())
    return {m[1]: int(m[2]) for m in re.finditer(r"(db-\d) [^\n]*?(\d+)%│[^\n]*$", drawing, re.M)}


@pytest.mark.slow
@async_test
async def test_three_hashed_shards_take_a_third_of_the_inserts_each(home: Path) -> None:
    unlock_through(LEVEL_7)
    app = make_app(manual_clock=True)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        play = await open_level(pilot, LEVEL_7)
        shards, key = play.query_one("#knob-shards", Select), play.query_one("#knob-key", Select)
        assert [v for _, v in shards._options] == ["1", "2", "3", "4"]
        assert [v for _, v in key._options] == ["created_at", "user_hash", "user_range"]
        await choose(pilot, shards, "3")
        await choose(pilot, key, "user_hash")
        assert play.session.knobs["shards"] == "3" and play.session.knobs["key"] == "user_hash"

        play.advance(300.0)
        await pilot.pause()
        shares = shard_shares(play)
        assert set(shares) == {"db-1", "db-2", "db-3"}, str(play.query_one(TopologyView).render())
        assert all(28 <= v <= 39 for v in shares.values()), shares
        assert "3 shards" in str(play.query_one(TopologyView).render())

        # Once the clock runs, a new key would mean copying every record: refused, with the
        # engine's reason in a toast, and the drop-down shows the key still in force.
        await choose(pilot, key, "created_at")
        assert any("copying every record" in t for t in toasts(app)), toasts(app)
        assert key.value == "user_hash" and play.session.knobs["key"] == "user_hash"
        await choose(pilot, shards, "2")
        assert any("shards only grow" in t for t in toasts(app)), toasts(app)
        assert shards.value == "3"
        assert isinstance(app.screen, PlayScreen)


@pytest.mark.slow
@async_test
async def test_two_replicas_and_the_master_dies_a_replica_is_promoted(home: Path) -> None:
    unlock_through(LEVEL_6)
    app = make_app(manual_clock=True)
    async with app.run_test(size=(120, 40)) as pilot:
        play = await open_level(pilot, LEVEL_6)
        await choose(pilot, play.query_one("#knob-replicas", Select), "2")
        drawing = str(play.query_one(TopologyView).render())
        assert "master + 2 replicas" in drawing and "replica-2" in drawing

        while play.session.now < 1540.0:  # the master dies at 25:00; failover takes 30 s
            play.advance(300.0 if play.session.now + 300.0 <= 1540.0 else 1540.0 - play.session.now)
            await pilot.pause()
        log = str(play.query_one("#log", EventLog).render())
        assert "db-1 (master) is down" in log and "replica-1 promoted to master" in log
        drawing = str(play.query_one(TopologyView).render())
        assert "master + 1 replica" in drawing and "db-1" not in drawing


@async_test
async def test_the_database_drill_crashes_a_replica_at_once_and_repairs_it(home: Path) -> None:
    unlock_through(LEVEL_6)
    app = make_app(manual_clock=True)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        play = await play_at(pilot, LEVEL_6, 60.0, {"replicas": "2"})
        names = [name for name, _, _ in GameCommands(play).commands()]
        assert {"Crash web-1", "Crash db-1", "Crash replica-2", "Repair replica-2"} <= set(names)
        assert not any(n.startswith("Hang") for n in names)  # the level allows crashes only
        assert "lb-1" not in " ".join(names)

        play.inject("crash", "replica-2")  # paused: it happens at once all the same
        await pilot.pause()
        state = {b.name: b.state for b in play.session.snapshot().boxes}
        assert state["replica-2"] == "crashed"
        assert any("replica-2: done" in t for t in toasts(app)), toasts(app)
        assert ("inject.crash", "replica-2") in [(what, box) for _, what, box in play.session.history]
        play.inject("crash", "replica-2")
        await pilot.pause()
        assert any("replica-2 is crashed" in t for t in toasts(app)), toasts(app)

        play.repair("replica-2")
        await pilot.pause()
        assert {b.name: b.state for b in play.session.snapshot().boxes}["replica-2"] == "running"
        assert any("replica-2 repaired" in t for t in toasts(app)), toasts(app)


@pytest.mark.slow
@async_test
async def test_a_long_briefing_and_debrief_scroll_with_the_keys_while_a_button_has_focus(home: Path) -> None:
    unlock_through(LEVEL_6)
    app = make_app(manual_clock=True)
    async with app.run_test(size=(80, 24)) as pilot:
        ids = app.content.ordered_ids
        await pilot.press("home", *["down"] * ids.index(LEVEL_6), "enter")
        await pilot.pause()
        scroll = app.screen.query_one("#briefing-scroll")
        assert scroll.max_scroll_y > 0 and app.screen.focused is not None
        await pilot.press("end")
        await pilot.pause()
        assert scroll.scroll_y == scroll.max_scroll_y
        await pilot.press("home", "pagedown")
        await pilot.pause()
        assert scroll.scroll_y > 0

        await pilot.press("enter")  # still starts the level: the focused button keeps Enter
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen) and app.screen.level.id == LEVEL_6
        await pilot.press("escape", "y")
        await pilot.pause()

        play = await open_level(pilot, LEVEL_1)  # a short run to reach a debrief
        play.advance(play.level.duration_s)
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        scroll = app.screen.query_one("#debrief-scroll")
        assert scroll.max_scroll_y > 0
        await pilot.press("down", "down")
        await pilot.pause()
        assert scroll.scroll_y == 2


@pytest.mark.slow
@async_test
async def test_after_a_resize_the_diagram_is_exactly_as_tall_as_its_drawing(home: Path) -> None:
    """Paused, nothing redraws on its own: the heights must come from the new width (80×24 →
    200×60 once left the diagram 12 rows tall for 6 lines)."""
    from scaleout_tui.ui.widgets.topology import ServicesView, services_text, topology

    unlock_through(LEVEL_7)
    app = make_app(manual_clock=True)
    async with app.run_test(size=(80, 24)) as pilot:
        play = await play_at(pilot, LEVEL_7, 300.0, {"shards": "3"})
        diagram, services = play.query_one(TopologyView), play.query_one(ServicesView)
        for size in ((200, 60), (120, 40), (80, 24), (200, 60), (80, 24)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            drawing = topology(diagram.data, diagram.size.width).plain.splitlines()
            assert diagram.size.height == len(drawing), size
            if play.has_class("-short"):
                chips = services_text(services.services, services.size.width, compact=True)
                assert services.size.height == len(chips.plain.splitlines()), size


@async_test
async def test_the_map_reloading_after_its_widgets_went_away_is_quiet(home: Path) -> None:
    """A browser tab closed while the map was mounting: the app removed the screen's widgets
    before the map's mount handler ran, which raised ``NoMatches`` (seen in ``scaleout serve``)."""
    app = make_app(manual_clock=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, CampaignScreen)
        await screen.query_one("#map-body").remove()
        await pilot.pause()
        screen.reload()  # nothing to rebuild, and nothing raised
    assert app._exception is None
