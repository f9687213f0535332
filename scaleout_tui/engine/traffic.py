"""Traffic: a rate curve with ramps and spikes, a user population and request kinds.

Arrivals are a non-homogeneous Poisson process sampled by *thinning*: draw at the
highest rate of the tick, keep each candidate with probability ``rate(t)/peak``. That
is exact for any curve, so results do not hinge on the tick length. Each request
carries a user id (later levels use it for sessions), a kind (page, login, write,
upload, download, static) and its CPU demands on the app and on the database.
Demands are lognormal (real service times are right-skewed) with a mean and a
coefficient of variation; ``exponential`` exists so the engine can be checked against
M/M/c theory.

A *scenario* (:class:`Shape`) is a named multiplier of the base curve over time (a flash
crowd, a diurnal day, an imported access log's shape). It is kept apart from the curve so the
player can switch scenarios while the clock runs: the new shape starts at the moment of the
switch. Curves and shapes may have thousands of points (a per-second series), so the source
keeps them as arrays and finds the knots of a tick by binary search.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt

from scaleout_tui.engine.arrays import F64
from scaleout_tui.engine.commands import CommandError, Handler, Value
from scaleout_tui.engine.rng import stream

KINDS: tuple[str, ...] = ("page", "login", "write", "upload", "download", "static")
#: the kinds that change data: a replica must replay them, a shard must store them
WRITE_KINDS = frozenset(KINDS.index(k) for k in ("write", "upload"))


@dataclass(frozen=True, slots=True)
class Spike:
    """A multiplicative surge: ramps up over ``rise_s``, holds, ramps down over ``fall_s``."""

    at: float
    factor: float
    rise_s: float = 30.0
    hold_s: float = 300.0
    fall_s: float = 60.0
    name: str = "spike"

    def knots(self) -> tuple[float, float, float, float]:
        t1 = self.at + self.rise_s
        t2 = t1 + self.hold_s
        return (self.at, t1, t2, t2 + self.fall_s)

    def multiplier(self, t: F64) -> F64:
        a, b, c, d = self.knots()
        return np.interp(t, [a, b, c, d], [1.0, self.factor, self.factor, 1.0])


@dataclass(frozen=True, slots=True)
class Shape:
    """A scenario: a piecewise-linear multiplier of the base rate, ``points`` of (seconds since
    ``start``, multiplier). Before ``start`` it is 1 (the base rate); after its last point it
    keeps the last multiplier."""

    name: str
    points: tuple[tuple[float, float], ...]
    start: float = 0.0

    def at(self, start: float) -> Shape:
        """The same shape beginning at ``start`` (run seconds)."""
        return Shape(self.name, self.points, start)

    def times(self) -> F64:
        return np.asarray([p[0] for p in self.points], dtype=float) + self.start

    def values(self) -> F64:
        return np.asarray([p[1] for p in self.points], dtype=float)

    def multiplier(self, t: F64) -> F64:
        return np.interp(t, self.times(), self.values(), left=1.0)


@dataclass(frozen=True, slots=True)
class KindMix:
    """How often a kind of request occurs and what it costs (seconds at speed 1)."""

    name: str
    weight: float
    app_s: float
    db_s: float = 0.0
    cv: float = 1.0


@dataclass(frozen=True, slots=True)
class TrafficSpec:
    """Everything that shapes the offered load."""

    curve: tuple[tuple[float, float], ...]
    kinds: tuple[KindMix, ...]
    users: int = 1000
    spikes: tuple[Spike, ...] = ()
    distribution: str = "lognormal"  # or "exponential"
    #: the scenario that multiplies the curve (``None``: the curve as it is)
    shape: Shape | None = None

    def rate(self, t: F64) -> F64:
        """Requests per second offered at times ``t``."""
        ts = [p[0] for p in self.curve]
        rs = [p[1] for p in self.curve]
        r = np.interp(t, ts, rs)
        for s in self.spikes:
            r = r * s.multiplier(t)
        if self.shape is not None:
            r = r * self.shape.multiplier(t)
        return r

    def knots(self) -> F64:
        pts = [p[0] for p in self.curve]
        for s in self.spikes:
            pts.extend(s.knots())
        if self.shape is not None:
            pts.extend(self.shape.times().tolist())
        return np.asarray(sorted(pts), dtype=float)


@dataclass(slots=True)
class Arrivals:
    """A batch of requests, as parallel arrays sorted by arrival time."""

    t: F64
    user: npt.NDArray[np.int64]
    kind: npt.NDArray[np.int8]
    app_s: F64
    db_s: F64

    @property
    def size(self) -> int:
        return int(self.t.size)


@dataclass
class TrafficSource:
    """Samples :class:`Arrivals` tick by tick from its own random streams."""

    spec: TrafficSpec
    seed: int
    _knots: F64 = field(init=False)

    def __post_init__(self) -> None:
        self._set_spec(self.spec)
        self._rng_t = stream(self.seed, "traffic.arrivals")
        self._rng_u = stream(self.seed, "traffic.users")
        self._rng_k = stream(self.seed, "traffic.kinds")
        self._rng_d = stream(self.seed, "traffic.demand")
        kinds = self.spec.kinds
        w = np.asarray([k.weight for k in kinds], dtype=float)
        self._cum = np.cumsum(w / w.sum())
        self._kind_code = np.asarray([KINDS.index(k.name) for k in kinds], dtype=np.int8)
        self._app = np.asarray([k.app_s for k in kinds])
        self._db = np.asarray([k.db_s for k in kinds])
        cv = np.asarray([k.cv for k in kinds])
        self._sigma = np.sqrt(np.log1p(cv**2))

    def _set_spec(self, spec: TrafficSpec) -> None:
        """Adopt ``spec`` and cache its curve and shape as arrays (a series has thousands of
        points; rebuilding them every tick would dominate a run)."""
        self.spec = spec
        self._knots = spec.knots()
        self._curve_t = np.asarray([p[0] for p in spec.curve], dtype=float)
        self._curve_r = np.asarray([p[1] for p in spec.curve], dtype=float)
        shape = spec.shape
        self._shape = None if shape is None else (shape.times(), shape.values())

    def set_shape(self, shape: Shape | None) -> None:
        """Switch the scenario from now on (``shape.start`` says when it begins)."""
        self._set_spec(replace(self.spec, shape=shape))

    def rate(self, t: F64) -> F64:
        """Requests per second offered at times ``t`` (:meth:`TrafficSpec.rate`, from the cache)."""
        r = np.interp(t, self._curve_t, self._curve_r)
        for s in self.spec.spikes:
            r = r * s.multiplier(t)
        if self._shape is not None:
            r = r * np.interp(t, self._shape[0], self._shape[1], left=1.0)
        return r

    def rate_span(self, t0: float, t1: float) -> tuple[float, bool]:
        """Peak rate over ``[t0, t1]`` and whether the rate is constant there.

        The curve is piecewise linear, so its extremes over the tick lie on the tick's
        ends or on a knot inside it.
        """
        lo, hi = np.searchsorted(self._knots, [t0, t1], side="right")
        inside = self._knots[lo:hi]
        inside = inside[(inside > t0) & (inside < t1)]
        pts = np.concatenate(([t0, t1], inside))
        r = self.rate(pts)
        peak = float(r.max())
        return peak, bool(float(r.min()) == peak)

    def sample(self, t0: float, t1: float) -> Arrivals:
        """The requests that arrive in ``[t0, t1)``."""
        peak, constant = self.rate_span(t0, t1)
        n = int(self._rng_t.poisson(peak * (t1 - t0))) if peak > 0 else 0
        # n sorted uniforms without a sort: normalised partial sums of n+1 exponentials
        gaps = self._rng_t.standard_exponential(n + 1)
        cum = np.cumsum(gaps)
        t = t0 + (cum[:-1] / cum[-1]) * (t1 - t0)
        if n and not constant:
            keep = self._rng_t.random(n) * peak < self.rate(t)
            t = t[keep]
        n = t.size
        user = self._rng_u.integers(0, self.spec.users, n)
        if self._cum.size == 1:
            # one kind: every request is it (its own stream, so skipping the draw moves no other)
            k = np.zeros(n, dtype=np.intp)
        else:
            k = np.searchsorted(self._cum, self._rng_k.random(n), side="right")
            k = np.minimum(k, len(self._cum) - 1)
        app = self._demand(self._app[k], self._sigma[k], n)
        db = self._demand(self._db[k], self._sigma[k], n)
        return Arrivals(t, user, self._kind_code[k], app, db)

    def _demand(self, mean: F64, sigma: F64, n: int) -> F64:
        if self.spec.distribution == "exponential":
            return self._rng_d.exponential(1.0, n) * mean
        z = self._rng_d.standard_normal(n)
        return mean * np.exp(sigma * z - 0.5 * sigma**2)


_WRITE_TABLE = np.array([i in WRITE_KINDS for i in range(len(KINDS))])


def is_write(kind: npt.NDArray[np.int8]) -> npt.NDArray[np.bool_]:
    """Which requests change data (a table lookup: this runs on every request)."""
    return _WRITE_TABLE[kind]


class Scenarios:
    """The scenarios a player may switch to while the clock runs (``traffic.scenario``): the new
    shape begins now (at t=0 before the clock starts)."""

    def __init__(self, source: object, shapes: tuple[Shape, ...], now: Callable[[], float]) -> None:
        self.source = source
        self.shapes = shapes
        self.now = now

    def commands(self) -> dict[str, Handler]:
        return {"traffic.scenario": self._switch}

    def _switch(self, value: Value) -> None:
        shape = next((s for s in self.shapes if s.name == value), None)
        if shape is None:
            raise CommandError("unknown_scenario", name=str(value))
        if not isinstance(self.source, TrafficSource):
            raise CommandError("no_traffic_curve")  # closed-loop load tests drive this level
        self.source.set_shape(shape.at(self.now()))
