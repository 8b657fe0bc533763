"""Bad input gets an AWS error, never a 500 or a hung request; another account or region can neither
see nor touch an execution; StopExecution racing with completion leaves consistent records.

Random requests are drawn from botocore's model of all operations, seeded; ``SFN_FUZZ_EXAMPLES``
raises their number (see tests/fuzzing.py)."""

from __future__ import annotations

import json
import logging
import random
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import botocore.session
import pytest
from botocore.exceptions import ClientError

from compat_tests.conftest import ROLE_ARN, make_client
from compat_tests.server import LiveServer
from emulator.settings import Settings
from tests.fuzzing import FUZZ_EXAMPLES, SIMPLE_DEFINITION, TOKENS, ShapedRequests, arns_around

ACCOUNT, OTHER_ACCOUNT = "123456789012", "210987654321"


class _Logged(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[LiveServer, _Logged]]:
    logged = _Logged()
    logging.getLogger("emulator").addHandler(logged)
    live = LiveServer(Settings(wait_time_scale=0.01)).start()
    yield live, logged
    live.stop()
    logging.getLogger("emulator").removeHandler(logged)


def _post(url: str, operation: str, body: bytes, account: str, region: str) -> tuple[int, dict[str, Any]]:
    headers = {
        "Content-Type": "application/x-amz-json-1.0",
        "X-Amz-Target": f"AWSStepFunctions.{operation}",
        "Authorization": f"AWS4-HMAC-SHA256 Credential={account}/20240101/{region}/states/aws4_request, "
        "SignedHeaders=host, Signature=0",
    }
    request = urllib.request.Request(url + "/", data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def test_random_requests_to_every_operation_get_aws_errors_never_a_500(
    server: tuple[LiveServer, _Logged],
) -> None:
    live, logged = server
    client = make_client(live.url, access_key=ACCOUNT)
    activity = client.create_activity(name="robust")["activityArn"]
    machine = client.create_state_machine(
        name="robust", definition=SIMPLE_DEFINITION, roleArn=ROLE_ARN, publish=True
    )["stateMachineArn"]
    client.create_state_machine_alias(
        name="live", routingConfiguration=[{"stateMachineVersionArn": machine + ":1", "weight": 100}]
    )
    execution = client.start_execution(stateMachineArn=machine, name="e")["executionArn"]
    client.start_execution(stateMachineArn=machine, name="f")
    listing = client.list_executions(stateMachineArn=machine, maxResults=1)
    model = botocore.session.get_session().get_service_model("stepfunctions")
    operations = [name for name in model.operation_names if name != "GetActivityTask"]  # a long poll
    rng = random.Random(20240101)
    requests = ShapedRequests(rng, arns_around(machine, execution, activity), (*TOKENS, listing["nextToken"]))
    failures = []
    for _ in range(FUZZ_EXAMPLES or 400):
        operation = rng.choice(operations)
        shape = model.operation_model(operation).input_shape
        body = json.dumps(requests.structure(shape) if shape is not None else {}).encode()
        if rng.random() < 0.05:
            body = rng.choice((b"{", b"[]", b"null", b"\xff\xfe", b"[" * 100_000, b'{"a": NaN}', body[:10]))
        account, region = rng.choice(
            ((ACCOUNT, "us-east-1"), (OTHER_ACCOUNT, "us-east-1"), (ACCOUNT, "eu-west-1"))
        )
        status, answer = _post(live.url, operation, body, account, region)
        if status >= 500 or (status != 200 and not answer.get("__type")):
            failures.append((operation, body[:300], status, answer))
    assert failures == []
    assert logged.records == []


def _error_code(call: Any, **arguments: Any) -> str:
    with pytest.raises(ClientError) as raised:
        call(**arguments)
    return str(raised.value.response["Error"]["Code"])


@pytest.mark.parametrize(("account", "region"), [(OTHER_ACCOUNT, "us-east-1"), (ACCOUNT, "eu-west-1")])
def test_another_account_or_region_can_neither_see_nor_touch_an_execution_or_its_task_token(
    server: tuple[LiveServer, _Logged], account: str, region: str
) -> None:
    live, _ = server
    owner = make_client(live.url, access_key=ACCOUNT)
    stranger = make_client(live.url, region=region, access_key=account)
    name = f"isolated-{account}-{region}"
    activity = owner.create_activity(name=name)["activityArn"]
    definition = {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": activity, "End": True}}}
    machine = owner.create_state_machine(name=name, definition=json.dumps(definition), roleArn=ROLE_ARN)[
        "stateMachineArn"
    ]
    execution = owner.start_execution(stateMachineArn=machine)["executionArn"]
    token = owner.get_activity_task(activityArn=activity)["taskToken"]
    missing = "ExecutionDoesNotExist"
    assert _error_code(stranger.describe_execution, executionArn=execution) == missing
    assert _error_code(stranger.stop_execution, executionArn=execution) == missing
    assert _error_code(stranger.get_execution_history, executionArn=execution) == missing
    assert _error_code(stranger.redrive_execution, executionArn=execution) == missing
    assert _error_code(stranger.describe_state_machine, stateMachineArn=machine) == "StateMachineDoesNotExist"
    assert _error_code(stranger.start_execution, stateMachineArn=machine) == "StateMachineDoesNotExist"
    assert _error_code(stranger.send_task_success, taskToken=token, output="{}") == "TaskDoesNotExist"
    assert _error_code(stranger.send_task_failure, taskToken=token) == "TaskDoesNotExist"
    assert _error_code(stranger.send_task_heartbeat, taskToken=token) == "TaskDoesNotExist"
    stranger.delete_state_machine(stateMachineArn=machine)  # deleting what the caller does not have: a no-op
    stranger.delete_activity(activityArn=activity)
    assert owner.describe_execution(executionArn=execution)["status"] == "RUNNING"
    assert owner.describe_state_machine(stateMachineArn=machine)["status"] == "ACTIVE"
    owner.send_task_success(taskToken=token, output='{"done": true}')
    deadline = time.monotonic() + 10
    while (
        owner.describe_execution(executionArn=execution)["status"] == "RUNNING"
        and time.monotonic() < deadline
    ):
        time.sleep(0.01)  # the answer is delivered on the server's loop
    assert json.loads(owner.describe_execution(executionArn=execution)["output"]) == {"done": True}


_TERMINAL_EVENT = {
    "SUCCEEDED": "ExecutionSucceeded",
    "ABORTED": "ExecutionAborted",
    "FAILED": "ExecutionFailed",
}


def test_stop_execution_racing_with_completion_leaves_consistent_records(
    server: tuple[LiveServer, _Logged],
) -> None:
    live, logged = server
    wait = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1, "End": True}}}
    items = {"StartAt": "X", "States": {"X": {"Type": "Wait", "Seconds": 1, "End": True}}}
    definition = {
        "StartAt": "P",
        "States": {
            "P": {
                "Type": "Parallel",
                "End": True,
                "Branches": [
                    wait,
                    {
                        "StartAt": "M",
                        "States": {
                            "M": {"Type": "Map", "ItemsPath": "$.items", "ItemProcessor": items, "End": True}
                        },
                    },
                ],
            }
        },
    }
    clients = [make_client(live.url, access_key=ACCOUNT) for _ in range(16)]
    machine = clients[0].create_state_machine(
        name="racing", definition=json.dumps(definition), roleArn=ROLE_ARN
    )["stateMachineArn"]
    rng = random.Random(7)
    delays = [rng.random() * 0.03 for _ in range(120)]

    def start_and_maybe_stop(index: int) -> str:
        client = clients[index % len(clients)]
        arn = client.start_execution(
            stateMachineArn=machine, input=json.dumps({"items": list(range(index % 5))})
        )["executionArn"]
        if index % 2:
            time.sleep(delays[index])  # stop at a random moment: before, during or after the end
            client.stop_execution(executionArn=arn, error="Racing")
        return str(arn)

    with ThreadPoolExecutor(16) as pool:
        arns = list(pool.map(start_and_maybe_stop, range(120)))
    clients[0].delete_state_machine(stateMachineArn=machine)  # while some still run
    client = clients[0]
    for arn in arns:
        deadline = time.monotonic() + 10
        while (described := client.describe_execution(executionArn=arn))["status"] == "RUNNING":
            assert time.monotonic() < deadline, arn
            time.sleep(0.01)
        events = client.get_execution_history(executionArn=arn, maxResults=1000)["events"]
        assert [event["id"] for event in events] == list(range(1, len(events) + 1))
        assert all(event["previousEventId"] < event["id"] for event in events)
        assert events[-1]["type"] == _TERMINAL_EVENT[described["status"]]
        assert sum(event["type"].startswith("Execution") for event in events) == 2
    assert logged.records == []


def test_a_definition_with_text_after_its_object_is_read_once_never_a_500(
    server: tuple[LiveServer, _Logged],
) -> None:
    # Validation reads the first JSON value of the text (as AWS's parser does); compilation used
    # to parse the text again with a stricter reader and answered 500 InternalFailure.
    live, logged = server
    definition = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}) + " trailing"
    body = json.dumps(
        {"name": f"trailing-{random.randrange(10**9)}", "definition": definition, "roleArn": ROLE_ARN}
    )
    status, answer = _post(live.url, "CreateStateMachine", body.encode(), ACCOUNT, "us-east-1")
    assert status == 200, answer
    assert answer["stateMachineArn"].endswith(":stateMachine:" + json.loads(body)["name"])
    assert not [record for record in logged.records if "internal failure" in record.getMessage()]
