"""The kubernetes format: every design's manifests pass the Kubernetes schemas (strict: an unknown
field fails), come back as the settings they carry, say each setting in the right field, and a
hand-written set of manifests reads with everything the game cannot model listed by file:line."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from scaleout_tui import i18n
from scaleout_tui.deploy import kubernetes, texts
from scaleout_tui.deploy.cloudformation import FORMAT as CFN
from scaleout_tui.deploy.design import ConfigError, Design, Imported
from scaleout_tui.deploy.formats import export, read_files, write_export
from scaleout_tui.deploy.yamlsource import Lines
from tests.deploy.conftest import every_design, sandbox_design

DESIGNS = every_design()


def manifests(design: Design) -> dict[str, dict[str, Any]]:
    """The written documents by kind."""
    text = kubernetes.write(design).files[kubernetes.FILE]
    return {d["kind"]: d for d in yaml.safe_load_all(text)}


def container(design: Design) -> dict[str, Any]:
    return manifests(design)["Deployment"]["spec"]["template"]["spec"]["containers"][0]


def codes(design: Design) -> set[str]:
    return {n.code for n in kubernetes.write(design).notes}


@pytest.mark.parametrize(("name", "design"), DESIGNS, ids=[n for n, _ in DESIGNS])
def test_every_design_passes_the_strict_schemas_and_reads_back_what_it_carries(name: str,
                                                                              design: Design) -> None:
    out = export(design, "kubernetes")
    found = Imported()
    for file, text in out.files.items():  # web.yaml, and level 9's ingest.yaml
        if file == "README.md":
            continue
        docs = list(yaml.safe_load_all(text))
        for doc in docs:
            kubernetes_validate.validate(doc, kubernetes.VERSION, strict=True)
        # the API server's own rule, which the schemas do not state
        for probe in ("livenessProbe",):
            probes = [c.get(probe) for d in docs if d["kind"] == "Deployment"
                      for c in d["spec"]["template"]["spec"]["containers"]]
            assert all(p is None or p["successThreshold"] == 1 for p in probes)
        assert kubernetes.claims(file, text) and not CFN.claims(file, text)
        found.merge(kubernetes.read(file, text))
    expected = {p: v for p, v in design.settings.items() if p in kubernetes.FORMAT.carries}
    assert {p: found.settings.get(p) for p in expected} == expected
    assert found.skipped == []  # the writer writes nothing its reader cannot read
    for code in (n.code for n in out.notes):
        assert code in texts.NOTES, code


def test_the_schemas_refuse_a_field_kubernetes_does_not_have() -> None:
    """Strict mode is on: the check would catch a misspelt field in the writer."""
    doc = manifests(sandbox_design({}))["Deployment"]
    doc["spec"]["replica"] = 2
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(doc, kubernetes.VERSION, strict=True)


def test_the_check_becomes_probes_l7_http_l4_tcp_none_nothing() -> None:
    l7 = container(sandbox_design({"check": "L7", "check_path": "/health", "check_every": "5",
                                   "check_timeout": "2", "healthy": "3", "unhealthy": "5"}))
    assert l7["readinessProbe"] == {"httpGet": {"path": "/health", "port": 8080}, "periodSeconds": 5,
                                    "timeoutSeconds": 2, "successThreshold": 3, "failureThreshold": 5}
    # liveness restarts: the same check, three times as patient, so a pod leaves the Service first
    assert l7["livenessProbe"]["successThreshold"] == 1 and l7["livenessProbe"]["failureThreshold"] == 15
    l4 = container(sandbox_design({"check": "L4", "port": "80"}))
    assert l4["readinessProbe"]["tcpSocket"] == {"port": 80} and "httpGet" not in l4["readinessProbe"]
    none = sandbox_design({"check": "none"})
    assert "readinessProbe" not in container(none) and "livenessProbe" not in container(none)
    assert "k8s_no_check" in codes(none)
    found = kubernetes.read(kubernetes.FILE, kubernetes.write(none).files[kubernetes.FILE])
    assert found.settings["health.kind"] == "none"


def test_the_pods_run_on_the_size_and_request_its_vcpus() -> None:
    pod = manifests(sandbox_design({"web_size": "m5.2xlarge"}))["Deployment"]["spec"]["template"]["spec"]
    assert pod["nodeSelector"] == {"node.kubernetes.io/instance-type": "m5.2xlarge"}
    assert pod["containers"][0]["resources"]["requests"]["cpu"] == "8"


def test_stickiness_and_ip_hash_are_client_ip_affinity() -> None:
    sticky = manifests(sandbox_design({"sticky": "on"}))["Service"]["spec"]
    assert sticky["sessionAffinity"] == "ClientIP"
    assert sticky["sessionAffinityConfig"] == {"clientIP": {"timeoutSeconds": 86400}}
    assert sticky["type"] == "LoadBalancer" and sticky["ports"][0] == {"name": "http", "protocol": "TCP",
                                                                        "port": 80, "targetPort": 8080}
    ip_hash = sandbox_design({"algorithm": "ip_hash"})
    assert manifests(ip_hash)["Service"]["spec"]["sessionAffinity"] == "ClientIP"
    assert "k8s_ip_hash" in codes(ip_hash)
    assert "k8s_algorithm" not in codes(sandbox_design({"algorithm": "random"}))  # kube-proxy's own
    plain = sandbox_design({"algorithm": "least_conn"})
    assert manifests(plain)["Service"]["spec"]["sessionAffinity"] == "None"
    assert "k8s_algorithm" in codes(plain)


def test_the_hpa_states_its_target_limits_and_every_behavior_number() -> None:
    hpa = manifests(sandbox_design({"policy": "hpa", "target": "60", "min": "2", "max": "32"}))
    spec = hpa["HorizontalPodAutoscaler"]["spec"]
    assert (spec["minReplicas"], spec["maxReplicas"]) == (2, 32)
    assert spec["metrics"] == [{"type": "Resource", "resource": {
        "name": "cpu", "target": {"type": "Utilization", "averageUtilization": 60}}}]
    # Kubernetes' defaults, written out: up by max(4 pods, 100 %) per 15 s at once, down after 300 s
    assert spec["behavior"] == {
        "scaleUp": {"stabilizationWindowSeconds": 0, "selectPolicy": "Max",
                    "policies": [{"type": "Pods", "value": 4, "periodSeconds": 15},
                                 {"type": "Percent", "value": 100, "periodSeconds": 15}]},
        "scaleDown": {"stabilizationWindowSeconds": 300, "selectPolicy": "Max",
                      "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}]}}
    requests = sandbox_design({"policy": "target", "metric": "requests", "target_requests": "3000"})
    metric = manifests(requests)["HorizontalPodAutoscaler"]["spec"]["metrics"][0]
    assert metric == {"type": "Pods", "pods": {"metric": {"name": "http_requests_per_minute"},
                                               "target": {"type": "AverageValue", "averageValue": "3000"}}}
    assert "k8s_adapter" in codes(requests)
    found = kubernetes.read(kubernetes.FILE, kubernetes.write(requests).files[kubernetes.FILE])
    assert (found.settings["asg.metric"], found.settings["asg.target_requests"]) == ("requests", 3000.0)


def test_simple_scaling_is_the_nearest_hpa_and_a_fixed_group_has_none() -> None:
    simple = sandbox_design({"policy": "simple", "out_cpu": "70", "target": "50"})
    metric = manifests(simple)["HorizontalPodAutoscaler"]["spec"]["metrics"][0]
    assert metric["resource"]["target"]["averageUtilization"] == 70
    assert {"k8s_policy", "k8s_timers"} <= codes(simple)
    fixed = sandbox_design({"policy": "none", "desired": "4"})
    assert "HorizontalPodAutoscaler" not in manifests(fixed)
    assert manifests(fixed)["Deployment"]["spec"]["replicas"] == 4
    assert "k8s_fixed_group" in codes(fixed)
    scheduled = sandbox_design({"policy": "target", "schedule": "8@300", "min": "2"})
    assert "k8s_schedule" in codes(scheduled)


HAND_WRITTEN = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: shop-settings
data:
  LOG_LEVEL: info
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
spec:
  replicas: 3
  selector:
    matchLabels: {app: shop}
  template:
    metadata:
      labels: {app: shop}
    spec:
      nodeSelector:
        node.kubernetes.io/instance-type: m5.xlarge
      tolerations:
      - key: dedicated
        operator: Exists
      containers:
      - name: shop
        image: shop:1.4
        ports:
        - name: web
          containerPort: 8080
        readinessProbe:
          httpGet:
            path: /healthz
            port: web
          initialDelaySeconds: 10
          periodSeconds: 5
          failureThreshold: 2
        livenessProbe:
          tcpSocket:
            port: web
      - name: log-shipper
        image: fluent-bit:3
---
apiVersion: v1
kind: Service
metadata:
  name: shop
spec:
  type: ClusterIP
  selector: {app: shop}
  sessionAffinity: ClientIP
  ports:
  - port: 80
    targetPort: web
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: shop
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: shop}
  minReplicas: 3
  maxReplicas: 30
  metrics:
  - type: Resource
    resource:
      name: cpu
      target: {type: Utilization, averageUtilization: 65}
  - type: Resource
    resource:
      name: memory
      target: {type: Utilization, averageUtilization: 80}
  behavior:
    scaleDown:
      stabilizationWindowSeconds: 600
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
spec:
  defaultBackend:
    service: {name: shop, port: {number: 80}}
"""


def test_a_hand_written_set_reads_with_every_left_out_item_by_line() -> None:
    found = kubernetes.read("shop.yaml", HAND_WRITTEN)
    assert found.settings == {
        "asg.desired": 3, "web.size": "m5.xlarge", "health.kind": "L7", "health.path": "/healthz",
        "health.interval_s": 5.0, "health.timeout_s": 1.0, "health.healthy_threshold": 1,
        "health.unhealthy_threshold": 2, "lb.target_port": 8080, "lb.sticky": True, "asg.policy": "hpa",
        "asg.min_size": 3, "asg.max_size": 30, "asg.metric": "cpu", "asg.target_cpu": 65.0}
    assert str(found.origin["health.path"]) == "shop.yaml:33"
    assert str(found.origin["health.interval_s"]) == "shop.yaml:36"
    assert str(found.origin["lb.target_port"]) == "shop.yaml:54"  # "web", the container's 8080
    assert str(found.origin["asg.target_cpu"]) == "shop.yaml:68"
    skipped = [(str(s.where), s.reason) for s in found.skipped]
    assert skipped == [
        ("shop.yaml:2", "k8s_kind"),          # the ConfigMap
        ("shop.yaml:22", "not_modelled"),     # tolerations
        ("shop.yaml:35", "k8s_delay"),        # initialDelaySeconds
        ("shop.yaml:41", "k8s_container"),    # the log shipper
        ("shop.yaml:69", "k8s_metric"),       # the memory metric
        ("shop.yaml:74", "k8s_behavior"),     # a 600 s scale-down window
        ("shop.yaml:78", "k8s_kind"),         # the Ingress
    ]
    for s in found.skipped:
        assert texts.SKIPPED[s.reason].format(**s.params)


@pytest.mark.parametrize(("text", "line"), [
    ("apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n   bad: indent\n", 5),
    ("apiVersion: v1\nkind: Service\nspec:\n  ports: [80\n", 5),
    ("apiVersion: v1\nkind: Service\n---\n- a list\n", 4),
])
def test_malformed_yaml_is_one_line_naming_the_file_and_line(text: str, line: int) -> None:
    assert kubernetes.claims("bad.yaml", text)
    with pytest.raises(ConfigError) as e:
        kubernetes.read("bad.yaml", text)
    assert e.value.where.line == line
    assert str(e.value).startswith(f"bad.yaml:{line}: ") and "\n" not in str(e.value)


def test_a_bad_number_is_one_line_too() -> None:
    text = HAND_WRITTEN.replace("maxReplicas: 30", "maxReplicas: lots")
    with pytest.raises(ConfigError, match=r"^shop\.yaml:63: spec\.maxReplicas = lots"):
        kubernetes.read("shop.yaml", text)


def test_a_probe_field_left_at_zero_reads_as_the_api_servers_default() -> None:
    """The API server defaults a probe's 0 as it defaults a missing field (SetDefaults_Probe):
    period 10 s, timeout 1 s, success 1, failure 3."""
    text = HAND_WRITTEN.replace("          periodSeconds: 5\n", "          periodSeconds: 5\n"
                                "          timeoutSeconds: 4\n          successThreshold: 2\n")
    for field in ("periodSeconds", "timeoutSeconds", "successThreshold", "failureThreshold"):
        text, n = re.subn(rf"(\n          {field}: )\d+", r"\g<1>0", text)
        assert n == 1, field  # each of the readiness probe's four fields, and only those, is 0
    found = kubernetes.read("shop.yaml", text).settings
    assert (found["health.interval_s"], found["health.timeout_s"], found["health.healthy_threshold"],
            found["health.unhealthy_threshold"]) == (10.0, 1.0, 1, 3)


def test_nested_aliases_are_walked_once_not_once_per_path() -> None:
    """Seven levels of ten aliases name 10⁷ paths to the same few nodes ("billion laughs"); the
    reader records where each node's keys are once, so the file reads at once, as it is."""
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 7)]
    text = "\n".join(["apiVersion: apps/v1", "kind: Deployment", "metadata: {name: web}", *levels,
                      "spec:", "  replicas: 2", "  bomb: *a6", ""])
    lines = Lines("bomb.yaml", yaml.compose(text))
    assert len(lines._line) < 100
    assert kubernetes.read("bomb.yaml", text).settings["web.count"] == 2


def test_claims_only_manifests() -> None:
    assert kubernetes.claims("a.yml", HAND_WRITTEN)
    assert not kubernetes.claims("a.conf", HAND_WRITTEN)
    assert not kubernetes.claims("a.yaml", "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n")
    assert not kubernetes.claims("a.yaml", "just: a mapping\n")


def test_comments_in_korean_still_validate() -> None:
    design = sandbox_design({"policy": "hpa"})
    saved = texts.K8S_HEADER
    try:
        i18n.activate("ko")
        # the catalogs may not have these sentences yet: make sure Hangul is in the comments
        texts.K8S_HEADER = "{level}의 웹 계층 ({check})"
        text = kubernetes.write(design).files[kubernetes.FILE]
    finally:
        texts.K8S_HEADER = saved
        i18n.activate("en")
    assert saved == texts.K8S_HEADER
    assert "웹 계층" in text
    for doc in yaml.safe_load_all(text):
        kubernetes_validate.validate(doc, kubernetes.VERSION, strict=True)
    found = kubernetes.read(kubernetes.FILE, text)
    assert found.settings["asg.policy"] == "hpa"


def test_scaleout_import_finds_the_format_by_itself(tmp_path: Path) -> None:
    design = sandbox_design({"policy": "hpa", "target": "70"})
    written = write_export(design, "kubernetes", tmp_path)
    assert [p.name for p in written] == [kubernetes.FILE, "README.md"]
    found = read_files([tmp_path / kubernetes.FILE])
    assert (found.settings["asg.policy"], found.settings["asg.target_cpu"]) == ("hpa", 70.0)
    broken = tmp_path / "broken.yml"
    broken.write_text("apiVersion: v1\nkind: Service\nspec: [\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"broken\.yml:4: "):
        read_files([broken])


def test_what_kubectl_get_prints_reads_as_the_manifests_do() -> None:
    """``kubectl get deploy,svc,hpa -o yaml`` prints one ``List`` with the objects as its items,
    with their status and the fields the API server filled in."""
    written = kubernetes.write(sandbox_design({"policy": "hpa"})).files[kubernetes.FILE]
    docs = list(yaml.safe_load_all(written))
    for doc in docs:
        doc["status"] = {"observedGeneration": 1}
    text = yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": docs}, sort_keys=False)
    found = kubernetes.read("cluster.yaml", text)
    assert found.settings == kubernetes.read(kubernetes.FILE, written).settings
    assert found.skipped == []
    line = text.splitlines().index("    name: web-99-sandbox") + 1  # the Deployment's name, in items[0]
    assert str(found.origin["asg.desired"]) == f"cluster.yaml:{line + 4}"
