"""Sessions: where a login lives, what a dead box or a broken store takes with it; exact small
cases and whole runs."""

from __future__ import annotations

import numpy as np
import pytest

from scaleout_tui.engine import ScheduledFailure, Simulation
from scaleout_tui.engine.sessions import SessionSpec, SessionStore
from tests.engine.helpers import DURATION, E, reqs, web_app


def test_local_sessions_are_lost_on_another_box_and_shared_ones_are_not():
    rows = [(0.0, 7, "login", 0), (1.0, 7, "page", 0), (2.0, 7, "page", 1), (3.0, 7, "page", 1),
            (4.0, 8, "page", 1), (5.0, 8, "static", 0)]
    local = SessionStore(SessionSpec("local"), users=10)
    lost, uses = local.check(*reqs(*rows))
    # logged in on box 0; fine on 0, lost on 1, then anonymous; user 8 never logged in
    assert lost.tolist() == [False, False, True, False, False, False]
    assert not uses.any()
    shared = SessionStore(SessionSpec("shared"), users=10)
    lost, uses = shared.check(*reqs(*rows))
    assert not lost.any()
    assert uses.tolist() == [True, True, True, True, False, False]


def test_sessions_expire_after_their_ttl():
    s = SessionStore(SessionSpec("local", ttl_s=100.0), users=5)
    lost, _ = s.check(*reqs((0.0, 1, "login", 0), (50.0, 1, "page", 1), ))
    assert lost.tolist() == [False, True]
    s = SessionStore(SessionSpec("local", ttl_s=100.0), users=5)
    lost, _ = s.check(*reqs((0.0, 1, "login", 0), (150.0, 1, "page", 1)))
    assert lost.tolist() == [False, False]  # expired: the user is anonymous, nothing to lose


def test_a_dead_box_takes_exactly_its_local_sessions():
    s = SessionStore(SessionSpec("local"), users=10)
    s.check(*reqs((0.0, 1, "login", 0), (0.1, 2, "login", 1), (0.2, 3, "login", 1)))
    assert s.drop_box(1) == 2
    lost, _ = s.check(*reqs((1.0, 1, "page", 0), (1.1, 2, "page", 0), (1.2, 3, "page", 0)))
    assert lost.tolist() == [False, True, True]


def test_round_robin_with_local_sessions_loses_them_a_shared_store_does_not():
    local = Simulation(web_app("local"), seed=1)
    shared = Simulation(web_app("shared"), seed=1)
    local.run()
    shared.run()
    assert local.metrics.total_errors[E["session_lost"]] > 5 * DURATION  # about one request in 13
    assert shared.metrics.total_errors[E["session_lost"]] == 0
    assert shared.metrics.total_errors.sum() == 0
    # the store is a real box doing real work
    cache = shared.box("cache-1")
    assert sum(w.busy[cache.index] for w in shared.metrics.windows) > 0


def test_sticky_sessions_lose_only_the_dead_boxs_sessions():
    crash = (ScheduledFailure(100.0, "web-1", 60.0),)
    # long enough after the crash for round robin, which loses sessions all the time, to lose ten times more
    sim = Simulation(web_app("local", sticky=True, failures=crash, duration=400.0), seed=2)
    sim.advance(99.9)
    assert sim.metrics.total_errors[E["session_lost"]] == 0
    assert sim.session_store is not None
    on_web1 = int(np.count_nonzero(sim.session_store.owner == sim.box("web-1").index))
    sim.run()
    lost = int(sim.metrics.total_errors[E["session_lost"]])
    assert 0 < lost <= on_web1 + 30  # the users whose session died (plus a few who logged in again there)
    # and far fewer than without stickiness
    plain = Simulation(web_app("local", failures=crash, duration=400.0), seed=2)
    plain.run()
    assert lost < plain.metrics.total_errors[E["session_lost"]] / 10


def test_the_shared_store_is_a_single_point_of_failure():
    crash = (ScheduledFailure(50.0, "session", 30.0),)
    sim = Simulation(web_app("shared", failures=crash, duration=100.0), seed=3)
    sim.run()
    down = sim.metrics.total_errors[E["store_down"]]
    assert down > 0.5 * 30 * 100 * 0.5  # most logged-in traffic for 30 s


@pytest.mark.parametrize("kind,cause", [("error", "store_down"), ("hang", "timeout")])
def test_a_broken_session_store_fails_the_requests_that_need_it_and_only_in_its_window(kind, cause):
    """Issue 13: an app fault on the shared store acts on what reaches it. From 300 s to 360 s an
    erroring store makes those requests fail at once (store_down), a hung one leaves them to time
    out at the client (10 s); before and after, nothing fails."""
    fault = (ScheduledFailure(300.0, "session", 60.0, kind),)
    sim = Simulation(web_app("shared", failures=fault, duration=420.0), seed=1)
    sim.advance(299.0)
    assert sim.metrics.total_errors.sum() == 0
    sim.run()
    errors = sim.metrics.total_errors
    assert errors[E[cause]] > 1000  # most of 60 s x 100 req/s use the store
    assert errors.sum() == errors[E[cause]]
    late = [w for w in sim.metrics.windows if w.t0 >= 380.0]
    assert late and sum(int(w.errors.sum()) for w in late) == 0
