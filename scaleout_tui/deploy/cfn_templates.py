"""CloudFormation templates read back as knob values: the reader of ``aws-cloudformation``.

Why apart from the writer (:mod:`~scaleout_tui.deploy.cloudformation`): a template written by
hand says more than the writer ever writes, in YAML with short-form tags (``!Ref``, ``!GetAtt``,
read by cfn-flip's loader into their long forms) or in JSON. What is read, with AWS's defaults for
what is left out (CloudFormation resource reference):

- the launch template's ``InstanceType``; ``AWS::EC2::Instance`` resources as a fixed fleet;
- the group: ``MinSize``, ``MaxSize``, ``DesiredCapacity`` (the minimum), ``Cooldown`` (300),
  ``DefaultInstanceWarmup`` (none), its daily scheduled actions (a window's end is an action
  that puts the limits back and sets no desired count);
- the policies: target tracking's metric and ``TargetValue``; simple and step scaling's alarms
  (``CPUUtilization`` thresholds, the period);
- the target group: port, check (HTTP is L7 with its path, TCP L4; 30 s, 5 s on HTTP and 10 s on
  TCP, 5 passes, 2 failures), stickiness, the algorithm attribute;
- the data tier: an RDS instance and its replicas, a cache, a bucket or a file system;
- the look-aside cache (level 10): an ElastiCache resource whose parameter group evicts among
  all keys (``maxmemory-policy allkeys-*``) is that cache, not a session store (a session store
  must not lose sessions to eviction); ``allkeys-lfu`` or ``allkeys-random`` is reported (the
  game's cache is LRU). The app's cache settings are the ``Cache*`` parameters' defaults
  (:data:`CACHE_PARAMETERS`). The node type has no knob: ElastiCache sizes its memory.

A ``Ref`` to a parameter reads as the parameter's default. Resources of other types are reported
as skipped, except those in :data:`IGNORED_TYPES`; so are the unread properties of a target group
and a group, and values only the deploy computes.
"""

from __future__ import annotations

import json
import re
from typing import Any

from cfn_tools.yaml_loader import CfnYamlLoader

from scaleout_tui.content.knobs import Value
from scaleout_tui.deploy import cachetier, ingesttier, texts
from scaleout_tui.deploy.design import ConfigError, Imported, Where
from scaleout_tui.deploy.yamlsource import Lines, documents
from scaleout_tui.engine.autoscaler_spec import ScheduledAction

#: the ALB's ``load_balancing.algorithm.type`` → the game's algorithm
ALGORITHM_OF = {
    "round_robin": "round_robin",
    "least_outstanding_requests": "least_outstanding_requests",
    "weighted_random": "random",
}
#: the template's parameters that are the app's cache settings → the knob parameter each carries
#: (the writer's UserData hands them to the app as :data:`~scaleout_tui.deploy.cachetier.ENV`)
CACHE_PARAMETERS: dict[str, str] = {
    "CacheTtlSeconds": "cache.ttl_s",
    "CacheTtlJitter": "cache.ttl_jitter",
    "CacheWritePolicy": "cache.policy",
    "CacheInvalidateOnWrite": "cache.invalidate",
    "CacheSingleFlight": "cache.single_flight",
    "CacheStaleWhileRevalidateSeconds": "cache.swr_s",
}
#: resource types that carry nothing for the game: networking, permissions, the listener and
#: subnet groups the written resources need, outputs' helpers. Ignored, not reported.
IGNORED_TYPES = frozenset({
    "AWS::EC2::VPC", "AWS::EC2::Subnet", "AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress",
    "AWS::EC2::SecurityGroupEgress", "AWS::EC2::InternetGateway", "AWS::EC2::VPCGatewayAttachment",
    "AWS::EC2::RouteTable", "AWS::EC2::Route", "AWS::EC2::SubnetRouteTableAssociation",
    "AWS::EC2::NatGateway", "AWS::EC2::EIP", "AWS::IAM::Role", "AWS::IAM::InstanceProfile",
    "AWS::IAM::Policy", "AWS::ElasticLoadBalancingV2::Listener", "AWS::RDS::DBSubnetGroup",
    "AWS::ElastiCache::SubnetGroup", "AWS::EFS::MountTarget", "AWS::Logs::LogGroup", "AWS::S3::BucketPolicy",
    "AWS::CertificateManager::Certificate", "AWS::Route53::RecordSet", "AWS::ElastiCache::ParameterGroup",
})


class _Template:
    """A template's resources with their lines, and typed access failing as :class:`ConfigError`.

    A ``Ref`` to a parameter reads as the parameter's ``Default`` (what a deploy without
    overrides uses); a value only the deploy computes (another ``Ref``, an ``Fn::If``) is
    reported as skipped and the property read as left out."""

    def __init__(self, file: str, data: dict[str, Any], lines: Lines, found: Imported) -> None:
        self.file = file
        self.resources: dict[str, Any] = data.get("Resources") or {}
        params = data.get("Parameters")
        self.params: dict[str, Any] = params if isinstance(params, dict) else {}
        self.lines = lines
        self.found = found
        self.dynamic: set[tuple[str, str]] = set()  # the properties reported as computed

    def resolve(self, value: Any) -> Any:
        """A parameter's default for a ``Ref`` to it; anything else as it is."""
        if isinstance(value, dict) and set(value) == {"Ref"}:
            param = self.params.get(str(value["Ref"]))
            if isinstance(param, dict) and "Default" in param:
                return param["Default"]
        return value

    def where(self, logical: str, *path: str | int) -> Where:
        return (
            self.lines.at("Resources", logical, "Properties", *path)
            if path
            else self.lines.at("Resources", logical)
        )

    def of_type(self, kind: str) -> list[str]:
        return [k for k, r in self.resources.items() if isinstance(r, dict) and r.get("Type") == kind]

    def prop(self, logical: str, key: str) -> Any:
        return self.resolve(((self.resources.get(logical) or {}).get("Properties") or {}).get(key))

    def number(self, logical: str, key: str, default: float) -> float | None:
        """The property as a number: ``default`` when it is left out, ``None`` when the deploy
        computes it (reported)."""
        return default if self.prop(logical, key) is None else self.maybe(logical, key)

    def maybe(self, logical: str, key: str) -> float | None:
        raw = self.prop(logical, key)
        if raw is None:
            return None
        if isinstance(raw, dict):  # an intrinsic function the deploy evaluates
            if (logical, key) not in self.dynamic:
                self.dynamic.add((logical, key))
                self.found.skip(self.where(logical, key), f"{logical}.{key}", "cfn_dynamic")
            return None
        try:
            if isinstance(raw, bool):
                raise ValueError(raw)
            return float(raw)
        except (TypeError, ValueError):
            raise ConfigError(
                self.where(logical, key),
                texts.BAD_NUMBER.format(field=f"{logical}.{key}", value=raw),
            ) from None

    def whole(self, logical: str, key: str, default: int) -> int | None:
        value = self.number(logical, key, float(default))
        return None if value is None else int(value)

    def maybe_whole(self, logical: str, key: str) -> int | None:
        value = self.maybe(logical, key)
        return None if value is None else int(value)


def _put(found: Imported, param: str, value: Value | None, where: Where) -> None:
    """A setting, unless the template leaves its value to the deploy (``None``)."""
    if value is not None:
        found.set(param, value, where)


def _ref_of(value: Any) -> str | None:
    """The logical id a ``Ref`` (or ``GetAtt``) names."""
    if isinstance(value, dict):
        if "Ref" in value:
            return str(value["Ref"])
        att = value.get("Fn::GetAtt")
        if isinstance(att, list) and att:
            return str(att[0])
    return None


#: resource types the reader reads
_READ = frozenset({
    "AWS::EC2::LaunchTemplate", "AWS::EC2::Instance", "AWS::AutoScaling::AutoScalingGroup",
    "AWS::AutoScaling::ScalingPolicy", "AWS::CloudWatch::Alarm", "AWS::AutoScaling::ScheduledAction",
    "AWS::ElasticLoadBalancingV2::LoadBalancer", "AWS::ElasticLoadBalancingV2::TargetGroup",
    "AWS::RDS::DBInstance", "AWS::ElastiCache::CacheCluster", "AWS::ElastiCache::ReplicationGroup",
    "AWS::S3::Bucket", "AWS::EFS::FileSystem",
})


#: the properties of a target group and a group the reader reads, or that carry nothing for the
#: game (names, tags, networking, the launch template's reference, metrics collection); any other
#: property of theirs (a matcher of HTTP codes, a termination policy) is reported as skipped
_KNOWN_PROPS = {
    "AWS::ElasticLoadBalancingV2::TargetGroup": frozenset({
        "Protocol", "Port", "HealthCheckProtocol", "HealthCheckPath", "HealthCheckIntervalSeconds",
        "HealthCheckTimeoutSeconds", "HealthyThresholdCount", "UnhealthyThresholdCount",
        "TargetGroupAttributes", "HealthCheckEnabled", "Name", "Tags", "VpcId", "TargetType",
        "ProtocolVersion", "IpAddressType", "Targets",
    }),
    "AWS::AutoScaling::AutoScalingGroup": frozenset({
        "MinSize", "MaxSize", "DesiredCapacity", "Cooldown", "DefaultInstanceWarmup",
        "HealthCheckGracePeriod", "HealthCheckType", "LaunchTemplate", "LaunchConfigurationName",
        "TargetGroupARNs", "VPCZoneIdentifier", "AvailabilityZones", "Tags", "AutoScalingGroupName",
        "MetricsCollection", "NotificationConfigurations",
    }),
}


def _read_unknown_props(t: _Template, found: Imported) -> None:
    for kind, known in _KNOWN_PROPS.items():
        for name in t.of_type(kind):
            for key, value in (t.resources[name].get("Properties") or {}).items():
                # the check on the port the traffic goes to is the game's; another port is not
                if key in known or (key == "HealthCheckPort" and value == "traffic-port"):
                    continue
                found.skip(t.where(name, key), f"{name}.{key}", "not_modelled")


#: the policy types that have a warm-up (EstimatedInstanceWarmup is "valid only if the policy type
#: is TargetTrackingScaling or StepScaling")
_WARMED_POLICIES = frozenset({"StepScaling", "TargetTrackingScaling"})


def _read_web(t: _Template, found: Imported) -> None:
    templates = t.of_type("AWS::EC2::LaunchTemplate")
    for name in templates[:1]:
        size = t.resolve((t.prop(name, "LaunchTemplateData") or {}).get("InstanceType"))
        if isinstance(size, str):
            _put(
                found,
                "web.size",
                size,
                t.lines.at("Resources", name, "Properties", "LaunchTemplateData", "InstanceType"),
            )
    for name in templates[1:]:
        found.skip(t.where(name), name, "cfn_resource", kind="AWS::EC2::LaunchTemplate")
    instances = t.of_type("AWS::EC2::Instance")
    groups = t.of_type("AWS::AutoScaling::AutoScalingGroup")
    if instances and not groups:
        _put(found, "web.count", len(instances), t.where(instances[0]))
        if not templates:
            size = t.prop(instances[0], "InstanceType")
            if isinstance(size, str):
                _put(found, "web.size", size, t.where(instances[0], "InstanceType"))
    for name in groups[:1]:
        minimum = t.maybe_whole(name, "MinSize")
        # AWS: a group without a desired capacity starts at its minimum
        desired = t.maybe_whole(name, "DesiredCapacity") if t.prop(name, "DesiredCapacity") is not None \
            else minimum
        for param, key, value in (("asg.min_size", "MinSize", minimum),
                                  ("asg.max_size", "MaxSize", t.maybe_whole(name, "MaxSize")),
                                  ("asg.desired", "DesiredCapacity", desired)):
            _put(found, param, value, t.where(name, key))
        cooldown = t.number(name, "Cooldown", 300.0)
        _put(found, "asg.cooldown_s", cooldown, t.where(name, "Cooldown"))
        # AWS: "If default instance warmup is null, then EstimatedInstanceWarmup falls back to the
        # value of default cooldown" (PutScalingPolicy): for step and target-tracking policies
        # only; simple scaling has no warm-up. -1 is CloudFormation's null. A policy's own
        # EstimatedInstanceWarmup is read after this (_read_policies).
        warmed = {str(t.prop(p, "PolicyType") or "SimpleScaling")
                  for p in t.of_type("AWS::AutoScaling::ScalingPolicy")} & _WARMED_POLICIES
        warmup: float | None = cooldown if warmed else 0.0  # None: computed at deploy time (reported)
        if t.prop(name, "DefaultInstanceWarmup") is not None:
            default = t.number(name, "DefaultInstanceWarmup", 0.0)
            warmup = warmup if default is not None and default < 0 else default
        _put(found, "asg.warmup_s", warmup, t.where(name, "DefaultInstanceWarmup"))
        _put(found, "asg.policy", "none", t.where(name))
        _read_schedule(t, name, found)
    for name in groups[1:]:
        found.skip(t.where(name), name, "cfn_resource", kind="AWS::AutoScaling::AutoScalingGroup")


def _minutes(recurrence: Any) -> float | None:
    m = re.fullmatch(r"\s*(\d+)\s+(\d+)\s+\*\s+\*\s+\*\s*", str(recurrence))
    return None if m is None else (int(m.group(2)) * 60 + int(m.group(1))) * 60.0


def _read_schedule(t: _Template, group: str, found: Imported) -> None:
    actions: list[tuple[float, str]] = []
    for name in t.of_type("AWS::AutoScaling::ScheduledAction"):
        at = _minutes(t.prop(name, "Recurrence"))
        if at is None or _ref_of(t.prop(name, "AutoScalingGroupName")) != group:
            found.skip(
                t.where(name),
                f"{name} {t.prop(name, 'Recurrence') or t.prop(name, 'StartTime')}",
                "cfn_schedule",
            )
            continue
        actions.append((at, name))
    out: list[ScheduledAction] = []
    # the group's limits just before the last action: an action that puts them back and sets no
    # desired count ends that action's window
    before = {"MinSize": t.maybe_whole(group, "MinSize"), "MaxSize": t.maybe_whole(group, "MaxSize")}
    before_last = dict(before)
    for at, name in sorted(actions):
        sizes = {k: t.maybe_whole(name, k) for k in ("MinSize", "MaxSize", "DesiredCapacity")}
        last = out[-1] if out else None
        if (
            last is not None
            and last.until is None
            and sizes["DesiredCapacity"] is None
            and all(sizes[k] in (None, before_last[k]) for k in ("MinSize", "MaxSize"))
        ):
            out[-1] = ScheduledAction(
                at=last.at, min_size=last.min_size, max_size=last.max_size, desired=last.desired, until=at
            )
            continue
        before_last = dict(before)
        out.append(
            ScheduledAction(
                at=at, min_size=sizes["MinSize"], max_size=sizes["MaxSize"], desired=sizes["DesiredCapacity"]
            )
        )
        before |= {k: v for k, v in sizes.items() if v is not None and k != "DesiredCapacity"}
    where = t.where(actions[0][1]) if actions else t.where(group)
    _put(found, "asg.schedule", tuple(out), where)


def _read_balancer(t: _Template, found: Imported) -> None:
    for name in t.of_type("AWS::ElasticLoadBalancingV2::TargetGroup")[:1]:
        protocol = str(t.prop(name, "HealthCheckProtocol") or t.prop(name, "Protocol") or "HTTP").upper()
        network = str(t.prop(name, "Protocol") or "HTTP").upper() in ("TCP", "TLS", "UDP", "TCP_UDP")
        _put(found, "lb.target_port", t.whole(name, "Port", 80), t.where(name, "Port"))
        if protocol in ("HTTP", "HTTPS"):
            _put(found, "health.kind", "L7", t.where(name, "HealthCheckProtocol"))
            _put(
                found,
                "health.path",
                str(t.prop(name, "HealthCheckPath") or "/"),
                t.where(name, "HealthCheckPath"),
            )
        else:
            _put(found, "health.kind", "L4", t.where(name, "HealthCheckProtocol"))
        # the defaults of an ALB's HTTP and an NLB's TCP target group (TargetGroup reference)
        for key, param, default in (
            ("HealthCheckIntervalSeconds", "health.interval_s", 30.0),
            ("HealthCheckTimeoutSeconds", "health.timeout_s", 10.0 if network else 5.0),
        ):
            _put(found, param, t.number(name, key, default), t.where(name, key))
        for key, param, dflt in (
            ("HealthyThresholdCount", "health.healthy_threshold", 5),
            ("UnhealthyThresholdCount", "health.unhealthy_threshold", 2),
        ):
            _put(found, param, t.whole(name, key, dflt), t.where(name, key))
        attrs = {}
        for i, a in enumerate(t.prop(name, "TargetGroupAttributes") or []):
            if isinstance(a, dict):
                attrs[str(a.get("Key"))] = (str(a.get("Value")).lower(), i)
        at = ("TargetGroupAttributes",)
        sticky = attrs.pop("stickiness.enabled", None)  # off unless said
        _put(
            found,
            "lb.sticky",
            sticky is not None and sticky[0] == "true",
            t.where(name, *at, sticky[1]) if sticky is not None else t.where(name),
        )
        attrs.pop("stickiness.type", None)  # a cookie on an ALB, the client's address on an NLB
        attrs.pop("stickiness.lb_cookie.duration_seconds", None)  # the cookie's lifetime has no knob
        attrs.pop("deregistration_delay.timeout_seconds", None)  # the drain has no knob
        algo = attrs.get("load_balancing.algorithm.type")
        if algo is not None and algo[0] in ALGORITHM_OF:
            _put(found, "lb.algorithm", ALGORITHM_OF[algo[0]], t.where(name, *at, algo[1]))
            del attrs["load_balancing.algorithm.type"]
        elif algo is None and not network:  # an ALB's default
            _put(found, "lb.algorithm", "round_robin", t.where(name))
        for key, (value, i) in attrs.items():
            found.skip(t.where(name, *at, i), f"{key}={value}", "cfn_attribute")


def _alarm_of(t: _Template, policy: str) -> list[str]:
    return [
        a
        for a in t.of_type("AWS::CloudWatch::Alarm")
        if any(_ref_of(x) == policy for x in (t.prop(a, "AlarmActions") or []))
    ]


_METRICS = {"CPUUtilization": "cpu", "RequestCountPerTarget": "requests", "TargetResponseTime": "latency"}


def _read_policies(t: _Template, found: Imported) -> None:
    kinds: set[str] = set()
    for name in t.of_type("AWS::AutoScaling::ScalingPolicy"):
        kind = str(t.prop(name, "PolicyType") or "SimpleScaling")
        # a policy's own warm-up (step and target tracking) and cooldown (simple) override the group's
        if kind in _WARMED_POLICIES and t.prop(name, "EstimatedInstanceWarmup") is not None:
            _put(found, "asg.warmup_s", t.number(name, "EstimatedInstanceWarmup", 0.0),
                 t.where(name, "EstimatedInstanceWarmup"))
        if kind == "SimpleScaling" and t.prop(name, "Cooldown") is not None:
            _put(found, "asg.cooldown_s", t.number(name, "Cooldown", 300.0), t.where(name, "Cooldown"))
        if kind == "TargetTrackingScaling":
            conf = t.prop(name, "TargetTrackingConfiguration") or {}
            pre = (conf.get("PredefinedMetricSpecification") or {}).get("PredefinedMetricType")
            custom = (conf.get("CustomizedMetricSpecification") or {}).get("MetricName")
            metric = {"ASGAverageCPUUtilization": "cpu", "ALBRequestCountPerTarget": "requests"}.get(
                str(pre)
            ) or {"TargetResponseTime": "latency"}.get(str(custom))
            target = conf.get("TargetValue")
            if metric is None or not isinstance(target, int | float):
                found.skip(t.where(name), f"{name} {pre or custom}", "cfn_metric", kind=pre or custom)
                continue
            where = t.lines.at("Resources", name, "Properties", "TargetTrackingConfiguration", "TargetValue")
            kinds.add("target")
            _put(found, "asg.metric", metric, where)
            param = {
                "cpu": "asg.target_cpu",
                "requests": "asg.target_requests",
                "latency": "asg.target_latency_ms",
            }
            _put(found, param[metric], float(target) * (1000.0 if metric == "latency" else 1.0), where)
        elif kind in ("SimpleScaling", "StepScaling"):
            kinds.add("simple" if kind == "SimpleScaling" else "step")
            for alarm in _alarm_of(t, name):
                _read_alarm(t, alarm, found)
        else:
            found.skip(t.where(name), f"{name} {kind}", "cfn_policy", kind=kind)
    if len(kinds) == 1:
        _put(found, "asg.policy", kinds.pop(), t.where(t.of_type("AWS::AutoScaling::ScalingPolicy")[0]))


def _read_alarm(t: _Template, alarm: str, found: Imported) -> None:
    metric = _METRICS.get(str(t.prop(alarm, "MetricName")))
    if metric is None:
        found.skip(
            t.where(alarm),
            f"{alarm} {t.prop(alarm, 'MetricName')}",
            "cfn_metric",
            kind=t.prop(alarm, "MetricName"),
        )
        return
    period = t.number(alarm, "Period", 60.0)
    threshold = t.maybe(alarm, "Threshold")
    if period is None or threshold is None:  # computed by the deploy (reported), or no threshold
        return
    factor = {"cpu": 1.0, "requests": period / 60.0, "latency": 0.001}[metric]
    out = "Greater" in str(t.prop(alarm, "ComparisonOperator"))
    _put(found, "asg.metric", metric, t.where(alarm, "MetricName"))
    _put(found, "asg.period_s", period, t.where(alarm, "Period"))
    if metric == "cpu":
        _put(
            found,
            "asg.scale_out_cpu" if out else "asg.scale_in_cpu",
            threshold / factor,
            t.where(alarm, "Threshold"),
        )


def _read_data(t: _Template, found: Imported) -> None:
    dbs = t.of_type("AWS::RDS::DBInstance")
    masters = [d for d in dbs if t.prop(d, "SourceDBInstanceIdentifier") is None]
    for name in masters[:1]:
        size = str(t.prop(name, "DBInstanceClass") or "")
        _put(found, "layout", "two-tier", t.where(name))
        if size.startswith("db."):
            _put(found, "db.size", size[3:], t.where(name, "DBInstanceClass"))
        replicas = [d for d in dbs if _ref_of(t.prop(d, "SourceDBInstanceIdentifier")) == name]
        _put(found, "db.replicas", len(replicas), t.where(replicas[0]) if replicas else t.where(name))
    if not masters:
        _put(found, "layout", "single", t.lines.at("Resources"))
    for name in masters[1:]:
        found.skip(t.where(name), name, "cfn_resource", kind="AWS::RDS::DBInstance")
    caches = t.of_type("AWS::ElastiCache::CacheCluster") + t.of_type("AWS::ElastiCache::ReplicationGroup")
    look_aside = [c for c in caches if _eviction(t, c).startswith("allkeys-")]
    caches = [c for c in caches if c not in look_aside]
    _read_cache(t, look_aside, found)
    _put(
        found,
        "session.store",
        "shared" if caches else "local",
        t.where(caches[0]) if caches else t.lines.at("Resources"),
    )
    buckets, nfs = t.of_type("AWS::S3::Bucket"), t.of_type("AWS::EFS::FileSystem")
    mode, where = (
        ("object", t.where(buckets[0]))
        if buckets
        else ("nfs", t.where(nfs[0]))
        if nfs
        else ("local", t.lines.at("Resources"))
    )
    _put(found, "storage.mode", mode, where)


def _eviction(t: _Template, cache: str) -> str:
    """The ``maxmemory-policy`` of a cache's parameter group written in the template ("" when it
    is not: ElastiCache's default, ``volatile-lru``, or a group made elsewhere)."""
    group = _ref_of(t.prop(cache, "CacheParameterGroupName"))
    if group is None or (t.resources.get(group) or {}).get("Type") != "AWS::ElastiCache::ParameterGroup":
        return ""
    return str((t.prop(group, "Properties") or {}).get("maxmemory-policy") or "")


def _read_cache(t: _Template, caches: list[str], found: Imported) -> None:
    """The look-aside cache: its eviction, and the app's settings from the template's parameters."""
    for name in caches[1:]:
        found.skip(t.where(name), name, "cfn_resource", kind=t.resources[name].get("Type"))
    for name in caches[:1]:
        policy = _eviction(t, name)
        if policy != cachetier.EVICTION:
            group = str(_ref_of(t.prop(name, "CacheParameterGroupName")))
            found.skip(t.where(group, "Properties"), f"maxmemory-policy {policy}", "cache_eviction",
                       policy=policy)
    for key, param in CACHE_PARAMETERS.items():
        spec = t.params.get(key)
        if not isinstance(spec, dict) or "Default" not in spec:
            continue
        where = t.lines.at("Parameters", key, "Default")
        value = cachetier.read_value(param, str(spec["Default"]).lower() if isinstance(spec["Default"], bool)
                                     else str(spec["Default"]))
        if value is None:
            found.skip(where, f"{key}={spec['Default']}", "cache_value", param=param)
        else:
            found.set(param, value, where)


def _user_data(t: _Template, logical: str) -> str:
    """A launch template's UserData script (``Fn::Base64`` of a string or a ``!Sub``), or ``""``."""
    data = (t.prop(logical, "LaunchTemplateData") or {}).get("UserData")
    inner = data.get("Fn::Base64") if isinstance(data, dict) else None
    if isinstance(inner, dict) and isinstance(inner.get("Fn::Sub"), str):
        inner = inner["Fn::Sub"]
    return inner if isinstance(inner, str) else ""


def _ingest_resources(t: _Template) -> dict[str, str]:
    """Level 9's ingest tier in a template, by logical id → its role: the launch template whose
    UserData sets ``INGEST_*`` variables (``template``), the groups launching it (``group``), their
    target groups (``target``), the listeners forwarding to those and their load balancers.
    Empty for a template without one."""
    out: dict[str, str] = {}
    for lt in t.of_type("AWS::EC2::LaunchTemplate"):
        if any(f"{var}=" in _user_data(t, lt) for var in ingesttier.ENV):
            out[lt] = "template"
    for group in t.of_type("AWS::AutoScaling::AutoScalingGroup"):
        spec = t.prop(group, "LaunchTemplate") or {}
        if isinstance(spec, dict) and _ref_of(spec.get("LaunchTemplateId")) in out:
            out[group] = "group"
            for arn in t.prop(group, "TargetGroupARNs") or []:
                if _ref_of(arn) in t.resources:
                    out[str(_ref_of(arn))] = "target"
    for listener in t.of_type("AWS::ElasticLoadBalancingV2::Listener"):
        actions = t.prop(listener, "DefaultActions") or []
        if any(isinstance(a, dict) and out.get(str(_ref_of(a.get("TargetGroupArn")))) == "target"
               for a in actions):
            out[listener] = "listener"
            balancer = _ref_of(t.prop(listener, "LoadBalancerArn"))
            if balancer in t.resources:
                out[str(balancer)] = "balancer"
    return out if "group" in out.values() else {}


def _read_ingest(t: _Template, ingest: dict[str, str], found: Imported) -> None:
    """The comm servers' count (the group's desired capacity), the TCP check's interval and
    thresholds (the target group's), and the ``INGEST_*`` settings the UserData writes."""
    for name in [k for k, role in ingest.items() if role == "group"][:1]:
        _put(found, "ingest.comm_count", t.maybe_whole(name, "DesiredCapacity"),
             t.where(name, "DesiredCapacity"))
    for name in [k for k, role in ingest.items() if role == "target"][:1]:
        _put(found, "ingest.check_interval_s", t.number(name, "HealthCheckIntervalSeconds", 30.0),
             t.where(name, "HealthCheckIntervalSeconds"))
        rise = t.whole(name, "HealthyThresholdCount", 5)
        fall = t.whole(name, "UnhealthyThresholdCount", 2)
        if (rise, fall) != (ingesttier.RISE, ingesttier.FALL):
            found.skip(t.where(name), f"{name} {rise}/{fall}", "ingest_threshold")
    for name in [k for k, role in ingest.items() if role == "template"][:1]:
        where = t.lines.at("Resources", name, "Properties", "LaunchTemplateData", "UserData")
        for line in _user_data(t, name).splitlines():
            var, eq, value = line.partition("=")
            if not eq or var.strip() not in ingesttier.ENV:
                continue
            param = ingesttier.ENV[var.strip()]
            read = ingesttier.read_value(param, value)
            if read is None:
                found.skip(where, line.strip(), "ingest_value", param=param)
            else:
                _put(found, param, read, where)


def read(name: str, text: str) -> Imported:
    """The settings template ``name`` states. Raises :class:`ConfigError` for YAML or JSON that does
    not parse, or a file without a ``Resources`` mapping, with the line."""
    if text.lstrip().startswith("{"):
        try:
            json.loads(text)
        except json.JSONDecodeError as e:
            raise ConfigError(Where(name, e.lineno), texts.JSON_ERROR.format(problem=e.msg)) from None
    docs = documents(name, text, CfnYamlLoader)
    if not docs or not isinstance(docs[0][0], dict) or not isinstance(docs[0][0].get("Resources"), dict):
        raise ConfigError(Where(name, docs[0][1].first if docs else 0), texts.CFN_NO_RESOURCES)
    found = Imported()
    t = _Template(name, docs[0][0], docs[0][1], found)
    ingest = _ingest_resources(t)
    if ingest:
        _read_ingest(t, ingest, found)
        t.resources = {k: v for k, v in t.resources.items() if k not in ingest}
    _read_web(t, found)
    _read_balancer(t, found)
    _read_policies(t, found)
    _read_data(t, found)
    _read_unknown_props(t, found)
    for logical, resource in t.resources.items():
        kind = resource.get("Type") if isinstance(resource, dict) else None
        if kind not in _READ and kind not in IGNORED_TYPES:
            reason = (
                "cfn_listener_rule" if kind == "AWS::ElasticLoadBalancingV2::ListenerRule" else "cfn_resource"
            )
            found.skip(t.where(logical), f"{logical} {kind}", reason, kind=kind)
    found.skipped.sort(key=lambda s: s.where.line)
    return found
