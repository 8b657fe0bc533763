"""Where a local function's output goes: the emulator's log, each line labelled with the function's
name (logger ``lambda.<name>``), and the function's CloudWatch Logs group ``/aws/lambda/<name>``
(created on first use, as Lambda does), one stream per worker, as on Lambda.

Delivery to CloudWatch Logs is best effort and batched: lines received in the same turn of the
event loop go out in one ``PutLogEvents``; a failure is logged once at DEBUG and never reaches the
function.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any, Protocol

log = logging.getLogger("emulator.integrations.lambda_logs")


class ServiceCaller(Protocol):
    async def call(
        self, service: str, operation: str, parameters: Any, *, account: str, region: str
    ) -> Any: ...


@dataclass(frozen=True, slots=True)
class LogTarget:
    """One worker's stream."""

    function: str
    account: str
    region: str
    stream: str

    @property
    def group(self) -> str:
        return f"/aws/lambda/{self.function}"


class FunctionLogs:
    """Receives every output line of every worker."""

    def __init__(self, clients: ServiceCaller | None = None) -> None:
        self.clients = clients
        self._loggers: dict[str, logging.Logger] = {}
        self._pending: list[tuple[LogTarget, int, str]] = []
        self._task: asyncio.Task[None] | None = None
        self._created: set[tuple[str, str, str, str]] = set()

    def line(self, target: LogTarget, text: str) -> None:
        logger = self._loggers.get(target.function)
        if logger is None:
            logger = self._loggers[target.function] = logging.getLogger(f"lambda.{target.function}")
        logger.info("%s", text)
        if self.clients is None:
            return
        self._pending.append((target, int(time.time() * 1000), text))
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._drain())

    async def flush(self) -> None:
        task = self._task
        if task is not None:
            await asyncio.shield(task)

    async def _drain(self) -> None:
        try:
            while self._pending:
                await asyncio.sleep(0)
                batch, self._pending = self._pending, []
                streams: dict[LogTarget, list[tuple[int, str]]] = {}
                for target, ms, text in batch:
                    streams.setdefault(target, []).append((ms, text))
                for target, events in streams.items():
                    try:
                        await self._put(target, events)
                    except Exception as error:  # best effort: the function never notices
                        log.debug("delivering %s's logs failed: %s", target.function, error)
        finally:
            self._task = None

    async def _put(self, target: LogTarget, events: list[tuple[int, str]]) -> None:
        assert self.clients is not None
        call = self.clients.call
        scope = {"account": target.account, "region": target.region}
        group_key = (target.account, target.region, target.group, "")
        if group_key not in self._created:
            await _create(call("logs", "CreateLogGroup", {"logGroupName": target.group}, **scope))
            self._created.add(group_key)
        stream_key = (target.account, target.region, target.group, target.stream)
        if stream_key not in self._created:
            await _create(
                call(
                    "logs",
                    "CreateLogStream",
                    {"logGroupName": target.group, "logStreamName": target.stream},
                    **scope,
                )
            )
            self._created.add(stream_key)
        await call(
            "logs",
            "PutLogEvents",
            {
                "logGroupName": target.group,
                "logStreamName": target.stream,
                "logEvents": [{"timestamp": ms, "message": text} for ms, text in events],
            },
            **scope,
        )


async def _create(call: Any) -> None:
    try:
        await call
    except Exception as error:
        if getattr(error, "code", None) != "ResourceAlreadyExistsException":
            raise
