"""Counters and latency histograms, per time window and for the whole run.

Why histograms: a 30-minute run at 10,000 req/s has 18 million latencies. Keeping
them would cost memory and sorting; a log-bucketed histogram (here 40 buckets per
decade from 0.1 ms to 1000 s, about 6 % wide) answers p50/p95/p99 in O(buckets) with
an error well under the width of one bucket, which is what real monitoring systems
(HdrHistogram, Prometheus native histograms) do too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from scaleout_tui.engine.arrays import F64

LO_S = 1e-4
DECADES = 7
PER_DECADE = 40
N_BUCKETS = DECADES * PER_DECADE + 2  # underflow, ..., overflow
#: Closed windows keep their latency histogram, error counts and queue lengths this long; older
#: ones give them up. Only the gauges read those (the last few seconds), and the debrief reads
#: run totals: an hour of level 8 kept 8 MB of histograms alone (``bench/soak.py``). The
#: per-window p50/p95/p99 are in the series already. What stays is what the autoscaler's
#: alarms read over a period: busy and capacity per box, completions and their latency sum.
HIST_KEPT = 60
#: What a released array is: empty, so a late reader fails loudly (a shape mismatch) instead of
#: silently reading zeros.
RELEASED = np.zeros(0, np.int64)
RELEASED.flags.writeable = False
RELEASED_F = np.zeros(0)
RELEASED_F.flags.writeable = False
#: Closed windows kept in :attr:`Metrics.windows` when no autoscaler can look further back: the
#: gauges read a few seconds, and what a debrief needs from the whole run is kept as per-box run
#: totals (:class:`BoxTotals`). With an autoscaler every window stays: an alarm period may be set
#: as long as a day, and a real monitor keeps its history.
WINDOWS_KEPT = 900
#: CPU share from which a window counts as saturated (the debrief's "seconds over 90 %").
HOT = 0.9
EDGES = LO_S * 10.0 ** (np.arange(DECADES * PER_DECADE + 1) / PER_DECADE)

# Why a request failed. Later levels add causes; the order is part of the digest.
ERROR_CAUSES: tuple[str, ...] = (
    "refused",      # nothing listening: box down or stopped
    "queue_full",   # accept queue overflowed: 503
    "timeout",      # client gave up waiting
    "reset",        # box died while the request was in flight
    "db_down",      # app answered 500: database unreachable
    "http_500",     # the app itself answered 500
    "no_target",    # the balancer had no target registered: 503
    "lb_down",      # the balancer itself was down
    "session_lost",  # logged-in user landed where their session is not: "please log in"
    "store_down",   # the shared session store was unreachable
    "not_found",    # a download found no file: 404
)


SERIES: tuple[str, ...] = (
    "t", "rps_in", "rps_out", "p50_ms", "p95_ms", "p99_ms", "error_pct", "cpu_max_pct",
    "cost_per_hour", "instances", "queue_max",
)


def bucket_of(latency_s: F64) -> npt.NDArray[np.int64]:
    """Bucket index: 0 below ``LO_S``, then ``PER_DECADE`` per decade, last = overflow.

    Computed with a logarithm rather than a search: a tick's thousands of latencies
    are bucketed in one vectorised pass. Values that land on an edge within rounding
    may fall one bucket either side, which is far below the bucket's own width.
    """
    with np.errstate(divide="ignore"):
        b = np.floor(np.log10(np.maximum(latency_s, 1e-300) / LO_S) * PER_DECADE) + 1
    return np.clip(b, 0, N_BUCKETS - 1).astype(np.int64)


def percentile(hist: npt.NDArray[np.int64], q: float) -> float:
    """The ``q``-quantile (0..1) of a histogram, interpolated geometrically in-bucket.

    Returns ``nan`` for an empty histogram, so callers must decide what "no data" means.
    """
    total = int(hist.sum())
    if total == 0:
        return float("nan")
    target = q * total
    cum = np.cumsum(hist)
    b = int(np.searchsorted(cum, target, side="left"))
    b = min(b, N_BUCKETS - 1)
    if b == 0:
        return float(EDGES[0])
    if b == N_BUCKETS - 1:
        return float(EDGES[-1])
    lo, hi = EDGES[b - 1], EDGES[b]
    before = cum[b - 1] if b > 0 else 0
    frac = (target - before) / max(int(hist[b]), 1)
    return float(lo * (hi / lo) ** min(max(frac, 0.0), 1.0))


@dataclass(slots=True)
class Window:
    """What happened during one window of simulated time."""

    t0: float
    length: float
    n_servers: int
    arrived: int = 0
    completed: int = 0
    latency_sum: float = 0.0
    errors: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(len(ERROR_CAUSES), np.int64))
    hist: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(N_BUCKETS, np.int64))
    busy: F64 = field(init=False)
    capacity: F64 = field(init=False)
    queue: F64 = field(init=False)
    cost: float = 0.0
    ticks: int = 0
    instances_max: int = 0

    def __post_init__(self) -> None:
        self.busy = np.zeros(self.n_servers)
        self.capacity = np.zeros(self.n_servers)
        self.queue = np.zeros(self.n_servers)


@dataclass(slots=True)
class BoxTotals:
    """Per box, what the whole run's closed windows add up to (index = box index).

    Only windows in which a box was powered (had CPU capacity) count toward its peaks; a box
    that never was has ``powered`` False and its peaks mean nothing.
    """

    busy: F64 = field(default_factory=lambda: np.zeros(0))
    peak_util: F64 = field(default_factory=lambda: np.zeros(0))
    hot_windows: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    peak_queue: F64 = field(default_factory=lambda: np.zeros(0))
    powered: npt.NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, np.bool_))

    def grow(self, n: int) -> None:
        extra = n - self.busy.size
        if extra > 0:
            self.busy = np.append(self.busy, np.zeros(extra))
            self.peak_util = np.append(self.peak_util, np.zeros(extra))
            self.hot_windows = np.append(self.hot_windows, np.zeros(extra, np.int64))
            self.peak_queue = np.append(self.peak_queue, np.zeros(extra))
            self.powered = np.append(self.powered, np.zeros(extra, np.bool_))

    def add(self, w: Window, util: F64) -> None:
        """Fold in a closed window; ``util`` is its busy / capacity (0 where unpowered)."""
        self.grow(w.busy.size)
        on = w.capacity > 0
        self.busy += w.busy
        self.peak_util = np.where(on, np.maximum(self.peak_util, util), self.peak_util)
        self.hot_windows += on & (util >= HOT)
        queue = w.queue / max(w.ticks, 1)
        self.peak_queue = np.where(on, np.maximum(self.peak_queue, queue), self.peak_queue)
        self.powered |= on


class Metrics:
    """Rolls ticks into fixed windows and keeps run totals.

    Only the last :data:`WINDOWS_KEPT` closed windows stay in :attr:`windows` (every one with
    ``keep_all``); ``closed``
    counts them all, and :attr:`boxes` keeps the per-box totals of the whole run.
    """

    def __init__(self, n_servers: int, window_s: float = 1.0, keep_all: bool = False) -> None:
        self.window_s = window_s
        self.keep_all = keep_all
        self.n_servers = n_servers
        self.windows: list[Window] = []
        #: Windows closed since the start of the run (``windows`` keeps only the last ones).
        self.closed = 0
        self.boxes = BoxTotals()
        self.current = Window(0.0, window_s, n_servers)
        self.total_hist = np.zeros(N_BUCKETS, np.int64)
        self.total_errors = np.zeros(len(ERROR_CAUSES), np.int64)
        self.arrived = 0
        self.completed = 0
        self.latency_sum = 0.0
        self.cost = 0.0
        self.peak_instances = 0
        # Per-window series for charts, appended as windows close (cheap to read).
        self.series: dict[str, list[float]] = {k: [] for k in SERIES}
        # Buffers behind the current window's busy, capacity and queue once it has grown.
        self._room: tuple[F64, F64, F64] | None = None

    def grow(self, n_servers: int) -> None:
        """Make room for boxes added mid-run (they read as idle in earlier windows).

        Boxes come one at a time, so the current window's per-box arrays become views of
        zeroed buffers with room to spare, doubled when full: amortised O(1) per box, where
        lengthening every array for each box made growing a fleet quadratic. The window gets
        exact-size copies when it closes (:meth:`roll`), so the buffers' slack is not kept.
        """
        if n_servers <= self.n_servers:
            return
        w = self.current
        room = self._room
        if room is None or room[0].size < n_servers:
            size = max(n_servers, 2 * self.n_servers)
            room = (np.zeros(size), np.zeros(size), np.zeros(size))
            for buf, a in zip(room, (w.busy, w.capacity, w.queue), strict=True):
                buf[: a.size] = a
            self._room = room
        w.busy, w.capacity, w.queue = room[0][:n_servers], room[1][:n_servers], room[2][:n_servers]
        self.n_servers = n_servers
        w.n_servers = n_servers

    def roll(self, now: float) -> None:
        """Close every window that ends at or before ``now``."""
        while self.current.t0 + self.window_s <= now + 1e-9:
            w = self.current
            if self._room is not None:  # it grew: keep its figures, not the spare room
                w.busy, w.capacity, w.queue = w.busy.copy(), w.capacity.copy(), w.queue.copy()
                self._room = None
            self.windows.append(w)
            self.closed += 1
            util = np.divide(w.busy, w.capacity, out=np.zeros_like(w.busy), where=w.capacity > 0)
            self.boxes.add(w, util)
            self._append_series(w, util)
            if len(self.windows) > HIST_KEPT:
                old = self.windows[-HIST_KEPT - 1]
                old.hist, old.errors, old.queue = RELEASED, RELEASED, RELEASED_F
            if not self.keep_all and len(self.windows) >= 2 * WINDOWS_KEPT:  # in chunks: O(1) each
                del self.windows[:-WINDOWS_KEPT]
            self.current = Window(self.current.t0 + self.window_s, self.window_s, self.n_servers)

    def record_arrivals(self, n: int) -> None:
        self.arrived += n
        self.current.arrived += n

    def record_success(self, latency_s: F64) -> None:
        if latency_s.size == 0:
            return
        h = np.bincount(bucket_of(latency_s), minlength=N_BUCKETS)
        s = float(latency_s.sum())
        self.total_hist += h
        self.current.hist += h
        self.completed += latency_s.size
        self.current.completed += latency_s.size
        self.latency_sum += s
        self.current.latency_sum += s

    def record_errors(self, cause: int, n: int) -> None:
        if n:
            self.total_errors[cause] += n
            self.current.errors[cause] += n

    def record_servers(self, busy: F64, capacity: F64, queue: F64) -> None:
        w = self.current
        w.busy += busy
        w.capacity += capacity
        w.queue += queue
        w.ticks += 1

    def record_instances(self, n: int) -> None:
        self.current.instances_max = max(self.current.instances_max, n)
        self.peak_instances = max(self.peak_instances, n)

    def _append_series(self, w: Window, util: F64) -> None:
        """The chart points of a closed window; ``util`` is its busy / capacity per box."""
        s = self.series
        resolved = w.completed + int(w.errors.sum())
        s["t"].append(w.t0 + w.length)
        s["rps_in"].append(w.arrived / w.length)
        s["rps_out"].append(w.completed / w.length)
        s["p50_ms"].append(percentile(w.hist, 0.50) * 1000)
        s["p95_ms"].append(percentile(w.hist, 0.95) * 1000)
        s["p99_ms"].append(percentile(w.hist, 0.99) * 1000)
        s["error_pct"].append(100.0 * int(w.errors.sum()) / resolved if resolved else 0.0)
        s["cpu_max_pct"].append(100.0 * float(util.max()) if util.size else 0.0)
        s["cost_per_hour"].append(w.cost * 3600.0 / w.length)
        s["instances"].append(float(w.instances_max))
        s["queue_max"].append(float(w.queue.max()) / w.ticks if w.ticks and w.queue.size else 0.0)

    def record_cost(self, dollars: float) -> None:
        self.cost += dollars
        self.current.cost += dollars
