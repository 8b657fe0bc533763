"""The JSONata function environment of Step Functions, on top of ``jsonata-python``.

AWS implements JSONata 2.0.6 with all built-in functions except ``$eval`` (use ``$parse``) and adds
``$partition``, ``$range``, ``$hash``, ``$random([seed])``, ``$uuid`` and ``$parse``. They live in one
frame shared by every compiled expression (``STEP_FUNCTIONS_FRAME``); the per-evaluation random
generator reaches ``$random``/``$uuid`` through a thread-local slot the evaluator sets around each
call, so the functions are built once, not per evaluation.

Errors are raised as ``JException`` like the library's own, so the evaluator reports them uniformly
(``<code>: <message>``). Codes starting ``SF`` are ours: AWS's texts for these misuses are not
recorded anywhere we could check.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import random
import re
import threading
import uuid
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from jsonata import functions as library
from jsonata import jexception, signature, utils
from jsonata.jsonata import Jsonata

from emulator.language.evaluate import budget
from emulator.language.evaluate import jsonata_builtins as builtins
from emulator.language.evaluate import jsonata_values as values
from emulator.model.types import Json

_HASH_ALGORITHMS: dict[str, Callable[[bytes], Any]] = {
    "MD5": hashlib.md5,
    "SHA-1": hashlib.sha1,
    "SHA-256": hashlib.sha256,
    "SHA-384": hashlib.sha384,
    "SHA-512": hashlib.sha512,
}

# Our own error texts, in the library's table so JException formats them like its own.
jexception.JException.error_codes.update(
    {
        "SF001": "{{{message}}}",
    }
)


class _ActiveEvaluation(threading.local):
    rng: random.Random | None = None


ACTIVE = _ActiveEvaluation()
"""The random generator of the evaluation running on this thread (set by the evaluator)."""


def _failure(message: str) -> jexception.JException:
    return jexception.JException("SF001", -1, message)


def _rng() -> random.Random:
    rng = ACTIVE.rng
    if rng is None:
        rng = ACTIVE.rng = random.Random()
    return rng


# "Built-in JSONata functions that require integer values as parameters will automatically round down
# any non-integer numbers provided" (the note heading AWS's functions in
# https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html): $partition's size,
# $range's three arguments and $random's seed are floored, not refused.
def _whole(value: int | float) -> int:
    return math.floor(value)


def partition(array: Json, size: Json) -> Json:
    if array is None or size is None:
        return None
    if not isinstance(array, list):
        array = [array]
    chunk = _whole(size) if isinstance(size, int | float) and not isinstance(size, bool) else 0
    if chunk <= 0:
        raise _failure(f"The size argument of $partition must be a positive integer, but was: {size}")
    # An array of arrays, not a sequence: a single chunk stays wrapped ([[0]]), as AWS returns it.
    return [list(array[index : index + chunk]) for index in range(0, len(array), chunk)]


def range_(start: Json, end: Json, step: Json) -> object:
    if start is None or end is None or step is None:
        return None
    first = _range_argument("start", start)
    last = _range_argument("end", end)
    increment = _range_argument("step", step)
    if increment == 0:
        raise _failure("The step argument of $range must not be 0")
    stop = last + (1 if increment > 0 else -1)
    values = range(first, stop, increment)
    budget.check_array_length(len(values), "The result of $range")
    # A sequence: a one-element range collapses to its value ($range(1, 9, 9) is 1 on AWS).
    return utils.Utils.create_sequence_from_iter(values)


def _range_argument(name: str, value: Json) -> int:
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise _failure(f"The {name} argument of $range must be an integer, but was: {value}")
    return _whole(value)


def hash_(value: Json, algorithm: Json) -> Json:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _failure(f"The value argument of $hash must be a string, but was: {value}")
    function = _HASH_ALGORITHMS.get(algorithm) if isinstance(algorithm, str) else None
    if function is None:
        supported = ", ".join(_HASH_ALGORITHMS)
        raise _failure(f"The algorithm argument of $hash must be one of: {supported}")
    digest: str = function(value.encode("utf-8", "replace")).hexdigest()
    return digest


def random_(seed: Json = None) -> float:
    if seed is None:
        return _rng().random()
    if not isinstance(seed, int | float) or isinstance(seed, bool):
        raise _failure(f"The seed argument of $random must be an integer, but was: {seed}")
    return random.Random(_whole(seed)).random()


def uuid_() -> str:
    return str(uuid.UUID(int=_rng().getrandbits(128), version=4))


def parse(text: Json) -> Json:
    if text is None:
        return None
    if not isinstance(text, str):
        raise _failure(f"The argument of $parse must be a string, but was: {text}")
    try:
        parsed: Json = json.loads(text)
    except ValueError:
        raise _failure(f"The argument of $parse is not valid JSON: {text}")
    return parsed


class _Native(Jsonata.JFunctionCallable):  # type: ignore[misc]  # the library is untyped
    """Adapts a plain Python function to the library's calling convention (JSONata null -> None)."""

    def __init__(self, function: Callable[..., Any]) -> None:
        self.function = function

    def call(self, input: Any, args: Sequence[Any] | None) -> Any:
        values = [None if arg is utils.Utils.NULL_VALUE else arg for arg in (args or ())]
        return self.function(*values)


def _function(function: Callable[..., Any], signature: str) -> Jsonata.JFunction:
    return Jsonata.JFunction(_Native(function), signature)


# --- the library's functions that could allocate without bound, checked first ------------------
# (a node's result is checked after it is built by ``on_exit``; these would build it in one C call)


class _Guarded(Jsonata.JNativeFunction):  # type: ignore[misc]  # the library is untyped
    """A built-in function whose arguments are checked (``guard``) before the library runs it."""

    def __init__(
        self,
        name: str,
        signature: str,
        guard: Callable[..., None],
        method: str | None = None,
        translate: Callable[[Exception, list[Any]], jexception.JException | None] | None = None,
        implementation: Callable[..., Any] | None = None,
    ) -> None:
        super().__init__(name, signature, library.Functions, method)
        self.guard = guard
        self.translate = translate
        # Ours instead of the library's method (given the validated arguments; JSON null stays null).
        self.implementation = implementation

    def _run(self, input: Any, args: Sequence[Any] | None) -> Any:
        if self.implementation is not None:
            return self.implementation(*(args or ()))
        return super().call(input, args)

    def call(self, input: Any, args: Sequence[Any] | None) -> Any:
        values = [None if arg is utils.Utils.NULL_VALUE else arg for arg in (args or ())]
        self.guard(*values)
        if self.translate is None:
            return self._run(input, args)
        try:
            return self._run(input, args)
        except jexception.JException:
            raise
        except (ArithmeticError, LookupError, RuntimeError, TypeError, ValueError) as error:
            # The library lets some of JSONata's own failures escape as Python errors; raise them
            # with the code jsonata-js raises (the evaluator reports ``<code>: <message>``).
            translated = self.translate(error, values)
            if translated is None:
                raise
            raise translated from None


def _number(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return int(value)
    except (OverflowError, ValueError):
        return None


def _pad_guard(string: Any = None, width: Any = None, char: Any = None) -> None:
    size = _number(width)
    if isinstance(string, str) and size is not None:
        budget.check_string_length(max(len(string), abs(size)), "The result of $pad")


def _join_guard(strings: Any = None, separator: Any = None) -> None:
    if isinstance(strings, list) and strings:
        gap = len(separator) if isinstance(separator, str) else 0
        total = gap * (len(strings) - 1)
        for item in strings:
            total += len(item) if isinstance(item, str) else 0
            if total > budget.PAYLOAD_LIMIT_BYTES:
                break
        budget.check_string_length(total, "The result of $join")


def _no_guard(*values: Any) -> None:
    return None


# jsonata-js's $number accepts these strings, nothing else (functions.js ``number``).
_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?([Ee][-+]?[0-9]+)?")
_PREFIXED = re.compile(r"0[xX][0-9A-Fa-f]+|0[oO][0-7]+|0[bB][0-1]+")


def _number_guard(value: Any = None) -> None:
    if isinstance(value, str) and not (_DECIMAL.fullmatch(value) or _PREFIXED.fullmatch(value)):
        raise jexception.JException("D3030", -1, value)
    if isinstance(value, str) and _DECIMAL.fullmatch(value) and not math.isfinite(float(value)):
        raise jexception.JException("D3030", -1, value)


def _power_failure(error: Exception, values: list[Any]) -> jexception.JException | None:
    # Overflow, or a negative base under a fractional exponent (NaN in JavaScript, complex in Python).
    if len(values) >= 2:
        return jexception.JException("D3061", -1, values[0], values[1])
    return None


# jsonata-js's test of a timestamp $toMillis reads without a picture (functions.js ``iso8601regex``).
_ISO8601 = re.compile(
    r"[0-9]{4}(-[01][0-9])*(-[0-3][0-9])*(T[0-2][0-9]:[0-5][0-9]:[0-5][0-9])*(\.[0-9]+)?([+-][0-2][0-9]:?[0-5][0-9]|Z)?"
)


def _to_millis_guard(timestamp: Any = None, picture: Any = None) -> None:
    if isinstance(timestamp, str) and picture is None and not _ISO8601.fullmatch(timestamp):
        raise jexception.JException("D3110", -1, timestamp)


def _to_millis_failure(error: Exception, values: list[Any]) -> jexception.JException | None:
    picture = _picture_failure(error, values, 1)
    if picture is not None:
        return picture
    if isinstance(error, ValueError) and values:
        return jexception.JException("D3110", -1, values[0])
    return None


# The library raises these picture-string errors as RuntimeError without their insert (a "%s" left in).
_UNSUPPORTED_FORMAT = "sequence starting with"
_NAME_MODIFIER = "'name' modifier"
_NO_CLOSING_BRACKET = "No matching closing bracket"
_TIMEZONE_DIGITS = "timezone integer format specifier"
_MARKER = re.compile(r"\[([^\]]*)\]")
_INTEGER_FORMATS = frozenset("0123456789#AaIiWwNn")


def _picture_failure(error: Exception, values: list[Any], position: int) -> jexception.JException | None:
    """jsonata-js's D3130/D3132/D3133/D3135 for a picture string (``values[position]``) the library
    refused; None for another failure."""
    picture = values[position] if len(values) > position and isinstance(values[position], str) else ""
    message = str(error)
    if isinstance(error, KeyError) and error.args:
        return jexception.JException("D3132", -1, str(error.args[0]))
    if _NO_CLOSING_BRACKET in message:
        return jexception.JException("D3135", -1)
    if _TIMEZONE_DIGITS in message:
        return jexception.JException("D3134", -1)
    markers = [marker.strip() for marker in _MARKER.findall(picture)]
    if _NAME_MODIFIER in message:
        for marker in markers:
            if marker[1:2] in ("N", "n") and marker[:1] not in ("M", "F"):
                return jexception.JException("D3133", -1, marker[:1])
        return jexception.JException("D3133", -1, None)
    if _UNSUPPORTED_FORMAT in message:
        if not markers:  # $formatInteger / $parseInteger: the picture before its modifiers
            semicolon = picture.rfind(";")
            return jexception.JException("D3130", -1, picture if semicolon < 0 else picture[:semicolon])
        for marker in markers:
            presentation = marker[1:].split(",")[0]
            if presentation and presentation[0] not in _INTEGER_FORMATS:
                return jexception.JException("D3130", -1, presentation)
        return jexception.JException("D3130", -1, None)
    return None


def _format_integer_failure(error: Exception, values: list[Any]) -> jexception.JException | None:
    return _picture_failure(error, values, 1)


class _ToMillis(_Guarded):
    """``$toMillis``: without a picture, jsonata-js checks the timestamp's form (D3110) and hands it to
    JavaScript's ``Date.parse`` (``builtins.date_parse``); with one, the library parses it."""

    def __init__(self) -> None:
        super().__init__("toMillis", "<s-s?:n>", _to_millis_guard, "datetime_to_millis", _to_millis_failure)

    def call(self, input: Any, args: Sequence[Any] | None) -> Any:
        values = list(args or ())
        if values and isinstance(values[0], str) and (len(values) < 2 or values[1] is None):
            _to_millis_guard(values[0])
            return builtins.date_parse(values[0])
        return _two_digit_year(super().call(input, args))


_DAY_MILLISECONDS = 86_400_000


def _two_digit_year(millis: Any) -> Any:
    """jsonata-js computes the instant with JavaScript's ``Date.UTC``, which reads a year from 0 to 99
    as 1900 to 1999 (``[Y,2]`` of ``17`` is 1917); the library keeps year 17."""
    if not isinstance(millis, int) or isinstance(millis, bool) or millis >= _YEAR_100:
        return millis
    days, rest = divmod(millis, _DAY_MILLISECONDS)
    try:
        day = date.fromordinal(_EPOCH_ORDINAL + days)
        moved = day.replace(year=day.year + 1900)
    except ValueError:  # before year 1, or 29 February of year 0 + 1900 (not a leap year)
        return millis
    return (moved.toordinal() - _EPOCH_ORDINAL) * _DAY_MILLISECONDS + rest


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_YEAR_100 = (date(100, 1, 1).toordinal() - _EPOCH_ORDINAL) * _DAY_MILLISECONDS


class _Number(_Guarded):
    """``$number``: jsonata-js also casts ``0x``/``0o``/``0b`` literals, which the library does not."""

    def __init__(self) -> None:
        super().__init__("number", "<(nsb)-:n>", _number_guard)

    def call(self, input: Any, args: Sequence[Any] | None) -> Any:
        if args and len(args) == 1 and isinstance(args[0], str) and _PREFIXED.fullmatch(args[0]):
            return int(args[0], 0)
        return super().call(input, args)


def distinct(array: object) -> object:
    """``$distinct`` in linear time (the library's is quadratic, in one C call the budget cannot
    interrupt). Items are compared as JSONata does: deep equality, ``1`` and ``true`` differ."""
    if array is None or not isinstance(array, list) or len(array) <= 1:
        return array
    seen: set[tuple[str, object]] = set()
    # A sequence stays a sequence (one item collapses to it); an array stays an array (jsonata-js).
    results = utils.Utils.create_sequence() if getattr(array, "sequence", False) else []
    for item in array:
        key = _distinct_key(item)
        if key not in seen:
            seen.add(key)
            results.append(item)
    return results


def _distinct_key(item: object) -> tuple[str, object]:
    if isinstance(item, bool):
        return ("b", item)
    if isinstance(item, int | float):
        return ("n", float(item))
    if isinstance(item, str):
        return ("s", item)
    if isinstance(item, dict | list):
        try:
            return ("j", json.dumps(item, sort_keys=True, default=id))
        except (TypeError, ValueError):
            return ("i", id(item))
    return ("i", id(item))


STEP_FUNCTIONS_FRAME = Jsonata.Frame(Jsonata.static_frame)
# The signatures are the library's own (jsonata.Jsonata's define_function table).
STEP_FUNCTIONS_FRAME.bind("pad", _Guarded("pad", "<s-ns?:s>", _pad_guard))
STEP_FUNCTIONS_FRAME.bind("join", _Guarded("join", "<a<s>s?:s>", _join_guard))
STEP_FUNCTIONS_FRAME.bind("number", _Number())
STEP_FUNCTIONS_FRAME.bind("power", _Guarded("power", "<n-n:n>", _no_guard, translate=_power_failure))
STEP_FUNCTIONS_FRAME.bind("toMillis", _ToMillis())
STEP_FUNCTIONS_FRAME.bind(
    "formatInteger",
    _Guarded("formatInteger", "<n-s:s>", _no_guard, "format_integer", _format_integer_failure),
)
STEP_FUNCTIONS_FRAME.bind(
    "parseInteger",
    _Guarded(
        "parseInteger",
        "<s-s:n>",
        _no_guard,
        "parse_integer",
        _format_integer_failure,
        builtins.parse_integer,
    ),
)
STEP_FUNCTIONS_FRAME.bind(
    "fromMillis",
    _Guarded(
        "fromMillis",
        "<n-s?s?:s>",
        _no_guard,
        "datetime_from_millis",
        _format_integer_failure,
        builtins.from_millis,
    ),
)
STEP_FUNCTIONS_FRAME.bind("distinct", builtins.Function("distinct", distinct, "<x:x>"))  # null stays null
# $string, the regex functions, $sort, base64 and URL functions: jsonata-js's algorithms (jsonata_builtins).
builtins.bind(STEP_FUNCTIONS_FRAME)
STEP_FUNCTIONS_FRAME.bind("partition", _function(partition, "<an:a>"))
STEP_FUNCTIONS_FRAME.bind("range", _function(range_, "<nnn:a<n>>"))
STEP_FUNCTIONS_FRAME.bind("hash", _function(hash_, "<s-s:s>"))
STEP_FUNCTIONS_FRAME.bind("random", _function(random_, "<n?:n>"))
STEP_FUNCTIONS_FRAME.bind("uuid", _function(uuid_, "<:s>"))
STEP_FUNCTIONS_FRAME.bind("parse", _function(parse, "<s-:x>"))
# Not a function on AWS: calling it fails like any other non-function (T1006).
STEP_FUNCTIONS_FRAME.bind("eval", None)


# --- signature validation as jsonata-js does it -------------------------------------------------
# Source: jsonata-js src/signature.js (https://github.com/jsonata-js/jsonata/blob/master/src/signature.js).

_ARRAY_ITEM_TYPES = {
    "a": "arrays",
    "b": "booleans",
    "f": "functions",
    "n": "numbers",
    "o": "objects",
    "s": "strings",
}
"""jsonata-js's plural of an array's item type, the ``{{type}}`` of T0412 (``<a<s>>`` -> "strings")."""


class _ReferenceSignature(signature.Signature):  # type: ignore[misc]  # the library is untyped
    """A function signature validated the way jsonata-js validates it, with its error inserts.

    jsonata-python's port differs in three ways that reach the messages AWS reports:
    - it finds the failing argument with ``fullmatch`` on each growing prefix of the pattern, so
      any call failing past the first argument says "Argument 1"; jsonata-js matches the prefix
      against the start of the supplied types and reports the argument after the matched part;
    - it types JSONata ``null`` as missing (``m``) where jsonata-js types it ``l``, so a null passed
      to a string or number parameter reaches the function instead of failing validation;
    - T0411 carries the context value where the argument index goes and no function name, and
      T0412 the signature letter (``s``) where jsonata-js writes the plural ("strings").
    """

    @classmethod
    def of(cls, library_signature: signature.Signature) -> _ReferenceSignature:
        adopted: _ReferenceSignature = cls.__new__(cls)
        adopted.__dict__.update(library_signature.__dict__)
        return adopted

    def set_function_name(self, function_name: str) -> None:
        # The library renames a function's (shared) signature whenever a frame binds it (``$f := $trim``
        # would make every later ``$trim`` error name "f"); the name is fixed once adopted. The call
        # site names the function in its errors (``jsonata_evaluator``).
        return None

    def get_symbol(self, value: Any) -> str:
        if value is utils.Utils.NULL_VALUE:
            return "l"
        symbol: str = super().get_symbol(value)
        return symbol

    def validate(self, args: Any, context: Any) -> Any:
        try:
            return super().validate(args, context)
        except jexception.JException as error:
            if error.error == "T0411":  # raised as (context, index)
                raise jexception.JException("T0411", -1, error.expected, self.function_name) from None
            if error.error == "T0412":  # raised as (index, name, subtype)
                item_type = _ARRAY_ITEM_TYPES.get(str(error.extra))
                raise jexception.JException("T0412", -1, error.current, error.expected, item_type) from None
            raise

    def throw_validation_error(self, bad_args: Any, bad_sig: str, function_name: str | None) -> None:
        # Grow the pattern one parameter at a time; the first prefix that no longer matches the
        # start of the supplied types names the argument just after what the last one matched.
        # When every parameter matches, the first extraneous argument is the culprit.
        partial_pattern = "^"
        good_to = 0
        for param in self._params:
            partial_pattern += param.regex
            match = re.match(partial_pattern, bad_sig)
            if match is None:
                break
            good_to = match.end()
        raise jexception.JException("T0410", -1, good_to + 1, function_name)


def adopt_signature(library_signature: signature.Signature) -> signature.Signature:
    """``library_signature`` validating as jsonata-js's does (a lambda's ``<n:n>``, for one)."""
    if isinstance(library_signature, _ReferenceSignature):
        return library_signature
    return _ReferenceSignature.of(library_signature)


def _with_reference_signature(function: Any) -> Any:
    """A copy of ``function`` whose signature validates as jsonata-js does (the original is shared)."""
    library_signature = getattr(function, "signature", None)
    if not isinstance(library_signature, signature.Signature) or isinstance(
        library_signature, _ReferenceSignature
    ):
        return function
    adapted = copy.copy(function)
    adapted.signature = _ReferenceSignature.of(library_signature)
    return adapted


# Every function an expression can call, ours and the library's, is bound here with such a signature
# (a name this frame already binds, such as ``eval``, keeps its binding).
_LIBRARY_ONLY = {
    name: value
    for name, value in Jsonata.static_frame.bindings.items()
    if name not in STEP_FUNCTIONS_FRAME.bindings
}
for _name, _value in [*_LIBRARY_ONLY.items(), *STEP_FUNCTIONS_FRAME.bindings.items()]:
    _adapted = _with_reference_signature(_value)
    if _adapted is not _value:
        STEP_FUNCTIONS_FRAME.bind(_name, _adapted)
del _LIBRARY_ONLY, _name, _value, _adapted

STEP_FUNCTIONS_NAMES: frozenset[str] = frozenset({"partition", "range", "hash", "random", "uuid", "parse"})
BUILT_IN_FUNCTION_NAMES: frozenset[str] = (
    frozenset(name for name, value in Jsonata.static_frame.bindings.items() if value is not None)
    | STEP_FUNCTIONS_NAMES
)
"""Every function name an expression can call; ``$eval`` is not one of them on AWS."""


def format_error(error: Exception) -> str:
    """``<code>: <message>`` as JSONata (JavaScript) words it, which is what AWS reports.

    jsonata-js quotes inserted tokens as JSON (``Expected "]", got ","``); jsonata-python does
    not, so the message is rebuilt from the error code's template.
    """
    if isinstance(error, jexception.JException):
        return f"{error.error}: {_message(error)}"
    if isinstance(error, ZeroDivisionError):
        return "D1001: Number out of range: Infinity"
    if isinstance(error, RecursionError):
        return "U1001: Stack overflow error: Check for non-terminating recursive function.  Consider rewriting as tail-recursive."
    return f"{type(error).__name__}: {error}"


def error_message(error: Exception) -> str:
    """The message of a JSONata error without its code (for definition-time syntax errors)."""
    if isinstance(error, jexception.JException):
        return _message(error)
    return str(error)


# jsonata-js's message for each code whose text jsonata-python words differently (the port writes
# "Object" for "function" and double quotes for single ones). AWS runs jsonata-js, so these are the
# texts its causes carry. Source: the ``errorCodes`` table of jsonata-js, src/jsonata.js
# (https://github.com/jsonata-js/jsonata/blob/master/src/jsonata.js).
REFERENCE_TEMPLATES: dict[str, str] = {
    "S0208": "Parameter {{value}} of function definition must be a variable name (start with $)",
    "S0216": "A context variable binding must precede the 'order-by' clause on a step",
    "S0217": "The object representing the 'parent' cannot be derived from this expression",
    "T0410": "Argument {{index}} of function {{token}} does not match function signature",
    "T0411": "Context value is not a compatible type with argument {{index}} of function {{token}}",
    "T0412": "Argument {{index}} of function {{token}} must be an array of {{type}}",
    "T1010": "The matcher function argument passed to function {{token}} does not return the correct object structure",
    "T2006": "The right side of the function application operator ~> must be a function",
    "D3001": "Attempting to invoke string function on Infinity or NaN",
    "D3010": "Second argument of replace function cannot be an empty string",
    "D3011": "Fourth argument of replace function must evaluate to a positive number",
    "D3020": "Third argument of split function must evaluate to a positive number",
    "D3040": "Third argument of match function must evaluate to a positive number",
    "D3050": "The second argument of reduce function must be a function with at least two arguments",
    "D3060": "The sqrt function cannot be applied to a negative number: {{value}}",
    "D3061": "The power function has resulted in a value that cannot be represented as a JSON number: "
    "base={{value}}, exponent={{exp}}",
    "D3070": "The single argument form of the sort function can only be applied to an array of strings or an "
    "array of numbers.  Use the second argument to specify a comparison function",
    "D3081": "The sub-picture must not contain more than one instance of the 'decimal-separator' character",
    "D3082": "The sub-picture must not contain more than one instance of the 'percent' character",
    "D3083": "The sub-picture must not contain more than one instance of the 'per-mille' character",
    "D3084": "The sub-picture must not contain both a 'percent' and a 'per-mille' character",
    "D3085": "The mantissa part of a sub-picture must contain at least one character that is either an "
    "'optional digit character' or a member of the 'decimal digit family'",
    "D3087": "The sub-picture must not contain a 'grouping-separator' character that appears adjacent to a "
    "'decimal-separator' character",
    "D3088": "The sub-picture must not contain a 'grouping-separator' at the end of the integer part",
    "D3089": "The sub-picture must not contain two adjacent instances of the 'grouping-separator' character",
    "D3090": "The integer part of the sub-picture must not contain a member of the 'decimal digit family' that "
    "is followed by an instance of the 'optional digit character'",
    "D3091": "The fractional part of the sub-picture must not contain an instance of the 'optional digit "
    "character' that is followed by a member of the 'decimal digit family'",
    "D3092": "A sub-picture that contains a 'percent' or 'per-mille' character must not contain a character "
    "treated as an 'exponent-separator'",
    "D3093": "The exponent part of the sub-picture must comprise only of one or more characters that are "
    "members of the 'decimal digit family'",
    "D3100": "The radix of the formatBase function must be between 2 and 36.  It was given {{value}}",
    "D3110": "The argument of the toMillis function must be an ISO 8601 formatted timestamp. Given {{value}}",
    "D3120": "Syntax error in expression passed to function eval: {{value}}",
    "D3140": "Malformed URL passed to ${{{functionName}}}(): {{value}}",
    "D3121": "Dynamic error evaluating the expression passed to function eval: {{value}}",
    "D3133": "The 'name' modifier can only be applied to months and days in the date/time picture string, "
    "not {{value}}",
    "D3135": "No matching closing bracket ']' in date/time picture string",
    "D3138": "The $single() function expected exactly 1 matching result.  Instead it matched more.",
    "D3139": "The $single() function expected exactly 1 matching result.  Instead it matched 0.",
}


def _arguments(error: jexception.JException) -> list[Any]:
    """The inserts of ``error``'s template, in the template's order. jsonata-python passes them
    positionally (``current``, ``expected``, ``extra``) except where it raises a code its own way."""
    code = error.error
    if code in ("T0410", "T0411", "T0412") and str(error.expected).startswith("<class "):
        # a function the library named after its Python class (a transform): jsonata-js has no name
        return [error.current, None, error.extra]
    if code == "D1002":  # (operator, value)
        return [error.expected]
    if code == "D3100":  # the radix is passed as the location
        return [error.location]
    return [error.current, error.expected, error.extra]


def template_of(code: str) -> str | None:
    """jsonata-js's message template for ``code`` (None for a code it does not know)."""
    template = REFERENCE_TEMPLATES.get(code)
    if template is None:
        template = jexception.JException.error_codes.get(code)
    return template


# ``{{{name}}}`` inserts a value as it is, ``{{name}}`` as JSON.stringify writes it (jsonata-js's
# populateMessage); the inserts take the error's arguments in order.
_INSERT = re.compile(r"\{\{\{(\w+)\}\}\}|\{\{(\w+)\}\}")


def _message(error: jexception.JException) -> str:
    template = template_of(error.error)
    arguments = _arguments(error)
    if template is None:
        return str(error)
    position = iter(range(len(arguments) + 64))

    def insert(found: re.Match[str]) -> str:
        index = next(position)
        value = arguments[index] if index < len(arguments) else None
        if found.group(1) is not None:
            return "" if value is None else str(value)
        return _quoted(value)

    return _INSERT.sub(insert, template)


def _quoted(value: Any) -> str:
    if value is None:
        return "undefined"
    if isinstance(value, str | int | float | dict | list) or value is utils.Utils.NULL_VALUE:
        text = values.js_json_text(value)
        return "undefined" if text is None else text
    return str(value)
