"""``scaleout serve``: the game in a browser, through textual-serve.

The server runs for real, as a subprocess on a free port, with progress kept in a temporary
``SCALEOUT_HOME``. One test plays the browser's part over HTTP and the websocket (the frames
are the game's own terminal output); one, where Debian's chromium is installed, looks at the
game in a real browser. The listening address rules are checked in-process, without binding.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from scaleout_tui import cli, serve, texts
from scaleout_tui.ui.campaign import load_content
from tests.serve import chromium, hangul_game

ANSI = re.compile(rb"\x1b(\[[0-9;?$]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-B]|[=>])")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Served:
    """A running ``scaleout serve`` subprocess."""

    def __init__(self, proc: subprocess.Popen[str], port: int) -> None:
        self.proc, self.port = proc, port
        self.url = f"http://127.0.0.1:{port}"

    def descendants(self) -> list[int]:
        """Process ids below the server (the game processes each browser session starts)."""
        found, todo = [], [self.proc.pid]
        while todo:
            pid = todo.pop()
            for task in Path(f"/proc/{pid}/task").glob("*"):
                with contextlib.suppress(OSError):
                    kids = [int(k) for k in (task / "children").read_text().split()]
                    found += kids
                    todo += kids
        return found

    def stop(self, timeout: float = 15.0, *, interrupt: bool = True) -> tuple[int, str, str]:
        """Ctrl+C (unless sent already), then the exit code and output."""
        if interrupt:
            self.proc.send_signal(signal.SIGINT)
        out, err = self.proc.communicate(timeout=timeout)
        return self.proc.returncode, out, err


@contextlib.contextmanager
def served(tmp_path: Path, *args: str, command: Callable[[int], list[str]] | None = None) -> Iterator[Served]:
    """``scaleout serve --port <free port> ARGS...``, or ``command(port)`` when given."""
    port = free_port()
    env = {**os.environ, "SCALEOUT_HOME": str(tmp_path / "home"), "NO_COLOR": "1", "COLUMNS": "200"}
    argv = command(port) if command is not None else \
        [sys.executable, "-m", "scaleout_tui", "serve", "--port", str(port), *args]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    server = Served(proc, port)
    try:
        deadline = time.monotonic() + 30
        while True:
            assert proc.poll() is None, f"the server exited: {proc.communicate()}"
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            assert time.monotonic() < deadline, "the server did not start listening in 30 s"
            time.sleep(0.1)
        yield server
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def screen_text(frames: bytes) -> str:
    """What the terminal output says, escape sequences removed."""
    return ANSI.sub(b"", frames).decode("utf-8", "replace")


async def play_in_browser_tab(server: Served) -> tuple[str, str, str, list[int], float]:
    """Fetch the page, open the websocket, read frames until the campaign map shows; then stop
    the server (Ctrl+C twice) with the tab still open. Returns the page, the screen text, the page as seen
    from another host name, the game processes seen, and how long the websocket took to close."""
    async with aiohttp.ClientSession() as http:
        async with http.get(server.url + "/") as resp:
            assert resp.status == 200
            page = await resp.text()
        async with http.get(server.url + "/", headers={"Host": "classroom.example:8123"}) as resp:
            elsewhere = await resp.text()
        async with http.ws_connect(server.url + "/ws?width=120&height=40") as ws:
            frames = b""
            deadline = time.monotonic() + 30
            while "Single server" not in screen_text(frames) or "Campaign" not in screen_text(frames):
                msg = await asyncio.wait_for(ws.receive(), max(deadline - time.monotonic(), 0.1))
                assert msg.type == aiohttp.WSMsgType.BINARY, msg
                frames += msg.data
            games = server.descendants()
            started = time.monotonic()
            server.proc.send_signal(signal.SIGINT)
            time.sleep(0.05)
            server.proc.send_signal(signal.SIGINT)  # an impatient second Ctrl+C changes nothing
            while not ws.closed:
                msg = await asyncio.wait_for(ws.receive(), 15)
                if msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
                    break
            return page, screen_text(frames), elsewhere, games, time.monotonic() - started


@pytest.mark.slow
def test_serve_page_websocket_frames_and_clean_shutdown(tmp_path: Path) -> None:
    with served(tmp_path) as server:
        page, screen, elsewhere, games, closed_in = asyncio.run(play_in_browser_tab(server))
        code, out, err = server.stop(interrupt=False)
    # The page is textual-serve's terminal, pointed at this server's websocket...
    assert f'data-session-websocket-url="ws://127.0.0.1:{server.port}/ws"' in page
    # ...whatever host the browser claims: a name this server does not know is not copied into
    # the page (issue 15); static files are root-relative, so they come from wherever the page did.
    assert f'data-session-websocket-url="ws://127.0.0.1:{server.port}/ws"' in elsewhere
    assert "classroom.example" not in elsewhere
    assert '<script src="/scaleout/js/textual.js?v=' in elsewhere
    # The frames are the game itself: its campaign map with the first level and the locked rest.
    stars = f"0 of {3 * len(load_content().levels)} stars"  # three a level, as many as there are
    for words in ("Campaign", "1. Single server", "2. Two tiers", "locked", stars):
        assert words in screen, (words, screen[:2000])
    # One game process for the one tab; Ctrl+C ends the tab, the game, the server.
    assert games, "no game process ran under the server"
    assert closed_in < 5, f"the open tab was closed {closed_in:.1f} s after Ctrl+C"
    assert code == 0, (out, err)
    assert [pid for pid in games if Path(f"/proc/{pid}").exists()] == []
    assert out.splitlines()[0] == texts.SERVE_LISTENING.format(url=server.url)
    assert "Traceback" not in out + err
    assert texts.SERVE_EXPOSED.split(",")[0].format(host="127.0.0.1") not in err


@pytest.mark.slow
@pytest.mark.skipif(not chromium.available(), reason="Debian's chromium is not installed")
def test_chromium_shows_the_game(tmp_path: Path) -> None:
    with served(tmp_path) as server:
        png, arrived = asyncio.run(chromium.screenshot(server.url + "/"))
        code, _, err = server.stop()
    (tmp_path / "browser.png").write_bytes(png)
    assert arrived, "the game's first bytes never reached the page"
    width, height, rows = chromium.png_pixels(png)
    assert width >= 1000 and height >= 500
    colours = Counter(row[i:i + 3] for row in rows for i in range(0, len(row), 3))
    # A drawn game has text in several colours, anti-aliased: hundreds of colours, no one
    # covering the page. (textual-serve's loading dialog, which a too-early shot catches,
    # is 85 % one colour; a blank page is one colour.)
    assert len(colours) >= 200, len(colours)
    assert colours.most_common(1)[0][1] <= 0.75 * width * height
    assert code == 0, err


# ---- the address rules, in-process ---------------------------------------------------------------
class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []


@pytest.fixture
def no_listen(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    """``serve.serve`` up to the point of listening: the server's ``serve`` only records."""
    rec = Recorder()
    monkeypatch.setattr(serve.GameServer, "serve",
                        lambda self, debug=False: rec.calls.append((self.host, self.port)))
    return rec


def test_default_is_this_machine_only_and_silent(no_listen: Recorder,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["serve"]) == 0
    assert no_listen.calls == [("127.0.0.1", 8000)]
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "teacher.example"])
def test_any_other_address_warns_there_is_no_password(host: str, no_listen: Recorder,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["serve", "--host", host, "--port", "8123"]) == 0
    assert no_listen.calls == [(host, 8123)]
    err = capsys.readouterr().err
    assert err == texts.SERVE_EXPOSED.format(host=host, port=8123) + "\n"
    assert "no password" in err and "--host 127.0.0.1" in err


@pytest.mark.parametrize("host", ["localhost", "::1", "127.0.0.2"])
def test_loopback_addresses_do_not_warn(host: str, no_listen: Recorder,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["serve", "--host", host]) == 0
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("port", ["0", "65536", "-1", "http", "80.5"])
def test_a_bad_port_is_a_usage_error(port: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["serve", "--port", port]) == 2
    assert texts.BAD_PORT.format(arg=port) in capsys.readouterr().err


def test_a_taken_port_is_one_line_and_exit_1(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "scaleout_tui", "serve", "--port", str(port)],
                              capture_output=True, text=True, timeout=60,
                              env={**os.environ, "SCALEOUT_HOME": str(tmp_path)})
    assert done.returncode == 1
    assert done.stdout == ""  # never "serving on ..." when it is not
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"cannot listen on 127.0.0.1 port {port}: "), lines


def test_each_tab_runs_this_interpreter_and_package() -> None:
    assert serve.game_argv() == (sys.executable, "-m", "scaleout_tui", "play")  # no shell between
    assert serve.game_command().endswith(" -m scaleout_tui play")


def test_lang_goes_to_the_game_right_after_the_program() -> None:
    program = (sys.executable, "-m", "scaleout_tui")
    assert serve.game_argv("ko") == (*program, "--lang", "ko", "play")
    assert serve.game_argv("en") == (*program, "--lang", "en", "play")
    assert serve.game_argv() == (*program, "play")  # no --lang: the game's own choice
    assert serve.game_command("ko").endswith(" -m scaleout_tui --lang ko play")


@pytest.mark.parametrize("argv, lang", [(["serve", "--lang", "ko"], "ko"), (["serve", "--lang", "en"], "en"),
                                        (["serve"], None)])
def test_serve_lang_reaches_the_server(argv: list[str], lang: str | None,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    servers: list[serve.GameServer] = []
    monkeypatch.setattr(serve.GameServer, "serve", lambda self, debug=False: servers.append(self))
    assert cli.main(argv) == 0
    (server,) = servers
    assert server.lang == lang
    assert server.command == serve.game_command(lang)


@pytest.mark.timeout(60)
def test_each_tab_starts_its_game_in_the_served_lang(monkeypatch: pytest.MonkeyPatch) -> None:
    """A tab's websocket, in this process: the server starts the game with ``--lang ko``. (What
    runs instead is hangul_game.py, a stand-in that prints Hangul at once.)"""
    started: list[tuple[str, ...]] = []
    start = asyncio.create_subprocess_exec

    async def instead(*argv: str, **kwargs: Any) -> asyncio.subprocess.Process:
        started.append(argv)
        return await start(sys.executable, hangul_game.__file__, **kwargs)

    monkeypatch.setattr(serve.asyncio, "create_subprocess_exec", instead)

    async def tab() -> bytes:
        app = await serve.GameServer(lang="ko")._make_app()
        async with TestClient(TestServer(app)) as http, http.ws_connect("/ws?width=80&height=24") as ws:
            msg = await asyncio.wait_for(ws.receive(), 30)
            assert msg.type == aiohttp.WSMsgType.BINARY, msg
            data: bytes = msg.data
            return data

    assert hangul_game.SYLLABLES in asyncio.run(tab()).decode().replace(" ", "")
    assert started == [(sys.executable, "-m", "scaleout_tui", "--lang", "ko", "play")]


@pytest.mark.parametrize("lang", ["de", "KO", ""])
def test_serve_refuses_another_lang(lang: str, capsys: pytest.CaptureFixture[str],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(serve.GameServer, "serve", lambda self, debug=False: pytest.fail("served"))
    assert cli.main(["serve", "--lang", lang]) == 2
    assert "--lang" in capsys.readouterr().err


def test_urls_bracket_ipv6() -> None:
    assert serve.url("127.0.0.1", 8000) == "http://127.0.0.1:8000"
    assert serve.url("::1", 8000) == "http://[::1]:8000"


def test_help_lists_serve(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--help"]) == 0
    assert "serve" in capsys.readouterr().out
