"""What every format's tests share: the designs to export, and the real checkers.

The designs are every campaign level with its reference solution (``assets/solutions``; level 9
brings the device-ingest tier, level 10 the look-aside cache) and a sample of sandbox settings
chosen to reach every branch a writer has (each algorithm, check kind and scaling policy,
stickiness, shared sessions, object storage, replicas, a schedule).

A checker (``nginx``, ``haproxy``) that is missing skips its tests on a developer's machine, but
fails them in CI (``CI`` set), where ``.ci/run`` installs it: a green CI always means the real
tool accepted the files.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from scaleout_tui import i18n
from scaleout_tui.content.loader import load_level
from scaleout_tui.content.paths import find_level, sandbox_path, solution_path
from scaleout_tui.content.policy import load_policy
from scaleout_tui.deploy.design import Design, design_of

CAMPAIGN = ("01-single-server", "02-two-tiers", "03-load-balancer", "04-sessions", "05-shared-storage",
            "06-replicas", "07-sharding", "08-autoscaling", "09-ingest", "10-cache")

#: sandbox settings (knob id → value) that between them reach every branch of every writer
SANDBOX_SAMPLES: dict[str, dict[str, str]] = {
    "defaults": {},
    "least-conn-l4-sticky": {"algorithm": "least_conn", "check": "L4", "sticky": "on", "balancers": "2"},
    "ip-hash-no-check": {"algorithm": "ip_hash", "check": "none", "sessions": "shared"},
    "random-simple": {"algorithm": "random", "policy": "simple", "min": "2", "max": "16", "desired": "4",
                      "out_cpu": "60", "in_cpu": "20", "cooldown": "120", "storage": "object"},
    "step-replicas": {"policy": "step", "replicas": "2", "routing": "replicas", "period": "30",
                      "check_every": "5", "healthy": "2", "unhealthy": "3"},
    "target-requests": {"policy": "target", "metric": "requests", "target_requests": "3000", "warmup": "60",
                        "schedule": "8@300", "min": "2"},
    "hpa-cpu": {"policy": "hpa", "target": "60", "min": "2", "max": "32", "storage": "nfs", "nfs_cache": "3"},
    "dns-single": {"algorithm": "dns", "layout": "single", "check_path": "/", "check_timeout": "2"},
}


def reference_design(level_id: str) -> Design:
    level = load_level(find_level(level_id))
    path = solution_path(level_id)
    assert path is not None, level_id
    policy = load_policy(path, level)
    return design_of(level, policy.knobs, tuple(policy.changes))


def sandbox_design(knobs: dict[str, str]) -> Design:
    return design_of(load_level(sandbox_path()), knobs)


def every_design() -> list[tuple[str, Design]]:
    """(name, design): the campaign's reference solutions, then the sandbox samples."""
    return ([(level_id, reference_design(level_id)) for level_id in CAMPAIGN]
            + [(f"sandbox-{name}", sandbox_design(knobs)) for name, knobs in SANDBOX_SAMPLES.items()])


@pytest.fixture
def korean() -> Iterator[None]:
    """The Korean language for one test (the comments written into the files follow it)."""
    i18n.activate("ko")
    yield
    i18n.activate("en")


def checker(name: str) -> str:
    """The path of a checking tool; skips the test without it, except in CI where it fails."""
    found = shutil.which(name) or next((p for p in (f"/usr/sbin/{name}", f"/sbin/{name}")
                                        if Path(p).is_file()), None)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is missing in CI: .ci/run installs it")
        pytest.skip(f"{name} is not installed")
    return found
