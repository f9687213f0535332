"""Does the game's memory stay flat over a long run? One simulated hour with the UI running.

Why this exists: a classroom leaves the game running. Anything that grows per tick (a chart
that keeps every point, a log that is never trimmed, a widget re-created on each refresh, a
timer that is never stopped) shows up as resident memory that climbs for as long as the game
runs. This script plays the autoscaling level (08, the busiest screen: capacity chart, scaling
history, a fleet that grows and shrinks) for its full simulated hour at 60×, with the real
wall-clock timer of the play screen, in Textual's headless mode at 200×60, and prints the
process's resident set size (RSS) at the start of the run, every few simulated minutes, and at
the end, with the growth.

The start is taken once the play screen is up, has drawn its first frames and the clock has
just begun (so imports, the first layout and the caches of a first render are not counted as
growth). Each sample runs the garbage collector first, so what is left is memory still held.
An hour at 60× takes about a minute of wall time; ``--minutes`` shortens the run for a smoke
test. Figures are printed, never asserted: they depend on the machine.

    .venv/bin/python bench/soak.py            # (make soak)
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from scaleout_tui.persistence.progress import HOME_ENV, Progress
from scaleout_tui.ui.app import make_app
from scaleout_tui.ui.screens.play import PlayScreen

LEVEL = "08-autoscaling"
SIZE = (200, 60)
SPEED_KEY = "3"  # 60×
SAMPLE_EVERY_S = 600.0  # simulated seconds between samples


def rss_mb() -> float:
    """Resident set size now, in MB (Linux: /proc; elsewhere the peak, which is all getrusage has)."""
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 1e6
    except (OSError, ValueError, IndexError):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / 1e6 if sys.platform == "darwin" else peak / 1e3


def sample() -> float:
    gc.collect()
    return rss_mb()


def unlock_all_before(level_id: str, ids: list[str]) -> None:
    progress, _ = Progress.load()
    for earlier in ids[: ids.index(level_id)]:
        progress.record(earlier, True, 3, {})
    progress.save()


async def soak(minutes: float) -> int:
    app = make_app()  # the real clock, as a player runs it
    ids = app.content.ordered_ids
    unlock_all_before(LEVEL, ids)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("home", *["down"] * ids.index(LEVEL), "enter")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        play = app.screen
        if not isinstance(play, PlayScreen):
            print(f"soak: expected the play screen, got {play!r}", file=sys.stderr)
            return 1
        session = play.session
        end = min(session.level.duration_s, minutes * 60.0)
        await pilot.press("space", SPEED_KEY)
        await asyncio.sleep(1.0)  # first frames and the clock's first ticks
        start_rss, start_wall, start_sim = sample(), time.perf_counter(), session.now
        print(f"level {LEVEL}, {SIZE[0]}×{SIZE[1]} headless, real clock at 60×, to t = {end:.0f} s")
        print(f"{'sim time':>9} {'wall s':>7} {'RSS MB':>8} {'growth MB':>10}")
        print(f"{_clock(start_sim):>9} {0.0:7.1f} {start_rss:8.1f} {0.0:10.1f}")
        next_sample = start_sim + SAMPLE_EVERY_S
        rss = start_rss
        while session.now < end - 1e-9 and not session.finished:
            await asyncio.sleep(0.2)
            if session.now >= next_sample:
                rss = sample()
                print(f"{_clock(session.now):>9} {time.perf_counter() - start_wall:7.1f} {rss:8.1f} "
                      f"{rss - start_rss:10.1f}", flush=True)
                next_sample += SAMPLE_EVERY_S
        await pilot.pause()
        rss = sample()
        wall = time.perf_counter() - start_wall
        print(f"{_clock(session.now):>9} {wall:7.1f} {rss:8.1f} {rss - start_rss:10.1f}")
        played = session.now - start_sim
        print(f"start RSS {start_rss:.1f} MB, end RSS {rss:.1f} MB, growth {rss - start_rss:+.1f} MB "
              f"({100.0 * (rss - start_rss) / start_rss:+.1f} %) over {played:.0f} simulated s "
              f"in {wall:.0f} wall s ({played / wall:.1f}× real time); "
              f"screen at the end: {type(app.screen).__name__}")
    return 0


def _clock(t: float) -> str:
    return f"{int(t) // 60:02d}:{int(t) % 60:02d}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=60.0,
                        help="simulated minutes to play (default: the whole hour)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="scaleout-soak-") as home:
        os.environ[HOME_ENV] = home  # never touch a real player's progress
        return asyncio.run(soak(args.minutes))


if __name__ == "__main__":
    sys.exit(main())
