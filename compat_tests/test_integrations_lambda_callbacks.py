"""Lambda (local handlers), callbacks, activities, nested executions and HTTP tasks over real HTTP."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from compat_tests.conftest import ROLE_ARN, make_client
from compat_tests.helpers import wait_finished
from compat_tests.server import LiveServer
from emulator.settings import Settings

FUNCTIONS = Path(__file__).with_name("handlers") / "functions.py"
ACCOUNT = "123456789012"
REGION = "us-east-1"


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    handlers = {name: f"{FUNCTIONS}:{name}" for name in ("echo", "fail", "slow", "crash", "token")}
    handlers["prefixed-*"] = f"{FUNCTIONS}:echo"
    # Task timeouts and heartbeats run 20x faster (TimeoutSeconds 1 = 50 ms); GetActivityTask long-polls.
    live = LiveServer(Settings(wait_time_scale=1.0, lambda_handlers=handlers, timeout_scale=0.05)).start()
    yield live
    live.stop()


@pytest.fixture(scope="module")
def sfn(server: LiveServer) -> Any:
    return make_client(server.url)


def run(
    sfn: Any, definition: dict[str, Any], payload: Any = None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    arn = start(sfn, definition, payload)
    return wait_finished(sfn, arn), history(sfn, arn)


def start(sfn: Any, definition: dict[str, Any], payload: Any = None) -> str:
    machine = sfn.create_state_machine(
        name=f"sm-{uuid.uuid4().hex[:12]}", definition=json.dumps(definition), roleArn=ROLE_ARN
    )["stateMachineArn"]
    execution: str = sfn.start_execution(stateMachineArn=machine, input=json.dumps(payload or {}))[
        "executionArn"
    ]
    return execution


def history(sfn: Any, execution_arn: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = sfn.get_execution_history(executionArn=execution_arn, maxResults=1000)[
        "events"
    ]
    return events


def types(events: list[dict[str, Any]]) -> list[str]:
    return [event["type"] for event in events]


def wait_for_event(sfn: Any, execution_arn: str, event_type: str) -> dict[str, Any]:
    for _ in range(1000):
        for event in history(sfn, execution_arn):
            if event["type"] == event_type:
                return event
        time.sleep(0.005)
    raise AssertionError(f"no {event_type} in {execution_arn}")


def task(resource: str, **fields: Any) -> dict[str, Any]:
    return {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": resource, "End": True, **fields}}}


def function_arn(name: str) -> str:
    return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"


# --- Lambda -----------------------------------------------------------------------------------


def test_lambda_invoke_returns_the_payload_in_aws_shape(sfn: Any) -> None:
    described, events = run(
        sfn,
        task("arn:aws:states:::lambda:invoke", Parameters={"FunctionName": "echo", "Payload.$": "$"}),
        {"a": 1},
    )
    assert described["status"] == "SUCCEEDED"
    output = json.loads(described["output"])
    assert output["Payload"] == {"event": {"a": 1}, "function": "echo"}
    assert output["StatusCode"] == 200
    assert output["ExecutedVersion"] == "$LATEST"
    assert set(output) == {
        "ExecutedVersion",
        "Payload",
        "SdkHttpMetadata",
        "SdkResponseMetadata",
        "StatusCode",
    }
    assert types(events)[2:5] == ["TaskScheduled", "TaskStarted", "TaskSucceeded"]


def test_function_arn_records_lambda_function_events_and_outputs_the_payload(sfn: Any) -> None:
    described, events = run(sfn, task(function_arn("prefixed-one")), {"b": 2})
    assert json.loads(described["output"]) == {"event": {"b": 2}, "function": "prefixed-one"}
    assert types(events) == [
        "ExecutionStarted",
        "TaskStateEntered",
        "LambdaFunctionScheduled",
        "LambdaFunctionStarted",
        "LambdaFunctionSucceeded",
        "TaskStateExited",
        "ExecutionSucceeded",
    ]
    assert events[2]["lambdaFunctionScheduledEventDetails"]["resource"] == function_arn("prefixed-one")


def test_handler_exception_fails_the_state_with_the_error_type_and_lambda_error_document(sfn: Any) -> None:
    described, events = run(
        sfn, task("arn:aws:states:::lambda:invoke", Parameters={"FunctionName": "fail", "Payload": {}})
    )
    assert described["status"] == "FAILED"
    assert described["error"] == "ValueError"
    cause = json.loads(described["cause"])
    assert cause["errorMessage"] == "bad input"
    assert cause["errorType"] == "ValueError"
    assert uuid.UUID(cause["requestId"])
    handlers_folder = Path(__file__).resolve().parent / "handlers"
    assert cause["stackTrace"][0].startswith(f'  File "{handlers_folder / "functions.py"}", line')
    assert events[4]["type"] == "TaskFailed"


def test_legacy_function_error_cause_is_the_runtime_text_verbatim(sfn: Any) -> None:
    described, events = run(sfn, task(function_arn("fail")))
    assert described["error"] == "ValueError"
    assert described["cause"].startswith('{"errorMessage": "bad input", "errorType": "ValueError"')
    assert "LambdaFunctionFailed" in types(events)


def test_handler_timeout_is_a_task_timeout_and_the_function_keeps_working(sfn: Any) -> None:
    described, events = run(
        sfn, task("arn:aws:states:::lambda:invoke", Parameters={"FunctionName": "slow"}, TimeoutSeconds=1)
    )
    assert described["status"] == "FAILED"
    assert described["error"] == "States.Timeout"
    assert events[4]["type"] == "TaskTimedOut"
    legacy, legacy_events = run(sfn, task(function_arn("slow"), TimeoutSeconds=1))
    assert legacy["error"] == "States.Timeout"
    assert "LambdaFunctionTimedOut" in types(legacy_events)


def test_a_crashing_handler_costs_only_its_worker(sfn: Any) -> None:
    described, _ = run(sfn, task(function_arn("crash")))
    assert described["error"] == "Runtime.ExitError"
    again, _ = run(sfn, task(function_arn("echo")), {"c": 3})
    assert again["status"] == "SUCCEEDED"


def test_unknown_function_is_resource_not_found(sfn: Any) -> None:
    described, _ = run(sfn, task("arn:aws:states:::lambda:invoke", Parameters={"FunctionName": "nope"}))
    assert described["error"] == "Lambda.ResourceNotFoundException"
    assert described["cause"].startswith(
        f"Function not found: {function_arn('nope')}:$LATEST (Service: AWSLambda;"
    )


# --- callbacks --------------------------------------------------------------------------------

CALLBACK = "arn:aws:states:::lambda:invoke.waitForTaskToken"


def callback_machine(**fields: Any) -> dict[str, Any]:
    return task(
        CALLBACK, Parameters={"FunctionName": "token", "Payload": {"token.$": "$$.Task.Token"}}, **fields
    )


def submitted_token(sfn: Any, execution_arn: str) -> str:
    event = wait_for_event(sfn, execution_arn, "TaskSubmitted")
    token: str = json.loads(event["taskSubmittedEventDetails"]["output"])["Payload"]["token"]
    return token


def test_wait_for_task_token_succeeds_with_the_sent_output(sfn: Any) -> None:
    execution = start(sfn, callback_machine())
    token = submitted_token(sfn, execution)
    sfn.send_task_heartbeat(taskToken=token)
    sfn.send_task_success(taskToken=token, output='{"done":true}')
    described = wait_finished(sfn, execution)
    assert json.loads(described["output"]) == {"done": True}
    assert types(history(sfn, execution))[2:7] == [
        "TaskScheduled",
        "TaskStarted",
        "TaskSubmitted",
        "TaskSucceeded",
        "TaskStateExited",
    ]
    with pytest.raises(ClientError) as late:
        sfn.send_task_success(taskToken=token, output="{}")
    assert late.value.response["Error"]["Code"] == "TaskTimedOut"


def test_wait_for_task_token_fails_with_the_sent_error(sfn: Any) -> None:
    execution = start(sfn, callback_machine())
    sfn.send_task_failure(taskToken=submitted_token(sfn, execution), error="Oops", cause="it broke")
    described = wait_finished(sfn, execution)
    assert (described["error"], described["cause"]) == ("Oops", "it broke")


def test_missing_heartbeat_times_the_task_out(sfn: Any) -> None:
    execution = start(sfn, callback_machine(HeartbeatSeconds=1))
    token = submitted_token(sfn, execution)
    described = wait_finished(sfn, execution)
    assert described["error"] == "States.Timeout"
    assert "TaskTimedOut" in types(history(sfn, execution))
    with pytest.raises(ClientError) as late:
        sfn.send_task_success(taskToken=token, output="{}")
    assert late.value.response["Error"]["Code"] == "TaskTimedOut"


def test_stopping_the_execution_ends_its_callback_wait(sfn: Any) -> None:
    execution = start(sfn, callback_machine())
    token = submitted_token(sfn, execution)
    sfn.stop_execution(executionArn=execution)
    assert wait_finished(sfn, execution)["status"] == "ABORTED"
    with pytest.raises(ClientError) as late:
        sfn.send_task_heartbeat(taskToken=token)
    assert late.value.response["Error"]["Code"] == "TaskTimedOut"


def test_unknown_token_is_task_does_not_exist(sfn: Any) -> None:
    execution = start(sfn, callback_machine())
    token = submitted_token(sfn, execution)
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    with pytest.raises(ClientError) as unknown:
        sfn.send_task_success(taskToken=forged, output="{}")
    assert unknown.value.response["Error"]["Code"] in ("TaskDoesNotExist", "InvalidToken")
    sfn.send_task_success(taskToken=token, output="1")
    assert wait_finished(sfn, execution)["output"] == "1"


# --- activities -------------------------------------------------------------------------------


def test_activity_records_the_worker_and_its_answer(sfn: Any) -> None:
    activity = sfn.create_activity(name=f"act-{uuid.uuid4().hex[:8]}")["activityArn"]
    execution = start(sfn, task(activity, HeartbeatSeconds=60), {"job": 1})
    work = sfn.get_activity_task(activityArn=activity, workerName="worker-7")
    assert json.loads(work["input"]) == {"job": 1}
    sfn.send_task_heartbeat(taskToken=work["taskToken"])
    sfn.send_task_success(taskToken=work["taskToken"], output='{"ok":1}')
    assert wait_finished(sfn, execution)["output"] == '{"ok":1}'
    events = history(sfn, execution)
    assert types(events)[2:5] == ["ActivityScheduled", "ActivityStarted", "ActivitySucceeded"]
    assert events[3]["activityStartedEventDetails"] == {"workerName": "worker-7"}


def test_deleted_activity_fails_the_state_with_a_runtime_error(sfn: Any) -> None:
    activity = sfn.create_activity(name=f"act-{uuid.uuid4().hex[:8]}")["activityArn"]
    sfn.delete_activity(activityArn=activity)
    described, _ = run(sfn, task(activity))
    assert described["error"] == "States.Runtime"
    assert described["cause"].endswith(f"The activity {activity} does not exist.")


# --- nested executions ------------------------------------------------------------------------


def child(sfn: Any, definition: dict[str, Any]) -> str:
    arn: str = sfn.create_state_machine(
        name=f"child-{uuid.uuid4().hex[:10]}", definition=json.dumps(definition), roleArn=ROLE_ARN
    )["stateMachineArn"]
    return arn


def test_start_execution_sync2_returns_the_child_output_as_json(sfn: Any) -> None:
    target = child(sfn, {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"x": 1}, "End": True}}})
    described, events = run(
        sfn,
        task(
            "arn:aws:states:::states:startExecution.sync:2",
            Parameters={"StateMachineArn": target, "Input": {"in": 1}, "Name": "kid"},
        ),
    )
    output = json.loads(described["output"])
    assert output["Output"] == {"x": 1}
    assert output["Input"] == {"in": 1}
    assert output["Status"] == "SUCCEEDED"
    assert output["ExecutionArn"].endswith(":kid")
    assert "TaskSubmitted" in types(events)


def test_start_execution_sync_failure_is_task_failed_with_the_child_description(sfn: Any) -> None:
    target = child(sfn, {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E", "Cause": "C"}}})
    described, _ = run(
        sfn, task("arn:aws:states:::states:startExecution.sync", Parameters={"StateMachineArn": target})
    )
    assert described["error"] == "States.TaskFailed"
    cause = json.loads(described["cause"])
    assert (cause["Error"], cause["Cause"], cause["Status"]) == ("E", "C", "FAILED")


def test_stopping_a_parent_stops_the_child_its_sync_task_waits_for(sfn: Any) -> None:
    target = child(sfn, {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 3600, "End": True}}})
    parent = start(
        sfn, task("arn:aws:states:::states:startExecution.sync:2", Parameters={"StateMachineArn": target})
    )
    submitted = wait_for_event(sfn, parent, "TaskSubmitted")
    child_arn = json.loads(submitted["taskSubmittedEventDetails"]["output"])["ExecutionArn"]
    assert sfn.describe_execution(executionArn=child_arn)["status"] == "RUNNING"
    sfn.stop_execution(executionArn=parent, error="Stop.Parent", cause="by test")
    described = wait_finished(sfn, child_arn)
    assert described["status"] == "ABORTED"
    assert types(history(sfn, child_arn))[-1] == "ExecutionAborted"
    assert wait_finished(sfn, parent)["status"] == "ABORTED"


def test_start_execution_of_a_missing_machine_is_state_machine_does_not_exist(sfn: Any) -> None:
    missing = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:missing-{uuid.uuid4().hex[:6]}"
    described, _ = run(
        sfn, task("arn:aws:states:::states:startExecution", Parameters={"StateMachineArn": missing})
    )
    assert described["error"] == "StepFunctions.StateMachineDoesNotExistException"
    assert "Error Code: StateMachineDoesNotExist" in described["cause"]


# --- HTTP task --------------------------------------------------------------------------------


def test_http_task_calls_a_loopback_server(server: LiveServer, sfn: Any) -> None:
    described, _ = run(
        sfn,
        task(
            "arn:aws:states:::http:invoke",
            Parameters={
                "ApiEndpoint": f"{server.url}/_emulator/health",
                "Method": "GET",
                "QueryParameters": {"q": "1"},
            },
        ),
    )
    assert described["status"] == "SUCCEEDED"
    output = json.loads(described["output"])
    assert (output["StatusCode"], output["StatusText"]) == (200, "OK")
    assert set(output) == {"Headers", "ResponseBody", "StatusCode", "StatusText"}


def test_http_task_error_status_fails_the_state(server: LiveServer, sfn: Any) -> None:
    described, _ = run(
        sfn,
        task(
            "arn:aws:states:::http:invoke",
            Parameters={"ApiEndpoint": f"{server.url}/_emulator/health", "Method": "DELETE"},
        ),
    )
    assert described["status"] == "FAILED"
    assert described["error"].startswith("States.Http.StatusCode.4")


def test_activity_worker_thread_long_poll_is_woken_by_the_task(sfn: Any) -> None:
    activity = sfn.create_activity(name=f"act-{uuid.uuid4().hex[:8]}")["activityArn"]
    received: dict[str, Any] = {}

    def worker() -> None:
        received.update(make_client(sfn.meta.endpoint_url).get_activity_task(activityArn=activity))

    thread = threading.Thread(target=worker)
    thread.start()
    execution = start(sfn, task(activity), {"n": 5})
    thread.join(timeout=10)
    assert json.loads(received["input"]) == {"n": 5}
    sfn.send_task_success(taskToken=received["taskToken"], output="true")
    assert wait_finished(sfn, execution)["output"] == "true"
