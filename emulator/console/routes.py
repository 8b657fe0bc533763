"""The console's routes: its static files, three read-only JSON views and the push endpoint.

``GET /_console/api/machine?execution=ARN`` is DescribeStateMachineForExecution's answer, given for an
EXPRESS child of a Map Run too (the API refuses those, as AWS does; the console still draws them), and
the execution stream below follows such a child as well.

``GET /_console/api/stream?execution=ARN`` streams one execution's history events (those recorded so
far, then each new one as it is appended, ending after its terminal event); without ``execution``
it streams, for one partition, the events that change what the lists show (executions starting and
ending, callback and activity tasks scheduled and answered), so lists refresh without polling.
Both are server-sent events: each ``data:`` is a JSON array of events (all those ready at once),
``event: end`` comes when the stream is done.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import hashlib
import json
import logging
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web

from emulator.errors import ApiError
from emulator.model.arns import parse_states_arn
from emulator.model.history import HistoryEvent
from emulator.model.records import Execution
from emulator.service.environment import RequestContext, ServiceEnvironment
from emulator.service.overview import list_partitions, list_waiting_tasks

PREFIX = "/_console"
STATIC_DIRECTORY = Path(__file__).parent / "static"
# The files the page may load, by name (a fixed list: no path is ever joined from a request).
_CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
}
ASSETS = {
    path.name: _CONTENT_TYPES[path.suffix]
    for path in STATIC_DIRECTORY.iterdir()
    if path.is_file() and path.suffix in _CONTENT_TYPES
}
# A comment line on a quiet stream: finds a closed browser tab (the write fails) and keeps proxies open.
KEEPALIVE_SECONDS = 15.0
# What the lists show changes with these events (the partition stream sends only them).
LIST_EVENTS = frozenset(
    {
        "ExecutionStarted",
        "ExecutionSucceeded",
        "ExecutionFailed",
        "ExecutionTimedOut",
        "ExecutionAborted",
        "ExecutionRedriven",
        "TaskScheduled",
        "TaskSucceeded",
        "TaskFailed",
        "TaskTimedOut",
        "ActivityScheduled",
        "ActivityStarted",
        "ActivitySucceeded",
        "ActivityFailed",
        "ActivityTimedOut",
    }
)
_ACCOUNT = re.compile(r"^\d{12}$")
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")

log = logging.getLogger("emulator.console")

ENVIRONMENT: web.AppKey[ServiceEnvironment] = web.AppKey("console_environment", ServiceEnvironment)
_STREAMS: web.AppKey[set[asyncio.Task[Any]]] = web.AppKey("console_streams")


def install(app: web.Application, env: ServiceEnvironment) -> None:
    """Add the console's routes to ``app`` (before its catch-all AWS routes)."""
    app[ENVIRONMENT] = env
    app[_STREAMS] = set()
    app.router.add_get(PREFIX, _redirect)
    app.router.add_get(PREFIX + "/", _index)
    app.router.add_get(PREFIX + "/api/partitions", _partitions)
    app.router.add_get(PREFIX + "/api/waiting", _waiting)
    app.router.add_get(PREFIX + "/api/machine", _machine)
    app.router.add_get(PREFIX + "/api/stream", _stream)
    app.router.add_get(PREFIX + "/{name}", _asset)
    app.on_shutdown.append(_end_streams)


async def _redirect(request: web.Request) -> web.StreamResponse:
    raise web.HTTPPermanentRedirect(PREFIX + "/")


async def _index(request: web.Request) -> web.StreamResponse:
    return _file(request, "index.html")


async def _asset(request: web.Request) -> web.StreamResponse:
    name = request.match_info["name"]
    if name not in ASSETS:
        return _json({"__type": "ResourceNotFoundException", "message": f"No console file '{name}'"}, 404)
    return _file(request, name)


@dataclass(frozen=True, slots=True)
class _Asset:
    etag: str
    body: bytes
    gzipped: bytes


_LOADED: dict[str, _Asset] = {}


def _load(name: str) -> _Asset:
    """A file's bytes, gzipped once (the page weighs a third), read on first request."""
    found = _LOADED.get(name)
    if found is None:
        body = (STATIC_DIRECTORY / name).read_bytes()
        etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
        found = _LOADED[name] = _Asset(etag, body, gzip.compress(body, compresslevel=9, mtime=0))
    return found


def _file(request: web.Request, name: str) -> web.StreamResponse:
    asset = _load(name)
    # no-cache: the browser asks again each load and gets 304 while the file is unchanged.
    headers = {"Cache-Control": "no-cache", "ETag": asset.etag, "Vary": "Accept-Encoding"}
    if request.headers.get("If-None-Match") == asset.etag:
        return web.Response(status=304, headers=headers)
    headers["Content-Type"] = ASSETS[name]
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return web.Response(body=asset.gzipped, headers=headers)
    return web.Response(body=asset.body, headers=headers)


def _json(value: Any, status: int = 200) -> web.Response:
    return web.json_response(value, status=status, headers={"Cache-Control": "no-store"})


def _context(request: web.Request) -> RequestContext:
    """The partition the page looks at (``account`` and ``region`` query parameters)."""
    settings = request.app[ENVIRONMENT].settings
    account = request.query.get("account") or settings.account_id
    region = request.query.get("region") or settings.region
    if not _ACCOUNT.match(account) or not _REGION.match(region):
        raise web.HTTPBadRequest(
            text=json.dumps({"__type": "ValidationException", "message": "Invalid account or region"}),
            content_type="application/json",
        )
    return RequestContext(account=account, region=region, request_id="console")


async def _partitions(request: web.Request) -> web.StreamResponse:
    return _json(list_partitions(request.app[ENVIRONMENT]))


async def _waiting(request: web.Request) -> web.StreamResponse:
    return _json(list_waiting_tasks(request.app[ENVIRONMENT], _context(request)))


def _execution_context(arn: str) -> RequestContext | None:
    """The partition of an execution (or EXPRESS Map Run child) ARN; None: not such an ARN."""
    parsed = parse_states_arn(arn)
    if parsed is None or parsed.resource_type not in ("execution", "express"):
        return None
    return RequestContext(account=parsed.account, region=parsed.region, request_id="console")


async def _machine(request: web.Request) -> web.StreamResponse:
    from emulator.service.executions import describe_state_machine_for_execution  # (not at start-up)

    arn = request.query.get("execution", "")
    context = _execution_context(arn)
    if context is None:
        return _json({"__type": "InvalidArn", "message": f"Invalid Arn: '{arn}'"}, 400)
    request_body = {"executionArn": arn}
    try:
        answer = describe_state_machine_for_execution(
            request.app[ENVIRONMENT], context, request_body, map_run_express=True
        )
    except ApiError as error:
        return _json({"__type": error.code, "message": error.message}, error.status)
    return _json(answer)


async def _stream(request: web.Request) -> web.StreamResponse:
    env = request.app[ENVIRONMENT]
    arn = request.query.get("execution")
    messages: AsyncIterator[dict[str, Any]]
    if arn:
        context = _execution_context(arn)
        if context is None:
            return _json({"__type": "InvalidArn", "message": f"Invalid Arn: '{arn}'"}, 400)
        messages = _execution_messages(env, context, arn)
        try:
            first = await anext(messages)
        except ApiError as error:
            return _json({"__type": error.code, "message": error.message}, error.status)
        messages = _chain(first, messages)
    else:
        messages = _partition_messages(env, _context(request))
    return await _send_events(request, messages)


async def _execution_messages(
    env: ServiceEnvironment, context: RequestContext, arn: str
) -> AsyncIterator[dict[str, Any]]:
    from emulator.service.watch import watch_execution

    async for event in watch_execution(env, context, arn, map_run_express=True):
        yield event.to_wire()


async def _chain(first: dict[str, Any], rest: AsyncIterator[dict[str, Any]]) -> AsyncIterator[dict[str, Any]]:
    yield first
    async for message in rest:
        yield message


async def _partition_messages(
    env: ServiceEnvironment, context: RequestContext
) -> AsyncIterator[dict[str, Any]]:
    """Changes that matter to the lists, for executions of ``context``'s partition; never ends."""
    queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    scope = f":{context.region}:{context.account}:"

    def subscriber(execution: Execution, event: HistoryEvent) -> None:
        if event.type in LIST_EVENTS and scope in execution.arn:
            queue.put_nowait(
                {
                    "type": event.type,
                    "executionArn": execution.arn,
                    "stateMachineArn": execution.state_machine_arn,
                    "mapRunArn": execution.map_run_arn,
                    "status": str(execution.status),
                }
            )

    unsubscribe = env.execution_events.subscribe(subscriber)
    try:
        while True:
            yield await queue.get()
    finally:
        unsubscribe()


async def _send_events(request: web.Request, messages: AsyncIterator[dict[str, Any]]) -> web.StreamResponse:
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/event-stream",
            "Cache-Control": "no-store",
            "X-Accel-Buffering": "no",
        }
    )
    await response.prepare(request)
    streams = request.app[_STREAMS]
    task = asyncio.current_task()
    if task is not None:
        streams.add(task)
    # A pump moves messages into a queue; each write sends all that are waiting as one JSON array
    # (an execution's recorded events arrive at once: 5,000 of them are one write, not 5,000).
    queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
    pump = asyncio.ensure_future(_pump(messages, queue))
    try:
        ended = False
        while not ended:
            try:
                async with asyncio.timeout(KEEPALIVE_SECONDS):
                    first = await queue.get()
            except TimeoutError:
                await response.write(b": keepalive\n\n")  # raises once the page is gone
                continue
            batch = [first]
            while not queue.empty():
                batch.append(queue.get_nowait())
            if None in batch:
                ended = True
                batch = batch[: batch.index(None)]
            if batch:
                await response.write(b"data: " + json.dumps(batch, separators=(",", ":")).encode() + b"\n\n")
        await response.write(b"event: end\ndata: []\n\n")
    except (ConnectionResetError, asyncio.CancelledError):
        pass
    finally:
        pump.cancel()
        with contextlib.suppress(BaseException):
            await pump
        if task is not None:
            streams.discard(task)
    return response


async def _pump(messages: AsyncIterator[dict[str, Any]], queue: asyncio.Queue[dict[str, Any] | None]) -> None:
    """Feed ``queue`` from ``messages``; None marks their end (or failure: the stream then ends)."""
    try:
        async for message in messages:
            queue.put_nowait(message)
    except Exception:  # an unexpected failure ends the stream; it must not kill the server task
        log.exception("console stream failed")
    finally:
        queue.put_nowait(None)
        with contextlib.suppress(Exception):
            await messages.aclose()  # type: ignore[attr-defined]


async def _end_streams(app: web.Application) -> None:
    """Server shutdown: streams that would run forever end now."""
    streams = app[_STREAMS]
    for task in tuple(streams):
        task.cancel()
