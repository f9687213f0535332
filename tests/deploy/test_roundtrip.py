"""Export, then import, gives back the same settings: for every format, over random sandbox
designs, and through the sandbox policy the import writes.

What "the same" means: a format states some knob parameters exactly (its ``carries``); those
come back equal, typed as the knob reads them. The rest the format cannot say, and its README
notes them instead (each format's own tests check the notes).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from scaleout_tui.content.errors import LevelError
from scaleout_tui.content.loader import load_level
from scaleout_tui.content.paths import sandbox_path
from scaleout_tui.content.policy import loads_policy
from scaleout_tui.deploy.design import Design, Imported
from scaleout_tui.deploy.formats import FORMATS, export
from scaleout_tui.deploy.policy import knob_text, policy_text, sandbox_knobs
from tests.deploy.conftest import sandbox_design

SANDBOX = load_level(sandbox_path())
#: every sandbox knob but the traffic (a scenario is not configuration)
KNOBS = {k.id: tuple(c for c in k.choices if c != "*")
         for k in SANDBOX.knobs if k.param != "traffic.scenario"}


def test_the_four_formats_are_registered() -> None:
    assert set(FORMATS) == {"nginx", "haproxy", "kubernetes", "aws-cloudformation"}
    for fmt in FORMATS.values():
        assert fmt.carries, fmt.name
        assert fmt.check, fmt.name


def read_back(fmt_name: str, design: Design) -> Imported:
    """The files of an export read by the same format (its README is not configuration)."""
    fmt = FORMATS[fmt_name]
    found = Imported()
    for name, text in export(design, fmt_name).files.items():
        if name != "README.md":
            assert fmt.claims(name, text), name
            found.merge(fmt.read(name, text))
    return found


@st.composite
def designs(draw: st.DrawFn) -> Design:
    knobs = {k: draw(st.sampled_from(choices)) for k, choices in KNOBS.items()}
    try:
        return sandbox_design(knobs)
    except LevelError:  # values that clash (a minimum above the maximum): not a design
        assume(False)
        raise


@pytest.mark.parametrize("fmt_name", sorted(FORMATS))
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(design=designs())
def test_export_then_import_gives_back_what_the_format_carries(fmt_name: str, design: Design) -> None:
    fmt = FORMATS[fmt_name]
    found = read_back(fmt_name, design)
    expected = {p: v for p, v in design.settings.items() if p in fmt.carries}
    if fmt_name == "haproxy" and "health.timeout_s" in expected:
        # ``timeout check`` is what a probe waits, which is never past the interval
        # (``HealthCheckSpec.probe_timeout_s``): the same checks, read back as that
        expected["health.timeout_s"] = min(expected["health.timeout_s"], design.settings["health.interval_s"])
    assert {p: found.settings.get(p) for p in expected} == expected
    # and the sandbox policy the import writes plays those same knob values
    knobs, _ = sandbox_knobs(found, SANDBOX)
    # the effective values: a desired size outside the limits follows them (min 4 makes desired 2 → 4)
    carried = {k.id: knob_text(expected[k.param]) for k in SANDBOX.knobs if k.param in expected}
    assert {k: knobs.get(k) for k in carried} == carried
    text, _ = policy_text(found, SANDBOX, ["exported"])
    assert loads_policy(text, SANDBOX).knobs == knobs
