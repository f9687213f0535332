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
    "cfn_nfs_cache": "The NFS attribute cache ({seconds} s) is a mount option (actimeo) of the "
                     "instances, not in the template.",
    "cfn_image": "The instances boot the latest Amazon Linux 2023 (parameter ImageId); install your "
                 "application in the launch template's UserData.",
    "cfn_layout_single": "Layout single: the database runs on the web server, so no database is written.",
    "cfn_replicas_single": "{replicas} read replicas need a database of their own: layout single has none.",
})
SKIPPED.update({
    "k8s_kind": "a {kind}: the game reads a web tier's Deployment, Service and HorizontalPodAutoscaler",
    "k8s_probe": "a probe that runs {kind}: the game's checks are HTTP (L7) and TCP (L4)",
    "k8s_startup": "a startup probe: the game's checks begin at once",
    "k8s_delay": "a probe's initial delay: the game's checks begin at once",
    "k8s_container": "a second container: the game runs one application per box",
    "k8s_port": "a second port: the game's balancer sends to one port",
    "k8s_metric": "a {kind} metric: the game scales on CPU, requests or latency",
    "k8s_behavior": "the sandbox has no knob for an HPA's behavior",
    "k8s_named_port": "a named target port that no container declares",
    "cfn_resource": "a {kind}: the game does not model it",
    "cfn_policy": "a scaling policy of type {kind}: the game models simple, step and target tracking",
    "cfn_metric": "an alarm on {kind}: the game scales on CPU, requests or latency",
    "cfn_attribute": "a target group attribute the game does not model",
    "cfn_schedule": "a scheduled action the game cannot place on its clock",
    "cfn_listener_rule": "a listener rule: the game's balancer sends every request to one group",
    "cfn_dynamic": "a value the stack computes when it is made: the game needs it written",
})
#: the comments written at the top of web.yaml and template.yaml, and the template's Description
K8S_HEADER = "The web tier of the level {level}, written by scaleout. Check it: {check}"
K8S_DEPLOYMENT = "The web servers: {replicas} pods of {size}; the probes are the balancer's health check."
K8S_SERVICE = "The balancer: port {listen} to the pods' port {target}."
K8S_HPA = "The group: {min} to {max} pods, on {metric}."
CFN_HEADER = "Written by scaleout from the level {level}. Check it: {check}"
CFN_DESCRIPTION = "The level {level}, written by scaleout: web tier, balancer, group and data."
#: the import's errors
YAML_ERROR = "not valid YAML: {problem}"
JSON_ERROR = "not valid JSON: {problem}"
K8S_NOT_MAPPING = "a document that is not a mapping"
BAD_NUMBER = "{field} = {value}: not a number"
BAD_WHOLE = "{field} = {value}: not a whole number"
BAD_QUANTITY = "{field} = {value}: not a quantity (such as 3000 or 2500m)"
CFN_NO_RESOURCES = "not a CloudFormation template: no Resources mapping"

i18n.translatable(globals())
