"""Files the game keeps for the player: progress now; settings and replays later.

Every file here is versioned, written atomically, and read strictly; a broken file is
moved aside with a notice rather than crashing the game or being silently overwritten.
No Textual or Rich here: the UI decides how to show a notice.
"""

from scaleout_tui.persistence.atomic import write_bytes_atomic, write_text_atomic
from scaleout_tui.persistence.progress import LevelRecord, Progress, ProgressError, default_path

__all__ = [
    "LevelRecord", "Progress", "ProgressError", "default_path",
    "write_bytes_atomic", "write_text_atomic",
]
