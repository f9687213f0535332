"""The content layer: level files, the instance catalog and policy files, typed and checked.

Everything a designer writes is data (TOML), read strictly: unknown keys, out-of-range or
non-finite numbers and dangling references are :class:`LevelError` s that name the file, the
line and the field. The format is documented in ``docs/level-format.md``.

Layering: this package uses the engine's types (to build a :class:`~scaleout_tui.engine.SimConfig`)
and never imports the UI.
"""

from scaleout_tui.content.build import build_config, commands_for, injections, knob_defaults, resolve_knobs
from scaleout_tui.content.catalog import load_catalog, load_catalog_default
from scaleout_tui.content.errors import LevelError
from scaleout_tui.content.loader import list_levels, load_level, loads_level, validate_file, validate_level
from scaleout_tui.content.paths import assets_dir, find_level, level_ids, levels_dir
from scaleout_tui.content.policy import Policy, load_policy, loads_policy, validate_policy_file
from scaleout_tui.content.schema import FORMAT_VERSION, METRICS, Level

__all__ = [
    "FORMAT_VERSION", "METRICS", "Level", "LevelError", "Policy", "assets_dir", "build_config",
    "commands_for", "find_level", "injections", "knob_defaults", "level_ids", "levels_dir", "list_levels",
    "load_catalog", "load_catalog_default", "load_level", "load_policy", "loads_level", "loads_policy",
    "resolve_knobs", "validate_file", "validate_level", "validate_policy_file",
]
