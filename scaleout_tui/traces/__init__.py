"""Traffic traces: per-second rate series, read from and written to a small text format, and
imported from web servers' access logs.

Headless on purpose (no Textual): ``scaleout trace import`` runs where no screen can, and the
content layer reads the same series to drive a level's arrivals.
"""

from scaleout_tui.traces.series import RateSeries, read_series, write_series

__all__ = ["RateSeries", "read_series", "write_series"]
