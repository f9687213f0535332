"""``scaleout run --record`` and ``scaleout run --replay``: the recording side of headless runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scaleout_tui.content.loader import load_level
from scaleout_tui.content.paths import find_level
from scaleout_tui.game.headless import make_session, report
from scaleout_tui.game.progress import ProgressListener, Report
from scaleout_tui.recording.replay import Replay, open_replay
from scaleout_tui.recording.writer import Recorder, header_for


def run_recorded(level_ref: str, record: Path, seed: int = 1, sets: dict[str, str] | None = None,
                 policy_path: Path | None = None, progress: Report | None = None) -> dict[str, Any]:
    """:func:`~scaleout_tui.game.headless.run_level`, writing the run to ``record`` as it goes.
    Raises the content layer's errors on bad input (before the file is created) and ``OSError``
    when the file cannot be written."""
    level_path = find_level(level_ref)
    level = load_level(level_path)
    session = make_session(level, seed, sets or {}, policy_path)
    recorder = Recorder(record, header_for(session, level_path))
    session.listeners.append(recorder)
    if progress is not None:
        session.listeners.append(ProgressListener(progress))
    try:
        result = report(session, session.run())
        recorder.finish(result)
    finally:
        recorder.close()
    return result


def replay_file(path: Path | str, progress: Report | None = None) -> tuple[Replay, dict[str, Any]]:
    """Replay a recording to its end. Raises :class:`RecordingError` when it cannot be replayed;
    divergences are in ``replay.mismatches``."""
    replay = open_replay(path)
    if progress is not None:  # the replay runs forward only, so its first session is its only one
        replay.session.listeners.append(ProgressListener(progress))
    if replay.recording.report is None:
        # Stopped before the end (killed, or only a header): the objectives "so far" of a run that
        # never met the evening are no verdict. A header alone once read "WON ★★★" for 0 requests.
        replay.seek(replay.end)
        partial = report(replay.session, replay.session.result())
        partial.update(won=False, stars=0, incomplete=True)
        return replay, partial
    return replay, replay.run()
