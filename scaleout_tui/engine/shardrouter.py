"""Sharding: several masters, each holding part of the data, chosen by a shard key.

* ``user_hash``: hash of the user id. Spreads users, their reads and their inserts
  evenly; a *range* query ("all orders this week") cannot know where the range lives
  and goes to every shard (scatter-gather: as slow as the slowest shard, and it loads
  all of them).
* ``user_range``: contiguous ranges of user ids. Range queries on the key hit one
  shard; an even spread needs evenly active users.
* ``created_at``: a monotonically increasing key (a timestamp, an auto-increment id).
  Every new record has the highest key so far, so *every insert lands on the shard
  that owns the top of the range*: one hot shard, however many there are.

Adding a shard moves chunks to it in the background, like MongoDB's balancer: the
move reads from the old shards and writes to the new one (load on both) for as long
as it takes, and a key's traffic moves only once its chunk has.

The tutorials' demonstration: 60 records written with sequential ids over 3 shards by
a hashed (modulo) key land 20, 20 and 20.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

KEYS: tuple[str, ...] = ("user_hash", "user_range", "created_at")
BROADCAST = -1


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


class ShardRouter:
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

    def _settled(self, t: F64) -> I64:
        """Shards each key may use now: mid-move, keys whose chunk has not moved yet
        still go to the old layout."""
        n = self.n
        if self.moving is None:
            return np.full(t.size, n, dtype=np.int64)
        a, b = self.moving
        frac = np.clip((t - a) / max(b - a, 1e-9), 0.0, 1.0)
        moved = self.rng.random(t.size) < frac
        return np.where(moved, n, self.moving_from).astype(np.int64)

    def route(self, t: F64, user: I64, write: npt.NDArray[np.bool_]) -> I64:
        """Shard (position, not box) for each query; ``BROADCAST`` for scatter-gather."""
        spec = self.spec
        n_now = self._settled(t)
        shard = np.empty(t.size, dtype=np.int64)
        for n in np.unique(n_now).tolist():
            m = n_now == n
            if spec.key == "created_at":
                # inserts go to the newest range; reads hit records of any age, spread
                # over the shards in proportion to the data they hold (even at start)
                shard[m] = np.where(write[m], n - 1, self.rng.integers(0, n, int(m.sum())))
            else:
                shard[m] = place(user[m], n, spec.key, self.users)
        if spec.range_query_share > 0:
            scan = ~write & (self.rng.random(t.size) < spec.range_query_share)
            if spec.key == "user_hash":
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
