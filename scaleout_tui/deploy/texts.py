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
from scaleout_tui.i18n import Plural

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
NGINX_READ_TIMEOUT = ("An app that takes the connection but never answers fails the attempt here, as the "
                      "design's L7 check fails a probe. nginx's default is 60 s, and a client that gives up "
                      "first is not a failed attempt: a hung server would stay in rotation. A request "
                      "slower than this fails too (504, or tried on the next server).")
NGINX_PLUS_CHECK = ("Active checks are NGINX Plus only. With Plus (and a zone in the upstream) this "
                    "line runs the design's check:")
NGINX_PLUS_STICKY = "Sticky cookies are NGINX Plus only. With Plus this line keeps a client on its server:"
NGINX_NEAREST = "The design's {algorithm} is not an nginx method; {instead} is the nearest."
PROXY_DNS_ROUND_ROBIN = "The design balances by DNS, which no balancer does; round robin here."
HAPROXY_MODE = "mode http: the balancer reads HTTP (cookies, paths), whatever kind of check it runs."
HAPROXY_CONSISTENT = ("hash-type consistent: a server that goes down moves only its own clients, as "
                      "nginx's ip_hash does; the default map-based hash moves most of the other "
                      "servers' clients too.")
HAPROXY_RANDOM = ("random(1): one random draw, the game's random (plain random draws two and takes the "
                  "less loaded).")
HAPROXY_L7 = "An HTTP (L7) check: GET {path} every {interval}; a 2xx or 3xx answer passes."
HAPROXY_L4 = "A connection (L4) check every {interval}: a server that accepts the connection passes."
HAPROXY_NO_CHECK = ("No health check: no server has 'check'. The check's settings stay on default-server "
                    "for when one is added.")
HAPROXY_TIMEOUT = "timeout check: how long a check may wait for the answer once connected."
HAPROXY_STICKY = ("Sticky sessions: a cookie names the client's server; it lapses after {ttl} without a "
                  "request.")
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
    "proxy_cache": "The cache ({settings}) is the app's: a Redis server beside it, which the app asks "
                   "before the database. No {format} setting holds it; the kubernetes and "
                   "aws-cloudformation exports write the Redis server and hand the app these settings.",
    "nginx_http_cache": "nginx's own proxy_cache is another cache: whole HTTP responses kept in front of "
                        "the app by URL, which a write cannot invalidate in open-source nginx (purging is "
                        "NGINX Plus). For that cache, proxy_cache_lock is single flight, and "
                        "proxy_cache_use_stale updating with proxy_cache_background_update is "
                        "stale-while-revalidate; this file does not turn it on, since it would cache "
                        "what the design does not.",
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
    "haproxy_fail_closed": "When every server fails its check, HAProxy answers 503; the game's balancer, "
                           "like an ALB, then sends to all of them anyway.",
    "k8s_fail_closed": "When every pod fails its readiness probe, the Service has no endpoints and "
                       "refuses; the game's balancer, like an ALB, then sends to all of them anyway.",
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
NGINX_BAD_PORT = "{address}: a port is a number from 1 to 65535"
HAPROXY_QUOTE = "a quote is not closed"
HAPROXY_VALUE = "'{keyword}' needs a value"

# ---- the sandbox policy an import writes ------------------------------------------------------------
POLICY_HEADER = "Settings read by scaleout import for {level}, from:"
POLICY_RUN = "Play them: scaleout run {level} --policy THIS_FILE --set traffic=SCENARIO"
POLICY_MOVED = "written as {value}, which the game cannot play: the nearest choice"
POLICY_LEFT_OUT = "Left out (the sandbox cannot play them):"
#: why an imported setting is not played as written, by code (``Adjusted.reason``)
ADJUSTED: dict[str, str] = {
    "nearest": "{where}: {param} = {value}: outside what the game can play; playing {instead}, "
               "the nearest choice",
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
HELP_IMPORT = ("read nginx, HAProxy, Kubernetes or CloudFormation files as a policy for the sandbox that "
               "plays the most of them")
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

# ---- kubernetes and aws-cloudformation --------------------------------------------------------------
# Their README notes, the comments written into web.yaml and template.yaml (and the template's
# Description), why an imported item is left out, and their errors. "cloud_" codes serve both.
NOTES.update({
    "cloud_database": "The database ({size}) is not in these files: run it as a managed database "
                      "(Amazon RDS, Cloud SQL) or a StatefulSet of your own.",
    "cloud_replicas": "{replicas} read replicas: not in these files.",
    "cloud_read_routing": "Read routing ({routing}) is the application's choice of database endpoint.",
    "cloud_shards": "{shards} shards by {key}: no resource here shards a database; the application "
                    "(or a proxy such as Vitess) routes each key to its shard.",
    "cloud_app": "The application's own settings (redirects: {redirect}; a clone's database: {clone}) "
                 "live in its configuration, not in these files.",
    "k8s_image": "Replace the image {image} with your application's.",
    "k8s_no_balancer": "The design has no balancer: no Service is written, so nothing outside the "
                       "cluster reaches the pods.",
    "k8s_lb_count": "{count} balancer nodes: a Service of type LoadBalancer is the cloud's balancer, "
                    "which runs on several nodes by itself.",
    "k8s_algorithm": "lb.algorithm {algorithm}: a Service cannot choose it. kube-proxy spreads "
                     "connections at random in iptables mode; least connections needs IPVS mode, a "
                     "setting of the whole cluster.",
    "k8s_ip_hash": "ip_hash is written as sessionAffinity: ClientIP (one client address, one pod), "
                   "which reads back as stickiness.",
    "k8s_sticky": "Stickiness is by client address (sessionAffinity: ClientIP) for {ttl} s, not by "
                  "cookie as the game's balancer does it.",
    "k8s_no_check": "No health check: the pods have no probes, so a Service sends traffic to a pod "
                    "as soon as its container starts.",
    "k8s_whole_seconds": "Probes count whole seconds: {param} = {value} is written as {written}.",
    "k8s_restart": "The liveness probe restarts a pod after {fails} failed checks in a row, three times "
                   "the readiness probe's {unhealthy}: a pod leaves the Service first and is restarted "
                   "only if it stays down. The game never restarts a box.",
    "k8s_liveness": "The liveness probe passes after one success (the API allows no other value); the "
                    "readiness probe waits for {healthy} in a row.",
    "k8s_fixed_group": "asg.policy none: no HorizontalPodAutoscaler, so the Deployment stays at {replicas} "
                       "replicas (the group's minimum {min} and maximum {max} are not written).",
    "k8s_policy": "asg.policy {policy}: an HPA has no alarms or steps; written as an HPA that keeps "
                  "the metric at {target}, the design's scale-out threshold.",
    "k8s_adapter": "The {metric} metric is the Pods metric {name}: a metrics adapter (such as the "
                   "Prometheus adapter) must serve it.",
    "k8s_latency": "An HPA averages a Pods metric over the pods, not over the requests: the latency "
                   "target is each pod's mean response time.",
    "k8s_timers": "An HPA has no cooldown, alarm period or warm-up (asg.cooldown_s {cooldown}, "
                  "asg.period_s {period}, asg.warmup_s {warmup}): it checks every 15 s and waits "
                  "for its stabilization windows instead.",
    "k8s_schedule": "Scheduled actions ({schedule}): an HPA has none; a CronJob that patches "
                    "minReplicas, or KEDA's cron scaler, would do it.",
    "k8s_cpu_request": "Each pod requests {cpu} CPUs, all the vCPUs of {size}: the HPA measures its "
                       "utilisation against this request, and a node of that size keeps a little for "
                       "itself, so use a larger node or a smaller request.",
    "k8s_sessions": "Shared sessions: the session store (Redis, Memcached) is not in these files.",
    "k8s_storage": "Uploads on {mode} storage: mount a volume (ReadWriteMany for NFS) or give the app a "
                   "bucket; not in these files.",
    "k8s_layout": "Layout {layout}: these files hold the web tier only.",
    "k8s_cache": "The cache is one Redis pod ({image}) that saves nothing to disk: a restart or a new "
                 "node starts it empty, as in the game. Its settings for the app (TTL, jitter, write "
                 "policy, invalidation, single flight, stale-while-revalidate) are the web pods' CACHE_ "
                 "variables: your cache client must read them.",
    "cache_empty": "The cache holds 0 entries: every read goes to the database, so no cache server is "
                   "written.",
    "cfn_no_balancer": "The design has no balancer: the instances are written without a load balancer.",
    "cfn_lb_count": "{count} balancer nodes: an Elastic Load Balancer runs in every subnet it is given, "
                    "highly available by itself.",
    "cfn_algorithm": "lb.algorithm {algorithm}: a target group offers round_robin, "
                     "least_outstanding_requests and weighted_random; written as {written}.",
    "cfn_nlb_algorithm": "lb.algorithm {algorithm}: a Network Load Balancer sends each connection to a "
                         "target by a hash of its addresses and ports; it has no algorithm to choose.",
    "cfn_no_check": "No health check: an Application Load Balancer always checks instance targets; "
                    "written with AWS's defaults (HTTP /, every 30 s, 5 s timeout, 5 passes, 2 failures).",
    "cfn_clamped": "AWS allows {param} from {lo} to {hi}: {value} is written as {written}.",
    "cfn_timeout": "A check's timeout must be shorter than its interval: {value} s is written as "
                   "{written} s.",
    "cfn_nlb": "The L4 check needs a Network Load Balancer (a TCP target group): an Application Load "
               "Balancer checks over HTTP only.",
    "cfn_nlb_sticky": "Stickiness on a Network Load Balancer is by client address (source_ip), "
                      "not by cookie.",
    "cfn_hpa": "asg.policy hpa is Kubernetes': written as target tracking on the same target.",
    "cfn_fallback_metric": "The {metric} metric needs an Application Load Balancer: the alarms and "
                           "targets use CPU instead.",
    "cfn_period": "An alarm period of {period} s needs a high-resolution metric: EC2's CPUUtilization "
                  "comes every 60 s with detailed monitoring (as written), so publish the metric "
                  "yourself or use 60.",
    "cfn_schedule_clock": "The game's clock has no date: its 0 s is written as 00:00 UTC, so each "
                          "scheduled action recurs daily at that minute.",
    "cfn_schedule_minute": "Scheduled actions start on whole minutes: {value} s is written as {written} s.",
    "cfn_iam": "The template creates a role for the web servers (they may read and write the "
               "uploads bucket): deploy it with --capabilities CAPABILITY_IAM.",
    "cfn_nfs_cache": "The NFS attribute cache ({seconds} s) is a mount option (actimeo) of the "
                     "instances, not in the template.",
    "cfn_image": "The instances boot the latest Amazon Linux 2023 (parameter ImageId); install your "
                 "application in the launch template's UserData.",
    "cfn_layout_single": "Layout single: the database runs on the web server, so no database is written.",
    "cfn_replicas_single": "{replicas} read replicas need a database of their own: layout single has none.",
    "cfn_cache": "The cache's {entries} entries take about {megabytes} MB at {entry} bytes each. "
                 "ElastiCache sets Redis's memory by node type: {node} has {gib} GiB, of which it keeps "
                 "25 % for itself, so it holds about {holds} entries before it evicts the least recently "
                 "used (allkeys-lru, in the parameter group): more than the game's cache, and a higher "
                 "hit ratio.",
    "cfn_cache_app": "The app's cache settings (TTL, jitter, write policy, invalidation, single flight, "
                     "stale-while-revalidate) are the template's Cache parameters: the launch template's "
                     "UserData writes them, with the cache's address as CACHE_URL, to {file}, for the "
                     "app's service to read (systemd EnvironmentFile) and its cache client to follow.",
    "cfn_cache_node": "ElastiCache has no {size} node: the cache is written as {node}, the smallest "
                      "with as much memory.",
    "cfn_cache_grown": "{node} cannot hold the cache's entries beside ElastiCache's 25 % reserve: "
                       "written as {written}.",
})
SKIPPED.update({
    "k8s_kind": "the game reads a web tier's Deployment, Service and HorizontalPodAutoscaler, not {kind}",
    "k8s_probe": "a probe that runs {kind}: the game's checks are HTTP (L7) and TCP (L4)",
    "k8s_startup": "a startup probe: the game's checks begin at once",
    "k8s_delay": "a probe's initial delay: the game's checks begin at once",
    "k8s_container": "a second container: the game runs one application per box",
    "k8s_port": "a second port: the game's balancer sends to one port",
    "k8s_metric": "the game scales on CPU, requests or latency, not on {kind} metrics",
    "k8s_behavior": "the sandbox has no knob for an HPA's behavior",
    "k8s_named_port": "a named target port that no container declares",
    "k8s_cache_replicas": "the game's cache is one server; a second copy of it is not modelled",
    "k8s_cache_no_limit": "no maxmemory: Redis grows without a limit, and the game's cache has one",
    "cache_eviction": "the game's cache evicts the least recently used of every key (allkeys-lru), "
                          "not by {policy}",
    "cache_value": "not a value {param} can take",
    "cfn_resource": "the game does not model {kind}",
    "cfn_policy": "a scaling policy of type {kind}: the game models simple, step and target tracking",
    "cfn_metric": "an alarm on {kind}: the game scales on CPU, requests or latency",
    "cfn_attribute": "a target group attribute the game does not model",
    "cfn_schedule": "a scheduled action the game cannot place on its clock",
    "cfn_listener_rule": "a listener rule: the game's balancer sends every request to one group",
    "cfn_dynamic": "a value the stack computes when it is made: the game needs it written",
})
#: the comments written at the top of web.yaml and template.yaml, and the template's Description
K8S_HEADER = "The web tier of the level {level}, written by scaleout. Check it: {check}"
K8S_DEPLOYMENT = "The web servers: {pods} of {size}."
K8S_PROBES = "The probes are the balancer's health check."
#: pods counted in a comment
NOUN_POD = Plural("{n} pod", "{n} pods")
K8S_SERVICE = "The balancer: port {listen} to the pods' port {target}."
K8S_HPA = "The group: {min} to {max} pods, on {metric}."
K8S_HEADER_CACHE = "The web tier and its cache of the level {level}, written by scaleout. Check it: {check}"
K8S_CACHE_ENV = "The CACHE_ variables are the app's cache settings."
K8S_CACHE_CONFIG = ("The cache's redis.conf: maxmemory {memory} holds {entries} entries of about {entry} "
                    "bytes; when it is full, Redis evicts the least recently used of every key ({policy}). "
                    "Nothing is saved to disk.")
K8S_CACHE = ("The cache: one Redis pod on {size}, with {memory} MiB: maxmemory and a quarter more for Redis "
             "itself.")
K8S_CACHE_SERVICE = "The cache's address inside the cluster, the app's CACHE_URL: {name}:{port}."
CFN_HEADER = "Written by scaleout from the level {level}. Check it: {check}"
CFN_DESCRIPTION = "The level {level}, written by scaleout: web tier, balancer, group and data."
#: the comment in the UserData script that hands the app its cache settings
CFN_CACHE_USERDATA = ("The app's cache settings and the cache's address, for its service's "
                      "EnvironmentFile={file}")
#: the comment in the comm servers' UserData script
CFN_INGEST_USERDATA = "The comm servers' connection settings, for their service's EnvironmentFile={file}"
#: the import's errors
YAML_ERROR = "not valid YAML: {problem}"
JSON_ERROR = "not valid JSON: {problem}"
K8S_NOT_MAPPING = "a document that is not a mapping"
BAD_NUMBER = "{field} = {value}: not a number"
BAD_WHOLE = "{field} = {value}: not a whole number"
BAD_QUANTITY = "{field} = {value}: not a quantity (such as 3000 or 2500m)"
CFN_NO_RESOURCES = "not a CloudFormation template: no Resources mapping"

# ---- level 9's device-ingest tier (every format) -------------------------------------------------
# Comments inside the files the ingest tier adds.
INGEST_HEAD = ("The device-ingest tier's L4 (TCP) balancer of the level {level}, written by scaleout as "
               "{format} configuration for its nodes ({nodes}); the web tier's balancer is in {web}.")
INGEST_PLACEHOLDERS = "The addresses 10.0.9.x are placeholders: put your comm servers' own addresses."
INGEST_TLS = ("TCP (L4), TLS passed through: the comm servers hold the certificate and end TLS on port "
              "{port}; the balancer never decrypts.")
INGEST_PLAIN = "TCP (L4): the devices speak plain MQTT to the comm servers on port {port}."
INGEST_IDLE = ("Devices send a reading every {period} s and keep the connection for hours: a connection "
               "may stay silent {idle} ({periods} readings) before the balancer cuts it.")
INGEST_HAPROXY_CHECK = ("A TCP check every {interval}: connect and close; down after {fall} failures, up "
                        "after {rise} passes.")
INGEST_NGINX_CHECK = ("Open-source nginx checks passively: {fails} failed connects within {window} take a "
                      "comm server out for {window}. An active TCP check every {interval} is NGINX Plus "
                      "(health_check in the server block).")
INGEST_NGINX_MODULE = ("stream is a module that nginx.org's packages build in; where it is a dynamic one "
                       "(Debian, Ubuntu: libnginx-mod-stream), load it first: add {load} to nginx's "
                       "command line.")
KEEPALIVED_HEAD = ("keepalived on {node}, the {role} of the TCP balancer pair: it holds the shared address "
                   "while its HAProxy runs. Check it: {check}")
KEEPALIVED_PLACEHOLDERS = "The interface eth0 and the address 10.0.9.100 are placeholders."
KEEPALIVED_SCRIPT = ("When no HAProxy process runs, the node gives up the address (FAULT) and the other "
                     "takes it.")
ROLE_PRIMARY = "primary"
ROLE_STANDBY = "standby"
K8S_INGEST_HEADER = "The device-ingest tier of the level {level}, written by scaleout. Check it: {check}"
K8S_INGEST = ("The comm servers: {pods} of {size}, with TCP probes every {interval} s. The INGEST_ variables "
              "are the comm servers' and the devices' connection settings.")
K8S_INGEST_SERVICE = "The devices' L4 balancer: TCP port {port}, TLS passed through to the pods."

NOTES.update({
    "ingest_files": "The device-ingest tier's TCP balancer is {file}: its own nodes (tcp-lb-1, tcp-lb-2), "
                    "apart from the web tier's balancer.",
    "ingest_port": "The devices' port {port} is MQTT's (8883 over TLS, 1883 plain): the game has no port; "
                   "put your own.",
    "ingest_age": "The comm servers close each connection after about {age} s (±{jitter} %): their own "
                  "policy (grpc-go's MaxConnectionAge, an MQTT broker's), not the balancer's; no {format} "
                  "setting holds it.",
    "ingest_client": "Reconnects ({backoff} backoff from {base} s up to {cap} s, jitter {jitter}) are the "
                     "devices' own client settings, in their firmware; no {format} setting holds them.",
    "ingest_keepalived": "The TCP balancer pair is keepalived: {files}, one a node (tcp-lb-1 at "
                         "priority 101, tcp-lb-2 at 100, an advert every {advert} s), with the same {file} "
                         "on both.",
    "ingest_pair": "The TCP balancer pair is two copies of {file} behind a floating address (keepalived / "
                   "VRRP, priorities 101 and 100, an advert every {advert} s), not {format} configuration.",
    "ingest_single": "One TCP balancer node, no standby: when it fails, every device is cut off until it "
                     "is back.",
    "ingest_nginx_plus": "Active TCP checks every {interval} s (up after {rise} passes, down after {fall} "
                         "failures) are NGINX Plus only; the file checks passively (max_fails, "
                         "fail_timeout).",
    "k8s_ingest": "The comm servers are a Deployment of {count} pods behind a Service of type LoadBalancer "
                  "on TCP {port}: the cloud's L4 balancer, highly available by itself (no keepalived pair).",
    "k8s_ingest_algorithm": "ingest.lb_algorithm {algorithm}: a Service cannot choose it. kube-proxy in IPVS "
                            "mode (--proxy-mode=ipvs --ipvs-scheduler=lc) places connections by least "
                            "connections for the whole cluster.",
    "k8s_ingest_env": "The maximum connection age and the reconnect settings are INGEST_* variables of the "
                      "comm pods (docs/deploy.md); the devices' firmware must take the same reconnect "
                      "settings.",
    "k8s_ingest_probes": "The readiness probe passes after {rise} successes and fails after {fall}; the "
                         "liveness probe passes after one (the API allows no other value).",
    "cfn_ingest": "The comm servers are an Auto Scaling group of {count} {size} instances behind a Network "
                  "Load Balancer on TCP {port}; TLS passes through to them.",
    "cfn_ingest_pair": "The TCP balancer pair needs no resource: a Network Load Balancer runs in every "
                       "subnet it is given, highly available by itself.",
    "cfn_ingest_algorithm": "ingest.lb_algorithm {algorithm}: a Network Load Balancer places each TCP "
                            "flow by a hash of its addresses and ports, never by open connections.",
    "cfn_ingest_idle": "A Network Load Balancer closes a TCP flow idle for {idle} s: the devices' reading "
                       "every {period} s keeps theirs open.",
    "cfn_ingest_env": "The maximum connection age and the reconnect settings are INGEST_* variables that "
                      "the comm servers' UserData writes to {file} (docs/deploy.md); the devices' firmware "
                      "must take the same reconnect settings.",
})

SKIPPED.update({
    "ingest_balance": "the game's TCP balancer places connections by round robin or least connections",
    "ingest_threshold": "the game's TCP check is up after 2 passes and down after 3 failures",
    "ingest_value": "not a value {param} can take",
})

i18n.translatable(globals())
