"""The two gotchas of cloning a server: a redirect to a box's own host name, and a clone
that keeps its own local database. Exact small cases first, then whole runs."""

from __future__ import annotations

from scaleout_tui.engine import Command, KindMix, ScheduledFailure, Simulation, TrafficSpec
from scaleout_tui.engine.balancer import BalancerSpec
from scaleout_tui.engine.cloning import AppSpec
from scaleout_tui.engine.healthcheck import HealthCheckSpec
from scaleout_tui.engine.localdb import DataCopies
from scaleout_tui.engine.redirects import Redirects
from tests.engine.helpers import E, config, knob, reqs


# ---- redirects ----------------------------------------------------------------------------
def test_a_login_on_a_self_redirecting_box_pins_that_user_only():
    r = Redirects(users=10)
    r.self_redirecting.add(1)
    # the balancer's choices; user 3 logs in on box 1, user 4 on box 0
    t, u, k, box = reqs((0.0, 3, "login", 1), (0.5, 4, "login", 0), (1.0, 3, "page", 2),
                        (2.0, 3, "page", 0), (3.0, 4, "page", 1), (4.0, 5, "page", 2))
    bypass = r.route_users(t, u, k, box)
    assert box.tolist() == [1, 0, 1, 1, 1, 2]   # user 3 stays on box 1 whatever the balancer says
    assert bypass.tolist() == [False, False, True, True, False, False]
    assert (r.pins, r.bypassed) == (1, 2)
    assert r.pinned_users(4.0) == {1: 1}


def test_relative_redirects_pin_no_one():
    r = Redirects(users=10, mode="relative")
    r.self_redirecting.add(1)
    t, u, k, box = reqs((0.0, 3, "login", 1), (1.0, 3, "page", 2))
    assert not r.route_users(t, u, k, box).any()
    assert box.tolist() == [1, 2] and r.pins == 0


def test_a_pin_ends_when_the_user_is_idle_longer_than_the_visit():
    r = Redirects(users=10, idle_s=100.0)
    r.self_redirecting.add(1)
    t, u, k, box = reqs((0.0, 3, "login", 1), (90.0, 3, "page", 0), (189.0, 3, "page", 0),
                        (290.0, 3, "page", 0))
    bypass = r.route_users(t, u, k, box)
    # 90 and 189 are within 100 s of the previous request; 290 comes 101 s after 189
    assert bypass.tolist() == [False, True, True, False]
    assert box.tolist() == [1, 1, 1, 0]


# ---- local databases ------------------------------------------------------------------------
def test_reads_from_another_copy_diverge_and_writes_to_a_clone_are_stranded():
    c = DataCopies(users=10)
    c.own_copy.add(2)  # box 2 is a clone with its own database
    u, k, box = reqs((0, 1, "write", 0), (0, 1, "page", 1), (0, 1, "page", 2), (0, 1, "write", 2),
                     (0, 1, "page", 2), (0, 1, "page", 0), (0, 2, "page", 2), (0, 3, "static", 2))[1:]
    c.apply(u, k, box)
    # user 1: write on shared, read shared (ok), read on the clone (diverges), write on the
    # clone (stranded), read on the clone (ok), read on shared (diverges); user 2 never wrote
    assert (c.divergent_reads, c.stranded_writes, c.reads) == (2, 1, 5)
    assert c.divergent_pct() == 100.0 * 2 / 5


def test_one_copy_never_diverges():
    c = DataCopies(users=5)
    u, k, box = reqs((0, 1, "write", 0), (0, 1, "page", 1), (0, 1, "download", 2))[1:]
    c.apply(u, k, box)
    assert c.divergent_reads == 0 and c.stranded_writes == 0


# ---- whole runs --------------------------------------------------------------------------
def shop(app: AppSpec, failures=(), n: int = 3, duration: float = 400.0):
    """Three web boxes, a database and a balancer. A half-second tick: pins, strays and health
    checks are decided per request and on the engine's clock, not on tick boundaries."""
    kinds = (KindMix("login", 0.1, 0.004, 0.002), KindMix("page", 0.6, 0.004, 0.002),
             KindMix("write", 0.2, 0.004, 0.004), KindMix("static", 0.1, 0.001))
    traffic = TrafficSpec(curve=((0.0, 120.0),), kinds=kinds, users=400)
    return config(traffic, vcpus=2, web_count=n, duration=duration, layout="two-tier", db_vcpus=4,
                  balancer=BalancerSpec("round_robin"),
                  health=HealthCheckSpec("L7", "/health", interval_s=5, timeout_s=2, unhealthy_threshold=2),
                  app=app, failures=failures, timeout_s=10.0, tick_s=0.5, queue_limit=511)


REDIRECT_THEN_CRASH = (ScheduledFailure(50.0, "web-2", 1000.0, "redirect"),
                       ScheduledFailure(200.0, "web-2", 100.0, "crash"))


def test_pinned_users_fail_while_their_box_is_down_though_the_balancer_knows():
    sim = Simulation(shop(AppSpec(redirect="base_url"), REDIRECT_THEN_CRASH), seed=3)
    sim.run()
    r = sim.redirects
    assert r is not None and r.pins > 0 and r.bypassed > 0
    # health checks took web-2 out within seconds, but its pinned users kept knocking
    detected = sim.failures.records[0].detected_at
    assert detected is not None and detected - 200.0 < 15.0
    assert r.bypassed_failed > 0
    assert sim.metrics.total_errors[E["refused"]] >= r.bypassed_failed - 50

    fixed = Simulation(shop(AppSpec(redirect="relative"), REDIRECT_THEN_CRASH), seed=3)
    fixed.run()
    rf = fixed.redirects
    assert rf is not None and rf.pins == 0 and rf.bypassed == 0
    assert fixed.metrics.total_errors.sum() < sim.metrics.total_errors.sum() / 4


def test_pinned_users_reach_their_box_while_the_balancer_is_down():
    events = (ScheduledFailure(20.0, "web-2", 1000.0, "redirect"),
              ScheduledFailure(200.0, "lb", 50.0, "crash"))
    sim = Simulation(shop(AppSpec(), events), seed=5)
    sim.run()
    r = sim.redirects
    assert r is not None and r.pins > 0
    lb_down = int(sim.metrics.total_errors[E["lb_down"]])
    # every request that did not bypass failed during the 50 s; the pinned ones got through
    assert 0 < lb_down < 120.0 * 50


def test_repairing_the_redirect_stops_new_pins_and_keeps_old_ones():
    sim = Simulation(shop(AppSpec(), (ScheduledFailure(10.0, "web-2", 1000.0, "redirect"),)), seed=2)
    sim.advance(100.0)
    r = sim.redirects
    assert r is not None
    pins = r.pins
    assert pins > 0
    sim.apply(Command("repair", "web-2"))
    sim.advance(100.0)
    assert r.pins == pins
    assert r.pinned_users(sim.now).get(1, 0) > 0  # browsers already on web-2's host stay there
    assert any(e.code == "redirect_fixed" for e in sim.log)


def test_a_clone_with_its_own_database_splits_the_data_and_a_shared_one_does_not():
    clone = (ScheduledFailure(100.0, "web-1", 0.0, "clone"),)
    local = Simulation(shop(AppSpec(clone_database="local"), clone), seed=1)
    local.run()
    copies = local.copies
    assert copies is not None and local.clones == ["web-4"]
    assert local.box("web-4").role == "app+db"
    assert copies.divergent_reads > 0 and copies.stranded_writes > 0
    shared = Simulation(shop(AppSpec(clone_database="shared"), clone), seed=1)
    shared.run()
    assert shared.box("web-4").role == "web"
    assert shared.copies is not None
    assert shared.copies.divergent_reads == 0 and shared.copies.stranded_writes == 0
    # the clone served its share either way: a quarter of the requests after it joined
    share = local.data.dispatched[local.box("web-4").index] / local.data.dispatched.sum()
    assert 0.12 < share < 0.25


def test_pointing_a_running_clone_at_the_shared_database_stops_new_strays_only():
    sim = Simulation(shop(AppSpec(clone_database="local"), (ScheduledFailure(50.0, "web-1", 0.0, "clone"),)),
                     seed=4)
    sim.advance(150.0)
    copies = sim.copies
    assert copies is not None
    stranded = copies.stranded_writes
    assert stranded > 0
    sim.apply(knob(sim, "app.clone_database", "shared"))
    sim.step()
    assert sim.box("web-4").role == "web" and sim.box("web-4").state == "stopping"  # app restarts
    before = copies.divergent_reads
    sim.advance(250.0)
    assert copies.stranded_writes == stranded       # nothing new goes into the private copy
    assert copies.divergent_reads > before          # but what went there is still missing
    assert sim.box("web-4").state == "running"
