import asyncio
import json

from emulator.integrations.registry import IntegrationRegistry
from emulator.model.jsontext import from_json_text
from emulator.model.records import ExecutionStatus
from emulator.runtime.engine import Engine
from tests.fakes import ManualClock, StubIntegration, failing
from tests.unit.runtime.harness import events, make_execution, run_definition


def _details(execution, index):
    event = execution.history.events[index]
    return event.details


async def test_pass_chain_records_entered_exited_pairs_and_keeps_input_text() -> None:
    execution = await run_definition(
        {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "End": True}}},
        "[1, 2]",
    )
    assert events(execution) == [
        (1, 0, "ExecutionStarted"),
        (2, 0, "PassStateEntered"),
        (3, 2, "PassStateExited"),
        (4, 3, "PassStateEntered"),
        (5, 4, "PassStateExited"),
        (6, 5, "ExecutionSucceeded"),
    ]
    assert _details(execution, 1)["input"] == "[1, 2]"  # the caller's text, untouched
    assert execution.status is ExecutionStatus.SUCCEEDED
    assert execution.output == "[1, 2]"


async def test_changed_values_are_serialised_compactly() -> None:
    execution = await run_definition(
        {"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": {"a": [1, 2]}, "End": True}}}, "{}"
    )
    assert execution.output == '{"a":[1,2]}'


async def test_runtime_errors_name_the_state_and_its_entered_event() -> None:
    execution = await run_definition(
        {
            "StartAt": "A",
            "States": {
                "A": {
                    "Type": "Pass",
                    "InputPath": "$.missing",
                    "End": True,
                }
            },
        },
        "{}",
    )
    assert execution.status is ExecutionStatus.FAILED
    assert execution.error == "States.Runtime"
    assert execution.cause == (
        "An error occurred while executing the state 'A' (entered at the event id #2). "
        "Invalid path '$.missing' : No results for path: $['missing']"
    )
    assert events(execution)[-1] == (3, 2, "ExecutionFailed")


async def test_states_runtime_is_not_caught_even_when_named() -> None:
    execution = await run_definition(
        {
            "StartAt": "T",
            "States": {
                "T": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::sqs:sendMessage",
                    "OutputPath": "$.x.y",
                    "Catch": [{"ErrorEquals": ["States.Runtime", "States.ALL"], "Next": "H"}],
                    "End": True,
                },
                "H": {"Type": "Pass", "End": True},
            },
        },
        "{}",
        integrations=_registry("sqs", lambda call: {}),
    )
    assert execution.error == "States.Runtime"


def _registry(key, respond):
    registry = IntegrationRegistry()
    registry.register(key, StubIntegration(respond))
    return registry


async def test_task_success_records_scheduled_started_succeeded() -> None:
    registry = _registry("sqs", lambda call: {"MessageId": "m1"})
    execution = await run_definition(
        {
            "StartAt": "T",
            "States": {
                "T": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::sqs:sendMessage",
                    "Parameters": {"Body.$": "$.b"},
                    "TimeoutSeconds": 30,
                    "ResultSelector": {"id.$": "$.MessageId"},
                    "ResultPath": "$.r",
                    "End": True,
                }
            },
        },
        '{"b": "hi"}',
        integrations=registry,
    )
    assert [e[2] for e in events(execution)] == [
        "ExecutionStarted",
        "TaskStateEntered",
        "TaskScheduled",
        "TaskStarted",
        "TaskSucceeded",
        "TaskStateExited",
        "ExecutionSucceeded",
    ]
    assert _details(execution, 2) == {
        "resourceType": "sqs",
        "resource": "sendMessage",
        "region": "us-east-1",
        "parameters": '{"Body":"hi"}',
        "timeoutInSeconds": 30,
    }
    assert from_json_text(execution.output) == {"b": "hi", "r": {"id": "m1"}}


async def test_retry_reschedules_with_backoff_then_catch_writes_error_at_result_path() -> None:
    clock = ManualClock()
    registry = _registry("lambda", failing("Boom", "it broke"))
    execution = await run_definition(
        {
            "StartAt": "T",
            "States": {
                "T": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::lambda:invoke",
                    "Parameters": {"FunctionName": "f"},
                    "Retry": [
                        {"ErrorEquals": ["Boom"], "MaxAttempts": 2, "IntervalSeconds": 2, "BackoffRate": 3}
                    ],
                    "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.err", "Next": "H"}],
                    "End": True,
                },
                "H": {"Type": "Pass", "End": True},
            },
        },
        '{"k": 1}',
        integrations=registry,
        clock=clock,
    )
    assert clock.sleeps == [2.0, 6.0]
    assert events(execution)[2:12] == [
        (3, 2, "TaskScheduled"),
        (4, 3, "TaskStarted"),
        (5, 4, "TaskFailed"),
        (6, 5, "TaskScheduled"),
        (7, 6, "TaskStarted"),
        (8, 7, "TaskFailed"),
        (9, 8, "TaskScheduled"),
        (10, 9, "TaskStarted"),
        (11, 10, "TaskFailed"),
        (12, 11, "TaskStateExited"),
    ]
    assert from_json_text(execution.output) == {"k": 1, "err": {"Error": "Boom", "Cause": "it broke"}}


async def test_unreachable_lambda_fails_like_aws_resource_not_found() -> None:
    execution = await run_definition(
        {
            "StartAt": "T",
            "States": {
                "T": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::lambda:invoke",
                    "Parameters": {"FunctionName": "nope"},
                    "End": True,
                }
            },
        },
        "{}",
    )
    assert execution.error == "Lambda.ResourceNotFoundException"
    assert execution.cause.startswith(
        "Function not found: arn:aws:lambda:us-east-1:111111111111:function:nope:$LATEST (Service: AWSLambda; "
        "Status Code: 404; Error Code: ResourceNotFoundException; Request ID: "
    )
    assert [e[2] for e in events(execution)][-2:] == ["TaskFailed", "ExecutionFailed"]


async def test_lambda_function_arn_uses_lambda_function_events() -> None:
    registry = _registry("lambda-function", lambda call: {"ok": True})
    execution = await run_definition(
        {
            "StartAt": "T",
            "States": {
                "T": {
                    "Type": "Task",
                    "Resource": "arn:aws:lambda:us-east-1:111111111111:function:f",
                    "End": True,
                }
            },
        },
        "{}",
        integrations=registry,
    )
    assert [e[2] for e in events(execution)][2:5] == [
        "LambdaFunctionScheduled",
        "LambdaFunctionStarted",
        "LambdaFunctionSucceeded",
    ]


async def test_wait_sleeps_through_the_clock() -> None:
    clock = ManualClock()
    execution = await run_definition(
        {"StartAt": "W", "States": {"W": {"Type": "Wait", "SecondsPath": "$.s", "End": True}}},
        '{"s": 42}',
        clock=clock,
    )
    assert clock.sleeps == [42.0]
    assert [e[2] for e in events(execution)] == [
        "ExecutionStarted",
        "WaitStateEntered",
        "WaitStateExited",
        "ExecutionSucceeded",
    ]


async def test_execution_timeout_records_execution_timed_out() -> None:
    clock = ManualClock()
    execution = await run_definition(
        {
            "TimeoutSeconds": 10,
            "StartAt": "W",
            "States": {"W": {"Type": "Wait", "Seconds": 100, "End": True}},
        },
        "{}",
        clock=clock,
    )
    assert clock.sleeps == [10.0]
    assert execution.status is ExecutionStatus.TIMED_OUT
    assert events(execution)[-1][2] == "ExecutionTimedOut"


async def test_choice_without_match_fails_with_no_choice_matched() -> None:
    execution = await run_definition(
        {
            "StartAt": "C",
            "States": {
                "C": {"Type": "Choice", "Choices": [{"Variable": "$.v", "NumericEquals": 1, "Next": "D"}]},
                "D": {"Type": "Succeed"},
            },
        },
        '{"v": 2}',
    )
    assert execution.error == "States.NoChoiceMatched"


async def test_parallel_output_joins_branch_texts_and_failure_is_the_branch_error() -> None:
    ok = await run_definition(
        {
            "StartAt": "P",
            "States": {
                "P": {
                    "Type": "Parallel",
                    "End": True,
                    "Branches": [
                        {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}},
                        {"StartAt": "B", "States": {"B": {"Type": "Pass", "Result": 2, "End": True}}},
                    ],
                }
            },
        },
        "[1, 2]",
    )
    assert ok.output == "[[1, 2],2]"
    assert [e[2] for e in events(ok)][-3:] == [
        "ParallelStateSucceeded",
        "ParallelStateExited",
        "ExecutionSucceeded",
    ]
    failed = await run_definition(
        {
            "StartAt": "P",
            "States": {
                "P": {
                    "Type": "Parallel",
                    "End": True,
                    "Branches": [
                        {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E", "Cause": "C"}}}
                    ],
                }
            },
        },
        "{}",
    )
    assert (failed.error, failed.cause) == ("E", "C")
    assert events(failed)[-2:] == [(5, 4, "ParallelStateFailed"), (6, 5, "ExecutionFailed")]


async def test_map_iterations_chain_from_the_previous_iteration() -> None:
    execution = await run_definition(
        {
            "StartAt": "M",
            "States": {
                "M": {
                    "Type": "Map",
                    "MaxConcurrency": 1,
                    "ItemSelector": {"i.$": "$$.Map.Item.Index", "v.$": "$$.Map.Item.Value"},
                    "ItemProcessor": {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}},
                    "End": True,
                }
            },
        },
        "[10, 20]",
    )
    assert events(execution) == [
        (1, 0, "ExecutionStarted"),
        (2, 0, "MapStateEntered"),
        (3, 2, "MapStateStarted"),
        (4, 3, "MapIterationStarted"),
        (5, 4, "PassStateEntered"),
        (6, 5, "PassStateExited"),
        (7, 6, "MapIterationSucceeded"),
        (8, 6, "MapIterationStarted"),
        (9, 8, "PassStateEntered"),
        (10, 9, "PassStateExited"),
        (11, 10, "MapIterationSucceeded"),
        (12, 11, "MapStateSucceeded"),
        (13, 11, "MapStateExited"),
        (14, 13, "ExecutionSucceeded"),
    ]
    assert from_json_text(execution.output) == [{"i": 0, "v": 10}, {"i": 1, "v": 20}]


async def test_map_with_unlimited_concurrency_keeps_item_order_in_output() -> None:
    items = list(range(100))
    execution = await run_definition(
        {
            "StartAt": "M",
            "States": {
                "M": {
                    "Type": "Map",
                    "ItemProcessor": {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}},
                    "End": True,
                }
            },
        },
        json.dumps(items),
    )
    assert from_json_text(execution.output) == items


async def test_state_output_over_256_kib_fails_with_data_limit_exceeded() -> None:
    execution = await run_definition(
        {"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": "x" * 262_145, "End": True}}}, "{}"
    )
    assert execution.error == "States.DataLimitExceeded"
    assert execution.cause == (
        "The state/task 'A' returned a result with a size exceeding the maximum number of "
        "bytes service limit."
    )


async def test_context_object_fields() -> None:
    execution = await run_definition(
        {"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"c.$": "$$"}, "End": True}}},
        '{"x": 1}',
    )
    context = from_json_text(execution.output)["c"]
    assert context["Execution"]["Input"] == {"x": 1}
    assert context["Execution"]["StartTime"] == "2023-11-14T22:13:20.000Z"
    assert context["State"] == {"Name": "A", "EnteredTime": "2023-11-14T22:13:20.000Z"}
    assert context["StateMachine"]["Name"] == "unit_machine_0123"


async def test_stop_aborts_running_map_and_execution() -> None:
    release = asyncio.Event()

    async def block(call):
        await release.wait()
        return {}

    clock = ManualClock()
    registry = _registry("sqs", block)
    engine = Engine(clock, registry)
    execution = make_execution(
        {
            "StartAt": "M",
            "States": {
                "M": {
                    "Type": "Map",
                    "MaxConcurrency": 1,
                    "End": True,
                    "ItemProcessor": {
                        "StartAt": "T",
                        "States": {
                            "T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": True}
                        },
                    },
                }
            },
        },
        "[1]",
        clock=clock,
    )
    engine.start(execution)
    for _ in range(5):
        await asyncio.sleep(0)
    engine.stop(execution, "Stopped", "by test")
    await engine.wait(execution)
    assert execution.status is ExecutionStatus.ABORTED
    assert [e[2] for e in events(execution)][-4:] == [
        "MapIterationAborted",
        "TaskStateAborted",  # the state the iteration was in
        "MapStateAborted",
        "ExecutionAborted",
    ]
    assert execution.history.events[-1].details == {"error": "Stopped", "cause": "by test"}
    release.set()
    await asyncio.sleep(0)
    assert events(execution)[-1][2] == "ExecutionAborted"  # nothing recorded after the end
