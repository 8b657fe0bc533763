"""Each field of the context object, read through the engine with ``$$``.

Rows: "Accessing execution data from the Context object in Step Functions",
https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html — the field list
(Execution.{Id, Input, Name, RoleArn, StartTime, RedriveCount, RedriveTime}, State.{EnteredTime, Name,
RetryCount}, StateMachine.{Id, Name}, Task.Token), "RedriveTime … is only available if you've redriven an
execution", the ISO 8601 timestamps, and "Context object data for Map states" (Map.Item.Index and
Map.Item.Value, read in ItemSelector); plus the Choice state page's Default and States.NoChoiceMatched,
https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html.
"""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from emulator.integrations.registry import IntegrationRegistry
from emulator.language.errors import StatesError
from emulator.model.jsontext import from_json_text
from emulator.model.records import ExecutionStatus
from emulator.runtime.engine import Engine
from tests.fakes import ManualClock, StubIntegration
from tests.unit.runtime.harness import (
    ACCOUNT,
    EXECUTION_NAME,
    MACHINE_NAME,
    REGION,
    ROLE_ARN,
    make_execution,
    run_definition,
)

MACHINE_ARN = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:{MACHINE_NAME}"
EXECUTION_ARN = f"arn:aws:states:{REGION}:{ACCOUNT}:execution:{MACHINE_NAME}:{EXECUTION_NAME}"
START = "2023-11-14T22:13:20.000Z"  # ManualClock's start, 1_700_000_000, in the page's ISO 8601 form
INPUT = {"key": "value", "n": [1, 2]}


def _read(path: str) -> dict[str, Any]:
    return {"StartAt": "Read", "States": {"Read": {"Type": "Pass", "Parameters": {"v.$": path}, "End": True}}}


# (context path, expected value) — one row per documented field of a Standard execution's first state.
FIELD_ROWS = [
    ("$$.Execution.Id", EXECUTION_ARN),
    ("$$.Execution.Input", INPUT),
    ("$$.Execution.Input.n[1]", 2),
    ("$$.Execution.Name", EXECUTION_NAME),
    ("$$.Execution.RoleArn", ROLE_ARN),
    ("$$.Execution.StartTime", START),
    ("$$.Execution.RedriveCount", 0),
    ("$$.State.Name", "Read"),
    ("$$.State.EnteredTime", START),
    ("$$.StateMachine.Id", MACHINE_ARN),
    ("$$.StateMachine.Name", MACHINE_NAME),
]


@pytest.mark.parametrize(("path", "expected"), FIELD_ROWS, ids=[row[0] for row in FIELD_ROWS])
async def test_documented_context_field(path: str, expected: Any) -> None:
    execution = await run_definition(_read(path), json.dumps(INPUT))
    assert execution.status == ExecutionStatus.SUCCEEDED, execution.cause
    assert from_json_text(execution.output) == {"v": expected}


async def test_redrive_time_is_absent_until_the_execution_is_redriven() -> None:
    execution = await run_definition(_read("$$.Execution"))
    assert "RedriveTime" not in from_json_text(execution.output)["v"]


async def test_a_redriven_execution_has_redrive_count_and_redrive_time() -> None:
    registry = IntegrationRegistry()
    registry.register("sqs", StubIntegration(lambda invocation: invocation.parameters))
    clock = ManualClock()
    engine = Engine(clock, registry, random.Random(1))
    definition = {
        "StartAt": "T",
        "States": {
            "T": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage",
                "Parameters": {"count.$": "$$.Execution.RedriveCount", "time.$": "$$.Execution.RedriveTime"},
                "End": True,
            }
        },
    }
    execution = make_execution(definition, clock=clock)
    engine.start(execution)
    await engine.wait(execution)
    # The first run reads $$.Execution.RedriveTime before any redrive: the path matches nothing.
    assert (execution.status, execution.error) == (ExecutionStatus.FAILED, "States.Runtime")
    clock.advance(90.25)
    execution.redrive_count += 1
    execution.redrive_date = clock.now()
    engine.redrive(execution)
    await engine.wait(execution)
    assert execution.status == ExecutionStatus.SUCCEEDED, execution.cause
    assert from_json_text(execution.output) == {"count": 1, "time": "2023-11-14T22:14:50.250Z"}


async def test_state_entered_time_is_each_state_s_entry_and_start_time_stays() -> None:
    definition = {
        "StartAt": "First",
        "States": {
            "First": {"Type": "Wait", "Seconds": 5, "Next": "Second"},
            "Second": {
                "Type": "Pass",
                "Parameters": {"entered.$": "$$.State.EnteredTime", "start.$": "$$.Execution.StartTime"},
                "End": True,
            },
        },
    }
    execution = await run_definition(definition)
    assert from_json_text(execution.output) == {"entered": "2023-11-14T22:13:25.000Z", "start": START}


async def test_state_retry_count_counts_the_retries_of_the_state() -> None:
    attempts: list[Any] = []

    def respond(invocation: Any) -> Any:
        attempts.append(invocation.parameters)
        if len(attempts) < 3:
            raise StatesError("Boom", "again")
        return invocation.parameters

    registry = IntegrationRegistry()
    registry.register("sqs", StubIntegration(respond))
    definition = {
        "StartAt": "T",
        "States": {
            "T": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage",
                "Parameters": {"retry.$": "$$.State.RetryCount"},
                "Retry": [{"ErrorEquals": ["Boom"], "IntervalSeconds": 1, "MaxAttempts": 3}],
                "End": True,
            }
        },
    }
    execution = await run_definition(definition, integrations=registry)
    assert execution.status == ExecutionStatus.SUCCEEDED, execution.cause
    assert [attempt["retry"] for attempt in attempts] == [0, 1, 2]


async def test_map_item_index_and_value_in_item_selector() -> None:
    # The page's Map example: ItemSelector {"ContextIndex.$": "$$.Map.Item.Index", "ContextValue.$": ...}.
    definition = {
        "StartAt": "M",
        "States": {
            "M": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "ItemSelector": {
                    "ContextIndex.$": "$$.Map.Item.Index",
                    "ContextValue.$": "$$.Map.Item.Value",
                },
                "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}},
                "End": True,
            }
        },
    }
    items = [{"who": "bob"}, {"who": "meg"}, {"who": "joe"}]
    execution = await run_definition(definition, json.dumps({"items": items}))
    assert from_json_text(execution.output) == [
        {"ContextIndex": index, "ContextValue": item} for index, item in enumerate(items)
    ]


CHOICE = {
    "StartAt": "ChoiceStateX",
    "States": {
        "ChoiceStateX": {
            "Type": "Choice",
            "Choices": [
                {"Not": {"Variable": "$.type", "StringEquals": "Private"}, "Next": "Public"},
                {"Variable": "$.value", "NumericEquals": 0, "Next": "ValueIsZero"},
                {
                    "And": [
                        {"Variable": "$.value", "NumericGreaterThanEquals": 20},
                        {"Variable": "$.value", "NumericLessThan": 30},
                    ],
                    "Next": "ValueInTwenties",
                },
            ],
            "Default": "DefaultState",
        },
        "Public": {"Type": "Pass", "Result": "Public", "End": True},
        "ValueIsZero": {"Type": "Pass", "Result": "ValueIsZero", "End": True},
        "ValueInTwenties": {"Type": "Pass", "Result": "ValueInTwenties", "End": True},
        "DefaultState": {"Type": "Fail", "Error": "DefaultStateError", "Cause": "No Matches!"},
    },
}

# The Choice state page's example, with each way through it.
CHOICE_ROWS = [
    ({"type": "Private", "value": 22}, "ValueInTwenties"),
    ({"type": "Public", "value": 22}, "Public"),
    ({"type": "Private", "value": 0}, "ValueIsZero"),
]


@pytest.mark.parametrize(("value", "reached"), CHOICE_ROWS)
async def test_the_choice_page_example(value: Any, reached: str) -> None:
    execution = await run_definition(CHOICE, json.dumps(value))
    assert from_json_text(execution.output) == reached


async def test_no_match_takes_the_default() -> None:
    execution = await run_definition(CHOICE, json.dumps({"type": "Private", "value": 50}))
    assert (execution.status, execution.error) == (ExecutionStatus.FAILED, "DefaultStateError")


async def test_no_match_and_no_default_fails_with_no_choice_matched() -> None:
    definition = json.loads(json.dumps(CHOICE))
    del definition["States"]["ChoiceStateX"]["Default"]
    execution = await run_definition(definition, json.dumps({"type": "Private", "value": 50}))
    assert (execution.status, execution.error) == (ExecutionStatus.FAILED, "States.NoChoiceMatched")
