"""The game layer shows a player's choices in words (issue 14); the recording keeps the ids."""

from __future__ import annotations

import pytest

from scaleout_tui.content.catalog import load_catalog_default
from scaleout_tui.content.loader import load_level
from scaleout_tui.content.paths import find_level
from scaleout_tui.engine import CommandError
from scaleout_tui.game.session import Session
from scaleout_tui.game.texts import describe


def _session(level_id: str) -> Session:
    return Session(load_level(find_level(level_id)), load_catalog_default())


def test_the_event_log_says_the_choice_in_words_and_the_history_keeps_the_id() -> None:
    s = _session("03-load-balancer")
    s.set_knob("algorithm", "least_conn")
    s.set_knob("interval", "5")
    lines = [describe(e) for e in s.sim.log if e.code == "knob"]
    assert lines == ["You set Balancing to Least connections", "You set Check interval to 5 s"]
    assert [(k, v) for _, k, v in s.history] == [("algorithm", "least_conn"), ("interval", "5")]


def test_a_layout_change_reads_in_words() -> None:
    s = _session("02-two-tiers")
    s.set_knob("layout", "two-tier")
    lines = [describe(e) for e in s.sim.log if e.code == "knob"]
    assert lines == ["You set Layout to web box + database box"]


def test_a_refused_setting_carries_what_the_command_line_lists() -> None:
    s = _session("01-single-server")
    with pytest.raises(CommandError) as refused:
        s.set_knob("web_size", "m5.xlarge")
    assert refused.value.params == {"knob": "web_size", "known": "size"}
