"""A resize storm and an impatient page key do not end or hang the game (two reported bugs).

* Resizing to 10×5 and back to 120×40 50 ms apart during a run hung the game at 100 % CPU with
  growing memory: two ``Resize`` events of different sizes re-posted each other in a screen's
  queue for ever.
* Ctrl+P then PageUp (or PageDown) at once ended it with ``KeyError: 0`` in ``OptionList``: the
  key came before the palette's list was laid out.

Both are Textual's; ``ui/textual_fixes.py`` explains each workaround. The pseudo-terminal tests
drive the real game as a player's terminal would (the hang depends on a real terminal's timing:
see ``STORMS``); the unit tests build each bug's exact state in a plain Textual app.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import signal
import struct
import termios
import time
from pathlib import Path

import pytest
from textual import events
from textual.app import App, ComposeResult
from textual.geometry import Size
from textual.screen import Screen
from textual.widgets import OptionList, Static

from scaleout_tui.ui import textual_fixes
from tests.ui.conftest import async_test
from tests.ui.test_terminal_input import Terminal

CTRL_P, CTRL_Q = b"\x10", b"\x11"
PAGE_UP, PAGE_DOWN = b"\x1b[5~", b"\x1b[6~"


def resize(term: Terminal, columns: int, rows: int) -> None:
    """What a terminal does when its window changes: a new size, then SIGWINCH to the game."""
    fcntl.ioctl(term.master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    os.killpg(term.proc.pid, signal.SIGWINCH)


def cpu_and_memory(pid: int) -> tuple[float, int]:
    """CPU seconds used so far and resident bytes of process ``pid`` (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    rss = int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    return cpu, rss


def start_a_run(term: Terminal) -> None:
    """From the map: open level 1, start it and let its clock run, so the charts are live."""
    assert term.wait_for(b"Campaign"), bytes(term.output[-2000:])
    resize(term, 120, 40)
    time.sleep(1.0)
    os.write(term.master, b"\r")  # the briefing of the first level
    time.sleep(1.5)
    os.write(term.master, b"\r")  # Start: the play screen, paused
    assert term.wait_for(b"Run/pause"), bytes(term.output[-2000:])
    time.sleep(1.0)
    os.write(term.master, b" ")  # the clock runs
    time.sleep(2.0)


def quits(term: Terminal, timeout: float = 30.0) -> bool:
    """Ctrl+Q, then "y" to the question a run asks: does the game end, with status 0?"""
    os.write(term.master, CTRL_Q)
    time.sleep(1.0)
    os.write(term.master, b"y")
    try:
        return term.proc.wait(timeout=timeout) == 0
    except Exception:
        return False


# ---- resize storm --------------------------------------------------------------------------------
#: Storms, each ending at 120×40: (sizes, seconds between resizes). The reported pair comes first
#: and last: before the fix it hung the game in 6 tries of 7 here, a long storm alone in 0 of 2;
#: this test failed 3 times in 3 without the workaround.
STORMS = [
    ([(10, 5), (120, 40)], 0.05),
    ([(1, 1), (120, 40)], 0.02),
    ([(10, 5), (120, 40), (1, 1), (200, 60), (10, 5), (80, 24), (30, 10), (120, 40)] * 5, 0.025),
    ([(10, 5), (120, 40)], 0.05),
]


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_a_resize_storm_during_a_run_leaves_the_game_answering(tmp_path: Path) -> None:
    term = Terminal(tmp_path)
    try:
        start_a_run(term)
        _, rss_before = cpu_and_memory(term.proc.pid)
        for sizes, pause in STORMS:
            for size in sizes:
                resize(term, *size)
                time.sleep(pause)
            time.sleep(1.5)
        time.sleep(2.0)  # a storm's last layouts are done well within this, even on busy cores
        cpu_start, _ = cpu_and_memory(term.proc.pid)
        time.sleep(4.0)
        cpu_end, rss_after = cpu_and_memory(term.proc.pid)
        assert term.proc.poll() is None, bytes(term.output[-3000:])
        # A running game uses a few per cent of a core; the hang used all of it.
        assert cpu_end - cpu_start < 2.5, f"{cpu_end - cpu_start:.1f} s of CPU in 4 s after the storm"
        assert rss_after - rss_before < 150_000_000, f"{(rss_after - rss_before) / 1e6:.0f} MB more"
        assert quits(term), bytes(term.output[-3000:])
    finally:
        term.close()


class ResizeCounter(Screen[None]):
    """Counts the ``Resize`` events it handles."""

    def __init__(self) -> None:
        super().__init__()
        self.resizes = 0

    def compose(self) -> ComposeResult:
        yield Static("base")

    def on_resize(self) -> None:
        self.resizes += 1


class OneScreen(App[None]):
    def get_default_screen(self) -> ResizeCounter:
        return ResizeCounter()


@pytest.mark.timeout(30)  # without the workaround the loop outlives the test: a timeout
@async_test
async def test_two_resize_events_of_different_sizes_do_not_repost_each_other() -> None:
    """The state the hung game was in: a batch held (the footer recomposing), so each layout
    queues a repaint behind the ``Resize`` the screen posts itself; and two sizes in the queue.
    Without the workaround the screen handled thousands of events in the second it is given."""
    textual_fixes.install()
    app = OneScreen()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ResizeCounter)
        screen.resizes = 0
        with app.batch_update():
            for size in (Size(10, 5), Size(120, 40)):
                screen.post_message(events.Resize(size, size))
                screen.post_message(events.Callback(callback=lambda: None))
            await asyncio.sleep(1.0)
        handled = screen.resizes
        await pilot.pause()
        assert handled < 10, f"{handled} resize events in one second"
        assert screen.size == Size(80, 24)  # laid out at the terminal's size, not a stale one


# ---- Ctrl+P, then a page key at once ------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.timeout(90)
@pytest.mark.parametrize(("keys", "writes"), [
    pytest.param(PAGE_UP, 1, id="pageup-one-write"),
    pytest.param(PAGE_DOWN, 2, id="pagedown-two-writes"),
])
def test_a_page_key_right_after_ctrl_p_does_not_end_the_game(tmp_path: Path, keys: bytes,
                                                             writes: int) -> None:
    term = Terminal(tmp_path)
    try:
        assert term.wait_for(b"Campaign"), bytes(term.output[-2000:])
        time.sleep(1.0)
        if writes == 1:
            os.write(term.master, CTRL_P + keys)
        else:
            os.write(term.master, CTRL_P)
            time.sleep(0.02)
            os.write(term.master, keys)
        time.sleep(3.0)
        assert term.proc.poll() is None, bytes(term.output[-3000:])
        assert b"Traceback" not in term.output and b"KeyError" not in term.output
        os.write(term.master, b"\x1b")  # close the palette
        time.sleep(1.0)
        os.write(term.master, CTRL_Q)  # on the map it quits at once
        assert term.proc.wait(timeout=30) == 0
    finally:
        term.close()


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_a_page_key_right_after_ctrl_p_during_a_run(tmp_path: Path) -> None:
    term = Terminal(tmp_path)
    try:
        start_a_run(term)
        os.write(term.master, CTRL_P + PAGE_DOWN)
        time.sleep(3.0)
        assert term.proc.poll() is None, bytes(term.output[-3000:])
        assert b"Traceback" not in term.output and b"KeyError" not in term.output
        os.write(term.master, b"\x1b")
        time.sleep(1.0)
        assert quits(term), bytes(term.output[-3000:])
    finally:
        term.close()


class HiddenList(App[None]):
    """An option list with options and a highlight but no layout yet, as the palette's is."""

    def compose(self) -> ComposeResult:
        options = OptionList(*[f"command {i}" for i in range(40)])
        options.display = False
        yield options


@pytest.mark.timeout(60)
@pytest.mark.parametrize("action", ["page_up", "page_down"])
@async_test
async def test_a_page_key_before_the_list_is_laid_out_waits_for_it(action: str) -> None:
    """Textual 8.2 raised ``KeyError: 0`` here; the key now moves the highlight once laid out."""
    textual_fixes.install()
    app = HiddenList()
    async with app.run_test(size=(80, 24)) as pilot:
        options = app.query_one(OptionList)
        options.highlighted = 5
        getattr(options, f"action_{action}")()  # no layout: no lines, no page height
        options.display = True
        await pilot.pause()
        await pilot.pause()
        if action == "page_up":
            assert options.highlighted == 0
        else:
            assert options.highlighted is not None and options.highlighted > 5
