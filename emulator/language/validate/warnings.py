"""WARNING diagnostics of ValidateStateMachineDefinition (JSONPath states only).

Warnings never fail a definition: CreateStateMachine ignores them and ValidateStateMachineDefinition
returns them (with ``result`` ``OK`` when there is no error) only when asked for ``severity``
``WARNING``. The codes are AWS's list of warning codes; AWS's exact message texts are not published,
so each message is the API reference's own description of its code
(https://docs.aws.amazon.com/step-functions/latest/apireference/API_ValidateStateMachineDefinitionDiagnostic.html):

* ``NO_DOLLAR``: a payload-template field without ``.$`` whose value reads as a JSONPath or an
  intrinsic function call (it would be passed on as a literal string);
* ``NO_PATH``: a Fail ``Error``/``Cause``, or a Choice rule's string comparison (``StringEquals``,
  ``TimestampLessThan`` …), whose value reads as a path (``ErrorPath``/``CausePath``,
  ``StringEqualsPath`` … take paths);
* ``PASS_RESULT_IS_STATIC``: a Pass ``Result`` that holds a path (``Result`` is never evaluated).

Only unmistakable paths count (``$.a``, ``$[0]``, ``$$.Execution.Id`` that compile) so plain text
with a dollar sign is never flagged.
"""

from __future__ import annotations

from emulator.language.validate.context import Checker, join
from emulator.language.validate.diagnostics import NO_DOLLAR, NO_PATH, PASS_RESULT_IS_STATIC
from emulator.language.validate.expressions import is_intrinsic_call, is_path
from emulator.model.types import Json, JsonObject

NO_DOLLAR_MESSAGE = "No .$ on a field that appears to be a JSONPath or Intrinsic Function."
NO_PATH_MESSAGE = "Field value looks like a path, but field name does not end with 'Path'."
PASS_RESULT_IS_STATIC_MESSAGE = "Attempt to use a path in the result of a pass state."

_PATH_PREFIXES = ("$.", "$[", "$$.")
_TEMPLATE_FIELDS = ("Parameters", "ResultSelector", "ItemSelector", "Assign")
_MAP_PART_TEMPLATES = ("ItemReader", "ResultWriter")
_SUFFIX = ".$"


def looks_like_path(value: Json) -> bool:
    return isinstance(value, str) and value.startswith(_PATH_PREFIXES) and is_path(value)


def check_warnings(checker: Checker, state: JsonObject, location: str) -> None:
    """The warnings of the JSONPath state at ``location`` (``/States/X``)."""
    for name in _TEMPLATE_FIELDS:
        if name in state:
            _check_template(checker, state[name], join(location, name))
    for part in _MAP_PART_TEMPLATES:
        node = state.get(part)
        if isinstance(node, dict) and "Parameters" in node:
            _check_template(checker, node["Parameters"], join(join(location, part), "Parameters"))
    state_type = state.get("Type")
    if state_type == "Pass" and "Result" in state and _holds_path(state["Result"]):
        checker.warning(PASS_RESULT_IS_STATIC, PASS_RESULT_IS_STATIC_MESSAGE, join(location, "Result"))
    if state_type == "Fail":
        for name in ("Error", "Cause"):
            if looks_like_path(state.get(name)):
                checker.warning(NO_PATH, NO_PATH_MESSAGE, join(location, name))
    if state_type == "Choice" and isinstance(state.get("Choices"), list):
        for index, rule in enumerate(state["Choices"]):  # type: ignore[arg-type]
            _check_rule(checker, rule, f"{join(location, 'Choices')}[{index}]")


# The string comparisons of a Choice rule, each of which has a ``…Path`` twin.
_STRING_COMPARISONS = frozenset(
    f"{kind}{operator}"
    for kind in ("String", "Timestamp")
    for operator in ("Equals", "LessThan", "GreaterThan", "LessThanEquals", "GreaterThanEquals")
)


def _check_rule(checker: Checker, rule: Json, location: str) -> None:
    if not isinstance(rule, dict):
        return
    for name, value in rule.items():
        if name in _STRING_COMPARISONS and looks_like_path(value):
            checker.warning(NO_PATH, NO_PATH_MESSAGE, join(location, name))
        elif name in ("And", "Or") and isinstance(value, list):
            for index, nested in enumerate(value):
                _check_rule(checker, nested, f"{join(location, name)}/{index}")
        elif name == "Not":
            _check_rule(checker, value, join(location, name))


def _check_template(checker: Checker, template: Json, location: str) -> None:
    """One warning per template field (``location`` is the field's, as for its errors)."""
    if _has_undollared_path(template):
        checker.warning(NO_DOLLAR, NO_DOLLAR_MESSAGE, location)


def _has_undollared_path(node: Json) -> bool:
    if isinstance(node, dict):
        for key, value in node.items():
            if key.endswith(_SUFFIX):
                continue
            if looks_like_path(value) or is_intrinsic_call(value) or _has_undollared_path(value):
                return True
    elif isinstance(node, list):
        return any(_has_undollared_path(item) for item in node)
    return False


def _holds_path(result: Json) -> bool:
    if looks_like_path(result):
        return True
    if isinstance(result, dict):
        return any(key.endswith(_SUFFIX) or _holds_path(value) for key, value in result.items())
    if isinstance(result, list):
        return any(_holds_path(item) for item in result)
    return False
