"""The causes AWS gives when a state's field cannot be evaluated, field by field, in one table.

Every cause here is the part after the runtime's prefix (``An error occurred while executing the
state '<name>' (entered at the event id #<n>). ``), which the executor adds. Two families:

* JSONPath fields fail with ``States.Runtime`` and no event of their own before ExecutionFailed
  (the state's ``…Entered`` event, then ``ExecutionFailed``; a Map that started records
  ``MapStateStarted`` first). Causes name the path and, for the ``…Path`` numeric fields, the value.
* JSONata fields fail with ``States.QueryEvaluationError``: the executor records ``EvaluationFailed``
  (with the state name and the field's ``location``) before the state fails. The generic wordings
  (``returned nothing (undefined).``, ``returned an unexpected result type. Expected …``, ``threw an
  error during evaluation. …``) live with the expression (``jsonata.py``); the range checks of
  numeric fields are here.

Sources: https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html (States.Runtime,
States.QueryEvaluationError), https://docs.aws.amazon.com/step-functions/latest/dg/state-wait.html,
state-map.html, state-task.html (the ranges each field must be in). Causes measured against AWS (the
ones in the shared corpus) fix the phrase patterns; the ones not measured follow the pattern of their
family (marked "inferred").
"""

from __future__ import annotations

from emulator.language.errors import ErrorName, StatesError
from emulator.language.evaluate.jsonata import JsonataTemplate, QueryEvaluationError
from emulator.language.evaluate.jsonata_values import json_type_name
from emulator.model.jsontext import to_json_text
from emulator.model.types import Json

# --- JSONPath (States.Runtime) ------------------------------------------------------------------


def invalid_path(path: str, detail: str) -> StatesError:
    """InputPath / OutputPath / ItemsPath / …Path fields whose path selects nothing (measured:
    ``Invalid path '$.NoSuchInputPath' : No results for path: $['NoSuchInputPath']``)."""
    return StatesError(ErrorName.RUNTIME, f"Invalid path '{path}' : {detail}")


def path_value_not_a_number(field: str, found: Json, kind: str, path: str) -> StatesError:
    """A numeric ``…Path`` field whose value is no number of ``kind`` (``integer`` / ``float``)
    (measured for MaxConcurrencyPath / ToleratedFailure*Path; inferred for the Task's paths)."""
    shown = found if isinstance(found, str) else to_json_text(found)
    return StatesError(
        ErrorName.RUNTIME, f'The {field} field refers to value "{shown}" which is not a valid {kind}: {path}'
    )


def path_value_not_positive(field: str, found: int, path: str) -> StatesError:
    """TimeoutSecondsPath / HeartbeatSecondsPath must give a positive integer (state-task.html;
    wording inferred from the measured ``…Path field refers to value`` cause)."""
    return StatesError(
        ErrorName.RUNTIME,
        f'The {field} field refers to value "{found}" which is not a valid positive integer: {path}',
    )


def negative_limit(field: str) -> StatesError:
    """ToleratedFailureCount, MaxConcurrency (from MaxConcurrencyPath), MaxItemsPerBatch,
    MaxInputBytesPerBatch (measured for the first)."""
    return StatesError(ErrorName.RUNTIME, f"{field} cannot be negative.")


def percentage_out_of_range() -> StatesError:
    """ToleratedFailurePercentage outside 0..100 (measured)."""
    return StatesError(ErrorName.RUNTIME, "ToleratedFailurePercentage must be between 0 and 100.")


# --- JSONata (States.QueryEvaluationError) -----------------------------------------------------


def template_not_of_type(template: JsonataTemplate, expected: str, found: Json) -> QueryEvaluationError:
    """A field that must give an ``expected`` JSON type (Map ``Items``: array; ItemReader /
    ResultWriter ``Arguments``: object, https://states-language.net/spec.html) gave another, in the
    expression's wording (measured for ``Items``)."""
    text = template.expressions[0].text if template.expressions else to_json_text(found)
    return QueryEvaluationError(
        f"The JSONata expression '{text}' specified for the field '{template.field_path}' returned an unexpected "
        f"result type. Expected '{expected}', but was '{json_type_name(found)}' for value: {to_json_text(found)}",
        template.field_path,
    )


def expression_negative(text: str, field: str, found: Json) -> QueryEvaluationError:
    """Wait ``Seconds`` / Map ``MaxConcurrency`` below zero (inferred)."""
    return QueryEvaluationError(
        f"The JSONata expression '{text}' specified for the field '{field}' returned a negative value: {found}",
        field,
    )


def expression_not_positive(text: str, field: str, found: Json) -> QueryEvaluationError:
    """Task ``TimeoutSeconds`` / ``HeartbeatSeconds`` of zero or less (inferred)."""
    return QueryEvaluationError(
        f"The JSONata expression '{text}' specified for the field '{field}' returned a non-positive value: "
        f"{found}",
        field,
    )


def expression_invalid_timestamp(text: str, found: str) -> QueryEvaluationError:
    """Wait ``Timestamp`` that is no ISO-8601 extended offset date-time (inferred from the measured
    TimestampPath cause)."""
    return QueryEvaluationError(
        f"The JSONata expression '{text}' specified for the field 'Timestamp' returned an invalid ISO-8601 "
        f"extended offset date-time format string: {found}",
        "Timestamp",
    )
