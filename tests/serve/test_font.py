"""``scaleout serve`` draws Hangul with the font bundled with the game, fetched from the server
itself (``assets/fonts/``; ``scaleout_tui/serve.py`` says how).

The routes and the page are checked in-process (aiohttp's test server).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from scaleout_tui import serve

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
