"""Distributed Map: parent history, Map Run records, child executions, thresholds, reader/writer."""

from __future__ import annotations

import asyncio
import json
import random
from typing import Any

from emulator.integrations.registry import IntegrationRegistry, TaskInvocation
from emulator.model.records import Execution, ExecutionStatus, MapRun, MapRunStatus
from emulator.runtime.engine import Engine
from tests.fakes import ManualClock, StubIntegration
from tests.unit.runtime.harness import ACCOUNT, MACHINE_NAME, REGION, events, make_execution


class RecordingSink:
    def __init__(self) -> None:
        self.map_runs: list[tuple[str, str, MapRun]] = []
        self.children: list[tuple[str, str, Execution]] = []

    def map_run_started(self, account: str, region: str, map_run: MapRun) -> None:
        self.map_runs.append((account, region, map_run))

    def child_execution_started(self, account: str, region: str, execution: Execution) -> None:
        self.children.append((account, region, execution))


def distributed(processor_states: dict[str, Any], start_at: str, **fields: Any) -> dict[str, Any]:
    execution_type = fields.pop("ExecutionType", "STANDARD")
    return {
        "StartAt": "M",
        "States": {
            "M": {
                "Type": "Map",
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": execution_type},
                    "StartAt": start_at,
                    "States": processor_states,
                },
                "End": True,
                **fields,
            }
        },
    }


PASS = {"P": {"Type": "Pass", "End": True}}
# Items that are negative numbers fail their child execution.
FAIL_NEGATIVE = {
    "C": {
        "Type": "Choice",
        "Choices": [{"Variable": "$", "NumericLessThan": 0, "Next": "F"}],
        "Default": "P",
    },
    "F": {"Type": "Fail", "Error": "Negative", "Cause": "below zero"},
    "P": {"Type": "Pass", "End": True},
}


async def run(
    definition: dict[str, Any],
    input_text: str,
    sink: RecordingSink | None = None,
    integrations: IntegrationRegistry | None = None,
    **options: Any,
) -> Execution:
    clock = ManualClock()
    engine = Engine(clock, integrations or IntegrationRegistry(), random.Random(3), map_runs=sink, **options)
    execution = make_execution(definition, input_text, clock=clock)
    engine.start(execution)
    await engine.wait(execution)
    return execution


def details(execution: Execution, type_: str) -> dict[str, Any]:
    return next(event.details for event in execution.history.events if event.type == type_)


async def test_a_map_run_records_aws_events_and_runs_each_item_as_a_child_execution() -> None:
    sink = RecordingSink()
    execution = await run(distributed(PASS, "P", Label="Batch"), "[1, 2, 3]", sink)
    assert events(execution) == [
        (1, 0, "ExecutionStarted"),
        (2, 0, "MapStateEntered"),
        (3, 2, "MapStateStarted"),
        (4, 3, "MapRunStarted"),
        (5, 4, "MapRunSucceeded"),
        (6, 5, "MapStateSucceeded"),
        (7, 5, "MapStateExited"),
        (8, 7, "ExecutionSucceeded"),
    ]
    assert execution.output == "[1,2,3]"
    arn = details(execution, "MapRunStarted")["mapRunArn"]
    prefix = f"arn:aws:states:{REGION}:{ACCOUNT}:mapRun:{MACHINE_NAME}/Batch:"
    assert arn.startswith(prefix) and len(arn) == len(prefix) + 36
    [(account, region, map_run)] = sink.map_runs
    assert (account, region, map_run.arn, map_run.status) == (ACCOUNT, REGION, arn, MapRunStatus.SUCCEEDED)
    assert map_run.execution_arn == execution.arn and map_run.stop_date is not None
    assert map_run.item_counts["succeeded"] == map_run.item_counts["total"] == 3
    assert map_run.execution_counts["succeeded"] == 3 and map_run.execution_counts["running"] == 0
    children = [child for _, _, child in sink.children]
    assert [child.input for child in children] == ["1", "2", "3"]
    assert all(child.map_run_arn == arn for child in children)
    assert all(child.state_machine_arn.endswith(f"stateMachine:{MACHINE_NAME}/Batch") for child in children)
    assert children[0].arn.startswith(f"arn:aws:states:{REGION}:{ACCOUNT}:execution:{MACHINE_NAME}/Batch:")
    assert [event.type for event in children[0].history.events] == [
        "ExecutionStarted",
        "PassStateEntered",
        "PassStateExited",
        "ExecutionSucceeded",
    ]


async def test_without_a_label_the_map_run_arn_carries_a_generated_id() -> None:
    execution = await run(distributed(PASS, "P"), "[1]")
    arn = details(execution, "MapRunStarted")["mapRunArn"]
    generated, run_id = arn.split(f"mapRun:{MACHINE_NAME}/")[1].split(":")
    assert len(generated) == len(run_id) == 36 and generated != run_id


async def test_map_state_exited_can_follow_map_run_started_as_recent_aws_records_it() -> None:
    execution = await run(distributed(PASS, "P"), "[1]", map_exit_follows_run_start=True)
    assert events(execution)[4:7] == [
        (5, 4, "MapRunSucceeded"),
        (6, 5, "MapStateSucceeded"),
        (7, 4, "MapStateExited"),
    ]


async def test_one_failed_child_exceeds_the_default_threshold() -> None:
    sink = RecordingSink()
    execution = await run(distributed(FAIL_NEGATIVE, "C", MaxConcurrency=1), "[1, -2, 3]", sink)
    assert events(execution)[3:] == [
        (4, 3, "MapRunStarted"),
        (5, 4, "MapRunFailed"),
        (6, 5, "MapStateFailed"),
        (7, 6, "ExecutionFailed"),
    ]
    expected = {
        "error": "States.ExceedToleratedFailureThreshold",
        "cause": "The specified tolerated failure threshold was exceeded",
    }
    assert details(execution, "MapRunFailed") == expected
    assert (execution.error, execution.cause) == (expected["error"], expected["cause"])
    map_run = sink.map_runs[0][2]
    assert map_run.status is MapRunStatus.FAILED
    assert map_run.execution_counts["failed"] == 1 and map_run.execution_counts["succeeded"] == 1
    assert len(sink.children) == 2  # the third item never started


async def test_failures_within_the_tolerated_count_keep_the_run_succeeding() -> None:
    execution = await run(distributed(FAIL_NEGATIVE, "C", ToleratedFailureCount=1), "[1, -2, 3]")
    assert execution.status is ExecutionStatus.SUCCEEDED
    assert json.loads(execution.output or "") == [1, {"Error": "Negative", "Cause": "below zero"}, 3]


async def test_tolerated_failure_percentage_is_a_share_of_the_items() -> None:
    within = await run(distributed(FAIL_NEGATIVE, "C", ToleratedFailurePercentage=50), "[1, -2, 3, 4]")
    beyond = await run(distributed(FAIL_NEGATIVE, "C", ToleratedFailurePercentage=50), "[1, -2, -3, -4]")
    assert within.status is ExecutionStatus.SUCCEEDED
    assert beyond.status is ExecutionStatus.FAILED
    assert beyond.error == "States.ExceedToleratedFailureThreshold"


async def test_the_map_run_failure_can_be_caught() -> None:
    definition = distributed(
        FAIL_NEGATIVE,
        "C",
        Catch=[{"ErrorEquals": ["States.ExceedToleratedFailureThreshold"], "Next": "H"}],
    )
    definition["States"]["M"].pop("End")
    definition["States"]["M"]["Next"] = "X"
    definition["States"]["X"] = {"Type": "Pass", "End": True}
    definition["States"]["H"] = {"Type": "Pass", "End": True}
    execution = await run(definition, "[-1]")
    assert execution.status is ExecutionStatus.SUCCEEDED
    assert [event.type for event in execution.history.events][4:8] == [
        "MapRunFailed",
        "MapStateFailed",
        "MapStateExited",
        "PassStateEntered",
    ]
    assert json.loads(execution.output or "")["Error"] == "States.ExceedToleratedFailureThreshold"


async def test_invalid_tolerated_failure_count_path_fails_after_map_state_started() -> None:
    execution = await run(
        distributed(PASS, "P", ItemsPath="$.items", ToleratedFailureCountPath="$.count"),
        '{"items": [1], "count": "many"}',
    )
    assert events(execution)[-1] == (4, 3, "ExecutionFailed")
    assert execution.error == "States.Runtime"
    assert execution.cause == (
        "An error occurred while executing the state 'M' (entered at the event id #2). "
        'The ToleratedFailureCountPath field refers to value "many" which is not a valid integer: $.count'
    )


async def test_item_batcher_groups_selected_items_with_the_batch_input() -> None:
    sink = RecordingSink()
    definition = distributed(
        PASS,
        "P",
        ItemSelector={"v.$": "$$.Map.Item.Value"},
        ItemBatcher={"MaxItemsPerBatch": 2, "BatchInput": {"tag.$": "$.tag"}},
        ItemsPath="$.items",
    )
    execution = await run(definition, '{"tag": "t", "items": [1, 2, 3]}', sink)
    assert json.loads(execution.output or "") == [
        {"BatchInput": {"tag": "t"}, "Items": [{"v": 1}, {"v": 2}]},
        {"BatchInput": {"tag": "t"}, "Items": [{"v": 3}]},
    ]
    map_run = sink.map_runs[0][2]
    assert map_run.item_counts["total"] == 3 and map_run.execution_counts["total"] == 2


async def test_express_children_are_registered_with_express_arns_and_their_item_counts() -> None:
    # API_DescribeExecution: EXPRESS executions are supported "if a Map Run dispatched them";
    # API_ListExecutions (mapRunArn): "all of the child workflow executions started by a Map Run".
    sink = RecordingSink()
    execution = await run(
        distributed(PASS, "P", ExecutionType="EXPRESS", ItemBatcher={"MaxItemsPerBatch": 2}),
        "[1, 2, 3]",
        sink,
    )
    assert execution.status is ExecutionStatus.SUCCEEDED
    map_run = sink.map_runs[0][2]
    assert map_run.execution_counts["succeeded"] == 2
    children = [child for _, _, child in sink.children]
    assert [child.item_count for child in children] == [2, 1]
    assert all(child.express and child.map_run_arn == map_run.arn for child in children)
    label = map_run.label
    assert all(f":express:{MACHINE_NAME}/{label}:{child.name}" in child.arn for child in children)
    assert all(child.status is ExecutionStatus.SUCCEEDED for child in children)


async def test_a_top_level_express_parent_registers_neither_its_map_run_nor_its_children() -> None:
    # The control plane keeps no top-level EXPRESS execution; records of its runs would never be evicted.
    sink = RecordingSink()
    clock = ManualClock()
    engine = Engine(clock, IntegrationRegistry(), random.Random(3), map_runs=sink)
    execution = make_execution(distributed(PASS, "P"), "[1, 2]", clock=clock)
    execution.express = True
    engine.start(execution)
    await engine.wait(execution)
    assert execution.status is ExecutionStatus.SUCCEEDED
    assert (sink.map_runs, sink.children) == ([], [])


READER = {
    "Resource": "arn:aws:states:::s3:getObject",
    "ReaderConfig": {"InputType": "JSON"},
    "Parameters": {"Bucket": "b", "Key": "k.json"},
}


async def test_an_item_reader_without_an_s3_integration_fails_the_run_naming_what_is_missing() -> None:
    execution = await run(distributed(PASS, "P", ItemReader=READER), "{}")
    assert details(execution, "MapStateStarted") == {"length": 0}
    assert [event.type for event in execution.history.events][3:] == [
        "MapRunStarted",
        "MapRunFailed",
        "MapStateFailed",
        "ExecutionFailed",
    ]
    failed = details(execution, "MapRunFailed")
    assert failed["error"] == "States.ItemReaderFailed"
    assert "arn:aws:states:::s3:getObject" in failed["cause"] and "'s3'" in failed["cause"]


async def test_an_item_reader_reads_items_through_the_integration_seam() -> None:
    calls: list[TaskInvocation] = []

    def respond(invocation: TaskInvocation) -> Any:
        calls.append(invocation)
        return '[{"a": 1}, {"a": 2}, {"a": 3}]'

    integrations = IntegrationRegistry()
    integrations.register("s3", StubIntegration(respond))
    reader = dict(READER, ReaderConfig={"InputType": "JSON", "MaxItems": 2})
    execution = await run(distributed(PASS, "P", ItemReader=reader), "{}", integrations=integrations)
    assert execution.output == '[{"a":1},{"a":2}]'
    assert calls[0].parameters == {"Bucket": "b", "Key": "k.json"} and calls[0].resource.action == "getObject"


async def test_a_result_writer_without_an_s3_integration_fails_the_run() -> None:
    writer = {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "b", "Prefix": "p"}}
    execution = await run(distributed(PASS, "P", ResultWriter=writer), "[1]")
    assert execution.error == "States.ResultWriterFailed"
    assert "S3 integration" in (execution.cause or "")


async def test_a_result_writer_writes_the_manifest_and_returns_its_location() -> None:
    written: dict[str, str] = {}

    def respond(invocation: TaskInvocation) -> Any:
        assert isinstance(invocation.parameters, dict)
        written[invocation.parameters["Key"]] = invocation.parameters["Body"]
        return {}

    integrations = IntegrationRegistry()
    integrations.register("s3", StubIntegration(respond))
    writer = {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "b", "Prefix": "p"}}
    execution = await run(
        distributed(PASS, "P", ResultWriter=writer, Label="L"), "[1]", integrations=integrations
    )
    output = json.loads(execution.output or "")
    run_id = output["MapRunArn"].rsplit(":", 1)[1]
    assert output["ResultWriterDetails"] == {"Bucket": "b", "Key": f"p/{run_id}/manifest.json"}
    manifest = json.loads(written[f"p/{run_id}/manifest.json"])
    assert manifest["MapRunArn"] == output["MapRunArn"]
    assert [entry["Key"] for entry in manifest["ResultFiles"]["SUCCEEDED"]] == [
        f"p/{run_id}/SUCCEEDED_0.json"
    ]
    assert json.loads(written[f"p/{run_id}/SUCCEEDED_0.json"])[0]["Output"] == "1"


async def test_stopping_the_parent_aborts_the_map_run_and_its_children() -> None:
    started = asyncio.Event()

    async def hang(invocation: TaskInvocation) -> Any:
        started.set()
        await asyncio.Future()

    integrations = IntegrationRegistry()
    integrations.register("sqs", StubIntegration(hang))
    processor = {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": True}}
    sink = RecordingSink()
    clock = ManualClock()
    engine = Engine(clock, integrations, random.Random(3), map_runs=sink)
    execution = make_execution(distributed(processor, "T"), "[1]", clock=clock)
    engine.start(execution)
    await started.wait()
    engine.stop(execution, "Stopped", None)
    await engine.wait(execution)
    assert [event.type for event in execution.history.events][-3:] == [
        "MapRunAborted",
        "MapStateAborted",
        "ExecutionAborted",
    ]
    child = sink.children[0][2]
    assert child.status is ExecutionStatus.ABORTED
    map_run = sink.map_runs[0][2]
    assert map_run.status is MapRunStatus.ABORTED and map_run.execution_counts["aborted"] == 1


async def test_a_child_aborted_with_its_map_run_is_counted_once() -> None:
    # API_MapRunExecutionCounts: aborted counts children "stopped by the user or by Step Functions";
    # each once, though its waiter resumes after the run counted it.
    started: list[TaskInvocation] = []

    async def hang(invocation: TaskInvocation) -> Any:
        started.append(invocation)
        await asyncio.Future()

    integrations = IntegrationRegistry()
    integrations.register("sqs", StubIntegration(hang))
    processor = {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": True}}
    sink = RecordingSink()
    clock = ManualClock()
    engine = Engine(clock, integrations, random.Random(3), map_runs=sink)
    execution = make_execution(distributed(processor, "T", ExecutionType="EXPRESS"), "[1, 2]", clock=clock)
    engine.start(execution)
    while len(started) < 2:
        await asyncio.sleep(0)
    engine.stop(execution, None, None)
    await engine.wait(execution)
    for _ in range(20):  # let every child's waiter resume
        await asyncio.sleep(0)
    counts = sink.map_runs[0][2].execution_counts
    assert (counts["aborted"], counts["running"], counts["total"]) == (2, 0, 2)
    assert sink.map_runs[0][2].item_counts["aborted"] == 2
