"""One run of a scene, its pictures at both sizes and in both languages.

Why: a snapshot used to be one app run, so the four pictures of a moment (80×24 and 200×60, in
English and in Korean) replayed the same simulation four times, up to an hour of a level each.
Here the scene runs once; the picture is taken in English at 80×24, the terminal grows to 200×60,
the game switches to Korean as the map's ``g`` key does, and the terminal shrinks back. Each
picture is byte for byte what a fresh app at that size and in that language draws (the four
pictures of level 8 at 34:00 were checked against four fresh runs when this was written), so the
same files also test that a resize and a language switch in the middle of a run leave nothing
behind.

Pictures are syrupy snapshots named ``test_name[params][en-80x24].svg`` and so on, stored,
compared and updated (``--snapshot-update``) like pytest-textual-snapshot's, whose SVG extension
and normalisation they use.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_textual_snapshot import SVGImageExtension
from syrupy.assertion import SnapshotAssertion
from textual.app import App
from textual.pilot import Pilot

from scaleout_tui import i18n

#: (language, (columns, rows)) in the order they are taken: one language switch, two resizes
VIEWS: tuple[tuple[str, tuple[int, int]], ...] = (
    ("en", (80, 24)), ("en", (200, 60)), ("ko", (200, 60)), ("ko", (80, 24)),
)

Scene = Callable[[Pilot[Any]], Awaitable[None]]
Views = Callable[..., list[str]]


def view_name(lang: str, size: tuple[int, int]) -> str:
    return f"{lang}-{size[0]}x{size[1]}"


async def _pictures(app: App[Any], scene: Scene | None, press: Iterable[str],
                    views: Iterable[tuple[str, tuple[int, int]]]) -> list[tuple[str, str]]:
    views = list(views)
    shots: list[tuple[str, str]] = []
    async with app.run_test(size=views[0][1]) as pilot:
        if scene is not None:
            await scene(pilot)
        await pilot.pause()
        await pilot.press(*press)
        for lang, size in views:
            if lang != i18n.active():
                await app.switch_language(lang)  # type: ignore[attr-defined]
            if size != (app.size.width, app.size.height):
                await pilot.resize_terminal(*size)
            # as pytest-textual-snapshot settles before its picture; the switch's toast is not
            # part of the screen being tested
            await pilot.pause()
            await pilot.wait_for_scheduled_animations()
            app.clear_notifications()
            await pilot.pause()
            await pilot.wait_for_scheduled_animations()
            shots.append((view_name(lang, size), app.export_screenshot(title=app.title, simplify=True)))
    return shots


@pytest.fixture
def snap_views(snapshot: SnapshotAssertion, tmp_path: Path) -> Iterator[Views]:
    """``snap_views(app, run_before=scene, press=(), views=VIEWS)``: the names of the views whose
    picture differs from its snapshot (empty: all match). Differing pictures are also written to
    the test's temporary folder, named after their view, to be opened and compared."""
    snapshot = snapshot.use_extension(SVGImageExtension)
    i18n.activate("en")

    def compare(app: App[Any], run_before: Scene | None = None, press: Iterable[str] = (),
                views: Iterable[tuple[str, tuple[int, int]]] = VIEWS) -> list[str]:
        differ = []
        for name, svg in asyncio.run(_pictures(app, run_before, press, views)):
            matches = snapshot(name=name) == svg  # syrupy records (or updates) on ==
            if not matches:
                (tmp_path / f"{name}.svg").write_text(svg, encoding="utf-8")
                differ.append(f"{name} (this run's picture: {tmp_path / name}.svg)")
        return differ

    yield compare
    i18n.activate("en")
