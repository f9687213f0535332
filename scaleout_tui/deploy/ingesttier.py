"""What every format shares about level 9's device-ingest tier.

The game's tier (:class:`~scaleout_tui.engine.ingest.IngestSpec`) is three things in production:

- **an L4 (TCP) balancer** of long-lived device connections: ``tcp-lb-1`` and, with
  ``ingest.standby``, ``tcp-lb-2`` as a keepalived (VRRP) active/standby pair; round robin or
  least connections; a TCP connect-and-close check every ``check_interval_s`` with rise 2 / fall
  3; TLS passed through (the comm servers hold the certificate, so the balancer never decrypts);
- **the comm servers** (``comm-1`` ... ``comm-N``), an instance type of their own, whose
  connection policy (the maximum connection age) is their own code's setting;
- **the devices' reconnect policy** (backoff, jitter, base, cap): the device firmware's client
  settings, which no server or balancer holds.

The comm servers' settings reach the app as environment variables (:data:`ENV`), as the cache's
do (``CACHE_*``): the names are scaleout's, stated in ``docs/deploy.md``, and the readers take
them back.

Sources and assumptions:

- the device port: IANA's service registry names 8883 ``secure-mqtt`` (MQTT over TLS) and 1883
  ``mqtt``; the level's devices are ESP-IDF MQTT clients (its facts), so these are the ports
  (*assumed*: the engine has no port);
- the idle timeout the balancer gives a connection: MQTT 3.1.1 §3.1.2.10 has the server cut a
  client silent for 1.5 keep-alive periods; the balancer must not cut it first, so it allows
  :data:`IDLE_PERIODS` message periods (*assumed*: three readings missed);
- rise 2 / fall 3 are HAProxy's defaults (configuration manual, ``server`` ``rise``/``fall``);
- keepalived's ``advert_int`` 1 s default and priorities (``priority`` default 100; the primary
  one above it: 101) from keepalived.conf(5).
"""

from __future__ import annotations

import math

from scaleout_tui.content.knobs import Value
from scaleout_tui.deploy.cachetier import env_flag, env_word
from scaleout_tui.deploy.design import Design
from scaleout_tui.engine.devices import BACKOFFS, JITTERS
from scaleout_tui.engine.ingest import IngestSpec
from scaleout_tui.engine.tcpbalancer import TcpBalancerSpec

#: IANA: ``secure-mqtt`` 8883/tcp, ``mqtt`` 1883/tcp
TLS_PORT = 8883
PLAIN_PORT = 1883
#: the balancer's idle timeout, in message periods (MQTT's server cuts at 1.5)
IDLE_PERIODS = 3
#: the comm servers' names and the tcp-lb nodes', as the engine names its boxes
COMM_PREFIX = "comm-"
NODES = ("tcp-lb-1", "tcp-lb-2")
#: the TCP check's thresholds the game models (HAProxy's defaults), as the engine's balancer
#: spec holds them: no knob changes them, so an imported file's others are reported
RISE, FALL = TcpBalancerSpec().rise, TcpBalancerSpec().fall
#: the virtual router id of the pair (*assumed*: any 1-255 unique on the LAN; keepalived's sample
#: configuration uses 51)
VIRTUAL_ROUTER_ID = 51

#: the comm servers' and the devices' settings: variable → the knob parameter it carries
ENV: dict[str, str] = {
    "INGEST_MAX_CONNECTION_AGE_SECONDS": "ingest.max_age_s",
    "INGEST_TLS": "ingest.tls",
    "INGEST_RECONNECT_BACKOFF": "ingest.backoff",
    "INGEST_RECONNECT_JITTER": "ingest.jitter",
    "INGEST_RECONNECT_BASE_SECONDS": "ingest.base_s",
    "INGEST_RECONNECT_CAP_SECONDS": "ingest.cap_s",
}
#: the settings a file states through :data:`ENV` (Kubernetes, CloudFormation)
APP_SETTINGS = frozenset(ENV.values())
#: the L4 balancer's settings a proxy file states exactly (HAProxy, nginx)
BALANCER_SETTINGS = frozenset({"ingest.lb_algorithm", "ingest.comm_count", "ingest.check_interval_s"})
#: what ``INGEST_MAX_CONNECTION_AGE_SECONDS`` says for connections that never retire
NO_AGE = "0"
#: the device-side settings: the firmware's, which no balancer holds (said in a note)
CLIENT = ("ingest.backoff", "ingest.jitter", "ingest.base_s", "ingest.cap_s")


def ingest_of(design: Design) -> IngestSpec | None:
    return design.config.ingest


def port(spec: IngestSpec) -> int:
    """The devices' port: MQTT over TLS, or plain MQTT."""
    return TLS_PORT if spec.comm.tls else PLAIN_PORT


def idle_s(spec: IngestSpec) -> int:
    """How long the balancer lets a connection stay silent: whole seconds, at least a minute."""
    return max(60, math.ceil(IDLE_PERIODS * spec.devices.period_s))


def comm_names(spec: IngestSpec) -> list[str]:
    return [f"{COMM_PREFIX}{i}" for i in range(1, spec.comm_count + 1)]


def comm_address(i: int) -> str:
    """The ``i``-th comm server's placeholder address (from 1), apart from the web servers'."""
    return f"10.0.9.{i}"


def comm_size(design: Design, spec: IngestSpec) -> str:
    """The comm servers' instance type: their own, else the web servers' (as the engine does)."""
    return spec.comm_type or design.config.fleet.web_type.name


def app_env(spec: IngestSpec) -> list[tuple[str, str]]:
    """The comm servers' and devices' settings as ``(variable, value)``, in :data:`ENV`'s order;
    an infinite age is ``0`` (grpc-go's and most servers' "no limit")."""
    values: dict[str, object] = {
        "ingest.max_age_s": spec.comm.max_age_s, "ingest.tls": spec.comm.tls,
        "ingest.backoff": spec.devices.backoff, "ingest.jitter": spec.devices.jitter,
        "ingest.base_s": spec.devices.base_s, "ingest.cap_s": spec.devices.cap_s,
    }
    out = []
    for var, param in ENV.items():
        value = values[param]
        text = NO_AGE if param == "ingest.max_age_s" and value == math.inf else env_word(value)
        out.append((var, text))
    return out


def read_value(param: str, text: str) -> Value | None:
    """One of :data:`ENV`'s variables as its knob parameter's type, or ``None`` for a value that is
    not one (the caller says so, with the line)."""
    word = text.strip()
    if param == "ingest.backoff":
        return word if word in BACKOFFS else None
    if param == "ingest.jitter":
        return word if word in JITTERS else None
    if param == "ingest.tls":
        return env_flag(word)
    try:
        number = float(word)
    except ValueError:
        return None
    if not math.isfinite(number) or number < 0:
        return None
    if param == "ingest.max_age_s" and number == 0:
        return math.inf
    return number

