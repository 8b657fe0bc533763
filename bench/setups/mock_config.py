"""Requirement ``mock-config`` (corpus local_mocking cases): run the case with its mock configuration.

The case's ``mock_config`` document is sent to the running emulator with
``POST /_emulator/mock-config`` (it is added to the configuration in force, so cases running in
parallel do not disturb each other: each one's state machine and response names are unique).
The state machine is created under the name the document keys it by, and the execution is
started as ``<state machine ARN>#<mock_test_case>``.
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from types import ModuleType
from typing import Any

_pending = threading.local()  # the name the next CreateStateMachine of this worker thread must use


def _rename_responses(document: dict[str, Any], prefix: str) -> dict[str, Any]:
    """Response names made unique to the case (documents of parallel cases are merged)."""
    responses = {f"{prefix}{name}": body for name, body in (document.get("MockedResponses") or {}).items()}
    machines = {
        machine: {
            "TestCases": {
                case: {state: f"{prefix}{response}" for state, response in states.items()}
                for case, states in ((body or {}).get("TestCases") or {}).items()
            }
        }
        for machine, body in (document.get("StateMachines") or {}).items()
    }
    return {"StateMachines": machines, "MockedResponses": responses}


def _post(endpoint: str, document: dict[str, Any]) -> None:
    request = urllib.request.Request(
        f"{endpoint}/_emulator/mock-config",
        data=json.dumps(document).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10):
            pass
    except urllib.error.HTTPError as error:
        raise RuntimeError(f"the emulator refused the mock config: {error.read().decode()}") from None


def register(runner: ModuleType) -> None:
    original_unique_name = runner.Runner.unique_name
    original_create = runner.Runner._create

    def unique_name(self: Any) -> str:
        name = getattr(_pending, "name", None)
        if name is not None:
            _pending.name = None
            return str(name)
        return str(original_unique_name(self))

    def create(self: Any, ctx: Any, sm_type: str | None) -> Any:
        _pending.name = getattr(ctx, "mock_state_machine_name", None)
        try:
            return original_create(self, ctx, sm_type)
        finally:
            _pending.name = None

    if not getattr(runner.Runner._create, "_mock_config_patch", False):
        create._mock_config_patch = True  # type: ignore[attr-defined]
        runner.Runner.unique_name = unique_name
        runner.Runner._create = create

    @runner.requirement_handler("mock-config")
    def setup(ctx: Any, requirement: str) -> None:
        data = ctx.case.data
        document = data.get("mock_config")
        test_case = data.get("mock_test_case")
        if not isinstance(document, dict) or not test_case:
            raise runner.SkipCase("mock-config case without mock_config / mock_test_case")
        token = data.get("state_machine_name")
        name = original_unique_name(ctx.runner)
        if token:
            ctx.tokens[token] = name
        text = json.dumps(document)
        if token:
            text = text.replace(token, name)
        for placeholder, value in ctx.tokens.items():
            text = text.replace(placeholder, value)
        _post(ctx.runner.endpoint, _rename_responses(json.loads(text), f"{name}."))
        ctx.mock_state_machine_name = name
        ctx.execution_arn_suffix = "#" + str(test_case)
