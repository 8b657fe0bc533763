"""Requests for other AWS services that reach the emulator's port are served by the in-process
backends behind the client seam, so an SDK client pointed at the emulator sees the queues, tables
and buckets the state machines use (and the other way round).

A request is another service's when it is signed (SigV4 header or presigned query) for a service
other than ``states``, or when it is an unsigned non-POST request (a public S3 object, say).
"""

from __future__ import annotations

import re

from aiohttp import web

from emulator.integrations.clients import AwsClients

CLIENTS: web.AppKey[AwsClients] = web.AppKey("aws_clients", AwsClients)
_SCOPE = re.compile(r"Credential=([^/,\s&]*)/\d{8}/[a-z0-9-]+/([a-z0-9-]+)/")
_QUERY_SCOPE = re.compile(r"X-Amz-Credential=([^%/&]*)(?:%2F|/)\d{8}(?:%2F|/)[a-z0-9-]+(?:%2F|/)([a-z0-9-]+)")
_ACCOUNT_ID = re.compile(r"^\d{12}$")
_STEP_FUNCTIONS = "states"


def _scope(request: web.Request) -> tuple[str, str] | None:
    match = _SCOPE.search(request.headers.get("Authorization", "")) or _QUERY_SCOPE.search(
        request.query_string
    )
    return (match.group(1), match.group(2)) if match is not None else None


def is_other_service(request: web.Request) -> bool:
    if CLIENTS not in request.app:
        return False
    scope = _scope(request)
    if scope is not None:
        return scope[1] != _STEP_FUNCTIONS
    return request.method != "POST"


async def serve(request: web.Request, default_account: str) -> web.StreamResponse:
    """Answer ``request`` with the in-process backend of its service."""
    scope = _scope(request)
    account = scope[0] if scope is not None and _ACCOUNT_ID.match(scope[0]) else default_account
    body = await request.read()
    headers = list(request.headers.items())
    reply = await request.app[CLIENTS].serve_http(
        request.method, request.raw_path.split("?", 1)[0], request.query_string, headers, body, account
    )
    response = web.Response(status=reply.status, body=reply.body)
    for name, value in reply.headers:
        response.headers.add(name, value)
    return response


def install(app: web.Application, clients: AwsClients) -> None:
    """Serve other services' requests (the backends load on first use, or are warmed by app.py
    when a definition calls a service integration)."""
    app[CLIENTS] = clients

    async def close(_: web.Application) -> None:
        clients.close()

    app.on_cleanup.append(close)
