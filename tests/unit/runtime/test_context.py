"""The context object's Execution part."""

from __future__ import annotations

from emulator.runtime.context import execution_context
from tests.unit.runtime.harness import make_execution

PASS = {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}


def test_standard_executions_carry_their_redrive_count() -> None:
    execution = make_execution(PASS)
    execution.redrive_count = 2
    assert execution_context(execution, {})["Execution"]["RedriveCount"] == 2


def test_express_executions_have_no_redrive_count() -> None:
    context = execution_context(make_execution(PASS, express=True), {"a": 1})
    assert "RedriveCount" not in context["Execution"]
    assert context["Execution"]["Input"] == {"a": 1}
