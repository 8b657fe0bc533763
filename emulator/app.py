"""Composition root: the only place that builds clocks, stores, engines and the web application."""

from __future__ import annotations

import random

from aiohttp import web

from emulator.model.records import Execution, MapRun
from emulator.runtime.clock import SystemClock
from emulator.server.protocol import ENVIRONMENT, handle, health
from emulator.service.environment import ServiceEnvironment
from emulator.settings import Settings
from emulator.store.memory import MemoryStore
from emulator.store.partition import Store


class PartitionMapRuns:
    """The engine's ``MapRunSink``: Map Runs and their child executions become visible to
    DescribeMapRun / ListMapRuns / ListExecutions(mapRunArn) in their (account, region)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def map_run_started(self, account: str, region: str, map_run: MapRun) -> None:
        self.store.partition(account, region).map_runs.put(map_run.arn, map_run)

    def child_execution_started(self, account: str, region: str, execution: Execution) -> None:
        self.store.partition(account, region).executions.put(execution.arn, execution)


def build_environment(settings: Settings) -> ServiceEnvironment:
    from emulator.integrations.registry import IntegrationRegistry
    from emulator.runtime.engine import Engine

    clock = SystemClock(settings.wait_time_scale)
    store = MemoryStore()
    engine = Engine(clock, IntegrationRegistry(), rng=random.Random(), map_runs=PartitionMapRuns(store))
    return ServiceEnvironment(settings=settings, store=store, clock=clock, engine=engine)


def build_app(settings: Settings) -> web.Application:
    app = web.Application(client_max_size=4 * 1024 * 1024)
    app[ENVIRONMENT] = build_environment(settings)
    app.router.add_get("/_emulator/health", health)
    app.router.add_post("/", handle)
    app.router.add_post("/{tail:.*}", handle)
    return app
