"""Schema checks of a state machine (or a branch/processor inside one) and of every state in it."""

from __future__ import annotations

from emulator.language.errors import required_fields_message
from emulator.language.evaluate.choice import is_timestamp
from emulator.language.validate.choice import check_choices
from emulator.language.validate.context import JSONATA, JSONPATH, QUERY_LANGUAGES, Checker, join
from emulator.language.validate.diagnostics import INVALID_STATE_NAME
from emulator.language.validate.expressions import (
    check_path_field,
    check_payload_template,
    check_reference_path_field,
    is_path_or_intrinsic,
)
from emulator.language.validate.jsonata_fields import check_jsonata_fields
from emulator.language.validate.limits import (
    FAIL_ALTERNATIVES,
    MAX_RETRY_DELAY_SECONDS,
    MAX_SECONDS,
    TASK_ALTERNATIVES,
    check_alternatives,
    check_assign_names,
    check_credentials,
    check_heartbeat_below_timeout,
)
from emulator.language.validate.map_state import check_map
from emulator.language.validate.resources import check_task_resource
from emulator.language.validate.schema import (
    BRANCH_FIELDS,
    CATCHER_FIELDS,
    MACHINE_FIELDS,
    MACHINE_REQUIRED,
    RETRIER_FIELDS,
    STATE_TYPES,
    allowed_state_fields,
    check_array,
    check_fields,
    check_integer,
    check_number,
    check_object,
    check_one_of,
    check_string,
    is_jsonata_expression,
    jsonata_only_fields,
    jsonata_only_message,
)
from emulator.language.validate.values import is_rfc3339_timestamp
from emulator.language.validate.warnings import check_warnings
from emulator.language.validated import json_array, json_object, text
from emulator.model.types import Json, JsonObject

_REQUIRED = {"Task": ("Resource",), "Choice": ("Choices",), "Parallel": ("Branches",)}
_TRANSITIONING = frozenset({"Pass", "Task", "Wait", "Parallel", "Map"})
_WAIT_FIELDS = ("Seconds", "Timestamp", "SecondsPath", "TimestampPath")
_JITTER_STRATEGIES = ("FULL", "NONE")
_ALL_ERRORS = "States.ALL"
_STATE_NAME_MAX_LENGTH = 80  # the length limit of state names in history events


def check_machine(
    checker: Checker, node: JsonObject, location: str, fields: frozenset[str] | None = None
) -> None:
    """The top level (``location`` ``/``) or a nested machine (a branch, an ItemProcessor)."""
    is_root = fields is None
    check_fields(checker, node, MACHINE_FIELDS if fields is None else fields, MACHINE_REQUIRED, location)
    check_string(checker, node, "StartAt", location)
    check_string(checker, node, "Comment", location)
    if is_root:
        check_string(checker, node, "Version", location)
        check_integer(checker, node, "TimeoutSeconds", location, minimum=0)
    if "QueryLanguage" in node:
        check_one_of(checker, "QueryLanguage", node["QueryLanguage"], QUERY_LANGUAGES, location)
    if "States" not in node:
        return
    states = node["States"]
    if not isinstance(states, dict):
        checker.error("The value for the field 'States' must be an OBJECT", join(location, "States"))
        return
    for name, state in states.items():
        state_location = join(join(location, "States"), name)
        if len(name) > _STATE_NAME_MAX_LENGTH:
            checker.error(
                f"State name must be at most {_STATE_NAME_MAX_LENGTH} characters",
                state_location,
                INVALID_STATE_NAME,
            )
        check_state(checker, name, state, state_location)


def check_state(checker: Checker, name: str, state: Json, location: str) -> None:
    if not isinstance(state, dict):
        checker.error("The value for a state must be an OBJECT", location)
        return
    if "Type" not in state:
        checker.error(required_fields_message("Type"), location)
        return
    if not check_one_of(checker, "Type", state["Type"], STATE_TYPES, location):
        return
    state_type = text(state["Type"])
    query_language = _query_language(checker, state, location)
    jsonata_only = jsonata_only_fields(state_type) if query_language == JSONPATH else frozenset()
    check_fields(
        checker,
        state,
        allowed_state_fields(state_type, query_language) | jsonata_only,
        _REQUIRED.get(state_type, ()),
        location,
    )
    for name in state:
        if name in jsonata_only:
            checker.error(jsonata_only_message(name), location)
    check_string(checker, state, "Comment", location)
    if check_object(checker, state, "Assign", location) and "Assign" in state:
        check_assign_names(checker, json_object(state["Assign"]), query_language, join(location, "Assign"))
    if state_type in _TRANSITIONING:
        _check_transition(checker, state, location)
    if query_language == JSONPATH:
        _check_jsonpath_io(checker, state, location)
        check_warnings(checker, state, location)
    _STATE_CHECKS[state_type](checker, state, query_language, location)
    if query_language == JSONATA:
        check_jsonata_fields(checker, state, location)


def _query_language(checker: Checker, state: JsonObject, location: str) -> str:
    if "QueryLanguage" not in state:
        return checker.query_language
    value = state["QueryLanguage"]
    if not check_one_of(checker, "QueryLanguage", value, QUERY_LANGUAGES, location):
        return checker.query_language
    if value == JSONPATH and checker.query_language == JSONATA:
        checker.error(
            "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine", location
        )
    return str(value)


def _check_transition(checker: Checker, state: JsonObject, location: str) -> None:
    check_string(checker, state, "Next", location)
    end = state.get("End")
    if "End" in state and not isinstance(end, bool):
        checker.error("The value for the field 'End' must be a BOOLEAN", join(location, "End"))
        return
    if ("Next" in state) == (end is True):
        checker.error("Exactly one of these fields is required: [Next, End]", location)


def _check_jsonpath_io(checker: Checker, state: JsonObject, location: str) -> None:
    for name in ("InputPath", "OutputPath"):
        if name in state:
            check_path_field(checker, name, state[name], join(location, name))
    if "ResultPath" in state:
        check_reference_path_field(checker, "ResultPath", state["ResultPath"], join(location, "ResultPath"))
    # Assign too: AWS answers "The value for the field 'Variable.$' must be a valid JSONPath or a valid
    # intrinsic function call at /States/Pass/Assign" (a deploy error quoted in
    # https://github.com/aws-cloudformation/cfn-lint/pull/4643).
    for name in ("Parameters", "ResultSelector", "Assign"):
        if name in state and (name != "Assign" or isinstance(state[name], dict)):
            check_payload_template(checker, state[name], join(location, name))


def _check_pass(checker: Checker, state: JsonObject, query_language: str, location: str) -> None:
    return


def _check_task(checker: Checker, state: JsonObject, query_language: str, location: str) -> None:
    jsonata = query_language == JSONATA
    if "Resource" in state and check_string(checker, state, "Resource", location):
        check_task_resource(checker, text(state["Resource"]), join(location, "Resource"))
    check_integer(checker, state, "TimeoutSeconds", location, minimum=1, jsonata=jsonata)
    check_integer(checker, state, "HeartbeatSeconds", location, minimum=1, jsonata=jsonata)
    for name in ("TimeoutSecondsPath", "HeartbeatSecondsPath"):
        if name in state and not jsonata:
            check_path_field(checker, name, state[name], join(location, name), nullable=False)
    check_alternatives(checker, state, TASK_ALTERNATIVES, location)
    check_heartbeat_below_timeout(checker, state, location)
    if check_object(checker, state, "Credentials", location):
        check_credentials(checker, state, query_language, location)
    check_error_handling(checker, state, query_language, location)


def _check_choice(checker: Checker, state: JsonObject, query_language: str, location: str) -> None:
    check_string(checker, state, "Default", location)
    if "Choices" in state:
        check_choices(checker, state["Choices"], query_language, join(location, "Choices"))


def _check_wait(checker: Checker, state: JsonObject, query_language: str, location: str) -> None:
    jsonata = query_language == JSONATA
    if sum(1 for name in _WAIT_FIELDS if name in state) != 1:
        names = _WAIT_FIELDS[:2] if jsonata else _WAIT_FIELDS
        checker.error(f"Exactly one of these fields is required: [{', '.join(names)}]", location)
    # "a positive, integer value from 0 up to 99999999" (AWS docs, Wait state)
    check_integer(checker, state, "Seconds", location, minimum=0, maximum=99999999, jsonata=jsonata)
    if "Timestamp" in state:
        timestamp = state["Timestamp"]
        if not (jsonata and is_jsonata_expression(timestamp)) and not (
            isinstance(timestamp, str) and is_rfc3339_timestamp(timestamp) and is_timestamp(timestamp)
        ):
            checker.error("String does not match RFC3339 timestamp", join(location, "Timestamp"))
    for name in ("SecondsPath", "TimestampPath"):
        if name in state and not jsonata:
            check_path_field(checker, name, state[name], join(location, name), nullable=False)


def _check_succeed(checker: Checker, state: JsonObject, query_language: str, location: str) -> None:
    return


def _check_fail(checker: Checker, state: JsonObject, query_language: str, location: str) -> None:
    check_string(checker, state, "Error", location)
    check_string(checker, state, "Cause", location)
    for name in ("ErrorPath", "CausePath"):
        if name in state and query_language == JSONPATH and not is_path_or_intrinsic(state[name]):
            checker.error(
                f"The value for the field '{name}' must be a valid JSONPath or a valid intrinsic function call",
                join(location, name),
            )
    check_alternatives(checker, state, FAIL_ALTERNATIVES, location)


def _check_parallel(checker: Checker, state: JsonObject, query_language: str, location: str) -> None:
    branches = state.get("Branches")
    if "Branches" in state:
        if not isinstance(branches, list) or not branches:
            checker.error(
                "The value for the field 'Branches' must be a non-empty ARRAY", join(location, "Branches")
            )
        else:
            for index, branch in enumerate(branches):
                branch_location = f"{join(location, 'Branches')}[{index}]"
                if isinstance(branch, dict):
                    check_machine(checker, branch, branch_location, BRANCH_FIELDS)
                else:
                    checker.error("The value for a branch must be an OBJECT", branch_location)
    check_error_handling(checker, state, query_language, location)


def check_error_handling(checker: Checker, state: JsonObject, query_language: str, location: str) -> None:
    """``Retry`` and ``Catch`` of a Task, Parallel or Map state."""
    if check_array(checker, state, "Retry", location):
        retriers = json_array(state.get("Retry", []))
        for index, item in enumerate(retriers):
            retrier_location = f"{join(location, 'Retry')}[{index}]"
            retrier = _check_handler(checker, item, RETRIER_FIELDS, ("ErrorEquals",), retrier_location)
            if retrier is not None:
                _check_error_equals(checker, retrier, index == len(retriers) - 1, retrier_location)
                check_integer(
                    checker, retrier, "IntervalSeconds", retrier_location, minimum=1, maximum=MAX_SECONDS
                )
                check_integer(
                    checker, retrier, "MaxAttempts", retrier_location, minimum=0, maximum=MAX_SECONDS
                )
                check_number(checker, retrier, "BackoffRate", retrier_location, minimum=1.0)
                check_integer(
                    checker,
                    retrier,
                    "MaxDelaySeconds",
                    retrier_location,
                    minimum=1,
                    maximum=MAX_RETRY_DELAY_SECONDS,
                )
                if "JitterStrategy" in retrier:
                    check_one_of(
                        checker,
                        "JitterStrategy",
                        retrier["JitterStrategy"],
                        _JITTER_STRATEGIES,
                        retrier_location,
                    )
    if check_array(checker, state, "Catch", location):
        catchers = json_array(state.get("Catch", []))
        excluded = "ResultPath" if query_language == JSONATA else "Output"
        for index, item in enumerate(catchers):
            catcher_location = f"{join(location, 'Catch')}[{index}]"
            allowed = CATCHER_FIELDS - {excluded}
            catcher = _check_handler(checker, item, allowed, ("ErrorEquals", "Next"), catcher_location)
            if catcher is not None:
                _check_error_equals(checker, catcher, index == len(catchers) - 1, catcher_location)
                check_string(checker, catcher, "Next", catcher_location)
                if check_object(checker, catcher, "Assign", catcher_location) and "Assign" in catcher:
                    check_assign_names(
                        checker,
                        json_object(catcher["Assign"]),
                        query_language,
                        join(catcher_location, "Assign"),
                    )
                if "ResultPath" in catcher and query_language == JSONPATH:
                    check_reference_path_field(
                        checker, "ResultPath", catcher["ResultPath"], join(catcher_location, "ResultPath")
                    )


def _check_handler(
    checker: Checker, handler: Json, allowed: frozenset[str], required: tuple[str, ...], location: str
) -> JsonObject | None:
    """The handler when it is an object (its fields checked), else None (reported)."""
    if not isinstance(handler, dict):
        checker.error("The value must be an OBJECT", location)
        return None
    check_fields(checker, handler, allowed, required, location)
    return handler


def _check_error_equals(checker: Checker, handler: JsonObject, is_last: bool, location: str) -> None:
    if "ErrorEquals" not in handler:
        return
    errors = handler["ErrorEquals"]
    if not isinstance(errors, list) or not errors or not all(isinstance(e, str) for e in errors):
        checker.error(
            "The value for the field 'ErrorEquals' must be a non-empty ARRAY of STRING",
            join(location, "ErrorEquals"),
        )
    elif _ALL_ERRORS in errors and (len(errors) > 1 or not is_last):
        checker.error(
            f"{_ALL_ERRORS} must appear alone in the last ErrorEquals of Retry and Catch",
            join(location, "ErrorEquals"),
        )


def _check_map(checker: Checker, state: JsonObject, query_language: str, location: str) -> None:
    check_map(checker, state, query_language, location, check_machine)
    check_error_handling(checker, state, query_language, location)


_STATE_CHECKS = {
    "Pass": _check_pass,
    "Task": _check_task,
    "Choice": _check_choice,
    "Wait": _check_wait,
    "Succeed": _check_succeed,
    "Fail": _check_fail,
    "Parallel": _check_parallel,
    "Map": _check_map,
}
