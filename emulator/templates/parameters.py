"""A stack's Parameters (defaults, overrides, AllowedValues / AllowedPattern / lengths / numbers
checked as CloudFormation checks them) and its Conditions."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from emulator.templates.errors import TemplateError
from emulator.templates.intrinsics import Resolver

_LIST_TYPES = ("CommaDelimitedList", "List<")


def resolve_parameters(file: str, document: dict[str, Any], overrides: Mapping[str, str]) -> dict[str, Any]:
    """Parameter name -> value (a list for list types). A parameter with neither a default nor an
    override, or a value its constraints refuse, is a ``TemplateError`` naming it."""
    declared = document.get("Parameters") or {}
    if not isinstance(declared, dict):
        raise TemplateError(file, "Parameters must be a map", "Parameters")
    values: dict[str, Any] = {}
    for name, spec in declared.items():
        if not isinstance(spec, dict):
            raise TemplateError(file, "a parameter must be a map with a Type", "Parameters", name)
        if name in overrides:
            raw: Any = overrides[name]
        elif "Default" in spec:
            raw = spec["Default"]
        else:
            raise TemplateError(
                file, "has no Default: give it a value with --parameter-overrides", "Parameters", name
            )
        values[name] = _checked(file, name, spec, raw)
    return values


def _checked(file: str, name: str, spec: dict[str, Any], raw: Any) -> Any:
    kind = str(spec.get("Type", "String"))

    def refuse(message: str) -> TemplateError:
        return TemplateError(file, message, "Parameters", name)

    if isinstance(raw, list):
        raw = ",".join(str(item) for item in raw)
    text = "true" if raw is True else "false" if raw is False else str(raw)
    if kind.startswith(_LIST_TYPES):
        items = [item.strip() for item in text.split(",")] if text else []
        for item in items:
            _allowed(refuse, spec, item)
        return items
    if kind == "Number":
        try:
            number = float(text)
        except ValueError:
            raise refuse(f"'{text}' is not a Number")
        if "MinValue" in spec and number < float(spec["MinValue"]):
            raise refuse(f"'{text}' is less than MinValue {spec['MinValue']}")
        if "MaxValue" in spec and number > float(spec["MaxValue"]):
            raise refuse(f"'{text}' is greater than MaxValue {spec['MaxValue']}")
    else:
        if "MinLength" in spec and len(text) < int(spec["MinLength"]):
            raise refuse(f"'{text}' is shorter than MinLength {spec['MinLength']}")
        if "MaxLength" in spec and len(text) > int(spec["MaxLength"]):
            raise refuse(f"'{text}' is longer than MaxLength {spec['MaxLength']}")
        pattern = spec.get("AllowedPattern")
        if pattern is not None and re.fullmatch(str(pattern), text) is None:
            raise refuse(
                spec.get("ConstraintDescription") or f"'{text}' does not match AllowedPattern {pattern}"
            )
    _allowed(refuse, spec, text)
    return text


def _allowed(refuse: Any, spec: dict[str, Any], text: str) -> None:
    allowed = spec.get("AllowedValues")
    if allowed is not None and text not in [str(item) for item in allowed]:
        values = ", ".join(str(item) for item in allowed)
        raise refuse(
            spec.get("ConstraintDescription") or f"'{text}' is not one of the AllowedValues [{values}]"
        )


def evaluate_conditions(resolver: Resolver, document: dict[str, Any]) -> dict[str, bool]:
    """Every condition of the Conditions section (a condition may name another, in any order)."""
    declared = document.get("Conditions") or {}
    scope = resolver.scope
    pending = dict(declared)
    resolver.conditions_mode = True
    try:
        evaluating: set[str] = set()

        def evaluate(name: str) -> bool:
            if name in scope.conditions:
                return scope.conditions[name]
            if name not in pending:
                raise TemplateError(scope.file, "is not defined", "Conditions", name)
            if name in evaluating:
                raise TemplateError(scope.file, "refers to itself (circular conditions)", "Conditions", name)
            evaluating.add(name)
            _evaluate_dependencies(pending[name], evaluate)
            value = resolver.resolve(pending[name], "Conditions", name)
            if not isinstance(value, bool):
                raise TemplateError(
                    scope.file, "must be a condition function (Fn::Equals, Fn::And …)", "Conditions", name
                )
            scope.conditions[name] = value
            evaluating.discard(name)
            return value

        for name in declared:
            evaluate(name)
    finally:
        resolver.conditions_mode = False
    return scope.conditions


def _evaluate_dependencies(value: Any, evaluate: Any) -> None:
    if isinstance(value, dict):
        if len(value) == 1 and "Condition" in value and isinstance(value["Condition"], str):
            evaluate(value["Condition"])
            return
        for item in value.values():
            _evaluate_dependencies(item, evaluate)
    elif isinstance(value, list):
        for item in value:
            _evaluate_dependencies(item, evaluate)
