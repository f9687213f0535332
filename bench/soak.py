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

Within a run a little growth is expected and bounded: the engine keeps the run's per-second
chart series (a dozen floats a second) and, in a level with an autoscaler, every one-second
window's busy and capacity per box (an alarm may average a period as long as a day; elsewhere
only the last 15 minutes stay). So the script also prints what the engine alone keeps for one
full run (tracemalloc). To tell that record from a leak, the level is played three times in a
row (the debrief's retry key): a leak shows as each run ending higher than the one before, and
``--runs 6`` shows whether the ends level off. Each run of an hour at 60× takes about a minute
of wall time; ``--minutes`` shortens the runs. Figures are printed, never asserted: they depend
on the machine.

    .venv/bin/python bench/soak.py            # (make soak)
"""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import gc
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from textual.pilot import Pilot

from scaleout_tui.home import HOME_ENV
from scaleout_tui.persistence.progress import Progress
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


def _malloc_trim() -> bool:
    """Ask glibc to hand freed heap pages back to the system; False where there is no glibc."""
    try:
        return bool(ctypes.CDLL("libc.so.6").malloc_trim(0))
    except (OSError, AttributeError):
        return False


def sample() -> tuple[float, float]:
    """(RSS, RSS after malloc_trim) in MB, after a garbage collection. The second figure tells
    memory still held from memory the allocator keeps for reuse (RSS rarely shrinks by itself)."""
    gc.collect()
    rss = rss_mb()
    return rss, (rss_mb() if _malloc_trim() else rss)


def unlock_all_before(level_id: str, ids: list[str]) -> None:
    progress, _ = Progress.load()
    for earlier in ids[: ids.index(level_id)]:
        progress.record(earlier, True, 3, {})
    progress.save()


def engine_record_mb(level_id: str) -> float:
    """What one full run of the engine alone keeps (tracemalloc, NumPy arrays included): the
    per-second windows, series and log the debrief and the scoring read at the end of a run."""
    from scaleout_tui.content import find_level, load_level
    from scaleout_tui.content.catalog import load_catalog_default
    from scaleout_tui.game.session import Session

    level, catalog = load_level(find_level(level_id)), load_catalog_default()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    session = Session(level, catalog, seed=1)
    session.run()
    gc.collect()
    kept = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    del session
    return kept / 1e6


async def play_once(pilot: Pilot[int], run: int, minutes: float) -> tuple[float, float] | None:
    """Start the clock at 60× on the play screen now showing; sample RSS until the run ends.
    Returns (RSS at its start, RSS at its end after malloc_trim)."""
    app = pilot.app
    play = app.screen
    if not isinstance(play, PlayScreen):
        print(f"soak: expected the play screen, got {play!r}", file=sys.stderr)
        return None
    session = play.session
    end = min(session.level.duration_s, minutes * 60.0)
    await pilot.press("space", SPEED_KEY)
    await asyncio.sleep(1.0)  # first frames and the clock's first ticks
    (start_rss, start_trim), start_wall, start_sim = sample(), time.perf_counter(), session.now
    print(f"run {run}: {'sim time':>9} {'wall s':>7} {'RSS MB':>8} {'growth MB':>10} {'trimmed MB':>11}")
    print(f"       {_clock(start_sim):>9} {0.0:7.1f} {start_rss:8.1f} {0.0:10.1f} {start_trim:11.1f}")
    next_sample = start_sim + SAMPLE_EVERY_S
    while session.now < end - 1e-9 and not session.finished:
        await asyncio.sleep(0.2)
        if session.now >= next_sample:
            rss, trimmed = sample()
            print(f"       {_clock(session.now):>9} {time.perf_counter() - start_wall:7.1f} {rss:8.1f} "
                  f"{rss - start_rss:10.1f} {trimmed:11.1f}", flush=True)
            next_sample += SAMPLE_EVERY_S
    await pilot.pause()
    rss, trimmed = sample()
    wall = time.perf_counter() - start_wall
    played = session.now - start_sim
    print(f"       {_clock(session.now):>9} {wall:7.1f} {rss:8.1f} {rss - start_rss:10.1f} {trimmed:11.1f}")
    print(f"run {run}: start RSS {start_rss:.1f} MB, end RSS {rss:.1f} MB, growth {rss - start_rss:+.1f} MB "
          f"(after malloc_trim: {start_trim:.1f} -> {trimmed:.1f} MB) over {played:.0f} simulated s in "
          f"{wall:.0f} wall s ({played / wall:.1f}× real time); screen at the end: "
          f"{type(app.screen).__name__}")
    return start_rss, trimmed


async def soak(minutes: float, runs: int) -> int:
    app = make_app()  # the real clock, as a player runs it
    ids = app.content.ordered_ids
    unlock_all_before(LEVEL, ids)
    app = make_app()
    print(f"level {LEVEL}, {SIZE[0]}×{SIZE[1]} headless, real clock at 60×, {runs} run(s) of "
          f"{min(minutes, 60.0):g} simulated minutes, each after the first from the debrief's retry key")
    figures = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("home", *["down"] * ids.index(LEVEL), "enter")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        for run in range(1, runs + 1):
            if run > 1:  # a fresh run of the same level: the debrief's retry key
                screen = app.screen
                if isinstance(screen, PlayScreen):  # a run cut short by --minutes has no debrief
                    app.start_level(screen.level)
                else:
                    await pilot.press("r")
                await pilot.pause()
            got = await play_once(pilot, run, minutes)
            if got is None:
                return 1
            figures.append(got)
    first_start = figures[0][0]
    print(f"overall: start RSS {first_start:.1f} MB; at the end of each run, after malloc_trim: "
          + ", ".join(f"{end:.1f}" for _, end in figures) + " MB")
    print(f"the engine's own record of one full run (tracemalloc, no UI): {engine_record_mb(LEVEL):.1f} MB")
    return 0


def _clock(t: float) -> str:
    return f"{int(t) // 60:02d}:{int(t) % 60:02d}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=60.0,
                        help="simulated minutes to play per run (default: the whole hour)")
    parser.add_argument("--runs", type=int, default=3,
                        help="runs back to back, to tell a run's own record from a leak (default 3)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="scaleout-soak-") as home:
        os.environ[HOME_ENV] = home  # never touch a real player's progress
        return asyncio.run(soak(args.minutes, max(args.runs, 1)))


if __name__ == "__main__":
    sys.exit(main())
