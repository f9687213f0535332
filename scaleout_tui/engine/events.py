"""Structured event-log entries.

The engine never writes prose: it emits a code and parameters, and the game layer
turns them into sentences (``scaleout_tui.game.texts``), so wording and translation
live in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["info", "warn", "error", "good"]


@dataclass(frozen=True, slots=True)
class LogEntry:
    t: float
    code: str
    severity: Severity = "info"
    params: dict[str, str | float | int] = field(default_factory=dict)
