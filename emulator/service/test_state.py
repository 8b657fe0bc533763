"""TestState: check the request, compile the one state, run it (``emulator.runtime.test_state``)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from emulator.errors import InvalidDefinition, InvalidExecutionInput, ValidationException
from emulator.language.errors import DefinitionError
from emulator.language.validate import invalid_definition_message
from emulator.model.jsontext import from_json_text
from emulator.runtime.test_state import (
    CONTEXT_STATE_NAME,
    INFO,
    TRACE,
    StateConfiguration,
    TestStateCase,
    TestStateMock,
    run_test_state,
)
from emulator.service.definitions import compile_or_reject
from emulator.service.environment import RequestContext, ServiceEnvironment
from emulator.service.request_rules import check_role_arn

if TYPE_CHECKING:
    from emulator.language.parse.definition import Definition
    from emulator.language.states.registry import State

_INSPECTION_LEVELS = ("INFO", "DEBUG", "TRACE")
# mock.fieldValidationMode (emulator.integrations.result_shapes, kept out of the import: it loads botocore)
STRICT = "STRICT"
NONE = "NONE"


def _document(text: str) -> dict[str, Any]:
    try:
        document = json.loads(text)
    except ValueError as error:
        raise InvalidDefinition(f"Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: {error}'")
    if not isinstance(document, dict):
        raise InvalidDefinition(
            "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Definition must be a valid JSON object'"
        )
    return document


def _find_state(definition: Definition, name: str) -> State | None:
    """The compiled state called ``name``, looking into Parallel branches and Map processors."""
    from emulator.language.parse.definition import nested_machines

    found = definition.states.get(name)
    if found is not None:
        return found
    for state in definition.states.values():
        for machine in nested_machines(state):
            found = _find_state(machine, name)
            if found is not None:
                return found
    return None


def _compile_state(document: dict[str, Any], text: str, state_name: str | None) -> State:
    from emulator.language.states.registry import STATE_PARSERS

    if "States" in document:
        if state_name is None:
            raise ValidationException("stateName must be specified when the definition is a state machine")
        # Checked as CreateStateMachine checks a definition (the integrations' refusals included).
        definition = compile_or_reject(text, "STANDARD")
        state = _find_state(definition, state_name)
        if state is None:
            raise ValidationException(f"State '{state_name}' does not exist in the state machine definition")
        return state
    if state_name is not None:
        # AWS: "If this field is specified, the definition must contain a fully-formed state machine definition."
        raise ValidationException("stateName can only be specified with a complete state machine definition")
    _validate_lone_state(document)
    if "Type" not in document:
        raise InvalidDefinition(
            "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: These fields are required: [Type]'"
        )
    parser = STATE_PARSERS.get(document["Type"]) if isinstance(document["Type"], str) else None
    if parser is None:
        raise InvalidDefinition(
            f"Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Unknown state type: {document['Type']}'"
        )
    try:
        return parser("StateName", document, "", document.get("QueryLanguage", "JSONPath"))
    except DefinitionError as error:
        raise InvalidDefinition(f"Invalid State Machine Definition: '{error}'") from None


def _validate_lone_state(document: dict[str, Any]) -> None:
    """A lone state is checked as CreateStateMachine checks a state (fields, types, paths, JSONata);
    its ``Next`` / ``Default`` targets are not (there is no machine for them to name)."""
    from emulator.language.validate import errors_of
    from emulator.language.validate.context import JSONATA, QUERY_LANGUAGES, Checker
    from emulator.language.validate.states import check_state

    checker = Checker(
        query_language=JSONATA if document.get("QueryLanguage") == JSONATA else QUERY_LANGUAGES[0]
    )
    check_state(checker, CONTEXT_STATE_NAME, document, "/")
    errors = errors_of(checker.diagnostics)
    if not errors:
        from emulator.integrations.task_parameters import state_diagnostics

        errors = state_diagnostics(document, "/")
    if errors:
        raise InvalidDefinition(invalid_definition_message(errors))


def _json_member(request: dict[str, Any], key: str) -> str | None:
    text = request.get(key)
    if text is None:
        return None
    try:
        from_json_text(text)
    except ValueError as error:
        if key == "input":
            raise InvalidExecutionInput(f"Invalid State Machine Execution Input: '{error}'")
        raise ValidationException(f"Invalid {key}: '{error}'")
    return str(text)


def _json_object_member(request: dict[str, Any], key: str) -> str | None:
    """``context`` ("a valid Context object") and ``variables`` ("JSON object literal"): JSON objects."""
    text = _json_member(request, key)
    if text is not None and not isinstance(from_json_text(text), dict):
        raise ValidationException(f"Invalid {key}: '{key} must be a JSON object'")
    return text


def _mock(request: dict[str, Any]) -> TestStateMock | None:
    mock = request.get("mock")
    if mock is None:
        return None
    result = mock.get("result")
    error_output = mock.get("errorOutput")
    if (result is None) == (error_output is None):
        raise ValidationException("A mock must specify exactly one of result and errorOutput")
    if result is not None:
        try:
            from_json_text(result)
        except ValueError as error:
            raise ValidationException(f"The mock result is not valid JSON: {error}")
        return TestStateMock(result=result)
    if error_output.get("error") is None:
        # MockErrorOutput.error: "This field is required if mock.errorOutput is specified."
        raise ValidationException("mock.errorOutput.error is required when mock.errorOutput is specified")
    return TestStateMock(error=error_output["error"], cause=error_output.get("cause"))


# States TestState runs only with a mock (AWS: "TestState only supports the following when a mock is
# specified: Activity tasks, .sync or .waitForTaskToken service integration patterns, Parallel, or Map").
_MOCKABLE_TYPES = ("Task", "Map", "Parallel")


def _mock_required_for(state: Any) -> str | None:
    """What about ``state`` needs a mock to be tested (a phrase), or None."""
    kind = state.common.type
    if kind in ("Map", "Parallel"):
        return f"{kind} states"
    if kind != "Task":
        return None
    resource = state.resource
    if resource.kind == "activity":
        return "Activity tasks"
    if resource.kind == "service" and resource.pattern.startswith("sync"):
        return "the .sync service integration pattern"
    if resource.kind == "service" and resource.pattern == "waitForTaskToken":
        return "the .waitForTaskToken service integration pattern"
    return None


def _check_mock_use(state: Any, request: dict[str, Any], mock: TestStateMock | None) -> None:
    """The documented rules tying ``mock`` to the state under test and to ``context``."""
    if mock is None:
        if request.get("context") is not None:
            raise ValidationException(
                "context may only be specified if a mock is specified in the same request"
            )
        needs = _mock_required_for(state)
        if needs is not None:
            raise ValidationException(f"TestState only supports {needs} when a mock is specified")
        return
    kind = state.common.type
    if kind not in _MOCKABLE_TYPES:
        raise ValidationException(
            f"A mock can only be specified for Task, Map, or Parallel states; the state under test is a {kind} state"
        )
    mode = (request.get("mock") or {}).get("fieldValidationMode") or STRICT
    if mock.result is None or kind != "Task" or mode == NONE:
        return
    from emulator.integrations.result_shapes import result_mismatch, result_shape_for

    target = result_shape_for(state.resource)
    if target is None:
        return
    mismatch = result_mismatch(from_json_text(mock.result), target.shape, mode)
    if mismatch is not None:
        raise ValidationException(
            f"The mock result does not conform to the {target.api} output ({mode} field validation): {mismatch}"
        )


def _check_configuration(state: Any, raw: dict[str, Any]) -> None:
    """TestStateConfiguration members name what only some states have (API_TestStateConfiguration):
    ``errorCausedByState`` a state inside the Map / Parallel under test, ``mapIterationFailureCount``
    a Map's iterations, ``mapItemReaderData`` what a Distributed Map's ItemReader reads."""
    kind = state.common.type
    caused_by = raw.get("errorCausedByState")
    if caused_by is not None:
        if kind not in ("Map", "Parallel"):
            raise ValidationException(
                f"stateConfiguration.errorCausedByState can only be specified for Map or Parallel states; "
                f"the state under test is a {kind} state"
            )
        if not _contains_state(state, caused_by):
            raise ValidationException(
                f"stateConfiguration.errorCausedByState: state '{caused_by}' does not exist in the {kind} state"
            )
    if raw.get("mapIterationFailureCount") is not None and kind != "Map":
        raise ValidationException(
            f"stateConfiguration.mapIterationFailureCount can only be specified for Map states; "
            f"the state under test is a {kind} state"
        )
    if raw.get("mapItemReaderData") is not None:
        distributed = getattr(state, "distributed", None) if kind == "Map" else None
        if distributed is None or distributed.item_reader is None:
            raise ValidationException(
                "stateConfiguration.mapItemReaderData can only be specified for a Map state with an ItemReader"
            )


def _contains_state(state: Any, name: str) -> bool:
    from emulator.language.parse.definition import nested_machines

    return any(_find_state(machine, name) is not None for machine in nested_machines(state))


def _configuration(request: dict[str, Any]) -> StateConfiguration:
    raw = request.get("stateConfiguration") or {}
    return StateConfiguration(
        retrier_retry_count=int(raw.get("retrierRetryCount", 0)),
        error_caused_by_state=raw.get("errorCausedByState"),
        map_iteration_failure_count=raw.get("mapIterationFailureCount"),
        map_item_reader_data=raw.get("mapItemReaderData"),
    )


async def test_state(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]
) -> dict[str, Any]:
    """TestState: run one state (a state definition, or ``stateName`` of a whole definition)."""
    text = request["definition"]
    document = _document(text)
    level = request.get("inspectionLevel") or INFO
    if level not in _INSPECTION_LEVELS:
        raise ValidationException(f"Invalid inspectionLevel: {level}")
    if request.get("revealSecrets") and level != TRACE:
        raise ValidationException("revealSecrets can only be set to true when inspectionLevel is TRACE")
    if request.get("roleArn") is not None:
        check_role_arn(request["roleArn"])  # TestState's InvalidArn, as CreateStateMachine words it
    input_text = _json_member(request, "input")
    context_text = _json_object_member(request, "context")
    variables_text = _json_object_member(request, "variables")
    state = _compile_state(document, text, request.get("stateName"))
    mock = _mock(request)
    _check_mock_use(state, request, mock)
    if mock is None and not request.get("roleArn") and state.common.type == "Task":
        # "When you specify a mock, specifying the role becomes optional" (test-state-isolation):
        # a Task without a mock calls its resource with the role
        raise ValidationException("roleArn must be specified when testing a Task state without a mock")
    _check_configuration(state, request.get("stateConfiguration") or {})
    variables = from_json_text(variables_text) if variables_text is not None else None
    case = TestStateCase(
        state=state,
        input_text=input_text if input_text is not None else "{}",
        region=context.region,
        account=context.account,
        inspection_level=level,
        role_arn=request.get("roleArn"),
        whole_definition="States" in document,
        context_text=context_text,
        variables=variables if isinstance(variables, dict) else None,
        mock=mock,
        configuration=_configuration(request),
        reveal_secrets=bool(request.get("revealSecrets")),
    )
    return await run_test_state(env.engine, case)
