"""The ingest tier in the data plane: the comm servers' queues, and each reading's database write.

:class:`~scaleout_tui.engine.devices.DeviceFleet` says what the devices and the L4 balancer do in a
tick, as :class:`~scaleout_tui.engine.tcpbalancer.WorkItems`; this module serves that work on the
comm boxes' rows of the data plane's :class:`~scaleout_tui.engine.queueing.WorkerBank`, as the web
stage serves requests on the web boxes:

* every item (a message, a connect's accept + TLS + hello, a balancer's probe) is queued at its
  time on its server's workers with its ``cost`` of CPU at speed 1, scaled by the box's speed; the
  box's queue limit is the listen socket's accept backlog (:attr:`IngestSpec.backlog`), so a
  reconnect storm that outruns the workers overflows it: the connect is refused
  (``backlog_full``), and a message that finds it full is lost (``msg_refused``);
* the bank's verdict on each connect goes back to :meth:`DeviceFleet.settle`: refused by the
  backlog, or answered (one LAN hop after the server finished) after the device's connect
  timeout, the device gives up and backs off;
* **each accepted message is one database write**: the monitoring system stores every reading.
  It reaches the database one hop after the comm server finished it and goes where a web write
  goes: the master, or with sharding the shard the device id picks as the shard key (so the
  readings are in each shard's share of inserts, and their load decides how many shards a level
  needs). With replicas the readings load the master only: they are not shipped to the replicas
  (a replica set tracks writers by web user, which a device is not). A write is queued in the
  tick after the one in which it reaches the database, in one batch in time order, ahead of that
  tick's web queries (which the data plane moves after, and which all arrive later than it): so a
  web query never waits behind a write that arrived after it, and a write may wait behind web
  queries of its own tick (by under a tick, as a health probe's approximation). A database
  that is down, hung or erroring stores nothing (``db_failed``); a full queue neither.

All of it is arrays: one ``offer`` for the tick's comm work and one for its writes, never a
Python object per message. Counters run for the whole run (:attr:`IngestPlane.totals`) and per
closed one-second window (:attr:`IngestPlane.series`, names in :data:`INGEST_SERIES`, and
:attr:`IngestPlane.per_server`), kept out of :attr:`Metrics.series` so that the other levels'
reports stay as they are.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from scaleout_tui.engine.arrays import F64, I64
from scaleout_tui.engine.devices import IngestTick
from scaleout_tui.engine.requests import FAULTS
from scaleout_tui.engine.shardrouter import ShardRouter
from scaleout_tui.engine.tcpbalancer import CONNECT, MESSAGE, PROBE
from scaleout_tui.engine.world import World

#: the per-window series, one value per closed window; counts are per second
INGEST_SERIES: tuple[str, ...] = (
    "t", "open", "attempts", "connects", "refused", "backlog_full", "timeouts", "messages", "lost",
    "msg_refused", "probes", "probe_cpu_ms", "drops", "age_closes", "db_writes", "db_failed",
    "active_node",
)
#: per comm server and window: open connections at the close, their share, messages/s, probes/s
#: and the probes' CPU (ms per second)
PER_SERVER_SERIES: tuple[str, ...] = ("open", "share", "messages", "probes", "probe_cpu_ms")
#: the device fleet's own run totals that the windows count (see ``DeviceFleet.totals``)
FLEET_COUNTS: dict[str, str] = {"attempts": "attempts", "connects": "connects", "refused": "refused",
                                "backlog_full": "backlog_refused", "timeouts": "timeouts",
                                "messages": "messages", "lost": "lost", "drops": "drops",
                                "age_closes": "age_closes"}
#: this module's own run totals
OWN_COUNTS: tuple[str, ...] = ("delivered", "msg_refused", "probes", "db_writes", "db_failed",
                               "no_database")


class IngestPlane:
    """Serves a tick's ingest work on the bank and writes the readings to the database."""

    def __init__(self, world: World, write_s: float) -> None:
        self.world = world
        self.write_s = write_s
        #: the bank row (box index) of each comm server, in the balancer's order
        self.rows = np.zeros(0, dtype=np.int64)
        self.totals: dict[str, int] = dict.fromkeys(OWN_COUNTS, 0)
        self.probe_cpu_s = 0.0
        #: rows written per database box index (the readings each shard stores)
        self.rows_by_box: dict[int, int] = {}
        # readings on their way to the database: when each arrives there, and its device
        self._wt = np.zeros(0)
        self._wd = np.zeros(0, dtype=np.int64)
        # this window's per-server counts (grown as servers join)
        self._msgs = np.zeros(0, dtype=np.int64)
        self._probes = np.zeros(0, dtype=np.int64)
        self._probe_cpu = np.zeros(0)
        self._fleet_at_close: dict[str, int] = dict.fromkeys(FLEET_COUNTS, 0)
        self._own_at_close: dict[str, int] = dict.fromkeys(OWN_COUNTS, 0)
        self._cpu_at_close = 0.0
        self.series: dict[str, list[float]] = {k: [] for k in INGEST_SERIES}
        self.per_server: dict[str, list[tuple[float, ...]]] = {k: [] for k in PER_SERVER_SERIES}
        #: the last closed window's values (empty before the first closes)
        self.last: dict[str, float] = {}

    @property
    def in_transit(self) -> int:
        """Readings on their way from a comm server to the database."""
        return int(self._wt.size)

    def add_server(self, row: int) -> None:
        self.rows = np.append(self.rows, row)
        self._msgs = np.append(self._msgs, 0)
        self._probes = np.append(self._probes, 0)
        self._probe_cpu = np.append(self._probe_cpu, 0.0)

    # ---- a tick -----------------------------------------------------------------------------
    def serve(self, tick: IngestTick, t0: float, t1: float) -> tuple[I64, F64, npt.NDArray[np.bool_], F64]:
        """Queue the tick ``[t0, t1)``'s work on the comm boxes. Returns the connects' devices,
        offer times, verdicts and answer times at the device, for :meth:`DeviceFleet.settle`."""
        w = tick.work
        data = self.world.data
        tb, bank = data.tables(), data.bank
        rtt = self.world.timings.rtt_s
        row = self.rows[w.server]
        n = w.t.size
        accepted = np.zeros(n, dtype=np.bool_)
        finish = np.full(n, np.nan)
        # the device fleet sends nothing to a server the balancer sees as down; a box that stopped
        # inside the tick refuses what it would have had
        up = np.flatnonzero(tb.accepting[row]) if n else np.zeros(0, dtype=np.int64)
        demand = w.cost[up] * tb.slow[row[up]] / tb.speed[row[up]]
        if up.size:
            served = bank.offer(w.t[up], row[up], demand)
            accepted[up] = served.accepted
            finish[up] = served.finish
            got = served.accepted
            data.charge(np.bincount(row[up][got], weights=demand[got], minlength=bank.n).astype(np.float64))
            self._recount(t0)
        k = self.rows.size
        msg = w.kind == MESSAGE
        ok = msg & accepted
        self._msgs += np.bincount(w.server[ok], minlength=k)
        self.totals["delivered"] += int(np.count_nonzero(ok))
        self.totals["msg_refused"] += int(np.count_nonzero(msg & ~accepted))
        probe = w.kind == PROBE
        self._probes += np.bincount(w.server[probe], minlength=k)
        self._probe_cpu += np.bincount(w.server[probe], weights=w.cost[probe], minlength=k)
        self.totals["probes"] += int(np.count_nonzero(probe))
        self.probe_cpu_s += float(w.cost[probe].sum())
        self._wt = np.concatenate((self._wt, finish[ok] + rtt))
        self._wd = np.concatenate((self._wd, w.device[ok]))
        self._write(t0, t1)
        conn = w.kind == CONNECT
        return w.device[conn], w.t[conn], accepted[conn], finish[conn] + rtt

    def _recount(self, t0: float) -> None:
        """Count the queues again after an offer, as the data plane does after each tick: the bank
        then knows that the next batches (all arriving at ``t0`` or later) cannot fill a queue
        unless the count says so, and skips counting them one by one. Counting at ``t0`` work that
        arrives later in the tick can only overstate a queue, so the shortcut stays safe; the
        results are the same either way (every path of :meth:`WorkerBank.offer` is exact)."""
        self.world.data.bank.waiting(t0)

    def _write(self, t0: float, t1: float) -> None:
        """The readings that reached the database before ``t0`` (in an earlier tick): one write
        each, in time order, offered before this tick's web queries, which all arrive at ``t0`` or
        later. A write of this tick would be offered ahead of web queries that arrive before it,
        and they would wait for it: with a reading every millisecond, every web query would wait
        to the tick's end (a tick of 0.5 s made the web p95 read 0.5 s). Held back, a write waits
        behind the web queries that came after it instead, which no metric times."""
        now = self._wt < t0
        if not now.any():
            return
        t, dev = self._wt[now], self._wd[now]
        self._wt, self._wd = self._wt[~now], self._wd[~now]
        o = np.argsort(t, kind="stable")
        t, dev = t[o], dev[o]
        data = self.world.data
        master = data.db_box
        if master is None:  # one box does everything: no database tier to write to
            self.totals["no_database"] += t.size
            return
        router = data.db_router
        if isinstance(router, ShardRouter):  # the device id is the shard key
            box = router.targets(t, dev, np.ones(t.size, dtype=np.bool_), master, data.boxes)
        else:  # the master takes every write (a replica router would mark web users as writers)
            box = np.full(t.size, master, dtype=np.int64)
        tb, bank = data.tables(), data.bank
        up = np.flatnonzero(tb.accepting[box] & (tb.fault[box] == FAULTS["none"]))
        stored = 0
        if up.size:
            b = box[up]
            work = self.write_s * tb.slow[b] / tb.speed[b]
            served = bank.offer(t[up], b, work)
            got = served.accepted
            data.charge(np.bincount(b[got], weights=work[got], minlength=bank.n).astype(np.float64))
            self._recount(t0)
            counts = np.bincount(b[got])
            for i in np.flatnonzero(counts).tolist():
                self.rows_by_box[i] = self.rows_by_box.get(i, 0) + int(counts[i])
            stored = int(np.count_nonzero(got))
        self.totals["db_writes"] += stored
        self.totals["db_failed"] += t.size - stored

    # ---- a window ---------------------------------------------------------------------------
    def close_window(self, t: float, length: float, fleet_totals: dict[str, int], open_now: I64,
                     active_node: int) -> None:
        """A one-second window closed at ``t``: its rates, and each server's connections now."""
        row: dict[str, float] = {"t": t, "open": float(open_now.sum()), "active_node": float(active_node)}
        for name, key in FLEET_COUNTS.items():
            row[name] = (fleet_totals[key] - self._fleet_at_close[name]) / length
            self._fleet_at_close[name] = fleet_totals[key]
        for name in ("msg_refused", "probes", "db_writes", "db_failed"):
            row[name] = (self.totals[name] - self._own_at_close[name]) / length
            self._own_at_close[name] = self.totals[name]
        row["probe_cpu_ms"] = 1000.0 * (self.probe_cpu_s - self._cpu_at_close) / length
        self._cpu_at_close = self.probe_cpu_s
        for k in INGEST_SERIES:
            self.series[k].append(float(row[k]))
        self.last = row
        total = int(open_now.sum())
        share = open_now / total if total else np.zeros(open_now.size)
        per = self.per_server
        per["open"].append(tuple(float(x) for x in open_now.tolist()))
        per["share"].append(tuple(float(x) for x in share.tolist()))
        per["messages"].append(tuple(float(x) / length for x in self._msgs.tolist()))
        per["probes"].append(tuple(float(x) / length for x in self._probes.tolist()))
        per["probe_cpu_ms"].append(tuple(1000.0 * float(x) / length for x in self._probe_cpu.tolist()))
        self._msgs[:] = 0
        self._probes[:] = 0
        self._probe_cpu[:] = 0.0
