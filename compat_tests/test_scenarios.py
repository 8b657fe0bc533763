"""End-to-end scenarios written from the AWS Step Functions documentation.

Each ``scenarios/<name>.json`` holds a machine, its input and what AWS documents (or records) for it:
the final status with output or error/cause, and the execution history. The runner creates the
machine on the live server, runs it and compares:

* ``status``, ``output`` (parsed JSON), ``error`` and ``cause`` exactly (a missing ``error``/``cause``
  means AWS reports none);
* event ``type``, ``id`` and ``previousEventId`` exactly (an expected event without
  ``previousEventId`` leaves it unchecked);
* event details as a subset: only the keys present in the expected event are compared, JSON texts
  (``input``, ``output``, ``parameters``) parsed first; timestamps are ignored.

A history entry ``{"unordered": [...]}`` stands for events of concurrently running Parallel branches,
whose interleaving AWS does not fix: they must occupy exactly that many consecutive ids, match the
listed events in some order, and point back to earlier events. Strings may name the run's resources
with ``{{executionArn}}``, ``{{executionName}}``, ``{{stateMachineArn}}``, ``{{stateMachineName}}``
and ``{{roleArn}}``. A scenario with ``"xfail": "<reason>"`` documents a known emulator bug.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from compat_tests.conftest import ROLE_ARN
from compat_tests.helpers import aws_client

SCENARIO_DIR = Path(__file__).parent / "scenarios"
SCENARIO_FILES = sorted(SCENARIO_DIR.glob("*.json"))
JSON_TEXT_KEYS = frozenset({"input", "output", "parameters"})
EVENT_KEYS = frozenset({"type", "id", "previousEventId"})
STATUS_POLLS = 200
POLL_SECONDS = 0.005


def load(path: Path) -> dict[str, Any]:
    scenario: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return scenario


@pytest.fixture(scope="module")
def sync_client(live_server: Any) -> Any:
    return aws_client(live_server, "stepfunctions")


def substitute(value: Any, names: dict[str, str]) -> Any:
    if isinstance(value, str):
        for placeholder, actual in names.items():
            value = value.replace(placeholder, actual)
        return value
    if isinstance(value, list):
        return [substitute(item, names) for item in value]
    if isinstance(value, dict):
        return {key: substitute(item, names) for key, item in value.items()}
    return value


def parsed(text: Any) -> Any:
    return json.loads(text) if isinstance(text, str) else text


def details_mismatch(expected: Any, actual: Any, where: str) -> str | None:
    """The first difference of ``actual`` from ``expected`` (dicts compared on the expected keys)."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key, wanted in expected.items():
            if key not in actual:
                return f"{where}.{key} is missing"
            got = actual[key]
            if key in JSON_TEXT_KEYS:
                if parsed(got) != wanted:
                    return f"{where}.{key}: expected {wanted!r}, got {got!r}"
                continue
            problem = details_mismatch(wanted, got, f"{where}.{key}")
            if problem is not None:
                return problem
        return None
    if expected != actual:
        return f"{where}: expected {expected!r}, got {actual!r}"
    return None


def event_mismatch(
    expected: dict[str, Any], actual: dict[str, Any], check_previous: bool = True
) -> str | None:
    where = f"event {actual['id']} ({actual['type']})"
    if expected["type"] != actual["type"]:
        return f"{where}: expected type {expected['type']}"
    if (
        check_previous
        and "previousEventId" in expected
        and expected["previousEventId"] != actual["previousEventId"]
    ):
        return f"{where}: expected previousEventId {expected['previousEventId']}, got {actual['previousEventId']}"
    details = {key: value for key, value in expected.items() if key not in EVENT_KEYS}
    return details_mismatch(details, actual, where)


def compare_history(expected: list[dict[str, Any]], actual: list[dict[str, Any]]) -> None:
    position = 0
    for entry in expected:
        if "unordered" in entry:
            group: list[dict[str, Any]] = entry["unordered"]
            window = actual[position : position + len(group)]
            assert len(window) == len(group), f"history ends inside the unordered group at {position + 1}"
            unmatched = list(window)
            for wanted in group:
                found = next((got for got in unmatched if event_mismatch(wanted, got, False) is None), None)
                assert found is not None, (
                    f"no event among ids {position + 1}..{position + len(group)} matches {wanted}"
                )
                unmatched.remove(found)
            for got in window:
                assert 0 <= got["previousEventId"] < got["id"], f"event {got['id']} points forward"
            position += len(group)
            continue
        assert position < len(actual), f"history ends before event {entry.get('id')} ({entry['type']})"
        got = actual[position]
        assert got["id"] == entry["id"], (
            f"expected event id {entry['id']} at position {position + 1}, got {got['id']}"
        )
        problem = event_mismatch(entry, got)
        assert problem is None, problem
        position += 1
    extra = [f"{event['id']} {event['type']}" for event in actual[position:]]
    assert not extra, f"unexpected events after the expected history: {extra}"


def fetch_history(sfn: Any, execution_arn: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {"executionArn": execution_arn, "maxResults": 1000}
    while True:
        page = sfn.get_execution_history(**kwargs)
        events.extend(page["events"])
        if not page.get("nextToken"):
            return events
        kwargs["nextToken"] = page["nextToken"]


def run_standard(sfn: Any, machine_arn: str, scenario: dict[str, Any]) -> dict[str, Any]:
    started = sfn.start_execution(
        stateMachineArn=machine_arn,
        name=scenario.get("executionName", "run"),
        input=json.dumps(scenario["input"]),
    )
    for _ in range(STATUS_POLLS):
        described: dict[str, Any] = sfn.describe_execution(executionArn=started["executionArn"])
        if described["status"] != "RUNNING":
            return described
        time.sleep(POLL_SECONDS)
    raise AssertionError(f"{started['executionArn']} still RUNNING after {STATUS_POLLS} polls")


def scenario_params() -> list[Any]:
    params = []
    for path in SCENARIO_FILES:
        reason = load(path).get("xfail")
        marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
        params.append(pytest.param(path, id=path.stem, marks=marks))
    return params


@pytest.mark.parametrize("path", scenario_params())
def test_scenario(path: Path, sfn: Any, sync_client: Any) -> None:
    scenario = load(path)
    machine_name = f"scenario-{path.stem}"
    machine_type = scenario.get("type", "STANDARD")
    machine_arn = sfn.create_state_machine(
        name=machine_name, definition=json.dumps(scenario["definition"]), roleArn=ROLE_ARN, type=machine_type
    )["stateMachineArn"]
    if machine_type == "EXPRESS":
        result: dict[str, Any] = sync_client.start_sync_execution(
            stateMachineArn=machine_arn, input=json.dumps(scenario["input"])
        )
    else:
        result = run_standard(sfn, machine_arn, scenario)
    names = {
        "{{executionArn}}": result["executionArn"],
        "{{executionName}}": result["name"],
        "{{stateMachineArn}}": machine_arn,
        "{{stateMachineName}}": machine_name,
        "{{roleArn}}": ROLE_ARN,
    }
    expected = substitute(scenario["expected"], names)
    verify(expected, result, sfn)


def verify(expected: dict[str, Any], result: dict[str, Any], sfn: Any) -> None:
    assert result["status"] == expected["status"], (
        result["status"],
        result.get("error"),
        result.get("cause"),
    )
    assert result.get("error") == expected.get("error")
    assert result.get("cause") == expected.get("cause")
    if "output" in expected:
        assert parsed(result.get("output")) == expected["output"]
    else:
        assert result.get("output") is None, f"unexpected output {result.get('output')!r}"
    if "history" in expected:
        compare_history(expected["history"], fetch_history(sfn, result["executionArn"]))


def test_every_scenario_names_its_source_and_standard_ones_their_history() -> None:
    assert len(SCENARIO_FILES) >= 20
    for path in SCENARIO_FILES:
        scenario = load(path)
        assert scenario["description"] and scenario["source"], path.name
        assert scenario.get("type", "STANDARD") in {"STANDARD", "EXPRESS"}, path.name
        if scenario.get("type", "STANDARD") == "STANDARD":
            assert scenario["expected"]["history"], path.name


def test_history_comparison_reports_a_wrong_previous_event_id_and_extra_events() -> None:
    actual = [
        {"id": 1, "previousEventId": 0, "type": "ExecutionStarted"},
        {
            "id": 2,
            "previousEventId": 0,
            "type": "PassStateEntered",
            "stateEnteredEventDetails": {"input": "[1, 2]"},
        },
    ]
    compare_history([{"type": "ExecutionStarted", "id": 1, "previousEventId": 0}], actual[:1])
    with pytest.raises(AssertionError, match="previousEventId"):
        compare_history([{"type": "ExecutionStarted", "id": 1, "previousEventId": 1}], actual[:1])
    with pytest.raises(AssertionError, match="unexpected events"):
        compare_history([{"type": "ExecutionStarted", "id": 1, "previousEventId": 0}], actual)
    with pytest.raises(AssertionError, match="input"):
        entered = {"type": "PassStateEntered", "id": 2, "stateEnteredEventDetails": {"input": [1]}}
        compare_history([{"type": "ExecutionStarted", "id": 1}, entered], actual)
