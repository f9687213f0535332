"""The broken-level corpus and what each file must report (shared by content and CLI tests).

Every file in ``broken/`` is a copy of ``fixtures/99-good.toml`` with one thing wrong (except
``33-three-problems``), named so that its id matches its file name: the only problem reported is
the one the file is about. ``10 MB`` is generated at test time rather than committed.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent
BROKEN = HERE / "broken"
GOOD = HERE / "fixtures" / "99-good.toml"

# file stem -> (field of the first problem, number of problems, a fragment of the first message, line)
# field "" means the file as a whole (syntax, encoding, size); line None means "cannot be told".
EXPECTED: dict[str, tuple[str, int, str, int | None]] = {
    "01-bad-syntax": ("", 1, "invalid TOML", 5),
    "02-wrong-type": ("order", 1, "expected a whole number, got a string", 4),
    "03-unknown-top-key": ("colour", 1, "unknown key", 5),
    "04-unknown-nested-key": ("engine.timout_s", 1, "did you mean `timeout_s`", 19),
    "05-missing-key": ("traffic.users", 1, "required key is missing", 34),
    "06-nan": ("traffic.kinds[0].weight", 1, "finite", 53),
    "07-inf": ("engine.timeout_s", 1, "finite", 19),
    "08-out-of-range": ("order", 1, "at most 99 (got 100)", 4),
    "09-not-utf8": ("", 1, "not UTF-8", 5),
    "10-deep-nesting": ("", 1, "nested too deeply", 3),
    "11-huge-int": ("", 1, "4300 digits", 4),
    "12-duplicate-knob-id": ("knobs[1].id", 1, "used twice", 73),
    "13-default-not-in-choices": ("knobs[0].default", 1, "'m5.4xlarge' is not one of", 70),
    "14-dangling-instance-choice": ("knobs[0].choices[2]", 1, "'m9.mega' is not an instance type", 69),
    "15-unknown-metric": ("objectives[0].metric", 1, "'latency_p90_ms' is not one of", 96),
    "16-curve-not-increasing": ("traffic.curve[2]", 1, "time must increase (got 200 after 300)", 40),
    "17-newer-format": ("format", 1, "made for a newer scaleout (format 2); this version reads format 1", 2),
    "18-missing-format": ("format", 1, "missing", 1),
    "19-id-file-mismatch": ("id", 1, "must equal the file name", 3),
    "20-stretch-looser": ("objectives[0].stretch", 1, "at least as strict", 99),
    "21-empty": ("format", 1, "missing", None),
    "22-binary-junk": ("", 1, "invalid TOML", 2),
    "23-dangling-event-target": ("events[0].target", 1, "'web-3' names no box", 89),
    "24-dangling-topology-size": ("topology.web_size", 1, "'m5.huge' is not an instance type", 30),
    "25-too-short": ("duration_s", 1, "at least 60 (got 30)", 8),
    "26-datetime-for-string": ("subtitle", 1, "expected a string, got a date", 6),
    "27-bool-for-int": ("topology.web_count", 1, "got true or false", 32),
    "28-event-after-end": ("events[0].at", 1, "after the level ends", 87),
    "29-curve-starts-late": ("traffic.curve[0]", 1, "first point must be at time 0", 38),
    "30-blank-title": ("title", 1, "must not be blank", 5),
    "31-bad-id-pattern": ("id", 1, "must look like `01-single-server`", 3),
    "32-unknown-layout": ("topology.layout", 1, "'three-tier' is not one of", 29),
    "33-three-problems": ("traffic.kinds[1].name", 3, "'video' is not one of", 59),
    "34-unknown-key-in-array-table": ("traffic.kinds[1].cpu_ms", 1, "unknown key", 62),
    "35-not-a-number-in-curve": ("traffic.curve[1][1]", 1, "expected a number, got a string", 39),
}

HUGE_BYTES = 10 * 1024 * 1024


def broken_files() -> list[Path]:
    return sorted(BROKEN.glob("*.toml"))


def make_huge(folder: Path) -> Path:
    """A 10 MB level file: a valid start, then a comment that never ends."""
    path = folder / "36-huge.toml"
    with path.open("wb") as f:
        f.write(b'format = 1\nid = "36-huge"\n# ')
        f.write(b"x" * HUGE_BYTES)
        f.write(b"\n")
    return path
