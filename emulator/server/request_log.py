"""One DEBUG line per API request: the operation, the HTTP status and the time taken."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

from aiohttp import web

log = logging.getLogger("emulator.requests")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def request_log_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not log.isEnabledFor(logging.DEBUG):
        return await handler(request)
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as error:
        status = error.status
        raise
    finally:
        ms = (time.perf_counter() - started) * 1000
        target = request.headers.get("X-Amz-Target", "")
        operation = target.rpartition(".")[2] if target else f"{request.method} {request.path}"
        log.debug(
            "%s %d %.1fms",
            operation,
            status,
            ms,
            extra={"operation": operation, "status": status, "ms": round(ms, 2)},
        )
