"""What one running execution holds.

``Run`` is the engine's handle on an execution (``execution.handle``); the executor and the units
of work reach it through their ``Scope``.
"""

from __future__ import annotations

import asyncio

from emulator.language.parse.definition import Definition
from emulator.model.arns import parse_states_arn
from emulator.model.jsontext import to_json_text
from emulator.model.records import Execution
from emulator.model.types import JsonObject
from emulator.runtime.recorder import Chain, Recorder

_FALLBACK_REGION = "us-east-1"
_FALLBACK_ACCOUNT = "000000000000"


class Run:
    __slots__ = (
        "execution",
        "definition",
        "recorder",
        "base_context",
        "done",
        "task",
        "deadline",
        "skew",
        "root",
        "region",
        "account",
        "finished",
        "deleted_cause",
        "_position",
    )

    def __init__(self, execution: Execution, recorder: Recorder) -> None:
        self.execution = execution
        self.definition: Definition = execution.state_machine.compiled
        self.recorder = recorder
        self.base_context: JsonObject = {}
        self.done: asyncio.Event | None = None  # made when someone waits for the end
        self.task: asyncio.Task[None] | None = None
        self.deadline: float | None = None
        self.skew = 0.0  # virtual seconds waited beyond the real ones (WAIT_TIME_SCALE < 1)
        self.root = Chain(0)  # the execution's own flow
        arn = parse_states_arn(execution.arn)
        self.region = arn.region if arn else _FALLBACK_REGION
        self.account = arn.account if arn else _FALLBACK_ACCOUNT
        self.finished = False
        # Set when DeleteStateMachine ran while the execution was running: the cause it fails with
        # at its next state transition (``Executor.run_machine``).
        self.deleted_cause: str | None = None
        self._position: tuple[object, str | None] = ((None, None, 0), None)

    def position(self) -> tuple[str | None, int]:
        """Where the execution's own flow is, for a durable store to resume it from: the JSON text
        of ``{"state", "input", "variables"}`` (None before its first state) and the id of the
        flow's latest event. The text is made again only when the flow has moved."""
        root = self.root
        key = (root.state, id(root.value), root.last)
        cached_key, text = self._position
        if cached_key != key:
            text = None
            if root.state is not None:
                text = to_json_text(
                    {
                        "state": root.state,
                        "input": self.recorder.text(root.value),
                        "variables": dict(root.variables),
                    }
                )
            self._position = (key, text)
        return text, root.last
