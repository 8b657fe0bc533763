"""The one place where an exception becomes an HTTP response."""

from __future__ import annotations

import json
import logging

from aiohttp import web

from emulator.errors import ApiError

log = logging.getLogger("emulator.server")

CONTENT_TYPE = "application/x-amz-json-1.0"


def error_response(error: ApiError, request_id: str) -> web.Response:
    return _response(error.status, error.code, error.message, request_id, error.fields)


def unexpected_error_response(exc: BaseException, request_id: str) -> web.Response:
    log.error("internal failure answering request %s", request_id, exc_info=exc)
    return _response(500, "InternalFailure", "An internal error occurred.", request_id)


def _response(
    status: int, code: str, message: str, request_id: str, fields: dict[str, str] | None = None
) -> web.Response:
    """AWS JSON 1.0's error shape: ``__type``, ``message`` and the error's other members (``reason``,
    ``resourceName``), the code again in a header."""
    return web.Response(
        status=status,
        body=json.dumps({"__type": code, "message": message, **(fields or {})}).encode(),
        headers={"Content-Type": CONTENT_TYPE, "x-amzn-RequestId": request_id, "x-amzn-ErrorType": code},
    )
