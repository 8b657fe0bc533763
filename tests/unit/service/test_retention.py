"""Retention of finished executions (service/retention.py): count and age limits on a manual clock."""

from __future__ import annotations

from emulator.model.records import Execution, ExecutionStatus, MapRun, StateMachine, StateMachineType
from emulator.service.retention import DAY_SECONDS, ExecutionRetention
from emulator.store.partition import Partition
from tests.fakes import ManualClock

MACHINE = StateMachine(
    arn="arn:aws:states:us-east-1:123456789012:stateMachine:m",
    name="m",
    definition="{}",
    role_arn="arn:aws:iam::123456789012:role/r",
    type=StateMachineType.STANDARD,
    creation_date=0.0,
    compiled=None,
)


def _start(
    partition: Partition,
    retention: ExecutionRetention,
    clock: ManualClock,
    name: str,
    status: ExecutionStatus = ExecutionStatus.SUCCEEDED,
    map_run_arn: str | None = None,
) -> Execution:
    execution = Execution(
        arn=f"arn:aws:states:us-east-1:123456789012:execution:m:{name}",
        name=name,
        state_machine=MACHINE,
        state_machine_arn=MACHINE.arn,
        input="{}",
        start_date=clock.now(),
        status=status,
        stop_date=None if status == ExecutionStatus.RUNNING else clock.now(),
        map_run_arn=map_run_arn,
    )
    partition.executions.put(execution.arn, execution)
    if map_run_arn is None:
        retention.execution_started(partition)
    return execution


def test_the_oldest_finished_executions_go_first_and_running_ones_stay() -> None:
    clock, partition = ManualClock(), Partition("123456789012", "us-east-1")
    evicted: list[str] = []
    retention = ExecutionRetention(clock, max_finished=100, max_age_seconds=0, on_evict=evicted.append)
    running = _start(partition, retention, clock, "running", ExecutionStatus.RUNNING)
    arns = [_start(partition, retention, clock, f"e{n}").arn for n in range(1_000)]
    assert running.arn in partition.executions
    assert len(partition.executions) <= 1 + 100 + retention.slack
    kept = [arn for arn in arns if arn in partition.executions]
    assert kept == arns[-len(kept) :]  # a suffix: the newest
    assert set(evicted) == set(arns[: -len(kept)])
    assert retention.sweep(partition, clock.now()) and len(partition.executions) == 101


def test_memory_stays_flat_over_100000_executions() -> None:
    clock, partition = ManualClock(), Partition("123456789012", "us-east-1")
    retention = ExecutionRetention(clock, max_finished=10_000, max_age_seconds=90 * DAY_SECONDS)
    sizes = []
    for n in range(100_000):
        _start(partition, retention, clock, f"e{n}")
        if n % 10_000 == 9_999:
            sizes.append(len(partition.executions))
    assert max(sizes) <= 10_000 + retention.slack
    assert sizes[-1] == sizes[-2] or abs(sizes[-1] - sizes[-2]) <= retention.slack


def test_executions_closed_longer_ago_than_the_retention_age_are_evicted() -> None:
    clock, partition = ManualClock(), Partition("123456789012", "us-east-1")
    retention = ExecutionRetention(clock, max_finished=0, max_age_seconds=90 * DAY_SECONDS)
    old = _start(partition, retention, clock, "old")
    long_running = _start(partition, retention, clock, "long", ExecutionStatus.RUNNING)
    clock.advance(89 * DAY_SECONDS)
    recent = _start(partition, retention, clock, "recent")
    assert old.arn in partition.executions
    clock.advance(2 * DAY_SECONDS)  # "old" closed 91 days ago, "recent" 2 days ago
    _start(partition, retention, clock, "trigger")
    assert old.arn not in partition.executions
    assert recent.arn in partition.executions and long_running.arn in partition.executions


def test_a_map_run_and_its_child_executions_go_with_their_parent() -> None:
    clock, partition = ManualClock(), Partition("123456789012", "us-east-1")
    retention = ExecutionRetention(clock, max_finished=1, max_age_seconds=0)
    parent = _start(partition, retention, clock, "parent", ExecutionStatus.RUNNING)
    run = MapRun(arn="arn:aws:states:us-east-1:123456789012:mapRun:m/r:1", execution_arn=parent.arn,
                 state_machine_arn=MACHINE.arn, start_date=clock.now())  # fmt: skip
    partition.map_runs.put(run.arn, run)
    children = [_start(partition, retention, clock, f"c{n}", map_run_arn=run.arn) for n in range(500)]
    _start(partition, retention, clock, "newer")  # a sweep: the children finished, their parent runs
    assert all(child.arn in partition.executions for child in children)  # never evicted on their own
    parent.status, parent.stop_date = ExecutionStatus.SUCCEEDED, clock.now()
    newest = _start(partition, retention, clock, "newest")
    assert parent.arn in retention.sweep(partition, clock.now())
    assert run.arn not in partition.map_runs
    assert list(partition.executions) == [newest.arn]


def test_express_children_and_the_map_runs_of_children_go_with_the_top_level_parent() -> None:
    # Map Run children of either ExecutionType are kept (API_DescribeExecution answers for an EXPRESS
    # one "a Map Run dispatched"); a child running a Distributed Map has Map Runs and children too.
    clock, partition = ManualClock(), Partition("123456789012", "us-east-1")
    retention = ExecutionRetention(clock, max_finished=1, max_age_seconds=0)
    parent = _start(partition, retention, clock, "parent")

    def map_run(owner: Execution, run_id: str) -> MapRun:
        run = MapRun(arn=f"arn:aws:states:us-east-1:123456789012:mapRun:m/r:{run_id}", execution_arn=owner.arn,
                     state_machine_arn=MACHINE.arn, start_date=clock.now())  # fmt: skip
        partition.map_runs.put(run.arn, run)
        return run

    outer = map_run(parent, "outer")
    child = _start(partition, retention, clock, "child", map_run_arn=outer.arn)
    child.express = True
    inner = map_run(child, "inner")
    grandchildren = [_start(partition, retention, clock, f"g{n}", map_run_arn=inner.arn) for n in range(3)]
    newest = _start(partition, retention, clock, "newest")
    assert parent.arn in retention.sweep(partition, clock.now())
    assert not any(run.arn in partition.map_runs for run in (outer, inner))
    assert not any(e.arn in partition.executions for e in (child, *grandchildren))
    assert list(partition.executions) == [newest.arn]


def test_zero_limits_keep_everything() -> None:
    clock, partition = ManualClock(), Partition("123456789012", "us-east-1")
    retention = ExecutionRetention(clock, max_finished=0, max_age_seconds=0)
    for n in range(2_000):
        _start(partition, retention, clock, f"e{n}")
        clock.advance(DAY_SECONDS)
    assert len(partition.executions) == 2_000
