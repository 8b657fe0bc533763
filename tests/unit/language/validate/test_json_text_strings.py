"""What CreateStateMachine / ValidateStateMachineDefinition answer for the text inside JSON strings.

Sources: the ValidateStateMachineDefinitionDiagnostic API reference
(https://docs.aws.amazon.com/step-functions/latest/apireference/API_ValidateStateMachineDefinitionDiagnostic.html:
``INVALID_JSON_DESCRIPTION`` = "JSON syntax problem found", with a location), RFC 8259 section 7 (the escapes
a JSON string may hold: ``\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX``; control characters U+0000-U+001F must be
escaped) and section 2 (only space, tab, LF and CR between tokens). AWS reads definitions with Jackson,
whose wording its recorded diagnostics carry (``Unrecognized token 'not': was expecting (JSON String, …)
… at [Source: (String)"…"; line: 1, column: 4]``), so every refusal is worded and located as Jackson's
reader words and locates it: the column is the position just after the character it stopped on, and
lines are the line breaks between tokens.
"""

from __future__ import annotations

import pytest

from emulator.language.validate import validate_definition
from emulator.language.validate.json_text import jackson_problem

PREFIX = '{"StartAt":"A","States":{"A":{"Type":"Pass","End":true,"Comment":"'
SUFFIX = '"}}}'
VALUE_LIST = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')"


def _comment(raw: str) -> str:
    """A definition whose Pass state's Comment holds ``raw`` between its quotes, as written."""
    return PREFIX + raw + SUFFIX


def _only(text: str) -> tuple[str, str]:
    [diagnostic] = validate_definition(text)
    assert diagnostic.location is not None and diagnostic.message.endswith(diagnostic.location)
    description = diagnostic.message.split("\n at ", 1)[0]
    column = diagnostic.location.rsplit("column: ", 1)[1].rstrip("]")
    line = diagnostic.location.rsplit("line: ", 1)[1].split(",", 1)[0]
    return description, f"{line}:{column}"


# RFC 8259 section 7 — every escape JSON defines is accepted in a string value and in a name.
VALID_ESCAPES = [r"\"", r"\\", r"\/", r"\b", r"\f", r"\n", r"\r", r"\t", r"\u0041", r"\u00e9", r"\uFFFF"]


@pytest.mark.parametrize("escape", VALID_ESCAPES)
def test_every_json_escape_is_accepted(escape: str) -> None:
    assert validate_definition(_comment("x" + escape + "y")) == []
    named = '{"StartAt":"A","States":{"A":{"Type":"Pass","End":true,"Parameters":{"k' + escape + '":1}}}}'
    assert validate_definition(named) == []


# Characters a JSON string may hold raw (RFC 8259 section 7: only U+0000-U+001F, '"' and '\' must be
# escaped); Jackson reads surrogates one Java char at a time, so an escaped lone half is accepted too.
RAW_CHARACTERS_ACCEPTED = [
    ("DEL", "\x7f"),
    ("C1 control U+0085", "\x85"),
    ("non-ASCII letter", "\u00e9"),
    ("character past U+FFFF", "\U0001f197"),
    ("escaped pair for U+1F197", r"\ud83c\udd97"),
    ("escaped lone high surrogate", r"\ud800"),
    ("escaped lone low surrogate", r"\udc00"),
    ("single quote", "'"),
]


@pytest.mark.parametrize(
    ("case", "raw"), RAW_CHARACTERS_ACCEPTED, ids=[row[0] for row in RAW_CHARACTERS_ACCEPTED]
)
def test_characters_json_allows_raw_are_accepted(case: str, raw: str) -> None:
    assert validate_definition(_comment(raw)) == []


COMMENT_START = len(PREFIX)  # index of the first character between the Comment's quotes

# RFC 8259 section 7 broken once per row: (case, raw text between the quotes, Jackson's description,
# Java chars read when the reader stopped). Jackson's column is that count plus one.
INVALID_STRINGS = [
    ("unknown escape \\q", r"\q", "Unrecognized character escape 'q' (code 113)", COMMENT_START + 2),
    ("escaped single quote", r"\'", "Unrecognized character escape ''' (code 39)", COMMENT_START + 2),
    ("hex escape \\x41", r"\x41", "Unrecognized character escape 'x' (code 120)", COMMENT_START + 2),
    ("escaped brace", r"\{", "Unrecognized character escape '{' (code 123)", COMMENT_START + 2),
    ("escaped digit", r"a\0", "Unrecognized character escape '0' (code 48)", COMMENT_START + 3),
    (
        "escaped non-ASCII letter",
        "\\\u00e9",
        "Unrecognized character escape '\u00e9' (code 233)",
        COMMENT_START + 2,
    ),
    (
        "escaped CJK character",
        "\\\u4e2d",
        "Unrecognized character escape '\u4e2d' (code 20013 / 0x4e2d)",
        COMMENT_START + 2,
    ),
    (
        "\\u with a non-hex digit",
        r"\u00zz",
        "Unexpected character ('z' (code 122)): expected a hex-digit for character escape sequence",
        COMMENT_START + 5,
    ),
    (
        "\\u with too few digits",
        r"\u12",
        "Unexpected character ('\"' (code 34)): expected a hex-digit for character escape sequence",
        COMMENT_START + 5,
    ),
    (
        "raw line feed",
        "a\nb",
        "Illegal unquoted character ((CTRL-CHAR, code 10)): has to be escaped using backslash to be "
        "included in string value",
        COMMENT_START + 2,
    ),
    (
        "raw tab",
        "\t",
        "Illegal unquoted character ((CTRL-CHAR, code 9)): has to be escaped using backslash to be "
        "included in string value",
        COMMENT_START + 1,
    ),
    (
        "raw NUL",
        "ab\x00",
        "Illegal unquoted character ((CTRL-CHAR, code 0)): has to be escaped using backslash to be "
        "included in string value",
        COMMENT_START + 3,
    ),
    (
        "raw U+001F",
        "\x1f",
        "Illegal unquoted character ((CTRL-CHAR, code 31)): has to be escaped using backslash to be "
        "included in string value",
        COMMENT_START + 1,
    ),
    (
        "a character past U+FFFF counts two columns",
        "\U0001f197\\q",
        "Unrecognized character escape 'q' (code 113)",
        COMMENT_START + 4,
    ),
]


@pytest.mark.parametrize(
    ("case", "raw", "description", "consumed"), INVALID_STRINGS, ids=[row[0] for row in INVALID_STRINGS]
)
def test_invalid_string_text_is_refused_as_jackson_words_it(
    case: str, raw: str, description: str, consumed: int
) -> None:
    assert _only(_comment(raw)) == (description, f"1:{consumed + 1}")


# The same rules in a field name (Jackson's "name" context) and at the ends of the text.
INVALID_NAMES_AND_ENDS = [
    (
        "raw line feed in a name",
        '{"StartAt":"A","a\nb":1}',
        "Illegal unquoted character ((CTRL-CHAR, code 10)): has to be escaped using backslash to be "
        "included in name",
        "1:19",
    ),
    ("unknown escape in a name", '{"a\\qb":1}', "Unrecognized character escape 'q' (code 113)", "1:6"),
    ("text ends inside a name", '{"StartAt', "Unexpected end-of-input in field name", "1:10"),
    (
        "text ends after a backslash",
        '{"a":"b\\',
        "Unexpected end-of-input in character escape sequence",
        "1:9",
    ),
    (
        "text ends inside a \\u escape",
        '{"a":"\\u00',
        "Unexpected end-of-input in character escape sequence",
        "1:11",
    ),
    (
        "text ends inside a string value",
        '{"a":"b',
        "Unexpected end-of-input: was expecting closing quote for a string value",
        "1:8",
    ),
]


@pytest.mark.parametrize(
    ("case", "text", "description", "where"),
    INVALID_NAMES_AND_ENDS,
    ids=[row[0] for row in INVALID_NAMES_AND_ENDS],
)
def test_names_and_truncated_text_are_refused_as_jackson_words_it(
    case: str, text: str, description: str, where: str
) -> None:
    assert _only(text) == (description, where)


# RFC 8259 section 2 (whitespace between tokens) and section 6 (numbers: no leading zeros, a digit after
# the minus sign); values that are no JSON value are refused with Jackson's list of what may start one.
INVALID_BETWEEN_TOKENS = [
    (
        "control character between tokens",
        '{"StartAt":\x01"A"}',
        "Illegal character ((CTRL-CHAR, code 1)): only regular white space (\\r, \\n, \\t) is allowed "
        "between tokens",
        "1:13",
    ),
    (
        "form feed between tokens",
        '{\x0c"StartAt":"A"}',
        "Illegal character ((CTRL-CHAR, code 12)): only regular white space (\\r, \\n, \\t) is allowed "
        "between tokens",
        "1:3",
    ),
    ("leading zero", '{"a":01}', "Invalid numeric value: Leading zeroes not allowed", "1:7"),
    ("negative leading zero", '{"a":-00}', "Invalid numeric value: Leading zeroes not allowed", "1:8"),
    (
        "minus without a digit",
        '{"a":-x}',
        "Unexpected character ('x' (code 120)) in numeric value: expected digit (0-9) to follow minus sign, "
        "for valid numeric value",
        "1:8",
    ),
    (
        "a value that cannot start",
        '{"a":@}',
        f"Unexpected character ('@' (code 64)): expected a valid value {VALUE_LIST}",
        "1:7",
    ),
    (
        "trailing comma in an array",
        '{"a":[1,]}',
        f"Unexpected character (']' (code 93)): expected a valid value {VALUE_LIST}",
        "1:10",
    ),
    (
        "single-quoted string",
        "{\"a\":'b'}",
        f"Unexpected character (''' (code 39)): expected a valid value {VALUE_LIST}",
        "1:7",
    ),
    (
        "line breaks are counted between tokens, CR LF as one",
        '{\r\n"a":\r"b",\n\x02}',
        "Illegal character ((CTRL-CHAR, code 2)): only regular white space (\\r, \\n, \\t) is allowed "
        "between tokens",
        "4:2",
    ),
]


@pytest.mark.parametrize(
    ("case", "text", "description", "where"),
    INVALID_BETWEEN_TOKENS,
    ids=[row[0] for row in INVALID_BETWEEN_TOKENS],
)
def test_text_between_tokens_is_refused_as_jackson_words_it(
    case: str, text: str, description: str, where: str
) -> None:
    assert _only(text) == (description, where)


def test_an_overlong_unrecognized_token_is_cut_at_256_characters() -> None:
    description, _where = _only('{"a":' + "x" * 300 + "}")
    assert description == f"Unrecognized token '{'x' * 256}...': was expecting {VALUE_LIST}"


def test_execution_input_and_task_output_problems_use_the_same_words() -> None:
    # The same reader words StartExecution's InvalidExecutionInput and SendTaskSuccess's InvalidOutput.
    assert jackson_problem('{"a":"\\q"}') == "Unrecognized character escape 'q' (code 113)"
    assert jackson_problem('{"a":"\n"}').startswith("Illegal unquoted character ((CTRL-CHAR, code 10))")


def test_a_duplicated_key_keeps_its_last_value() -> None:
    # Jackson's default (no STRICT_DUPLICATE_DETECTION): the later member replaces the earlier one.
    text = '{"StartAt":"Missing","States":{"A":{"Type":"Pass","End":true}},"StartAt":"A"}'
    assert validate_definition(text) == []


def test_text_after_the_definition_object_is_ignored() -> None:
    # Jackson reads one value and stops (FAIL_ON_TRAILING_TOKENS is off by default).
    assert validate_definition('{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}} trailing') == []


# Jackson's StreamReadConstraints: at most 1,000 nested arrays/objects (the definition object is level 1),
# refused at the bracket that goes past the limit; brackets inside strings do not nest.
NESTING_PREFIX = '{"StartAt":"A","States":{"A":{"Type":"Pass","End":true,"Result":'


@pytest.mark.parametrize(("levels", "refused"), [(997, False), (998, True), (1200, True)])
def test_nesting_is_limited_to_a_thousand_levels_whatever_the_call_stack(levels: int, refused: bool) -> None:
    # 3 levels (definition, States, A) + the Result's arrays.
    text = NESTING_PREFIX + "[" * levels + "]" * levels + "}}}"
    diagnostics = validate_definition(text)
    if not refused:
        assert diagnostics == []
        return
    description, where = _only(text)
    assert description == (
        "Document nesting depth (1001) exceeds the maximum allowed (1000, from "
        "`StreamReadConstraints.getMaxNestingDepth()`)"
    )
    assert where == f"1:{len(NESTING_PREFIX) + 998 + 1}"


def test_brackets_inside_strings_do_not_nest() -> None:
    text = NESTING_PREFIX + '"' + "[{" * 2000 + '"}}}'
    assert validate_definition(text) == []
