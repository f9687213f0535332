"""``python -m scaleout_tui``: the same as the ``scaleout`` command."""

import sys

from scaleout_tui import texts

if __name__ == "__main__":
    try:
        from scaleout_tui.cli import main
    except KeyboardInterrupt:  # Ctrl+C while the command line is still loading: as cli.main says it
        print(texts.INTERRUPTED, file=sys.stderr)
        raise SystemExit(130) from None
    raise SystemExit(main())
