"""Recordings: every run as a JSON Lines file that can be replayed, checked and taken over.

A recording is the seed, the level (by id and the SHA-256 of its file), the starting knob values
and the policy's own schedule, then every command given during the run with its simulated time,
checksums of the simulation state every few simulated seconds, and the final report. That is
enough to re-simulate the run exactly: the engine is deterministic given those inputs. The
checksums make a divergence visible *where* it happens, not only in the final numbers.

Headless (no Textual): the command line, the grader and the UI all use it.
"""

from scaleout_tui.recording.format import FORMAT, Checkpoint, CommandLine, Header, ReportLine, SpeedLine
from scaleout_tui.recording.reader import Recording, RecordingError, read_recording
from scaleout_tui.recording.reference import reference_replay
from scaleout_tui.recording.replay import Replay, ReplayMismatch, open_replay
from scaleout_tui.recording.writer import Recorder, header_for

__all__ = [
    "FORMAT",
    "Checkpoint",
    "CommandLine",
    "Header",
    "Recorder",
    "Recording",
    "RecordingError",
    "Replay",
    "ReplayMismatch",
    "ReportLine",
    "SpeedLine",
    "header_for",
    "open_replay",
    "read_recording",
    "reference_replay",
]
