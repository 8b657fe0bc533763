"""The SQLite store's one writer: a thread that commits what the event loop hands it, in groups.

The loop never waits for the disk: it hands over batches of statements (``submit`` returns a
sequence number) and goes on. The writer takes every batch queued meanwhile into one transaction
(a group commit: while one commits, the next group gathers). ``committed(seq)`` is the future an
API answer awaits when it must not be sent before what it changed is on disk. With WAL and
``synchronous=NORMAL`` a commit is durable against the process dying; the WAL reaches the disk
itself (fsync) at a checkpoint, run at most ``checkpoint_seconds`` after a commit: that is the
window a power loss can take. Given a ``checkpointer`` (a connection of its own), checkpoints run on
a thread of their own, never inside a commit (SQLite's automatic checkpoint is turned off): a
PASSIVE checkpoint neither waits for nor blocks the writer, so no answer waits for an fsync.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import threading
import time
from collections.abc import Sequence
from typing import Any

log = logging.getLogger("emulator.store")

Statement = tuple[str, Sequence[Sequence[Any]]]  # SQL and the rows it runs for (executemany)

CHECKPOINT_SECONDS = 1.0


class Writer:
    def __init__(
        self,
        connection: sqlite3.Connection,
        checkpoint_seconds: float = CHECKPOINT_SECONDS,
        checkpointer: sqlite3.Connection | None = None,
    ) -> None:
        self._connection = connection
        self._checkpoint_seconds = checkpoint_seconds
        self._checkpointer = checkpointer
        self._stop_checkpoints = threading.Event()
        self._condition = threading.Condition()
        self._queue: list[tuple[int, list[Statement]]] = []
        self._submitted = 0
        self._committed = 0
        self._waiters: list[tuple[int, asyncio.Future[None], asyncio.AbstractEventLoop]] = []
        self._closing = False
        self.commits = 0  # transactions committed (what the durability figures count)
        self.last_commit_seconds = 0.0
        self._thread = threading.Thread(target=self._run, name="sfn-store-writer", daemon=True)
        self._thread.start()
        self._checkpoint_thread: threading.Thread | None = None
        if checkpointer is not None:
            connection.execute("PRAGMA wal_autocheckpoint=0")
            self._checkpoint_thread = threading.Thread(
                target=self._checkpoints, name="sfn-store-checkpoints", daemon=True
            )
            self._checkpoint_thread.start()

    @property
    def submitted(self) -> int:
        return self._submitted

    def submit(self, statements: list[Statement]) -> int:
        with self._condition:
            self._submitted += 1
            self._queue.append((self._submitted, statements))
            self._condition.notify()
            return self._submitted

    def committed(self, seq: int) -> asyncio.Future[None] | None:
        """A future done once batch ``seq`` is committed (None: it already is)."""
        with self._condition:
            if self._committed >= seq:
                return None
            loop = asyncio.get_running_loop()
            future: asyncio.Future[None] = loop.create_future()
            self._waiters.append((seq, future, loop))
            return future

    def wait_idle(self, timeout: float = 30.0) -> None:
        """Block until everything submitted is committed (shut-down, tests)."""
        deadline = time.monotonic() + timeout
        with self._condition:
            while self._committed < self._submitted and self._thread.is_alive():
                if not self._condition.wait(max(0.0, deadline - time.monotonic())):
                    break

    def close(self) -> None:
        self.wait_idle()
        with self._condition:
            self._closing = True
            self._condition.notify_all()
        self._thread.join(timeout=30)
        self._stop_checkpoints.set()
        if self._checkpoint_thread is not None:
            self._checkpoint_thread.join(timeout=30)
        if self._checkpointer is not None:
            self._checkpointer.close()
        try:
            self._connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error:
            log.exception("final checkpoint failed")
        self._connection.close()

    def _run(self) -> None:
        last_checkpoint = time.monotonic()
        dirty = False
        while True:
            with self._condition:
                if not self._queue and not self._closing:
                    elapsed = time.monotonic() - last_checkpoint
                    self._condition.wait(max(0.0, self._checkpoint_seconds - elapsed) if dirty else None)
                if self._closing and not self._queue:
                    return
                batches, self._queue = self._queue, []
            if batches:
                started = time.perf_counter()
                self._commit(batches)
                self.last_commit_seconds = time.perf_counter() - started
                dirty = True
            if self._checkpointer is not None:
                dirty = False  # checkpoints are the other thread's
            elif dirty and time.monotonic() - last_checkpoint >= self._checkpoint_seconds:
                try:
                    self._connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
                except sqlite3.Error:
                    log.exception("checkpoint failed")
                last_checkpoint = time.monotonic()
                dirty = False

    def _checkpoints(self) -> None:
        assert self._checkpointer is not None
        done = 0
        while not self._stop_checkpoints.wait(self._checkpoint_seconds):
            if self.commits != done:
                done = self.commits
                try:
                    self._checkpointer.execute("PRAGMA wal_checkpoint(PASSIVE)")
                except sqlite3.Error:
                    log.exception("checkpoint failed")

    def _commit(self, batches: list[tuple[int, list[Statement]]]) -> None:
        connection = self._connection
        try:
            connection.execute("BEGIN")
            for _, statements in batches:
                for sql, rows in statements:
                    connection.executemany(sql, rows)
            connection.execute("COMMIT")
            self.commits += 1
        except Exception:
            with contextlib.suppress(sqlite3.Error):
                connection.execute("ROLLBACK")
            self._commit_row_by_row(batches)
        self._settled(batches)

    def _commit_row_by_row(self, batches: list[tuple[int, list[Statement]]]) -> None:
        """A group that failed as a whole (a text SQLite could not take): each row on its own,
        made storable; a row that still fails is logged and left out."""
        connection = self._connection
        try:
            connection.execute("BEGIN")
            for _, statements in batches:
                for sql, rows in statements:
                    for row in rows:
                        try:
                            connection.execute(sql, [_storable(value) for value in row])
                        except Exception:
                            log.exception("a change could not be written to the data directory")
            connection.execute("COMMIT")
            self.commits += 1
        except sqlite3.Error:
            log.exception("writing to the data directory failed; these changes are not durable")

    def _settled(self, batches: list[tuple[int, list[Statement]]]) -> None:
        with self._condition:
            self._committed = batches[-1][0]
            ready = [w for w in self._waiters if w[0] <= self._committed]
            self._waiters = [w for w in self._waiters if w[0] > self._committed]
            self._condition.notify_all()
        by_loop: dict[asyncio.AbstractEventLoop, list[asyncio.Future[None]]] = {}
        for _, future, loop in ready:
            by_loop.setdefault(loop, []).append(future)
        for loop, futures in by_loop.items():  # one wake-up of each loop per commit
            with contextlib.suppress(RuntimeError):  # the loop has closed
                loop.call_soon_threadsafe(_resolve, futures)


def _storable(value: Any) -> Any:
    """A text SQLite can take: a lone surrogate (an intrinsic can make one) becomes U+FFFD."""
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    return value


def _resolve(futures: list[asyncio.Future[None]]) -> None:
    for future in futures:
        if not future.done():
            future.set_result(None)
