"""Changing the language in the game, as a player does: the map's key, the command palette. Every
screen on the stack redraws in the new language, a run goes on, and the choice is saved."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Static

from scaleout_tui import i18n
from scaleout_tui.ui import texts
from scaleout_tui.ui.app import ScaleoutApp, make_app
from scaleout_tui.ui.navigation import SwitchLanguage
from scaleout_tui.ui.screens.campaign import CampaignScreen
from scaleout_tui.ui.screens.play import PlayScreen
from scaleout_tui.ui.widgets.clockbar import ClockBar
from tests.ui.conftest import async_test, open_level


def _hangul(text: str) -> bool:
    return any("\uac00" <= ch <= "\ud7a3" for ch in text)


def _footer_keys(app: ScaleoutApp) -> list[str]:
    return [b.description for _, b, _, _ in app.screen.active_bindings.values() if b.show]


def _saved_language(home: Path) -> str | None:
    saved: str | None = json.loads((home / "progress.json").read_text(encoding="utf-8")).get("language")
    return saved


@async_test
async def test_the_map_key_switches_language_and_back_and_saves_it(home: Path) -> None:
    app = make_app(manual_clock=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        english_keys = _footer_keys(app)
        assert "한국어" in english_keys  # named in the language it switches to
        await pilot.press("g")
        await pilot.pause()
        assert i18n.active() == "ko"
        assert isinstance(app.screen, CampaignScreen)
        assert _hangul(str(app.screen.query_one("#map-list-box").border_title))
        keys = _footer_keys(app)
        assert "English" in keys and any(_hangul(k) for k in keys)
        assert _hangul(app.content.levels[0].title)
        assert _saved_language(home) == "ko"
        await pilot.press("g")
        await pilot.pause()
        assert i18n.active() == "en"
        assert _footer_keys(app) == english_keys
        assert app.screen.query_one("#map-list-box").border_title == texts.MAP_TITLE == "Campaign"
        assert _saved_language(home) == "en"


@async_test
async def test_a_run_goes_on_in_the_new_language(home: Path) -> None:
    app = make_app(manual_clock=True)
    async with app.run_test(size=(100, 30)) as pilot:
        play = await open_level(pilot)
        play.advance(30.0)
        await pilot.pause()
        session = play.session
        clock = session.sim.now
        app.post_message(SwitchLanguage("ko"))
        await pilot.pause()
        await pilot.pause()
        assert app.screen is play and isinstance(play, PlayScreen)
        assert play.session is session and session.sim.now == clock
        assert _hangul(play.level.title)
        shown = " ".join(str(w.render()) for w in play.query(Static))
        assert _hangul(shown)
        # the new widgets are filled at once, though the paused run has no tick to fill them
        assert "web-1" in str(play.query_one("#topology").render())
        assert _hangul(play.session.level.objectives[0].label)  # the objectives panel's names
        clockbar = play.query_one("#clockbar", ClockBar)
        assert clockbar.data.paused and _hangul(clockbar.data.level) and clockbar.data.t == clock
        play.advance(10.0)  # the run goes on, drawn by the new widgets
        await pilot.pause()
        assert session.sim.now > clock


@async_test
async def test_a_setting_changed_before_the_switch_is_logged_in_the_new_words(home: Path) -> None:
    """The log's "You set X to Y" lines were worded when the change was made; after a switch
    they read as a line logged now would (the knob's label and the choice in the new words)."""
    app = make_app(manual_clock=True)
    async with app.run_test(size=(100, 30)) as pilot:
        play = await open_level(pilot)
        knob = play.level.knobs[0]
        value = next(c for c in knob.choices if c != play.session.knobs[knob.id])
        play.session.set_knob(knob.id, value)
        before = [e for e in play.session.sim.log if e.code == "knob"][-1]
        assert not _hangul(str(before.params["label"]))
        await app.switch_language("ko")
        await pilot.pause()
        after = [e for e in play.session.sim.log if e.code == "knob"][-1]
        assert after.t == before.t and after.params["choice"] == value
        label = str(after.params["label"])
        assert label == play.session.level.knobs[0].label and _hangul(label)


@async_test
async def test_the_palette_offers_the_other_language(home: Path) -> None:
    from scaleout_tui.ui.commands import GameCommands

    app = make_app(manual_clock=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        provider = GameCommands(app.screen)
        names = [name for name, _, _ in provider.commands()]
        assert texts.CMD_LANGUAGE.format(name="한국어") in names
        assert texts.CMD_LANGUAGE.format(name="English") not in names
