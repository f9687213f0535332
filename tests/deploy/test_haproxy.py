"""HAProxy: every design's haproxy.cfg passes ``haproxy -c`` as written, reads back to the
settings the format carries, says each setting with HAProxy's own keyword, and a hand-written
configuration reads with every keyword the game cannot model listed by file and line."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scaleout_tui.deploy import haproxy, nginx, texts
from scaleout_tui.deploy.design import ConfigError, Design, Where
from scaleout_tui.deploy.formats import format_of, write_export
from tests.deploy.conftest import checker, every_design, sandbox_design
from tests.deploy.test_roundtrip import read_back

DESIGNS = every_design()
IDS = [name for name, _ in DESIGNS]


def haproxy_c(folder: Path) -> subprocess.CompletedProcess[str]:
    command = [checker("haproxy"), "-c", "-f", str(folder / haproxy.FILE)]
    return subprocess.run(command, capture_output=True, text=True, timeout=30)


def cfg(design: Design) -> str:
    return haproxy.write(design).files[haproxy.FILE]


def backend_lines(text: str) -> list[str]:
    """The written backend's keywords, without comments."""
    block = text.split(f"\nbackend {haproxy.BACKEND}\n", 1)[1]
    return [line.strip() for line in block.splitlines() if line.strip() and not line.strip().startswith("#")]


# ---- the real tool -----------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "design"), DESIGNS, ids=IDS)
def test_haproxy_accepts_every_design(name: str, design: Design, tmp_path: Path) -> None:
    write_export(design, "haproxy", tmp_path)
    done = haproxy_c(tmp_path)
    text = (tmp_path / haproxy.FILE).read_text()
    assert done.returncode == 0, f"{name}:\n{done.stdout}\n{done.stderr}\n{text}"
    assert "[WARNING]" not in done.stdout + done.stderr, f"{name}:\n{done.stdout}\n{done.stderr}"


def test_haproxy_refuses_a_broken_file(tmp_path: Path) -> None:
    """The check is real: a balance algorithm HAProxy does not know fails it."""
    text = cfg(sandbox_design({})).replace("balance roundrobin", "balance fastest")
    (tmp_path / haproxy.FILE).write_text(text, encoding="utf-8")
    done = haproxy_c(tmp_path)
    assert done.returncode != 0
    assert "balance only supports" in done.stdout + done.stderr


def test_korean_comments_do_not_break_haproxy(
    korean: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the lead translates the catalog later: a Korean head line stands in for it here
    monkeypatch.setattr(
        texts, "PROXY_HEAD", "{level} 레벨의 밸런서, scaleout이 {format} 설정으로 썼습니다. # 주석"
    )
    write_export(sandbox_design({"sticky": "on"}), "haproxy", tmp_path)
    text = (tmp_path / haproxy.FILE).read_text(encoding="utf-8")
    assert "밸런서" in text
    done = haproxy_c(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert haproxy.read(haproxy.FILE, text).settings["lb.sticky"] is True


# ---- the round trip ----------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "design"), DESIGNS, ids=IDS)
def test_what_haproxy_carries_comes_back_exactly(name: str, design: Design) -> None:
    found = read_back("haproxy", design)  # haproxy.cfg, and level 9's ingest and keepalived files
    expected = {p: v for p, v in design.settings.items() if p in haproxy.CARRIES}
    assert {p: found.settings.get(p) for p in expected} == expected
    assert found.skipped == []  # a written file has nothing the reader cannot model


@pytest.mark.parametrize("algorithm", ["round_robin", "least_conn", "random", "ip_hash"])
def test_the_algorithms_haproxy_names_come_back(algorithm: str) -> None:
    found = haproxy.read(haproxy.FILE, cfg(sandbox_design({"algorithm": algorithm})))
    assert found.settings["lb.algorithm"] == algorithm


def test_an_l7_checks_path_comes_back() -> None:
    for path in ("/", "/health"):
        found = haproxy.read(haproxy.FILE, cfg(sandbox_design({"check": "L7", "check_path": path})))
        assert found.settings["health.path"] == path


# ---- keywords ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("algorithm", "line"),
    [
        ("round_robin", "balance roundrobin"),
        ("least_conn", "balance leastconn"),
        ("random", "balance random(1)"),
        ("ip_hash", "balance source"),
        ("dns", "balance roundrobin"),
    ],
)
def test_an_algorithm_is_its_balance_line(algorithm: str, line: str) -> None:
    assert backend_lines(cfg(sandbox_design({"algorithm": algorithm})))[0] == line


def test_least_outstanding_requests_is_leastconn_and_noted() -> None:
    design = sandbox_design({})
    assert design.config.balancer is not None
    design = replace(
        design,
        config=replace(
            design.config, balancer=replace(design.config.balancer, algorithm="least_outstanding_requests")
        ),
    )
    out = haproxy.write(design)
    assert backend_lines(out.files[haproxy.FILE])[0] == "balance leastconn"
    assert "proxy_nearest" in {n.code for n in out.notes}


def test_an_l7_check_is_httpchk_with_inter_rise_fall_on_every_server() -> None:
    text = cfg(
        sandbox_design(
            {
                "desired": "4",
                "check": "L7",
                "check_every": "5",
                "healthy": "2",
                "unhealthy": "3",
                "check_timeout": "2",
            }
        )
    )
    lines = backend_lines(text)
    assert "option httpchk" in lines and "http-check send meth GET uri /health" in lines
    assert "timeout check 2s" in lines and "default-server inter 5s rise 2 fall 3" in lines
    assert [line for line in lines if line.startswith("server ")] == [
        f"server web-{i} 10.0.1.{i}:8080 check" for i in range(1, 5)
    ]


def test_an_l4_check_is_plain_check_and_none_is_no_check() -> None:
    l4 = backend_lines(cfg(sandbox_design({"check": "L4"})))
    assert "option httpchk" not in l4 and all(
        line.endswith(" check") for line in l4 if line.startswith("server ")
    )
    none = backend_lines(cfg(sandbox_design({"check": "none"})))
    assert not any("check" in line.split() for line in none if line.startswith("server "))
    assert "default-server inter 10s rise 3 fall 2" in none  # kept for when a check is added


def test_stickiness_is_an_inserted_cookie_naming_each_server() -> None:
    lines = backend_lines(cfg(sandbox_design({"sticky": "on"})))
    assert "cookie SERVERID insert indirect nocache maxidle 1d" in lines
    assert "server web-1 10.0.1.1:8080 check cookie web-1" in lines
    assert not any(line.startswith("cookie") for line in backend_lines(cfg(sandbox_design({}))))


def test_the_groups_warm_up_is_slowstart() -> None:
    assert "default-server inter 10s rise 3 fall 2 slowstart 2m" in backend_lines(
        cfg(sandbox_design({"policy": "target", "warmup": "120"}))
    )
    assert "slowstart" not in cfg(sandbox_design({"warmup": "0"}))


def test_what_haproxy_cannot_say_is_noted() -> None:
    codes = {n.code for n in haproxy.write(dict(DESIGNS)["08-autoscaling"]).notes}
    assert {"proxy_pair", "proxy_group", "proxy_schedule", "haproxy_dereg"} <= codes
    codes = {n.code for n in haproxy.write(sandbox_design({"check": "L4", "algorithm": "dns"})).notes}
    assert {"haproxy_path", "proxy_dns", "proxy_other", "haproxy_fail_closed"} <= codes
    # every server down: HAProxy answers 503 where the game, as an ALB, fails open; no check, no such moment
    unchecked = haproxy.write(sandbox_design({"check": "none"}))
    assert "haproxy_fail_closed" not in {n.code for n in unchecked.notes}
    for _name, design in DESIGNS:
        for note in haproxy.write(design).notes:
            texts.NOTES[note.code].format(**note.params)  # every note has its sentence and fields


def test_haproxy_claims_its_files_and_not_nginxs() -> None:
    design = sandbox_design({})
    assert haproxy.claims(haproxy.FILE, cfg(design))
    assert format_of("lb.conf", cfg(design)) is haproxy.FORMAT  # .conf, but HAProxy's sections
    assert not haproxy.claims(nginx.FILE, nginx.write(design).files[nginx.FILE])
    assert not haproxy.claims("values.yaml", "defaults:\n  replicas: 2\nbackend: api\n")


# ---- reading -----------------------------------------------------------------------------------
SITE = """\
global
    log /dev/log local0
    maxconn 4096
    user haproxy
    daemon

defaults
    mode http
    log global
    option httplog
    timeout connect 5s
    timeout client 50s
    timeout server 50s
    default-server inter 3s fall 3 rise 2

userlist admins
    user admin insecure-password secret

frontend www
    bind :80
    acl is_api path_beg /api
    use_backend api if is_api
    default_backend app

backend api
    balance uri
    server api1 10.0.1.11:9000 check

backend app
    balance leastconn
    option httpchk GET /healthz
    timeout check 2000
    cookie SRV insert indirect nocache
    server app1 10.0.0.11:8080 check cookie a1 maxconn 100
    server app2 10.0.0.12:8080 check cookie a2
    server app3 10.0.0.13:8080 check cookie a3 slowstart 1m weight 20
    server spare 10.0.0.19:8080 check backup
    server old 10.0.0.20:8080 disabled
"""


def test_a_hand_written_site_reads_with_its_skipped_keywords() -> None:
    found = haproxy.read("haproxy.cfg", SITE)
    assert found.settings == {
        "lb.algorithm": "least_conn", "lb.sticky": True, "web.count": 3, "asg.desired": 3,
        "lb.target_port": 8080, "health.kind": "L7", "health.path": "/healthz", "health.interval_s": 3.0,
        "health.healthy_threshold": 2, "health.unhealthy_threshold": 3, "health.timeout_s": 2.0,
        "asg.warmup_s": 0.0,
    }  # fmt: skip
    assert str(found.origin["health.path"]) == "haproxy.cfg:31"
    assert str(found.origin["lb.target_port"]) == "haproxy.cfg:34"
    assert [(str(s.where), s.directive, s.reason, dict(s.params)) for s in found.skipped] == [
        ("haproxy.cfg:16", "userlist admins", "section", {}),
        ("haproxy.cfg:21", "acl is_api path_beg /api", "not_modelled", {}),
        ("haproxy.cfg:22", "use_backend api if is_api", "use_backend", {}),
        ("haproxy.cfg:25", "backend api", "other_backend", {"backend": "app"}),
        ("haproxy.cfg:34", "server app1 10.0.0.11:8080 maxconn 100", "not_modelled", {}),
        ("haproxy.cfg:34", "server app1 10.0.0.11:8080 check cookie a1 maxconn 100", "weights", {}),
        ("haproxy.cfg:36", "server app3 10.0.0.13:8080 check cookie a3 slowstart 1m weight 20", "differs",
         {"what": "slowstart"}),
        ("haproxy.cfg:37", "server spare 10.0.0.19:8080 backup", "backup", {}),
        ("haproxy.cfg:38", "server old 10.0.0.20:8080 disabled", "down", {}),
    ]  # fmt: skip
    for s in found.skipped:
        texts.SKIPPED[s.reason].format(**s.params)


def test_a_listen_section_and_the_defaults_when_nothing_is_said() -> None:
    found = haproxy.read("lb.cfg", "listen web\n    bind :80\n    server a 10.0.0.1:80 check\n")
    assert {p: found.settings[p] for p in ("lb.algorithm", "health.kind", "health.interval_s",
                                           "health.healthy_threshold", "health.unhealthy_threshold",
                                           "health.timeout_s", "lb.sticky", "web.count")} == {
        "lb.algorithm": "round_robin", "health.kind": "L4", "health.interval_s": 2.0,
        "health.healthy_threshold": 2, "health.unhealthy_threshold": 3, "health.timeout_s": 2.0,
        "lb.sticky": False, "web.count": 1,
    }  # fmt: skip
    plain_random = haproxy.read("r.cfg", "backend b\n    balance random\n    server a 10.0.0.1:80\n")
    assert plain_random.settings["lb.algorithm"] == "random"
    assert [(s.reason, dict(s.params)) for s in plain_random.skipped] == [("random_two", {"draws": "2"})]


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("2s", 2.0), ("2000ms", 2.0), ("2000", 2.0), ("1m", 60.0), ("1h", 3600.0), ("500", 0.5)],
)
def test_haproxy_times_read_in_their_units(value: str, seconds: float) -> None:
    found = haproxy.read("t.cfg", f"backend b\n    server a 10.0.0.1:80 check inter {value}\n")
    assert found.settings["health.interval_s"] == seconds


def test_http_check_send_and_default_server_apply_to_the_servers_after_them() -> None:
    text = """\
backend b
    option httpchk
    http-check send meth GET uri /status hdr Host example.com
    server a 10.0.0.1:80 check
    default-server rise 5 fall 1
    server b 10.0.0.2:80 check
"""
    found = haproxy.read("c.cfg", text)
    assert (found.settings["health.path"], found.settings["health.healthy_threshold"]) == ("/status", 2)
    assert [(str(s.where), s.reason) for s in found.skipped] == [
        ("c.cfg:3", "check_method"),
        ("c.cfg:6", "differs"),
        ("c.cfg:6", "differs"),
    ]


def test_words_split_as_haproxy_splits_them() -> None:
    where = Where("w.cfg", 1)
    assert haproxy.words_of('  http-check send uri "/a b" # comment', where) == [
        "http-check",
        "send",
        "uri",
        "/a b",
    ]
    assert haproxy.words_of(r"  acl x path_beg /a\ b '#x' \#y", where) == [
        "acl",
        "x",
        "path_beg",
        "/a b",
        "#x",
        "#y",
    ]


# ---- malformed input ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("backend app\n    balance roundrobin\n    server app1\n", 3, "app1"),
        ("backend app\n    server a 10.0.0.1:80 check inter 2x\n", 2, "2x"),
        ("backend app\n    timeout check 5sec\n", 2, "'5sec'"),
        ("backend app\n    server a 10.0.0.1:80\nbakend other\n", 3, "bakend"),
        ("    server a 10.0.0.1:80\n", 1, "server"),
        ('backend app\n    http-check send uri "/open\n', 2, "quote"),
        ("backend app\n    server a 10.0.0.1:80 check rise\n", 2, "rise"),
        ("backend app\n    server a 10.0.0.1:80 check fall three\n", 2, "three"),
    ],
)
def test_malformed_haproxy_is_one_line_naming_file_and_line(text: str, line: int, words: str) -> None:
    with pytest.raises(ConfigError) as caught:
        haproxy.read("bad.cfg", text)
    message = str(caught.value)
    assert message.startswith(f"bad.cfg:{line}: ") and words in message
    assert "\n" not in message


@settings(max_examples=200, deadline=None)
@given(cuts=st.lists(st.tuples(st.integers(0, len(SITE) - 1), st.integers(0, 12)), min_size=1, max_size=4))
def test_a_damaged_file_reads_or_is_one_line_never_a_traceback(cuts: list[tuple[int, int]]) -> None:
    text = SITE
    for at, length in cuts:
        text = text[:at] + text[at + length :]
    try:
        haproxy.read("cut.cfg", text)
    except ConfigError as e:
        assert str(e).startswith("cut.cfg:") and "\n" not in str(e)
