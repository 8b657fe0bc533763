"""Map Runs: the resource a Distributed Map state creates, its ARNs and its live counts.

The engine creates one ``MapRun`` record per run of a distributed Map state and keeps its status and
item / execution counts current while the child executions run. It makes the record (and the
child executions) visible to the control plane through a ``MapRunSink`` handed to it by the
composition root, so the runtime never imports the store or the service layer.
"""

from __future__ import annotations

import random
import uuid
from typing import Protocol

from emulator.model.arns import parse_states_arn, partition_for
from emulator.model.records import Execution, ExecutionStatus, MapRun, MapRunStatus

_COUNT_KEYS = ("pending", "running", "succeeded", "failed", "timedOut", "aborted", "total", "resultsWritten")
_STATUS_KEY = {
    ExecutionStatus.SUCCEEDED: "succeeded",
    ExecutionStatus.FAILED: "failed",
    ExecutionStatus.TIMED_OUT: "timedOut",
    ExecutionStatus.ABORTED: "aborted",
}


class MapRunSink(Protocol):
    """Where the engine registers Map Runs and their child executions (the store's partition)."""

    def map_run_started(self, account: str, region: str, map_run: MapRun) -> None:
        """A Map Run began; the record stays owned by the engine, which keeps updating it."""
        ...

    def child_execution_started(self, account: str, region: str, execution: Execution) -> None:
        """A child execution of a Map Run began (``execution.map_run_arn`` is set)."""
        ...


def new_uuid(rng: random.Random) -> str:
    """A version-4 UUID drawn from the engine's generator (deterministic in tests)."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def map_run_arn(region: str, account: str, state_machine_name: str, label: str, run_id: str) -> str:
    """``arn:<partition>:states:<region>:<account>:mapRun:<machine>/<label or generated id>:<run id>``."""
    return (
        f"arn:{partition_for(region)}:states:{region}:{account}:mapRun:{state_machine_name}/{label}:{run_id}"
    )


def child_state_machine_arn(state_machine_arn: str, label: str) -> str:
    """The labelled state machine ARN child executions report (``…:stateMachine:<machine>/<label>``)."""
    return f"{state_machine_arn}/{label}"


def child_execution_arn(
    region: str, account: str, state_machine_name: str, label: str, name: str, express: bool
) -> str:
    kind = "express" if express else "execution"
    return f"arn:{partition_for(region)}:states:{region}:{account}:{kind}:{state_machine_name}/{label}:{name}"


def state_machine_name_of(state_machine_arn: str) -> str:
    parsed = parse_states_arn(state_machine_arn)
    return parsed.rest if parsed is not None else state_machine_arn.rsplit(":", 1)[-1]


class MapRunCounts:
    """Keeps ``MapRun.item_counts`` / ``execution_counts`` current as children start and end."""

    __slots__ = ("map_run",)

    def __init__(self, map_run: MapRun) -> None:
        self.map_run = map_run
        map_run.item_counts = dict.fromkeys(_COUNT_KEYS, 0)
        map_run.execution_counts = dict.fromkeys(_COUNT_KEYS, 0)

    def planned(self, items: int, executions: int) -> None:
        self.map_run.item_counts.update(pending=items, total=items)
        self.map_run.execution_counts.update(pending=executions, total=executions)

    def started(self, items: int) -> None:
        self._move(self.map_run.item_counts, "pending", "running", items)
        self._move(self.map_run.execution_counts, "pending", "running", 1)

    def ended(self, status: ExecutionStatus, items: int) -> None:
        key = _STATUS_KEY.get(status, "failed")
        self._move(self.map_run.item_counts, "running", key, items)
        self._move(self.map_run.execution_counts, "running", key, 1)

    def results_written(self, items: int, executions: int) -> None:
        self.map_run.item_counts["resultsWritten"] = items
        self.map_run.execution_counts["resultsWritten"] = executions

    def finish(self, status: MapRunStatus, stop_date: float) -> None:
        self.map_run.status = status
        self.map_run.stop_date = stop_date

    @staticmethod
    def _move(counts: dict[str, int], source: str, target: str, amount: int) -> None:
        counts[source] = max(0, counts.get(source, 0) - amount)
        counts[target] = counts.get(target, 0) + amount
