from __future__ import annotations

import base64

from emulator.runtime.task_tokens import OutcomeKind, TaskTokenRegistry, TokenState, is_well_formed


async def test_issued_tokens_are_well_formed_and_pending() -> None:
    registry = TaskTokenRegistry()
    task = registry.issue("123456789012", "us-east-1")
    assert is_well_formed(task.token)
    assert registry.state(task.token) == TokenState.PENDING
    assert registry.find(task.token) is task


async def test_success_resolves_the_outcome_and_closes_the_token() -> None:
    registry = TaskTokenRegistry()
    task = registry.issue("123456789012", "us-east-1")
    registry.succeed(task, '{"a":1}')
    outcome = await task.outcome
    assert (outcome.kind, outcome.output) == (OutcomeKind.SUCCESS, '{"a":1}')
    assert registry.state(task.token) == TokenState.CLOSED
    assert registry.find(task.token) is None


async def test_heartbeat_calls_back() -> None:
    beats: list[int] = []
    registry = TaskTokenRegistry()
    task = registry.issue("123456789012", "us-east-1", on_heartbeat=lambda: beats.append(1))
    registry.heartbeat(task)
    registry.heartbeat(task)
    assert beats == [1, 1]


async def test_closed_tokens_are_remembered_only_up_to_the_bound() -> None:
    registry = TaskTokenRegistry(closed_memory=2)
    tokens = [registry.issue("123456789012", "us-east-1").token for _ in range(3)]
    for token in tokens:
        registry.close(token)
    assert [registry.state(t) for t in tokens] == [TokenState.UNKNOWN, TokenState.CLOSED, TokenState.CLOSED]
    assert len(registry) == 0


def test_malformed_tokens_are_recognised() -> None:
    assert not is_well_formed("NoSuchTaskToken")
    assert not is_well_formed("")
    assert not is_well_formed(base64.urlsafe_b64encode(b"a:b").decode())
    assert is_well_formed(base64.urlsafe_b64encode(b"123456789012:us-east-1:x").decode())
