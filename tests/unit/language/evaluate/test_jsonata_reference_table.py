"""Our JSONata answers against jsonata-js 2.0.6's, the implementation and version AWS runs.

"Step Functions implements JSONata based on the 2.0.6 specification. All built-in JSONata functions and
operators in the 2.0.6 specification are supported, with one exception: $eval"
(https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html, "Supported JSONata version").

The rows live in ``jsonata_reference_table.json``, one table per page of the JSONata documentation (each
table's ``source``: https://docs.jsonata.org/string-functions, .../numeric-functions,
.../aggregation-functions, .../boolean-functions, .../array-functions, .../object-functions,
.../date-time-functions, .../higher-order-functions, .../numeric-operators, .../comparison-operators,
.../boolean-operators, .../other-operators, .../path-operators, .../construction, .../predicate,
.../sorting-grouping, .../programming, .../regex, .../processing, .../embedding-extending). A row is an
expression, the input its ``$states.input`` holds, and jsonata-js's answer: the result (compared as JSON
text, numbers written the JavaScript way), ``undefined``, a function, a non-finite number, or an error's
code and message. The answers were recorded by running jsonata-js 2.0.6 itself
(``python -m bench.jsonata_diff --write-table``, which needs node; this test does not).

Each expression runs as a state's ``Output`` runs it (``compile_template`` + ``JsonataBindings``), so the
result conversion and AWS's cause texts are part of what is compared. ``KNOWN_GAPS`` lists the rows where
we still answer otherwise, and why; they are expected failures that must keep failing (strict), so a fix
shows up here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from emulator.language.errors import DefinitionError, StatesError
from emulator.language.evaluate.jsonata import JsonataBindings, compile_template
from emulator.language.evaluate.jsonata_values import js_json_text

TABLE = json.loads((Path(__file__).parent / "jsonata_reference_table.json").read_text())
CONTEXT = {
    "Execution": {"Id": "arn:aws:states:us-east-1:123456789012:execution:m:e", "Name": "e"},
    "State": {"Name": "S", "RetryCount": 0},
}
EVALUATION_ERROR = "threw an error during evaluation. "

_JS_ONLY_ERROR = "jsonata-js fails with a JavaScript engine error that has no JSONata code"
_JS_QUIRK = "a JavaScript artefact jsonata-js does not define (its Number.toFixed/Date arithmetic)"
_RE2 = "regexes run on RE2 by design: lookaround and backreferences fail with a clear error"
KNOWN_GAPS: dict[str, str] = {
    "$pad('foo', 5.7)": _JS_ONLY_ERROR,
    "$pad('foo', -5.7)": _JS_ONLY_ERROR,
    "$formatNumber(1, '')": _JS_ONLY_ERROR,
    "$match('abc', /(?i)b/)": _JS_ONLY_ERROR + " (JavaScript has no inline flags; RE2 accepts them)",
    "$replace('a', 'a', function($m){ 5 })": "jsonata-js inserts the function's JavaScript source text",
    "$split('a😀b', '')": "JavaScript splits UTF-16 code units (lone surrogates), we split characters",
    "$fromMillis(8.64e15)": _JS_QUIRK,
    "$fromMillis(1510067557121, '[H]', 'Z')": "an invalid timezone: 'NaN' in jsonata-js, a ValueError here",
    "$match('ab', /a(?=b)/)": _RE2,
    "$match('aa', /(a)\\1/)": _RE2,
}


def _answer(expression: str, data: Any) -> dict[str, Any]:
    """Our answer in the table's form."""
    try:
        template = compile_template("{% " + expression + " %}", "Output")
    except DefinitionError as error:
        return {"error": {"code": getattr(error.__cause__, "error", None), "message": error.message}}
    try:
        value = template.evaluate(JsonataBindings(states_input=data, context=CONTEXT))
    except StatesError as error:
        cause = error.cause or ""
        if cause.endswith("returned nothing (undefined)."):
            return {"kind": "undefined"}
        if cause.endswith("returned an unsupported result type."):
            return {"kind": "function"}
        code, _, message = cause.partition(EVALUATION_ERROR)[2].partition(": ")
        if (code, message) == ("D1001", "Number out of range: null"):
            return {"kind": "nonfinite"}
        return {"error": {"code": code, "message": message}}
    return {"result": js_json_text(value) or "null"}


def _expected(row: dict[str, Any]) -> dict[str, Any]:
    if "result" in row:
        return {"result": js_json_text(row["result"]) or "null"}
    error = row.get("error")
    if error is not None and (error["code"], error["message"]) == ("D1001", "Number out of range: null"):
        return {"kind": "nonfinite"}  # what our conversion reports for a non-finite result
    return {key: row[key] for key in ("error", "kind") if key in row}


def _rows() -> list[Any]:
    rows = []
    for table in TABLE["tables"]:
        for number, row in enumerate(table["rows"]):
            gap = KNOWN_GAPS.get(row["expression"])
            marks = [pytest.mark.xfail(reason=gap, strict=True)] if gap else []
            data = table["inputs"][row["input"]]
            rows.append(pytest.param(row, data, id=f"{table['family']}-{number}", marks=marks))
    return rows


DAY_MILLISECONDS = 86_400_000


def _reads_only_a_time_of_day(expression: str) -> bool:
    """``$toMillis(text, picture)`` whose picture names no date component: jsonata-js (and we) take
    today's date for it ("date-time-functions": the missing components default to the current
    date), so only the time of day can be compared with the recorded answer."""
    if not expression.startswith("$toMillis(") or "," not in expression:
        return False
    picture = expression.split(",", 1)[1]
    return not any(marker in picture for marker in ("[Y", "[M", "[D", "[d", "[X", "[W", "[F"))


@pytest.mark.parametrize(("row", "data"), _rows())
def test_expression_answers_as_jsonata_js(row: dict[str, Any], data: Any) -> None:
    answer, expected = _answer(row["expression"], data), _expected(row)
    if _reads_only_a_time_of_day(row["expression"]) and "result" in expected and "result" in answer:
        ours, theirs = int(answer["result"]), int(expected["result"])
        assert ours % DAY_MILLISECONDS == theirs % DAY_MILLISECONDS, row["expression"]
        assert abs(ours - theirs) < 1_000 * DAY_MILLISECONDS  # today, not another epoch
        return
    assert answer == expected, row["expression"]


def test_every_known_gap_is_a_row() -> None:
    expressions = {row["expression"] for table in TABLE["tables"] for row in table["rows"]}
    assert set(KNOWN_GAPS) <= expressions


def test_each_table_cites_its_documentation_page() -> None:
    for table in TABLE["tables"]:
        assert table["source"].startswith("https://docs.jsonata.org/"), table["family"]
        assert table["rows"], table["family"]
