"""The headless layers must not pull in the UI toolkit.

Why: ``scaleout run --json``, the level validator, the tests of the engine and CI all run
without a terminal UI. If ``engine``, ``content`` or ``game`` imported Textual or Rich
(even for one helper), the layering in docs/architecture.md would quietly rot and headless runs
would pay Textual's import time. A fresh interpreter is the only honest place to check
``sys.modules``: inside the pytest process other tests have already imported Textual.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HEADLESS = ("scaleout_tui.engine", "scaleout_tui.content", "scaleout_tui.game", "scaleout_tui.persistence",
            "scaleout_tui.recording", "scaleout_tui.texts", "scaleout_tui.home")
FORBIDDEN = ("textual", "rich")

PROBE = """
import importlib, json, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
loaded = sorted({m.split(".")[0] for m in sys.modules})
print(json.dumps(loaded))
"""


def test_headless_layers_do_not_import_textual_or_rich() -> None:
    repo = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", PROBE, *HEADLESS], cwd=repo, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, f"importing {HEADLESS} failed:\n{out.stderr}"
    loaded = set(json.loads(out.stdout))
    leaked = sorted(loaded & set(FORBIDDEN))
    assert not leaked, f"{', '.join(HEADLESS)} pulled in {leaked}: keep UI imports in scaleout_tui.ui"
