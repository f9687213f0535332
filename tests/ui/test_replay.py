"""The replay screen with Pilot: scrubbing, taking over, comparing, and loading from the map.

The manual clock is used throughout: a seek finishes at once and nothing depends on wall time.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Select

from scaleout_tui.game.headless import report
from scaleout_tui.recording import open_replay, read_recording
from scaleout_tui.ui import recordings
from scaleout_tui.ui.app import ScaleoutApp
from scaleout_tui.ui.screens.compare import CompareScreen
from scaleout_tui.ui.screens.debrief import DebriefScreen
from scaleout_tui.ui.screens.pick import RecordingPicker
from scaleout_tui.ui.screens.play import PlayScreen
from scaleout_tui.ui.screens.replay import ReplayScreen
from scaleout_tui.ui.widgets.clockbar import ClockBar
from scaleout_tui.ui.widgets.policy import PolicyPanel
from tests.ui.conftest import async_test, open_level, two_level_game


async def open_recording(pilot: Pilot[int], path: Path) -> ReplayScreen:
    app = pilot.app
    assert isinstance(app, ScaleoutApp)
    app.load_replay(path)
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, ReplayScreen)
    return screen


@pytest.mark.slow
@async_test
async def test_scrub_forward_back_to_the_end_and_to_the_start(home: Path,
                                                              level_1_recordings: tuple[Path, Path]) -> None:
    small, _ = level_1_recordings
    app = two_level_game()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_recording(pilot, small)
        await pilot.press("right", "right", "right_square_bracket")
        await pilot.pause()
        assert screen.session.now == 360.0
        first_session = screen.session
        at_360 = first_session.sim.digest()
        await pilot.press("left")
        await pilot.pause()
        # back means a fresh simulation from zero, re-run to 5:30
        assert screen.session.now == 330.0 and screen.session is not first_session
        await pilot.press("right")
        await pilot.pause()
        assert screen.session.sim.digest() == at_360
        await pilot.press("end")
        await pilot.pause()
        assert screen.session.now == 1800.0
        assert screen.query_one(ClockBar).data.finished
        assert screen.replay.mismatches == [] and screen.replay.checksums_matched == 180
        await pilot.press("home")
        await pilot.pause()
        assert screen.session.now == 0.0
        # the policy panel is read-only and the run cannot be restarted or drilled
        assert all(s.disabled for s in screen.query("Select"))
        assert screen.check_action("restart", ()) is False


@pytest.mark.slow
@async_test
async def test_take_over_continues_as_a_recorded_game(home: Path,
                                                      level_1_recordings: tuple[Path, Path]) -> None:
    small, _ = level_1_recordings
    app = two_level_game()
    async with app.run_test(size=(120, 40)) as pilot:
        replay_screen = await open_recording(pilot, small)
        replay_screen.seek(1200.0)
        await pilot.press("t")
        await pilot.pause()
        play = app.screen
        assert isinstance(play, PlayScreen) and not isinstance(play, ReplayScreen)
        assert play.session.now == 1200.0
        play.session.set_knob("size", "m5.4xlarge")  # the player changes the policy at 20:00
        play.advance(600.0)
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        taken = report(play.session, play.session.result())

    files = recordings.listing("01-single-server")
    assert len(files) == 1 and "-takeover-" in files[0].path.name
    rec = read_recording(files[0].path)
    assert rec.header.taken_over_from == "small.jsonl" and rec.header.taken_over_at == 1200.0
    assert [(c.t, c.name, c.value) for _, c in rec.commands] == [(1200.0, "size", "m5.4xlarge")]
    assert rec.report == json.loads(json.dumps(taken))
    again = open_replay(files[0].path)
    assert json.dumps(again.run()) == json.dumps(taken) and again.mismatches == []
    # and the change mattered: the original run ends otherwise
    assert read_recording(small).report != rec.report


@pytest.mark.slow
@async_test
async def test_load_replay_from_the_map_then_compare(home: Path,
                                                     level_1_recordings: tuple[Path, Path]) -> None:
    small, large = level_1_recordings
    folder = recordings.folder()
    folder.mkdir(parents=True)
    shutil.copy(small, folder / "01-single-server-play-20260101-000000.jsonl")
    shutil.copy(large, folder / "01-single-server-play-20260102-000000.jsonl")
    app = two_level_game()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, RecordingPicker)
        assert len(app.screen.files) == 2
        await pilot.press("down", "enter")  # the second row: the older file (small)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReplayScreen)
        assert screen.replay.recording.header.knobs["size"] == "m5.large"
        screen.seek(1500.0)
        await pilot.press("c")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, RecordingPicker) and len(picker.files) == 1  # not itself
        await pilot.press("enter")
        await pilot.pause()
        compare = app.screen
        assert isinstance(compare, CompareScreen)
        assert compare.a.now == compare.b.now == 1500.0
        a_obj = compare.a.session.result().objectives
        b_obj = compare.b.session.result().objectives
        assert [o.value for o in a_obj] != [o.value for o in b_obj]
        await pilot.press("right")
        await pilot.pause()
        assert compare.a.now == compare.b.now == 1530.0
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and screen.session.now == 1530.0


@pytest.mark.slow
@async_test
async def test_a_played_run_is_recorded_and_replays_to_its_debrief(home: Path) -> None:
    app = two_level_game()
    async with app.run_test(size=(120, 40)) as pilot:
        play = await open_level(pilot)
        await pilot.press("3", "space")
        play.advance(200.0)
        play.session.set_knob("size", "m5.xlarge")
        play.advance(1600.0)
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        shown = report(play.session, play.session.result())
    files = recordings.listing()
    assert len(files) == 1
    rec = read_recording(files[0].path)
    assert [(s.t, s.speed) for _, s in rec.speeds] == [(0.0, "paused"), (0.0, "60×")]
    assert [(c.t, c.name, c.value) for _, c in rec.commands] == [(200.0, "size", "m5.xlarge")]
    replay = open_replay(files[0].path)
    assert json.dumps(replay.run()) == json.dumps(shown) and replay.mismatches == []


@async_test
async def test_a_broken_recording_from_the_map_is_a_notice(home: Path) -> None:
    folder = recordings.folder()
    folder.mkdir(parents=True)
    (folder / "01-single-server-play-20260101-000000.jsonl").write_text('{"type":"header","format":9}\n')
    app = two_level_game()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("l")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, ReplayScreen)
        assert any("recording format 9 is newer" in str(n.message) for n in app._notifications)


@pytest.mark.slow
@async_test
async def test_the_policy_panel_following_the_recording_never_changes_it(home: Path, tmp_path: Path) -> None:
    """A recording with a resize at 60 s. The drop-down follows the recording as the replay
    moves, and each move posts a Changed event; one handled late (after a scrub back) carries a
    value that is not the session's. Such an event must never reach the replayed session."""
    from scaleout_tui.recording.headless import run_recorded

    policy = tmp_path / "policy.toml"
    policy.write_text('format = 1\n[knobs]\nsize = "m5.large"\n'
                      '[[changes]]\nat = 60\nknob = "size"\nvalue = "m5.xlarge"\n')
    path = tmp_path / "resize.jsonl"
    run_recorded("01-single-server", path, 1, {}, policy)
    app = two_level_game()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_recording(pilot, path)
        await pilot.press("right", "right", "right")
        await pilot.pause()
        assert screen.session.knobs["size"] == "m5.xlarge"
        select = screen.query_one(PolicyPanel).query_one(Select)
        select.value = "m5.large"  # what a late event from before the resize would say
        await pilot.pause()
        assert screen.session.knobs["size"] == "m5.xlarge"
        assert screen.session.history == [(60.0, "size", "m5.xlarge")]
        await pilot.press("end")
        await pilot.pause()
        assert screen.replay.mismatches == []


@async_test
async def test_a_run_left_before_it_started_leaves_no_recording(home: Path) -> None:
    app = two_level_game()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_level(pilot)
        assert len(recordings.listing()) == 1  # recording from the start...
        await pilot.press("escape", "y")
        await pilot.pause()
    assert recordings.listing() == []  # ...but nothing happened, so nothing is kept
