"""What TestState configures the executor with: the ``inspectionData`` it notes while the state
runs (``InspectingDataFlow``), the integration seam answering the request's mock
(``MockedIntegrations``), the units of a mocked Map / Parallel (``MockedMap``,
``MockedParallel``), and the JSON text of the values it hands back (``Texts``)."""

from __future__ import annotations

import json
import random
from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol

from emulator.integrations.registry import IntegrationRegistry, TaskInvocation
from emulator.language.errors import ErrorName, StatesError
from emulator.language.evaluate.io import apply_input_path, apply_output_path, apply_result_path
from emulator.language.evaluate.jsonpath import JsonPath, PathNotFound
from emulator.language.evaluate.templates import PayloadTemplate
from emulator.language.states.choice_state import ChoiceState
from emulator.language.states.common import StateCommon
from emulator.language.states.fail_state import FailState
from emulator.language.states.map_state import (
    EXCEEDED_THRESHOLD_CAUSE,
    MapState,
    batches_of,
    failure_threshold_of,
    jsonata_max_concurrency,
    max_concurrency_of,
)
from emulator.language.states.parallel_state import ParallelState
from emulator.language.states.pass_state import PassState
from emulator.language.states.task_state import TaskState
from emulator.language.states.wait_state import WaitState, wait_seconds
from emulator.model.jsontext import from_json_text, to_json_text
from emulator.model.types import Json, JsonObject
from emulator.runtime.clock import Clock

if TYPE_CHECKING:
    from emulator.integrations.http import HttpExchange
from emulator.runtime.dataflow import DataFlow, ResultState
from emulator.runtime.evaluation import Evaluations
from emulator.runtime.map_run_io import decode_items, items_pointed
from emulator.runtime.recorder import Chain
from emulator.runtime.work.scope import Context, Outcome, Scope


class Answer(Protocol):
    """A TestState ``mock``: the state's result, or the error it raises."""

    def answer(self) -> Json: ...


class Texts:
    """JSON text of values in the response. AWS hands back the caller's own text for values it
    did not change (``afterItemsPath`` of ``{"Values": [1, 2]}`` is ``[1, 2]``); everything it
    built is compact."""

    def __init__(self) -> None:
        self._styles: dict[int, tuple[Json, tuple[str, str]]] = {}

    def remember(self, value: Json, text: str) -> None:
        for style in ((", ", ": "), (",", ":")):
            if json.dumps(value, separators=style, ensure_ascii=False) == text:
                self._walk(value, style)
                return

    def _walk(self, value: Json, style: tuple[str, str]) -> None:
        if isinstance(value, dict):
            self._styles[id(value)] = (value, style)
            for item in value.values():
                self._walk(item, style)
        elif isinstance(value, list):
            self._styles[id(value)] = (value, style)
            for item in value:
                self._walk(item, style)

    def text(self, value: Json) -> str:
        known = self._styles.get(id(value)) if isinstance(value, dict | list) else None
        if known is not None and known[0] is value:
            return json.dumps(value, separators=known[1], ensure_ascii=False)
        return to_json_text(value)


class Inspection:
    """What one TestState run notes for ``inspectionData``; ``texts`` keeps the caller's JSON text
    of the values the request carried (input, mock, mapItemReaderData)."""

    def __init__(self, texts: Texts | None = None) -> None:
        self.data: JsonObject = {}
        self.error_details: JsonObject = {}
        self.texts = texts if texts is not None else Texts()

    def note(self, key: str, value: Json) -> None:
        self.data[key] = value


class MockedIntegrations(IntegrationRegistry):
    """The integration seam for one TestState run: the mock answers, else the real integration."""

    def __init__(
        self, real: IntegrationRegistry, mock: Answer | None, trace: Inspection | None = None
    ) -> None:
        super().__init__()
        self._real = real
        self._mock = mock
        self._trace = trace  # TRACE level: note an HTTP Task's request and response here

    async def prepare(self, invocation: TaskInvocation) -> None:
        if self._mock is None:
            await self._real.prepare(invocation)

    async def invoke(self, invocation: TaskInvocation) -> Json:
        if self._mock is not None:
            return self._mock.answer()
        if self._trace is not None and invocation.resource.resource_type == HTTP:
            from emulator.integrations.http import HttpIntegration  # aiohttp: imported when first traced

            integration = self._real.find(invocation.resource)
            if isinstance(integration, HttpIntegration):
                return _traced(await integration.exchange(invocation), self._trace)
        return await self._real.invoke(invocation)

    async def run_job(self, invocation: TaskInvocation, submitted: Json) -> Json:
        if self._mock is not None:
            return submitted
        return await self._real.run_job(invocation, submitted)


HTTP = "http"


def _traced(exchange: HttpExchange, inspection: Inspection) -> Json:
    """Note an HTTP Task's request and response (``inspectionData.request`` / ``.response``), then
    answer as the task would. Header lists are JSON text (AWS documents them as strings, not their
    layout). Nothing an EventBridge connection would add is sent here, so ``revealSecrets`` has
    nothing to reveal: what the definition sent and what came back are shown as they are."""
    sent = exchange.request
    request: JsonObject = {"protocol": sent.protocol, "method": sent.method, "url": sent.url}
    request["headers"] = to_json_text(sent.headers)
    if sent.body is not None:
        request["body"] = sent.body
    inspection.note("request", request)
    received = exchange.response
    if received is not None:
        inspection.note(
            "response",
            {
                "protocol": received.protocol,
                "statusCode": str(received.status_code),
                "statusMessage": received.status_message,
                "headers": to_json_text(received.headers),
                "body": received.body,
            },
        )
    if exchange.failure is not None:
        raise exchange.failure
    return exchange.result


class InspectingDataFlow(DataFlow):
    """The engine's data steps, noting the intermediate values AWS shows as ``inspectionData``."""

    __slots__ = ("inspection",)

    def __init__(
        self, rng: random.Random, clock: Clock, inspection: Inspection, evaluations: Evaluations | None = None
    ) -> None:
        super().__init__(rng, clock, evaluations)
        self.inspection = inspection

    def note_input_path(
        self, common: StateCommon, value: Json, context: Mapping[str, Json], chain: Chain
    ) -> Json:
        effective = apply_input_path(common.input_path, value, context, chain.variables)
        self.inspection.note("afterInputPath", effective)
        return effective

    def arguments(
        self,
        common: StateCommon,
        parameters: PayloadTemplate | None,
        value: Json,
        context: Mapping[str, Json],
        chain: Chain,
    ) -> Json:
        produced = super().arguments(common, parameters, value, context, chain)
        if common.is_jsonata:
            self.inspection.note("afterArguments", produced)
        else:
            self.note_input_path(common, value, context, chain)
            self.inspection.note("afterParameters", produced)
        return produced

    def finish(
        self, state: ResultState, value: Json, result: Json, context: Mapping[str, Json], chain: Chain
    ) -> Json:
        common = state.common
        if isinstance(state, TaskState):
            self.inspection.note("result", result)
        if common.is_jsonata:
            return super().finish(state, value, result, context, chain)
        if state.result_selector is not None:
            result = state.result_selector.evaluate(result, context, self.rng, chain.variables)
        self.inspection.note("afterResultSelector", result)
        self.assign_jsonpath(common.assign, result, context, chain)
        output = apply_result_path(state.result_path, value, result)
        self.inspection.note("afterResultPath", output)
        return apply_output_path(common.output_path, output, context, chain.variables)

    def run_pass(self, state: PassState, value: Json, context: Mapping[str, Json], chain: Chain) -> Json:
        common = state.common
        if common.is_jsonata:
            return super().run_pass(state, value, context, chain)
        if state.has_result:
            result = state.result
            self.inspection.note("result", result)
        else:
            effective = self.note_input_path(common, value, context, chain)
            if state.parameters is not None:
                result = state.parameters.evaluate(effective, context, self.rng, chain.variables)
            else:
                result = effective
            self.inspection.note("afterParameters", result)
        self.inspection.note("afterResultSelector", result)
        self.assign_jsonpath(common.assign, result, context, chain)
        output = apply_result_path(state.result_path, value, result)
        self.inspection.note("afterResultPath", output)
        return apply_output_path(common.output_path, output, context, chain.variables)

    def run_choice(
        self, state: ChoiceState, value: Json, context: Mapping[str, Json], chain: Chain
    ) -> tuple[Json, str | None]:
        if not state.common.is_jsonata:
            self.note_input_path(state.common, value, context, chain)
        return super().run_choice(state, value, context, chain)

    def wait_seconds(
        self, state: WaitState, value: Json, context: Mapping[str, Json], chain: Chain, now: float
    ) -> tuple[float, Json]:
        if not state.common.is_jsonata:
            # InputPath applies before SecondsPath / TimestampPath: a failing path still shows it
            effective = self.note_input_path(state.common, value, context, chain)
            return wait_seconds(state, effective, context, now, chain.variables), effective
        return super().wait_seconds(state, value, context, chain, now)

    def effective_input(
        self, common: StateCommon, value: Json, context: Mapping[str, Json], chain: Chain
    ) -> Json:
        effective = super().effective_input(common, value, context, chain)
        if not common.is_jsonata and common.type == "Succeed":
            self.inspection.note("afterInputPath", effective)
        return effective

    def failure(
        self, state: FailState, value: Json, context: Mapping[str, Json], chain: Chain
    ) -> StatesError:
        if not state.common.is_jsonata:
            self.note_input_path(state.common, value, context, chain)
        return super().failure(state, value, context, chain)

    def map_items(
        self, state: MapState, value: Json, context: Mapping[str, Json], chain: Chain
    ) -> tuple[Json, list[Json], int]:
        if not state.common.is_jsonata:
            effective = self.note_input_path(state.common, value, context, chain)
            path = state.items_path
            if path.text.startswith("$$") and not isinstance(_found(path, effective, context), list):
                # AWS names a context path without its first "$" here
                raise StatesError(ErrorName.RUNTIME, f'Reference path "{path.text[1:]}" must point to array.')
        effective, items, concurrency = super().map_items(state, value, context, chain)
        if not state.common.is_jsonata:
            self.inspection.note("afterItemsPath", items)
        self.inspection.note("maxConcurrency", concurrency)
        return effective, items, concurrency


def _found(path: JsonPath, value: Json, context: Mapping[str, Json]) -> Json:
    """What ``path`` selects, or None when it selects nothing (the context given may lack it)."""
    try:
        return path.get(value, context)
    except PathNotFound:
        return None


def _reader_items(state: MapState, data: str, inspection: Inspection) -> list[Json]:
    """``stateConfiguration.mapItemReaderData``, "the data read by ItemReader … as found in its
    original source", read as the state's ItemReader reads its object (CSV, JSON, JSONL, a
    listObjectsV2 listing as JSON), ``MaxItems`` included. A JSON file read through
    ``ReaderConfig.ItemsPointer`` notes what the pointer selects (``afterItemsPointer``: "the
    effective input after the ItemsPointer filter is applied in a Map state", API_InspectionData)."""
    reader = state.distributed.item_reader if state.distributed is not None else None
    action = reader.resource.action if reader is not None else "getObject"
    config = reader.reader_config if reader is not None else {}
    body: Json = data
    if action.startswith("listObjectsV2"):
        try:
            body = from_json_text(data)
        except json.JSONDecodeError as error:
            raise StatesError(ErrorName.ITEM_READER_FAILED, f"Invalid JSON: {error.msg}") from None
    items = decode_items(config, action, body, None)
    pointer = config.get("ItemsPointer")
    if isinstance(pointer, str) and config.get("InputType", "JSON") == "JSON" and body is data:
        # decode_items has read the same text through the same pointer without failing
        document = from_json_text(data)
        inspection.texts.remember(document, data)  # a selection shown as the caller wrote it
        inspection.note("afterItemsPointer", items_pointed(document, pointer))
    return items


class MockedParallel:
    """A Parallel whose mock is its result: no branch runs."""

    failed_event: str | None = None
    stays_active_on_failure = False

    def __init__(self, mock: Answer) -> None:
        self.mock = mock

    def prepare(
        self, scope: Scope, state: ParallelState, value: Json, context: Context, chain: Chain
    ) -> None:
        return None

    async def attempt(
        self, scope: Scope, state: ParallelState, prepared: None, value: Json, context: Context, chain: Chain
    ) -> Outcome:
        # AWS shows no input processing for a mocked Parallel (no afterInputPath even with an
        # InputPath): the mock stands for the whole branch run, what is noted starts at its result.
        next_name = None if state.common.end else state.common.next
        return scope.dataflow.finish(state, value, self.mock.answer(), context, chain), next_name


class MockedMap:
    """A Map whose mock is its result: no iteration runs. Its fields are still evaluated (and
    noted), and ``stateConfiguration`` decides whether its tolerated failure threshold was exceeded."""

    failed_event: str | None = None
    stays_active_on_failure = False

    def __init__(
        self,
        mock: Answer | None,
        reader_data: str | None,
        failed_iterations: int | None,
        inspection: Inspection,
    ) -> None:
        self.mock = mock
        self.reader_data = reader_data  # stateConfiguration.mapItemReaderData
        self.failed_iterations = failed_iterations  # stateConfiguration.mapIterationFailureCount
        self.inspection = inspection

    def prepare(self, scope: Scope, state: MapState, value: Json, context: Context, chain: Chain) -> None:
        return None

    async def attempt(
        self, scope: Scope, state: MapState, prepared: None, value: Json, context: Context, chain: Chain
    ) -> Outcome:
        dataflow = scope.dataflow
        reader_data = self.reader_data
        common = state.common
        bindings = dataflow.bindings(value, context, chain) if common.is_jsonata else None
        items: Json
        reads = state.distributed is not None and state.distributed.item_reader is not None
        if reads or reader_data is not None:
            # A Distributed Map with an ItemReader reads no items from its input: they are the
            # ItemReader's data (stateConfiguration.mapItemReaderData); without it nothing is read.
            if isinstance(dataflow, InspectingDataFlow) and not common.is_jsonata:
                effective = dataflow.note_input_path(common, value, context, chain)
            else:
                effective = dataflow.effective_input(common, value, context, chain)
            items = _reader_items(state, reader_data, self.inspection) if reader_data is not None else []
            if bindings is not None:
                concurrency = jsonata_max_concurrency(state, bindings)
            else:
                concurrency = max_concurrency_of(state, effective, context, chain.variables)
            self.inspection.note("maxConcurrency", concurrency)
        else:
            effective, items, _ = dataflow.map_items(state, value, context, chain)
        threshold = None
        if state.distributed is not None:
            threshold = failure_threshold_of(state.distributed, effective, context, chain.variables, bindings)
            if threshold.count is not None:
                self.inspection.note("toleratedFailureCount", threshold.count)
            if threshold.percentage is not None:
                self.inspection.note("toleratedFailurePercentage", threshold.percentage)
        if not reads or reader_data is not None:
            self._note_item_processing(scope, state, value, effective, items, context, chain)
        mock = self.mock
        if mock is None:
            raise StatesError(ErrorName.RUNTIME, "A mock is required to test a Map state in isolation")
        result = mock.answer()
        failed = self.failed_iterations
        if (
            threshold is not None
            and (threshold.count is not None or threshold.percentage is not None)
            and failed
            and threshold.exceeded(failed, len(items) if isinstance(items, list) else 0)
        ):
            raise StatesError(ErrorName.EXCEED_TOLERATED_FAILURE_THRESHOLD, EXCEEDED_THRESHOLD_CAUSE)
        next_name = None if state.common.end else state.common.next
        return dataflow.finish(state, value, result, context, chain), next_name

    def _note_item_processing(
        self,
        scope: Scope,
        state: MapState,
        value: Json,
        effective: Json,
        items: Json,
        context: Context,
        chain: Chain,
    ) -> None:
        """``afterItemSelector`` (every iteration's input) and ``afterItemBatcher`` (the batches)."""
        dataflow = scope.dataflow
        selected = items if isinstance(items, list) else []
        if state.item_selector is not None or state.jsonata_item_selector is not None:
            selected = [
                dataflow.map_item(state, effective, index, item, context, chain)
                for index, item in enumerate(selected)
            ]
            self.inspection.note("afterItemSelector", selected)
        batcher = state.distributed.item_batcher if state.distributed is not None else None
        if batcher is not None:
            bindings = dataflow.bindings(value, context, chain) if state.common.is_jsonata else None
            batches = batches_of(
                batcher, selected, effective, context, dataflow.rng, chain.variables, bindings
            )
            self.inspection.note("afterItemBatcher", batches)
