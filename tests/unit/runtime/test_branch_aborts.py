"""What AWS records when one branch of a Parallel or one iteration of a Map fails while others run."""

from __future__ import annotations

import asyncio
from typing import Any

from emulator.integrations.registry import IntegrationRegistry, TaskInvocation
from emulator.language.errors import StatesError
from emulator.model.records import ExecutionStatus
from tests.fakes import StubIntegration
from tests.unit.runtime.harness import events, run_definition

SQS = "arn:aws:states:::sqs:sendMessage"


def _registry(respond: Any) -> IntegrationRegistry:
    registry = IntegrationRegistry()
    registry.register("sqs", StubIntegration(respond))
    return registry


def _task(name: str, parameters: dict[str, Any]) -> dict[str, Any]:
    return {
        "StartAt": name,
        "States": {name: {"Type": "Task", "Resource": SQS, "Parameters": parameters, "End": True}},
    }


async def _fail_or_hang(invocation: TaskInvocation) -> Any:
    if invocation.parameters == {"fail": True}:  # type: ignore[comparison-overlap]
        for _ in range(5):  # the siblings get going first
            await asyncio.sleep(0)
        raise StatesError("Boom", "it broke")
    await asyncio.Future()  # never answers: still running when its sibling fails


async def test_a_failed_task_in_a_single_branch_is_aborted_before_the_parallel_fails() -> None:
    execution = await run_definition(
        {
            "StartAt": "P",
            "States": {"P": {"Type": "Parallel", "End": True, "Branches": [_task("T", {"fail": True})]}},
        },
        integrations=_registry(_fail_or_hang),
    )
    assert execution.status is ExecutionStatus.FAILED
    assert events(execution)[2:] == [
        (3, 2, "ParallelStateStarted"),
        (4, 3, "TaskStateEntered"),
        (5, 4, "TaskScheduled"),
        (6, 5, "TaskStarted"),
        (7, 6, "TaskFailed"),
        (8, 7, "TaskStateAborted"),
        (9, 7, "ParallelStateFailed"),
        (10, 9, "ExecutionFailed"),
    ]


async def test_running_branches_are_aborted_with_the_state_they_are_in() -> None:
    execution = await run_definition(
        {
            "StartAt": "P",
            "States": {
                "P": {
                    "Type": "Parallel",
                    "End": True,
                    "Branches": [
                        _task("Hang", {"fail": False}),
                        {
                            "StartAt": "Inner",
                            "States": {
                                "Inner": {
                                    "Type": "Parallel",
                                    "End": True,
                                    "Branches": [_task("H", {"fail": False})],
                                }
                            },
                        },
                        _task("Fail", {"fail": True}),
                    ],
                }
            },
        },
        integrations=_registry(_fail_or_hang),
    )
    recorded = events(execution)
    failed = next(event for event in recorded if event[2] == "TaskFailed")
    tail = recorded[recorded.index(failed) + 1 :]
    assert [event[2] for event in tail] == [
        "TaskStateAborted",  # the failed Task itself
        "TaskStateAborted",  # branch 0
        "TaskStateAborted",  # branch 1: the Task in its Parallel, then that Parallel
        "ParallelStateAborted",
        "ParallelStateFailed",
        "ExecutionFailed",
    ]
    assert all(event[1] == failed[0] for event in tail[:5])


async def test_retrying_parallel_records_the_abort_then_starts_again_from_the_failure() -> None:
    execution = await run_definition(
        {
            "StartAt": "P",
            "States": {
                "P": {
                    "Type": "Parallel",
                    "End": True,
                    "Retry": [{"ErrorEquals": ["Boom"], "MaxAttempts": 1, "IntervalSeconds": 1}],
                    "Branches": [_task("T", {"fail": True})],
                }
            },
        },
        integrations=_registry(_fail_or_hang),
    )
    assert [
        event for event in events(execution) if event[2] in {"TaskStateAborted", "ParallelStateStarted"}
    ] == [
        (3, 2, "ParallelStateStarted"),
        (8, 7, "TaskStateAborted"),
        (9, 7, "ParallelStateStarted"),
        (14, 13, "TaskStateAborted"),
    ]


async def test_a_fail_state_in_a_branch_records_no_abort() -> None:
    execution = await run_definition(
        {
            "StartAt": "P",
            "States": {
                "P": {
                    "Type": "Parallel",
                    "End": True,
                    "Branches": [{"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E"}}}],
                }
            },
        },
    )
    assert [event[2] for event in events(execution)][3:] == [
        "FailStateEntered",
        "ParallelStateFailed",
        "ExecutionFailed",
    ]


async def test_failed_map_iteration_then_the_running_ones_are_aborted_in_index_order() -> None:
    items = '[{"fail": false}, {"fail": true}, {"fail": false}]'
    execution = await run_definition(
        {
            "StartAt": "M",
            "States": {
                "M": {
                    "Type": "Map",
                    "End": True,
                    "ItemProcessor": _task("T", {"fail.$": "$.fail"}),
                }
            },
        },
        items,
        integrations=_registry(_fail_or_hang),
    )
    recorded = events(execution)
    started = [event for event in recorded if event[2] == "MapIterationStarted"]
    assert [event[1] for event in started] == [3, 3, 3]  # all started before any enters its Task
    failed = next(event for event in recorded if event[2] == "TaskFailed")
    tail = recorded[recorded.index(failed) + 1 :]
    assert [event[2] for event in tail] == [
        "MapIterationFailed",
        "TaskStateAborted",
        "MapIterationAborted",
        "TaskStateAborted",
        "MapIterationAborted",
        "TaskStateAborted",
        "MapStateFailed",
        "ExecutionFailed",
    ]
    assert all(event[1] == failed[0] for event in tail[:-1])
    indexes = [
        e.details["index"]
        for e in execution.history.events
        if e.type.startswith("MapIteration") and e.type != "MapIterationStarted"
    ]
    assert indexes == [1, 0, 2]
