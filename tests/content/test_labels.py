"""Every choice a player picks from has words (issue 14): ``round_robin`` reads "Round robin".

The label table (``texts.CHOICE_LABELS``) is keyed by (parameter, value); a missing entry falls
back to the id, which would put an identifier on screen without failing anything. So these tests
list every choice of every shipped level and every word the engine knows, and ask for words.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scaleout_tui import texts
from scaleout_tui.content import load_catalog_default, load_level
from scaleout_tui.content.knobs import RULES, SIZE_PARAMS
from scaleout_tui.content.labels import choice_short, choice_words, known_words, unit_of
from scaleout_tui.content.paths import level_ids, levels_dir, scenarios_dir
from scaleout_tui.content.scenarios import imported_traces
from scaleout_tui.content.schema import LAYOUTS

SHIPPED = [levels_dir() / f"{i}.toml" for i in level_ids(levels_dir())] + \
          [scenarios_dir() / f"{i}.toml" for i in level_ids(scenarios_dir())]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_choice_of_every_shipped_level_has_words(path: Path) -> None:
    level = load_level(path)
    traces = imported_traces()
    missing = [(k.param, c) for k in level.knobs for c in k.choices
               if known_words(k.param, c) is None and not (k.param == "traffic.scenario" and c in traces)]
    assert missing == [], f"{path.name}: add these to texts.CHOICE_LABELS or CHOICE_UNITS"


def test_every_word_the_engine_knows_has_words() -> None:
    """Also the choices no shipped level offers yet (``least_outstanding_requests``, ``ip_hash``)."""
    missing = [(param, w) for param, rule in RULES.items() for w in rule.words
               if known_words(param, w) is None]
    missing += [("layout", w) for w in LAYOUTS if known_words("layout", w) is None]
    assert missing == []
    assert choice_words("lb.algorithm", "least_outstanding_requests") == "Least outstanding requests (ALB)"
    assert choice_words("lb.algorithm", "ip_hash").startswith("IP hash")


def test_every_label_is_for_a_real_choice() -> None:
    """A typo in the table's keys would label nothing and leave the id on screen."""
    for param, value in texts.CHOICE_LABELS:
        if param == "layout":
            assert value in LAYOUTS
        elif param == "traffic.scenario":
            continue  # names in the library, checked through the shipped levels above
        elif param == "asg.schedule":
            assert value == "none"
        elif param in RULES and not RULES[param].words and value not in ("on", "off"):
            RULES[param].read(value)  # a number with words of its own (cache.capacity "0"): a real value
        else:
            assert param in RULES and (value in RULES[param].words or value in ("on", "off")), (param, value)
    assert set(texts.CHOICE_UNITS) <= set(RULES)


@pytest.mark.parametrize(("param", "value", "words"), [
    ("lb.algorithm", "round_robin", "Round robin"),
    ("lb.algorithm", "least_conn", "Least connections"),
    ("db.read_routing", "read_your_writes", "Read your writes"),
    ("app.redirect", "base_url", "Absolute (base URL)"),
    ("layout", "two-tier", "web box + database box"),
    ("web.size", "m5.large", "m5.large"),          # sizes stay the AWS names: real usage
    ("health.interval_s", "5", "5 s"),
    ("db.replicas", "1", "1 replica"),
    ("db.replicas", "3", "3 replicas"),
    ("asg.target_cpu", "50", "50 %"),
    ("lb.target_port", "8080", "port 8080"),
    ("asg.schedule", "20@1920", "20 instances from 32:00, for the rest of the run"),
    ("asg.schedule", "40@1920-2460", "40 instances from 32:00 to 41:00"),
    ("asg.schedule", "none", "No scheduled action"),
    ("lb.algorithm", "some_new_one", "some_new_one"),  # unlabelled: the id, never a crash
    ("nonsense.param", "x", "x"),
])
def test_choice_words(param: str, value: str, words: str) -> None:
    assert choice_words(param, value) == words


def test_units() -> None:
    assert unit_of("health.interval_s") == "s"
    assert unit_of("db.replicas") == "replicas"
    assert unit_of("asg.target_requests") == "req/instance/min"
    assert all(unit_of(p) == texts.UNIT_INSTANCE_TYPE for p in SIZE_PARAMS)
    assert unit_of("lb.algorithm") == ""


def test_sizes_in_the_catalog_are_their_own_words() -> None:
    for name in load_catalog_default():
        assert choice_words("db.size", name) == name


def test_every_short_label_shortens_a_labelled_choice() -> None:
    assert set(texts.CHOICE_SHORT) <= set(texts.CHOICE_LABELS)
    assert choice_short("lb.algorithm", "least_conn") == "least conn."
    assert choice_short("db.replicas", "2") == "2 replicas"  # no short words: the label
