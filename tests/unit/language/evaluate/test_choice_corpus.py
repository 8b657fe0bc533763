"""Choice rules against cases recorded on AWS.

Each ``choice_operators`` case is a Choice state followed by Pass states that report the branch
taken. The test compiles the Choice state's rules, evaluates them on the recorded input and
follows the trivial states after it (a minimal simulation that lives here, not in the product),
then compares the final output with the recording. Cases of other categories made only of
Choice, Pass, Succeed and Fail states are checked the same way, and the states the simulation
enters must be those the recorded history entered.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from emulator.language.evaluate.choice import compile_choices, first_matching_branch
from emulator.language.evaluate.jsonpath import compile_path

CORPUS = Path(__file__).resolve().parents[4].parent / "shared" / "corpus"
CATEGORY = CORPUS / "choice_operators"
CASES = sorted(CATEGORY.glob("*.json")) if CATEGORY.is_dir() else []
_SIMPLE_TYPES = {"Choice", "Pass", "Succeed", "Fail"}
_SIMPLE_FIELDS = {
    "Type",
    "Next",
    "End",
    "Result",
    "Comment",
    "Choices",
    "Default",
    "Error",
    "Cause",
    "InputPath",
}


def _is_simple_choice_machine(definition: Any) -> bool:
    if not isinstance(definition, dict) or definition.get("QueryLanguage") == "JSONata":
        return False
    states = definition.get("States")
    if not isinstance(states, dict) or not any(state.get("Type") == "Choice" for state in states.values()):
        return False
    return all(
        state.get("Type") in _SIMPLE_TYPES and set(state) <= _SIMPLE_FIELDS for state in states.values()
    )


def _other_cases() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return [
        path
        for path in sorted(CORPUS.glob("*/*.json"))
        if path.parent.name != CATEGORY.name
        and _is_simple_choice_machine(json.loads(path.read_text()).get("definition"))
    ]


OTHER_CASES = _other_cases()


def _expected_output(case: dict[str, Any]) -> Any:
    expected = case["expected"]
    if "final" in expected:
        return expected["final"]["output"]
    # The first execution of a parametrised test carries the whole list; its own result is [0].
    return expected["recorded"]["cases"][0]["output"]


def _run(definition: dict[str, Any], value: Any, entered: list[str] | None = None) -> Any:
    """Run the definition as far as its Choice, Pass, Succeed and Fail states go."""
    context = {"Execution": {"Input": value}}
    states = definition["States"]
    name = definition["StartAt"]
    entered = [] if entered is None else entered
    for _ in range(len(states) + 1):
        entered.append(name)
        state = states[name]
        if "InputPath" in state and state["InputPath"] is not None:
            value = compile_path(state["InputPath"]).get(value, {})
        kind = state["Type"]
        if kind == "Choice":
            branch = first_matching_branch(
                compile_choices(state["Choices"], f"/States/{name}"), value, context
            )
            target = branch.next if branch is not None else state.get("Default")
            if target is None:
                return {"error": "States.NoChoiceMatched"}
            name = target
            continue
        if kind == "Pass":
            value = state.get("Result", value)
        elif kind == "Fail":
            return {"error": state.get("Error"), "cause": state.get("Cause")}
        elif kind != "Succeed":
            raise AssertionError(f"state type {kind} is outside this simulation")
        if state.get("End") or kind == "Succeed":
            return value
        name = state["Next"]
    raise AssertionError("the simulation did not end")


def test_corpus_has_all_cases() -> None:
    if not CASES:
        pytest.skip(f"corpus not found at {CATEGORY}")
    assert len(CASES) == 403


@pytest.mark.parametrize("path", CASES, ids=[path.stem for path in CASES])
def test_choice_operators_case_takes_the_recorded_branch(path: Path) -> None:
    case = json.loads(path.read_text())
    assert _run(case["definition"], case["input"]) == _expected_output(case)


@pytest.mark.parametrize("path", OTHER_CASES, ids=[f"{path.parent.name}/{path.stem}" for path in OTHER_CASES])
def test_other_choice_case_enters_the_recorded_states(path: Path) -> None:
    case = json.loads(path.read_text())
    entered: list[str] = []
    output = _run(case["definition"], case["input"], entered)
    recorded = [
        event["stateEnteredEventDetails"]["name"]
        for event in case["expected"]["history"]
        if "stateEnteredEventDetails" in event
    ]
    assert entered == recorded
    assert output == case["expected"]["final"]["output"]
