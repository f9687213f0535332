"""The failure drill's choices: which boxes a player may break in a level.

Breaking and repairing go through ``Session.inject`` / ``Session.repair``: the game layer
applies them at once, records them in the run's history (a replay repeats them) and refuses,
with a reason, a box that is not running, already broken or not broken, and a kind the level
does not allow. The UI keeps no rule of its own about that; it only shows the reason.

What stays here is a choice of *presentation*: which boxes the drill offers.

- Every level with a drill offers its app servers (``web``, or ``app+db`` on one box): the
  lesson of levels 3-5 is what the balancer does with a broken one.
- A level about the database (replication or sharding) offers its database boxes too
  (the master, the replicas, the shards): crashing the master to watch a replica promoted,
  and the writes it had not applied lost, is that level's lesson. Elsewhere they are left
  out, so levels 3-5 keep the short list their help text describes.
- A level with a cache offers its box: crashing it shows the cold cache.
- A level with a device-ingest tier offers its comm servers and its TCP balancer nodes:
  crashing either is a reconnect storm (the active node's after a keepalived takeover).
"""

from __future__ import annotations

from collections.abc import Sequence

from scaleout_tui.content.schema import Level
from scaleout_tui.engine.snapshot import BoxView
from scaleout_tui.ui import texts

#: The app servers behind the balancer.
WEB_ROLES = ("web", "app+db")
#: The database tier of the replication and sharding levels.
DATABASE_ROLES = ("db", "replica")
#: The look-aside cache (level 10).
CACHE_ROLES = ("cache",)
#: The device-ingest tier (level 9): its comm servers and its L4 balancer pair.
INGEST_ROLES = ("comm", "tcp-lb")


def is_database_level(level: Level) -> bool:
    """A level whose lesson is the database tier (replicas or shards)."""
    return level.replication is not None or level.sharding is not None


def target_roles(level: Level) -> tuple[str, ...]:
    """The roles a player may break in ``level`` (see the module docstring); a level with a
    cache offers its box too (a restart empties it: the cold cache is that level's lesson), and
    a level with an ingest tier its comm servers and balancer nodes (a crash is a reconnect
    storm; the active node's is a failover to the standby)."""
    roles: tuple[str, ...] = WEB_ROLES + DATABASE_ROLES if is_database_level(level) else WEB_ROLES
    if level.cache is not None:
        roles += CACHE_ROLES
    if level.ingest is not None:
        roles += INGEST_ROLES
    return roles


def drill_texts(level: Level) -> tuple[str, str]:
    """The briefing's line about the drill and the drill's help, for the boxes it offers."""
    if level.ingest is not None:
        return texts.BRIEFING_DRILL_INGEST, texts.DRILL_HELP_INGEST
    if is_database_level(level):
        return texts.BRIEFING_DRILL_DATABASE, texts.DRILL_HELP_DATABASE
    return texts.BRIEFING_DRILL, texts.DRILL_HELP


def targets(boxes: Sequence[BoxView], roles: Sequence[str] = WEB_ROLES) -> tuple[str, ...]:
    """The names a player may pick, in the snapshot's order."""
    return tuple(b.name for b in boxes if b.role in roles)
