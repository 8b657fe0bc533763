"""A real emulator server on a free loopback port, run on its own event loop in a thread."""

from __future__ import annotations

import asyncio
import socket
import threading
from dataclasses import replace

from aiohttp import web

from emulator.app import build_app
from emulator.settings import Settings


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """Start with ``start()``; ``url`` is the endpoint; ``stop()`` shuts it down. ``bind``: the address
    to listen on (``0.0.0.0``: the container case; ``url`` still reaches it over loopback)."""

    def __init__(self, settings: Settings | None = None, bind: str = "127.0.0.1") -> None:
        base = settings or Settings(wait_time_scale=0.0)
        self.settings = replace(base, host=bind, port=free_port())
        self.url = f"http://127.0.0.1:{self.settings.port}"
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="emulator-server", daemon=True)
        self._runner: web.AppRunner | None = None
        self.app: web.Application | None = None

    def start(self) -> LiveServer:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=30)
        return self

    async def _start(self) -> None:
        self.app = build_app(self.settings)
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.settings.host, self.settings.port).start()

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(timeout=30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
