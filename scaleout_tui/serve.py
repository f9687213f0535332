"""Play in a browser: ``scaleout serve`` runs the game under textual-serve, for a classroom.

textual-serve is a small aiohttp server: its page holds a terminal emulator, and each browser
tab that opens the page gets its own game process (``python -m scaleout_tui play`` under
Textual's web driver), wired to the tab through a websocket. Nothing here changes the game;
this module chooses what runs and where it listens, and decides who may start a game.

The server has no password and every tab starts a process on the teacher's machine, so it
differs from textual-serve's defaults, each for a room full of students (issue 15 for most):

- **It listens on 127.0.0.1 unless told otherwise.** Offering it to a network must be a
  deliberate ``--host``, and then a warning says so.
- **A websocket opens only for this server's own pages.** Browsers send ``Origin`` with every
  websocket handshake, and no site can forge another's, so a page on any other site (which could
  otherwise open ``ws://127.0.0.1:8000/ws`` from a student's browser and drive a game there) is
  answered 403 before any process starts. "Own" means an ``http`` origin on this server's port
  whose host is the configured ``--host``, the address the connection actually reached, a
  loopback name when the server listens on loopback or everywhere, or this machine's name when
  it listens everywhere; ``--allow-origin`` adds more (a reverse proxy, a DNS name). A handshake
  *without* ``Origin`` is accepted: only a non-browser client omits it, and such a client could
  send any ``Origin`` it liked, so refusing it would protect nothing and break scripts and tests.
- **The page's addresses come from the configuration, not from the request's ``Host``.**
  textual-serve (and this module before issue 15) copied ``Host`` into the page's websocket URL;
  a name that a DNS-rebinding page made point here would then be same-origin with the page it
  served. Now the ``Host`` is used only when it names this server as above (so
  ``http://localhost:8000`` and ``http://<teacher's address>:8000`` both work, as typed);
  otherwise the page points at the configured ``--host``, and when that is a wildcard
  (``0.0.0.0``, ``::``), which no browser can connect to, the request is refused with 400 and a
  line saying how to allow the name. Static files are linked root-relative (``/static/…``),
  which every browser resolves against the page it loaded; the websocket URL stays absolute,
  because older browsers refuse a relative one in ``new WebSocket``.
- **Each game runs in its own session (process group), without a shell,** and leaving the page,
  losing the connection or stopping the server ends the whole group: asked to quit, then
  ``SIGTERM`` after :data:`GAME_EXIT_S`, then ``SIGKILL``. textual-serve ran ``/bin/sh -c``
  and stopped only the shell, and only once the game's output ended, so a game that was busy
  (a 3000×3000 screen) or whose input pipe was full (a flood of keys) outlived its tab, and the
  server, as an orphan of hundreds of MB. The server also cancels a session's handler as soon as
  its connection drops (aiohttp's ``handler_cancellation``), and the handler never waits for
  the game to take the tab's input (it is queued, and a flood beyond
  :data:`MAX_PENDING_KEYS` is dropped): a handler that waited stopped reading the connection,
  and a tab dropped after a flood went unnoticed until the game had caught up.
- **Sizes are clamped** to :data:`MAX_COLUMNS` × :data:`MAX_ROWS`, the first size (the
  websocket's query string) and every resize: a real screen never needs more, and the game's
  memory grows with the cell count.
- **No directory listings** under ``/static/`` or ``/scaleout/`` (404), and a plain ``GET /ws``
  is a one-line 400, not a traceback in the teacher's terminal. Malformed messages from a tab
  are ignored.
- **The page fetches nothing from another host** (a classroom may have no internet, and a font
  host learns who plays), and draws Hangul. textual-serve's page loaded Roboto Mono from a font
  host, and Hangul came from whatever the browser had: often nothing (empty cells or boxes), or
  a font of the wrong width. This page (:data:`PAGE`, textual-serve's with its fonts changed)
  takes Roboto Mono from textual-serve's own static folder and Hangul from a font bundled with
  the game (``assets/fonts/``: a subset of NanumGothicCoding, one em wide, so a syllable fits its
  two cells), both from this server. The terminal's font list is fixed inside textual.js, so the
  page loads textual.js from ``/scaleout/js/`` with the Hangul font added to that list right
  after Roboto Mono (:func:`terminal_script`): Latin stays Roboto Mono's, and bold Hangul is
  the browser's bold of the regular face. The terminal opens once the fonts have loaded:
  xterm.js measures its cell and caches each glyph as first drawn, so a font that came later
  would never be used.

Why the game command names this interpreter: a ``scaleout`` found on ``PATH`` could belong to
another install (another version, another virtual environment) than the server's.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import ipaddress
import json
import os
import shlex
import signal
import socket
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
import jinja2
from aiohttp import WSMsgType, web
from aiohttp.typedefs import Handler
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from scaleout_tui import texts
from scaleout_tui.content import assets_dir

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
#: Addresses reachable only from this machine: no warning for these.
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
#: Addresses that mean "every interface": something to listen on, never to connect to.
WILDCARD_HOSTS = frozenset({"0.0.0.0", "::"})
#: The largest terminal a tab may ask for. A 4K screen (3840×2160 pixels) at a tiny 8×12-pixel
#: font is 480×180 cells; the game lays out for 80×24 and up. Past this, a tab only costs memory.
MAX_COLUMNS = 500
MAX_ROWS = 200
#: How long a game that was told to quit may take before it is terminated, and then killed.
GAME_EXIT_S = 5.0
#: The most keys kept for a game that is not reading them. A person types a few bytes a second
#: and a paste is a few kB; past this a tab is flooding, and what does not fit is dropped.
MAX_PENDING_KEYS = 64 * 1024

#: The bundled Hangul font (``assets/fonts/``, its README says where from): the file, its family
#: on the page, and the characters the page takes from it. Only characters a terminal draws two
#: cells wide (East Asian Wide or Fullwidth: the game and xterm.js agree on those), which the
#: font draws one em wide, so each fits in its two cells (Roboto Mono's cell is 0.6 em). Latin,
#: box drawing and the other narrow characters stay with Roboto Mono and the fonts after it.
HANGUL_FONT_FILE = "scaleout-hangul.woff2"
HANGUL_FAMILY = "Scaleout Hangul"
HANGUL_RANGES: tuple[tuple[int, int], ...] = (
    (0x3000, 0x303E),  # CJK symbols and punctuation: 、。「」『』〈〉《》【】, the ideographic space
    (0x3131, 0x318E),  # Hangul compatibility jamo: ㄱ ㅏ
    (0x3200, 0x321E),  # parenthesised Hangul: ㈀
    (0x3260, 0x327F),  # circled Hangul: ㉠ ㉮
    (0xAC00, 0xD7A3),  # the 11,172 Hangul syllables, 가 to 힣
    (0xFF01, 0xFF60),  # fullwidth ASCII: ！（），：？
    (0xFFE0, 0xFFE6),  # fullwidth signs: ￦
)

#: An origin as compared here: scheme, host (lower case, an IPv6 address without brackets), port.
Origin = tuple[str, str, int]
DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}
#: The page each tab loads: textual-serve's, with fonts from this server (the module's docstring).
PAGE = Path(__file__).with_name("serve_page.html")
#: The terminal's font list in textual-serve's textual.js (1.1.x), and what the page's copy says.
TERMINAL_FONTS = b"fontFamily:\"'Roboto Mono', Monaco, 'Courier New', monospace\""
PAGE_TERMINAL_FONTS = TERMINAL_FONTS.replace(b"'Roboto Mono', ",
                                             f"'Roboto Mono', '{HANGUL_FAMILY}', ".encode())
#: How long a browser may keep a file whose address names its version (``?v=``).
IMMUTABLE = "public, max-age=31536000, immutable"


def game_argv(lang: str | None = None) -> tuple[str, ...]:
    """What each browser tab runs: this interpreter playing this package (no shell between), in
    ``lang`` when given (the game's own ``--lang``, before its subcommand)."""
    program = (sys.executable, "-m", "scaleout_tui")
    return (*program, *(("--lang", lang) if lang is not None else ()), "play")


def game_command(lang: str | None = None) -> str:
    """:func:`game_argv` as one shell-quoted line, for textual-serve's messages."""
    return shlex.join(game_argv(lang))


def hangul_unicode_range() -> str:
    """:data:`HANGUL_RANGES` as CSS ``unicode-range``: ``U+3000-303E, ...``."""
    return ", ".join(f"U+{low:04X}-{high:04X}" for low, high in HANGUL_RANGES)


def hangul_font_path() -> Path:
    """Where the bundled Hangul font is (``assets/fonts/``, shipped in the wheel)."""
    return assets_dir() / "fonts" / HANGUL_FONT_FILE


def terminal_script(original: bytes) -> bytes | None:
    """textual-serve's textual.js with :data:`HANGUL_FAMILY` in its terminal's font list, right after
    Roboto Mono; None when that list is not in it exactly once (another textual-serve)."""
    if original.count(TERMINAL_FONTS) != 1:
        return None
    return original.replace(TERMINAL_FONTS, PAGE_TERMINAL_FONTS)


def version_of(data: bytes) -> str:
    """A short hash of ``data``: the ``?v=`` in its address, and its ETag."""
    return hashlib.sha256(data).hexdigest()[:16]


def versioned_response(request: web.Request, body: bytes, version: str, content_type: str) -> web.Response:
    """``body`` (whose :func:`version_of` is ``version``), cacheable for good at the address that
    names its version (``?v=``, as the page links it), checked again each time at any other
    (``no-cache``, its ETag)."""
    etag = f'"{version}"'
    headers = {
        "Cache-Control": IMMUTABLE if request.query.get("v") == version else "no-cache",
        "ETag": etag,
        "X-Content-Type-Options": "nosniff",
    }
    if etag in (tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")):
        return web.Response(status=304, headers=headers)
    return web.Response(body=body, headers={**headers, "Content-Type": content_type})


def is_local(host: str) -> bool:
    """Whether ``host`` keeps the server to this machine (a loopback address)."""
    return host in LOCAL_HOSTS or host.startswith("127.")


def is_wildcard(host: str) -> bool:
    """Whether ``host`` means every interface (``0.0.0.0``, ``::``, spelt any way)."""
    return normal_host(host) in WILDCARD_HOSTS


def url(host: str, port: int) -> str:
    """``http://host:port``, with an IPv6 address in brackets."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def normal_host(host: str) -> str:
    """A host as compared here: lower case, no brackets, an IP address in its canonical form
    (``0:0::1`` is ``::1``, and an IPv4 address seen through an IPv6 socket is the IPv4 one)."""
    host = host.strip().lower().removeprefix("[").removesuffix("]")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(address)


def parse_origin(text: str) -> Origin | None:
    """``scheme://host[:port]`` (an ``Origin`` header, an ``--allow-origin``) as an :data:`Origin`,
    or None when it is not an http(s) origin (``null``, a path, a user name, a bad port)."""
    try:
        parts = urlsplit(text.strip())
        port = parts.port
    except ValueError:
        return None
    if (parts.scheme not in ("http", "https") or not parts.hostname or parts.username is not None
            or parts.password is not None or parts.path not in ("", "/") or parts.query
            or parts.fragment or port == 0):
        return None
    if port is None:
        port = DEFAULT_PORTS[parts.scheme]
    return parts.scheme, normal_host(parts.hostname), port


def parse_host_header(text: str) -> tuple[str, int | None] | None:
    """A ``Host`` header as (host, port or None), or None when it is not ``host[:port]``."""
    if not text or any(c in text for c in "/?#@\\ \t"):
        return None
    try:
        parts = urlsplit("//" + text)
        port = parts.port
    except ValueError:
        return None
    if not parts.hostname:
        return None
    return normal_host(parts.hostname), port


def origin_url(scheme: str, host: str, port: int) -> str:
    """``scheme://host[:port]``, the port left out when it is the scheme's default."""
    shown = f"[{host}]" if ":" in host else host
    return f"{scheme}://{shown}" if DEFAULT_PORTS.get(scheme) == port else f"{scheme}://{shown}:{port}"


def terminal_size(width: object, height: object) -> tuple[int, int] | None:
    """A size a tab asked for, clamped to 1..:data:`MAX_COLUMNS` × 1..:data:`MAX_ROWS`; None when
    either is not a whole number (JSON's ``true`` is not one)."""
    if not (isinstance(width, int) and isinstance(height, int)) or isinstance(width, bool) \
            or isinstance(height, bool):
        return None
    return min(max(width, 1), MAX_COLUMNS), min(max(height, 1), MAX_ROWS)


def _signal_group(process: asyncio.subprocess.Process, sig: signal.Signals) -> None:
    """Send ``sig`` to the game's whole process group (its own, see ``start_new_session``).

    After the game itself has been reaped its group id could in principle name a new group, but
    only once the system has handed out every other process id in between; a group with no
    process left is simply not found.
    """
    with contextlib.suppress(ProcessLookupError, PermissionError):
        if sys.platform == "win32":  # no process groups: the game itself
            process.kill()
        else:
            os.killpg(process.pid, sig)


async def _exited(process: asyncio.subprocess.Process, within: float) -> bool:
    """Whether ``process`` ended within ``within`` seconds."""
    try:
        await asyncio.wait_for(process.wait(), within)
    except TimeoutError:
        return False
    return True


class GameAppService(AppService):
    """textual-serve's per-tab service, starting the game in a session of its own and stopping it
    for sure.

    Why the whole of ``stop`` is replaced: textual-serve's ``stop`` sends "quit" and waits for the
    game's output to end, with no time limit, and waits for the game's input pipe to drain first:
    a game that is busy, or has a pipe full of keys, never answers, and the tab's handler waited
    forever while the game lived on. Here each step has a deadline, and the process group is
    terminated, then killed, when the game does not leave by itself. ``stop`` is shielded and
    idempotent: the tab's handler (cancelled when its connection drops) and the server's shutdown
    can both call it, and neither can cut it short.

    Why the tab's input is queued (:meth:`queue_keys`, :meth:`queue_size`, :meth:`queue_focus`)
    and written by a task of its own: textual-serve's handler waited for the game to take each
    message before reading the next. A game behind on a flood of keys then held the handler,
    aiohttp stopped reading the connection, and a tab that dropped went unnoticed until the game
    had worked through everything sent: 90 s after a 3 s flood, the game running all the while.
    Now the handler always reads on, so a dropped connection is seen at once; at most
    :data:`MAX_PENDING_KEYS` of keys wait, and only the latest size and focus.
    """

    def __init__(self, *args: Any, lang: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._stopping: asyncio.Future[None] | None = None
        #: The game's language (its ``--lang``), or None for the game's own choice.
        self.lang = lang
        self._keys = bytearray()
        self._size: tuple[int, int] | None = None
        self._focused: bool | None = None
        self._input_waiting = asyncio.Event()
        self._input_task: asyncio.Task[None] | None = None

    @property
    def process(self) -> asyncio.subprocess.Process | None:
        """The game's process, once started."""
        return self._process

    async def _open_app_process(self, width: int = 80, height: int = 24) -> asyncio.subprocess.Process:
        """The game, without a shell, as the leader of a new session (and so of its own process
        group): stopping the group stops everything the game started, and Ctrl+C in the
        teacher's terminal reaches the server, which stops the games, rather than each game."""
        self._process = process = await asyncio.create_subprocess_exec(
            *game_argv(self.lang),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self._build_environment(width=width, height=height),
            start_new_session=True,
        )
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    async def start(self, width: int, height: int) -> None:
        await super().start(width, height)
        self._input_task = asyncio.create_task(self._write_input())

    def queue_keys(self, data: bytes) -> bool:
        """Queue keys for the game; False when they were dropped (a flood, see the class)."""
        if len(self._keys) + len(data) > MAX_PENDING_KEYS:
            return False
        self._keys += data
        self._input_waiting.set()
        return True

    def queue_size(self, width: int, height: int) -> None:
        """Queue a new terminal size; only the latest is kept (an earlier one is stale)."""
        self._size = (width, height)
        self._input_waiting.set()

    def queue_focus(self, focused: bool) -> None:
        """Queue the tab's focus (True) or blur (False); only the latest is kept."""
        self._focused = focused
        self._input_waiting.set()

    async def _write_input(self) -> None:
        """Write what the tab queued to the game, waiting for the game to take it: the size
        first (the keys may be meant for the new layout), then the focus, then the keys."""
        while True:
            await self._input_waiting.wait()
            self._input_waiting.clear()
            size, self._size = self._size, None
            focused, self._focused = self._focused, None
            keys, self._keys = bytes(self._keys), bytearray()
            if size is not None:
                await self.set_terminal_size(*size)
            if focused is not None:
                await (self.focus() if focused else self.blur())
            if keys:
                await self.send_bytes(keys)

    async def stop(self) -> None:
        if self._stopping is None:
            self._stopping = asyncio.ensure_future(self._stop())
        await asyncio.shield(self._stopping)

    async def _stop(self) -> None:
        writer, self._input_task = self._input_task, None
        if writer is not None:  # what the game has not taken yet is not for it any more
            writer.cancel()
            await asyncio.gather(writer, return_exceptions=True)
        await self._download_manager.cancel_app_downloads(app_service_id=self.app_service_id)
        process = self._process
        if process is not None:
            if process.returncode is None:
                self._ask_to_quit()
                if not await _exited(process, GAME_EXIT_S):
                    _signal_group(process, signal.SIGTERM)
                    if not await _exited(process, GAME_EXIT_S):
                        _signal_group(process, getattr(signal, "SIGKILL", signal.SIGTERM))
                        await process.wait()
            # Anything the game started and left behind.
            _signal_group(process, getattr(signal, "SIGKILL", signal.SIGTERM))
        task, self._task = self._task, None
        if task is not None:
            # It reads the game's output to its end, which comes once the group is gone.
            try:
                await asyncio.wait_for(asyncio.shield(task), GAME_EXIT_S)
            except TimeoutError:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)

    def _ask_to_quit(self) -> None:
        """Queue "quit" and close the game's input, without waiting for a game that does not read
        (the pipe transport keeps what does not fit, until the process is gone)."""
        stdin = self._stdin
        if stdin is None:
            return
        with contextlib.suppress(RuntimeError, ConnectionError):
            stdin.write(self.encode_packet(b"M", json.dumps({"type": "quit"}).encode()))
        with contextlib.suppress(RuntimeError, ConnectionError):
            stdin.close()

    async def on_data(self, payload: bytes) -> None:
        """The game's screen to the tab; once the tab is gone, the output is dropped rather than
        ending the reader, so a game told to quit is not left blocked writing to a full pipe."""
        with contextlib.suppress(ConnectionError, RuntimeError):
            await self.remote_write_bytes(payload)


@web.middleware
async def no_directory_listing(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A folder under ``/static/`` is not found (aiohttp answers 403 without a listing): nothing
    tells a visitor which folders exist."""
    try:
        return await handler(request)
    except web.HTTPForbidden:
        if request.match_info.route.name == "static" or request.path.startswith("/static"):
            raise web.HTTPNotFound() from None
        raise


class GameServer(Server):
    """textual-serve's server for the game: origin and host checks, games in process groups that
    end with their tab, clamped sizes, and the game's start-up lines."""

    def __init__(self, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
                 allow_origins: Iterable[str] = (), lang: str | None = None) -> None:
        """Raises ``ValueError`` for an ``allow_origins`` entry that is not an http(s) origin."""
        super().__init__(game_command(lang), host=host, port=port, title=texts.SERVE_TITLE)
        #: Each game's language (``--lang``), or None for the game's own choice.
        self.lang = lang
        #: The bundled Hangul font, or None when this install lacks it: then the page goes
        #: without, and Hangul is the browser's.
        try:
            self.hangul_font: bytes | None = hangul_font_path().read_bytes()
        except OSError:
            self.hangul_font = None
        #: textual.js with the Hangul font in its terminal's font list (:func:`terminal_script`),
        #: or as it is when that list is not found: Hangul is then the browser's.
        original = (Path(self.statics_path) / "js" / "textual.js").read_bytes()
        self.terminal_script = terminal_script(original) or original
        self._versions = {"font": version_of(self.hangul_font or b""),
                          "script": version_of(self.terminal_script)}
        allowed = []
        for text in allow_origins:
            origin = parse_origin(text)
            if origin is None:
                raise ValueError(texts.BAD_ORIGIN.format(arg=text))
            allowed.append(origin)
        #: Origins accepted besides the server's own (``--allow-origin``).
        self.allowed_origins: tuple[Origin, ...] = tuple(allowed)
        self._host = normal_host(host)
        self._wildcard = self._host in WILDCARD_HOSTS
        names: set[str] = {self._host}
        if self._wildcard or is_local(self._host):
            names |= LOCAL_HOSTS
        if self._wildcard:
            machine = socket.gethostname().lower()
            names |= {machine, f"{machine}.local"}  # ".local": what mDNS (Bonjour, Avahi) answers to
        self._names = frozenset(names)
        #: The handlers of open browser sessions, and the game each one runs.
        self._sessions: set[asyncio.Task[Any]] = set()
        self._games: set[GameAppService] = set()
        self._exiting = False

    # ---- who may connect ----------------------------------------------------------------------
    def own_hosts(self, request: web.Request) -> frozenset[str]:
        """The host names this request may use for this server: see the module's docstring."""
        transport = request.transport
        sockname = transport.get_extra_info("sockname") if transport is not None else None
        if isinstance(sockname, tuple) and sockname and isinstance(sockname[0], str):
            return self._names | {normal_host(sockname[0].split("%")[0])}
        return self._names

    def origin_allowed(self, request: web.Request) -> bool:
        """Whether a websocket handshake comes from this server's page (or an allowed one, or no
        browser at all: no ``Origin``)."""
        header = request.headers.get("Origin")
        if header is None:
            return True
        origin = parse_origin(header)
        if origin is None:
            return False
        if origin in self.allowed_origins:
            return True
        scheme, host, port = origin
        return scheme == "http" and port == self.port and host in self.own_hosts(request)

    def page_origin(self, request: web.Request) -> Origin | None:
        """The origin the page's websocket should connect to: the one the browser used when it
        names this server, else the configured one; None when that is a wildcard."""
        header = parse_host_header(request.headers.get("Host", ""))
        if header is not None:
            host, port = header
            for origin in self.allowed_origins:
                if origin[1] == host and port in (None, origin[2]):
                    return origin
            if (port or DEFAULT_PORTS["http"]) == self.port and host in self.own_hosts(request):
                return "http", host, self.port
        if self._wildcard:
            return None
        return "http", self._host, self.port

    # ---- the app ------------------------------------------------------------------------------
    async def _make_app(self) -> web.Application:
        """textual-serve's routes, with static files that list no folder, this module's page
        (:data:`PAGE`) and the Hangul font."""
        app = web.Application(middlewares=[no_directory_listing])
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(PAGE.parent))
        app.add_routes([
            web.get("/", self.handle_index, name="index"),
            web.get("/ws", self.handle_websocket, name="websocket"),
            web.get("/download/{key}", self.handle_download, name="download"),
            web.get(f"/scaleout/fonts/{HANGUL_FONT_FILE}", self.handle_hangul_font, name="hangul_font"),
            web.get("/scaleout/js/textual.js", self.handle_terminal_script, name="terminal_script"),
            web.static("/static", self.statics_path, show_index=False, name="static"),
        ])
        app.on_startup.append(self.on_startup)
        app.on_shutdown.append(self.on_shutdown)
        return app

    @aiohttp_jinja2.template(PAGE.name)
    async def handle_index(self, request: web.Request) -> dict[str, Any]:
        """The page, its websocket pointed at this server (see :meth:`page_origin`), its fonts
        from this server (see :data:`PAGE`)."""
        origin = self.page_origin(request)
        if origin is None:
            shown = request.headers.get("Host", "")[:200]
            raise web.HTTPBadRequest(text=texts.SERVE_UNKNOWN_HOST.format(host=shown))
        scheme, host, port = origin
        ws_scheme = "wss" if scheme == "https" else "ws"
        router = request.app.router
        ws_path = router["websocket"].url_for()
        static_path = str(router["static"].url_for(filename="/")).rstrip("/") + "/"
        font = router["hangul_font"].url_for().with_query(v=self._versions["font"])
        script = router["terminal_script"].url_for().with_query(v=self._versions["script"])
        return {
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "app_websocket_url": f"{origin_url(ws_scheme, host, port)}{ws_path}",
            "config": {"static": {"url": static_path}},
            "application": {"name": self.title},
            "terminal_script_url": str(script),
            "hangul_font_url": str(font) if self.hangul_font is not None else "",
            "hangul_family": HANGUL_FAMILY,
            "hangul_unicode_range": hangul_unicode_range(),
        }

    async def handle_hangul_font(self, request: web.Request) -> web.Response:
        """The bundled Hangul font (404 when this install lacks it)."""
        if self.hangul_font is None:
            raise web.HTTPNotFound()
        return versioned_response(request, self.hangul_font, self._versions["font"], "font/woff2")

    async def handle_terminal_script(self, request: web.Request) -> web.Response:
        """textual.js, its terminal's fonts those of the page (:func:`terminal_script`)."""
        return versioned_response(request, self.terminal_script, self._versions["script"],
                                  "text/javascript; charset=utf-8")

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """One tab's game: refused (403) from a foreign page and (400) without an upgrade, before
        any process starts; otherwise the game runs until the tab or the server goes, and is
        stopped for sure (:meth:`GameAppService.stop`)."""
        origin = request.headers.get("Origin")
        if not self.origin_allowed(request):
            raise web.HTTPForbidden(text=texts.SERVE_FOREIGN_ORIGIN.format(origin=(origin or "")[:200]))
        websocket = web.WebSocketResponse(heartbeat=15)
        if not websocket.can_prepare(request).ok:
            raise web.HTTPBadRequest(text=texts.SERVE_NOT_WEBSOCKET)
        size = terminal_size(to_int(request.query.get("width", "80"), 80),
                             to_int(request.query.get("height", "24"), 24))
        assert size is not None  # to_int gives whole numbers
        task = asyncio.current_task()
        assert task is not None
        game = GameAppService(game_command(self.lang), write_bytes=websocket.send_bytes,
                              write_str=websocket.send_str, close=websocket.close,
                              download_manager=self.download_manager, debug=self.debug, lang=self.lang)
        self._sessions.add(task)
        try:
            await websocket.prepare(request)
            self._games.add(game)
            await game.start(*size)
            await self._relay(websocket, game)
        finally:
            try:
                await game.stop()
                self._games.discard(game)
                with contextlib.suppress(Exception):
                    await websocket.close()
            finally:
                self._sessions.discard(task)
        return websocket

    async def _relay(self, websocket: web.WebSocketResponse, game: GameAppService) -> None:
        """The tab's messages to the game, as textual-serve's ``_process_messages`` does, but a
        message of the wrong shape is ignored (there it raised, and the traceback went to the
        teacher's terminal), a size is clamped, and nothing here waits for the game (input is
        queued: :class:`GameAppService`), so a dropped connection is noticed however far behind
        the game is."""
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = json.loads(message.data)
            except ValueError:
                continue
            if not isinstance(envelope, list) or not envelope:
                continue
            kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
            if kind == "stdin" and isinstance(data, str):
                game.queue_keys(data.encode("utf-8", "replace"))
            elif kind == "resize" and isinstance(data, dict):
                size = terminal_size(data.get("width"), data.get("height"))
                if size is not None:
                    game.queue_size(*size)
            elif kind == "ping":
                await websocket.send_json(["pong", data])
            elif kind in ("blur", "focus"):
                game.queue_focus(kind == "focus")

    # ---- start and stop -----------------------------------------------------------------------
    def request_exit(self) -> None:
        """Stop serving (Ctrl+C, SIGTERM). A second Ctrl+C while the games close is ignored:
        it would raise aiohttp's ``GracefulExit`` again in the middle of the shutdown, which
        ends the process with exit code 1 and nothing said."""
        if not self._exiting:
            self._exiting = True
            super().request_exit()

    async def on_shutdown(self, app: web.Application) -> None:
        """End every open session now, each game told to quit, then terminated, then killed.

        Without this, Ctrl+C with a tab open waited on aiohttp's shutdown timeout (over 20 s)
        and the game processes were reaped after the event loop had closed (a traceback).
        Cancelling a session's handler closes its websocket; waiting on the games' own ``stop``
        as well means a handler cancelled twice (its connection dropped, then this) cannot
        leave its game behind.
        """
        sessions, games = list(self._sessions), list(self._games)
        for task in sessions:
            task.cancel()
        await asyncio.gather(*(game.stop() for game in games), *sessions, return_exceptions=True)

    async def on_startup(self, app: web.Application) -> None:
        """Nothing: textual-serve printed a banner here naming the command (a long interpreter
        path), and before the port was bound, so even when binding then failed. :meth:`serve`
        prints the address once it is listening."""

    def kill_games(self) -> None:
        """Kill what is left of every game (the last resort, once the event loop has stopped)."""
        for game in list(self._games):
            process = game.process
            if process is not None and process.returncode is None:
                _signal_group(process, getattr(signal, "SIGKILL", signal.SIGTERM))

    def serve(self, debug: bool = False) -> None:
        """textual-serve's ``Server.serve``, printing the address only once it is listening, and
        cancelling a session's handler when its connection drops (``handler_cancellation``)."""
        self.debug = debug
        self.initialize_logging()
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        with contextlib.suppress(NotImplementedError):  # Windows: Ctrl+C still raises KeyboardInterrupt
            loop.add_signal_handler(signal.SIGINT, self.request_exit)
            loop.add_signal_handler(signal.SIGTERM, self.request_exit)
        listening = texts.SERVE_LISTENING.format(url=url(self.host, self.port))
        try:
            web.run_app(self._make_app(), host=self.host, port=self.port, handle_signals=False, loop=loop,
                        handler_cancellation=True, print=lambda *_: print(listening, flush=True))
        finally:
            self.kill_games()


def serve(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, allow_origins: Iterable[str] = (),
          lang: str | None = None) -> None:
    """Serve the game until Ctrl+C (or SIGTERM), each game in ``lang`` when given; warns first
    when reachable from elsewhere.

    Raises ``OSError`` when the address cannot be bound (port taken, unknown host), and
    ``ValueError`` for an ``allow_origins`` entry that is not an origin.
    """
    server = GameServer(host, port, allow_origins, lang)
    if not is_local(host):
        print(texts.SERVE_EXPOSED.format(host=host, port=port), file=sys.stderr, flush=True)
    server.serve()
