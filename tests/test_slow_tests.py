"""The measured slow list (tests/slow_tests.py): read from a report, written, read back, applied."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from tests import slow_tests

REPORT = """\
============================= slowest durations =============================
12.50s call     tests/ui/test_a.py::test_long[80x24]
2.00s setup    tests/ui/test_a.py::test_long[80x24]
2.90s call     tests/engine/test_b.py::test_almost
0.20s setup    tests/engine/test_b.py::test_almost
3.10s call     tests/engine/test_b.py::test_core_path
0.01s teardown tests/engine/test_b.py::test_quick
(1234 durations < 0.005s hidden.  Use -vv to show these durations.)
2 passed in 20.00s
"""


def test_a_test_counts_setup_call_and_teardown() -> None:
    seconds = slow_tests.measured(REPORT)
    assert seconds["tests/ui/test_a.py::test_long[80x24]"] == pytest.approx(14.5)
    assert seconds["tests/engine/test_b.py::test_almost"] == pytest.approx(3.1)
    assert set(seconds) == {"tests/ui/test_a.py::test_long[80x24]", "tests/engine/test_b.py::test_almost",
                            "tests/engine/test_b.py::test_core_path", "tests/engine/test_b.py::test_quick"}


def test_the_list_holds_the_tests_over_the_threshold_but_the_core_ones(tmp_path: Path) -> None:
    path = tmp_path / "slow.txt"
    core = frozenset({"tests/engine/test_b.py::test_core_path"})
    assert slow_tests.write(slow_tests.measured(REPORT), core, path) == 2
    assert slow_tests.load(path) == {"tests/ui/test_a.py::test_long[80x24]": 14.5,
                                     "tests/engine/test_b.py::test_almost": 3.1}
    rows = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    assert rows[0].split() == ["14.50", "tests/ui/test_a.py::test_long[80x24]"]  # slowest first


def test_no_list_yet_marks_nothing(tmp_path: Path) -> None:
    assert slow_tests.load(tmp_path / "absent.txt") == {}


def test_the_suite_marks_a_listed_test_slow_but_not_a_core_one(request: pytest.FixtureRequest,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """conftest's hook, given a list naming this test: slow is added, and a core mark wins."""
    from tests.conftest import pytest_collection_modifyitems

    me = request.node
    monkeypatch.setattr(slow_tests, "load", lambda: {me.nodeid: 5.0})
    assert me.get_closest_marker("slow") is None
    me.add_marker(pytest.mark.core)
    pytest_collection_modifyitems(request.config, [me])
    assert me.get_closest_marker("slow") is None  # core stays in test-fast
    me.own_markers[:] = [m for m in me.own_markers if m.name != "core"]
    pytest_collection_modifyitems(request.config, [me])
    assert me.get_closest_marker("slow") is not None


def _item(nodeid: str, *scopes: str) -> Any:
    """What ``longest_first`` reads of a pytest item: its id and its fixtures' scopes."""
    defs = {f"fixture{i}": [SimpleNamespace(scope=scope)] for i, scope in enumerate(scopes)}
    return SimpleNamespace(nodeid=nodeid, _fixtureinfo=SimpleNamespace(name2fixturedefs=defs))


def test_the_listed_tests_run_first_the_longest_first_and_the_rest_as_collected() -> None:
    items = [_item("a", "function"), _item("b"), _item("c", "session"), _item("d"), _item("e"),
             _item("f", "module"), _item("g", "class")]
    seconds = {"b": 4.0, "c": 9.0, "e": 4.0, "f": 30.0, "g": 12.0}
    order = [item.nodeid for item in slow_tests.longest_first(items, seconds)]
    # f and g share a module's or a class's fixture: they stay with their module, in place
    assert order == ["c", "b", "e", "a", "d", "f", "g"]
    assert slow_tests.longest_first(items, {}) == items
