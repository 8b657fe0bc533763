"""The field tables of the States Language and the generic field checks built on them.

Each state type lists the fields it accepts; fields that belong to only one query language are
listed apart, so a JSONata state using ``Parameters`` (or a JSONPath state using ``Arguments``)
is reported like any unknown field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeGuard

from emulator.language.errors import required_fields_message
from emulator.language.validate.context import JSONATA, Checker, join
from emulator.model.types import Json, JsonObject

STATE_TYPES = ("Task", "Wait", "Pass", "Succeed", "Fail", "Choice", "Parallel", "Map")

MACHINE_FIELDS = frozenset({"StartAt", "States", "Comment", "Version", "TimeoutSeconds", "QueryLanguage"})
MACHINE_REQUIRED = ("States", "StartAt")  # AWS lists the missing ones in this order
BRANCH_FIELDS = frozenset({"StartAt", "States", "Comment", "QueryLanguage"})
# An ItemProcessor (or Iterator) cannot set QueryLanguage: AWS answers "Field 'QueryLanguage' is not
# supported" at /States/M/ItemProcessor (measured: https://github.com/floci-io/floci/issues/2968).
PROCESSOR_FIELDS = (BRANCH_FIELDS - {"QueryLanguage"}) | {"ProcessorConfig"}

_COMMON = frozenset({"Type", "Comment", "QueryLanguage"})
_TRANSITION = frozenset({"Next", "End"})
_ERROR_HANDLING = frozenset({"Retry", "Catch"})

# Fields only a JSONPath state may use, and fields only a JSONata state may use.
JSONPATH_ONLY = frozenset(
    {
        "InputPath",
        "OutputPath",
        "Parameters",
        "ResultPath",
        "ResultSelector",
        "Result",
        "ItemsPath",
        "SecondsPath",
        "TimestampPath",
        "ErrorPath",
        "CausePath",
        "TimeoutSecondsPath",
        "HeartbeatSecondsPath",
        "MaxConcurrencyPath",
        "ToleratedFailurePercentagePath",
        "ToleratedFailureCountPath",
    }
)
JSONATA_ONLY = frozenset({"Arguments", "Output", "Items"})

_IO = frozenset({"InputPath", "OutputPath", "Output", "Assign"})
_RESULT = frozenset({"Parameters", "ResultPath", "ResultSelector", "Arguments"})

STATE_FIELDS: dict[str, frozenset[str]] = {
    "Pass": _COMMON | _TRANSITION | _IO | {"Parameters", "ResultPath", "Result"},
    "Task": _COMMON
    | _TRANSITION
    | _IO
    | _RESULT
    | _ERROR_HANDLING
    | {
        "Resource",
        "TimeoutSeconds",
        "TimeoutSecondsPath",
        "HeartbeatSeconds",
        "HeartbeatSecondsPath",
        "Credentials",
    },
    "Choice": _COMMON | _IO | {"Choices", "Default"},
    "Wait": _COMMON | _TRANSITION | _IO | {"Seconds", "SecondsPath", "Timestamp", "TimestampPath"},
    "Succeed": _COMMON | {"InputPath", "OutputPath", "Output"},
    "Fail": _COMMON | {"Error", "ErrorPath", "Cause", "CausePath"},
    "Parallel": _COMMON | _TRANSITION | _IO | _RESULT | _ERROR_HANDLING | {"Branches"},
    "Map": _COMMON
    | _TRANSITION
    | _IO
    | _RESULT
    | _ERROR_HANDLING
    | {
        "ItemProcessor",
        "Iterator",
        "ItemReader",
        "ItemBatcher",
        "ResultWriter",
        "ItemSelector",
        "ItemsPath",
        "Items",
        "MaxConcurrency",
        "MaxConcurrencyPath",
        "ToleratedFailurePercentage",
        "ToleratedFailurePercentagePath",
        "ToleratedFailureCount",
        "ToleratedFailureCountPath",
        "Label",
    },
}

RETRIER_FIELDS = frozenset(
    {
        "ErrorEquals",
        "IntervalSeconds",
        "MaxAttempts",
        "BackoffRate",
        "MaxDelaySeconds",
        "JitterStrategy",
        "Comment",
    }
)
CATCHER_FIELDS = frozenset({"ErrorEquals", "Next", "ResultPath", "Output", "Assign", "Comment"})
PROCESSOR_CONFIG_FIELDS = frozenset({"Mode", "ExecutionType"})
ITEM_READER_FIELDS = frozenset({"Resource", "ReaderConfig", "Parameters", "Arguments"})
ITEM_BATCHER_FIELDS = frozenset(
    {
        "MaxItemsPerBatch",
        "MaxItemsPerBatchPath",
        "MaxInputBytesPerBatch",
        "MaxInputBytesPerBatchPath",
        "BatchInput",
    }
)
RESULT_WRITER_FIELDS = frozenset({"Resource", "Parameters", "Arguments", "WriterConfig"})


def allowed_state_fields(state_type: str, query_language: str) -> frozenset[str]:
    fields = STATE_FIELDS[state_type]
    return fields - JSONPATH_ONLY if query_language == JSONATA else fields - JSONATA_ONLY


def jsonata_only_fields(state_type: str) -> frozenset[str]:
    """The fields of ``state_type`` that only a JSONata state may use (``Arguments``, ``Output`` …)."""
    return STATE_FIELDS[state_type] & JSONATA_ONLY


def jsonata_only_message(name: str) -> str:
    """AWS's message for a JSONata-only field on a JSONPath state, located at the state (measured
    against AWS and quoted in https://github.com/floci-io/floci/issues/2968)."""
    return f"The QueryLanguage is set to 'JSONPath', but field '{name}' is only supported for the 'JSONata' QueryLanguage"


def check_fields(
    checker: Checker,
    node: JsonObject,
    allowed: frozenset[str],
    required: Iterable[str],
    location: str,
) -> None:
    """Report missing required fields (one diagnostic) and each unsupported field.

    AWS's texts: "These fields are required: [Choices] at /States/…/Choose provider" (a deploy error
    quoted in https://github.com/CloudSnorkel/cdk-github-runners/issues/434); "Field 'TimeoutSeconds'
    is not supported" at the state (measured: https://github.com/floci-io/floci/issues/2735).
    """
    missing = [name for name in required if name not in node]
    if missing:
        checker.error(required_fields_message(*missing), location)
    for name in node:
        if name not in allowed:
            checker.error(f"Field '{name}' is not supported", location)


def check_one_of(checker: Checker, name: str, value: Json, values: Iterable[str], location: str) -> bool:
    options = tuple(values)
    if value in options:
        return True
    checker.error(
        f"The field '{name}' should have one of these values: [{', '.join(options)}]", join(location, name)
    )
    return False


def is_jsonata_expression(value: Json) -> TypeGuard[str]:
    return isinstance(value, str) and value.startswith("{%") and value.endswith("%}")


def is_integer(value: Json) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: Json) -> TypeGuard[float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def check_string(checker: Checker, node: JsonObject, name: str, location: str) -> bool:
    if name in node and not isinstance(node[name], str):
        checker.error(f"The value for the field '{name}' must be a STRING", join(location, name))
        return False
    return True


def check_object(checker: Checker, node: JsonObject, name: str, location: str) -> bool:
    if name in node and not isinstance(node[name], dict):
        checker.error(f"The value for the field '{name}' must be an OBJECT", join(location, name))
        return False
    return True


def check_array(checker: Checker, node: JsonObject, name: str, location: str) -> bool:
    if name in node and not isinstance(node[name], list):
        checker.error(f"The value for the field '{name}' must be an ARRAY", join(location, name))
        return False
    return True


def check_integer(
    checker: Checker,
    node: JsonObject,
    name: str,
    location: str,
    minimum: int,
    maximum: int | None = None,
    jsonata: bool = False,
) -> None:
    """An integer field in ``[minimum, maximum]``; a JSONata state may give an expression instead."""
    _check_numeric(checker, node, name, location, minimum, maximum, jsonata, is_integer, "an INTEGER")


def check_number(
    checker: Checker,
    node: JsonObject,
    name: str,
    location: str,
    minimum: float,
    maximum: float | None = None,
    jsonata: bool = False,
) -> None:
    """A number field in ``[minimum, maximum]``; a JSONata state may give an expression instead."""
    _check_numeric(checker, node, name, location, minimum, maximum, jsonata, is_number, "a NUMBER")


def _check_numeric(
    checker: Checker,
    node: JsonObject,
    name: str,
    location: str,
    minimum: float,
    maximum: float | None,
    jsonata: bool,
    is_kind: Callable[[Json], TypeGuard[float]],
    kind: str,
) -> None:
    if name not in node:
        return
    value = node[name]
    if jsonata and is_jsonata_expression(value):
        return
    if not is_kind(value):
        checker.error(f"The value for the field '{name}' must be {kind}", join(location, name))
    elif value < minimum:
        checker.error(f"The value for the field '{name}' must be >= {_bound(minimum)}", join(location, name))
    elif maximum is not None and value > maximum:
        checker.error(f"The value for the field '{name}' must be <= {_bound(maximum)}", join(location, name))


def _bound(limit: float) -> str:
    return str(limit) if isinstance(limit, int) else f"{limit:g}"
