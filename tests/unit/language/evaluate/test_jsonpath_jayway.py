"""JSONPath as AWS reads it: Jayway's grammar and results, one table per source.

AWS Step Functions evaluates JSONPath with Jayway JsonPath; the rows below come from Jayway's README
(https://github.com/json-path/JsonPath, README.md) and from the Step Functions developer guide
(https://docs.aws.amazon.com/step-functions/latest/dg/amazon-states-language-paths.html).
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from emulator.language.evaluate import jsonpath_general
from emulator.language.evaluate.jsonpath import (
    InvalidPath,
    PathNotFound,
    compile_path,
    compile_reference_path,
)
from emulator.language.evaluate.jsonpath_general import UNDEFINED, apply_function
from emulator.language.validate import errors_of, validate_definition

# The document of Jayway's README, "Path Examples".
STORE: dict[str, Any] = {
    "store": {
        "book": [
            {
                "category": "reference",
                "author": "Nigel Rees",
                "title": "Sayings of the Century",
                "price": 8.95,
            },
            {"category": "fiction", "author": "Evelyn Waugh", "title": "Sword of Honour", "price": 12.99},
            {
                "category": "fiction",
                "author": "Herman Melville",
                "title": "Moby Dick",
                "isbn": "0-553-21311-3",
                "price": 8.99,
            },
            {
                "category": "fiction",
                "author": "J. R. R. Tolkien",
                "title": "The Lord of the Rings",
                "isbn": "0-395-19395-8",
                "price": 22.99,
            },
        ],
        "bicycle": {"color": "red", "price": 19.95},
    },
    "expensive": 10,
}
BOOKS = STORE["store"]["book"]
AUTHORS = [book["author"] for book in BOOKS]

# Jayway README, "Path Examples" (https://github.com/json-path/JsonPath#path-examples): every row is
# indefinite, so the result is the list of matches in Jayway's order.
README_PATH_EXAMPLES = [
    ("$.store.book[*].author", AUTHORS),
    ("$..author", AUTHORS),
    ("$.store.*", [BOOKS, STORE["store"]["bicycle"]]),
    ("$.store..price", [8.95, 12.99, 8.99, 22.99, 19.95]),
    ("$..book[2]", [BOOKS[2]]),
    ("$..book[-2]", [BOOKS[2]]),
    ("$..book[0,1]", BOOKS[:2]),
    ("$..book[:2]", BOOKS[:2]),
    ("$..book[1:2]", BOOKS[1:2]),
    ("$..book[-2:]", BOOKS[-2:]),
    ("$..book[2:]", BOOKS[2:]),
    ("$..book[?(@.isbn)]", BOOKS[2:]),
    ("$.store.book[?(@.price < 10)]", [BOOKS[0], BOOKS[2]]),
    ("$..book[?(@.price <= $['expensive'])]", [BOOKS[0], BOOKS[2]]),
    ("$..book[?(@.author =~ /.*REES/i)]", [BOOKS[0]]),
    (
        "$..*",
        [STORE["store"], 10, BOOKS, STORE["store"]["bicycle"], *BOOKS]
        + [value for book in BOOKS for value in book.values()]
        + ["red", 19.95],
    ),
]


@pytest.mark.parametrize(("text", "expected"), README_PATH_EXAMPLES)
def test_readme_path_examples(text: str, expected: list[Any]) -> None:
    path = compile_path(text)
    assert not path.is_definite
    assert path.get(STORE) == expected


def test_deep_scan_visits_parents_before_children_in_document_order() -> None:
    # Jayway's ScanPathToken walks pre-order: a node's own children, then each child's subtree.
    assert compile_path("$..*").get({"a": {"b": 1}, "c": 2}) == [{"b": 1}, 2, 1]


# Jayway README, "Filter Operators" (https://github.com/json-path/JsonPath#filter-operators).
ITEMS = [
    {"name": "foo", "size": "S", "sizes": ["S", "M"], "n": 1, "text": "abc", "list": []},
    {"name": "FOOBAR", "size": "M", "sizes": ["L"], "n": "1", "text": "", "list": [1, 2]},
    {"name": "bar", "size": "XL", "sizes": ["M", "L", "XL"], "n": 3},
]
README_FILTER_OPERATORS = [
    ("$[?(@.n == 1)]", [0]),  # "note that 1 is not equal to '1'"
    ("$[?(@.n == '1')]", [1]),
    ("$[?(@.n != 1)]", [1, 2]),
    ("$[?(@.n < 3)]", [0]),  # a string never compares with a number
    ("$[?(@.n <= 3)]", [0, 2]),
    ("$[?(@.n > 1)]", [2]),
    ("$[?(@.n >= 1)]", [0, 2]),
    ("$[?(@.name =~ /foo.*?/i)]", [0, 1]),
    ("$[?(@.name =~ /foo/)]", [0]),  # the whole value must match (Java's Matcher.matches)
    ("$[?(@.size in ['S', 'M'])]", [0, 1]),
    ("$[?(@.size nin ['S', 'M'])]", [2]),
    ("$[?(@.sizes subsetof ['S', 'M', 'L'])]", [0, 1]),
    ("$[?(@.sizes anyof ['M', 'L'])]", [0, 1, 2]),
    ("$[?(@.sizes noneof ['M', 'L'])]", []),
    ("$[?(@.sizes noneof ['XL'])]", [0, 1]),
    ("$[?(@.text size 3)]", [0]),
    ("$[?(@.sizes size 1)]", [1]),
    ("$[?(@.text empty true)]", [1]),
    ("$[?(@.list empty false)]", [1]),
    # "Inline Predicates": && and ||, ! negates a predicate, [?(@.isbn)] checks existence.
    ("$[?(@.n == 1 && @.size == 'S')]", [0]),
    ("$[?(@.size == 'XL' || @.n == '1')]", [1, 2]),
    ("$[?(!(@.n == 1 && @.size == 'S'))]", [1, 2]),
    ("$[?(@.list)]", [0, 1]),
    ("$[?(!@.list)]", [2]),
    ("$[?(@.n == 1 || @.n == 3 && @.size == 'S')]", [0]),  # && binds tighter than ||
]


@pytest.mark.parametrize(("text", "indexes"), README_FILTER_OPERATORS)
def test_readme_filter_operators(text: str, indexes: list[int]) -> None:
    assert compile_path(text).get(ITEMS) == [ITEMS[index] for index in indexes]


# Jayway README, "Functions" (https://github.com/json-path/JsonPath#functions), applied inside
# filters, where AWS evaluates them (a function at the tail of a whole path: see the AWS table).
README_FUNCTIONS = [
    ("min", [3, 1.5, 2], [], 1.5),
    ("max", [3, 1.5, 2], [], 3.0),
    ("avg", [1, 2, 3, 4], [], 2.5),
    ("stddev", [2, 4, 4, 4, 5, 5, 7, 9], [], 2.0),
    ("length", [1, 2, 3], [], 3),
    ("sum", [1, 2, 3.5], [], 6.5),
    ("keys", {"a": 1, "b": 2}, [], ["a", "b"]),
    ("concat", ["a", "b"], ["c"], "abc"),
    ("append", [1, 2], [3], [1, 2, 3]),
    ("first", [1, 2, 3], [], 1),
    ("last", [1, 2, 3], [], 3),
    ("index", [1, 2, 3], [-1], 3),
    ("index", [1, 2, 3], [1], 2),
    ("nosuchfunction", [1], [], UNDEFINED),
]


@pytest.mark.parametrize(("name", "value", "arguments", "expected"), README_FUNCTIONS)
def test_readme_functions(name: str, value: Any, arguments: list[Any], expected: Any) -> None:
    assert apply_function(name, value, arguments) == expected


def test_functions_inside_filters() -> None:
    assert compile_path("$.store.book[?(@.title.length() < 10)].title").get(STORE) == ["Moby Dick"]
    assert compile_path("$[?(@.sizes.length() > 2)].name").get(ITEMS) == ["bar"]
    assert compile_path("$[?(@.sizes.first() == 'L')].name").get(ITEMS) == ["FOOBAR"]


# Jayway README, "What is Returned When?": a path is indefinite when it holds `..`, a filter or
# several indexes, and an indefinite path always returns a list. (Wildcards and slices are
# indefinite too: Jayway's WildcardPathToken and ArraySliceToken are not definite tokens.)
README_DEFINITENESS = [
    ("$.store.book[0].author", True),
    ("$['store']['book'][0]['title']", True),
    ("$.store['bicycle']['color', 'price']", True),  # several names at the tail merge into one object
    ("$..author", False),
    ("$.store.book[?(@.price < 10)]", False),
    ("$.store.book[0,1]", False),
    ("$.store.book[*]", False),
    ("$.store.book[1:2]", False),
    ("$.store['book', 'bicycle'].price", False),  # several names before the tail: each in turn
]


@pytest.mark.parametrize(("text", "definite"), README_DEFINITENESS)
def test_readme_definite_and_indefinite_paths(text: str, definite: bool) -> None:
    path = compile_path(text)
    assert path.is_definite is definite
    assert isinstance(path.get(STORE), list) is not definite


def test_several_names_at_the_tail_merge_the_present_ones() -> None:
    assert compile_path("$.store.bicycle['color', 'price']").get(STORE) == {"color": "red", "price": 19.95}
    assert compile_path("$.store.bicycle['color', 'weight']").get(STORE) == {"color": "red"}
    assert compile_path("$.store['book', 'bicycle'].price").get(STORE) == [19.95]


# Step Functions developer guide, "Using JSONPath paths" / "Reference Paths"
# (https://docs.aws.amazon.com/step-functions/latest/dg/amazon-states-language-paths.html).
AWS_DOCUMENT = {
    "foo": 123,
    "bar": ["a", "b", "c"],
    "car": {"cdr": True},
    "jar": [{"a": 1}, {"a": 5}, {"a": 2}, {"a": 7}, {"a": 3}],
}
AWS_PATHS = [
    ("$.foo", 123),
    ("$.bar", ["a", "b", "c"]),
    ("$.car.cdr", True),
    ("$.jar[?(@.a >= 5)]", [{"a": 5}, {"a": 7}]),
    # "The @ operator ... does not match scalar values. It only matches objects."
    ("$.bar[?(@ == 'a')]", []),
    # Bracket notation for names outside member-name-shorthand: "$.abc.['def ghi']".
    ("$.abc.['def ghi']", "x"),
    # "Flattening an array of arrays": "flattenArray.$": "$[*][*]".
    ("$.nested[*][*]", [1, 2, 3]),
]


@pytest.mark.parametrize(("text", "expected"), AWS_PATHS)
def test_aws_documented_paths(text: str, expected: Any) -> None:
    document = dict(AWS_DOCUMENT, abc={"def ghi": "x"}, nested=[[1, 2], [3]])
    assert compile_path(text).get(document) == expected


# The three regressions of issue 15, found on AWS's public sample definitions: Jayway reads `.[`
# as `[`, so `$.[0]` is the definite `$[0]` and a filter may follow a dot; a multi-name bracket
# after a wildcard gives one object per item.
SAMPLE_REGRESSIONS = [
    ("$.[?(@.OU > 0)]", [{"OU": 1}, {"OU": 0}], [{"OU": 1}]),
    ("$.[0]", [{"body": "{}"}, {"body": "x"}], {"body": "{}"}),
    ("$.[0].body", [{"body": "{}"}], "{}"),
    ("$.Snapshots.[0].State", {"Snapshots": [{"State": "completed"}]}, "completed"),
    (
        "$.[*].['bucket', 'key']",
        [{"bucket": "b1", "key": "k1", "size": 1}, {"bucket": "b2", "key": "k2"}],
        [{"bucket": "b1", "key": "k1"}, {"bucket": "b2", "key": "k2"}],
    ),
]


@pytest.mark.parametrize(("text", "document", "expected"), SAMPLE_REGRESSIONS)
def test_public_sample_paths(text: str, document: Any, expected: Any) -> None:
    assert compile_path(text).get(document) == expected


def test_dot_before_a_bracket_is_a_definite_path_that_fails_like_one() -> None:
    with pytest.raises(PathNotFound) as caught:
        compile_path("$.Snapshots.[3].State").get({"Snapshots": []})
    assert caught.value.detail == "No results for path: $['Snapshots'][3]['State']"
    assert compile_reference_path("$.a.[0]").set({"a": [1]}, 2) == {"a": [2]}


# What Jayway's PathCompiler / FilterCompiler accept and reject (the grammar of README "Operators").
ACCEPTED = [
    "$",
    "$.a",
    "$['a']",
    '$["a"]',
    "$.['a']",
    "$.[0]",
    "$[-1]",
    "$[0, 2]",
    "$[1:3]",
    "$[-2:]",
    "$[:2]",
    "$.*",
    "$[*]",
    "$..a",
    "$..[0]",
    "$..*",
    "$['a', 'b']",
    "$.a[?(@.b)]",
    "$.[?(@.OU > 0)]",
    "$[?(@.a == 'x' && @.b != \"y\" || !(@.c < 1))]",
    "$[?(@.a =~ /a.*b/i)]",
    "$[?(@.a in ['S', 'M'])]",
    "$[?(@.a == {\"k\": [1, 'v']})]",
    "$[?(@.a <= $['limit'])]",
    "$[?(@.a.length() > 1)]",
    "$.Jobs.sum()",
    "$.a.b-c",
    "$$.Execution.Id",
    "$variable.a[0]",
]
REJECTED = [
    "",
    "a.b",
    "$.",
    "$..",
    "$.a.",
    "$...a",
    "$a b",
    "$.a b",
    "$[",
    "$[]",
    "$['a'",
    "$['a',]",
    "$[1:x]",
    "$[:]",
    "$[0,]",
    "$[99999999999]",
    "$[?(@.a ==)]",
    "$[?(@.a",
    "$[?(@.a <> 1)]",
    "$[?(@.a =~ /(/)]",
    "$[?(1)]",
    "$.length().a",
    "$$$",
    "$ .a",
]


@pytest.mark.parametrize("text", ACCEPTED)
def test_accepted_syntax_compiles_and_validates(text: str) -> None:
    compile_path(text)
    assert _validation_errors(text) == []


@pytest.mark.parametrize("text", REJECTED)
def test_rejected_syntax_fails_to_compile_and_to_validate(text: str) -> None:
    with pytest.raises(InvalidPath):
        compile_path(text)
    if text.startswith("$"):
        assert _validation_errors(text) == [
            "The value for the field 'InputPath' must be a valid JSONPath",
            "The value for the field 'p.$' must be a valid JSONPath or a valid intrinsic function call",
        ]


def _validation_errors(path: str) -> list[str]:
    """What validation says of ``path`` in a path field and in a payload template."""
    state = {"Type": "Pass", "InputPath": path, "Parameters": {"p.$": path}, "End": True}
    definition = json.dumps({"StartAt": "S", "States": {"S": state}})
    return sorted(d.message for d in errors_of(validate_definition(definition)))


def test_a_function_at_the_tail_is_accepted_but_matches_nothing_as_on_aws() -> None:
    # AWS re:Post "sum() function returns error about not finding path": "$.Jobs.sum()" is
    # accepted, then fails as a path not found in the input.
    with pytest.raises(PathNotFound):
        compile_path("$.Jobs.sum()").get({"Jobs": [0, 1]})


# Jayway's slice reading (ArraySliceToken): [from:] and [:to] count negative bounds from the end,
# [from:to] caps `to` at the length and yields nothing when from >= to.
SLICES = [
    ("$[1:3]", [1, 2]),
    ("$[-2:]", [4, 5]),
    ("$[:2]", [0, 1]),
    ("$[:-2]", [0, 1, 2, 3]),
    ("$[2:100]", [2, 3, 4, 5]),
    ("$[-3:-1]", [3, 4]),
    ("$[1:-1]", []),
    ("$[10:]", []),
    ("$[-100:]", [0, 1, 2, 3, 4, 5]),
    ("$[1:2:3]", [1]),  # Jayway ignores a third part
    # [from:to] reads each index from..to-1 as an index, so negative ones count from the end.
    ("$[-2147483647:1]", [0, 1, 2, 3, 4, 5, 0]),
    ("$[-2:2]", [4, 5, 0, 1]),
    ("$[0:2147483647]", [0, 1, 2, 3, 4, 5]),
]


@pytest.mark.parametrize(("text", "expected"), SLICES)
def test_slices(text: str, expected: list[int]) -> None:
    assert compile_path(text).get([0, 1, 2, 3, 4, 5]) == expected


def test_deep_scan_on_a_very_deep_document_is_iterative() -> None:
    document: Any = {"a": 1}
    for _ in range(50_000):
        document = {"x": [document]}
    assert compile_path("$..a").get(document) == [1]
    assert len(compile_path("$..x").get(document)) == 50_000


def test_work_beyond_the_budget_is_refused_quickly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonpath_general, "BUDGET", 10_000)
    document: Any = 0
    for _ in range(300):
        document = {"x": document, "y": [document]} if isinstance(document, int) else {"x": document}
    started = time.monotonic()
    with pytest.raises(PathNotFound):
        compile_path("$..*..*..*").get(document)
    assert time.monotonic() - started < 2


def test_huge_index_lists_and_slices_are_bounded_by_the_array() -> None:
    assert compile_path("$[-2147483647:2147483647]").get([1, 2]) == [1, 2, 1, 2]
    assert compile_path("$[" + ",".join(["0"] * 1000) + "]").get([7]) == [7] * 1000


def test_deeply_nested_filters_are_refused_at_compile_time() -> None:
    text = "$" + "[?(@.a" * 40 + ")]" * 40
    with pytest.raises(InvalidPath):
        compile_path(text)


def test_filter_regexes_run_in_linear_time_when_re2_is_installed() -> None:
    pytest.importorskip("re2")
    path = compile_path("$[?(@.s =~ /(a+)+b/)]")
    started = time.monotonic()
    assert path.get([{"s": "a" * 5000}]) == []
    assert time.monotonic() - started < 1
