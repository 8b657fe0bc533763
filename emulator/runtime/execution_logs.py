"""Execution logging to CloudWatch Logs, as a state machine's ``loggingConfiguration`` asks.

A machine whose level is not ``OFF`` gets, per execution, a ``LoggedHistory``: every history event
the level selects (AWS's table: ``ALL`` everything, ``ERROR`` failures and aborts, ``FATAL`` only
the execution's own failure, abort or time-out) is queued as it is recorded, and delivered in
batches by one background task to the log group (``PutLogEvents`` through the client seam), on a
stream named as AWS names it: ``states/<state machine name>/<yyyy-MM-dd-HH-mm>/<8 hex digits>``.
Executions of machines that do not log keep the plain ``History``: they pay nothing.

A log event is one JSON document per history event (``id``, ``type``, ``details``,
``previous_event_id``, ``event_timestamp`` in epoch milliseconds, ``execution_arn``,
``redrive_count``; the numbers as text). ``includeExecutionData: false`` drops the payloads
(``input``, ``output``, ``parameters``) from ``details``. Delivery is best effort, as AWS's is: a
refused batch is logged and dropped, the execution never notices.
"""

from __future__ import annotations

import asyncio
import datetime
import logging
import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, cast

from emulator.model.history import History, HistoryEvent
from emulator.model.jsontext import to_json_text
from emulator.model.types import Json, JsonObject

if TYPE_CHECKING:
    from emulator.integrations.clients import AwsClients, ServiceResponse
    from emulator.model.records import Execution

log = logging.getLogger("emulator.runtime.execution_logs")

FATAL_EVENTS = frozenset({"ExecutionAborted", "ExecutionFailed", "ExecutionTimedOut"})
ERROR_EVENTS = FATAL_EVENTS | frozenset(
    {
        "ActivityFailed",
        "ActivityScheduleFailed",
        "ActivityTimedOut",
        "FailStateEntered",
        "LambdaFunctionFailed",
        "LambdaFunctionScheduleFailed",
        "LambdaFunctionStartFailed",
        "LambdaFunctionTimedOut",
        "MapIterationAborted",
        "MapIterationFailed",
        "MapRunAborted",
        "MapRunFailed",
        "MapStateAborted",
        "MapStateFailed",
        "ParallelStateAborted",
        "ParallelStateFailed",
        "TaskFailed",
        "TaskStartFailed",
        "TaskStateAborted",
        "TaskSubmitFailed",
        "TaskTimedOut",
        "WaitStateAborted",
    }
)
_LEVEL_EVENTS: dict[str, frozenset[str] | None] = {"ALL": None, "ERROR": ERROR_EVENTS, "FATAL": FATAL_EVENTS}
# What includeExecutionData false leaves out of an event's details.
_EXECUTION_DATA = frozenset({"input", "output", "parameters"})
# PutLogEvents takes at most 10,000 events per call.
MAX_BATCH = 10_000


def level_selects(level: str, event_type: str) -> bool:
    """Whether a log ``level`` (ALL, ERROR, FATAL, OFF) logs events of ``event_type``."""
    if level not in _LEVEL_EVENTS:
        return False
    selected = _LEVEL_EVENTS[level]
    return selected is None or event_type in selected


@dataclass(frozen=True, slots=True)
class LogGroup:
    """A CloudWatch Logs log group named by its ARN (``…:log-group:<name>`` with or without ``:*``)."""

    arn: str
    account: str
    region: str
    name: str


def parse_log_group_arn(arn: object) -> LogGroup | None:
    if not isinstance(arn, str):
        return None
    parts = arn.split(":")
    if len(parts) < 7 or parts[0] != "arn" or parts[2] != "logs" or parts[5] != "log-group":
        return None
    name = ":".join(parts[6:])
    if name.endswith(":*"):
        name = name[:-2]
    if not name or not parts[3] or not parts[4]:
        return None
    return LogGroup(arn, parts[4], parts[3], name)


@dataclass(frozen=True, slots=True)
class LogDestination:
    """Where and what one state machine logs."""

    group: LogGroup
    level: str
    include_execution_data: bool


def destination_of(configuration: Mapping[str, Json] | None) -> LogDestination | None:
    """The destination of a (checked) ``loggingConfiguration``; None when nothing is logged."""
    if not configuration:
        return None
    # A stored loggingConfiguration: its shape was checked against the API model at the request.
    level = cast(str, configuration.get("level") or "OFF")
    if level == "OFF":
        return None
    for destination in cast("list[JsonObject]", configuration.get("destinations") or ()):
        log_group = cast(JsonObject, destination.get("cloudWatchLogsLogGroup") or {})
        group = parse_log_group_arn(log_group.get("logGroupArn"))
        if group is not None:
            return LogDestination(group, level, bool(configuration.get("includeExecutionData")))
    return None


def log_event(
    event: HistoryEvent, execution_arn: str, redrive_count: int, include_execution_data: bool
) -> JsonObject:
    """The CloudWatch Logs document of one history event."""
    details = event.details or {}
    if not include_execution_data:
        details = {key: value for key, value in details.items() if key not in _EXECUTION_DATA}
    return {
        "id": str(event.id),
        "type": event.type,
        "details": details,
        "previous_event_id": str(event.previous_event_id),
        "event_timestamp": str(epoch_millis(event.timestamp)),
        "execution_arn": execution_arn,
        "redrive_count": str(redrive_count),
    }


def epoch_millis(seconds: float) -> int:
    return int(round(seconds * 1000))


def log_stream_name(state_machine_name: str, seconds: float, rng: random.Random) -> str:
    minute = datetime.datetime.fromtimestamp(seconds, datetime.UTC).strftime("%Y-%m-%d-%H-%M")
    return f"states/{state_machine_name}/{minute}/{rng.getrandbits(32):08x}"


class LogWriter(Protocol):
    """Where batches go (CloudWatch Logs through the client seam; a list in tests)."""

    async def put(self, group: LogGroup, stream: str, events: list[tuple[int, str]]) -> None:
        """Append ``(epoch milliseconds, message)`` events (in time order) to ``stream`` of ``group``,
        creating the stream first if needed."""
        ...

    async def group_exists(self, group: LogGroup) -> bool:
        """Whether the log group exists (CreateStateMachine / UpdateStateMachine check it)."""
        ...


class _Execution(Protocol):
    arn: str
    redrive_count: int
    state_machine_arn: str


@dataclass(slots=True)
class _Pending:
    stream: str
    group: LogGroup
    execution_arn: str
    redrive_count: int
    include_execution_data: bool
    event: HistoryEvent


class LoggedHistory(History):
    """A history that also hands the events its destination's level selects to ``ExecutionLogs``."""

    __slots__ = ("_logs", "_execution", "_destination", "_stream")

    def __init__(
        self, logs: ExecutionLogs, execution: _Execution, destination: LogDestination, stream: str
    ) -> None:
        super().__init__()
        self._logs = logs
        self._execution = execution
        self._destination = destination
        self._stream = stream

    def add(
        self,
        type_: str,
        timestamp: float,
        previous_event_id: int,
        details_key: str | None = None,
        details: JsonObject | None = None,
    ) -> HistoryEvent:
        event = super().add(type_, timestamp, previous_event_id, details_key, details)
        destination = self._destination
        if level_selects(destination.level, type_):
            execution = self._execution
            self._logs.offer(
                _Pending(
                    self._stream,
                    destination.group,
                    execution.arn,
                    execution.redrive_count,
                    destination.include_execution_data,
                    event,
                )
            )
        return event


class ExecutionLogs:
    """Attaches logging to executions and delivers their events in the background."""

    def __init__(self, writer: LogWriter, rng: random.Random | None = None) -> None:
        self.writer = writer
        self.rng = rng or random.Random()
        self._pending: list[_Pending] = []
        self._task: asyncio.Task[None] | None = None
        # One stream per (log group, state machine, minute it was opened in).
        self._streams: dict[tuple[str, str, str], str] = {}

    def attach(self, execution: Execution, now: float) -> None:
        """Give ``execution`` (not yet started) a logging history when its machine logs."""
        destination = destination_of(execution.state_machine.logging_configuration)
        if destination is None:
            return
        name = execution.state_machine_arn.rsplit(":", 1)[-1]
        execution.history = LoggedHistory(self, execution, destination, self._stream(destination, name, now))

    def _stream(self, destination: LogDestination, machine_name: str, now: float) -> str:
        minute = datetime.datetime.fromtimestamp(now, datetime.UTC).strftime("%Y-%m-%d-%H-%M")
        key = (destination.group.arn, machine_name, minute)
        stream = self._streams.get(key)
        if stream is None:
            stream = self._streams[key] = log_stream_name(machine_name, now, self.rng)
        return stream

    async def group_exists(self, group: LogGroup) -> bool:
        return await self.writer.group_exists(group)

    def offer(self, item: _Pending) -> None:
        self._pending.append(item)
        if self._task is None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                return  # no loop (a synchronous test): ``flush`` delivers
            self._task = loop.create_task(self._drain())

    async def flush(self) -> None:
        """Deliver everything queued so far (tests, shutdown)."""
        task = self._task
        if task is not None:
            await asyncio.shield(task)
        if self._pending:
            await self._deliver()

    async def _drain(self) -> None:
        try:
            while self._pending:
                # Events recorded in the same turn of the event loop go out together.
                await asyncio.sleep(0)
                await self._deliver()
        finally:
            self._task = None

    async def _deliver(self) -> None:
        batch, self._pending = self._pending, []
        streams: dict[tuple[str, str], tuple[LogGroup, list[tuple[int, str]]]] = {}
        for item in batch:
            document = log_event(
                item.event, item.execution_arn, item.redrive_count, item.include_execution_data
            )
            entry = streams.setdefault((item.group.arn, item.stream), (item.group, []))
            entry[1].append((epoch_millis(item.event.timestamp), to_json_text(document)))
        for (_, stream), (group, events) in streams.items():
            events.sort(key=lambda pair: pair[0])
            for start in range(0, len(events), MAX_BATCH):
                try:
                    await self.writer.put(group, stream, events[start : start + MAX_BATCH])
                except Exception as error:  # best effort, as AWS's delivery: the execution never notices
                    log.warning("delivering execution logs to %s failed: %s", group.arn, error)
                    log.debug("log delivery failure", exc_info=True)


class CloudWatchLogsWriter:
    """``LogWriter`` over the client seam (``AwsClients``: the in-process moto or the logs endpoint)."""

    def __init__(self, clients: AwsClients) -> None:
        self.clients = clients
        self._streams: set[tuple[str, str, str, str]] = set()

    async def put(self, group: LogGroup, stream: str, events: list[tuple[int, str]]) -> None:
        key = (group.account, group.region, group.name, stream)
        if key not in self._streams:
            try:
                await self._call(
                    group, "CreateLogStream", {"logGroupName": group.name, "logStreamName": stream}
                )
            except Exception as error:
                if getattr(error, "code", None) != "ResourceAlreadyExistsException":
                    raise
            self._streams.add(key)
        await self._call(
            group,
            "PutLogEvents",
            {
                "logGroupName": group.name,
                "logStreamName": stream,
                "logEvents": [{"timestamp": ms, "message": message} for ms, message in events],
            },
        )

    async def group_exists(self, group: LogGroup) -> bool:
        answer = await self._call(group, "DescribeLogGroups", {"logGroupNamePrefix": group.name})
        return any(found.get("logGroupName") == group.name for found in answer.output.get("logGroups") or ())

    async def _call(self, group: LogGroup, operation: str, parameters: JsonObject) -> ServiceResponse:
        return await self.clients.call(
            "logs", operation, parameters, account=group.account, region=group.region
        )
