"""Retention of finished executions: memory stays flat however many executions a session runs.

AWS keeps a closed execution for 90 days. A long-lived emulator (a CI container, a soak test) that
kept every execution forever would grow by kilobytes per execution without end, so a partition
(one account in one region) keeps at most ``max_finished`` finished executions and none that
closed more than ``max_age_seconds`` ago; the oldest go first. Eviction takes the whole execution:
its record and history, its Distributed Map runs and their child executions (of either type, and
theirs in turn when a child runs a Distributed Map itself), and its mocked test
case binding (task tokens of a finished execution are already closed; the registry's memory of
closed tokens is bounded on its own). Running executions are never evicted, and a Map Run's child
executions only go with their parent.

The sweep runs from StartExecution, when the partition has grown by a slack past the last sweep or
the clock has moved by a sweep interval since the last age check: O(1) per start, amortised.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from emulator.model.records import Execution, ExecutionStatus
from emulator.runtime.clock import Clock
from emulator.store.partition import Partition

DAY_SECONDS = 24 * 60 * 60
_UNFINISHED = frozenset({ExecutionStatus.RUNNING, ExecutionStatus.PENDING_REDRIVE})


@dataclass(slots=True)
class _Watermark:
    """Per partition: the table size that triggers the next count sweep, and the last age sweep."""

    size: int
    checked_at: float


@dataclass(slots=True)
class ExecutionRetention:
    """``max_finished`` / ``max_age_seconds`` of 0 turn that limit off. ``on_evict`` is told of every
    evicted execution ARN (the mock layer forgets its test-case binding)."""

    clock: Clock
    max_finished: int
    max_age_seconds: float
    on_evict: Callable[[str], None] | None = None
    _marks: dict[int, _Watermark] = field(default_factory=dict)

    @property
    def enabled(self) -> bool:
        return self.max_finished > 0 or self.max_age_seconds > 0

    @property
    def slack(self) -> int:
        return max(64, self.max_finished // 10) if self.max_finished > 0 else 1_000

    @property
    def age_check_interval(self) -> float:
        return min(self.max_age_seconds / 10, 3_600.0) if self.max_age_seconds > 0 else float("inf")

    def execution_started(self, partition: Partition) -> None:
        """Called after an execution was added to ``partition``; sweeps when it is due."""
        if not self.enabled:
            return
        now = self.clock.now()
        mark = self._marks.get(id(partition))
        if mark is None:
            mark = self._marks[id(partition)] = _Watermark(self.max_finished + self.slack, now)
        size = len(partition.executions)
        count_due = self.max_finished > 0 and size > mark.size
        age_due = now - mark.checked_at >= self.age_check_interval
        if count_due or age_due:
            self.sweep(partition, now)
            mark.size = max(len(partition.executions), self.max_finished) + self.slack
            mark.checked_at = now

    def sweep(self, partition: Partition, now: float) -> list[str]:
        """Evict what the limits say must go; returns the evicted top-level execution ARNs."""
        finished = [
            e for e in partition.executions.values() if e.map_run_arn is None and e.status not in _UNFINISHED
        ]
        surplus = len(finished) - self.max_finished if self.max_finished > 0 else 0
        cutoff = now - self.max_age_seconds if self.max_age_seconds > 0 else None
        doomed = [
            e
            for index, e in enumerate(finished)  # oldest first: the table keeps start order
            if index < surplus or (cutoff is not None and _closed_before(e, cutoff))
        ]
        if doomed:
            self._evict(partition, doomed)
        return [e.arn for e in doomed]

    def _evict(self, partition: Partition, doomed: list[Execution]) -> None:
        arns = {e.arn for e in doomed}
        # Down the tree: a child (STANDARD or EXPRESS) running a Distributed Map has Map Runs too.
        parents = set(arns)
        while parents:
            map_runs = {run.arn for run in partition.map_runs.values() if run.execution_arn in parents}
            for arn in map_runs:
                partition.map_runs.delete(arn)
            parents = (
                {e.arn for e in partition.executions.values() if e.map_run_arn in map_runs} - arns
                if map_runs
                else set()
            )
            arns.update(parents)
        for arn in arns:
            partition.executions.delete(arn)
            if self.on_evict is not None:
                self.on_evict(arn)


def _closed_before(execution: Execution, cutoff: float) -> bool:
    return execution.stop_date is not None and execution.stop_date < cutoff
