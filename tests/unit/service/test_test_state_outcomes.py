"""TestState outcomes per state type and query language (``status``, ``nextState``, ``output``,
``error``), ``inspectionData.afterItemsPointer`` and the retry attempt a request puts under test.

Each table names the page its rows come from; the request rules, Retry / Catch details and the
inspection members per level are in ``test_test_state_documented.py`` and
``test_test_state_inspection.py``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.unit.service.test_test_state_documented import call, failing, mocked

LAMBDA = "arn:aws:states:::lambda:invoke"
BRANCH = {"StartAt": "Inner", "States": {"Inner": {"Type": "Pass", "End": True}}}
DISTRIBUTED = {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, **BRANCH}


def task(language: str, **fields: Any) -> dict[str, Any]:
    state: dict[str, Any] = {"QueryLanguage": language, "Type": "Task", "Resource": LAMBDA, **fields}
    state["Arguments" if language == "JSONata" else "Parameters"] = {"FunctionName": "f"}
    return state


def choice(language: str, value: int, default: bool) -> dict[str, Any]:
    rule: dict[str, Any] = (
        {"Condition": f"{{% $states.input.a = {value} %}}", "Next": "Matched"}
        if language == "JSONata"
        else {"Variable": "$.a", "NumericEquals": value, "Next": "Matched"}
    )
    state: dict[str, Any] = {"QueryLanguage": language, "Type": "Choice", "Choices": [rule]}
    if default:
        state["Default"] = "Otherwise"
    return state


# --- status and nextState for every state type -----------------------------------------------------
# https://docs.aws.amazon.com/step-functions/latest/apireference/API_TestState.html: status is
# TestExecutionStatus (SUCCEEDED | FAILED | RETRIABLE | CAUGHT_ERROR); nextState "The name of the next
# state to transition to. If you haven't defined a next state in your definition or if the execution
# of the state fails, this field doesn't contain a value"; output "The JSON output data of the state";
# error / cause "when the execution of a state fails"; "TestState only supports the following when a
# mock is specified: ... Parallel, or Map states". The Choice / Fail / Succeed rules are the state
# pages': amazon-states-language-choice-state.html (Default; States.NoChoiceMatched when nothing
# matches and there is no Default), amazon-states-language-fail-state.html and
# amazon-states-language-succeed-state.html (terminal states: no Next).


@dataclass(frozen=True)
class Outcome:
    name: str
    state: Any  # a callable of the query language giving the state definition
    status: str
    next_state: str | None = None
    error: str | None = None
    output: bool = True
    members: dict[str, Any] = field(default_factory=dict)


OUTCOMES = [
    Outcome(
        "Pass with Next",
        lambda q: {"QueryLanguage": q, "Type": "Pass", "Next": "After"},
        "SUCCEEDED",
        "After",
    ),
    Outcome("Pass with End", lambda q: {"QueryLanguage": q, "Type": "Pass", "End": True}, "SUCCEEDED"),
    Outcome(
        "Wait with Next",
        lambda q: {"QueryLanguage": q, "Type": "Wait", "Seconds": 5, "Next": "After"},
        "SUCCEEDED",
        "After",
    ),
    Outcome(
        "Wait with End",
        lambda q: {"QueryLanguage": q, "Type": "Wait", "Seconds": 5, "End": True},
        "SUCCEEDED",
    ),
    Outcome("Choice rule matches", lambda q: choice(q, 1, default=True), "SUCCEEDED", "Matched"),
    Outcome("Choice falls to Default", lambda q: choice(q, 2, default=True), "SUCCEEDED", "Otherwise"),
    Outcome(
        "Choice without a match or Default",
        lambda q: choice(q, 2, default=False),
        "FAILED",
        error="States.NoChoiceMatched",
        output=False,
    ),
    Outcome("Succeed", lambda q: {"QueryLanguage": q, "Type": "Succeed"}, "SUCCEEDED"),
    Outcome(
        "Fail",
        lambda q: {"QueryLanguage": q, "Type": "Fail", "Error": "Boom", "Cause": "because"},
        "FAILED",
        error="Boom",
        output=False,
    ),
    Outcome(
        "Task result with Next",
        lambda q: task(q, Next="After"),
        "SUCCEEDED",
        "After",
        members={"mock": mocked({})},
    ),
    Outcome("Task result with End", lambda q: task(q, End=True), "SUCCEEDED", members={"mock": mocked({})}),
    Outcome(
        "Task error without Retry or Catch",
        lambda q: task(q, Next="After"),
        "FAILED",
        error="E",
        output=False,
        members={"mock": failing("E")},
    ),
    Outcome(
        "Task error a retrier takes",
        lambda q: task(q, Next="After", Retry=[{"ErrorEquals": ["E"]}]),
        "RETRIABLE",
        error="E",
        output=False,
        members={"mock": failing("E")},
    ),
    Outcome(
        "Task error a catcher takes",
        lambda q: task(q, Next="After", Catch=[{"ErrorEquals": ["E"], "Next": "Handler"}]),
        "CAUGHT_ERROR",
        "Handler",
        error="E",
        members={"mock": failing("E")},
    ),
    Outcome(
        "Map result with Next",
        lambda q: {"QueryLanguage": q, "Type": "Map", "ItemProcessor": BRANCH, "Next": "After"},
        "SUCCEEDED",
        "After",
        members={"mock": mocked([1, 2]), "input": []},
    ),
    Outcome(
        "Map error a catcher takes",
        lambda q: {
            "QueryLanguage": q,
            "Type": "Map",
            "ItemProcessor": BRANCH,
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Handler"}],
            "End": True,
        },
        "CAUGHT_ERROR",
        "Handler",
        error="E",
        members={"mock": failing("E"), "input": []},
    ),
    Outcome(
        "Map over its tolerated failures, retried",
        lambda q: {
            "QueryLanguage": q,
            "Type": "Map",
            "ItemProcessor": DISTRIBUTED,
            "ToleratedFailureCount": 0,
            "Retry": [{"ErrorEquals": ["States.ExceedToleratedFailureThreshold"]}],
            "End": True,
        },
        "RETRIABLE",
        error="States.ExceedToleratedFailureThreshold",
        output=False,
        members={"mock": mocked([1]), "input": [1, 2], "stateConfiguration": {"mapIterationFailureCount": 1}},
    ),
    Outcome(
        "Parallel result with End",
        lambda q: {"QueryLanguage": q, "Type": "Parallel", "Branches": [BRANCH], "End": True},
        "SUCCEEDED",
        members={"mock": mocked([{}])},
    ),
    Outcome(
        "Parallel error from a branch state, failed",
        lambda q: {"QueryLanguage": q, "Type": "Parallel", "Branches": [BRANCH], "Next": "After"},
        "FAILED",
        error="E",
        output=False,
        members={"mock": failing("E"), "stateConfiguration": {"errorCausedByState": "Inner"}},
    ),
]


@pytest.mark.parametrize("language", ["JSONPath", "JSONata"])
@pytest.mark.parametrize("level", ["INFO", "DEBUG", "TRACE"])
@pytest.mark.parametrize("row", OUTCOMES, ids=[row.name for row in OUTCOMES])
async def test_status_and_next_state(row: Outcome, level: str, language: str) -> None:
    members = {"input": {"a": 1}, **row.members}
    answer = await call(row.state(language), inspectionLevel=level, **members)
    assert answer["status"] == row.status
    assert answer.get("nextState") == row.next_state
    assert answer.get("error") == row.error
    assert ("output" in answer) == row.output
    assert ("inspectionData" in answer) == (level != "INFO")


# --- afterItemsPointer ---------------------------------------------------------------------------------
# https://docs.aws.amazon.com/step-functions/latest/apireference/API_InspectionData.html (afterItemsPointer:
# "The effective input after the ItemsPointer filter is applied in a Map state"; not one of the members
# "not populated when QueryLanguage is JSONata"), API_TestStateConfiguration.html (mapItemReaderData:
# "The data read by ItemReader in Distributed Map states as found in its original source") and
# https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html (ReaderConfig
# ItemsPointer: a JSON Pointer into a JSON file; MaxItems limits the items read).


@dataclass(frozen=True)
class PointerRow:
    name: str
    reader_config: dict[str, Any]
    data: str
    pointed: Any  # afterItemsPointer (parsed), or None when absent
    items: int  # iterations (afterItemSelector entries)


POINTER_ROWS = [
    PointerRow(
        "a nested array",
        {"InputType": "JSON", "ItemsPointer": "/data/items"},
        '{"data": {"items": [1, 2, 3]}}',
        [1, 2, 3],
        3,
    ),
    PointerRow("the whole file", {"InputType": "JSON", "ItemsPointer": ""}, "[4, 5]", [4, 5], 2),
    PointerRow("an array index", {"InputType": "JSON", "ItemsPointer": "/1"}, "[[1], [2, 3]]", [2, 3], 2),
    PointerRow(
        "escaped tokens", {"InputType": "JSON", "ItemsPointer": "/a~1b/c~0d"}, '{"a/b": {"c~d": [7]}}', [7], 1
    ),
    PointerRow(
        "MaxItems limits the items, not the selection",
        {"InputType": "JSON", "ItemsPointer": "/items", "MaxItems": 2},
        '{"items": [1, 2, 3, 4]}',
        [1, 2, 3, 4],
        2,
    ),
    PointerRow("no ItemsPointer", {"InputType": "JSON"}, "[1, 2]", None, 2),
    PointerRow("a JSON Lines file", {"InputType": "JSONL"}, '{"a": 1}\n{"a": 2}\n', None, 2),
]


def reader_map(language: str, reader_config: dict[str, Any]) -> dict[str, Any]:
    reader: dict[str, Any] = {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": reader_config}
    reader["Arguments" if language == "JSONata" else "Parameters"] = {"Bucket": "b", "Key": "k"}
    return {
        "QueryLanguage": language,
        "Type": "Map",
        "ItemReader": reader,
        "ItemSelector": {"fixed": 1},
        "ItemProcessor": DISTRIBUTED,
        "End": True,
    }


@pytest.mark.parametrize("language", ["JSONPath", "JSONata"])
@pytest.mark.parametrize("row", POINTER_ROWS, ids=[row.name for row in POINTER_ROWS])
async def test_after_items_pointer(row: PointerRow, language: str) -> None:
    answer = await call(
        reader_map(language, row.reader_config),
        input={},
        inspectionLevel="DEBUG",
        mock=mocked([]),
        stateConfiguration={"mapItemReaderData": row.data},
    )
    assert answer["status"] == "SUCCEEDED"
    data = answer["inspectionData"]
    if row.pointed is None:
        assert "afterItemsPointer" not in data
    else:
        assert json.loads(data["afterItemsPointer"]) == row.pointed
    assert len(json.loads(data["afterItemSelector"])) == row.items


async def test_after_items_pointer_keeps_the_callers_text_and_is_not_shown_at_info() -> None:
    definition = reader_map("JSONPath", {"InputType": "JSON", "ItemsPointer": "/items"})
    members = {
        "input": {},
        "mock": mocked([]),
        "stateConfiguration": {"mapItemReaderData": '{"items": [1, 2]}'},
    }
    debug = await call(definition, inspectionLevel="DEBUG", **members)
    assert debug["inspectionData"]["afterItemsPointer"] == "[1, 2]"
    info = await call(definition, inspectionLevel="INFO", **members)
    assert "inspectionData" not in info


async def test_an_items_pointer_selecting_nothing_fails_the_map() -> None:
    answer = await call(
        reader_map("JSONPath", {"InputType": "JSON", "ItemsPointer": "/missing"}),
        input={},
        inspectionLevel="DEBUG",
        mock=mocked([]),
        stateConfiguration={"mapItemReaderData": '{"items": [1]}'},
    )
    assert (answer["status"], answer["error"]) == ("FAILED", "States.ItemReaderFailed")
    assert "afterItemsPointer" not in answer["inspectionData"]


# --- the retry attempt under test ------------------------------------------------------------------------
# https://docs.aws.amazon.com/step-functions/latest/apireference/API_TestStateConfiguration.html
# (retrierRetryCount: "The number of retry attempts that have occurred for the state's Retry that applies
# to the mocked error"), https://docs.aws.amazon.com/step-functions/latest/dg/test-state-isolation.html
# ("Control execution context to test specific retry attempts") and
# https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html (State.RetryCount:
# the number of retries made; Task, Map and Parallel states carry it). A context given in the request is
# the whole context object (API_TestState.html: "A JSON string representing a valid Context object").

SHOW_STATE = {"QueryLanguage": "JSONata", "Output": "{% $states.context.State %}"}
RETRY_COUNT_STATES = {
    "Task": {"Type": "Task", "Resource": LAMBDA, "Arguments": {"FunctionName": "f"}},
    "Map": {"Type": "Map", "Items": "{% $states.input.items %}", "ItemProcessor": BRANCH},
    "Parallel": {"Type": "Parallel", "Branches": [BRANCH]},
}


@pytest.mark.parametrize("made", [0, 1, 3])
@pytest.mark.parametrize("kind", sorted(RETRY_COUNT_STATES))
async def test_the_context_counts_the_retries_made(kind: str, made: int) -> None:
    definition = {
        **SHOW_STATE,
        **RETRY_COUNT_STATES[kind],
        "Retry": [{"ErrorEquals": ["E"], "MaxAttempts": 5}],
        "End": True,
    }
    answer = await call(
        definition,
        input={"items": [0]},
        mock=mocked({} if kind == "Task" else [{}]),
        stateConfiguration={"retrierRetryCount": made},
    )
    seen = json.loads(answer["output"])
    assert (seen["Name"], seen["RetryCount"]) == ("StateName", made)


async def test_a_pass_state_has_no_retry_count_whatever_the_configuration() -> None:
    answer = await call(
        {"Type": "Pass", "Parameters": {"state.$": "$$.State"}, "End": True},
        input={},
        stateConfiguration={"retrierRetryCount": 2},
    )
    assert "RetryCount" not in json.loads(answer["output"])["state"]


async def test_a_given_context_keeps_its_own_retry_count() -> None:
    context = {"State": {"Name": "Given", "RetryCount": 9}}
    answer = await call(
        {
            "Type": "Task",
            "Resource": LAMBDA,
            "Parameters": {"FunctionName": "f", "Payload.$": "$$.State"},
            "End": True,
        },
        input={},
        inspectionLevel="DEBUG",
        mock=mocked({}),
        context=context,
        stateConfiguration={"retrierRetryCount": 2},
    )
    assert json.loads(answer["inspectionData"]["afterParameters"])["Payload"] == context["State"]


# --- stateName: one state of a whole definition --------------------------------------------------------
# https://docs.aws.amazon.com/step-functions/latest/apireference/API_TestState.html (stateName: "Denotes
# the particular state within a state machine definition to be tested. If this field is specified, the
# definition must contain a fully-formed state machine definition"; nextState), and
# https://docs.aws.amazon.com/step-functions/latest/dg/statemachine-structure.html (a top-level
# QueryLanguage applies to every state that does not set its own; states of Parallel branches and Map
# item processors are states of the same definition).

MACHINE = {
    "QueryLanguage": "JSONata",
    "StartAt": "Fork",
    "States": {
        "Fork": {
            "Type": "Parallel",
            "Branches": [
                {
                    "StartAt": "Add",
                    "States": {
                        "Add": {"Type": "Pass", "Output": "{% $states.input.a + 1 %}", "Next": "Each"},
                        "Each": {
                            "Type": "Map",
                            "Items": "{% [1, 2] %}",
                            "ItemProcessor": {
                                "StartAt": "Deep",
                                "States": {
                                    "Deep": {
                                        "Type": "Pass",
                                        "Output": "{% $states.input.a * 10 %}",
                                        "End": True,
                                    }
                                },
                            },
                            "End": True,
                        },
                    },
                }
            ],
            "Next": "Done",
        },
        "Done": {"Type": "Succeed"},
    },
}


@pytest.mark.parametrize(
    ("name", "members", "output", "next_state"),
    [
        ("Add", {}, 2, "Each"),
        ("Deep", {}, 10, None),
        ("Done", {}, {"a": 1}, None),
        ("Fork", {"mock": mocked([5])}, [5], "Done"),
        ("Each", {"mock": mocked([7, 8])}, [7, 8], None),
    ],
)
async def test_a_state_of_a_whole_definition(
    name: str, members: dict[str, Any], output: Any, next_state: str | None
) -> None:
    answer = await call(MACHINE, stateName=name, input={"a": 1}, inspectionLevel="DEBUG", **members)
    assert answer["status"] == "SUCCEEDED"
    assert json.loads(answer["output"]) == output
    assert answer.get("nextState") == next_state
    # a JSONata state (inherited from the definition) shows no JSONPath processing
    assert set(answer["inspectionData"]) == {"input"} | ({"maxConcurrency"} if name == "Each" else set())


async def test_a_state_may_set_its_own_query_language_in_a_jsonpath_definition() -> None:
    machine = {
        "StartAt": "A",
        "States": {
            "A": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $states.input.a %}", "Next": "B"},
            "B": {"Type": "Pass", "InputPath": "$.a", "End": True},
        },
    }
    first = await call(machine, stateName="A", input={"a": 3}, inspectionLevel="DEBUG")
    assert (json.loads(first["output"]), first["nextState"], set(first["inspectionData"])) == (
        3,
        "B",
        {"input"},
    )
    second = await call(machine, stateName="B", input={"a": 3}, inspectionLevel="DEBUG")
    assert json.loads(second["inspectionData"]["afterInputPath"]) == 3
