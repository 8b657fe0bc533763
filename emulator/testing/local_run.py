"""Executions without a server: the control plane's own functions on an event loop in this process
(``sfn-emulator run`` and ``sfn-emulator test``). The emulator is built by the composition root
exactly as the server builds it; only HTTP is left out."""

from __future__ import annotations

import asyncio
import dataclasses
import inspect
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from emulator.errors import ApiError
from emulator.settings import Settings

ROLE_ARN = "arn:aws:iam::123456789012:role/sfn-emulator-run"


@dataclass(frozen=True, slots=True)
class Outcome:
    """An ended execution: DescribeExecution's answer and its history events (wire dicts)."""

    description: dict[str, Any]
    events: list[dict[str, Any]]

    @property
    def status(self) -> str:
        return str(self.description.get("status"))


class DefinitionProblem(Exception):
    """The definition could not be read or was refused (the AWS error's message)."""


def read_definition(path: str) -> str:
    """A definition file's JSON text (``.json``; ``.yaml`` / ``.yml`` are converted)."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as error:
        raise DefinitionProblem(f"cannot read {path}: {error.strerror}") from None
    if file.suffix.lower() in (".yaml", ".yml"):
        import json

        import yaml

        try:
            return json.dumps(yaml.safe_load(text))
        except yaml.YAMLError as error:
            raise DefinitionProblem(f"{path} is not valid YAML: {error}") from None
    return text


class LocalEmulator:
    """``async with LocalEmulator(settings) as emulator``: create machines and run executions."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.env: Any = None

    async def __aenter__(self) -> LocalEmulator:
        from emulator.app import build_environment

        self.env = build_environment(dataclasses.replace(self.settings, log_level="WARNING"))
        # One short run: no warming of the in-process AWS backends in the background (a task that
        # calls one loads it when it needs it).
        self.env.definition_accepted = None
        return self

    async def __aexit__(self, *_: object) -> None:
        from emulator.service.emulator_control import close_environment

        await close_environment(self.env)

    def _context(self) -> Any:
        from emulator.service.environment import RequestContext

        return RequestContext(self.settings.account_id, self.settings.region, str(uuid.uuid4()))

    async def create_state_machine(self, name: str, definition: str, machine_type: str = "STANDARD") -> str:
        from emulator.service.state_machines import create_state_machine

        request = {"name": name, "definition": definition, "roleArn": ROLE_ARN, "type": machine_type}
        try:
            answer = create_state_machine(self.env, self._context(), request)
            if inspect.isawaitable(answer):
                answer = await answer
        except ApiError as error:
            raise DefinitionProblem(f"{error.code}: {error.message}") from None
        return str(answer["stateMachineArn"])

    async def execute(
        self,
        state_machine_arn: str,
        input_text: str = "{}",
        test_case: str | None = None,
        express: bool = False,
    ) -> Outcome:
        """Run one execution to its end. ``express``: StartSyncExecution (AWS keeps no history)."""
        from emulator.service.emulator_control import wait_for_execution
        from emulator.service.executions import get_execution_history, start_execution, start_sync_execution

        context = self._context()
        arn = f"{state_machine_arn}#{test_case}" if test_case else state_machine_arn
        if express:
            sync = {"stateMachineArn": arn, "input": input_text}
            return Outcome(await start_sync_execution(self.env, context, sync), [])
        started = start_execution(self.env, context, {"stateMachineArn": arn, "input": input_text})
        execution_arn = started["executionArn"]
        description = await wait_for_execution(self.env, context, execution_arn)
        events: list[dict[str, Any]] = []
        token: str | None = None
        while True:
            request: dict[str, Any] = {"executionArn": execution_arn, "maxResults": 1000}
            if token:
                request["nextToken"] = token
            page = get_execution_history(self.env, context, request)
            events.extend(page["events"])
            token = page.get("nextToken")
            if not token:
                return Outcome(description, events)

    def add_mock_config(self, document: Any) -> None:
        from emulator.service.emulator_control import add_mock_config

        try:
            add_mock_config(self.env, document)
        except ApiError as error:
            raise DefinitionProblem(f"the mock configuration is malformed at {error.message}") from None


def run_local(coroutine: Any) -> Any:
    """Run a command's coroutine on a fresh event loop."""
    return asyncio.run(coroutine)
