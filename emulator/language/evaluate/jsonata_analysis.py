"""Static facts about a parsed JSONata expression, found by walking jsonata-python's syntax tree.

* the ``$variables`` it reads and the ones it binds itself (``:=``, lambda parameters, ``@``/``#``);
* the field names it reads from the context item at the top level. Step Functions evaluates an
  expression with no context item (data arrives as ``$states.input`` or a variable), and AWS
  refuses such references when the definition is created (``UNSUPPORTED_JSONATA_EXPRESSION:
  Reference to 'phone' at the top level is not supported.``). The ASL specification
  (https://states-language.net/spec.html, "JSONata"): an expression "MUST NOT reference "$" or
  unqualified field names at the top level, but MAY reference "$" or unqualified field names nested
  inside an expression", and "$$" (the whole input document) is refused the same way; both are
  reported as ``$`` / ``$$``. A predicate, sort, grouping or later path step runs against items,
  so what it reads is not at the top level;
* the fields of ``$states`` it reads (``$states.result.Payload`` reads ``result``), which AWS checks
  against the fields the expression's position offers when the definition is created.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from jsonata.parser import Parser

# Attributes of a path step (or of any expression with a predicate / grouping) whose expressions run
# against the step's items, not its context.
_ITEM_SCOPED = frozenset({"stages", "predicate", "group", "terms"})
# ``$`` (the context item) and ``$$`` (the input document) parse as variables named "" and "$".
_CONTEXT_VARIABLES = {"": "$", "$": "$$"}


def variable_names(ast: object) -> tuple[set[str], set[str]]:
    """(names of every ``$variable`` symbol, names the expression binds itself)."""
    read: set[str] = set()
    bound: set[str] = set()
    for symbol in _symbols(ast, set()):
        if symbol.type == "variable" and isinstance(symbol.value, str):
            read.add(symbol.value)
        elif symbol.type == "bind" and isinstance(symbol.lhs, Parser.Symbol):
            bound.add(symbol.lhs.value)
        elif symbol.type == "lambda":
            bound.update(argument.value for argument in symbol.arguments or ())
        for name in (getattr(symbol, "focus", None), getattr(symbol, "index", None)):
            if isinstance(name, str):
                bound.add(name)
    return read, bound


def top_level_field_names(ast: object) -> tuple[str, ...]:
    """Distinct field names read from the (absent) context item, in order of appearance."""
    found: list[str] = []
    _top_level(ast, True, found)
    return tuple(dict.fromkeys(found))


def states_field_names(ast: object) -> tuple[str, ...]:
    """Distinct names read as ``$states.<name>``, in order of appearance (at any depth)."""
    found: list[str] = []
    for symbol in _symbols(ast, set()):
        if symbol.type != "path":
            continue
        steps: list[Any] = list(symbol.steps or ())
        if len(steps) < 2:
            continue
        first, second = steps[0], steps[1]
        if (
            isinstance(first, Parser.Symbol)
            and first.type == "variable"
            and first.value == "states"
            and isinstance(second, Parser.Symbol)
            and second.type == "name"
            and isinstance(second.value, str)
        ):
            found.append(second.value)
    return tuple(dict.fromkeys(found))


def _children(symbol: Parser.Symbol) -> Iterator[tuple[str, Any]]:
    # ``_else`` (a condition's else branch) is a child like any other; ``_outer_instance`` is the parser.
    for name, child in vars(symbol).items():
        if name != "_outer_instance" and isinstance(child, Parser.Symbol | list | tuple):
            yield name, child


def _symbols(node: Any, seen: set[int]) -> Iterator[Parser.Symbol]:
    if isinstance(node, list | tuple):
        for item in node:
            yield from _symbols(item, seen)
        return
    if not isinstance(node, Parser.Symbol) or id(node) in seen:
        return
    seen.add(id(node))
    yield node
    for _, child in _children(node):
        yield from _symbols(child, seen)


def _top_level(node: Any, top: bool, found: list[str]) -> None:
    if isinstance(node, list | tuple):
        for item in node:
            _top_level(item, top, found)
        return
    if not isinstance(node, Parser.Symbol):
        return
    if node.type == "path":
        for index, step in enumerate(node.steps or ()):
            _step(step, top and index == 0, found)
        for name, child in _children(node):
            if name != "steps":
                _top_level(child, False, found)
        return
    if top:
        _note(node, found)
    for name, child in _children(node):
        _top_level(child, top and name not in _ITEM_SCOPED, found)


def _step(step: Any, top: bool, found: list[str]) -> None:
    if not isinstance(step, Parser.Symbol):
        return
    if top:
        _note(step, found)
    for name, child in _children(step):
        _top_level(child, top and name not in _ITEM_SCOPED, found)


def _note(symbol: Parser.Symbol, found: list[str]) -> None:
    if symbol.type == "name":
        found.append(symbol.value)
    elif symbol.type == "variable" and symbol.value in _CONTEXT_VARIABLES:
        found.append(_CONTEXT_VARIABLES[symbol.value])
