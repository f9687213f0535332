"""The game under everything a terminal does to it: any size, resize storms, quick start/quit
cycles with the clock running, no colour and the ANSI themes.

Why so many sizes on every screen: each screen lays itself out with breakpoints (narrow, short,
wide), and a layout bug shows only at the sizes where a breakpoint flips or a panel runs out of
room, often on one screen alone. Each check renders the whole screen, as a terminal would, so a
widget that raises while drawing fails the test, not only one that raises while composing.

"Readable" is checked on the rendered cells: the texts a player needs are on screen, and each of
their characters is drawn in a colour that differs clearly from its background (under
``NO_COLOR`` Textual turns every colour into a grey, which is where two colours chosen for their
hue alone can fall onto the same grey).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from rich.color import Color as RichColor
from rich.console import Console
from rich.segment import Segment
from textual.drivers.headless_driver import HeadlessDriver
from textual.events import Resize
from textual.geometry import Size
from textual.pilot import Pilot

from scaleout_tui.ui import texts
from scaleout_tui.ui.app import ScaleoutApp, make_app
from scaleout_tui.ui.screens.briefing import BriefingScreen
from scaleout_tui.ui.screens.campaign import CampaignScreen
from scaleout_tui.ui.screens.debrief import DebriefScreen
from scaleout_tui.ui.screens.help import HelpScreen
from scaleout_tui.ui.screens.play import PlayScreen
from scaleout_tui.ui.screens.too_small import MIN_HEIGHT, MIN_WIDTH, TooSmallScreen
from tests.power import power
from tests.ui.conftest import (
    LEVEL_1,
    LEVEL_3,
    LEVEL_6,
    LEVEL_8,
    async_test,
    open_level,
    unlock_through,
)

#: corners, both sides of the minimum, common terminals and the largest the goals name
SIZES: tuple[tuple[int, int], ...] = (
    (10, 5), (300, 5), (10, 100), (79, 24), (80, 23), (80, 24), (150, 24), (200, 60), (300, 100),
)
#: the ANSI themes of Textual 8.2 (colours from the terminal's own palette) and the default one
THEMES = ("ansi-dark", "ansi-light", "textual-dark")


# ---- rendering the screen as a terminal shows it ------------------------------------------------------
@dataclass
class Cells:
    """The rendered screen: its text lines, and per line the (text, style) segments."""

    lines: list[str]
    segments: list[list[Segment]]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def unreadable(self, needle: str) -> list[str]:
        """The characters of ``needle`` (wherever it appears) whose colour is too close to their
        background; empty when every occurrence reads well."""
        bad = []
        for y, line in enumerate(self.lines):
            start = line.find(needle)
            while start >= 0:
                x = 0
                for seg in self.segments[y]:
                    end = x + len(seg.text)
                    lo, hi = max(x, start), min(end, start + len(needle))
                    style = seg.style
                    if (lo < hi and style is not None and seg.text[lo - x: hi - x].strip()
                            and _contrast(style.color, style.bgcolor) < MIN_CONTRAST):
                        bad.append(f"{seg.text!r} at line {y} ({seg.style})")
                    x = end
                start = line.find(needle, start + 1)
        return bad


#: difference of relative luminance (0..1) below which text and its background blur together
MIN_CONTRAST = 0.2


def _luminance(color: RichColor | None, default: float) -> float:
    if color is None or color.is_default:
        return default
    r, g, b = color.get_truecolor()
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255


def _contrast(fg: RichColor | None, bg: RichColor | None) -> float:
    """How far apart text and background are. The terminal's default pair and its 16 palette
    colours (the ANSI themes) are the user's own choice, so only their being the same colour
    counts against them; two colours given exactly (RGB, 256-colour) are compared by luminance."""
    if _is_palette(fg) or _is_palette(bg):
        same = fg is not None and fg == bg and not fg.is_default
        return 0.0 if same else 1.0
    return abs(_luminance(fg, 1.0) - _luminance(bg, 0.0))


def _is_palette(color: RichColor | None) -> bool:
    return color is None or color.is_default or color.is_system_defined


def render(app: ScaleoutApp) -> Cells:
    """Render every cell of the current screen, with the app's line filters (NO_COLOR)."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    lines = list(Segment.split_lines(console._record_buffer))
    return Cells(["".join(s.text for s in line) for line in lines], lines)


# ---- getting to each screen -------------------------------------------------------------------------
Visit = Callable[[object], Awaitable[type]]


async def _campaign(pilot) -> type:  # type: ignore[no-untyped-def]
    await pilot.pause()
    return CampaignScreen


async def _briefing(pilot) -> type:  # type: ignore[no-untyped-def]
    await pilot.press("home", "enter")
    await pilot.pause()
    return BriefingScreen


def _play(level_id: str, seconds: float) -> Visit:
    async def visit(pilot) -> type:  # type: ignore[no-untyped-def]
        play = await open_level(pilot, level_id)
        play.advance(seconds)
        await pilot.pause()
        return PlayScreen
    return visit


async def _debrief(pilot) -> type:  # type: ignore[no-untyped-def]
    play = await open_level(pilot, LEVEL_1)
    play.advance(play.session.level.duration_s)
    await pilot.pause()
    return DebriefScreen


async def _watch(pilot) -> type:  # type: ignore[no-untyped-def]
    """The compare screen the debrief opens after two losses (the winning run beside the player's)."""
    from scaleout_tui.ui.screens.compare import CompareScreen
    from tests.ui.test_watch import lose_twice

    pilot.app.progress.levels.pop(LEVEL_1)  # never won, so its losses earn the offer
    pilot.app.progress.record(LEVEL_1, False, 0, {})  # the first loss (see lost_once_before)
    await lose_twice(pilot)
    await pilot.press("w")
    await pilot.pause()
    assert isinstance(pilot.app.screen, CompareScreen)
    pilot.app.screen.seek(300.0)
    await pilot.pause()
    return CompareScreen


async def _help(pilot) -> type:  # type: ignore[no-untyped-def]
    await open_level(pilot, LEVEL_1)
    await pilot.press("f1")
    await pilot.pause()
    return HelpScreen


SCREENS: dict[str, Visit] = {
    "campaign": _campaign, "briefing": _briefing, "play-01": _play(LEVEL_1, 90.0),
    "play-03": _play(LEVEL_3, 200.0), "play-06": _play(LEVEL_6, 120.0), "play-08": _play(LEVEL_8, 600.0),
    "debrief": _debrief, "watch": _watch, "help": _help,
}


def _no_exception(app: ScaleoutApp) -> None:
    assert app._exception is None, app._exception


async def _check_size(pilot, screen_type: type, width: int, height: int) -> None:  # type: ignore[no-untyped-def]
    app = pilot.app
    await pilot.resize_terminal(width, height)
    await pilot.pause()
    _no_exception(app)
    cells = render(app)
    _no_exception(app)
    if width < MIN_WIDTH or height < MIN_HEIGHT:
        assert isinstance(app.screen, TooSmallScreen), (width, height, app.screen)
        notice = str(app.screen.query_one("#too-small-notice").render())
        assert f"{MIN_WIDTH}×{MIN_HEIGHT}" in notice and f"{width}×{height}" in notice, (
            width, height, notice)
        if width >= 40 and height >= 5:  # the notice wraps, but its first words show whole
            assert "Make the terminal bigger" in cells.text, (width, height, cells.text)
    else:
        assert isinstance(app.screen, screen_type), (width, height, app.screen)


@contextlib.asynccontextmanager
async def on_screen(name: str) -> AsyncIterator[tuple[Pilot[int], type]]:
    """The game at 120×40 (every level unlocked), on the screen ``name`` of :data:`SCREENS`;
    on the way out, checks that nothing raised."""
    unlock_through(LEVEL_8)
    app = make_app(manual_clock=True)
    async with app.run_test(size=(120, 40)) as pilot:
        screen_type = await SCREENS[name](pilot)
        assert isinstance(app.screen, screen_type)
        yield pilot, screen_type
    _no_exception(app)


# ---- the tests ---------------------------------------------------------------------------------------
#: the screens whose notice below the minimum is also pressed on (the keys that open something on them)
PRESSED_BELOW_THE_MINIMUM = ("briefing", "debrief", "play-08", "help")


@pytest.mark.slow
@pytest.mark.parametrize("name", list(SCREENS))
@async_test
async def test_every_size_on_every_screen_and_below_the_minimum_it_says_make_it_bigger(
        home: Path, name: str) -> None:
    """Every size of :data:`SIZES` on one run of the screen's scene; then, on the screens of
    :data:`PRESSED_BELOW_THE_MINIMUM`, one column or one row short of the minimum (and 10×5): the
    notice covers the screen, the keys that open something on it open nothing over the notice, and
    the minimum uncovers the same screen object. (These were two tests, each building the scene:
    level 8 run for ten minutes, a whole level-1 run, twice each.)"""
    async with on_screen(name) as (pilot, screen_type):
        app = pilot.app
        under = app.screen
        for width, height in SIZES:
            await _check_size(pilot, screen_type, width, height)
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert isinstance(app.screen, screen_type), "growing back uncovers the same screen"
        if name not in PRESSED_BELOW_THE_MINIMUM:
            return
        for width, height in ((MIN_WIDTH - 1, 40), (120, MIN_HEIGHT - 1), (10, 5)):
            await _check_size(pilot, screen_type, width, height)
            await pilot.press("f1", "enter", "space")  # nothing opens over the notice
            assert isinstance(app.screen, TooSmallScreen), (width, height, app.screen)
            await _check_size(pilot, screen_type, MIN_WIDTH, MIN_HEIGHT)
            assert app.screen is under, (width, height, app.screen)


@pytest.mark.slow
@async_test
async def test_a_resize_storm_while_level_8_runs(home: Path) -> None:
    """80 random sizes in quick succession, the clock moving between some of them, on the
    busiest screen (the group's capacity chart and scaling history)."""
    rng = random.Random(8)
    unlock_through(LEVEL_8)
    app = make_app(manual_clock=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await _play(LEVEL_8, 0.0)(pilot)
        screen = app.screen
        for i in range(80):
            size = (rng.randint(10, 300), rng.randint(5, 100))
            # what Pilot.resize_terminal does, minus its pause: the events pile up unprocessed
            if isinstance(app._driver, HeadlessDriver):
                app._driver._size = Size(*size)
            app.post_message(Resize(Size(*size), Size(*size)))
            if i % 10 == 0:
                assert isinstance(screen, PlayScreen)
                screen.advance(5.0)
                await pilot.pause()
        await pilot.resize_terminal(200, 60)
        await pilot.pause()
        assert app.screen is screen
        assert "Autoscaling" in render(app).text
    _no_exception(app)


async def _start_run_quit(cycle: int) -> None:
    app = make_app()  # the real clock
    async with app.run_test(size=(80, 24)) as pilot:
        play = await open_level(pilot, LEVEL_1)
        await pilot.press("space", "3")  # 60×
        for _ in range(200):
            await asyncio.sleep(0.01)
            if play.session.now >= 1.0:
                break
        assert play.session.now >= 1.0, f"cycle {cycle}: the clock did not run"
        await pilot.press("ctrl+q", "y")  # a run is at stake: Ctrl+Q asks first, then quits
        await pilot.pause()
    _no_exception(app)
    assert app.return_code == 0, f"cycle {cycle}: exit code {app.return_code}"
    assert play._clock_timer is None, f"cycle {cycle}: the clock outlived its screen"


@pytest.mark.slow
# 30 cycles in three tests, which the workers share, under ``make stress``; ten everyday (tests/power.py)
@pytest.mark.parametrize("first", power([0], [0, 10, 20]))
@async_test
async def test_start_quit_cycles_with_the_clock_running(home: Path, first: int) -> None:
    for cycle in range(first, first + 10):
        await _start_run_quit(cycle)


@pytest.mark.parametrize(("theme", "no_color"), [
    pytest.param("ansi-dark", True, id="NO_COLOR-ansi-dark"),
    pytest.param("textual-dark", True, id="NO_COLOR-textual-dark"),
    *(pytest.param(theme, no_color, id=f"{'NO_COLOR' if no_color else 'color'}-{theme}",
                   marks=pytest.mark.slow)
      for theme in THEMES for no_color in (False, True)
      if (theme, no_color) not in (("ansi-dark", True), ("textual-dark", True))),
])
@async_test
async def test_themes_and_no_color_are_readable(home: Path, monkeypatch: pytest.MonkeyPatch, theme: str,
                                                no_color: bool) -> None:
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)
    app = make_app(manual_clock=True)
    assert app.no_color is no_color
    async with app.run_test(size=(100, 30)) as pilot:
        app.theme = theme
        await pilot.pause()
        cells = render(app)
        for needle in (texts.MAP_TITLE, "Single server"):
            assert needle in cells.text, needle
            assert cells.unreadable(needle) == [], (theme, needle)
        play = await open_level(pilot, LEVEL_1)
        play.advance(120.0)
        await pilot.pause()
        cells = render(app)
        for needle in ("Single server", "p95", "02:00"):
            assert needle in cells.text, needle
            assert cells.unreadable(needle) == [], (theme, needle)
        await pilot.press("f1")
        await pilot.pause()
        cells = render(app)
        assert texts.HELP_TITLE in cells.text
        assert cells.unreadable(texts.HELP_TITLE) == []
    _no_exception(app)
