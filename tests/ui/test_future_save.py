"""A save from a newer scaleout: kept aside byte for byte, the player told, the game goes on.

Why: a player who tries an older version (a classroom machine, a downgrade) must not lose the
progress the newer version wrote. The file is moved aside rather than read half-understood or
overwritten; the map opens with fresh progress and a toast that says what happened and where
the file went, and new progress saves next to the kept file without touching it.
"""

from __future__ import annotations

from pathlib import Path

from scaleout_tui.persistence.progress import Progress
from scaleout_tui.ui.app import make_app
from scaleout_tui.ui.screens.campaign import CampaignScreen
from tests.ui.conftest import LEVEL_1, async_test

FUTURE = (b'{"format": 7, "levels": {"01-single-server": {"won": true, "best_stars": 3, "plays": 4}},'
          b' "achievements": ["night owl"]}\n')


@async_test
async def test_a_future_version_save_is_kept_aside_and_the_player_told(home: Path) -> None:
    path = home / "progress.json"
    path.write_bytes(FUTURE)
    app = make_app(manual_clock=True)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, CampaignScreen)
        messages = [n.message for n in app._notifications]
        asides = sorted(home.glob("progress.json.corrupt-*"))
        assert len(asides) == 1
        assert asides[0].read_bytes() == FUTURE, "kept byte for byte"
        told = [m for m in messages if "newer version of scaleout" in m]
        assert told and str(asides[0]) in told[0] and "format 7" in told[0], messages
        # the game goes on: a run recorded now saves, and the kept file is left alone
        app.progress.record(LEVEL_1, True, 2, {"latency_p95_ms": 120.0})
        app.progress.save()
    progress, notice = Progress.load(path)
    assert notice is None and progress.won(LEVEL_1) and progress.stars(LEVEL_1) == 2
    assert asides[0].read_bytes() == FUTURE
