"""The design's balancer as open-source nginx (``nginx.conf``), and nginx files read back.

Mapping rules, each from the nginx documentation (nginx.org/en/docs/http/ngx_http_upstream_module.html
and ngx_http_proxy_module.html):

- ``lb.algorithm``: ``round_robin`` is nginx's default (no directive); ``least_conn`` →
  ``least_conn;``; ``random`` → ``random;`` (open source since 1.15.1); ``ip_hash`` →
  ``ip_hash;``. ``least_outstanding_requests`` has no twin: ``least_conn`` (fewest active
  connections) is the nearest and is written, so it reads back as ``least_conn``; ``dns`` is no
  balancer's method: round robin is written and the README says so. Read back: the four names
  above, and ``hash $remote_addr`` / ``hash $binary_remote_addr [consistent]`` as ``ip_hash``.
  Because of ``dns``, ``lb.algorithm`` is not in :data:`CARRIES` (the four nginx names come
  back exactly: the tests check them one by one).
- Checks. Open-source nginx has passive checks only: ``max_fails`` failed attempts within
  ``fail_timeout`` take a server out for ``fail_timeout`` (defaults ``max_fails=1
  fail_timeout=10s``). The design's active check maps as ``max_fails = unhealthy threshold``
  and ``fail_timeout = interval × unhealthy threshold`` (the time the active check needs to
  see that many failures); read back, ``interval = fail_timeout / max_fails``. What counts as a
  failed attempt is ``proxy_next_upstream``: errors and timeouts always (an L4 check's
  meaning), 5xx answers only when listed (so an L7 check writes ``http_500 http_502 http_503
  http_504``). The check's timeout is ``proxy_connect_timeout`` (default 60 s), and for an L7
  check ``proxy_read_timeout`` too: a hung app accepts the connection and never answers, and
  only a read timeout counts that as a failed attempt (a client that gives up first, with its
  499, does not). A design
  without a check writes ``max_fails=0``, which "disables the accounting of attempts". Passive
  checks let a server back after ``fail_timeout`` with one good answer: a healthy threshold
  of 1, read as such; a design's own threshold is noted. Active checks (``health_check``) and
  ``sticky cookie`` are NGINX Plus: written as comments, read when a Plus file has them.
- ``web.count`` (and ``asg.desired``, the group's size at the start): one ``server`` line per
  web server, at placeholder addresses on ``lb.target_port``.

What the file cannot say (a balancer pair, DNS balancing, the group's policy, stickiness in open
source, the database and storage) goes into the README's notes.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import crossplane
from crossplane.errors import NgxParserBaseException  # type: ignore[import-untyped]

from scaleout_tui.content.decode import show_number
from scaleout_tui.deploy import haproxy, ingesttier, texts
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

FILE = "nginx.conf"
UPSTREAM = "web"
CHECK = " ".join(("nginx", "-t", "-p", "./", "-c", FILE, "-e", "stderr"))
#: the ingest tier's balancer nodes' own file (level 9), its upstream, and its check
INGEST_FILE = "nginx-ingest.conf"
INGEST_UPSTREAM = "comm"
INGEST_CHECK = " ".join(("nginx", "-t", "-p", "./", "-c", INGEST_FILE, "-e", "stderr"))
#: where Debian and Ubuntu install the stream module (libnginx-mod-stream), loaded by ``-g``
STREAM_MODULE = "/usr/lib/nginx/modules/ngx_stream_module.so"
INGEST_LOAD = f"-g 'load_module {STREAM_MODULE};'"
#: the settings a written nginx.conf gives back exactly, whatever the design
CARRIES = (frozenset({"web.count", "asg.desired", "lb.target_port", "health.kind"})
           | ingesttier.BALANCER_SETTINGS)

#: nginx's own defaults (ngx_http_upstream_module: "max_fails=1", "fail_timeout=10s";
#: ngx_http_proxy_module: "proxy_connect_timeout 60s"; NGINX Plus health_check: "interval=5",
#: "fails=1", "passes=1", "uri=/")
MAX_FAILS = 1
FAIL_TIMEOUT_S = 10.0
CONNECT_TIMEOUT_S = 60.0
PLUS_INTERVAL_S = 5.0
#: what an L7 check counts as failed besides errors and timeouts (proxy_next_upstream)
_L7_CASES = ("http_500", "http_502", "http_503", "http_504")
_METHODS = {
    "least_conn": "least_conn",
    "least_outstanding_requests": "least_conn",
    "random": "random",
    "ip_hash": "ip_hash",
}
#: a ``hash`` key that is the client's address: ``ip_hash`` in the game's words
_CLIENT_KEYS = ("$remote_addr", "$binary_remote_addr")
#: nginx time units (nginx.org/en/docs/syntax.html); no unit means seconds
_UNITS = {
    "ms": (1, 1000),
    "s": (1, 1),
    "m": (60, 1),
    "h": (3600, 1),
    "d": (86400, 1),
    "w": (604800, 1),
    "M": (2592000, 1),
    "y": (31536000, 1),
}
_TIME = re.compile(r"(\d+)(ms|s|m|h|d|w|M|y)?")

#: blocks whose directives are read one by one
_OPEN_BLOCKS = frozenset({"http", "server", "location", "stream"})
#: directives (and blocks) that carry nothing the game models, so an import passes them by in
#: silence: processes and logs, names and certificates, MIME types, buffers and compression,
#: timeouts of the client side, headers passed on, connection caches
IGNORED = frozenset({"user", "worker_processes", "worker_rlimit_nofile", "worker_cpu_affinity", "pid",
                     "error_log", "load_module", "daemon", "master_process", "pcre_jit", "thread_pool", "env",
                     "events", "access_log", "log_format", "open_log_file_cache", "types", "default_type",
                     "types_hash_max_size", "types_hash_bucket_size", "server_names_hash_bucket_size",
                     "server_names_hash_max_size", "sendfile", "tcp_nopush", "tcp_nodelay", "aio", "directio",
                     "output_buffers", "keepalive_timeout", "keepalive_requests", "keepalive",
                     "keepalive_time", "zone", "server_tokens", "charset", "source_charset",
                     "client_max_body_size", "client_body_buffer_size", "client_header_buffer_size",
                     "large_client_header_buffers", "client_body_timeout", "client_header_timeout",
                     "send_timeout", "reset_timedout_connection", "resolver", "resolver_timeout", "listen",
                     "server_name", "root", "index", "try_files", "autoindex", "add_header",
                     "ssl_certificate", "ssl_certificate_key", "ssl_protocols", "ssl_ciphers",
                     "ssl_prefer_server_ciphers", "ssl_session_cache", "ssl_session_timeout",
                     "ssl_session_tickets", "ssl_dhparam", "ssl_stapling", "ssl_stapling_verify",
                     "ssl_trusted_certificate", "ssl_ecdh_curve", "gzip", "gzip_vary", "gzip_proxied",
                     "gzip_comp_level", "gzip_buffers", "gzip_http_version", "gzip_types", "gzip_min_length",
                     "gzip_disable", "proxy_set_header", "proxy_http_version", "proxy_buffering",
                     "proxy_buffers", "proxy_buffer_size", "proxy_busy_buffers_size", "proxy_read_timeout",
                     "proxy_send_timeout", "proxy_redirect", "proxy_pass_header", "proxy_hide_header",
                     "proxy_intercept_errors", "proxy_request_buffering", "client_body_temp_path",
                     "proxy_temp_path", "fastcgi_temp_path", "uwsgi_temp_path", "scgi_temp_path",
                     "real_ip_header", "set_real_ip_from", "real_ip_recursive"})
#: server parameters the game does not model, and why (``max_conns`` caps, Plus extras)
_SERVER_PLUS = ("slow_start", "resolve", "service", "route", "drain", "max_conns")


# ---- writing -----------------------------------------------------------------------------------
def write(design: Design) -> Export:
    listen, target = ports(design)
    count = design.config.fleet.web_count
    bal, health = design.config.balancer, design.config.health
    notes = common_notes(design, "nginx")
    upstream: list[str] = []
    if bal is not None:
        method = _METHODS.get(bal.algorithm)
        if bal.algorithm == "least_outstanding_requests":
            upstream += comment(
                texts.NGINX_NEAREST.format(algorithm=bal.algorithm, instead=method), "        "
            )
            notes.append(
                Note("proxy_nearest", {"format": "nginx", "algorithm": bal.algorithm, "instead": method})
            )
        if bal.algorithm == "dns":
            upstream += comment(texts.PROXY_DNS_ROUND_ROBIN, "        ")
        if method is not None:
            upstream.append(f"        {method};")
        if bal.sticky:
            upstream += comment(texts.NGINX_PLUS_STICKY, "        ")
            upstream.append(
                directive(8, "#", "sticky", "cookie", "srv_id", f"expires={seconds(bal.sticky_ttl_s)};")
            )
            notes.append(Note("nginx_sticky"))
        notes.append(Note("nginx_dereg", {"delay": show_number(design.config.deregistration_delay_s)}))
    params = ""
    location: list[str] = []
    if health is not None:
        if health.kind == "none":
            params = " max_fails=0"
            upstream += comment(texts.NGINX_NO_CHECK, "        ")
            notes.append(Note("nginx_no_check_settings", {"interval": show_number(health.interval_s)}))
        else:
            window = seconds(health.interval_s * health.unhealthy_threshold)
            params = f" max_fails={health.unhealthy_threshold} fail_timeout={window}"
            upstream += comment(
                texts.NGINX_PASSIVE.format(fails=health.unhealthy_threshold, window=window), "        "
            )
            if health.kind == "L7":
                location += comment(texts.NGINX_L7, "            ")
                location.append(
                    "            " + " ".join(("proxy_next_upstream", "error", "timeout", *_L7_CASES)) + ";"
                )
                location += comment(texts.NGINX_PLUS_CHECK, "            ")
                location.append(
                    f"            # health_check uri={health.path} interval={seconds(health.interval_s)}"
                    f" fails={health.unhealthy_threshold} passes={health.healthy_threshold};"
                )
                notes.append(
                    Note(
                        "nginx_plus_check",
                        {
                            "kind": health.kind,
                            "path": health.path,
                            "interval": show_number(health.interval_s),
                        },
                    )
                )
            else:
                location += comment(texts.NGINX_L4, "            ")
            location += comment(texts.NGINX_TIMEOUT, "            ")
            location.append(f"            proxy_connect_timeout {seconds(health.timeout_s)};")
            if health.kind == "L7":
                location += comment(texts.NGINX_READ_TIMEOUT, "            ")
                location.append(f"            proxy_read_timeout {seconds(health.timeout_s)};")
            if health.healthy_threshold != 1:
                notes.append(Note("nginx_healthy", {"healthy": health.healthy_threshold}))
    if design.config.scaling is not None and design.config.scaling.policy != "none":
        upstream += comment(texts.PROXY_GROUP_SERVERS.format(count=count), "        ")
    upstream += [
        f"        server {placeholder_address(i)}:{target}{params};  # {name}"
        for i, name in enumerate(server_names(count), start=1)
    ]
    lines = [
        *head(design, "nginx", CHECK),
        "",
        *comment(texts.NGINX_PREFIX),
        "pid nginx.pid;",
        "error_log error.log;",
        "",
        "events {}",
        "",
        "http {",
        "    access_log access.log;",
        *(
            f"    {kind}_temp_path {kind}_temp;"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        ),
        "",
        f"    upstream {UPSTREAM} {{",
        *upstream,
        "    }",
        "",
        "    server {",
        f"        listen {listen};",
        "",
        "        location / {",
        f"            proxy_pass http://{UPSTREAM};",
        *location,
        "        }",
        "    }",
        "}",
    ]
    files = {FILE: lines_text(lines)}
    spec = design.config.ingest
    if spec is not None:
        files[INGEST_FILE] = _ingest(design, spec)
        notes.insert(0, Note("ingest_files", {"file": INGEST_FILE}))
        notes.append(Note("ingest_nginx_plus", {"interval": show_number(spec.balancer.check_interval_s),
                                                "rise": spec.balancer.rise, "fall": spec.balancer.fall}))
        if spec.balancer.nodes > 1:
            notes.append(Note("ingest_pair", {"file": INGEST_FILE, "format": "nginx",
                                              "advert": show_number(spec.balancer.advert_int_s)}))
        notes += ingest_notes(design, "nginx")
    return Export(files, tuple(notes), (INGEST_CHECK,) if spec is not None else ())


def _ingest(design: Design, spec: IngestSpec) -> str:
    """The ingest tier's L4 balancer as its nodes' own ``nginx-ingest.conf``: a ``stream`` block
    (ngx_stream_upstream_module, ngx_stream_proxy_module) with TLS passed through (no ``ssl`` on
    ``listen``), passive checks as the web tier's (``max_fails`` = fall, ``fail_timeout`` =
    interval × fall), and ``proxy_timeout`` above the devices' message period."""
    bal = spec.balancer
    port = ingesttier.port(spec)
    idle = ingesttier.idle_s(spec)
    window = seconds(bal.check_interval_s * bal.fall)
    upstream = [*comment(texts.INGEST_NGINX_CHECK.format(fails=bal.fall, window=window,
                                                         interval=seconds(bal.check_interval_s)), "        ")]
    if bal.algorithm == "least_conn":
        upstream.append("        least_conn;")
    upstream += [f"        server {ingesttier.comm_address(i)}:{port} max_fails={bal.fall}"
                 f" fail_timeout={window};  # {name}"
                 for i, name in enumerate(ingesttier.comm_names(spec), start=1)]
    lines = [
        *ingest_head(design, spec, "nginx", INGEST_CHECK, FILE),
        "",
        *comment(texts.INGEST_NGINX_MODULE.format(load=INGEST_LOAD)),
        *comment(texts.NGINX_PREFIX),
        "pid nginx-ingest.pid;",
        "error_log error.log;",
        "",
        "events {}",
        "",
        "stream {",
        f"    upstream {INGEST_UPSTREAM} {{",
        *upstream,
        "    }",
        "",
        "    server {",
        *ingest_port_comment(spec, "        "),
        f"        listen {port};",
        f"        proxy_pass {INGEST_UPSTREAM};",
        f"        proxy_connect_timeout {seconds(bal.check_timeout_s)};",
        *ingest_idle_comment(spec, "        "),
        f"        proxy_timeout {seconds(idle)};",
        "        proxy_socket_keepalive on;",
        "    }",
        "}",
    ]
    return lines_text(lines)


# ---- reading -----------------------------------------------------------------------------------
def claims(name: str, text: str) -> bool:
    """An nginx file: an ``upstream`` or ``http`` block, or a ``.conf`` that is not HAProxy's
    (HAProxy's sections start at column 0 with their keyword)."""
    if haproxy.claims(name, text):
        return False
    return name.endswith(".conf") or re.search(r"(?m)^\s*(upstream\s+\S+|http)\s*\{", text) is not None


Stmt = dict[str, Any]


@dataclass
class _Reading:
    """One file's reading: where it is, what it found."""

    name: str
    found: Imported = field(default_factory=Imported)

    def at(self, stmt: Stmt) -> Where:
        return Where(self.name, int(stmt.get("line") or 0))

    def skip(self, stmt: Stmt, reason: str, **params: Any) -> None:
        self.found.skip(self.at(stmt), _shown(stmt), reason, **params)


def read(name: str, text: str) -> Imported:
    tree = _parse(name, text)
    r = _Reading(name)
    # the web tier's: what is not inside a stream block (that is the ingest tier's, read apart)
    web = [(s, chain) for s, chain in _walk_chains(tree) if all(c["directive"] != "stream" for c in chain)]
    upstreams = [s for s, _ in web if s["directive"] == "upstream" and s.get("args")]
    passes = [(s, chain) for s, chain in web if s["directive"] == "proxy_pass" and s.get("args")]
    names = [u["args"][0] for u in upstreams]
    # the site's own traffic: an upstream that ``location /`` proxies to, else the first proxied
    proxied = [(_proxied(p["args"][0]), chain) for p, chain in passes if _proxied(p["args"][0]) in names]
    root = [(u, chain) for u, chain in proxied if chain and chain[-1].get("args") == ["/"]]
    target = next(iter(root or proxied), None)
    chosen = target[0] if target else (names[0] if names else None)
    # the proxy directives that apply to the chosen upstream: in the block that proxies to it
    # and the blocks around it (nginx inherits them downwards; the innermost wins)
    scope = [id(b) for b in target[1]] if target else []
    found_in_scope: dict[str, tuple[int, Stmt]] = {}
    _read_blocks(r, tree, [], chosen, scope, found_in_scope)
    upstream = next((u for u in upstreams if u["args"][0] == chosen), None)
    if upstream is not None:
        _read_upstream(r, upstream, {k: v for k, (_, v) in found_in_scope.items()})
    r.found.skipped.sort(key=lambda k: k.where.line)
    return r.found


def _parse(name: str, text: str) -> list[Stmt]:
    """The file's statements, by crossplane (which reads a path: the text goes to a temporary
    file of the same name). Checks directives' contexts only in a whole configuration (one with
    an ``http`` or ``events`` block): an included piece holds an ``upstream`` at its top."""
    with tempfile.TemporaryDirectory(prefix="scaleout-nginx-") as tmp:
        path = os.path.join(tmp, os.path.basename(name) or FILE)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        parsed = _parsed(name, path, check_ctx=False)
        if any(s["directive"] in ("http", "events") for s in parsed):
            parsed = _parsed(name, path, check_ctx=True)
        return parsed


def _parsed(name: str, path: str, check_ctx: bool) -> list[Stmt]:
    """crossplane's statements of one file; its first error as a :class:`ConfigError` (crossplane
    keeps syntax errors in the payload whatever ``catch_errors`` says)."""
    try:
        payload = crossplane.parse(
            path, onerror=lambda e: e, single=True, catch_errors=False, check_ctx=check_ctx
        )
    except NgxParserBaseException as e:
        raise ConfigError(Where(name, e.lineno or 0), texts.NGINX_ERROR.format(error=e.strerror)) from None
    for error in payload["errors"]:
        cause = error.get("callback")
        reason = cause.strerror if isinstance(cause, NgxParserBaseException) else error["error"]
        raise ConfigError(Where(name, int(error.get("line") or 0)), texts.NGINX_ERROR.format(error=reason))
    return list(payload["config"][0]["parsed"])


def _walk(stmts: list[Stmt]) -> Iterator[Stmt]:
    for s in stmts:
        yield s
        yield from _walk(s.get("block") or [])


def _walk_chains(stmts: list[Stmt], chain: tuple[Stmt, ...] = ()) -> Iterator[tuple[Stmt, tuple[Stmt, ...]]]:
    """Every statement with the blocks around it, outermost first."""
    for s in stmts:
        yield s, chain
        if "block" in s:
            yield from _walk_chains(s["block"], (*chain, s))


def _proxied(url: str) -> str:
    """The host part of a ``proxy_pass`` target: ``http://web/api`` → ``web``."""
    rest = url.split("://", 1)[-1]
    return re.split(r"[/:$]", rest, maxsplit=1)[0]


def _shown(stmt: Stmt) -> str:
    return " ".join((stmt["directive"], *stmt.get("args", []))) + (" { ... }" if "block" in stmt else "")


#: directives read from the blocks that proxy to the chosen upstream
_SCOPED = ("proxy_next_upstream", "proxy_connect_timeout", "health_check")


def _read_blocks(
    r: _Reading,
    stmts: list[Stmt],
    chain: list[int],
    chosen: str | None,
    scope: list[int],
    scoped: dict[str, tuple[int, Stmt]],
) -> None:
    in_scope = chain == scope[: len(chain)]
    for s in stmts:
        d = s["directive"]
        if d == "upstream":
            if s.get("args", [None])[0] != chosen:
                r.skip(s, "other_upstream", upstream=chosen)
        elif d == "stream" and "block" in s:
            _read_stream(r, s)
        elif d in _OPEN_BLOCKS and "block" in s:
            _read_blocks(r, s["block"], [*chain, id(s)], chosen, scope, scoped)
        elif d in _SCOPED and in_scope:
            if len(chain) >= scoped.get(d, (-1, s))[0]:
                scoped[d] = (len(chain), s)
        elif d == "proxy_pass":
            continue  # read above: it chooses the upstream
        elif d == "include":
            if not s["args"][0].endswith("mime.types"):  # MIME types carry nothing for the game
                r.skip(s, "include")
        elif d not in IGNORED:
            r.skip(s, "not_modelled")


#: a stream server's directives that tune connections (timeouts, keepalive, buffers): nothing for the game
_STREAM_IGNORED = frozenset({"listen", "proxy_pass", "proxy_connect_timeout", "proxy_timeout",
                             "proxy_socket_keepalive", "proxy_buffer_size", "proxy_next_upstream",
                             "proxy_next_upstream_tries", "proxy_next_upstream_timeout", "access_log",
                             "error_log", "tcp_nodelay", "resolver", "resolver_timeout", "preread_timeout",
                             "ssl_preread"})


def _read_stream(r: _Reading, stream: Stmt) -> None:
    """A ``stream`` block: level 9's L4 balancer. Its first upstream with servers is the comm
    servers: ``least_conn`` or round robin as ``ingest.lb_algorithm``, the serving servers as
    ``ingest.comm_count``, and the passive check read as the web tier's (interval =
    ``fail_timeout`` / ``max_fails``; ``max_fails`` other than 3 is reported)."""
    chosen: Stmt | None = None
    for s in stream.get("block", []):
        d = s["directive"]
        if d == "upstream" and chosen is None and any(c["directive"] == "server" for c in s.get("block", [])):
            chosen = s
        elif d == "upstream":
            r.skip(s, "other_upstream", upstream=chosen["args"][0] if chosen else "")
        elif d == "server" and "block" in s:
            for inner in s["block"]:
                if inner["directive"] not in _STREAM_IGNORED:
                    r.skip(inner, "not_modelled")
        elif d not in IGNORED and d not in _STREAM_IGNORED:
            r.skip(s, "not_modelled")
    if chosen is None:
        return
    found, here = r.found, r.at(chosen)
    algorithm = "round_robin"
    servers: list[_Server] = []
    for s in chosen.get("block", []):
        d = s["directive"]
        if d == "server":
            server = _server(r, s)
            if server is not None:
                servers.append(server)
        elif d == "least_conn":
            algorithm = d
            found.set("ingest.lb_algorithm", d, r.at(s))
        elif d in ("hash", "random", "least_time"):
            algorithm = ""
            r.skip(s, "ingest_balance")
        elif d not in IGNORED:
            r.skip(s, "not_modelled")
    if algorithm == "round_robin":
        found.set("ingest.lb_algorithm", algorithm, here)
    found.set("ingest.comm_count", len(servers), here)
    if servers and servers[0].max_fails > 0:
        first = servers[0]
        found.set("ingest.check_interval_s", first.fail_timeout / first.max_fails, r.at(first.stmt))
        if first.max_fails != ingesttier.FALL:
            r.skip(first.stmt, "ingest_threshold")


def _read_upstream(r: _Reading, upstream: Stmt, scoped: dict[str, Stmt]) -> None:
    found, here = r.found, r.at(upstream)
    algorithm, sticky = "round_robin", False
    servers: list[Stmt] = []
    for s in upstream.get("block", []):
        d, args = s["directive"], s.get("args", [])
        if d == "server":
            servers.append(s)
        elif d in ("least_conn", "ip_hash"):
            algorithm = d
            found.set("lb.algorithm", d, r.at(s))
        elif d == "random":
            found.set("lb.algorithm", "random", r.at(s))
            algorithm = "random"
            if args[:1] == ["two"]:
                r.skip(s, "random_two", draws=2)
        elif d == "hash":
            if args and args[0] in _CLIENT_KEYS:
                algorithm = "ip_hash"
                found.set("lb.algorithm", "ip_hash", r.at(s))
            else:
                algorithm = "hash"
                r.skip(s, "hash_key", key=args[0] if args else "")
        elif d == "sticky" and args[:1] == ["cookie"]:
            sticky = True
            found.set("lb.sticky", True, r.at(s))
        elif d not in IGNORED:
            r.skip(
                s, "nginx_plus" if d in ("sticky", "least_time", "queue", "ntlm", "state") else "not_modelled"
            )
    if algorithm == "round_robin":
        found.set("lb.algorithm", algorithm, here)
    if not sticky:
        found.set("lb.sticky", False, here)
    _read_servers(r, upstream, servers, scoped)


@dataclass
class _Server:
    stmt: Stmt
    port: int | None
    max_fails: int = MAX_FAILS
    fail_timeout: float = FAIL_TIMEOUT_S


def _read_servers(r: _Reading, upstream: Stmt, stmts: list[Stmt], scoped: dict[str, Stmt]) -> None:
    found = r.found
    serving: list[_Server] = []
    for s in stmts:
        server = _server(r, s)
        if server is not None:
            serving.append(server)
    found.set("web.count", len(serving), r.at(upstream))
    found.set("asg.desired", len(serving), r.at(upstream))
    if not serving:
        return
    first = serving[0]
    for other in serving[1:]:
        for what in ("port", "max_fails", "fail_timeout"):
            if getattr(other, what) != getattr(first, what):
                r.skip(other.stmt, "differs", what=what)
    if first.port is not None:
        found.set("lb.target_port", first.port, r.at(first.stmt))
    where = r.at(first.stmt)
    if first.max_fails == 0:
        found.set("health.kind", "none", where)
    else:
        cases = scoped.get("proxy_next_upstream")
        l7 = cases is not None and any(c.startswith("http_") for c in cases.get("args", []))
        found.set("health.kind", "L7" if l7 else "L4", r.at(cases) if l7 and cases else where)
        found.set("health.unhealthy_threshold", first.max_fails, where)
        found.set("health.interval_s", first.fail_timeout / first.max_fails, where)
        found.set("health.healthy_threshold", 1, where)  # one good answer after fail_timeout
        timeout = scoped.get("proxy_connect_timeout")
        found.set(
            "health.timeout_s",
            _time(r, timeout, timeout["args"][0]) if timeout else CONNECT_TIMEOUT_S,
            r.at(timeout) if timeout else where,
        )
    check = scoped.get("health_check")
    if check is not None:
        _read_plus_check(r, check)


def _server(r: _Reading, s: Stmt) -> _Server | None:
    """One ``server`` line: its port and passive-check parameters, or ``None`` for a server
    that takes no requests (``backup``, ``down``) or is a local socket."""
    args = s.get("args", [])
    if not args:  # crossplane checks arguments only inside a whole configuration's http block
        raise ConfigError(r.at(s), texts.NGINX_NO_ADDRESS)
    address = args[0]
    if address.startswith("unix:"):
        r.skip(s, "unix_socket")
        return None
    # nginx: "If a port is not specified, the port 80 is used"; a port that is not one, nginx refuses
    host, colon, port = address.rpartition(":")
    number = 80
    if colon and not address.endswith("]"):
        # ASCII digits only (str.isdigit takes "²"), and a host before the colon (":8080" has none)
        if not host or not (port.isascii() and port.isdigit()) or not 0 < int(port) < 65536:
            raise ConfigError(r.at(s), texts.NGINX_BAD_PORT.format(address=address))
        number = int(port)
    server = _Server(s, number)
    weights = []
    for param in args[1:]:
        key, _, value = param.partition("=")
        if key == "max_fails":
            server.max_fails = _whole(r, s, value)
        elif key == "fail_timeout":
            server.fail_timeout = _time(r, s, value)
        elif key == "weight":
            weights.append(_whole(r, s, value))
        elif key in ("backup", "down"):
            r.skip(s, key)
            return None
        elif key in _SERVER_PLUS:
            r.found.skip(r.at(s), f"server {address} {param}", "nginx_plus")
        else:
            r.found.skip(r.at(s), f"server {address} {param}", "not_modelled")
    if any(w != 1 for w in weights):
        r.skip(s, "weights")
    return server


def _read_plus_check(r: _Reading, s: Stmt) -> None:
    """NGINX Plus's active check (``health_check``): it says the design's check in full."""
    found, where = r.found, r.at(s)
    values = {"interval": PLUS_INTERVAL_S, "fails": 1.0, "passes": 1.0}
    path = "/"
    for param in s.get("args", []):
        key, _, value = param.partition("=")
        if key == "uri":
            path = value
        elif key == "interval":
            values[key] = _time(r, s, value)
        elif key in ("fails", "passes"):
            values[key] = _whole(r, s, value)
        else:
            found.skip(where, f"health_check {param}", "nginx_plus")
    found.set("health.kind", "L7", where)
    found.set("health.path", path, where)
    found.set("health.interval_s", values["interval"], where)
    found.set("health.unhealthy_threshold", int(values["fails"]), where)
    found.set("health.healthy_threshold", int(values["passes"]), where)


def _time(r: _Reading, s: Stmt, value: str) -> float:
    """An nginx time (``10s``, ``1m30s``, ``500ms``; no unit: seconds) in seconds."""
    pos, total = 0, 0.0
    for m in _TIME.finditer(value):
        if m.start() != pos:
            break
        times, per = _UNITS[m.group(2) or "s"]
        total += int(m.group(1)) * times / per
        pos = m.end()
    if pos != len(value) or not value:
        raise ConfigError(r.at(s), texts.PROXY_TIME.format(value=value, units=", ".join(_UNITS)))
    return total


def _whole(r: _Reading, s: Stmt, value: str) -> int:
    if not value.isdigit():
        raise ConfigError(r.at(s), texts.PROXY_WHOLE.format(value=value))
    return int(value)


FORMAT = Format("nginx", CARRIES, write, claims, read, CHECK)
