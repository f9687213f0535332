"""The design as an AWS CloudFormation template (``template.yaml``), and templates read back.

What the template declares, deployable as it stands (``aws cloudformation deploy`` asks only for
a VPC and two or more of its subnets; the image is the latest Amazon Linux 2023 by its public SSM
parameter):

- the web tier: a ``LaunchTemplate`` of the design's size, and either an ``AutoScalingGroup``
  (a design with a group, even one without a policy: a fixed group still has its limits) or, for a
  fixed fleet, one ``AWS::EC2::Instance`` per box registered in the target group by id;
- the balancer: an Application Load Balancer with an HTTP target group, or a Network Load
  Balancer with a TCP one when the check is L4 (an ALB checks over HTTP only); its listener; the
  target group's health check and attributes (deregistration delay, stickiness, algorithm);
- the policy: simple and step scaling with their CloudWatch alarms, target tracking, and the
  scheduled actions;
- the data tier: an RDS instance and its read replicas, an ElastiCache Redis cluster for shared
  sessions, an S3 bucket for object storage or an EFS file system for NFS.

Mapping rules and their sources, the CloudFormation resource reference:

- ``AWS::ElasticLoadBalancingV2::TargetGroup``: interval 5-300 s, timeout 2-120 s and below the
  interval, both thresholds 2-10 (the game allows 1 s and 1): clamped, and noted. The attributes
  ``deregistration_delay.timeout_seconds`` (0-3600), ``stickiness.enabled`` with ``lb_cookie``
  (ALB; ``lb_cookie.duration_seconds`` 1-604800) or ``source_ip`` (NLB), and the ALB's
  ``load_balancing.algorithm.type``: round_robin, least_outstanding_requests, weighted_random.
- ``AWS::AutoScaling::AutoScalingGroup``: ``Cooldown`` is the default cooldown (300 s),
  ``HealthCheckGracePeriod`` (300 s with ELB checks), ``DefaultInstanceWarmup`` (unset: none).
- ``AWS::AutoScaling::ScalingPolicy``: ``SimpleScaling`` (``ScalingAdjustment``, ``Cooldown``),
  ``StepScaling`` (``StepAdjustments``, bounds relative to the alarm's threshold;
  ``EstimatedInstanceWarmup``), ``TargetTrackingScaling`` (``ASGAverageCPUUtilization``,
  ``ALBRequestCountPerTarget`` with its ``ResourceLabel``, or a customized ``TargetResponseTime``).
- ``AWS::CloudWatch::Alarm``: ``Period`` 10, 30 or a multiple of 60; the game's alarm is
  "at or above" (``GreaterThanOrEqualToThreshold``) out, "at or below" in.
- ``AWS::AutoScaling::ScheduledAction``: the game's clock has no date, so its 0 s is 00:00 UTC and
  each action is a daily ``Recurrence`` at its minute; a window's end is a second action that
  puts the minimum back (and sets no desired count), as the engine's ``ScheduledAction`` says.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import yaml
from cfn_tools.yaml_loader import CfnYamlLoader

from scaleout_tui.content.knobs import Value
from scaleout_tui.deploy import texts
from scaleout_tui.deploy.design import ConfigError, Design, Export, Format, Imported, Note, Where
from scaleout_tui.deploy.yamlsource import Lines, documents
from scaleout_tui.engine.autoscaler_spec import ScalingSpec, ScheduledAction
from scaleout_tui.engine.balancer import APP_PORT
from scaleout_tui.engine.healthcheck import HealthCheckSpec

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
#: the game's algorithm → the ALB's ``load_balancing.algorithm.type``, and back
ALB_ALGORITHM = {
    "round_robin": "round_robin",
    "least_outstanding_requests": "least_outstanding_requests",
    "least_conn": "least_outstanding_requests",
    "random": "weighted_random",
    "ip_hash": "round_robin",
    "dns": "round_robin",
}
ALGORITHM_OF = {
    "round_robin": "round_robin",
    "least_outstanding_requests": "least_outstanding_requests",
    "weighted_random": "random",
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
    "AWS::CertificateManager::Certificate", "AWS::Route53::RecordSet",
})


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
    return dumper.represent_scalar(fn.tag, str(fn.value))


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
    resources["BalancerSecurityGroup"] = {
        "Type": "AWS::EC2::SecurityGroup",
        "Properties": {
            "GroupDescription": "balancer",
            "VpcId": _ref("VpcId"),
            "SecurityGroupIngress": [
                {
                    "IpProtocol": "tcp",
                    "FromPort": balancer.listen_port,
                    "ToPort": balancer.listen_port,
                    "CidrIp": "0.0.0.0/0",
                }
            ],
        },
    }
    resources["LoadBalancer"] = {
        "Type": "AWS::ElasticLoadBalancingV2::LoadBalancer",
        "Properties": {
            "Type": "network" if network else "application",
            "Scheme": "internet-facing",
            "Subnets": _ref("Subnets"),
            "SecurityGroups": [_ref("BalancerSecurityGroup")],
        },
    }
    resources["TargetGroup"] = {
        "Type": "AWS::ElasticLoadBalancingV2::TargetGroup",
        "Properties": {
            "Protocol": protocol,
            "Port": balancer.target_port,
            "VpcId": _ref("VpcId"),
            "TargetType": "instance",
            **_health(check, notes),
            "TargetGroupAttributes": _attributes(design, network, notes),
        },
    }
    resources["Listener"] = {
        "Type": "AWS::ElasticLoadBalancingV2::Listener",
        "Properties": {
            "LoadBalancerArn": _ref("LoadBalancer"),
            "Port": balancer.listen_port,
            "Protocol": protocol,
            "DefaultActions": [{"Type": "forward", "TargetGroupArn": _ref("TargetGroup")}],
        },
    }
    return network


def _web(design: Design, resources: dict[str, Any], notes: list[Note]) -> None:
    config = design.config
    balancer = config.balancer
    port = balancer.target_port if balancer is not None else APP_PORT
    source: dict[str, Any] = (
        {"SourceSecurityGroupId": _ref("BalancerSecurityGroup")}
        if balancer is not None
        else {"CidrIp": "0.0.0.0/0"}
    )
    resources["WebSecurityGroup"] = {
        "Type": "AWS::EC2::SecurityGroup",
        "Properties": {
            "GroupDescription": "web",
            "VpcId": _ref("VpcId"),
            "SecurityGroupIngress": [{"IpProtocol": "tcp", "FromPort": port, "ToPort": port, **source}],
        },
    }
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
    if spec.warmup_s > 0:
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


def _data(design: Design, resources: dict[str, Any], notes: list[Note]) -> None:
    config = design.config
    db = config.fleet.db_type
    replicas = config.replication.replicas if config.replication is not None else 0
    if db is not None and config.fleet.layout != "single":
        resources["DatabaseSubnets"] = {
            "Type": "AWS::RDS::DBSubnetGroup",
            "Properties": {"DBSubnetGroupDescription": "database", "SubnetIds": _ref("Subnets")},
        }
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
            },
        }
        for i in range(replicas):
            resources[f"DatabaseReplica{i + 1}"] = {
                "Type": "AWS::RDS::DBInstance",
                "Properties": {
                    "SourceDBInstanceIdentifier": _ref("Database"),
                    "DBInstanceClass": f"db.{db.name}",
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
        resources["SessionStore"] = {
            "Type": "AWS::ElastiCache::CacheCluster",
            "Properties": {
                "Engine": "redis",
                "CacheNodeType": f"cache.{config.aux_type or 'm5.large'}",
                "NumCacheNodes": 1,
                "CacheSubnetGroupName": _ref("SessionSubnets"),
            },
        }
    if config.storage is not None and config.storage.mode == "object":
        resources["Uploads"] = {
            "Type": "AWS::S3::Bucket",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {},
        }
    if config.storage is not None and config.storage.mode == "nfs":
        resources["Uploads"] = {
            "Type": "AWS::EFS::FileSystem",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {"Encrypted": True},
        }
        for i in range(2):
            resources[f"UploadsMount{i + 1}"] = {
                "Type": "AWS::EFS::MountTarget",
                "Properties": {
                    "FileSystemId": _ref("Uploads"),
                    "SubnetId": _Fn("!Select", [i, _ref("Subnets")]),
                    "SecurityGroups": [_ref("WebSecurityGroup")],
                },
            }
        notes.append(Note("cfn_nfs_cache", {"seconds": f"{config.storage.nfs_cache_s:g}"}))
    if config.app is not None:
        notes.append(Note("cloud_app", {"redirect": config.app.redirect, "clone": config.app.clone_database}))


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
    template = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": texts.CFN_DESCRIPTION.format(level=design.level.id),
        "Parameters": {
            "VpcId": {"Type": "AWS::EC2::VPC::Id"},
            "Subnets": {"Type": "List<AWS::EC2::Subnet::Id>"},
            "ImageId": {"Type": "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>", "Default": IMAGE},
        },
        "Resources": resources,
    }
    body = yaml.dump(
        template, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100
    )
    header = f"# {texts.CFN_HEADER.format(level=design.level.id, check=CHECK)}\n"
    return Export({FILE: header + body}, tuple(notes))


# ---- reading ---------------------------------------------------------------------------------------
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
        _put(found, "asg.cooldown_s", t.number(name, "Cooldown", 300.0), t.where(name, "Cooldown"))
        _put(
            found,
            "asg.warmup_s",
            t.number(name, "DefaultInstanceWarmup", 0.0),
            t.where(name, "DefaultInstanceWarmup"),
        )
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
    }),
    write=write,
    claims=claims,
    read=read,
    check=CHECK,
)
