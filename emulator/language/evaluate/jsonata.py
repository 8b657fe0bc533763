"""JSONata expressions of ``QueryLanguage: JSONata`` states, compiled once at definition time.

A field value is an expression when it is a string that starts with ``{%`` and ends with ``%}``
exactly (``" {% x %} "`` is a literal string); the expression is the text between, trimmed.
``compile_expression`` parses it (a syntax error is a ``DefinitionError``); ``evaluate`` runs it
with the ``$states`` variable (``input``, ``context`` and, where the state has them, ``result`` and
``errorOutput``) and the workflow variables in scope.

Failures raise ``StatesError("States.QueryEvaluationError", cause)``; the cause is AWS's text
*without* the runtime's prefix ("An error occurred while executing the state '<name>' (entered at
the event id #<n>). "), which the runtime adds:

* ``The JSONata expression '<expr>' specified for the field '<field>' returned nothing (undefined).``
* ``… threw an error during evaluation. <code>: <message>`` (e.g. ``T1006: Attempted to invoke a
  non-function``)
* ``… returned an unsupported result type.`` (a function)
* ``… returned an unexpected result type. Expected '<type>', but was '<type>' for value: <json>``
  (only when the caller names the type it needs, e.g. ``expected="array"`` for Map ``Items``)

``<field>`` is the field path: ``Output``, ``Items``, ``Output/result``, ``Arguments/FunctionName``,
``Assign/result``, ``Output/values[0]``.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Final, Literal, TypeGuard, overload

from jsonata import timebox, utils
from jsonata.jsonata import Jsonata

from emulator.language.errors import DefinitionError, ErrorName, StatesError
from emulator.language.evaluate import budget as budgets
from emulator.language.evaluate import jsonata_analysis as analysis
from emulator.language.evaluate import jsonata_evaluator as evaluator
from emulator.language.evaluate import jsonata_functions as functions
from emulator.language.evaluate import jsonata_regex
from emulator.language.evaluate import jsonata_values as values
from emulator.model.jsontext import to_json_text
from emulator.model.types import Json, JsonObject

EXPRESSION_START: Final = "{%"
EXPRESSION_END: Final = "%}"
INVALID_JSONATA_EXPRESSION: Final = "INVALID_JSONATA_EXPRESSION"
"""AWS's diagnostic code for an expression that does not parse (``<code>: <message> at <location>``)."""

UNSUPPORTED_JSONATA_EXPRESSION: Final = "UNSUPPORTED_JSONATA_EXPRESSION"
"""AWS's diagnostic code for a top-level field reference (one diagnostic per distinct name)."""

_STATES: Final = "states"
# The ``$states`` binding: JSON values, and the context, which may be any read-only mapping.
States = dict[str, object]
_EMPTY: Mapping[str, Json] = MappingProxyType({})


def _on_entry(expression: Any, input: Any, environment: Any) -> None:
    """Called by the library before each node it evaluates: the active budget's tick."""
    active = budgets.ACTIVE.budget
    if active is not None:
        active.tick()


def _on_exit(expression: Any, input: Any, environment: Any, result: Any) -> None:
    """Called after each node: a string or array past the payload limit goes no further (whatever
    built it, it was built from values within the limit, so it is at most a few times over)."""
    kind = type(result)
    if kind is str:
        budgets.check_string_length(len(result))
    elif kind is not utils.Utils.RangeList and isinstance(result, list):
        budgets.check_array_length(len(result))


# Found in the evaluation's own frame, the library's per-node lookup of both stops at once.
_HOOKS: Final = {"__evaluate_entry": _on_entry, "__evaluate_exit": _on_exit}


class _BoundedJsonata(evaluator.ReferenceJsonata):
    """The evaluator (jsonata-js's semantics, ``jsonata_evaluator``) with ``&`` checked before it
    concatenates (``$s & $s`` doubles)."""

    def evaluate_string_concat(self, lhs: object, rhs: object) -> str:
        size = 0
        for side in (lhs, rhs):
            if isinstance(side, str):
                size += len(side)
            elif side is not None and budgets.exceeds_payload(side):
                raise budgets.data_limit_exceeded("The result of &")
        budgets.check_string_length(size, "The result of &")
        result: str = super().evaluate_string_concat(lhs, rhs)
        return result


class QueryEvaluationError(StatesError):
    """``States.QueryEvaluationError`` from a field's expression; ``location`` is the field path
    (``Output/result``) the runtime reports in its EvaluationFailed event (None: not a field's)."""

    def __init__(self, cause: str, location: str | None = None) -> None:
        super().__init__(ErrorName.QUERY_EVALUATION_ERROR, cause)
        self.location = location


class NotAvailable:
    __slots__ = ()

    def __repr__(self) -> str:
        return "NOT_AVAILABLE"


NOT_AVAILABLE: Final = NotAvailable()
"""``states_result``/``states_error_output`` where the field cannot see them (``None`` is JSON null)."""


def is_jsonata_expression(value: object) -> TypeGuard[str]:
    return (
        isinstance(value, str)
        and len(value) >= len(EXPRESSION_START) + len(EXPRESSION_END)
        and value.startswith(EXPRESSION_START)
        and value.endswith(EXPRESSION_END)
    )


@dataclass(frozen=True, slots=True)
class JsonataBindings:
    """What an expression can read. ``rng`` feeds ``$random()`` and ``$uuid()``; ``now_milliseconds``
    is what ``$now()``/``$millis()`` return (the wall clock when omitted)."""

    states_input: Json
    context: Mapping[str, Json]
    variables: Mapping[str, Json] = field(default_factory=lambda: _EMPTY)
    states_result: Json | NotAvailable = NOT_AVAILABLE
    states_error_output: Json | NotAvailable = NOT_AVAILABLE
    rng: random.Random | None = None
    now_milliseconds: int | None = None

    def states(self) -> States:
        states: States = {"input": self.states_input}
        if self.states_result is not NOT_AVAILABLE:
            states["result"] = self.states_result
        if self.states_error_output is not NOT_AVAILABLE:
            states["errorOutput"] = self.states_error_output
        states["context"] = self.context
        return states


@dataclass(frozen=True, slots=True)
class JsonataExpression:
    """A compiled expression. ``text`` is the expression as AWS quotes it (between ``{%``/``%}``,
    trimmed); ``field_path`` the field its error causes name; ``variables`` the workflow variables it
    reads; ``top_level_references`` the field names it reads from the context item, which AWS
    refuses at definition time (see ``unsupported_reference_message``); ``states_fields`` the
    fields of ``$states`` it reads (``input``, ``result`` …), which the validator checks against
    the fields offered where the expression is written."""

    text: str
    field_path: str
    variables: frozenset[str]
    top_level_references: tuple[str, ...]
    states_fields: tuple[str, ...]
    _program: Jsonata = field(repr=False, compare=False)
    _reads: tuple[str, ...] = field(repr=False, compare=False)
    # ``$states.a.b`` / ``$name.a.b`` (see ``_simple_path``): read directly where that is plainly the
    # library's answer, else (arrays, null, a missing field …) evaluated by the library.
    _simple: tuple[str, tuple[str, ...]] | None = field(default=None, repr=False, compare=False)

    # The result type ``expected`` checks, for mypy (the check itself is ``_has_type``'s).
    @overload
    def evaluate(self, bindings: JsonataBindings, expected: Literal["integer"]) -> int: ...
    @overload
    def evaluate(self, bindings: JsonataBindings, expected: Literal["number"]) -> int | float: ...
    @overload
    def evaluate(self, bindings: JsonataBindings, expected: Literal["string"]) -> str: ...
    @overload
    def evaluate(self, bindings: JsonataBindings, expected: Literal["boolean"]) -> bool: ...
    @overload
    def evaluate(self, bindings: JsonataBindings, expected: Literal["array"]) -> list[Json]: ...
    @overload
    def evaluate(self, bindings: JsonataBindings, expected: Literal["object"]) -> JsonObject: ...
    @overload
    def evaluate(self, bindings: JsonataBindings, expected: str | None = None) -> Json: ...
    def evaluate(self, bindings: JsonataBindings, expected: str | None = None) -> Json:
        """The expression's value; ``expected`` (``array``, ``object``, ``string``, ``number``,
        ``integer``, ``boolean``) makes another result type a failure with AWS's message."""
        return self._evaluate(bindings.states(), bindings, expected)

    def _evaluate(self, states: States, bindings: JsonataBindings, expected: str | None) -> Json:
        simple = self._simple
        result = _MISSING if simple is None else _read_simple(simple, states, bindings.variables)
        if result is _MISSING:
            result = self._run_program(states, bindings)
        if result is None:
            raise self._failure("returned nothing (undefined).")
        if values.is_function(result):
            raise self._failure("returned an unsupported result type.")
        if isinstance(result, dict | list) and budgets.exceeds_payload(result):
            raise StatesError(
                ErrorName.DATA_LIMIT_EXCEEDED,
                f"The JSONata expression '{self.text}' specified for the field '{self.field_path}' returned a "
                f"result exceeding the maximum payload size of {budgets.PAYLOAD_LIMIT_BYTES} bytes.",
            )
        try:
            value = values.to_json(result)
        except values.UnsupportedResult:
            raise self._failure("returned an unsupported result type.")
        except values.NonFiniteNumber:
            raise self._failure("threw an error during evaluation. D1001: Number out of range: null")
        if expected is not None and not _has_type(value, expected):
            raise self._failure(
                f"returned an unexpected result type. Expected '{expected}', but was "
                f"'{values.json_type_name(value)}' for value: {to_json_text(value)}"
            )
        return value

    def _run_program(self, states: States, bindings: JsonataBindings) -> object:
        active = budgets.ACTIVE.budget
        own = active is None
        if active is None:  # evaluated outside the runtime's seam (a unit test, a tool): a budget of its own
            active = budgets.ACTIVE.budget = budgets.Budget()
        # Off the event loop, the library's per-evaluation attributes (input, environment,
        # timestamp) must not be shared with an evaluation of the same program on the loop.
        program = self._program if active.on_loop or own else copy.copy(self._program)
        frame = Jsonata.Frame(program.environment)
        names = frame.bindings
        names.update(_HOOKS)
        names[_STATES] = states
        variables = bindings.variables
        for name in self._reads:
            if name in variables:
                names[name] = values.to_jsonata(variables[name])
        previous_rng = functions.ACTIVE.rng
        functions.ACTIVE.rng = bindings.rng
        # jsonata-python evaluates through a per-thread "current" instance and reads $now()'s
        # timestamp from it; point it at this program for the duration of the call.
        Jsonata.CURRENT.jsonata = program
        program.timestamp = (
            bindings.now_milliseconds
            if bindings.now_milliseconds is not None
            else timebox.Timebox.current_milli_time()
        )
        try:
            return program.eval(program.ast, None, frame)
        except budgets.BudgetExhausted as exhausted:
            raise self._failure(
                f"threw an error during evaluation. D1012: Evaluation timeout after {exhausted.milliseconds} "
                "milliseconds. Check for infinite loop"
            ) from None
        except budgets.DataLimitReached as reached:
            raise StatesError(
                ErrorName.DATA_LIMIT_EXCEEDED,
                f"The JSONata expression '{self.text}' specified for the field '{self.field_path}' threw an "
                f"error during evaluation. {reached.message}",
            ) from None
        except Exception as error:  # the library raises JException and plain Python errors alike
            raise self._failure(f"threw an error during evaluation. {functions.format_error(error)}")
        finally:
            functions.ACTIVE.rng = previous_rng
            if own:
                budgets.ACTIVE.budget = None

    def _failure(self, what: str) -> StatesError:
        return QueryEvaluationError(
            f"The JSONata expression '{self.text}' specified for the field '{self.field_path}' {what}",
            self.field_path,
        )


def _has_type(value: Json, expected: str) -> bool:
    if expected == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    return values.json_type_name(value) == expected


def compile_expression(text: str, field_name: str, location: str = "") -> JsonataExpression:
    """Compile ``{% expr %}`` (or a bare expression) for the field ``field_name``.

    A syntax error raises ``DefinitionError("INVALID_JSONATA_EXPRESSION", <JSONata's message>,
    location)``, e.g. ``Unexpected end of expression`` for ``{% 1 + %}``.
    """
    expression = text[len(EXPRESSION_START) : -len(EXPRESSION_END)] if is_jsonata_expression(text) else text
    expression = expression.strip()
    try:
        program = _BoundedJsonata(expression, jsonata_regex.compile_regex)
        evaluator.normalise(program.ast, expression, functions.adopt_signature)
    except Exception as error:
        error = evaluator.syntax_error(error, expression)
        raise DefinitionError(INVALID_JSONATA_EXPRESSION, functions.error_message(error), location) from error
    program.environment.parent = functions.STEP_FUNCTIONS_FRAME
    read, bound = analysis.variable_names(program.ast)
    reads = tuple(sorted(read - {_STATES, "", "$"}))
    return JsonataExpression(
        text=expression,
        field_path=field_name,
        variables=frozenset(name for name in read - bound if name not in _NOT_VARIABLES),
        top_level_references=analysis.top_level_field_names(program.ast),
        # an expression that binds ``$states`` itself (a lambda parameter, ``:=``) reads its own
        states_fields=() if _STATES in bound else analysis.states_field_names(program.ast),
        _program=program,
        _reads=reads,
        _simple=_simple_path(program.ast),
    )


_MISSING: Final = object()
# What a plain step symbol may carry; anything else (predicates, stages, grouping, focus, index,
# keepArray …) leaves the expression to the library.
_PLAIN_STEP: Final = frozenset({"_outer_instance", "id", "value", "type", "position"})
_PLAIN_PATH: Final = frozenset({"_outer_instance", "type", "steps"})


def _plain(symbol: Any, allowed: frozenset[str]) -> bool:
    return all(key in allowed or not item for key, item in vars(symbol).items())


def _simple_path(ast: Any) -> tuple[str, tuple[str, ...]] | None:
    """``$states.input.a.b`` -> ("states", ("input", "a", "b")); ``$x.a`` -> ("x", ("a",)); ``$x`` ->
    ("x", ()); None for every other expression (and for ``$`` / ``$$``)."""
    if getattr(ast, "type", None) == "variable" and _plain(ast, _PLAIN_STEP):
        steps = [ast]
    elif getattr(ast, "type", None) == "path" and _plain(ast, _PLAIN_PATH):
        steps = list(ast.steps or ())
    else:
        return None
    if not steps or not all(_plain(step, _PLAIN_STEP) for step in steps):
        return None
    first, rest = steps[0], steps[1:]
    if first.type != "variable" or not isinstance(first.value, str) or first.value in ("", "$"):
        return None
    if not all(step.type == "name" and isinstance(step.value, str) for step in rest):
        return None
    return first.value, tuple(step.value for step in rest)


def _read_simple(
    simple: tuple[str, tuple[str, ...]], states: States, variables: Mapping[str, Json]
) -> object:
    """The value of a simple path, or ``_MISSING`` where the library's rules go beyond walking
    objects: a step over an array (mapping, flattening, singletons), null, a missing field or
    variable, a step into a non-object. Those are evaluated by the library. (An array the last
    step reaches is the library's answer as it is.)"""
    name, keys = simple
    current: object = states if name == _STATES else variables.get(name, _MISSING)
    for key in keys:
        if type(current) is not dict:
            return _MISSING
        current = current.get(key, _MISSING)
    return _MISSING if current is None else current


_NOT_VARIABLES: Final = functions.BUILT_IN_FUNCTION_NAMES | {_STATES, "", "$", "eval"}


def unsupported_reference_message(name: str) -> str:
    """The message of the ``UNSUPPORTED_JSONATA_EXPRESSION`` diagnostic for a top-level reference."""
    return f"Reference to '{name}' at the top level is not supported."


def unavailable_states_field_message(name: str) -> str:
    """The ``UNSUPPORTED_JSONATA_EXPRESSION`` message for ``$states.<name>`` where the field the
    expression is written in does not offer it (measured for ``errorOutput`` in a Task's
    ``Arguments``: https://github.com/anomalyco/sst/issues/6110)."""
    return f"Field '$states.{name}' does not exist."


def referenced_variables(expression: JsonataExpression | str) -> frozenset[str]:
    """Workflow variables an expression reads: ``$name`` references that the expression does not
    bind itself (``:=``, lambda parameters, ``@``/``#``), other than ``$states``, ``$``/``$$`` and
    the built-in functions."""
    if isinstance(expression, str):
        expression = compile_expression(expression, "")
    return expression.variables


# ---- templates: JSON values with expressions at any depth (Output, Arguments, Assign, Items, …)


@dataclass(frozen=True, slots=True)
class _Literal:
    value: Json

    def evaluate(self, states: States, bindings: JsonataBindings) -> Json:
        return self.value


@dataclass(frozen=True, slots=True)
class _Expression:
    expression: JsonataExpression

    def evaluate(self, states: States, bindings: JsonataBindings) -> Json:
        return self.expression._evaluate(states, bindings, None)


@dataclass(frozen=True, slots=True)
class _Object:
    fields: tuple[tuple[str, _Node], ...]

    def evaluate(self, states: States, bindings: JsonataBindings) -> Json:
        return {key: node.evaluate(states, bindings) for key, node in self.fields}


@dataclass(frozen=True, slots=True)
class _Array:
    items: tuple[_Node, ...]

    def evaluate(self, states: States, bindings: JsonataBindings) -> Json:
        return [node.evaluate(states, bindings) for node in self.items]


_Node = _Literal | _Expression | _Object | _Array


@dataclass(frozen=True, slots=True)
class JsonataTemplate:
    """A compiled field value: literal JSON where it holds no expression, evaluated where it does."""

    field_path: str
    expressions: tuple[JsonataExpression, ...]
    _root: _Node = field(repr=False)

    @property
    def is_literal(self) -> bool:
        return not self.expressions

    @property
    def variables(self) -> frozenset[str]:
        return frozenset().union(*(expression.variables for expression in self.expressions))

    def evaluate(self, bindings: JsonataBindings) -> Json:
        return self._root.evaluate(bindings.states(), bindings)


def compile_template(value: Json, field_name: str, location: str = "") -> JsonataTemplate:
    """Compile a field value (``Output``, ``Arguments``, ``Assign``, ``Items``, ``ItemSelector`` …).

    Object members extend the field path with ``/<key>``, array items with ``[<index>]``: the
    expression in ``{"Output": {"result": "{% $x %}"}}`` reports the field ``Output/result``.
    """
    expressions: list[JsonataExpression] = []
    root = _compile_node(value, field_name, location, expressions)
    return JsonataTemplate(field_path=field_name, expressions=tuple(expressions), _root=root)


def _compile_node(value: Json, path: str, location: str, expressions: list[JsonataExpression]) -> _Node:
    if is_jsonata_expression(value):
        expression = compile_expression(value, path, location)
        expressions.append(expression)
        return _Expression(expression)
    if isinstance(value, dict):
        count = len(expressions)
        fields = tuple(
            (key, _compile_node(item, f"{path}/{key}", f"{location}/{key}", expressions))
            for key, item in value.items()
        )
        return _Object(fields) if len(expressions) > count else _Literal(value)
    if isinstance(value, list):
        count = len(expressions)
        items = tuple(
            _compile_node(item, f"{path}[{index}]", f"{location}[{index}]", expressions)
            for index, item in enumerate(value)
        )
        return _Array(items) if len(expressions) > count else _Literal(value)
    return _Literal(value)
