"""Expectations of a mock-config test case (``sfn-emulator test``), an extension of Step Functions
Local's format that Step Functions Local itself ignores (it reads only ``TestCases``)::

    "StateMachines": {
      "Orders": {
        "TestCases": {"HappyPath": {"Charge": "ChargeOK"}},
        "Expectations": {
          "HappyPath": {
            "Input": {"id": 1},
            "Status": "SUCCEEDED",
            "Output": {"charged": true},
            "Assertions": [
              {"Path": "$.charged", "Equals": true},
              {"Path": "$.receipt", "Exists": true},
              {"JSONata": "$count($.items) = 2"}
            ],
            "StatesVisited": ["Validate", "Charge", "Done"],
            "Error": "States.TaskFailed",
            "Cause": "…"
          }
        }
      }
    }

Every key is optional; without ``Status`` a case passes only when the execution SUCCEEDED.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from emulator.testing.timeline import states_visited

KNOWN_KEYS = ("Input", "Status", "Output", "Assertions", "StatesVisited", "Error", "Cause")
STATUSES = ("SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")


class ExpectationError(ValueError):
    """An expectation the runner cannot read (reported against its test case)."""


@dataclass(frozen=True, slots=True)
class Expectations:
    input: Any = field(default_factory=dict)
    status: str = "SUCCEEDED"
    output: Any = None
    has_output: bool = False
    assertions: tuple[Mapping[str, Any], ...] = ()
    states_visited: tuple[str, ...] | None = None
    error: str | None = None
    cause: str | None = None


def parse_expectations(raw: Any, where: str) -> Expectations:
    if raw is None:
        return Expectations()
    if not isinstance(raw, Mapping):
        raise ExpectationError(f"{where} must be an object")
    unknown = sorted(set(raw) - set(KNOWN_KEYS))
    if unknown:
        raise ExpectationError(f"{where} has unknown keys {unknown} (known: {', '.join(KNOWN_KEYS)})")
    status = raw.get("Status", "SUCCEEDED")
    if status not in STATUSES:
        raise ExpectationError(f"{where}.Status must be one of {', '.join(STATUSES)}")
    assertions = raw.get("Assertions", [])
    if not isinstance(assertions, list) or not all(isinstance(item, Mapping) for item in assertions):
        raise ExpectationError(f"{where}.Assertions must be a list of objects")
    for index, assertion in enumerate(assertions):
        if ("Path" in assertion) == ("JSONata" in assertion):
            raise ExpectationError(f"{where}.Assertions[{index}] needs one of 'Path' and 'JSONata'")
        if "Path" in assertion and not {"Equals", "Exists"} & set(assertion):
            raise ExpectationError(f"{where}.Assertions[{index}] with 'Path' needs 'Equals' or 'Exists'")
    visited = raw.get("StatesVisited")
    if visited is not None and (
        not isinstance(visited, list) or not all(isinstance(n, str) for n in visited)
    ):
        raise ExpectationError(f"{where}.StatesVisited must be a list of state names")
    return Expectations(
        input=raw.get("Input", {}),
        status=str(status),
        output=raw.get("Output"),
        has_output="Output" in raw,
        assertions=tuple(assertions),
        states_visited=tuple(visited) if visited is not None else None,
        error=raw.get("Error"),
        cause=raw.get("Cause"),
    )


def check(
    expected: Expectations, description: Mapping[str, Any], events: Sequence[Mapping[str, Any]]
) -> list[str]:
    """What differs from the expectations (empty: the case passed)."""
    problems: list[str] = []
    status = description.get("status")
    if status != expected.status:
        detail = (
            f" ({description.get('error')}: {description.get('cause')})" if description.get("error") else ""
        )
        problems.append(f"status {status}{detail}, expected {expected.status}")
    output_text = description.get("output")
    output = json.loads(output_text) if isinstance(output_text, str) else None
    if expected.has_output and output != expected.output:
        problems.append(f"output {_short(output)}, expected {_short(expected.output)}")
    for assertion in expected.assertions:
        problem = _check_assertion(assertion, output)
        if problem:
            problems.append(problem)
    if expected.states_visited is not None:
        visited = states_visited(events)
        if list(expected.states_visited) != visited:
            problems.append(f"states visited {visited}, expected {list(expected.states_visited)}")
    if expected.error is not None and description.get("error") != expected.error:
        problems.append(f"error {description.get('error')!r}, expected {expected.error!r}")
    if expected.cause is not None and description.get("cause") != expected.cause:
        problems.append(f"cause {description.get('cause')!r}, expected {expected.cause!r}")
    return problems


def _check_assertion(assertion: Mapping[str, Any], output: Any) -> str | None:
    if "JSONata" in assertion:
        import jsonata
        from jsonata.jexception import JException

        expression = str(assertion["JSONata"])
        try:
            result = jsonata.Jsonata(expression).evaluate(output)
        except JException as error:  # the user's expression: its error is the report
            return f"JSONata {expression!r} failed: {error}"
        return None if result is True else f"JSONata {expression!r} is {_short(result)}, expected true"
    from emulator.service.definitions import find_path_matches

    path = str(assertion["Path"])
    try:
        matches = find_path_matches(path, output)
    except ValueError as error:  # the user's path: its error is the report
        return f"path {path!r} cannot be read: {error}"
    if "Exists" in assertion and bool(matches) != bool(assertion["Exists"]):
        return f"path {path!r} {'is missing' if not matches else 'exists'}, expected Exists={assertion['Exists']}"
    if "Equals" in assertion:
        if not matches:
            return f"path {path!r} is missing, expected {_short(assertion['Equals'])}"
        actual = matches[0] if len(matches) == 1 else matches
        if actual != assertion["Equals"]:
            return f"path {path!r} is {_short(actual)}, expected {_short(assertion['Equals'])}"
    return None


def _short(value: Any, width: int = 80) -> str:
    text = json.dumps(value, separators=(",", ":"), default=str)
    return text if len(text) <= width else text[: width - 1] + "…"
