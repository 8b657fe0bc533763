"""The durable store (``--data-dir``): the in-memory partitions, written through to SQLite.

Reads are served from memory exactly as by ``MemoryStore`` (the same ``Partition`` and record
objects the runtime mutates), so the service and runtime code do not know which store they have.
What changes is journalled on the event loop, without I/O: ``Table.put`` / ``delete`` (the service
puts a record again after changing it), every history event (the store subscribes to the
execution event hub) and the execution's own flow position. Once per loop step the journal is
turned into rows and handed to the one writer thread (``writer.py``), which group-commits.
``settle()`` is what an API answer awaits so that nothing answered is lost on kill -9.

At start-up everything is read back: resources and execution records at once, each finished
execution's history only when it is first read (``StoredHistory``).
"""

from __future__ import annotations

import asyncio
import fcntl
import functools
import gc
import json
import logging
import os
import sqlite3
from collections.abc import Callable
from typing import Any

from emulator.model.history import History, HistoryEvent
from emulator.model.records import Execution, ExecutionStatus, StateMachine
from emulator.store import codec
from emulator.store.partition import Partition, Table
from emulator.store.schema import DATABASE_FILE, IncompatibleDataDir, open_database
from emulator.store.writer import Statement, Writer

log = logging.getLogger("emulator.store")

_UPSERT_RESOURCE = (
    "INSERT INTO resources (kind, account, region, arn, seq, body) VALUES (?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (kind, account, region, arn) DO UPDATE SET body = excluded.body"
)
_DELETE_RESOURCE = "DELETE FROM resources WHERE kind = ? AND account = ? AND region = ? AND arn = ?"
_INSERT_SNAPSHOT = "INSERT OR IGNORE INTO machine_snapshots (hash, body) VALUES (?, ?)"
_INSERT_EXECUTION = (
    "INSERT OR REPLACE INTO executions (id, arn, account, region, name, machine, state_machine_arn, input, "
    "start_date, status, trace_header, version_arn, alias_arn, map_run_arn) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_UPDATE_EXECUTION = (
    "UPDATE executions SET status = ?, stop_date = ?, output = ?, error = ?, cause = ?, redrive_count = ?, "
    "redrive_date = ?, position = ?, root_last = ? WHERE id = ?"
)
_DELETE_EXECUTION = "DELETE FROM executions WHERE id = ?"
_DELETE_EVENTS = "DELETE FROM events WHERE execution = ?"
_INSERT_EVENT = (
    "INSERT OR REPLACE INTO events (execution, id, previous, type, timestamp, details_key, details) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)
_STATUSES = {status.value: status for status in ExecutionStatus}
_SELECT_EVENTS = (
    "SELECT id, previous, type, timestamp, details_key, details FROM events WHERE execution = ? ORDER BY id"
)


class DataDirInUse(IncompatibleDataDir):
    """Another emulator holds the directory."""


class StoredHistory(History):
    """A history read from the data directory when first used (start-up reads no events)."""

    __slots__ = ("_load",)

    def __init__(self, load: Callable[[], list[HistoryEvent]]) -> None:  # noqa: D107 - no super: lazy
        self.listener = None
        self._load: Callable[[], list[HistoryEvent]] | None = load

    @property  # type: ignore[override]
    def events(self) -> list[HistoryEvent]:
        load = self._load
        if load is not None:
            self._load = None
            _EVENTS_SLOT.__set__(self, load())
        events: list[HistoryEvent] = _EVENTS_SLOT.__get__(self)
        return events

    @events.setter
    def events(self, value: list[HistoryEvent]) -> None:
        self._load = None
        _EVENTS_SLOT.__set__(self, value)


_EVENTS_SLOT: Any = History.__dict__["events"]


class _DurableTable(Table[Any]):
    __slots__ = ("_journal", "_kind", "_account", "_region")

    def __init__(self, journal: SqliteStore, kind: str, account: str, region: str) -> None:
        super().__init__()
        self._journal = journal
        self._kind = kind
        self._account = account
        self._region = region

    def put(self, key: str, value: Any) -> None:
        self._rows[key] = value
        self._journal._resource_changed(self._kind, self._account, self._region, key, value)

    def delete(self, key: str) -> Any:
        found = self._rows.pop(key, None)
        if found is not None:
            self._journal._resource_changed(self._kind, self._account, self._region, key, None)
        return found

    def load(self, key: str, value: Any) -> None:
        self._rows[key] = value


class _DurableExecutions(Table[Execution]):
    __slots__ = ("_journal",)

    def __init__(self, journal: SqliteStore) -> None:
        super().__init__()
        self._journal = journal

    def put(self, key: str, value: Execution) -> None:
        self._rows[key] = value
        self._journal._execution_put(value)

    def delete(self, key: str) -> Execution | None:
        found = self._rows.pop(key, None)
        if found is not None:
            self._journal._execution_deleted(found)
        return found


class _DurableTags(dict[str, dict[str, str]]):
    """``partition.tags``: resource ARN -> tags (a plain dict the service assigns and pops)."""

    def __init__(self, journal: SqliteStore, account: str, region: str) -> None:
        super().__init__()
        self._journal = journal
        self._account = account
        self._region = region

    def __setitem__(self, key: str, value: dict[str, str]) -> None:
        super().__setitem__(key, value)
        self._journal._resource_changed("tags", self._account, self._region, key, value)

    def pop(self, key: str, *default: Any) -> Any:  # type: ignore[override]
        present = key in self
        found = super().pop(key, *default)
        if present:
            self._journal._resource_changed("tags", self._account, self._region, key, None)
        return found


class SqliteStore:
    """Every resource in memory, and in ``<directory>/sfn-emulator.sqlite3``."""

    def __init__(self, directory: str, compile_definition: codec.Compile | None = None) -> None:
        """Open (or create) the data directory and read it back. Raises ``IncompatibleDataDir``
        (nothing written) when it was written by a newer emulator or is not ours, ``DataDirInUse``
        when another emulator has it open."""
        os.makedirs(directory, exist_ok=True)
        self.directory = directory
        self._lock = open(os.path.join(directory, "lock"), "a+")  # noqa: SIM115 - held for the process
        try:
            fcntl.flock(self._lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self._lock.close()
            raise DataDirInUse(
                f"{directory} is in use by another sfn-emulator; nothing was changed."
            ) from None
        try:
            self._connection = open_database(os.path.join(directory, DATABASE_FILE))
        except BaseException:
            self._lock.close()
            raise
        self._compile = compile_definition
        self._partitions: dict[tuple[str, str], Partition] = {}
        self._execution_ids: dict[str, int] = {}
        self._next_execution_id = 1
        self._resource_seq = 0
        self._snapshots: dict[int, tuple[StateMachine, str | None, str, str]] = {}
        self._written_snapshots: set[str] = set()
        # The journal: what changed since the last flush.
        self._resources: dict[tuple[str, str, str, str], Any] = {}
        self._new_executions: dict[str, Execution] = {}
        self._changed_executions: dict[str, Execution] = {}
        self._events: list[tuple[int, HistoryEvent]] = []
        self._deleted: list[int] = []
        self._live_map_runs: dict[tuple[str, str, str], Any] = {}
        self._flush_scheduled = False
        self._closed = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self.loaded_executions = 0
        self._reader = sqlite3.connect(
            os.path.join(directory, DATABASE_FILE), isolation_level=None, check_same_thread=False
        )
        self._load()
        self._writer = Writer(self._connection)

    # --- the Store interface --------------------------------------------------------------------

    def partition(self, account: str, region: str) -> Partition:
        key = (account, region)
        found = self._partitions.get(key)
        if found is None:
            found = self._partitions[key] = self._new_partition(account, region)
        return found

    def partitions(self) -> list[Partition]:
        return list(self._partitions.values())

    def clear(self) -> None:
        """``POST /_emulator/reset``: forget everything, on disk too."""
        self._partitions.clear()
        self._execution_ids.clear()
        self._resources.clear()
        self._new_executions.clear()
        self._changed_executions.clear()
        self._events.clear()
        self._deleted.clear()
        self._live_map_runs.clear()
        self._written_snapshots.clear()
        self._writer.submit(
            [
                (f"DELETE FROM {table}", [()])
                for table in ("resources", "machine_snapshots", "executions", "events")
            ]
        )

    def settle(self) -> asyncio.Future[None] | None:
        """Flush the journal now; the future is done once all of it is committed (None: it is)."""
        if self._closed:
            return None
        self._flush()
        return self._writer.committed(self._writer.submitted)

    def execution_event(self, execution: Execution, event: HistoryEvent) -> None:
        """Every event of every execution (the store subscribes to the event hub)."""
        execution_id = self._execution_ids.get(execution.arn)
        if execution_id is None:  # EXPRESS executions are not kept
            return
        self._events.append((execution_id, event))
        self._changed_executions[execution.arn] = execution
        self._schedule()

    def close(self) -> None:
        """Write what is journalled and close the database (clean shut-down). Nothing changed
        afterwards is written (the loop's cancellation of running executions at exit is not an
        abort: they resume at the next start)."""
        if self._closed:
            return
        self._flush()
        self._closed = True
        self._writer.close()
        self._reader.close()
        self._lock.close()

    def wait_idle(self) -> None:
        self._flush()
        self._writer.wait_idle()

    # --- journalling ----------------------------------------------------------------------------

    def _new_partition(self, account: str, region: str) -> Partition:
        partition = Partition(account, region)
        for kind in ("state_machines", "versions", "aliases", "activities", "map_runs"):
            setattr(partition, kind, _DurableTable(self, kind, account, region))
        partition.executions = _DurableExecutions(self)
        partition.tags = _DurableTags(self, account, region)
        return partition

    def _resource_changed(self, kind: str, account: str, region: str, arn: str, value: Any) -> None:
        self._resources[(kind, account, region, arn)] = value
        if kind == "map_runs":
            if value is None:
                self._live_map_runs.pop((account, region, arn), None)
            else:
                self._live_map_runs[(account, region, arn)] = value  # its counts change as it runs
        self._schedule()

    def _execution_put(self, execution: Execution) -> None:
        if execution.arn in self._execution_ids:
            self._changed_executions[execution.arn] = execution
        else:
            self._execution_ids[execution.arn] = self._next_execution_id
            self._next_execution_id += 1
            self._new_executions[execution.arn] = execution
            execution_id = self._execution_ids[execution.arn]
            self._events.extend((execution_id, event) for event in execution.history.events)
        self._schedule()

    def _execution_deleted(self, execution: Execution) -> None:
        execution_id = self._execution_ids.pop(execution.arn, None)
        if execution_id is None:
            return
        self._new_executions.pop(execution.arn, None)
        self._changed_executions.pop(execution.arn, None)
        self._deleted.append(execution_id)
        self._schedule()

    def _schedule(self) -> None:
        if self._flush_scheduled:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # outside the loop (start-up, tests): written at the next flush
            return
        self._flush_scheduled = True
        loop.call_soon(self._flush)

    def _flush(self) -> None:
        self._flush_scheduled = False
        if self._closed:
            return
        statements = self._statements()
        if statements:
            self._writer.submit(statements)

    def _statements(self) -> list[Statement]:
        statements: list[Statement] = []
        if self._resources:
            resources, self._resources = self._resources, {}
            upserts, deletes = [], []
            for (kind, account, region, arn), value in resources.items():
                if value is None:
                    deletes.append((kind, account, region, arn))
                else:
                    self._resource_seq += 1
                    body = codec.dumps(codec.BODIES[kind](value))
                    upserts.append((kind, account, region, arn, self._resource_seq, body))
            if deletes:
                statements.append((_DELETE_RESOURCE, deletes))
            if upserts:
                statements.append((_UPSERT_RESOURCE, upserts))
        if self._live_map_runs:
            rows = []
            for (account, region, arn), run in list(self._live_map_runs.items()):
                rows.append(("map_runs", account, region, arn, 0, codec.dumps(codec.map_run_body(run))))
                if run.status.value != "RUNNING":
                    del self._live_map_runs[(account, region, arn)]
            statements.append((_UPSERT_RESOURCE, rows))
        if self._deleted:
            deleted, self._deleted = self._deleted, []
            rows_deleted = [(execution_id,) for execution_id in deleted]
            statements.append((_DELETE_EXECUTION, rows_deleted))
            statements.append((_DELETE_EVENTS, rows_deleted))
        if self._new_executions:
            new, self._new_executions = self._new_executions, {}
            snapshots: list[tuple[str, str]] = []
            rows = [self._execution_row(execution, snapshots) for execution in new.values()]
            if snapshots:
                statements.append((_INSERT_SNAPSHOT, snapshots))
            statements.append((_INSERT_EXECUTION, rows))
            for arn, execution in new.items():
                self._changed_executions.setdefault(arn, execution)
        if self._events:
            events, self._events = self._events, []
            dumps = codec.dumps
            statements.append(
                (
                    _INSERT_EVENT,
                    [
                        (
                            execution_id,
                            e.id,
                            e.previous_event_id,
                            e.type,
                            e.timestamp,
                            e.details_key,
                            None if e.details is None else dumps(e.details),
                        )
                        for execution_id, e in events
                    ],
                )
            )
        if self._changed_executions:
            changed, self._changed_executions = self._changed_executions, {}
            updates = []
            for arn, execution in changed.items():
                execution_id = self._execution_ids.get(arn)
                if execution_id is None:
                    continue
                position: str | None = None
                root_last: int | None = None
                handle_position = getattr(execution.handle, "position", None)
                if handle_position is not None:
                    position, root_last = handle_position()
                updates.append(
                    (
                        execution.status.value,
                        execution.stop_date,
                        execution.output,
                        execution.error,
                        execution.cause,
                        execution.redrive_count,
                        execution.redrive_date,
                        position,
                        root_last,
                        execution_id,
                    )
                )
            statements.append((_UPDATE_EXECUTION, updates))
        return statements

    def _execution_row(self, execution: Execution, snapshots: list[tuple[str, str]]) -> tuple[Any, ...]:
        machine = execution.state_machine
        cached = self._snapshots.get(id(machine))
        if (
            cached is None
            or cached[0] is not machine
            or cached[1] != machine.revision_id
            or cached[2] is not machine.definition
        ):
            digest, body = codec.snapshot(machine)
            cached = self._snapshots[id(machine)] = (machine, machine.revision_id, machine.definition, digest)
            if digest not in self._written_snapshots:
                self._written_snapshots.add(digest)
                snapshots.append((digest, body))
        arn = execution.arn
        parts = arn.split(":")
        return (
            self._execution_ids[arn],
            arn,
            parts[4] if len(parts) > 4 else "",
            parts[3] if len(parts) > 3 else "",
            execution.name,
            cached[3],
            execution.state_machine_arn,
            execution.input,
            execution.start_date,
            execution.status.value,
            execution.trace_header,
            execution.state_machine_version_arn,
            execution.state_machine_alias_arn,
            execution.map_run_arn,
        )

    # --- reading back ---------------------------------------------------------------------------

    def _load(self) -> None:
        # 100,000 records made in a row would set off the collector's full passes again and again
        # (seconds of start-up): none of them is garbage.
        enabled = gc.isenabled()
        gc.disable()
        try:
            self._read_back()
        finally:
            if enabled:
                gc.enable()

    def _read_back(self) -> None:
        read = self._reader.execute
        for kind, account, region, arn, body_text in read(
            "SELECT kind, account, region, arn, body FROM resources ORDER BY seq"
        ):
            partition = self.partition(account, region)
            body = json.loads(body_text)
            if kind == "tags":
                dict.__setitem__(partition.tags, arn, body)
                continue
            if kind in ("state_machines", "versions"):
                record: Any = codec.machine_from(body, self._compiled(body))
            elif kind == "aliases":
                record = codec.alias_from(body)
            elif kind == "activities":
                record = codec.activity_from(body)
            else:
                record = codec.map_run_from(body)
            table = getattr(partition, kind)
            table.load(arn, record)
        self._resource_seq = read("SELECT coalesce(max(seq), 0) FROM resources").fetchone()[0]
        live: dict[str, StateMachine] = {}
        for partition in self._partitions.values():
            for table in (partition.state_machines, partition.versions):
                for machine in table.values():
                    digest, _ = codec.snapshot(machine)
                    live[digest] = machine
                    self._snapshots[id(machine)] = (machine, machine.revision_id, machine.definition, digest)
        machines: dict[str, StateMachine] = {}
        for digest, body_text in read("SELECT hash, body FROM machine_snapshots"):
            self._written_snapshots.add(digest)
            machines[digest] = live.get(digest) or codec.machine_from(json.loads(body_text), None)
        count = 0
        last_id = 0
        for row in read(
            "SELECT id, arn, account, region, name, machine, state_machine_arn, input, start_date, status, "
            "stop_date, output, error, cause, trace_header, version_arn, alias_arn, redrive_count, "
            "redrive_date, map_run_arn FROM executions ORDER BY id"
        ):
            execution_id, arn, account, region = row[0], row[1], row[2], row[3]
            snapshot = machines.get(row[5])
            if snapshot is None:
                log.warning("execution %s names a state machine snapshot that is missing; skipped", arn)
                continue
            execution = Execution(
                arn=arn,
                name=row[4],
                state_machine=snapshot,
                state_machine_arn=row[6],
                input=row[7],
                start_date=row[8],
                status=_STATUSES[row[9]],
                stop_date=row[10],
                output=row[11],
                error=row[12],
                cause=row[13],
                trace_header=row[14],
                state_machine_version_arn=row[15],
                state_machine_alias_arn=row[16],
                history=StoredHistory(functools.partial(self._read_events, execution_id)),
                redrive_count=row[17],
                redrive_date=row[18],
                map_run_arn=row[19],
            )
            partition = self.partition(account, region)
            Table.put(partition.executions, arn, execution)
            self._execution_ids[arn] = execution_id
            last_id = execution_id
            count += 1
        self._next_execution_id = last_id + 1
        self.loaded_executions = count

    def _compiled(self, body: dict[str, Any]) -> Any:
        if self._compile is None:
            return None
        try:
            return self._compile(body["definition"], body["type"])
        except Exception:  # accepted once, by an older version: kept, but it cannot run
            log.exception("the stored definition of %s no longer compiles", body["arn"])
            return None

    def compile_for(self, machine: StateMachine) -> Any:
        """The compiled definition of a machine read back without one (an execution's snapshot)."""
        if machine.compiled is None and self._compile is not None:
            machine.compiled = self._compile(machine.definition, machine.type.value)
        return machine.compiled

    def _read_events(self, execution_id: int) -> list[HistoryEvent]:
        loads = json.loads
        return [
            HistoryEvent(
                event_id, previous, type_, timestamp, key, None if details is None else loads(details)
            )
            for event_id, previous, type_, timestamp, key, details in self._reader.execute(
                _SELECT_EVENTS, (execution_id,)
            )
        ]

    def positions(self) -> dict[str, tuple[str | None, int | None]]:
        """Where each RUNNING execution's own flow was when last written (for the resume)."""
        out: dict[str, tuple[str | None, int | None]] = {}
        for arn, position, root_last in self._reader.execute(
            "SELECT arn, position, root_last FROM executions WHERE status = 'RUNNING'"
        ):
            out[arn] = (position, root_last)
        return out
