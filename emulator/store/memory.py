"""In-memory store: one partition per (account, region), created on first use."""

from __future__ import annotations

from emulator.store.partition import Partition


class MemoryStore:
    """Keeps every resource in process memory; lost on restart."""

    def __init__(self) -> None:
        self._partitions: dict[tuple[str, str], Partition] = {}

    def partition(self, account: str, region: str) -> Partition:
        key = (account, region)
        found = self._partitions.get(key)
        if found is None:
            found = self._partitions[key] = Partition(account, region)
        return found

    def partitions(self) -> list[Partition]:
        return list(self._partitions.values())

    def clear(self) -> None:
        """Forget every resource (``POST /_emulator/reset``)."""
        self._partitions.clear()

    def settle(self) -> None:
        """Nothing to wait for: memory is all there is."""
        return None
