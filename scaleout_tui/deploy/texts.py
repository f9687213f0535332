"""Every sentence of the export and the import: the README notes an export writes, the comments
inside the files it writes, why an imported directive was left out, and the one-line errors.

Why the comments are words too: they are what a person reads first in ``nginx.conf``, so a
Korean player gets them in Korean. The directives around them are syntax and stay as the tools
spell them (the writers build them from single tokens, never from sentences).

Templates use ``str.format`` with named fields; the fields are the ``params`` of a
:class:`~scaleout_tui.deploy.design.Note` or :class:`~scaleout_tui.deploy.design.Skipped`.
"""

from __future__ import annotations

from scaleout_tui import i18n

# ---- the export's README -------------------------------------------------------------------------
README_TITLE = "{level}: {format} configuration"
README_WRITTEN_BY = "Written by scaleout from the level {level} with these knob values:"
README_FILES = "Files"
README_NOTES = "What these files cannot say"
README_NO_NOTES = "Nothing: every setting of this design is in the files."
README_CHECK = "Check"

#: a note's sentence, by code (``Note.code``); the writers add theirs
NOTES: dict[str, str] = {
    "changes": "The policy changes knobs during the run ({changes}); a configuration is one state, "
               "so these files hold the values at the start.",
}

#: why an imported directive was left out, by code (``Skipped.reason``); the readers add theirs
SKIPPED: dict[str, str] = {
    "not_modelled": "the game does not model this",
}

# ---- nginx and HAProxy (the proxy formats) -------------------------------------------------------
# Comments written inside nginx.conf and haproxy.cfg (each line becomes a ``#`` comment).
PROXY_HEAD = "The balancer of the level {level}, written by scaleout as {format} configuration."
PROXY_CHECK = "Check it: {check}"
PROXY_PLACEHOLDERS = ("The addresses 10.0.x.y are placeholders: put your web servers' own addresses "
                      "(names are resolved once, when the configuration is loaded).")
PROXY_NO_BALANCER = "The design has no balancer: this proxy stands in front of its one web server."
PROXY_GROUP_SERVERS = ("The auto scaling group starts with these {count} servers; keep the list in step "
                       "with the group (see README.md).")
NGINX_PREFIX = ("Every path is relative to the prefix (-p), so a user without root can check and run it; "
                "nginx -t also opens the port it listens on, and a port below 1024 takes root.")
NGINX_PASSIVE = ("Passive checks: {fails} failed requests within {window} take a server out for {window}. "
                 "From the design's check: max_fails = unhealthy threshold, fail_timeout = interval "
                 "× unhealthy threshold.")
NGINX_NO_CHECK = "No health check: max_fails=0 turns nginx's passive checks off."
NGINX_L7 = "An HTTP (L7) check: an answer 500, 502, 503 or 504 counts as a failed attempt too."
NGINX_L4 = "A connection (L4) check: only errors and timeouts count as failed attempts (nginx's default)."
NGINX_TIMEOUT = "The check's timeout: a server that does not accept the connection in time has failed."
NGINX_PLUS_CHECK = ("Active checks are NGINX Plus only. With Plus (and a zone in the upstream) this "
                    "line runs the design's check:")
NGINX_PLUS_STICKY = "Sticky cookies are NGINX Plus only. With Plus this line keeps a client on its server:"
NGINX_NEAREST = "The design's {algorithm} is not an nginx method; {instead} is the nearest."
PROXY_DNS_ROUND_ROBIN = "The design balances by DNS, which no balancer does; round robin here."
HAPROXY_MODE = "mode http: the balancer reads HTTP (cookies, paths), whatever kind of check it runs."
HAPROXY_RANDOM = ("random(1): one random draw, the game's random (plain random draws two and takes the "
                  "less loaded).")
HAPROXY_L7 = "An HTTP (L7) check: GET {path} every {interval}; a 2xx or 3xx answer passes."
HAPROXY_L4 = "A connection (L4) check every {interval}: a server that accepts the connection passes."
HAPROXY_NO_CHECK = ("No health check: no server has 'check'. The check's settings stay on default-server "
                    "for when one is added.")
HAPROXY_TIMEOUT = "timeout check: how long a check may wait for the answer once connected."
HAPROXY_STICKY = "Sticky sessions: a cookie names the client's server (for {ttl})."
HAPROXY_SLOWSTART = ("slowstart: a server that comes back up gets a share growing over {warmup} (the "
                     "group's warm-up).")

NOTES.update({
    "proxy_no_balancer": "The design has no balancer: the {format} file is a reverse proxy in front of "
                         "its one web server.",
    "proxy_pair": "Two balancer nodes (a passive one taking over in {failover} s) are two copies of this "
                  "file behind a floating address (keepalived / VRRP), not {format} configuration.",
    "proxy_dns": "The design balances by DNS (one address per web server, TTL {ttl} s): clients choose a "
                 "server themselves, which no {format} setting says; the file balances round robin instead.",
    "proxy_nearest": "{format} has no {algorithm} balancing; the file uses {instead}, the nearest.",
    "proxy_group": "The web servers are an auto scaling group ({policy}, {min} to {max} servers); the "
                   "{format} file lists servers, not a group: it holds the {count} the group starts with. "
                   "Regenerate it when the group changes (consul-template, confd), or let a DNS name "
                   "list the group.",
    "proxy_schedule": "The group's scheduled sizes ({schedule}) belong to the group, not the balancer.",
    "proxy_other": "Settings of the rest of the design, which no balancer holds: {settings}.",
    "nginx_dereg": "Deregistration delay {delay} s: open-source nginx has no draining timer; remove a server "
                   "and reload, and the old workers finish their requests.",
    "nginx_plus_check": "Active health checks are NGINX Plus only: the file checks passively (max_fails, "
                        "fail_timeout) and has the design's {kind} check on {path} every {interval} s as a "
                        "comment.",
    "nginx_healthy": "Healthy after {healthy} passes: open-source nginx sends a server requests again after "
                     "fail_timeout, and one good answer brings it back.",
    "nginx_no_check_settings": "No health check: max_fails=0; the check's interval ({interval} s) and "
                               "thresholds are not in the file.",
    "nginx_sticky": "Sticky cookies are NGINX Plus only (sticky cookie); the file has them as a comment. "
                    "ip_hash keeps a client on one server in open-source nginx.",
    "haproxy_dereg": "Deregistration delay {delay} s: HAProxy drains a server through its runtime API "
                     "(set server web/web-1 state drain), not a configuration setting.",
    "haproxy_path": "The check's path ({path}) is not in the file: only an HTTP check (L7) sends one.",
})

SKIPPED.update({
    "nginx_plus": "an NGINX Plus feature the game does not model",
    "other_upstream": "another upstream: scaleout reads {upstream}, the one proxy_pass sends to",
    "other_backend": "another backend: scaleout reads {backend}, the default backend",
    "backup": "a backup server takes requests only when the others are down; the game has none",
    "down": "a server marked down or disabled takes no requests",
    "weights": "unequal weights: the game's web servers are equal",
    "differs": "differs from the first server's {what}; scaleout reads the first server's",
    "hash_key": "hashing on {key}: the game hashes only the client's address (ip_hash)",
    "random_two": "picks the less loaded of {draws} random servers; the game's random picks one",
    "no_port": "no port: the server is sent the port the client connected to",
    "unix_socket": "a local socket, not a web server on the network",
    "include": "an included file: give it to scaleout import as well",
    "use_backend": "a rule choosing another backend: scaleout reads the default backend",
    "section": "a section the game does not model",
    "check_method": "the check's method and headers: the game's check is a plain GET",
})

NGINX_ERROR = "nginx cannot read this: {error}"
PROXY_TIME = "'{value}' is not a time ({units})"
PROXY_WHOLE = "'{value}' is not a whole number"
HAPROXY_SECTION = "'{word}' is not a section (a line at column 0 starts one: {sections})"
HAPROXY_OUTSIDE = "'{word}' is outside any section"
HAPROXY_NO_ADDRESS = "the server {name} has no address"
NGINX_NO_ADDRESS = "a server without an address"
HAPROXY_QUOTE = "a quote is not closed"
HAPROXY_VALUE = "'{keyword}' needs a value"

# ---- the sandbox policy an import writes ------------------------------------------------------------
POLICY_HEADER = "Settings read by scaleout import for {level}, from:"
POLICY_RUN = "Play them: scaleout run {level} --policy THIS_FILE --set traffic=SCENARIO"
POLICY_MOVED = "written as {value}, the nearest choice the sandbox offers"
POLICY_LEFT_OUT = "Left out (the sandbox cannot play them):"
#: why an imported setting is not played as written, by code (``Adjusted.reason``)
ADJUSTED: dict[str, str] = {
    "nearest": "{where}: {param} = {value}: not a choice of the sandbox; playing {instead}, the nearest",
    "no_knob": "{where}: {param} = {value}: the sandbox has no knob for this",
    "no_choice": "{where}: {param} = {value}: the sandbox offers no such choice",
}

# ---- the command line ---------------------------------------------------------------------------
HELP_EXPORT = "write a design as real nginx, HAProxy, Kubernetes or AWS CloudFormation configuration"
HELP_EXPORT_SOURCE = "a level id or file (with --policy and --set values), or a recording: the knob " \
                     "values its run ended with"
HELP_EXPORT_POLICY = "a policy file of knob values (as scaleout run --policy takes)"
HELP_EXPORT_SET = "set one knob, after the policy (repeatable)"
HELP_EXPORT_TO = "the format: {formats}"
HELP_EXPORT_OUT = "the folder to write into (made if missing; files of the same names are replaced)"
HELP_IMPORT = "read nginx, HAProxy, Kubernetes or CloudFormation files as a policy for the sandbox"
HELP_IMPORT_FILES = "configuration files; each one's format is recognised from what it holds"
HELP_IMPORT_OUT = "write the policy here (default: print it)"
WROTE = "wrote {path}"
WROTE_POLICY = "wrote {path}: play it with scaleout run {level} --policy {path}"
NOTE_LINE = "note: {note}"
SKIPPED_LINE = "{where}: {directive}: left out: {reason}"
CANNOT_WRITE = "{path}: cannot write: {reason}"

# ---- errors --------------------------------------------------------------------------------------
UNKNOWN_FORMAT = "not a configuration scaleout reads (nginx, HAProxy, Kubernetes YAML or CloudFormation)"
NOT_UTF8 = "not UTF-8 text"

i18n.translatable(globals())
