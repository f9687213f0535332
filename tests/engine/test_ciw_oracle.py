"""The engine against Ciw, an independent simulator, where queueing theory has no closed form.

Each comparison runs one :class:`~tests.engine.ciw_oracle.Case` through the whole engine (traffic
generator, ticks, balancer, data plane) and through Ciw (see ``tests/engine/ciw_oracle.py``), each
with its own seeded random streams, and measures both by batch means (20 batches of equal
simulated time after a warm-up). A figure agrees when the two differ by at most ``Z = 4``
combined standard errors: a deterministic pass for a correct engine (both sides are seeded) with
room for the uncertainty of the error estimates themselves. So that a noisy run cannot pass
everything, each test first checks its own power: the band for the mean must be narrower than the
case's ``max_band`` (5-30 % of the mean, wider at rho 0.9 where a run of minutes is still noisy).
The failure messages print both figures, their errors and the band.

The fast tests check the oracle itself against closed forms (Erlang C, M/M/c/K) and its lognormal
against the engine's parameters, so a wrong Ciw set-up cannot pass for a wrong engine. Ciw's side
of each comparison is read from ``ciw_figures.json``, which ``python -m tests.engine.ciw_oracle``
writes; one test runs a short case in Ciw live and asserts the kept figures are exactly its answer.
"""

from __future__ import annotations

import math

import ciw
import numpy as np
import pytest

from tests.engine.ciw_oracle import (
    CHECKS,
    PROBE,
    Case,
    Check,
    Figures,
    Run,
    Z,
    ciw_figures,
    engine_figures,
    rows,
    run_ciw,
    store_key,
    stored,
)
from tests.engine.reference import erlang_c_response, mmck


def compare(check: Check, tick_s: float | None = None) -> tuple[Figures, Figures]:
    """Run ``check`` on both sides; fail if it is too short to be a test, or if any figure
    (mean, p95, blocking, shares) differs by more than its band."""
    ref = ciw_figures(check.case, check.run)
    eng = engine_figures(check.case, check.run, tick_s or check.tick_s)
    table = rows(eng, ref)
    bad = [str(r) for r in table if not r.ok]
    assert not bad, f"{check.case.name} at tick {tick_s or check.tick_s} s:\n" + "\n".join(bad)
    # agreement first (a wrong engine fails with its numbers), then whether passing meant much
    mean = table[0]
    assert mean.band <= check.max_band * ref.mean, f"not a test: too noisy for ±{check.max_band:.0%}: {mean}"
    return eng, ref


# ---- the oracle itself -------------------------------------------------------------------------

def test_ciw_oracle_matches_erlang_c():
    """The Ciw set-up reproduces M/M/4 at rho 0.7 (closed form 13.57 ms): the oracle's arrival
    rate, service rate, server count and measurement are wired right."""
    case = Case("M/M/4", 280.0, (4,), 0.01)
    f = run_ciw(case, Run(150.0, 10.0, seed=3))
    expect = erlang_c_response(280.0, 100.0, 4)
    assert abs(f.mean - expect) <= Z * f.mean_se, (f.mean, f.mean_se, expect)
    assert f.mean_se < 0.03 * expect  # the check has power


def test_ciw_oracle_matches_mmck_blocking_and_its_kept_figures_are_its_own():
    """Ciw's ``queue_capacities`` is the engine's ``queue_limit`` (places to wait, beyond the
    busy vCPUs): M/M/4 with 4 places offered rho 0.9 blocks 9.66 %, mean response 13.32 ms.
    This run is kept in ``ciw_figures.json`` beside the checks, and run live it gives exactly
    the kept figures: the store holds Ciw's answers, not numbers of its own."""
    f = run_ciw(*PROBE)
    blocked, resp = mmck(360.0, 100.0, 4, 8)
    assert abs(f.blocked - blocked) <= Z * f.blocked_se, (f.blocked, f.blocked_se, blocked)
    assert abs(f.mean - resp) <= Z * f.mean_se, (f.mean, f.mean_se, resp)
    assert stored()[store_key(*PROBE)] == f


def test_every_check_is_kept_for_the_installed_ciw():
    """Each comparison reads Ciw's figures from the store; a case changed, added or run under
    another Ciw version without ``python -m tests.engine.ciw_oracle`` fails here, by name."""
    missing = [name for name, c in CHECKS.items() if store_key(c.case, c.run) not in stored()]
    assert not missing, (f"Ciw figures not kept for {missing} (Ciw {ciw.__version__}): "
                         "run python -m tests.engine.ciw_oracle")


def test_ciw_lognormal_has_the_engines_mean_and_cv():
    """Ciw's ``Lognormal(mu, sigma)`` takes the normal's parameters; the oracle converts the
    engine's (mean, CV) so both draw the same distribution: 10 ms, CV 1.5."""
    case = Case("x", 1.0, (1,), 0.01, cv=1.5, dist="lognormal")
    ciw.seed(5)
    d = ciw.dists.Lognormal(*case.lognormal())
    assert d.mean == pytest.approx(0.01, rel=1e-12)
    assert math.sqrt(d.variance) / d.mean == pytest.approx(1.5, rel=1e-12)
    x = np.array([d.sample() for _ in range(200_000)])
    assert x.mean() == pytest.approx(0.01, rel=0.015)  # its own noise: 0.34 %


# ---- M/G/c: lognormal service --------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("key", ["mgc-0.7", "mgc-0.9"])
def test_mgc_lognormal_service_matches_ciw(key):
    """M/G/4, lognormal service with mean 10 ms and CV 1.5: Erlang C is exact only for CV 1
    (the wait grows about with (1 + CV²)/2), so Ciw is the reference. Mean and p95 response."""
    compare(CHECKS[key])


# ---- least_conn: join the shortest queue ---------------------------------------------------------

#: every load and a spread of tick lengths, without the whole product of the two: that the
#: engine's choices do not depend on the tick is shown exactly, request by request, against a
#: per-request reference in ``test_balancer.py``; ``make bench-accuracy`` prints every pair
JSQ_CASES = [("jsq-0.5", 0.05), ("jsq-0.8", 0.5), ("jsq-0.9", 1.0)]


@pytest.mark.slow
@pytest.mark.parametrize("key,tick_s", JSQ_CASES)
def test_least_conn_is_join_the_shortest_queue(key, tick_s):
    """least_conn over four 1-vCPU boxes (mu 100/s) is JSQ by connections: each request goes to
    the box with the fewest requests in it *when it arrives*, counting the tick's earlier
    assignments and completions, as a real balancer does. Ciw's ``LoadBalancing`` router with
    random tie-breaking is the reference (a real balancer breaks ties round robin; on identical
    boxes the tie rule does not change the queue lengths' law, and Ciw's "order" rule measures
    the same within noise: 11.59/19.74/33.45 ms against 11.54/20.17/31.87 ms at rho
    0.5/0.8/0.9). It must hold for any tick length: a balancer that sees counts only as of the
    tick's start sends bursts to one box (at rho 0.8 and 0.1 s ticks: 26.8 ms, not 20)."""
    compare(CHECKS[key], tick_s)


# ---- boxes of different sizes ------------------------------------------------------------------

@pytest.mark.slow
def test_least_conn_over_mixed_sizes_matches_ciw():
    """A 1-vCPU and a 4-vCPU box behind least_conn at 240/s: by connections the small box gets
    about 36 % of the requests (its CPU near 87 %), since one request fills it while the big box
    takes four before it queues. The traffic shares and the mean and p95 response must agree."""
    _, ref = compare(CHECKS["mixed-lc"])
    assert ref.share[0] == pytest.approx(0.36, abs=0.02)  # the reference is what we think it is


@pytest.mark.slow
def test_round_robin_over_mixed_sizes_matches_ciw():
    """The same two boxes under round robin at 160/s: each gets every other request (Erlang-2
    gaps, not a Poisson half), so the small box runs at 80 % and dominates the response time.
    Round robin decides without state, so this one should agree at any tick."""
    eng, _ = compare(CHECKS["mixed-rr"])
    assert eng.share[0] == pytest.approx(0.5, abs=1e-3)


# ---- finite queues -----------------------------------------------------------------------------

@pytest.mark.slow
def test_finite_queue_mmck_matches_closed_form_and_ciw():
    """M/M/4 with 4 places to wait, offered rho 0.9: blocking 9.66 % and mean response 13.32 ms
    in closed form; the engine must agree with both the formula and Ciw."""
    eng, _ = compare(CHECKS["mmck"])
    blocked, resp = mmck(360.0, 100.0, 4, 8)
    assert abs(eng.blocked - blocked) <= Z * eng.blocked_se, (eng.blocked, eng.blocked_se, blocked)
    assert abs(eng.mean - resp) <= Z * eng.mean_se, (eng.mean, eng.mean_se, resp)


@pytest.mark.slow
def test_finite_queue_with_lognormal_service_matches_ciw():
    """M/G/4/8 with lognormal service (CV 1.5) at offered rho 0.9: no closed form for the
    blocking probability (it depends on the whole service distribution); only Ciw answers."""
    _, ref = compare(CHECKS["mgck"])
    assert ref.blocked > 0.05  # the queue does fill: the case tests blocking
