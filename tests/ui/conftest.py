"""Shared helpers for the UI tests.

Every test that builds the app points ``SCALEOUT_HOME`` at a temporary folder, so no test
reads or writes a real player's progress, and builds the app with ``manual_clock=True``:
no timer runs, the test advances simulated time itself (``PlayScreen.advance``), and
nothing on screen depends on wall time.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from scaleout_tui.content import load_policy
from scaleout_tui.home import HOME_ENV
from scaleout_tui.persistence.progress import Progress
from scaleout_tui.ui.app import ScaleoutApp, make_app
from scaleout_tui.ui.campaign import Content, load_content
from scaleout_tui.ui.screens.play import PlayScreen
from scaleout_tui.ui.widgets.policy import PolicyPanel

LEVEL_1 = "01-single-server"
LEVEL_2 = "02-two-tiers"
LEVEL_3 = "03-load-balancer"
LEVEL_4 = "04-sessions"
LEVEL_5 = "05-shared-storage"
LEVEL_6 = "06-replicas"
LEVEL_7 = "07-sharding"
LEVEL_8 = "08-autoscaling"
LEVEL_9 = "09-ingest"
LEVEL_10 = "10-cache"
REPO = Path(__file__).resolve().parents[2]
#: the screenshot sizes: the minimum and a large terminal
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((200, 60), id="200x60")]
#: the same, for a picture taken after 10 or more simulated minutes of a level: both sizes cost
#: the whole run, so the large one is left to the full suite (marked slow; CI runs it)
LONG_RUN_SIZES = [SIZES[0], pytest.param((200, 60), id="200x60", marks=pytest.mark.slow)]


def async_test(fn: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Run an ``async def`` test in a fresh event loop (the project has no pytest-asyncio).

    ``functools.wraps`` keeps the signature, so pytest still sees and injects the fixtures.
    """

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(fn(*args, **kwargs))

    return run


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv(HOME_ENV, str(tmp_path))
    yield tmp_path


@pytest.fixture
def app(home: Path) -> ScaleoutApp:
    return make_app(manual_clock=True)


def first_two_levels() -> Content:
    """The content with levels 1 and 2 only (and no sandbox rows): screenshots of the map must not
    change each time a later level file is added (that is content news, not a UI regression)."""
    content = load_content()
    keep = tuple(lv for lv in content.levels if lv.id in (LEVEL_1, LEVEL_2))
    return dataclasses.replace(content, levels=keep, errors=(), sandboxes=())


def two_level_game() -> ScaleoutApp:
    """The app on ``first_two_levels()``, with the manual clock."""
    return make_app(manual_clock=True, content=first_two_levels())


def solution_knobs(level_id: str) -> dict[str, str]:
    """The knob values of a level's reference solution (``paths.solution_path``), as the lead wrote them."""
    from scaleout_tui.content import find_level, load_level
    from scaleout_tui.content.paths import solution_path

    level = load_level(find_level(level_id))
    path = solution_path(level_id)
    assert path is not None, f"{level_id} has no reference solution"
    policy = load_policy(path, level)
    return {k: str(v) for k, v in policy.knobs.items()}


async def open_level(pilot: Pilot[int], level_id: str = LEVEL_1) -> PlayScreen:
    """From the map: highlight the level, open its briefing, start it. Returns the play screen."""
    app = pilot.app
    assert isinstance(app, ScaleoutApp)
    ids = app.content.ordered_ids
    await pilot.press("home", *["down"] * ids.index(level_id), "enter")
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, PlayScreen), f"expected the play screen, got {screen!r}"
    assert screen.level.id == level_id
    return screen


def unlock_through(level_id: str) -> None:
    """Record a win of every level before ``level_id`` in the progress file of the current
    ``SCALEOUT_HOME`` (the ``home`` fixture's), so the map lets the test open it."""
    ids = load_content().ordered_ids
    if level_id not in ids:
        pytest.skip(f"level {level_id} is not written yet")
    progress, _ = Progress.load()
    for earlier in ids[: ids.index(level_id)]:
        progress.record(earlier, True, 3, {})
    progress.save()


async def play_at(pilot: Pilot[int], level_id: str, seconds: float,
                  knobs: dict[str, str] | None = None) -> PlayScreen:
    """Open ``level_id``, set ``knobs`` before the clock starts (as a player would on the
    paused board), then run the manual clock for ``seconds``."""
    play = await open_level(pilot, level_id)
    for knob_id, value in (knobs or {}).items():
        play.session.set_knob(knob_id, value)
    play.query_one(PolicyPanel).show_values(play.session.knobs)
    play.advance(seconds)
    await pilot.pause()
    return play


# ---- recordings (issue 6): a fixture shared by the replay tests --------------------------------
from tests.ui.replays import level_1_recordings  # noqa: E402, F401
from tests.ui.views import snap_views  # noqa: E402, F401
