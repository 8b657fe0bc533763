"""Corpus cases recorded against AWS, replayed through the JSONata evaluation layer alone.

A self-contained case whose states are Pass states (JSONata ones with ``Output``/``Assign``,
JSONPath ones with at most ``Assign``) and JSONata Choice states (``Condition``, ``Output``,
``Assign``, ``Default``) is run with ``compile_template``/``compile_expression`` and its final output,
or error and cause, compared with the recording. The runtime's cause prefix ("An error occurred
while executing the state …") is not this layer's and is stripped before comparing.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any

import pytest

from emulator.language.errors import StatesError
from emulator.language.evaluate.jsonata import (
    JsonataBindings,
    compile_expression,
    compile_template,
    is_jsonata_expression,
)
from emulator.language.evaluate.templates import compile_template as compile_payload_template

CORPUS = Path(__file__).resolve().parents[4] / ".." / "shared" / "corpus"
CATEGORIES = (
    "evaluate_jsonata",
    "query_language",
    "outputdecl",
    "arguments",
    "assign",
    "intrinsic_functions",
    "scenarios",
    "states_variables",
    "choice_operators",
    "base",
)
JSONATA_PASS_KEYS = {"Type", "Output", "Assign", "Next", "End", "Comment", "QueryLanguage"}
JSONPATH_PASS_KEYS = {"Type", "Assign", "Next", "End", "Comment", "QueryLanguage"}
CHOICE_KEYS = {"Type", "Choices", "Default", "Output", "Assign", "Comment", "QueryLanguage"}
RULE_KEYS = {"Condition", "Next", "Output", "Assign", "Comment"}
FAIL_KEYS = {"Type", "Error", "Cause", "Comment", "QueryLanguage"}
SUCCEED_KEYS = {"Type", "Output", "Comment", "QueryLanguage"}
MAP_KEYS = {
    "Type", "Items", "ItemSelector", "ItemProcessor", "MaxConcurrency", "ToleratedFailureCount",
    "ToleratedFailurePercentage", "Output", "Assign", "Next", "End", "Comment", "QueryLanguage",
}  # fmt: skip
CAUSE_PREFIX = re.compile(
    r"^An error occurred while executing the state '[^']*' \(entered at the event id #\d+\)\. "
)

STATE_MACHINE_NAME = "<ArnPart_0idx>"
EXECUTION_NAME = "<ExecArnPart_0idx>"
STATE_MACHINE_ARN = f"arn:<partition>:states:<region>:111111111111:stateMachine:{STATE_MACHINE_NAME}"
EXECUTION_ARN = (
    f"arn:<partition>:states:<region>:111111111111:execution:{STATE_MACHINE_NAME}:{EXECUTION_NAME}"
)


def _language(definition: dict[str, Any], state: dict[str, Any]) -> str:
    return str(state.get("QueryLanguage", definition.get("QueryLanguage", "JSONPath")))


def _supported_state(definition: dict[str, Any], state: dict[str, Any]) -> bool:
    jsonata = _language(definition, state) == "JSONata"
    kind = state.get("Type")
    if kind == "Pass":
        return set(state) <= (JSONATA_PASS_KEYS if jsonata else JSONPATH_PASS_KEYS)
    if kind == "Fail":
        return set(state) <= FAIL_KEYS
    if not jsonata:
        return False
    if kind == "Choice":
        return set(state) <= CHOICE_KEYS and all(set(rule) <= RULE_KEYS for rule in state["Choices"])
    if kind == "Succeed":
        return set(state) <= SUCCEED_KEYS
    if kind == "Map":
        processor = state.get("ItemProcessor") or {}
        inline = (processor.get("ProcessorConfig") or {}).get("Mode", "INLINE") == "INLINE"
        return set(state) <= MAP_KEYS and inline and _supported_machine(definition, processor)
    return False


def _supported_machine(definition: dict[str, Any], machine: dict[str, Any]) -> bool:
    states = machine.get("States") or {}
    inherited = {**machine, "QueryLanguage": definition.get("QueryLanguage", "JSONPath")}
    return bool(states) and all(_supported_state(inherited, state) for state in states.values())


def is_replayable(case: dict[str, Any]) -> bool:
    definition = case.get("definition")
    if case.get("requires") or case.get("api") != "StartExecution" or not isinstance(definition, dict):
        return False
    final = case.get("expected", {}).get("final") or {}
    if final.get("status") not in ("SUCCEEDED", "FAILED"):
        return False
    if "JSONata" not in json.dumps(definition):
        return False
    return _supported_machine(definition, definition)


def _cases() -> list[Any]:
    if not CORPUS.is_dir():
        return []
    found = []
    for category in CATEGORIES:
        for path in sorted((CORPUS / category).glob("*.json")):
            case = json.loads(path.read_text())
            if is_replayable(case):
                found.append(pytest.param(case, id=f"{category}/{path.stem}"))
    return found


def _context(case_input: Any, state_name: str, item: tuple[int, Any] | None) -> dict[str, Any]:
    context: dict[str, Any] = {
        "Execution": {
            "Id": EXECUTION_ARN,
            "Input": case_input,
            "StartTime": "date",
            "Name": EXECUTION_NAME,
            "RoleArn": "snf_role_arn",
            "RedriveCount": 0,
        },
        "StateMachine": {"Id": STATE_MACHINE_ARN, "Name": STATE_MACHINE_NAME},
        "State": {"Name": state_name, "EnteredTime": "date"},
    }
    if item is not None:
        context["Map"] = {"Item": {"Index": item[0], "Value": item[1]}}
    return context


class _Run:
    """Runs one machine (or Map item processor); ``assigned`` records each state's Assign."""

    def __init__(self, definition: dict[str, Any], case_input: Any) -> None:
        self.definition = definition
        self.case_input = case_input
        self.rng = random.Random(7)
        self.assigned: list[tuple[str, dict[str, Any]]] = []

    def machine(
        self, machine: dict[str, Any], value: Any, variables: dict[str, Any], item: Any = None
    ) -> Any:
        name = machine["StartAt"]
        language = machine.get("QueryLanguage", self.definition.get("QueryLanguage", "JSONPath"))
        while True:
            state = machine["States"][name]
            context = _context(self.case_input, name, item)
            jsonata = state.get("QueryLanguage", language) == "JSONata"
            value, following, assigned = self.state(name, state, jsonata, value, context, variables)
            if assigned is not None:
                self.assigned.append((name, assigned))
                variables = {**variables, **assigned}
            if following is None:
                return value
            name = following

    def state(
        self, name: str, state: dict[str, Any], jsonata: bool, value: Any, context: Any, variables: Any
    ) -> tuple[Any, str | None, dict[str, Any] | None]:
        kind = state["Type"]
        following = None if state.get("End") else state.get("Next")
        if kind == "Fail":
            if not jsonata:
                raise StatesError(state.get("Error"), state.get("Cause"))
            bindings = JsonataBindings(value, context, variables, rng=self.rng)
            error, cause = (
                compile_template(state[key], key).evaluate(bindings) if key in state else None
                for key in ("Error", "Cause")
            )
            raise StatesError(error, cause)
        if not jsonata:
            if "Assign" not in state:
                return value, following, None
            template = compile_payload_template(state["Assign"])
            return value, following, template.evaluate(value, context, self.rng, variables)
        bindings = JsonataBindings(value, context, variables, rng=self.rng)
        holder = state
        if kind == "Choice":
            following = state.get("Default")
            for index, rule in enumerate(state["Choices"]):
                condition = compile_expression(rule["Condition"], f"Choices[{index}]/Condition")
                if condition.evaluate(bindings) is True:
                    holder, following = rule, rule["Next"]
                    break
            if following is None:
                raise StatesError("States.NoChoiceMatched", "")
        elif kind == "Map":
            result = self.map(state, value, context, variables)
            bindings = JsonataBindings(value, context, variables, states_result=result, rng=self.rng)
            value = result
        assigned = (
            compile_template(holder["Assign"], "Assign").evaluate(bindings) if "Assign" in holder else None
        )
        if "Output" in holder:
            value = compile_template(holder["Output"], "Output").evaluate(bindings)
        if kind == "Succeed":
            following = None
        return value, following, assigned

    def map(self, state: dict[str, Any], value: Any, context: Any, variables: Any) -> list[Any]:
        bindings = JsonataBindings(value, context, variables, rng=self.rng)
        for key in ("MaxConcurrency", "ToleratedFailureCount", "ToleratedFailurePercentage"):
            if key in state:
                compile_template(state[key], key).evaluate(bindings)
        if "Items" in state:
            items = state["Items"]
            if is_jsonata_expression(items):
                items = compile_expression(items, "Items").evaluate(bindings, expected="array")
            else:
                items = compile_template(items, "Items").evaluate(bindings)
        else:
            items = value
            if not isinstance(items, list):
                # The Map state's own check (the runtime's, not this module's), as AWS words it.
                text = json.dumps(items, separators=(",", ":"), ensure_ascii=False)
                raise StatesError(
                    "States.QueryEvaluationError", f"Map state input must be an array but was: {text}"
                )
        results = []
        for index, item in enumerate(items):
            item_value = item
            if "ItemSelector" in state:
                item_context = {**context, "Map": {"Item": {"Index": index, "Value": item}}}
                item_bindings = JsonataBindings(value, item_context, variables, rng=self.rng)
                item_value = compile_template(state["ItemSelector"], "ItemSelector").evaluate(item_bindings)
            results.append(self.machine(state["ItemProcessor"], item_value, variables, (index, item)))
        return results


def _recorded(value: Any, top: bool = True) -> Any:
    """The snapshot's form: JSON objects stay parsed (also object texts inside objects), anything
    else at the top level is JSON text."""
    if isinstance(value, dict):
        return {key: _recorded_member(item) for key, item in value.items()}
    if top:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return value


def _recorded_member(value: Any) -> Any:
    if isinstance(value, str) and value.startswith("{"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    if isinstance(value, dict):
        return {key: _recorded_member(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_recorded_member(item) for item in value]
    return value


def _recorded_assignments(case: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for event in case["expected"].get("history") or []:
        details = event.get("stateExitedEventDetails") or {}
        if "assignedVariables" in details:
            found.append((details["name"], details["assignedVariables"]))
    return found


def check_case(case: dict[str, Any]) -> None:
    final = case["expected"]["final"]
    run = _Run(case["definition"], case["input"])
    try:
        output = run.machine(case["definition"], case["input"], {})
    except StatesError as error:
        assert final["status"] == "FAILED", f"unexpected {error.error}: {error.cause}"
        cause = final.get("cause")
        expected_cause = CAUSE_PREFIX.sub("", cause) if isinstance(cause, str) else cause
        assert (error.error, error.cause) == (final.get("error"), expected_cause)
        return
    assert final["status"] == "SUCCEEDED", f"succeeded with {output!r}, expected {final}"
    # Each Assign as the history records it: every variable's value as JSON text.
    recorded = [
        (name, {key: _recorded_member(json.dumps(item, separators=(",", ":"), ensure_ascii=False))
                for key, item in assigned.items()})
        for name, assigned in run.assigned
    ]  # fmt: skip
    assert _canonical(recorded) == _canonical(_recorded_assignments(case))
    # Compared as canonical text so that 1, 1.0 and true stay different.
    assert _canonical(_recorded(output)) == _canonical(final["output"])


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


@pytest.fixture(autouse=True)
def _need_corpus() -> None:
    if not CORPUS.is_dir():
        pytest.skip("conformance corpus not available")


@pytest.mark.parametrize("case", _cases() or [pytest.param(None, id="no-corpus")])
def test_jsonata_case_matches_aws(case: dict[str, Any] | None) -> None:
    assert case is not None
    check_case(case)
