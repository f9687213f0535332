"""The player's folder: where the game writes (the progress file, recordings, imported traces).

``$SCALEOUT_HOME`` when set (tests and portable installs use it), else the platform's user-data
folder. A module of its own, at the bottom of the layers, because the content layer reads
imported traces from the folder while the layers above it (persistence, the UI) write into it,
and none of them should import another's package for a folder: importing content loads the
engine, and the progress file must stay quick to open.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

#: the environment variable that moves the player's folder
HOME_ENV = "SCALEOUT_HOME"


def data_dir() -> Path:
    """Where the game keeps the player's files: ``$SCALEOUT_HOME`` if set, else the user-data folder."""
    home = os.environ.get(HOME_ENV)
    if home:
        return Path(home).expanduser()
    return Path(platformdirs.user_data_dir("scaleout", appauthor=False))
