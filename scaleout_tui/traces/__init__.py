"""``scaleout trace``: web servers' access logs imported as per-second rate series, and the
scenario library listed.

The rate series and its text format are content's (:mod:`scaleout_tui.content.series`): levels
and the scenario library read them, this package writes them. Headless (no Textual):
``scaleout trace import`` runs where no screen can; only its progress bar, on a terminal, uses Rich.
"""
