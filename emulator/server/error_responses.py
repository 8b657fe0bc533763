"""The one place where an exception becomes an HTTP response."""

from __future__ import annotations

import json
import logging

from aiohttp import web

from emulator.errors import ApiError

log = logging.getLogger("emulator.server")

CONTENT_TYPE = "application/x-amz-json-1.0"


def error_response(error: ApiError, request_id: str) -> web.Response:
    body = {"__type": error.code, "message": error.message}
    return web.Response(
        status=error.status,
        body=json.dumps(body).encode(),
        headers={
            "Content-Type": CONTENT_TYPE,
            "x-amzn-RequestId": request_id,
            "x-amzn-ErrorType": error.code,
        },
    )


def unexpected_error_response(exc: BaseException, request_id: str) -> web.Response:
    log.error("internal failure answering request %s", request_id, exc_info=exc)
    body = {"__type": "InternalFailure", "message": "An internal error occurred."}
    return web.Response(
        status=500,
        body=json.dumps(body).encode(),
        headers={
            "Content-Type": CONTENT_TYPE,
            "x-amzn-RequestId": request_id,
            "x-amzn-ErrorType": "InternalFailure",
        },
    )
