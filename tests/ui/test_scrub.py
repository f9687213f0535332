"""The scrubber without a screen: seeking in slices, going back, keeping two replays together."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaleout_tui.recording import open_replay
from scaleout_tui.ui.clock import GameClock
from scaleout_tui.ui.scrub import SEEK_STEP, Scrubber


class FakeWall:
    """A wall clock that moves 10 ms each time it is read."""

    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        self.t += 0.01
        return self.t


def test_a_seek_is_made_in_slices_within_the_budget(level_1_recordings: tuple[Path, Path]) -> None:
    scrubber = Scrubber([open_replay(level_1_recordings[0])])
    scrubber.seek(600.0)
    assert scrubber.seeking and scrubber.now == 0.0
    scrubber.work(FakeWall(), budget=0.025)  # three reads of the fake clock: three slices
    assert scrubber.now == pytest.approx(3 * SEEK_STEP) and scrubber.seeking
    scrubber.finish()
    assert scrubber.now == 600.0 and not scrubber.seeking


def test_back_restarts_and_the_end_is_the_recordings_end(level_1_recordings: tuple[Path, Path]) -> None:
    replay = open_replay(level_1_recordings[0])
    scrubber = Scrubber([replay])
    scrubber.seek(99_999.0)
    assert scrubber.target == 1800.0
    scrubber.finish()
    assert scrubber.at_end
    session = replay.session
    scrubber.seek(100.0)
    assert replay.session is not session and replay.now == 0.0  # restarted, not yet there
    scrubber.finish()
    assert scrubber.now == 100.0


def test_two_replays_are_brought_to_the_same_time(level_1_recordings: tuple[Path, Path]) -> None:
    a, b = (open_replay(p) for p in level_1_recordings)
    a.seek(300.0)
    b.seek(500.0)
    scrubber = Scrubber([a, b])
    assert b.now == 0.0 and scrubber.target == 300.0  # b was ahead: it starts again
    scrubber.finish()
    assert a.now == b.now == 300.0
    clock = GameClock(speed_index=1, paused=False)  # 10×
    scrubber.play(clock, 0.2, FakeWall())
    assert a.now == b.now == 302.0
