"""Bytes from the terminal that are not UTF-8 do not end the game (issue 15).

A Latin-1 terminal typing "é" sends the single byte 0xE9; a paste can carry ``\\xff\\xfe``. Textual's
input thread decoded strict UTF-8, raised ``UnicodeDecodeError`` and the game quit with status 0.
The first test drives the real game in a pseudo-terminal, as a player's terminal would; the second
pins the decoder the workaround installs (``ui/textual_fixes.py``).
"""

from __future__ import annotations

import fcntl
import os
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import pytest

from scaleout_tui.ui import textual_fixes


class Terminal:
    """The game on a pseudo-terminal of 80×24, its output drained on a thread (a full pty would
    block the game's writes)."""

    def __init__(self, home: Path) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        env = {**os.environ, "SCALEOUT_HOME": str(home), "TERM": "xterm-256color"}
        env.pop("NO_COLOR", None)
        self.proc = subprocess.Popen([sys.executable, "-m", "scaleout_tui"], stdin=slave, stdout=slave,
                                     stderr=slave, env=env, start_new_session=True)
        # the game's end of the terminal, kept to ask how much typed input it has not read yet
        # (closed before the master, so that the reader thread sees the terminal hang up)
        self._slave = os.dup(slave)
        os.close(slave)
        self.output = bytearray()
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.output += chunk

    def wait_for(self, text: bytes, timeout: float = 30.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.output:
                return True
            if self.proc.poll() is not None:
                return False
            time.sleep(0.05)
        return False

    def unread(self) -> int:
        """Bytes typed into the terminal that the game has not read yet (``FIONREAD`` on its end)."""
        buf = fcntl.ioctl(self._slave, termios.FIONREAD, b"\0\0\0\0")
        return int(struct.unpack("i", buf)[0])

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        os.close(self._slave)
        os.close(self.master)


@pytest.mark.slow
@pytest.mark.timeout(90)
def test_undecodable_bytes_from_the_terminal_do_not_end_the_game(tmp_path: Path) -> None:
    term = Terminal(tmp_path)
    try:
        assert term.wait_for(b"Campaign"), bytes(term.output[-2000:])
        for chunk in (b"\xe9", b"\xff\xfe", b"caf\xe9 \xc3("):  # Latin-1 "é", a paste, broken UTF-8
            os.write(term.master, chunk)
            time.sleep(0.3)
        time.sleep(1.0)
        assert term.proc.poll() is None, f"the game ended: {bytes(term.output[-2000:])!r}"
        assert b"UnicodeDecodeError" not in term.output and b"Traceback" not in term.output
        os.write(term.master, b"\x11")  # Ctrl+Q: on the map it quits at once
        assert term.proc.wait(timeout=30) == 0
    finally:
        term.close()


def test_the_installed_decoder_replaces_what_is_not_utf8() -> None:
    from textual.drivers import linux_driver

    textual_fixes.install()
    decode = vars(linux_driver)["getincrementaldecoder"]("utf-8")().decode
    assert decode(b"caf\xe9!", final=False) == "caf\ufffd!"
    assert decode(b"\xff\xfe", final=False) == "\ufffd\ufffd"
    assert decode("한국어".encode(), final=False) == "한국어"  # real UTF-8 unchanged, split or not
    split = vars(linux_driver)["getincrementaldecoder"]("utf-8")().decode
    assert split("한".encode()[:2], final=False) + split("한".encode()[2:], final=False) == "한"
