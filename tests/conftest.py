"""Every test starts in English, whatever the machine's locale says.

The game picks its language from ``--lang``, the saved progress, then ``LC_ALL``, ``LC_MESSAGES``
and ``LANG`` (scaleout_tui.i18n.choose). A developer with ``LANG=ko_KR.UTF-8`` must get the same
results as CI, and a game a test starts in a terminal inherits this environment, so it is set
once here, for the whole session and its subprocesses. Tests of Korean ask for it themselves
(``tests/i18n``), and put English back.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator

import pytest

from scaleout_tui import i18n
from tests import slow_tests

for _name in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
    os.environ.pop(_name, None)
os.environ["LANG"] = "C.UTF-8"
# The command line reads the saved language from the player's progress file: a developer's own
# (say, Korean) must not reach the tests. Tests that need a home of their own still set one.
if "SCALEOUT_HOME" not in os.environ:
    os.environ["SCALEOUT_HOME"] = tempfile.mkdtemp(prefix="scaleout-tests-")


@pytest.fixture(autouse=True)
def _english_again() -> Iterator[None]:
    """A test that switched language leaves English behind it (even when it failed)."""
    yield
    if i18n.active() != i18n.SOURCE:
        i18n.activate(i18n.SOURCE)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark ``slow`` every test the measured list names (``tests/slow_tests.py`` says why a list);
    a test marked ``core`` stays in ``make test-fast`` whatever the list says. Then run the
    listed tests first, the longest first (``slow_tests.longest_first`` says why)."""
    listed = slow_tests.load()
    for item in items:
        if item.nodeid in listed and item.get_closest_marker("core") is None:
            item.add_marker(pytest.mark.slow)
    items[:] = slow_tests.longest_first(items, listed)
