"""Drive Debian's chromium headless over the DevTools protocol: open a page, wait, screenshot.

Why not ``chromium --screenshot``: it shoots as soon as the page has loaded, and the game
arrives later, over a websocket that ``--virtual-time-budget`` does not wait for (the shot
showed textual-serve's loading dialog). Over the DevTools protocol the test waits, in real
time, until the page says the first bytes of the game arrived (textual.js sets the body class
``-first-byte``) and the game has had time to draw, then asks for the screenshot.

aiohttp (which textual-serve brings) speaks the protocol's websocket; the PNG is decoded with
zlib here, so the check needs no imaging library.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import os
import shutil
import signal
import struct
import subprocess
import tempfile
import time
import zlib
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

CHROMIUM = "/usr/bin/chromium"
#: Flags for a container: no sandbox (root), no GPU, nothing fetched behind the test's back.
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1280,800", "--remote-debugging-port=0")


def available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which("chromium") is not None


@contextlib.asynccontextmanager
async def browser(timeout: float = 30.0) -> AsyncIterator[str]:
    """A headless chromium for the block; yields its DevTools HTTP address."""
    exe = CHROMIUM if Path(CHROMIUM).exists() else (shutil.which("chromium") or CHROMIUM)
    # Its own process group, so the renderer and GPU helpers end with it; the profile folder is
    # removed once they have.
    with tempfile.TemporaryDirectory(prefix="scaleout-chromium-", ignore_cleanup_errors=True) as profile:
        proc = subprocess.Popen([exe, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            port_file = Path(profile) / "DevToolsActivePort"
            deadline = time.monotonic() + timeout
            while not (port_file.exists() and port_file.read_text().strip()):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"chromium did not start (exit code {proc.poll()})")
                await asyncio.sleep(0.1)
            yield f"http://127.0.0.1:{port_file.read_text().split()[0]}"
        finally:
            _end_group(proc)


def _end_group(proc: subprocess.Popen[bytes]) -> None:
    """Stop chromium and its helpers (the process group it leads), politely first."""
    for sig, wait in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 10.0)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(wait)
        except subprocess.TimeoutExpired:
            continue
        # The leader is gone; give its helpers a moment to follow it out of the group.
        deadline = time.monotonic() + 5.0
        while _group_alive(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if not _group_alive(proc.pid):
            return


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


class Page:
    """One tab, spoken to with DevTools commands (``send`` waits for the matching answer, and
    keeps the events that came before it in ``events``)."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.ids = itertools.count(1)
        self.events: list[dict[str, Any]] = []

    async def send(self, method: str, **params: Any) -> dict[str, Any]:
        msg_id = next(self.ids)
        await self.ws.send_json({"id": msg_id, "method": method, "params": params})
        while True:
            answer = json.loads((await self.ws.receive()).data)
            if answer.get("id") == msg_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                result: dict[str, Any] = answer.get("result", {})
                return result
            if "method" in answer:
                self.events.append(answer)

    async def evaluate(self, expression: str) -> Any:
        answer = await self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        return answer.get("result", {}).get("value")


@dataclass
class Visit:
    """What a visit to a page saw: its screenshot (PNG), whether the game's first bytes arrived,
    and every address the page asked for (pages, files, websockets), in order."""

    png: bytes
    arrived: bool
    requests: list[str] = field(default_factory=list)


async def screenshot(url: str, *, settle: float = 2.0, timeout: float = 30.0) -> tuple[bytes, bool]:
    """A PNG of ``url`` once the game's first bytes arrived and ``settle`` seconds passed.

    Returns the PNG and whether the first bytes did arrive before ``timeout``.
    """
    seen = await visit(url, settle=settle, timeout=timeout)
    return seen.png, seen.arrived


async def visit(url: str, *, settle: float = 2.0, timeout: float = 30.0, block: Iterable[str] = ()) -> Visit:
    """:func:`screenshot`, also listing what the page asked for; addresses matching a pattern in
    ``block`` (DevTools' ``Network.setBlockedURLs``: ``*`` matches anything) fail as if offline."""
    async with browser() as devtools, aiohttp.ClientSession() as http:
        async with http.get(f"{devtools}/json/list") as resp:
            targets = await resp.json()
        page_ws = next(t["webSocketDebuggerUrl"] for t in targets if t.get("type") == "page")
        async with http.ws_connect(page_ws, max_msg_size=0) as ws:
            page = Page(ws)
            await page.send("Page.enable")
            await page.send("Network.enable")
            await page.send("Network.setCacheDisabled", cacheDisabled=True)
            if block:
                await page.send("Network.setBlockedURLs", urls=list(block))
            await page.send("Page.navigate", url=url)
            deadline = time.monotonic() + timeout
            arrived = False
            while time.monotonic() < deadline:
                if await page.evaluate("document.body && document.body.classList.contains('-first-byte')"):
                    arrived = True
                    break
                await asyncio.sleep(0.2)
            if arrived:
                await asyncio.sleep(settle)
            shot = await page.send("Page.captureScreenshot", format="png")
            requests = [event["params"]["request"]["url"] if event["method"] == "Network.requestWillBeSent"
                        else event["params"]["url"] for event in page.events
                        if event["method"] in ("Network.requestWillBeSent", "Network.webSocketCreated")]
            return Visit(base64.b64decode(shot["data"]), arrived, requests)


# ---- PNG ----------------------------------------------------------------------------------------
def png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and the rows of an 8-bit RGB or RGBA PNG, each row ``width × 3`` bytes (RGB).

    Enough of the PNG format for chromium's screenshots: non-interlaced, bit depth 8, colour
    type 2 (RGB) or 6 (RGBA), the five row filters.
    """
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat = 8, bytearray()
    width = height = bpp = 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or colour not in (2, 6) or interlace:
                raise ValueError(f"unsupported PNG: depth {depth}, colour {colour}, interlace {interlace}")
            bpp = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    raw = zlib.decompress(bytes(idat))
    stride = width * bpp
    prev = bytearray(stride)
    rows: list[bytes] = []
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        _unfilter(kind, line, prev, bpp)
        rows.append(bytes(line) if bpp == 3 else bytes(b for i, b in enumerate(line) if i % 4 != 3))
        prev = line
    return width, height, rows


def _unfilter(kind: int, line: bytearray, prev: bytearray, bpp: int) -> None:
    if kind == 0:
        return
    if kind == 2:
        line[:] = bytes((a + b) & 0xFF for a, b in zip(line, prev, strict=True))
        return
    for i in range(len(line)):
        left = line[i - bpp] if i >= bpp else 0
        up = prev[i]
        if kind == 1:
            line[i] = (line[i] + left) & 0xFF
        elif kind == 3:
            line[i] = (line[i] + ((left + up) >> 1)) & 0xFF
        elif kind == 4:
            corner = prev[i - bpp] if i >= bpp else 0
            p = left + up - corner
            pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
            pred = left if pa <= pb and pa <= pc else (up if pb <= pc else corner)
            line[i] = (line[i] + pred) & 0xFF
        else:
            raise ValueError(f"bad PNG row filter {kind}")


def distinct_colours(rows: list[bytes]) -> set[bytes]:
    """The distinct RGB colours among ``rows``."""
    return {row[i:i + 3] for row in rows for i in range(0, len(row), 3)}
