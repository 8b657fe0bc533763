"""Mocked service integrations, consulted by the registry before any real integration.

Two sources, in this order:

1. Step Functions Local's mock configuration file (``SFN_MOCK_CONFIG`` / ``--mock-config``)::

       {"StateMachines": {"<machine name>": {"TestCases": {"<case>": {"<state>": "<response>"}}}},
        "MockedResponses": {"<response>": {"0": {"Return": …}, "1-2": {"Throw": {"Error": …, "Cause": …}}}}}

   An execution started as ``<state machine ARN>#<case>`` uses that test case. Every call of a
   mocked state (each retry, each Map iteration, each Parallel branch) consumes the next
   invocation number of its response; past the last number given, the last response repeats.
   States the test case does not name call their real integration. The file is re-read when its
   modification time changed, checked when a mocked execution starts.
2. Python callables registered with ``Mocks.register`` (per state machine and state, or per
   resource ARN); they take the ``TaskInvocation`` and return the result (or raise StatesError).

Integrations never know about mocking: ``IntegrationRegistry`` asks ``Mocks.answer`` first.
"""

from __future__ import annotations

import importlib
import inspect
import json
import logging
import os
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from emulator.integrations.registry import TaskInvocation
from emulator.language.errors import StatesError
from emulator.language.states.task_state import WAIT_FOR_TASK_TOKEN
from emulator.model.types import Json

LOG = logging.getLogger("emulator.mocks")

MockFunction = Callable[[TaskInvocation], Json | Awaitable[Json]]
# Settles a task token: (token, result, error, cause) — result is None when error is set.
TokenSettler = Callable[[str, Json, str | None, str | None], None]


class _NotMocked:
    __slots__ = ()


NOT_MOCKED: Final = _NotMocked()
_INVOCATION_KEY = re.compile(r"\A(\d+)(?:-(\d+))?\Z")


class MockConfigError(ValueError):
    """A malformed mock configuration; ``key`` is the dotted path of the offending member."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key = key
        self.message = message


@dataclass(frozen=True, slots=True)
class MockedReturn:
    value: Json


@dataclass(frozen=True, slots=True)
class MockedThrow:
    error: str
    cause: str | None


MockedOutcome = MockedReturn | MockedThrow


@dataclass(frozen=True, slots=True)
class MockedResponse:
    """Outcomes by invocation number: ``(first, last, outcome)`` sorted by ``first``."""

    ranges: tuple[tuple[int, int, MockedOutcome], ...]

    def outcome(self, invocation: int) -> MockedOutcome:
        for first, last, outcome in self.ranges:
            if first <= invocation <= last:
                return outcome
        return self.ranges[-1][2]


@dataclass(frozen=True, slots=True)
class MockConfig:
    # machine name -> test case -> state name -> response name
    state_machines: Mapping[str, Mapping[str, Mapping[str, str]]]
    responses: Mapping[str, MockedResponse]

    def find_test_case(self, machine: str, case: str) -> Mapping[str, str] | None:
        return self.state_machines.get(machine, {}).get(case)


EMPTY_CONFIG = MockConfig({}, {})


def _object(value: Any, key: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise MockConfigError(key, "must be a JSON object")
    return value


def _outcome(raw: Any, key: str) -> MockedOutcome:
    body = _object(raw, key)
    if ("Return" in body) == ("Throw" in body) or len(body) != 1:
        raise MockConfigError(key, "must hold exactly one of Return and Throw")
    if "Return" in body:
        return MockedReturn(body["Return"])
    throw = _object(body["Throw"], f"{key}.Throw")
    error = throw.get("Error")
    cause = throw.get("Cause")
    if not isinstance(error, str):
        raise MockConfigError(f"{key}.Throw.Error", "must be a string")
    if cause is not None and not isinstance(cause, str):
        raise MockConfigError(f"{key}.Throw.Cause", "must be a string")
    return MockedThrow(error, cause)


def _response(raw: Any, key: str) -> MockedResponse:
    ranges = []
    for number, outcome in _object(raw, key).items():
        where = f"{key}.{number}"
        match = _INVOCATION_KEY.match(number)
        if match is None:
            raise MockConfigError(where, 'invocation keys are numbers ("0") or ranges ("1-2")')
        first = int(match.group(1))
        last = int(match.group(2) or first)
        if last < first:
            raise MockConfigError(where, "a range must not end before it starts")
        ranges.append((first, last, _outcome(outcome, where)))
    if not ranges:
        raise MockConfigError(key, "defines no invocation")
    ranges.sort(key=lambda item: item[0])
    return MockedResponse(tuple(ranges))


def parse_mock_config(document: Any) -> MockConfig:
    """Check and compile a mock configuration document; raises ``MockConfigError``."""
    root = _object(document, "$")
    responses = {
        name: _response(raw, f"MockedResponses.{name}")
        for name, raw in _object(root.get("MockedResponses", {}), "MockedResponses").items()
    }
    machines: dict[str, dict[str, dict[str, str]]] = {}
    for machine, raw_machine in _object(root.get("StateMachines", {}), "StateMachines").items():
        where = f"StateMachines.{machine}"
        cases = _object(_object(raw_machine, where).get("TestCases", {}), f"{where}.TestCases")
        machines[machine] = {}
        for case, states in cases.items():
            case_key = f"{where}.TestCases.{case}"
            mapping = {}
            for state, response in _object(states, case_key).items():
                if not isinstance(response, str):
                    raise MockConfigError(f"{case_key}.{state}", "must name a mocked response")
                if response not in responses:
                    raise MockConfigError(
                        f"{case_key}.{state}", f"no MockedResponses entry named '{response}'"
                    )
                mapping[state] = response
            machines[machine][case] = mapping
    return MockConfig(machines, responses)


def merge_documents(base: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """``extra``'s state machines and responses added to (or replacing those of) ``base``."""
    merged: dict[str, Any] = {}
    for key in ("StateMachines", "MockedResponses"):
        merged[key] = {**_object(base.get(key) or {}, key), **_object(extra.get(key) or {}, key)}
    return merged


@dataclass(frozen=True, slots=True)
class _Binding:
    machine: str
    test_case: str
    root: str  # the execution whose invocation numbers this one consumes (itself, or a Map's parent)


class Mocks:
    """The mock layer in front of the integrations (see the module docstring)."""

    NOT_MOCKED: Final = NOT_MOCKED

    def __init__(self, path: str | None = None, settle_token: TokenSettler | None = None) -> None:
        self.path = path
        self.settle_token = settle_token
        self._file_document: dict[str, Any] = {}
        self._loaded_document: dict[str, Any] = {}
        self._config = EMPTY_CONFIG
        self._mtime: float | None = None
        self._bindings: dict[str, _Binding] = {}
        self._counters: dict[tuple[str, str], int] = {}
        self._by_state: dict[tuple[str, str], MockFunction] = {}
        self._by_resource: dict[str, MockFunction] = {}
        self._by_function: dict[str, MockFunction] = {}
        if path is not None:
            self.reload_if_changed()

    # --- the configuration file ---------------------------------------------------------------

    def reload_if_changed(self) -> None:
        """Re-read the file when its modification time changed. A malformed file is logged with
        its path and the offending key, and the previous configuration stays in force."""
        if self.path is None:
            return
        try:
            mtime = os.stat(self.path).st_mtime
        except OSError as error:
            if self._mtime is not None or not self._file_document:
                LOG.error("mock config %s cannot be read: %s", self.path, error)
            self._mtime = None
            return
        if mtime == self._mtime:
            return
        self._mtime = mtime
        try:
            with open(self.path, encoding="utf-8") as handle:
                document = json.load(handle)
            merged = merge_documents(_object(document, "$"), self._loaded_document)
            config = parse_mock_config(merged)
        except MockConfigError as error:
            LOG.error("mock config %s is malformed at %s: %s", self.path, error.key, error.message)
            return
        except ValueError as error:
            LOG.error("mock config %s is not valid JSON: %s", self.path, error)
            return
        self._file_document = document
        self._config = config
        LOG.info("mock config %s loaded (%d state machines)", self.path, len(config.state_machines))

    def load_document(self, document: Any) -> MockConfig:
        """Add a mock configuration document (on top of the file); raises ``MockConfigError``."""
        loaded = merge_documents(self._loaded_document, _object(document, "$"))
        config = parse_mock_config(merge_documents(self._file_document, loaded))
        self._loaded_document = loaded
        self._config = config
        return config

    @property
    def config(self) -> MockConfig:
        return self._config

    def has_test_case(self, machine: str, test_case: str) -> bool:
        self.reload_if_changed()
        return self._config.find_test_case(machine, test_case) is not None

    def bind(self, execution_arn: str, machine: str, test_case: str) -> None:
        """The execution ``execution_arn`` runs test case ``test_case`` of ``machine``."""
        self._bindings[execution_arn] = _Binding(machine, test_case, execution_arn)

    def bind_child(self, child_arn: str, parent_arn: str) -> None:
        """A Distributed Map child execution runs its parent's test case (its states are states of
        the parent's definition) and consumes the same invocation numbers."""
        binding = self._bindings.get(parent_arn)
        if binding is not None:
            self._bindings[child_arn] = binding

    def release(self, execution_arn: str) -> None:
        self._bindings.pop(execution_arn, None)
        for key in [key for key in self._counters if key[0] == execution_arn]:
            del self._counters[key]

    # --- Python mocks ---------------------------------------------------------------------------

    def register(
        self,
        function: MockFunction,
        *,
        state_machine: str | None = None,
        state: str | None = None,
        resource: str | None = None,
        function_name: str | None = None,
    ) -> None:
        """Mock a state of a state machine (``state_machine`` and ``state``) or every Task calling
        ``resource`` (a resource ARN). ``function(invocation)`` returns the result or raises
        ``StatesError(error, cause)``; it may be a coroutine function. ``function_name``: every
        call of that Lambda function, request-response or ``.waitForTaskToken`` (see
        ``python_functions.handler_mock``)."""
        if function_name is not None:  # a Lambda function, by name (python_functions.py)
            self._by_function[function_name] = function
        elif resource is not None:
            self._by_resource[resource] = function
        elif state_machine is not None and state is not None:
            self._by_state[(state_machine, state)] = function
        else:
            raise ValueError("register needs state_machine and state, or resource")

    def clear_registered(self) -> None:
        self._by_state.clear()
        self._by_resource.clear()
        self._by_function.clear()

    def reset(self) -> None:
        """Back to the configuration file alone: Python mocks, documents added at run time, test
        case bindings and invocation counters are forgotten (``POST /_emulator/reset``)."""
        self.clear_registered()
        self._bindings.clear()
        self._counters.clear()
        self._loaded_document = {}
        self._config = parse_mock_config(self._file_document) if self._file_document else EMPTY_CONFIG

    # --- answering ------------------------------------------------------------------------------

    def _configured(self, invocation: TaskInvocation) -> tuple[str, str, MockedResponse] | None:
        execution = invocation.context.get("Execution")
        state = invocation.context.get("State")
        if not isinstance(execution, Mapping) or not isinstance(state, Mapping):
            return None
        binding = self._bindings.get(str(execution.get("Id")))
        if binding is None:
            return None
        case = self._config.find_test_case(binding.machine, binding.test_case)
        name = state.get("Name")
        if case is None or not isinstance(name, str) or name not in case:
            return None
        response = self._config.responses.get(case[name])
        if response is None:
            return None
        return binding.root, name, response

    def _registered(self, invocation: TaskInvocation) -> MockFunction | None:
        machine = invocation.context.get("StateMachine")
        state = invocation.context.get("State")
        if isinstance(machine, Mapping) and isinstance(state, Mapping):
            found = self._by_state.get((str(machine.get("Name")), str(state.get("Name"))))
            if found is not None:
                return found
        function = self._function(invocation)
        if function is not None:
            return function
        return self._by_resource.get(invocation.resource.arn)

    def _function(self, invocation: TaskInvocation) -> MockFunction | None:
        """The Python handler registered for the Lambda function this task invokes."""
        if not self._by_function:
            return None
        from emulator.integrations.python_functions import function_name_of

        name = function_name_of(invocation)
        return self._by_function.get(name) if name is not None else None

    def is_mocked(self, invocation: TaskInvocation) -> bool:
        return self._configured(invocation) is not None or self._registered(invocation) is not None

    async def answer(self, invocation: TaskInvocation) -> Json | _NotMocked:
        """The mocked result of this call, ``NOT_MOCKED`` when the real integration must run;
        a mocked failure raises ``StatesError``."""
        configured = self._configured(invocation)
        if configured is not None:
            execution, state, response = configured
            number = self._counters.get((execution, state), 0)
            self._counters[(execution, state)] = number + 1
            outcome = response.outcome(number)
            return self._deliver(invocation, outcome)
        function = self._registered(invocation)
        if function is None:
            return NOT_MOCKED
        if invocation.resource.pattern == WAIT_FOR_TASK_TOKEN and function is self._function(invocation):
            # A Lambda handler is the function the callback task invokes, not a stand-in for the
            # task's result: its Invoke response is returned (TaskSubmitted's output), a function
            # error fails the task, and the token waits for whoever answers it.
            produced = function(invocation)
            submitted: Json = await produced if inspect.isawaitable(produced) else produced
            return submitted
        try:
            produced = function(invocation)
            value: Json = await produced if inspect.isawaitable(produced) else produced
        except StatesError as failure:
            return self._deliver(invocation, MockedThrow(failure.error, failure.cause))
        return self._deliver(invocation, MockedReturn(value))

    def _deliver(self, invocation: TaskInvocation, outcome: MockedOutcome) -> Json:
        """A ``.waitForTaskToken`` task is submitted and its token answered with the outcome, as if
        a worker had called SendTaskSuccess / SendTaskFailure; any other task returns / raises it."""
        token = invocation.task_token
        if (
            invocation.resource.pattern == WAIT_FOR_TASK_TOKEN
            and token is not None
            and self.settle_token is not None
        ):
            if isinstance(outcome, MockedReturn):
                self.settle_token(token, outcome.value, None, None)
            else:
                self.settle_token(token, None, outcome.error, outcome.cause)
            return {}
        if isinstance(outcome, MockedThrow):
            raise StatesError(outcome.error, outcome.cause)
        value = outcome.value
        if invocation.resource.kind == "lambda" and isinstance(value, dict) and "Payload" in value:
            # A function ARN as Resource returns the function's payload, not the Invoke response the
            # mock describes (lambda:invoke returns that whole response).
            return value["Payload"]
        return value


def load_mock_module(name: str, mocks: Mocks) -> None:
    """Import ``name`` and call its ``register(mocks)`` (SFN_MOCK_MODULE)."""
    module = importlib.import_module(name)
    register = getattr(module, "register", None)
    if register is None:
        raise ValueError(f"mock module {name} has no register(mocks) function")
    register(mocks)
