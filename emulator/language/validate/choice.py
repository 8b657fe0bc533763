"""Choice rules: JSONPath rules are checked by compiling them (``evaluate.choice``, the compiler the
interpreter uses, so validation accepts exactly what runs); JSONata rules are ``Condition`` + ``Next``.
Only top-level rules carry ``Next``.

A JSONata ``Condition`` "accepts a boolean value or a JSONata string that must evaluate to a boolean
value" (https://states-language.net/spec.html, JSONata Choice Rules); any other value (a number, a
string that is not ``{% … %}``, which JSONata states read as a literal) is refused in the wording AWS
uses for the typed fields that take an expression (``The value for the field 'Seconds' must be an
INTEGER``; the BOOLEAN wording itself is inferred)."""

from __future__ import annotations

from emulator.language.errors import DefinitionError, required_fields_message
from emulator.language.evaluate.choice import compile_choice_rule
from emulator.language.validate.context import JSONATA, Checker, join
from emulator.language.validate.limits import check_assign_names
from emulator.language.validate.schema import check_fields, check_string, is_jsonata_expression
from emulator.model.types import Json, JsonObject

_JSONATA_RULE_FIELDS = frozenset({"Condition", "Next", "Assign", "Output", "Comment"})


def check_choices(checker: Checker, choices: Json, query_language: str, location: str) -> None:
    """``location`` is the Choices field's (``/States/X/Choices``)."""
    if not isinstance(choices, list) or not choices:
        checker.error("The value for the field 'Choices' must be a non-empty ARRAY", location)
        return
    for index, rule in enumerate(choices):
        rule_location = f"{location}[{index}]"
        if not isinstance(rule, dict):
            checker.error("The value for a choice rule must be an OBJECT", rule_location)
            continue
        if query_language == JSONATA:
            check_fields(checker, rule, _JSONATA_RULE_FIELDS, ("Condition", "Next"), rule_location)
            _check_condition(checker, rule, rule_location)
        else:
            _check_jsonpath_rule(checker, rule, rule_location)
        check_string(checker, rule, "Next", rule_location)
        assign = rule.get("Assign")
        if isinstance(assign, dict):
            check_assign_names(checker, assign, query_language, join(rule_location, "Assign"))


def _check_condition(checker: Checker, rule: JsonObject, location: str) -> None:
    if "Condition" not in rule:
        return
    condition = rule["Condition"]
    if not isinstance(condition, bool) and not is_jsonata_expression(condition):
        checker.error("The value for the field 'Condition' must be a BOOLEAN", join(location, "Condition"))


def _check_jsonpath_rule(checker: Checker, rule: JsonObject, location: str) -> None:
    if "Next" not in rule:
        checker.error(required_fields_message("Next"), location)
    try:
        compile_choice_rule(rule, location)
    except DefinitionError as error:
        checker.error(error.message, error.location or location, error.code)
