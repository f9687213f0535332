"""Issue 14, "words, not identifiers", on the command line: every playable id listed, a level's
settings described, a refused ``--set`` answered with what to type, help examples that work, and a
text report with units and no internal ids (those are for ``--json``).

These run ``main([...])`` in-process against the shipped levels (only level loading and the
session's checks of ``--set``; the one full simulation is the small fixture level).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

import scaleout_tui
from scaleout_tui import cli, texts
from scaleout_tui.content import LevelError, load_level
from scaleout_tui.content.paths import SANDBOX_ALIAS, find_level, level_ids, levels_dir, scenarios_dir
from scaleout_tui.content.schema import METRICS
from scaleout_tui.engine.balancer import ALGORITHMS
from scaleout_tui.engine.redirects import MODES as REDIRECT_MODES
from scaleout_tui.engine.replication import ROUTINGS
from scaleout_tui.engine.shardrouter import KEYS as SHARD_KEYS
from scaleout_tui.game.texts import CAUSES
from tests.content.corpus import GOOD

REPO = Path(scaleout_tui.__file__).resolve().parent.parent

#: Ids a person must never read in the text report: every one with an underscore (``queue_full``,
#: ``round_robin``, ``latency_p95_ms``), the error causes, the choices' words; and "<=".
INTERNAL_IDS = sorted({i for i in (*CAUSES, *ALGORITHMS, *ROUTINGS, *SHARD_KEYS, *REDIRECT_MODES, *METRICS)
                       if "_" in i})


def _ids_in(text: str) -> list[str]:
    found = [i for i in INTERNAL_IDS if re.search(rf"(?<![\w.]){re.escape(i)}(?![\w])", text)]
    return found + (["<="] if "<=" in text else []) + ([">="] if ">=" in text else [])


def _all_levels() -> list[str]:
    return level_ids(levels_dir()) + level_ids(scenarios_dir())


# ---- levels --------------------------------------------------------------------------------------
def test_levels_lists_every_playable_id_grouped(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["levels"]) == 0
    out = capsys.readouterr().out
    campaign, extra = out.split("\n\n")
    assert campaign.splitlines()[0] == texts.LEVELS_CAMPAIGN
    assert extra.splitlines()[0] == texts.LEVELS_EXTRA
    listed = [line.split()[0] for line in out.splitlines() if line.startswith("  ")]
    assert listed == level_ids(levels_dir()) + level_ids(scenarios_dir())
    assert {"99-sandbox", "98-sandbox-shards", "90-ab-experiment"} <= set(listed)
    assert f"(also `{SANDBOX_ALIAS}`)" in extra
    for level_id in [*listed, SANDBOX_ALIAS]:
        find_level(level_id)  # every id listed is one `scaleout run` accepts


def test_an_unknown_level_names_the_scenarios_too() -> None:
    with pytest.raises(LevelError, match=r"known levels: 01-single-server, .*, 99-sandbox, sandbox$"):
        find_level("42-nope")


# ---- knobs ---------------------------------------------------------------------------------------
def test_knobs_describes_each_setting_in_words_and_ids(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["knobs", "03-load-balancer"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("03-load-balancer: Load balancer — 9 settings")
    assert "  algorithm  Balancing" in lines
    block = lines[lines.index("  algorithm  Balancing"):][:3]
    assert block[1] == ("    choices: round_robin (Round robin), least_conn (Least connections), "
                        "random (Random), dns (DNS round robin)")
    assert block[2] == "    default: round_robin (Round robin)"
    interval = lines[lines.index("  interval   Check interval"):][:4]
    assert interval[1:] == ["    choices: 2 (2 s), 5 (5 s), 10 (10 s), 30 (30 s)", "    default: 30 (30 s)",
                            "    unit: s"]
    assert "    choices: L4: TCP connect" not in out and "none (None), L4: TCP connect, L7: HTTP GET" in out


def test_knobs_json_and_the_sandbox_alias(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["knobs", "sandbox", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["level"] == "99-sandbox"
    knobs = {k["id"]: k for k in report["knobs"]}
    assert knobs["routing"]["choices"][2] == {"id": "read_your_writes", "label": "Read your writes"}
    assert knobs["routing"]["default"] == {"id": "master", "label": "Master only"}
    assert knobs["replicas"]["unit"] == "replicas"
    # the level's "*" is every scenario of the library, listed by name
    assert {c["id"] for c in knobs["traffic"]["choices"]} >= {"flash-crowd", "heavy-tailed"}
    assert {"id": "flash-crowd", "label": "Flash crowd"} in knobs["traffic"]["choices"]


@pytest.mark.parametrize("level_id", _all_levels())
def test_knobs_of_every_shipped_level(level_id: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["knobs", level_id, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    level = load_level(find_level(level_id))
    assert [k["id"] for k in report["knobs"]] == [k.id for k in level.knobs]
    for k in report["knobs"]:
        assert all(c["label"] for c in k["choices"])
    assert cli.main(["knobs", level_id]) == 0
    assert capsys.readouterr().out.count("    default: ") == len(level.knobs)


def test_knobs_of_an_unknown_level(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["knobs", "42-nope"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no level with this id" in err


# ---- --set -----------------------------------------------------------------------------------------
def test_an_unknown_setting_lists_the_valid_ones(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["run", "01-single-server", "--set", "web_size=m5.xlarge"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == ("error: 01-single-server has no setting 'web_size'; its settings: size (Instance size) "
                   "(`scaleout knobs 01-single-server` describes them)\n")


def test_a_bad_value_lists_the_choices_with_their_words(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["run", "03-load-balancer", "--set", "algorithm=least"]) == 1
    err = capsys.readouterr().err
    assert err == ("error: Balancing (algorithm): 'least' is not one of its choices: "
                   "round_robin (Round robin), least_conn (Least connections), random (Random), "
                   "dns (DNS round robin)\n")


def test_grading_refuses_a_bad_setting_the_same_way(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["run", "02-two-tiers", "--seeds", "1-2", "--jobs", "1", "--set", "size=m5.large"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: 02-two-tiers has no setting 'size'; its settings: layout (Layout), ")


def test_the_help_example_names_a_real_setting(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["run", "--help"]) == 0
    help_text = " ".join(capsys.readouterr().out.split())  # argparse wraps lines anywhere
    m = re.search(r"scaleout run (\S+) --set (\w+)=([\w.-]+)", help_text)
    assert m is not None, help_text
    _assert_settable(m.group(1), m.group(2), m.group(3))


def test_the_readme_examples_name_real_settings() -> None:
    lines = (REPO / "README.md").read_text().splitlines()
    # a line followed by "error:" shows a mistake on purpose
    shown = [ln for ln, after in zip(lines, [*lines[1:], ""], strict=True) if not after.startswith("error:")]
    pattern = re.compile(r"scaleout run (\S+)((?: --set [\w.-]+=[\w.@-]+)+)")
    examples = [m for ln in shown for m in pattern.findall(ln)]
    assert len(examples) >= 3
    for level_id, sets in examples:
        for knob, value in re.findall(r"--set ([\w.-]+)=([\w.@-]+)", sets):
            _assert_settable(level_id, knob, value)


def _assert_settable(level_id: str, knob: str, value: str) -> None:
    level = load_level(find_level(level_id))
    by_id = {k.id: k for k in level.knobs}
    assert knob in by_id, f"{level_id} has no setting {knob!r}: {sorted(by_id)}"
    choices = by_id[knob].choices
    if by_id[knob].param == "traffic.scenario" and value not in choices:
        return  # the name of an imported trace (the README's `mysite`): any name in the traces folder
    assert value in choices, f"{level_id} {knob}: {value!r} not in {choices}"


# ---- the text report -------------------------------------------------------------------------------
def _report_with_every_cause() -> dict[str, Any]:
    return {
        "level": "99-good", "seed": 1, "won": False, "stars": 0,
        "objectives": [{"id": m, "label": m.replace("_", " "), "metric": m, "op": "<=", "target": 1.0,
                        "stretch": 0.5, "value": 2.0, "met": False} for m in METRICS],
        "summary": {"requests": 10, "completed": 5, "errors": {c: 1 for c in CAUSES},
                    "latency_ms": {"mean": 1.0, "p50": 1.0, "p95": 8090.4, "p99": 12_000.0},
                    "throughput_rps": 3.0, "cost": 0.1, "peak_instances": 2},
    }


def test_the_text_report_words_every_cause_and_metric() -> None:
    lines = cli.format_report(_report_with_every_cause())
    text = "\n".join(lines)
    assert _ids_in(text) == [], text
    for cause, words in CAUSES.items():
        assert f"    1  {words}" in lines, cause
    assert "  latency: p50 1 ms, p95 8,090 ms, p99 12.0 s (mean 1 ms)" in lines


def test_objective_values_carry_their_unit() -> None:
    report = {"level": "01-single-server", "seed": 1, "won": False, "objectives": [
        {"id": "p95", "label": "p95 latency", "metric": "latency_p95_ms", "op": "<=", "target": 300,
         "stretch": None, "value": 8090.4, "met": False}]}
    assert cli.format_report(report)[1] == "  ✗ p95 latency: 8,090 ms (target ≤ 300 ms)"


def test_a_real_run_reads_without_ids(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["run", str(GOOD), "--set", "web_size=m5.large"]) == 0
    out = capsys.readouterr().out
    assert _ids_in(out) == [], out
    assert " ms (target ≤ " in out


def test_the_grade_table_has_units() -> None:
    grade = {"level": "x", "runs": 2, "seeds": [1, 2], "policy": None, "wins": 1, "objectives": [
        {"id": "p95", "label": "p95 latency", "metric": "latency_p95_ms", "op": "<=", "target": 300,
         "median": 212.3, "worst": 480.0, "met": 1}]}
    lines = cli.format_grade(grade)
    assert lines[-1].split() == ["p95", "latency", "≤", "300", "ms", "212", "ms", "480", "ms", "1/2"]
    assert _ids_in("\n".join(lines)) == []
