"""How fast does ``scaleout trace import`` read an access log? Lines per second, plain and gzip.

Why this exists: real logs are large (the NASA July 1995 log has 1.9 million lines, a busy
site writes that in an hour), and the import splits every line by hand in Python (linear
time, see traces/accesslog.py). This script writes a synthetic combined-format log of N lines (a
day at a steady rate, 0.1 % junk, a few time zones), then times the import of it plain and
gzip-compressed, and prints the figures. Nothing is asserted: the speed depends on the machine.

    python bench/trace_import.py [--lines N]
"""

from __future__ import annotations

import argparse
import gzip
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from scaleout_tui.traces.accesslog import count_log

ZONES = [timezone(timedelta(hours=h)) for h in (-4, 0, 2)]


def write_log(path: Path, lines: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    start = datetime(1995, 7, 1, tzinfo=UTC)
    step = 86_400 / lines
    with path.open("w", encoding="ascii") as f:
        for i in range(lines):
            if rng.random() < 0.001:
                f.write("junk line\n")
                continue
            when = (start + timedelta(seconds=i * step)).astimezone(rng.choice(ZONES))
            f.write(f'10.{i % 256}.{i // 256 % 256}.1 - - [{when.strftime("%d/%b/%Y:%H:%M:%S %z")}] '
                    f'"GET /page/{i % 997} HTTP/1.1" 200 {1000 + i % 5000} "-" "bench/1.0"\n')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=500_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        plain = Path(tmp) / "access.log"
        write_log(plain, args.lines)
        packed = Path(tmp) / "access.log.gz"
        with plain.open("rb") as src, gzip.open(packed, "wb") as dst:
            dst.write(src.read())
        print(f"{args.lines:,} lines, {plain.stat().st_size / 1e6:.1f} MB plain, "
              f"{packed.stat().st_size / 1e6:.1f} MB gzip")
        for path in (plain, packed):
            t0 = time.perf_counter()
            result = count_log(path)
            took = time.perf_counter() - t0
            print(f"{path.name:>14}: {took:6.2f} s, {result.lines / took:,.0f} lines/s "
                  f"({result.requests:,} requests, {result.junk:,} junk, {len(result.counts):,} seconds)")


if __name__ == "__main__":
    main()
