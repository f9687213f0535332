"""``scaleout serve`` draws Hangul with the font bundled with the game, fetched from the server
itself (``assets/fonts/``; ``scaleout_tui/serve.py`` says how).

The routes and the page are checked in-process (aiohttp's test server). The browser test runs a
real server whose tabs run ``hangul_game.py`` (the game itself cannot speak Korean yet on this
branch) and looks at Debian's chromium drawing it: each syllable is a distinct shape inside its
two cells, and the page fetched nothing from anywhere but the server. Then the same page with the
font blocked: on a machine with no Korean font of its own (as fc-list tells; this project's
machines have none), the same cells show no shapes at all (empty cells or identical boxes), so
the shapes came from the bundled font.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from scaleout_tui import serve
from tests.serve import chromium, hangul_game
from tests.serve.test_serve import Served, served

FONT = Path(__file__).parents[2] / "assets" / "fonts" / serve.HANGUL_FONT_FILE


@contextlib.asynccontextmanager
async def client(server: serve.GameServer | None = None) -> AsyncIterator[TestClient[Any, Any]]:
    """The server's routes in this process, on a free port (no game is started)."""
    app = await (server or serve.GameServer())._make_app()
    async with TestClient(TestServer(app)) as http:
        yield http


def page_links(page: str) -> list[str]:
    """Every address the page's markup and styles name: ``src``, ``href``, ``url(...)``,
    ``data-...-url``."""
    attributes = re.findall(r'\b(?:src|href|data-[a-z-]*url)="([^"]*)"', page)
    links = attributes + re.findall(r'url\(\s*["\']?([^"\')]*)', page)
    return [link for link in links if link]  # an empty one names nothing (data-pingurl="")


def test_the_bundled_font_is_a_woff2_with_its_licence_and_readme() -> None:
    data = FONT.read_bytes()
    # WOFF2's header: signature, a TrueType flavour, the file's own length.
    assert data[:4] == b"wOF2" and data[4:8] == b"\x00\x01\x00\x00"
    assert int.from_bytes(data[8:12], "big") == len(data)
    assert 100_000 < len(data) < 500_000, len(data)  # all of Hangul, compressed
    assert "SIL OPEN FONT LICENSE Version 1.1" in (FONT.parent / "OFL.txt").read_text()
    assert "NanumGothicCoding" in (FONT.parent / "README.md").read_text()
    assert serve.hangul_font_path().read_bytes() == data  # where the server finds it


@pytest.mark.timeout(60)
def test_the_font_route_serves_the_woff2_with_its_type_and_cache_headers() -> None:
    async def check() -> None:
        async with client() as http:
            page = await (await http.get("/")).text()
            (url,) = re.findall(r'url\("(/scaleout/fonts/[^"]+)"\)', page)
            resp = await http.get(url)
            assert resp.status == 200
            assert resp.headers["Content-Type"] == "font/woff2"
            assert resp.headers["Cache-Control"] == "public, max-age=31536000, immutable"
            assert resp.headers["X-Content-Type-Options"] == "nosniff"
            assert await resp.read() == FONT.read_bytes()
            etag = resp.headers["ETag"]
            # The same bytes without the page's ?v=: checked again each time, not kept for good.
            resp = await http.get(f"/scaleout/fonts/{serve.HANGUL_FONT_FILE}")
            assert resp.status == 200 and resp.headers["Cache-Control"] == "no-cache"
            assert resp.headers["ETag"] == etag
            resp = await http.get(url, headers={"If-None-Match": etag})
            assert resp.status == 304 and await resp.read() == b""
            # Nothing else under the game's folder, and no listing of it.
            for path in ("/scaleout", "/scaleout/", "/scaleout/fonts", "/scaleout/fonts/",
                         "/scaleout/fonts/x.woff2", "/scaleout/fonts/%2e%2e/%2e%2e/pyproject.toml",
                         "/scaleout/js/"):
                assert (await http.get(path)).status == 404, path

    asyncio.run(check())


@pytest.mark.timeout(60)
def test_the_page_uses_the_font_and_names_no_other_host() -> None:
    async def check() -> None:
        async with client() as http:
            page = await (await http.get("/")).text()
            links = page_links(page)
            (script,) = [link for link in links if link.startswith("/scaleout/js/textual.js?v=")]
            resp = await http.get(script)
            assert resp.status == 200 and resp.headers["Content-Type"].startswith("text/javascript")
            body = await resp.read()
        assert "googleapis" not in page and "gstatic" not in page
        # Every address is this server's: root-relative, or the websocket at the configured host.
        assert links, page
        for link in links:
            assert (link.startswith("/") and not link.startswith("//")) \
                or link.startswith(("ws://127.0.0.1:", "ws://localhost:")), link
        assert "@import" not in page
        # The Hangul face, for the wide characters, preloaded; Roboto Mono from textual-serve's files.
        assert f'font-family: "{serve.HANGUL_FAMILY}";' in page
        assert f"unicode-range: {serve.hangul_unicode_range()};" in page
        assert "U+AC00-D7A3" in serve.hangul_unicode_range()
        assert 'rel="preload"' in page and 'type="font/woff2"' in page
        assert "/static/fonts/RobotoMono-VariableFont_wght.ttf" in links
        # The terminal's font list names it, right after Roboto Mono.
        assert serve.PAGE_TERMINAL_FONTS in body and serve.TERMINAL_FONTS not in body
        assert b"'Roboto Mono', 'Scaleout Hangul', Monaco" in serve.PAGE_TERMINAL_FONTS

    asyncio.run(check())


def test_textual_js_gets_the_font_once_or_is_left_alone() -> None:
    server = serve.GameServer()
    original = (Path(server.statics_path) / "js" / "textual.js").read_bytes()
    patched = serve.terminal_script(original)
    assert patched is not None and patched.count(serve.PAGE_TERMINAL_FONTS) == 1
    assert len(patched) == len(original) + len(serve.PAGE_TERMINAL_FONTS) - len(serve.TERMINAL_FONTS)
    assert server.terminal_script == patched
    # Another textual-serve, whose list reads otherwise (or twice): served as it is.
    assert serve.terminal_script(b"fontFamily:'x'") is None
    assert serve.terminal_script(serve.TERMINAL_FONTS * 2) is None


@pytest.mark.timeout(60)
def test_without_the_font_file_the_page_goes_without(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(serve, "hangul_font_path", lambda: tmp_path / "missing.woff2")

    async def check() -> None:
        async with client() as http:
            page = await (await http.get("/")).text()
            assert (await http.get(f"/scaleout/fonts/{serve.HANGUL_FONT_FILE}")).status == 404
        assert "/scaleout/fonts/" not in page and 'rel="preload"' not in page
        assert 'data-session-websocket-url="' in page

    asyncio.run(check())


# ---- in a browser ---------------------------------------------------------------------------------
#: The server, its tabs running hangul_game.py: serve takes each tab's command from game_argv().
SERVE_HANGUL_GAME = """
import sys
from scaleout_tui import serve
serve.game_argv = lambda lang=None: (sys.executable, {game!r})
serve.serve(port={port})
"""


@contextlib.contextmanager
def serving_hangul(tmp_path: Path) -> Iterator[Served]:
    def command(port: int) -> list[str]:
        return [sys.executable, "-c", SERVE_HANGUL_GAME.format(game=hangul_game.__file__, port=port)]

    with served(tmp_path, command=command) as server:
        yield server


def machine_has_hangul_font() -> bool | None:
    """Whether fontconfig knows a font with Hangul (None: no fc-list to ask)."""
    if shutil.which("fc-list") is None:
        return None
    found = subprocess.run(["fc-list", ":charset=ac00"], capture_output=True, text=True, timeout=30)
    return bool(found.stdout.strip())


Cell = list[bytes]


class Screen:
    """A screenshot of hangul_game.py's screen, its cell grid found from the red marker cells."""

    def __init__(self, png: bytes) -> None:
        self.width, self.height, self.rows = chromium.png_pixels(png)
        boxes = self.red_boxes()
        assert len(boxes) == len(hangul_game.MARKERS), boxes
        (x0, y0, _, _), (x1, _, _, _), (_, y2, _, _) = boxes  # the markers' order: see hangul_game
        (c0, r0), (c1, _), (_, r2) = hangul_game.MARKERS
        self.cell_w = (x1 - x0) / (c1 - c0)
        self.cell_h = (y2 - y0) / (r2 - r0)
        self.left, self.top = x0 - c0 * self.cell_w, y0 - r0 * self.cell_h

    def red_boxes(self) -> list[tuple[int, int, int, int]]:
        """Bounding boxes (x, y, right, bottom) of the pure red areas, top to bottom, left to right."""
        red = {(x, y) for y, row in enumerate(self.rows) for x in range(self.width)
               if row[3 * x] > 200 and row[3 * x + 1] < 60 and row[3 * x + 2] < 60}
        boxes: list[tuple[int, int, int, int]] = []
        while red:
            todo = [red.pop()]
            xs, ys = [], []
            while todo:
                x, y = todo.pop()
                xs.append(x)
                ys.append(y)
                for near in ((x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1)):
                    if near in red:
                        red.remove(near)
                        todo.append(near)
            boxes.append((min(xs), min(ys), max(xs) + 1, max(ys) + 1))
        return sorted(boxes, key=lambda b: (b[1], b[0]))

    def ink(self, column: int, row: int, cells: int) -> Cell:
        """The cells from (column, row), ``cells`` wide, as rows of 0/1 (1: lit, not background),
        a pixel in from each edge (anti-aliasing of the neighbours)."""
        x0 = round(self.left + column * self.cell_w) + 1
        x1 = round(self.left + (column + cells) * self.cell_w) - 1
        y0, y1 = round(self.top + row * self.cell_h) + 1, round(self.top + (row + 1) * self.cell_h) - 1
        return [bytes(int(max(self.rows[y][3 * x:3 * x + 3]) > 110) for x in range(x0, x1))
                for y in range(y0, y1)]


def lit(cell: Cell) -> int:
    return sum(sum(row) for row in cell)


def differ(a: Cell, b: Cell) -> int:
    return sum(p != q for ra, rb in zip(a, b, strict=True) for p, q in zip(ra, rb, strict=True))


def syllables(screen: Screen) -> tuple[list[Cell], list[Cell]]:
    """Each syllable's two cells, and the blank cell after each."""
    glyphs, gaps = [], []
    for i, _ in enumerate(hangul_game.SYLLABLES):
        column = hangul_game.FIRST_COLUMN + 3 * i
        glyphs.append(screen.ink(column, hangul_game.SYLLABLE_ROW, 2))
        gaps.append(screen.ink(column + 2, hangul_game.SYLLABLE_ROW, 1))
    return glyphs, gaps


@pytest.mark.slow
@pytest.mark.timeout(240)
@pytest.mark.skipif(not chromium.available(), reason="Debian's chromium is not installed")
def test_chromium_draws_hangul_with_the_bundled_font(tmp_path: Path) -> None:
    with serving_hangul(tmp_path) as server:
        drawn = asyncio.run(chromium.visit(server.url + "/"))
        blocked = asyncio.run(chromium.visit(server.url + "/", block=["*/scaleout/fonts/*"]))
        code, _, err = server.stop()
    (tmp_path / "hangul.png").write_bytes(drawn.png)
    (tmp_path / "hangul-without-font.png").write_bytes(blocked.png)
    assert drawn.arrived and blocked.arrived, "the screen's bytes never reached the page"
    assert code == 0, err

    # Nothing but this server: the page, its files, its websocket; the bundled font among them.
    own = (f"http://127.0.0.1:{server.port}/", f"ws://127.0.0.1:{server.port}/")
    assert drawn.requests and all(url.startswith(own) for url in drawn.requests), drawn.requests
    assert any(f"/scaleout/fonts/{serve.HANGUL_FONT_FILE}?v=" in url for url in drawn.requests)

    screen = Screen(drawn.png)
    assert 7 <= screen.cell_w <= 12 and 15 <= screen.cell_h <= 26, (screen.cell_w, screen.cell_h)
    glyphs, gaps = syllables(screen)
    area = len(glyphs[0]) * len(glyphs[0][0])
    # Each syllable is drawn (ink: a glyph, not an empty cell), inside its two cells (the blank
    # cell after it stays blank), and each is a shape of its own (no box repeated for all).
    for text, glyph, gap in zip(hangul_game.SYLLABLES, glyphs, gaps, strict=True):
        assert lit(glyph) >= 0.08 * area, (text, lit(glyph), area)
        assert lit(gap) == 0, (text, "spills into the next cell")
    for i, a in enumerate(glyphs):
        for j in range(i):
            assert differ(a, glyphs[j]) >= 0.04 * area, (hangul_game.SYLLABLES[j], hangul_game.SYLLABLES[i])

    # The same page without the bundled font: on a machine with no Korean font, the browser has
    # nothing to draw Hangul with, so the shapes above were the bundled font's. (Where the machine
    # has one of its own, or no fc-list to ask, this control would prove nothing, and is not made.)
    if machine_has_hangul_font() is not False:
        return
    screen = Screen(blocked.png)
    glyphs, _ = syllables(screen)
    assert all(differ(glyph, glyphs[0]) <= 0.01 * area for glyph in glyphs), \
        "without the bundled font the syllables still differ: another font drew them"
