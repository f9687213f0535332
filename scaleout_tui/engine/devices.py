"""The device fleet of the ingest tier: long-lived connections, periodic messages, reconnects.

Why arrays: a monitoring system has thousands to tens of thousands of devices, each holding one
TCP connection to a comm server through the L4 balancer (:mod:`tcpbalancer`) and sending a small
message every ``period_s`` at its own phase. Every device is a slot in NumPy arrays; a tick
touches the devices that send (found by a binary search of the sorted phases) and the few whose
connection changes, never a Python object per device.

What a tick yields is work for the comm servers' :class:`~scaleout_tui.engine.queueing.WorkerBank`
(:class:`~scaleout_tui.engine.tcpbalancer.WorkItems`): a message costs ``message_s`` of CPU; a new
connection costs the accept, the TLS handshake when ``tls`` is on (the balancer passes TLS
through, so the server pays), and the application's hello.

How a connection ends, and what the device does:

* **Max connection age** (``max_age_s``): the server closes it gracefully after ``A`` jittered by
  ±``age_jitter`` (grpc-go ``keepalive.ServerParameters.MaxConnectionAge``: default infinite,
  "a random jitter of +/-10%"). The device reconnects at once, and the balancer may choose
  another server: this is how a fleet rebalances onto a new server, over about one age.
* **Reset**: the server's port closes (its process dies or stops: the kernel answers RST), or the
  master marks it down with ``shutdown_sessions``. The device knows at once.
* **Silent loss**: the host is gone, or the balancer node carrying the flow died (no connection
  table is shared, so the new master has none). The device learns only when it next sends: the
  new master answers that packet with RST (a proxy has no socket for it), so it learns at its
  next send after the takeover, or at the takeover for a packet sent in the gap and
  retransmitted; with nobody to answer, its application gives up ``ack_timeout_s`` after sending.
  Messages sent on a lost flow are lost.

After a reset or a loss the device waits ``backoff`` before attempt 0; each failed attempt
(refused: RST, no target in rotation; or timed out) adds one to the attempt count, a success
resets it. Delays: ``fixed`` = ``base_s``; ``exponential`` = ``min(cap_s, base_s × 2^attempt)``;
``jitter`` ``full`` draws U(0, delay), ``equal`` delay/2 + U(0, delay/2) (Marc Brooker, "Exponential
Backoff And Jitter", AWS Architecture Blog, 2015). Without jitter devices that failed together
retry together: the storm comes back in waves.

A connect to an address nobody holds (the pair failing over) is a SYN that goes unanswered: it is
retransmitted 1, 3, 7 ... s after the first (waits of 1, 2, 4 ... s: RFC 6298's initial RTO of
1 s, doubling; Linux ``tcp_syn_retries`` = 6) and succeeds with the first one after the
takeover, unless the device's connect timeout (or the kernel's own 127 s) comes first. A connect
accepted by the balancer can still fail at the server: :meth:`DeviceFleet.settle` takes the data
plane's verdict. A full accept backlog drops the SYN
silently, and it is retransmitted on the same schedule; an answer later than the connect timeout
is a failed attempt.

Defaults (sources): ``connect_timeout_s`` and ``ack_timeout_s`` 10 s and a ``fixed`` 10 s
reconnect with no jitter are the ESP-IDF MQTT client's (``esp_mqtt_client_config_t.network``:
``timeout_ms`` and ``reconnect_timeout_ms`` both default to 10 s): a real device default, and the
one that synchronises a fleet. ``cap_s`` 120 s is gRPC's MAX_BACKOFF (grpc/doc/connection-backoff.md).
``period_s`` 10 s is *assumed* (a level sets it). CPU costs are *estimates*: ``tls_handshake_s``
1.5 ms is one full TLS 1.2/1.3 handshake with ECDHE P-256 and an RSA-2048 certificate, reasoned
from ``openssl speed`` on one current x86 core (an RSA-2048 signature about 0.5-1 ms, a P-256
key share and derivation about 0.1-0.2 ms) plus hashing, key schedule and record setup;
``accept_s`` 50 µs (accept(2) and socket setup; the kernel already did the TCP handshake),
``hello_s`` 0.5 ms (parse the device's hello, check its token in memory), ``message_s`` 0.2 ms.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial
from math import inf

import numpy as np

from scaleout_tui.engine import tcpbalancer as tcp
from scaleout_tui.engine.arrays import F64, I8, I64, B
from scaleout_tui.engine.commands import Handler, Value
from scaleout_tui.engine.tcpbalancer import Reset, Segment, TcpBalancer, WorkItems

BACKOFFS: tuple[str, ...] = ("fixed", "exponential")
JITTERS: tuple[str, ...] = ("none", "full", "equal")
#: an attempt's outcome
OUTCOMES: tuple[str, ...] = ("connected", "refused", "timed_out")
OK, REFUSED, TIMED_OUT = 0, 1, 2
#: what a device's ``due`` time is: the server closes at max age; the device finds its
#: connection reset or lost; the device (re)tries to connect
AGE, DROP, TRY = 0, 1, 2


@dataclass(frozen=True, slots=True)
class DeviceSpec:
    count: int = 10_000
    period_s: float = 10.0          # assumed
    connect_timeout_s: float = 10.0  # esp-mqtt network timeout_ms
    ack_timeout_s: float = 10.0     # esp-mqtt network timeout_ms
    backoff: str = "fixed"          # esp-mqtt: a fixed reconnect_timeout_ms
    base_s: float = 10.0            # esp-mqtt reconnect_timeout_ms
    cap_s: float = 120.0            # gRPC MAX_BACKOFF
    jitter: str = "none"            # esp-mqtt has none
    syn_rto_s: float = 1.0          # RFC 6298 initial RTO
    syn_retries: int = 6            # Linux tcp_syn_retries

    @property
    def connect_gives_up_s(self) -> float:
        """How long after its first SYN a connect that hears nothing ends: the device's timeout,
        or the kernel's own limit before it, when the last retransmission's wait runs out
        (1 + 2 + ... + 64 = 127 s for 6 retries of 1 s doubling: connect(2) fails ETIMEDOUT)."""
        return min(self.connect_timeout_s, (2.0 ** (self.syn_retries + 1) - 1) * self.syn_rto_s)


@dataclass(frozen=True, slots=True)
class CommSpec:
    """What a comm server spends per thing a device does, and its connection policy."""

    message_s: float = 0.0002
    accept_s: float = 0.00005
    hello_s: float = 0.0005
    tls: bool = True
    tls_handshake_s: float = 0.0015
    max_age_s: float = inf          # grpc-go MaxConnectionAge default
    age_jitter: float = 0.1         # grpc-go: ±10 %

    @property
    def connect_s(self) -> float:
        return self.accept_s + (self.tls_handshake_s if self.tls else 0.0) + self.hello_s


@dataclass(frozen=True, slots=True)
class Attempts:
    """A tick's finished connect attempts: when each began, by whom, where to, which try, how."""

    t: F64
    device: I64
    server: I64
    attempt: I64
    outcome: I8

    @staticmethod
    def join(parts: list[Attempts]) -> Attempts:
        if not parts:
            e = np.empty(0, np.int64)
            return Attempts(np.empty(0), e, e, e, np.empty(0, np.int8))
        t = np.concatenate([p.t for p in parts])
        o = np.argsort(t, kind="stable")
        return Attempts(t[o], *(np.concatenate([getattr(p, f) for p in parts])[o]
                                for f in ("device", "server", "attempt", "outcome")))


@dataclass(frozen=True, slots=True)
class IngestTick:
    work: WorkItems
    attempts: Attempts


def backoff_delay(spec: DeviceSpec, attempt: I64, rng: np.random.Generator) -> F64:
    """Seconds to wait before try number ``attempt`` (0 after a drop), one draw per device."""
    if spec.backoff == "fixed":
        d = np.full(attempt.size, spec.base_s)
    else:
        d = np.minimum(spec.cap_s, spec.base_s * np.exp2(np.minimum(attempt, 62)))
    if spec.jitter == "full":
        return rng.random(attempt.size) * d
    if spec.jitter == "equal":
        return d / 2 + rng.random(attempt.size) * d / 2
    return d


class DeviceFleet:
    """Every device's connection state; the ingest tier's per-tick call and its commands."""

    def __init__(self, spec: DeviceSpec, comm: CommSpec, lb: TcpBalancer, rng: np.random.Generator,
                 connected: bool = True, t: float = 0.0) -> None:
        if spec.backoff not in BACKOFFS or spec.jitter not in JITTERS or spec.base_s <= 0:
            raise ValueError(spec)
        self.spec, self.comm, self.lb, self.rng = spec, comm, lb, rng
        n = spec.count
        self.phase = rng.random(n) * spec.period_s
        self._order = np.argsort(self.phase, kind="stable")
        self._sorted = self.phase[self._order]
        self.server = np.full(n, -1, dtype=np.int64)
        self.node = np.full(n, -1, dtype=np.int64)
        self.epoch = np.zeros(n, dtype=np.int64)
        self.dead = np.zeros(n, dtype=np.bool_)  # the flow is lost; the device does not know yet
        self.due = np.full(n, inf)
        self.why = np.full(n, TRY, dtype=np.int8)
        self.attempt = np.zeros(n, dtype=np.int64)
        self.started = np.zeros(n)   # when the current connect attempt sent its first SYN
        self.syn = np.zeros(n, dtype=np.int64)
        self.syn_opened = np.zeros(n, dtype=np.int64)  # the SYN retransmissions before the last open
        self.opened = np.zeros(n)
        self.now = t
        self.totals = dict.fromkeys(("messages", "lost", "missed", "attempts", "connects", "refused",
                                     "timeouts", "backlog_refused", "age_closes", "drops"), 0)
        if connected:  # steady state: connections spread as the algorithm spread them
            everyone = np.arange(n)
            self._open(everyone, np.full(n, t), lb.pick(n, lb.rotation()))
            age = self._ages(n)
            self.due[:] = t + rng.random(n) * age  # a renewal process's residual life
            self.totals["connects"] = 0  # they were open before the run began
        else:
            self.due[:] = t

    # ---- the control plane's calls (each with its time) --------------------------------------
    def server_down(self, s: int, t: float, silent: bool = False) -> None:
        self.lb.target_down(s, t, silent)

    def server_up(self, s: int, t: float) -> None:
        self.lb.target_up(s, t)

    def add_server(self, t: float) -> int:
        return self.lb.add_target(t)

    def node_fail(self, k: int, t: float) -> None:
        self.lb.node_fail(k, t)

    def node_repair(self, k: int, t: float) -> None:
        self.lb.node_repair(k, t)

    # ---- the tick ----------------------------------------------------------------------------
    def step(self, t0: float, t1: float) -> IngestTick:
        """Everything in ``[t0, t1)``: the servers' work in time order, and the connect attempts."""
        segments, probes = self.lb.advance(t0, t1)
        work: list[WorkItems] = [probes]
        tries: list[Attempts] = []
        for seg in segments:
            for r in seg.resets:
                self._reset(r, seg.t0)
            self._segment(seg, work, tries)
        self.now = t1
        return IngestTick(WorkItems.join(work), Attempts.join(tries))

    def open_connections(self) -> I64:
        """Live connections per server (a lost flow the device has not noticed is not counted)."""
        live = (self.server >= 0) & ~self.dead
        return np.bincount(self.server[live], minlength=self.lb.targets)

    def settle(self, device: I64, t: F64, accepted: B, finish: F64) -> None:
        """The data plane's verdict on a tick's connects (device, offered at ``t``); the connection
        of each bad one is undone.

        * **The accept backlog was full**: Linux drops the SYN without a word (no RST, unless
          ``tcp_abort_on_overflow``, off by default: "if overflow occurred due to a burst,
          connection will recover"), and the device's kernel retransmits it 1, 3, 7 ... s after
          the first (waits of 1, 2, 4 ... s: the same schedule as an address nobody holds),
          until its connect timeout.
          ``backlog_refused`` counts the dropped SYNs (the kernel's ``ListenDrops``).
        * **Answered after the connect timeout**: the device gave up at its timeout, and backs off.
        """
        spec = self.spec
        late = finish - t > spec.connect_timeout_s
        bad = ~accepted | np.where(accepted, late, False)
        d = device[bad]
        mine = (self.server[d] >= 0) & (self.opened[d] == t[bad])
        dropped = ~accepted[bad][mine]
        d = d[mine]
        if d.size == 0:
            return
        self.totals["backlog_refused"] += int(np.count_nonzero(dropped))
        self.totals["timeouts"] += int(np.count_nonzero(~dropped))
        self.totals["connects"] -= d.size
        self.lb.release(self.node[d], self.epoch[d], self.server[d])
        self.server[d] = -1
        late_d = d[~dropped]
        self._fail(late_d, self.opened[late_d] + spec.connect_timeout_s, self.attempt[late_d] + 1)
        syn_d = d[dropped]
        syn = self.syn_opened[syn_d] + 1
        first = self.started[syn_d]
        retry = first + (np.exp2(syn) - 1) * spec.syn_rto_s
        gives_up = (syn > spec.syn_retries) | (retry >= first + spec.connect_timeout_s)
        again = syn_d[~gives_up]
        self.syn[again] = syn[~gives_up]
        self.due[again] = retry[~gives_up]
        self.why[again] = TRY
        done = syn_d[gives_up]
        self.totals["timeouts"] += done.size
        self._fail(done, first[gives_up] + spec.connect_gives_up_s, self.attempt[done] + 1)

    def _ages(self, n: int) -> F64:
        """Lifetimes of ``n`` new connections: the max age jittered, or forever (no age, or 0)."""
        c = self.comm
        if not 0 < c.max_age_s < inf:
            return np.full(n, inf)
        return c.max_age_s * (1 + c.age_jitter * (2 * self.rng.random(n) - 1))

    def _next_send(self, d: I64, t: float) -> tuple[I64, F64]:
        """Each device's first period ``k`` with ``phase + k × period >= t``, and that time."""
        p, ph = self.spec.period_s, self.phase[d]
        k = np.ceil((t - ph) / p).astype(np.int64)
        k[ph + k * p < t] += 1
        k[ph + (k - 1) * p >= t] -= 1
        return k, ph + k * p

    def _reset(self, r: Reset, t: float) -> None:
        connected = self.server >= 0
        if r.kind == tcp.NODE_LOST:
            d = np.flatnonzero(connected & (self.node == r.index) & (self.epoch == r.epoch))
            self.dead[d] = True
            _, send = self._next_send(d, t)
            seen = np.where(r.back_at <= send, send, np.minimum(r.back_at, send + self.spec.ack_timeout_s))
        elif r.kind == tcp.TARGET_SILENT:
            d = np.flatnonzero(connected & (self.server == r.index) & ~self.dead)
            self.dead[d] = True
            seen = self._next_send(d, t)[1] + self.spec.ack_timeout_s
        else:
            flows = connected & (self.server == r.index)
            if r.kind == tcp.TARGET_SHUTDOWN:
                master = self.lb.master
                flows &= (self.node == master) & (self.epoch == self.lb.epoch[max(master, 0)])
            else:
                assert r.kind == tcp.TARGET_RESET
                flows &= ~self.dead
            d = np.flatnonzero(flows)
            seen = np.full(d.size, t)
        was = np.where(self.why[d] == DROP, self.due[d], inf)
        self.due[d] = np.minimum(was, seen)
        self.why[d] = DROP

    def _sends(self, a: float, b: float) -> tuple[I64, F64]:
        """Devices sending in ``[a, b)`` and when, in time order (send k at phase + k × period)."""
        p = self.spec.period_s
        ids, ts = [], []
        for k in range(int(np.floor(a / p)) - 1, int(np.floor(b / p)) + 1):
            tk = self._sorted + k * p
            lo, hi = np.searchsorted(tk, a), np.searchsorted(tk, b)
            ids.append(self._order[lo:hi])
            ts.append(tk[lo:hi])
        d, t = np.concatenate(ids), np.concatenate(ts)
        o = np.argsort(t, kind="stable")
        return d[o], t[o]

    def _segment(self, seg: Segment, work: list[WorkItems], tries: list[Attempts]) -> None:
        a, b = seg.t0, seg.t1
        busy = np.flatnonzero(self.due < b)  # no one else changes state before b
        d, t = self._sends(a, b)
        if busy.size:
            calm = ~np.isin(d, busy)
            d, t = d[calm], t[calm]
        work.append(self._messages(d, t))
        if busy.size == 0:
            return
        k, send = self._next_send(busy, a)
        while True:
            due = self.due[busy]
            act = np.minimum(send, due) < b
            if not act.any():
                return
            sends = act & (send <= due)
            if sends.any():
                work.append(self._messages(busy[sends], send[sends]))
                k[sends] += 1
                send[sends] = self.phase[busy[sends]] + k[sends] * self.spec.period_s
            moves = act & ~sends
            ends = moves & (self.server[busy] >= 0)
            if ends.any():
                self._close(busy[ends])
            tries_now = moves & ~ends
            if tries_now.any():
                self._try(busy[tries_now], seg, work, tries)

    def _messages(self, d: I64, t: F64) -> WorkItems:
        s = self.server[d]
        ok = (s >= 0) & ~self.dead[d]
        self.totals["messages"] += int(np.count_nonzero(ok))
        self.totals["lost"] += int(np.count_nonzero((s >= 0) & self.dead[d]))
        self.totals["missed"] += int(np.count_nonzero(s < 0))
        n = int(np.count_nonzero(ok))
        kind = np.full(n, tcp.MESSAGE, np.int8)
        return WorkItems(t[ok], s[ok], kind, np.full(n, self.comm.message_s), d[ok])

    def _close(self, d: I64) -> None:
        """Connections ending at their ``due``: reconnect now after a graceful close, else back off."""
        t = self.due[d]
        self.lb.release(self.node[d], self.epoch[d], self.server[d])
        aged = self.why[d] == AGE
        self.totals["age_closes"] += int(np.count_nonzero(aged))
        self.totals["drops"] += int(np.count_nonzero(~aged))
        self.server[d] = -1
        self.dead[d] = False
        self.attempt[d] = 0
        self.syn[d] = 0
        self.due[d] = np.where(aged, t, t + backoff_delay(self.spec, self.attempt[d], self.rng))
        self.why[d] = TRY

    def _try(self, d: I64, seg: Segment, work: list[WorkItems], tries: list[Attempts]) -> None:
        """Connect attempts (a first SYN, or a retransmitted one) in time order."""
        d = d[np.argsort(self.due[d], kind="stable")]
        t = self.due[d]
        fresh = self.syn[d] == 0
        self.started[d[fresh]] = t[fresh]
        spec = self.spec
        if seg.master < 0:  # nobody holds the address: the SYN goes unanswered
            self.syn[d] += 1
            retry = self.started[d] + (np.exp2(self.syn[d]) - 1) * spec.syn_rto_s
            gives_up = (self.syn[d] > spec.syn_retries) | (retry >= self.started[d] + spec.connect_timeout_s)
            self.due[d[~gives_up]] = retry[~gives_up]
            self._record(tries, d[gives_up], -1, TIMED_OUT)
            self._fail(d[gives_up], self.started[d[gives_up]] + spec.connect_gives_up_s,
                       self.attempt[d[gives_up]] + 1)
            return
        s = self.lb.pick(d.size, seg.rotation)
        cond = np.full(d.size, tcp.REFUSING, dtype=np.int8)  # no target in rotation: the proxy closes
        for target in np.unique(s[s >= 0]):
            at = np.flatnonzero(s == target)
            cond[at] = self.lb.condition(int(target), t[at])
        up = cond == tcp.UP
        gone = s[~up]
        self.lb.release(np.full(gone.size, seg.master), np.full(gone.size, self.lb.epoch[seg.master]), gone)
        self._open(d[up], t[up], s[up])
        self._record(tries, d[up], s[up], OK)
        n = int(np.count_nonzero(up))
        work.append(WorkItems(t[up], s[up], np.full(n, tcp.CONNECT, np.int8), np.full(n, self.comm.connect_s),
                              d[up]))
        self.due[d[up]] = t[up] + self._ages(n)
        refused = cond == tcp.REFUSING
        self._record(tries, d[refused], s[refused], REFUSED)
        self._fail(d[refused], t[refused] + self.lb.spec.rtt_s, self.attempt[d[refused]] + 1)
        silent = cond == tcp.SILENT
        self._record(tries, d[silent], s[silent], TIMED_OUT)
        self._fail(d[silent], self.started[d[silent]] + spec.connect_gives_up_s, self.attempt[d[silent]] + 1)

    def _open(self, d: I64, t: F64, s: I64) -> None:
        self.server[d] = s
        self.node[d] = self.lb.master
        self.epoch[d] = self.lb.epoch[max(self.lb.master, 0)]
        self.dead[d] = False
        self.opened[d] = t
        self.syn_opened[d] = self.syn[d]
        self.syn[d] = 0
        self.why[d] = AGE
        self.totals["connects"] += d.size

    def _fail(self, d: I64, t: F64, attempt: I64) -> None:
        self.attempt[d] = attempt
        self.syn[d] = 0
        self.due[d] = t + backoff_delay(self.spec, attempt, self.rng)
        self.why[d] = TRY

    def _record(self, tries: list[Attempts], d: I64, s: I64 | int, outcome: int) -> None:
        if d.size == 0:
            return
        self.totals["attempts"] += d.size
        if outcome == REFUSED:
            self.totals["refused"] += d.size
        elif outcome == TIMED_OUT:
            self.totals["timeouts"] += d.size
        where = np.broadcast_to(np.asarray(s, np.int64), d.shape).copy()
        tries.append(Attempts(self.started[d].copy(), d, where, self.attempt[d].copy(),
                              np.full(d.size, outcome, np.int8)))

    # ---- commands ----------------------------------------------------------------------------
    def commands(self) -> dict[str, Handler]:
        handlers: dict[str, Handler] = {f"ingest.{name}": partial(self._device, name)
                                        for name in ("backoff", "jitter", "base_s", "cap_s")}
        handlers["ingest.lb_algorithm"] = partial(self._balancer, "algorithm")
        handlers["ingest.check_interval_s"] = partial(self._balancer, "check_interval_s")
        handlers["ingest.standby"] = lambda v: self._balancer("nodes", 2 if v else 1)
        handlers["ingest.tls"] = self._tls
        handlers["ingest.max_age_s"] = self._max_age
        return handlers

    def _tls(self, value: Value) -> None:
        self.comm = replace(self.comm, tls=bool(value))

    def _device(self, name: str, value: Value) -> None:
        self.spec = replace(self.spec, **{name: value})  # type: ignore[arg-type]

    def _balancer(self, name: str, value: Value) -> None:
        self.lb.set_spec(replace(self.lb.spec, **{name: value}), self.now)  # type: ignore[arg-type]

    def _max_age(self, value: Value) -> None:
        """A new age applies to open connections too, their retirements spread over one age from
        now (as a rolling change of the setting would spread them), not all at once."""
        assert isinstance(value, (int, float))
        self.comm = replace(self.comm, max_age_s=float(value))
        d = np.flatnonzero((self.server >= 0) & (self.why == AGE))
        self.due[d] = self.now + self.rng.random(d.size) * self._ages(d.size)
