"""Distributed Map in JSONata (expressions in every field) and Assign on a distributed Map."""

from __future__ import annotations

import json
from typing import Any

from emulator.integrations.registry import IntegrationRegistry, TaskInvocation
from emulator.model.records import ExecutionStatus
from tests.fakes import StubIntegration
from tests.unit.runtime.test_map_run import FAIL_NEGATIVE, PASS, RecordingSink, details, distributed, run


def jsonata(definition: dict[str, Any]) -> dict[str, Any]:
    return dict(definition, QueryLanguage="JSONata")


async def test_jsonata_items_selector_concurrency_and_thresholds_are_expressions() -> None:
    sink = RecordingSink()
    definition = jsonata(
        distributed(
            FAIL_NEGATIVE
            | {
                "C": {
                    "Type": "Choice",
                    "Choices": [{"Condition": "{% $states.input.v < 0 %}", "Next": "F"}],
                    "Default": "P",
                }
            },
            "C",
            Items="{% $states.input.numbers %}",
            ItemSelector={"v": "{% $states.context.Map.Item.Value %}", "tag": "{% $states.input.tag %}"},
            MaxConcurrency="{% $states.input.limit %}",
            ToleratedFailureCount="{% $states.input.tolerated %}",
            ToleratedFailurePercentage="{% 50 %}",
        )
    )
    execution = await run(definition, '{"numbers": [1, -2, 3], "tag": "t", "limit": 2, "tolerated": 1}', sink)
    assert execution.status is ExecutionStatus.SUCCEEDED
    assert details(execution, "MapStateStarted") == {"length": 3}
    output = json.loads(execution.output or "")
    assert output == [
        {"v": 1, "tag": "t"},
        {"Error": "Negative", "Cause": "below zero"},
        {"v": 3, "tag": "t"},
    ]
    map_run = sink.map_runs[0][2]
    assert map_run.max_concurrency == 2
    assert (map_run.tolerated_failure_count, map_run.tolerated_failure_percentage) == (1, 50.0)


async def test_jsonata_reader_arguments_max_items_and_batcher_are_evaluated() -> None:
    calls: list[TaskInvocation] = []

    def respond(invocation: TaskInvocation) -> Any:
        calls.append(invocation)
        return "[1, 2, 3, 4, 5]"

    integrations = IntegrationRegistry()
    integrations.register("s3", StubIntegration(respond))
    definition = jsonata(
        distributed(
            PASS,
            "P",
            ItemReader={
                "Resource": "arn:aws:states:::s3:getObject",
                "ReaderConfig": {"InputType": "JSON", "MaxItems": "{% $states.input.max %}"},
                "Arguments": {"Bucket": "{% $states.input.bucket %}", "Key": "k.json"},
            },
            ItemBatcher={"MaxItemsPerBatch": "{% 2 %}", "BatchInput": {"b": "{% $states.input.bucket %}"}},
        )
    )
    execution = await run(definition, '{"bucket": "bkt", "max": 3}', integrations=integrations)
    assert calls[0].parameters == {"Bucket": "bkt", "Key": "k.json"}
    assert json.loads(execution.output or "") == [
        {"BatchInput": {"b": "bkt"}, "Items": [1, 2]},
        {"BatchInput": {"b": "bkt"}, "Items": [3]},
    ]


async def test_assign_on_a_distributed_map_is_recorded_and_kept() -> None:
    definition = distributed(PASS, "P", Assign={"count.$": "States.ArrayLength($)"})
    definition["States"]["M"].pop("End")
    definition["States"]["M"]["Next"] = "Use"
    definition["States"]["Use"] = {"Type": "Pass", "Parameters": {"n.$": "$count"}, "End": True}
    execution = await run(definition, "[1, 2, 3]")
    assert execution.status is ExecutionStatus.SUCCEEDED
    assert details(execution, "MapStateExited")["assignedVariables"] == {"count": "3"}
    assert execution.output == '{"n":3}'
