"""The device-ingest tier in format 1: the ``[ingest]`` table and the ``ingest.*`` knobs, from the
file to the engine's ``IngestSpec``. Follows ``test_cache_keys.py``: every key, both ends of a range,
a word the engine does not know, broken files with their field and message, typed commands, words."""

from __future__ import annotations

import math

import pytest

from scaleout_tui.content import build_config, commands_for, load_catalog_default, loads_level
from scaleout_tui.content.knobs import RULES, BadChoice, read_knob
from scaleout_tui.content.labels import choice_words
from scaleout_tui.content.schema import KNOB_PARAMS, METRICS, Ingest
from scaleout_tui.engine import Command, CommandError, Simulation
from scaleout_tui.engine.devices import CommSpec, DeviceSpec
from scaleout_tui.engine.ingest import IngestSpec
from scaleout_tui.engine.tcpbalancer import TcpBalancerSpec
from scaleout_tui.game import texts as game_texts
from scaleout_tui.i18n import activate
from tests.content.helpers import event_toml, knob_toml, problems_of
from tests.content.test_loader import MINIMAL

TWO_TIER = MINIMAL.replace('layout = "single"', 'layout = "two-tier"')
INGEST = "[ingest]\n"
INGEST_PARAMS = ("ingest.lb_algorithm", "ingest.check_interval_s", "ingest.standby", "ingest.tls",
                 "ingest.max_age_s", "ingest.backoff", "ingest.jitter", "ingest.base_s", "ingest.cap_s",
                 "ingest.comm_count")
EVERY_KEY = (INGEST + 'devices = 500\nperiod_s = 5\nconnect_timeout_s = 4\nack_timeout_s = 6\n'
             'backoff = "exponential"\njitter = "full"\nbase_s = 1\ncap_s = 60\nmessage_ms = 3\n'
             'accept_ms = 0.1\nhello_ms = 1\ntls = false\ntls_handshake_ms = 2\nmax_age_s = 120\n'
             'age_jitter = 0.2\nlb_algorithm = "least_conn"\nstandby = false\ncheck_interval_s = 2\n'
             'check_timeout_s = 1.5\nrise = 3\nfall = 2\nadvert_int_s = 2\npreempt = false\ncomm_count = 3\n'
             'comm_size = "m5.xlarge"\nbacklog = 4096\ndb_write_ms = 2\n')


def test_the_table_is_optional_and_empty_takes_the_engines_defaults() -> None:
    assert loads_level(TWO_TIER).ingest is None
    assert loads_level(TWO_TIER + INGEST).ingest == Ingest()
    spec = build_config(loads_level(TWO_TIER + INGEST), load_catalog_default()).ingest
    assert spec == IngestSpec()


def test_every_key_reaches_the_engine() -> None:
    spec = build_config(loads_level(TWO_TIER + EVERY_KEY), load_catalog_default()).ingest
    assert spec == IngestSpec(
        devices=DeviceSpec(count=500, period_s=5.0, connect_timeout_s=4.0, ack_timeout_s=6.0,
                           backoff="exponential", base_s=1.0, cap_s=60.0, jitter="full"),
        comm=CommSpec(message_s=0.003, accept_s=0.0001, hello_s=0.001, tls=False, tls_handshake_s=0.002,
                      max_age_s=120.0, age_jitter=0.2),
        balancer=TcpBalancerSpec(algorithm="least_conn", nodes=1, check_interval_s=2.0, check_timeout_s=1.5,
                                 rise=3, fall=2, advert_int_s=2.0, preempt=False),
        comm_count=3, comm_type="m5.xlarge", backlog=4096, db_write_s=0.002)


def test_max_age_may_be_infinite_and_not_below_one_second() -> None:
    assert loads_level(TWO_TIER + INGEST + "max_age_s = inf\n").ingest.max_age_s == math.inf  # type: ignore[union-attr]
    assert problems_of(TWO_TIER + INGEST + "max_age_s = 0.5\n")
    assert problems_of(TWO_TIER + INGEST + "max_age_s = nan\n")


@pytest.mark.parametrize(("key", "low", "high"), [
    ("devices", "0", "100001"), ("period_s", "0.05", "3601"), ("base_s", "0.05", "3601"),
    ("comm_count", "0", "17"), ("check_interval_s", "0.05", "61"), ("message_ms", "-1", "1001"),
    ("backlog", "0", "100001"), ("rise", "0", "11"),
])
def test_both_ends_of_a_range_are_refused(key: str, low: str, high: str) -> None:
    for value in (low, high):
        found = problems_of(TWO_TIER + INGEST + f"{key} = {value}\n")
        assert found and found[0].startswith(f"ingest.{key}"), found


@pytest.mark.parametrize(("key", "word"), [("backoff", "linear"), ("jitter", "decorrelated"),
                                           ("lb_algorithm", "ip_hash")])
def test_a_word_the_engine_does_not_know_is_refused_with_the_list(key: str, word: str) -> None:
    (found,) = problems_of(TWO_TIER + INGEST + f'{key} = "{word}"\n')
    assert found.startswith(f"ingest.{key}: ") and repr(word)[1:-1] in found


def test_an_ingest_tier_needs_a_database_box_of_its_own() -> None:
    (found,) = problems_of(MINIMAL + INGEST)
    assert found.startswith("ingest: ") and "two-tier" in found and "database box" in found


def test_an_unknown_comm_size_is_refused_naming_the_field() -> None:
    (found,) = problems_of(TWO_TIER + INGEST + 'comm_size = "m9.huge"\n')
    assert found.startswith("ingest.comm_size: ")


def test_the_tiers_boxes_are_event_targets_and_only_crash() -> None:
    level = TWO_TIER + INGEST + "comm_count = 2\n"
    for target in ("comm", "tcp-lb", "comm-1", "comm-2", "tcp-lb-1", "tcp-lb-2"):
        assert problems_of(level + event_toml(target)) == [], target
    assert problems_of(level + event_toml("comm-3"))[0].startswith("events[0].target")
    # a third comm server a knob can start is a target; a single node has no tcp-lb-2
    assert problems_of(level + knob_toml("ingest.comm_count", ["2", "3"], "2") + event_toml("comm-3")) == []
    assert problems_of(TWO_TIER + INGEST + "standby = false\n" + event_toml("tcp-lb-2"))
    (found,) = problems_of(level + event_toml("comm-1", kind="hang"))
    assert found.startswith("events[0].kind: ") and "only crash" in found


def test_every_ingest_param_is_a_knob_param_with_a_rule() -> None:
    assert set(INGEST_PARAMS) == {p for p in KNOB_PARAMS if p.startswith("ingest.")}
    assert all(RULES[p].needs == ("ingest",) for p in INGEST_PARAMS)
    for metric in ("messages_lost", "connects_refused", "peak_connect_attempts_per_s", "new_comm_share_pct"):
        assert metric in METRICS


def test_knob_text_reads_to_typed_values() -> None:
    cat = load_catalog_default()
    assert read_knob("ingest.max_age_s", "off", cat) == math.inf
    assert read_knob("ingest.max_age_s", "120", cat) == 120.0
    assert read_knob("ingest.comm_count", "3", cat) == 3
    assert read_knob("ingest.standby", "off", cat) is False
    assert read_knob("ingest.lb_algorithm", "least_conn", cat) == "least_conn"
    for param, bad in (("ingest.max_age_s", "0"), ("ingest.max_age_s", "never"), ("ingest.comm_count", "2.5"),
                       ("ingest.backoff", "linear"), ("ingest.jitter", "some"), ("ingest.base_s", "0")):
        with pytest.raises(BadChoice):
            read_knob(param, bad, cat)


def test_a_knob_needs_the_table_and_its_default_must_be_the_start_value() -> None:
    (found,) = problems_of(TWO_TIER + knob_toml("ingest.backoff", ["fixed", "exponential"], "fixed"))
    assert found.startswith("knobs[1].param: ") and "[ingest]" in found
    (found,) = problems_of(TWO_TIER + INGEST + knob_toml("ingest.max_age_s", ["off", "60"], "60"))
    assert found.startswith("knobs[1].default: ") and "inf" in found
    (found,) = problems_of(TWO_TIER + INGEST + knob_toml("ingest.max_age_s", ["off", "0"], "off"))
    assert found.startswith("knobs[1].choices[1]: ")
    assert problems_of(TWO_TIER + INGEST + knob_toml("ingest.max_age_s", ["off", "60"], "off")) == []


def test_knobs_set_before_the_clock_build_the_tier_and_later_become_typed_commands() -> None:
    text = (TWO_TIER + INGEST + knob_toml("ingest.comm_count", ["2", "3"], "2", "comm")
            + knob_toml("ingest.max_age_s", ["off", "120"], "off", "age")
            + knob_toml("ingest.jitter", ["none", "full"], "none", "jitter"))
    level = loads_level(text)
    spec = build_config(level, load_catalog_default(), {"comm": "3", "age": "120", "jitter": "full"}).ingest
    assert spec is not None and spec.comm_count == 3 and spec.comm.max_age_s == 120.0
    assert spec.devices.jitter == "full"
    assert commands_for(level, {"comm": "3", "age": "off"}) == [Command("ingest.comm_count", 3),
                                                                Command("ingest.max_age_s", math.inf)]


def test_fewer_comm_servers_is_refused_by_the_engine_and_worded_in_both_languages() -> None:
    text = TWO_TIER + INGEST + "devices = 100\n" + knob_toml("ingest.comm_count", ["2", "3"], "2", "comm")
    sim = Simulation(build_config(loads_level(text), load_catalog_default(), {"comm": "3"}), seed=1)
    sim.step()
    with pytest.raises(CommandError) as e:
        sim.apply(Command("ingest.comm_count", 2))
    assert e.value.code == "comm_cannot_shrink"
    try:
        assert game_texts.refusal(e.value) == ("comm servers are never removed: 3 are running or booting, "
                                               "so 2 is too few")
        activate("ko")
        assert game_texts.refusal(e.value).startswith("comm 서버는 줄일 수 없습니다")
    finally:
        activate("en")


def test_the_choices_read_in_words_in_both_languages() -> None:
    try:
        assert choice_words("ingest.max_age_s", "off") == "Off: connections never retire"
        assert choice_words("ingest.comm_count", "3") == "3 comm servers"
        assert choice_words("ingest.base_s", "10") == "10 s"
        activate("ko")
        assert choice_words("ingest.comm_count", "3") == "comm 서버 3대"
        assert choice_words("ingest.jitter", "full") == "전체: 0부터 지연까지 무작위"
    finally:
        activate("en")
