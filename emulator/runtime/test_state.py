"""TestState: run ONE state with the engine's machinery and report what AWS reports.

The state's work is the engine's own (``Engine._work`` and the helpers it calls); a small engine
subclass changes only what TestState changes:

* the Task's integration call answers the request's ``mock`` (``result`` / ``errorOutput``);
  without a mock the real integration is called;
* a Map or Parallel state with a mock does not run its iterations / branches: the mock is the
  state's result (``stateConfiguration`` decides whether the Map's tolerated failure threshold
  was exceeded, or names the inner state that raised the mocked error);
* nothing waits (Wait states and retry back-off);
* a retrier that would retry ends the test as ``RETRIABLE`` (``retrierRetryCount`` says how many
  retries were already made), a catcher as ``CAUGHT_ERROR``.

The intermediate values (``afterInputPath``, ``afterParameters``, ``result`` …) are noted while
the state runs and returned as ``inspectionData`` at the DEBUG and TRACE levels.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from emulator.integrations.registry import IntegrationRegistry, TaskInvocation
from emulator.language.errors import ErrorName, StatesError
from emulator.language.evaluate.io import apply_input_path, apply_output_path, apply_result_path
from emulator.language.evaluate.retry import find_retrier, retry_delay
from emulator.language.states.choice_state import ChoiceState
from emulator.language.states.fail_state import FailState
from emulator.language.states.map_state import MapState, batches_of, failure_threshold_of
from emulator.language.states.parallel_state import ParallelState
from emulator.language.states.pass_state import PassState
from emulator.language.states.task_state import TaskState
from emulator.language.states.wait_state import WaitState
from emulator.model.arns import execution_arn, partition_for, state_machine_arn
from emulator.model.jsontext import from_json_text, to_json_text
from emulator.model.records import Execution, StateMachine, StateMachineType
from emulator.model.types import Json
from emulator.runtime.context import iso_timestamp
from emulator.runtime.dataflow import DataFlow
from emulator.runtime.engine import Engine
from emulator.runtime.recorder import Chain, Recorder
from emulator.runtime.run import Run

INFO = "INFO"
DEBUG = "DEBUG"
TRACE = "TRACE"

# The name AWS gives the state under test in its context object ($$.State.Name).
CONTEXT_STATE_NAME = "StateName"
EXCEEDED_THRESHOLD_CAUSE = "The specified tolerated failure threshold was exceeded"


@dataclass(frozen=True, slots=True)
class TestStateMock:
    """``mock``: the state's result (JSON text) or the error it raises."""

    result: str | None = None
    error: str | None = None
    cause: str | None = None

    def answer(self) -> Json:
        if self.result is None:
            raise StatesError(self.error or "", self.cause)
        return from_json_text(self.result)


@dataclass(frozen=True, slots=True)
class StateConfiguration:
    retrier_retry_count: int = 0
    error_caused_by_state: str | None = None
    map_iteration_failure_count: int | None = None
    map_item_reader_data: str | None = None


@dataclass(frozen=True, slots=True)
class TestStateCase:
    """One TestState request, checked and compiled by the control plane."""

    state: Any  # a compiled state (emulator.language.states)
    input_text: str
    region: str
    account: str
    inspection_level: str = INFO
    role_arn: str | None = None
    whole_definition: bool = False  # the state came from a state machine definition (``stateName``)
    context_text: str | None = None  # the request's ``context`` (replaces the built context object)
    variables: dict[str, Json] | None = None
    mock: TestStateMock | None = None
    configuration: StateConfiguration = field(default_factory=StateConfiguration)
    reveal_secrets: bool = False


class _Retriable(Exception):
    def __init__(self, failure: StatesError, retry_index: int, delay: float) -> None:
        super().__init__(failure.error)
        self.failure = failure
        self.retry_index = retry_index
        self.delay = delay


class _Texts:
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


class _Inspection:
    def __init__(self) -> None:
        self.data: dict[str, Any] = {}
        self.error_details: dict[str, Any] = {}

    def note(self, key: str, value: Any) -> None:
        self.data[key] = value


class _MockedIntegrations(IntegrationRegistry):
    """The integration seam for one TestState run: the mock answers, else the real integration."""

    def __init__(
        self, real: IntegrationRegistry, mock: TestStateMock | None, trace: _Inspection | None = None
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
            integration = self._real.find(invocation.resource)
            exchange = getattr(integration, "exchange", None)
            if exchange is not None:
                return _traced(await exchange(invocation), self._trace)
        return await self._real.invoke(invocation)

    async def run_job(self, invocation: TaskInvocation, submitted: Json) -> Json:
        if self._mock is not None:
            return submitted
        return await self._real.run_job(invocation, submitted)


HTTP = "http"


def _traced(exchange: Any, inspection: _Inspection) -> Json:
    """Note an HTTP Task's request and response (``inspectionData.request`` / ``.response``), then
    answer as the task would. Header lists are JSON text (AWS documents them as strings, not their
    layout). Nothing an EventBridge connection would add is sent here, so ``revealSecrets`` has
    nothing to reveal: what the definition sent and what came back are shown as they are."""
    sent = exchange.request
    request = {"protocol": sent.protocol, "method": sent.method, "url": sent.url}
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
    return exchange.result  # type: ignore[no-any-return]


class _InspectingDataFlow(DataFlow):
    """The engine's data steps, noting the intermediate values AWS shows as ``inspectionData``."""

    __slots__ = ("inspection",)

    def __init__(self, rng: Any, clock: Any, inspection: _Inspection) -> None:
        super().__init__(rng, clock)
        self.inspection = inspection

    def _note_input_path(self, common: Any, value: Json, context: Mapping[str, Json], chain: Chain) -> Json:
        effective = apply_input_path(common.input_path, value, context, chain.variables)
        self.inspection.note("afterInputPath", effective)
        return effective

    def arguments(
        self, common: Any, parameters: Any, value: Json, context: Mapping[str, Json], chain: Chain
    ) -> Json:
        produced = super().arguments(common, parameters, value, context, chain)
        if common.is_jsonata:
            self.inspection.note("afterArguments", produced)
        else:
            self._note_input_path(common, value, context, chain)
            self.inspection.note("afterParameters", produced)
        return produced

    def finish(
        self, state: Any, value: Json, result: Json, context: Mapping[str, Json], chain: Chain
    ) -> Json:
        common = state.common
        if isinstance(state, TaskState):
            self.inspection.note("result", result)
        if common.is_jsonata:
            return super().finish(state, value, result, context, chain)
        if state.result_selector is not None:
            result = state.result_selector.evaluate(result, context, self.rng, chain.variables)
        self.inspection.note("afterResultSelector", result)
        self._assign_jsonpath(common.assign, result, context, chain)
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
            effective = self._note_input_path(common, value, context, chain)
            if state.parameters is not None:
                result = state.parameters.evaluate(effective, context, self.rng, chain.variables)
            else:
                result = effective
            self.inspection.note("afterParameters", result)
        self.inspection.note("afterResultSelector", result)
        self._assign_jsonpath(common.assign, result, context, chain)
        output = apply_result_path(state.result_path, value, result)
        self.inspection.note("afterResultPath", output)
        return apply_output_path(common.output_path, output, context, chain.variables)

    def run_choice(
        self, state: ChoiceState, value: Json, context: Mapping[str, Json], chain: Chain
    ) -> tuple[Json, str]:
        if not state.common.is_jsonata:
            self._note_input_path(state.common, value, context, chain)
        return super().run_choice(state, value, context, chain)

    def wait_seconds(
        self, state: WaitState, value: Json, context: Mapping[str, Json], chain: Chain, now: float
    ) -> tuple[float, Json]:
        seconds, effective = super().wait_seconds(state, value, context, chain, now)
        if not state.common.is_jsonata:
            self.inspection.note("afterInputPath", effective)
        return seconds, effective

    def effective_input(self, common: Any, value: Json, context: Mapping[str, Json], chain: Chain) -> Json:
        effective = super().effective_input(common, value, context, chain)
        if not common.is_jsonata and common.type == "Succeed":
            self.inspection.note("afterInputPath", effective)
        return effective

    def failure(
        self, state: FailState, value: Json, context: Mapping[str, Json], chain: Chain
    ) -> StatesError:
        if not state.common.is_jsonata:
            self._note_input_path(state.common, value, context, chain)
        return super().failure(state, value, context, chain)

    def map_items(
        self, state: MapState, value: Json, context: Mapping[str, Json], chain: Chain
    ) -> tuple[Json, list[Json], int]:
        if not state.common.is_jsonata:
            effective = self._note_input_path(state.common, value, context, chain)
            path = state.items_path
            if path.text.startswith("$$") and not isinstance(path.get(effective, context), list):
                # AWS names a context path without its first "$" here
                raise StatesError(ErrorName.RUNTIME, f'Reference path "{path.text[1:]}" must point to array.')
        effective, items, concurrency = super().map_items(state, value, context, chain)
        if not state.common.is_jsonata:
            self.inspection.note("afterItemsPath", items)
        self.inspection.note("maxConcurrency", concurrency)
        return effective, items, concurrency


class _TestStateEngine(Engine):
    """The engine with TestState's differences (see the module docstring)."""

    def __init__(self, base: Engine, case: TestStateCase, inspection: _Inspection) -> None:
        super().__init__(
            base.clock,
            _MockedIntegrations(
                base.integrations, case.mock, inspection if case.inspection_level == TRACE else None
            ),
            rng=base.rng,
            callbacks=None,
            timeout_scale=base.timeout_scale,
        )
        self.dataflow = _InspectingDataFlow(self.rng, self.clock, inspection)
        self.case = case
        self.inspection = inspection
        self.retry_decided = False

    async def _wait(self, run: Run, seconds: float) -> None:
        return None

    async def _retry_pause(
        self, run: Run, state: Any, failure: StatesError, attempts: list[int], context: dict[str, Any]
    ) -> bool:
        self.decide_retry(state, failure)
        return False

    def decide_retry(self, state: Any, failure: StatesError) -> None:
        """Raise ``_Retriable`` when a retrier would retry ``failure``; note the retrier either way."""
        if self.retry_decided:
            return
        self.retry_decided = True
        retriers = getattr(state, "retry", ())
        if not retriers or failure.error == ErrorName.RUNTIME:
            return
        index = find_retrier(retriers, failure.error)
        if index is None:
            return
        self.inspection.error_details["retryIndex"] = index
        retrier = retriers[index]
        made = self.case.configuration.retrier_retry_count
        if made < retrier.max_attempts:
            raise _Retriable(failure, index, retry_delay(retrier, made, self.rng))

    async def _work(
        self, run: Run, state: Any, value: Json, context: dict[str, Any], chain: Chain
    ) -> tuple[Json, str | None]:
        common = state.common
        next_name = None if common.end else common.next
        mock = self.case.mock
        if isinstance(state, MapState) and (
            mock is not None or self.case.configuration.error_caused_by_state
        ):
            return self._mocked_map(state, value, context, chain), next_name
        if isinstance(state, ParallelState) and mock is not None:
            return self._finish_result(state, value, mock.answer(), context, chain), next_name
        return await super()._work(run, state, value, context, chain)

    def _mocked_map(self, state: MapState, value: Json, context: dict[str, Any], chain: Chain) -> Json:
        reader_data = self.case.configuration.map_item_reader_data
        if reader_data is not None:
            effective = self.dataflow.effective_input(state.common, value, context, chain)
            items = from_json_text(reader_data)
            self.inspection.note("maxConcurrency", state.max_concurrency)
        else:
            effective, items, _ = self.dataflow.map_items(state, value, context, chain)
        threshold = None
        if state.distributed is not None:
            threshold = failure_threshold_of(state.distributed, effective, context, chain.variables)
            if threshold.count is not None:
                self.inspection.note("toleratedFailureCount", threshold.count)
            if threshold.percentage is not None:
                self.inspection.note("toleratedFailurePercentage", threshold.percentage)
        self._note_item_processing(state, value, effective, items, context, chain)
        mock = self.case.mock
        if mock is None:
            raise StatesError(ErrorName.RUNTIME, "A mock is required to test a Map state in isolation")
        result = mock.answer()
        failed = self.case.configuration.map_iteration_failure_count
        if (
            threshold is not None
            and (threshold.count is not None or threshold.percentage is not None)
            and failed
            and threshold.exceeded(failed, len(items) if isinstance(items, list) else 0)
        ):
            raise StatesError(ErrorName.EXCEED_TOLERATED_FAILURE_THRESHOLD, EXCEEDED_THRESHOLD_CAUSE)
        return self._finish_result(state, value, result, context, chain)

    def _note_item_processing(
        self,
        state: MapState,
        value: Json,
        effective: Json,
        items: Json,
        context: dict[str, Any],
        chain: Chain,
    ) -> None:
        """``afterItemSelector`` (every iteration's input) and ``afterItemBatcher`` (the batches)."""
        selected = items if isinstance(items, list) else []
        if state.item_selector is not None or state.jsonata_item_selector is not None:
            selected = [
                self.dataflow.map_item(state, effective, index, item, context, chain)
                for index, item in enumerate(selected)
            ]
            self.inspection.note("afterItemSelector", selected)
        batcher = state.distributed.item_batcher if state.distributed is not None else None
        if batcher is not None:
            bindings = self.dataflow.bindings(value, context, chain) if state.common.is_jsonata else None
            batches = batches_of(batcher, selected, effective, context, self.rng, chain.variables, bindings)
            self.inspection.note("afterItemBatcher", batches)


def is_jsonata(state: Any) -> bool:
    return bool(getattr(state.common, "is_jsonata", False))


def _context_object(
    case: TestStateCase, state: Any, input_value: Json, now: float, texts: _Texts
) -> dict[str, Any]:
    if case.context_text is not None:
        context = from_json_text(case.context_text)
        texts.remember(context, case.context_text)
        return context if isinstance(context, dict) else {}
    machine_name = str(uuid.uuid4())
    name = str(uuid.uuid4())
    state_info: dict[str, Any] = {"Name": CONTEXT_STATE_NAME, "EnteredTime": iso_timestamp(now)}
    if isinstance(state, TaskState | MapState | ParallelState):
        state_info["RetryCount"] = 0
    return {
        "Execution": {
            "Id": execution_arn(case.region, case.account, machine_name, name, express=True),
            "Input": input_value,
            "Name": name,
            # observed: AWS leaves RoleArn null when testing a state of a whole definition
            "RoleArn": None if case.whole_definition else case.role_arn,
            "StartTime": iso_timestamp(now),
        },
        "StateMachine": {
            "Id": state_machine_arn(case.region, case.account, machine_name),
            "Name": machine_name,
        },
        "State": state_info,
    }


def _throwaway_run(case: TestStateCase, state: Any, now: float, engine: Engine) -> Run:
    """The engine works on a run; TestState's is never stored and its history is discarded."""
    from emulator.language.parse.definition import Definition

    machine = StateMachine(
        arn=state_machine_arn(case.region, case.account, "TestState"),
        name="TestState",
        definition="{}",
        role_arn=case.role_arn or f"arn:{partition_for(case.region)}:iam::{case.account}:role/TestState",
        type=StateMachineType.EXPRESS,
        creation_date=now,
        compiled=Definition(start_at=state.common.name, states={state.common.name: state}),
    )
    execution = Execution(
        arn=execution_arn(case.region, case.account, "TestState", str(uuid.uuid4()), express=True),
        name="TestState",
        state_machine=machine,
        state_machine_arn=machine.arn,
        input=case.input_text,
        start_date=now,
        express=True,
    )
    run = Run(execution, Recorder(execution.history, engine.clock))
    run.recorder.closed = True  # nothing is recorded
    return run


async def run_test_state(engine: Engine, case: TestStateCase) -> dict[str, Any]:
    """Run ``case.state`` once; return the TestState response (wire member names)."""
    texts = _Texts()
    input_value = from_json_text(case.input_text)
    texts.remember(input_value, case.input_text)
    if case.mock is not None and case.mock.result is not None:
        mocked = from_json_text(case.mock.result)
        texts.remember(mocked, case.mock.result)
        case = _with_parsed_mock(case, mocked)
    inspection = _Inspection()
    test_engine = _TestStateEngine(engine, case, inspection)
    now = engine.clock.now()
    state = case.state
    context = _context_object(case, state, input_value, now, texts)
    run = _throwaway_run(case, state, now, engine)
    inspection.note("input", input_value)
    response: dict[str, Any] = {}
    chain = Chain(0, dict(case.variables or {}))
    try:
        try:
            output, next_name = await test_engine._work(run, state, input_value, context, chain)
        except StatesError as failure:
            if not isinstance(failure, _Retriable):
                test_engine.decide_retry(state, failure)
            raise
    except _Retriable as retriable:
        inspection.error_details["retryBackoffIntervalSeconds"] = _number(retriable.delay)
        inspection.error_details["retryIndex"] = retriable.retry_index
        _put_error(response, retriable.failure)
        response["status"] = "RETRIABLE"
    except StatesError as failure:
        _put_error(response, failure)
        catchers = getattr(state, "catch", ())
        index = _catcher_index(catchers, failure) if failure.error != ErrorName.RUNTIME else None
        if index is None:
            response["status"] = "FAILED"
        else:
            catcher = catchers[index]
            inspection.error_details["catchIndex"] = index
            error_output: dict[str, Json] = {"Error": failure.error}
            if failure.cause is not None:
                error_output["Cause"] = failure.cause
            caught = test_engine.dataflow.caught(
                catcher, state.common, input_value, error_output, context, chain
            )
            response["output"] = texts.text(caught)
            response["nextState"] = catcher.next
            response["status"] = "CAUGHT_ERROR"
    else:
        response["output"] = texts.text(output)
        if next_name is not None:
            response["nextState"] = next_name
        response["status"] = "SUCCEEDED"
    after = {**(case.variables or {}), **(chain.assigned or {})}
    if after:
        # AWS: "the set of workflow variables after execution of the state" (test input + assigned)
        inspection.note("variables", after)
    if case.inspection_level in (DEBUG, TRACE):
        data = {
            key: (value if key in _PLAIN_FIELDS else texts.text(value))
            for key, value in inspection.data.items()
        }
        if inspection.error_details:
            data["errorDetails"] = inspection.error_details
        response["inspectionData"] = data
    return response


# inspectionData members that are not JSON text
_PLAIN_FIELDS = frozenset(
    {"maxConcurrency", "toleratedFailureCount", "toleratedFailurePercentage", "request", "response"}
)


def _with_parsed_mock(case: TestStateCase, mocked: Json) -> TestStateCase:
    """Keep the mocked value parsed once (its identity carries its original text)."""
    from dataclasses import replace

    return replace(case, mock=_ParsedMock(result=case.mock.result if case.mock else None, value=mocked))


@dataclass(frozen=True, slots=True)
class _ParsedMock(TestStateMock):
    value: Json = None

    def answer(self) -> Json:
        return self.value


def _put_error(response: dict[str, Any], failure: StatesError) -> None:
    if failure.error is not None:
        response["error"] = failure.error
    if failure.cause is not None:
        response["cause"] = failure.cause


def _catcher_index(catchers: Any, failure: StatesError) -> int | None:
    from emulator.language.states.common import error_matches

    for index, catcher in enumerate(catchers):
        if error_matches(catcher.error_equals, failure.error):
            return index
    return None


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value
