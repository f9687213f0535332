"""The scaleout simulation engine: SimPy control plane, NumPy data plane.

Nothing here imports Textual or Rich, or anything above the engine, and nothing here writes
prose: events and refusals are codes with parameters. The UI reads frozen snapshots and sends
typed commands (see ``scaleout_tui.engine.snapshot`` and ``scaleout_tui.engine.commands``).
"""

from scaleout_tui.engine.commands import Command, CommandError
from scaleout_tui.engine.config import SimConfig
from scaleout_tui.engine.failures import ScheduledFailure
from scaleout_tui.engine.fleet import FleetSpec
from scaleout_tui.engine.instance import InstanceType
from scaleout_tui.engine.simulation import Simulation
from scaleout_tui.engine.traffic import KindMix, Shape, Spike, TrafficSpec

__all__ = [
    "Command", "CommandError", "FleetSpec", "InstanceType", "KindMix", "ScheduledFailure",
    "Shape", "SimConfig", "Simulation", "Spike", "TrafficSpec",
]
