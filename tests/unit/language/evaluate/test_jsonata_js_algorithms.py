"""Functions whose answers follow jsonata-js 2.0.6's algorithms, where jsonata-python computes otherwise.

AWS: "Step Functions implements JSONata based on the 2.0.6 specification"
(https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html), i.e. jsonata-js 2.0.6.
Rows: https://docs.jsonata.org/string-functions ($lowercase: JavaScript's toLowerCase, not case folding),
https://docs.jsonata.org/aggregation-functions ($sum of doubles: Infinity past the largest double),
https://docs.jsonata.org/date-time-functions ($fromMillis offsets, $parseInteger as parseInt),
https://docs.jsonata.org/numeric-functions ($formatNumber: jsonata-js's picture analysis, rounding and
toFixed), https://docs.jsonata.org/programming (S0208) and the parser's S0102; each expected answer was checked
against jsonata-js 2.0.6 under node (``bench/jsonata_diff.py`` runs the same library).
"""

from __future__ import annotations

import pytest

from emulator.language.errors import DefinitionError, StatesError
from emulator.language.evaluate.jsonata import JsonataBindings, compile_template
from emulator.language.evaluate.jsonata_values import js_json_text

NONFINITE = "D1001: Number out of range: null"

ROWS = [
    ("$lowercase('Straße ﬁ İ ΑΣ')", '"straße ﬁ i̇ ας"'),
    ("$lowercase('ǅ')", '"ǆ"'),
    ("$uppercase('straße ﬁ')", '"STRASSE FI"'),
    ("$sum([1e308, 1e308])", NONFINITE),
    ("$sum([1e308, 1e308, -1e308])", NONFINITE),
    ("$sum([9007199254740993, 1])", "9007199254740992"),
    ("$sum([0.1, 0.2])", "0.30000000000000004"),
    ("$sum([1, 2, 3])", "6"),
    ("$parseInteger('12abc', '0')", "12"),
    ("$parseInteger('1,234x', '#,##0')", "1234"),
    ("$parseInteger('x', '0')", NONFINITE),
    ("$fromMillis(0, '[z]', '-0330')", '"GMT-04:30"'),
    ("$fromMillis(1510067557121, '[H01]:[m01] [Z]', '-0045')", '"13:27 -01:45"'),
    ("$fromMillis(1510067557121, undefined, '+0530')", '"2017-11-07T20:42:37.121+05:30"'),
    ("$fromMillis(1510067557121, undefined, '-0330')", '"2017-11-07T10:42:37.121-04:30"'),
    ("$fromMillis(253402300799999)", '"9999-12-31T23:59:59.999Z"'),
    ("$formatNumber(-0.5, '0')", '"-0"'),
    ("$formatNumber(1e21, '#,###')", '"1e,+21"'),
    ("$formatNumber(1, '#e0')", '"1.e0"'),
    ("$formatNumber(12, '#e0')", '"0.e2"'),
    ("$formatNumber(12, '#.##')", '"12.0"'),
    ("$formatNumber(0, '#.#')", '".0"'),
    ("$formatNumber(99.995, '#,##0.00')", '"100.00"'),
    ("$formatNumber(1234.5678, '00.000e0')", '"12.346e2"'),
    (
        "$formatNumber(1234567.25, '#.##0,00', {'decimal-separator': ',', 'grouping-separator': '.'})",
        '"1.234.567,25"',
    ),
    ("$formatNumber(-1234.567, '#,##0.00', {'minus-sign': '~'})", '"~1,234.57"'),
    ("$formatNumber(0.0042, '#0.0pc', {'percent': 'pc'})", '"0.4pc"'),
    ("$formatNumber(12.5, '٠٠.٠', {'zero-digit': '٠'})", '"١٢.٥"'),
    # https://docs.jsonata.org/regex: match offsets are JavaScript string offsets (UTF-16 code units)
    ("$match('😀a😀b', /[ab]/)", '[{"match":"a","index":2,"groups":[]},{"match":"b","index":5,"groups":[]}]'),
    ("$replace('😀a', /a/, function($m){ $string($m.start) & '-' & $string($m.end) })", '"😀2-3"'),
    ("$length('😀a')", "2"),
    ("$substring('😀abc', 1, 2)", '"ab"'),
    # Date.UTC reads years 0-99 as 1900-1999
    ("$toMillis('7/11/17', '[D]/[M]/[Y,2]')", "-1645747200000"),
    ("$toMillis('0017-01-01', '[Y0001]-[M01]-[D01]')", "-1672531200000"),
    ("$toMillis('29/02/04', '[D]/[M]/[Y,2]')", "-2077747200000"),
    ("$toMillis('2017-01-01', '[Y0001]-[M01]-[D01]')", "1483228800000"),
]

PARSE_ERRORS = [
    ("2e308 = 1", 'Number out of range: "2e308"'),
    ("1 + -2e400", 'Number out of range: "2e400"'),
    ("function(x){x}", "Parameter 1 of function definition must be a variable name (start with $)"),
    ("function($a, b){b}", "Parameter 2 of function definition must be a variable name (start with $)"),
    ("λ($a, $b, 3){1}", "Parameter 3 of function definition must be a variable name (start with $)"),
]


def _evaluate(expression: str) -> str:
    template = compile_template("{% " + expression + " %}", "Output")
    try:
        return js_json_text(template.evaluate(JsonataBindings(states_input={}, context={}))) or "null"
    except StatesError as error:
        return (error.cause or "").partition("threw an error during evaluation. ")[2]


@pytest.mark.parametrize(("expression", "expected"), ROWS)
def test_functions_answer_as_jsonata_js(expression: str, expected: str) -> None:
    assert _evaluate(expression) == expected


@pytest.mark.parametrize(("expression", "message"), PARSE_ERRORS)
def test_parse_errors_name_what_jsonata_js_names(expression: str, message: str) -> None:
    with pytest.raises(DefinitionError) as raised:
        compile_template("{% " + expression + " %}", "Output")
    assert raised.value.message == message
