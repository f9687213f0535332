"""What nginx and HAProxy files share: a balancer in front of a list of web servers.

Why one module for both: the two products model the same thing (a static list of servers, an
algorithm, per-server checks), so the placeholder addresses, the comments' shape, the durations
and the README notes about what neither can say (a DNS-balanced design, a balancer pair, an auto
scaling group, the database and storage behind the servers) are written once.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from scaleout_tui.content.decode import show_number
from scaleout_tui.deploy import ingesttier, texts
from scaleout_tui.deploy.design import Design, Note
from scaleout_tui.engine.balancer import APP_PORT
from scaleout_tui.engine.ingest import IngestSpec

#: the knob parameters of the balancer and its check: what a proxy file is about
_OWN_PREFIXES = ("lb.", "health.", "asg.")
#: the look-aside cache's parameters: the app's and its Redis's, said in a note of their own
_CACHE_PREFIX = "cache."
#: the device-ingest tier's parameters: its own file (or a note), not the web balancer's
_INGEST_PREFIX = "ingest."
#: the port a design without a balancer listens on (the HTTP default)
HTTP_PORT = 80


def server_names(count: int) -> list[str]:
    return [f"web-{i}" for i in range(1, count + 1)]


def placeholder_address(i: int) -> str:
    """The ``i``-th web server's address (from 1): 10.0.1.1 ... 10.0.1.250, then 10.0.2.1 ...

    Addresses, not names: nginx and HAProxy resolve a name when they load the file, and
    ``nginx -t`` or ``haproxy -c`` would fail on a name that does not resolve where they run."""
    block, host = divmod(i - 1, 250)
    return f"10.0.{block + 1}.{host + 1}"


def ports(design: Design) -> tuple[int, int]:
    """(the port the balancer listens on, the web servers' port)."""
    spec = design.config.balancer
    if spec is None:
        return HTTP_PORT, APP_PORT
    return spec.listen_port, spec.target_port


def comment(text: str, indent: str = "") -> list[str]:
    """``text`` (a sentence from :mod:`texts`, possibly several lines) as ``#`` comment lines."""
    return [f"{indent}# {line}".rstrip() for line in text.splitlines()]


def seconds(value: float) -> str:
    """A duration as both products write it, in the largest unit that keeps it whole (``1d``,
    ``2h``, ``20s``), else in milliseconds (``2500ms``): neither takes a fraction."""
    if not float(value).is_integer():
        return f"{round(value * 1000)}ms"
    whole = int(value)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if whole and whole % size == 0:
            return f"{whole // size}{unit}"
    return f"{whole}s"


def common_notes(design: Design, fmt: str) -> list[Note]:
    """The README notes every proxy format has: no balancer, a pair, DNS balancing, the group,
    and the settings of the rest of the design."""
    notes: list[Note] = []
    spec = design.config.balancer
    if spec is None:
        notes.append(Note("proxy_no_balancer", {"format": fmt}))
    else:
        if spec.count > 1:
            takeover = show_number(round(spec.failover_s, 1))
            notes.append(Note("proxy_pair", {"format": fmt, "failover": takeover}))
        if spec.algorithm == "dns":
            notes.append(Note("proxy_dns", {"format": fmt, "ttl": show_number(spec.dns_ttl_s)}))
    scaling = design.config.scaling
    if scaling is not None and scaling.policy != "none":
        notes.append(
            Note(
                "proxy_group",
                {
                    "format": fmt,
                    "policy": scaling.policy,
                    "min": scaling.min_size,
                    "max": scaling.max_size,
                    "count": design.config.fleet.web_count,
                },
            )
        )
    if scaling is not None and scaling.scheduled:
        shown = ", ".join(
            f"{a.desired}@{show_number(a.at)}" + ("" if a.until is None else f"-{show_number(a.until)}")
            for a in scaling.scheduled
        )
        notes.append(Note("proxy_schedule", {"schedule": shown}))
    other = [
        f"{p} = {_show(v)}"
        for p, v in design.settings.items()
        if not p.startswith((*_OWN_PREFIXES, _CACHE_PREFIX, _INGEST_PREFIX)) and p != "web.count"
    ]
    if other:
        notes.append(Note("proxy_other", {"settings": ", ".join(other)}))
    cache = [f"{p} = {_show(v)}" for p, v in design.settings.items() if p.startswith(_CACHE_PREFIX)]
    if cache:
        # the game's cache is the app's (Redis beside it, between the app and the database), not
        # the balancer's: an HTTP cache in the proxy would be another cache, so none is written
        notes.append(Note("proxy_cache", {"format": fmt, "settings": ", ".join(cache)}))
        if fmt == "nginx":
            notes.append(Note("nginx_http_cache"))
    return notes


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return show_number(value)
    return str(value)


def directive(indent: int, *words: object) -> str:
    """A directive line from its words (keywords stay single words: no sentence to translate)."""
    return " " * indent + " ".join(str(w) for w in words)


def lines_text(lines: Iterable[str]) -> str:
    return "\n".join(lines) + "\n"


def head(design: Design, fmt: str, check: str) -> list[str]:
    """The comment every file starts with: what it is, how to check it, the placeholders."""
    out = comment(texts.PROXY_HEAD.format(level=design.level.id, format=fmt))
    out += comment(texts.PROXY_CHECK.format(check=check))
    out += comment(texts.PROXY_PLACEHOLDERS)
    if design.config.balancer is None:
        out += comment(texts.PROXY_NO_BALANCER)
    return out


def ingest_notes(design: Design, fmt: str) -> list[Note]:
    """The README notes of the ingest tier that no proxy file holds: the port, the comm servers'
    maximum connection age and the devices' reconnect settings."""
    spec = design.config.ingest
    if spec is None:
        return []
    notes = [Note("ingest_port", {"port": ingesttier.port(spec)})]
    if math.isfinite(spec.comm.max_age_s):
        notes.append(Note("ingest_age", {"format": fmt, "age": show_number(spec.comm.max_age_s),
                                         "jitter": show_number(spec.comm.age_jitter * 100)}))
    d = spec.devices
    notes.append(Note("ingest_client", {"format": fmt, "backoff": d.backoff, "base": show_number(d.base_s),
                                        "cap": show_number(d.cap_s), "jitter": d.jitter}))
    if spec.balancer.nodes < 2:
        notes.append(Note("ingest_single"))
    return notes


def ingest_head(design: Design, spec: IngestSpec, fmt: str, check: str, web: str) -> list[str]:
    """The comment an ingest file starts with: what it is, for which nodes, how to check it."""
    nodes = ", ".join(ingesttier.NODES[: spec.balancer.nodes])
    out = comment(texts.INGEST_HEAD.format(level=design.level.id, format=fmt, nodes=nodes, web=web))
    out += comment(texts.PROXY_CHECK.format(check=check))
    return out + comment(texts.INGEST_PLACEHOLDERS)


def ingest_port_comment(spec: IngestSpec, indent: str) -> list[str]:
    """Why the listener has no TLS (passed through), or that the devices speak plain MQTT."""
    tls = texts.INGEST_TLS if spec.comm.tls else texts.INGEST_PLAIN
    return comment(tls.format(port=ingesttier.port(spec)), indent)


def ingest_idle_comment(spec: IngestSpec, indent: str) -> list[str]:
    """Why the idle timeout is what it is: above the devices' message period."""
    idle, period = ingesttier.idle_s(spec), spec.devices.period_s
    return comment(texts.INGEST_IDLE.format(period=show_number(period), idle=seconds(idle),
                                            periods=show_number(idle / period)), indent)
