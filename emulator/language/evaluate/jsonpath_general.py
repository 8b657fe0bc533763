"""Evaluating any JSONPath (tokens from ``jsonpath_syntax``) the way AWS's Jayway engine answers it.

This is the indefinite reading: every match, in Jayway's order, and nothing raises — a branch that
cannot continue (a missing key, an index out of range, a wildcard on a string) simply yields nothing,
as AWS answers ``$.item.items[1:5].itemValue`` on ``{}`` with ``[]``. ``jsonpath.JsonPath`` walks
definite paths itself (they must fail when nothing matches) and uses this for the rest.

Jayway's results we follow (https://github.com/json-path/JsonPath, README and path tokens):

* ``..x`` visits the node and every object/array below it (pre-order) and applies ``x`` where it can;
* ``['a','b']`` at the tail gives one object per parent holding the named keys it has; before the
  tail it visits each named child;
* slices: ``[from:]`` and ``[:to]`` count negative bounds from the end; ``[from:to]`` does not
  (``[1:-1]`` is empty), and ``to`` is capped at the length;
* a filter on an array tests each item, a filter on an object tests the object itself; AWS adds that
  ``@`` does not match scalar values, only objects (Step Functions developer guide, "Reference paths");
* ``!=`` and ``nin`` are the negations of ``==`` and ``in``, so a missing key is ``!=`` anything;
  ``==`` holds only between values of the same JSON type (Jayway README: 1 is not equal to '1').

Work is bounded: a path whose evaluation would take more than ``BUDGET`` steps (nested deep scans on
a deep document) raises ``PathBudgetExceeded`` instead of running on; nothing here recurses on the
depth of the document.
"""

from __future__ import annotations

import math
from typing import Any

from emulator.language.evaluate.jsonpath_syntax import (
    And,
    Compare,
    Exists,
    Expression,
    Filter,
    Function,
    Indexes,
    Literal,
    Names,
    Not,
    Operand,
    Or,
    PathOperand,
    Pattern,
    Scan,
    Slice,
    Token,
    Wildcard,
)
from emulator.model.types import Json

BUDGET = 1_000_000


class PathBudgetExceeded(Exception):
    """Evaluating the path would visit more than ``BUDGET`` nodes."""


class _Undefined:
    __slots__ = ()

    def __repr__(self) -> str:
        return "UNDEFINED"


UNDEFINED: Any = _Undefined()


def find_all(tokens: tuple[Token, ...], document: Json, root: Json | None = None) -> list[Json]:
    """Every match of ``tokens`` applied to ``document`` (``$`` inside filters is ``root``)."""
    return _Evaluation(document if root is None else root).matches(tokens, document)


class _Evaluation:
    __slots__ = ("budget", "cache", "root")

    def __init__(self, root: Json) -> None:
        self.root = root
        self.budget = BUDGET
        self.cache: dict[int, Any] = {}

    def spend(self, steps: int) -> None:
        self.budget -= steps
        if self.budget < 0:
            raise PathBudgetExceeded(f"the path needs more than {BUDGET} evaluation steps")

    def matches(self, tokens: tuple[Token, ...], document: Json) -> list[Json]:
        # Token by token over all current nodes: each node's children stay in order and in the
        # order of their parents, which is Jayway's depth-first order of results.
        current: list[Json] = [document]
        position = 0
        last = len(tokens)
        while position < last and current:
            token = tokens[position]
            self.spend(len(current))
            following: list[Json] = []
            if isinstance(token, Scan):
                for node in current:
                    following.extend(self._scan(tokens, position + 1, node))
                position += 2
            else:
                leaf = position + 1 == last
                for node in current:
                    following.extend(self._step(token, node, leaf))
                position += 1
            current = following
        return current

    def _step(self, token: Token, node: Json, leaf: bool) -> list[Json]:
        """The children ``token`` selects from ``node``."""
        if isinstance(token, Names):
            if not isinstance(node, dict):
                return []
            if len(token.names) == 1:
                name = token.names[0]
                return [node[name]] if name in node else []
            if leaf:
                return [{name: node[name] for name in token.names if name in node}]
            return [node[name] for name in token.names if name in node]
        if isinstance(token, Wildcard):
            if isinstance(node, dict):
                return list(node.values())
            return list(node) if isinstance(node, list) else []
        if isinstance(token, Indexes):
            if not isinstance(node, list):
                return []
            length = len(node)
            found = []
            for index in token.indexes:
                effective = index + length if index < 0 else index
                if 0 <= effective < length:
                    found.append(node[effective])
            return found
        if isinstance(token, Slice):
            return _slice(token, node) if isinstance(node, list) else []
        if isinstance(token, Filter):
            if isinstance(node, dict):
                return [node] if self.test(token.expression, node) else []
            if isinstance(node, list):
                self.spend(len(node))
                return [item for item in node if isinstance(item, dict) and self.test(token.expression, item)]
            return []
        return []  # a function inside a path is applied by the caller (operand), never here

    def _scan(self, tokens: tuple[Token, ...], target_position: int, node: Json) -> list[Json]:
        """``..`` then ``tokens[target_position]``: apply the target wherever Jayway's scan would."""
        target = tokens[target_position]
        leaf = target_position + 1 == len(tokens)
        found: list[Json] = []
        pending = [node]
        while pending:
            current = pending.pop()
            if isinstance(current, dict):
                children = list(current.values())
            elif isinstance(current, list):
                children = list(current)
            else:
                continue
            self.spend(1 + len(children))
            if self._scan_applies(target, current, leaf):
                if isinstance(target, Filter):
                    found.append(current)
                else:
                    found.extend(self._step(target, current, leaf))
            children.reverse()
            pending.extend(child for child in children if isinstance(child, dict | list))
        return found

    def _scan_applies(self, target: Token, node: Json, leaf: bool) -> bool:
        if isinstance(target, Names):
            if not isinstance(node, dict):
                return False
            if len(target.names) > 1 and not leaf:
                return True
            return all(name in node for name in target.names)
        if isinstance(target, Indexes | Slice):
            return isinstance(node, list)
        if isinstance(target, Wildcard):
            return True
        if isinstance(target, Filter):
            return isinstance(node, dict) and self.test(target.expression, node)
        return False

    # --- filters -----------------------------------------------------------------------------------

    def test(self, expression: Expression, item: Json) -> bool:
        if isinstance(expression, Compare):
            left = self.operand(expression.left, item)
            right = self.operand(expression.right, item)
            return compare(expression.operator, left, right)
        if isinstance(expression, Exists):
            return self.operand(expression.path, item) is not UNDEFINED
        if isinstance(expression, Not):
            return not self.test(expression.operand, item)
        if isinstance(expression, And):
            return all(self.test(operand, item) for operand in expression.operands)
        if isinstance(expression, Or):
            return any(self.test(operand, item) for operand in expression.operands)
        raise AssertionError(expression)

    def operand(self, operand: Operand, item: Json) -> Any:
        if isinstance(operand, Literal):
            return operand.value
        if isinstance(operand, Pattern):
            return operand
        if operand.root == "$":
            key = id(operand)
            if key not in self.cache:
                self.cache[key] = self._path_value(operand, self.root)
            return self.cache[key]
        return self._path_value(operand, item)

    def _path_value(self, operand: PathOperand, document: Json) -> Any:
        tokens = operand.tokens
        function = tokens[-1] if tokens and isinstance(tokens[-1], Function) else None
        if function is not None:
            tokens = tokens[:-1]
        found = self.matches(tokens, document)
        if operand.definite:
            value = found[0] if found else UNDEFINED
        else:
            value = found
        if function is None:
            return value
        arguments = [self.operand(argument, document) for argument in function.arguments]
        return apply_function(function.name, value, arguments)


def _slice(token: Slice, node: list[Json]) -> list[Json]:
    length = len(node)
    start, end = token.start, token.end
    if end is None:
        assert start is not None
        begin = max(0, start + length if start < 0 else start)
        return node[begin:] if begin < length else []
    if start is None:
        stop = min(length, end + length if end < 0 else end)
        return node[: max(0, stop)]
    stop = min(length, end)
    if start >= stop:
        return []
    # Jayway reads each index of start..stop-1 as an index, so negative ones count from the end.
    found = []
    for index in range(max(start, -length), stop):
        effective = index + length if index < 0 else index
        if 0 <= effective < length:
            found.append(node[effective])
    return found


# --- comparisons -----------------------------------------------------------------------------------


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def json_equal(left: Any, right: Any) -> bool:
    """JSON equality without recursion: ``true`` is not ``1``, ``1`` equals ``1.0``."""
    pending = [(left, right)]
    while pending:
        a, b = pending.pop()
        if a is UNDEFINED or b is UNDEFINED or isinstance(a, Pattern) or isinstance(b, Pattern):
            return False
        if isinstance(a, bool) or isinstance(b, bool):
            if not (isinstance(a, bool) and isinstance(b, bool) and a == b):
                return False
        elif _is_number(a) and _is_number(b):
            if a != b:
                return False
        elif isinstance(a, list):
            if not isinstance(b, list) or len(a) != len(b):
                return False
            pending.extend(zip(a, b, strict=True))
        elif isinstance(a, dict):
            if not isinstance(b, dict) or a.keys() != b.keys():
                return False
            pending.extend((a[key], b[key]) for key in a)
        elif type(a) is not type(b) or a != b:
            return False
    return True


def _regex_input(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if _is_number(value):
        return str(value)
    return ""


def _matches(pattern: Pattern, value: Any) -> bool:
    if isinstance(value, list):
        return any(pattern.regex.fullmatch(_regex_input(item)) is not None for item in value)
    return pattern.regex.fullmatch(_regex_input(value)) is not None


def compare(operator: str, left: Any, right: Any) -> bool:
    """Jayway's relational operators (README "Filter Operators")."""
    if operator in ("==", "==="):
        return json_equal(left, right)
    if operator in ("!=", "!=="):
        return not json_equal(left, right)
    if operator in ("<", "<=", ">", ">="):
        if not (
            (_is_number(left) and _is_number(right)) or (isinstance(left, str) and isinstance(right, str))
        ):
            return False
        if operator == "<":
            return bool(left < right)
        if operator == "<=":
            return bool(left <= right)
        if operator == ">":
            return bool(left > right)
        return bool(left >= right)
    if operator == "=~":
        if isinstance(right, Pattern) and not isinstance(left, Pattern):
            return _matches(right, left)
        if isinstance(left, Pattern) and not isinstance(right, Pattern):
            return _matches(left, right)
        return False
    if operator in ("in", "nin"):
        if not isinstance(right, list):
            return False
        found = any(json_equal(left, item) for item in right)
        return found if operator == "in" else not found
    if operator in ("subsetof", "anyof", "noneof"):
        if not isinstance(left, list) or not isinstance(right, list):
            return False
        if operator == "subsetof":
            return all(any(json_equal(item, other) for other in right) for item in left)
        common = any(json_equal(item, other) for item in left for other in right)
        return common if operator == "anyof" else not common
    if operator == "size":
        if not _is_number(right) or not isinstance(left, str | list):
            return False
        return len(left) == int(right)
    if operator == "empty":
        if not isinstance(right, bool) or not isinstance(left, str | list | dict):
            return False
        return (len(left) == 0) == right
    if operator == "contains":
        if isinstance(left, str) and isinstance(right, str):
            return right in left
        if isinstance(left, list):
            return any(json_equal(item, right) for item in left)
        return False
    return False


# --- functions (README "Functions") ----------------------------------------------------------------


def _numbers(value: Any) -> list[float]:
    items = value if isinstance(value, list) else []
    return [float(item) for item in items if _is_number(item)]


def apply_function(name: str, value: Any, arguments: list[Any]) -> Any:
    """A path function applied to the value (or list of matches) of the path before it."""
    if value is UNDEFINED:
        return UNDEFINED
    if name in ("min", "max", "avg", "stddev", "sum"):
        numbers = _numbers(value) + [float(a) for a in arguments if _is_number(a)]
        if not numbers:
            return UNDEFINED
        if name == "min":
            return min(numbers)
        if name == "max":
            return max(numbers)
        if name == "sum":
            return math.fsum(numbers)
        average = math.fsum(numbers) / len(numbers)
        if name == "avg":
            return average
        return math.sqrt(max(0.0, math.fsum(n * n for n in numbers) / len(numbers) - average * average))
    if name == "length":
        return len(value) if isinstance(value, list | dict | str) else UNDEFINED
    if name == "keys":
        return list(value) if isinstance(value, dict) else UNDEFINED
    if name == "concat":
        parts = (value if isinstance(value, list) else [value]) + arguments
        return "".join(_regex_input(part) for part in parts)
    if name == "append":
        return [*value, *arguments] if isinstance(value, list) else UNDEFINED
    if name in ("first", "last", "index"):
        if not isinstance(value, list) or not value:
            return UNDEFINED
        if name == "first":
            return value[0]
        if name == "last":
            return value[-1]
        if not arguments or not _is_number(arguments[0]):
            return UNDEFINED
        position = int(arguments[0])
        position = position + len(value) if position < 0 else position
        return value[position] if 0 <= position < len(value) else UNDEFINED
    return UNDEFINED  # Jayway: "Function with name: … does not exist." — the filter does not match
