"""Fields every state shares, and the compiled Retry / Catch clauses.

A state is a frozen, slotted dataclass built once at definition time. ``StateCommon`` holds what
the executor needs for every type: the name, where to go next, the input/output paths and the
query language. JSONata states also carry their compiled ``Output`` and ``Arguments``; both
languages carry ``Assign`` (see ``evaluate/variables.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from emulator.language.errors import DefinitionError, ErrorName
from emulator.language.evaluate.jsonata import JsonataTemplate
from emulator.language.evaluate.jsonata import compile_template as compile_jsonata_template
from emulator.language.evaluate.jsonpath import (
    InvalidPath,
    JsonPath,
    ReferencePath,
    compile_path,
    compile_reference_path,
)
from emulator.language.evaluate.variables import Assignment, compile_assign
from emulator.language.validated import integer, number, objects, optional_number, optional_text, text, texts
from emulator.model.types import JsonObject

JSONPATH = "JSONPath"
JSONATA = "JSONata"


@dataclass(frozen=True, slots=True)
class Retrier:
    error_equals: tuple[str, ...]
    interval_seconds: float = 1
    max_attempts: int = 3
    backoff_rate: float = 2.0
    max_delay_seconds: float | None = None
    jitter_full: bool = False


@dataclass(frozen=True, slots=True)
class Catcher:
    error_equals: tuple[str, ...]
    next: str
    result_path: ReferencePath | None  # None: ResultPath null (the error output is discarded)
    output: JsonataTemplate | None = None  # JSONata: the state's output (default: the error output)
    assign: Assignment | None = None


@dataclass(frozen=True, slots=True)
class StateCommon:
    name: str
    type: str
    next: str | None
    end: bool
    input_path: JsonPath | None  # None: InputPath null (the state sees {})
    output_path: JsonPath | None  # None: OutputPath null (the state outputs {})
    query_language: str = JSONPATH
    comment: str | None = None
    assign: Assignment | None = None
    output: JsonataTemplate | None = None  # JSONata ``Output``
    arguments: JsonataTemplate | None = None  # JSONata ``Arguments`` (Task, Parallel)

    @property
    def is_jsonata(self) -> bool:
        return self.query_language == JSONATA


def location_of(*parts: str | int) -> str:
    return "/" + "/".join(str(p) for p in parts)


def fail(message: str, location: str, code: str = "SCHEMA_VALIDATION_FAILED") -> DefinitionError:
    return DefinitionError(code, message, location)


def path_field(raw: JsonObject, key: str, location: str, default: str | None = "$") -> JsonPath | None:
    """A JSONPath field: absent means ``default``; JSON null means None."""
    if key not in raw:
        return None if default is None else compile_path(default)
    if raw[key] is None:
        return None
    try:
        return compile_path(raw[key])
    except InvalidPath:
        raise fail(f"The value for the field '{key}' must be a valid JSONPath", f"{location}/{key}") from None


def reference_path_field(raw: JsonObject, key: str, location: str) -> ReferencePath | None:
    """ResultPath: absent means ``$``; JSON null means None (discard the result)."""
    path = raw.get(key, "$")
    if path is None:
        return None
    try:
        return compile_reference_path(path)
    except InvalidPath:
        raise fail(
            f"The value for the field '{key}' must be a valid ReferencePath", f"{location}/{key}"
        ) from None


def parse_common(name: str, raw: JsonObject, location: str, query_language: str) -> StateCommon:
    language = text(raw.get("QueryLanguage", query_language))
    jsonata = language == JSONATA
    end = bool(raw.get("End", False))
    next_name = optional_text(raw.get("Next"))
    return StateCommon(
        name=name,
        type=text(raw["Type"]),
        next=next_name,
        end=end,
        input_path=path_field(raw, "InputPath", location),
        output_path=path_field(raw, "OutputPath", location),
        query_language=language,
        comment=optional_text(raw.get("Comment")),
        assign=compile_assign(raw.get("Assign"), language, f"{location}/Assign"),
        output=jsonata_field(raw, "Output", location) if jsonata and raw["Type"] != "Choice" else None,
        arguments=jsonata_field(raw, "Arguments", location) if jsonata else None,
    )


def jsonata_field(raw: JsonObject, key: str, location: str) -> JsonataTemplate | None:
    """A JSONata state's field compiled as a template (``None`` when absent)."""
    if key not in raw:
        return None
    return compile_jsonata_template(raw[key], key, f"{location}/{key}")


def parse_retry(raw: JsonObject, location: str) -> tuple[Retrier, ...]:
    retriers = []
    for index, item in enumerate(objects(raw.get("Retry"))):
        where = f"{location}/Retry/{index}"
        retriers.append(
            Retrier(
                error_equals=texts(item.get("ErrorEquals")),
                interval_seconds=number(item.get("IntervalSeconds", 1)),
                max_attempts=integer(item.get("MaxAttempts", 3)),
                backoff_rate=number(item.get("BackoffRate", 2.0)),
                max_delay_seconds=optional_number(item.get("MaxDelaySeconds")),
                jitter_full=item.get("JitterStrategy", "NONE") == "FULL",
            )
        )
        if not retriers[-1].error_equals:
            raise fail("ErrorEquals must not be empty", f"{where}/ErrorEquals")
    return tuple(retriers)


def parse_catch(raw: JsonObject, location: str, query_language: str = JSONPATH) -> tuple[Catcher, ...]:
    catchers = []
    for index, item in enumerate(objects(raw.get("Catch"))):
        where = f"{location}/Catch/{index}"
        jsonata = query_language == JSONATA
        catchers.append(
            Catcher(
                error_equals=texts(item.get("ErrorEquals")),
                next=text(item["Next"]),
                result_path=None if jsonata else reference_path_field(item, "ResultPath", where),
                output=jsonata_field(item, "Output", where) if jsonata else None,
                assign=compile_assign(item.get("Assign"), query_language, f"{where}/Assign"),
            )
        )
    return tuple(catchers)


def error_matches(error_equals: tuple[str, ...], error: str | None, heartbeat: bool = False) -> bool:
    """ASL matching: an exact name; ``States.ALL`` for anything but the terminal runtime error;
    ``States.TaskFailed`` for anything ``States.ALL`` takes except the timeouts.

    https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html (Error names):
    "When used in a retry or catch, States.TaskFailed acts as a wildcard that matches any known
    error name except for States.Timeout" (a heartbeat timeout is a States.Timeout too: "or failed
    to send a heartbeat for a period longer than the HeartbeatSeconds value"). The same page says
    States.ALL "can't catch the States.DataLimitExceeded terminal error"; AWS's recordings show a
    task result over the payload quota (TaskFailed / LambdaFunctionFailed with
    States.DataLimitExceeded) caught by States.ALL, so only the state-level data limits are
    terminal (``runtime/failures.Terminal``, never offered to a catcher) and the name itself
    matches like any other. ``heartbeat``: the error is a missed heartbeat (``States.Timeout``),
    which ``States.HeartbeatTimeout`` matches too."""
    for name in error_equals:
        if name == error or (heartbeat and name == ErrorName.HEARTBEAT_TIMEOUT):
            return True
        if name == ErrorName.ALL and error not in UNCATCHABLE_BY_ALL:
            return True
        if (
            name == ErrorName.TASK_FAILED
            and error is not None  # SendTaskFailure may carry no error name
            and error not in NOT_TASK_FAILED
            and error not in UNCATCHABLE_BY_ALL
        ):
            return True
    return False


# States.ALL does not match these (AWS: "States.ALL … can't catch States.Runtime …").
UNCATCHABLE_BY_ALL = frozenset({ErrorName.RUNTIME})
# States.TaskFailed matches what States.ALL matches except the timeouts.
NOT_TASK_FAILED = frozenset({ErrorName.TIMEOUT, ErrorName.HEARTBEAT_TIMEOUT})
