"""Level 10's look-aside cache in every format: Kubernetes writes a Redis ConfigMap, Deployment and
Service and hands the app its settings as CACHE_* variables; CloudFormation writes an ElastiCache
replication group where the web servers reach it and the app's settings as Cache* parameters;
nginx and HAProxy write no cache and say why. The files carry the design's values and read back;
a design without a cache writes none of it. (Every format's own tests check that level 10's
files pass the real checkers: cfn-lint, kubernetes-validate, nginx -t, haproxy -c.)"""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

import kubernetes_validate
import pytest
import yaml
from cfn_tools import load_yaml

from scaleout_tui import i18n
from scaleout_tui.content.loader import load_level
from scaleout_tui.content.paths import find_level
from scaleout_tui.deploy import cachetier, cloudformation, haproxy, kubernetes, nginx, texts
from scaleout_tui.deploy.design import Design, design_of
from scaleout_tui.deploy.formats import FORMATS, export
from scaleout_tui.deploy.policy import policy_text
from tests.deploy.conftest import every_design, reference_design
from tests.deploy.test_roundtrip import SANDBOX, read_back

LEVEL = load_level(find_level("10-cache"))
REFERENCE = reference_design("10-cache")  # 10,000 entries, TTL 300 ±20 %, invalidate, single flight


def level10(**knobs: str) -> Design:
    return design_of(LEVEL, knobs)


def k8s_docs(design: Design) -> list[dict[str, Any]]:
    return list(yaml.safe_load_all(kubernetes.write(design).files[kubernetes.FILE]))


def cfn(design: Design) -> dict[str, Any]:
    return load_yaml(cloudformation.write(design).files[cloudformation.FILE])


def codes(fmt: str, design: Design) -> set[str]:
    return {n.code for n in FORMATS[fmt].write(design).notes}


def test_kubernetes_writes_redis_sized_from_the_capacity_and_the_apps_settings() -> None:
    docs = {(d["kind"], d["metadata"]["name"]): d for d in k8s_docs(REFERENCE)}
    conf = docs[("ConfigMap", "cache-10-cache")]["data"]["redis.conf"]
    assert conf.splitlines() == ["maxmemory 64m", "maxmemory-policy allkeys-lru", 'save ""', "appendonly no"]
    redis = docs[("Deployment", "cache-10-cache")]["spec"]
    pod = redis["template"]["spec"]
    assert redis["replicas"] == 1
    assert pod["nodeSelector"] == {"node.kubernetes.io/instance-type": "m5.large"}  # the level's aux_size
    container = pod["containers"][0]
    assert container["image"] == "redis:7.2"
    assert container["args"] == ["redis-server", "/usr/local/etc/redis/redis.conf"]
    assert container["ports"] == [{"name": "redis", "containerPort": 6379, "protocol": "TCP"}]
    # 64,000,000 bytes of entries and a quarter of the pod beside them: 85,333,334 bytes → 82 MiB
    assert container["resources"] == {"requests": {"cpu": "1", "memory": "82Mi"},
                                      "limits": {"memory": "82Mi"}}
    assert pod["volumes"] == [{"name": "config", "configMap": {"name": "cache-10-cache"}}]
    service = docs[("Service", "cache-10-cache")]["spec"]
    assert service["type"] == "ClusterIP" and service["selector"] == {"app": "cache-10-cache"}
    assert service["ports"] == [{"name": "redis", "protocol": "TCP", "port": 6379, "targetPort": 6379}]
    web = docs[("Deployment", "web-10-cache")]["spec"]["template"]["spec"]["containers"][0]
    assert {e["name"]: e["value"] for e in web["env"]} == {
        "CACHE_URL": "redis://cache-10-cache:6379/0", "CACHE_TTL_SECONDS": "300",
        "CACHE_TTL_JITTER": "0.2", "CACHE_WRITE_POLICY": "cache-aside", "CACHE_INVALIDATE_ON_WRITE": "true",
        "CACHE_SINGLE_FLIGHT": "true", "CACHE_STALE_WHILE_REVALIDATE_SECONDS": "0"}
    assert docs[("Service", "web-10-cache")]["spec"]["type"] == "LoadBalancer"  # still the balancer
    assert "k8s_cache" in codes("kubernetes", REFERENCE)


def test_cloudformation_writes_an_elasticache_group_where_the_web_servers_reach_it() -> None:
    template = cfn(REFERENCE)
    res = template["Resources"]
    group = res["Cache"]
    assert group["Type"] == "AWS::ElastiCache::ReplicationGroup"
    keys = ("Engine", "EngineVersion", "CacheNodeType", "NumCacheClusters", "AutomaticFailoverEnabled",
            "Port", "AtRestEncryptionEnabled")
    assert {k: group["Properties"][k] for k in keys} == {
        "Engine": "redis", "EngineVersion": "7.1", "CacheNodeType": "cache.m5.large", "NumCacheClusters": 1,
        "AutomaticFailoverEnabled": False, "Port": 6379, "AtRestEncryptionEnabled": True}
    assert group["Properties"]["CacheParameterGroupName"] == {"Ref": "CacheParameters"}
    assert group["Properties"]["SecurityGroupIds"] == [{"Ref": "CacheSecurityGroup"}]
    assert res["CacheParameters"]["Properties"] == {
        "CacheParameterGroupFamily": "redis7", "Description": "cache",
        "Properties": {"maxmemory-policy": "allkeys-lru"}}
    # the same VPC and subnets as the rest; only the web servers, on Redis's port
    assert res["CacheSubnets"]["Properties"]["SubnetIds"] == {"Ref": "Subnets"}
    sg = res["CacheSecurityGroup"]["Properties"]
    assert sg["VpcId"] == {"Ref": "VpcId"}
    assert sg["SecurityGroupIngress"] == [{"IpProtocol": "tcp", "FromPort": 6379, "ToPort": 6379,
                                           "SourceSecurityGroupId": {"Ref": "WebSecurityGroup"}}]
    params = template["Parameters"]
    assert {k: params[k]["Default"] for k in cloudformation.CACHE_PARAMETERS} == {
        "CacheTtlSeconds": "300", "CacheTtlJitter": "0.2", "CacheWritePolicy": "cache-aside",
        "CacheInvalidateOnWrite": "true", "CacheSingleFlight": "true",
        "CacheStaleWhileRevalidateSeconds": "0"}
    assert params["CacheWritePolicy"]["AllowedValues"] == ["cache-aside", "write-through"]
    script = res["LaunchTemplate"]["Properties"]["LaunchTemplateData"]["UserData"]["Fn::Base64"]["Fn::Sub"]
    assert "CACHE_URL=redis://${Cache.PrimaryEndPoint.Address}:${Cache.PrimaryEndPoint.Port}/0" in script
    assert "CACHE_TTL_SECONDS=${CacheTtlSeconds}" in script and script.startswith("#!/bin/bash\n")
    notes = {n.code: n.params for n in cloudformation.write(REFERENCE).notes}
    assert notes["cfn_cache"] == {"entries": 10000, "megabytes": "64", "entry": 6400,
                                  "node": "cache.m5.large", "gib": "6.38", "holds": 803266}
    assert "cfn_cache_app" in notes


def test_a_size_elasticache_lacks_or_too_small_a_node_becomes_one_that_holds_the_entries() -> None:
    notes: list[Any] = []
    assert cloudformation.node_type("m5.xlarge", 16, 64_000_000, notes) == "cache.m5.xlarge" and notes == []
    assert cloudformation.node_type("m5.8xlarge", 128, 64_000_000, notes) == "cache.m5.12xlarge"
    assert [n.code for n in notes] == ["cfn_cache_node"]
    # 6 GB of entries do not fit in 75 % of a cache.m5.large's 6.38 GiB
    assert cloudformation.node_type("m5.large", 8, 6_000_000_000, notes) == "cache.m5.xlarge"
    assert notes[-1].code == "cfn_cache_grown"


@pytest.mark.parametrize("knobs", [
    {},
    {"capacity": "1000", "ttl": "30", "policy": "write-through", "swr": "60"},
    {"capacity": "50000", "ttl": "3600", "jitter": "0.5", "invalidate": "off", "single_flight": "off"},
], ids=["defaults", "small-write-through", "large-no-fixes"])
@pytest.mark.parametrize("fmt", ["kubernetes", "aws-cloudformation"])
def test_the_cache_settings_come_back(fmt: str, knobs: dict[str, str]) -> None:
    design = level10(**knobs)
    cache = {p: v for p, v in design.settings.items() if p.startswith("cache.")}
    carried = {p: v for p, v in cache.items() if p in FORMATS[fmt].carries}
    assert set(carried) == set(cache) - ({"cache.capacity"} if fmt == "aws-cloudformation" else set())
    found = read_back(fmt, design)
    assert {p: found.settings.get(p) for p in carried} == carried
    assert found.skipped == []


def test_the_memory_follows_the_capacity() -> None:
    small, large = level10(capacity="1000"), level10(capacity="50000")
    conf = {d["metadata"]["name"]: d for d in k8s_docs(small) if d["kind"] == "ConfigMap"}
    assert "maxmemory 6400k" in conf["cache-10-cache"]["data"]["redis.conf"]
    conf = {d["metadata"]["name"]: d for d in k8s_docs(large) if d["kind"] == "ConfigMap"}
    assert "maxmemory 320m" in conf["cache-10-cache"]["data"]["redis.conf"]
    assert cachetier.pod_memory_mib(1000) == cachetier.MIN_POD_MEMORY_MIB  # 8.1 MiB is below the floor
    assert cachetier.pod_memory_mib(50_000) == 407  # 320 MB / 0.75 = 406.9 MiB
    assert cachetier.parse_redis_bytes("100mb") == 100 * 2**20
    assert cachetier.parse_redis_bytes("2GB") == 2 * 2**30
    assert cachetier.parse_redis_bytes("64m") == 64_000_000 and cachetier.parse_redis_bytes("lots") is None


def test_a_cache_of_nothing_writes_no_server() -> None:
    design = dataclasses.replace(REFERENCE, config=dataclasses.replace(
        REFERENCE.config, cache=dataclasses.replace(REFERENCE.config.cache, capacity=0)))
    assert not [d for d in k8s_docs(design) if d["metadata"]["name"].startswith("cache-")]
    assert "Cache" not in cfn(design)["Resources"]
    assert "cache_empty" in codes("kubernetes", design)
    assert "cache_empty" in codes("aws-cloudformation", design)


@pytest.mark.parametrize(("name", "design"), [(n, d) for n, d in every_design() if d.config.cache is None])
def test_a_design_without_a_cache_writes_no_cache(name: str, design: Design) -> None:
    text = kubernetes.write(design).files[kubernetes.FILE]
    assert "redis" not in text and "CACHE_" not in text and "ConfigMap" not in text
    template = cfn(design)
    assert not [r for r in template["Resources"] if r.startswith("Cache")]
    assert not [p for p in template["Parameters"] if p.startswith("Cache")]
    assert "UserData" not in template["Resources"]["LaunchTemplate"]["Properties"]["LaunchTemplateData"]
    for fmt in FORMATS:
        assert not {c for c in codes(fmt, design) if "cache" in c and c != "cfn_nfs_cache"}, fmt


def test_nginx_and_haproxy_write_no_cache_and_say_where_it_went() -> None:
    conf = nginx.write(REFERENCE).files[nginx.FILE]
    assert "proxy_cache" not in conf and "redis" not in conf.lower()
    cfg = haproxy.write(REFERENCE).files[haproxy.FILE]
    assert "redis" not in cfg.lower()
    assert not re.search(r"(?m)^cache |^\s*http-(request|response) cache-", cfg)
    for fmt in ("nginx", "haproxy"):
        notes = {n.code: n.params for n in FORMATS[fmt].write(REFERENCE).notes}
        assert "cache.capacity = 10000" in notes["proxy_cache"]["settings"]
        assert "cache." not in notes["proxy_other"]["settings"]  # said once, in the cache's note
    assert "nginx_http_cache" in codes("nginx", REFERENCE)
    assert "nginx_http_cache" not in codes("haproxy", REFERENCE)
    readme = export(REFERENCE, "nginx").files["README.md"]
    assert "proxy_cache_lock" in readme and "proxy_cache_background_update" in readme


def test_korean_comments_keep_the_manifests_valid() -> None:
    i18n.activate("ko")
    try:
        text = kubernetes.write(REFERENCE).files[kubernetes.FILE]
        template = cloudformation.write(REFERENCE).files[cloudformation.FILE]
    finally:
        i18n.activate("en")
    assert texts.K8S_CACHE_ENV not in text  # the Korean sentences, not the English
    for doc in yaml.safe_load_all(text):
        kubernetes_validate.validate(doc, kubernetes.VERSION, strict=True)
    assert kubernetes.read(kubernetes.FILE, text).settings["cache.capacity"] == 10000
    assert cloudformation.read(cloudformation.FILE, template).settings["cache.ttl_jitter"] == 0.2


HAND_WRITTEN_K8S = """\
apiVersion: v1
kind: Service
metadata: {name: redis}
spec:
  selector: {app: redis}
  ports: [{port: 6379}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis}
spec:
  replicas: 3
  serviceName: redis
  selector: {matchLabels: {app: redis}}
  template:
    metadata: {labels: {app: redis}}
    spec:
      containers:
      - name: redis
        image: docker.io/library/redis:7.2-alpine
        args: [redis-server, /conf/redis.conf]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: redis}
data:
  redis.conf: |
    maxmemory 100mb
    maxmemory-policy volatile-lru
    activedefrag yes
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: shop}
spec:
  replicas: 4
  selector: {matchLabels: {app: shop}}
  template:
    metadata: {labels: {app: shop}}
    spec:
      containers:
      - name: shop
        image: shop:1
        env:
        - {name: CACHE_TTL_SECONDS, value: "120"}
        - {name: CACHE_WRITE_POLICY, value: write-back}
        - {name: DATABASE_URL, value: "mysql://db/shop"}
"""


def test_a_hand_written_redis_reads_with_what_the_game_does_not_model_by_line() -> None:
    found = kubernetes.read("redis.yaml", HAND_WRITTEN_K8S)
    # 100 MiB at 6,400 bytes an entry; the shop is the web tier, the Redis Service is not its balancer
    assert found.settings["cache.capacity"] == 16384
    assert found.settings["cache.ttl_s"] == 120.0 and found.settings["web.count"] == 4
    assert "lb.target_port" not in found.settings
    assert [(str(s.where), s.directive, s.reason) for s in found.skipped] == [
        ("redis.yaml:12", "replicas: 3", "k8s_cache_replicas"),
        ("redis.yaml:27", "activedefrag yes", "not_modelled"),  # the redis.conf key's line
        ("redis.yaml:27", "maxmemory-policy volatile-lru", "cache_eviction"),
        ("redis.yaml:46", "CACHE_WRITE_POLICY=write-back", "cache_value"),
    ]
    for s in found.skipped:
        assert texts.SKIPPED[s.reason].format(**s.params)


def test_cloudformation_tells_a_look_aside_cache_from_a_session_store() -> None:
    template = cfn(REFERENCE)
    template["Resources"]["CacheParameters"]["Properties"]["Properties"]["maxmemory-policy"] = "allkeys-lfu"
    found = cloudformation.read("stack.json", json.dumps(template))
    assert found.settings["session.store"] == "local"  # the cache is not where sessions live
    assert [(s.directive, s.reason) for s in found.skipped] == [
        ("maxmemory-policy allkeys-lfu", "cache_eviction")]
    del template["Resources"]["Cache"]["Properties"]["CacheParameterGroupName"]  # ElastiCache's default group
    found = cloudformation.read("stack.json", json.dumps(template))
    assert found.settings["session.store"] == "shared"  # without eviction over all keys: a session store


def test_the_sandbox_policy_lists_the_cache_settings_it_cannot_play() -> None:
    found = read_back("kubernetes", REFERENCE)
    text, adjusted = policy_text(found, SANDBOX, ["web.yaml"])
    left_out = {a.param for a in adjusted if a.reason == "no_knob"}
    assert {p for p in REFERENCE.settings if p.startswith("cache.")} <= left_out
    assert "cache.ttl_s" in text
