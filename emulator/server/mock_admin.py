"""``POST /_emulator/mock-config``: add a mock configuration document at run time.

The body is a document in Step Functions Local's mock configuration format; its state machines
and mocked responses are added to (or replace same-named ones of) the configuration in force,
on top of the ``SFN_MOCK_CONFIG`` file. ``GET`` answers the names of the configured state
machines and their test cases. A malformed document (not JSON, not an object, a member of the
wrong shape) is answered 400 ``{"__type": "ValidationException", "message": …, "key": …}`` naming the
offending key, and the configuration in force stays as it was.
"""

from __future__ import annotations

import json

from aiohttp import web

from emulator.server.protocol import ENVIRONMENT


def _mocks(request: web.Request) -> object:
    return request.app[ENVIRONMENT].engine.integrations.mocks


def _error(code: str, message: str, status: int, **extra: str) -> web.Response:
    return web.json_response({"__type": code, "message": message, **extra}, status=status)


def _not_enabled() -> web.Response:
    return _error("ResourceNotFoundException", "mocking is not enabled", 404)


async def load_mock_config(request: web.Request) -> web.StreamResponse:
    from emulator.integrations.mocks import MockConfigError  # the mock layer: not on the start-up path

    mocks = _mocks(request)
    if mocks is None:
        return _not_enabled()
    try:
        document = json.loads(await request.read())
    except (ValueError, RecursionError) as error:  # UnicodeDecodeError is a ValueError
        return _error(
            "ValidationException", f"The mock configuration is not valid JSON: {error}", 400, key="$"
        )
    try:
        config = mocks.load_document(document)  # type: ignore[attr-defined]
    except MockConfigError as error:
        return _error("ValidationException", f"{error.key}: {error.message}", 400, key=error.key)
    return web.json_response(_summary(config))


async def show_mock_config(request: web.Request) -> web.StreamResponse:
    mocks = _mocks(request)
    if mocks is None:
        return _not_enabled()
    mocks.reload_if_changed()  # type: ignore[attr-defined]
    return web.json_response(_summary(mocks.config))  # type: ignore[attr-defined]


def _summary(config: object) -> dict[str, object]:
    machines = getattr(config, "state_machines", {})
    return {"stateMachines": {name: sorted(cases) for name, cases in machines.items()}}


async def unknown_admin_path(request: web.Request) -> web.StreamResponse:
    """Anything else under ``/_emulator/`` is ours to refuse, not the AWS backends' to interpret."""
    return _error(
        "ResourceNotFoundException", f"{request.method} {request.path} is not an emulator endpoint", 404
    )


def install(app: web.Application) -> None:
    """Add the routes (before the catch-all AWS routes; ``/_emulator/health`` is added first)."""
    app.router.add_post("/_emulator/mock-config", load_mock_config)
    app.router.add_get("/_emulator/mock-config", show_mock_config)
    app.router.add_route("*", "/_emulator/{tail:.*}", unknown_admin_path)
