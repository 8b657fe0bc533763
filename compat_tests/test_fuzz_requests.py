"""A seeded fuzzer over whole HTTP requests: botocore-shaped bodies for every Step Functions operation
with lone surrogates sprinkled in, random and damaged definitions (created, validated, tested and run),
malformed mock configurations, browser headers (foreign origins, preflights, rebinding hosts,
non-JSON content types) and the odd oversized body.

Asserts: no 5xx, every refusal is an AWS-style error document, nothing logged as an error (no
traceback), and the server still answers afterwards. ``SFN_FUZZ_EXAMPLES`` sets the number of
requests (a few hundred in ``make test``; ``make fuzz`` runs 10,000)."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterator
from typing import Any

import botocore.session
import pytest

from compat_tests.helpers import ROLE_ARN, aws_client
from compat_tests.hostile import Logged, logged_errors, raw
from compat_tests.server import LiveServer
from emulator.settings import Settings
from tests.fuzzing import (
    FUZZ_EXAMPLES,
    INPUTS,
    METHODS,
    PATHS_HTTP,
    SIMPLE_DEFINITION,
    TOKENS,
    ShapedRequests,
    arns_around,
    fuzzed_definition,
    http_headers,
    mutate,
    with_surrogates,
)

SEED = 20261203
# Long polls and runs to completion: a fuzzed activity or callback task would hold them for minutes.
SKIPPED_OPERATIONS = {"GetActivityTask", "StartSyncExecution"}
MOCK_DOCUMENT = {
    "StateMachines": {"m": {"TestCases": {"c": {"S": "r"}}}},
    "MockedResponses": {"r": {"0": {"Return": {"a": 1}}, "1-2": {"Throw": {"Error": "E", "Cause": "C"}}}},
}


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[LiveServer, Logged]]:
    with logged_errors() as logged:
        live = LiveServer(Settings(wait_time_scale=0.0, timeout_scale=0.01)).start()
        yield live, logged
        live.stop()


class RequestFuzzer:
    def __init__(self, rng: random.Random, live: LiveServer) -> None:
        self.rng = rng
        self.port = live.settings.port
        sfn = aws_client(live, "stepfunctions")
        activity = sfn.create_activity(name="fuzz")["activityArn"]
        machine = sfn.create_state_machine(
            name="fuzz", definition=SIMPLE_DEFINITION, roleArn=ROLE_ARN, publish=True
        )["stateMachineArn"]
        sfn.create_state_machine_alias(
            name="live", routingConfiguration=[{"stateMachineVersionArn": machine + ":1", "weight": 100}]
        )
        execution = sfn.start_execution(stateMachineArn=machine, name="e")["executionArn"]
        sfn.start_execution(stateMachineArn=machine, name="f")
        token = sfn.list_executions(stateMachineArn=machine, maxResults=1)["nextToken"]
        self.model = botocore.session.get_session().get_service_model("stepfunctions")
        self.operations = [name for name in self.model.operation_names if name not in SKIPPED_OPERATIONS]
        self.shapes = ShapedRequests(rng, arns_around(machine, execution, activity), (*TOKENS, token))
        self.created: list[str] = [machine]
        self.started: list[str] = [execution]

    def request(self) -> tuple[str, str, bytes, dict[str, str]]:
        """(method, path, body, headers) of the next request."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.5:
            operation, body = self.step_functions_body()
            method, path = "POST", "/"
        elif roll < 0.65:
            operation, body = self.definition_body()
            method, path = "POST", "/"
        elif roll < 0.85:
            operation, body = self.run_body()
            method, path = "POST", "/"
        else:
            operation, method, path = None, rng.choice(METHODS), rng.choice(PATHS_HTTP)
            if not path.startswith("/_emulator/"):
                method = "OPTIONS"  # a preflight to any path: ours to answer (anything else is moto's)
            document: Any = mutate(MOCK_DOCUMENT, rng) if rng.random() < 0.8 else rng.choice(INPUTS)
            body = json.dumps(with_surrogates(document, rng)).encode()
        headers = http_headers(rng, self.port, operation)
        if method == "OPTIONS" and (not path.startswith("/_emulator/") or rng.random() < 0.8):
            headers["Access-Control-Request-Method"] = "POST"
        if rng.random() < 0.03:
            body = rng.choice((b"{", b"[]", b"null", b"\xff\xfe", b"[" * 100_000, b'{"a": NaN}', body[:10]))
        if rng.random() < 0.001:
            body = b'{"input": "' + b"x" * (5 * 1024 * 1024) + b'"}'
        return method, path, body, headers

    def step_functions_body(self) -> tuple[str, bytes]:
        rng = self.rng
        operation = rng.choice(self.operations)
        shape = self.model.operation_model(operation).input_shape
        body = self.shapes.structure(shape) if shape is not None else {}
        if "definition" in body or (operation in ("CreateStateMachine", "TestState") and rng.random() < 0.7):
            body["definition"] = fuzzed_definition(rng)
            if operation == "CreateStateMachine":
                body.update(name=f"fz-{rng.getrandbits(40):x}", roleArn=ROLE_ARN)
        if rng.random() < 0.3:
            body = with_surrogates(body, rng)
        return operation, json.dumps(body).encode()

    def definition_body(self) -> tuple[str, bytes]:
        """A fuzzed definition created, validated, or one of its states tested."""
        rng = self.rng
        text = fuzzed_definition(rng)
        operation = rng.choice(
            ("CreateStateMachine", "CreateStateMachine", "ValidateStateMachineDefinition", "TestState")
        )
        body: dict[str, Any] = {"definition": text}
        if operation == "CreateStateMachine":
            body.update(name=f"fz-{rng.getrandbits(40):x}", roleArn=ROLE_ARN)
        elif operation == "TestState":
            body.update(roleArn=ROLE_ARN, input=rng.choice(INPUTS))
            try:
                states = json.loads(text).get("States")
                body["definition"] = json.dumps(rng.choice(list(states.values())))
            except (ValueError, AttributeError, TypeError, IndexError):
                pass  # test the damaged text as it is
        return operation, json.dumps(body).encode()

    def run_body(self) -> tuple[str, bytes]:
        """Start a machine the fuzzer created, or read back an execution it started."""
        rng = self.rng
        if self.started and rng.random() < 0.4:
            operation = rng.choice(("DescribeExecution", "GetExecutionHistory", "StopExecution"))
            return operation, json.dumps({"executionArn": rng.choice(self.started)}).encode()
        body: dict[str, Any] = {"stateMachineArn": rng.choice(self.created), "input": rng.choice(INPUTS)}
        if rng.random() < 0.3:
            body = with_surrogates(body, rng)
        return "StartExecution", json.dumps(body).encode()

    def observe(self, operation: str, answer_body: bytes) -> None:
        """Remember the machines the fuzzer created and the executions it started."""
        if operation not in ("CreateStateMachine", "StartExecution"):
            return
        document = json.loads(answer_body)
        found = self.created if operation == "CreateStateMachine" else self.started
        arn = document.get("stateMachineArn" if operation == "CreateStateMachine" else "executionArn")
        if isinstance(arn, str) and len(found) < 500:
            found.append(arn)


def test_fuzzed_requests_get_aws_errors_never_a_5xx_or_a_traceback(server: tuple[LiveServer, Logged]) -> None:
    live, logged = server
    rng = random.Random(SEED)
    fuzzer = RequestFuzzer(rng, live)
    failures: list[tuple[Any, ...]] = []
    statuses: dict[int, int] = {}
    count = FUZZ_EXAMPLES or 300
    began = time.perf_counter()
    for number in range(count):
        method, path, body, headers = fuzzer.request()
        answer = raw(live.url, method, path, body, headers)
        statuses[answer.status] = statuses.get(answer.status, 0) + 1
        if answer.status >= 500 or (answer.status >= 400 and method != "HEAD" and not answer.error_type):
            failures.append((number, method, path, headers, body[:300], answer.status, answer.body[:300]))
        elif answer.status == 200:
            fuzzer.observe(headers.get("X-Amz-Target", "").rpartition(".")[2], answer.body)
    elapsed = time.perf_counter() - began
    assert failures == [], failures[:5]
    assert raw(live.url, "GET", "/_emulator/health").status == 200
    sfn = aws_client(live, "stepfunctions")
    assert sfn.list_state_machines(maxResults=5)["stateMachines"]
    after = sfn.create_state_machine(name="after-fuzz", definition=SIMPLE_DEFINITION, roleArn=ROLE_ARN)
    assert sfn.describe_state_machine(stateMachineArn=after["stateMachineArn"])["name"] == "after-fuzz"
    assert logged.records == [], [record.getMessage() for record in logged.records[:5]]
    print(
        f"{count} fuzzed requests in {elapsed:.1f} s; {len(fuzzer.created)} machines created, "
        f"{len(fuzzer.started)} executions started; {statuses}"
    )
