"""nginx: every design's nginx.conf passes ``nginx -t`` as written, reads back to the settings
the format carries, says each setting with the directive nginx uses for it, and a hand-written
configuration reads with every directive the game cannot model listed by file and line."""

from __future__ import annotations

import os
import re
import socket
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scaleout_tui.deploy import haproxy, nginx, texts
from scaleout_tui.deploy.design import ConfigError, Design
from scaleout_tui.deploy.formats import export, format_of, write_export
from tests.deploy.conftest import checker, every_design, sandbox_design
from tests.deploy.test_roundtrip import read_back

DESIGNS = every_design()
IDS = [name for name, _ in DESIGNS]


def nginx_t(folder: Path) -> subprocess.CompletedProcess[str]:
    """``nginx -t`` on the folder's nginx.conf, with the folder as the prefix and errors on
    stderr (not /var/log/nginx, which a user without root cannot open).

    ``nginx -t`` opens the listening socket too, and port 80 takes root: CI (root) checks the
    file as written; a developer without root checks a copy that listens on a free high port,
    every other line as written."""
    path = folder / nginx.FILE
    if os.geteuid() != 0:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        text = re.sub(r"(?m)^(\s*listen) \d+;", rf"\1 127.0.0.1:{port};", path.read_text(encoding="utf-8"))
        path = folder / "nginx-unprivileged.conf"
        path.write_text(text, encoding="utf-8")
    command = [checker("nginx"), "-t", "-p", f"{folder}/", "-c", str(path), "-e", "stderr"]
    return subprocess.run(command, capture_output=True, text=True, timeout=30)


def conf(design: Design) -> str:
    return nginx.write(design).files[nginx.FILE]


def upstream_lines(text: str) -> list[str]:
    """The directives of the written upstream block, without comments."""
    block = text.split("upstream web {", 1)[1].split("}", 1)[0]
    return [line.strip() for line in block.splitlines() if line.strip() and not line.strip().startswith("#")]


def with_balancer(design: Design, **changes: object) -> Design:
    assert design.config.balancer is not None
    return replace(design, config=replace(design.config, balancer=replace(design.config.balancer, **changes)))


# ---- the real tool -----------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "design"), DESIGNS, ids=IDS)
def test_nginx_accepts_every_design(name: str, design: Design, tmp_path: Path) -> None:
    write_export(design, "nginx", tmp_path)
    done = nginx_t(tmp_path)
    assert done.returncode == 0, f"{name}:\n{done.stderr}\n{(tmp_path / nginx.FILE).read_text()}"


def test_nginx_refuses_a_broken_file(tmp_path: Path) -> None:
    """The check is real: a directive nginx does not know fails it."""
    text = conf(sandbox_design({"algorithm": "least_conn"})).replace("least_conn;", "least_conn fast;")
    (tmp_path / nginx.FILE).write_text(text, encoding="utf-8")
    done = nginx_t(tmp_path)
    assert done.returncode != 0
    assert "least_conn" in done.stderr


def test_korean_comments_do_not_break_nginx(
    korean: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the lead translates the catalog later: a Korean head line stands in for it here
    monkeypatch.setattr(texts, "PROXY_HEAD", "{level} 레벨의 밸런서, scaleout이 {format} 설정으로 썼습니다.")
    design = sandbox_design({"check": "L7"})
    write_export(design, "nginx", tmp_path)
    text = (tmp_path / nginx.FILE).read_text(encoding="utf-8")
    assert "밸런서" in text and "×" in text  # UTF-8 beyond ASCII, in the file as written
    done = nginx_t(tmp_path)
    assert done.returncode == 0, done.stderr
    assert nginx.read(nginx.FILE, text).settings["health.kind"] == "L7"


# ---- the round trip ----------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "design"), DESIGNS, ids=IDS)
def test_what_nginx_carries_comes_back_exactly(name: str, design: Design) -> None:
    found = read_back("nginx", design)  # nginx.conf, and level 9's nginx-ingest.conf
    expected = {p: v for p, v in design.settings.items() if p in nginx.CARRIES}
    assert {p: found.settings.get(p) for p in expected} == expected
    assert found.skipped == []  # a written file has nothing the reader cannot model


@pytest.mark.parametrize("algorithm", ["round_robin", "least_conn", "random", "ip_hash"])
def test_the_algorithms_nginx_names_come_back(algorithm: str) -> None:
    found = nginx.read(nginx.FILE, conf(sandbox_design({"algorithm": algorithm})))
    assert found.settings["lb.algorithm"] == algorithm


@pytest.mark.parametrize(
    ("kind", "every", "unhealthy"), [("L7", "5", "3"), ("L4", "10", "2"), ("L7", "2", "5")]
)
def test_a_checks_interval_and_threshold_come_back_through_max_fails(
    kind: str, every: str, unhealthy: str
) -> None:
    found = nginx.read(
        nginx.FILE,
        conf(
            sandbox_design(
                {"check": kind, "check_every": every, "unhealthy": unhealthy, "check_timeout": "2"}
            )
        ),
    )
    assert (
        found.settings["health.kind"],
        found.settings["health.interval_s"],
        found.settings["health.unhealthy_threshold"],
        found.settings["health.timeout_s"],
    ) == (kind, float(every), int(unhealthy), 2.0)
    assert found.settings["health.healthy_threshold"] == 1  # passive checks: one good answer


# ---- directives --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("algorithm", "directive"),
    [("least_conn", "least_conn;"), ("random", "random;"), ("ip_hash", "ip_hash;")],
)
def test_an_algorithm_is_its_nginx_directive(algorithm: str, directive: str) -> None:
    assert upstream_lines(conf(sandbox_design({"algorithm": algorithm})))[0] == directive


def test_round_robin_and_dns_write_no_method() -> None:
    for algorithm in ("round_robin", "dns"):
        assert all(
            line.startswith("server ")
            for line in upstream_lines(conf(sandbox_design({"algorithm": algorithm})))
        )
    notes = nginx.write(sandbox_design({"algorithm": "dns"})).notes
    assert any(n.code == "proxy_dns" for n in notes)


def test_least_outstanding_requests_is_written_as_least_conn_and_noted() -> None:
    design = with_balancer(sandbox_design({}), algorithm="least_outstanding_requests")
    out = nginx.write(design)
    assert upstream_lines(out.files[nginx.FILE])[0] == "least_conn;"
    assert [n.params for n in out.notes if n.code == "proxy_nearest"] == [
        {"format": "nginx", "algorithm": "least_outstanding_requests", "instead": "least_conn"}
    ]
    assert nginx.read(nginx.FILE, out.files[nginx.FILE]).settings["lb.algorithm"] == "least_conn"


def test_the_check_is_max_fails_and_fail_timeout_on_every_server() -> None:
    text = conf(
        sandbox_design(
            {"desired": "4", "check": "L7", "check_every": "5", "unhealthy": "3", "check_path": "/"}
        )
    )
    servers = [line for line in upstream_lines(text) if line.startswith("server ")]
    assert servers == [
        f"server 10.0.1.{i}:8080 max_fails=3 fail_timeout=15s;  # web-{i}" for i in range(1, 5)
    ]
    assert "proxy_next_upstream error timeout http_500 http_502 http_503 http_504;" in text
    assert "# health_check uri=/ interval=5s fails=3 passes=3;" in text  # NGINX Plus, as a comment
    assert "\n            health_check" not in text


def test_an_l7_check_fails_a_hung_app_at_its_timeout_and_an_l4_check_does_not() -> None:
    """A hung app takes the connection and never answers: only ``proxy_read_timeout`` makes that a
    failed attempt before the client gives up (its 499 is no failure). nginx's default is 60 s; the
    design's L7 check fails a probe at its timeout. An L4 check does not see a hang, nor does nginx."""
    l7 = conf(sandbox_design({"check": "L7", "check_timeout": "5"}))
    lines = [line.strip() for line in l7.splitlines()]
    timeouts = [line for line in lines if line.startswith(("proxy_connect", "proxy_read"))]
    assert timeouts == ["proxy_connect_timeout 5s;", "proxy_read_timeout 5s;"]
    assert "proxy_read_timeout" not in conf(sandbox_design({"check": "L4"}))


def test_an_l4_check_counts_only_errors_and_no_check_turns_accounting_off() -> None:
    l4 = conf(sandbox_design({"check": "L4"}))
    assert "proxy_next_upstream" not in l4 and "health_check" not in l4
    none = conf(sandbox_design({"check": "none"}))
    assert all(" max_fails=0;" in line for line in upstream_lines(none))
    assert nginx.read(nginx.FILE, none).settings["health.kind"] == "none"


def test_stickiness_is_an_nginx_plus_comment_and_a_note() -> None:
    out = nginx.write(sandbox_design({"sticky": "on"}))
    text = out.files[nginx.FILE]
    assert "        # sticky cookie srv_id expires=1d;" in text
    assert "\n        sticky" not in text
    assert "nginx_sticky" in {n.code for n in out.notes}


def test_the_target_port_and_the_listen_port() -> None:
    text = conf(sandbox_design({"port": "80"}))
    assert "server 10.0.1.1:80 " in text and "listen 80;" in text
    assert nginx.read(nginx.FILE, text).settings["lb.target_port"] == 80


def test_what_nginx_cannot_say_is_noted() -> None:
    codes = {n.code for n in nginx.write(dict(DESIGNS)["08-autoscaling"]).notes}
    assert {
        "proxy_pair",
        "proxy_group",
        "proxy_schedule",
        "nginx_dereg",
        "nginx_plus_check",
        "nginx_healthy",
        "proxy_other",
    } <= codes
    alone = nginx.write(dict(DESIGNS)["01-single-server"])
    assert "proxy_no_balancer" in {n.code for n in alone.notes}
    assert nginx.read(nginx.FILE, alone.files[nginx.FILE]).settings["web.count"] == 1
    for note in nginx.write(dict(DESIGNS)["08-autoscaling"]).notes:
        texts.NOTES[note.code].format(**note.params)  # every note has its sentence and fields


def test_nginx_claims_its_files_and_not_haproxys() -> None:
    design = sandbox_design({})
    assert nginx.claims(nginx.FILE, conf(design))
    assert nginx.claims("upstream.txt", "upstream app {\n    server 10.0.0.1;\n}\n")
    assert not nginx.claims(haproxy.FILE, haproxy.write(design).files[haproxy.FILE])
    assert format_of("site.conf", conf(design)) is nginx.FORMAT
    assert export(design, "nginx").files.keys() == {nginx.FILE, "README.md"}


# ---- a hand-written configuration --------------------------------------------------------------
SITE = """\
user www-data;
worker_processes auto;
include /etc/nginx/modules-enabled/*.conf;

events {
    worker_connections 768;
}

http {
    include mime.types;
    sendfile on;
    map $http_upgrade $connection_upgrade {
        default upgrade;
        '' close;
    }

    upstream static {
        hash $request_uri consistent;
        server 10.0.1.21:80;
    }

    upstream app {
        hash $binary_remote_addr consistent;
        zone app 64k;
        server 10.0.0.11:8080 max_fails=3 fail_timeout=30s;
        server 10.0.0.12:8080 max_fails=3 fail_timeout=30s;
        server 10.0.0.13:8080 max_fails=3 fail_timeout=30s slow_start=30s;
        server 10.0.0.14:8080 backup;
        server 10.0.0.15:8080 max_fails=2;
        keepalive 32;
    }

    server {
        listen 80;
        server_name shop.example.com;
        location /static/ {
            proxy_pass http://static;
            proxy_connect_timeout 1s;
        }
        location / {
            proxy_pass http://app;
            proxy_next_upstream error timeout http_502;
            proxy_connect_timeout 3s;
            limit_req zone=one burst=5;
        }
    }
}
"""


def test_a_hand_written_site_reads_with_its_skipped_directives() -> None:
    found = nginx.read("site.conf", SITE)
    assert found.settings == {
        "lb.algorithm": "ip_hash",
        "lb.sticky": False,
        "web.count": 4,
        "asg.desired": 4,
        "lb.target_port": 8080,
        "health.kind": "L7",
        "health.unhealthy_threshold": 3,
        "health.interval_s": 10.0,
        "health.healthy_threshold": 1,
        "health.timeout_s": 3.0,
    }
    assert str(found.origin["lb.algorithm"]) == "site.conf:23"
    assert str(found.origin["health.timeout_s"]) == "site.conf:43"
    assert [(str(s.where), s.directive, s.reason, dict(s.params)) for s in found.skipped] == [
        ("site.conf:3", "include /etc/nginx/modules-enabled/*.conf", "include", {}),
        ("site.conf:12", "map $http_upgrade $connection_upgrade { ... }", "not_modelled", {}),
        ("site.conf:17", "upstream static { ... }", "other_upstream", {"upstream": "app"}),
        ("site.conf:27", "server 10.0.0.13:8080 slow_start=30s", "nginx_plus", {}),
        ("site.conf:28", "server 10.0.0.14:8080 backup", "backup", {}),
        ("site.conf:29", "server 10.0.0.15:8080 max_fails=2", "differs", {"what": "max_fails"}),
        ("site.conf:29", "server 10.0.0.15:8080 max_fails=2", "differs", {"what": "fail_timeout"}),
        ("site.conf:38", "proxy_connect_timeout 1s", "not_modelled", {}),  # another location's
        ("site.conf:44", "limit_req zone=one burst=5", "not_modelled", {}),
    ]
    for s in found.skipped:
        texts.SKIPPED[s.reason].format(**s.params)


def test_an_nginx_plus_site_reads_its_active_check_and_sticky_cookie() -> None:
    plus = """\
upstream app {
    zone app 64k;
    sticky cookie srv_id expires=1h;
    server 10.0.0.11:8080;
    server 10.0.0.12:8080;
}
server {
    location / {
        proxy_pass http://app;
        health_check uri=/health interval=2s fails=5 passes=2;
    }
}
"""
    found = nginx.read("plus.conf", plus)
    assert {
        p: found.settings[p]
        for p in (
            "lb.sticky",
            "health.kind",
            "health.path",
            "health.interval_s",
            "health.unhealthy_threshold",
            "health.healthy_threshold",
        )
    } == {
        "lb.sticky": True,
        "health.kind": "L7",
        "health.path": "/health",
        "health.interval_s": 2.0,
        "health.unhealthy_threshold": 5,
        "health.healthy_threshold": 2,
    }
    assert str(found.origin["health.path"]) == "plus.conf:10"
    # nginx's defaults where the file says nothing: round robin, max_fails=1 fail_timeout=10s
    bare = nginx.read("bare.conf", "upstream app {\n    server 10.0.0.1;\n}\n")
    assert (
        bare.settings["lb.algorithm"],
        bare.settings["lb.target_port"],
        bare.settings["health.kind"],
        bare.settings["health.interval_s"],
        bare.settings["health.unhealthy_threshold"],
        bare.settings["health.timeout_s"],
    ) == ("round_robin", 80, "L4", 10.0, 1, 60.0)


# ---- malformed input ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("http {\n    upstream app {\n        server 10.0.0.1;\n\n", 3, "end of file"),
        ("http {\n    server {\n    }\n}\n}\n", 5, 'unexpected "}"'),
        (
            "http {\n    server {\n        location / {\n"
            "            proxy_pass http://a http://b;\n        }\n    }\n}\n",
            4,
            "proxy_pass",
        ),
        ("upstream app {\n    server 10.0.0.1:80 fail_timeout=10x;\n}\n", 2, "10x"),
        ("upstream app {\n    server 10.0.0.1:80 max_fails=many;\n}\n", 2, "many"),
        ("upstream app {\n    server;\n}\n", 2, "address"),
        ("upstream app {\n    server 10.0.0.1:80;\n    server 10.0.0.2:notaport;\n}\n", 3, "notaport"),
        ("upstream app {\n    server 10.0.0.1:70000;\n}\n", 2, "65535"),
        ("upstream app {\n    server 10.0.0.1:\u00b2;\n}\n", 2, "65535"),
        ("upstream app {\n    server :8080;\n}\n", 2, ":8080"),
    ],
)
def test_malformed_nginx_is_one_line_naming_file_and_line(text: str, line: int, words: str) -> None:
    with pytest.raises(ConfigError) as caught:
        nginx.read("bad.conf", text)
    message = str(caught.value)
    assert message.startswith(f"bad.conf:{line}: ") and words in message
    assert "\n" not in message and "/tmp" not in message


@settings(max_examples=60, deadline=None)
@given(cuts=st.lists(st.tuples(st.integers(0, len(SITE) - 1), st.integers(0, 12)), min_size=1, max_size=4))
def test_a_damaged_file_reads_or_is_one_line_never_a_traceback(cuts: list[tuple[int, int]]) -> None:
    text = SITE
    for at, length in cuts:
        text = text[:at] + text[at + length :]
    try:
        nginx.read("cut.conf", text)
    except ConfigError as e:
        assert str(e).startswith("cut.conf:") and "\n" not in str(e)
