from __future__ import annotations

import subprocess
import sys
import textwrap

from emulator.app import WARM_UP_MODULES, build_environment, warm_up
from emulator.integrations.registry import IntegrationRegistry
from emulator.runtime.engine import Engine
from emulator.service.environment import ServiceEnvironment
from emulator.settings import Settings
from emulator.store.memory import MemoryStore
from tests.fakes import ManualClock


def test_the_engine_is_built_on_first_use_and_only_once() -> None:
    built: list[ServiceEnvironment] = []

    def builder(env: ServiceEnvironment) -> object:
        built.append(env)
        return object()

    env = ServiceEnvironment(
        settings=Settings(), store=MemoryStore(), clock=ManualClock(), engine_builder=builder
    )
    assert not env.engine_built and built == []
    engine = env.engine
    assert env.engine is engine and env.engine_built
    assert built == [env]


def test_an_environment_without_engine_or_builder_says_so() -> None:
    env = ServiceEnvironment(settings=Settings(), store=MemoryStore(), clock=ManualClock())
    try:
        env.engine  # noqa: B018
    except RuntimeError as error:
        assert "no engine" in str(error)
    else:
        raise AssertionError("expected a RuntimeError")


def test_build_environment_wires_a_real_engine_on_demand() -> None:
    env = build_environment(Settings())
    assert not env.engine_built
    engine = env.engine
    assert isinstance(engine, Engine) and isinstance(engine.integrations, IntegrationRegistry)
    assert engine.integrations.mocks is not None
    assert engine.callbacks is not None


async def test_warm_up_builds_the_engine() -> None:
    env = build_environment(Settings())
    await warm_up(env, delay=0, freeze=False)
    assert env.engine_built
    assert all(name in sys.modules for name in WARM_UP_MODULES)


def test_the_app_answers_without_importing_the_interpreter() -> None:
    # A fresh interpreter: what building the app (and the first ListStateMachines) imports.
    script = textwrap.dedent(
        """
        import asyncio, sys
        from emulator.app import build_app
        from emulator.server.protocol import ENVIRONMENT
        from emulator.server.operations import handler
        from emulator.service.environment import RequestContext
        from emulator.settings import Settings
        app = build_app(Settings(), background_warm_up=True)
        env = app[ENVIRONMENT]
        handler("ListStateMachines")(env, RequestContext("000000000000", "us-east-1", "r"), {})
        heavy = [m for m in ("emulator.runtime.engine", "emulator.language.parse", "jsonata")
                 if m in sys.modules]
        print(heavy, env.engine_built)
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[] False"


def test_a_failed_engine_build_is_tried_again_on_next_use() -> None:
    attempts: list[int] = []

    def builder(env: ServiceEnvironment) -> object:
        attempts.append(1)
        if len(attempts) == 1:
            raise ValueError("broken mock module")
        return "engine"

    env = ServiceEnvironment(
        settings=Settings(), store=MemoryStore(), clock=ManualClock(), engine_builder=builder
    )
    try:
        env.engine  # noqa: B018
    except ValueError:
        pass
    else:
        raise AssertionError("expected the builder's error")
    assert not env.engine_built
    assert env.engine == "engine" and len(attempts) == 2


def test_a_builder_that_asks_for_the_engine_is_refused() -> None:
    env = ServiceEnvironment(
        settings=Settings(), store=MemoryStore(), clock=ManualClock(), engine_builder=lambda env: env.engine
    )
    try:
        env.engine  # noqa: B018
    except RuntimeError as error:
        assert "no engine" in str(error)
    else:
        raise AssertionError("expected a RuntimeError")
