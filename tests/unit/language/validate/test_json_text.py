from __future__ import annotations

import pytest

from emulator.language.validate import validate_definition


def _only(text: str) -> tuple[str, str, str | None]:
    [diagnostic] = validate_definition(text)
    return diagnostic.code, diagnostic.message, diagnostic.location


def test_unrecognized_token_is_worded_as_jackson_does() -> None:
    location = '[Source: (String)"not a definition"; line: 1, column: 4]'
    assert _only("not a definition") == (
        "INVALID_JSON_DESCRIPTION",
        "Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', "
        f"'true' or 'false')\n at {location}",
        location,
    )


@pytest.mark.parametrize("text", ["", " ", "[]", "1", "null", '"text"'])
def test_text_that_is_not_an_object_is_a_schema_error_without_location(text: str) -> None:
    assert _only(text) == ("SCHEMA_VALIDATION_FAILED", "Definition must be a valid JSON object", None)


def test_unexpected_character_counts_lines_and_columns() -> None:
    code, message, location = _only('{\n  "StartAt": "A",\n  ,}')
    assert code == "INVALID_JSON_DESCRIPTION"
    assert message.startswith(
        "Unexpected character (',' (code 44)): was expecting double-quote to start field name"
    )
    assert location is not None and location.endswith("line: 3, column: 4]")


def test_missing_colon() -> None:
    _code, message, _location = _only('{"StartAt" "A"}')
    assert message.startswith(
        "Unexpected character ('\"' (code 34)): was expecting a colon to separate field name"
    )


def test_unclosed_object_names_its_start() -> None:
    _code, message, location = _only('{"StartAt": "A"')
    assert message.startswith(
        "Unexpected end-of-input: expected close marker for OBJECT (start marker at [Source: "
    )
    assert location is not None and location.endswith("line: 1, column: 16]")


def test_long_source_is_truncated_in_the_location() -> None:
    text = '{"Comment": "' + "x" * 600 + '", oops}'
    _code, _message, location = _only(text)
    assert location is not None and f"[truncated {len(text) - 500} chars]" in location
