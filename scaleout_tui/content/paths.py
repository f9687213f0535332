"""Where the game's data lives, installed or not.

Levels and assets sit at the repository root (designers edit them as data, not code). The wheel
force-includes them as ``scaleout_tui/levels`` and ``scaleout_tui/assets`` (see pyproject.toml),
so the installed game looks next to its package first and a source checkout or editable install
falls back to the repository root. No ``importlib.resources`` here: the files are plain files in
both cases, and a ``Path`` is what the loaders, the CLI and the error messages all want.
"""

from __future__ import annotations

import os
from pathlib import Path

import scaleout_tui
from scaleout_tui import texts
from scaleout_tui.content.errors import LevelError

_PACKAGE = Path(scaleout_tui.__file__).resolve().parent


def _data_dir(name: str) -> Path:
    installed = _PACKAGE / name
    return installed if installed.is_dir() else _PACKAGE.parent / name


def levels_dir() -> Path:
    """The folder of the shipped level files."""
    return _data_dir("levels")


def assets_dir() -> Path:
    """The folder of the shipped data files (the instance catalog, traces, ...)."""
    return _data_dir("assets")


def solutions_dir() -> Path:
    """The folder of the reference solutions: one policy file per level, ``<level-id>.toml``.

    Why shipped (and not kept with the tests): after two losses the debrief offers to watch a
    winning run beside the player's own, and that run is the reference solution replayed. The
    tests check the very same files win, so the answer the game shows is the one CI proves.
    They stay out of the level files: reading the answer takes opening another file on purpose.
    """
    return assets_dir() / "solutions"


def solution_path(level_id: str) -> Path | None:
    """The reference solution of ``level_id``, or None when the level has none (a sandbox, a
    scenario, a level of the player's own)."""
    path = solutions_dir() / f"{level_id}.toml"
    return path if path.is_file() else None


def level_ids(directory: Path | None = None) -> list[str]:
    """The ids of the level files in ``directory`` (default: :func:`levels_dir`), sorted."""
    folder = directory or levels_dir()
    try:
        return sorted(p.stem for p in folder.glob("*.toml") if p.is_file())
    except OSError:
        return []


def scenarios_dir() -> Path:
    """Preset scenarios shipped with the game: run by id, not part of the campaign."""
    return assets_dir() / "scenarios"


#: the sandbox's level id, and the short name ``scaleout run sandbox`` accepts for it
SANDBOX_ID = "99-sandbox"
SANDBOX_ALIAS = "sandbox"


def is_sandbox(level_id: str) -> bool:
    """Whether a level is a sandbox (free play: its objectives are gauges, nothing to win):
    ``99-sandbox`` and its variants such as ``98-sandbox-shards``."""
    return level_id == SANDBOX_ID or "-sandbox" in level_id


def sandbox_path() -> Path:
    """The sandbox level file: every component, any traffic scenario, no budget."""
    return scenarios_dir() / f"{SANDBOX_ID}.toml"


def sandbox_paths() -> list[Path]:
    """Every sandbox's level file (``99-sandbox`` first, then its variants by id, highest first):
    the places an import can offer the settings it read."""
    return [sandbox_path(), *(scenarios_dir() / f"{i}.toml" for i in reversed(level_ids(scenarios_dir()))
                              if is_sandbox(i) and i != SANDBOX_ID)]


def find_level(ref: str | os.PathLike[str], directory: Path | None = None) -> Path:
    """The file of a level given by id (``01-single-server``) or by path.

    A reference that names an existing file, ends in ``.toml`` or contains a path separator is a
    path; anything else is an id looked up in ``directory`` (default: :func:`levels_dir`).
    Raises :class:`LevelError` listing the known ids when there is no such level.
    """
    text = os.fspath(ref)
    as_path = Path(text)
    looks_like_path = text.endswith(".toml") or os.sep in text or (os.altsep or os.sep) in text
    if looks_like_path or as_path.is_file():
        if not as_path.is_file():
            raise LevelError(text, "", texts.NO_SUCH_FILE if not as_path.exists() else texts.NOT_A_FILE)
        return as_path
    folder = directory or levels_dir()
    candidate = folder / f"{text}.toml"
    if candidate.is_file():
        return candidate
    if directory is None:
        # scenarios (sandbox presets such as the tutorials' experiment) run by id too
        scenario = scenarios_dir() / f"{SANDBOX_ID if text == SANDBOX_ALIAS else text}.toml"
        if scenario.is_file():
            return scenario
    known = level_ids(folder)
    if directory is None and known:
        known += [*level_ids(scenarios_dir()), SANDBOX_ALIAS]
    message = (texts.UNKNOWN_LEVEL.format(known=", ".join(known)) if known
               else texts.UNKNOWN_LEVEL_NONE.format(path=folder))
    raise LevelError(text, "", message)



def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """Whether writing ``a`` would overwrite ``b``: the same path once resolved (``./x`` and
    ``x``, a symlinked folder), or, when both exist, the same file on disk (a hard link, a
    symlink to the file). Used to refuse an output that is an input of the same command."""
    try:
        if Path(a).resolve() == Path(b).resolve():
            return True
    except (OSError, RuntimeError):  # a symlink loop: fall through to the files themselves
        pass
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):  # one of them does not exist (yet): then it is not the other
        return False
