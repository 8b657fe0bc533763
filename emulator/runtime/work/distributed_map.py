"""Distributed Map: a Map Run whose iterations are child executions with their own histories.

The parent's history records, as AWS does::

    MapStateEntered, MapStateStarted {length}, MapRunStarted {mapRunArn},
    MapRunSucceeded | MapRunFailed {error, cause}, MapStateSucceeded | MapStateFailed, MapStateExited

Child executions are ordinary executions of the item processor (started through the
``ChildExecutions`` the unit is given: the engine's ``start`` / ``wait`` / ``stop``) named by a
UUID, with ``map_run_arn`` set and the labelled state machine ARN
(``…:stateMachine:<machine>/<label>``). Their events never reach the parent's history. A child that
does not succeed counts against the tolerated failure threshold; once it is exceeded the run fails
with ``States.ExceedToleratedFailureThreshold`` and the children still running are aborted.

Children of either ``ExecutionType`` are registered with the ``MapRunSink`` (an EXPRESS child's ARN
is ``…:express:<machine>/<label>:<name>``), unless the parent itself is a top-level EXPRESS
execution, which the control plane does not keep.
"""

from __future__ import annotations

import random
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any, Protocol, cast

from emulator.integrations.registry import IntegrationRegistry
from emulator.language.errors import ErrorName, StatesError
from emulator.language.evaluate.jsonata import JsonataBindings
from emulator.language.states.map_state import (
    EXCEEDED_THRESHOLD_CAUSE,
    DistributedConfig,
    FailureThreshold,
    MapState,
    batches_of,
    failure_threshold_of,
    jsonata_max_concurrency,
    max_concurrency_of,
)
from emulator.model.jsontext import from_json_text, to_json_text
from emulator.model.records import (
    Execution,
    ExecutionStatus,
    MapRun,
    MapRunStatus,
    StateMachine,
    StateMachineType,
)
from emulator.model.types import Json, JsonObject
from emulator.runtime.clock import Clock
from emulator.runtime.dataflow import DataFlow
from emulator.runtime.failures import AttemptFailed, AttemptFailure, TimedOut
from emulator.runtime.map_run import (
    MapRunCounts,
    MapRunSink,
    child_execution_arn,
    child_state_machine_arn,
    map_run_arn,
    new_uuid,
    state_machine_name_of,
)
from emulator.runtime.recorder import Chain, Recorder
from emulator.runtime.run import Run
from emulator.runtime.virtual_clock import held, within
from emulator.runtime.work.frames import run_pooled
from emulator.runtime.work.item_io import read_items, write_results
from emulator.runtime.work.scope import Context, Outcome, Scope

# AWS runs at most this many child executions of one Map Run at once.
DISTRIBUTED_MAP_CONCURRENCY = 10_000


class ChildExecutions(Protocol):
    """Starting, awaiting and stopping executions (the engine's control plane interface)."""

    def start(self, execution: Execution) -> None: ...

    async def wait(self, execution: Execution) -> None: ...

    def stop(self, execution: Execution, error: str | None, cause: str | None) -> None: ...


@dataclass(slots=True)
class MapRunFrame:
    """A running Map Run, so StopExecution can abort it and its children."""

    work: DistributedMapWork
    name: str
    chain: Chain
    map_run: MapRun
    counts: MapRunCounts
    children: list[Execution] = field(default_factory=list)
    # Child ARN -> items it processes, while its end is not counted yet (each end counts once: a
    # child aborted with the run is counted by ``abort_children`` before its waiter resumes).
    sizes: dict[str, int] = field(default_factory=dict)

    def abort(self, recorder: Recorder, previous: int | None) -> None:
        """StopExecution of the parent: the run's abort (its children stopped), then the Map's."""
        at = self.chain.last if previous is None else previous
        self.counts.finish(MapRunStatus.ABORTED, self.work.clock.now())
        recorder.add("MapRunAborted", at)
        self.work.abort_children(self)
        recorder.add("MapStateAborted", at)


@dataclass(frozen=True, slots=True)
class PreparedDistributedMap:
    """What a Distributed Map reads once, before its first attempt."""

    effective: Json
    items: list[Json] | None  # None: read by the ItemReader in each attempt
    concurrency: int
    bindings: JsonataBindings | None  # a JSONata Map's fields see the state input and variables


class DistributedMapWork:
    failed_event: str | None = "MapStateFailed"
    stays_active_on_failure = False

    def __init__(
        self,
        clock: Clock,
        rng: random.Random,
        integrations: IntegrationRegistry,
        children: ChildExecutions,
        map_runs: MapRunSink | None = None,
        exit_follows_run_start: bool = False,
    ) -> None:
        self.clock = clock
        self.rng = rng
        self.integrations = integrations
        self.children = children
        # Where Distributed Map runs and their child executions are registered (None: nowhere).
        self.map_runs = map_runs
        # Which event MapStateExited follows. The corpus disagrees with itself, and only by date: all
        # 34 recordings up to Aug 2024 link it to MapRunSucceeded (False, the default); all 13 from
        # Nov 2024 on to MapRunStarted (True). No definition feature separates them (ItemReader,
        # ResultWriter, Label, ItemSelector/Parameters, ItemsPath, thresholds and JSONata occur on
        # both sides). Measured on the corpus: True passes 11 more cases and fails 27 that pass now.
        self.exit_follows_run_start = exit_follows_run_start

    def prepare(
        self, scope: Scope, state: MapState, value: Json, context: Context, chain: Chain
    ) -> PreparedDistributedMap:
        dataflow = scope.dataflow
        # A JSONata Map's fields are expressions over the state input (JSONPath: paths over the
        # effective input); both see the workflow variables.
        bindings = dataflow.bindings(value, context, chain) if state.common.is_jsonata else None
        assert state.distributed is not None
        if state.distributed.item_reader is None:
            effective, items, concurrency = dataflow.map_items(state, value, context, chain)
            return PreparedDistributedMap(effective, items, concurrency, bindings)
        effective = dataflow.effective_input(state.common, value, context, chain)
        if bindings is not None:
            concurrency = jsonata_max_concurrency(state, bindings)
        else:
            concurrency = max_concurrency_of(state, effective, context, chain.variables)
        return PreparedDistributedMap(effective, None, concurrency, bindings)

    async def attempt(
        self,
        scope: Scope,
        state: MapState,
        prepared: PreparedDistributedMap,
        value: Json,
        context: Context,
        chain: Chain,
    ) -> Outcome:
        config = state.distributed
        assert config is not None
        run = scope.run
        recorder = run.recorder
        effective, items, bindings = prepared.effective, prepared.items, prepared.bindings
        chain.last = recorder.add(
            "MapStateStarted",
            chain.last,
            "mapStateStartedEventDetails",
            {"length": 0 if items is None else len(items)},
        )
        threshold = failure_threshold_of(config, effective, context, chain.variables, bindings)
        frame = self._begin_map_run(run, state, prepared.concurrency, threshold, chain)
        run_started = recorder.add(
            "MapRunStarted", chain.last, "mapRunStartedEventDetails", {"mapRunArn": frame.map_run.arn}
        )
        chain.last = run_started
        chain.frame = frame
        try:
            work = self._run_map_run(scope, state, config, prepared, context, threshold, frame)
            result = await self._within_deadline(scope, work)
        except StatesError as failure:
            chain.frame = None
            frame.counts.finish(MapRunStatus.FAILED, self.clock.now())
            details: JsonObject = {"error": failure.error}
            if failure.cause is not None:
                details["cause"] = failure.cause
            chain.last = recorder.add("MapRunFailed", chain.last, "mapRunFailedEventDetails", details)
            raise AttemptFailed(AttemptFailure(failure, chain.last)) from None
        finally:
            self.abort_children(frame)
        chain.frame = None
        frame.counts.finish(MapRunStatus.SUCCEEDED, self.clock.now())
        succeeded = recorder.add("MapRunSucceeded", run_started)
        recorder.add("MapStateSucceeded", succeeded)
        chain.last = run_started if self.exit_follows_run_start else succeeded
        next_name = None if state.common.end else state.common.next
        dataflow = scope.dataflow
        if state.common.is_jsonata:
            return await dataflow.evaluated(dataflow.finish, state, value, result, context, chain), next_name
        return dataflow.finish(state, value, result, context, chain), next_name

    async def _within_deadline(self, scope: Scope, work: Coroutine[Any, Any, Json]) -> Json:
        """The run's result; ``TimedOut`` at the execution's deadline (the children are separate
        executions: the parent's TimeoutSeconds bounds its wait for the run, and the run is then
        aborted as StopExecution aborts it)."""
        deadline = scope.run.deadline
        if deadline is None:
            return await work
        try:
            return await within(work, max(deadline - scope.now(), 0.0), self.clock)
        except TimeoutError:
            raise TimedOut() from None

    def _begin_map_run(
        self, run: Run, state: MapState, concurrency: int, threshold: FailureThreshold, chain: Chain
    ) -> MapRunFrame:
        execution = run.execution
        machine_name = state_machine_name_of(execution.state_machine_arn)
        label = state.label or new_uuid(self.rng)
        map_run = MapRun(
            arn=map_run_arn(run.region, run.account, machine_name, label, new_uuid(self.rng)),
            execution_arn=execution.arn,
            state_machine_arn=execution.state_machine_arn,
            start_date=self.clock.now(),
            max_concurrency=concurrency,
            tolerated_failure_percentage=threshold.percentage or 0.0,
            tolerated_failure_count=threshold.count or 0,
            label=label,
        )
        counts = MapRunCounts(map_run)
        if self.map_runs is not None and _is_kept(execution):
            self.map_runs.map_run_started(run.account, run.region, map_run)
        return MapRunFrame(self, state.common.name, chain, map_run, counts)

    async def _run_map_run(
        self,
        scope: Scope,
        state: MapState,
        config: DistributedConfig,
        prepared: PreparedDistributedMap,
        context: Context,
        threshold: FailureThreshold,
        frame: MapRunFrame,
    ) -> Json:
        run = scope.run
        chain = frame.chain
        variables = chain.variables
        value, items, bindings = prepared.effective, prepared.items, prepared.bindings
        if items is None:
            # Out with S3 (or an endpoint): a virtual clock does not skip time meanwhile.
            reading = read_items(
                self.integrations, self.rng, run, config, value, context, variables, bindings
            )
            items = await held(self.clock, reading)
        selected = self._select_items(scope.dataflow, state, value, items, context, chain)
        if config.item_batcher is not None:
            inputs = batches_of(config.item_batcher, selected, value, context, self.rng, variables, bindings)
            # Each batch is ``{"BatchInput"?, "Items": [...]}``, as ``batches_of`` builds it.
            sizes = [len(cast("list[Json]", cast(JsonObject, batch)["Items"])) for batch in inputs]
        else:
            inputs, sizes = selected, [1] * len(selected)
        frame.counts.planned(len(items), len(inputs))
        children: list[Execution | None] = [None] * len(inputs)
        failed_items = 0

        async def child(index: int) -> None:
            nonlocal failed_items
            execution = self._start_child(run, state, config, frame, inputs[index], sizes[index])
            children[index] = execution
            frame.counts.started(sizes[index])
            await self.children.wait(execution)
            if frame.sizes.pop(execution.arn, None) is not None:
                frame.counts.ended(execution.status, sizes[index])
            if execution.status is not ExecutionStatus.SUCCEEDED:
                failed_items += sizes[index]
                if threshold.exceeded(failed_items, len(items)):
                    raise StatesError(ErrorName.EXCEED_TOLERATED_FAILURE_THRESHOLD, EXCEEDED_THRESHOLD_CAUSE)

        concurrency = prepared.concurrency
        workers = min(
            len(inputs) if concurrency <= 0 else concurrency, len(inputs), DISTRIBUTED_MAP_CONCURRENCY
        )
        await run_pooled(len(inputs), workers, child)
        finished = [execution for execution in children if execution is not None]
        if config.result_writer is not None:
            writing = write_results(
                self.integrations,
                self.rng,
                run,
                config,
                value,
                context,
                frame.map_run,
                frame.counts,
                finished,
                bindings,
                variables,
            )
            return await held(self.clock, writing)
        return [_child_result(execution) for execution in finished]

    def _select_items(
        self,
        dataflow: DataFlow,
        state: MapState,
        value: Json,
        items: list[Json],
        context: Context,
        chain: Chain,
    ) -> list[Json]:
        if state.item_selector is None and state.jsonata_item_selector is None:
            return items
        return [
            dataflow.map_item(state, value, index, item, context, chain) for index, item in enumerate(items)
        ]

    def _start_child(
        self, run: Run, state: MapState, config: DistributedConfig, frame: MapRunFrame, item: Json, size: int
    ) -> Execution:
        parent = run.execution
        machine_name = state_machine_name_of(parent.state_machine_arn)
        label = frame.map_run.label or ""
        express = config.execution_type == StateMachineType.EXPRESS
        now = self.clock.now()
        machine = StateMachine(
            arn=child_state_machine_arn(parent.state_machine_arn, label),
            name=f"{machine_name}/{label}",
            definition=parent.state_machine.definition,
            role_arn=parent.state_machine.role_arn,
            type=StateMachineType.EXPRESS if express else StateMachineType.STANDARD,
            creation_date=now,
            compiled=state.processor,
            label=label,
        )
        name = new_uuid(self.rng)
        child = Execution(
            arn=child_execution_arn(run.region, run.account, machine_name, label, name, express),
            name=name,
            state_machine=machine,
            state_machine_arn=machine.arn,
            input=to_json_text(item),
            start_date=now,
            express=express,
            map_run_arn=frame.map_run.arn,
            item_count=size,
        )
        frame.children.append(child)
        frame.sizes[child.arn] = size
        if self.integrations.mocks is not None:  # a mocked test case covers the Map's children
            self.integrations.mocks.bind_child(child.arn, parent.arn)
        self.children.start(child)
        # EXPRESS children are kept too: DescribeExecution answers for an EXPRESS execution "dispatched
        # by a Map Run" and ListExecutions(mapRunArn) lists "all of the child workflow executions".
        if self.map_runs is not None and _is_kept(parent):
            self.map_runs.child_execution_started(run.account, run.region, child)
        return child

    def abort_children(self, frame: MapRunFrame) -> None:
        """Abort the children still running (the run failed, or the parent ended or stopped)."""
        for child in frame.children:
            if child.status is ExecutionStatus.RUNNING:
                self.children.stop(child, None, None)
                size = frame.sizes.pop(child.arn, None)
                if size is not None:
                    frame.counts.ended(ExecutionStatus.ABORTED, size)


def _is_kept(execution: Execution) -> bool:
    """Whether the control plane keeps ``execution`` (so its Map Runs and their children are kept
    too, and go with it when retention evicts it). A top-level EXPRESS execution is never kept:
    registering its runs would leave records nothing ever evicts."""
    return not execution.express or execution.map_run_arn is not None


def _child_result(execution: Execution) -> Json:
    """A child's output; for a tolerated failure, its error and cause."""
    if execution.status is ExecutionStatus.SUCCEEDED:
        return from_json_text(execution.output) if execution.output else None
    failure: dict[str, Json] = {}
    if execution.error is not None:
        failure["Error"] = execution.error
    if execution.cause is not None:
        failure["Cause"] = execution.cause
    return failure
