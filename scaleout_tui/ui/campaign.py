"""The campaign as the map shows it: planned slots, the level files that exist, and progress.

Why an adapter: the map must show all eight planned levels (CURRICULUM.md) even while only
some level files are written, and must survive a broken level file (show it, do not crash).
This module is the one place that talks to the content layer for the UI, and it turns
levels plus progress into plain :class:`Slot` values a screen can render and a test can
check without a terminal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from scaleout_tui.content import LevelError, level_ids, levels_dir, load_catalog_default, load_level
from scaleout_tui.content.paths import sandbox_paths
from scaleout_tui.content.schema import Level
from scaleout_tui.engine.instance import InstanceType
from scaleout_tui.persistence.progress import Progress
from scaleout_tui.ui import texts


@dataclass(frozen=True, slots=True)
class Slot:
    """One row of the campaign map."""

    order: int
    title: str
    level: Level | None
    error: str | None
    unlocked: bool
    stars: int
    plays: int

    @property
    def playable(self) -> bool:
        return self.level is not None and self.unlocked

    @property
    def level_id(self) -> str | None:
        return self.level.id if self.level is not None else None


@dataclass(frozen=True, slots=True)
class Content:
    """Everything loaded from disk once, at start: levels in campaign order, the catalog,
    and a readable error per level file that failed to load."""

    levels: tuple[Level, ...]
    catalog: Mapping[str, InstanceType]
    errors: tuple[str, ...] = ()
    #: the sandboxes (free play: every component of a chapter, any traffic), outside the
    #: campaign's order: ``99-sandbox`` first, then the one with shards and chapter two's
    sandboxes: tuple[Level, ...] = ()

    @property
    def ordered_ids(self) -> list[str]:
        return [lv.id for lv in self.levels]

    def level(self, level_id: str) -> Level | None:
        return next((lv for lv in self.levels if lv.id == level_id), None)

    def next_level(self, level_id: str) -> Level | None:
        """The level after ``level_id`` in campaign order, if its file exists."""
        ids = self.ordered_ids
        if level_id not in ids:
            return None
        i = ids.index(level_id)
        return self.levels[i + 1] if i + 1 < len(self.levels) else None


def load_content() -> Content:
    """Load every level file and the instance catalog. A broken level is reported, not fatal;
    a broken catalog is fatal (no level could be played), so its error propagates."""
    catalog = load_catalog_default()
    folder = levels_dir()
    levels: list[Level] = []
    errors: list[str] = []
    # One file at a time (not ``list_levels``, which stops at the first bad file): a typo in
    # level 5 must not hide levels 1 to 4.
    for level_id in level_ids(folder):
        try:
            levels.append(load_level(folder / f"{level_id}.toml", catalog))
        except LevelError as e:
            errors.append(str(e))
    levels.sort(key=lambda lv: (lv.order, lv.id))
    sandboxes: list[Level] = []
    for path in sandbox_paths():
        try:
            sandboxes.append(load_level(path, catalog))
        except LevelError as e:  # the campaign still plays without it
            errors.append(str(e))
    return Content(tuple(levels), catalog, tuple(errors), tuple(sandboxes))


def reread(content: Content) -> Content:
    """The same levels as ``content``, read again in the language spoken now.

    Why not just :func:`load_content`: a language switch changes the words, not the campaign.
    The map keeps its rows (an app started on a chosen set of levels keeps that set), and a file
    that changed on disk since the start is read as it is now, or reported if it broke."""
    fresh = load_content()
    keep = {lv.id for lv in content.levels}
    levels = tuple(lv for lv in fresh.levels if lv.id in keep)
    keep_sandboxes = {s.id for s in content.sandboxes}
    sandboxes = tuple(s for s in fresh.sandboxes if s.id in keep_sandboxes)
    errors = fresh.errors if content.errors or len(levels) < len(keep) else ()
    return Content(levels, fresh.catalog, errors, sandboxes)


def slots(content: Content, progress: Progress, planned: Sequence[str] | None = None) -> list[Slot]:
    """The rows of the map: every planned level in order, then any extra level files.

    A slot whose file does not exist yet is "coming soon"; unlocking follows the order of
    the levels that exist (the persistence layer's rule), so a gap in the plan never
    blocks the player. ``planned`` defaults to the plan's titles in the language spoken now.
    """
    planned = texts.PLANNED_LEVELS if planned is None else planned
    ids = content.ordered_ids
    by_order = {lv.order: lv for lv in content.levels}
    out: list[Slot] = []
    orders = sorted(set(range(1, len(planned) + 1)) | set(by_order))
    for order in orders:
        lv = by_order.get(order)
        title = lv.title if lv is not None else planned[order - 1]
        if lv is None:
            out.append(Slot(order, title, None, None, False, 0, 0))
            continue
        rec = progress.level(lv.id)
        out.append(Slot(order, title, lv, None, progress.is_unlocked(lv.id, ids),
                        progress.stars(lv.id), rec.plays if rec else 0))
    return out


def stars_text(stars: int, total: int = 3) -> str:
    """★★☆ for 2 of 3."""
    stars = max(0, min(stars, total))
    return texts.STAR_ON * stars + texts.STAR_OFF * (total - stars)
