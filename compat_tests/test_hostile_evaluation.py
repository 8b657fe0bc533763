"""Nothing a definition evaluates can freeze the server (issue 10, part A).

Each hostile evaluation fails (or finishes) its execution with AWS's error in bounded time while
another client's ListStateMachines and StartExecution are answered promptly
(compat_tests/hostile.py's ``while_running``); StopExecution works during a long evaluation."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from compat_tests.helpers import ROLE_ARN, aws_client, wait_finished
from compat_tests.hostile import while_running
from compat_tests.server import LiveServer
from emulator.settings import Settings

TIMEOUT = 2.0  # --evaluation-timeout for this server: a runaway fails after it
BOUND = TIMEOUT + 8.0  # the execution ends within this (a loaded 2-core machine)


@pytest.fixture(scope="module")
def live() -> Iterator[LiveServer]:
    server = LiveServer(Settings(wait_time_scale=0.0, evaluation_timeout=TIMEOUT)).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def sfn(live: LiveServer) -> Any:
    return aws_client(live, "stepfunctions")


def _jsonata_pass(output: str) -> dict[str, Any]:
    return {
        "QueryLanguage": "JSONata",
        "StartAt": "P",
        "States": {"P": {"Type": "Pass", "Output": output, "End": True}},
    }


def _string_matches(pattern: str) -> dict[str, Any]:
    rule = {"Variable": "$.s", "StringMatches": pattern, "Next": "Matched"}
    return {
        "StartAt": "C",
        "States": {
            "C": {"Type": "Choice", "Choices": [rule], "Default": "Other"},
            "Matched": {"Type": "Pass", "Result": "matched", "End": True},
            "Other": {"Type": "Pass", "Result": "other", "End": True},
        },
    }


def _run(sfn: Any, definition: dict[str, Any], payload: dict[str, Any]) -> tuple[dict[str, Any], float]:
    arn = sfn.create_state_machine(
        name=f"hostile-{uuid.uuid4().hex[:8]}", definition=json.dumps(definition), roleArn=ROLE_ARN
    )["stateMachineArn"]
    began = time.perf_counter()
    started = sfn.start_execution(stateMachineArn=arn, input=json.dumps(payload))
    described = wait_finished(sfn, started["executionArn"])
    return described, time.perf_counter() - began


CASES = [
    pytest.param(
        _jsonata_pass("{% ( $f := function($x){ $f($x+1) }; $f(0) ) %}"),
        {},
        "FAILED",
        "States.QueryEvaluationError",
        "D1012: Evaluation timeout after 2000 milliseconds",
        id="tail-recursion",
    ),
    pytest.param(
        _jsonata_pass("{% $count($match($states.input.s, /(a+)+$/)) %}"),
        {"s": "a" * 30 + "!"},
        "SUCCEEDED",
        None,
        None,
        id="backtracking-match",
    ),
    pytest.param(
        _jsonata_pass("{% $match('aa', /(a)\\1/) %}"),
        {},
        "FAILED",
        "States.QueryEvaluationError",
        "uses backreferences",
        id="regex-rejected-by-re2",
    ),
    pytest.param(
        _string_matches("*/*/*/*.json"), {"s": "a/" * 768}, "SUCCEEDED", None, None, id="glob-s3-key"
    ),
    pytest.param(
        _string_matches("*a*a*a*a*a*a*b"), {"s": "a" * 3072}, "SUCCEEDED", None, None, id="glob-stars"
    ),
    pytest.param(
        _jsonata_pass("{% $pad('', 1e9) %}"),
        {},
        "FAILED",
        "States.DataLimitExceeded",
        "would exceed the maximum payload size",
        id="pad-1e9",
    ),
]


@pytest.mark.parametrize(("definition", "payload", "status", "error", "cause"), CASES)
def test_a_hostile_evaluation_ends_in_bounded_time_and_stalls_nobody(
    live: LiveServer,
    sfn: Any,
    definition: dict[str, Any],
    payload: dict[str, Any],
    status: str,
    error: str | None,
    cause: str | None,
) -> None:
    (described, elapsed), watch = while_running(live.url, lambda: _run(sfn, definition, payload))
    assert described["status"] == status, described
    assert elapsed < BOUND
    if error is not None:
        assert described["error"] == error
        assert cause in described["cause"]
    watch.assert_answered_within()


def test_another_client_starts_and_finishes_executions_during_a_runaway(live: LiveServer, sfn: Any) -> None:
    def other_client() -> list[float]:
        arn = sfn.create_state_machine(
            name=f"quick-{uuid.uuid4().hex[:8]}",
            definition=json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}),
            roleArn=ROLE_ARN,
        )["stateMachineArn"]
        times = []
        for _ in range(5):
            began = time.perf_counter()
            started = sfn.start_execution(stateMachineArn=arn)
            assert wait_finished(sfn, started["executionArn"])["status"] == "SUCCEEDED"
            times.append(time.perf_counter() - began)
        return times

    runaway = sfn.create_state_machine(
        name=f"runaway-{uuid.uuid4().hex[:8]}",
        definition=json.dumps(_jsonata_pass("{% ( $f := function($x){ $f($x+1) }; $f(0) ) %}")),
        roleArn=ROLE_ARN,
    )["stateMachineArn"]
    started = sfn.start_execution(stateMachineArn=runaway)
    time.sleep(0.1)  # the runaway is evaluating off the loop
    times, watch = while_running(live.url, other_client)
    assert max(times) < 1.0, times
    watch.assert_answered_within()
    assert wait_finished(sfn, started["executionArn"])["error"] == "States.QueryEvaluationError"


def test_stop_execution_ends_a_long_evaluation_at_once(live: LiveServer, sfn: Any) -> None:
    runaway = sfn.create_state_machine(
        name=f"stopped-{uuid.uuid4().hex[:8]}",
        definition=json.dumps(_jsonata_pass("{% ( $f := function($x){ $f($x+1) }; $f(0) ) %}")),
        roleArn=ROLE_ARN,
    )["stateMachineArn"]
    started = sfn.start_execution(stateMachineArn=runaway)
    time.sleep(0.2)
    began = time.perf_counter()
    sfn.stop_execution(executionArn=started["executionArn"], error="Halt", cause="by the test")
    described = wait_finished(sfn, started["executionArn"])
    assert time.perf_counter() - began < 1.0
    assert described["status"] == "ABORTED"
