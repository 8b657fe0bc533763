"""jsonata-python's evaluator, corrected where it answers otherwise than jsonata-js 2.0.6 (which AWS runs).

Found with ``bench/jsonata_diff.py``; each correction follows jsonata-js's src/jsonata.js and the JSONata
documentation page of the operator (https://docs.jsonata.org/numeric-operators,
https://docs.jsonata.org/comparison-operators, https://docs.jsonata.org/path-operators,
https://docs.jsonata.org/sorting-grouping, https://docs.jsonata.org/programming):

* ``/`` and ``%`` are JavaScript's: ``5.5 % 2`` is 1.5, ``1/0`` is Infinity and ``0/0`` NaN, which fail
  only when used (an operand: D1001; a field's result: our conversion's D1001);
* ``x in array`` compares with ``===``: values by value, objects and arrays by identity;
* ``&`` converts each side with jsonata-js's ``$string`` (``jsonata_builtins.string``);
* ``^( )`` sorts with jsonata-js's merge sort, so a type mismatch names the values in its order (T2007);
* a signature mismatch (T0410, T0411, T0412) names the function the way the call site wrote it (``$f(1)``
  names ``f``; an anonymous lambda, ``undefined``), never a name left behind by an earlier evaluation;
* a JSON null inside an array of the input is JSONata ``null``, not undefined (filters, ``in``, ``$``);
* a regex applied as a function (``/a(b)/('ab')``) answers ``groups`` with the capturing groups only;
* a built-in function a higher-order function calls (``$map([1, 2], $sum)``) has its arguments
  validated against its signature, as jsonata-js's ``apply`` does (a number becomes ``[number]`` for
  ``<a<n>:n>``; a wrong type fails with T0410), where the library called it with them as they were.

``normalise`` corrects what the parser leaves: ``a ?: b`` and ``a ?? b`` (JSONata 2.1) are syntax errors,
as AWS answers (S0211); a literal number index is floored (``[-0.5]`` is the last
item), a string literal's surrogate pair escapes (``'\\uD83D\\uDE00'``) are one character, and a lambda's
signature validates as jsonata-js's does.
"""

from __future__ import annotations

import math
import re
from typing import Any

from jsonata import functions as library
from jsonata import jexception, parser, signature, utils
from jsonata.jsonata import Jsonata

from emulator.language.evaluate import jsonata_builtins as builtins

_SIGNATURE_ERRORS = frozenset({"T0410", "T0411", "T0412"})
_NULL = utils.Utils.NULL_VALUE


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class ReferenceJsonata(Jsonata):  # type: ignore[misc]  # the library is untyped
    """The library's evaluator with jsonata-js's operator semantics (see the module docstring)."""

    def evaluate_numeric_expression(self, lhs: Any, rhs: Any, op: Any) -> Any:
        if op not in ("/", "%"):
            return super().evaluate_numeric_expression(lhs, rhs, op)
        if lhs is not None and not utils.Utils.is_numeric(lhs):
            raise jexception.JException("T2001", -1, op, lhs)
        if rhs is not None and not utils.Utils.is_numeric(rhs):
            raise jexception.JException("T2002", -1, op, rhs)
        if lhs is None or rhs is None:
            return None
        left, right = float(lhs), float(rhs)
        if right == 0:
            if op == "%" or left == 0:
                return math.nan
            return math.copysign(math.inf, left) * math.copysign(1.0, right)
        result = left / right if op == "/" else math.fmod(left, right)
        return utils.Utils.convert_number(result)

    def evaluate_name(self, expr: Any, input: Any, environment: Any) -> Any:
        result = library.Functions.lookup(input, str(expr.value))
        if isinstance(result, list) and None in result:
            return _nulls(result)
        return result

    def evaluate_includes_expression(self, lhs: Any, rhs: Any) -> Any:
        if lhs is None or rhs is None:
            return False
        items = rhs if isinstance(rhs, list) else [rhs]
        return any(_strictly_equal(item, lhs) for item in items)

    def evaluate_string_concat(self, lhs: Any, rhs: Any) -> str:
        return builtins.concatenate(lhs, rhs)

    def evaluate_sort_expression(self, expr: Any, input: Any, environment: Any) -> Any:
        if not isinstance(input, list) or len(input) <= 1:
            return input
        tuples = isinstance(input, utils.Utils.JList) and input.tuple_stream
        compare = Jsonata.ComparatorWrapper(self, expr, environment, tuples).compare
        return builtins.merge_sort(input, lambda left, right: compare(left, right) == 1)

    def evaluate_function(self, expr: Any, input: Any, environment: Any, applyto_context: Any) -> Any:
        try:
            return super().evaluate_function(expr, input, environment, applyto_context)
        except jexception.JException as error:
            if error.error in _SIGNATURE_ERRORS and not getattr(error, "named_at_call_site", False):
                error.expected = _call_site_name(expr.procedure)
                error.named_at_call_site = True
            raise

    def apply_inner(self, proc: Any, args: Any, input: Any, environment: Any) -> Any:
        if not library.Functions.is_regex(proc):
            return super().apply_inner(proc, args, input, environment)
        results = [
            _regex_closure(builtins.matches(proc, text)) for text in args or () if isinstance(text, str)
        ]
        if not results:  # applied to nothing (``$missing ~> /x/``)
            return None
        return results[0] if len(results) == 1 else results


_LIBRARY_FUNC_APPLY = library.Functions.func_apply


def _func_apply(function: Any, arguments: Any) -> Any:
    """The library's call of a function argument (``$map``, ``$filter``, ``$sort`` …), with the
    signature validation jsonata-js applies to every call (the library skipped it here). A value a
    higher-order function takes from an array or object is never undefined: a JSON null in the input
    (``None`` below the top level) reaches the function as JSONata ``null``, as in jsonata-js."""
    if arguments and None in arguments:
        arguments = [_NULL if argument is None else argument for argument in arguments]
    if isinstance(function, Jsonata.JFunction) and function.signature is not None:
        arguments = function.validate(list(arguments or ()), None)
    return _LIBRARY_FUNC_APPLY(function, arguments)


# The library's higher-order functions reach their function argument through this one static method;
# there is no other seam to give them jsonata-js's validation.
library.Functions.func_apply = staticmethod(_func_apply)


def _nulls(items: list[Any]) -> list[Any]:
    """An array read from the input with its JSON nulls as JSONata ``null`` (the library reads a nested
    ``None`` as undefined: ``[1, null][$ = null]`` would find nothing)."""
    converted = [_NULL if item is None else item for item in items]
    if isinstance(items, utils.Utils.JList):
        sequence: list[Any] = utils.Utils.create_sequence()
        sequence.extend(converted)
        return sequence
    return converted


def _call_site_name(procedure: Any) -> str | None:
    """jsonata-js's ``procName``: the variable called, the first step of a path, else nothing."""
    kind = getattr(procedure, "type", None)
    if kind == "variable":
        return str(procedure.value)
    if kind == "path" and procedure.steps:
        return str(procedure.steps[0].value)
    return None


def _regex_closure(found: Any) -> Any:
    item = next(found, None)
    if item is None:
        return None
    text, start, end, groups = item
    return {
        "match": text,
        "start": start,
        "end": end,
        "groups": groups,
        "next": Jsonata.JLambda(lambda: _regex_closure(found)),
    }


def _strictly_equal(left: Any, right: Any) -> bool:
    """JavaScript's ``===`` on JSONata values."""
    if left is right:
        return True
    if _number(left) and _number(right):
        return bool(left == right)
    if isinstance(left, str) and isinstance(right, str):
        return bool(left == right)
    if isinstance(left, bool) and isinstance(right, bool):
        return left == right
    return False


def normalise(ast: Any, source: str, adopt_signature: Any) -> None:
    """Correct the tree parsed from ``source`` in place (see the module docstring); ``adopt_signature``
    turns a library ``Signature`` into one validating as jsonata-js's does. Raises the JException
    jsonata-js's parser raises for JSONata 2.1's ``?:`` and ``??``."""
    stack = [ast]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if isinstance(node, list | tuple):
            stack.extend(node)
            continue
        if not isinstance(node, parser.Parser.Symbol) or id(node) in seen:
            continue
        seen.add(id(node))
        kind = node.type
        if kind == "condition" and isinstance(node.position, int):
            # ``?:`` and ``??`` came with JSONata 2.1; 2.0.6 reads ``?`` then a prefix ``:`` / ``?``. The
            # library's condition ends where its operator token ends.
            operator = source[max(node.position - 2, 0) : node.position]
            if operator in ("?:", "??"):
                raise jexception.JException("S0211", node.position, operator[1])
        if kind == "filter":
            index: Any = getattr(node, "expr", None)
            if getattr(index, "type", None) == "number" and isinstance(index.value, float):
                index.value = math.floor(index.value)
        elif kind == "string" and isinstance(node.value, str) and _has_surrogates(node.value):
            node.value = node.value.encode("utf-16", "surrogatepass").decode("utf-16", "surrogatepass")
        elif kind == "lambda" and isinstance(getattr(node, "signature", None), signature.Signature):
            node.signature = adopt_signature(node.signature)
        for name, child in vars(node).items():
            if name != "_outer_instance" and isinstance(child, parser.Parser.Symbol | list | tuple):
                stack.append(child)


def syntax_error(error: Exception, expression: str = "") -> Exception:
    """The JException jsonata-js's parser raises where the library's tokenizer fails otherwise: an
    unknown operator character (``1 ! 2``) is S0204, where the library lets a KeyError escape; a
    number out of range (S0102) names the number's text; a lambda parameter that is not a variable
    (S0208) is named by its position (1, 2 …), as jsonata-js's messages do."""
    if isinstance(error, KeyError) and error.args and isinstance(error.args[0], str):
        unknown: Exception = jexception.JException("S0204", -1, error.args[0])
        return unknown
    if not isinstance(error, jexception.JException) or not isinstance(error.location, int):
        return error
    rewritten: Exception | None = None
    if error.error == "S0102" and error.current is None:
        number = _NUMBER.match(expression, max(error.location, 0))
        if number is not None:
            rewritten = jexception.JException("S0102", error.location, number.group(0))
    elif error.error == "S0208":
        index = _parameter_index(expression, error.location)
        if index is not None:
            rewritten = jexception.JException("S0208", error.location, index)
    return error if rewritten is None else rewritten


_NUMBER = re.compile(r"-?(0|([1-9][0-9]*))(\.[0-9]+)?([Ee][-+]?[0-9]+)?")
_LAMBDA_OPEN = re.compile(r"(?:function|\u03bb)\s*\(")


def _parameter_index(expression: str, position: int) -> int | None:
    """The 1-based position of the lambda parameter ending at ``position`` (commas since the
    nearest ``function(`` / ``λ(`` before it)."""
    opening = None
    for found in _LAMBDA_OPEN.finditer(expression, 0, max(position, 0)):
        opening = found.end()
    if opening is None:
        return None
    return expression.count(",", opening, position) + 1


def _has_surrogates(text: str) -> bool:
    return any("\ud800" <= character <= "\udfff" for character in text)
