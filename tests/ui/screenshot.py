"""Regenerate the README's screenshot of the play screen: ``python -m tests.ui.screenshot [PATH]``.

The moment shown is level 2 played with its reference policy, 15 simulated seconds after
the scripted database crash: both tiers on screen, one of them red, errors climbing and the
event log saying why. It uses the same manual clock as the snapshot tests, in a throwaway
``SCALEOUT_HOME``, so the image is reproducible and no real progress is touched.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

SIZE = (200, 60)
MOMENT_S = 1515.0


async def shoot(path: Path) -> None:
    from scaleout_tui.persistence.progress import Progress
    from scaleout_tui.ui.app import make_app
    from tests.ui.conftest import LEVEL_1, LEVEL_2, open_level, solution_knobs

    progress, _ = Progress.load()
    progress.record(LEVEL_1, True, 3, {})
    progress.save()
    app = make_app(manual_clock=True)
    async with app.run_test(size=SIZE) as pilot:
        play = await open_level(pilot, LEVEL_2)
        for knob_id, value in solution_knobs(LEVEL_2).items():
            play.session.set_knob(knob_id, value)
        play.query_one("#policy").show_values(play.session.knobs)  # type: ignore[attr-defined]
        play.advance(MOMENT_S)
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
