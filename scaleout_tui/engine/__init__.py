"""The scaleout simulation engine: SimPy control plane, NumPy data plane.

Nothing here imports Textual or Rich; the UI reads frozen snapshots and sends
commands (see ``scaleout_tui.engine.snapshot``).
"""

from scaleout_tui.engine.instance import InstanceType
from scaleout_tui.engine.simulation import (
    Command,
    CommandError,
    FleetSpec,
    ScheduledFailure,
    SimConfig,
    Simulation,
)
from scaleout_tui.engine.traffic import KindMix, Shape, Spike, TrafficSpec

__all__ = [
    "Command", "CommandError", "FleetSpec", "InstanceType", "KindMix", "ScheduledFailure",
    "Shape", "SimConfig", "Simulation", "Spike", "TrafficSpec",
]
