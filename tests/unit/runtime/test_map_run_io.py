"""ItemReader decoding with AWS's States.ItemReaderFailed causes."""

from __future__ import annotations

import pytest

from emulator.language.errors import StatesError
from emulator.runtime.map_run_io import decode_items, java_hash_map_order, java_string_hash


def test_csv_with_headers_in_the_first_row_drops_extra_fields_and_fills_missing_ones() -> None:
    text = "H1,\nValue4,Value5,Value6\n,,,\n   \n"
    assert decode_items({"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"}, "getObject", text, None) == [
        {"H1": "Value4", "": "Value5"},
        {"H1": "", "": ""},
        {"H1": "   ", "": ""},
    ]


def test_csv_row_members_come_in_java_hash_map_order_as_aws_records_them() -> None:
    text = "0,True,{}\nValue4,Value5,Value6\n"
    items = decode_items({"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"}, "getObject", text, None)
    assert [list(item) for item in items] == [["0", "{}", "True"]]
    assert list(decode_items({"InputType": "CSV"}, "getObject", "H1,\na,b\n", None)[0]) == ["", "H1"]


def test_java_hash_map_order_grows_the_table_past_three_quarters_full() -> None:
    keys = [f"column{index}" for index in range(13)]  # 13 > 12: a 32-bucket table
    buckets = [(java_string_hash(k) ^ (java_string_hash(k) >> 16)) & 31 for k in keys]
    assert java_hash_map_order(keys) == sorted(range(13), key=lambda index: (buckets[index], index))
    assert java_string_hash("H1") == 2281 and java_string_hash("") == 0


def test_csv_with_given_headers_reads_every_row() -> None:
    config = {"InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": ["a", "b"]}
    assert decode_items(config, "getObject", {"Body": "1,2\n3,4\n"}, None) == [
        {"a": "1", "b": "2"},
        {"a": "3", "b": "4"},
    ]


@pytest.mark.parametrize(
    ("config", "body", "max_items", "cause"),
    [
        (
            {"InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": ["H1", "H1"]},
            "a,b",
            None,
            "CSV headers cannot contain duplicates.",
        ),
        ({"InputType": "JSON"}, '{"a": 1}', None, "Attempting to map over non-iterable node."),
        ({"InputType": "JSON"}, "[1]", -1, "field MaxItems must be positive"),
    ],
)
def test_reader_failures(config: dict, body: str, max_items: int | None, cause: str) -> None:
    with pytest.raises(StatesError) as raised:
        decode_items(config, "getObject", body, max_items)
    assert (raised.value.error, raised.value.cause) == ("States.ItemReaderFailed", cause)


def test_max_items_limits_and_zero_means_all() -> None:
    assert decode_items({"MaxItems": 2}, "getObject", "[1, 2, 3]", None) == [1, 2]
    assert decode_items({"MaxItems": 0}, "getObject", "[1, 2, 3]", None) == [1, 2, 3]


def test_listings_and_json_lines() -> None:
    assert decode_items({}, "listObjectsV2", {"Contents": [{"Key": "a"}]}, None) == [{"Key": "a"}]
    assert decode_items({"InputType": "JSONL"}, "getObject", '{"a":1}\n{"a":2}\n', None) == [
        {"a": 1},
        {"a": 2},
    ]
