"""The Export action (issue 17) as a player meets it: Ctrl+E or the palette on the play screen and
the debrief, a dialog to choose the format and the folder, files on disk and a notice naming them;
a folder that cannot be written is said inside the dialog, which stays open; Escape writes nothing.

The formats are written by their own modules; these tests register small stand-ins (a
:class:`~scaleout_tui.deploy.design.Format` whose writer states the design it was given), so what
is checked here is the dialog: which design it hands over, where the files go, what it says. One
test exports for real with nginx once that format is registered.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.pilot import Pilot
from textual.widgets import Button, Input, OptionList, Static

from scaleout_tui.deploy import formats
from scaleout_tui.deploy.design import Design, Export, Format, Imported
from scaleout_tui.ui import texts
from scaleout_tui.ui.app import ScaleoutApp, make_app
from scaleout_tui.ui.commands import GameCommands
from scaleout_tui.ui.screens.debrief import DebriefScreen
from scaleout_tui.ui.screens.export import ExportScreen, default_folder
from tests.ui.conftest import LEVEL_1, async_test, open_level, two_level_game
from tests.ui.views import Views

#: the names the real formats take (``scaleout export --to``), in the registry's order
NAMES = ("nginx", "haproxy", "kubernetes", "aws-cloudformation")


def _writer(name: str):  # type: ignore[no-untyped-def]
    """A stand-in writer: one file named after the format, holding the design's knob values."""
    def write(design: Design) -> Export:
        return Export({f"{name}.conf": json.dumps(dict(design.knobs), sort_keys=True)})
    return write


def stand_in(name: str) -> Format:
    return Format(name, frozenset(), _writer(name), lambda _n, _t: False, lambda _n, _t: Imported())


@contextlib.contextmanager
def stand_in_formats(names: tuple[str, ...] = NAMES) -> Iterator[None]:
    """The registry holding stand-ins of ``names`` (and nothing else) for the block's length."""
    saved = dict(formats.FORMATS)
    formats.FORMATS.clear()
    formats.FORMATS.update({n: stand_in(n) for n in names})
    try:
        yield
    finally:
        formats.FORMATS.clear()
        formats.FORMATS.update(saved)


@pytest.fixture
def registered() -> Iterator[None]:
    with stand_in_formats():
        yield


def toasts(app: ScaleoutApp) -> list[str]:
    return [n.message for n in app._notifications]


def dialog(app: ScaleoutApp) -> ExportScreen:
    screen = app.screen
    assert isinstance(screen, ExportScreen), f"expected the export dialog, got {screen!r}"
    return screen


def error_text(screen: ExportScreen) -> str:
    error = screen.query_one("#export-error", Static)
    return str(error.render()) if error.display else ""


async def type_folder(pilot: Pilot[int], folder: Path | str) -> None:
    screen = dialog(pilot.app)  # type: ignore[arg-type]
    screen.query_one("#export-folder", Input).value = str(folder)
    await pilot.pause()


async def to_debrief(pilot: Pilot[int], knobs: dict[str, str]) -> DebriefScreen:
    play = await open_level(pilot)
    for knob_id, value in knobs.items():
        play.session.set_knob(knob_id, value)
    play.advance(play.level.duration_s)
    await pilot.pause()
    debrief = pilot.app.screen
    assert isinstance(debrief, DebriefScreen)
    return debrief


# ---- the play screen ---------------------------------------------------------------------------
@pytest.mark.usefixtures("registered")
@async_test
async def test_ctrl_e_on_the_play_screen_exports_the_settings_chosen_now(home: Path, tmp_path: Path) -> None:
    app = make_app(manual_clock=True)
    async with app.run_test(size=(80, 24)) as pilot:
        play = await open_level(pilot)
        play.session.set_knob("size", "m5.xlarge")
        play.advance(60)
        await pilot.pause()
        before = (play.session.now, play.clock.paused, dict(play.session.knobs))
        await pilot.press("ctrl+e")
        await pilot.pause()
        screen = dialog(app)
        listing = screen.query_one("#export-formats", OptionList)
        assert [listing.get_option_at_index(i).id for i in range(listing.option_count)] == list(NAMES)
        assert listing.has_focus and screen.chosen == "nginx"
        assert screen.query_one("#export-folder", Input).value == f"./scaleout-export/{LEVEL_1}-nginx"
        await pilot.press("down")  # haproxy: the folder follows the format while it is the default
        await pilot.pause()
        assert screen.chosen == "haproxy"
        assert screen.query_one("#export-folder", Input).value == f"./scaleout-export/{LEVEL_1}-haproxy"
        out = tmp_path / "exports" / "mine"
        await type_folder(pilot, out)
        await pilot.press("up", "down")  # a folder typed stays when the format changes
        await pilot.pause()
        assert screen.query_one("#export-folder", Input).value == str(out)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is play
        assert sorted(p.name for p in out.iterdir()) == ["README.md", "haproxy.conf"]
        assert json.loads((out / "haproxy.conf").read_text())["size"] == "m5.xlarge"
        notice = toasts(app)[-1]
        assert str(out) in notice and str(out / "README.md") in notice and "2 files" in notice
        # nothing of the run moved: the same time, still paused, the same settings
        assert (play.session.now, play.clock.paused, dict(play.session.knobs)) == before


@pytest.mark.usefixtures("registered")
@async_test
async def test_the_palette_offers_export_and_the_export_button_writes(home: Path, tmp_path: Path) -> None:
    app = make_app(manual_clock=True)
    async with app.run_test(size=(200, 60)) as pilot:
        play = await open_level(pilot)
        commands = {name: callback for name, _, callback in GameCommands(play).commands()}
        assert texts.CMD_EXPORT in commands
        hits = [hit async for hit in GameCommands(play).search("export")]
        assert hits and str(hits[0].text) == texts.CMD_EXPORT
        app.call_later(commands[texts.CMD_EXPORT])  # as the palette runs the chosen command
        await pilot.pause()
        screen = dialog(app)
        # a click on a format chooses it (the third row); it does not export yet
        await pilot.click("#export-formats", offset=(2, 2))
        await pilot.pause()
        assert app.screen is screen and screen.chosen == "kubernetes"
        await type_folder(pilot, tmp_path / "by-button")
        await pilot.click("#export-ok")
        await pilot.pause()
        assert app.screen is play
        assert sorted(p.name for p in (tmp_path / "by-button").iterdir()) == ["README.md", "kubernetes.conf"]


# ---- the debrief -------------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.usefixtures("registered")
@async_test
async def test_the_debrief_exports_the_settings_the_run_ended_with(home: Path, tmp_path: Path) -> None:
    app = make_app(manual_clock=True)
    async with app.run_test(size=(80, 24)) as pilot:
        debrief = await to_debrief(pilot, {"size": "m5.2xlarge"})
        shown = [b.description for _, b, _, _ in debrief.active_bindings.values() if b.show]
        assert texts.KEY_EXPORT in shown  # the debrief's footer has the room
        names = [name for name, _, _ in GameCommands(debrief).commands()]
        assert texts.CMD_EXPORT in names
        await pilot.press("ctrl+e")
        await pilot.pause()
        await pilot.press("end")  # the last format
        await type_folder(pilot, tmp_path / "debrief")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is debrief
        written = json.loads((tmp_path / "debrief" / "aws-cloudformation.conf").read_text())
        assert written["size"] == "m5.2xlarge"
        assert (tmp_path / "debrief" / "README.md").is_file()
        assert str(tmp_path / "debrief") in toasts(app)[-1]


# ---- for real ------------------------------------------------------------------------------------
@async_test
async def test_a_real_nginx_export_from_the_play_screen(home: Path, tmp_path: Path) -> None:
    """The registered nginx format, through the dialog: the files ``scaleout export --to nginx``
    writes, the README naming them (``tests/deploy/test_nginx.py`` has nginx itself check them)."""
    assert "nginx" in formats.FORMATS
    app = make_app(manual_clock=True)
    async with app.run_test(size=(80, 24)) as pilot:
        play = await open_level(pilot)
        await pilot.press("ctrl+e")
        await pilot.pause()
        screen = dialog(app)
        await pilot.press(*["down"] * list(formats.FORMATS).index("nginx"))
        assert screen.chosen == "nginx"
        await type_folder(pilot, tmp_path / "real")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is play
        conf = tmp_path / "real" / "nginx.conf"
        assert conf.is_file() and "server {" in conf.read_text(encoding="utf-8")
        assert "nginx.conf" in (tmp_path / "real" / "README.md").read_text(encoding="utf-8")
        assert str(tmp_path / "real" / "README.md") in toasts(app)[-1]


# ---- what goes wrong stays in the dialog -------------------------------------------------------
@pytest.mark.usefixtures("registered")
@async_test
async def test_a_folder_under_a_file_is_said_in_the_open_dialog(home: Path, tmp_path: Path) -> None:
    in_the_way = tmp_path / "a-file"
    in_the_way.write_text("not a folder\n")
    app = make_app(manual_clock=True)
    async with app.run_test(size=(80, 24)) as pilot:
        play = await open_level(pilot)
        await pilot.press("ctrl+e")
        await pilot.pause()
        screen = dialog(app)
        assert error_text(screen) == ""
        await type_folder(pilot, in_the_way / "out")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        said = error_text(screen)
        assert str(in_the_way) in said and said.startswith(texts.EXPORT_WRITE_FAILED.split("{")[0])
        # the folder is still typed in, and the focus is there to fix it
        folder = screen.query_one("#export-folder", Input)
        assert folder.value == str(in_the_way / "out") and folder.has_focus
        # the error fits the dialog at 80×24: the buttons are still on screen under it
        for button in screen.query(Button):
            assert button.region.bottom <= 24 and button.region.height > 0
        # fixed, the export goes through and the error is gone with the dialog
        await type_folder(pilot, tmp_path / "fixed")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is play and (tmp_path / "fixed" / "nginx.conf").is_file()


@pytest.mark.usefixtures("registered")
@async_test
async def test_an_empty_folder_and_clashing_settings_are_said_not_raised(home: Path, tmp_path: Path) -> None:
    app = make_app(manual_clock=True)
    async with app.run_test(size=(80, 24)) as pilot:
        play = await open_level(pilot)
        await pilot.press("ctrl+e")
        await pilot.pause()
        screen = dialog(app)
        await type_folder(pilot, "   ")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen and error_text(screen) == texts.EXPORT_NO_FOLDER
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is play
        # settings the level refuses (here a knob it does not have): the content layer's reason
        app.push_screen(ExportScreen(play.level, {"no_such_knob": "1"}))
        await pilot.pause()
        screen = dialog(app)
        await type_folder(pilot, tmp_path / "never")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert error_text(screen).startswith(texts.EXPORT_DESIGN_FAILED.split("{")[0])
        assert "no_such_knob" in error_text(screen)
        assert not (tmp_path / "never").exists()


@pytest.mark.usefixtures("registered")
@async_test
async def test_escape_cancels_and_writes_nothing(home: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # where the default folder would go
    app = make_app(manual_clock=True)
    async with app.run_test(size=(80, 24)) as pilot:
        play = await open_level(pilot)
        await pilot.press("ctrl+e")
        await pilot.pause()
        dialog(app)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is play and not play.ended
        assert not (tmp_path / "scaleout-export").exists() and toasts(app) == []
        # Escape closed the dialog only, not the run; Enter takes the default folder, relative
        # to where the game was started
        await pilot.press("ctrl+e", "enter")
        await pilot.pause()
        assert (tmp_path / "scaleout-export" / f"{LEVEL_1}-nginx" / "nginx.conf").is_file()


@async_test
async def test_with_no_format_registered_the_dialog_says_so(home: Path) -> None:
    with stand_in_formats(()):
        app = make_app(manual_clock=True)
        async with app.run_test(size=(80, 24)) as pilot:
            await open_level(pilot)
            await pilot.press("ctrl+e")
            await pilot.pause()
            screen = dialog(app)
            assert screen.query_one("#export-none", Static).render()
            assert screen.query_one("#export-ok", Button).disabled
            await pilot.press("enter")  # in the folder: nothing to write, said
            await pilot.pause()
            assert app.screen is screen and error_text(screen) == texts.EXPORT_NO_FORMATS


@async_test
async def test_a_writer_that_fails_is_said_not_raised(home: Path, tmp_path: Path) -> None:
    """A writer's own bug on some design ends in the dialog's words, never the player's run."""
    def broken(design: Design) -> Export:
        raise KeyError("lb.algorithm")

    with stand_in_formats(()):
        formats.FORMATS["broken"] = Format("broken", frozenset(), broken, lambda _n, _t: False,
                                           lambda _n, _t: Imported())
        app = make_app(manual_clock=True)
        async with app.run_test(size=(80, 24)) as pilot:
            play = await open_level(pilot)
            await pilot.press("ctrl+e")
            await pilot.pause()
            screen = dialog(app)
            await type_folder(pilot, tmp_path / "broken")
            await pilot.press("enter")
            await pilot.pause()
            assert app.screen is screen
            assert "broken" in error_text(screen) and "lb.algorithm" in error_text(screen)
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is play and not play.ended


# ---- layout: 80×24 to 200×60, and Hangul two cells wide ----------------------------------------
@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
@async_test
async def test_the_dialog_fits_with_wide_words_and_a_long_folder(home: Path, size: tuple[int, int],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Descriptions in Hangul (two cells a syllable) and a long folder: every part of the dialog
    inside the screen, the buttons whole, each description wrapped rather than cut."""
    hangul = {n: "설정 파일을 실제 도구가 읽는 형식으로 씁니다 " * 3 for n in NAMES}
    monkeypatch.setattr(texts, "EXPORT_FORMATS", hangul)
    with stand_in_formats():
        app = make_app(manual_clock=True)
        async with app.run_test(size=size) as pilot:
            await open_level(pilot)
            await pilot.press("ctrl+e")
            await pilot.pause()
            screen = dialog(app)
            folder = "/" + "아주-긴-폴더-이름/" * 12
            await type_folder(pilot, folder)
            listing = screen.query_one("#export-formats", OptionList)
            assert listing.region.height >= 4
            for error in (None, texts.EXPORT_WRITE_FAILED.format(path=folder, reason="권한이 없습니다")):
                if error is not None:  # the worst case: a long path in the error, in Hangul
                    screen.show_error(error)
                    await pilot.pause()
                box = screen.query_one("#export-box")
                width, height = size
                assert box.region.right <= width and box.region.bottom <= height
                for widget in box.query("*"):
                    if widget.display and widget.region.height:
                        assert box.region.contains_region(widget.region), widget
                for button in screen.query(Button):
                    assert button.region.height == 3 and button.region.width >= cell_len(str(button.label))


# ---- the scene the screenshots take (test_snapshots_ko.py can take the same) -------------------
async def scene_export_dialog(pilot: Pilot[int]) -> None:
    """The export dialog over level 1's paused board, the four formats listed. Stand-ins take the
    real formats' names (the dialog shows only names and descriptions), so the picture does not
    depend on which format modules are registered yet; the dialog reads the registry when it
    opens, so the stand-ins can go at once."""
    await open_level(pilot)
    with stand_in_formats():
        await pilot.press("ctrl+e")
        await pilot.pause()
    assert isinstance(pilot.app.screen, ExportScreen)
    await pilot.pause()


def test_export_dialog(snap_views: Views, home: Path) -> None:
    assert not snap_views(two_level_game(), run_before=scene_export_dialog)


def test_the_default_folder_is_per_level_and_format() -> None:
    from scaleout_tui.content import find_level, load_level

    level = load_level(find_level(LEVEL_1))
    assert default_folder(level, "kubernetes") == f"./scaleout-export/{LEVEL_1}-kubernetes"
    assert Path(default_folder(level, "nginx")).parts == ("scaleout-export", f"{LEVEL_1}-nginx")


@pytest.mark.usefixtures("registered")
@async_test
async def test_a_change_of_language_under_the_dialog_keeps_the_choice_and_the_folder(
        home: Path, tmp_path: Path) -> None:
    from scaleout_tui import i18n
    from scaleout_tui.ui.navigation import SwitchLanguage

    app = make_app(manual_clock=True)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await open_level(pilot)
            await pilot.press("ctrl+e", "down", "down")
            await type_folder(pilot, tmp_path / "typed")
            screen = dialog(app)
            app.post_message(SwitchLanguage("ko"))
            await pilot.pause()
            await pilot.pause()
            assert app.screen is screen and i18n.active() == "ko"
            assert screen.query_one("#export-folder", Input).value == str(tmp_path / "typed")
            assert screen.query_one("#export-formats", OptionList).highlighted == 2
            assert screen.query_one("#export-formats", OptionList).has_focus
            await pilot.press("enter")
            await pilot.pause()
            assert (tmp_path / "typed" / "kubernetes.conf").is_file()
    finally:
        i18n.activate("en")
