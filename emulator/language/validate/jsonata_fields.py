"""JSONata expressions of a ``QueryLanguage: JSONata`` state, parsed when the definition is created.

AWS parses every expression of a JSONata state at CreateStateMachine/UpdateStateMachine/
ValidateStateMachineDefinition and refuses the definition when one does not parse, with the
parser's message (without JSONata's ``S0xxx`` code) and the field's location; nested values extend
the location (``/States/E/Output/v``, ``/States/E/Arguments/items[0]``):

* ``INVALID_JSONATA_EXPRESSION: Unexpected end of expression at /States/Main/Output``
  (measured against AWS and quoted in https://github.com/floci-io/floci/issues/2745);
* ``UNSUPPORTED_JSONATA_EXPRESSION: Reference to 'phone' at the top level is not supported. at
  /States/E/Output/v``, once per distinct name an expression reads from the (absent) context item
  (measured against AWS and quoted in https://github.com/floci-io/floci/issues/2670);
* ``UNSUPPORTED_JSONATA_EXPRESSION: Field '$states.errorOutput' does not exist.``, once per distinct
  ``$states`` field the expression's position does not offer (AWS's answer quoted in
  https://github.com/anomalyco/sst/issues/6110). "Attempting to access $states.result or
  $states.errorOutput in fields and states where they are not accessible will be caught at creation,
  update, or validation of the state machine"
  (https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html); the ASL
  specification (https://states-language.net/spec.html) places them: ``input`` and ``context`` in
  every field, ``result`` in the top-level ``Output`` and ``Assign`` of a Task, Parallel or Map,
  ``errorOutput`` in a catcher's ``Output`` and ``Assign``.

Only the fields that take expressions are read; a ``{% … %}`` string in ``Comment`` or ``Resource``
is plain text to AWS.
"""

from __future__ import annotations

from emulator.language.errors import DefinitionError
from emulator.language.evaluate.jsonata import (
    UNSUPPORTED_JSONATA_EXPRESSION,
    compile_expression,
    is_jsonata_expression,
    unavailable_states_field_message,
    unsupported_reference_message,
)
from emulator.language.validate.context import Checker, join
from emulator.model.types import Json, JsonObject

# (at any depth) may hold expressions.
_STATE_FIELDS = (
    "Arguments",
    "Output",
    "Assign",
    "Items",
    "ItemSelector",
    "TimeoutSeconds",
    "HeartbeatSeconds",
    "Credentials",
    "Seconds",
    "Timestamp",
    "Error",
    "Cause",
    "MaxConcurrency",
    "ToleratedFailureCount",
    "ToleratedFailurePercentage",
)
# The fields of ``$states`` an expression may read, by where it is written.
_EVERYWHERE = frozenset({"input", "context"})
_WITH_RESULT = _EVERYWHERE | {"result"}
_WITH_ERROR_OUTPUT = _EVERYWHERE | {"errorOutput"}
_RESULT_STATES = frozenset({"Task", "Parallel", "Map"})
_EXIT_FIELDS = frozenset({"Output", "Assign"})
_RULE_FIELDS = ("Condition", "Output", "Assign")
_CATCHER_FIELDS = ("Output", "Assign")
_MAP_PARTS = {
    "ItemReader": ("Arguments", "ReaderConfig"),
    "ItemBatcher": ("MaxItemsPerBatch", "MaxInputBytesPerBatch", "BatchInput"),
    "ResultWriter": ("Arguments", "WriterConfig"),
}


def check_jsonata_fields(checker: Checker, state: JsonObject, location: str) -> None:
    """Every expression of the JSONata state at ``location`` (``/States/X``)."""
    with_result = state.get("Type") in _RESULT_STATES
    for name in _STATE_FIELDS:
        offered = _WITH_RESULT if with_result and name in _EXIT_FIELDS else _EVERYWHERE
        _check_fields(checker, state, (name,), location, offered)
    handler_fields: tuple[tuple[str, tuple[str, ...], frozenset[str]], ...] = (
        ("Choices", _RULE_FIELDS, _EVERYWHERE),
        ("Catch", _CATCHER_FIELDS, _WITH_ERROR_OUTPUT),
    )
    for list_name, fields, offered in handler_fields:
        items = state.get(list_name)
        if isinstance(items, list):
            for index, item in enumerate(items):
                if isinstance(item, dict):
                    _check_fields(checker, item, fields, f"{join(location, list_name)}[{index}]", offered)
    for part, fields in _MAP_PARTS.items():
        node = state.get(part)
        if isinstance(node, dict):
            _check_fields(checker, node, fields, join(location, part), _EVERYWHERE)


def _check_fields(
    checker: Checker, node: JsonObject, fields: tuple[str, ...], location: str, offered: frozenset[str]
) -> None:
    for name in fields:
        if name in node:
            _check_value(checker, node[name], name, join(location, name), offered)


def _check_value(
    checker: Checker, value: Json, field_path: str, location: str, offered: frozenset[str]
) -> None:
    if is_jsonata_expression(value):
        _check_expression(checker, value, field_path, location, offered)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_value(checker, item, f"{field_path}/{key}", f"{location}/{key}", offered)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_value(checker, item, f"{field_path}[{index}]", f"{location}[{index}]", offered)


def _check_expression(
    checker: Checker, text: str, field_path: str, location: str, offered: frozenset[str]
) -> None:
    try:
        expression = compile_expression(text, field_path, location)
    except DefinitionError as error:
        checker.error(error.message, location, error.code)
        return
    for name in expression.top_level_references:
        checker.error(unsupported_reference_message(name), location, UNSUPPORTED_JSONATA_EXPRESSION)
    for name in expression.states_fields:
        if name not in offered:
            checker.error(unavailable_states_field_message(name), location, UNSUPPORTED_JSONATA_EXPRESSION)
