"""An emulator inside the calling process: its own thread and event loop, a free loopback port.

The pytest plugin starts one per session (per xdist worker); ``call`` runs a coroutine on the
emulator's loop, so a fixture can reset it or move its clock without an HTTP round trip.
"""

from __future__ import annotations

import asyncio
import dataclasses
import socket
import threading
from collections.abc import Coroutine
from concurrent.futures import Future
from typing import Any, TypeVar

from emulator.settings import Settings

T = TypeVar("T")

# How long a start-up may take before it is reported as failed (real seconds).
START_TIMEOUT_SECONDS = 30.0


class InProcessEmulator:
    """``start()`` returns once the server listens; ``stop()`` shuts it down and joins the thread."""

    def __init__(self, settings: Settings | None = None) -> None:
        self._requested = settings or Settings.from_environment()
        self.settings = self._requested
        self.environment: Any = None  # the emulator.service.environment.ServiceEnvironment
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stopping: asyncio.Event | None = None
        self._started: Future[None] = Future()

    @property
    def url(self) -> str:
        return f"http://{self.settings.host}:{self.settings.port}"

    def start(self) -> InProcessEmulator:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        port = listener.getsockname()[1]
        # The port is known before the app is built: aws-sdk:sfn tasks call the emulator itself.
        self.settings = dataclasses.replace(self._requested, host="127.0.0.1", port=port)
        self._thread = threading.Thread(
            target=self._serve, args=(listener,), name=f"sfn-emulator:{port}", daemon=True
        )
        self._thread.start()
        self._started.result(timeout=START_TIMEOUT_SECONDS)
        return self

    @property
    def loop(self) -> asyncio.AbstractEventLoop | None:
        """The emulator's event loop (its thread's), while it runs."""
        return self._loop

    def call(self, coroutine: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        """Run ``coroutine`` on the emulator's loop and return its result."""
        if self._loop is None:
            coroutine.close()
            raise RuntimeError("the emulator is not running")
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    def stop(self) -> None:
        loop, stopping = self._loop, self._stopping
        if loop is not None and stopping is not None and not loop.is_closed():
            loop.call_soon_threadsafe(stopping.set)
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._loop = self._thread = None

    # --- the emulator's thread ---------------------------------------------------------------------

    def _serve(self, listener: socket.socket) -> None:
        loop = asyncio.new_event_loop()
        try:
            loop.run_until_complete(self._main(listener, loop))
        except BaseException as error:  # reported to start() (or lost after a clean start)
            if not self._started.done():
                self._started.set_exception(error)
        finally:
            loop.close()

    async def _main(self, listener: socket.socket, loop: asyncio.AbstractEventLoop) -> None:
        from aiohttp import web

        from emulator.app import build_app, environment_of, warm_up

        app = build_app(self.settings)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        site = web.SockSite(runner, listener)
        await site.start()
        self.environment = environment_of(app)
        self._loop = loop
        self._stopping = asyncio.Event()
        # Import the interpreter while the first test sets up (no gc.freeze: this is the user's process).
        warming = loop.create_task(warm_up(self.environment, delay=0, freeze=False))
        self._started.set_result(None)
        try:
            await self._stopping.wait()
        finally:
            warming.cancel()
            await runner.cleanup()
