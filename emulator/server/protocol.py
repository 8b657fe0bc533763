"""AWS JSON 1.0 over HTTP: ``POST /`` with ``X-Amz-Target: AWSStepFunctions.<Operation>``."""

from __future__ import annotations

import json
import logging
import re
import uuid
from typing import Any

from aiohttp import web

from emulator.errors import (
    ApiError,
    RequestEntityTooLargeException,
    SerializationException,
    UnknownOperationException,
)
from emulator.server.aws_passthrough import is_other_service
from emulator.server.aws_passthrough import serve as serve_other_service
from emulator.server.error_responses import CONTENT_TYPE, error_response, unexpected_error_response
from emulator.server.operations import handler as operation_handler
from emulator.server.validation import validate_request
from emulator.service.environment import RequestContext, ServiceEnvironment

log = logging.getLogger("emulator.server")

TARGET_PREFIX = "AWSStepFunctions."
# SigV4: "AWS4-HMAC-SHA256 Credential=<key>/<yyyymmdd>/<region>/<service>/aws4_request, ..."
_CREDENTIAL_SCOPE = re.compile(r"Credential=([^/,\s]*)/\d{8}/([a-z0-9-]+)/")
_ACCOUNT_ID = re.compile(r"^\d{12}$")

# The largest request body read (AWS's own limit on Step Functions requests is far lower: inputs and
# definitions are capped at 256 KiB and 1 MB; the rest is room for other services' passthrough).
MAX_REQUEST_BYTES = 4 * 1024 * 1024

ENVIRONMENT: web.AppKey[ServiceEnvironment] = web.AppKey("environment", ServiceEnvironment)


def request_context(request: web.Request, env: ServiceEnvironment, request_id: str) -> RequestContext:
    """The caller's partition: region from the SigV4 credential scope; account configured, or the
    access key itself when it is a 12-digit account id (handy for multi-account tests)."""
    account = env.settings.account_id
    region = env.settings.region
    match = _CREDENTIAL_SCOPE.search(request.headers.get("Authorization", ""))
    if match is not None:
        access_key, region = match.group(1), match.group(2)
        if _ACCOUNT_ID.match(access_key):
            account = access_key
    return RequestContext(account=account, region=region, request_id=request_id)


# One encoder for every response (``json.dumps`` with options builds a new one per call).
_RESPONSE_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)
# For a value holding a lone UTF-16 surrogate (a caller's ``"\ud800"``, or one an intrinsic made from
# JSON text): JSON can carry it as an escape, UTF-8 cannot, so such an answer is written all-ASCII.
_ESCAPING_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=True)


def encode_response(value: Any) -> bytes:
    """The JSON body of an answer; never fails on a string UTF-8 cannot hold (a stored object with
    a lone surrogate must not make every later read of it fail)."""
    try:
        return _RESPONSE_ENCODER.encode(value).encode()
    except UnicodeEncodeError:
        return _ESCAPING_ENCODER.encode(value).encode()


def too_large() -> ApiError:
    """aiohttp refuses a body past ``client_max_size`` while it is read: AWS-style, not a crash."""
    return RequestEntityTooLargeException(
        f"Request body exceeds the maximum allowed size of {MAX_REQUEST_BYTES} bytes."
    )


async def handle(request: web.Request) -> web.StreamResponse:
    request_id = str(uuid.uuid4())
    try:
        if is_other_service(request):  # another AWS service: the in-process backends answer
            return await serve_other_service(request, request.app[ENVIRONMENT].settings.account_id)
        target = request.headers.get("X-Amz-Target", "")
        if not target.startswith(TARGET_PREFIX):
            raise UnknownOperationException(
                f"Operation {target or 'unknown'} is not supported by this endpoint."
            )
        operation = target[len(TARGET_PREFIX) :]
        handler = operation_handler(operation)
        if handler is None:
            raise UnknownOperationException(f"Operation {operation} is not supported.")
        body = await request.read()
        try:
            payload = json.loads(body) if body.strip() else {}
        except (ValueError, RecursionError):  # RecursionError: nested deeper than we can read
            raise SerializationException("Unable to parse the request body as JSON.")
        if not isinstance(payload, dict):
            raise SerializationException("The request body must be a JSON object.")
        validate_request(operation, payload)
        env = request.app[ENVIRONMENT]
        context = request_context(request, env, request_id)
        result = handler(env, context, payload)
        if not isinstance(result, dict):  # an async operation (StartSyncExecution, GetActivityTask …)
            result = await result
        settle = env.store.settle()  # --data-dir: what this answer reports is committed first
        if settle is not None:
            await settle
        return web.Response(
            body=encode_response(result),
            headers={"Content-Type": CONTENT_TYPE, "x-amzn-RequestId": request_id},
        )
    except ApiError as error:
        return error_response(error, request_id)
    except web.HTTPRequestEntityTooLarge:
        return error_response(too_large(), request_id)
    except Exception as exc:  # the translator: anything unknown is a 500, never a crash
        return unexpected_error_response(exc, request_id)


async def health(request: web.Request) -> web.StreamResponse:
    return web.json_response({"status": "running"})
