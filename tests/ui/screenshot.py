"""Regenerate the README's screenshot of the play screen: ``python -m tests.ui.screenshot [PATH]``.

The moment shown is level 3 (load balancer) played with its reference policy, 25 simulated
seconds after the scripted crash of web-2: three tiers on screen, the dead box out of rotation
in the diagram and in the targets table, and the event log telling the night so far (a hung
app taken out and put back, then the crash). It uses the same manual clock as the snapshot
tests, in a throwaway ``SCALEOUT_HOME``, so the image is reproducible and no real progress is
touched.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

SIZE = (200, 60)
MOMENT_S = 1175.0


async def shoot(path: Path) -> None:
    from scaleout_tui.persistence.progress import Progress
    from scaleout_tui.ui.app import make_app
    from tests.ui.conftest import LEVEL_1, LEVEL_2, LEVEL_3, play_at, solution_knobs

    progress, _ = Progress.load()
    for level_id in (LEVEL_1, LEVEL_2):
        progress.record(level_id, True, 3, {})
    progress.save()
    app = make_app(manual_clock=True)
    async with app.run_test(size=SIZE) as pilot:
        await play_at(pilot, LEVEL_3, MOMENT_S, solution_knobs(LEVEL_3))
        await pilot.press("3", "space")  # show the clock running at 60× (the manual clock ignores it)
        await pilot.pause()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(app.export_screenshot(title="scaleout"), encoding="utf-8")


def main() -> None:
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshot.svg")
    with tempfile.TemporaryDirectory() as home:
        os.environ["SCALEOUT_HOME"] = home
        asyncio.run(shoot(target))
    print(target)


if __name__ == "__main__":
    main()
