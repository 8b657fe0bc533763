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

import hashlib
import json
import random
import threading
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from jsonata import functions as library
from jsonata import jexception, utils
from jsonata.jsonata import Jsonata

from emulator.language.evaluate import budget
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


def _is_integer(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer()


def partition(array: Json, size: Json) -> Json:
    if array is None or size is None:
        return None
    if not isinstance(array, list):
        array = [array]
    if not _is_integer(size) or size <= 0:
        raise _failure(f"The size argument of $partition must be a positive integer, but was: {size}")
    chunk = int(size)
    # An array of arrays, not a sequence: a single chunk stays wrapped ([[0]]), as AWS returns it.
    return [list(array[index : index + chunk]) for index in range(0, len(array), chunk)]


def range_(start: Json, end: Json, step: Json) -> Json:
    if start is None or end is None or step is None:
        return None
    for name, value in (("start", start), ("end", end), ("step", step)):
        if not _is_integer(value):
            raise _failure(f"The {name} argument of $range must be an integer, but was: {value}")
    if step == 0:
        raise _failure("The step argument of $range must not be 0")
    first, last, increment = int(start), int(end), int(step)
    stop = last + (1 if increment > 0 else -1)
    # A sequence: a one-element range collapses to its value ($range(1, 9, 9) is 1 on AWS).
    return utils.Utils.create_sequence_from_iter(range(first, stop, increment))


def hash_(value: Json, algorithm: Json) -> Json:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _failure(f"The value argument of $hash must be a string, but was: {value}")
    function = _HASH_ALGORITHMS.get(algorithm) if isinstance(algorithm, str) else None
    if function is None:
        supported = ", ".join(_HASH_ALGORITHMS)
        raise _failure(f"The algorithm argument of $hash must be one of: {supported}")
    return function(value.encode("utf-8", "replace")).hexdigest()


def random_(seed: Json = None) -> float:
    if seed is None:
        return _rng().random()
    if not _is_integer(seed):
        raise _failure(f"The seed argument of $random must be an integer, but was: {seed}")
    return random.Random(int(seed)).random()


def uuid_() -> str:
    return str(uuid.UUID(int=_rng().getrandbits(128), version=4))


def parse(text: Json) -> Json:
    if text is None:
        return None
    if not isinstance(text, str):
        raise _failure(f"The argument of $parse must be a string, but was: {text}")
    try:
        return json.loads(text)
    except ValueError:
        raise _failure(f"The argument of $parse is not valid JSON: {text}")


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

    def __init__(self, name: str, signature: str, guard: Callable[..., None]) -> None:
        super().__init__(name, signature, library.Functions, None)
        self.guard = guard

    def call(self, input: Any, args: Sequence[Any] | None) -> Any:
        values = [None if arg is utils.Utils.NULL_VALUE else arg for arg in (args or ())]
        self.guard(*values)
        return super().call(input, args)


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


def _string_guard(value: Any = None, prettify: Any = None) -> None:
    if value is not None and not isinstance(value, str) and budget.exceeds_payload(value):
        raise budget.data_limit_exceeded("The result of $string")


def _replace_guard(
    string: Any = None, pattern: Any = None, replacement: Any = None, limit: Any = None
) -> None:
    # A regex pattern checks its result while it grows (jsonata_regex.LinearPattern.sub).
    if isinstance(string, str) and isinstance(pattern, str) and pattern and isinstance(replacement, str):
        count = string.count(pattern)
        most = _number(limit)
        if most is not None and most >= 0:
            count = min(count, most)
        size = len(string) + count * (len(replacement) - len(pattern))
        budget.check_string_length(size, "The result of $replace")


def distinct(array: Any) -> Any:
    """``$distinct`` in linear time (the library's is quadratic, in one C call the budget cannot
    interrupt). Items are compared as JSONata does: deep equality, ``1`` and ``true`` differ."""
    if array is None or not isinstance(array, list) or len(array) <= 1:
        return array
    seen: set[Any] = set()
    results = utils.Utils.create_sequence() if isinstance(array, utils.Utils.JList) else []
    for item in array:
        key = _distinct_key(item)
        if key not in seen:
            seen.add(key)
            results.append(item)
    return results


def _distinct_key(item: Any) -> Any:
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
STEP_FUNCTIONS_FRAME.bind("string", _Guarded("string", "<x-b?:s>", _string_guard))
STEP_FUNCTIONS_FRAME.bind("replace", _Guarded("replace", "<s-(sf)(sf)n?:s>", _replace_guard))
STEP_FUNCTIONS_FRAME.bind("distinct", _function(distinct, "<x:x>"))
STEP_FUNCTIONS_FRAME.bind("partition", _function(partition, "<an:a>"))
STEP_FUNCTIONS_FRAME.bind("range", _function(range_, "<nnn:a<n>>"))
STEP_FUNCTIONS_FRAME.bind("hash", _function(hash_, "<s-s:s>"))
STEP_FUNCTIONS_FRAME.bind("random", _function(random_, "<n?:n>"))
STEP_FUNCTIONS_FRAME.bind("uuid", _function(uuid_, "<:s>"))
STEP_FUNCTIONS_FRAME.bind("parse", _function(parse, "<s-:x>"))
# Not a function on AWS: calling it fails like any other non-function (T1006).
STEP_FUNCTIONS_FRAME.bind("eval", None)

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


def _message(error: jexception.JException) -> str:
    template: str | None = jexception.JException.error_codes.get(error.error)
    arguments = [error.current, error.expected]
    if template is None:
        return str(error)
    if template == "{{{message}}}":
        return str(arguments[0]) if arguments[0] is not None else ""
    parts = template.split("{{")
    text: str = parts[0]
    for index, part in enumerate(parts[1:]):
        _, _, rest = part.partition("}}")
        value = arguments[index] if index < len(arguments) else None
        text += _quoted(value) + rest
    return text


def _quoted(value: Any) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    if value is None:
        return "undefined"
    return str(value)
