"""What every control-plane function gets: the shared collaborators, built once by app.py."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from emulator.integrations.lambda_functions import LocalFunctions
from emulator.runtime.activities import ActivityQueues
from emulator.runtime.clock import Clock
from emulator.runtime.task_tokens import TaskTokenRegistry
from emulator.service.watch import ExecutionEvents
from emulator.settings import Settings
from emulator.store.partition import Partition, Store


class ServiceEnvironment:
    """``activities`` and ``task_tokens`` are the objects the engine's activity and callback
    integrations share with GetActivityTask / SendTask* (app.py wires both sides).

    The engine is given, or built by ``engine_builder`` on first use: a server answers its first
    requests (ListStateMachines …) before the interpreter and the integrations are even imported."""

    __slots__ = (
        "settings",
        "store",
        "clock",
        "activities",
        "task_tokens",
        "rng",
        "definition_accepted",
        "execution_logs",
        "retention",
        "reset_hooks",
        "local_functions",
        "execution_events",
        "aws_clients",
        "_engine",
        "_engine_builder",
    )

    def __init__(
        self,
        settings: Settings,
        store: Store,
        clock: Clock,
        engine: Any = None,
        activities: ActivityQueues | None = None,
        task_tokens: TaskTokenRegistry | None = None,
        rng: random.Random | None = None,
        definition_accepted: Callable[[str], None] | None = None,
        engine_builder: Callable[[ServiceEnvironment], Any] | None = None,
        execution_logs: Any = None,
        retention: Any = None,
        local_functions: LocalFunctions | None = None,
        aws_clients: Any = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.clock = clock
        self.activities = ActivityQueues(clock) if activities is None else activities
        self.task_tokens = TaskTokenRegistry() if task_tokens is None else task_tokens
        self.rng = random.Random() if rng is None else rng  # alias routing draws from it
        # Told of every accepted definition text (app.py warms the in-process AWS backends when one
        # calls a service integration, so idle start-up stays small and the first task is not cold).
        self.definition_accepted = definition_accepted
        # ``emulator.runtime.execution_logs.ExecutionLogs`` (None: loggingConfiguration is kept but
        # nothing is delivered, and log groups are not checked).
        self.execution_logs = execution_logs
        # ``emulator.service.retention.ExecutionRetention`` (None: every execution is kept).
        self.retention = retention
        # Called by ``POST /_emulator/reset`` after the control plane's own state is cleared (app.py
        # adds the in-process AWS backends); each returns None or an awaitable.
        self.reset_hooks: list[Callable[[], Any]] = []
        # The local Lambda functions (emulator/service/functions.py); the Lambda integration
        # looks each invoke up here, so functions can be added while the server runs.
        self.local_functions = LocalFunctions() if local_functions is None else local_functions
        # Every event of every execution, pushed as it is recorded (emulator/service/watch.py).
        self.execution_events = ExecutionEvents()
        # The seam to the other AWS services (``emulator.integrations.clients.AwsClients``), for the
        # service functions that create their resources (emulator/service/aws_resources.py).
        self.aws_clients = aws_clients
        self._engine = engine
        self._engine_builder = engine_builder

    @property
    def engine(self) -> Any:
        """The ``emulator.runtime.engine.Engine`` (typed loosely: tests give fakes)."""
        engine = self._engine
        if engine is None:
            build, self._engine_builder = self._engine_builder, None  # None meanwhile: no re-entry
            if build is None:
                raise RuntimeError("the service environment has no engine (and no way to build one)")
            try:
                engine = self._engine = build(self)
            except BaseException:
                self._engine_builder = build  # the next use tries again (and reports its error)
                raise
        return engine

    @engine.setter
    def engine(self, engine: Any) -> None:
        self._engine = engine

    @property
    def engine_built(self) -> bool:
        return self._engine is not None


@dataclass(frozen=True, slots=True)
class RequestContext:
    """Who is calling and where: every resource lives in one (account, region) partition."""

    account: str
    region: str
    request_id: str


def partition_of(env: ServiceEnvironment, context: RequestContext) -> Partition:
    return env.store.partition(context.account, context.region)
