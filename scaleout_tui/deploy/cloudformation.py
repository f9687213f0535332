"""The design as an AWS CloudFormation template (``template.yaml``): the format and its writer.

What the template declares, deployable as it stands (``aws cloudformation deploy`` asks only for
a VPC and two or more of its subnets, and ``--capabilities CAPABILITY_IAM`` when uploads go to a
bucket; the image is the latest Amazon Linux 2023 by its public SSM parameter). Each data tier
has a security group that admits the web servers on its port (MySQL 3306, NFS 2049, Redis 6379):

- the web tier: a ``LaunchTemplate`` of the design's size, and either an ``AutoScalingGroup``
  (a design with a group, even one without a policy: a fixed group still has its limits) or, for a
  fixed fleet, one ``AWS::EC2::Instance`` per box registered in the target group by id;
- the balancer: an Application Load Balancer with an HTTP target group, or a Network Load
  Balancer with a TCP one when the check is L4 (an ALB checks over HTTP only); its listener; the
  target group's health check and attributes (deregistration delay, stickiness, algorithm);
- the policy: simple and step scaling with their CloudWatch alarms, target tracking, and the
  scheduled actions;
- the data tier: an RDS instance and its read replicas, an ElastiCache Redis cluster for shared
  sessions, an S3 bucket for object storage or an EFS file system for NFS;
- the look-aside cache (level 10): an ElastiCache Redis replication group of one node, its
  parameter group (``maxmemory-policy allkeys-lru``), subnet group and security group (the web
  servers on 6379), and the app's cache settings as the template's ``Cache*`` parameters, which
  the launch template's UserData hands to the app with the cache's address.

Mapping rules and their sources, the CloudFormation resource reference:

- ``AWS::ElasticLoadBalancingV2::TargetGroup``: interval 5-300 s, timeout 2-120 s and below the
  interval, both thresholds 2-10 (the game allows 1 s and 1): clamped, and noted. The attributes
  ``deregistration_delay.timeout_seconds`` (0-3600), ``stickiness.enabled`` with ``lb_cookie``
  (ALB; ``lb_cookie.duration_seconds`` 1-604800) or ``source_ip`` (NLB), and the ALB's
  ``load_balancing.algorithm.type``: round_robin, least_outstanding_requests, weighted_random.
- ``AWS::AutoScaling::AutoScalingGroup``: ``Cooldown`` is the default cooldown (300 s),
  ``HealthCheckGracePeriod`` (300 s with ELB checks), ``DefaultInstanceWarmup`` (written even at
  0: unset, step and target-tracking policies fall back to the 300 s default cooldown).
- ``AWS::AutoScaling::ScalingPolicy``: ``SimpleScaling`` (``ScalingAdjustment``, ``Cooldown``),
  ``StepScaling`` (``StepAdjustments``, bounds relative to the alarm's threshold;
  ``EstimatedInstanceWarmup``), ``TargetTrackingScaling`` (``ASGAverageCPUUtilization``,
  ``ALBRequestCountPerTarget`` with its ``ResourceLabel``, or a customized ``TargetResponseTime``).
- ``AWS::CloudWatch::Alarm``: ``Period`` 10, 20, 30 or a multiple of 60; the game's alarm is
  "at or above" (``GreaterThanOrEqualToThreshold``) out, "at or below" in.
- ``AWS::AutoScaling::ScheduledAction``: the game's clock has no date, so its 0 s is 00:00 UTC and
  each action is a daily ``Recurrence`` at its minute; a window's end is a second action that
  puts the minimum back (and sets no desired count), as the engine's ``ScheduledAction`` says.
- ``AWS::ElastiCache::ReplicationGroup`` rather than ``CacheCluster``: AWS's resource for Redis
  (a CacheCluster of Redis can have no replica, no automatic failover and no encryption at
  rest); one node (``NumCacheClusters: 1``) is the game's one cache box, and a replica is one
  number away. ``CacheNodeType`` is the cache's size as ElastiCache names it
  (:data:`NODE_MEMORY`, AWS's node-type ``maxmemory``): the same name when ElastiCache has it,
  else the smallest node with as much memory; a node whose memory, less the 25 % ElastiCache
  reserves, cannot hold the design's entries is replaced by the smallest that can (noted).
  ElastiCache fixes ``maxmemory`` by node type, so the design's capacity is a note, not a setting.

Reading templates back is :mod:`~scaleout_tui.deploy.cfn_templates`.
"""

from __future__ import annotations

import math
import re
from typing import Any

import yaml
from cfn_tools.yaml_loader import CfnYamlLoader

from scaleout_tui.content.catalog import load_catalog_default
from scaleout_tui.content.decode import show_number
from scaleout_tui.deploy import cachetier, ingesttier, texts
from scaleout_tui.deploy.cachetier import REDIS_PORT
from scaleout_tui.deploy.cfn_templates import ALGORITHM_OF, CACHE_PARAMETERS, read
from scaleout_tui.deploy.design import Design, Export, Format, Note
from scaleout_tui.engine.autoscaler_spec import ScalingSpec
from scaleout_tui.engine.balancer import APP_PORT
from scaleout_tui.engine.cache import POLICIES
from scaleout_tui.engine.healthcheck import HealthCheckSpec
from scaleout_tui.engine.ingest import IngestSpec

FILE = "template.yaml"
CHECK = f"cfn-lint {FILE}"
#: the latest Amazon Linux 2023, by AWS's public SSM parameter
IMAGE = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
#: AWS's bounds on a target group's check (ElasticLoadBalancingV2 TargetGroup reference)
INTERVAL = (5, 300)
TIMEOUT = (2, 120)
THRESHOLD = (2, 10)
#: an ALB target group's check when nothing is said (HTTP /, 30 s, 5 s, 5 passes, 2 failures)
ALB_DEFAULT = HealthCheckSpec(
    kind="L7", path="/", interval_s=30.0, timeout_s=5.0, healthy_threshold=5, unhealthy_threshold=2
)
#: the game's algorithm → the ALB's ``load_balancing.algorithm.type`` (back: ``ALGORITHM_OF``)
ALB_ALGORITHM = {
    "round_robin": "round_robin",
    "least_outstanding_requests": "least_outstanding_requests",
    "least_conn": "least_outstanding_requests",
    "random": "weighted_random",
    "ip_hash": "round_robin",
    "dns": "round_robin",
}
#: ElastiCache's general-purpose node types the catalog's sizes map to, with each node's memory in
#: bytes: the node-type ``maxmemory`` of AWS's "Redis node-type specific parameters" (ElastiCache
#: user guide); ElastiCache keeps ``reserved-memory-percent`` (25 %) of it for itself
NODE_MEMORY: dict[str, int] = {
    "cache.m5.large": 6_854_542_746,
    "cache.m5.xlarge": 13_891_921_715,
    "cache.m5.2xlarge": 27_966_669_210,
    "cache.m5.4xlarge": 56_116_178_125,
    "cache.m5.12xlarge": 168_715_971_994,
    "cache.m5.24xlarge": 337_500_562_842,
}
#: the Redis version written and its parameter group family (ElastiCache's Redis OSS 7.1)
REDIS_VERSION = "7.1"
REDIS_FAMILY = "redis7"
#: where the UserData writes the app's cache settings (the app's service reads it as its
#: environment: systemd's ``EnvironmentFile=``)
CACHE_ENV_FILE = "/etc/app/cache.env"
#: where the comm servers' UserData writes their INGEST_* settings (level 9)
INGEST_ENV_FILE = "/etc/app/ingest.env"
#: a Network Load Balancer's TCP idle timeout, in seconds (Elastic Load Balancing user guide,
#: "Network Load Balancers", Connection idle timeout: 350 s for TCP flows)
NLB_TCP_IDLE_S = 350
#: the comm group's grace before ELB checks count (*assumed*: the engine's boot of a minute, and
#: AWS's default of 300 s would hide a dead new server for five minutes)
INGEST_GRACE_S = 60


# ---- writing ---------------------------------------------------------------------------------------
class _Fn:
    """An intrinsic function in its short form: ``!Ref WebGroup``, ``!GetAtt A.B``, ``!Sub ...``."""

    def __init__(self, tag: str, value: Any) -> None:
        self.tag = tag
        self.value = value


def _ref(name: str) -> _Fn:
    return _Fn("!Ref", name)


def _att(name: str) -> _Fn:
    return _Fn("!GetAtt", name)


class _Dumper(yaml.SafeDumper):
    """Writes the template as people do: no ``&id001`` anchors, and ``!Ref VpcId`` rather than
    PyYAML's ``!Ref 'VpcId'`` (it quotes every scalar with a tag of its own, needed or not)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def choose_scalar_style(self) -> Any:
        event = self.event
        tag = getattr(event, "tag", None) or ""
        if tag.startswith("!") and not tag.startswith("!!") and getattr(event, "style", None) is None:
            if self.analysis is None:
                self.analysis = self.analyze_scalar(event.value)  # type: ignore[union-attr]
            analysis = self.analysis
            if analysis.allow_block_plain and not analysis.empty and not analysis.multiline:
                return ""
        return super().choose_scalar_style()


def _represent_fn(dumper: yaml.SafeDumper, fn: _Fn) -> yaml.Node:
    if isinstance(fn.value, list):
        return dumper.represent_sequence(fn.tag, fn.value, flow_style=True)
    text = str(fn.value)
    # a script (the UserData's !Sub) as a literal block, as people write one
    return dumper.represent_scalar(fn.tag, text, style="|" if "\n" in text else None)


_Dumper.add_representer(_Fn, _represent_fn)


def _clamp(param: str, value: float, bounds: tuple[int, int], notes: list[Note]) -> int:
    lo, hi = bounds
    written = min(hi, max(lo, math.ceil(value)))
    if written != value:
        notes.append(
            Note(
                "cfn_clamped", {"param": param, "lo": lo, "hi": hi, "value": f"{value:g}", "written": written}
            )
        )
    return written


def _health(check: HealthCheckSpec, notes: list[Note]) -> dict[str, Any]:
    interval = _clamp("health.interval_s", check.interval_s, INTERVAL, notes)
    timeout = _clamp("health.timeout_s", check.timeout_s, TIMEOUT, notes)
    if timeout >= interval:
        notes.append(Note("cfn_timeout", {"value": timeout, "written": interval - 1}))
        timeout = interval - 1
    out: dict[str, Any] = {"HealthCheckEnabled": True}
    if check.kind == "L7":
        out |= {"HealthCheckProtocol": "HTTP", "HealthCheckPath": check.path}
    else:
        out |= {"HealthCheckProtocol": "TCP"}
    return out | {
        "HealthCheckIntervalSeconds": interval,
        "HealthCheckTimeoutSeconds": timeout,
        "HealthyThresholdCount": _clamp(
            "health.healthy_threshold", check.healthy_threshold, THRESHOLD, notes
        ),
        "UnhealthyThresholdCount": _clamp(
            "health.unhealthy_threshold", check.unhealthy_threshold, THRESHOLD, notes
        ),
    }


def _attributes(design: Design, network: bool, notes: list[Note]) -> list[dict[str, str]]:
    balancer = design.config.balancer
    assert balancer is not None
    attrs = {
        "deregistration_delay.timeout_seconds": str(round(design.config.deregistration_delay_s)),
        "stickiness.enabled": str(balancer.sticky).lower(),
    }
    if network:
        if balancer.sticky:
            attrs["stickiness.type"] = "source_ip"
            notes.append(Note("cfn_nlb_sticky"))
        if balancer.algorithm != "round_robin":
            notes.append(Note("cfn_nlb_algorithm", {"algorithm": balancer.algorithm}))
    else:
        if balancer.sticky:
            attrs["stickiness.type"] = "lb_cookie"
            attrs["stickiness.lb_cookie.duration_seconds"] = str(
                min(604_800, max(1, round(balancer.sticky_ttl_s)))
            )
        written = ALB_ALGORITHM[balancer.algorithm]
        attrs["load_balancing.algorithm.type"] = written
        if ALGORITHM_OF[written] != balancer.algorithm:
            notes.append(Note("cfn_algorithm", {"algorithm": balancer.algorithm, "written": written}))
    if balancer.count > 1:
        notes.append(Note("cfn_lb_count", {"count": balancer.count}))
    return [{"Key": k, "Value": v} for k, v in attrs.items()]


def _balancer(design: Design, resources: dict[str, Any], notes: list[Note]) -> bool:
    """The load balancer, its listener and target group; True for a Network Load Balancer."""
    config = design.config
    balancer = config.balancer
    assert balancer is not None
    check = config.health or ALB_DEFAULT
    network = check.kind == "L4"
    if network:
        notes.append(Note("cfn_nlb"))
    if check.kind == "none":
        notes.append(Note("cfn_no_check"))
        check = ALB_DEFAULT
    protocol = "TCP" if network else "HTTP"
    resources["BalancerSecurityGroup"] = _security_group("balancer", balancer.listen_port, ANYWHERE)
    checks = {**_health(check, notes), "TargetGroupAttributes": _attributes(design, network, notes)}
    _load_balancer(resources, "", network=network, protocol=protocol, listen_port=balancer.listen_port,
                   target_port=balancer.target_port, checks=checks)
    return network


def _load_balancer(resources: dict[str, Any], prefix: str, *, network: bool, protocol: str,
                   listen_port: int, target_port: int, checks: dict[str, Any]) -> None:
    """A load balancer behind ``{prefix}BalancerSecurityGroup``, its target group (``checks``: the
    health check and attributes) and a listener forwarding to it, named ``{prefix}LoadBalancer``,
    ``{prefix}TargetGroup`` and ``{prefix}Listener``: the web tier's and the ingest tier's."""
    resources[f"{prefix}LoadBalancer"] = {
        "Type": "AWS::ElasticLoadBalancingV2::LoadBalancer",
        "Properties": {
            "Type": "network" if network else "application",
            "Scheme": "internet-facing",
            "Subnets": _ref("Subnets"),
            "SecurityGroups": [_ref(f"{prefix}BalancerSecurityGroup")],
        },
    }
    resources[f"{prefix}TargetGroup"] = {
        "Type": "AWS::ElasticLoadBalancingV2::TargetGroup",
        "Properties": {
            "Protocol": protocol,
            "Port": target_port,
            "VpcId": _ref("VpcId"),
            "TargetType": "instance",
            **checks,
        },
    }
    resources[f"{prefix}Listener"] = {
        "Type": "AWS::ElasticLoadBalancingV2::Listener",
        "Properties": {
            "LoadBalancerArn": _ref(f"{prefix}LoadBalancer"),
            "Port": listen_port,
            "Protocol": protocol,
            "DefaultActions": [{"Type": "forward", "TargetGroupArn": _ref(f"{prefix}TargetGroup")}],
        },
    }


#: a security group's source: the whole internet
ANYWHERE: dict[str, Any] = {"CidrIp": "0.0.0.0/0"}


def _from(group: str) -> dict[str, Any]:
    """A security group's source: the members of another group of the template."""
    return {"SourceSecurityGroupId": _ref(group)}


def _security_group(description: str, port: int, source: dict[str, Any]) -> dict[str, Any]:
    """A group in the template's VPC that lets ``source`` reach one TCP port, as every tier's
    group here does (the balancer's, the web servers', the stores', the ingest tier's)."""
    return {
        "Type": "AWS::EC2::SecurityGroup",
        "Properties": {
            "GroupDescription": description,
            "VpcId": _ref("VpcId"),
            "SecurityGroupIngress": [{"IpProtocol": "tcp", "FromPort": port, "ToPort": port, **source}],
        },
    }


def _web(design: Design, resources: dict[str, Any], notes: list[Note]) -> None:
    config = design.config
    balancer = config.balancer
    port = balancer.target_port if balancer is not None else APP_PORT
    source = _from("BalancerSecurityGroup") if balancer is not None else ANYWHERE
    resources["WebSecurityGroup"] = _security_group("web", port, source)
    resources["LaunchTemplate"] = {
        "Type": "AWS::EC2::LaunchTemplate",
        "Properties": {
            "LaunchTemplateData": {
                "ImageId": _ref("ImageId"),
                "InstanceType": config.fleet.web_type.name,
                "SecurityGroupIds": [_ref("WebSecurityGroup")],
                "Monitoring": {"Enabled": True},
            }
        },
    }
    notes.append(Note("cfn_image"))
    template = {
        "LaunchTemplateId": _ref("LaunchTemplate"),
        "Version": _att("LaunchTemplate.LatestVersionNumber"),
    }
    spec = config.scaling
    if spec is None:
        ids = []
        for i in range(config.fleet.web_count):
            name = f"Web{i + 1}"
            ids.append(name)
            resources[name] = {
                "Type": "AWS::EC2::Instance",
                "Properties": {
                    "LaunchTemplate": template,
                    "SubnetId": _Fn("!Select", [i % 2, _ref("Subnets")]),
                },
            }
        if balancer is not None:
            resources["TargetGroup"]["Properties"]["Targets"] = [{"Id": _ref(n), "Port": port} for n in ids]
        return
    group: dict[str, Any] = {
        "MinSize": str(spec.min_size),
        "MaxSize": str(spec.max_size),
        "DesiredCapacity": str(spec.desired),
        "LaunchTemplate": template,
        "VPCZoneIdentifier": _ref("Subnets"),
        "Cooldown": str(round(spec.cooldown_s)),
        "HealthCheckGracePeriod": round(spec.health_check_grace_s),
        "HealthCheckType": "ELB" if balancer is not None else "EC2",
    }
    if balancer is not None:
        group["TargetGroupARNs"] = [_ref("TargetGroup")]
    # written even at 0: without it, step and target-tracking policies fall back to the 300 s
    # default cooldown as their warm-up (PutScalingPolicy, EstimatedInstanceWarmup), which is not
    # the group that was played
    group["DefaultInstanceWarmup"] = round(spec.warmup_s)
    resources["WebGroup"] = {"Type": "AWS::AutoScaling::AutoScalingGroup", "Properties": group}


class _Metric:
    """The CloudWatch metric the policy watches, and the factor from the game's unit to its own."""

    def __init__(self, design: Design, network: bool, notes: list[Note]) -> None:
        spec = design.config.scaling
        assert spec is not None
        self.metric = spec.metric
        if spec.metric != "cpu" and (design.config.balancer is None or network):
            notes.append(Note("cfn_fallback_metric", {"metric": spec.metric}))
            self.metric = "cpu"
        period = spec.period_s
        # the game counts requests per target per minute; an alarm sums over its period
        self.factor = {"cpu": 1.0, "requests": period / 60.0, "latency": 0.001}[self.metric]

    def alarm(self) -> dict[str, Any]:
        if self.metric == "cpu":
            return {
                "Namespace": "AWS/EC2",
                "MetricName": "CPUUtilization",
                "Statistic": "Average",
                "Dimensions": [{"Name": "AutoScalingGroupName", "Value": _ref("WebGroup")}],
            }
        if self.metric == "requests":
            return {
                "Namespace": "AWS/ApplicationELB",
                "MetricName": "RequestCountPerTarget",
                "Statistic": "Sum",
                "Dimensions": [{"Name": "TargetGroup", "Value": _att("TargetGroup.TargetGroupFullName")}],
            }
        return {
            "Namespace": "AWS/ApplicationELB",
            "MetricName": "TargetResponseTime",
            "Statistic": "Average",
            "Dimensions": [{"Name": "LoadBalancer", "Value": _att("LoadBalancer.LoadBalancerFullName")}],
        }

    def tracking(self, target: float) -> dict[str, Any]:
        if self.metric == "cpu":
            return {
                "PredefinedMetricSpecification": {"PredefinedMetricType": "ASGAverageCPUUtilization"},
                "TargetValue": target,
            }
        if self.metric == "requests":
            label = _Fn("!Sub", "${LoadBalancer.LoadBalancerFullName}/${TargetGroup.TargetGroupFullName}")
            return {
                "PredefinedMetricSpecification": {
                    "PredefinedMetricType": "ALBRequestCountPerTarget",
                    "ResourceLabel": label,
                },
                "TargetValue": target,
            }
        return {"CustomizedMetricSpecification": {**self.alarm()}, "TargetValue": target * 0.001}


def _number(value: float) -> float | int:
    return int(value) if value == int(value) else value


def _policies(design: Design, network: bool, resources: dict[str, Any], notes: list[Note]) -> None:
    spec = design.config.scaling
    assert spec is not None
    if spec.policy == "none":
        return
    metric = _Metric(design, network, notes)
    group = _ref("WebGroup")
    if spec.policy in ("target", "hpa"):
        if spec.policy == "hpa":
            notes.append(Note("cfn_hpa"))
        target = spec.target_cpu if metric.metric == "cpu" else spec.target
        policy: dict[str, Any] = {
            "AutoScalingGroupName": group,
            "PolicyType": "TargetTrackingScaling",
            "TargetTrackingConfiguration": metric.tracking(_number(target)),
        }
        if spec.warmup_s > 0:
            policy["EstimatedInstanceWarmup"] = round(spec.warmup_s)
        resources["TargetTrackingPolicy"] = {"Type": "AWS::AutoScaling::ScalingPolicy", "Properties": policy}
        return
    if (spec.period_s not in (10, 30) and spec.period_s % 60) or (
        spec.period_s < 60 and metric.metric == "cpu"
    ):
        notes.append(Note("cfn_period", {"period": f"{spec.period_s:g}"}))
    out_at = spec.scale_out_cpu if metric.metric == "cpu" else spec.scale_out_at
    in_at = spec.scale_in_cpu if metric.metric == "cpu" else spec.scale_in_at
    for direction, at, compare, step in (
        ("Out", out_at, "GreaterThanOrEqualToThreshold", spec.step_out),
        ("In", in_at, "LessThanOrEqualToThreshold", -spec.step_in),
    ):
        name = f"Scale{direction}Policy"
        policy = {"AutoScalingGroupName": group, "AdjustmentType": "ChangeInCapacity"}
        if spec.policy == "simple":
            policy |= {
                "PolicyType": "SimpleScaling",
                "ScalingAdjustment": step,
                "Cooldown": str(round(spec.cooldown_s)),
            }
        else:
            if direction == "Out":
                bounds = [lo for lo, _ in spec.steps]
                steps = []
                for i, (lo, adj) in enumerate(spec.steps):
                    item: dict[str, Any] = {"MetricIntervalLowerBound": _number(lo * metric.factor)}
                    if i + 1 < len(bounds):
                        item["MetricIntervalUpperBound"] = _number(bounds[i + 1] * metric.factor)
                    steps.append(item | {"ScalingAdjustment": adj})
            else:
                steps = [{"MetricIntervalUpperBound": 0, "ScalingAdjustment": step}]
            policy |= {
                "PolicyType": "StepScaling",
                "MetricAggregationType": "Average",
                "StepAdjustments": steps,
            }
            if spec.warmup_s > 0:
                policy["EstimatedInstanceWarmup"] = round(spec.warmup_s)
        resources[name] = {"Type": "AWS::AutoScaling::ScalingPolicy", "Properties": policy}
        resources[f"Scale{direction}Alarm"] = {
            "Type": "AWS::CloudWatch::Alarm",
            "Properties": {
                **metric.alarm(),
                "Period": round(spec.period_s),
                "EvaluationPeriods": spec.evaluation_periods,
                "DatapointsToAlarm": spec.datapoints_to_alarm,
                "Threshold": _number(at * metric.factor),
                "ComparisonOperator": compare,
                "AlarmActions": [_ref(name)],
            },
        }


def _recurrence(at: float, notes: list[Note]) -> str:
    minute = int(at // 60)
    if minute * 60 != at:
        notes.append(Note("cfn_schedule_minute", {"value": f"{at:g}", "written": minute * 60}))
    return f"{minute % 60} {minute // 60 % 24} * * *"


def _schedule(spec: ScalingSpec, resources: dict[str, Any], notes: list[Note]) -> None:
    if not spec.scheduled:
        return
    notes.append(Note("cfn_schedule_clock"))
    before = {"MinSize": spec.min_size, "MaxSize": spec.max_size}
    for i, action in enumerate(sorted(spec.scheduled, key=lambda a: a.at)):
        sizes = {"MinSize": action.min_size, "MaxSize": action.max_size, "DesiredCapacity": action.desired}
        props: dict[str, Any] = {
            "AutoScalingGroupName": _ref("WebGroup"),
            "Recurrence": _recurrence(action.at, notes),
            "TimeZone": "Etc/UTC",
        }
        props |= {k: str(v) for k, v in sizes.items() if v is not None}
        resources[f"Scheduled{i + 1}"] = {"Type": "AWS::AutoScaling::ScheduledAction", "Properties": props}
        if action.until is not None:
            back = {k: str(before[k]) for k in ("MinSize", "MaxSize") if sizes[k] is not None}
            resources[f"Scheduled{i + 1}End"] = {
                "Type": "AWS::AutoScaling::ScheduledAction",
                "Properties": {
                    "AutoScalingGroupName": _ref("WebGroup"),
                    "Recurrence": _recurrence(action.until, notes),
                    "TimeZone": "Etc/UTC",
                    **back,
                },
            }
        before |= {k: v for k, v in sizes.items() if v is not None and k != "DesiredCapacity"}


#: MySQL's port, which the database's group opens to the web servers (RDS: the engine's default)
MYSQL_PORT = 3306
#: NFS's port, which an EFS mount target must accept from its clients
NFS_PORT = 2049


def _data(design: Design, resources: dict[str, Any], notes: list[Note]) -> None:
    """The database, its replicas, the session store and the uploads' storage. Each is reachable
    from the web servers only (and the database from the comm servers, :func:`_ingest`), through
    a group of its own: an RDS instance without one gets the
    VPC's default group, which admits none of them; an EFS mount target needs NFS's port open;
    and an S3 bucket needs the instances to have a role (an instance profile) that may use it."""
    config = design.config
    db = config.fleet.db_type
    replicas = config.replication.replicas if config.replication is not None else 0
    if db is not None and config.fleet.layout != "single":
        resources["DatabaseSubnets"] = {
            "Type": "AWS::RDS::DBSubnetGroup",
            "Properties": {"DBSubnetGroupDescription": "database", "SubnetIds": _ref("Subnets")},
        }
        web = _from("WebSecurityGroup")
        resources["DatabaseSecurityGroup"] = _security_group("database", MYSQL_PORT, web)
        resources["Database"] = {
            "Type": "AWS::RDS::DBInstance",
            "DeletionPolicy": "Snapshot",
            "UpdateReplacePolicy": "Snapshot",
            "Properties": {
                "Engine": "mysql",
                "DBInstanceClass": f"db.{db.name}",
                "AllocatedStorage": "20",
                "MasterUsername": "admin",
                "ManageMasterUserPassword": True,
                "StorageEncrypted": True,
                "DBSubnetGroupName": _ref("DatabaseSubnets"),
                "VPCSecurityGroups": [_ref("DatabaseSecurityGroup")],
            },
        }
        for i in range(replicas):
            resources[f"DatabaseReplica{i + 1}"] = {
                "Type": "AWS::RDS::DBInstance",
                "Properties": {
                    "SourceDBInstanceIdentifier": _ref("Database"),
                    "DBInstanceClass": f"db.{db.name}",
                    "VPCSecurityGroups": [_ref("DatabaseSecurityGroup")],
                },
            }
        if replicas and config.replication is not None:
            notes.append(Note("cloud_read_routing", {"routing": config.replication.read_routing}))
    elif db is not None:
        notes.append(Note("cfn_layout_single"))
        if replicas:
            notes.append(Note("cfn_replicas_single", {"replicas": replicas}))
    if config.sharding is not None and config.sharding.shards > 1:
        notes.append(Note("cloud_shards", {"shards": config.sharding.shards, "key": config.sharding.key}))
    if config.sessions is not None and config.sessions.store == "shared":
        resources["SessionSubnets"] = {
            "Type": "AWS::ElastiCache::SubnetGroup",
            "Properties": {"Description": "sessions", "SubnetIds": _ref("Subnets")},
        }
        # the session store's box is the aux size; ElastiCache lacks some EC2 sizes (m5.8xlarge),
        # so the node is mapped as the cache's is, and only the web servers may reach it
        size = config.aux_type or "m5.large"
        catalog = load_catalog_default()
        node = node_type(size, catalog[size].memory_gb if size in catalog else 0.0, 0, notes)
        resources["SessionSecurityGroup"] = _security_group("sessions", REDIS_PORT, _from("WebSecurityGroup"))
        resources["SessionStore"] = {
            "Type": "AWS::ElastiCache::CacheCluster",
            "Properties": {
                "Engine": "redis",
                "CacheNodeType": node,
                "NumCacheNodes": 1,
                "CacheSubnetGroupName": _ref("SessionSubnets"),
                "VpcSecurityGroupIds": [_ref("SessionSecurityGroup")],
            },
        }
    if config.storage is not None and config.storage.mode == "object":
        resources["Uploads"] = {
            "Type": "AWS::S3::Bucket",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {},
        }
        _bucket_role(resources)
        notes.append(Note("cfn_iam"))
    if config.storage is not None and config.storage.mode == "nfs":
        resources["Uploads"] = {
            "Type": "AWS::EFS::FileSystem",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {"Encrypted": True},
        }
        resources["UploadsSecurityGroup"] = _security_group("uploads", NFS_PORT, _from("WebSecurityGroup"))
        for i in range(2):
            resources[f"UploadsMount{i + 1}"] = {
                "Type": "AWS::EFS::MountTarget",
                "Properties": {
                    "FileSystemId": _ref("Uploads"),
                    "SubnetId": _Fn("!Select", [i, _ref("Subnets")]),
                    "SecurityGroups": [_ref("UploadsSecurityGroup")],
                },
            }
        notes.append(Note("cfn_nfs_cache", {"seconds": f"{config.storage.nfs_cache_s:g}"}))
    if config.app is not None:
        notes.append(Note("cloud_app", {"redirect": config.app.redirect, "clone": config.app.clone_database}))


def _bucket_role(resources: dict[str, Any]) -> None:
    """A role the web servers take (through the launch template's instance profile) that may read
    and write the uploads bucket's objects, and nothing else."""
    resources["WebRole"] = {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "AssumeRolePolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                               "Action": "sts:AssumeRole"}],
            },
            "Policies": [{
                "PolicyName": "uploads",
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
                                   "Resource": _Fn("!Sub", "${Uploads.Arn}/*")}],
                },
            }],
        },
    }
    resources["WebInstanceProfile"] = {
        "Type": "AWS::IAM::InstanceProfile",
        "Properties": {"Roles": [_ref("WebRole")]},
    }
    data = resources["LaunchTemplate"]["Properties"]["LaunchTemplateData"]
    data["IamInstanceProfile"] = {"Arn": _att("WebInstanceProfile.Arn")}


def node_type(size: str, memory_gb: float, need: int, notes: list[Note]) -> str:
    """The ElastiCache node for a cache box of ``size`` (``memory_gb`` of memory) that must hold
    ``need`` bytes of entries besides ElastiCache's reserve."""
    nodes = sorted(NODE_MEMORY, key=NODE_MEMORY.__getitem__)
    node = f"cache.{size}"
    if node not in NODE_MEMORY:
        node = next((n for n in nodes if NODE_MEMORY[n] >= memory_gb * 10**9), nodes[-1])
        notes.append(Note("cfn_cache_node", {"size": size, "node": node}))
    usable = NODE_MEMORY[node] * (1 - cachetier.RESERVED)
    if usable < need:
        bigger = next((n for n in nodes if NODE_MEMORY[n] * (1 - cachetier.RESERVED) >= need), nodes[-1])
        notes.append(Note("cfn_cache_grown", {"node": node, "written": bigger}))
        node = bigger
    return node


def _cache(design: Design, resources: dict[str, Any], parameters: dict[str, Any],
           notes: list[Note]) -> None:
    """The look-aside cache: Redis on ElastiCache where the web servers reach it, and the app's
    settings as parameters its UserData hands on."""
    spec = cachetier.cache_of(design)
    if spec is None:
        if design.config.cache is not None:
            notes.append(Note("cache_empty"))
        return
    size = cachetier.box_size(design, spec)
    catalog = load_catalog_default()
    need = cachetier.memory_bytes(spec.capacity)
    node = node_type(size, catalog[size].memory_gb if size in catalog else 0.0, need, notes)
    resources["CacheSecurityGroup"] = _security_group("cache", REDIS_PORT, _from("WebSecurityGroup"))
    resources["CacheSubnets"] = {
        "Type": "AWS::ElastiCache::SubnetGroup",
        "Properties": {"Description": "cache", "SubnetIds": _ref("Subnets")},
    }
    resources["CacheParameters"] = {
        "Type": "AWS::ElastiCache::ParameterGroup",
        "Properties": {
            "CacheParameterGroupFamily": REDIS_FAMILY,
            "Description": "cache",
            "Properties": {"maxmemory-policy": cachetier.EVICTION},
        },
    }
    resources["Cache"] = {
        "Type": "AWS::ElastiCache::ReplicationGroup",
        "Properties": {
            "ReplicationGroupDescription": "cache",
            "Engine": "redis",
            "EngineVersion": REDIS_VERSION,
            "CacheNodeType": node,
            "NumCacheClusters": 1,
            "AutomaticFailoverEnabled": False,
            "Port": REDIS_PORT,
            "CacheParameterGroupName": _ref("CacheParameters"),
            "CacheSubnetGroupName": _ref("CacheSubnets"),
            "SecurityGroupIds": [_ref("CacheSecurityGroup")],
            "AtRestEncryptionEnabled": True,
        },
    }
    env = dict(cachetier.app_env(spec))
    names = {param: name for name, param in CACHE_PARAMETERS.items()}
    for var, param in cachetier.ENV.items():
        value = env[var]
        if param in ("cache.policy", "cache.invalidate", "cache.single_flight"):
            allowed = list(POLICIES) if param == "cache.policy" else ["true", "false"]
            parameters[names[param]] = {"Type": "String", "Default": value, "AllowedValues": allowed}
        else:  # the game's bounds: a TTL of at least 1 s, a jitter of at most 1
            parameters[names[param]] = {"Type": "Number", "Default": value,
                                        "MinValue": 1 if param == "cache.ttl_s" else 0}
            if param == "cache.ttl_jitter":
                parameters[names[param]]["MaxValue"] = 1
    script = [
        "#!/bin/bash",
        f"# {texts.CFN_CACHE_USERDATA.format(file=CACHE_ENV_FILE)}",
        f"mkdir -p {CACHE_ENV_FILE.rsplit('/', 1)[0]}",
        f"cat > {CACHE_ENV_FILE} <<'EOF'",
        f"{cachetier.URL_VAR}=redis://${{Cache.PrimaryEndPoint.Address}}:${{Cache.PrimaryEndPoint.Port}}/0",
        *(f"{var}=${{{names[param]}}}" for var, param in cachetier.ENV.items()),
        "EOF",
    ]
    data = resources["LaunchTemplate"]["Properties"]["LaunchTemplateData"]
    data["UserData"] = {"Fn::Base64": _Fn("!Sub", "\n".join(script) + "\n")}
    holds = math.floor(NODE_MEMORY[node] * (1 - cachetier.RESERVED) / cachetier.ENTRY_BYTES)
    notes.append(Note("cfn_cache", {
        "entries": spec.capacity, "megabytes": f"{need / 10**6:g}", "entry": cachetier.ENTRY_BYTES,
        "node": node, "gib": f"{NODE_MEMORY[node] / 2**30:.2f}", "holds": holds,
    }))
    notes.append(Note("cfn_cache_app", {"file": CACHE_ENV_FILE}))


def _ingest(design: Design, spec: IngestSpec, resources: dict[str, Any], notes: list[Note]) -> None:
    """Level 9's ingest tier: a Network Load Balancer with a TCP listener on the devices' port (TLS
    passed through) and a TCP target group checked as the L4 balancer checks (interval and
    thresholds within the NLB's bounds, noted when clamped), and the comm servers as an Auto
    Scaling group of their own launch template (desired = ``ingest.comm_count``), whose UserData
    writes the ``INGEST_*`` settings for the comm servers' service."""
    bal = spec.balancer
    port = ingesttier.port(spec)
    size = ingesttier.comm_size(design, spec)
    resources["IngestBalancerSecurityGroup"] = _security_group("ingest", port, ANYWHERE)
    resources["CommSecurityGroup"] = _security_group("comm", port, _from("IngestBalancerSecurityGroup"))
    database = resources.get("DatabaseSecurityGroup")
    if database is not None:  # every reading is a write the comm servers make to the database
        rules = database["Properties"]["SecurityGroupIngress"]
        rules.append({**rules[0], **_from("CommSecurityGroup")})
    checks = {
        "HealthCheckEnabled": True,
        "HealthCheckProtocol": "TCP",
        "HealthCheckIntervalSeconds": _clamp("ingest.check_interval_s", bal.check_interval_s, INTERVAL,
                                             notes),
        "HealthyThresholdCount": _clamp("ingest.rise", bal.rise, THRESHOLD, notes),
        "UnhealthyThresholdCount": _clamp("ingest.fall", bal.fall, THRESHOLD, notes),
    }
    _load_balancer(resources, "Ingest", network=True, protocol="TCP", listen_port=port, target_port=port,
                   checks=checks)
    script = [
        "#!/bin/bash",
        f"# {texts.CFN_INGEST_USERDATA.format(file=INGEST_ENV_FILE)}",
        f"mkdir -p {INGEST_ENV_FILE.rsplit('/', 1)[0]}",
        f"cat > {INGEST_ENV_FILE} <<'EOF'",
        *(f"{var}={value}" for var, value in ingesttier.app_env(spec)),
        "EOF",
    ]
    resources["CommLaunchTemplate"] = {
        "Type": "AWS::EC2::LaunchTemplate",
        "Properties": {
            "LaunchTemplateData": {
                "ImageId": _ref("ImageId"),
                "InstanceType": size,
                "SecurityGroupIds": [_ref("CommSecurityGroup")],
                "UserData": {"Fn::Base64": "\n".join(script) + "\n"},
            }
        },
    }
    count = str(spec.comm_count)
    resources["CommGroup"] = {
        "Type": "AWS::AutoScaling::AutoScalingGroup",
        "Properties": {
            "MinSize": count,
            "MaxSize": count,
            "DesiredCapacity": count,
            "LaunchTemplate": {"LaunchTemplateId": _ref("CommLaunchTemplate"),
                               "Version": _att("CommLaunchTemplate.LatestVersionNumber")},
            "VPCZoneIdentifier": _ref("Subnets"),
            "HealthCheckType": "ELB",
            "HealthCheckGracePeriod": INGEST_GRACE_S,
            "TargetGroupARNs": [_ref("IngestTargetGroup")],
        },
    }
    notes.append(Note("cfn_ingest", {"count": spec.comm_count, "size": size, "port": port}))
    notes.append(Note("ingest_port", {"port": port}))
    notes.append(Note("cfn_ingest_pair" if bal.nodes > 1 else "ingest_single"))
    if bal.algorithm != "round_robin":
        notes.append(Note("cfn_ingest_algorithm", {"algorithm": bal.algorithm}))
    notes.append(Note("cfn_ingest_idle", {"idle": NLB_TCP_IDLE_S,
                                          "period": show_number(spec.devices.period_s)}))
    notes.append(Note("cfn_ingest_env", {"file": INGEST_ENV_FILE}))


def write(design: Design) -> Export:
    notes: list[Note] = []
    config = design.config
    resources: dict[str, Any] = {}
    network = False
    if config.balancer is not None:
        network = _balancer(design, resources, notes)
    else:
        notes.append(Note("cfn_no_balancer"))
    _web(design, resources, notes)
    if config.scaling is not None:
        _policies(design, network, resources, notes)
        _schedule(config.scaling, resources, notes)
    _data(design, resources, notes)
    parameters: dict[str, Any] = {
        "VpcId": {"Type": "AWS::EC2::VPC::Id"},
        "Subnets": {"Type": "List<AWS::EC2::Subnet::Id>"},
        "ImageId": {"Type": "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>", "Default": IMAGE},
    }
    _cache(design, resources, parameters, notes)
    if config.ingest is not None:
        _ingest(design, config.ingest, resources, notes)
    template = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": texts.CFN_DESCRIPTION.format(level=design.level.id),
        "Parameters": parameters,
        "Resources": resources,
    }
    body = yaml.dump(
        template, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100
    )
    header = f"# {texts.CFN_HEADER.format(level=design.level.id, check=CHECK)}\n"
    return Export({FILE: header + body}, tuple(notes))


# ---- recognising -----------------------------------------------------------------------------------
_HINT = re.compile(
    r"^[\"']?(?:AWSTemplateFormatVersion|Resources)[\"']?\s*:|\"AWSTemplateFormatVersion\"", re.M
)
_AWS_TYPE = re.compile(r"^AWS::")


def claims(name: str, text: str) -> bool:
    """A ``.yaml``, ``.yml``, ``.json`` or ``.template`` file with ``AWSTemplateFormatVersion`` or a
    ``Resources`` mapping of ``Type: AWS::...`` entries; one that does not parse is claimed by
    those keys at the start of a line (so its reader can say where it breaks). A Kubernetes
    manifest has neither at its top level."""
    if not name.lower().endswith((".yaml", ".yml", ".json", ".template")):
        return False
    try:
        data = yaml.load(text, Loader=CfnYamlLoader)
    except yaml.YAMLError:
        return bool(_HINT.search(text))
    if not isinstance(data, dict):
        return False
    resources = data.get("Resources")
    return "AWSTemplateFormatVersion" in data or (
        isinstance(resources, dict)
        and bool(resources)
        and all(isinstance(r, dict) and _AWS_TYPE.match(str(r.get("Type", ""))) for r in resources.values())
    )


FORMAT = Format(
    name="aws-cloudformation",
    carries=frozenset({
        "web.size", "web.count", "layout", "lb.target_port", "lb.sticky", "asg.min_size", "asg.max_size",
        "asg.desired", "asg.cooldown_s", "asg.warmup_s", "asg.schedule", "session.store", "storage.mode",
        "ingest.comm_count",
    }) | cachetier.APP_SETTINGS | ingesttier.APP_SETTINGS,
    write=write,
    claims=claims,
    read=read,
    check=CHECK,
)
