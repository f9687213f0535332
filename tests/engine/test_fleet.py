"""The fleet: names, tiers, the pending view, and the life cycle the other mechanisms use."""

from __future__ import annotations

import pytest

from scaleout_tui.engine import Command, CommandError, Simulation
from tests.engine.helpers import config, knob, steady


def test_boxes_are_numbered_per_prefix_and_numbers_are_never_reused() -> None:
    sim = Simulation(config(steady(1.0, 0.001), layout="two-tier", web_count=3), seed=1)
    assert [b.name for b in sim.boxes] == ["web-1", "web-2", "web-3", "db-1"]
    assert [b.index for b in sim.boxes] == [0, 1, 2, 3]
    sim.apply(knob(sim, "web.count", 1))  # before the clock: web-3 and web-2 go at once
    assert [b.name for b in sim.live_boxes] == ["web-1", "db-1"]
    sim.apply(knob(sim, "web.count", 2))
    assert [b.name for b in sim.live_boxes] == ["web-1", "db-1", "web-4"]
    with pytest.raises(CommandError) as gone:
        sim.box("web-2")
    assert gone.value.code == "no_such_box" and gone.value.params == {"box": "web-2"}


def test_a_launch_is_pending_and_billed_while_it_boots_then_joins() -> None:
    sim = Simulation(config(steady(1.0, 0.001), web_count=1, boot_s=60.0), seed=1)
    sim.advance(10)
    sim.apply(knob(sim, "web.count", 2))
    sim.advance(1)
    assert [(b.name, b.state) for b in sim.fleet.pending] == [("web-new", "booting")]
    assert sim.fleet.pending_web() == 1 and sim.instance_count() == 2
    assert sim.fleet.pending_cost_rate() == pytest.approx(sim.boxes[0].itype.price_per_hour)
    sim.advance(60)  # booted at 70 s
    assert sim.fleet.pending == [] and [b.name for b in sim.live_boxes] == ["web-1", "web-2"]
    assert [e.code for e in sim.log] == ["launch", "launched"]
    assert sim.log[1].t == pytest.approx(70.1, abs=0.11)


def test_a_role_names_the_box_that_holds_it_now() -> None:
    single = Simulation(config(steady(1.0, 0.001)), seed=1)
    assert single.role_box("db").name == "web-1"  # one box does everything
    two = Simulation(config(steady(1.0, 0.001), layout="two-tier"), seed=1)
    assert two.role_box("db").name == "db-1" and two.fleet.target("web").name == "web-1"
    with pytest.raises(CommandError) as none:
        two.role_box("lb")
    assert none.value.code == "no_box_with_role"


def test_a_resize_of_a_box_that_is_not_running_is_refused_with_its_state() -> None:
    sim = Simulation(config(steady(1.0, 0.001), resize_downtime_s=90.0), seed=1)
    sim.advance(5)
    sim.apply(knob(sim, "web.size", "big"))
    sim.advance(5)  # stopping, then stopped
    with pytest.raises(CommandError) as busy:
        sim.fleet.resize(sim.boxes[0], sim.config.catalog["small"])
    assert busy.value.code == "resize_not_running" and busy.value.params["box"] == "web-1"


def test_commands_go_to_the_mechanism_that_owns_them_and_are_logged_with_their_time() -> None:
    sim = Simulation(config(steady(1.0, 0.001)), seed=1)
    sim.advance(3)
    sim.apply(knob(sim, "web.count", 2))
    assert sim.commands == [(3.0, Command("web.count", 2))]
    with pytest.raises(CommandError) as other:
        sim.apply(Command("lb.algorithm", "least_conn"))  # no balancer in this level
    assert other.value.code == "unknown_setting"
    assert len(sim.commands) == 1  # a refused command is not part of the run
