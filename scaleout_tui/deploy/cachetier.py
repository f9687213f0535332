"""What the Kubernetes and CloudFormation formats share about the look-aside cache (level 10).

The game's cache (:class:`~scaleout_tui.engine.cache.CacheSpec`) is two things in production:

- **a Redis server**, which is infrastructure: its port, its memory limit and its eviction
  policy. The engine counts entries, Redis counts bytes, so the limit is the capacity times
  :data:`ENTRY_BYTES`, and the eviction is ``allkeys-lru``: least recently used among every key,
  as the engine's LRU does (Redis's own default, ``noeviction``, refuses writes when full, and
  ElastiCache's default, ``volatile-lru``, evicts only keys with a TTL).
- **the application's cache settings**: the TTL and its jitter, the write policy, invalidation on
  write, single flight and stale-while-revalidate are code paths in the app's cache client, not
  settings of any server. They reach the app as environment variables (:data:`ENV`), the way a
  twelve-factor app takes its configuration; the names are scaleout's, stated in
  ``docs/deploy.md``, and the readers take them back.

Sources: Redis's port 6379 and ``maxmemory`` units (``1k`` = 1,000 bytes, ``1m`` = 1,000,000,
``1g`` = 10^9) are from the self-documented ``redis.conf``; the ``maxmemory-policy`` names from
redis.io's "Key eviction" page; ElastiCache's node memory (the node-type ``maxmemory``) and its
default ``reserved-memory-percent`` of 25 from the ElastiCache user guide's "Redis node-type
specific parameters" and "Managing reserved memory".
"""

from __future__ import annotations

import math

from scaleout_tui.content.catalog import load_catalog_default
from scaleout_tui.content.knobs import Value
from scaleout_tui.deploy.design import Design
from scaleout_tui.engine.cache import POLICIES, CacheSpec

#: Redis's port (redis.conf: ``port 6379``)
REDIS_PORT = 6379
#: bytes of Redis memory one of the engine's entries takes, key and Redis's per-key overhead
#: included (*assumed*): the engine's 10,000 entries are memcached's ``-m 64``, 64 MB at about
#: 6 KB an item (``CacheSpec``), so 64,000,000 / 10,000
ENTRY_BYTES = 6_400
#: the eviction policy that is the engine's LRU over every entry (redis.io, "Key eviction")
EVICTION = "allkeys-lru"
#: the share of a node's memory ElastiCache keeps for backups, replication and buffers
#: (``reserved-memory-percent``, 25 by default): data gets the rest, and a pod's memory limit
#: leaves Redis the same room above its ``maxmemory``
RESERVED = 0.25
#: a pod's memory never below this (*assumed*: an idle ``redis-server`` takes a few MiB itself)
MIN_POD_MEMORY_MIB = 32

#: the app's environment: variable → the knob parameter it carries (``CACHE_URL`` is the server)
ENV: dict[str, str] = {
    "CACHE_TTL_SECONDS": "cache.ttl_s",
    "CACHE_TTL_JITTER": "cache.ttl_jitter",
    "CACHE_WRITE_POLICY": "cache.policy",
    "CACHE_INVALIDATE_ON_WRITE": "cache.invalidate",
    "CACHE_SINGLE_FLIGHT": "cache.single_flight",
    "CACHE_STALE_WHILE_REVALIDATE_SECONDS": "cache.swr_s",
}
URL_VAR = "CACHE_URL"
#: the cache's settings a file states through :data:`ENV`, and ``cache.capacity`` through
#: ``maxmemory`` (Kubernetes) or not at all (CloudFormation: a node's memory is its type's)
APP_SETTINGS = frozenset(ENV.values())

#: Redis's ``maxmemory`` units that are powers of ten, largest first (``1gb`` would be 2^30)
_UNITS = (("g", 10**9), ("m", 10**6), ("k", 10**3))
_UNIT_OF = {"": 1, "k": 10**3, "kb": 2**10, "m": 10**6, "mb": 2**20, "g": 10**9, "gb": 2**30}


def cache_of(design: Design) -> CacheSpec | None:
    """The design's cache, when it has one that holds anything. A capacity of 0 holds nothing:
    every read goes to the database, so no server is written (and ``maxmemory 0`` would mean no
    limit at all in Redis)."""
    spec = design.config.cache
    return spec if spec is not None and spec.capacity > 0 else None


def memory_bytes(capacity: int) -> int:
    """The memory the design's entries take in Redis."""
    return capacity * ENTRY_BYTES


def redis_bytes(value: int) -> str:
    """A size as ``redis.conf`` writes one, exactly: ``64m``, ``6400k``, ``12345``."""
    for unit, size in _UNITS:
        if value and value % size == 0:
            return f"{value // size}{unit}"
    return str(value)


def parse_redis_bytes(text: str) -> int | None:
    """``redis.conf``'s size (``64m``, ``100mb``, ``1gb``, ``6400000``; case does not matter) in
    bytes, or ``None`` for what is not one."""
    word = text.strip().lower()
    digits = word.rstrip("kmgb")
    unit = word[len(digits):]
    if not digits.isdigit() or unit not in _UNIT_OF:
        return None
    return int(digits) * _UNIT_OF[unit]


def pod_memory_mib(capacity: int) -> int:
    """A Redis pod's memory (request and limit, MiB): ``maxmemory`` and the same reserve above it
    that ElastiCache keeps, so that ``maxmemory`` is 75 % of it."""
    return max(MIN_POD_MEMORY_MIB, math.ceil(memory_bytes(capacity) / (1 - RESERVED) / 2**20))


def env_word(value: object) -> str:
    """A value as an environment variable says it: ``true``/``false``, ``0.2``, ``300``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


#: the words an environment variable says a switch with (``env_word`` writes the first pair)
_FLAGS = {"true": True, "1": True, "yes": True, "on": True,
          "false": False, "0": False, "no": False, "off": False}


def env_flag(word: str) -> bool | None:
    """A switch as an environment variable says it (``true``, ``yes``, ``on``, ``1`` and their
    opposites, in any case), or ``None`` for a word that is not one. The cache's and the device
    tier's switches read the same words."""
    return _FLAGS.get(word.strip().lower())


def app_env(spec: CacheSpec) -> list[tuple[str, str]]:
    """The app's cache settings as ``(variable, value)``, in :data:`ENV`'s order."""
    values = {
        "cache.ttl_s": spec.ttl_s, "cache.ttl_jitter": spec.ttl_jitter, "cache.policy": spec.policy,
        "cache.invalidate": spec.invalidate, "cache.single_flight": spec.single_flight,
        "cache.swr_s": spec.swr_s,
    }
    return [(var, env_word(values[param])) for var, param in ENV.items()]


def read_value(param: str, text: str) -> Value | None:
    """One of :data:`ENV`'s variables read as its knob parameter's type, or ``None`` for a value
    that is not one (the caller says so, with the line)."""
    word = text.strip()
    if param == "cache.policy":
        return word if word in POLICIES else None
    if param in ("cache.invalidate", "cache.single_flight"):
        return env_flag(word)
    try:
        number = float(word)
    except ValueError:
        return None
    return number if math.isfinite(number) and number >= 0 else None



def box_size(design: Design, spec: CacheSpec) -> str:
    """The cache box's instance type, as the engine picks it: the cache's own size, else the
    level's ``aux_size``, else the catalog's cheapest."""
    if spec.box_type:
        return spec.box_type
    if design.config.aux_type:
        return design.config.aux_type
    return min(load_catalog_default().values(), key=lambda t: (t.price_per_hour, t.name)).name
