"""JSONata evaluation errors carry jsonata-js's code and message, as AWS reports them."""

from __future__ import annotations

import pytest
from jsonata import jexception, signature
from jsonata.jsonata import Jsonata

from emulator.language.errors import StatesError
from emulator.language.evaluate import jsonata_functions
from emulator.language.evaluate.jsonata import JsonataBindings, compile_expression


def cause_of(expression: str) -> str:
    with pytest.raises(StatesError) as raised:
        compile_expression("{% " + expression + " %}", "Output").evaluate(
            JsonataBindings(states_input={}, context={})
        )
    assert raised.value.error == "States.QueryEvaluationError"
    cause = raised.value.cause or ""
    prefix = f"The JSONata expression '{expression}' specified for the field 'Output' threw an error during evaluation. "
    assert cause.startswith(prefix), cause
    return cause[len(prefix) :]


# Messages: the errorCodes table of jsonata-js, src/jsonata.js
# (https://github.com/jsonata-js/jsonata/blob/master/src/jsonata.js); the failing calls: the JSONata
# function reference (https://docs.jsonata.org/numeric-functions, /string-functions,
# /array-functions, /date-time-functions, /higher-order-functions). AWS runs jsonata-js 2.0.6
# (https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html).
REFERENCE_ROWS = [
    ("1 + 'a'", 'T2002: The right side of the "+" operator must evaluate to a number'),
    ("'a' * 1", 'T2001: The left side of the "*" operator must evaluate to a number'),
    ("-'a'", 'D1002: Cannot negate a non-numeric value: "a"'),
    ("{1: 2}", "T1003: Key in object structure must evaluate to a string; got: 1"),
    ("$foo()", "T1006: Attempted to invoke a non-function"),
    ("[1,2] ~> 3", "T2006: The right side of the function application operator ~> must be a function"),
    ("'a' < 1", 'T2009: The values "a" and 1 either side of operator "<" must be of the same data type'),
    (
        "{} < 1",
        'T2010: The expressions either side of operator "<" must evaluate to numeric or string values',
    ),
    ("{'a': 1, 'a': 2}", 'D1009: Multiple key definitions evaluate to same key: "a"'),
    ("$number('abc')", 'D3030: Unable to cast value to a number: "abc"'),
    ("$number(' 1')", 'D3030: Unable to cast value to a number: " 1"'),
    ("$number('')", 'D3030: Unable to cast value to a number: ""'),
    ("$sqrt(-1)", "D3060: The sqrt function cannot be applied to a negative number: -1"),
    (
        "$power(10, 1000)",
        "D3061: The power function has resulted in a value that cannot be represented as a JSON number: "
        "base=10, exponent=1000",
    ),
    (
        "$sort([1, 'a'])",
        "D3070: The single argument form of the sort function can only be applied to an array of strings or "
        "an array of numbers.  Use the second argument to specify a comparison function",
    ),
    (
        "$formatBase(1, 99)",
        "D3100: The radix of the formatBase function must be between 2 and 36.  It was given 99",
    ),
    (
        "$toMillis('xx')",
        'D3110: The argument of the toMillis function must be an ISO 8601 formatted timestamp. Given "xx"',
    ),
    ("$split('a', '', -1)", "D3020: Third argument of split function must evaluate to a positive number"),
    ("$replace('a', '', 'b')", "D3010: Second argument of replace function cannot be an empty string"),
    ("$match('a', /a/, -1)", "D3040: Third argument of match function must evaluate to a positive number"),
    (
        "$reduce([1], function($a){$a})",
        "D3050: The second argument of reduce function must be a function with at least two arguments",
    ),
    ("$hash(1, 'MD5')", 'T0410: Argument 1 of function "hash" does not match function signature'),
    (
        "$single([1, 2])",
        "D3138: The $single() function expected exactly 1 matching result.  Instead it matched more.",
    ),
    (
        "$single([])",
        "D3139: The $single() function expected exactly 1 matching result.  Instead it matched 0.",
    ),
    ("$error('boom')", "D3137: boom"),
    (
        "$formatNumber(1, '#.#.#')",
        "D3081: The sub-picture must not contain more than one instance of the 'decimal-separator' character",
    ),
    # $eval is not available on AWS (use $parse): calling it calls a non-function.
    ("$eval('1')", "T1006: Attempted to invoke a non-function"),
]


@pytest.mark.parametrize(("expression", "message"), REFERENCE_ROWS)
def test_an_evaluation_error_carries_jsonata_js_code_and_message(expression: str, message: str) -> None:
    assert cause_of(expression) == message


# Which argument a signature mismatch names: jsonata-js src/signature.js
# (https://github.com/jsonata-js/jsonata/blob/master/src/signature.js) grows the pattern one parameter
# at a time, matches it against the START of the supplied types (s n b l o a f, m for missing; null is
# l) and names the argument just after the longest prefix matched; when every parameter matches, the
# first extraneous argument. Signatures: the library's own table (jsonata-js src/functions.js) and, for
# AWS's added functions, the arities of https://docs.aws.amazon.com/step-functions/latest/dg/
# transforming-data.html ($partition(array, size), $range(start, end, step), $hash(value, algorithm),
# $random([seed])). Each row: expression, supplied types -> signature, then the walk.
SIGNATURE_ROWS = [
    # nsn -> <nnn>: n matches 1, nn fails
    ("$range(1, 'a', 1)", 'T0410: Argument 2 of function "range" does not match function signature'),
    ("$range('a', 1, 1)", 'T0410: Argument 1 of function "range" does not match function signature'),
    ("$range(1, 2, 'a')", 'T0410: Argument 3 of function "range" does not match function signature'),
    # ns -> <an>: a matches 1, an fails
    ("$partition(1, 'a')", 'T0410: Argument 2 of function "partition" does not match function signature'),
    ("$partition([1], 1, 2)", 'T0410: Argument 3 of function "partition" does not match function signature'),
    # ns -> <s-s>: s-? matches 0, s-?s fails
    ("$hash(1, 'MD5')", 'T0410: Argument 1 of function "hash" does not match function signature'),
    # sss -> <s-s>: 1, 2, then the extraneous third
    ("$hash('a', 'b', 'c')", 'T0410: Argument 3 of function "hash" does not match function signature'),
    ("$random('a')", 'T0410: Argument 1 of function "random" does not match function signature'),
    ("$random(1, 2)", 'T0410: Argument 2 of function "random" does not match function signature'),
    # an -> <af>: a matches 1, af fails
    ("$map([1], 1)", 'T0410: Argument 2 of function "map" does not match function signature'),
    (
        "$map([1], function($v){$v}, 1)",
        'T0410: Argument 3 of function "map" does not match function signature',
    ),
    ("$filter([1], 1)", 'T0410: Argument 2 of function "filter" does not match function signature'),
    ("$reduce([1], 1)", 'T0410: Argument 2 of function "reduce" does not match function signature'),
    # ss -> <s-nn?>: s-? matches 1, s-?n fails
    ("$substring('a', 'b')", 'T0410: Argument 2 of function "substring" does not match function signature'),
    ("$substring()", 'T0410: Argument 1 of function "substring" does not match function signature'),
    # null is typed l, which no s parameter accepts
    ("$substring(null, 1)", 'T0410: Argument 1 of function "substring" does not match function signature'),
    ("$substring('a', null)", 'T0410: Argument 2 of function "substring" does not match function signature'),
    ("$uppercase(null)", 'T0410: Argument 1 of function "uppercase" does not match function signature'),
    ("$uppercase(1, 2)", 'T0410: Argument 1 of function "uppercase" does not match function signature'),
    # sn -> <a<s>s?>: a matches 1, as? still 1, then the extraneous number
    ("$join('a', 1)", 'T0410: Argument 2 of function "join" does not match function signature'),
    # ns -> <s-(sf)n?>: s-? matches 0, s-?(sf) fails
    ("$split(1, 'a')", 'T0410: Argument 1 of function "split" does not match function signature'),
    ("$pad('a', 'b')", 'T0410: Argument 2 of function "pad" does not match function signature'),
    ("$keys(1, 2)", 'T0410: Argument 2 of function "keys" does not match function signature'),
    ("$number(true, 1)", 'T0410: Argument 2 of function "number" does not match function signature'),
    # ss -> <n-so?>: n-? matches 0, n-?s matches 1, n-?so? still 1: the walk names argument 2
    (
        "$formatNumber('a', '#')",
        'T0410: Argument 2 of function "formatNumber" does not match function signature',
    ),
    ("$sift(1, 1)", 'T0410: Argument 1 of function "sift" does not match function signature'),
    # The array's items must all be the subtype: T0412 names the plural of the type.
    ("$join(['a', 1])", 'T0412: Argument 1 of function "join" must be an array of "strings"'),
    ("$join([1], ',')", 'T0412: Argument 1 of function "join" must be an array of "strings"'),
    ("$sum(['a'])", 'T0412: Argument 1 of function "sum" must be an array of "numbers"'),
    # The context (1, from the path) stands for the missing first argument of <s-:s> and is no string.
    (
        "[1].$uppercase()",
        'T0411: Context value is not a compatible type with argument 1 of function "uppercase"',
    ),
]


@pytest.mark.parametrize(("expression", "message"), SIGNATURE_ROWS)
def test_a_signature_mismatch_names_the_argument_jsonata_js_names(expression: str, message: str) -> None:
    assert cause_of(expression) == message


@pytest.mark.parametrize(
    "name", sorted(jsonata_functions.BUILT_IN_FUNCTION_NAMES - {"eval"})
)  # $eval: not on AWS
def test_every_callable_function_validates_its_signature_as_jsonata_js(name: str) -> None:
    function = jsonata_functions.STEP_FUNCTIONS_FRAME.lookup(name)
    assert isinstance(function.signature, jsonata_functions._ReferenceSignature)


def test_the_library_frame_keeps_its_own_signatures() -> None:
    # The adapted functions are copies: the library's shared frame is not changed.
    assert type(Jsonata.static_frame.lookup("map").signature) is signature.Signature


@pytest.mark.parametrize(("expression", "result"), [("$count(null)", 1), ("$string(null)", "null")])
def test_null_still_passes_where_jsonata_js_accepts_it(expression: str, result: object) -> None:
    # <a:n> and <x-b?:s> accept l: https://docs.jsonata.org/array-functions#count
    assert (
        compile_expression("{% " + expression + " %}", "Output").evaluate(
            JsonataBindings(states_input={}, context={})
        )
        == result
    )


@pytest.mark.parametrize("code", sorted(jexception.JException.error_codes))
def test_every_template_is_worded_as_jsonata_js_words_it(code: str) -> None:
    template = jsonata_functions.template_of(code) or ""
    # jsonata-python's port writes "Object" for "function" and double-quotes jsonata-js's single quotes.
    assert "Object" not in template
    assert '"' not in template


@pytest.mark.parametrize(
    ("value", "result"),
    [("'12'", 12), ("'-1.5e2'", -150), ("'0x10'", 16), ("'0b11'", 3), ("'0o17'", 15), ("true", 1), ("3", 3)],
)
def test_number_still_casts_what_jsonata_js_casts(value: str, result: object) -> None:
    # https://docs.jsonata.org/numeric-functions#number
    assert (
        compile_expression("{% $number(" + value + ") %}", "Output").evaluate(
            JsonataBindings(states_input={}, context={})
        )
        == result
    )
