"""Built-in JSONata functions written the way jsonata-js 2.0.6 computes them, where jsonata-python differs.

AWS evaluates JSONata with jsonata-js ("Step Functions implements JSONata based on the 2.0.6 specification",
https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html). ``bench/jsonata_diff.py`` found
these library functions answering otherwise; each one here follows jsonata-js's algorithm
(src/functions.js) and the documentation page it implements (https://docs.jsonata.org/string-functions,
https://docs.jsonata.org/array-functions):

* ``$string`` and ``&``: ``JSON.stringify`` with every number rounded to 15 significant digits and written
  as JavaScript writes numbers (``1e+21``, ``1e-7``, ``0.3`` for ``0.1 + 0.2``), non-ASCII kept as is,
  functions as ``""``; a non-finite number fails with D3001.
* ``$match``, ``$contains``, ``$replace``, ``$split`` over a regex: matches are found one after the other
  the way jsonata-js's regex closure finds them (the next search starts where the last match ended; a
  later empty match fails with D1004), ``groups`` are the capturing groups only, ``$split`` does not
  return the groups, ``$replace`` hands the match object (``match``, ``start``, ``end``, ``groups``) to a
  replacement function and takes ``$n`` the way jsonata-js does; limits count matches.
* ``$sort`` and the order-by operator ``^( )``: jsonata-js's merge sort (the comparator answers "swap?");
  without a comparator only an array of numbers or of strings sorts (D3070).
* ``$base64encode``/``$base64decode``: each character is a byte (Node's ``binary`` encoding);
  ``$encodeUrl``, ``$encodeUrlComponent``, ``$decodeUrl``, ``$decodeUrlComponent``: JavaScript's
  ``encodeURI`` & co., a malformed value fails with D3140.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import functools
import inspect
import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from jsonata import datetimeutils, jexception, utils
from jsonata import functions as library
from jsonata.jsonata import Jsonata
from jsonata.parser import Parser

from emulator.language.evaluate import budget
from emulator.language.evaluate import jsonata_regex as regex
from emulator.language.evaluate.jsonata_values import js_key_order, js_number_text, js_string_text

_NULL = utils.Utils.NULL_VALUE
_PLAIN_DIGITS = 15


def is_function(value: object) -> bool:
    return (
        isinstance(value, Jsonata.JFunctionCallable | regex.LinearPattern | regex.UnsupportedPattern)
        or (isinstance(value, Parser.Symbol) and value.type in ("lambda", "partial"))
        or library.Functions.is_lambda(value)
    )


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# --- $string -------------------------------------------------------------------------------------


def string(value: Any = None, prettify: Any = None) -> str | None:
    """``$string(arg, prettify)`` (jsonata-js functions.js ``string``)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if is_function(value):
        return ""
    if _is_number(value):
        if not math.isfinite(value):
            raise jexception.JException("D3001", -1, value)
        if type(value) is int and -(10**_PLAIN_DIGITS) < value < 10**_PLAIN_DIGITS:
            return str(value)
    if isinstance(value, utils.Utils.JList) and value.outer_wrapper and value:
        value = value[0]
    if value is not _NULL and not isinstance(value, str | int | float) and budget.exceeds_payload(value):
        raise budget.data_limit_exceeded("The result of $string")
    indent = "  " if prettify is True else ""
    text = _stringify(value, indent, "")
    return "null" if text is None else text


def _precise(number: float) -> str:
    """``JSON.stringify(Number(number.toPrecision(15)))``; toPrecision rounds half up on the exact value."""
    if number == 0:
        return "0"
    digits = Decimal(number)
    exponent = digits.adjusted() - (_PLAIN_DIGITS - 1)
    rounded = float(digits.scaleb(-exponent).quantize(Decimal(1), rounding=ROUND_HALF_UP).scaleb(exponent))
    return js_number_text(rounded) if math.isfinite(rounded) else "null"


def _stringify(value: Any, indent: str, level: str) -> str | None:
    """``JSON.stringify`` with jsonata-js's replacer; None where JSON.stringify leaves a value out."""
    if value is None or value is _NULL:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return js_string_text(value)
    if _is_number(value):
        if math.isnan(value):
            return "null"
        if not math.isfinite(value):  # isNumeric in the replacer refuses it
            raise jexception.JException("D1001", -1, value)
        if type(value) is int and -(10**_PLAIN_DIGITS) < value < 10**_PLAIN_DIGITS:
            return str(value)
        return _precise(float(value))
    if is_function(value):
        return '""'
    inner = level + indent
    opening, separator, closing = ("\n" + inner, ",\n" + inner, "\n" + level) if indent else ("", ",", "")
    if isinstance(value, dict):
        colon = ": " if indent else ":"
        members = []
        for key, item in js_key_order(value).items():
            text = _stringify(item, indent, inner)
            if text is not None:
                members.append(js_string_text(str(key)) + colon + text)
        return "{" + opening + separator.join(members) + closing + "}" if members else "{}"
    if isinstance(value, list):
        items = [_stringify(item, indent, inner) or "null" for item in value]
        return "[" + opening + separator.join(items) + closing + "]" if items else "[]"
    return None


def substring(text: Any, start: Any, length: Any = None) -> Any:
    """``$substring(str, start [, length])``: JavaScript's ``Array.prototype.slice`` over the characters,
    so fractional positions truncate after ``start + length`` is computed (``1.5, 2.5`` ends at 4)."""
    if text is None:
        return None
    size = len(text)
    if size + start < 0:
        start = 0
    if length is None:
        return text[_slice_index(start, size) :]
    if length <= 0:
        return ""
    end = start + length if start >= 0 else size + start + length
    return text[_slice_index(start, size) : _slice_index(end, size)]


def _slice_index(position: float, size: int) -> int:
    index = math.trunc(position) if math.isfinite(position) else (size if position > 0 else -size)
    return max(size + index, 0) if index < 0 else min(index, size)


def concatenate(lhs: Any, rhs: Any) -> str:
    """The ``&`` operator: each defined side through ``$string``."""
    left = "" if lhs is None else string(lhs)
    right = "" if rhs is None else string(rhs)
    return (left or "") + (right or "")


# --- numbers ---------------------------------------------------------------------------------------


def round_(value: Any, precision: Any = None) -> Any:
    """``$round(number [, precision])``."""
    if value is None:
        return None
    return js_round(value, precision or 0)


def js_round(value: float, precision: float = 0) -> float:
    """jsonata-js's ``round`` (``$round``, and ``$formatNumber``'s rounding): half to even, on the number's
    decimal text shifted by ``precision`` places (so 2.675 rounds to 2.68, as its text reads); a
    fractional precision makes that text no number (NaN), as in jsonata-js."""
    if precision != int(precision) or not math.isfinite(value):
        return math.nan
    precision = int(precision)
    if precision:
        mantissa, _, power = js_number_text(value).partition("e")
        value = float(f"{mantissa}e{int(power or 0) + precision}")
    result = math.floor(value)
    if value - result >= 0.5:
        result += 1
    if abs(result - value) == 0.5 and result % 2 == 1:
        result -= 1
    rounded = float(result)
    if precision:
        mantissa, _, power = js_number_text(rounded).partition("e")
        rounded = float(f"{mantissa}e{int(power or 0) - precision}")
    return rounded + 0.0  # no negative zero


_EXPONENT_PICTURE = re.compile(r"[0-9#]e[0-9]")


_PICTURE_DEFAULTS = {
    "decimal-separator": ".",
    "grouping-separator": ",",
    "exponent-separator": "e",
    "percent": "%",
    "per-mille": "\u2030",
    "zero-digit": "0",
    "digit": "#",
    "pattern-separator": ";",
}


def _check_picture(picture: str, options: dict[str, Any]) -> None:
    """jsonata-js's validation of a ``$formatNumber`` picture (XPath F&O 4.7.3): the last rule a
    sub-picture breaks is the error (D3080 … D3093)."""
    settings = {**_PICTURE_DEFAULTS, **{key: str(item) for key, item in options.items()}}
    zero = ord(settings["zero-digit"][:1] or "0")
    digits = {chr(code) for code in range(zero, zero + 10)}
    active = digits | {settings[name] for name in ("decimal-separator", "exponent-separator")}
    active |= {settings[name] for name in ("grouping-separator", "digit", "pattern-separator")}
    pictures = picture.split(settings["pattern-separator"])
    if len(pictures) > 2:
        raise jexception.JException("D3080", -1)
    decimal, group, digit = settings["decimal-separator"], settings["grouping-separator"], settings["digit"]
    percent, per_mille, exponent_sign = (
        settings["percent"],
        settings["per-mille"],
        settings["exponent-separator"],
    )
    for sub in pictures:
        parts = _split_parts(sub, active, exponent_sign, decimal)
        if not parts.marked:
            continue  # jsonata-js fails on it with a JavaScript TypeError; the library answers
        active_part, mantissa, exponent = parts.active_part, parts.mantissa, parts.exponent
        integer, fraction = parts.integer, parts.fraction
        error = None
        position = sub.find(decimal)
        if position != sub.rfind(decimal):
            error = "D3081"
        if sub.find(percent) != sub.rfind(percent):
            error = "D3082"
        if sub.find(per_mille) != sub.rfind(per_mille):
            error = "D3083"
        if percent in sub and per_mille in sub:
            error = "D3084"
        if not any(character in digits or character == digit for character in mantissa):
            error = "D3085"
        if any(character not in active for character in active_part):
            error = "D3086"
        if position != -1:
            if (position > 0 and sub[position - 1] == group) or sub[position + 1 : position + 2] == group:
                error = "D3087"
        elif integer.endswith(group):
            error = "D3088"
        if group + group in sub:
            error = "D3089"
        optional = integer.find(digit)
        if optional != -1 and any(character in digits for character in integer[:optional]):
            error = "D3090"
        optional = fraction.rfind(digit)
        if optional != -1 and any(character in digits for character in fraction[optional:]):
            error = "D3091"
        if exponent and (percent in sub or per_mille in sub):
            error = "D3092"
        if exponent is not None and (not exponent or any(character not in digits for character in exponent)):
            error = "D3093"
        if error is not None:
            raise jexception.JException(error, -1)


@dataclass(frozen=True, slots=True)
class _Parts:
    """jsonata-js's ``splitParts`` of one sub-picture."""

    marked: bool  # some character of it is active (jsonata-js fails on one that has none)
    prefix: str
    suffix: str
    active_part: str
    mantissa: str
    exponent: str | None  # None: no exponent separator in the active part
    integer: str
    fraction: str


def _split_parts(sub: str, active: set[str], exponent_sign: str, decimal: str) -> _Parts:
    marks = [
        index for index, character in enumerate(sub) if character in active and character != exponent_sign
    ]
    prefix = sub[: marks[0]] if marks else ""
    suffix = sub[marks[-1] + 1 :] if marks else ""
    active_part = sub[len(prefix) : len(sub) - len(suffix)]
    exponent_at = sub.find(exponent_sign, len(prefix))
    if exponent_at == -1 or exponent_at > len(sub) - len(suffix):
        mantissa, exponent = active_part, None
    else:
        mantissa, exponent = active_part[:exponent_at], active_part[exponent_at + 1 :]
    decimal_at = mantissa.find(decimal)
    if decimal_at == -1:
        integer, fraction = mantissa, suffix
    else:
        integer, fraction = mantissa[:decimal_at], mantissa[decimal_at + 1 :]
    return _Parts(bool(marks), prefix, suffix, active_part, mantissa, exponent, integer, fraction)


@functools.lru_cache(maxsize=256)
def _check_default_picture(picture: str) -> None:
    """``_check_picture`` without options: a picture is most often a literal, checked once."""
    _check_picture(picture, {})


def format_number(value: Any, picture: Any, options: Any = None) -> Any:
    """``$formatNumber`` as jsonata-js 2.0.6 computes it (XPath F&O 4.7 as jsonata-js reads a picture:
    its sub-picture analysis, ``round`` to the maximum fractional digits, then JavaScript's ``toFixed``,
    so ``1e21`` keeps its exponent form); the picture is validated first (D3080 … D3093)."""
    if value is None:
        return None
    settings = options if isinstance(options, dict) else {}
    if isinstance(picture, str):
        if settings:
            _check_picture(picture, settings)
        else:
            _check_default_picture(picture)
    if not isinstance(picture, str) or not math.isfinite(value):
        return library.Functions.format_number(value, picture, options)
    properties = {**_FORMAT_DEFAULTS, **{key: str(item) for key, item in settings.items()}}
    return _format(float(value), picture, properties)


_FORMAT_DEFAULTS = {**_PICTURE_DEFAULTS, "minus-sign": "-", "infinity": "Infinity", "NaN": "NaN"}


@dataclass(frozen=True, slots=True)
class _SubPicture:
    picture: str
    prefix: str
    suffix: str
    integer_groups: tuple[int, ...]
    regular_grouping: int
    minimum_integer: int
    scaling_factor: int
    fraction_groups: tuple[int, ...]
    minimum_fraction: int
    maximum_fraction: int
    minimum_exponent: int


def _analyse(sub: str, properties: dict[str, str], digits: list[str]) -> _SubPicture:
    """jsonata-js's ``splitParts`` and ``analyse`` of one sub-picture."""
    exponent_sign, digit = properties["exponent-separator"], properties["digit"]
    active = set(digits) | {
        properties[name] for name in ("decimal-separator", "exponent-separator", "grouping-separator")
    }
    active |= {digit, properties["pattern-separator"]}
    parts = _split_parts(sub, active, exponent_sign, properties["decimal-separator"])
    prefix, suffix, exponent = parts.prefix, parts.suffix, parts.exponent
    integer, fraction = parts.integer, parts.fraction
    group = properties["grouping-separator"]

    def counted(text: str) -> int:
        return sum(1 for character in text if character in digits or character == digit)

    def positions(part: str, to_left: bool) -> tuple[int, ...]:
        found = []
        at = part.find(group)
        while at != -1:
            found.append(counted(part[:at] if to_left else part[at:]))
            at = integer.find(group, at + 1)  # jsonata-js searches the integer part here
        return tuple(found)

    integer_groups = positions(integer, False)
    regular = 0
    if integer_groups:
        factor = functools.reduce(math.gcd, integer_groups)
        if all(index * factor in integer_groups for index in range(1, len(integer_groups) + 1)):
            regular = factor
    fraction_groups = positions(fraction, True)
    minimum_integer = sum(1 for character in integer if character in digits)
    scaling = minimum_integer
    minimum_fraction = sum(1 for character in fraction if character in digits)
    maximum_fraction = counted(fraction)
    has_exponent = exponent is not None
    if minimum_integer == 0 and maximum_fraction == 0:
        if has_exponent:
            minimum_fraction = maximum_fraction = 1
        else:
            minimum_integer = 1
    if has_exponent and minimum_integer == 0 and digit in integer:
        minimum_integer = 1
    if minimum_integer == 0 and minimum_fraction == 0:
        minimum_fraction = 1
    minimum_exponent = sum(1 for character in exponent if character in digits) if exponent else 0
    return _SubPicture(
        sub,
        prefix,
        suffix,
        integer_groups,
        regular,
        minimum_integer,
        scaling,
        fraction_groups,
        minimum_fraction,
        maximum_fraction,
        minimum_exponent,
    )


def _to_fixed(value: float, places: int) -> str:
    """JavaScript's ``Number.prototype.toFixed`` of a non-negative number."""
    if value >= 1e21:
        return js_number_text(value)
    return str(Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def _format(value: float, picture: str, properties: dict[str, str]) -> str:
    zero = properties["zero-digit"]
    digits = [chr(code) for code in range(ord(zero[:1] or "0"), ord(zero[:1] or "0") + 10)]
    analysed = [_analyse(sub, properties, digits) for sub in picture.split(properties["pattern-separator"])]
    minus, decimal, group = (
        properties["minus-sign"],
        properties["decimal-separator"],
        properties["grouping-separator"],
    )
    if len(analysed) == 1:  # the negative sub-picture: the positive one after a minus sign
        analysed.append(dataclasses.replace(analysed[0], prefix=minus + analysed[0].prefix))
    pic = analysed[0] if value >= 0 else analysed[1]
    if properties["percent"] in pic.picture:
        adjusted = value * 100
    elif properties["per-mille"] in pic.picture:
        adjusted = value * 1000
    else:
        adjusted = value
    exponent: int | None = None
    mantissa = adjusted
    if pic.minimum_exponent:
        # jsonata-js scales the signed value and never ends for zero or a negative number (its loop
        # multiplies by ten for ever); the magnitude is scaled here, zero left as it is.
        largest, smallest = 10.0**pic.scaling_factor, 10.0 ** (pic.scaling_factor - 1)
        exponent = 0
        mantissa = abs(mantissa)
        while 0 < mantissa < smallest:
            mantissa *= 10
            exponent -= 1
        while mantissa > largest:
            mantissa /= 10
            exponent += 1

    def text_of(number: float, places: int) -> str:
        text = _to_fixed(abs(number), places)
        return text if zero == "0" else "".join(digits[ord(c) - 48] if "0" <= c <= "9" else c for c in text)

    text = text_of(js_round(mantissa, pic.maximum_fraction), pic.maximum_fraction)
    text = text + decimal if "." not in text else text.replace(".", decimal, 1)
    text = text.lstrip(zero) if zero else text
    text = text.rstrip(zero) if zero else text
    at = text.find(decimal)
    pad_left = pic.minimum_integer - at
    pad_right = pic.minimum_fraction - (len(text) - at - 1)
    text = zero * max(pad_left, 0) + text + zero * max(pad_right, 0)
    at = text.find(decimal)
    if pic.regular_grouping > 0:
        for count in range(1, (at - 1) // pic.regular_grouping + 1):
            cut = at - count * pic.regular_grouping
            text = text[:cut] + group + text[cut:]
    else:
        for position in pic.integer_groups:
            text = text[: at - position] + group + text[at - position :]
            at += 1
    at = text.find(decimal)
    for position in pic.fraction_groups:
        text = text[: position + at + 1] + group + text[position + at + 1 :]
    at = text.find(decimal)
    if decimal not in pic.picture or at == len(text) - 1:  # jsonata-js drops the last character then
        text = text[:-1]
    if exponent is not None:
        exponent_text = text_of(exponent, 0)
        exponent_text = zero * max(pic.minimum_exponent - len(exponent_text), 0) + exponent_text
        text += properties["exponent-separator"] + (minus if exponent < 0 else "") + exponent_text
    return pic.prefix + text + pic.suffix


# --- timestamps -------------------------------------------------------------------------------------

# What JavaScript's Date.parse reads of the timestamps jsonata-js lets $toMillis parse without a picture.
_ISO_TIMESTAMP = re.compile(
    r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?(?:T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]+))?)?"
    r"(Z|[+-][0-9]{2}:?[0-9]{2})?"
)
_EPOCH_ORDINAL = 719163  # date(1970, 1, 1).toordinal()


def date_parse(text: str) -> int | float:
    """``Date.parse`` of an ISO 8601 timestamp as V8 reads it: the ordinal ranges are checked (month
    1-12, day 1-31, hour up to 24:00:00), a day past the month's end rolls over (February 30 is March
    2), a timestamp without an offset is UTC (AWS's time zone); NaN where V8 answers NaN."""
    found = _ISO_TIMESTAMP.fullmatch(text)
    if found is None:
        return math.nan
    year, month, day, hour, minute, second, fraction, offset = found.groups()
    month_number, day_number = int(month or 1), int(day or 1)
    hours, minutes, seconds = int(hour or 0), int(minute or 0), int(second or 0)
    millis = int((fraction or "0")[:3].ljust(3, "0"))
    if not (1 <= month_number <= 12 and 1 <= day_number <= 31 and minutes <= 59 and seconds <= 59):
        return math.nan
    if hours > 24 or (hours == 24 and (minutes or seconds or millis)):
        return math.nan
    first = date(int(year), month_number, 1).toordinal() - _EPOCH_ORDINAL
    total = (((first + day_number - 1) * 24 + hours) * 60 + minutes) * 60_000 + seconds * 1000 + millis
    if offset and offset != "Z":
        sign = -1 if offset[0] == "-" else 1
        digits = offset[1:].replace(":", "")
        total -= sign * (int(digits[:2]) * 60 + int(digits[2:])) * 60_000
    return total


# --- regular expressions ------------------------------------------------------------------------

# A match as jsonata-js's regex closure describes it: (match, start, end, groups).
RegexMatch = tuple[str, int, int, list[Any]]


def matches(matcher: Any, text: str) -> Iterator[RegexMatch]:
    """The matches of a regex (or of a custom matcher function) in ``text``, found as jsonata-js finds
    them: each search starts where the previous match ended, the search ends at the end of the text,
    and an empty match after the first fails (D1004)."""
    if isinstance(matcher, regex.LinearPattern | regex.UnsupportedPattern):
        found = matcher.search_from(text, 0)
        while found is not None:
            start, end = found.span()
            groups = [found.group(index) for index in range(1, matcher.groups + 1)]
            yield found.group(0) or "", start, end, groups
            if end >= len(text):
                return
            found = matcher.search_from(text, end)
            if found is not None and found.span()[0] == found.span()[1]:
                raise jexception.JException("D1004", -1)
        return
    result = library.Functions.func_apply(matcher, [text])
    while result is not None:
        if not isinstance(result, dict) or not (
            _is_number(result.get("start")) or isinstance(result.get("groups"), list) or "next" in result
        ):
            raise jexception.JException("T1010", -1)
        listed = result.get("groups")
        yield (
            str(result.get("match", "")),
            int(result.get("start", 0)),
            int(result.get("end", 0)),
            list(listed) if isinstance(listed, list) else [],
        )
        following = result.get("next")
        result = library.Functions.func_apply(following, []) if following is not None else None


def _limited(found: Iterator[RegexMatch], limit: Any) -> Iterator[RegexMatch]:
    """The matches jsonata-js takes while its count is below ``limit`` (a fractional limit rounds up)."""
    for count, item in enumerate(found):
        if limit is not None and not count < limit:
            return
        yield item


def match(text: Any, pattern: Any, limit: Any = None) -> Any:
    """``$match(str, pattern [, limit])``."""
    if text is None:
        return None
    if limit is not None and limit < 0:
        raise jexception.JException("D3040", -1, limit)
    result = utils.Utils.create_sequence()
    if limit is None or limit > 0:
        for found, start, _, groups in _limited(matches(pattern, text), limit):
            result.append({"match": found, "index": utf16_index(text, start), "groups": groups})
    return result


def utf16_index(text: str, index: int) -> int:
    """The offset JavaScript reports for character ``index`` of ``text``: in UTF-16 code units (a
    character past U+FFFF counts two)."""
    if text.isascii():
        return index
    return index + sum(1 for character in text[:index] if ord(character) > 0xFFFF)


def contains(text: Any, token: Any) -> Any:
    """``$contains(str, pattern)``."""
    if text is None:
        return None
    if isinstance(token, str):
        return token in text
    return next(matches(token, text), None) is not None


def _substitute(replacement: str, found: str, groups: list[Any]) -> str:
    """A ``$replace`` replacement string with ``$0``, ``$n`` and ``$$`` resolved as jsonata-js does."""
    pieces: list[str] = []
    position = 0
    index = replacement.find("$")
    while index != -1 and position < len(replacement):
        pieces.append(replacement[position:index])
        position = index + 1
        following = replacement[position : position + 1]
        if following == "$":
            pieces.append("$")
            position += 1
        elif following == "0":
            pieces.append(found)
            position += 1
        else:
            most = 1 if not groups else math.floor(math.log10(len(groups))) + 1
            number = _leading_integer(replacement[position : position + most])
            if most > 1 and number is not None and number > len(groups):
                number = _leading_integer(replacement[position : position + most - 1])
            if number is None:
                pieces.append("$")
            else:
                if groups and 0 < number <= len(groups) and groups[number - 1] is not None:
                    pieces.append(str(groups[number - 1]))
                position += len(str(number))
        index = replacement.find("$", position)
    pieces.append(replacement[position:])
    return "".join(pieces)


_LEADING_INTEGER = re.compile(r"\s*([+-]?\d+)")


def _leading_integer(text: str) -> int | None:
    """JavaScript's ``parseInt(text, 10)`` (None for NaN)."""
    found = _LEADING_INTEGER.match(text)
    return int(found.group(1)) if found else None


def replace(text: Any, pattern: Any, replacement: Any, limit: Any = None) -> Any:
    """``$replace(str, pattern, replacement [, limit])``."""
    if text is None:
        return None
    if pattern == "":
        raise jexception.JException("D3010", -1, pattern)
    if limit is not None and limit < 0:
        raise jexception.JException("D3011", -1, limit)
    if limit is not None and not limit > 0:
        return text
    pieces: list[str] = []
    size = 0
    position = 0
    count = 0
    if isinstance(pattern, str):
        index = text.find(pattern)
        while index != -1 and (limit is None or count < limit):
            pieces.append(text[position:index])
            pieces.append(string(replacement) or "")
            size += index - position + len(pieces[-1])
            budget.check_string_length(size + len(text) - index, "The result of $replace")
            position = index + len(pattern)
            count += 1
            index = text.find(pattern, position)
        pieces.append(text[position:])
        return "".join(pieces)
    replacer: Callable[[str, int, int, list[Any]], Any]
    if isinstance(replacement, str):

        def replacer(found: str, start: int, end: int, groups: list[Any]) -> Any:
            return _substitute(replacement, found, groups)

    else:

        def replacer(found: str, start: int, end: int, groups: list[Any]) -> Any:
            argument = {
                "match": found,
                "start": utf16_index(text, start),
                "end": utf16_index(text, end),
                "groups": groups,
            }
            return library.Functions.func_apply(replacement, [argument])

    any_match = False
    for found, start, end, groups in _limited(matches(pattern, text), limit):
        any_match = True
        pieces.append(text[position:start])
        replaced = replacer(found, start, end, groups)
        if not isinstance(replaced, str):
            raise jexception.JException("D3012", -1, replaced)
        pieces.append(replaced)
        size += start - position + len(replaced)
        budget.check_string_length(size + len(text) - end, "The result of $replace")
        position = start + len(found)
    if not any_match:
        return text
    pieces.append(text[position:])
    return "".join(pieces)


def split(text: Any, separator: Any, limit: Any = None) -> Any:
    """``$split(str, separator [, limit])``."""
    if text is None:
        return None
    if limit is not None and limit < 0:
        raise jexception.JException("D3020", -1, limit)
    if limit is not None and not limit > 0:
        return []
    if isinstance(separator, str):
        parts = list(text) if separator == "" else text.split(separator)
        return parts if limit is None else parts[: _to_uint32(limit)]
    result: list[str] = []
    start = 0
    count = 0
    any_match = False
    for _, found_start, found_end, _ in _limited(matches(separator, text), limit):
        any_match = True
        result.append(text[start:found_start])
        start = found_end
        count += 1
    if not any_match:
        return [text]
    if limit is None or count < limit:
        result.append(text[start:])
    return result


def _to_uint32(number: float) -> int:
    return int(number) % 2**32 if math.isfinite(number) else 0


# --- $sort and order-by ---------------------------------------------------------------------------


def merge_sort(items: Sequence[Any], swap: Callable[[Any, Any], bool]) -> list[Any]:
    """jsonata-js's merge sort: ``swap(left, right)`` true puts ``right`` first. The comparisons happen
    in jsonata-js's order, so a comparator's errors and an inconsistent comparator's result agree."""
    if len(items) <= 1:
        return list(items)
    middle = len(items) // 2
    left = merge_sort(items[:middle], swap)
    right = merge_sort(items[middle:], swap)
    merged: list[Any] = []
    i = j = 0
    while i < len(left) and j < len(right):
        if swap(left[i], right[j]):
            merged.append(right[j])
            j += 1
        else:
            merged.append(left[i])
            i += 1
    merged.extend(left[i:])
    merged.extend(right[j:])
    return merged


def sort(array: Any, comparator: Any = None) -> Any:
    """``$sort(array [, function])``."""
    if array is None:
        return None
    if not isinstance(array, list):
        return array
    if len(array) <= 1:
        return array
    if comparator is None:
        numbers = all(_is_number(item) for item in array)
        if not numbers and not all(isinstance(item, str) for item in array):
            raise jexception.JException("D3070", -1)
        return merge_sort(array, lambda left, right: bool(left > right))

    def swap(left: Any, right: Any) -> bool:
        return library.Functions.to_boolean(library.Functions.func_apply(comparator, [left, right])) is True

    return merge_sort(array, swap)


# --- objects ----------------------------------------------------------------------------------------


def keys(value: Any) -> Any:
    """``$keys(object)``: in a JavaScript object's key order; an array's objects' keys, each once."""
    result = utils.Utils.create_sequence()
    if isinstance(value, list):
        merged: dict[str, bool] = {}
        for item in value:
            for key in keys(item) or ():
                merged[key] = True
        result.extend(js_key_order(merged))
    elif isinstance(value, dict):
        result.extend(js_key_order(value))
    return result if result else None


def type_(value: Any = None) -> Any:
    """``$type(value)``: a regex is a function (jsonata-js's regexes are closures); an infinite number
    fails as jsonata-js's ``isNumeric`` fails on it (D1001), NaN is an "object" as there."""
    if value is None:
        return None
    if value is _NULL:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if _is_number(value):
        if math.isinf(value):
            raise jexception.JException("D1001", -1, value)
        return "object" if math.isnan(value) else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "function" if is_function(value) else "object"


# --- base64 and URLs -----------------------------------------------------------------------------


def base64encode(text: Any) -> Any:
    """``$base64encode``: each UTF-16 code unit is a byte (its low 8 bits), as Node's ``binary``."""
    if text is None:
        return None
    units = text.encode("utf-16-le", "surrogatepass")
    return base64.b64encode(units[0::2]).decode("ascii")


_BASE64_ALPHABET = re.compile(r"[^A-Za-z0-9+/_-]")


def base64decode(text: Any) -> Any:
    """``$base64decode``: Node's lenient decoding, each byte read back as one character."""
    if text is None:
        return None
    cleaned = _BASE64_ALPHABET.sub("", text.split("=", 1)[0]).replace("-", "+").replace("_", "/")
    if len(cleaned) % 4 == 1:
        cleaned = cleaned[:-1]
    try:
        data = base64.b64decode(cleaned + "=" * (-len(cleaned) % 4))
    except (binascii.Error, ValueError):
        data = b""
    return data.decode("latin-1")


_COMPONENT_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!~*'()")
_URI_SAFE = _COMPONENT_SAFE | frozenset(";,/?:@&=+$#")
_URI_RESERVED = frozenset(";/?:@&=+$,#")


def _malformed(text: str, name: str) -> jexception.JException:
    return jexception.JException("D3140", -1, name, text)


def _encode(text: str, safe: frozenset[str], name: str) -> str:
    pieces: list[str] = []
    for character in text:
        if character in safe:
            pieces.append(character)
            continue
        if "\ud800" <= character <= "\udfff":  # a lone surrogate (pairs are one character here)
            raise _malformed(text, name)
        pieces.append("".join(f"%{byte:02X}" for byte in character.encode("utf-8")))
    return "".join(pieces)


_HEX = frozenset("0123456789abcdefABCDEF")


def _decode(text: str, keep: frozenset[str], name: str) -> str:
    pieces: list[str] = []
    index = 0
    length = len(text)
    while index < length:
        character = text[index]
        if character != "%":
            pieces.append(character)
            index += 1
            continue
        start = index
        data = bytearray()
        while index < length and text[index] == "%":
            escape = text[index + 1 : index + 3]
            if len(escape) < 2 or not set(escape) <= _HEX:
                raise _malformed(text, name)
            data.append(int(escape, 16))
            index += 3
            if data[0] < 0x80 or _complete_utf8(data):
                break
        try:
            decoded = bytes(data).decode("utf-8")
        except UnicodeDecodeError:
            raise _malformed(text, name) from None
        pieces.append(text[start:index] if decoded in keep else decoded)
    return "".join(pieces)


def _complete_utf8(data: bytearray) -> bool:
    first = data[0]
    size = 2 if first >> 5 == 0b110 else 3 if first >> 4 == 0b1110 else 4 if first >> 3 == 0b11110 else 1
    return len(data) >= size


def encode_url_component(text: Any) -> Any:
    return None if text is None else _encode(text, _COMPONENT_SAFE, "encodeUrlComponent")


def encode_url(text: Any) -> Any:
    return None if text is None else _encode(text, _URI_SAFE, "encodeUrl")


def decode_url_component(text: Any) -> Any:
    return None if text is None else _decode(text, frozenset(), "decodeUrlComponent")


def decode_url(text: Any) -> Any:
    return None if text is None else _decode(text, _URI_RESERVED, "decodeUrl")


# --- case, sums and integers as JavaScript computes them -------------------------------------------


def lowercase(text: Any) -> Any:
    """``String.prototype.toLowerCase``: the full Unicode lower-case mapping with the final-sigma rule
    (``str.lower``), not case folding (the library's ``casefold`` turns ``ß`` into ``ss``)."""
    if text is _NULL:
        raise jexception.JException("T0410", -1)
    return None if text is None else text.lower()


def sum_(values: Any) -> Any:
    """A sum of doubles: past the largest double it is Infinity (a non-finite result), not an error."""
    if values is None:
        return None
    total = sum(values)
    if isinstance(total, int) and -_SAFE_INTEGER <= total <= _SAFE_INTEGER:
        return total
    double = 0.0  # JavaScript adds doubles one by one
    for value in values:
        double += _double(value)
    return double


_SAFE_INTEGER = 2**53


def _double(value: int | float) -> float:
    try:
        return float(value)
    except OverflowError:  # an integer past the largest double
        return math.copysign(math.inf, value)


def parse_integer(text: Any, picture: Any) -> Any:
    """The library's reading of a decimal picture, with jsonata-js's ``parseInt`` where the text is
    not a plain integer: its leading integer (grouping separators removed), else NaN."""
    if text is None:
        return None
    try:
        return library.Functions.parse_integer(text, picture)
    except ValueError:
        separators = {char for char in picture if not (char.isalnum() or char == "#")}
        found = _leading_integer("".join(char for char in text if char not in separators))
        return math.nan if found is None else found


def from_millis(millis: Any, picture: Any = None, timezone: Any = None) -> Any:
    """``$fromMillis`` as jsonata-js's ``formatDateTime`` computes it: the offset's hours are
    ``Math.floor(offset / 100)`` and its minutes ``offset % 100`` (so ``-0330`` is -4 h and -30 min),
    and the instant is whole milliseconds (the library's float seconds lose one near year 9999)."""
    if millis is None:
        return None
    utils_ = datetimeutils.DateTimeUtils
    hours = minutes = 0
    if timezone is not None:
        offset = int(timezone)
        hours = offset // 100
        minutes = int(math.fmod(offset, 100))
    if picture is None:
        if utils_._iso8601_spec is None:
            utils_._iso8601_spec = utils_._analyse_datetime_picture(
                "[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]"
            )
        spec = utils_._iso8601_spec
    else:
        spec = utils_._analyse_datetime_picture(picture)
    shifted = int(millis) + (60 * hours + minutes) * 60_000
    instant = _EPOCH + timedelta(milliseconds=shifted)
    return "".join(
        part.value if part.type == "literal" else utils_._format_component(instant, part, hours, minutes)
        for part in spec.parts
    )


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


# --- binding ----------------------------------------------------------------------------------------


class _Reference(Jsonata.JFunctionCallable):  # type: ignore[misc]  # the library is untyped
    """Calls a function above with the arguments its signature validated (JSONata null stays null)."""

    def __init__(self, function: Callable[..., Any]) -> None:
        self.function = function

    def call(self, input: Any, args: Sequence[Any] | None) -> Any:
        return self.function(*(args or ()))


# name -> (function, jsonata-js's signature)
FUNCTIONS: dict[str, tuple[Callable[..., Any], str]] = {
    "string": (string, "<x-b?:s>"),
    "substring": (substring, "<s-nn?:s>"),
    "formatNumber": (format_number, "<n-so?:s>"),
    "round": (round_, "<n-n?:n>"),
    "match": (match, "<s-f<s:o>n?:a<o>>"),
    "contains": (contains, "<s-(sf):b>"),
    "replace": (replace, "<s-(sf)(sf)n?:s>"),
    "split": (split, "<s-(sf)n?:a<s>>"),
    "sort": (sort, "<af?:a>"),
    "keys": (keys, "<x-:a<s>>"),
    "type": (type_, "<x:s>"),
    "base64encode": (base64encode, "<s-:s>"),
    "base64decode": (base64decode, "<s-:s>"),
    "encodeUrlComponent": (encode_url_component, "<s-:s>"),
    "encodeUrl": (encode_url, "<s-:s>"),
    "decodeUrlComponent": (decode_url_component, "<s-:s>"),
    "decodeUrl": (decode_url, "<s-:s>"),
    "lowercase": (lowercase, "<s-:s>"),
    "sum": (sum_, "<a<n>:n>"),
}


class Function(Jsonata.JFunction):  # type: ignore[misc]  # the library is untyped
    """A bound function with what partial application (``$substring(?, 0, 1)``) reads of it: its name
    and how many arguments it takes."""

    def __init__(self, name: str, function: Callable[..., Any], signature: str) -> None:
        super().__init__(_Reference(function), signature)
        self.function_name = name
        self.nargs = len(inspect.signature(function).parameters)

    def get_number_of_args(self) -> int:
        return self.nargs


def bind(frame: Any) -> None:
    """Bind the functions above in ``frame`` (before the frame's signatures are adapted)."""
    for name, (function, signature) in FUNCTIONS.items():
        frame.bind(name, Function(name, function, signature))
