"""TestState: run ONE state with the engine's own executor and report what AWS reports.

The executor is the engine's, configured for TestState rather than subclassed:

* the integration seam answers the request's ``mock`` (``result`` / ``errorOutput``); without a
  mock the real integration is called (``MockedIntegrations``);
* a Map or Parallel state with a mock does not run its iterations / branches: its unit is
  replaced by one whose result is the mock (``stateConfiguration`` decides whether the Map's
  tolerated failure threshold was exceeded, or names the inner state that raised the mocked error);
* nothing waits (Wait states and retry back-off: ``_NoWait``);
* a retrier that would retry ends the test as ``RETRIABLE`` (``retrierRetryCount`` says how many
  retries were already made), a catcher as ``CAUGHT_ERROR`` (``_RetryDecision``).

The intermediate values (``afterInputPath``, ``afterParameters``, ``result`` …) are noted while
the state runs (``InspectingDataFlow``) and returned as ``inspectionData`` at the DEBUG and TRACE
levels.
"""

from __future__ import annotations

import base64
import random
import uuid
from dataclasses import dataclass, field, replace

from emulator.language.errors import ErrorName, HeartbeatTimedOut, StatesError
from emulator.language.evaluate.retry import find_retrier, retry_delay
from emulator.language.parse.definition import Definition
from emulator.language.states.common import Catcher, Retrier, error_matches
from emulator.language.states.map_state import (
    MapState,
)
from emulator.language.states.parallel_state import ParallelState
from emulator.language.states.registry import State
from emulator.language.states.task_state import REQUEST_RESPONSE, TaskState
from emulator.model.arns import execution_arn, partition_for, state_machine_arn
from emulator.model.jsontext import from_json_text
from emulator.model.records import Execution, StateMachine, StateMachineType
from emulator.model.types import Json, JsonObject
from emulator.runtime.context import iso_timestamp
from emulator.runtime.engine import Engine
from emulator.runtime.executor import Executor, catchers_of, retriers_of
from emulator.runtime.failures import Terminal, TimedOut
from emulator.runtime.recorder import Chain, Recorder
from emulator.runtime.run import Run
from emulator.runtime.test_state_inspection import (
    InspectingDataFlow,
    Inspection,
    MockedIntegrations,
    MockedMap,
    MockedParallel,
    Texts,
)
from emulator.runtime.work.scope import Context

INFO = "INFO"
DEBUG = "DEBUG"
TRACE = "TRACE"

# The name AWS gives the state under test in its context object ($$.State.Name).
CONTEXT_STATE_NAME = "StateName"
# "The TestState API can run for up to five minutes. If the execution of a state exceeds this
# duration, it fails with the States.Timeout error." (API_TestState)
RUN_LIMIT_SECONDS = 300


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

    state: State
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


class _NoWait:
    """TestState waits for nothing (Wait states, retry back-off)."""

    async def wait(self, run: Run, seconds: float) -> None:
        return None


class _RetryDecision:
    """TestState's retry decider: the first failure a retrier would retry ends the test as
    RETRIABLE (``_Retriable``); the retrier that matched is noted either way."""

    def __init__(self, case: TestStateCase, inspection: Inspection, rng: random.Random) -> None:
        self.case = case
        self.inspection = inspection
        self.rng = rng
        self.decided = False

    def delay(self, retriers: tuple[Retrier, ...], failure: StatesError, attempts: list[int]) -> float | None:
        self.decide(retriers, failure)
        return None

    def decide(self, retriers: tuple[Retrier, ...], failure: StatesError) -> None:
        """Raise ``_Retriable`` when a retrier would retry ``failure``; note the retrier either way."""
        if self.decided:
            return
        self.decided = True
        if not retriers or failure.error == ErrorName.RUNTIME or isinstance(failure, Terminal):
            return
        index = find_retrier(retriers, failure.error, isinstance(failure, HeartbeatTimedOut))
        if index is None:
            return
        self.inspection.error_details["retryIndex"] = index
        retrier = retriers[index]
        made = self.case.configuration.retrier_retry_count
        if made < retrier.max_attempts:
            raise _Retriable(failure, index, retry_delay(retrier, made, self.rng))


def _test_engine(
    engine: Engine, case: TestStateCase, inspection: Inspection
) -> tuple[Engine, _RetryDecision]:
    """An engine for one TestState: the mocked integration seam, no task tokens, and its executor
    configured with TestState's waiter, retry decider, data steps and (with a mock) Map / Parallel."""
    trace = inspection if case.inspection_level == TRACE else None
    tested = Engine(
        engine.clock,
        MockedIntegrations(engine.integrations, case.mock, trace),
        rng=engine.rng,
        timeout_scale=engine.timeout_scale,
        evaluations=engine.evaluations,
    )
    units = tested.executor.units
    if case.mock is not None or case.configuration.error_caused_by_state:
        configuration = case.configuration
        mocked_map = MockedMap(
            case.mock,
            configuration.map_item_reader_data,
            configuration.map_iteration_failure_count,
            inspection,
        )
        units = units.with_unit(MapState, mocked_map)
    if case.mock is not None:
        units = units.with_unit(ParallelState, MockedParallel(case.mock))
    decision = _RetryDecision(case, inspection, engine.rng)
    dataflow = InspectingDataFlow(engine.rng, engine.clock, inspection, engine.evaluations)
    tested.executor = Executor(engine.clock, dataflow, _NoWait(), decision, units)
    return tested, decision


def _context_object(
    case: TestStateCase, state: State, input_value: Json, now: float, texts: Texts
) -> Context:
    if case.context_text is not None:
        context = from_json_text(case.context_text)
        texts.remember(context, case.context_text)
        return context if isinstance(context, dict) else {}
    machine_name = str(uuid.uuid4())
    name = str(uuid.uuid4())
    state_info: JsonObject = {"Name": CONTEXT_STATE_NAME, "EnteredTime": iso_timestamp(now)}
    if isinstance(state, TaskState | MapState | ParallelState):
        # the attempt under test follows stateConfiguration.retrierRetryCount retries ("control
        # execution context to test specific retry attempts", test-state-isolation)
        state_info["RetryCount"] = case.configuration.retrier_retry_count
    built: JsonObject = {
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
    if isinstance(state, TaskState) and _carries_task_token(state):
        # a callback / .sync task reads its token from $$.Task.Token (the context object page)
        raw = f"{case.account}:{case.region}:{uuid.uuid4()}".encode()
        built["Task"] = {"Token": base64.urlsafe_b64encode(raw).decode().rstrip("=")}
    return built


def _carries_task_token(state: TaskState) -> bool:
    resource = state.resource
    return resource.kind == "service" and resource.pattern != REQUEST_RESPONSE


def _throwaway_run(case: TestStateCase, state: State, now: float, engine: Engine) -> Run:
    """The engine works on a run; TestState's is never stored and its history is discarded."""
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


async def run_test_state(engine: Engine, case: TestStateCase) -> JsonObject:
    """Run ``case.state`` once; return the TestState response (wire member names)."""
    texts = Texts()
    input_value = from_json_text(case.input_text)
    texts.remember(input_value, case.input_text)
    if case.mock is not None and case.mock.result is not None:
        mocked = from_json_text(case.mock.result)
        texts.remember(mocked, case.mock.result)
        case = _with_parsed_mock(case, mocked)
    inspection = Inspection(texts)
    tested, decision = _test_engine(engine, case, inspection)
    now = engine.clock.now()
    state = case.state
    context = _context_object(case, state, input_value, now, texts)
    run = _throwaway_run(case, state, now, engine)
    run.deadline = now + RUN_LIMIT_SECONDS
    inspection.note("input", input_value)
    response: JsonObject = {}
    chain = Chain(0, dict(case.variables or {}))
    try:
        try:
            executor = tested.executor
            output, next_name = await executor.work(executor.scope(run), state, input_value, context, chain)
        except StatesError as failure:
            decision.decide(retriers_of(state), failure)
            raise
    except TimedOut:
        # the API's own limit, not the state's: no retrier or catcher handles it
        response["error"] = ErrorName.TIMEOUT
        response["status"] = "FAILED"
    except _Retriable as retriable:
        # an Integer in the API (InspectionErrorDetails): whole seconds of the back-off
        inspection.error_details["retryBackoffIntervalSeconds"] = int(retriable.delay)
        inspection.error_details["retryIndex"] = retriable.retry_index
        _put_error(response, retriable.failure)
        response["status"] = "RETRIABLE"
    except StatesError as failure:
        _put_error(response, failure)
        catchers = catchers_of(state)
        # States.Runtime and the state-level data limits are never retried nor caught (executor.py)
        uncatchable = failure.error == ErrorName.RUNTIME or isinstance(failure, Terminal)
        index = None if uncatchable else _catcher_index(catchers, failure)
        if index is None:
            response["status"] = "FAILED"
        else:
            catcher = catchers[index]
            inspection.error_details["catchIndex"] = index
            error_output: dict[str, Json] = {"Error": failure.error}
            if failure.cause is not None:
                error_output["Cause"] = failure.cause
            dataflow = tested.executor.dataflow
            caught = await dataflow.evaluated(
                dataflow.caught, catcher, state.common, input_value, error_output, context, chain
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
    return replace(case, mock=_ParsedMock(result=case.mock.result if case.mock else None, value=mocked))


@dataclass(frozen=True, slots=True)
class _ParsedMock(TestStateMock):
    value: Json = None

    def answer(self) -> Json:
        return self.value


def _put_error(response: JsonObject, failure: StatesError) -> None:
    if failure.error is not None:
        response["error"] = failure.error
    if failure.cause is not None:
        response["cause"] = failure.cause


def _catcher_index(catchers: tuple[Catcher, ...], failure: StatesError) -> int | None:
    for index, catcher in enumerate(catchers):
        if error_matches(catcher.error_equals, failure.error, isinstance(failure, HeartbeatTimedOut)):
            return index
    return None
