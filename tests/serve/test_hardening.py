"""``scaleout serve`` in a classroom (issue 15): who may open a game, and that no game outlives
its tab or the server.

The end-to-end tests run the real server (``python -m scaleout_tui serve``, a free port, a
temporary ``SCALEOUT_HOME``) and a real websocket client (aiohttp's). Games are counted by
scanning ``/proc`` for ``scaleout_tui play`` processes whose ``SCALEOUT_HOME`` is this test's:
a leaked game is re-parented (to PID 1), so the server's children alone would miss it, and the
home folder tells this test's games from those of tests running beside it.

Every wait polls against a generous deadline (two busy cores): nothing sleeps a fixed time and
hopes. The rules themselves (which origins, which hosts, which sizes) are checked in-process.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any
from unittest import mock

import aiohttp
import pytest
from aiohttp.test_utils import make_mocked_request

from scaleout_tui import cli, serve, texts
from tests.serve.test_serve import Served, screen_text, served

pytestmark = pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="counts games in /proc")

#: How long a game may take to go once its tab is gone: quit, then SIGTERM after GAME_EXIT_S,
#: then SIGKILL after GAME_EXIT_S more, plus plenty of room for a loaded machine.
GONE_WITHIN_S = 2 * serve.GAME_EXIT_S + 40


# ---- counting games ----------------------------------------------------------------------------------
def games(home: Path) -> list[int]:
    """Game processes (``-m scaleout_tui play``) whose ``SCALEOUT_HOME`` is ``home``, wherever
    they are in the process tree."""
    wanted = f"SCALEOUT_HOME={home}".encode()
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            argv = (proc / "cmdline").read_bytes().split(b"\0")
            if b"scaleout_tui" in argv and b"play" in argv \
                    and wanted in (proc / "environ").read_bytes().split(b"\0"):
                found.append(int(proc.name))
    return found


def wait_until(check: Callable[[], bool], within: float, what: str) -> None:
    deadline = time.monotonic() + within
    while not check():
        assert time.monotonic() < deadline, f"{what}: not within {within:.0f} s"
        time.sleep(0.1)


async def await_until(check: Callable[[], bool], within: float, what: str) -> None:
    deadline = time.monotonic() + within
    while not check():
        assert time.monotonic() < deadline, f"{what}: not within {within:.0f} s"
        await asyncio.sleep(0.1)


@contextlib.contextmanager
def server(tmp_path: Path, *args: str) -> Any:
    """The real server, and its home folder (what its games are counted by)."""
    with served(tmp_path, *args) as running:
        yield running, tmp_path / "home"


@contextlib.asynccontextmanager
async def tab(running: Served, origin: str | None = None) -> AsyncIterator[aiohttp.ClientWebSocketResponse]:
    """A websocket to the game, open once the game shows its campaign map.

    Why wait for the map, not the first frame: a game told to quit while its first screen is
    still mounting prints a traceback (``CampaignScreen.on_mount`` finds its list gone), which
    the server passes on to its terminal; that is the game's start-up, not what is tested here.
    """
    async with aiohttp.ClientSession() as http, \
            http.ws_connect(running.url + "/ws?width=100&height=30", origin=origin) as ws:
        frames, deadline = b"", time.monotonic() + 60
        while "Campaign" not in screen_text(frames) or "Single server" not in screen_text(frames):
            msg = await asyncio.wait_for(ws.receive(), max(deadline - time.monotonic(), 0.1))
            assert msg.type == aiohttp.WSMsgType.BINARY, msg
            frames += msg.data
        yield ws


async def flood(ws: aiohttp.ClientWebSocketResponse, within: float = 3.0) -> int:
    """Send keys (12 kB of arrows a message) until the server stops taking them or ``within``
    seconds have passed; returns how many messages went."""
    keys = json.dumps(["stdin", "\x1b[A\x1b[B" * 2000])
    sent, until = 0, time.monotonic() + within
    while time.monotonic() < until:
        try:
            await asyncio.wait_for(ws.send_str(keys), 1)
        except TimeoutError:
            break
        sent += 1
    return sent


async def huge_resize(ws: aiohttp.ClientWebSocketResponse, within: float = 5.0) -> int:
    """Ask for a 3000×3000 screen and read what the game draws for up to ``within`` seconds or
    256 kB (textual-serve's game, drawing that, grew to hundreds of MB); returns the bytes read."""
    await ws.send_str(json.dumps(["resize", {"width": 3000, "height": 3000}]))
    await ws.send_str(json.dumps(["stdin", "\t"]))  # something to redraw
    read, until = 0, time.monotonic() + within
    with contextlib.suppress(TimeoutError):
        while read < 256 * 1024 and time.monotonic() < until:
            msg = await asyncio.wait_for(ws.receive(), max(until - time.monotonic(), 0.1))
            if msg.type != aiohttp.WSMsgType.BINARY:
                break
            read += len(msg.data)
    return read


def abort(ws: aiohttp.ClientWebSocketResponse) -> None:
    """Drop the connection as a crashed browser or a pulled cable does: no close frame, the TCP
    connection reset. (aiohttp has no public way to do this; its connection is ``_conn``.)"""
    transport = ws._conn.transport if ws._conn is not None else None
    assert transport is not None
    transport.abort()


# ---- end to end ------------------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.timeout(180)
@pytest.mark.parametrize("origin", ["http://evil.example", "null", "http://127.0.0.1:1"])
def test_a_foreign_origin_is_refused_and_starts_no_game(tmp_path: Path, origin: str) -> None:
    async def attempt(running: Served) -> int:
        async with aiohttp.ClientSession() as http:
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await http.ws_connect(running.url + "/ws", origin=origin)
            return refused.value.status

    with server(tmp_path) as (running, home):
        assert asyncio.run(attempt(running)) == 403
        # Refused before anything starts: no game now, and none a moment later.
        assert games(home) == [] and running.descendants() == []
        code, out, err = running.stop()
    assert code == 0 and "Traceback" not in out + err


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_same_origin_plays_and_the_game_ends_with_the_tab(tmp_path: Path) -> None:
    async def play(running: Served, home: Path) -> None:
        for origin in (running.url, f"http://localhost:{running.port}", None):
            async with tab(running, origin) as ws:
                assert len(games(home)) == 1
                await ws.send_str(json.dumps(["ping", "hello"]))
                while (msg := await asyncio.wait_for(ws.receive(), 60)).type == aiohttp.WSMsgType.BINARY:
                    pass
                assert msg.type == aiohttp.WSMsgType.TEXT and json.loads(msg.data) == ["pong", "hello"]
            await await_until(lambda: games(home) == [], GONE_WITHIN_S, "the closed tab's game to end")

    with server(tmp_path) as (running, home):
        asyncio.run(play(running, home))
        code, out, err = running.stop()
    assert code == 0 and "Traceback" not in out + err


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_an_allowed_origin_plays_and_its_page_points_at_it(tmp_path: Path) -> None:
    async def play(running: Served, home: Path) -> str:
        async with tab(running, "http://class.example:9000"):
            assert len(games(home)) == 1
        async with aiohttp.ClientSession() as http, \
                http.get(running.url + "/", headers={"Host": "class.example:9000"}) as resp:
            assert resp.status == 200
            return await resp.text()

    with server(tmp_path, "--allow-origin", "http://class.example:9000") as (running, home):
        page = asyncio.run(play(running, home))
        wait_until(lambda: games(home) == [], GONE_WITHIN_S, "the closed tab's game to end")
        running.stop()
    assert 'data-session-websocket-url="ws://class.example:9000/ws"' in page


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_an_abrupt_disconnect_after_a_huge_resize_leaves_no_game(tmp_path: Path) -> None:
    async def play(running: Served, home: Path) -> None:
        async with tab(running) as ws:
            assert len(games(home)) == 1
            await huge_resize(ws)
            abort(ws)

    with server(tmp_path) as (running, home):
        asyncio.run(play(running, home))
        wait_until(lambda: games(home) == [], GONE_WITHIN_S, "the dropped tab's game to end")
        assert running.proc.poll() is None, "the server itself ended"
        code, out, err = running.stop()
    assert code == 0 and "Traceback" not in out + err


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_a_stdin_flood_then_a_disconnect_leaves_no_game(tmp_path: Path) -> None:
    async def play(running: Served, home: Path) -> int:
        async with tab(running) as ws:
            assert len(games(home)) == 1
            sent = await flood(ws)
            abort(ws)
            return sent

    with server(tmp_path) as (running, home):
        assert asyncio.run(play(running, home)) > 0
        wait_until(lambda: games(home) == [], GONE_WITHIN_S, "the flooded tab's game to end")
        assert running.proc.poll() is None, "the server itself ended"
        code, out, err = running.stop()
    assert code == 0 and "Traceback" not in out + err


@pytest.mark.slow
@pytest.mark.timeout(180)
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_stopping_the_server_with_a_tab_open_leaves_no_game(tmp_path: Path, sig: signal.Signals) -> None:
    async def play_then_stop(running: Served, home: Path) -> None:
        async with tab(running) as ws:
            assert len(games(home)) == 1
            await huge_resize(ws)
            await flood(ws, within=1)
            running.proc.send_signal(sig)
            while (await asyncio.wait_for(ws.receive(), GONE_WITHIN_S)).type not in (
                    aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                pass

    with server(tmp_path) as (running, home):
        asyncio.run(play_then_stop(running, home))
        code, out, err = running.stop(timeout=GONE_WITHIN_S, interrupt=False)
        wait_until(lambda: games(home) == [], GONE_WITHIN_S, "the games to end with the server")
    assert code == 0, (out, err)
    assert "Traceback" not in out + err


@pytest.mark.timeout(120)
def test_folders_are_not_listed_and_a_plain_get_of_the_websocket_is_a_400(tmp_path: Path) -> None:
    async def get(running: Served, path: str) -> tuple[int, str]:
        async with aiohttp.ClientSession() as http, http.get(running.url + path) as resp:
            return resp.status, await resp.text()

    with server(tmp_path) as (running, home):
        for folder in ("/static", "/static/", "/static/js/", "/static/css", "/scaleout/", "/scaleout/fonts/"):
            assert asyncio.run(get(running, folder))[0] == 404, folder
        assert asyncio.run(get(running, "/static/js/textual.js"))[0] == 200
        assert asyncio.run(get(running, "/ws")) == (400, texts.SERVE_NOT_WEBSOCKET)
        assert games(home) == []
        code, out, err = running.stop()
    assert code == 0
    assert "Traceback" not in out + err and "Error" not in out + err, out + err


# ---- the rules, in-process -----------------------------------------------------------------------------
def request(headers: dict[str, str], local: str = "127.0.0.1") -> Any:
    """A request as the server sees it, reaching this machine at ``local``."""
    transport = mock.Mock()
    transport.get_extra_info.side_effect = \
        lambda name, default=None: (local, 8000) if name == "sockname" else default
    return make_mocked_request("GET", "/ws", headers=headers, transport=transport)


@pytest.mark.parametrize(("host", "origin", "allowed"), [
    ("127.0.0.1", None, True),  # no browser: nothing to protect against (see the module's docstring)
    ("127.0.0.1", "http://127.0.0.1:8000", True),
    ("127.0.0.1", "http://localhost:8000", True),
    ("127.0.0.1", "http://[::1]:8000", True),
    ("127.0.0.1", "http://evil.example", False),
    ("127.0.0.1", "http://evil.example:8000", False),  # DNS rebinding: a foreign name, our port
    ("127.0.0.1", "http://127.0.0.1:8001", False),  # another port, another server
    ("127.0.0.1", "https://127.0.0.1:8000", False),  # this server speaks http only
    ("127.0.0.1", "null", False),  # a sandboxed frame or a file:// page
    ("127.0.0.1", "http://user@127.0.0.1:8000", False),
    ("0.0.0.0", "http://192.168.1.20:8000", True),  # the address the connection reached
    ("0.0.0.0", "http://192.168.1.21:8000", False),
    ("0.0.0.0", "http://localhost:8000", True),
    ("192.168.1.20", "http://192.168.1.20:8000", True),
    ("192.168.1.20", "http://localhost:8000", False),  # not listening on loopback
    ("teacher.example", "http://teacher.example:8000", True),
])
def test_which_origins_may_open_a_game(host: str, origin: str | None, allowed: bool) -> None:
    server = serve.GameServer(host, 8000)
    headers = {} if origin is None else {"Origin": origin}
    assert server.origin_allowed(request(headers, local="::ffff:192.168.1.20" if host != "127.0.0.1"
                                         else "127.0.0.1")) is allowed


def test_allow_origin_adds_origins() -> None:
    server = serve.GameServer("127.0.0.1", 8000, ["https://class.example", "http://Teacher.local:8000/"])
    assert server.origin_allowed(request({"Origin": "https://class.example"}))
    assert server.origin_allowed(request({"Origin": "https://class.example:443"}))
    assert server.origin_allowed(request({"Origin": "http://teacher.local:8000"}))
    assert not server.origin_allowed(request({"Origin": "http://class.example"}))


@pytest.mark.parametrize(("host", "header", "page"), [
    # Listening on one address, the page points there, whatever the Host says...
    ("127.0.0.1", "evil.example:8000", ("http", "127.0.0.1", 8000)),
    ("192.168.1.20", "classroom.example:8123", ("http", "192.168.1.20", 8000)),
    # ...unless the Host names this server, as typed (localhost, this address).
    ("127.0.0.1", "localhost:8000", ("http", "localhost", 8000)),
    ("0.0.0.0", "192.168.1.20:8000", ("http", "192.168.1.20", 8000)),
    ("0.0.0.0", "LOCALHOST:8000", ("http", "localhost", 8000)),
    # Listening everywhere, an unknown name has no address to point at: refused.
    ("0.0.0.0", "evil.example:8000", None),
    ("0.0.0.0", "192.168.1.20:9999", None),
    ("::", "", None),
])
def test_where_the_page_points_its_websocket(host: str, header: str, page: serve.Origin | None) -> None:
    server = serve.GameServer(host, 8000)
    assert server.page_origin(request({"Host": header}, local="192.168.1.20")) == page


def test_an_allowed_origin_is_where_the_page_points_when_it_is_the_host() -> None:
    server = serve.GameServer("0.0.0.0", 8000, ["https://class.example"])
    assert server.page_origin(request({"Host": "class.example"})) == ("https", "class.example", 443)
    assert serve.origin_url("wss", "class.example", 443) == "wss://class.example"


@pytest.mark.parametrize(("width", "height", "size"), [
    (120, 40, (120, 40)),
    (3000, 3000, (serve.MAX_COLUMNS, serve.MAX_ROWS)),
    (0, -5, (1, 1)),
    (10**12, 24, (serve.MAX_COLUMNS, 24)),
    ("80", 24, None),
    (80.5, 24, None),
    (True, 24, None),
    (None, None, None),
])
def test_sizes_are_clamped(width: object, height: object, size: tuple[int, int] | None) -> None:
    assert serve.terminal_size(width, height) == size


class FakeGame:
    """What the relay may call on a game: only the queues, none of which waits for the game."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []

    def queue_keys(self, data: bytes) -> bool:
        self.calls.append(("stdin", data))
        return True

    def queue_size(self, width: int, height: int) -> None:
        self.calls.append(("resize", (width, height)))

    def queue_focus(self, focused: bool) -> None:
        self.calls.append(("focus", focused))


class StuckPipe:
    """A game's input pipe that takes nothing until ``opened`` is set, as a game far behind on
    its input: every write is kept, and ``drain`` waits."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.opened = asyncio.Event()

    def write(self, data: bytes) -> None:
        self.writes.append(data)

    async def drain(self) -> None:
        await self.opened.wait()


class FakeSocket:
    def __init__(self, *texts: str) -> None:
        self.messages = [aiohttp.WSMessage(aiohttp.WSMsgType.TEXT, t, None) for t in texts]
        self.sent: list[Any] = []

    def __aiter__(self) -> FakeSocket:
        return self

    async def __anext__(self) -> aiohttp.WSMessage:
        await asyncio.sleep(0)  # a message comes from the network: others run meanwhile
        if not self.messages:
            raise StopAsyncIteration
        return self.messages.pop(0)

    async def send_json(self, data: Any) -> None:
        self.sent.append(data)


def test_the_relay_clamps_sizes_and_ignores_malformed_messages() -> None:
    game, socket = FakeGame(), FakeSocket(
        '["resize", {"width": 3000, "height": 3000}]', "not json", "{}", "[]", '["stdin", 5]',
        '["resize", {"width": "wide"}]', '["resize", 7]', '["stdin", "q"]', '["ping", 1]', '["focus"]',
    )
    asyncio.run(serve.GameServer()._relay(socket, game))  # type: ignore[arg-type]
    assert game.calls == [("resize", (serve.MAX_COLUMNS, serve.MAX_ROWS)), ("stdin", b"q"), ("focus", True)]
    assert socket.sent == [["pong", 1]]


def test_a_game_behind_on_its_input_does_not_hold_up_the_tab() -> None:
    """The CI failure of session 30: a 3 s flood of keys, then the tab dropped, and the game
    lived 37-100 s, because the handler waited on the game's pipe and never saw the drop. Now the
    relay reads every message at once, at most MAX_PENDING_KEYS of keys wait (the rest are
    dropped), and the size and focus that wait are only the latest."""
    async def scene() -> tuple[list[bytes], list[bytes], int]:
        game = serve.GameAppService("unused", write_bytes=None, write_str=None, close=None,
                                    download_manager=mock.Mock())
        pipe = StuckPipe()
        game._stdin = pipe  # type: ignore[assignment]
        writer = asyncio.create_task(game._write_input())
        chunk = "\x1b[A\x1b[B" * 2000  # 12 kB, as the end-to-end flood
        socket = FakeSocket('["stdin", "q"]', *[json.dumps(["stdin", chunk])] * 200,
                            '["resize", {"width": 90, "height": 30}]', '["blur"]',
                            '["resize", {"width": 100, "height": 40}]', '["focus"]')
        await asyncio.wait_for(serve.GameServer()._relay(socket, game), 5)  # type: ignore[arg-type]
        stuck = list(pipe.writes)
        kept = len(game._keys)
        pipe.opened.set()
        while game._input_waiting.is_set() or game._keys:
            await asyncio.sleep(0)
        await asyncio.sleep(0)
        writer.cancel()
        await asyncio.gather(writer, return_exceptions=True)
        return stuck, pipe.writes[len(stuck):], kept

    stuck, then, kept = asyncio.run(scene())
    packet = serve.GameAppService.encode_packet
    assert stuck == [packet(b"D", b"q")]  # the first key went, and the game took nothing since
    assert kept <= serve.MAX_PENDING_KEYS and kept == 12_000 * (serve.MAX_PENDING_KEYS // 12_000)
    assert then[0] == packet(b"M", json.dumps({"type": "resize", "width": 100, "height": 40}).encode())
    assert then[1] == packet(b"M", json.dumps({"type": "focus"}).encode())
    assert then[2] == packet(b"D", ("\x1b[A\x1b[B" * 2000).encode() * (kept // 12_000))
    assert len(then) == 3


# ---- the command line ------------------------------------------------------------------------------------
@pytest.mark.parametrize("host", ["", " ", "\t"])
def test_an_empty_host_is_a_usage_error(host: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["serve", "--host", host]) == 2
    err = capsys.readouterr().err
    assert texts.BAD_HOST.format(arg=host) in err
    assert "warning" not in err and "Traceback" not in err


@pytest.mark.parametrize("origin", ["evil.example", "ftp://x.example", "http://x.example/path", "http://",
                                    "http://x.example:99999", "null"])
def test_a_bad_allow_origin_is_a_usage_error(origin: str, capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(serve.GameServer, "serve", lambda self, debug=False: pytest.fail("served"))
    assert cli.main(["serve", "--allow-origin", origin]) == 2
    assert texts.BAD_ORIGIN.format(arg=origin) in capsys.readouterr().err


def test_allow_origin_repeats_and_reaches_the_server(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[serve.Origin, ...]] = []
    monkeypatch.setattr(serve.GameServer, "serve",
                        lambda self, debug=False: seen.append(self.allowed_origins))
    argv = ["serve", "--allow-origin", "http://a.example:8000", "--allow-origin", "https://b.example"]
    assert cli.main(argv) == 0
    assert seen == [(("http", "a.example", 8000), ("https", "b.example", 443))]
