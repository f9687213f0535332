"""Sharding: several masters, each holding part of the data, chosen by a shard key.

A query goes to one shard only when it names the shard key; otherwise the router asks every
shard (scatter-gather: as slow as the slowest shard, and it loads all of them), as MongoDB's
router "performs a broadcast operation for queries that do not include the shard key". The
reads here name a user: a customer's own orders, or (``range_query_share`` of them) a range of
user ids, a report over a block of customers.

* ``user_hash``: hash of the user id. Spreads users, their reads and their inserts evenly; a
  range of user ids is spread over every shard, so a range query asks them all.
* ``user_range``: contiguous ranges of user ids. A range query hits one shard; an even spread
  needs evenly active users.
* ``created_at``: a monotonically increasing key (a timestamp, an auto-increment id).
  Every new record has the highest key so far, so *every insert lands on the shard
  that owns the top of the range*: one hot shard, however many there are. And a read names
  a user, not a time: every read asks every shard.

Adding a shard moves chunks to it in the background, like MongoDB's balancer: the
move reads from the old shards and writes to the new one (load on both) for as long
as it takes, and a key's traffic moves only once its chunk has (:func:`chunk_point`).

A simplification, said plainly: placement is the key modulo the shard count (``user_hash``) or
an even split of the ids (``user_range``), so going from 3 shards to 4 reassigns 75 % (50 %) of
the keys, where MongoDB's chunk balancing or a consistent-hash ring moves about a quarter; and a
move's duration and load are fixed per shard added, not scaled by what moves.

The tutorials' demonstration: 60 records written with sequential ids over 3 shards by
a hashed (modulo) key land 20, 20 and 20.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt
import simpy

from scaleout_tui.engine.arrays import F64, I64, B
from scaleout_tui.engine.box import Box
from scaleout_tui.engine.commands import CommandError, Handler, Value
from scaleout_tui.engine.fleet import Fleet
from scaleout_tui.engine.requests import BROADCAST, Tables, Transit
from scaleout_tui.engine.rng import key_hash
from scaleout_tui.engine.world import World

KEYS: tuple[str, ...] = ("user_hash", "user_range", "created_at")


@dataclass(frozen=True, slots=True)
class ShardingSpec:
    shards: int = 1
    key: str = "user_hash"
    range_query_share: float = 0.0   # share of reads that scan a key range
    move_s_per_shard: float = 300.0  # how long moving a new shard's chunks takes
    move_load: float = 0.3           # CPU the move costs on each shard involved (worker-s/s)


def place(keys: I64, shards: int, key: str, users: int) -> I64:
    """Shard of each record key (user id, or a creation sequence number)."""
    if key == "user_hash":
        return keys % shards
    if key == "user_range":
        return np.minimum(keys * shards // max(users, 1), shards - 1)
    # created_at: records are created in order; each shard owns a range of creation
    # times and the newest range (where every insert goes) is on the last shard
    return np.full(keys.size, shards - 1, dtype=np.int64)


def chunk_point(user: I64) -> F64:
    """Where in a chunk move each key's chunk goes, as a fraction of the move in [0, 1): a fixed
    hash, so one key always moves at the same point."""
    return key_hash(user).astype(np.float64) / 2.0**32


class ShardRouter:
    """Which shard holds each key, and the chunk move under way; the data plane's database router."""

    def __init__(self, spec: ShardingSpec, users: int, rng: np.random.Generator) -> None:
        self.spec = spec
        self.users = users
        self.rng = rng
        self.boxes: list[int] = []
        self.inserts = np.zeros(0, dtype=np.int64)   # per shard
        self.queries = np.zeros(0, dtype=np.int64)   # per shard, incl. broadcast legs
        self.moving: tuple[float, float] | None = None  # (start, end) of a chunk move
        self.moving_from = 0                          # shard count before the move

    def add_shard(self, box: int) -> None:
        self.boxes.append(box)
        self.inserts = np.append(self.inserts, 0)
        self.queries = np.append(self.queries, 0)

    @property
    def n(self) -> int:
        return len(self.boxes)

    def _settled(self, t: F64, user: I64) -> I64:
        """Shards each key may use now: mid-move, keys whose chunk has not moved yet
        still go to the old layout. A key's chunk moves once, at its own point of the move
        (a fixed fraction per key): all of one user's queries go to the old shard until then,
        and to the new one after, as a chunk's traffic switches when its migration commits."""
        n = self.n
        if self.moving is None:
            return np.full(t.size, n, dtype=np.int64)
        a, b = self.moving
        frac = np.clip((t - a) / max(b - a, 1e-9), 0.0, 1.0)
        moved = chunk_point(user) < frac
        return np.where(moved, n, self.moving_from).astype(np.int64)

    def route(self, t: F64, user: I64, write: npt.NDArray[np.bool_]) -> I64:
        """Shard (position, not box) for each query; ``BROADCAST`` for scatter-gather."""
        spec = self.spec
        n_now = self._settled(t, user)
        shard = np.empty(t.size, dtype=np.int64)
        for n in np.unique(n_now).tolist():
            m = n_now == n
            if spec.key == "created_at":
                # inserts go to the newest range; a read names a user, whose records are of
                # every age: it cannot be placed, and asks every shard
                shard[m] = np.where(write[m], n - 1, BROADCAST)
            else:
                shard[m] = place(user[m], n, spec.key, self.users)
        if spec.range_query_share > 0:
            scan = ~write & (self.rng.random(t.size) < spec.range_query_share)
            if spec.key != "user_range":  # only ranged user ids keep a range of them together
                shard[scan] = BROADCAST
        np.add.at(self.inserts, shard[write & (shard >= 0)], 1)
        single = shard >= 0
        np.add.at(self.queries, shard[single], 1)
        self.queries += int(np.count_nonzero(~single))
        return shard

    def share(self) -> list[float]:
        """Each shard's share of the inserts so far (one shard: all of them)."""
        total = int(self.inserts.sum())
        return [float(x) / total if total else 0.0 for x in self.inserts]

    # ---- as the data plane's database router ------------------------------------------
    def targets(self, t: F64, user: I64, write: B, master: int, boxes: list[Box]) -> I64:
        pos = self.route(t, user, write)
        shard_boxes = np.asarray(self.boxes, dtype=np.int64)
        return np.where(pos >= 0, shard_boxes[np.maximum(pos, 0)], BROADCAST)

    def legs(self) -> I64:
        return np.asarray(self.boxes, dtype=np.int64)

    def committed(self, batch: Transit, box: I64, idx: I64, finish: F64, tables: Tables,
                  master: int | None, rtt_s: float) -> None:
        return None  # a shard keeps no copies to bring up to date


class ShardSet:
    """The shards as the operator runs them. Commands: ``db.shard_key`` (before the clock starts:
    a new key means copying every record) and ``db.shards`` (shards only grow: new ones boot,
    then chunks move to them while every shard pays for the copy)."""

    def __init__(self, world: World, fleet: Fleet, spec: ShardingSpec, rng: np.random.Generator) -> None:
        self.world = world
        self.fleet = fleet
        self.router = ShardRouter(spec, world.users, rng)
        self.router.add_shard(fleet.role_box("db").index)
        for _ in range(spec.shards - 1):
            self.router.add_shard(fleet.add_live_box("db", "db", fleet.db_type).index)
        world.data.db_router = self.router
        #: shards launched and still booting: asked for, not yet in the router
        self.booting = 0

    def commands(self) -> dict[str, Handler]:
        return {"db.shards": self._shards, "db.shard_key": self._key}

    def _key(self, value: Value) -> None:
        assert isinstance(value, str) and value in KEYS
        if self.world.now > 0:
            raise CommandError("shard_key_after_start")
        self.router.spec = replace(self.router.spec, key=value)

    def _shards(self, value: Value) -> None:
        assert isinstance(value, int)
        router, n = self.router, value
        # the shards asked for count from the moment they are launched: asking for 3 and then
        # for 2 while the first two boot must not launch a fourth
        have = router.n + self.booting
        if n < have:
            raise CommandError("shards_cannot_merge", have=have, asked=n)
        if n == have:
            return
        if self.world.now == 0.0:
            while router.n < n:
                router.add_shard(self.fleet.add_live_box("db", "db", self.fleet.db_type).index)
            return
        self.booting += n - have
        self.world.env.process(self._add(n - have))

    def _add(self, k: int) -> Generator[simpy.Event, Any, None]:
        """Boot the new shards, then move chunks to them while every shard pays for it."""
        router, fleet, world = self.router, self.fleet, self.world
        env = world.env
        pending = [fleet.booting("db-new", "db", fleet.db_type) for _ in range(k)]
        world.emit("shard_boot", "info", n=k, boot_s=world.timings.boot_s)
        yield env.timeout(world.timings.boot_s)
        for p in pending:
            fleet.booted(p)
        self.booting -= k
        before = router.n
        for _ in range(k):
            router.add_shard(fleet.add_live_box("db", "db", fleet.db_type).index)
        move_s = router.spec.move_s_per_shard * k
        router.moving = (env.now, env.now + move_s)
        router.moving_from = before
        world.emit("chunks_moving", "warn", shards=router.n, move_s=move_s)
        end = env.now + move_s
        while env.now < end:
            for b in router.boxes:
                box = fleet.boxes[b]
                if box.accepting:
                    world.data.probe(box, env.now, router.spec.move_load)
            yield env.timeout(1.0)
        router.moving = None
        world.emit("chunks_moved", "good", shards=router.n)
