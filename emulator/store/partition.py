"""The resources of one (account, region): what one AWS account sees in one region.

Each resource family is a ``Table`` (insertion-ordered mapping by ARN). The service layer uses
only ``get``/``put``/``delete``/``values``/``__contains__``, so a durable implementation (SQLite,
``sqlite.py``) replaces ``Table`` without touching the service layer. The one rule: a record
changed in place is ``put`` again (tags: assigned again), which is how the durable store learns
of the change; executions are the exception, their changes are told by their history events.
"""

from __future__ import annotations

from collections.abc import Awaitable, Iterator
from typing import Generic, Protocol, TypeVar

from emulator.model.records import Activity, Alias, Execution, MapRun, StateMachine

V = TypeVar("V")


class Store(Protocol):
    def partition(self, account: str, region: str) -> Partition: ...

    def partitions(self) -> list[Partition]:
        """Every (account, region) that holds anything (or was asked for)."""
        ...

    def clear(self) -> None: ...

    def settle(self) -> Awaitable[None] | None:
        """What an API answer awaits before it is sent: everything changed so far is durable
        (None: nothing to wait for, as in memory)."""
        ...


class Table(Generic[V]):
    """An insertion-ordered table of records keyed by ARN."""

    __slots__ = ("_rows",)

    def __init__(self) -> None:
        self._rows: dict[str, V] = {}

    def get(self, key: str) -> V | None:
        return self._rows.get(key)

    def put(self, key: str, value: V) -> None:
        self._rows[key] = value

    def delete(self, key: str) -> V | None:
        return self._rows.pop(key, None)

    def values(self) -> list[V]:
        return list(self._rows.values())

    def __contains__(self, key: object) -> bool:
        return key in self._rows

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)


class Partition:
    """All resources of one account in one region."""

    def __init__(self, account: str, region: str) -> None:
        self.account = account
        self.region = region
        self.state_machines: Table[StateMachine] = Table()
        self.versions: Table[StateMachine] = Table()  # version ARN -> version record
        self.aliases: Table[Alias] = Table()
        self.executions: Table[Execution] = Table()
        self.activities: Table[Activity] = Table()
        self.map_runs: Table[MapRun] = Table()
        self.tags: dict[str, dict[str, str]] = {}  # resource ARN -> tags
