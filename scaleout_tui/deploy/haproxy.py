"""The design's balancer as HAProxy (``haproxy.cfg``), and HAProxy files read back.

Mapping rules, each from the HAProxy configuration manual (2.6, docs.haproxy.org):

- ``lb.algorithm`` → ``balance``: ``round_robin`` → ``roundrobin``, ``least_conn`` →
  ``leastconn``, ``ip_hash`` → ``source`` with ``hash-type consistent`` (a hash of the client's
  address; when a server goes down only its own clients move, as with nginx ``ip_hash``), ``random`` →
  ``random(1)``: plain ``random`` draws 2 servers and takes the less loaded ("The default value
  is 2"), the power of two choices, not the game's random. ``least_outstanding_requests`` has no
  twin: ``leastconn`` is the nearest (noted); ``dns`` is no balancer's method (round robin,
  noted). Without ``balance`` HAProxy balances round robin.
- Checks: ``check`` on a server turns checks on, a TCP connection (L4); ``option httpchk`` with
  ``http-check send meth GET uri <path>`` (2.2+) makes them HTTP (L7), passing on 2xx and 3xx;
  no ``check``: none. ``inter`` (default 2000 ms), ``rise`` (default 2) and ``fall`` (default
  3) are the interval and the healthy and unhealthy thresholds; ``timeout check`` the timeout
  once connected (without it, ``inter`` is the check's whole timeout). They are written on
  ``default-server`` for every design, with or without ``check``, so they come back exactly.
- ``lb.sticky`` → ``cookie SERVERID insert indirect nocache maxidle <ttl>`` and ``cookie web-N``
  on each server (any ``cookie`` persistence reads back as sticky).
- ``asg.warmup_s`` → ``slowstart`` (a server back up gets a share growing linearly over it):
  the group's warm-up is the player's statement of how long a new server needs, and slowstart
  is the balancer's way of sparing it meanwhile. None when it is 0 (HAProxy's default).
- ``mode http`` always: the game's balancer reads HTTP (cookies), whatever the check's kind.
- ``timeout client`` and ``timeout server`` are the level's client timeout (how long the game's
  clients wait); HAProxy warns without them. ``timeout connect`` has no design value: 5 s, the
  manual's own example.

Deregistration delay has no twin in the file (a server is drained through the runtime API):
noted, as are a balancer pair, DNS balancing, the group's policy and the rest of the design.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from scaleout_tui.content.decode import show_number
from scaleout_tui.deploy import ingesttier, texts
from scaleout_tui.deploy.design import ConfigError, Design, Export, Format, Imported, Note, Where
from scaleout_tui.deploy.proxy import (
    comment,
    common_notes,
    directive,
    head,
    ingest_head,
    ingest_idle_comment,
    ingest_notes,
    ingest_port_comment,
    lines_text,
    placeholder_address,
    ports,
    seconds,
    server_names,
)
from scaleout_tui.engine.ingest import IngestSpec

FILE = "haproxy.cfg"
BACKEND = "web"
CHECK = " ".join(("haproxy", "-c", "-f", FILE))
#: the ingest tier's balancer nodes' own file (level 9), its backend, and its check
INGEST_FILE = "haproxy-ingest.cfg"
INGEST_BACKEND = "comm"
INGEST_CHECK = " ".join(("haproxy", "-c", "-f", INGEST_FILE))
#: the settings a written haproxy.cfg gives back exactly, whatever the design
CARRIES = frozenset({"web.count", "asg.desired", "lb.target_port", "lb.sticky", "health.kind",
                     "health.interval_s", "health.timeout_s", "health.healthy_threshold",
                     "health.unhealthy_threshold", "asg.warmup_s"}) | ingesttier.BALANCER_SETTINGS

#: the manual's defaults: "inter ... defaults to 2000 ms", "rise ... defaults to 2", "fall ...
#: defaults to 3"; option httpchk's request without arguments: "OPTIONS /"
INTER_S, RISE, FALL = 2.0, 2, 3
#: ``timeout connect`` has no design value; 5 s is the manual's own example
CONNECT_S = 5.0
_BALANCE = {
    "round_robin": "roundrobin",
    "least_conn": "leastconn",
    "least_outstanding_requests": "leastconn",
    "random": "random(1)",
    "ip_hash": "source",
    "dns": "roundrobin",
}
_READ_BALANCE = {
    "roundrobin": "round_robin",
    "static-rr": "round_robin",
    "leastconn": "least_conn",
    "source": "ip_hash",
}
#: HAProxy time units (manual, 2.5 "Time format"); no unit means milliseconds
_UNITS = {"us": (1, 1_000_000), "ms": (1, 1000), "s": (1, 1), "m": (60, 1), "h": (3600, 1), "d": (86400, 1)}
_TIME = re.compile(r"^(\d+)(us|ms|s|m|h|d)?$")

SECTIONS = ("global", "defaults", "frontend", "backend", "listen")
#: sections of other kinds: users, peers, resolvers, mailers ... a skipped entry each
OTHER_SECTIONS = (
    "userlist",
    "peers",
    "resolvers",
    "mailers",
    "program",
    "http-errors",
    "ring",
    "cache",
    "fcgi-app",
    "log-forward",
    "crt-store",
    "traces",
)
#: sections that carry nothing the game models, passed by whole: ``global`` holds the process's
#: own settings (logs, user, limits, TLS defaults, the runtime API's socket), no balancing
IGNORED_SECTIONS = frozenset({"global"})
#: keywords of proxies that carry nothing the game models, passed by in silence: logs, error
#: pages, statistics, client-side settings and the frontend's own wiring (``bind``)
IGNORED = frozenset({"log", "log-format", "log-tag", "errorfile", "errorloc", "errorloc302", "errorloc303",
                     "description", "stats", "monitor-uri", "capture", "bind", "default_backend", "mode",
                     "unique-id-format", "unique-id-header", "maxconn", "backlog", "email-alert", "id",
                     "enabled", "compression"})
#: ``option`` names that carry nothing the game models (logging, headers, connection modes)
IGNORED_OPTIONS = frozenset({"httplog", "tcplog", "httpslog", "dontlognull", "dontlog-normal", "forwardfor",
                             "http-server-close", "httpclose", "http-keep-alive", "http-buffer-request",
                             "log-health-checks", "redispatch", "abortonclose", "tcpka", "clitcpka",
                             "srvtcpka", "log-separate-errors", "logasap", "splice-auto", "originalto"})
#: the ``timeout`` kinds other than ``check``: client and server sides, not the check
IGNORED_TIMEOUTS = frozenset({"client", "server", "connect", "http-request", "http-keep-alive", "queue",
                              "tunnel", "client-fin", "server-fin", "tarpit"})
#: server parameters that take a value (the rest are flags)
_VALUED = frozenset({"inter", "fastinter", "downinter", "rise", "fall", "slowstart", "weight", "cookie",
                     "port", "addr", "maxconn", "maxqueue", "minconn", "id", "source", "verify", "ca-file",
                     "crt", "sni", "check-sni", "alpn", "proto", "resolvers", "init-addr", "resolve-prefer",
                     "on-error", "on-marked-down", "on-marked-up", "observe", "error-limit", "agent-port",
                     "agent-inter", "agent-send", "agent-addr", "track", "pool-max-conn", "pool-purge-delay",
                     "max-reuse", "namespace", "ws", "check-proto", "check-alpn", "redir", "tcp-ut", "usesrc",
                     "crl-file", "ciphers", "ciphersuites", "ssl-min-ver", "ssl-max-ver", "curves", "sigalgs",
                     "pool-low-conn", "log-proto", "resolve-net", "resolve-opts", "shard",
                     "set-proxy-v2-tlv-fmt"})


# ---- writing -----------------------------------------------------------------------------------
def write(design: Design) -> Export:
    listen, target = ports(design)
    count = design.config.fleet.web_count
    bal, health, scaling = design.config.balancer, design.config.health, design.config.scaling
    notes = common_notes(design, "HAProxy")
    backend: list[str] = []
    algorithm = bal.algorithm if bal is not None else "round_robin"
    if algorithm == "least_outstanding_requests":
        notes.append(
            Note("proxy_nearest", {"format": "HAProxy", "algorithm": algorithm, "instead": "leastconn"})
        )
    if algorithm == "dns":
        backend += comment(texts.PROXY_DNS_ROUND_ROBIN, "    ")
    if algorithm == "random":
        backend += comment(texts.HAPROXY_RANDOM, "    ")
    backend.append(f"    balance {_BALANCE[algorithm]}")
    if algorithm == "ip_hash":
        backend += comment(texts.HAPROXY_CONSISTENT, "    ")
        backend.append(directive(4, "hash-type", "consistent"))
    sticky = bal is not None and bal.sticky
    if bal is not None and bal.sticky:
        backend += comment(texts.HAPROXY_STICKY.format(ttl=seconds(bal.sticky_ttl_s)), "    ")
        backend.append(
            directive(
                4, "cookie", "SERVERID", "insert", "indirect", "nocache", "maxidle", seconds(bal.sticky_ttl_s)
            )
        )
    if bal is not None:
        notes.append(Note("haproxy_dereg", {"delay": show_number(design.config.deregistration_delay_s)}))
    kind = health.kind if health is not None else "none"
    defaults = []
    if health is not None:
        interval = seconds(health.interval_s)
        if kind == "L7":
            backend += comment(texts.HAPROXY_L7.format(path=health.path, interval=interval), "    ")
            backend += [
                directive(4, "option", "httpchk"),
                directive(4, "http-check", "send", "meth", "GET", "uri", health.path),
            ]
        elif kind == "L4":
            backend += comment(texts.HAPROXY_L4.format(interval=interval), "    ")
        else:
            backend += comment(texts.HAPROXY_NO_CHECK, "    ")
        if kind != "L7":
            notes.append(Note("haproxy_path", {"path": health.path}))
        if kind != "none":
            notes.append(Note("haproxy_fail_closed"))
        backend += comment(texts.HAPROXY_TIMEOUT, "    ")
        backend.append(directive(4, "timeout", "check", seconds(health.probe_timeout_s)))
        defaults += [
            f"inter {interval}",
            f"rise {health.healthy_threshold}",
            f"fall {health.unhealthy_threshold}",
        ]
    if scaling is not None and scaling.warmup_s > 0:
        backend += comment(texts.HAPROXY_SLOWSTART.format(warmup=seconds(scaling.warmup_s)), "    ")
        defaults.append(f"slowstart {seconds(scaling.warmup_s)}")
    if defaults:
        backend.append("    default-server " + " ".join(defaults))
    if scaling is not None and scaling.policy != "none":
        backend += comment(texts.PROXY_GROUP_SERVERS.format(count=count), "    ")
    for i, name in enumerate(server_names(count), start=1):
        extra = (" check" if kind != "none" else "") + (f" cookie {name}" if sticky else "")
        backend.append(f"    server {name} {placeholder_address(i)}:{target}{extra}")
    client = seconds(design.config.timeout_s)
    lines = [
        *head(design, "HAProxy", CHECK),
        "",
        "global",
        "",
        "defaults",
        *comment(texts.HAPROXY_MODE, "    "),
        directive(4, "mode", "http"),
        directive(4, "timeout", "connect", seconds(CONNECT_S)),
        directive(4, "timeout", "client", client),
        directive(4, "timeout", "server", client),
        "",
        directive(0, "frontend", "www"),
        f"    bind :{listen}",
        f"    default_backend {BACKEND}",
        "",
        f"backend {BACKEND}",
        *backend,
    ]
    files = {FILE: lines_text(lines)}
    spec = design.config.ingest
    if spec is None:
        return Export(files, tuple(notes))
    files.update(_ingest(design, spec, notes))
    notes += ingest_notes(design, "HAProxy")
    pair = sorted(f for f in files if f.startswith("keepalived-"))
    checks = [INGEST_CHECK, *(" ".join(("keepalived", "-t", "-f", f)) for f in pair)]
    return Export(files, tuple(notes), tuple(checks))


def _ingest(design: Design, spec: IngestSpec, notes: list[Note]) -> dict[str, str]:
    """The ingest tier's L4 balancer as its nodes' own ``haproxy-ingest.cfg`` (``mode tcp``, TLS
    passed through), and with a standby, each node's ``keepalived.conf``."""
    bal = spec.balancer
    port = ingesttier.port(spec)
    idle = ingesttier.idle_s(spec)
    nodes = list(ingesttier.NODES[: bal.nodes])
    interval = seconds(bal.check_interval_s)
    backend = [f"    balance {_BALANCE[bal.algorithm]}",
               *comment(texts.INGEST_HAPROXY_CHECK.format(interval=interval, rise=bal.rise, fall=bal.fall),
                        "    "),
               directive(4, "timeout", "check", seconds(bal.check_timeout_s)),
               directive(4, "default-server", "inter", interval, "rise", bal.rise, "fall", bal.fall)]
    backend += [f"    server {name} {ingesttier.comm_address(i)}:{port} check"
                for i, name in enumerate(ingesttier.comm_names(spec), start=1)]
    lines = [
        *ingest_head(design, spec, "HAProxy", INGEST_CHECK, FILE),
        "",
        "global",
        "",
        "defaults",
        directive(4, "mode", "tcp"),
        directive(4, "option", "tcpka"),
        directive(4, "timeout", "connect", seconds(CONNECT_S)),
        *ingest_idle_comment(spec, "    "),
        directive(4, "timeout", "client", seconds(idle)),
        directive(4, "timeout", "server", seconds(idle)),
        "",
        directive(0, "frontend", "devices"),
        *ingest_port_comment(spec, "    "),
        f"    bind :{port}",
        f"    default_backend {INGEST_BACKEND}",
        "",
        f"backend {INGEST_BACKEND}",
        *backend,
    ]
    files = {INGEST_FILE: lines_text(lines)}
    if bal.nodes > 1:
        for i, node in enumerate(nodes):
            files[f"keepalived-{node}.conf"] = _keepalived(spec, node, i)
        notes.append(Note("ingest_keepalived", {
            "files": ", ".join(f"keepalived-{n}.conf" for n in nodes), "file": INGEST_FILE,
            "advert": show_number(bal.advert_int_s)}))
    notes.insert(0, Note("ingest_files", {"file": INGEST_FILE}))
    return files


def _keepalived(spec: IngestSpec, node: str, i: int) -> str:
    """One node's keepalived.conf (keepalived.conf(5)): a VRRP instance holding the shared
    address, ``state`` and ``priority`` by node, and a ``vrrp_track_process`` that gives the
    address up (weight 0: FAULT) when no HAProxy process runs. keepalived watches the process
    itself (2.0.11+): no script, so nothing to install (``killall`` is psmisc's) and no
    ``enable_script_security``."""
    bal = spec.balancer
    primary = i == 0
    state = "MASTER" if primary and bal.preempt else "BACKUP"
    role = texts.ROLE_PRIMARY if primary else texts.ROLE_STANDBY
    check = " ".join(("keepalived", "-t", "-f", f"keepalived-{node}.conf"))
    lines = [
        *comment(texts.KEEPALIVED_HEAD.format(node=node, role=role, check=check)),
        *comment(texts.KEEPALIVED_PLACEHOLDERS),
        "",
        "vrrp_track_process chk_haproxy {",
        *comment(texts.KEEPALIVED_SCRIPT, "    "),
        directive(4, "process", "haproxy"),
        "    weight 0",
        "}",
        "",
        "vrrp_instance ingest {",
        f"    state {state}",
        "    interface eth0",
        f"    virtual_router_id {ingesttier.VIRTUAL_ROUTER_ID}",
        f"    priority {bal.priorities[i]}",
        f"    advert_int {show_number(bal.advert_int_s)}",
        *([] if bal.preempt else ["    nopreempt"]),
        "    virtual_ipaddress {",
        "        10.0.9.100",
        "    }",
        "    track_process {",
        "        chk_haproxy",
        "    }",
        "}",
    ]
    return lines_text(lines)


# ---- reading: lines and sections ---------------------------------------------------------------
def claims(name: str, text: str) -> bool:
    """HAProxy's: a line at column 0 opening one of its sections; or the keepalived.conf of an
    HAProxy pair (a ``vrrp_instance`` block), which the ingest export writes beside it."""
    return (
        re.search(
            r"(?m)^(?:(?:backend|frontend|listen)[ \t]+\S|(?:global|defaults)[ \t]*(?:$|#|[ \t]+\S))", text
        )
        is not None
    ) or _KEEPALIVED.search(text) is not None


_KEEPALIVED = re.compile(r"(?m)^[ \t]*vrrp_instance[ \t]+\S+[ \t]*\{")
#: keepalived.conf keywords that are a pair's wiring (addresses, names, the node's own state and
#: priority, the tracking script), passed by in silence; ``advert_int`` is read
_KEEPALIVED_WIRING = frozenset({"global_defs", "vrrp_script", "vrrp_track_process", "vrrp_instance", "state",
                                "interface", "virtual_router_id", "priority", "virtual_ipaddress",
                                "track_script", "track_process", "script", "process", "param_match",
                                "quorum", "delay", "interval", "weight", "fall", "rise",
                                "enable_script_security", "script_user", "router_id", "authentication",
                                "auth_type", "auth_pass", "unicast_src_ip", "unicast_peer", "}", "{"})


def _keepalived_unmodelled(key: str, args: list[str]) -> bool:
    """A keepalived line the game does not model: an advert other than 1 s, or a keyword that is
    neither wiring nor an address inside a block."""
    if key == "advert_int":
        return args != ["1"]
    return key not in _KEEPALIVED_WIRING and re.fullmatch(r"[0-9a-fA-F.:/]+", key) is None


def _read_keepalived(name: str, text: str) -> Imported:
    """A keepalived.conf: a VRRP instance is the ingest tier's standby pair (``ingest.standby``);
    an advert interval other than 1 s and ``nopreempt`` are the engine's but no knob's."""
    found = Imported()
    lines = [raw.split("#", 1)[0].split("!", 1)[0].split() for raw in text.splitlines()]
    scripts = {words[1] for words in lines
               if len(words) > 1 and words[0] in ("vrrp_script", "vrrp_track_process")}
    for number, words in enumerate(lines, start=1):
        if not words or words[0] in scripts:  # a tracked script's or process's name
            continue
        where = Where(name, number)
        key = words[0]
        if key == "vrrp_instance" and "ingest.standby" not in found.settings:
            found.set("ingest.standby", True, where)
        elif _keepalived_unmodelled(key, words[1:]):
            found.skip(where, " ".join(words), "not_modelled")
    return found


@dataclass
class _Line:
    where: Where
    words: list[str]

    @property
    def text(self) -> str:
        return " ".join(self.words)


@dataclass
class _Section:
    kind: str
    name: str
    where: Where
    lines: list[_Line] = field(default_factory=list)


def words_of(line: str, where: Where) -> list[str]:
    """A line's words as HAProxy splits them: blanks separate, ``#`` starts a comment, double
    quotes group (with backslash escapes inside), single quotes group literally, a backslash
    escapes the next character."""
    out: list[str] = []
    word: list[str] = []
    has_word = False
    i, n = 0, len(line)
    while i < n:
        c = line[i]
        if c in " \t\r":
            if has_word:
                out.append("".join(word))
                word, has_word = [], False
        elif c == "#":
            break
        elif c == "\\" and i + 1 < n:
            word.append(line[i + 1])
            has_word = True
            i += 1
        elif c in "\"'":
            end = i + 1
            while end < n and line[end] != c:
                if c == '"' and line[end] == "\\" and end + 1 < n:
                    end += 1
                word.append(line[end])
                end += 1
            if end >= n:
                raise ConfigError(where, texts.HAPROXY_QUOTE)
            has_word = True
            i = end
        else:
            word.append(c)
            has_word = True
        i += 1
    if has_word:
        out.append("".join(word))
    return out


def sections_of(name: str, text: str) -> list[_Section]:
    """The file's sections, each with its lines. A line at column 0 opens a section and must
    name one; an indented line belongs to the section above."""
    out: list[_Section] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        where = Where(name, number)
        words = words_of(raw, where)
        if not words:
            continue
        first = words[0]
        if first in SECTIONS or first in OTHER_SECTIONS:
            out.append(_Section(first, words[1] if len(words) > 1 else "", where))
        elif not raw[:1].isspace():
            raise ConfigError(where, texts.HAPROXY_SECTION.format(word=first, sections=", ".join(SECTIONS)))
        elif not out:
            raise ConfigError(where, texts.HAPROXY_OUTSIDE.format(word=first))
        else:
            out[-1].lines.append(_Line(where, words))
    return out


# ---- reading: what a backend says --------------------------------------------------------------
@dataclass(frozen=True)
class _Server:
    """A server's settings, starting from ``default-server``'s."""

    where: Where | None = None
    text: str = ""
    port: int | None = None
    check: bool = False
    inter: float = INTER_S
    rise: int = RISE
    fall: int = FALL
    slowstart: float = 0.0
    weight: int = 1
    serving: bool = True


@dataclass
class _Backend:
    """What a backend's lines (after its defaults') have said so far."""

    algorithm: tuple[str, Where] | None = None
    #: a ``balance`` the game cannot model was read (so no algorithm is said)
    unmodelled_balance: bool = False
    sticky: Where | None = None
    httpchk: Where | None = None
    path: tuple[str, Where] | None = None
    timeout_check: tuple[float, Where] | None = None
    default: _Server = _Server()
    servers: list[_Server] = field(default_factory=list)


def read(name: str, text: str) -> Imported:
    if _KEEPALIVED.search(text) is not None:
        return _read_keepalived(name, text)
    found = Imported()
    sections = sections_of(name, text)
    defaults_of = _defaults_before(sections)
    ingest = next((s for s in sections if _is_ingest(s, defaults_of.get(id(s)))), None)
    chosen = _chosen([s for s in sections if s is not ingest])
    defaults: _Section | None = None
    for s in sections:
        if s.kind == "defaults":
            defaults = s
        elif s.kind in OTHER_SECTIONS:
            found.skip(s.where, f"{s.kind} {s.name}".strip(), "section")
        elif s is ingest:
            _read_ingest(found, s, defaults)
        elif s.kind in ("backend", "listen") and s is not chosen:
            found.skip(s.where, f"{s.kind} {s.name}", "other_backend", backend=chosen.name if chosen else "")
        elif s.kind in IGNORED_SECTIONS:
            continue
        elif s.kind == "frontend":
            for line in s.lines:
                _frontend_line(found, line)
        elif s is chosen:
            backend = _Backend()
            for line in defaults.lines if defaults else []:
                _backend_line(found, backend, line, in_defaults=True)
            for line in s.lines:
                _backend_line(found, backend, line, in_defaults=False)
            _settings(found, backend, s)
    found.skipped.sort(key=lambda k: k.where.line)
    return found


def _defaults_before(sections: list[_Section]) -> dict[int, _Section]:
    """Each proxy's ``defaults`` section: the last one above it."""
    out: dict[int, _Section] = {}
    last: _Section | None = None
    for s in sections:
        if s.kind == "defaults":
            last = s
        elif last is not None:
            out[id(s)] = last
    return out


def _mode(section: _Section, defaults: _Section | None) -> str:
    for lines in (section.lines, defaults.lines if defaults else []):
        modes = [line.words[1] for line in lines if line.words[0] == "mode" and len(line.words) > 1]
        if modes:
            return modes[-1]
    return "tcp"  # HAProxy's default mode


def _is_ingest(section: _Section, defaults: _Section | None) -> bool:
    """Level 9's comm servers: a backend in ``mode tcp`` named ``comm`` or with ``comm-N`` servers
    (as the export writes them)."""
    if section.kind not in ("backend", "listen") or _mode(section, defaults) != "tcp":
        return False
    servers = [line.words[1] for line in section.lines if line.words[0] == "server" and len(line.words) > 1]
    return section.name == INGEST_BACKEND or any(n.startswith(ingesttier.COMM_PREFIX) for n in servers)


def _read_ingest(found: Imported, section: _Section, defaults: _Section | None) -> None:
    """The ingest tier's backend: ``balance`` as ``ingest.lb_algorithm`` (round robin or least
    connections), its serving servers as ``ingest.comm_count``, the first one's ``inter`` as the
    TCP check's interval (rise and fall other than 2 and 3 are reported)."""
    backend = _Backend()
    for line in defaults.lines if defaults else []:
        _backend_line(found, backend, line, in_defaults=True)
    for line in section.lines:
        _backend_line(found, backend, line, in_defaults=False)
    here = section.where
    algorithm, at = backend.algorithm or (None if backend.unmodelled_balance else "round_robin", here)
    if algorithm in ("round_robin", "least_conn"):
        found.set("ingest.lb_algorithm", algorithm, at)
    elif algorithm is not None:  # source (ip_hash), random: the line as written
        written = next((ln.text for ln in section.lines if ln.where == at), f"balance {algorithm}")
        found.skip(at, written, "ingest_balance")
    found.set("ingest.comm_count", len(backend.servers), here)
    if not backend.servers:
        return
    first = backend.servers[0]
    where = first.where or here
    if first.check:
        found.set("ingest.check_interval_s", first.inter, where)
    if (first.rise, first.fall) != (ingesttier.RISE, ingesttier.FALL):
        found.skip(where, first.text or section.name, "ingest_threshold")


def _chosen(sections: list[_Section]) -> _Section | None:
    """The backend the traffic goes to: a frontend's ``default_backend`` (the first that names
    one that exists), else the first ``listen`` or backend with servers, else the first."""
    proxies = [s for s in sections if s.kind in ("backend", "listen")]
    by_name = {s.name: s for s in proxies}
    for s in sections:
        if s.kind in ("frontend", "listen"):
            for line in s.lines:
                if line.words[0] == "default_backend" and len(line.words) > 1 and line.words[1] in by_name:
                    return by_name[line.words[1]]
    with_servers = [s for s in proxies if any(line.words[0] == "server" for line in s.lines)]
    return next(iter(with_servers or proxies), None)


def _frontend_line(found: Imported, line: _Line) -> None:
    word = line.words[0]
    if word == "use_backend":
        found.skip(line.where, line.text, "use_backend")
    elif (word == "option" and len(line.words) > 1 and line.words[1] in IGNORED_OPTIONS) or (
        word == "timeout" and len(line.words) > 1 and line.words[1] in IGNORED_TIMEOUTS
    ):
        pass
    elif word not in IGNORED:
        found.skip(line.where, line.text, "not_modelled")


def _backend_line(found: Imported, b: _Backend, line: _Line, in_defaults: bool) -> None:
    words, where = line.words, line.where
    word, args = words[0], words[1:]
    if word == "balance":
        _balance(found, b, line)
    elif word == "cookie":
        b.sticky = where
    elif word == "hash-type":
        pass  # consistent or map-based: the game's ip_hash is the nearest either way
    elif word == "option" and args[:1] == ["httpchk"]:
        b.httpchk = where
        if len(args) == 2:  # option httpchk <uri>
            b.path = (args[1], where)
        elif len(args) >= 3:  # option httpchk <method> <uri> [<version>]
            b.path = (args[2], where)
            if args[1] != "GET" or len(args) > 3:
                found.skip(where, line.text, "check_method")
    elif word == "http-check" and args[:1] == ["send"]:
        _check_send(found, b, line)
    elif word == "timeout" and args[:1] == ["check"]:
        b.timeout_check = (_time(where, _value(line, 2)), where)
    elif word == "default-server":
        b.default = _server_params(found, line, args, replace(b.default, where=where))
    elif word == "server" and not in_defaults:
        _server(found, b, line)
    elif (word == "option" and args[:1] and args[0] in IGNORED_OPTIONS) or (
        word == "timeout" and args[:1] and args[0] in IGNORED_TIMEOUTS
    ):
        pass
    elif word not in IGNORED:
        found.skip(where, line.text, "not_modelled")


def _value(line: _Line, i: int) -> str:
    if len(line.words) <= i:
        raise ConfigError(line.where, texts.HAPROXY_VALUE.format(keyword=" ".join(line.words[:i])))
    return line.words[i]


def _balance(found: Imported, b: _Backend, line: _Line) -> None:
    algo = _value(line, 1)
    draws = re.fullmatch(r"random(?:\((\d+)\))?", algo)
    if draws is not None:
        b.algorithm = ("random", line.where)
        if draws.group(1) != "1":  # plain random draws 2
            found.skip(line.where, line.text, "random_two", draws=draws.group(1) or "2")
    elif algo in _READ_BALANCE:
        b.algorithm = (_READ_BALANCE[algo], line.where)
    else:  # uri, url_param, hdr(), rdp-cookie(), first, hash: keyed on what the game lacks
        b.algorithm, b.unmodelled_balance = None, True
        found.skip(line.where, line.text, "not_modelled")


def _check_send(found: Imported, b: _Backend, line: _Line) -> None:
    """``http-check send [meth <m>] [uri <u>] [ver <v>] [hdr <n> <v>]* [body <s>]``."""
    args, i = line.words[2:], 0
    others = []
    while i < len(args):
        key = args[i]
        if key == "uri" and i + 1 < len(args):
            b.path = (args[i + 1], line.where)
            i += 2
        elif key == "meth" and i + 1 < len(args) and args[i + 1] == "GET":
            i += 2
        else:
            others.append(key)
            i += 1
    if others:
        found.skip(line.where, line.text, "check_method")


def _server(found: Imported, b: _Backend, line: _Line) -> None:
    """``server <name> <address>[:port] [params]``."""
    if len(line.words) < 3:
        raise ConfigError(
            line.where, texts.HAPROXY_NO_ADDRESS.format(name=line.words[1] if len(line.words) > 1 else "?")
        )
    address = line.words[2]
    server = _server_params(found, line, line.words[3:], replace(b.default, where=line.where, text=line.text))
    if address.startswith(("unix@", "/", "abns@")):
        found.skip(line.where, line.text, "unix_socket")
        return
    m = re.search(r":(\d+)$", address)
    if m is None:
        found.skip(line.where, line.text, "no_port")
    else:
        server = replace(server, port=int(m.group(1)))
    if server.serving:
        b.servers.append(server)


def _server_params(found: Imported, line: _Line, params: list[str], server: _Server) -> _Server:
    i = 0
    name = " ".join(line.words[:3] if line.words[0] == "server" else line.words[:1])
    while i < len(params):
        key = params[i]
        value = params[i + 1] if key in _VALUED and i + 1 < len(params) else None
        if key in _VALUED and value is None:
            raise ConfigError(line.where, texts.HAPROXY_VALUE.format(keyword=key))
        i += 2 if value is not None else 1
        if key == "check":
            server = replace(server, check=True)
        elif key == "no-check":
            server = replace(server, check=False)
        elif key == "inter":
            server = replace(server, inter=_time(line.where, value or ""))
        elif key == "slowstart":
            server = replace(server, slowstart=_time(line.where, value or ""))
        elif key == "rise":
            server = replace(server, rise=_whole(line.where, value or ""))
        elif key == "fall":
            server = replace(server, fall=_whole(line.where, value or ""))
        elif key == "weight":
            server = replace(server, weight=_whole(line.where, value or ""))
        elif key in ("backup", "disabled"):
            found.skip(line.where, f"{name} {key}", "backup" if key == "backup" else "down")
            server = replace(server, serving=False)
        elif key in ("enabled", "cookie"):
            pass  # the default state; a persistence cookie's value (the backend's cookie says sticky)
        else:
            found.skip(line.where, " ".join((name, key, *([value] if value else []))), "not_modelled")
    return server


def _settings(found: Imported, b: _Backend, section: _Section) -> None:
    """The backend's settings in the knobs' words, from its first serving server (the others'
    differences are listed)."""
    here = section.where
    if b.algorithm is not None:
        found.set("lb.algorithm", b.algorithm[0], b.algorithm[1])
    elif not b.unmodelled_balance:
        found.set("lb.algorithm", "round_robin", here)  # HAProxy's default
    found.set("lb.sticky", b.sticky is not None, b.sticky or here)
    found.set("web.count", len(b.servers), here)
    found.set("asg.desired", len(b.servers), here)
    if not b.servers:
        return
    first = b.servers[0]
    where = first.where or here
    for other in b.servers[1:]:
        for what in ("port", "check", "inter", "rise", "fall", "slowstart"):
            if getattr(other, what) != getattr(first, what):
                found.skip(other.where or here, other.text, "differs", what=what)
    if len({s.weight for s in b.servers}) > 1:
        found.skip(where, first.text, "weights")
    if first.port is not None:
        found.set("lb.target_port", first.port, where)
    kind = "none" if not first.check else "L7" if b.httpchk is not None else "L4"
    found.set("health.kind", kind, b.httpchk if kind == "L7" and b.httpchk else where)
    if kind == "L7":
        path, at = b.path or ("/", b.httpchk or where)
        found.set("health.path", path, at)
    found.set("health.interval_s", first.inter, where)
    found.set("health.healthy_threshold", first.rise, where)
    found.set("health.unhealthy_threshold", first.fall, where)
    timeout, at = b.timeout_check or (first.inter, where)  # "inter" is the timeout without "timeout check"
    found.set("health.timeout_s", timeout, at)
    found.set("asg.warmup_s", first.slowstart, where)


def _time(where: Where, value: str) -> float:
    """A HAProxy time (``2s``, ``2000ms``, ``2000``: milliseconds without a unit) in seconds."""
    m = _TIME.match(value)
    if m is None:
        raise ConfigError(where, texts.PROXY_TIME.format(value=value, units=", ".join(_UNITS)))
    times, per = _UNITS[m.group(2) or "ms"]
    return int(m.group(1)) * times / per


def _whole(where: Where, value: str) -> int:
    if not value.isdigit():
        raise ConfigError(where, texts.PROXY_WHOLE.format(value=value))
    return int(value)


FORMAT = Format("haproxy", CARRIES, write, claims, read, CHECK)
