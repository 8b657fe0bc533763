from __future__ import annotations

import pytest

from emulator.model.jsontext import from_json_text, to_json_text


@pytest.mark.parametrize("text", ["NaN", '{"a": Infinity}', "[-Infinity]", '{"a": 1e999}', "-1e400"])
def test_text_holding_a_number_no_json_text_can_show_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        from_json_text(text)


def test_large_finite_numbers_read_and_write_back() -> None:
    value = from_json_text('{"a": 1e308, "b": 18446744073709551616, "c": -0.0}')
    assert to_json_text(value) == '{"a":1e+308,"b":18446744073709551616,"c":-0.0}'


def test_text_nested_deeper_than_the_parser_can_read_is_refused_as_invalid() -> None:
    with pytest.raises(ValueError):
        from_json_text("[" * 100_000 + "]" * 100_000)
