"""Play in a browser: ``scaleout serve`` runs the game under textual-serve, for a classroom.

textual-serve is a small aiohttp server: its page holds a terminal emulator, and each browser
tab that opens the page gets its own game process (``python -m scaleout_tui play`` under
Textual's web driver), wired to the tab through a websocket. Nothing here changes the game;
this module only chooses what runs and where it listens.

Two choices differ from textual-serve's defaults, both for a room full of students:

- **It listens on 127.0.0.1 unless told otherwise.** The server has no authentication and
  every tab starts a process on this machine, so offering it to a network must be a
  deliberate ``--host``, and then a warning says so.
- **The page's websocket address comes from the request**, not from ``--host``. Listening on
  ``0.0.0.0`` (every interface), textual-serve would tell each browser to connect to
  ``ws://0.0.0.0:8000/ws``, which no student's browser can reach; answering with the host the
  browser itself asked for makes ``http://<teacher's address>:8000`` just work.

Why the game command names this interpreter: a ``scaleout`` found on ``PATH`` could belong to
another install (another version, another virtual environment) than the server's.
"""

from __future__ import annotations

import asyncio
import contextlib
import shlex
import signal
import sys
from typing import Any

import aiohttp_jinja2
import textual_serve.server
from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from scaleout_tui import texts

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
#: Addresses reachable only from this machine: no warning for these.
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def game_command() -> str:
    """The shell command each browser tab runs: this interpreter playing this package."""
    return f"{shlex.quote(sys.executable)} -m scaleout_tui play"


def is_local(host: str) -> bool:
    """Whether ``host`` keeps the server to this machine (a loopback address)."""
    return host in LOCAL_HOSTS or host.startswith("127.")


def url(host: str, port: int) -> str:
    """``http://host:port``, with an IPv6 address in brackets."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


#: How long a game that was told to quit may take before it is killed, in seconds.
GAME_EXIT_S = 5.0


class GameAppService(AppService):
    """textual-serve's per-tab service, which also reaps its game process.

    Why: textual-serve stops reading when the game's output ends, but never waits for the
    process or closes its stdin. A process whose transport was still open when the event loop
    closed closed itself from ``__del__`` on the closed loop, and printed a traceback at exit
    (``tests/serve`` caught it once on a loaded machine). Closing stdin and waiting here, while
    the loop runs, leaves nothing for the garbage collector to do.
    """

    async def stop(self) -> None:
        process = self._process
        try:
            await super().stop()
        finally:
            if process is not None:
                if process.stdin is not None:
                    process.stdin.close()
                try:
                    await asyncio.wait_for(process.wait(), GAME_EXIT_S)
                except TimeoutError:
                    with contextlib.suppress(ProcessLookupError):
                        process.kill()
                    await process.wait()


# textual-serve builds its service by this module-level name for every tab that opens the page.
setattr(textual_serve.server, "AppService", GameAppService)  # noqa: B010 (not re-exported there)


class GameServer(Server):
    """textual-serve's server with the game's start-up lines and a request-relative websocket."""

    def __init__(self, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> None:
        super().__init__(game_command(), host=host, port=port, title=texts.SERVE_TITLE)
        #: The handlers of open browser sessions, each owning one game process.
        self._sessions: set[asyncio.Task[Any]] = set()
        self._exiting = False

    def request_exit(self) -> None:
        """Stop serving (Ctrl+C, SIGTERM). A second Ctrl+C while the games close is ignored:
        it would raise aiohttp's ``GracefulExit`` again in the middle of the shutdown, which
        ends the process with exit code 1 and nothing said."""
        if not self._exiting:
            self._exiting = True
            super().request_exit()

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        task = asyncio.current_task()
        assert task is not None
        self._sessions.add(task)
        try:
            return await super().handle_websocket(request)
        finally:
            self._sessions.discard(task)

    async def on_shutdown(self, app: web.Application) -> None:
        """End every open session now, each telling its game to quit and waiting for it.

        Without this, Ctrl+C with a tab open waited on aiohttp's shutdown timeout (over 20 s)
        and the game processes were reaped after the event loop had closed (a traceback).
        Cancelling a session's handler makes textual-serve close its websocket and stop its
        game process, in its own ``finally``.
        """
        sessions = list(self._sessions)
        for task in sessions:
            task.cancel()
        await asyncio.gather(*sessions, return_exceptions=True)

    async def on_startup(self, app: web.Application) -> None:
        """Nothing: textual-serve printed a banner here naming the command (a long interpreter
        path), and before the port was bound, so even when binding then failed. :meth:`serve`
        prints the address once it is listening."""

    def serve(self, debug: bool = False) -> None:
        """textual-serve's ``Server.serve``, printing the address only once it is listening."""
        self.debug = debug
        self.initialize_logging()
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        with contextlib.suppress(NotImplementedError):  # Windows: Ctrl+C still raises KeyboardInterrupt
            loop.add_signal_handler(signal.SIGINT, self.request_exit)
            loop.add_signal_handler(signal.SIGTERM, self.request_exit)
        listening = texts.SERVE_LISTENING.format(url=url(self.host, self.port))
        web.run_app(self._make_app(), host=self.host, port=self.port, handle_signals=False, loop=loop,
                    print=lambda *_: print(listening, flush=True))

    @aiohttp_jinja2.template("app_index.html")
    async def handle_index(self, request: web.Request) -> dict[str, Any]:
        """The page, pointing its websocket and static files at the host the browser asked for."""
        base = f"{request.scheme}://{request.host}"
        ws_scheme = "wss" if request.scheme == "https" else "ws"
        ws_path = request.app.router["websocket"].url_for()
        static_path = str(request.app.router["static"].url_for(filename="/")).rstrip("/") + "/"
        return {
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "app_websocket_url": f"{ws_scheme}://{request.host}{ws_path}",
            "config": {"static": {"url": f"{base}{static_path}"}},
            "application": {"name": self.title},
        }


def serve(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> None:
    """Serve the game until Ctrl+C (or SIGTERM); warns first when reachable from elsewhere.

    Raises ``OSError`` when the address cannot be bound (port taken, unknown host).
    """
    if not is_local(host):
        print(texts.SERVE_EXPOSED.format(host=host, port=port), file=sys.stderr, flush=True)
    GameServer(host, port).serve()
