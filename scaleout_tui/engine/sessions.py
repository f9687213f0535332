"""Login sessions, and where they live.

A session is created by a login on the box that served it. Where it is *kept* decides
whether the next request finds it:

* ``local`` (framework default: in the app's memory or on its disk): only that box
  knows it. A later request from the same user that lands on another box finds no
  session and the user is asked to log in again (counted as ``session_lost``). A box
  that dies takes its sessions with it.
* ``shared`` (a Redis-like store every box asks): every box sees every session, at the
  price of a small round trip per request, the store's own capacity, and a new single
  point of failure (requests that need a session fail while it is down).

Sticky sessions are not a store: they are the balancer's cookie keeping a user on the
box that holds the session (see :mod:`balancer`).

Command: ``session.store``. Sessions do not move between stores: switching logs everyone out,
and a shared store is a box that must boot first.

TTLs: connect-redis keeps a session 86,400 s by default, Spring Session 1,800 s.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt
import simpy

from scaleout_tui.engine.arrays import F64, I64
from scaleout_tui.engine.box import Box
from scaleout_tui.engine.commands import Handler, Value
from scaleout_tui.engine.fleet import Fleet
from scaleout_tui.engine.requests import CAUSE, Gate, WebBatch
from scaleout_tui.engine.traffic import KINDS
from scaleout_tui.engine.world import World

STORES: tuple[str, ...] = ("local", "shared")

NONE = -1      # no session
SHARED = -2    # in the shared store
DESTROYED = -3  # was on a box that died: the next request discovers it

LOGIN = KINDS.index("login")
NEEDS_SESSION = frozenset(KINDS.index(k) for k in ("page", "write", "upload", "download"))


@dataclass(frozen=True, slots=True)
class SessionSpec:
    store: str = "local"          # local | shared
    ttl_s: float = 1_800.0
    store_op_s: float = 0.0001    # CPU per store operation on the store box


class SessionStore(Gate):
    """Who is logged in, and where their session is kept; a gate in front of the app."""

    name = "sessions"

    def __init__(self, spec: SessionSpec, users: int) -> None:
        self.spec = spec
        self.owner = np.full(users, NONE, dtype=np.int64)
        self.expires = np.zeros(users)
        self.created = 0
        self.lost = 0
        self._needs = np.zeros(len(KINDS), dtype=np.bool_)
        self._needs[list(NEEDS_SESSION)] = True

    def check(self, t: F64, user: I64, kind: npt.NDArray[np.int8], box: I64) -> tuple[
            npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
        """Apply a tick's requests in order. Returns ``(lost, uses_store)`` masks.

        ``lost``: the user had a session but this box cannot see it. ``uses_store``:
        the request reads or writes the shared store (logins, and requests of
        logged-in users).
        """
        n = t.size
        lost = np.zeros(n, dtype=np.bool_)
        uses = np.zeros(n, dtype=np.bool_)
        if n == 0:
            return lost, uses
        shared = self.spec.store == "shared"
        owner, expires = self.owner, self.expires
        ttl = self.spec.ttl_s
        t_l, u_l, k_l, b_l = t.tolist(), user.tolist(), kind.tolist(), box.tolist()
        needs = self._needs
        for i in range(n):
            u = u_l[i]
            k = k_l[i]
            if k == LOGIN:
                owner[u] = SHARED if shared else b_l[i]
                expires[u] = t_l[i] + ttl
                self.created += 1
                uses[i] = shared
            elif needs[k]:
                o = owner[u]
                if o == NONE:
                    continue
                if expires[u] <= t_l[i]:
                    owner[u] = NONE
                    continue
                if o == SHARED:
                    uses[i] = True
                    expires[u] = t_l[i] + ttl  # sliding expiry, as session stores do
                elif o != b_l[i]:
                    lost[i] = True
                    owner[u] = NONE
                else:
                    expires[u] = t_l[i] + ttl
        self.lost += int(lost.sum())
        return lost, uses

    def admit(self, batch: WebBatch) -> None:
        """A logged-in user whose session this box cannot see gets the login page."""
        arr = batch.arr
        idx = np.flatnonzero(batch.live)
        lost, uses = self.check(arr.t[idx], arr.user[idx], arr.kind[idx], batch.box[idx])
        batch.fail(idx[lost], CAUSE["session_lost"])
        batch.uses_store = np.zeros(arr.size, dtype=np.bool_)
        batch.uses_store[idx] = uses

    def stage_demand(self, batch: WebBatch, got: I64, demand: F64, stage_box: list[int | None]) -> None:
        if stage_box[0] is not None and batch.uses_store is not None:
            # demands are at speed 1: each stage divides by its own box's speed
            demand[:, 0] = np.where(batch.uses_store[got], self.spec.store_op_s, 0.0)

    def box_lost(self, box: Box) -> None:
        if self.spec.store == "local":
            self.drop_box(box.index)

    def drop_box(self, box: int) -> int:
        """A box died: the sessions it kept locally are gone."""
        hit = self.owner == box
        self.owner[hit] = DESTROYED
        return int(hit.sum())

    def active(self, now: float) -> int:
        return int(np.count_nonzero((self.owner != NONE) & (self.expires > now)))


class Sessions:
    """The session store as the operator runs it: local on each box, or a shared store box."""

    def __init__(self, world: World, fleet: Fleet, spec: SessionSpec) -> None:
        self.world = world
        self.fleet = fleet
        self.store = SessionStore(spec, world.users)
        world.data.add_gate(self.store)
        if spec.store == "shared":
            box = fleet.add_live_box("cache", "session", fleet.aux_type)
            world.data.stage_box[0] = box.index

    def commands(self) -> dict[str, Handler]:
        return {"session.store": self._store}

    def _store(self, value: Value) -> None:
        assert value in STORES
        if value == self.store.spec.store:
            return
        data = self.world.data
        if value == "shared":
            self.world.env.process(self._provision())
        else:
            cache = data.stage_box[0]
            if cache is not None:
                self.fleet.set_state(self.fleet.boxes[cache], "terminated")
            data.stage_box[0] = None
            self._switch("local")

    def _provision(self) -> Generator[simpy.Event, Any, None]:
        world, fleet = self.world, self.fleet
        boot = world.timings.boot_s if world.now > 0 else 0.0
        if boot:
            pending = fleet.booting("cache-new", "session", fleet.aux_type)
            world.emit("store_boot", "info", boot_s=boot)
            yield world.env.timeout(boot)
            fleet.booted(pending)
        box = fleet.add_live_box("cache", "session", fleet.aux_type)
        world.data.stage_box[0] = box.index
        self._switch("shared")

    def _switch(self, store: str) -> None:
        """Sessions do not move between stores: everyone logged in must log in again."""
        sessions = self.store
        sessions.spec = replace(sessions.spec, store=store)
        had = sessions.active(self.world.now)
        sessions.owner[:] = -3 if had else -1  # DESTROYED: next request finds it gone
        self.world.emit("store_switched", "warn", store=store, sessions=had)
