"""Hostile inputs get AWS-style answers, never a 500, and never stall anyone else: lone surrogates in
everything that is stored, oversized bodies, malformed mock configurations, a long poll beside other
AWS calls, and a session that runs more executions than the retention keeps.

Each case asserts the AWS-style outcome and that a concurrent ListStateMachines was answered within
a bound (compat_tests/hostile.py)."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from compat_tests.helpers import ROLE_ARN, aws_client, wait_finished
from compat_tests.hostile import Answer, Logged, logged_errors, raw, sfn_call, while_running
from compat_tests.server import LiveServer
from emulator.settings import Settings

LONE = "\ud800"  # JSON can carry it (as the escape json.dumps writes); UTF-8 cannot
PASS = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[LiveServer, Logged]]:
    with logged_errors() as logged:
        live = LiveServer(Settings(wait_time_scale=0.0)).start()
        yield live, logged
        live.stop()


def _ok(answer: Answer) -> dict[str, Any]:
    assert answer.status == 200, answer.body[:300]
    answer.body.decode("utf-8")  # every answer is valid UTF-8 JSON
    return answer.document


def _not_500(answer: Answer) -> Answer:
    assert answer.status < 500, answer.body[:300]
    assert answer.status == 200 or answer.error_type, answer.body[:300]
    answer.body.decode("utf-8")
    return answer


def test_lone_surrogates_in_everything_stored_never_break_an_answer_or_a_later_read(
    server: tuple[LiveServer, Logged],
) -> None:
    live, logged = server
    url = live.url
    call: Callable[[str, dict[str, Any]], Answer] = lambda operation, body: sfn_call(url, operation, body)  # noqa: E731
    suffix = uuid.uuid4().hex[:6]

    # names are refused at the door as AWS refuses any invalid character in a name
    for operation, body in (
        ("CreateStateMachine", {"name": f"m{LONE}", "definition": json.dumps(PASS), "roleArn": ROLE_ARN}),
        ("CreateActivity", {"name": f"a{LONE}"}),
    ):
        answer, watch = while_running(url, lambda: call(operation, body))  # noqa: B023
        assert (answer.status, answer.error_type) == (400, "InvalidName")
        watch.assert_answered_within()
    # tags are refused with the tag pattern's ValidationException
    tagged = call("CreateActivity", {"name": f"t-{suffix}", "tags": [{"key": f"k{LONE}", "value": "v"}]})
    assert (tagged.status, tagged.error_type) == (400, "ValidationException")

    # everything else is kept and comes back escaped
    definition = {
        "Comment": f"c{LONE}",
        "StartAt": f"S{LONE}",
        "States": {f"S{LONE}": {"Type": "Pass", "Result": {f"k{LONE}": f"v{LONE}"}, "End": True}},
    }
    created = _not_500(
        call(
            "CreateStateMachine",
            {
                "name": f"sur-{suffix}",
                "definition": json.dumps(definition),
                "roleArn": ROLE_ARN,
                "publish": True,
            },
        )
    )
    machine = created.document.get("stateMachineArn")
    if machine is None:  # refused as an invalid definition: also fine, but use a plain one below
        machine = _ok(
            call(
                "CreateStateMachine",
                {"name": f"sur-{suffix}", "definition": json.dumps(PASS), "roleArn": ROLE_ARN},
            )
        )["stateMachineArn"]
    _not_500(call("UpdateStateMachine", {"stateMachineArn": machine, "definition": json.dumps(definition)}))
    _not_500(call("PublishStateMachineVersion", {"stateMachineArn": machine, "description": f"d{LONE}"}))
    _not_500(
        call(
            "CreateStateMachineAlias",
            {
                "name": f"live{LONE}",
                "description": f"d{LONE}",
                "routingConfiguration": [{"stateMachineVersionArn": machine + ":1", "weight": 100}],
            },
        )
    )
    alias = _not_500(
        call(
            "CreateStateMachineAlias",
            {
                "name": "live",
                "description": f"d{LONE}",
                "routingConfiguration": [{"stateMachineVersionArn": machine + ":1", "weight": 100}],
            },
        )
    ).document.get("stateMachineAliasArn")
    if alias:
        _not_500(call("UpdateStateMachineAlias", {"stateMachineAliasArn": alias, "description": f"e{LONE}"}))
    _not_500(call("StartExecution", {"stateMachineArn": machine, "name": f"e{LONE}"}))
    # traceHeader's pattern is \p{ASCII}* (API_StartExecution): refused with a ValidationException
    refused = call("StartExecution", {"stateMachineArn": machine, "traceHeader": f"t{LONE}"})
    assert (refused.status, refused.error_type) == (400, "ValidationException")
    executions = []
    for text in (
        json.dumps({"a": LONE}),  # the surrogate raw in the input text
        json.dumps({"a": LONE}, ensure_ascii=True),  # escaped inside the input text
        json.dumps(LONE),
    ):
        answer, watch = while_running(
            url,
            lambda: call(  # noqa: B023
                "StartExecution",
                {"stateMachineArn": machine, "input": text, "traceHeader": "t"},  # noqa: B023
            ),
        )
        watch.assert_answered_within()
        if _not_500(answer).status == 200:
            executions.append(answer.document["executionArn"])
    # an intrinsic can make a lone surrogate out of pure ASCII
    maker = {
        "StartAt": "M",
        "States": {"M": {"Type": "Pass", "Parameters": {"v.$": "States.StringToJson($.t)"}, "End": True}},
    }
    made = _ok(
        call(
            "CreateStateMachine",
            {"name": f"maker-{suffix}", "definition": json.dumps(maker), "roleArn": ROLE_ARN},
        )
    )["stateMachineArn"]
    executions.append(
        _ok(call("StartExecution", {"stateMachineArn": made, "input": json.dumps({"t": '"\\ud800"'})}))[
            "executionArn"
        ]
    )
    waiting = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 100, "End": True}}}
    slow = _ok(
        call(
            "CreateStateMachine",
            {"name": f"slow-{suffix}", "definition": json.dumps(waiting), "roleArn": ROLE_ARN},
        )
    )["stateMachineArn"]
    stopped = _ok(call("StartExecution", {"stateMachineArn": slow}))["executionArn"]
    _not_500(call("StopExecution", {"executionArn": stopped, "error": f"E{LONE}", "cause": f"C{LONE}"}))
    executions.append(stopped)
    # task results sent by a worker
    activity = _ok(call("CreateActivity", {"name": f"act-{suffix}"}))["activityArn"]
    task = {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": activity, "End": True}}}
    worker_machine = _ok(
        call(
            "CreateStateMachine",
            {"name": f"worker-{suffix}", "definition": json.dumps(task), "roleArn": ROLE_ARN},
        )
    )["stateMachineArn"]
    for outcome in ("SendTaskSuccess", "SendTaskFailure"):
        started = _ok(call("StartExecution", {"stateMachineArn": worker_machine}))["executionArn"]
        token = _ok(call("GetActivityTask", {"activityArn": activity, "workerName": f"w{LONE}"}))["taskToken"]
        _not_500(call("SendTaskHeartbeat", {"taskToken": token}))
        body = (
            {"taskToken": token, "output": json.dumps({"r": LONE})}
            if outcome == "SendTaskSuccess"
            else {"taskToken": token, "error": f"E{LONE}", "cause": f"C{LONE}"}
        )
        _not_500(call(outcome, body))
        executions.append(started)
    _not_500(call("TagResource", {"resourceArn": machine, "tags": [{"key": "k", "value": f"v{LONE}"}]}))
    _not_500(
        call(
            "TestState",
            {"definition": json.dumps(definition["States"][f"S{LONE}"]), "input": json.dumps(LONE)},
        )
    )
    _not_500(call("ValidateStateMachineDefinition", {"definition": json.dumps(definition)}))
    express = _ok(
        call(
            "CreateStateMachine",
            {
                "name": f"express-{suffix}",
                "definition": json.dumps(PASS),
                "roleArn": ROLE_ARN,
                "type": "EXPRESS",
            },
        )
    )["stateMachineArn"]
    _not_500(call("StartSyncExecution", {"stateMachineArn": express, "input": json.dumps({"a": LONE})}))

    # every later read answers, and the values round-trip
    sfn = aws_client(live, "stepfunctions")
    for arn in executions:
        wait_finished(sfn, arn)
    _ok(call("ListStateMachines", {}))
    _ok(call("ListActivities", {}))
    _ok(call("DescribeStateMachine", {"stateMachineArn": machine}))
    _ok(call("ListStateMachineVersions", {"stateMachineArn": machine}))
    _ok(call("ListStateMachineAliases", {"stateMachineArn": machine}))
    _ok(call("ListTagsForResource", {"resourceArn": machine}))
    for arn in (machine, made, slow, worker_machine):
        _ok(call("ListExecutions", {"stateMachineArn": arn}))
    for arn in executions:
        _ok(call("DescribeExecution", {"executionArn": arn}))
        _ok(call("DescribeStateMachineForExecution", {"executionArn": arn}))
        _ok(call("GetExecutionHistory", {"executionArn": arn, "reverseOrder": True}))
    first = sfn.describe_execution(executionArn=executions[0])
    assert json.loads(first["input"]) == {"a": LONE}
    assert json.loads(sfn.describe_execution(executionArn=executions[3])["output"]) == {"v": LONE}
    assert logged.records == []


def test_a_body_over_the_limit_is_a_413_and_nothing_is_logged_as_a_crash(
    server: tuple[LiveServer, Logged],
) -> None:
    live, logged = server
    body = b'{"name": "big", "input": "' + b"x" * (5 * 1024 * 1024) + b'"}'
    for operation in ("StartExecution", "CreateActivity"):
        answer, watch = while_running(live.url, lambda: sfn_call(live.url, operation, body))  # noqa: B023
        assert (answer.status, answer.error_type) == (413, "RequestEntityTooLargeException")
        watch.assert_answered_within()
    mock = raw(live.url, "POST", "/_emulator/mock-config", body, {"Content-Type": "application/json"})
    assert (mock.status, mock.error_type) == (413, "RequestEntityTooLargeException")
    assert logged.records == []


@pytest.mark.parametrize(
    ("document", "key"),
    [
        (b"{", "$"),
        (b"[1, 2]", "$"),
        (b'"text"', "$"),
        (b'{"StateMachines": 5}', "StateMachines"),
        (b'{"MockedResponses": [1]}', "MockedResponses"),
        (b'{"StateMachines": {"m": {"TestCases": {"c": {"S": 1}}}}}', "StateMachines.m.TestCases.c.S"),
        (b'{"MockedResponses": {"r": {"x": {"Return": 1}}}}', "MockedResponses.r.x"),
        (b"\xff\xfe", "$"),
        (b"[" * 100_000, "$"),
    ],
)
def test_a_malformed_mock_configuration_is_a_validation_error(
    server: tuple[LiveServer, Logged], document: bytes, key: str
) -> None:
    live, logged = server
    answer, watch = while_running(
        live.url,
        lambda: raw(
            live.url, "POST", "/_emulator/mock-config", document, {"Content-Type": "application/json"}
        ),
    )
    assert (answer.status, answer.error_type, answer.document["key"]) == (400, "ValidationException", key)
    watch.assert_answered_within()
    assert raw(live.url, "GET", "/_emulator/mock-config").status == 200
    assert logged.records == []


def test_a_long_poll_never_delays_another_aws_call_or_execution(server: tuple[LiveServer, Logged]) -> None:
    live, logged = server
    sqs = aws_client(live, "sqs")
    polled = sqs.create_queue(QueueName=f"polled-{uuid.uuid4().hex[:6]}")["QueueUrl"]
    other = sqs.create_queue(QueueName=f"other-{uuid.uuid4().hex[:6]}")["QueueUrl"]
    sfn = aws_client(live, "stepfunctions")
    send = {
        "StartAt": "Send",
        "States": {
            "Send": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage",
                "Parameters": {"QueueUrl": other, "MessageBody": "from a state machine"},
                "End": True,
            }
        },
    }
    machine = sfn.create_state_machine(
        name=f"sender-{uuid.uuid4().hex[:6]}", definition=json.dumps(send), roleArn=ROLE_ARN
    )["stateMachineArn"]
    wait_finished(sfn, sfn.start_execution(stateMachineArn=machine)["executionArn"])  # backends warm
    received: list[dict[str, Any]] = []
    poller = threading.Thread(
        target=lambda: received.append(
            aws_client(live, "sqs").receive_message(QueueUrl=polled, WaitTimeSeconds=10)
        )
    )
    began = time.perf_counter()
    poller.start()
    time.sleep(0.3)  # the long poll is waiting in the backend

    def other_calls() -> tuple[float, float, str]:
        started = time.perf_counter()
        sqs.send_message(QueueUrl=other, MessageBody="x")
        sent = time.perf_counter() - started
        started = time.perf_counter()
        status = wait_finished(sfn, sfn.start_execution(stateMachineArn=machine)["executionArn"])["status"]
        return sent, time.perf_counter() - started, status

    (sent, executed, status), watch = while_running(live.url, other_calls)
    assert status == "SUCCEEDED"
    assert sent < 1.0, f"SendMessage waited {sent:.2f} s behind the long poll"
    assert executed < 2.0, f"an execution with an SQS task waited {executed:.2f} s behind the long poll"
    watch.assert_answered_within()
    assert poller.is_alive()  # still waiting: nothing was sent to its queue
    sqs.send_message(QueueUrl=polled, MessageBody="wake up")
    poller.join(timeout=15)
    assert [m["Body"] for m in received[0]["Messages"]] == ["wake up"]
    assert time.perf_counter() - began < 9  # woken by the message, not by the timeout
    assert logged.records == []


def test_finished_executions_beyond_the_retention_are_evicted_whole() -> None:
    with logged_errors() as logged:
        live = LiveServer(Settings(wait_time_scale=0.0, retained_executions=10)).start()
        try:
            sfn = aws_client(live, "stepfunctions")
            machine = sfn.create_state_machine(name="kept", definition=json.dumps(PASS), roleArn=ROLE_ARN)[
                "stateMachineArn"
            ]
            arns: list[str] = []

            def run_many() -> None:
                for _ in range(200):
                    arns.append(sfn.start_execution(stateMachineArn=machine)["executionArn"])
                    wait_finished(sfn, arns[-1])

            _, watch = while_running(live.url, run_many)
            watch.assert_answered_within()  # sweeps never stall the server
            listed = sfn.list_executions(stateMachineArn=machine, maxResults=1000)["executions"]
            assert 10 <= len(listed) <= 10 + 64  # the limit plus at most one sweep's slack
            assert listed[0]["executionArn"] == arns[-1]
            with pytest.raises(sfn.exceptions.ExecutionDoesNotExist):
                sfn.describe_execution(executionArn=arns[0])
            with pytest.raises(sfn.exceptions.ExecutionDoesNotExist):
                sfn.get_execution_history(executionArn=arns[0])
        finally:
            live.stop()
    assert logged.records == []


def test_a_lone_surrogate_made_inside_an_execution_is_never_an_internal_error(
    server: tuple[LiveServer, Logged],
) -> None:
    """An intrinsic makes a lone surrogate out of ASCII; hashing, Base64, sizing and an SQS task see it.
    UTF-8 bytes are taken as AWS's Java services take them ('?' for the surrogate)."""
    live, logged = server
    sfn, sqs = aws_client(live, "stepfunctions"), aws_client(live, "sqs")
    queue = sqs.create_queue(QueueName=f"chars-{uuid.uuid4().hex[:6]}")["QueueUrl"]
    made = "States.StringToJson($.t)"
    states = {
        "Hash": ({"Type": "Pass", "Parameters": {"v.$": f"States.Hash({made}, 'MD5')"}, "End": True}, "SUCCEEDED"),
        "Base64": ({"Type": "Pass", "Parameters": {"v.$": f"States.Base64Encode({made})"}, "End": True}, "SUCCEEDED"),
        "Size": ({"Type": "Pass", "Parameters": {"v.$": f"States.Format('{{}}{{}}', {made}, $.big)"}, "End": True}, "SUCCEEDED"),
        "Sqs": (
            {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
             "Parameters": {"QueueUrl": queue, "MessageBody.$": made}, "End": True},
            "FAILED",
        ),
    }  # fmt: skip
    for name, (state, status) in states.items():
        arn = sfn.create_state_machine(
            name=f"{name}-{uuid.uuid4().hex[:6]}",
            definition=json.dumps({"StartAt": name, "States": {name: state}}),
            roleArn=ROLE_ARN,
        )["stateMachineArn"]
        text = json.dumps({"t": '"\\ud800"', "big": "x" * 100_000})
        described, watch = while_running(
            live.url,
            lambda: wait_finished(sfn, sfn.start_execution(stateMachineArn=arn, input=text)["executionArn"]),  # noqa: B023
        )
        watch.assert_answered_within()
        assert described["status"] == status, described
        if name == "Hash":
            assert json.loads(described["output"]) == {"v": "d1457b72c3fb323a2671125aef3eab5d"}  # MD5 of "?"
        if name == "Sqs":
            assert described["error"] == "SQS.InvalidMessageContentsException"
    assert logged.records == []
