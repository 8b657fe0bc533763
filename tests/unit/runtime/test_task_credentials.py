"""Task Credentials: the account a task acts in and the taskCredentials event member."""

from __future__ import annotations

from typing import Any

from emulator.integrations.registry import IntegrationRegistry, TaskInvocation
from emulator.runtime.task_credentials import account_of, role_arn_of, task_credentials_details
from tests.fakes import StubIntegration
from tests.unit.runtime.harness import ACCOUNT, run_definition

ROLE = "arn:aws:iam::222222222222:role/trusted"


def test_the_role_account_is_the_task_account() -> None:
    assert account_of({"RoleArn": ROLE}, "111111111111") == "222222222222"
    assert account_of({"RoleArn": "not-an-arn"}, "111111111111") == "111111111111"
    assert account_of(None, "111111111111") == "111111111111"
    assert role_arn_of({"RoleArn": 5}) is None


def test_task_credentials_member_names_the_role() -> None:
    assert task_credentials_details({"RoleArn": ROLE}) == {"roleArn": ROLE}
    assert task_credentials_details(None) is None


def _registry() -> tuple[IntegrationRegistry, StubIntegration]:
    stub = StubIntegration(lambda call: {"ok": True})
    registry = IntegrationRegistry()
    registry.register("sqs", stub)
    return registry, stub


def _task(credentials: Any, jsonata: bool = False) -> dict[str, Any]:
    state: dict[str, Any] = {
        "Type": "Task",
        "Resource": "arn:aws:states:::sqs:sendMessage",
        "Credentials": credentials,
        "End": True,
    }
    if jsonata:
        state["Arguments"] = {"QueueUrl": "q", "MessageBody": "m"}
        return {"QueryLanguage": "JSONata", "StartAt": "T", "States": {"T": state}}
    state["Parameters"] = {"QueueUrl": "q", "MessageBody": "m"}
    return {"StartAt": "T", "States": {"T": state}}


async def test_a_task_with_a_role_path_is_called_in_the_role_account() -> None:
    registry, stub = _registry()
    execution = await run_definition(
        _task({"RoleArn.$": "$.role"}), f'{{"role": "{ROLE}"}}', integrations=registry
    )
    call: TaskInvocation = stub.calls[0]
    assert call.account == "222222222222"
    scheduled = next(e for e in execution.history.events if e.type == "TaskScheduled")
    assert scheduled.details is not None and scheduled.details["taskCredentials"] == {"roleArn": ROLE}


async def test_jsonata_credentials_are_evaluated() -> None:
    registry, stub = _registry()
    execution = await run_definition(
        _task({"RoleArn": "{% $states.input.role %}"}, jsonata=True),
        f'{{"role": "{ROLE}"}}',
        integrations=registry,
    )
    assert execution.status.value == "SUCCEEDED"
    assert stub.calls[0].credentials == {"RoleArn": ROLE}
    assert stub.calls[0].account == "222222222222"


async def test_without_credentials_the_execution_account_is_used() -> None:
    registry, stub = _registry()
    definition = _task({"RoleArn": ROLE})
    del definition["States"]["T"]["Credentials"]
    execution = await run_definition(definition, integrations=registry)
    assert stub.calls[0].account == ACCOUNT
    scheduled = next(e for e in execution.history.events if e.type == "TaskScheduled")
    assert scheduled.details is not None and "taskCredentials" not in scheduled.details
