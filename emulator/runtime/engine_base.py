"""What the engine's mixins (``TaskWork``, ``Branches``, ``DistributedMaps``) use of the engine.

``Engine`` sets the collaborators in its ``__init__`` and defines the lifecycle methods; the
mixins inherit this class so they are type-checked against one description of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import random

    from emulator.integrations.registry import IntegrationRegistry
    from emulator.language.errors import StatesError
    from emulator.language.parse.definition import Definition
    from emulator.model.records import Execution
    from emulator.model.types import Json
    from emulator.runtime.callbacks import CallbackWaiter
    from emulator.runtime.clock import Clock
    from emulator.runtime.dataflow import DataFlow
    from emulator.runtime.map_run import MapRunSink
    from emulator.runtime.recorder import Chain
    from emulator.runtime.run import Run


class EngineBase:
    clock: Clock
    integrations: IntegrationRegistry
    rng: random.Random
    callbacks: CallbackWaiter | None
    timeout_scale: float
    map_runs: MapRunSink | None
    map_exit_follows_run_start: bool
    dataflow: DataFlow

    if TYPE_CHECKING:

        def start(self, execution: Execution) -> None: ...

        async def wait(self, execution: Execution) -> None: ...

        def stop(self, execution: Execution, error: str | None, cause: str | None) -> None: ...

        async def _run_machine(
            self, run: Run, definition: Definition, value: Json, chain: Chain, start: str | None = None
        ) -> Json: ...

        async def _retry_pause(
            self, run: Run, state: Any, failure: StatesError, attempts: list[int], context: dict[str, Any]
        ) -> bool: ...

        def _finish_result(
            self, state: Any, value: Json, result: Json, context: dict[str, Any], chain: Chain | None = None
        ) -> Json: ...
