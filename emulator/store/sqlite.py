"""The durable store (``--data-dir``): the in-memory partitions, written through to SQLite.

Reads are served from memory exactly as by ``MemoryStore`` (the same ``Partition`` and record
objects the runtime mutates), so the service and runtime code do not know which store they have.
What changes is journalled on the event loop, without I/O: ``Table.put`` / ``delete`` (the service
puts a record again after changing it), every history event (the store subscribes to the
execution event hub) and the execution's own flow position. Once per loop step the journal is
turned into rows and handed to the one writer thread (``writer.py``), which group-commits.
``settle()`` is what an API answer awaits so that nothing answered is lost on kill -9.

At start-up everything is read back: resources and execution summaries at once (what
ListExecutions, retention and recovery use); an execution's input, output, error, cause and trace
header only when first used (``StoredExecution``), its history likewise (``StoredHistory``).
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
import time
from collections.abc import Callable
from typing import Any

from emulator.model.history import History, HistoryEvent
from emulator.model.records import Execution, ExecutionStatus, StateMachine
from emulator.store import codec
from emulator.store.partition import Partition, Table
from emulator.store.schema import DATABASE_FILE, IncompatibleDataDir, open_database
from emulator.store.writer import Statement, Writer

log = logging.getLogger("emulator.store")

# Changes no answer waits for (an execution's progress after its StartExecution was answered) are
# handed to the writer at most this long after they were made; an answer (``settle()``) hands
# over everything at once. Under load they ride along with the answers' commits: fewer, larger
# transactions, each execution's position written once per group. kill -9 can lose at most this
# much of what nobody was answered about (the execution resumes from its last written position).
FLUSH_DELAY_SECONDS = 0.02
# A task token's stored answer is needed only until its task recorded the outcome (milliseconds
# later); older ones are deleted now and then.
TOKEN_OUTCOME_KEEP_SECONDS = 300.0
_INSERT_TOKEN_OUTCOME = "INSERT OR REPLACE INTO token_outcomes (token, kind, output, error, cause, answered) VALUES (?, ?, ?, ?, ?, ?)"
_DELETE_OLD_TOKEN_OUTCOMES = "DELETE FROM token_outcomes WHERE answered < ?"

_UPSERT_RESOURCE = (
    "INSERT INTO resources (kind, account, region, arn, seq, body) VALUES (?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (kind, account, region, arn) DO UPDATE SET body = excluded.body"
)
_DELETE_RESOURCE = "DELETE FROM resources WHERE kind = ? AND account = ? AND region = ? AND arn = ?"
_INSERT_SNAPSHOT = "INSERT OR IGNORE INTO machine_snapshots (hash, body) VALUES (?, ?)"
_INSERT_EXECUTION = (
    "INSERT OR REPLACE INTO executions (id, arn, account, region, name, machine, state_machine_arn, input, "
    "start_date, trace_header, version_arn, alias_arn, map_run_arn, status, stop_date, output, error, "
    "cause, redrive_count, redrive_date, position, root_last, item_count) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
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

# What start-up does not read of an execution (the bulk of a row: payloads up to 256 KiB).
_DETAILS = ("input", "output", "error", "cause", "trace_header")
_SELECT_DETAILS = "SELECT input, output, error, cause, trace_header FROM executions WHERE id = ?"
_DETAIL_SLOTS: dict[str, Any] = {name: Execution.__dict__[name] for name in _DETAILS}
_INPUT_SLOT: Any = _DETAIL_SLOTS["input"]


class StoredExecution(Execution):
    """An execution read back from the data directory: its details (``_DETAILS``) are read from
    the database when one of them is first read or set (start-up reads the summaries only).
    Until then its ``input`` slot holds the row id (an ``int``). Each store makes a subclass
    naming itself (``_store``); a plain ``Execution`` becomes one by ``__class__`` assignment
    (no slot of its own: the layout is the same), which keeps start-up's loop short."""

    __slots__ = ()
    _store: SqliteStore

    def _read_details(self) -> None:
        execution_id = _INPUT_SLOT.__get__(self)
        row = self._store._reader.execute(_SELECT_DETAILS, (execution_id,)).fetchone()
        if row is None:  # deleted meanwhile (evicted): an empty input, nothing else
            row = ("{}", None, None, None, None)
        for name, value in zip(_DETAILS, row, strict=True):
            _DETAIL_SLOTS[name].__set__(self, value)


def _detail(name: str) -> property:
    slot = _DETAIL_SLOTS[name]

    def read(self: StoredExecution) -> Any:
        if type(_INPUT_SLOT.__get__(self)) is int:
            self._read_details()
        return slot.__get__(self)

    def write(self: StoredExecution, value: Any) -> None:
        if type(_INPUT_SLOT.__get__(self)) is int:
            self._read_details()
        slot.__set__(self, value)

    return property(read, write)


for _name in _DETAILS:
    setattr(StoredExecution, _name, _detail(_name))


_COMPILED_SLOT: Any = StateMachine.__dict__["compiled"]
_NOT_COMPILED: Any = object()


class StoredStateMachine(StateMachine):
    """A state machine (or a snapshot an execution ran) read back from the data directory: its
    definition is compiled when ``compiled`` is first read (start-up imports no interpreter).
    Each store makes a subclass naming its compile function (``_compile``)."""

    __slots__ = ()
    _compile: codec.Compile | None

    def _compiled_now(self) -> Any:
        compiled = None
        if self._compile is not None:
            try:
                compiled = self._compile(self.definition, self.type.value)
            except Exception:  # accepted once, by an older version: kept, but it cannot run
                log.exception("the stored definition of %s no longer compiles", self.arn)
        _COMPILED_SLOT.__set__(self, compiled)
        return compiled


def _read_compiled(self: StoredStateMachine) -> Any:
    compiled = _COMPILED_SLOT.__get__(self)
    return self._compiled_now() if compiled is _NOT_COMPILED else compiled


setattr(StoredStateMachine, "compiled", property(_read_compiled, _COMPILED_SLOT.__set__))  # noqa: B010


def _progress(execution: Execution) -> tuple[Any, ...]:
    """What changes as an execution runs (``_UPDATE_EXECUTION``'s values, in its order)."""
    position: str | None = None
    root_last: int | None = None
    handle_position = getattr(execution.handle, "position", None)
    if handle_position is not None:
        position, root_last = handle_position()
    return (
        execution.status.value,
        execution.stop_date,
        execution.output,
        execution.error,
        execution.cause,
        execution.redrive_count,
        execution.redrive_date,
        position,
        root_last,
    )


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
        self._token_outcomes: list[tuple[str, str, str | None, str | None, str | None, float]] = []
        self._outcomes_swept_at = 0.0
        self._flush_scheduled = False
        self._closed = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self.loaded_executions = 0
        self.running_at_start: list[Execution] = []  # what recovery resumes (service/recovery.py)
        self._stored_machine = type(
            "StoredStateMachine",
            (StoredStateMachine,),
            {"__slots__": (), "_compile": compile_definition and staticmethod(compile_definition)},
        )
        self._reader = sqlite3.connect(
            os.path.join(directory, DATABASE_FILE), isolation_level=None, check_same_thread=False
        )
        self._load()
        self._writer = Writer(
            self._connection,
            checkpointer=sqlite3.connect(
                os.path.join(directory, DATABASE_FILE), isolation_level=None, check_same_thread=False
            ),
        )

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
        self.running_at_start.clear()
        self._token_outcomes.clear()
        self._writer.submit(
            [
                (f"DELETE FROM {table}", [()])
                for table in ("resources", "machine_snapshots", "executions", "events", "token_outcomes")
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

    def token_answered(
        self, token: str, kind: str, output: str | None, error: str | None, cause: str | None
    ) -> None:
        """SendTaskSuccess / SendTaskFailure accepted ``token``'s answer (written with the answer's
        commit, before it is acknowledged)."""
        self._token_outcomes.append((token, kind, output, error, cause, time.time()))
        self._schedule()

    def token_outcomes(self) -> list[tuple[str, str, str | None, str | None, str | None]]:
        """The answers stored in the last minutes (recovery hands them to the resumed tasks)."""
        return list(self._reader.execute("SELECT token, kind, output, error, cause FROM token_outcomes"))

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
        loop.call_later(FLUSH_DELAY_SECONDS, self._timed_flush)

    def _timed_flush(self) -> None:
        self._flush_scheduled = False
        self._flush()

    def _flush(self) -> None:
        if self._closed:
            return
        statements = self._statements()
        if statements:
            self._writer.submit(statements)

    def _statements(self) -> list[Statement]:
        statements: list[Statement] = []
        if self._token_outcomes:
            outcomes, self._token_outcomes = self._token_outcomes, []
            statements.append((_INSERT_TOKEN_OUTCOME, outcomes))
            now = outcomes[-1][-1]
            if now - self._outcomes_swept_at > 60:
                self._outcomes_swept_at = now
                statements.append((_DELETE_OLD_TOKEN_OUTCOMES, [(now - TOKEN_OUTCOME_KEEP_SECONDS,)]))
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
            for arn in new:  # the row written carries where it is now
                self._changed_executions.pop(arn, None)
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
                updates.append((*_progress(execution), execution_id))
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
            execution.trace_header,
            execution.state_machine_version_arn,
            execution.state_machine_alias_arn,
            execution.map_run_arn,
            *_progress(execution),
            execution.item_count,
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
                record: Any = self._machine(body)
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
            machines[digest] = live.get(digest) or self._machine(json.loads(body_text))
        self._read_executions(machines)

    def _read_executions(self, machines: dict[str, StateMachine]) -> None:
        """The executions' summaries (100,000 in ~0.8 s: this loop is start-up's cost)."""
        count = 0
        last_id = 0
        ids = self._execution_ids
        running = self.running_at_start
        statuses = _STATUSES
        stored = type("StoredExecution", (StoredExecution,), {"__slots__": (), "_store": self})
        read_events = self._read_events
        partial = functools.partial
        key: tuple[str, str] | None = None
        rows: dict[str, Execution] = {}
        for (
            execution_id,
            arn,
            account,
            region,
            name,
            digest,
            machine_arn,
            start_date,
            status,
            stop_date,
            version_arn,
            alias_arn,
            redrive_count,
            redrive_date,
            map_run_arn,
            item_count,
        ) in self._reader.execute(
            "SELECT id, arn, account, region, name, machine, state_machine_arn, start_date, status, "
            "stop_date, version_arn, alias_arn, redrive_count, redrive_date, map_run_arn, item_count "
            "FROM executions ORDER BY id"
        ):
            snapshot = machines.get(digest)
            if snapshot is None:
                log.warning("execution %s names a state machine snapshot that is missing; skipped", arn)
                continue
            if (account, region) != key:
                key = (account, region)
                rows = self.partition(account, region).executions._rows
            execution = Execution(
                arn,
                name,
                snapshot,
                machine_arn,
                execution_id,  # type: ignore[arg-type]  # the details' row, until they are read
                start_date,
                statuses[status],
                stop_date,
                None,
                None,
                None,
                None,
                version_arn,
                alias_arn,
                False,
                StoredHistory(partial(read_events, execution_id)),
                redrive_count,
                redrive_date,
                map_run_arn,
                item_count,
            )
            execution.__class__ = stored
            if status == "RUNNING":
                running.append(execution)
            rows[arn] = execution
            ids[arn] = execution_id
            last_id = execution_id
            count += 1
        self._next_execution_id = last_id + 1
        self.loaded_executions = count

    def _machine(self, body: dict[str, Any]) -> StateMachine:
        machine = codec.machine_from(body, _NOT_COMPILED)
        machine.__class__ = self._stored_machine
        return machine

    def compile_for(self, machine: StateMachine) -> Any:
        """The compiled definition of a machine read back; raises what compiling it raises."""
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

    def position_of(self, arn: str) -> tuple[str | None, int | None] | None:
        """Where an execution's own flow was when last written (a redrive after a restart)."""
        execution_id = self._execution_ids.get(arn)
        if execution_id is None:
            return None
        row = self._reader.execute(
            "SELECT position, root_last FROM executions WHERE id = ?", (execution_id,)
        ).fetchone()
        return None if row is None else (row[0], row[1])

    def positions(self) -> dict[str, tuple[str | None, int | None]]:
        """Where each RUNNING execution's own flow was when last written (for the resume)."""
        out: dict[str, tuple[str | None, int | None]] = {}
        for arn, position, root_last in self._reader.execute(
            "SELECT arn, position, root_last FROM executions WHERE status = 'RUNNING'"
        ):
            out[arn] = (position, root_last)
        return out
