"""A web page cannot drive the emulator; SDKs, the AWS CLI and the container case keep working.

Each hostile case asserts the AWS-style refusal and that a concurrent ListStateMachines was
answered within a bound (compat_tests/hostile.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from compat_tests.helpers import ROLE_ARN, aws_client
from compat_tests.hostile import Logged, logged_errors, raw, sfn_call, while_running
from compat_tests.server import LiveServer
from emulator.settings import Settings

PASS = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
EVIL = "http://evil.example"
PAGE = "http://localhost:3000"


@pytest.fixture(scope="module")
def loopback() -> Iterator[tuple[LiveServer, Logged]]:
    with logged_errors() as logged:
        server = LiveServer(Settings(wait_time_scale=0.0, allowed_hosts=("dev.internal",))).start()
        yield server, logged
        server.stop()
    assert logged.records == []


@pytest.fixture(scope="module")
def with_page_allowed() -> Iterator[LiveServer]:
    server = LiveServer(Settings(wait_time_scale=0.0, cors_origins=(PAGE,))).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def container() -> Iterator[LiveServer]:
    server = LiveServer(Settings(wait_time_scale=0.0), bind="0.0.0.0").start()
    yield server
    server.stop()


def _machine_names(server: LiveServer) -> list[str]:
    return [m["name"] for m in aws_client(server, "stepfunctions").list_state_machines()["stateMachines"]]


def _create_body(name: str) -> dict[str, Any]:
    return {"name": name, "definition": PASS, "roleArn": ROLE_ARN}


def test_a_foreign_origin_is_refused_and_nothing_is_created(loopback: tuple[LiveServer, Logged]) -> None:
    server, _ = loopback
    name = f"page-{uuid.uuid4().hex[:8]}"
    answer, watch = while_running(
        server.url, lambda: sfn_call(server.url, "CreateStateMachine", _create_body(name), Origin=EVIL)
    )
    assert (answer.status, answer.error_type) == (403, "AccessDeniedException")
    assert "--cors-origin" in answer.document["message"]
    assert "access-control-allow-origin" not in answer.headers
    assert name not in _machine_names(server)
    watch.assert_answered_within()


def test_a_page_that_hides_its_origin_is_refused(loopback: tuple[LiveServer, Logged]) -> None:
    server, _ = loopback
    answer = sfn_call(server.url, "ListStateMachines", {}, **{"Sec-Fetch-Site": "cross-site"})
    assert (answer.status, answer.error_type) == (403, "AccessDeniedException")


def test_a_preflight_is_answered_by_the_emulator_never_by_the_aws_backends(
    loopback: tuple[LiveServer, Logged],
) -> None:
    server, _ = loopback
    preflight = {
        "Origin": EVIL,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,x-amz-target",
    }
    answer, watch = while_running(server.url, lambda: raw(server.url, "OPTIONS", "/", b"", preflight))
    assert (answer.status, answer.error_type) == (403, "AccessDeniedException")
    assert not any(name.startswith("access-control-") for name in answer.headers)
    watch.assert_answered_within()
    # an S3-style path is not handed to moto's CORS handling either
    bucket = raw(server.url, "OPTIONS", "/bucket/key", b"", preflight)
    assert bucket.status == 403 and "access-control-allow-origin" not in bucket.headers


def test_an_allowed_origin_gets_a_preflight_and_cors_headers(with_page_allowed: LiveServer) -> None:
    url = with_page_allowed.url
    preflight = raw(
        url,
        "OPTIONS",
        "/",
        b"",
        {
            "Origin": PAGE,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "x-amz-target",
        },
    )
    assert preflight.status == 204
    assert preflight.headers["access-control-allow-origin"] == PAGE
    assert preflight.headers["access-control-allow-headers"] == "x-amz-target"
    answer = sfn_call(url, "ListStateMachines", {}, Origin=PAGE)
    assert answer.status == 200 and answer.headers["access-control-allow-origin"] == PAGE
    assert sfn_call(url, "ListStateMachines", {}, Origin=EVIL).status == 403


def test_the_emulators_own_pages_are_same_origin(loopback: tuple[LiveServer, Logged]) -> None:
    server, _ = loopback
    own = server.url.replace("127.0.0.1", "localhost")
    host = own.removeprefix("http://")
    answer = sfn_call(server.url, "ListStateMachines", {}, Origin=own, Host=host)
    assert answer.status == 200
    # the same page under a rebound foreign name is not the emulator's
    assert sfn_call(server.url, "ListStateMachines", {}, Origin=EVIL, Host="evil.example").status == 403


@pytest.mark.parametrize(
    "host",
    ["evil.example", "evil.example:{port}", "localhost.evil.example:{port}", "sync-evil.example", "10.0.0.1"],
)
def test_dns_rebinding_gets_nothing_from_a_loopback_bound_emulator(
    loopback: tuple[LiveServer, Logged], host: str
) -> None:
    server, _ = loopback
    name = f"rebound-{uuid.uuid4().hex[:8]}"
    header = host.format(port=server.settings.port)
    answer, watch = while_running(
        server.url, lambda: sfn_call(server.url, "CreateStateMachine", _create_body(name), Host=header)
    )
    assert (answer.status, answer.error_type) == (403, "AccessDeniedException")
    assert "--allow-host" in answer.document["message"]
    assert name not in _machine_names(server)
    watch.assert_answered_within()


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1:{port}",
        "localhost:{port}",
        "LOCALHOST",
        "[::1]:{port}",
        "sync-127.0.0.1:{port}",
        "sync-localhost:{port}",
        "s3.localhost:{port}",
        "127.0.0.2",
        "dev.internal:{port}",
        "sync-dev.internal:{port}",
    ],
)
def test_loopback_names_and_added_names_are_answered(loopback: tuple[LiveServer, Logged], host: str) -> None:
    server, _ = loopback
    answer = sfn_call(server.url, "ListStateMachines", {}, Host=host.format(port=server.settings.port))
    assert answer.status == 200, answer.body


def test_admin_writes_need_json(loopback: tuple[LiveServer, Logged]) -> None:
    server, _ = loopback
    document = json.dumps({"StateMachines": {}}).encode()
    answer, watch = while_running(
        server.url,
        lambda: raw(server.url, "POST", "/_emulator/mock-config", document, {"Content-Type": "text/plain"}),
    )
    assert (answer.status, answer.error_type) == (415, "UnsupportedMediaTypeException")
    watch.assert_answered_within()
    for content_type in ("application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""):
        assert (
            raw(server.url, "POST", "/_emulator/mock-config", document, {"Content-Type": content_type}).status
            == 415
        )
    accepted = raw(
        server.url,
        "POST",
        "/_emulator/mock-config",
        document,
        {"Content-Type": "application/json; charset=utf-8"},
    )
    assert accepted.status == 200
    assert raw(server.url, "GET", "/_emulator/health").status == 200


def test_bound_to_all_interfaces_any_host_is_answered_but_origins_still_apply(container: LiveServer) -> None:
    answer = sfn_call(container.url, "ListStateMachines", {}, Host="stepfunctions:8083")
    assert answer.status == 200
    sfn = aws_client(container, "stepfunctions")
    arn = sfn.create_state_machine(name="in-container", definition=PASS, roleArn=ROLE_ARN)["stateMachineArn"]
    assert sfn.describe_state_machine(stateMachineArn=arn)["name"] == "in-container"
    refused, watch = while_running(
        container.url,
        lambda: sfn_call(container.url, "ListStateMachines", {}, Host="stepfunctions:8083", Origin=EVIL),
    )
    assert (refused.status, refused.error_type) == (403, "AccessDeniedException")
    watch.assert_answered_within()


def test_sdks_and_the_aws_cli_keep_working(loopback: tuple[LiveServer, Logged], tmp_path: Path) -> None:
    server, _ = loopback
    sfn = aws_client(server, "stepfunctions")
    arn = sfn.create_state_machine(name=f"sdk-{uuid.uuid4().hex[:8]}", definition=PASS, roleArn=ROLE_ARN)[
        "stateMachineArn"
    ]
    assert sfn.start_execution(stateMachineArn=arn)["executionArn"]
    sqs = aws_client(server, "sqs")
    assert sqs.create_queue(QueueName="browser-safety")["QueueUrl"]
    aws = Path(sys.executable).parent / "aws"
    if not aws.exists():
        pytest.skip("the AWS CLI is not installed in this environment")
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(tmp_path / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
        "AWS_PAGER": "",
    }
    for url in (server.url, server.url.replace("127.0.0.1", "localhost")):
        listed = subprocess.run(
            [str(aws), "stepfunctions", "--endpoint-url", url, "--output", "json", "list-state-machines"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        assert arn in listed.stdout
