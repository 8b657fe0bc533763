"""Choice: picks the next state from its rules, or ``Default``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from emulator.language.errors import ErrorName, StatesError
from emulator.language.evaluate.choice import ChoiceBranch, compile_choices
from emulator.language.evaluate.jsonata import (
    JsonataBindings,
    JsonataExpression,
    JsonataTemplate,
    compile_expression,
)
from emulator.language.evaluate.variables import Assignment, compile_assign
from emulator.language.states.common import StateCommon, fail, jsonata_field, parse_common
from emulator.language.validated import objects, optional_text, text
from emulator.model.types import Json, JsonObject


@dataclass(frozen=True, slots=True)
class Rule:
    """A compiled top-level choice rule with what it assigns and (JSONata) outputs when taken."""

    next: str
    branch: ChoiceBranch | None  # JSONPath
    condition: JsonataExpression | None  # JSONata
    assign: Assignment | None
    output: JsonataTemplate | None
    literal: bool | None = None  # JSONata: a boolean Condition (the ASL spec allows one)


@dataclass(frozen=True, slots=True)
class ChoiceState:
    common: StateCommon  # its ``assign`` is the state-level one, applied when Default is taken
    choices: tuple[ChoiceBranch, ...]
    default: str | None
    rules: tuple[Rule, ...] = ()
    default_output: JsonataTemplate | None = None  # JSONata: the state-level Output (Default)


def parse_choice(name: str, raw: JsonObject, location: str, query_language: str) -> ChoiceState:
    common = parse_common(name, raw, location, query_language)
    language = common.query_language
    choices = raw.get("Choices")
    if common.is_jsonata:
        if not isinstance(choices, list) or not choices:
            raise fail("The value for the field 'Choices' must be a non-empty ARRAY", f"{location}/Choices")
        branches: tuple[ChoiceBranch, ...] = ()
        rules = tuple(
            Rule(
                next=text(rule["Next"]),
                branch=None,
                condition=None
                if isinstance(rule["Condition"], bool)
                else compile_expression(
                    text(rule["Condition"]), "Condition", f"{location}/Choices[{index}]/Condition"
                ),
                assign=compile_assign(rule.get("Assign"), language, f"{location}/Choices[{index}]/Assign"),
                output=jsonata_field(rule, "Output", f"{location}/Choices[{index}]"),
                literal=rule["Condition"] if isinstance(rule["Condition"], bool) else None,
            )
            for index, rule in enumerate(objects(choices))
        )
    else:
        branches = compile_choices(choices, location)
        rules = tuple(
            Rule(
                next=branch.next,
                branch=branch,
                condition=None,
                assign=compile_assign(branch.assign, language, f"{location}/Choices[{index}]/Assign"),
                output=None,
            )
            for index, branch in enumerate(branches)
        )
    return ChoiceState(
        common=common,
        choices=branches,
        default=optional_text(raw.get("Default")),
        rules=rules,
        default_output=jsonata_field(raw, "Output", location) if common.is_jsonata else None,
    )


def choose_rule(
    state: ChoiceState,
    value: Json,
    context: Mapping[str, Json],
    variables: Mapping[str, Json] | None = None,
    bindings: JsonataBindings | None = None,
) -> Rule | None:
    """The rule taken (``None``: Default); raises ``States.NoChoiceMatched`` when there is none.

    JSONPath rules test ``value`` (the effective input); JSONata conditions use ``bindings``."""
    for rule in state.rules:
        if rule.branch is not None:
            if rule.branch.rule.matches(value, context, variables):
                return rule
        elif rule.literal is not None:
            if rule.literal:
                return rule
        elif (
            rule.condition is not None
            and bindings is not None
            and rule.condition.evaluate(bindings, expected="boolean") is True
        ):
            return rule
    if state.default is not None:
        return None
    raise StatesError(
        ErrorName.NO_CHOICE_MATCHED,
        f"No Choice Rules matched and no Default was specified for state: {state.common.name}",
    )


def choose(state: ChoiceState, value: Json, context: Mapping[str, Json]) -> str:
    """The name of the next state; raises ``States.NoChoiceMatched`` when nothing matches."""
    for branch in state.choices:
        if branch.rule.matches(value, context):
            return branch.next
    if state.default is not None:
        return state.default
    raise StatesError(
        ErrorName.NO_CHOICE_MATCHED,
        f"No Choice Rules matched and no Default was specified for state: {state.common.name}",
    )
