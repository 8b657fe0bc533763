"""CloudFormation's intrinsic functions over one stack's parameters, conditions, mappings and the
resources created so far.

Supported: ``Ref`` (parameters, pseudo parameters, resources), ``Fn::GetAtt`` (both forms),
``Fn::Sub`` (both forms, ``${!Literal}``), ``Fn::Join``, ``Fn::Select``, ``Fn::Split``,
``Fn::FindInMap``, ``Fn::If``, ``Fn::Equals``, ``Fn::And``, ``Fn::Or``, ``Fn::Not``, ``Condition``,
``Fn::Base64``, ``Fn::GetAZs``, ``Fn::Cidr``, ``Fn::Length`` / ``Fn::ToJsonString`` (the
LanguageExtensions transform) and ``Fn::ImportValue`` of an export of a stack loaded before.
Any other ``Fn::`` raises a ``TemplateError`` naming it.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from emulator.templates.errors import TemplateError

NO_VALUE = object()  # AWS::NoValue: the property (or list item) is removed
_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")


@dataclass(slots=True)
class Created:
    """A resource that exists: what ``Ref`` and ``Fn::GetAtt`` answer for it."""

    ref: Any
    attributes: dict[str, Any] = field(default_factory=dict)
    status: str = "CREATE_COMPLETE"  # or UPDATE_COMPLETE (a reload)
    physical_id: str = ""  # what the report shows (the ARN, name or URL); ``ref`` when empty
    note: str = ""  # what the user should know (a runtime that runs elsewhere …)


@dataclass(slots=True)
class StackScope:
    """Everything an intrinsic can name in one stack."""

    file: str
    stack_name: str
    account: str
    region: str
    parameters: dict[str, Any]
    mappings: dict[str, Any]
    resource_ids: frozenset[str]
    conditions: dict[str, bool] = field(default_factory=dict)
    created: dict[str, Created] = field(default_factory=dict)
    # why a resource does not exist (unsupported type, failed), for the error of one that names it
    missing: dict[str, str] = field(default_factory=dict)
    exports: Mapping[str, Any] = field(default_factory=dict)
    # (logical id, attribute) pairs the template reads with Fn::GetAtt or ${Id.Attribute}
    attribute_uses: frozenset[tuple[str, str]] = frozenset()

    def uses_attribute(self, logical_id: str, attribute: str) -> bool:
        return (logical_id, attribute) in self.attribute_uses

    @property
    def pseudo(self) -> dict[str, Any]:
        partition = "aws-cn" if self.region.startswith("cn-") else "aws"
        return {
            "AWS::Region": self.region,
            "AWS::AccountId": self.account,
            "AWS::Partition": partition,
            "AWS::StackName": self.stack_name,
            "AWS::StackId": f"arn:{partition}:cloudformation:{self.region}:{self.account}:stack/{self.stack_name}/00000000-0000-0000-0000-000000000000",
            "AWS::URLSuffix": "amazonaws.com.cn" if partition == "aws-cn" else "amazonaws.com",
            "AWS::NotificationARNs": [],
            "AWS::NoValue": NO_VALUE,
        }


class Resolver:
    """``resolve(value, logical_id, property)`` evaluates every intrinsic inside ``value``."""

    def __init__(self, scope: StackScope) -> None:
        self.scope = scope
        # ``{"Condition": name}`` is a condition reference only inside the Conditions section
        self.conditions_mode = False
        self._functions: dict[str, Callable[[Any, str, str], Any]] = {
            "Ref": self._ref,
            "Fn::GetAtt": self._get_att,
            "Fn::Sub": self._sub,
            "Fn::Join": self._join,
            "Fn::Select": self._select,
            "Fn::Split": self._split,
            "Fn::FindInMap": self._find_in_map,
            "Fn::If": self._if,
            "Fn::Equals": self._equals,
            "Fn::And": self._and,
            "Fn::Or": self._or,
            "Fn::Not": self._not,
            "Condition": self._condition,
            "Fn::Base64": self._base64,
            "Fn::GetAZs": self._get_azs,
            "Fn::Cidr": self._cidr,
            "Fn::Length": self._length,
            "Fn::ToJsonString": self._to_json_string,
            "Fn::ImportValue": self._import_value,
        }

    def error(self, message: str, logical_id: str, prop: str) -> TemplateError:
        return TemplateError(self.scope.file, message, logical_id, prop)

    def resolve(self, value: Any, logical_id: str = "", prop: str = "") -> Any:
        if isinstance(value, dict):
            if len(value) == 1:
                ((key, argument),) = value.items()
                if key == "Ref" or key.startswith("Fn::") or (key == "Condition" and self.conditions_mode):
                    function = self._functions.get(key)
                    if function is None:
                        raise self.error(
                            f"the intrinsic function {key} is not supported by the emulator", logical_id, prop
                        )
                    return function(argument, logical_id, prop)
            out = {}
            for key, item in value.items():
                resolved = self.resolve(item, logical_id, f"{prop}.{key}" if prop else key)
                if resolved is not NO_VALUE:
                    out[key] = resolved
            return out
        if isinstance(value, list):
            items = [self.resolve(item, logical_id, f"{prop}[{index}]") for index, item in enumerate(value)]
            return [item for item in items if item is not NO_VALUE]
        return value

    # --- Ref / GetAtt / Sub ---------------------------------------------------------------------

    def lookup_ref(self, name: Any, logical_id: str, prop: str) -> Any:
        scope = self.scope
        if not isinstance(name, str):
            raise self.error("Ref takes the name of a parameter or resource", logical_id, prop)
        if name in scope.parameters:
            return scope.parameters[name]
        pseudo = scope.pseudo
        if name in pseudo:
            return pseudo[name]
        return self._resource(name, logical_id, prop).ref

    def _resource(self, name: str, logical_id: str, prop: str) -> Created:
        created = self.scope.created.get(name)
        if created is not None:
            return created
        if name in self.scope.missing:
            raise self.error(
                f"refers to {name}, which was not created ({self.scope.missing[name]})", logical_id, prop
            )
        if name in self.scope.resource_ids:
            raise self.error(
                f"refers to {name}, which is not created yet (a circular dependency?)", logical_id, prop
            )
        raise self.error(
            f"refers to '{name}', which is neither a parameter nor a resource of the template",
            logical_id,
            prop,
        )

    def _ref(self, argument: Any, logical_id: str, prop: str) -> Any:
        return self.lookup_ref(argument, logical_id, prop)

    def _get_att(self, argument: Any, logical_id: str, prop: str) -> Any:
        if isinstance(argument, str):
            argument = argument.split(".", 1)
        if not isinstance(argument, list) or len(argument) != 2:
            raise self.error("Fn::GetAtt takes [LogicalId, Attribute]", logical_id, prop)
        name, attribute = argument[0], self.resolve(argument[1], logical_id, prop)
        created = self._resource(str(name), logical_id, prop)
        if attribute not in created.attributes:
            known = ", ".join(sorted(created.attributes)) or "none"
            raise self.error(
                f"Fn::GetAtt {name}.{attribute}: the resource has no attribute {attribute} (it has: {known})",
                logical_id,
                prop,
            )
        return created.attributes[attribute]

    def _sub(self, argument: Any, logical_id: str, prop: str) -> Any:
        variables: dict[str, Any] = {}
        if isinstance(argument, list):
            if len(argument) != 2 or not isinstance(argument[1], dict):
                raise self.error("Fn::Sub takes a string or [string, {variables}]", logical_id, prop)
            text = argument[0]
            variables = {key: self.resolve(item, logical_id, prop) for key, item in argument[1].items()}
        else:
            text = argument
        if not isinstance(text, str):
            raise self.error("Fn::Sub takes a string or [string, {variables}]", logical_id, prop)

        def substitute(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in variables:
                value = variables[name]
            elif "." in name and name.split(".", 1)[0] in self.scope.resource_ids:
                value = self._get_att(name.split(".", 1), logical_id, prop)
            else:
                value = self.lookup_ref(name, logical_id, prop)
            if isinstance(value, list):
                raise self.error(f"Fn::Sub: ${{{name}}} is a list, not a string", logical_id, prop)
            return _text(value)

        return _SUB_VARIABLE.sub(substitute, text)

    # --- strings and lists ----------------------------------------------------------------------

    def _join(self, argument: Any, logical_id: str, prop: str) -> str:
        if not isinstance(argument, list) or len(argument) != 2:
            raise self.error("Fn::Join takes [delimiter, [values]]", logical_id, prop)
        delimiter = self.resolve(argument[0], logical_id, prop)
        values = self.resolve(argument[1], logical_id, prop)
        if not isinstance(values, list):
            raise self.error("Fn::Join: the second argument must be a list", logical_id, prop)
        return str(delimiter).join(_text(value) for value in values)

    def _select(self, argument: Any, logical_id: str, prop: str) -> Any:
        if not isinstance(argument, list) or len(argument) != 2:
            raise self.error("Fn::Select takes [index, [values]]", logical_id, prop)
        index = self.resolve(argument[0], logical_id, prop)
        values = self.resolve(argument[1], logical_id, prop)
        try:
            return values[int(index)]
        except (ValueError, TypeError, IndexError):
            raise self.error(f"Fn::Select: index {index} is not within the list", logical_id, prop)

    def _split(self, argument: Any, logical_id: str, prop: str) -> list[str]:
        if not isinstance(argument, list) or len(argument) != 2:
            raise self.error("Fn::Split takes [delimiter, string]", logical_id, prop)
        delimiter = self.resolve(argument[0], logical_id, prop)
        text = self.resolve(argument[1], logical_id, prop)
        if not isinstance(text, str) or not isinstance(delimiter, str):
            raise self.error("Fn::Split: the delimiter and the source must be strings", logical_id, prop)
        return text.split(delimiter)

    def _find_in_map(self, argument: Any, logical_id: str, prop: str) -> Any:
        if not isinstance(argument, list) or len(argument) not in (3, 4):
            raise self.error("Fn::FindInMap takes [MapName, TopLevelKey, SecondLevelKey]", logical_id, prop)
        name, top, second = (_text(self.resolve(item, logical_id, prop)) for item in argument[:3])
        try:
            return self.scope.mappings[name][top][second]
        except (KeyError, TypeError):
            if len(argument) == 4 and isinstance(argument[3], dict) and "DefaultValue" in argument[3]:
                return self.resolve(argument[3]["DefaultValue"], logical_id, prop)
            raise self.error(f"Fn::FindInMap: mapping {name} has no {top}.{second}", logical_id, prop)

    def _base64(self, argument: Any, logical_id: str, prop: str) -> str:
        return base64.b64encode(_text(self.resolve(argument, logical_id, prop)).encode()).decode()

    def _get_azs(self, argument: Any, logical_id: str, prop: str) -> list[str]:
        region = self.resolve(argument, logical_id, prop) or self.scope.region
        return [f"{region}{zone}" for zone in "abc"]

    def _cidr(self, argument: Any, logical_id: str, prop: str) -> list[str]:
        values = self.resolve(argument, logical_id, prop)
        try:
            block, count, bits = values[0], int(values[1]), int(values[2])
            network = ipaddress.ip_network(block, strict=False)
            subnets = network.subnets(new_prefix=network.max_prefixlen - bits)
            return [str(next(subnets)) for _ in range(count)]
        except (ValueError, TypeError, IndexError, StopIteration):
            raise self.error("Fn::Cidr takes [ipBlock, count, cidrBits] that fit", logical_id, prop)

    def _length(self, argument: Any, logical_id: str, prop: str) -> int:
        values = self.resolve(argument, logical_id, prop)
        if not isinstance(values, list):
            raise self.error("Fn::Length takes a list", logical_id, prop)
        return len(values)

    def _to_json_string(self, argument: Any, logical_id: str, prop: str) -> str:
        return json.dumps(self.resolve(argument, logical_id, prop), separators=(",", ":"))

    def _import_value(self, argument: Any, logical_id: str, prop: str) -> Any:
        name = self.resolve(argument, logical_id, prop)
        if name in self.scope.exports:
            return self.scope.exports[name]
        raise self.error(
            f"Fn::ImportValue '{name}': no loaded stack exports that name (the emulator resolves only exports of stacks given to it before this one)",
            logical_id,
            prop,
        )

    # --- conditions -----------------------------------------------------------------------------

    def _if(self, argument: Any, logical_id: str, prop: str) -> Any:
        if not isinstance(argument, list) or len(argument) != 3:
            raise self.error("Fn::If takes [ConditionName, ValueIfTrue, ValueIfFalse]", logical_id, prop)
        chosen = argument[1] if self.condition(argument[0], logical_id, prop) else argument[2]
        return self.resolve(chosen, logical_id, prop)

    def condition(self, name: Any, logical_id: str, prop: str) -> bool:
        if not isinstance(name, str) or name not in self.scope.conditions:
            raise self.error(f"the condition {name} is not defined in Conditions", logical_id, prop)
        return self.scope.conditions[name]

    def _condition(self, argument: Any, logical_id: str, prop: str) -> bool:
        return self.condition(argument, logical_id, prop)

    def _equals(self, argument: Any, logical_id: str, prop: str) -> bool:
        if not isinstance(argument, list) or len(argument) != 2:
            raise self.error("Fn::Equals takes [value1, value2]", logical_id, prop)
        left, right = (self.resolve(item, logical_id, prop) for item in argument)
        return _text(left) == _text(right) if not isinstance(left, list | dict) else left == right

    def _booleans(self, argument: Any, name: str, logical_id: str, prop: str) -> list[bool]:
        if not isinstance(argument, list) or not argument:
            raise self.error(f"{name} takes a list of conditions", logical_id, prop)
        values = [self.resolve(item, logical_id, prop) for item in argument]
        if not all(isinstance(value, bool) for value in values):
            raise self.error(f"{name}: every item must be a condition", logical_id, prop)
        return values

    def _and(self, argument: Any, logical_id: str, prop: str) -> bool:
        return all(self._booleans(argument, "Fn::And", logical_id, prop))

    def _or(self, argument: Any, logical_id: str, prop: str) -> bool:
        return any(self._booleans(argument, "Fn::Or", logical_id, prop))

    def _not(self, argument: Any, logical_id: str, prop: str) -> bool:
        values = self._booleans(argument, "Fn::Not", logical_id, prop)
        return not values[0]


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def attribute_uses(value: Any) -> frozenset[tuple[str, str]]:
    """Every (logical id, attribute) ``value`` reads with Fn::GetAtt or ``${Id.Attribute}``."""
    found: set[tuple[str, str]] = set()
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if len(item) == 1:
                key, argument = next(iter(item.items()))
                if key == "Fn::GetAtt":
                    parts = argument.split(".", 1) if isinstance(argument, str) else argument
                    if isinstance(parts, list) and len(parts) == 2 and all(isinstance(p, str) for p in parts):
                        found.add((parts[0], parts[1]))
                elif key == "Fn::Sub":
                    text = argument[0] if isinstance(argument, list) and argument else argument
                    if isinstance(text, str):
                        for name in _SUB_VARIABLE.findall(text):
                            if "." in name and not name.startswith("!"):
                                head, _, tail = name.partition(".")
                                found.add((head, tail))
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return frozenset(found)


def references(value: Any) -> set[str]:
    """The logical ids (and parameters) ``value`` names through Ref, GetAtt and Sub."""
    found: set[str] = set()
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if len(item) == 1:
                key, argument = next(iter(item.items()))
                if key == "Ref" and isinstance(argument, str):
                    found.add(argument)
                elif key == "Fn::GetAtt":
                    if isinstance(argument, str):
                        found.add(argument.split(".", 1)[0])
                    elif isinstance(argument, list) and argument and isinstance(argument[0], str):
                        found.add(argument[0])
                elif key == "Fn::Sub":
                    text = argument[0] if isinstance(argument, list) and argument else argument
                    if isinstance(text, str):
                        for name in _SUB_VARIABLE.findall(text):
                            if not name.startswith("!"):
                                found.add(name.split(".", 1)[0])
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found
