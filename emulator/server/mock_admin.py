"""``POST /_emulator/mock-config``: add a mock configuration document at run time.

The body is a document in Step Functions Local's mock configuration format; its state machines
and mocked responses are added to (or replace same-named ones of) the configuration in force,
on top of the ``SFN_MOCK_CONFIG`` file. ``GET`` answers the names of the configured state
machines and their test cases. A malformed document is answered 400 with the offending key.
"""

from __future__ import annotations

import json

from aiohttp import web

from emulator.server.protocol import ENVIRONMENT


def _mocks(request: web.Request) -> object:
    return request.app[ENVIRONMENT].engine.integrations.mocks


async def load_mock_config(request: web.Request) -> web.StreamResponse:
    from emulator.integrations.mocks import MockConfigError  # the mock layer: not on the start-up path

    mocks = _mocks(request)
    if mocks is None:
        return web.json_response({"message": "mocking is not enabled"}, status=404)
    try:
        document = json.loads(await request.text())
        config = mocks.load_document(document)  # type: ignore[attr-defined]
    except MockConfigError as error:
        return web.json_response({"message": error.message, "key": error.key}, status=400)
    except ValueError as error:
        return web.json_response({"message": f"not valid JSON: {error}"}, status=400)
    return web.json_response(_summary(config))


async def show_mock_config(request: web.Request) -> web.StreamResponse:
    mocks = _mocks(request)
    if mocks is None:
        return web.json_response({"message": "mocking is not enabled"}, status=404)
    mocks.reload_if_changed()  # type: ignore[attr-defined]
    return web.json_response(_summary(mocks.config))  # type: ignore[attr-defined]


def _summary(config: object) -> dict[str, object]:
    machines = getattr(config, "state_machines", {})
    return {"stateMachines": {name: sorted(cases) for name, cases in machines.items()}}


def install(app: web.Application) -> None:
    """Add the routes (before the catch-all AWS routes)."""
    app.router.add_post("/_emulator/mock-config", load_mock_config)
    app.router.add_get("/_emulator/mock-config", show_mock_config)
