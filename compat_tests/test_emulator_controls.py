"""``POST /_emulator/reset`` and ``GET|POST /_emulator/clock`` over HTTP on a server started with
``--clock virtual``, and what the plugin's registrations undo."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from compat_tests.conftest import make_client
from compat_tests.server import LiveServer
from emulator.settings import Settings

WAIT_A_DAY = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 86400, "End": True}}}
ROLE = "arn:aws:iam::123456789012:role/r"


@pytest.fixture(scope="module")
def virtual_server() -> Iterator[LiveServer]:
    server = LiveServer(Settings(clock="virtual")).start()
    yield server
    server.stop()


def post(server: LiveServer, path: str, body: Any = None) -> tuple[int, dict[str, Any]]:
    data = b"" if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    # /_emulator/* writes need JSON (the browser guard refuses any other content type).
    request = urllib.request.Request(
        server.url + path, data=data, method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def get(server: LiveServer, path: str) -> dict[str, Any]:
    with urllib.request.urlopen(server.url + path, timeout=30) as response:
        return dict(json.loads(response.read()))


def test_the_clock_endpoint_moves_virtual_time_and_ends_a_wait(virtual_server: LiveServer) -> None:
    sfn = make_client(virtual_server.url)
    arn = sfn.create_state_machine(name="day", definition=json.dumps(WAIT_A_DAY), roleArn=ROLE)[
        "stateMachineArn"
    ]
    execution = sfn.start_execution(stateMachineArn=arn)["executionArn"]
    clock = get(virtual_server, "/_emulator/clock")
    assert clock["mode"] == "virtual" and len(clock["pendingTimers"]) == 1
    status, moved = post(virtual_server, "/_emulator/clock", {"advanceSeconds": 3600})
    assert status == 200 and moved["epochSeconds"] == pytest.approx(clock["epochSeconds"] + 3600, abs=0.01)
    assert sfn.describe_execution(executionArn=execution)["status"] == "RUNNING"
    status, _ = post(virtual_server, "/_emulator/clock", {"set": moved["pendingTimers"][0]})
    assert status == 200
    described = sfn.describe_execution(executionArn=execution)
    assert described["status"] == "SUCCEEDED"
    assert (described["stopDate"] - described["startDate"]).total_seconds() == pytest.approx(86400, abs=0.002)


@pytest.mark.parametrize(
    "body",
    [
        {"advanceSeconds": -5},
        {"advanceSeconds": "soon"},
        {"set": "yesterday"},
        {"set": "2000-01-01T00:00:00Z"},
        {"advanceSeconds": 1, "set": 5},
        {"advanceSeconds": 1e308},
        {"set": "10000-01-01T00:00:00Z"},
        b'{"advanceSeconds": NaN}',
        b'{"advanceSeconds": Infinity}',
        {},
        [],
        b"{not json",
    ],
)
def test_a_bad_clock_request_is_a_validation_error(virtual_server: LiveServer, body: Any) -> None:
    status, answer = post(virtual_server, "/_emulator/clock", body)
    assert status == 400 and answer["__type"] == "ValidationException" and answer["message"]


def test_moving_a_real_clock_is_refused(live_server: LiveServer) -> None:
    status, answer = post(live_server, "/_emulator/clock", {"advanceSeconds": 1})
    assert status == 400 and "real time" in answer["message"]
    assert get(live_server, "/_emulator/clock")["mode"] == "real"


def test_reset_forgets_resources_runs_and_mocks_and_restarts_the_clock(virtual_server: LiveServer) -> None:
    sfn = make_client(virtual_server.url)
    arn = sfn.create_state_machine(name="kept", definition=json.dumps(WAIT_A_DAY), roleArn=ROLE)[
        "stateMachineArn"
    ]
    sfn.start_execution(stateMachineArn=arn)
    sfn.create_activity(name="work")
    post(virtual_server, "/_emulator/clock", {"advanceSeconds": 10 * 86400})
    status, _ = post(
        virtual_server,
        "/_emulator/mock-config",
        {"StateMachines": {"kept": {"TestCases": {"T": {}}}}, "MockedResponses": {}},
    )
    assert status == 200
    status, answer = post(virtual_server, "/_emulator/reset")
    assert status == 200 and answer["reset"] is True
    assert sfn.list_state_machines()["stateMachines"] == []
    assert sfn.list_activities()["activities"] == []
    assert get(virtual_server, "/_emulator/mock-config")["stateMachines"] == {}
    clock = get(virtual_server, "/_emulator/clock")
    assert clock["pendingTimers"] == []
    import time

    assert abs(clock["epochSeconds"] - time.time()) < 60  # back at the wall-clock time
    # The same names can be used again at once.
    sfn.create_state_machine(name="kept", definition=json.dumps(WAIT_A_DAY), roleArn=ROLE)


def test_a_python_lambda_handler_answers_function_arns_with_the_payload_and_is_undone_by_reset(
    sfn_emulator: Any,
) -> None:
    sfn_emulator.lambda_handler(
        "double", lambda event, context: {"n": event["n"] * 2, "fn": context.function_name}
    )
    definition = {
        "StartAt": "Double",
        "States": {
            "Double": {
                "Type": "Task",
                "Resource": "arn:aws:lambda:us-east-1:123456789012:function:double",
                "End": True,
            }
        },
    }
    described = sfn_emulator.run(definition, {"n": 21})
    assert json.loads(described["output"]) == {"n": 42, "fn": "double"}
    history = sfn_emulator.history(described["executionArn"])
    assert [e["type"] for e in history if e["type"].startswith("Lambda")] == [
        "LambdaFunctionScheduled",
        "LambdaFunctionStarted",
        "LambdaFunctionSucceeded",
    ]
    sfn_emulator.reset()
    after = sfn_emulator.run(definition, {"n": 1})
    assert (
        after["status"] == "FAILED"
    )  # no handler any more: the real (in-process) Lambda has no such function
