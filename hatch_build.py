"""Compile the translation catalogs into the wheel.

Only the ``.po`` sources are in the repository; a wheel carries each one's compiled ``.mo`` next
to it (``scaleout_tui/locale/ko/LC_MESSAGES/scaleout.mo``, ``scaleout_tui/levels/ko/*.mo``, ...),
which the game reads with the standard library's gettext. A source checkout has no ``.mo`` and
compiles the ``.po`` in memory with Babel instead (``scaleout_tui.i18n.load_catalog``).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

#: source folder in the repository → where it lands in the wheel
TREES = {
    "scaleout_tui/locale": "scaleout_tui/locale",
    "levels": "scaleout_tui/levels",
    "assets": "scaleout_tui/assets",
}


class CatalogsHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return  # an editable install reads the .po files in place
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        root = Path(self.root)
        out = Path(tempfile.mkdtemp(prefix="scaleout-mo-"))
        for source, target in TREES.items():
            for po in sorted((root / source).rglob("*.po")):
                rel = po.relative_to(root / source).with_suffix(".mo")
                mo = out / source / rel
                mo.parent.mkdir(parents=True, exist_ok=True)
                with po.open("rb") as f:
                    catalog = read_po(f)
                with mo.open("wb") as f:
                    write_mo(f, catalog, use_fuzzy=False)
                build_data["force_include"][str(mo)] = f"{target}/{rel.as_posix()}"
