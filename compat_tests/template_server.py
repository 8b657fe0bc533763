"""A live server started the way a user starts it with templates (``--template`` …), and the waits
the template tests share."""

from __future__ import annotations

import dataclasses
import json
import time
import urllib.request
from pathlib import Path
from typing import Any

from compat_tests.server import LiveServer
from emulator.cli import parse_settings

TEMPLATES = Path(__file__).parent / "templates"


def start_with(*arguments: str, reload: bool = False) -> LiveServer:
    """``sfn-emulator <arguments>`` on a free port (Wait states do not wait)."""
    settings = parse_settings(list(arguments))
    settings = dataclasses.replace(settings, wait_time_scale=0.0, template_reload=reload)
    return LiveServer(settings).start()


def templates_report(server: LiveServer) -> dict[str, Any]:
    with urllib.request.urlopen(f"{server.url}/_emulator/templates", timeout=10) as response:
        return dict(json.loads(response.read()))


def wait_loaded(server: LiveServer, generation: int = 1, timeout: float = 60.0) -> dict[str, Any]:
    """``GET /_emulator/templates`` once every template has loaded (``generation`` times)."""
    deadline = time.monotonic() + timeout
    while True:
        report = templates_report(server)
        if report["ready"] and all(item["generation"] >= generation for item in report["templates"]):
            return report
        if time.monotonic() > deadline:
            raise AssertionError(f"templates did not load: {report}")
        time.sleep(0.02)


def resources_of(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """logical id -> outcome, over every stack of every template."""
    return {
        item["logicalId"]: item
        for template in report["templates"]
        for stack in template["stacks"]
        for item in stack["resources"]
    }
