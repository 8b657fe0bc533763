"""``POST /_emulator/reset`` and ``GET|POST /_emulator/clock``: the controls tests use
(see emulator/service/emulator_control.py). Answers are JSON; a bad request is a 400 with
``{"__type": "ValidationException", "message": …}``."""

from __future__ import annotations

import json

from aiohttp import web

from emulator.errors import ValidationException
from emulator.server.protocol import ENVIRONMENT
from emulator.service.emulator_control import describe_clock, move_clock, reset_emulator


async def reset(request: web.Request) -> web.StreamResponse:
    return web.json_response(await reset_emulator(request.app[ENVIRONMENT]))


async def show_clock(request: web.Request) -> web.StreamResponse:
    return web.json_response(describe_clock(request.app[ENVIRONMENT]))


async def set_clock(request: web.Request) -> web.StreamResponse:
    try:
        try:
            body = json.loads(await request.text() or "{}")
        except ValueError:
            raise ValidationException("The request body is not valid JSON.") from None
        if not isinstance(body, dict):
            raise ValidationException("The request body must be a JSON object.")
        return web.json_response(await move_clock(request.app[ENVIRONMENT], body))
    except ValidationException as error:
        return web.json_response({"__type": error.code, "message": str(error)}, status=error.status)


def install(app: web.Application) -> None:
    """Add the routes (before the catch-all AWS routes)."""
    app.router.add_post("/_emulator/reset", reset)
    app.router.add_get("/_emulator/clock", show_clock)
    app.router.add_post("/_emulator/clock", set_clock)
