"""A ``.sync`` task cancelled while its job runs asks the integration to stop the job."""

from __future__ import annotations

import asyncio
import random
from typing import Any

from emulator.integrations.registry import IntegrationRegistry, TaskInvocation
from emulator.model.records import ExecutionStatus
from emulator.runtime.callbacks import CallbackWaiter
from emulator.runtime.engine import Engine
from emulator.runtime.task_tokens import TaskTokenRegistry
from tests.fakes import ManualClock
from tests.unit.runtime.harness import make_execution

SYNC_TASK = {"Type": "Task", "Resource": "arn:aws:states:::codebuild:startBuild.sync", "End": True}


class EndlessJob:
    """Starts a job that never ends; records what is stopped."""

    def __init__(self) -> None:
        self.stopped: list[Any] = []

    async def invoke(self, invocation: TaskInvocation) -> Any:
        return {"Build": {"Id": "p:1"}}

    async def run_job(self, invocation: TaskInvocation, submitted: Any) -> Any:
        await asyncio.Event().wait()

    async def cancel_job(self, invocation: TaskInvocation, submitted: Any) -> None:
        self.stopped.append(submitted)


def engine_with(job: EndlessJob, **options: Any) -> Engine:
    registry = IntegrationRegistry()
    registry.register("codebuild", job)
    callbacks = CallbackWaiter(TaskTokenRegistry())
    return Engine(ManualClock(), registry, random.Random(1), callbacks=callbacks, **options)


async def settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


async def test_stopping_the_execution_stops_the_job() -> None:
    job = EndlessJob()
    engine = engine_with(job)
    execution = make_execution({"StartAt": "T", "States": {"T": SYNC_TASK}})
    engine.start(execution)
    await settle()
    assert job.stopped == []
    engine.stop(execution, None, None)
    await settle()
    assert execution.status is ExecutionStatus.ABORTED
    assert job.stopped == [{"Build": {"Id": "p:1"}}]


async def test_an_aborted_parallel_branch_stops_its_job() -> None:
    job = EndlessJob()
    fail = {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E"}}}
    waits = {"StartAt": "T", "States": {"T": SYNC_TASK}}
    definition = {
        "StartAt": "P",
        "States": {"P": {"Type": "Parallel", "Branches": [waits, fail], "End": True}},
    }
    engine = engine_with(job)
    execution = make_execution(definition)
    engine.start(execution)
    await engine.wait(execution)
    await settle()
    assert execution.status is ExecutionStatus.FAILED
    assert job.stopped == [{"Build": {"Id": "p:1"}}]


async def test_a_task_timeout_stops_the_job() -> None:
    job = EndlessJob()
    engine = engine_with(job, timeout_scale=0.001)
    execution = make_execution({"StartAt": "T", "States": {"T": dict(SYNC_TASK, TimeoutSeconds=1)}})
    engine.start(execution)
    await engine.wait(execution)
    await settle()
    assert execution.error == "States.Timeout"
    assert job.stopped == [{"Build": {"Id": "p:1"}}]


async def test_a_job_that_ends_is_not_stopped() -> None:
    job = EndlessJob()

    async def ends(invocation: TaskInvocation, submitted: Any) -> Any:
        return {"done": True}

    job.run_job = ends  # type: ignore[method-assign]
    engine = engine_with(job)
    execution = make_execution({"StartAt": "T", "States": {"T": SYNC_TASK}})
    engine.start(execution)
    await engine.wait(execution)
    await settle()
    assert execution.status is ExecutionStatus.SUCCEEDED
    assert job.stopped == []
