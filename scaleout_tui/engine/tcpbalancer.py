"""The L4 connection balancer of the device-ingest tier: connections, not requests.

Why a second balancer module: :mod:`balancer` picks a target for every *request*. Devices hold
one TCP connection for hours and send many small messages over it, so an L4 balancer decides
once per *connection*, and what it decided stays put until the connection ends. That is the
whole lesson of level 9: a comm server added under load gets almost nothing, because nobody
reconnects; a balancer node that dies takes every flow with it.

* **Algorithms over connections.** ``round_robin`` (HAProxy ``roundrobin`` in ``mode tcp``): new
  connections in turn over the targets in rotation, 0 → 1 → 2 → 0. ``least_conn`` (HAProxy
  ``leastconn``, LVS ``lc``): the target with the fewest open connections *on this node*; equal
  counts are taken in turn from where the last batch stopped (HAProxy round-robins inside a
  group of equally loaded servers). A batch of new connections is placed as the sequential
  rule would place them one by one with no closes in between (water filling).
* **Checks: TCP connect and close.** Every balancer node probes every target every
  ``check_interval_s`` (the tutorial's balancer: 1 s; HAProxy's ``inter`` default is 2 s), each
  pair at its own random phase. A probe to a listening port passes; to a closed port (process
  gone, host up) the kernel answers RST one round trip later; to a silent host the probe fails
  at ``check_timeout_s`` (HAProxy uses ``inter`` when ``timeout check`` is unset). ``fall``
  consecutive failures take a target out of that node's rotation, ``rise`` passes put it back
  (HAProxy defaults ``rise 2``, ``fall 3``; configuration manual, section 5.2). A target added
  at run time joins on its first pass. Each probe to a live target is an ``accept`` and a
  ``close`` on the server: a :data:`PROBE` work item of ``check_cost_s`` CPU, so the probe load
  is ``nodes / check_interval_s`` checks per second per server.
* **TLS passes through.** The balancer holds no certificate (``mode tcp``); the servers behind it
  terminate TLS and pay for the handshakes (see :mod:`devices`).
* **Active/standby pair (keepalived/VRRP).** Only the master node holds the virtual IP and
  carries flows; the standby is not capacity. When the master dies, the backup becomes master
  after ``Master_Down_Interval = 3 × Advertisement_Interval + Skew_Time`` with ``Skew_Time =
  (256 − priority) / 256 × Advertisement_Interval`` (RFC 5798 §6.1). keepalived's ``advert_int``
  defaults to 1 s and its ``priority`` to 100, so a backup at 100 takes over after
  3 + 156/256 = 3.609375 s. The pair shares no connection table (no ``lvs_sync_daemon``, and
  HAProxy has none), so every flow through the dead node is lost. With ``preempt`` (keepalived's
  default; ``nopreempt`` turns it off) a repaired primary of higher priority takes the address
  back after its own Master_Down_Interval, and the flows through the backup are lost in turn.

The balancer runs on its own timeline without SimPy: control-plane calls (:meth:`node_fail`,
:meth:`target_down` ...) carry their time, and :meth:`advance` plays one tick ``[t0, t1)`` in
time order, returning the tick cut into :class:`Segment` s of constant rotation and master,
with the resets that open each. What happened is kept as codes in :attr:`TcpBalancer.events`.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from math import inf
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from scaleout_tui.engine.arrays import F64, I8, I64, B

ALGORITHMS: tuple[str, ...] = ("round_robin", "least_conn")
#: what the data plane offers a comm server: a device's message, a new connection's
#: accept + TLS + hello, a balancer's connect-and-close probe
WORK_KINDS: tuple[str, ...] = ("message", "connect", "probe")
MESSAGE, CONNECT, PROBE = 0, 1, 2
#: a target's condition: listening; port closed (the kernel answers RST: the engine's "crash"
#: of a process); silent (host gone or cut off: nothing answers)
UP, REFUSING, SILENT = 0, 1, 2
#: what opens a segment, for the device fleet: flows through a node lost; a target's flows
#: reset (port closed); a target's flows gone silent (host gone); a target marked down by the
#: master with ``shutdown_sessions``
NODE_LOST, TARGET_RESET, TARGET_SILENT, TARGET_SHUTDOWN = 0, 1, 2, 3

Event = tuple[float, str, dict[str, float | int | str]]


@dataclass(frozen=True, slots=True)
class WorkItems:
    """Work for the comm servers' :class:`~scaleout_tui.engine.queueing.WorkerBank`, in time order.

    ``device`` is the device a message or connect comes from (``-1`` for a probe): the kernel
    hands the data plane's verdict on connects back to :meth:`DeviceFleet.settle`."""

    t: F64
    server: I64
    kind: I8
    cost: F64
    device: I64

    @staticmethod
    def empty() -> WorkItems:
        return WorkItems(np.empty(0), np.empty(0, np.int64), np.empty(0, np.int8), np.empty(0),
                         np.empty(0, np.int64))

    @staticmethod
    def join(parts: list[WorkItems]) -> WorkItems:
        """Concatenated and stably sorted by time (equal times keep the parts' order)."""
        parts = [p for p in parts if p.t.size]
        if not parts:
            return WorkItems.empty()
        t = np.concatenate([p.t for p in parts])
        order = np.argsort(t, kind="stable")
        return WorkItems(t[order], np.concatenate([p.server for p in parts])[order],
                         np.concatenate([p.kind for p in parts])[order],
                         np.concatenate([p.cost for p in parts])[order],
                         np.concatenate([p.device for p in parts])[order])


@dataclass(frozen=True, slots=True)
class TcpBalancerSpec:
    algorithm: str = "round_robin"
    nodes: int = 2                  # 2: an active/standby pair; 1: a single point of failure
    check_interval_s: float = 1.0   # the tutorial's probe every second (HAProxy default 2 s)
    check_timeout_s: float = 1.0    # HAProxy: `inter` when `timeout check` is unset
    rise: int = 2                   # HAProxy default
    fall: int = 3                   # HAProxy default
    check_cost_s: float = 0.00005   # assumed: accept(2) + close(2) on the server
    advert_int_s: float = 1.0       # keepalived `advert_int` default
    priorities: tuple[int, ...] = (101, 100)  # keepalived default 100; the primary one above it
    preempt: bool = True            # keepalived default (`nopreempt` to turn off)
    shutdown_sessions: bool = False  # HAProxy `on-marked-down shutdown-sessions`, off by default
    rtt_s: float = 0.0005           # a LAN round trip, as `Timings.rtt_s`

    def master_down_s(self, node: int) -> float:
        """RFC 5798 §6.1: how long node ``node``, as backup, waits before it takes over."""
        skew = (256 - self.priorities[node]) / 256 * self.advert_int_s
        return 3 * self.advert_int_s + skew


@dataclass(frozen=True, slots=True)
class Reset:
    """Flows the fleet must end, at the segment's start: see :data:`NODE_LOST` and the others.
    ``epoch`` is the lost node's flow generation; ``back_at`` when another node answers again."""

    kind: int
    index: int
    epoch: int = 0
    back_at: float = inf


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch ``[t0, t1)`` of a tick during which the master and its rotation hold."""

    t0: float
    t1: float
    master: int   # -1: nobody holds the virtual IP
    rotation: I64
    resets: tuple[Reset, ...] = ()


@dataclass
class _Views:
    """Every node's own view of every target (nodes × targets)."""

    up: B
    initial: B
    fails: I64
    passes: I64
    phase: F64     # each pair's first probe; probe j starts at ``phase + j × interval``
    done: I64      # probes started so far (a count, so probe times carry no summed rounding)

    def next_probe(self, interval: float) -> F64:
        return self.phase + self.done * interval


G = TypeVar("G", bound=np.generic)


def _column(a: npt.NDArray[G], fill: bool | int) -> npt.NDArray[G]:
    """``a`` (nodes × targets) with one more target's column, filled with ``fill``."""
    return np.hstack([a, np.full((a.shape[0], 1), fill, dtype=a.dtype)])


class TcpBalancer:
    """The balancer pair: health views, the virtual IP, and the choice of target per connection."""

    def __init__(self, spec: TcpBalancerSpec, targets: int, rng: np.random.Generator) -> None:
        if spec.algorithm not in ALGORITHMS:
            raise ValueError(spec.algorithm)
        self.spec = spec
        self.rng = rng
        k = max(spec.nodes, 2)  # room for a standby switched on later
        self.alive = [i < spec.nodes for i in range(k)]
        self.master = 0
        self.epoch = np.zeros(k, dtype=np.int64)
        self.conns = np.zeros((k, targets), dtype=np.int64)
        phase = rng.random((k, targets)) * spec.check_interval_s
        self.views = _Views(np.ones((k, targets), np.bool_), np.zeros((k, targets), np.bool_),
                            np.zeros((k, targets), np.int64), np.zeros((k, targets), np.int64), phase,
                            np.zeros((k, targets), np.int64))
        self.registered = np.ones(targets, dtype=np.bool_)
        self._cond: list[list[tuple[float, int]]] = [[(-inf, UP)] for _ in range(targets)]
        self._rr = 0
        self._least_next = 0
        self._heap: list[tuple[float, int, str, int, bool]] = []
        self._seq = 0
        self.events: list[Event] = []
        self.probes = np.zeros(targets, dtype=np.int64)  # probes that reached a live target
        self.probe_cpu_s = 0.0

    @property
    def targets(self) -> int:
        return int(self.registered.size)

    # ---- control plane: each call carries its time ----------------------------------------
    def _push(self, t: float, what: str, index: int, flag: bool = False) -> None:
        self._seq += 1
        heapq.heappush(self._heap, (t, self._seq, what, index, flag))

    def add_target(self, t: float) -> int:
        """A new, listening target; every node probes it and lets it in on its first pass."""
        s = self.targets
        v, k = self.views, self.views.up.shape[0]
        v.up, v.initial = _column(v.up, False), _column(v.initial, True)
        v.fails, v.passes, v.done = _column(v.fails, 0), _column(v.passes, 0), _column(v.done, 0)
        v.phase = np.hstack([v.phase, t + self.rng.random((k, 1)) * self.spec.check_interval_s])
        self.conns = _column(self.conns, 0)
        self.registered = np.append(self.registered, True)
        self.probes = np.append(self.probes, 0)
        self._cond.append([(-inf, UP)])
        return s

    def target_down(self, s: int, t: float, silent: bool = False) -> None:
        """Target ``s`` stops answering at ``t``: its port closes (RST), or it goes ``silent``."""
        self._cond[s].append((t, SILENT if silent else REFUSING))
        self._push(t, "silent" if silent else "reset", s)

    def target_up(self, s: int, t: float) -> None:
        """Target ``s`` listens again from ``t`` (changes must come in time order)."""
        self._cond[s].append((t, UP))

    def node_fail(self, k: int, t: float) -> None:
        self._push(t, "node_fail", k)

    def node_repair(self, k: int, t: float) -> None:
        self._push(t, "node_repair", k)

    def set_spec(self, spec: TcpBalancerSpec, t: float) -> None:
        """New settings from ``t``; a standby switched on joins as a live backup, one switched
        off is gone (if it held the address, that is a failure)."""
        if spec.algorithm not in ALGORITHMS:
            raise ValueError(spec.algorithm)
        if spec.check_interval_s != self.spec.check_interval_s:  # next probes stay, then the new pace
            v = self.views
            v.phase, v.done = v.next_probe(self.spec.check_interval_s), np.zeros_like(v.done)
        if spec.nodes > 1 and self.spec.nodes == 1 and not self.alive[1]:
            self._push(t, "node_repair", 1)
        elif spec.nodes == 1 and self.spec.nodes > 1 and self.alive[1]:
            self._push(t, "node_fail", 1)
        self.spec = spec

    def condition(self, s: int, t: F64) -> I8:
        """Target ``s``'s condition at each time in ``t`` (its last change at or before it)."""
        when = np.array([c[0] for c in self._cond[s]])
        cond = np.array([c[1] for c in self._cond[s]], dtype=np.int8)
        return cond[np.searchsorted(when, t, side="right") - 1]

    # ---- the tick ---------------------------------------------------------------------------
    def rotation(self) -> I64:
        """The targets the master sends new connections to (none without a master)."""
        if self.master < 0:
            return np.empty(0, dtype=np.int64)
        return np.flatnonzero(self.views.up[self.master] & self.registered)

    def advance(self, t0: float, t1: float) -> tuple[list[Segment], WorkItems]:
        """Play ``[t0, t1)``: probe, decide, fail over. Returns the segments and the probes' work."""
        probes = self._probe(t0, t1)
        segments: list[Segment] = []
        start: float = t0
        resets: list[Reset] = []
        before = (self.master, self.rotation().tobytes())
        while self._heap and self._heap[0][0] < t1:
            t, _, what, index, flag = heapq.heappop(self._heap)
            t = max(t, t0)  # a change announced late takes effect now
            made = self._apply(t, what, index, flag)
            after = (self.master, self.rotation().tobytes())
            if made is None and after == before:
                continue
            if t > start:
                segments.append(Segment(start, t, before[0], np.frombuffer(before[1], np.int64),
                                        tuple(resets)))
                start, resets = t, []
            if made is not None:
                resets.append(made)
            before = after
        segments.append(Segment(start, t1, self.master, self.rotation(), tuple(resets)))
        return segments, probes

    def _probe(self, t0: float, t1: float) -> WorkItems:
        """Start every probe due in ``[t0, t1)``; its verdict joins the timeline."""
        v, spec = self.views, self.spec
        out_t: list[float] = []
        out_s: list[int] = []
        live = np.array(self.alive[: v.up.shape[0]])[:, None] & self.registered[None, :]
        while True:
            at = v.next_probe(spec.check_interval_s)
            due = (at < t1) & live
            if not due.any():
                break
            for k, s in zip(*np.nonzero(due), strict=True):
                tau = float(at[k, s])
                cond = int(self.condition(int(s), np.array([tau]))[0])
                took = spec.check_timeout_s if cond == SILENT else spec.rtt_s
                self._push(tau + took, "verdict", int(k) * 1_000_000 + int(s), cond == UP)
                if cond == UP:
                    out_t.append(tau)
                    out_s.append(int(s))
            v.done[due] += 1
        n = len(out_t)
        servers = np.asarray(out_s, dtype=np.int64)
        self.probes += np.bincount(servers, minlength=self.targets)
        self.probe_cpu_s += n * spec.check_cost_s
        order = np.argsort(np.asarray(out_t), kind="stable")
        return WorkItems(np.asarray(out_t)[order], servers[order], np.full(n, PROBE, np.int8),
                         np.full(n, spec.check_cost_s), np.full(n, -1, np.int64))

    def _apply(self, t: float, what: str, index: int, flag: bool) -> Reset | None:
        if what == "verdict":
            return self._verdict(t, index // 1_000_000, index % 1_000_000, flag)
        if what == "reset":
            return Reset(TARGET_RESET, index)
        if what == "silent":
            return Reset(TARGET_SILENT, index)
        if what == "node_fail":
            return self._node_fail(t, index)
        if what == "node_repair":
            self._node_repair(t, index)
            return None
        return self._takeover(t, index)  # "takeover"

    def _verdict(self, t: float, k: int, s: int, passed: bool) -> Reset | None:
        if not self.alive[k]:
            return None
        v = self.views
        if passed:
            v.passes[k, s] += 1
            v.fails[k, s] = 0
            need = 1 if v.initial[k, s] else self.spec.rise
            if not v.up[k, s] and v.passes[k, s] >= need:
                v.up[k, s], v.initial[k, s] = True, False
                params: dict[str, float | int | str] = {"node": k, "target": s, "passes": int(v.passes[k, s])}
                self.events.append((t, "tcp_target_up", params))
            return None
        v.fails[k, s] += 1
        v.passes[k, s] = 0
        if v.up[k, s] and v.fails[k, s] >= self.spec.fall:
            v.up[k, s] = False
            self.events.append((t, "tcp_target_down", {"node": k, "target": s, "fails": int(v.fails[k, s])}))
            if k == self.master and self.spec.shutdown_sessions:
                return Reset(TARGET_SHUTDOWN, s)
        return None

    def _lose_flows(self, k: int, back_at: float) -> Reset:
        """Node ``k`` no longer carries its flows: its table is gone, devices must reconnect."""
        old = int(self.epoch[k])
        self.epoch[k] += 1
        self.conns[k] = 0
        return Reset(NODE_LOST, k, old, back_at)

    def _backup(self) -> int:
        others = [j for j in range(len(self.alive)) if self.alive[j] and j != self.master]
        return max(others, key=lambda j: self.spec.priorities[j], default=-1)

    def _node_fail(self, t: float, k: int) -> Reset | None:
        if not self.alive[k]:
            return None
        self.alive[k] = False
        self.events.append((t, "lb_node_down", {"node": k}))
        if k != self.master:
            self.epoch[k] += 1
            return None
        self.master = -1
        j = self._backup()
        back = t + self.spec.master_down_s(j) if j >= 0 else inf
        if j >= 0:
            self._push(back, "takeover", j)
        else:
            self.events.append((t, "lb_vip_lost", {"node": k}))
        return self._lose_flows(k, back)

    def _node_repair(self, t: float, k: int) -> None:
        if self.alive[k]:
            return
        self.alive[k] = True
        v = self.views
        v.up[k], v.initial[k], v.fails[k], v.passes[k] = True, False, 0, 0
        # its probes resume at their phase, from the first one after the repair
        v.done[k] = np.maximum(np.ceil((t - v.phase[k]) / self.spec.check_interval_s), 0)
        self.events.append((t, "lb_node_up", {"node": k}))
        pri = self.spec.priorities
        if self.master < 0 or (self.spec.preempt and pri[k] > pri[self.master]):
            self._push(t + self.spec.master_down_s(k), "takeover", k)

    def _takeover(self, t: float, k: int) -> Reset | None:
        if not self.alive[k] or self.master == k:
            return None
        old = self.master
        self.master = k
        self.events.append((t, "lb_takeover", {"node": k, "from": old}))
        return self._lose_flows(old, t) if old >= 0 else None

    # ---- choosing targets --------------------------------------------------------------------
    def pick(self, n: int, rotation: I64) -> I64:
        """Targets for ``n`` new connections through the master, in order; counts them open."""
        k = rotation.size
        if n == 0 or k == 0 or self.master < 0:
            return np.full(n, -1, dtype=np.int64)
        if self.spec.algorithm == "round_robin":
            pick = rotation[(self._rr + np.arange(n)) % k]
            self._rr = (self._rr + n) % k
        else:
            pick = rotation[self._least(n, self.conns[self.master, rotation])]
        np.add.at(self.conns[self.master], pick, 1)
        return pick

    def _least(self, n: int, counts: I64) -> I64:
        """Positions for ``n`` picks of "fewest open, ties in turn", no closes in between.

        The picks fill the lowest counts first: the level ``L`` they reach is the least with
        ``sum(max(0, L - c)) >= n``; every (position, level) slot below it, ordered by level and
        then by turn from :attr:`_least_next`, is one pick."""
        k = counts.size
        start = self._least_next % k
        lo, hi = int(counts.min()), int(counts.min()) + n
        while lo < hi:  # the least level L holding n slots
            mid = (lo + hi) // 2
            if int(np.maximum(mid + 1 - counts, 0).sum()) >= n:
                hi = mid
            else:
                lo = mid + 1
        reps = np.maximum(lo + 1 - counts, 0)
        pos = np.repeat(np.arange(k), reps)
        first = np.repeat(counts, reps)
        level = first + (np.arange(pos.size) - np.repeat(np.cumsum(reps) - reps, reps))
        turn = (pos - start) % k
        order = np.lexsort((turn, level))[:n]
        out = pos[order]
        self._least_next = int(out[-1]) + 1
        return out

    def release(self, node: I64, epoch: I64, target: I64) -> None:
        """Connections closed: counted off the node that opened them, unless it lost its table."""
        keep = (node >= 0) & (target >= 0)
        keep[keep] &= self.epoch[node[keep]] == epoch[keep]
        np.subtract.at(self.conns, (node[keep], target[keep]), 1)

