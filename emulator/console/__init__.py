"""The web console: ``/_console/`` shows state machines and executions as graphs, live, offline.

The page is static files from this package (no CDN, no build step); it reads and writes through
the emulator's own AWS JSON 1.0 API at ``/`` (same origin, the partition named by the credential
scope of the ``Authorization`` header the page sends), so what it shows is what SDKs see. Beyond
the API it uses three read-only routes here: the partitions in use, the task tokens waiting for an
answer, and the one push endpoint (server-sent events) for execution events. ``_`` cannot start an
S3 bucket name, so no AWS request can collide with ``/_console/``.
"""

from __future__ import annotations

from emulator.console.routes import install

__all__ = ["install"]
