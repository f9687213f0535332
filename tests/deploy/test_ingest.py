"""Level 9's device-ingest tier in every format: HAProxy writes the TCP balancer nodes' own
haproxy-ingest.cfg and, for the pair, one keepalived.conf a node; nginx a stream block in
nginx-ingest.conf; Kubernetes the comm servers' Deployment and a LoadBalancer Service in
ingest.yaml; CloudFormation a Network Load Balancer and the comm servers' group. The files pass the
real checkers, carry the design's values (and move with the knobs), read back; what no file can
say is a README note; a design without the tier writes none of it. (Each format's own tests run
09-ingest with every other design: haproxy -c, nginx -t, kubernetes-validate, cfn-lint.)"""

from __future__ import annotations

import dataclasses
import math
import re
import subprocess
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from cfn_tools import load_yaml

from scaleout_tui.content.loader import load_level
from scaleout_tui.content.paths import find_level
from scaleout_tui.deploy import cachetier, cloudformation, haproxy, ingesttier, kubernetes, nginx, texts
from scaleout_tui.deploy.design import Design, Imported, design_of
from scaleout_tui.deploy.formats import FORMATS, export, read_files, write_export
from scaleout_tui.deploy.policy import policy_text
from tests.deploy.conftest import checker, every_design, reference_design
from tests.deploy.test_roundtrip import SANDBOX, read_back

LEVEL = load_level(find_level("09-ingest"))
#: three comm servers, max age 120 s, exponential backoff from 1 s with full jitter; round robin,
#: the standby on, a TCP check every second
REFERENCE = reference_design("09-ingest")
#: knob sets that move every setting a file holds
MOVED = {"comm_count": "4", "max_age": "off", "algorithm": "least_conn", "backoff": "fixed",
         "jitter": "equal", "base": "5", "standby": "off", "check_interval": "5"}
KNOB_SETS = [{}, MOVED, {"algorithm": "least_conn", "check_interval": "2", "max_age": "300"}]
KNOB_IDS = ["defaults", "moved", "least-conn-2s"]


def level9(**knobs: str) -> Design:
    return design_of(LEVEL, knobs)


def files(design: Design, fmt: str) -> dict[str, str]:
    return dict(FORMATS[fmt].write(design).files)


def codes(fmt: str, design: Design) -> dict[str, dict[str, Any]]:
    return {n.code: dict(n.params) for n in FORMATS[fmt].write(design).notes}


def lines(text: str) -> list[str]:
    """A file's lines without comments and blank lines, stripped."""
    return [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]


def section(text: str, head: str) -> list[str]:
    """The lines of an HAProxy section (up to the next line at column 0)."""
    block = text.split(f"\n{head}\n", 1)[1]
    return lines(re.split(r"\n(?=\S)", block, maxsplit=1)[0])


# ---- checkers ----------------------------------------------------------------------------------------
def nginx_command() -> list[str]:
    """``nginx -t`` with the stream module: built in, or (Debian) loaded by ``-g``, as the file's
    comment says."""
    nginx_bin = checker("nginx")
    version = subprocess.run([nginx_bin, "-V"], capture_output=True, text=True, timeout=30).stderr
    if "--with-stream=dynamic" not in version:
        return [nginx_bin]
    if not Path(nginx.STREAM_MODULE).is_file():
        checker("ngx_stream_module.so (libnginx-mod-stream)")  # skips here, fails in CI
    return [nginx_bin, "-g", f"load_module {nginx.STREAM_MODULE};"]


def nginx_t(folder: Path) -> subprocess.CompletedProcess[str]:
    path = folder / nginx.INGEST_FILE
    command = [*nginx_command(), "-t", "-p", f"{folder}/", "-c", str(path), "-e", "stderr"]
    return subprocess.run(command, capture_output=True, text=True, timeout=30)


def haproxy_c(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([checker("haproxy"), "-c", "-f", str(path)], capture_output=True, text=True,
                          timeout=30)


def keepalived_t(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([checker("keepalived"), "-t", "-f", str(path)], capture_output=True, text=True,
                          timeout=30)


@pytest.mark.parametrize("knobs", KNOB_SETS, ids=KNOB_IDS)
def test_haproxy_and_keepalived_accept_the_ingest_files(knobs: dict[str, str], tmp_path: Path) -> None:
    write_export(level9(**knobs), "haproxy", tmp_path)
    done = haproxy_c(tmp_path / haproxy.INGEST_FILE)
    assert done.returncode == 0 and "[WARNING]" not in done.stdout + done.stderr, done.stdout + done.stderr
    pair = sorted(tmp_path.glob("keepalived-*.conf"))
    assert len(pair) == (0 if knobs.get("standby") == "off" else 2)
    for path in pair:
        done = keepalived_t(path)
        assert done.returncode == 0, f"{path.name}: {done.stdout}{done.stderr}"


def test_keepalived_refuses_a_broken_file(tmp_path: Path) -> None:
    """The check is real: a value keepalived cannot read fails it."""
    write_export(REFERENCE, "haproxy", tmp_path)
    path = tmp_path / "keepalived-tcp-lb-1.conf"
    path.write_text(path.read_text().replace("advert_int 1", "advert_int often"))
    assert keepalived_t(path).returncode != 0


@pytest.mark.parametrize("knobs", KNOB_SETS, ids=KNOB_IDS)
def test_nginx_accepts_the_stream_file(knobs: dict[str, str], tmp_path: Path) -> None:
    write_export(level9(**knobs), "nginx", tmp_path)
    done = nginx_t(tmp_path)
    assert done.returncode == 0, f"{done.stderr}\n{(tmp_path / nginx.INGEST_FILE).read_text()}"


@pytest.mark.parametrize("knobs", KNOB_SETS, ids=KNOB_IDS)
def test_the_ingest_manifests_pass_the_strict_schemas(knobs: dict[str, str]) -> None:
    text = files(level9(**knobs), "kubernetes")[kubernetes.INGEST_FILE]
    for doc in yaml.safe_load_all(text):
        kubernetes_validate.validate(doc, kubernetes.VERSION, strict=True)


# ---- what the files say ------------------------------------------------------------------------------
def test_haproxy_writes_a_tcp_frontend_and_backend_with_tls_passed_through() -> None:
    out = files(REFERENCE, "haproxy")
    assert set(out) == {haproxy.FILE, haproxy.INGEST_FILE, "keepalived-tcp-lb-1.conf",
                        "keepalived-tcp-lb-2.conf"}
    cfg = out[haproxy.INGEST_FILE]
    assert section(cfg, "defaults") == ["mode tcp", "option tcpka", "timeout connect 5s", "timeout client 1m",
                                        "timeout server 1m"]
    assert section(cfg, "frontend devices") == ["bind :8883", "default_backend comm"]  # no ssl: passthrough
    assert section(cfg, "backend comm") == [
        "balance roundrobin", "timeout check 1s", "default-server inter 1s rise 2 fall 3",
        "server comm-1 10.0.9.1:8883 check", "server comm-2 10.0.9.2:8883 check",
        "server comm-3 10.0.9.3:8883 check"]
    # the web balancer's file is the web tier's alone
    assert "comm" not in out[haproxy.FILE] and "mode tcp" not in out[haproxy.FILE]


def test_the_keepalived_pair_is_master_101_and_backup_100() -> None:
    out = files(REFERENCE, "haproxy")
    for node, state, priority in (("tcp-lb-1", "MASTER", 101), ("tcp-lb-2", "BACKUP", 100)):
        conf = lines(out[f"keepalived-{node}.conf"])
        assert f"state {state}" in conf and f"priority {priority}" in conf
        assert "advert_int 1" in conf and "virtual_router_id 51" in conf
        assert "vrrp_track_process chk_haproxy {" in conf and "process haproxy" in conf
        assert "weight 0" in conf and "track_process {" in conf  # weight 0: FAULT, the address given up
        assert "nopreempt" not in conf and not [line for line in conf if line.startswith("script")]
    notes = codes("haproxy", REFERENCE)
    assert notes["ingest_keepalived"]["files"] == "keepalived-tcp-lb-1.conf, keepalived-tcp-lb-2.conf"


def test_nginx_writes_a_stream_upstream_with_passive_checks() -> None:
    out = files(REFERENCE, "nginx")
    assert set(out) == {nginx.FILE, nginx.INGEST_FILE}
    conf = lines(out[nginx.INGEST_FILE])
    assert "stream {" in conf and "upstream comm {" in conf
    assert [line for line in conf if line.startswith("server 10.")] == [
        f"server 10.0.9.{i}:8883 max_fails=3 fail_timeout=3s;  # comm-{i}" for i in (1, 2, 3)]
    assert "least_conn;" not in conf  # round robin: nginx's default
    assert {"listen 8883;", "proxy_pass comm;", "proxy_connect_timeout 1s;", "proxy_timeout 1m;"} <= set(conf)
    assert not [line for line in conf if line.startswith("listen") and "ssl" in line]
    assert "stream {" not in out[nginx.FILE]
    notes = codes("nginx", REFERENCE)
    assert notes["ingest_nginx_plus"] == {"interval": "1", "rise": 2, "fall": 3}
    assert notes["ingest_pair"]["file"] == nginx.INGEST_FILE


def test_kubernetes_writes_the_comm_servers_and_a_tcp_load_balancer() -> None:
    docs = {d["kind"]: d for d in yaml.safe_load_all(files(REFERENCE, "kubernetes")[kubernetes.INGEST_FILE])}
    spec = docs["Deployment"]["spec"]
    assert spec["replicas"] == 3
    pod = spec["template"]["spec"]
    assert pod["nodeSelector"] == {"node.kubernetes.io/instance-type": "m5.large"}
    comm = pod["containers"][0]
    assert comm["resources"] == {"requests": {"cpu": "2"}}  # an m5.large's vCPUs, as the web pods
    assert comm["ports"] == [{"name": "devices", "containerPort": 8883, "protocol": "TCP"}]
    probe = {"tcpSocket": {"port": 8883}, "periodSeconds": 1, "timeoutSeconds": 1}
    assert comm["readinessProbe"] == {**probe, "successThreshold": 2, "failureThreshold": 3}
    assert comm["livenessProbe"] == {**probe, "successThreshold": 1, "failureThreshold": 3}
    assert {e["name"]: e["value"] for e in comm["env"]} == {
        "INGEST_MAX_CONNECTION_AGE_SECONDS": "120", "INGEST_TLS": "true",
        "INGEST_RECONNECT_BACKOFF": "exponential", "INGEST_RECONNECT_JITTER": "full",
        "INGEST_RECONNECT_BASE_SECONDS": "1", "INGEST_RECONNECT_CAP_SECONDS": "120"}
    service = docs["Service"]["spec"]
    assert service["type"] == "LoadBalancer" and service["selector"] == {"app": "comm-09-ingest"}
    assert service["ports"] == [{"name": "devices", "protocol": "TCP", "port": 8883, "targetPort": 8883}]
    assert {"k8s_ingest", "k8s_ingest_probes", "k8s_ingest_env"} <= set(codes("kubernetes", REFERENCE))
    assert "k8s_ingest_algorithm" not in codes("kubernetes", REFERENCE)


def cfn(design: Design) -> dict[str, Any]:
    return load_yaml(files(design, "aws-cloudformation")[cloudformation.FILE])


def test_cloudformation_writes_a_network_load_balancer_and_the_comm_group() -> None:
    res = cfn(REFERENCE)["Resources"]
    assert res["IngestLoadBalancer"]["Properties"]["Type"] == "network"
    listener = res["IngestListener"]["Properties"]
    assert (listener["Protocol"], listener["Port"]) == ("TCP", 8883)
    group = res["IngestTargetGroup"]["Properties"]
    keys = ("Protocol", "Port", "HealthCheckProtocol", "HealthCheckIntervalSeconds", "HealthyThresholdCount",
            "UnhealthyThresholdCount")
    # the 1 s check is the NLB's minimum, 5 s (noted); rise 2 and fall 3 are within 2-10
    assert {k: group[k] for k in keys} == {
        "Protocol": "TCP", "Port": 8883, "HealthCheckProtocol": "TCP", "HealthCheckIntervalSeconds": 5,
        "HealthyThresholdCount": 2, "UnhealthyThresholdCount": 3}
    comm = res["CommGroup"]["Properties"]
    assert (comm["MinSize"], comm["MaxSize"], comm["DesiredCapacity"]) == ("3", "3", "3")
    assert comm["TargetGroupARNs"] == [{"Ref": "IngestTargetGroup"}] and comm["HealthCheckType"] == "ELB"
    data = res["CommLaunchTemplate"]["Properties"]["LaunchTemplateData"]
    assert data["InstanceType"] == "m5.large"
    script = data["UserData"]["Fn::Base64"]
    assert "INGEST_MAX_CONNECTION_AGE_SECONDS=120\n" in script and "INGEST_RECONNECT_JITTER=full\n" in script
    assert res["CommSecurityGroup"]["Properties"]["SecurityGroupIngress"] == [
        {"IpProtocol": "tcp", "FromPort": 8883, "ToPort": 8883,
         "SourceSecurityGroupId": {"Ref": "IngestBalancerSecurityGroup"}}]
    notes = codes("aws-cloudformation", REFERENCE)
    assert notes["cfn_clamped"] == {"param": "ingest.check_interval_s", "lo": 5, "hi": 300, "value": "1",
                                    "written": 5}
    assert notes["cfn_ingest_idle"] == {"idle": 350, "period": "10"}
    assert "cfn_ingest_pair" in notes and "cfn_ingest_algorithm" not in notes
    # the web tier's balancer is still its own
    assert res["LoadBalancer"]["Properties"]["Type"] == "application"
    assert isinstance(script, str)  # a plain string: nothing to substitute


def test_the_files_move_with_the_knobs() -> None:
    moved = level9(**MOVED)
    out = files(moved, "haproxy")
    assert set(out) == {haproxy.FILE, haproxy.INGEST_FILE}  # no standby: no keepalived
    backend = section(out[haproxy.INGEST_FILE], "backend comm")
    assert backend[0] == "balance leastconn" and "default-server inter 5s rise 2 fall 3" in backend
    assert len([b for b in backend if b.startswith("server comm-")]) == 4
    conf = lines(files(moved, "nginx")[nginx.INGEST_FILE])
    assert "least_conn;" in conf and "server 10.0.9.4:8883 max_fails=3 fail_timeout=15s;  # comm-4" in conf
    docs = {d["kind"]: d for d in yaml.safe_load_all(files(moved, "kubernetes")[kubernetes.INGEST_FILE])}
    comm = docs["Deployment"]["spec"]["template"]["spec"]["containers"][0]
    assert docs["Deployment"]["spec"]["replicas"] == 4 and comm["readinessProbe"]["periodSeconds"] == 5
    env = {e["name"]: e["value"] for e in comm["env"]}
    assert env["INGEST_MAX_CONNECTION_AGE_SECONDS"] == "0" and env["INGEST_RECONNECT_JITTER"] == "equal"
    assert env["INGEST_RECONNECT_BASE_SECONDS"] == "5" and env["INGEST_RECONNECT_BACKOFF"] == "fixed"
    res = cfn(moved)["Resources"]
    assert res["CommGroup"]["Properties"]["DesiredCapacity"] == "4"
    assert res["IngestTargetGroup"]["Properties"]["HealthCheckIntervalSeconds"] == 5
    for fmt, code in (("haproxy", "ingest_single"), ("nginx", "ingest_single"),
                      ("aws-cloudformation", "ingest_single"), ("kubernetes", "k8s_ingest_algorithm"),
                      ("aws-cloudformation", "cfn_ingest_algorithm")):
        assert code in codes(fmt, moved), (fmt, code)
    assert "cfn_clamped" not in codes("aws-cloudformation", moved)  # 5 s is within the NLB's range
    assert "ingest_age" not in codes("haproxy", moved)  # connections never retire: nothing to say


def test_plain_mqtt_without_tls_listens_on_1883() -> None:
    spec = REFERENCE.config.ingest
    assert spec is not None
    plain = dataclasses.replace(REFERENCE, config=dataclasses.replace(
        REFERENCE.config, ingest=dataclasses.replace(spec, comm=dataclasses.replace(spec.comm, tls=False))))
    assert "bind :1883" in files(plain, "haproxy")[haproxy.INGEST_FILE]
    assert "listen 1883;" in files(plain, "nginx")[nginx.INGEST_FILE]
    assert codes("haproxy", plain)["ingest_port"] == {"port": 1883}


def test_the_readme_says_what_no_proxy_file_holds() -> None:
    readme = export(REFERENCE, "haproxy").files["README.md"]
    assert "120 s (±10 %)" in readme  # the maximum age: the comm servers' own policy
    assert "exponential backoff from 1 s up to 120 s, jitter full" in readme
    assert "haproxy-ingest.cfg" in readme and "keepalived-tcp-lb-2.conf" in readme


# ---- reading back --------------------------------------------------------------------------------------
INGEST_CARRIED = {
    "haproxy": ingesttier.BALANCER_SETTINGS, "nginx": ingesttier.BALANCER_SETTINGS,
    "kubernetes": ingesttier.APP_SETTINGS | {"ingest.comm_count"},
    "aws-cloudformation": ingesttier.APP_SETTINGS | {"ingest.comm_count"},
}


@pytest.mark.parametrize("knobs", KNOB_SETS, ids=KNOB_IDS)
@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_the_ingest_settings_come_back(fmt: str, knobs: dict[str, str]) -> None:
    design = level9(**knobs)
    carried = {p: v for p, v in design.settings.items()
               if p in FORMATS[fmt].carries and p.startswith("ingest.")}
    assert set(carried) == INGEST_CARRIED[fmt]
    found = read_back(fmt, design)
    assert {p: found.settings.get(p) for p in carried} == carried
    assert found.skipped == []
    if fmt == "haproxy":  # the pair's keepalived files say the standby
        assert found.settings.get("ingest.standby") is (True if knobs.get("standby") != "off" else None)
    if fmt == "aws-cloudformation":  # the NLB's interval: 1 s was written as 5
        interval = design.settings["ingest.check_interval_s"]
        assert found.settings["ingest.check_interval_s"] == max(5.0, float(str(interval)))


def test_scaleout_import_reads_a_whole_haproxy_folder(tmp_path: Path) -> None:
    """keepalived.conf is HAProxy's (not nginx's, though it ends in .conf), and the folder reads
    as the web tier and the ingest tier apart."""
    paths = [p for p in write_export(REFERENCE, "haproxy", tmp_path) if p.name != "README.md"]
    assert not nginx.claims("keepalived-tcp-lb-1.conf", (tmp_path / "keepalived-tcp-lb-1.conf").read_text())
    found = read_files(paths)
    assert found.settings["web.count"] == 2 and found.settings["ingest.comm_count"] == 3
    assert found.settings["ingest.standby"] is True and found.skipped == []


def test_a_hand_written_haproxy_ingest_reads_with_what_the_game_does_not_model_by_line() -> None:
    text = "\n".join([
        "defaults", "    mode tcp", "    timeout client 1h",
        "frontend mqtt", "    bind :8883", "    default_backend comm",
        "backend comm", "    balance source", "    server comm-1 10.1.0.1:8883 check inter 2s rise 3 fall 3",
        "    server comm-2 10.1.0.2:8883 check inter 2s rise 3 fall 3", ""])
    found = haproxy.read("lb.cfg", text)
    assert found.settings == {"ingest.comm_count": 2, "ingest.check_interval_s": 2.0}
    assert [(s.where.line, s.reason) for s in found.skipped] == [(8, "ingest_balance"),
                                                                (9, "ingest_threshold")]
    keepalived = "vrrp_instance VI_1 {\n    state MASTER\n    advert_int 2\n    nopreempt\n}\n"
    assert haproxy.claims("keepalived.conf", keepalived) and not nginx.claims("keepalived.conf", keepalived)
    found = haproxy.read("keepalived.conf", keepalived)
    assert found.settings == {"ingest.standby": True}
    assert [(s.where.line, s.directive) for s in found.skipped] == [(3, "advert_int 2"), (4, "nopreempt")]


def test_a_hand_written_nginx_stream_reads_with_what_the_game_does_not_model_by_line() -> None:
    text = "\n".join([
        "stream {", "    upstream devices {", "        hash $remote_addr consistent;",
        "        server 10.1.0.1:8883 max_fails=2 fail_timeout=4s;", "        server 10.1.0.2:8883 backup;",
        "    }", "    server {", "        listen 8883;", "        proxy_pass devices;",
        "        proxy_protocol on;", "    }", "}", ""])
    found = nginx.read("stream.conf", text)
    assert found.settings == {"ingest.comm_count": 1, "ingest.check_interval_s": 2.0}
    assert [(s.where.line, s.reason) for s in found.skipped] == [
        (3, "ingest_balance"), (4, "ingest_threshold"), (5, "backup"), (10, "not_modelled")]


def test_a_hand_written_comm_deployment_reports_a_value_it_cannot_read() -> None:
    text = files(REFERENCE, "kubernetes")[kubernetes.INGEST_FILE].replace(
        "value: full", "value: sometimes").replace("successThreshold: 2", "successThreshold: 1")
    found = kubernetes.read(kubernetes.INGEST_FILE, text)
    assert "ingest.jitter" not in found.settings and found.settings["ingest.comm_count"] == 3
    assert {s.reason for s in found.skipped} == {"ingest_value", "ingest_threshold"}
    line = next(s.where.line for s in found.skipped if s.reason == "ingest_value")
    assert "INGEST_RECONNECT_JITTER" in text.splitlines()[line - 1]


def test_the_sandbox_policy_lists_the_ingest_settings_it_cannot_play() -> None:
    found = read_back("kubernetes", REFERENCE)
    text, adjusted = policy_text(found, SANDBOX, ["ingest.yaml"])
    left_out = {a.param for a in adjusted if a.reason == "no_knob"}
    assert INGEST_CARRIED["kubernetes"] <= left_out
    assert "ingest.comm_count" in text


# ---- designs without the tier, and Korean --------------------------------------------------------------
@pytest.mark.parametrize(("name", "design"),
                         [(n, d) for n, d in every_design() if d.config.ingest is None])
def test_a_design_without_an_ingest_tier_writes_none_of_it(name: str, design: Design) -> None:
    assert files(design, "haproxy").keys() == {haproxy.FILE}
    assert files(design, "nginx").keys() == {nginx.FILE}
    assert files(design, "kubernetes").keys() == {kubernetes.FILE}
    assert "Ingest" not in files(design, "aws-cloudformation")[cloudformation.FILE]
    assert "Comm" not in files(design, "aws-cloudformation")[cloudformation.FILE]
    for fmt in FORMATS:
        assert not [c for c in codes(fmt, design) if "ingest" in c], fmt
        assert not [p for p in read_back(fmt, design).settings if p.startswith("ingest.")], fmt


def test_korean_comments_keep_the_ingest_files_valid(korean: None, tmp_path: Path) -> None:
    assert texts.INGEST_IDLE != "Devices send a reading every {period} s"  # the catalog has it
    write_export(REFERENCE, "haproxy", tmp_path / "haproxy")
    write_export(REFERENCE, "nginx", tmp_path / "nginx")
    cfg = (tmp_path / "haproxy" / haproxy.INGEST_FILE).read_text(encoding="utf-8")
    assert re.search(r"[\uac00-\ud7a3]", cfg)
    assert haproxy_c(tmp_path / "haproxy" / haproxy.INGEST_FILE).returncode == 0
    assert keepalived_t(tmp_path / "haproxy" / "keepalived-tcp-lb-1.conf").returncode == 0
    assert nginx_t(tmp_path / "nginx").returncode == 0
    for doc in yaml.safe_load_all(files(REFERENCE, "kubernetes")[kubernetes.INGEST_FILE]):
        kubernetes_validate.validate(doc, kubernetes.VERSION, strict=True)
    found = Imported()
    for fmt in ("haproxy", "nginx"):
        found.merge(read_back(fmt, REFERENCE))
    assert found.skipped == [] and found.settings["ingest.comm_count"] == 3


def test_an_infinite_age_is_zero_in_the_variables_and_reads_back_as_off() -> None:
    spec = level9(max_age="off").config.ingest
    assert spec is not None
    assert dict(ingesttier.app_env(spec))["INGEST_MAX_CONNECTION_AGE_SECONDS"] == "0"
    assert ingesttier.read_value("ingest.max_age_s", "0") == math.inf
    assert ingesttier.read_value("ingest.max_age_s", "-1") is None
    assert ingesttier.read_value("ingest.tls", "maybe") is None


@pytest.mark.parametrize(("word", "value"), [("true", True), ("Yes", True), ("on", True), ("1", True),
                                             ("false", False), ("NO", False), ("off", False), ("0", False),
                                             (" yes ", True), ("maybe", None), ("", None)])
def test_the_device_tier_and_the_cache_read_a_switch_the_same_way(word: str, value: bool | None) -> None:
    assert ingesttier.read_value("ingest.tls", word) is value
    assert cachetier.read_value("cache.single_flight", word) is value
