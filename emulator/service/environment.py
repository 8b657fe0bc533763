"""What every control-plane function gets: the shared collaborators, built once by app.py."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from emulator.runtime.activities import ActivityQueues
from emulator.runtime.clock import Clock
from emulator.runtime.task_tokens import TaskTokenRegistry
from emulator.settings import Settings
from emulator.store.partition import Partition, Store


@dataclass(slots=True)
class ServiceEnvironment:
    """``activities`` and ``task_tokens`` are the objects the engine's activity and callback
    integrations share with GetActivityTask / SendTask* (app.py wires both sides)."""

    settings: Settings
    store: Store
    clock: Clock
    engine: Any  # emulator.runtime.engine.Engine (typed loosely until it lands)
    activities: ActivityQueues | None = None
    task_tokens: TaskTokenRegistry = field(default_factory=TaskTokenRegistry)
    rng: random.Random = field(default_factory=random.Random)  # alias routing draws from it
    # Told of every accepted definition text (app.py warms the in-process AWS backends when one
    # calls a service integration, so idle start-up stays small and the first task is not cold).
    definition_accepted: Callable[[str], None] | None = None

    def __post_init__(self) -> None:
        if self.activities is None:
            self.activities = ActivityQueues(self.clock)

    @property
    def activity_queues(self) -> ActivityQueues:
        assert self.activities is not None
        return self.activities


@dataclass(frozen=True, slots=True)
class RequestContext:
    """Who is calling and where: every resource lives in one (account, region) partition."""

    account: str
    region: str
    request_id: str


def partition_of(env: ServiceEnvironment, context: RequestContext) -> Partition:
    return env.store.partition(context.account, context.region)
