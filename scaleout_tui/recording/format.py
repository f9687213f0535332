"""The lines of a recording (format 1), one JSON object per line, told apart by ``type``.

::

    {"type":"header","format":1,"game":"0.1.0","level":"03-load-balancer","level_sha256":"…",
     "seed":1,"tick_s":0.5,"knobs":{…},"schedule":[[600.0,"web_size","m5.xlarge"]],"checkpoint_s":10.0}
    {"type":"command","t":120.5,"name":"web_count","value":"3"}
    {"type":"speed","t":130.0,"speed":"60×"}
    {"type":"checkpoint","t":10.0,"digest":"9f2c…"}
    {"type":"report","report":{…the `scaleout run --json` report…}}

Why JSON Lines: a line is written and flushed as soon as it happens, so a crash or a kill loses at
most the line being written, and a reader can keep every complete line before it. Why the level's
hash and the game's version: the same seed and commands replay exactly only on the same level file
and the same engine; anything else is refused rather than replayed wrongly.

Commands are named as :class:`~scaleout_tui.game.session.Session` names them: a knob id
(``web_size``), ``inject.KIND`` with the box as value, or ``repair``.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec

from scaleout_tui.content.schema import MAX_DURATION_S

#: The format this game writes and reads. Raise it when a line's meaning changes.
FORMAT = 1
#: Simulated seconds between two checksums. A digest costs about 10 µs, so this is about the
#: size of the file (a 30-minute level: 180 lines), not about speed.
CHECKPOINT_S = 10.0


# ---- the ranges a field may take -----------------------------------------------------------------
# A recording is a file a player may be sent by anyone, so every number is checked before it
# reaches the engine: a negative seed made NumPy raise, a NaN time switched the time-order check
# off, a checkpoint step of 0 divided by zero and one of -10 looped for ever. NaN fails every
# bound (it compares false), so each bound also means "finite".
#: simulated seconds: no level runs longer than the schema allows
Time = Annotated[float, msgspec.Meta(ge=0.0, le=MAX_DURATION_S)]
#: NumPy takes any non-negative integer; this is its usual 64-bit range
Seed = Annotated[int, msgspec.Meta(ge=0, le=2**63 - 1)]
#: the data plane's batch: the schema allows 0.01-1 s
TickS = Annotated[float, msgspec.Meta(gt=0.0, le=60.0)]
#: between two checksums: at least one tick's worth (a smaller step only repeats the digest)
CheckpointS = Annotated[float, msgspec.Meta(ge=0.01, le=MAX_DURATION_S)]
#: ids, knob values and digests are short; a 10 MB value made a 20 MB error line
Name = Annotated[str, msgspec.Meta(max_length=200)]
Value = Annotated[str, msgspec.Meta(max_length=1_000)]


class _Line(msgspec.Struct, tag_field="type", forbid_unknown_fields=True, frozen=True, kw_only=True):
    pass


class Header(_Line, tag="header", frozen=True, kw_only=True):
    format: int
    game: Name
    level: Name
    level_sha256: Name
    #: where the level file was read from (a replay looks there first, then up the id)
    level_file: Annotated[str, msgspec.Meta(max_length=4_096)] | None = None
    seed: Seed
    tick_s: TickS
    knobs: dict[Name, Value]
    schedule: list[tuple[Time, Name, Value]] = []
    checkpoint_s: CheckpointS = CHECKPOINT_S
    #: Set when this run took another one over: that recording's file name and the time.
    taken_over_from: Annotated[str, msgspec.Meta(max_length=4_096)] | None = None
    taken_over_at: Time | None = None
    #: The language the run was played in, which its report's words are in (``None``: written
    #: before the game spoke two, so English). A replay in another language checks the numbers.
    language: Annotated[str, msgspec.Meta(pattern="^[a-z]{2}$")] | None = None


class CommandLine(_Line, tag="command", frozen=True, kw_only=True):
    t: Time
    name: Name
    value: Value


class SpeedLine(_Line, tag="speed", frozen=True, kw_only=True):
    """A speed change in the game (``1×``, ``10×``, ``60×``, ``max``, ``paused``): it changes
    nothing in the simulation, but a replay can play at the speeds the player chose."""

    t: Time
    speed: Name


class Checkpoint(_Line, tag="checkpoint", frozen=True, kw_only=True):
    t: Time
    digest: Name


class ReportLine(_Line, tag="report", frozen=True, kw_only=True):
    report: dict[str, Any]


Line = Header | CommandLine | SpeedLine | Checkpoint | ReportLine
