"""Composition root: the only place that builds clocks, stores, engines and the web application."""

from __future__ import annotations

import random

from aiohttp import web

from emulator.runtime.clock import SystemClock
from emulator.server.protocol import ENVIRONMENT, handle, health
from emulator.service.environment import ServiceEnvironment
from emulator.settings import Settings
from emulator.store.memory import MemoryStore


def build_environment(settings: Settings) -> ServiceEnvironment:
    from emulator.integrations.registry import IntegrationRegistry
    from emulator.runtime.engine import Engine

    clock = SystemClock(settings.wait_time_scale)
    engine = Engine(clock, IntegrationRegistry(), rng=random.Random())
    return ServiceEnvironment(settings=settings, store=MemoryStore(), clock=clock, engine=engine)


def build_app(settings: Settings) -> web.Application:
    app = web.Application(client_max_size=4 * 1024 * 1024)
    app[ENVIRONMENT] = build_environment(settings)
    app.router.add_get("/_emulator/health", health)
    app.router.add_post("/", handle)
    app.router.add_post("/{tail:.*}", handle)
    return app
