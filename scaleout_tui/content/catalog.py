"""The instance catalog: the sizes a level may name, read from ``assets/instance_types.toml``.

Why data and not a Python table: prices and per-core speeds are the numbers a designer tunes to
make a lesson land (capacity growing slower than price at the top), and a data file can be
reviewed, diffed and validated like a level. It is read with the same strictness and error
style as levels.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from scaleout_tui import texts
from scaleout_tui.content.decode import Source, load_struct, read_text
from scaleout_tui.content.paths import assets_dir
from scaleout_tui.content.schema import CatalogFile
from scaleout_tui.engine import InstanceType

CATALOG_FILE = "instance_types.toml"


def default_catalog_path() -> Path:
    return assets_dir() / CATALOG_FILE


def load_catalog(path: str | os.PathLike[str] | None = None) -> dict[str, InstanceType]:
    """Instance types by name, in file order. Raises :class:`LevelError` on any problem."""
    src = read_text(path if path is not None else default_catalog_path())
    return loads_catalog(src.text, src.path)


def loads_catalog(text: str, path: str = "<catalog>") -> dict[str, InstanceType]:
    """Like :func:`load_catalog`, from text already in memory."""
    src = Source(path, text)
    doc = load_struct(src, CatalogFile, "catalog")
    out: dict[str, InstanceType] = {}
    for i, t in enumerate(doc.types):
        if t.name in out:
            first = next(j for j, u in enumerate(doc.types) if u.name == t.name)
            raise src.error(("types", i, "name"), texts.DUPLICATE.format(got=t.name, first=f"types[{first}]"))
        out[t.name] = InstanceType(t.name, t.vcpus, t.memory_gb, t.speed, t.price_per_hour)
    return out


@lru_cache(maxsize=1)
def _default() -> tuple[tuple[str, InstanceType], ...]:
    return tuple(load_catalog().items())


def load_catalog_default() -> dict[str, InstanceType]:
    """The shipped catalog (read once per process; a fresh dict each call, so callers may
    change theirs freely)."""
    return dict(_default())

