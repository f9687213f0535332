"""The aws-cloudformation format: every design's template passes cfn-lint with no error and no
warning, comes back as the settings it carries, says each setting in the right property, and a
hand-written template reads with everything the game cannot model listed by file:line.

cfn-lint takes seconds to start and about one more per template: the module lints every template
it needs (each design's, a clamped one, a Korean one, and one broken on purpose to show the
linter is really looking) in one run, and the tests read its findings.
"""

from __future__ import annotations

import dataclasses
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from cfn_tools import load_yaml

from scaleout_tui import i18n
from scaleout_tui.deploy import cloudformation, texts
from scaleout_tui.deploy.design import ConfigError, Design
from scaleout_tui.deploy.formats import export, read_files, write_export
from scaleout_tui.deploy.kubernetes import FORMAT as K8S
from scaleout_tui.engine.autoscaler_spec import ScheduledAction
from tests.deploy.conftest import every_design, sandbox_design
from tests.once import shared_folder

DESIGNS = every_design()
FILE = cloudformation.FILE


def template(design: Design) -> dict[str, Any]:
    return load_yaml(cloudformation.write(design).files[FILE])


def resources(design: Design, kind: str) -> list[dict[str, Any]]:
    return [r["Properties"] for r in template(design)["Resources"].values() if r["Type"] == kind]


def codes(design: Design) -> set[str]:
    return {n.code for n in cloudformation.write(design).notes}


def clamped() -> Design:
    """A design whose check AWS cannot take as it is: every second, one pass, timeout = interval."""
    design = sandbox_design({})
    health = dataclasses.replace(design.config.health, interval_s=1.0, timeout_s=1.0, healthy_threshold=1,
                                 unhealthy_threshold=1)
    return dataclasses.replace(design, config=dataclasses.replace(design.config, health=health))


def korean() -> str:
    """A template written in Korean, with Hangul in its Description and comment for certain (the
    catalogs may not have these sentences yet)."""
    saved = texts.CFN_DESCRIPTION, texts.CFN_HEADER
    try:
        i18n.activate("ko")
        texts.CFN_DESCRIPTION = "{level} 레벨: 웹 계층, 로드 밸런서, 오토 스케일링 그룹"
        texts.CFN_HEADER = "{level} 레벨에서 scaleout이 작성 ({check})"
        return cloudformation.write(sandbox_design({"policy": "step", "sessions": "shared"})).files[FILE]
    finally:
        texts.CFN_DESCRIPTION, texts.CFN_HEADER = saved
        i18n.activate("en")


def _lint_all(folder: Path) -> None:
    """cfn-lint over every template, its findings kept in ``found.json`` (tests/once.py: the
    linter takes seconds to load its schemas, so one worker runs it for all)."""
    from cfnlint.api import lint_by_config
    from cfnlint.config import ManualArgs

    texts_by_name = {name: cloudformation.write(d).files[FILE] for name, d in DESIGNS}
    texts_by_name["clamped"] = cloudformation.write(clamped()).files[FILE]
    texts_by_name["korean"] = korean()
    texts_by_name["broken"] = texts_by_name["sandbox-defaults"].replace(
        "HealthCheckIntervalSeconds: 10", "HealthCheckIntervalSeconds: 1")
    paths = {}
    for name, text in texts_by_name.items():
        path = folder / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        paths[str(path)] = name
    found: dict[str, list[str]] = defaultdict(list)
    for match in lint_by_config(ManualArgs(templates=list(paths), regions=["us-east-1"])):
        found[paths[str(Path(match.filename))]].append(f"{match.rule.id} {match.message}")
    (folder / "found.json").write_text(json.dumps(found), encoding="utf-8")


@pytest.fixture(scope="module")
def lint(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """cfn-lint's findings (errors and warnings) by template name, from one run over them all."""
    folder = shared_folder(tmp_path_factory, "cfn-lint", _lint_all)
    found: dict[str, list[str]] = json.loads((folder / "found.json").read_text(encoding="utf-8"))
    return defaultdict(list, found)


@pytest.mark.slow
def test_the_linter_finds_what_is_wrong(lint: dict[str, list[str]]) -> None:
    # E3034: a number out of the property's range (the interval's minimum is 5)
    assert [m.split()[0] for m in lint["broken"]] == ["E3034"], lint["broken"]


@pytest.mark.parametrize(("name", "design"), DESIGNS, ids=[n for n, _ in DESIGNS])
def test_every_design_lints_clean_and_reads_back_what_it_carries(lint: dict[str, list[str]], name: str,
                                                                 design: Design) -> None:
    assert lint[name] == []  # no error, no warning
    out = export(design, "aws-cloudformation")
    text = out.files[FILE]
    assert cloudformation.claims(FILE, text) and not K8S.claims(FILE, text)
    found = cloudformation.read(FILE, text)
    expected = {p: v for p, v in design.settings.items() if p in cloudformation.FORMAT.carries}
    assert {p: found.settings.get(p) for p in expected} == expected
    assert found.skipped == []
    for code in (n.code for n in out.notes):
        assert code in texts.NOTES, code


def test_a_check_aws_cannot_take_is_clamped_noted_and_lints(lint: dict[str, list[str]]) -> None:
    assert lint["clamped"] == []
    group = resources(clamped(), "AWS::ElasticLoadBalancingV2::TargetGroup")[0]
    assert (group["HealthCheckIntervalSeconds"], group["HealthCheckTimeoutSeconds"]) == (5, 2)
    assert (group["HealthyThresholdCount"], group["UnhealthyThresholdCount"]) == (2, 2)
    assert {"cfn_clamped"} <= codes(clamped())


def test_a_korean_template_lints_clean(lint: dict[str, list[str]]) -> None:
    text = korean()
    assert "웹 계층" in text
    assert lint["korean"] == []
    assert cloudformation.read(FILE, text).settings["asg.policy"] == "step"


def test_l7_is_an_alb_with_an_http_check_and_l4_an_nlb_with_a_tcp_one() -> None:
    l7 = sandbox_design({"check": "L7", "check_path": "/health", "check_every": "10", "check_timeout": "5",
                         "healthy": "3", "unhealthy": "2"})
    assert resources(l7, "AWS::ElasticLoadBalancingV2::LoadBalancer")[0]["Type"] == "application"
    group = resources(l7, "AWS::ElasticLoadBalancingV2::TargetGroup")[0]
    assert {k: group[k] for k in ("Protocol", "Port", "HealthCheckProtocol", "HealthCheckPath",
                                  "HealthCheckIntervalSeconds", "HealthCheckTimeoutSeconds",
                                  "HealthyThresholdCount", "UnhealthyThresholdCount")} == {
        "Protocol": "HTTP", "Port": 8080, "HealthCheckProtocol": "HTTP", "HealthCheckPath": "/health",
        "HealthCheckIntervalSeconds": 10, "HealthCheckTimeoutSeconds": 5, "HealthyThresholdCount": 3,
        "UnhealthyThresholdCount": 2}
    l4 = sandbox_design({"check": "L4", "sticky": "on"})
    assert resources(l4, "AWS::ElasticLoadBalancingV2::LoadBalancer")[0]["Type"] == "network"
    group = resources(l4, "AWS::ElasticLoadBalancingV2::TargetGroup")[0]
    assert (group["Protocol"], group["HealthCheckProtocol"]) == ("TCP", "TCP")
    assert "HealthCheckPath" not in group
    attrs = {a["Key"]: a["Value"] for a in group["TargetGroupAttributes"]}
    assert attrs["stickiness.type"] == "source_ip" and "load_balancing.algorithm.type" not in attrs
    assert resources(l4, "AWS::ElasticLoadBalancingV2::Listener")[0]["Protocol"] == "TCP"
    assert "cfn_nlb" in codes(l4)


def test_stickiness_algorithm_and_drain_are_target_group_attributes() -> None:
    design = sandbox_design({"sticky": "on", "algorithm": "least_conn"})
    group = resources(design, "AWS::ElasticLoadBalancingV2::TargetGroup")[0]
    assert {a["Key"]: a["Value"] for a in group["TargetGroupAttributes"]} == {
        "deregistration_delay.timeout_seconds": "30", "stickiness.enabled": "true",
        "stickiness.type": "lb_cookie",
        "stickiness.lb_cookie.duration_seconds": "86400",
        "load_balancing.algorithm.type": "least_outstanding_requests"}
    assert "cfn_algorithm" in codes(design)
    random = sandbox_design({"algorithm": "random"})
    attrs = resources(random, "AWS::ElasticLoadBalancingV2::TargetGroup")[0]["TargetGroupAttributes"]
    assert {"Key": "load_balancing.algorithm.type", "Value": "weighted_random"} in attrs


def test_the_group_states_its_limits_cooldown_grace_and_warmup() -> None:
    design = sandbox_design({"policy": "target", "min": "2", "max": "16", "desired": "4", "cooldown": "120",
                             "warmup": "60"})
    group = resources(design, "AWS::AutoScaling::AutoScalingGroup")[0]
    assert {k: group[k] for k in ("MinSize", "MaxSize", "DesiredCapacity", "Cooldown", "HealthCheckType",
                                  "HealthCheckGracePeriod", "DefaultInstanceWarmup")} == {
        "MinSize": "2", "MaxSize": "16", "DesiredCapacity": "4", "Cooldown": "120", "HealthCheckType": "ELB",
        "HealthCheckGracePeriod": 300, "DefaultInstanceWarmup": 60}
    assert group["TargetGroupARNs"] == [{"Ref": "TargetGroup"}]
    # no warm-up is written as 0: left out, AWS would warm up for the 300 s default cooldown
    none = sandbox_design({"policy": "step", "warmup": "0"})
    assert resources(none, "AWS::AutoScaling::AutoScalingGroup")[0]["DefaultInstanceWarmup"] == 0


def test_target_tracking_states_its_metric_and_target_value() -> None:
    cpu = resources(sandbox_design({"policy": "target", "target": "60"}), "AWS::AutoScaling::ScalingPolicy")
    assert cpu == [{"AutoScalingGroupName": {"Ref": "WebGroup"}, "PolicyType": "TargetTrackingScaling",
                    "TargetTrackingConfiguration": {
                        "PredefinedMetricSpecification": {"PredefinedMetricType": "ASGAverageCPUUtilization"},
                        "TargetValue": 60}}]
    per_target = sandbox_design({"policy": "target", "metric": "requests", "target_requests": "3000"})
    requests = resources(per_target, "AWS::AutoScaling::ScalingPolicy")[0]["TargetTrackingConfiguration"]
    assert requests["PredefinedMetricSpecification"]["PredefinedMetricType"] == "ALBRequestCountPerTarget"
    assert requests["PredefinedMetricSpecification"]["ResourceLabel"] == {
        "Fn::Sub": "${LoadBalancer.LoadBalancerFullName}/${TargetGroup.TargetGroupFullName}"}
    assert requests["TargetValue"] == 3000
    latency = resources(sandbox_design({"policy": "target", "metric": "latency", "target_latency": "200"}),
                        "AWS::AutoScaling::ScalingPolicy")[0]["TargetTrackingConfiguration"]
    assert latency["CustomizedMetricSpecification"]["MetricName"] == "TargetResponseTime"
    assert latency["TargetValue"] == pytest.approx(0.2)
    hpa = sandbox_design({"policy": "hpa"})
    assert "cfn_hpa" in codes(hpa)
    assert resources(hpa, "AWS::AutoScaling::ScalingPolicy")[0]["PolicyType"] == "TargetTrackingScaling"


def test_simple_and_step_scaling_have_their_alarms() -> None:
    simple = sandbox_design({"policy": "simple", "out_cpu": "60", "in_cpu": "20", "cooldown": "120"})
    policies = resources(simple, "AWS::AutoScaling::ScalingPolicy")
    assert [(p["PolicyType"], p["ScalingAdjustment"], p["Cooldown"]) for p in policies] == [
        ("SimpleScaling", 1, "120"), ("SimpleScaling", -1, "120")]
    alarms = resources(simple, "AWS::CloudWatch::Alarm")
    assert [(a["MetricName"], a["Statistic"], a["Period"], a["Threshold"], a["ComparisonOperator"],
             a["AlarmActions"]) for a in alarms] == [
        ("CPUUtilization", "Average", 60, 60, "GreaterThanOrEqualToThreshold", [{"Ref": "ScaleOutPolicy"}]),
        ("CPUUtilization", "Average", 60, 20, "LessThanOrEqualToThreshold", [{"Ref": "ScaleInPolicy"}])]
    step = sandbox_design({"policy": "step", "period": "30", "warmup": "120"})
    out = resources(step, "AWS::AutoScaling::ScalingPolicy")[0]
    assert out["StepAdjustments"] == [
        {"MetricIntervalLowerBound": 0, "MetricIntervalUpperBound": 20, "ScalingAdjustment": 1},
        {"MetricIntervalLowerBound": 20, "MetricIntervalUpperBound": 40, "ScalingAdjustment": 2},
        {"MetricIntervalLowerBound": 40, "ScalingAdjustment": 3}]
    assert out["EstimatedInstanceWarmup"] == 120
    assert "cfn_period" in codes(step)
    found = cloudformation.read(FILE, cloudformation.write(step).files[FILE])
    assert (found.settings["asg.policy"], found.settings["asg.period_s"], found.settings["asg.scale_out_cpu"],
            found.settings["asg.scale_in_cpu"]) == ("step", 30.0, 70.0, 30.0)


def test_scheduled_actions_recur_daily_and_a_window_puts_the_minimum_back() -> None:
    design = sandbox_design({"policy": "target", "schedule": "8@300", "min": "2"})
    assert resources(design, "AWS::AutoScaling::ScheduledAction") == [
        {"AutoScalingGroupName": {"Ref": "WebGroup"}, "Recurrence": "5 0 * * *", "TimeZone": "Etc/UTC",
         "MinSize": "8", "DesiredCapacity": "8"}]
    assert "cfn_schedule_clock" in codes(design)
    window = next(d for n, d in DESIGNS if n == "08-autoscaling")  # 40 from 1920 s to 2460 s
    actions = resources(window, "AWS::AutoScaling::ScheduledAction")
    assert [(a["Recurrence"], a.get("MinSize"), a.get("DesiredCapacity")) for a in actions] == [
        ("32 0 * * *", "40", "40"), ("41 0 * * *", "2", None)]
    found = cloudformation.read(FILE, cloudformation.write(window).files[FILE])
    assert found.settings["asg.schedule"] == (
        ScheduledAction(at=1920.0, min_size=40, desired=40, until=2460.0),)


def test_the_data_tier_is_rds_with_replicas_a_cache_and_a_bucket_or_efs() -> None:
    design = sandbox_design({"replicas": "2", "sessions": "shared", "storage": "object",
                             "db_size": "m5.xlarge"})
    dbs = resources(design, "AWS::RDS::DBInstance")
    assert [d["DBInstanceClass"] for d in dbs] == ["db.m5.xlarge"] * 3
    assert [d.get("SourceDBInstanceIdentifier") for d in dbs] == [None] + [{"Ref": "Database"}] * 2
    assert resources(design, "AWS::ElastiCache::CacheCluster")[0]["Engine"] == "redis"
    assert len(resources(design, "AWS::S3::Bucket")) == 1
    found = cloudformation.read(FILE, cloudformation.write(design).files[FILE])
    assert (found.settings["db.replicas"], found.settings["db.size"]) == (2, "m5.xlarge")
    nfs = sandbox_design({"storage": "nfs", "nfs_cache": "3"})
    assert len(resources(nfs, "AWS::EFS::FileSystem")) == 1 and "cfn_nfs_cache" in codes(nfs)
    sharded = next(d for n, d in DESIGNS if n == "07-sharding")
    assert "cloud_shards" in codes(sharded)


def test_the_web_servers_can_reach_each_data_tier() -> None:
    """An RDS instance without a group of its own gets the VPC's default group, which admits none
    of the web servers; an EFS mount target must accept NFS (2049) from them; a bucket needs the
    instances to have a role that may use it. Each data tier admits the web servers' group on
    its port, and nothing else."""
    def ingress(tpl: dict[str, Any], group: str) -> list[tuple[int, Any]]:
        rules = tpl["Resources"][group]["Properties"]["SecurityGroupIngress"]
        return [(r["FromPort"], r["SourceSecurityGroupId"]) for r in rules]

    web = {"Ref": "WebSecurityGroup"}
    db = template(sandbox_design({"replicas": "2"}))
    assert ingress(db, "DatabaseSecurityGroup") == [(3306, web)]
    for d in (r["Properties"] for r in db["Resources"].values() if r["Type"] == "AWS::RDS::DBInstance"):
        assert d["VPCSecurityGroups"] == [{"Ref": "DatabaseSecurityGroup"}]
    nfs = template(sandbox_design({"storage": "nfs"}))
    assert ingress(nfs, "UploadsSecurityGroup") == [(2049, web)]
    mounts = [r["Properties"] for r in nfs["Resources"].values() if r["Type"] == "AWS::EFS::MountTarget"]
    assert [m["SecurityGroups"] for m in mounts] == [[{"Ref": "UploadsSecurityGroup"}]] * 2
    readings = template(next(d for n, d in DESIGNS if n == "09-ingest"))  # the comm servers write them
    assert ingress(readings, "DatabaseSecurityGroup") == [(3306, web), (3306, {"Ref": "CommSecurityGroup"})]
    bucket = sandbox_design({"storage": "object"})
    tpl = template(bucket)
    launch = tpl["Resources"]["LaunchTemplate"]["Properties"]["LaunchTemplateData"]
    assert launch["IamInstanceProfile"] == {"Arn": {"Fn::GetAtt": ["WebInstanceProfile", "Arn"]}}
    policy = tpl["Resources"]["WebRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"][0]
    assert policy["Resource"] == {"Fn::Sub": "${Uploads.Arn}/*"} and "cfn_iam" in codes(bucket)
    assert "IamInstanceProfile" not in template(sandbox_design({}))["Resources"]["LaunchTemplate"][
        "Properties"]["LaunchTemplateData"]


def test_a_fixed_fleet_is_instances_registered_by_id() -> None:
    design = next(d for n, d in DESIGNS if n == "03-load-balancer")
    assert len(resources(design, "AWS::EC2::Instance")) == 3
    group = resources(design, "AWS::ElasticLoadBalancingV2::TargetGroup")[0]
    assert group["Targets"] == [{"Id": {"Ref": f"Web{i}"}, "Port": 8080} for i in (1, 2, 3)]
    assert resources(design, "AWS::AutoScaling::AutoScalingGroup") == []


HAND_WRITTEN = """\
AWSTemplateFormatVersion: "2010-09-09"
Description: Shop web tier
Parameters:
  Vpc: {Type: "AWS::EC2::VPC::Id"}
  PublicSubnets: {Type: "List<AWS::EC2::Subnet::Id>"}
  Largest: {Type: Number, Default: 12}
Conditions:
  Busy: !Equals [!Ref "AWS::Region", us-east-1]
Resources:
  AppSecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: app
      VpcId: !Ref Vpc
  AppTemplate:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        InstanceType: c5.xlarge
        ImageId: ami-0123456789abcdef0
  AppGroup:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      MinSize: "2"
      MaxSize: !Ref Largest
      DesiredCapacity: "4"
      Cooldown: !If [Busy, "120", "300"]
      HealthCheckType: ELB
      LaunchTemplate:
        LaunchTemplateId: !Ref AppTemplate
        Version: !GetAtt AppTemplate.LatestVersionNumber
      VPCZoneIdentifier: !Ref PublicSubnets
      TargetGroupARNs: [!Ref AppTargets]
  RequestTracking:
    Type: AWS::AutoScaling::ScalingPolicy
    Properties:
      AutoScalingGroupName: !Ref AppGroup
      PolicyType: TargetTrackingScaling
      TargetTrackingConfiguration:
        PredefinedMetricSpecification:
          PredefinedMetricType: ALBRequestCountPerTarget
          ResourceLabel: !Sub "${AppBalancer.LoadBalancerFullName}/${AppTargets.TargetGroupFullName}"
        TargetValue: 800
  NightlyBatch:
    Type: AWS::AutoScaling::ScheduledAction
    Properties:
      AutoScalingGroupName: !Ref AppGroup
      StartTime: "2030-01-01T02:00:00Z"
      DesiredCapacity: "6"
  AppBalancer:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Subnets: !Ref PublicSubnets
  AppTargets:
    Type: AWS::ElasticLoadBalancingV2::TargetGroup
    Properties:
      Protocol: HTTP
      Port: 8080
      VpcId: !Ref Vpc
      HealthCheckPath: /healthz
      HealthCheckIntervalSeconds: 15
      Matcher: {HttpCode: "200-399"}
      TargetGroupAttributes:
        - Key: stickiness.enabled
          Value: "true"
        - Key: stickiness.type
          Value: lb_cookie
        - Key: slow_start.duration_seconds
          Value: "60"
  ApiRule:
    Type: AWS::ElasticLoadBalancingV2::ListenerRule
    Properties:
      ListenerArn: arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shop/1/2
      Priority: 10
      Conditions: [{Field: path-pattern, Values: [/api/*]}]
      Actions: [{Type: forward, TargetGroupArn: !Ref AppTargets}]
  Firewall:
    Type: AWS::WAFv2::WebACLAssociation
    Properties:
      ResourceArn: !Ref AppBalancer
      WebACLArn: arn:aws:wafv2:us-east-1:123456789012:regional/webacl/shop/1
  Thumbnails:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/thumbs
      Code: {ZipFile: "def handler(e, c): pass"}
"""


def test_a_hand_written_template_reads_with_every_left_out_resource_by_line() -> None:
    found = cloudformation.read("shop.yaml", HAND_WRITTEN)
    assert found.settings == {
        "web.size": "c5.xlarge", "asg.min_size": 2, "asg.max_size": 12, "asg.desired": 4,
        "asg.policy": "target", "asg.schedule": (),
        "lb.target_port": 8080, "health.kind": "L7", "health.path": "/healthz", "health.interval_s": 15.0,
        "health.timeout_s": 5.0, "health.healthy_threshold": 5, "health.unhealthy_threshold": 2,
        "lb.sticky": True, "lb.algorithm": "round_robin", "asg.metric": "requests",
        "asg.target_requests": 800.0,
        "layout": "single", "session.store": "local", "storage.mode": "local"}
    # no DefaultInstanceWarmup: AWS takes the cooldown, which a condition chooses here (listed)
    assert "asg.warmup_s" not in found.settings
    assert str(found.origin["web.size"]) == "shop.yaml:19"
    assert str(found.origin["asg.max_size"]) == "shop.yaml:25"  # a parameter's default
    assert str(found.origin["asg.target_requests"]) == "shop.yaml:43"
    assert str(found.origin["health.path"]) == "shop.yaml:60"
    assert str(found.origin["lb.sticky"]) == "shop.yaml:64"
    assert [(str(s.where), s.reason, s.params.get("kind")) for s in found.skipped] == [
        ("shop.yaml:27", "cfn_dynamic", None),  # a cooldown chosen by a condition
        ("shop.yaml:44", "cfn_schedule", None),  # a date, not a time of the game's clock
        ("shop.yaml:62", "not_modelled", None),  # the HTTP codes that pass
        ("shop.yaml:68", "cfn_attribute", None),  # slow start
        ("shop.yaml:70", "cfn_listener_rule", "AWS::ElasticLoadBalancingV2::ListenerRule"),
        ("shop.yaml:77", "cfn_resource", "AWS::WAFv2::WebACLAssociation"),
        ("shop.yaml:82", "cfn_resource", "AWS::Lambda::Function"),
    ]
    for s in found.skipped:
        assert texts.SKIPPED[s.reason].format(**s.params)


def test_a_policys_own_warm_up_and_cooldown_override_the_groups_and_the_warm_up_falls_back() -> None:
    """AWS: a simple policy's Cooldown overrides the group's; a step or target-tracking policy's
    EstimatedInstanceWarmup is its warm-up, and without it or the group's DefaultInstanceWarmup
    (-1 is CloudFormation's null) it is the group's cooldown (PutScalingPolicy). Simple scaling
    has no warm-up at all."""
    def template(kind: str, policy: str = "", group: str = "") -> str:
        return ("Resources:\n  Group:\n    Type: AWS::AutoScaling::AutoScalingGroup\n    Properties:\n"
                "      MinSize: '1'\n      MaxSize: '4'\n      Cooldown: '120'\n" + group +
                "  Out:\n    Type: AWS::AutoScaling::ScalingPolicy\n    Properties:\n"
                f"      AutoScalingGroupName: !Ref Group\n      PolicyType: {kind}\n" + policy)
    own = cloudformation.read("t.yaml", template("StepScaling", "      EstimatedInstanceWarmup: 90\n"))
    assert own.settings["asg.warmup_s"] == 90.0 and str(own.origin["asg.warmup_s"]) == "t.yaml:13"
    for group in ("", "      DefaultInstanceWarmup: -1\n"):
        fallback = cloudformation.read("t.yaml", template("StepScaling", group=group))
        assert (fallback.settings["asg.cooldown_s"], fallback.settings["asg.warmup_s"]) == (120.0, 120.0)
    simple = cloudformation.read("t.yaml", template("SimpleScaling", "      Cooldown: '60'\n"))
    assert (simple.settings["asg.cooldown_s"], simple.settings["asg.warmup_s"]) == (60.0, 0.0)


def test_json_reads_as_yaml_does() -> None:
    design = sandbox_design({"policy": "simple", "sticky": "on", "replicas": "1"})
    data = load_yaml(cloudformation.write(design).files[FILE])
    text = json.dumps(data, indent=2)
    assert cloudformation.claims("stack.json", text) and not K8S.claims("stack.json", text)
    assert cloudformation.read("stack.json", text).settings == cloudformation.read(
        FILE, cloudformation.write(design).files[FILE]).settings


@pytest.mark.parametrize(("name", "text", "line"), [
    ("bad.yaml", "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  A:\n    Type: AWS::S3::Bucket\n"
                 "   Properties: {}\n", 5),
    ("bad.yaml", "Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties: [1\n", 5),
    ("bad.json", '{\n  "AWSTemplateFormatVersion": "2010-09-09",\n  "Resources": {,}\n}\n', 3),
    ("bad.yaml", "AWSTemplateFormatVersion: '2010-09-09'\nDescription: nothing\n", 1),
])
def test_malformed_templates_are_one_line_naming_the_file_and_line(name: str, text: str, line: int) -> None:
    assert cloudformation.claims(name, text) and not K8S.claims(name, text)
    with pytest.raises(ConfigError) as e:
        cloudformation.read(name, text)
    assert e.value.where.line == line
    assert str(e.value).startswith(f"{name}:{line}: ") and "\n" not in str(e.value)


def test_claims_only_templates() -> None:
    assert cloudformation.claims("stack.yml", HAND_WRITTEN)
    assert not cloudformation.claims("stack.txt", HAND_WRITTEN)
    assert not cloudformation.claims("web.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n")
    assert not cloudformation.claims("a.yaml", "Resources:\n  cpu: 2\n")


def test_scaleout_import_finds_the_format_by_itself(tmp_path: Path) -> None:
    design = sandbox_design({"policy": "simple", "out_cpu": "80"})
    write_export(design, "aws-cloudformation", tmp_path)
    found = read_files([tmp_path / FILE])
    assert (found.settings["asg.policy"], found.settings["asg.scale_out_cpu"]) == ("simple", 80.0)
    assert str(found.origin["asg.scale_out_cpu"]).startswith(f"{tmp_path / FILE}:")
