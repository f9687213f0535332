"""The design as Kubernetes manifests (``web.yaml``): the ``kubernetes`` format and its writer.

What one file holds, as ``kubectl apply -f web.yaml`` takes it (three documents):

- an ``apps/v1`` **Deployment**: the web servers, one pod per box of the design. Its replicas are
  the fleet (``web.count``) or the group's desired count; a ``nodeSelector`` on the well-known
  label ``node.kubernetes.io/instance-type`` puts the pods on nodes of the design's size, and each
  pod requests that size's vCPUs (the HPA's CPU utilisation is measured against the request). The
  balancer's health check becomes the container's readiness and liveness probes: L7 an
  ``httpGet``, L4 a ``tcpSocket``, none no probe at all.
- a ``v1`` **Service** of type ``LoadBalancer``: the balancer, the cloud's own, listening on the
  design's port and sending to the target port. ``LoadBalancer`` rather than ``ClusterIP``
  because the game's balancer faces the clients; a ClusterIP would need an Ingress in front.
  Stickiness and ``ip_hash`` both become ``sessionAffinity: ClientIP`` (one client address, one
  pod, for ``timeoutSeconds``), and ``ClientIP`` reads back as ``lb.sticky = on``.
- an ``autoscaling/v2`` **HorizontalPodAutoscaler** when the design has a scaling policy: the
  group's minimum and maximum, the metric and its target, and its ``behavior`` written out in
  full (Kubernetes' defaults included) so that the file states every number it runs with.

Mapping rules and their source, the Kubernetes API reference (v1.30):

- ``Probe``: ``periodSeconds`` = ``health.interval_s``, ``timeoutSeconds`` = ``health.timeout_s``,
  ``failureThreshold`` = ``health.unhealthy_threshold``, readiness ``successThreshold`` =
  ``health.healthy_threshold``; liveness ``successThreshold`` must be 1 (the API refuses
  anything else). Left out, they default to 10, 1, 1 and 3, which the reader applies.
- ``ServiceSpec.sessionAffinityConfig.clientIP.timeoutSeconds``: 1 to 86400 (default 10800).
- ``HorizontalPodAutoscalerSpec``: ``minReplicas`` defaults to 1; no ``metrics`` means 80 %
  average CPU; ``behavior`` defaults (``pkg/apis/autoscaling/v2/defaults.go``): up with no
  stabilization window by the larger of 4 pods and 100 % per 15 s, down by 100 % per 15 s after
  the 300 s window (the controller's ``--horizontal-pod-autoscaler-downscale-stabilization``).

What the game has and a manifest cannot say (the algorithm, the balancer's node count, the
group's alarms, cooldown and schedule, the database, sessions and storage) goes into the README's
notes. Reading manifests back is :mod:`~scaleout_tui.deploy.k8s_manifests`.
"""

from __future__ import annotations

import math
import re
from typing import Any

import yaml

from scaleout_tui import i18n
from scaleout_tui.content.catalog import load_catalog_default
from scaleout_tui.deploy import cachetier, ingesttier, texts
from scaleout_tui.deploy.cachetier import REDIS_PORT
from scaleout_tui.deploy.design import Design, Export, Format, Note
from scaleout_tui.deploy.k8s_manifests import (
    CACHE_CONFIG_KEY,
    CACHE_CONFIG_PATH,
    INSTANCE_TYPE,
    UP_WINDOW_S,
    read,
)
from scaleout_tui.engine.autoscaler_spec import (
    HPA_DOWN_POLICIES,
    HPA_UP_POLICIES,
    HpaPolicy,
    HpaRules,
    ScalingSpec,
)
from scaleout_tui.engine.balancer import APP_PORT
from scaleout_tui.engine.ingest import IngestSpec

FILE = "web.yaml"
#: the Kubernetes version the files are written for and checked against
VERSION = "1.30.0"
CHECK = f"kubernetes-validate --strict -k {VERSION} {FILE}"
#: level 9's ingest tier: the comm servers and the devices' Service, and its check
INGEST_FILE = "ingest.yaml"
INGEST_CHECK = f"kubernetes-validate --strict -k {VERSION} {INGEST_FILE}"
#: ``sessionAffinityConfig.clientIP.timeoutSeconds``: at most one day
MAX_AFFINITY_S = 86_400
#: the Pods metrics the writer names for the game's metrics (a metrics adapter serves them)
METRIC_NAMES = {"requests": "http_requests_per_minute", "latency": "http_request_duration_milliseconds"}
#: the cache's image: Redis's official one, whose entrypoint runs ``redis-server`` with the
#: arguments given and which is built with protected mode off (Docker Hub, library/redis)
REDIS_IMAGE = "redis:7.2"
#: the liveness probe's failure threshold, as a multiple of the readiness probe's: Kubernetes
#: advises "the same low-cost HTTP endpoint as for readiness probes, but with a higher
#: failureThreshold", so that a pod is out of rotation for a while before it is killed. The game's
#: check only takes a box out of rotation (it never restarts one): an overloaded pod that recovers
#: within twice its detection time is not restarted.
LIVENESS_FACTOR = 3


# ---- writing ---------------------------------------------------------------------------------------
def _seconds(param: str, value: float, notes: list[Note]) -> int:
    """A probe's seconds as the API's whole number, rounded up (and noted) when the game's has a
    fraction: a longer interval is the cautious side."""
    whole = max(1, math.ceil(value))
    if whole != value:
        notes.append(Note("k8s_whole_seconds", {"param": param, "value": f"{value:g}", "written": whole}))
    return whole


def _number(value: float) -> str:
    """A quantity as Kubernetes writes one: ``3000``, ``0.5``."""
    return str(int(value)) if value == int(value) else f"{value:g}"


def _deployment(design: Design, notes: list[Note]) -> dict[str, Any]:
    config, name = design.config, resource_name(design)
    fleet, balancer, health = config.fleet, config.balancer, config.health
    port = balancer.target_port if balancer is not None else APP_PORT
    replicas = config.scaling.desired if config.scaling is not None else fleet.web_count
    image = f"registry.example.com/{name}:latest"
    notes.append(Note("k8s_image", {"image": image}))
    notes.append(Note("k8s_cpu_request", {"cpu": fleet.web_type.vcpus, "size": fleet.web_type.name}))
    container: dict[str, Any] = {
        "name": "web",
        "image": image,
        "ports": [{"name": "http", "containerPort": port, "protocol": "TCP"}],
        "resources": {"requests": {"cpu": str(fleet.web_type.vcpus)}},
    }
    if balancer is not None and health is not None:
        if health.kind == "none":
            notes.append(Note("k8s_no_check"))
        else:
            check: dict[str, Any] = (
                {"httpGet": {"path": health.path, "port": port}}
                if health.kind == "L7"
                else {"tcpSocket": {"port": port}}
            )
            timing = {
                "periodSeconds": _seconds("health.interval_s", health.interval_s, notes),
                "timeoutSeconds": _seconds("health.timeout_s", health.timeout_s, notes),
            }
            container["readinessProbe"] = {
                **check,
                **timing,
                "successThreshold": health.healthy_threshold,
                "failureThreshold": health.unhealthy_threshold,
            }
            live_fails = LIVENESS_FACTOR * health.unhealthy_threshold
            container["livenessProbe"] = {
                **check,
                **timing,
                "successThreshold": 1,
                "failureThreshold": live_fails,
            }
            notes.append(Note("k8s_restart", {"fails": live_fails, "unhealthy": health.unhealthy_threshold}))
            notes.append(Note("k8s_fail_closed"))
            if health.healthy_threshold != 1:
                notes.append(Note("k8s_liveness", {"healthy": health.healthy_threshold}))
    cache = cachetier.cache_of(design)
    if cache is not None:
        url = f"redis://{cache_name(design)}:{REDIS_PORT}/0"
        container["env"] = [{"name": cachetier.URL_VAR, "value": url}] + [
            {"name": var, "value": value} for var, value in cachetier.app_env(cache)
        ]
    labels = {"app": name}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "labels": labels},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {"nodeSelector": {INSTANCE_TYPE: fleet.web_type.name}, "containers": [container]},
            },
        },
    }


def _service(design: Design, notes: list[Note]) -> dict[str, Any] | None:
    balancer = design.config.balancer
    if balancer is None:
        notes.append(Note("k8s_no_balancer"))
        return None
    spec: dict[str, Any] = {
        "type": "LoadBalancer",
        "selector": {"app": resource_name(design)},
        "ports": [
            {
                "name": "http",
                "protocol": "TCP",
                "port": balancer.listen_port,
                "targetPort": balancer.target_port,
            }
        ],
        "sessionAffinity": "None",
    }
    if balancer.count > 1:
        notes.append(Note("k8s_lb_count", {"count": balancer.count}))
    # kube-proxy's default (iptables) mode picks an endpoint at random: only random is as written
    if balancer.algorithm not in ("random", "ip_hash"):
        notes.append(Note("k8s_algorithm", {"algorithm": balancer.algorithm}))
    if balancer.sticky or balancer.algorithm == "ip_hash":
        ttl = min(MAX_AFFINITY_S, max(1, math.ceil(balancer.sticky_ttl_s)))
        spec["sessionAffinity"] = "ClientIP"
        spec["sessionAffinityConfig"] = {"clientIP": {"timeoutSeconds": ttl}}
        notes.append(Note("k8s_sticky" if balancer.sticky else "k8s_ip_hash", {"ttl": ttl}))
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": resource_name(design)}, "spec": spec}


def _tcp_service(name: str, kind: str, labels: dict[str, str], port_name: str, port: int) -> dict[str, Any]:
    """A Service of ``kind`` in front of the pods with ``labels``, on one TCP port (the cache's
    ClusterIP inside the cluster; the comm servers' LoadBalancer for the devices)."""
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name},
        "spec": {
            "type": kind,
            "selector": labels,
            "ports": [{"name": port_name, "protocol": "TCP", "port": port, "targetPort": port}],
        },
    }


def _metric(spec: ScalingSpec, notes: list[Note]) -> dict[str, Any]:
    """The HPA's one metric. Target tracking and the HPA keep the metric at its target; simple
    and step scaling have thresholds instead, and the nearest HPA keeps it at the scale-out one."""
    tracks = spec.policy in ("target", "hpa")
    target = spec.target if tracks else spec.scale_out_at
    if not tracks:
        notes.append(Note("k8s_policy", {"policy": spec.policy, "target": f"{target:g}"}))
    if spec.metric == "cpu":
        return {
            "type": "Resource",
            "resource": {
                "name": "cpu",
                "target": {"type": "Utilization", "averageUtilization": round(target)},
            },
        }
    name = METRIC_NAMES[spec.metric]
    notes.append(Note("k8s_adapter", {"metric": spec.metric, "name": name}))
    if spec.metric == "latency":
        notes.append(Note("k8s_latency"))
    return {
        "type": "Pods",
        "pods": {
            "metric": {"name": name},
            "target": {"type": "AverageValue", "averageValue": _number(target)},
        },
    }


def _rules(rules: HpaRules, defaults: tuple[HpaPolicy, ...], window_s: float) -> dict[str, Any]:
    window = window_s if rules.stabilization_s is None else rules.stabilization_s
    return {
        "stabilizationWindowSeconds": round(window),
        "selectPolicy": rules.select_policy,
        "policies": [
            {"type": p.type, "value": p.value, "periodSeconds": round(p.period_s)}
            for p in (rules.policies or defaults)
        ],
    }


def _hpa(design: Design, notes: list[Note]) -> dict[str, Any] | None:
    spec = design.config.scaling
    if spec is None:
        return None
    if spec.policy == "none":
        notes.append(
            Note("k8s_fixed_group", {"replicas": spec.desired, "min": spec.min_size, "max": spec.max_size})
        )
        return None
    if spec.policy != "hpa":
        notes.append(
            Note(
                "k8s_timers",
                {
                    "cooldown": f"{spec.cooldown_s:g}",
                    "period": f"{spec.period_s:g}",
                    "warmup": f"{spec.warmup_s:g}",
                },
            )
        )
    behavior = spec.behavior
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": resource_name(design)},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": resource_name(design)},
            "minReplicas": spec.min_size,
            "maxReplicas": spec.max_size,
            "metrics": [_metric(spec, notes)],
            "behavior": {
                "scaleUp": _rules(behavior.scale_up, HPA_UP_POLICIES, UP_WINDOW_S),
                "scaleDown": _rules(behavior.scale_down, HPA_DOWN_POLICIES, spec.stabilization_s),
            },
        },
    }


def _cache(design: Design, notes: list[Note]) -> list[tuple[str, dict[str, Any]]]:
    """The look-aside cache as three documents, each with its comment: a ConfigMap holding
    ``redis.conf`` (``maxmemory`` from the capacity, ``allkeys-lru``, no persistence: a restart
    starts it empty, as the game's does), a Deployment of one Redis pod on the cache's size, and
    a ClusterIP Service the app reaches it by (``CACHE_URL``). None without a cache."""
    spec = cachetier.cache_of(design)
    if spec is None:
        if design.config.cache is not None:
            notes.append(Note("cache_empty"))
        return []
    name = cache_name(design)
    size = cachetier.box_size(design, spec)
    memory = cachetier.memory_bytes(spec.capacity)
    maxmemory = cachetier.redis_bytes(memory)
    pod_mib = cachetier.pod_memory_mib(spec.capacity)
    # directives from single tokens, as the proxies' are: syntax, not words
    conf = "".join(" ".join(words) + "\n" for words in (
        ("maxmemory", maxmemory), ("maxmemory-policy", cachetier.EVICTION), ("save", '""'),
        ("appendonly", "no")))
    labels = {"app": name}
    config = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name},
              "data": {CACHE_CONFIG_KEY: conf}}
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "labels": labels},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "nodeSelector": {INSTANCE_TYPE: size},
                    "containers": [{
                        "name": "redis",
                        "image": REDIS_IMAGE,
                        "args": ["redis-server", f"{CACHE_CONFIG_PATH}/{CACHE_CONFIG_KEY}"],
                        "ports": [{"name": "redis", "containerPort": REDIS_PORT, "protocol": "TCP"}],
                        "resources": {
                            "requests": {"cpu": "1", "memory": f"{pod_mib}Mi"},
                            "limits": {"memory": f"{pod_mib}Mi"},
                        },
                        "volumeMounts": [{"name": "config", "mountPath": CACHE_CONFIG_PATH}],
                    }],
                    "volumes": [{"name": "config", "configMap": {"name": name}}],
                },
            },
        },
    }
    service = _tcp_service(name, "ClusterIP", labels, "redis", REDIS_PORT)
    notes.append(Note("k8s_cache", {"image": REDIS_IMAGE}))
    return [
        (texts.K8S_CACHE_CONFIG.format(memory=maxmemory, entries=spec.capacity,
                                       entry=cachetier.ENTRY_BYTES, policy=cachetier.EVICTION), config),
        (texts.K8S_CACHE.format(size=size, memory=pod_mib), deployment),
        (texts.K8S_CACHE_SERVICE.format(name=name, port=REDIS_PORT), service),
    ]


def _other_notes(design: Design, notes: list[Note]) -> None:
    """What the manifests leave to others: the database, sessions, storage, the app, the schedule."""
    config = design.config
    if config.fleet.db_type is not None:
        notes.append(Note("k8s_layout", {"layout": config.fleet.layout}))
        notes.append(Note("cloud_database", {"size": config.fleet.db_type.name}))
    if config.replication is not None and config.replication.replicas > 0:
        notes.append(Note("cloud_replicas", {"replicas": config.replication.replicas}))
        notes.append(Note("cloud_read_routing", {"routing": config.replication.read_routing}))
    if config.sharding is not None and config.sharding.shards > 1:
        notes.append(Note("cloud_shards", {"shards": config.sharding.shards, "key": config.sharding.key}))
    if config.sessions is not None and config.sessions.store == "shared":
        notes.append(Note("k8s_sessions"))
    if config.storage is not None and config.storage.mode != "local":
        notes.append(Note("k8s_storage", {"mode": config.storage.mode}))
    if config.app is not None:
        notes.append(Note("cloud_app", {"redirect": config.app.redirect, "clone": config.app.clone_database}))
    if config.scaling is not None and config.scaling.scheduled:
        schedule = ", ".join(f"{a.desired or a.min_size}@{a.at:g}" for a in config.scaling.scheduled)
        notes.append(Note("k8s_schedule", {"schedule": schedule}))


def _comment(text: str) -> str:
    return "\n".join(f"# {line}" for line in text.splitlines())


def write(design: Design) -> Export:
    notes: list[Note] = []
    config = design.config
    deployment = _deployment(design, notes)
    service = _service(design, notes)
    hpa = _hpa(design, notes)
    cache = _cache(design, notes)
    _other_notes(design, notes)
    header = texts.K8S_HEADER_CACHE if cache else texts.K8S_HEADER
    parts = [_comment(header.format(level=design.level.id, check=CHECK))]
    size = config.fleet.web_type.name
    pods = i18n.plural(deployment["spec"]["replicas"], texts.NOUN_POD)
    web = deployment["spec"]["template"]["spec"]["containers"][0]
    probes = " " + texts.K8S_PROBES if "readinessProbe" in web else ""
    if "env" in web:
        probes += " " + texts.K8S_CACHE_ENV
    parts.append(_comment(texts.K8S_DEPLOYMENT.format(pods=pods, size=size) + probes))
    parts.append(_dump(deployment))
    if service is not None:
        port = service["spec"]["ports"][0]
        parts += [
            "---",
            _comment(texts.K8S_SERVICE.format(listen=port["port"], target=port["targetPort"])),
            _dump(service),
        ]
    if hpa is not None and config.scaling is not None:
        parts += [
            "---",
            _comment(
                texts.K8S_HPA.format(
                    min=config.scaling.min_size, max=config.scaling.max_size, metric=config.scaling.metric
                )
            ),
            _dump(hpa),
        ]
    for comment, doc in cache:
        parts += ["---", _comment(comment), _dump(doc)]
    files = {FILE: "\n".join(parts)}
    if config.ingest is None:
        return Export(files, tuple(notes))
    files[INGEST_FILE] = _ingest(design, config.ingest, notes)
    return Export(files, tuple(notes), (INGEST_CHECK,))


def _ingest(design: Design, spec: IngestSpec, notes: list[Note]) -> str:
    """Level 9's ingest tier as ``ingest.yaml``: the comm servers' Deployment (replicas =
    ``ingest.comm_count``, the instance type's vCPUs, TCP probes from the L4 balancer's check, the
    ``INGEST_*`` variables) and a ``LoadBalancer`` Service on the devices' TCP port (TLS passed
    through to the pods)."""
    name = ingest_name(design)
    bal = spec.balancer
    port = ingesttier.port(spec)
    size = ingesttier.comm_size(design, spec)
    vcpus = load_catalog_default()[size].vcpus
    image = f"registry.example.com/{name}:latest"
    check = {"tcpSocket": {"port": port}}
    timing = {"periodSeconds": _seconds("ingest.check_interval_s", bal.check_interval_s, notes),
              "timeoutSeconds": _seconds("ingest.check_timeout_s", bal.check_timeout_s, notes)}
    container: dict[str, Any] = {
        "name": "comm",
        "image": image,
        "ports": [{"name": "devices", "containerPort": port, "protocol": "TCP"}],
        "resources": {"requests": {"cpu": str(vcpus)}},
        "env": [{"name": var, "value": value} for var, value in ingesttier.app_env(spec)],
        "readinessProbe": {**check, **timing, "successThreshold": bal.rise, "failureThreshold": bal.fall},
        "livenessProbe": {**check, **timing, "successThreshold": 1, "failureThreshold": bal.fall},
    }
    labels = {"app": name}
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "labels": labels},
        "spec": {
            "replicas": spec.comm_count,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {"nodeSelector": {INSTANCE_TYPE: size}, "containers": [container]},
            },
        },
    }
    service = _tcp_service(name, "LoadBalancer", labels, "devices", port)
    notes.append(Note("k8s_ingest", {"count": spec.comm_count, "port": port}))
    if bal.algorithm != "round_robin":
        notes.append(Note("k8s_ingest_algorithm", {"algorithm": bal.algorithm}))
    notes.append(Note("k8s_ingest_probes", {"rise": bal.rise, "fall": bal.fall}))
    notes.append(Note("k8s_ingest_env"))
    notes.append(Note("ingest_port", {"port": port}))
    pods = i18n.plural(spec.comm_count, texts.NOUN_POD)
    parts = [
        _comment(texts.K8S_INGEST_HEADER.format(level=design.level.id, check=INGEST_CHECK)),
        _comment(texts.K8S_INGEST.format(pods=pods, size=size, interval=timing["periodSeconds"])),
        _dump(deployment),
        "---",
        _comment(texts.K8S_INGEST_SERVICE.format(port=port)),
        _dump(service),
    ]
    return "\n".join(parts)


class _Dumper(yaml.SafeDumper):
    """Writes shared values out in full each time: no ``&id001`` anchors in a file people read."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    """A string of several lines (a ConfigMap's ``redis.conf``) as a literal block, as people
    write one; any other as PyYAML would."""
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _text)


def _dump(doc: dict[str, Any]) -> str:
    return yaml.dump(
        doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False
    ).rstrip("\n")


def cache_name(design: Design) -> str:
    """The cache's Deployment, ConfigMap and Service: the name the app's ``CACHE_URL`` resolves."""
    return f"cache-{design.name}"[:63].rstrip("-")


def ingest_name(design: Design) -> str:
    """The comm servers' Deployment and the devices' Service."""
    return f"comm-{design.name}"[:63].rstrip("-")


def resource_name(design: Design) -> str:
    """The design's name as a Service's name must be, a DNS-1035 label: starting with a letter
    (a level's id starts with its number)."""
    return f"web-{design.name}"[:63].rstrip("-")


# ---- recognising -----------------------------------------------------------------------------------
_HINT = re.compile(r"^apiVersion:", re.M)
_KIND = re.compile(r"^kind:", re.M)
#: what only a CloudFormation template has at its top level (that format claims those files)
_CFN_HINT = re.compile(r"^[\"']?(?:AWSTemplateFormatVersion|Resources)[\"']?\s*:", re.M)


def claims(name: str, text: str) -> bool:
    """A ``.yaml``, ``.yml`` or ``.json`` file with a document that is an object with ``apiVersion``
    and ``kind`` (and none that is a CloudFormation template; another document that is not a
    manifest is the reader's error to report); one that does not parse is claimed by those keys
    at the start of a line (so its reader can say where it breaks), unless it reads as a
    CloudFormation template."""
    if not name.lower().endswith((".yaml", ".yml", ".json")):
        return False
    try:
        docs = [d for d in yaml.safe_load_all(text) if d is not None]
    except yaml.YAMLError:
        return bool(_HINT.search(text) and _KIND.search(text)) and not _CFN_HINT.search(text)
    manifests = [isinstance(d, dict) and "apiVersion" in d and "kind" in d for d in docs]
    templates = [isinstance(d, dict) and ("Resources" in d or "AWSTemplateFormatVersion" in d) for d in docs]
    return any(manifests) and not any(templates)


FORMAT = Format(
    name="kubernetes",
    carries=frozenset({"web.size", "web.count", "asg.desired", "lb.target_port", "health.kind",
                       "cache.capacity", "ingest.comm_count"})
    | cachetier.APP_SETTINGS | ingesttier.APP_SETTINGS,
    write=write,
    claims=claims,
    read=read,
    check=CHECK,
)
