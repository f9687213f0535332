"""Recordings, replays and grading: how big, how fast, and whether every level replays exactly.

For each level in ``levels/`` (played with its reference solution from ``assets/solutions/``):
record the run, replay it, and print the recording's size and line count, the record and replay
wall times, the number of checksums checked, and whether the replayed report is byte-identical.
Then the time to seek a replay of the longest level to its end (what scrubbing to the end costs:
states cannot be copied, so a seek re-simulates), and the wall time of grading 20 seeds serially
and on a process pool.

Figures are printed, never asserted: they depend on the machine and its load.

    python bench/recordings.py [--quick] [--seeds 1-20]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from scaleout_tui.content.paths import level_ids, levels_dir, solution_path  # noqa: E402
from scaleout_tui.game.grading import parse_seeds, run_seeds  # noqa: E402
from scaleout_tui.recording import open_replay  # noqa: E402
from scaleout_tui.recording.headless import replay_file, run_recorded  # noqa: E402


def solution(level_id: str) -> Path | None:
    return solution_path(level_id)


def recordings(folder: Path) -> None:
    print(f"{'level':<20} {'bytes':>8} {'lines':>6} {'record s':>9} {'replay s':>9} {'checks':>7} identical")
    for level_id in level_ids(levels_dir()):
        path = folder / f"{level_id}.jsonl"
        t0 = time.perf_counter()
        original = run_recorded(level_id, path, 1, {}, solution(level_id))
        t1 = time.perf_counter()
        replay, replayed = replay_file(path)
        t2 = time.perf_counter()
        same = json.dumps(original, indent=2) == json.dumps(replayed, indent=2) and not replay.mismatches
        lines = len(path.read_bytes().splitlines())
        print(f"{level_id:<20} {path.stat().st_size:>8,} {lines:>6} {t1 - t0:>9.2f} {t2 - t1:>9.2f} "
              f"{replay.checksums_matched:>7} {'yes' if same else 'NO'}")


def seek(folder: Path) -> None:
    path = folder / "08-autoscaling.jsonl"
    if not path.is_file():
        run_recorded("08-autoscaling", path, 1, {}, solution("08-autoscaling"))
    replay = open_replay(path)
    t0 = time.perf_counter()
    replay.seek(replay.duration)
    t1 = time.perf_counter()
    replay.seek(replay.duration / 2)  # backward: starts again from zero
    t2 = time.perf_counter()
    print(f"seek 08-autoscaling to its end ({replay.duration:.0f} s simulated): {t1 - t0:.2f} s; "
          f"back to the middle: {t2 - t1:.2f} s")


def grading(seeds: list[int]) -> None:
    level = "01-single-server"
    policy = solution(level)
    t0 = time.perf_counter()
    serial = run_seeds(level, seeds, {}, policy, jobs=1)
    t1 = time.perf_counter()
    pooled = run_seeds(level, seeds, {}, policy)
    t2 = time.perf_counter()
    same = json.dumps(serial) == json.dumps(pooled)
    print(f"grade {level}, {len(seeds)} seeds: serial {t1 - t0:.2f} s, process pool {t2 - t1:.2f} s "
          f"(same reports: {'yes' if same else 'NO'})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="seek and grade 4 seeds only")
    parser.add_argument("--seeds", default="1-20")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if not args.quick:
            recordings(folder)
        seek(folder)
        grading(parse_seeds("1-4" if args.quick else args.seeds))


if __name__ == "__main__":
    main()
