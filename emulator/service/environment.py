"""What every control-plane function gets: the shared collaborators, built once by app.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from emulator.runtime.clock import Clock
from emulator.settings import Settings
from emulator.store.partition import Partition, Store


@dataclass(slots=True)
class ServiceEnvironment:
    settings: Settings
    store: Store
    clock: Clock
    engine: Any  # emulator.runtime.engine.Engine (typed loosely until it lands)


@dataclass(frozen=True, slots=True)
class RequestContext:
    """Who is calling and where: every resource lives in one (account, region) partition."""

    account: str
    region: str
    request_id: str


def partition_of(env: ServiceEnvironment, context: RequestContext) -> Partition:
    return env.store.partition(context.account, context.region)
