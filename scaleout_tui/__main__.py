"""``python -m scaleout_tui``: the same as the ``scaleout`` command."""

from scaleout_tui.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
