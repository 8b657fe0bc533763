"""The durable store (--data-dir): what a restart keeps, what it refuses, what it resumes.

Each test builds an environment on a data directory, changes things through the service functions
(as the API would), closes the store as a shut-down does, and builds a second environment on the
same directory. The clock is virtual: resumed Waits end when the test moves it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from emulator.app import build_environment
from emulator.model.records import ExecutionStatus
from emulator.service import (
    activities,
    aliases,
    executions,
    map_runs,
    redrive,
    state_machines,
    tags,
    task_tokens,
)
from emulator.service.environment import RequestContext, ServiceEnvironment
from emulator.service.recovery import recover
from emulator.settings import Settings
from emulator.store.schema import (
    APPLICATION_ID,
    DATABASE_FILE,
    MIGRATIONS,
    SCHEMA_VERSION,
    IncompatibleDataDir,
    _statements,
    open_database,
)
from emulator.store.sqlite import (
    _COMPILED_SLOT,
    _INPUT_SLOT,
    _NOT_COMPILED,
    DataDirInUse,
    SqliteStore,
    StoredHistory,
)

CONTEXT = RequestContext("123456789012", "us-east-1", "request")
ROLE = "arn:aws:iam::123456789012:role/r"
PASS = {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"x": 1}, "End": True}}}
WAIT = {
    "StartAt": "W",
    "States": {
        "W": {"Type": "Wait", "Seconds": 60, "Assign": {"waited": True}, "Next": "P"},
        "P": {"Type": "Pass", "Output": "{% $waited %}", "QueryLanguage": "JSONata", "End": True},
    },
}


def settings_for(directory: Path, **changes: Any) -> Settings:
    return dataclasses.replace(Settings(), data_dir=str(directory), clock="virtual", **changes)


def run(directory: Path, body: Callable[[ServiceEnvironment], Awaitable[Any]], **changes: Any) -> Any:
    """``body`` on an environment over ``directory``, then a clean shut-down (the store closed
    before the loop cancels what still runs, as app.py does)."""

    async def main() -> Any:
        env = build_environment(settings_for(directory, **changes))
        try:
            return await body(env)
        finally:
            env.store.close()  # type: ignore[attr-defined]
            await env.clock.close()  # type: ignore[attr-defined]

    return asyncio.run(main())


async def settled(env: ServiceEnvironment) -> None:
    for _ in range(5):
        await asyncio.sleep(0)
    waiting = env.store.settle()
    if waiting is not None:
        await waiting


def create(env: ServiceEnvironment, name: str, definition: dict[str, Any]) -> str:
    request = {"name": name, "definition": json.dumps(definition), "roleArn": ROLE}
    return str(state_machines.create_state_machine(env, CONTEXT, request)["stateMachineArn"])


def test_resources_survive_a_restart(tmp_path: Path) -> None:
    async def first(env: ServiceEnvironment) -> dict[str, Any]:
        arn = create(env, "m", PASS)
        state_machines.update_state_machine(
            env, CONTEXT, {"stateMachineArn": arn, "definition": json.dumps(WAIT), "publish": True}
        )
        version = state_machines.describe_state_machine(env, CONTEXT, {"stateMachineArn": arn + ":1"})
        aliases.create_state_machine_alias(
            env,
            CONTEXT,
            {"name": "live", "routingConfiguration": [{"stateMachineVersionArn": arn + ":1", "weight": 100}]},
        )
        activity = activities.create_activity(env, CONTEXT, {"name": "act"})["activityArn"]
        tags.tag_resource(
            env,
            CONTEXT,
            {"resourceArn": arn, "tags": [{"key": "a", "value": "1"}, {"key": "b", "value": "2"}]},
        )
        tags.untag_resource(env, CONTEXT, {"resourceArn": arn, "tagKeys": ["b"]})
        await settled(env)
        return {
            "machine": state_machines.describe_state_machine(env, CONTEXT, {"stateMachineArn": arn}),
            "version": version,
            "alias": aliases.describe_state_machine_alias(
                env, CONTEXT, {"stateMachineAliasArn": arn + ":live"}
            ),
            "activity": activities.describe_activity(env, CONTEXT, {"activityArn": activity}),
            "tags": tags.list_tags_for_resource(env, CONTEXT, {"resourceArn": arn}),
        }

    before = run(tmp_path, first)

    async def second(env: ServiceEnvironment) -> dict[str, Any]:
        arn = before["machine"]["stateMachineArn"]
        return {
            "machine": state_machines.describe_state_machine(env, CONTEXT, {"stateMachineArn": arn}),
            "version": state_machines.describe_state_machine(env, CONTEXT, {"stateMachineArn": arn + ":1"}),
            "alias": aliases.describe_state_machine_alias(
                env, CONTEXT, {"stateMachineAliasArn": arn + ":live"}
            ),
            "activity": activities.describe_activity(
                env, CONTEXT, {"activityArn": before["activity"]["activityArn"]}
            ),
            "tags": tags.list_tags_for_resource(env, CONTEXT, {"resourceArn": arn}),
        }

    after = run(tmp_path, second)
    assert after == before
    assert after["tags"] == {"tags": [{"key": "a", "value": "1"}]}


def test_finished_executions_and_their_histories_survive_and_are_read_when_asked(tmp_path: Path) -> None:
    async def first(env: ServiceEnvironment) -> tuple[str, list[dict[str, Any]]]:
        arn = create(env, "m", PASS)
        execution = executions.start_execution(env, CONTEXT, {"stateMachineArn": arn, "input": '{"a": 1}'})
        await settled(env)
        history = executions.get_execution_history(env, CONTEXT, {"executionArn": execution["executionArn"]})
        return execution["executionArn"], history["events"]

    arn, events = run(tmp_path, first)

    async def second(env: ServiceEnvironment) -> None:
        record = env.store.partition(CONTEXT.account, CONTEXT.region).executions.get(arn)
        assert record is not None and isinstance(record.history, StoredHistory)
        described = executions.describe_execution(env, CONTEXT, {"executionArn": arn})
        assert described["status"] == "SUCCEEDED" and described["output"] == '{"x":1}'
        assert described["input"] == '{"a": 1}'
        history = executions.get_execution_history(env, CONTEXT, {"executionArn": arn})
        assert history["events"] == events

    run(tmp_path, second)


def test_start_up_reads_summaries_and_compiles_nothing_the_rest_is_read_on_first_use(tmp_path: Path) -> None:
    async def first(env: ServiceEnvironment) -> tuple[str, str]:
        machine = create(env, "m", PASS)
        execution = executions.start_execution(
            env, CONTEXT, {"stateMachineArn": machine, "input": '{"a": 1}'}
        )
        await settled(env)
        return machine, execution["executionArn"]

    machine_arn, arn = run(tmp_path, first)

    async def second(env: ServiceEnvironment) -> None:
        partition = env.store.partition(CONTEXT.account, CONTEXT.region)
        record = partition.executions.get(arn)
        machine = partition.state_machines.get(machine_arn)
        assert record is not None and machine is not None
        assert type(_INPUT_SLOT.__get__(record)) is int  # the row id: the details are not read yet
        assert _COMPILED_SLOT.__get__(machine) is _NOT_COMPILED
        assert record.status == ExecutionStatus.SUCCEEDED and record.name == arn.rsplit(":", 1)[1]
        record.cause = "set before the details were read"  # reads them first: nothing is lost
        assert (record.input, record.output, record.cause) == (
            '{"a": 1}',
            '{"x":1}',
            "set before the details were read",
        )
        assert machine.compiled is not None and machine.compiled is _COMPILED_SLOT.__get__(machine)
        again = executions.start_execution(env, CONTEXT, {"stateMachineArn": machine_arn, "input": "{}"})
        await settled(env)
        described = executions.describe_execution(env, CONTEXT, {"executionArn": again["executionArn"]})
        assert described["status"] == "SUCCEEDED"

    run(tmp_path, second)


# Fails in P until the execution is redriven (RedriveExecution restarts from the failed state).
FAILS_UNTIL_REDRIVEN = {
    "QueryLanguage": "JSONata",
    "StartAt": "First",
    "States": {
        "First": {"Type": "Pass", "Output": {"b": "{% $states.input.a %}"}, "Next": "P"},
        "P": {
            "Type": "Pass",
            "Output": "{% $states.context.Execution.RedriveCount = 0 ? $error('not yet') : $states.input.b %}",
            "End": True,
        },
    },
}
MAP_FAILS = {
    "StartAt": "M",
    "States": {
        "M": {
            "Type": "Map",
            "ItemProcessor": {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E"}}},
            "End": True,
        }
    },
}


def test_an_execution_that_failed_before_a_restart_is_redriven_from_its_failed_state(tmp_path: Path) -> None:
    async def first(env: ServiceEnvironment) -> tuple[str, str]:
        arn = create(env, "m", FAILS_UNTIL_REDRIVEN)
        started = executions.start_execution(env, CONTEXT, {"stateMachineArn": arn, "input": '{"a": 7}'})
        mapped = create(env, "map", MAP_FAILS)
        in_map = executions.start_execution(env, CONTEXT, {"stateMachineArn": mapped, "input": "[1]"})
        await settled(env)
        for execution_arn in (started["executionArn"], in_map["executionArn"]):
            described = executions.describe_execution(env, CONTEXT, {"executionArn": execution_arn})
            assert described["status"] == "FAILED", described
        return started["executionArn"], in_map["executionArn"]

    arn, in_map = run(tmp_path, first)

    async def second(env: ServiceEnvironment) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        redrive.redrive_execution(env, CONTEXT, {"executionArn": arn})
        for _ in range(50):
            await asyncio.sleep(0)
        await settled(env)
        # RedriveExecution "reschedules and redrives only the iterations and branches that failed
        # or aborted" (API_RedriveExecution.html): its one iteration runs again, and fails again.
        redrive.redrive_execution(env, CONTEXT, {"executionArn": in_map})
        for _ in range(50):
            await asyncio.sleep(0)
        await settled(env)
        again = executions.get_execution_history(env, CONTEXT, {"executionArn": in_map})["events"]
        again_types = [event["type"] for event in again]
        assert again_types[again_types.index("ExecutionRedriven") :] == [
            "ExecutionRedriven",
            "MapStateEntered",
            "MapStateStarted",
            "MapIterationStarted",
            "FailStateEntered",
            "MapIterationFailed",
            "MapStateFailed",
            "ExecutionFailed",
        ]
        history = executions.get_execution_history(env, CONTEXT, {"executionArn": arn})["events"]
        return executions.describe_execution(env, CONTEXT, {"executionArn": arn}), history

    described, events = run(tmp_path, second)
    assert (
        described["status"] == "SUCCEEDED" and described["output"] == "7" and described["redriveCount"] == 1
    )
    types = [event["type"] for event in events]
    assert types[types.index("ExecutionFailed") :] == [
        "ExecutionFailed",
        "ExecutionRedriven",
        "PassStateEntered",
        "PassStateExited",
        "ExecutionSucceeded",
    ]
    assert [event["id"] for event in events] == list(range(1, len(events) + 1))
    assert events[types.index("ExecutionRedriven") + 1]["stateEnteredEventDetails"]["name"] == "P"


def _callback(child_arn: str) -> dict[str, Any]:
    """Waits on a token handed to a nested execution (in process: no backend needed)."""
    return {
        "StartAt": "Ask",
        "States": {
            "Ask": {
                "Type": "Task",
                "Resource": "arn:aws:states:::states:startExecution.waitForTaskToken",
                "Parameters": {"StateMachineArn": child_arn, "Input": {"token.$": "$$.Task.Token"}},
                "End": True,
            }
        },
    }


def test_a_task_token_answered_just_before_a_kill_is_not_lost(tmp_path: Path) -> None:
    async def first(env: ServiceEnvironment) -> str:
        child = create(env, "child", PASS)
        parent = create(env, "parent", _callback(child))
        arn = executions.start_execution(env, CONTEXT, {"stateMachineArn": parent, "input": "{}"})[
            "executionArn"
        ]
        for _ in range(200):
            if len(env.task_tokens) == 1:
                break
            await asyncio.sleep(0)
        await settled(env)
        token = env.task_tokens.pending()[0].token
        task_tokens.send_task_success(env, CONTEXT, {"taskToken": token, "output": '{"answer": 42}'})
        # What the API awaits before acknowledging the answer: settle() hands the answer to the writer
        # at once; close() below commits what was handed over. Not awaited here, so the loop cannot run
        # the resumed task (which would record TaskSucceeded …) before the kill: the answer alone is
        # written, whatever the machine's load.
        assert env.store.settle() is not None
        # killed now
        store: Any = env.store
        store._closed = True
        store._writer.close()  # commits only what was handed over: the answer
        store._reader.close()
        store._lock.close()
        return str(arn)

    arn = run(tmp_path, first)

    async def second(env: ServiceEnvironment) -> dict[str, Any]:
        events = executions.get_execution_history(env, CONTEXT, {"executionArn": arn})["events"]
        assert events[-1]["type"] == "TaskSubmitted"  # the answer's outcome was not recorded
        assert await recover(env) == 1
        record = executions.get_execution(env, CONTEXT, arn)
        await asyncio.wait_for(env.engine.wait(record), 10)  # a guard: without the answer it waits on
        await settled(env)
        return executions.describe_execution(env, CONTEXT, {"executionArn": arn})

    described = run(tmp_path, second)
    assert described["status"] == "SUCCEEDED" and json.loads(described["output"]) == {"answer": 42}


def test_a_wait_resumes_in_place_and_ends_when_it_was_due(tmp_path: Path) -> None:
    async def first(env: ServiceEnvironment) -> tuple[str, float]:
        arn = create(env, "m", WAIT)
        execution = executions.start_execution(env, CONTEXT, {"stateMachineArn": arn})
        await env.clock.advance(20)  # type: ignore[attr-defined]
        await settled(env)
        return str(execution["executionArn"]), env.clock.now()

    arn, stopped_at = run(tmp_path, first)

    async def second(env: ServiceEnvironment) -> tuple[list[dict[str, Any]], list[str]]:
        await env.clock.set(stopped_at)  # type: ignore[attr-defined]  # virtual time goes on from the stop
        assert await recover(env) == 1
        record = env.store.partition(CONTEXT.account, CONTEXT.region).executions.get(arn)
        assert record is not None and record.status == ExecutionStatus.RUNNING
        await env.clock.advance(39)  # type: ignore[attr-defined]
        assert (
            record.status == ExecutionStatus.RUNNING
        )  # due 60 s after it was entered, not after the restart
        await env.clock.advance(2)  # type: ignore[attr-defined]
        await settled(env)
        assert record.status == ExecutionStatus.SUCCEEDED and record.output == "true"
        events = executions.get_execution_history(env, CONTEXT, {"executionArn": arn})["events"]
        return events, [e["type"] for e in events]

    events, types = run(tmp_path, second)
    assert types == [
        "ExecutionStarted",
        "WaitStateEntered",
        "WaitStateExited",
        "PassStateEntered",
        "PassStateExited",
        "ExecutionSucceeded",
    ]
    assert [e["id"] for e in events] == list(range(1, len(events) + 1))
    assert all(0 <= e["previousEventId"] < e["id"] for e in events)

    async def third(env: ServiceEnvironment) -> str:  # and what the resumed run wrote is kept too
        described = executions.describe_execution(env, CONTEXT, {"executionArn": arn})
        return str(described["status"])

    assert run(tmp_path, third) == "SUCCEEDED"


def test_an_execution_that_cannot_be_resumed_fails_with_a_runtime_error_saying_why(tmp_path: Path) -> None:
    async def first(env: ServiceEnvironment) -> str:
        arn = create(env, "m", WAIT)
        execution = executions.start_execution(env, CONTEXT, {"stateMachineArn": arn})
        await settled(env)
        return str(execution["executionArn"])

    arn = run(tmp_path, first)
    database = sqlite3.connect(tmp_path / DATABASE_FILE)
    database.execute(
        "UPDATE executions SET position = ? WHERE arn = ?", ('{"state": "Gone", "input": "{}"}', arn)
    )
    database.commit()
    database.close()

    async def second(env: ServiceEnvironment) -> dict[str, Any]:
        assert await recover(env) == 0
        await settled(env)
        return executions.describe_execution(env, CONTEXT, {"executionArn": arn})

    described = run(tmp_path, second)
    assert described["status"] == "FAILED" and described["error"] == "States.Runtime"
    assert "could not be resumed" in described["cause"] and "'Gone'" in described["cause"]


def test_a_directory_written_by_a_newer_schema_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / DATABASE_FILE
    database = sqlite3.connect(path)
    database.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    database.execute("CREATE TABLE future (x)")
    database.commit()
    database.close()
    before = path.read_bytes()
    with pytest.raises(IncompatibleDataDir, match="newer sfn-emulator"):
        SqliteStore(str(tmp_path))
    assert path.read_bytes() == before
    assert not os.path.exists(str(path) + "-wal")


DISTRIBUTED = {
    "StartAt": "M",
    "States": {
        "M": {
            "Type": "Map",
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
                "StartAt": "P",
                "States": {"P": {"Type": "Pass", "End": True}},
            },
            "ItemBatcher": {"MaxItemsPerBatch": 2},
            "End": True,
        }
    },
}


def test_a_map_runs_children_are_listed_with_their_item_counts_after_a_restart(tmp_path: Path) -> None:
    """ListExecutions(mapRunArn) answers the same before and after a restart, itemCount included
    (API_ExecutionListItem: itemCount, "the total number of items processed in a child workflow
    execution", returned when listed by mapRunArn)."""

    async def first(env: ServiceEnvironment) -> tuple[str, list[dict[str, Any]]]:
        arn = create(env, "m", DISTRIBUTED)
        parent = executions.start_execution(env, CONTEXT, {"stateMachineArn": arn, "input": "[1, 2, 3]"})
        described: dict[str, Any] = {}
        for _ in range(200):
            await settled(env)
            described = executions.describe_execution(env, CONTEXT, {"executionArn": parent["executionArn"]})
            if described["status"] != "RUNNING":
                break
        assert described["status"] == "SUCCEEDED"
        run_arn = map_runs.list_map_runs(env, CONTEXT, {"executionArn": parent["executionArn"]})["mapRuns"][
            0
        ]["mapRunArn"]
        await settled(env)
        return run_arn, executions.list_executions(env, CONTEXT, {"mapRunArn": run_arn})["executions"]

    run_arn, children = run(tmp_path, first)
    assert sorted(child["itemCount"] for child in children) == [1, 2]

    async def second(env: ServiceEnvironment) -> list[dict[str, Any]]:
        return list(executions.list_executions(env, CONTEXT, {"mapRunArn": run_arn})["executions"])

    assert run(tmp_path, second) == children


def test_a_version_1_directory_is_migrated_with_what_it_holds(tmp_path: Path) -> None:
    path = tmp_path / DATABASE_FILE
    database = sqlite3.connect(path, isolation_level=None)
    for statement in _statements(MIGRATIONS[0]):
        database.execute(statement)
    database.execute(f"PRAGMA application_id={APPLICATION_ID}")
    database.execute("PRAGMA user_version=1")
    database.execute("INSERT INTO meta VALUES ('kept', 'yes')")
    database.close()
    open_database(str(path)).close()
    database = sqlite3.connect(path)
    assert database.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
    assert database.execute("SELECT value FROM meta").fetchall() == [("yes",)]
    assert database.execute("SELECT count(*) FROM token_outcomes").fetchone()[0] == 0
    columns = [row[1] for row in database.execute("PRAGMA table_info(executions)")]
    assert columns[-1] == "item_count"  # version 3


def test_a_foreign_sqlite_file_is_refused(tmp_path: Path) -> None:
    database = sqlite3.connect(tmp_path / DATABASE_FILE)
    database.execute("CREATE TABLE theirs (x)")
    database.commit()
    database.close()
    with pytest.raises(IncompatibleDataDir, match="not an sfn-emulator data file"):
        SqliteStore(str(tmp_path))


def test_one_emulator_at_a_time_per_directory(tmp_path: Path) -> None:
    store = SqliteStore(str(tmp_path))
    try:
        with pytest.raises(DataDirInUse, match="in use"):
            SqliteStore(str(tmp_path))
    finally:
        store.close()


def test_retention_evicts_stored_executions_from_the_disk_too(tmp_path: Path) -> None:
    async def first(env: ServiceEnvironment) -> list[str]:
        arn = create(env, "m", PASS)
        arns = [
            executions.start_execution(env, CONTEXT, {"stateMachineArn": arn})["executionArn"]
            for _ in range(30)
        ]
        await settled(env)
        return [str(a) for a in arns]

    arns = run(tmp_path, first)

    async def second(env: ServiceEnvironment) -> list[str]:
        await recover(env)  # sweeps what was read back
        await settled(env)
        return [e.arn for e in env.store.partition(CONTEXT.account, CONTEXT.region).executions.values()]

    kept = run(tmp_path, second, retained_executions=5)
    assert 5 <= len(kept) < 30 and kept == arns[-len(kept) :]
    database = sqlite3.connect(tmp_path / DATABASE_FILE)
    stored = [row[0] for row in database.execute("SELECT arn FROM executions ORDER BY id")]
    orphans = database.execute(
        "SELECT count(*) FROM events WHERE execution NOT IN (SELECT id FROM executions)"
    )
    assert stored == kept and orphans.fetchone()[0] == 0
    database.close()


# Each item waits its own number of seconds, one iteration at a time.
MAP_OF_WAITS = {
    "StartAt": "M",
    "States": {
        "M": {
            "Type": "Map",
            "MaxConcurrency": 1,
            "ItemProcessor": {
                "StartAt": "W",
                "States": {
                    "W": {"Type": "Wait", "SecondsPath": "$", "Next": "P"},
                    "P": {"Type": "Pass", "End": True},
                },
            },
            "End": True,
        }
    },
}


def test_an_inline_map_resumed_keeps_the_iterations_that_succeeded(tmp_path: Path) -> None:
    # Map state in Inline mode (state-map-inline.html): each iteration's result lands at its index of
    # the Map's output. After a restart the Map is entered again (the restart is the emulator's, not
    # AWS's) and, as RedriveExecution does, runs again only what had not succeeded.
    async def first(env: ServiceEnvironment) -> tuple[str, float]:
        arn = create(env, "m", MAP_OF_WAITS)
        execution = executions.start_execution(env, CONTEXT, {"stateMachineArn": arn, "input": "[1, 2, 100]"})
        await env.clock.advance(20)  # type: ignore[attr-defined]  # items 0 and 1 done, item 2 waits
        await settled(env)
        return str(execution["executionArn"]), env.clock.now()

    arn, stopped_at = run(tmp_path, first)

    async def second(env: ServiceEnvironment) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        await env.clock.set(stopped_at)  # type: ignore[attr-defined]
        assert await recover(env) == 1
        await env.clock.advance(200)  # type: ignore[attr-defined]
        await settled(env)
        described = executions.describe_execution(env, CONTEXT, {"executionArn": arn})
        events = executions.get_execution_history(env, CONTEXT, {"executionArn": arn})["events"]
        return described, events

    described, events = run(tmp_path, second)
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"]) == [1, 2, 100]
    started = [
        e["mapIterationStartedEventDetails"]["index"] for e in events if e["type"] == "MapIterationStarted"
    ]
    assert started == [0, 1, 2, 2]  # item 2 again after the restart; items 0 and 1 not run again
    assert [e["type"] for e in events].count("MapStateEntered") == 2
    assert [e["id"] for e in events] == list(range(1, len(events) + 1))
    assert all(0 <= e["previousEventId"] < e["id"] for e in events)


PARALLEL_OF_WAITS = {
    "StartAt": "Par",
    "States": {
        "Par": {
            "Type": "Parallel",
            "Branches": [
                {
                    "StartAt": "Short",
                    "States": {
                        "Short": {"Type": "Wait", "Seconds": 1, "Next": "Done"},
                        "Done": {"Type": "Succeed"},
                    },
                },
                {"StartAt": "Long", "States": {"Long": {"Type": "Wait", "Seconds": 100, "End": True}}},
            ],
            "End": True,
        }
    },
}


def test_a_parallel_resumed_keeps_the_branches_that_ended(tmp_path: Path) -> None:
    # Parallel workflow state (state-parallel.html): the output holds each branch's result at its
    # index. After a restart the Parallel is entered again and runs again only the branches that had
    # not ended (a branch ends when a state of its own with End, or a Succeed state, exits).
    async def first(env: ServiceEnvironment) -> tuple[str, float]:
        arn = create(env, "p", PARALLEL_OF_WAITS)
        execution = executions.start_execution(env, CONTEXT, {"stateMachineArn": arn, "input": '{"x": 1}'})
        await env.clock.advance(20)  # type: ignore[attr-defined]  # branch 0 done, branch 1 waits
        await settled(env)
        return str(execution["executionArn"]), env.clock.now()

    arn, stopped_at = run(tmp_path, first)

    async def second(env: ServiceEnvironment) -> tuple[dict[str, Any], list[str]]:
        await env.clock.set(stopped_at)  # type: ignore[attr-defined]
        assert await recover(env) == 1
        await env.clock.advance(200)  # type: ignore[attr-defined]
        await settled(env)
        described = executions.describe_execution(env, CONTEXT, {"executionArn": arn})
        events = executions.get_execution_history(env, CONTEXT, {"executionArn": arn})["events"]
        return described, [
            e["stateEnteredEventDetails"]["name"] for e in events if "stateEnteredEventDetails" in e
        ]

    described, entered = run(tmp_path, second)
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"]) == [{"x": 1}, {"x": 1}]
    assert entered == ["Par", "Short", "Long", "Done", "Par", "Long"]  # Short / Done not run again


# Item 1 fails until the execution is redriven; one iteration at a time.
MAP_FAILS_UNTIL_REDRIVEN = {
    "QueryLanguage": "JSONata",
    "StartAt": "M",
    "States": {
        "M": {
            "Type": "Map",
            "MaxConcurrency": 1,
            "ItemProcessor": {
                "StartAt": "P",
                "States": {
                    "P": {
                        "Type": "Pass",
                        "Output": "{% $states.context.Execution.RedriveCount = 0 and $states.input = 1"
                        " ? $error('not yet') : $states.input %}",
                        "End": True,
                    }
                },
            },
            "End": True,
        }
    },
}


def test_a_map_that_failed_before_a_restart_is_redriven_keeping_its_succeeded_iterations(
    tmp_path: Path,
) -> None:
    # API_RedriveExecution.html: "For workflows that include an Inline Map or Parallel state,
    # RedriveExecution … reschedules and redrives only the iterations and branches that failed or
    # aborted." After a restart the succeeded iterations are read back from the history.
    async def first(env: ServiceEnvironment) -> str:
        arn = create(env, "m", MAP_FAILS_UNTIL_REDRIVEN)
        started = executions.start_execution(env, CONTEXT, {"stateMachineArn": arn, "input": "[0, 1, 2]"})
        await settled(env)
        described = executions.describe_execution(env, CONTEXT, {"executionArn": started["executionArn"]})
        assert described["status"] == "FAILED", described
        return str(started["executionArn"])

    arn = run(tmp_path, first)

    async def second(env: ServiceEnvironment) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        redrive.redrive_execution(env, CONTEXT, {"executionArn": arn})
        for _ in range(50):
            await asyncio.sleep(0)
        await settled(env)
        events = executions.get_execution_history(env, CONTEXT, {"executionArn": arn})["events"]
        return executions.describe_execution(env, CONTEXT, {"executionArn": arn}), events

    described, events = run(tmp_path, second)
    assert described["status"] == "SUCCEEDED" and json.loads(described["output"]) == [0, 1, 2]
    started = [
        e["mapIterationStartedEventDetails"]["index"] for e in events if e["type"] == "MapIterationStarted"
    ]
    assert started == [0, 1, 1, 2]  # item 0 kept; item 1 failed, item 2 never started: both run
