"""Widgets of the play screen. Each draws with a pure function of frozen data, so it can be
tested without a terminal, and redraws only when that data changes."""
