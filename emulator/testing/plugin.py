"""The pytest plugin (registered by the ``pytest11`` entry point; nothing to put in conftest.py).

* ``sfn_emulator`` — one emulator per session (per xdist worker: each worker is its own process),
  in this process on a free loopback port, reset after every test (resources, executions, mocks,
  Lambda handlers, the in-process AWS backends; the clock restarts at the wall-clock time).
* ``sfn`` — a boto3 Step Functions client pointed at it.
* ``sfn_clock`` — its clock: ``advance(hours=24)``, ``set(datetime)``, ``auto``.

The clock is ``auto`` by default (``--sfn-clock`` / ini ``sfn_clock``: ``auto``, ``virtual`` or
``real``): waiting for an execution never waits on a Wait state or a retry interval, while the
histories keep the timestamps the real waits would give; ``@pytest.mark.sfn_clock("virtual")``
makes a test move time only with ``sfn_clock.advance`` (e.g. to look at an execution mid-Wait).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

CLOCK_CHOICES = ("auto", "virtual", "real")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("sfn-emulator", "AWS Step Functions emulator")
    group.addoption(
        "--sfn-clock",
        choices=CLOCK_CHOICES,
        default=None,
        help="the session emulator's clock: auto (default), virtual or real",
    )
    parser.addini(
        "sfn_clock", "the session emulator's clock: auto (default), virtual or real", default="auto"
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", 'sfn_clock(mode): run this test with the emulator\'s clock "virtual" or "auto"'
    )


def _clock_mode(config: pytest.Config) -> str:
    mode = config.getoption("--sfn-clock") or config.getini("sfn_clock") or "auto"
    if mode not in CLOCK_CHOICES:
        raise pytest.UsageError(f"sfn_clock must be one of {', '.join(CLOCK_CHOICES)}, not {mode!r}")
    return str(mode)


@pytest.fixture(scope="session")
def sfn_emulator_server(pytestconfig: pytest.Config) -> Iterator[Any]:
    """The session's ``InProcessEmulator`` (started on first use, stopped at the end)."""
    import dataclasses

    from emulator.settings import Settings
    from emulator.testing.in_process import InProcessEmulator

    settings = dataclasses.replace(
        Settings.from_environment(), clock=_clock_mode(pytestconfig), log_level="WARNING"
    )
    server = InProcessEmulator(settings).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def sfn_emulator(sfn_emulator_server: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """The emulator handle (``emulator.testing.handle.SfnEmulator``); everything the test did is
    forgotten after it."""
    from emulator.testing.handle import SfnEmulator

    handle = SfnEmulator(sfn_emulator_server)
    marker = request.node.get_closest_marker("sfn_clock")
    session_mode = sfn_emulator_server.settings.clock
    if marker is not None:
        mode = marker.args[0] if marker.args else marker.kwargs.get("mode", "virtual")
        if session_mode == "real":
            pytest.skip("the session's emulator runs on real time (--sfn-clock real)")
        if mode not in ("virtual", "auto"):
            pytest.fail(f'@pytest.mark.sfn_clock takes "virtual" or "auto", not {mode!r}', pytrace=False)
        handle.clock.auto = mode == "auto"
    try:
        yield handle
    finally:
        handle.reset()
        if session_mode != "real":  # a marker or ``sfn_clock.auto = …`` lasts one test
            handle.clock.auto = session_mode == "auto"


@pytest.fixture
def sfn(sfn_emulator: Any) -> Any:
    """A boto3 Step Functions client pointed at the session's emulator."""
    return sfn_emulator.client("stepfunctions")


@pytest.fixture
def sfn_clock(sfn_emulator: Any) -> Any:
    """The emulator's clock (``emulator.testing.handle.SfnClock``)."""
    return sfn_emulator.clock
