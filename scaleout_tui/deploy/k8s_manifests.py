"""Kubernetes manifests read back as knob values: the reader of the ``kubernetes`` format.

Why apart from the writer (:mod:`~scaleout_tui.deploy.kubernetes`): reading is its own job, and
a manifest written by hand says more than the writer ever writes. What is read, with the API's
defaults for what is left out (Kubernetes API reference, v1.30):

- the Deployment: ``replicas`` (1), the instance-type ``nodeSelector``, the first container's
  readiness probe (its liveness probe when it has none): ``httpGet`` is L7 with its path,
  ``tcpSocket`` L4; ``periodSeconds`` 10, ``timeoutSeconds`` 1, ``successThreshold`` 1,
  ``failureThreshold`` 3. No probe, with a Service, is ``health.kind = none``.
- the Service: the first port's ``targetPort`` (a name is looked up in the container's ports),
  ``sessionAffinity: ClientIP`` as ``lb.sticky = on``.
- the HorizontalPodAutoscaler: ``minReplicas`` (1), ``maxReplicas``, the first metric the game
  models (CPU utilisation, a Pods metric of requests or latency; none at all is 80 % CPU), and a
  ``behavior`` other than the defaults reported as skipped (no knob has it).
- the look-aside cache (level 10): a Deployment or StatefulSet whose first container runs a
  ``redis`` (or ``valkey``) image is the cache, not the web tier; a ConfigMap with a
  ``redis.conf`` gives ``cache.capacity`` from ``maxmemory`` (bytes over
  :data:`~scaleout_tui.deploy.cachetier.ENTRY_BYTES`), and an eviction other than
  ``allkeys-lru`` is reported; the Service that selects the cache's pods is its address. The
  web container's ``CACHE_*`` environment variables are the app's cache settings
  (:data:`~scaleout_tui.deploy.cachetier.ENV`).

Other kinds, containers, ports, metrics and every field not read and not in :data:`IGNORED` are
reported as skipped with their line. A ``List`` (what ``kubectl get -o yaml`` prints) is read
item by item.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from scaleout_tui.content.knobs import Value
from scaleout_tui.deploy import cachetier, ingesttier, texts
from scaleout_tui.deploy.design import ConfigError, Imported, Where
from scaleout_tui.deploy.yamlsource import Lines, documents
from scaleout_tui.engine.autoscaler_spec import HPA_DOWN_POLICIES, HPA_UP_POLICIES, ScalingSpec

#: the node label the kubelet sets to the cloud's instance type (the Kubernetes well-known labels)
INSTANCE_TYPE = "node.kubernetes.io/instance-type"
#: the same label before Kubernetes 1.17, still read
OLD_INSTANCE_TYPE = "beta.kubernetes.io/instance-type"
#: probe fields the API defaults when left out (``Probe`` in the core/v1 reference)
PROBE_DEFAULTS = {"periodSeconds": 10, "timeoutSeconds": 1, "successThreshold": 1, "failureThreshold": 3}
#: the HPA's scale-up stabilization window by default: none
UP_WINDOW_S = 0.0
#: the cache's ConfigMap key, and where the official Redis image's documentation mounts it
#: (Docker Hub, library/redis: ``redis-server /usr/local/etc/redis/redis.conf``)
CACHE_CONFIG_KEY = "redis.conf"
CACHE_CONFIG_PATH = "/usr/local/etc/redis"
#: the images that are a cache server (the image's name, without registry, path or tag)
CACHE_IMAGES = frozenset({"redis", "valkey", "redis-stack-server"})
#: ``redis.conf`` directives that carry nothing for the game: persistence (the game's cache
#: restarts empty), addresses, logging, limits of connections and threads, authentication
REDIS_IGNORED = frozenset({
    "save", "appendonly", "appendfsync", "bind", "protected-mode", "port", "daemonize", "loglevel",
    "logfile", "dir", "dbfilename", "databases", "tcp-keepalive", "tcp-backlog", "timeout",
    "requirepass", "user", "maxclients", "io-threads", "io-threads-do-reads", "lazyfree-lazy-eviction",
    "lazyfree-lazy-expire", "maxmemory-samples", "supervised", "pidfile",
})
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
        self.services: list[_Doc] = []  # sorted out at the end: one may be the cache's
        self.cache: _Doc | None = None
        self.cache_config: _Doc | None = None
        self.ingest: _Doc | None = None

    def add(self, doc: _Doc) -> None:
        kind = doc.get("kind")
        if kind == "Service":
            self.services.append(doc)
            return
        slot = {"Deployment": "deployment", "HorizontalPodAutoscaler": "hpa"}.get(str(kind))
        if kind in ("Deployment", "StatefulSet") and _runs_cache(doc):
            slot = "cache"
        elif kind in ("Deployment", "StatefulSet") and _runs_ingest(doc):
            slot = "ingest"
        elif kind == "ConfigMap" and isinstance(doc.get("data", CACHE_CONFIG_KEY), str):
            slot = "cache_config"
        if slot is None or getattr(self, slot) is not None:
            self._skip_kind(doc)
        else:
            setattr(self, slot, doc)

    def _skip_kind(self, doc: _Doc) -> None:
        kind = doc.get("kind")
        self.found.skip(doc.where("kind"), f"{kind} {doc.get('metadata', 'name')}", "k8s_kind", kind=kind)

    def finish(self) -> Imported:
        cache_service = self._cache_service()
        ingest_service = self._selecting(self.ingest)
        for service in self.services:
            if service is cache_service:
                service.consume()  # the cache's address: nothing for the game
            elif service is ingest_service:
                service.consume()  # the devices' L4 balancer: its port is not a game setting
            elif self.service is None:
                self.service = service
            else:
                self._skip_kind(service)
        if self.deployment is not None:
            self._deployment(self.deployment)
        if self.service is not None:
            self._service(self.service)
        if self.hpa is not None:
            self._hpa(self.hpa)
        if self.cache is not None:
            self._cache(self.cache)
        if self.cache_config is not None:
            self._cache_config(self.cache_config)
        if self.ingest is not None:
            self._ingest(self.ingest)
        for doc in (self.deployment, self.service, self.hpa, self.cache, self.cache_config, cache_service,
                    self.ingest, ingest_service):
            if doc is not None:
                doc.unread(self.found)
        self.found.skipped.sort(key=lambda s: s.where.line)
        return self.found

    def _cache_service(self) -> _Doc | None:
        """The Service that selects the cache's pods (or, without the cache's Deployment in the
        file, the one on Redis's port)."""
        labels: Any = {}
        if self.cache is not None:
            labels = self.cache.get("spec", "template", "metadata", "labels") or {}
        for doc in self.services:
            selector = doc.get("spec", "selector") or {}
            ports = [p.get("port") for p in doc.get("spec", "ports") or [] if isinstance(p, dict)]
            if (selector and isinstance(selector, dict) and isinstance(labels, dict)
                    and selector.items() <= labels.items()):
                return doc
            if self.cache is None and ports == [cachetier.REDIS_PORT]:
                return doc
        return None

    def _selecting(self, workload: _Doc | None) -> _Doc | None:
        """The Service whose selector picks ``workload``'s pods."""
        if workload is None:
            return None
        labels = workload.get("spec", "template", "metadata", "labels") or {}
        for doc in self.services:
            selector = doc.get("spec", "selector") or {}
            if (selector and isinstance(selector, dict) and isinstance(labels, dict)
                    and selector.items() <= labels.items()):
                return doc
        return None

    def _ingest(self, doc: _Doc) -> None:
        """Level 9's comm servers: the replicas are ``ingest.comm_count``, the ``INGEST_*``
        variables the connection settings, and the readiness probe's period the TCP check's
        interval (its thresholds other than 2 and 3 are reported). The rest (image, resources,
        ports, the liveness probe) carries nothing more for the game."""
        found = self.found
        found.set("ingest.comm_count", doc.whole(("spec", "replicas"), 1), doc.where("spec", "replicas"))
        at = ("spec", "template", "spec", "containers", 0)
        self._env(doc, at, ingesttier.ENV, ingesttier.read_value, "ingest_value")
        probe = (*at, "readinessProbe")
        if doc.get(*probe, "tcpSocket") is not None:
            period = doc.get(*probe, "periodSeconds")
            found.set("ingest.check_interval_s", doc.number((*probe, "periodSeconds"), 10.0),
                      doc.where(*probe, "periodSeconds") if period is not None else doc.where(*probe))
            rise = doc.whole((*probe, "successThreshold"), 1)
            fall = doc.whole((*probe, "failureThreshold"), 3)
            if (rise, fall) != (ingesttier.RISE, ingesttier.FALL):
                found.skip(doc.where(*probe), f"readinessProbe {rise}/{fall}", "ingest_threshold")
        doc.consume()

    def _cache(self, doc: _Doc) -> None:
        """The cache server: one pod is the game's one cache box; anything else is reported. The
        rest (its image, arguments, volumes, resources) carries nothing for the game."""
        replicas = doc.whole(("spec", "replicas"), 1)
        doc.consume()
        if replicas != 1:
            self.found.skip(doc.where("spec", "replicas"), f"replicas: {replicas}", "k8s_cache_replicas")

    def _cache_config(self, doc: _Doc) -> None:
        """``redis.conf`` from the ConfigMap: ``maxmemory`` as the capacity, and the eviction."""
        found, where = self.found, doc.where("data", CACHE_CONFIG_KEY)
        doc.consume("data", CACHE_CONFIG_KEY)
        policy = "noeviction"  # Redis's default
        memory: int | None = None
        for raw in str(doc.get("data", CACHE_CONFIG_KEY)).splitlines():
            words = raw.split()
            if not words or words[0].startswith("#"):
                continue
            key, args = words[0].lower(), words[1:]
            if key == "maxmemory" and len(args) == 1:
                memory = cachetier.parse_redis_bytes(args[0])
                if memory is None:
                    raise ConfigError(where, texts.BAD_QUANTITY.format(field="maxmemory", value=args[0]))
            elif key == "maxmemory-policy" and len(args) == 1:
                policy = args[0].lower()
            elif key not in REDIS_IGNORED:
                found.skip(where, raw.strip(), "not_modelled")
        if not memory:  # absent or 0: Redis sets no limit
            found.skip(where, "maxmemory 0", "k8s_cache_no_limit")
        else:
            found.set("cache.capacity", memory // cachetier.ENTRY_BYTES, where)
        if policy != cachetier.EVICTION:
            found.skip(where, f"maxmemory-policy {policy}", "cache_eviction", policy=policy)

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
        self._cache_env(doc, at)
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

    def _cache_env(self, doc: _Doc, at: tuple[str | int, ...]) -> None:
        """The app's cache settings: its ``CACHE_*`` variables with a literal value."""
        self._env(doc, at, cachetier.ENV, cachetier.read_value, "cache_value")

    def _env(self, doc: _Doc, at: tuple[str | int, ...], env: Mapping[str, str],
             read_value: Callable[[str, str], Value | None], reason: str) -> None:
        """A container's variables of ``env`` (variable → knob parameter) with a literal value,
        as their parameters; one that does not read is reported (``reason``)."""
        for i, item in enumerate(doc.get(*at, "env") or []):
            if not isinstance(item, dict) or item.get("name") not in env:
                continue
            name = str(item["name"])
            param = env[name]
            value = read_value(param, str(item.get("value", "")))
            if value is None or "value" not in item:
                self.found.skip(doc.where(*at, "env", i), f"{name}={item.get('value')}", reason, param=param)
            else:
                self.found.set(param, value, doc.where(*at, "env", i))

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
        # the API server defaults a field left at 0 as it defaults one left out (SetDefaults_Probe)
        for field, param in (("periodSeconds", "health.interval_s"), ("timeoutSeconds", "health.timeout_s")):
            value = doc.number((*at, field), PROBE_DEFAULTS[field]) or PROBE_DEFAULTS[field]
            found.set(param, value, doc.where(*at, field))
        for field, param in (
            ("successThreshold", "health.healthy_threshold"),
            ("failureThreshold", "health.unhealthy_threshold"),
        ):
            whole = doc.whole((*at, field), PROBE_DEFAULTS[field]) or PROBE_DEFAULTS[field]
            found.set(param, whole, doc.where(*at, field))

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


def _runs_ingest(doc: _Doc) -> bool:
    """Whether a workload's first container is a comm server: it has ``INGEST_*`` variables."""
    env = doc.get("spec", "template", "spec", "containers", 0, "env") or []
    return isinstance(env, list) and any(isinstance(e, dict) and e.get("name") in ingesttier.ENV for e in env)


def _runs_cache(doc: _Doc) -> bool:
    """Whether a workload's first container runs a cache server's image
    (``redis:7.2``, ``docker.io/library/redis``, ``valkey/valkey:8``)."""
    image = doc.get("spec", "template", "spec", "containers", 0, "image")
    return str(image or "").rsplit("/", 1)[-1].split("@")[0].split(":")[0] in CACHE_IMAGES


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
