"""The console's routes over HTTP: its files, the partition and waiting-task views, the push
endpoint (server-sent events), and ``--no-console``. The browser tests drive the page itself."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from compat_tests import console_setup as setup
from compat_tests.helpers import ROLE_ARN, aws_client, wait_finished
from compat_tests.server import LiveServer
from emulator.cli import parse_settings
from emulator.settings import Settings


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    handlers = {"token": f"{setup.HANDLERS}:token"}
    live = LiveServer(Settings(wait_time_scale=0.0, lambda_handlers=handlers)).start()
    yield live
    live.stop()


@pytest.fixture(scope="module")
def sfn(server: LiveServer) -> Any:
    return aws_client(server, "stepfunctions")


def get(server: LiveServer, path: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(server.url + path, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


class EventStream:
    """A server-sent event stream read message by message (``None`` data for ``event: end``)."""

    def __init__(self, server: LiveServer, query: dict[str, str]) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", server.settings.port, timeout=10)
        self.connection.request("GET", "/_console/api/stream?" + urllib.parse.urlencode(query))
        self.response = self.connection.getresponse()
        self.ready: list[dict[str, Any]] = []

    def next(self) -> dict[str, Any] | None:
        if not self.ready:
            batch = self._message()
            if batch is None:
                return None
            assert isinstance(batch, list) and batch, batch
            self.ready.extend(batch)
        return self.ready.pop(0)

    def _message(self) -> list[dict[str, Any]] | None:
        event, data = "message", ""
        while True:
            line = self.response.readline().decode()
            if not line:
                raise AssertionError("the stream closed before its end event")
            line = line.rstrip("\n")
            if line == "":
                if data:
                    return None if event == "end" else json.loads(data)
                continue
            if line.startswith(":"):
                continue
            field, _, value = line.partition(": ")
            if field == "event":
                event = value
            elif field == "data":
                data = value

    def close(self) -> None:
        self.connection.close()


def test_the_page_and_its_files_are_served_from_the_package(server: LiveServer) -> None:
    status, headers, body = get(server, "/_console/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert b'src="/_console/main.js"' in body
    for name, kind in (
        ("main.js", "text/javascript"),
        ("dagre.js", "text/javascript"),
        ("console.css", "text/css"),
    ):
        status, headers, body = get(server, f"/_console/{name}")
        assert (status, headers["Content-Type"].split(";")[0]) == (200, kind), name
    assert b"MIT" in get(server, "/_console/dagre.js")[2][:400]
    assert get(server, "/_console")[0] == 200  # redirected to /_console/


@pytest.mark.parametrize("path", ["/_console/nothing.js", "/_console/%2e%2e%2fapp.py", "/_console/routes.py"])
def test_only_the_console_files_are_served(server: LiveServer, path: str) -> None:
    status, _, body = get(server, path)
    assert status == 404
    assert b"import" not in body


def test_a_finished_execution_streams_its_history_then_ends(server: LiveServer, sfn: Any) -> None:
    machine = setup.create(sfn, "StreamDone", setup.order_flow(), ROLE_ARN)
    arn = sfn.start_execution(stateMachineArn=machine, input="{}")["executionArn"]
    wait_finished(sfn, arn)
    history = sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"]
    stream = EventStream(server, {"execution": arn})
    assert stream.response.getheader("Content-Type") == "text/event-stream"
    received = stream._message()  # the recorded events come as one message
    assert received is not None
    assert stream._message() is None  # then the end
    stream.close()
    assert [(e["id"], e["type"]) for e in received] == [(e["id"], e["type"]) for e in history]
    assert received[-1]["type"] == "ExecutionSucceeded"


def test_an_express_map_run_child_is_drawn_though_the_api_refuses_it(server: LiveServer, sfn: Any) -> None:
    machine = setup.create(sfn, "ExpressFan", setup.distributed("EXPRESS"), ROLE_ARN)
    arn = sfn.start_execution(stateMachineArn=machine, input="[7]")["executionArn"]
    wait_finished(sfn, arn)
    run = sfn.list_map_runs(executionArn=arn)["mapRuns"][0]["mapRunArn"]
    child = sfn.list_executions(mapRunArn=run)["executions"][0]["executionArn"]
    assert ":express:" in child
    with pytest.raises(sfn.exceptions.InvalidArn):  # as AWS answers: no history for EXPRESS executions
        sfn.get_execution_history(executionArn=child)
    with pytest.raises(sfn.exceptions.InvalidArn):
        sfn.describe_state_machine_for_execution(executionArn=child)
    status, _, body = get(server, "/_console/api/machine?execution=" + urllib.parse.quote(child))
    assert status == 200 and json.loads(body)["mapRunArn"] == run
    assert "Item" in json.loads(json.loads(body)["definition"])["States"]["Fan"]["ItemProcessor"]["States"]
    stream = EventStream(server, {"execution": child})
    received = stream._message()
    assert stream._message() is None
    stream.close()
    assert received is not None
    assert [e["type"] for e in received] == [
        "ExecutionStarted",
        "PassStateEntered",
        "PassStateExited",
        "ExecutionSucceeded",
    ]


@pytest.mark.parametrize(
    "query",
    ["execution=nope", "execution=arn:aws:states:us-east-1:123456789012:stateMachine:x", ""],
)
def test_bad_machine_requests_get_a_json_error(server: LiveServer, query: str) -> None:
    status, headers, body = get(server, "/_console/api/machine?" + query)
    assert status == 400 and headers["Content-Type"].startswith("application/json")
    assert json.loads(body)["__type"] == "InvalidArn"


def test_a_running_execution_streams_live_events_and_lists_its_waiting_token(
    server: LiveServer, sfn: Any
) -> None:
    machine = setup.create(sfn, "StreamLive", setup.callback(), ROLE_ARN)
    partition_stream = EventStream(server, {"account": "123456789012", "region": "us-east-1"})
    arn = sfn.start_execution(stateMachineArn=machine, input="{}")["executionArn"]
    change = partition_stream.next()
    assert change is not None and (change["type"], change["executionArn"]) == ("ExecutionStarted", arn)
    stream = EventStream(server, {"execution": arn})
    types = []
    while (message := stream.next()) is not None and message["type"] != "TaskSubmitted":
        types.append(message["type"])
    assert types[:3] == ["ExecutionStarted", "TaskStateEntered", "TaskScheduled"]

    status, _, body = get(server, "/_console/api/waiting")
    assert status == 200
    waiting = [c for c in json.loads(body)["callbacks"] if c.get("executionArn") == arn]
    assert len(waiting) == 1 and waiting[0]["stateName"] == "Approve"
    sfn.send_task_success(taskToken=waiting[0]["taskToken"], output='{"ok": 1}')

    rest = []
    while (message := stream.next()) is not None:
        rest.append(message["type"])
    assert rest[0] == "TaskSucceeded" and rest[-1] == "ExecutionSucceeded"
    stream.close()
    seen = []
    while True:
        change = partition_stream.next()
        assert change is not None
        seen.append(change["type"])
        if change["type"] == "ExecutionSucceeded":
            break
    partition_stream.close()
    assert seen == ["TaskScheduled", "TaskSucceeded", "ExecutionSucceeded"]


def test_partitions_list_where_resources_are(server: LiveServer) -> None:
    other = aws_client(server, "stepfunctions", access_key="111122223333", region="eu-west-1")
    other.create_state_machine(name="Elsewhere", definition=json.dumps(setup.failing()), roleArn=ROLE_ARN)
    status, _, body = get(server, "/_console/api/partitions")
    rows = json.loads(body)["partitions"]
    assert status == 200 and rows[0]["account"] == "123456789012"
    assert {"account": "111122223333", "region": "eu-west-1", "stateMachines": 1, "executions": 0} in rows


@pytest.mark.parametrize(
    "query",
    [
        "execution=nope",
        "execution=arn:aws:states:us-east-1:123456789012:stateMachine:x",
        "account=1&region=x",
    ],
)
def test_bad_stream_requests_get_a_json_error(server: LiveServer, query: str) -> None:
    status, headers, body = get(server, "/_console/api/stream?" + query)
    assert status == 400 and headers["Content-Type"].startswith("application/json")
    assert json.loads(body)["__type"] in ("InvalidArn", "ValidationException")


def test_an_unknown_execution_is_answered_as_describe_execution_would(server: LiveServer) -> None:
    arn = "arn:aws:states:us-east-1:123456789012:execution:Nope:missing"
    status, _, body = get(server, "/_console/api/stream?execution=" + urllib.parse.quote(arn))
    assert (status, json.loads(body)["__type"]) == (400, "ExecutionDoesNotExist")


def test_no_console_flag_removes_the_console() -> None:
    settings = parse_settings(["--no-console"])
    assert settings.console is False
    assert parse_settings([]).console is True
    assert Settings.from_environment({"SFN_CONSOLE": "0"}).console is False
    live = LiveServer(Settings(console=False)).start()
    try:
        status, _, body = get(live, "/_console/")
        assert status != 200 and b"<html" not in body
        assert get(live, "/_console/api/partitions")[0] != 200
    finally:
        live.stop()
