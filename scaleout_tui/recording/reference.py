"""The reference solution of a level as a recording: a winning run to watch, made in memory.

Why a recording and not a run: the replay and compare screens already play any recording at any
speed, scrub it and take it over, so the winning run gets all of that for free. Why in memory and
not a file simulated ahead: a policy is all the inputs of a run (start knobs and the timed changes,
the header's ``knobs`` and ``schedule``; there are no commands), and the engine is deterministic,
so the header alone *is* the run. Opening it costs nothing; the :class:`Replay` simulates lazily,
only as far as the viewer moves the clock (a whole level 8 takes seconds, and nobody may watch to
the end).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from scaleout_tui.content.paths import solution_path
from scaleout_tui.content.policy import load_policy
from scaleout_tui.content.schema import Level
from scaleout_tui.engine.instance import InstanceType
from scaleout_tui.game.session import Session
from scaleout_tui.recording.reader import Recording
from scaleout_tui.recording.replay import Replay
from scaleout_tui.recording.writer import header_for


def reference_replay(level: Level, level_path: Path, seed: int,
                     catalog: Mapping[str, InstanceType]) -> Replay | None:
    """The reference solution of ``level`` (read from ``level_path``) on ``seed``, as a replay at
    t=0 that plays to the level's end; None when the level has no reference solution.

    The recording's path is the solution's file, so anything that names the run (a mismatch, a
    take-over's header) names where it came from. Raises the content layer's
    :class:`~scaleout_tui.content.errors.LevelError` when the solution no longer fits the level.
    """
    path = solution_path(level.id)
    if path is None:
        return None
    policy = load_policy(path, level)
    # The session is only the header's source (start knobs, schedule, tick, the level's hash):
    # the replay builds its own from the header, as for a recording read from a file.
    session = Session(level, catalog, seed, dict(policy.knobs), list(policy.changes))
    recording = Recording(path, header_for(session, level_path), to_end=True)
    return Replay(recording, level, catalog, level_path)
