"""SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat: answers to callback and activity tasks."""

from __future__ import annotations

from typing import Any

from emulator.errors import InvalidOutput, InvalidToken, TaskDoesNotExist, TaskTimedOut
from emulator.language.validate.json_text import jackson_problem
from emulator.model.jsontext import from_json_text
from emulator.runtime.task_tokens import PendingTask, TokenState, is_well_formed
from emulator.service.common import INVALID_TOKEN_MESSAGE
from emulator.service.environment import RequestContext, ServiceEnvironment


def _pending(env: ServiceEnvironment, context: RequestContext, token: str) -> PendingTask:
    if not is_well_formed(token):
        raise InvalidToken(INVALID_TOKEN_MESSAGE)
    registry = env.task_tokens
    state = registry.state(token)
    if state == TokenState.CLOSED:
        raise TaskTimedOut("Task Timed Out: 'Provided task does not exist anymore'")
    task = registry.find(token)
    if (
        state == TokenState.UNKNOWN
        or task is None
        or (task.account, task.region)
        != (
            context.account,
            context.region,
        )
    ):
        raise TaskDoesNotExist("Task Does Not Exist: 'Provided task does not exist'")
    return task


def send_task_success(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]
) -> dict[str, Any]:
    output = request["output"]
    task = _pending(env, context, request["taskToken"])
    try:
        from_json_text(output)
    except ValueError:
        raise InvalidOutput(f"Invalid Output: '{jackson_problem(output)}'")
    env.task_tokens.succeed(task, output)
    _store_answer(env, task.token, "SUCCESS", output, None, None)
    return {}


def send_task_failure(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]
) -> dict[str, Any]:
    task = _pending(env, context, request["taskToken"])
    env.task_tokens.fail(task, request.get("error"), request.get("cause"))
    _store_answer(env, task.token, "FAILURE", None, request.get("error"), request.get("cause"))
    return {}


def _store_answer(
    env: ServiceEnvironment, token: str, kind: str, output: str | None, error: str | None, cause: str | None
) -> None:
    """``--data-dir``: the answer is written before it is acknowledged (the task records its
    outcome a moment later; a kill in between must not lose it: see service/recovery.py)."""
    answered = getattr(env.store, "token_answered", None)
    if answered is not None:
        answered(token, kind, output, error, cause)


def send_task_heartbeat(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]
) -> dict[str, Any]:
    env.task_tokens.heartbeat(_pending(env, context, request["taskToken"]))
    return {}
