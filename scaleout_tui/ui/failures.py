"""The failure drill's commands: break a box on purpose, then repair it.

STAND-IN, to be replaced by ``Session.inject(kind, box)`` / ``Session.repair(box)`` once the
game layer has them (asked for; the UI owns no game rule). Until then this module sends the
engine's own commands (``inject.<kind>`` and ``repair``) straight to ``session.sim``, so:

- the action is *not* recorded in ``session.history``, so a replay will not repeat it;
- the engine accepts a failure on a box that is already down, or a repair of a healthy box,
  and silently does nothing (its failure process just returns). A player pressing a key and
  seeing nothing would think the game is broken, so :func:`check_inject` and
  :func:`check_repair` refuse those here, with a :class:`CommandError` worded like the
  engine's, from the latest snapshot. Once the engine raises them itself, these checks go.

Everything else (an unknown box, an unknown kind) is refused by the engine, and the screen
shows its message in a toast either way.
"""

from __future__ import annotations

from collections.abc import Sequence

from scaleout_tui.engine import Command, CommandError
from scaleout_tui.engine.snapshot import BoxView
from scaleout_tui.game.session import Session
from scaleout_tui.ui import texts

#: Roles a player may break: the app servers behind the balancer (the lesson of levels 3-5).
TARGET_ROLES = ("web", "app+db")
#: States in which a box can still fail (the engine's failure process ignores the others).
BREAKABLE = ("running", "stopping")


def targets(boxes: Sequence[BoxView]) -> tuple[str, ...]:
    """The names a player may pick, in the snapshot's order."""
    return tuple(b.name for b in boxes if b.role in TARGET_ROLES)


def _find(boxes: Sequence[BoxView], name: str) -> BoxView:
    for b in boxes:
        if b.name == name:
            return b
    raise CommandError(texts.DRILL_NO_BOX.format(box=name))


def check_inject(boxes: Sequence[BoxView], kind: str, name: str) -> None:
    """Refuse a failure the engine would silently ignore (see the module docstring)."""
    box = _find(boxes, name)
    if box.state not in BREAKABLE:
        raise CommandError(texts.DRILL_ALREADY_DOWN.format(box=name, state=box.state))
    if box.fault in texts.FAULTS:
        raise CommandError(texts.DRILL_ALREADY_FAULTY.format(box=name, fault=texts.FAULTS[box.fault]))


def check_repair(boxes: Sequence[BoxView], name: str) -> None:
    """Refuse a repair that would do nothing: the box is neither crashed nor faulty."""
    box = _find(boxes, name)
    if box.state != "crashed" and box.fault not in texts.FAULTS:
        raise CommandError(texts.DRILL_NOT_BROKEN.format(box=name))


def inject(session: Session, kind: str, name: str) -> None:
    """Break ``name`` with ``kind`` now (it lasts until repaired). Raises CommandError."""
    check_inject(session.snapshot().boxes, kind, name)
    session.sim.apply(Command(f"inject.{kind}", name))


def repair(session: Session, name: str) -> None:
    """Undo a failure of ``name``: restart a crashed box, fix a broken app. Raises CommandError."""
    check_repair(session.snapshot().boxes, name)
    session.sim.apply(Command("repair", name))
