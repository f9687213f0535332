"""The gotchas of cloning a server: two ways a copied box quietly breaks a balanced fleet.

* **A redirect to the box's own host name.** An app builds absolute redirect URLs from a
  configured base URL. Harmless while that is the shop's address; a hand-made change that sets
  it to the box's own host name sends every user who logs in there to ``https://web-2...``,
  where their browser stays, past the balancer (see :mod:`redirects`). Relative redirects
  (``app.redirect = relative``) cannot do this.
* **A clone that keeps its own database.** A box cloned from another's disk image brings that
  image's local database along. Unless its app is pointed at the shared one
  (``app.clone_database = shared``), its writes land in a copy nobody else reads (see
  :mod:`localdb`).

Both arrive as scripted events (kinds ``redirect`` and ``clone``); ``repair`` undoes a redirect.
Commands: ``app.redirect`` and ``app.clone_database`` (a deploy, applied at once; a clone whose
database changes restarts its app).
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, replace
from typing import Any

import simpy

from scaleout_tui.engine.box import Box
from scaleout_tui.engine.commands import Handler, Value
from scaleout_tui.engine.failures import Failures, ScheduledFailure
from scaleout_tui.engine.fleet import Fleet
from scaleout_tui.engine.localdb import DataCopies
from scaleout_tui.engine.redirects import MODES, Redirects
from scaleout_tui.engine.world import World

CLONE_DATABASES: tuple[str, ...] = ("local", "shared")
#: scripted happenings that are not failures a health check could find
GOTCHA_KINDS: tuple[str, ...] = ("redirect", "clone")


@dataclass(frozen=True, slots=True)
class AppSpec:
    """How the application is configured, where cloning a server can go wrong.

    ``redirect``: ``base_url`` builds redirect URLs from each box's configured base URL,
    ``relative`` sends a path only. ``clone_database``: what a box cloned from another's image
    talks to, its image's own ``local`` database or the ``shared`` one."""

    redirect: str = "base_url"
    clone_database: str = "local"
    pin_idle_s: float = 1_800.0


class Cloning:
    """The app's configuration across the fleet, and the clones it has."""

    def __init__(self, world: World, fleet: Fleet, spec: AppSpec, failures: Failures) -> None:
        self.world = world
        self.fleet = fleet
        self.spec = spec
        self.redirects = Redirects(world.users, spec.redirect, spec.pin_idle_s)
        self.copies = DataCopies(world.users)
        world.data.add_gate(self.redirects)
        world.data.add_gate(self.copies)
        #: names of the boxes cloned from another's image
        self.clones: list[str] = []
        failures.scripted_kinds["redirect"] = self._misredirect
        failures.scripted_kinds["clone"] = self._clone
        failures.repairers.append(self)

    def commands(self) -> dict[str, Handler]:
        return {"app.redirect": self._redirect, "app.clone_database": self._clone_database}

    def _redirect(self, value: Value) -> None:
        assert isinstance(value, str) and value in MODES
        self.redirects.mode = value
        self.spec = replace(self.spec, redirect=value)

    def _clone_database(self, value: Value) -> None:
        assert isinstance(value, str) and value in CLONE_DATABASES
        self.spec = replace(self.spec, clone_database=value)
        own = value == "local"
        for box in [b for b in self.fleet.live_boxes if b.name in self.clones]:
            if (box.role == "app+db") != own:
                self._set_role(box, own)
                if self.world.now > 0 and box.state == "running":
                    self.world.env.process(self.fleet.restart_app(box))

    def _set_role(self, box: Box, own_database: bool) -> None:
        box.role = "app+db" if own_database else "web"
        if own_database:
            self.copies.own_copy.add(box.index)
        else:
            self.copies.own_copy.discard(box.index)
        self.world.data.touch()

    # ---- scripted events ----------------------------------------------------------------
    def _misredirect(self, box: Box, f: ScheduledFailure) -> Generator[simpy.Event, Any, None] | None:
        """A hand-made config change gives ``box`` its own host name as base URL."""
        if not box.serves_web:
            return None
        return self._redirecting(box, f.repair_s)

    def _redirecting(self, box: Box, repair_s: float) -> Generator[simpy.Event, Any, None]:
        r = self.redirects
        r.self_redirecting.add(box.index)
        harmless = r.mode == "relative"
        self.world.emit("redirect_own_host_harmless" if harmless else "redirect_own_host",
                        "info" if harmless else "warn", box=box.name, repair_s=repair_s)
        yield self.world.env.timeout(repair_s)
        self.fix(box)

    def _clone(self, source: Box, f: ScheduledFailure) -> None:
        """A web box cloned from ``source``'s disk image joins now, with whatever database the
        clone setting says; it enters rotation after a passing check."""
        if not source.serves_web or self.fleet.layout != "two-tier":
            return None
        box = self.fleet.add_live_box("web", "web", source.itype)
        self.clones.append(box.name)
        own = self.spec.clone_database == "local"
        self._set_role(box, own)
        self.fleet.register(box, new_target=True)
        self.world.emit("clone_joined", "warn" if own else "good", box=box.name, source=source.name,
                        database="local" if own else "shared")
        return None

    # ---- as a repairer ------------------------------------------------------------------
    def broken(self, box: Box) -> bool:
        return box.index in self.redirects.self_redirecting

    def fix(self, box: Box) -> None:
        """The base URL is the shop's again. Users already pinned stay on the box's host name
        until they go idle: their browsers are there now."""
        r = self.redirects
        if box.index not in r.self_redirecting:
            return
        r.self_redirecting.discard(box.index)
        self.world.emit("redirect_fixed", "good", box=box.name,
                        pinned=r.pinned_users(self.world.env.now).get(box.index, 0))
