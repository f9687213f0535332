"""Master/replica replication: writes on one box, copies everywhere else, a little later.

The master commits every write. Each replica receives the stream of committed writes
and *replays it on a single thread* (MySQL's classic SQL thread, PostgreSQL's startup
process): however many cores the replica has, it applies writes one at a time. So a
replica's lag, the age of the oldest write it has not yet applied, stays near the
network round trip while writes arrive slower than one thread applies them and grows
without bound while they arrive faster (a write burst). With ``λ`` writes arriving per second
and ``μ`` applied, the thread reaches at time ``t`` the writes made at ``μt/λ``: the lag grows
at ``(λ − μ)/λ`` seconds per second (not ``1 − ρ``, which is how fast a backlog of *work*
drains), and once the writes being replayed came slower than ``μ``, shrinks at ``(μ − λ)/λ``.

A read served by a replica that has not yet applied the reading user's own latest
write returns the old data: a *stale read* ("I posted a comment and it vanished").
Routing a user's reads to the master for a few seconds after they write
(read-your-writes) removes exactly those.

When the master dies, a replica is promoted after a failover time. The promotion cuts
the replica's backlog: writes the master had committed that the promoted replica had
not applied by then are gone for good. That is data loss, and no amount of later
capacity brings it back. A longer failover lets the replica catch up (less loss) at
the price of a longer stretch without writes: the trade-off every failover tool makes.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt
import simpy

from scaleout_tui.engine.arrays import F64, I64, B
from scaleout_tui.engine.box import Box
from scaleout_tui.engine.commands import Handler, Value
from scaleout_tui.engine.fleet import Fleet
from scaleout_tui.engine.requests import STAGES, Tables, Transit
from scaleout_tui.engine.world import World

ROUTINGS: tuple[str, ...] = ("master", "replicas", "read_your_writes")


def apply_serially(free_at: float, arrive: F64, work: F64) -> F64:
    """Finish times of writes replayed one at a time, in order (an unbounded FIFO queue
    with one worker): ``D_n = max(a_n, D_{n-1}) + s_n``, unrolled into a running
    maximum so a whole batch is a few NumPy passes. A relay log has no length limit."""
    c = np.cumsum(work)
    return c + np.maximum.accumulate(np.maximum(arrive - (c - work), free_at))


@dataclass(frozen=True, slots=True)
class ReplicationSpec:
    replicas: int = 0
    read_routing: str = "master"
    ryw_window_s: float = 5.0
    apply_factor: float = 1.0     # replay work per write, relative to the master's work
    failover_s: float = 30.0      # time to notice a dead master and promote a replica


class Replication:
    """The replicas' apply threads and what each replica has applied so far."""

    def __init__(self, spec: ReplicationSpec, users: int, rng: np.random.Generator) -> None:
        self.spec = spec
        self.users = users
        self.rng = rng
        self.replicas: list[int] = []          # box indices, in promotion order
        self.free_at: list[float] = []         # per replica: when its apply thread is free
        self.applied: list[F64] = []           # per replica: when each user's last write applied
        self.commits: list[F64] = []           # per replica: commit times of recent writes
        self.finishes: list[F64] = []          # per replica: their apply finish times
        self.last_commit = np.full(users, -np.inf)
        self.last_write_sent = np.full(users, -np.inf)  # when the user last *sent* a write
        self.stale_reads = 0
        self.writes_lost = 0
        self.writes = 0

    def add_replica(self, box: int, now: float) -> None:
        self.replicas.append(box)
        self.free_at.append(now)
        # a new replica starts from a snapshot of the master: everything so far applied
        self.applied.append(np.full(self.users, -np.inf))
        self.commits.append(np.empty(0))
        self.finishes.append(np.empty(0))

    def remove_replica(self, box: int) -> int:
        """Drop a replica (failed or promoted); returns its position."""
        i = self.replicas.index(box)
        self.replicas.pop(i)
        self.applied.pop(i)
        self.commits.pop(i)
        self.finishes.pop(i)
        self.free_at.pop(i)
        return i

    def mark_writers(self, t: F64, user: I64) -> None:
        """Remember when each user last sent a write: read-your-writes keys off the
        request, as a session flag set by the write would, not off the commit (a read
        sent right behind a write must not slip to a replica before the write commits)."""
        self.last_write_sent[user] = np.maximum(self.last_write_sent[user], t)

    def route_reads(self, t: F64, user: I64, master: int, live: list[int]) -> I64:
        """Which box serves each read."""
        n = t.size
        routing = self.spec.read_routing
        if routing == "master" or not live:
            return np.full(n, master, dtype=np.int64)
        pick = np.asarray(live, dtype=np.int64)[self.rng.integers(0, len(live), n)]
        if routing == "read_your_writes":
            recent = t - self.last_write_sent[user] < self.spec.ryw_window_s
            pick = np.where(recent, master, pick)
        return pick

    def commit(self, t: F64, user: I64, demand: F64, speeds: list[float], rtt: float) -> None:
        """Writes committed on the master at ``t`` (sorted): ship them to every replica."""
        if t.size == 0:
            return
        self.writes += int(t.size)
        self.last_commit[user] = t
        for i in range(len(self.replicas)):
            work = demand * self.spec.apply_factor / speeds[i]
            fin = apply_serially(self.free_at[i], t + rtt, work)
            self.free_at[i] = float(fin[-1])
            self.applied[i][user] = fin
            self.commits[i] = np.concatenate((self.commits[i], t))
            self.finishes[i] = np.concatenate((self.finishes[i], fin))

    def check_stale(self, t: F64, user: I64, box: I64) -> npt.NDArray[np.bool_]:
        """Reads (at their arrival on ``box``) that miss the user's own latest write."""
        stale = np.zeros(t.size, dtype=np.bool_)
        for i, r in enumerate(self.replicas):
            on = box == r
            if on.any():
                u = user[on]
                stale[on] = (self.last_commit[u] <= t[on]) & (self.applied[i][u] > t[on])
        self.stale_reads += int(stale.sum())
        return stale

    def lag(self, now: float) -> list[float]:
        """Seconds behind the master, per replica: age of the oldest unapplied write."""
        out = []
        for i in range(len(self.replicas)):
            # committed by now (the master's finish may lie ahead of the clock) but not applied
            pending = (self.finishes[i] > now) & (self.commits[i] <= now)
            out.append(float(now - self.commits[i][pending].min()) if pending.any() else 0.0)
        return out

    def unapplied(self, now: float) -> list[int]:
        """Writes each replica has received or is owed but not yet applied."""
        return [int(np.count_nonzero(f > now)) for f in self.finishes]

    def trim(self, now: float) -> None:
        """Forget writes applied long ago (they can no longer be lost or lag)."""
        for i in range(len(self.replicas)):
            keep = self.finishes[i] > now - 1.0
            self.commits[i] = self.commits[i][keep]
            self.finishes[i] = self.finishes[i][keep]

    def best_replica(self, now: float, running: Callable[[int], bool] = lambda box: True) -> int | None:
        """The running replica with the least unapplied work: the one to promote. A failover
        tool promotes only a replica that answers (a crashed one cannot take the writes)."""
        alive = [i for i, box in enumerate(self.replicas) if running(box)]
        if not alive:
            return None
        backlog = [int(np.count_nonzero(self.finishes[i] > now)) for i in alive]
        return self.replicas[alive[int(np.argmin(backlog))]]

    def lost_on_promotion(self, box: int, failed_at: float, promoted_at: float) -> int:
        """Writes committed before the master died that ``box`` had not applied when it
        was promoted."""
        i = self.replicas.index(box)
        lost = int(np.count_nonzero((self.commits[i] <= failed_at) & (self.finishes[i] > promoted_at)))
        self.writes_lost += lost
        return lost

    # ---- as the data plane's database router ------------------------------------------
    def targets(self, t: F64, user: I64, write: B, master: int, boxes: list[Box]) -> I64:
        """Writes go to the master; reads to a live replica as the routing says."""
        self.mark_writers(t[write], user[write])
        live = [r for r in self.replicas if boxes[r].accepting]
        reads = self.route_reads(t, user, master, live)
        return np.where(write, master, reads)

    def legs(self) -> I64:
        return np.empty(0, dtype=np.int64)  # replicas never broadcast

    def committed(self, batch: Transit, box: I64, idx: I64, finish: F64, tables: Tables,
                  master: int | None, rtt_s: float) -> None:
        """Writes just committed on the master ship to the replicas; reads served by a
        replica are checked for staleness against the reader's own latest write."""
        w = idx[batch.write[idx] & (box[idx] == master)]
        if w.size:
            fin_w = finish[np.isin(idx, w)]
            o = np.argsort(fin_w, kind="stable")
            speeds = [float(tables.speed[r]) for r in self.replicas]
            self.commit(fin_w[o], batch.user[w][o], batch.demand[w, STAGES.index("db")][o], speeds, rtt_s)
        r = idx[~batch.write[idx] & (box[idx] != master)]
        if r.size:
            self.check_stale(batch.t[r], batch.user[r], box[r])


class ReplicaSet:
    """The replicas as the operator runs them: how many, where reads go, and the failover.

    Commands: ``db.replicas`` (a new replica boots from the master's latest snapshot; removing
    one is immediate) and ``db.read_routing``. A crashed master starts a failover."""

    def __init__(self, world: World, fleet: Fleet, spec: ReplicationSpec, rng: np.random.Generator) -> None:
        self.world = world
        self.fleet = fleet
        self.state = Replication(spec, world.users, rng)
        #: the worst replica's lag, one sample per second (ms)
        self.lag_ms: list[float] = []
        world.data.db_router = self.state
        for _ in range(spec.replicas):
            self._add_replica()
        world.crash_hooks.append(self._crashed)
        world.second_hooks.append(self._sample)

    def commands(self) -> dict[str, Handler]:
        return {"db.replicas": self._replicas, "db.read_routing": self._routing}

    def _routing(self, value: Value) -> None:
        assert isinstance(value, str) and value in ROUTINGS
        self.state.spec = replace(self.state.spec, read_routing=value)

    def _replicas(self, value: Value) -> None:
        assert isinstance(value, int)
        rep, n = self.state, value
        have = len(rep.replicas)
        if self.world.now == 0.0 or n < have:
            while len(rep.replicas) < n:
                self._add_replica()
            while len(rep.replicas) > n:
                box = self.fleet.boxes[rep.replicas[-1]]
                rep.remove_replica(box.index)
                self.fleet.set_state(box, "terminated")
            return
        for _ in range(n - have):
            self.world.env.process(self._launch())

    def _add_replica(self) -> Box:
        box = self.fleet.add_live_box("replica", "replica", self.fleet.db_type)
        self.state.add_replica(box.index, self.world.now)
        return box

    def _launch(self) -> Generator[simpy.Event, Any, None]:
        """A replica boots from the master's latest snapshot and then follows it."""
        boot = self.world.timings.boot_s
        pending = self.fleet.booting("replica-new", "replica", self.fleet.db_type)
        self.world.emit("replica_boot", "info", boot_s=boot)
        yield self.world.env.timeout(boot)
        self.fleet.booted(pending)
        box = self._add_replica()
        self.world.emit("replica_ready", "good", box=box.name)

    def _crashed(self, box: Box) -> None:
        if box.role == "db" and self.state.replicas:
            self.world.env.process(self._failover(box, self.world.now))

    def _failover(self, master: Box, failed_at: float) -> Generator[simpy.Event, Any, None]:
        """Promote the most caught-up replica after the failover time."""
        rep, env = self.state, self.world.env
        self.world.emit("failover_wait", "warn", box=master.name, failover_s=rep.spec.failover_s)
        yield env.timeout(rep.spec.failover_s)
        boxes = self.fleet.boxes
        best = rep.best_replica(env.now, lambda i: boxes[i].accepting)
        if best is None:
            self.world.emit("failover_none", "error", box=master.name)
            return
        lost = rep.lost_on_promotion(best, failed_at, env.now)
        rep.remove_replica(best)
        new = self.fleet.boxes[best]
        new.role = "db"
        self.fleet.set_state(master, "terminated")
        self.world.data.db_box = best
        self.world.data.touch()
        self.world.emit("promoted", "error" if lost else "good", box=new.name, old=master.name, lost=lost)

    def _sample(self, t: float) -> None:
        self.lag_ms.append(1000.0 * max(self.state.lag(t), default=0.0))
        self.state.trim(t)
