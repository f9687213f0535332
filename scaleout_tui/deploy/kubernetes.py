"""The design as Kubernetes manifests (``web.yaml``), and manifests read back as knob values.

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
notes.
"""

from __future__ import annotations

import math
import re
from typing import Any

import yaml

from scaleout_tui.deploy import texts
from scaleout_tui.deploy.design import ConfigError, Design, Export, Format, Imported, Note, Where
from scaleout_tui.deploy.yamlsource import Lines, documents
from scaleout_tui.engine.autoscaler_spec import (
    HPA_DOWN_POLICIES,
    HPA_UP_POLICIES,
    HpaPolicy,
    HpaRules,
    ScalingSpec,
)
from scaleout_tui.engine.balancer import APP_PORT

FILE = "web.yaml"
#: the Kubernetes version the files are written for and checked against
VERSION = "1.30.0"
CHECK = f"kubernetes-validate --strict -k {VERSION} {FILE}"
#: the node label the kubelet sets to the cloud's instance type (the Kubernetes well-known labels)
INSTANCE_TYPE = "node.kubernetes.io/instance-type"
#: the same label before Kubernetes 1.17, still read
OLD_INSTANCE_TYPE = "beta.kubernetes.io/instance-type"
#: ``sessionAffinityConfig.clientIP.timeoutSeconds``: at most one day
MAX_AFFINITY_S = 86_400
#: probe fields the API defaults when left out (``Probe`` in the core/v1 reference)
PROBE_DEFAULTS = {"periodSeconds": 10, "timeoutSeconds": 1, "successThreshold": 1, "failureThreshold": 3}
#: the HPA's scale-up stabilization window by default: none
UP_WINDOW_S = 0.0
#: the Pods metrics the writer names for the game's metrics (a metrics adapter serves them)
METRIC_NAMES = {"requests": "http_requests_per_minute", "latency": "http_request_duration_milliseconds"}
#: fields of the three kinds that carry nothing for the game, ignored rather than reported: names,
#: labels and selectors; the image, its command, environment, requests and pull policy; the
#: rollout; a Service's addresses, protocol and cloud details; the HPA's target reference; the
#: port names and protocols. Every other field the reader does not read is reported as skipped.
IGNORED = frozenset({
    "apiVersion", "kind", "metadata", "selector", "strategy", "revisionHistoryLimit", "minReadySeconds",
    "progressDeadlineSeconds", "image", "imagePullPolicy", "env", "envFrom", "resources", "command", "args",
    "workingDir", "name", "protocol", "externalTrafficPolicy", "internalTrafficPolicy",
    "loadBalancerSourceRanges", "ipFamilyPolicy", "ipFamilies", "allocateLoadBalancerNodePorts", "clusterIP",
    "clusterIPs", "loadBalancerClass", "type", "scaleTargetRef", "terminationMessagePath",
    "terminationMessagePolicy", "nodePort", "appProtocol", "status",
})


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
            container["livenessProbe"] = {
                **check,
                **timing,
                "successThreshold": 1,
                "failureThreshold": health.unhealthy_threshold,
            }
            if health.healthy_threshold != 1:
                notes.append(Note("k8s_liveness", {"healthy": health.healthy_threshold}))
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
    _other_notes(design, notes)
    parts = [_comment(texts.K8S_HEADER.format(level=design.level.id, check=CHECK))]
    size = config.fleet.web_type.name
    parts.append(_comment(texts.K8S_DEPLOYMENT.format(replicas=deployment["spec"]["replicas"], size=size)))
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
    return Export({FILE: "\n".join(parts)}, tuple(notes))


class _Dumper(yaml.SafeDumper):
    """Writes shared values out in full each time: no ``&id001`` anchors in a file people read."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _dump(doc: dict[str, Any]) -> str:
    return yaml.dump(
        doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False
    ).rstrip("\n")


def resource_name(design: Design) -> str:
    """The design's name as a Service's name must be, a DNS-1035 label: starting with a letter
    (a level's id starts with its number)."""
    return f"web-{design.name}"[:63].rstrip("-")


# ---- reading ---------------------------------------------------------------------------------------
class _Doc:
    """One manifest with its lines, and typed access that fails as a :class:`ConfigError`.
    ``prefix`` is where the manifest sits in its YAML document: ``("items", 2)`` in a ``List``."""

    def __init__(self, data: dict[str, Any], lines: Lines, prefix: tuple[str | int, ...] = ()) -> None:
        self.data = data
        self.lines = lines
        self.prefix = prefix
        self.read: set[tuple[str | int, ...]] = set()
        self.consumed: set[tuple[str | int, ...]] = set()

    def get(self, *path: str | int) -> Any:
        self.read.add(path)
        node: Any = self.data
        for key in path:
            if isinstance(key, int):
                if not isinstance(node, list) or key >= len(node):
                    return None
                node = node[key]
            elif isinstance(node, dict):
                node = node.get(key)
            else:
                return None
        return node

    def consume(self, *path: str | int) -> Any:
        """The value at ``path``, all of it accounted for (read, or reported by the caller)."""
        self.consumed.add(path)
        return self.get(*path)

    def where(self, *path: str | int) -> Where:
        return self.lines.at(*self.prefix, *path)

    def number(self, path: tuple[str | int, ...], default: float) -> float:
        value = self.get(*path)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(
                self.where(*path),
                texts.BAD_NUMBER.format(field=".".join(map(str, path)), value=value),
            )
        return float(value)

    def whole(self, path: tuple[str | int, ...], default: int) -> int:
        value = self.number(path, float(default))
        if value != int(value):
            raise ConfigError(
                self.where(*path),
                texts.BAD_WHOLE.format(field=".".join(map(str, path)), value=value),
            )
        return int(value)

    def unread(self, found: Imported) -> None:
        """Report every field no reading touched and :data:`IGNORED` does not list."""
        read = {p[:i] for p in self.read for i in range(len(p) + 1)}

        def walk(node: Any, path: tuple[str | int, ...]) -> None:
            if path in self.consumed or (path and isinstance(path[-1], str) and path[-1] in IGNORED):
                return
            if path not in read:
                found.skip(self.where(*path), ".".join(map(str, path)), "not_modelled")
            elif isinstance(node, dict):
                for key, value in node.items():
                    walk(value, (*path, str(key)))
            elif isinstance(node, list):
                for i, value in enumerate(node):
                    walk(value, (*path, i))

        walk(self.data, ())


_QUANTITY = re.compile(r"^([0-9]+(?:\.[0-9]+)?)(m|k|M|G)?$")
_SCALE = {None: 1.0, "m": 0.001, "k": 1e3, "M": 1e6, "G": 1e9}


def _quantity(doc: _Doc, path: tuple[str | int, ...]) -> float:
    """A Kubernetes quantity (``3000``, ``2500m``, ``3k``) as a number."""
    raw = doc.get(*path)
    m = _QUANTITY.match(str(raw))
    if m is None or isinstance(raw, bool):
        raise ConfigError(
            doc.where(*path),
            texts.BAD_QUANTITY.format(field=".".join(map(str, path)), value=raw),
        )
    return float(m.group(1)) * _SCALE[m.group(2)]


class _Reader:
    """One file's manifests; the settings are decided once all are read (the HPA, anywhere in the
    file, decides whether the Deployment's replicas are a fixed fleet or a group's start)."""

    def __init__(self, name: str) -> None:
        self.found = Imported()
        self.name = name
        self.deployment: _Doc | None = None
        self.service: _Doc | None = None
        self.hpa: _Doc | None = None
        self.container_ports: dict[str, int] = {}
        self.no_probe: Where | None = None

    def add(self, doc: _Doc) -> None:
        kind = doc.get("kind")
        slot = {"Deployment": "deployment", "Service": "service", "HorizontalPodAutoscaler": "hpa"}.get(
            str(kind)
        )
        if slot is None or getattr(self, slot) is not None:
            self.found.skip(doc.where("kind"), f"{kind} {doc.get('metadata', 'name')}", "k8s_kind", kind=kind)
        else:
            setattr(self, slot, doc)

    def finish(self) -> Imported:
        if self.deployment is not None:
            self._deployment(self.deployment)
        if self.service is not None:
            self._service(self.service)
        if self.hpa is not None:
            self._hpa(self.hpa)
        for doc in (self.deployment, self.service, self.hpa):
            if doc is not None:
                doc.unread(self.found)
        self.found.skipped.sort(key=lambda s: s.where.line)
        return self.found

    def _deployment(self, doc: _Doc) -> None:
        found = self.found
        # left out, the API's default is 1; under an HPA (which often leaves it out) the group
        # starts at its minimum
        start = 1 if self.hpa is None else self.hpa.whole(("spec", "minReplicas"), 1)
        replicas = doc.whole(("spec", "replicas"), start)
        where = doc.where("spec", "replicas")
        found.set("asg.desired", replicas, where)
        if self.hpa is None:  # no group: a fixed fleet of this many
            found.set("web.count", replicas, where)
            found.set("asg.policy", "none", where)
        pod = ("spec", "template", "spec")
        selector = doc.consume(*pod, "nodeSelector") or {}
        for label in (INSTANCE_TYPE, OLD_INSTANCE_TYPE):
            if label in selector:
                found.set("web.size", str(selector[label]), doc.where(*pod, "nodeSelector", label))
                break
        containers = doc.get(*pod, "containers") or []
        for i in range(1, len(containers)):
            c = doc.consume(*pod, "containers", i)
            found.skip(doc.where(*pod, "containers", i), f"container {c.get('name')}", "k8s_container")
        if containers:
            self._container(doc, (*pod, "containers", 0))

    def _container(self, doc: _Doc, at: tuple[str | int, ...]) -> None:
        for port in doc.consume(*at, "ports") or []:
            if isinstance(port, dict) and "name" in port and isinstance(port.get("containerPort"), int):
                self.container_ports[str(port["name"])] = port["containerPort"]
        if doc.consume(*at, "startupProbe") is not None:
            self.found.skip(doc.where(*at, "startupProbe"), "startupProbe", "k8s_startup")
        # readiness decides who gets traffic, as the game's check does; liveness (restarts) is
        # written with the same check and read only when there is no readiness probe
        probe = next((p for p in ("readinessProbe", "livenessProbe") if doc.get(*at, p) is not None), None)
        doc.consume(*at, "livenessProbe")
        if probe is None:
            self.no_probe = doc.where(*at)
            return
        self._probe(doc, (*at, probe))

    def _probe(self, doc: _Doc, at: tuple[str | int, ...]) -> None:
        found = self.found
        if doc.get(*at, "httpGet") is not None:
            found.set("health.kind", "L7", doc.where(*at, "httpGet"))
            found.set(
                "health.path", str(doc.get(*at, "httpGet", "path") or "/"), doc.where(*at, "httpGet", "path")
            )
            doc.get(*at, "httpGet", "port")  # the port the balancer checks is the one it sends to
        elif doc.get(*at, "tcpSocket") is not None:
            found.set("health.kind", "L4", doc.where(*at, "tcpSocket"))
            doc.get(*at, "tcpSocket", "port")
        else:
            kind = next((k for k in ("exec", "grpc") if doc.get(*at, k) is not None), "?")
            doc.consume(*at)
            found.skip(doc.where(*at, kind), kind, "k8s_probe", kind=kind)
            return
        delay = doc.number((*at, "initialDelaySeconds"), 0.0)
        if delay:
            found.skip(doc.where(*at, "initialDelaySeconds"), f"initialDelaySeconds: {delay:g}", "k8s_delay")
        for field, param in (("periodSeconds", "health.interval_s"), ("timeoutSeconds", "health.timeout_s")):
            value = doc.number((*at, field), PROBE_DEFAULTS[field])
            found.set(param, value, doc.where(*at, field))
        for field, param in (
            ("successThreshold", "health.healthy_threshold"),
            ("failureThreshold", "health.unhealthy_threshold"),
        ):
            found.set(param, doc.whole((*at, field), PROBE_DEFAULTS[field]), doc.where(*at, field))

    def _service(self, doc: _Doc) -> None:
        found = self.found
        if self.deployment is not None and self.no_probe is not None:
            found.set("health.kind", "none", self.no_probe)
        ports = doc.get("spec", "ports") or []
        for i in range(1, len(ports)):
            other = doc.consume("spec", "ports", i)
            found.skip(doc.where("spec", "ports", i), f"port {other.get('port')}", "k8s_port")
        if ports:
            target = doc.get("spec", "ports", 0, "targetPort")
            listen = doc.get("spec", "ports", 0, "port")  # the listening port: no knob, the game's is 80
            if target is None:
                target = listen
            if isinstance(target, str) and not target.isdigit():
                named = self.container_ports.get(target)
                if named is None:
                    found.skip(
                        doc.where("spec", "ports", 0, "targetPort"), f"targetPort {target}", "k8s_named_port"
                    )
                else:
                    found.set("lb.target_port", named, doc.where("spec", "ports", 0, "targetPort"))
            else:
                found.set("lb.target_port", int(target), doc.where("spec", "ports", 0, "targetPort"))
        affinity = doc.get("spec", "sessionAffinity")
        doc.consume("spec", "sessionAffinityConfig")  # the affinity's lifetime: the cookie's has no knob
        found.set("lb.sticky", affinity == "ClientIP", doc.where("spec", "sessionAffinity"))

    def _hpa(self, doc: _Doc) -> None:
        found = self.found
        spec = ("spec",)
        found.set("asg.policy", "hpa", doc.where("kind"))
        found.set("asg.min_size", doc.whole((*spec, "minReplicas"), 1), doc.where(*spec, "minReplicas"))
        found.set("asg.max_size", doc.whole((*spec, "maxReplicas"), 1), doc.where(*spec, "maxReplicas"))
        if str(doc.get("apiVersion")).endswith("/v1"):  # autoscaling/v1: a CPU target only, 80 % by default
            found.set("asg.metric", "cpu", doc.where(*spec))
            found.set(
                "asg.target_cpu",
                doc.number((*spec, "targetCPUUtilizationPercentage"), 80.0),
                doc.where(*spec, "targetCPUUtilizationPercentage"),
            )
            return
        metrics = doc.get(*spec, "metrics")
        if not metrics:  # the API's default: 80 % average CPU
            found.set("asg.metric", "cpu", doc.where(*spec))
            found.set("asg.target_cpu", 80.0, doc.where(*spec))
        read = False
        for i, _ in enumerate(metrics or []):
            at = (*spec, "metrics", i)
            if not read and self._metric(doc, at):
                read = True
                continue
            metric = doc.consume(*at)
            kind = metric.get("type")
            source = metric.get(str(kind)[:1].lower() + str(kind)[1:], {})
            name = source.get("name") or source.get("metric", {}).get("name")
            found.skip(doc.where(*at), f"{kind} {name}", "k8s_metric", kind=kind)
        self._behavior(doc)

    def _metric(self, doc: _Doc, at: tuple[str | int, ...]) -> bool:
        """Read one metric if the game models it; False to skip it."""
        found = self.found
        kind = doc.get(*at, "type")
        if (
            kind == "Resource"
            and doc.get(*at, "resource", "name") == "cpu"
            and doc.get(*at, "resource", "target", "type") == "Utilization"
        ):
            target = (*at, "resource", "target", "averageUtilization")
            found.set("asg.metric", "cpu", doc.where(*at))
            found.set("asg.target_cpu", doc.number(target, 80.0), doc.where(*target))
            return True
        if kind != "Pods":
            return False
        name = str(doc.get(*at, "pods", "metric", "name") or "")
        target = (*at, "pods", "target", "averageValue")
        if doc.get(*target) is None:
            return False
        value = _quantity(doc, target)
        doc.get(*at, "pods", "target", "type")
        if "request" in name and "duration" not in name and "latency" not in name:
            found.set("asg.metric", "requests", doc.where(*at))
            found.set("asg.target_requests", value * (60.0 if "second" in name else 1.0), doc.where(*target))
            return True
        if "duration" in name or "latency" in name:
            found.set("asg.metric", "latency", doc.where(*at))
            found.set(
                "asg.target_latency_ms",
                value * (1000.0 if name.endswith("seconds") else 1.0),
                doc.where(*target),
            )
            return True
        return False

    def _behavior(self, doc: _Doc) -> None:
        """Behavior has no knob: one that differs from Kubernetes' defaults is reported."""
        defaults = {
            "scaleUp": (UP_WINDOW_S, HPA_UP_POLICIES),
            "scaleDown": (ScalingSpec().stabilization_s, HPA_DOWN_POLICIES),
        }
        for direction, (window, policies) in defaults.items():
            at = ("spec", "behavior", direction)
            rules = doc.consume(*at)
            if rules is None:
                continue
            said = (
                doc.number((*at, "stabilizationWindowSeconds"), window),
                doc.get(*at, "selectPolicy") or "Max",
                tuple(
                    (p.get("type"), p.get("value"), p.get("periodSeconds"))
                    for p in (doc.get(*at, "policies") or [])
                    if isinstance(p, dict)
                )
                or tuple((p.type, p.value, p.period_s) for p in policies),
            )
            usual = (window, "Max", tuple((p.type, p.value, p.period_s) for p in policies))
            if said != usual:
                self.found.skip(doc.where(*at), f"behavior.{direction}", "k8s_behavior")


def read(name: str, text: str) -> Imported:
    """The settings ``name`` states. Raises :class:`ConfigError` for YAML that does not parse or a
    document that is not a mapping, with the line."""
    reader = _Reader(name)
    for data, lines in documents(name, text):
        if not isinstance(data, dict):
            raise ConfigError(Where(name, lines.first), texts.K8S_NOT_MAPPING)
        items = data.get("items")
        if data.get("kind") == "List" and isinstance(items, list):  # what kubectl get -o yaml prints
            for i, item in enumerate(items):
                if not isinstance(item, dict):
                    raise ConfigError(lines.at("items", i), texts.K8S_NOT_MAPPING)
                reader.add(_Doc(item, lines, ("items", i)))
        else:
            reader.add(_Doc(data, lines))
    return reader.finish()


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
    carries=frozenset({"web.size", "web.count", "asg.desired", "lb.target_port", "health.kind"}),
    write=write,
    claims=claims,
    read=read,
    check=CHECK,
)
