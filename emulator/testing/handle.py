"""What a test holds: ``SfnEmulator`` (clients, mocks, Lambda handlers, waits, histories, reset)
and ``SfnClock`` (the virtual clock), over an ``InProcessEmulator``."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from emulator.testing.in_process import InProcessEmulator

ROLE_ARN = "arn:aws:iam::123456789012:role/sfn-emulator-test"
# Real seconds ``wait`` gives an execution before reporting it still running.
DEFAULT_WAIT_SECONDS = 30.0


class SfnClock:
    """The emulator's clock. ``advance(hours=24)`` takes ``timedelta``'s keywords and fires every
    timer due on the way (Wait states, retry intervals, task timeouts and heartbeats) in order;
    ``set(datetime)`` moves to a moment; ``auto`` switches time skipping on or off."""

    def __init__(self, emulator: InProcessEmulator) -> None:
        self._emulator = emulator

    def _describe(self) -> dict[str, Any]:
        from emulator.service.emulator_control import describe_clock

        async def describe() -> dict[str, Any]:  # on the emulator's loop: the clock is not thread-safe
            return describe_clock(self._emulator.environment)

        return self._emulator.call(describe())

    def now(self) -> datetime:
        return datetime.fromtimestamp(self._describe()["epochSeconds"], UTC)

    @property
    def mode(self) -> str:
        return str(self._describe()["mode"])

    @property
    def pending(self) -> list[datetime]:
        """When the timers now waiting are due, earliest first."""
        return [
            datetime.fromtimestamp(value, UTC) for value in self._describe().get("pendingEpochSeconds", [])
        ]

    def advance(self, delta: timedelta | None = None, **units: float) -> datetime:
        """Move forward by ``delta`` or ``timedelta(**units)``; returns the new time."""
        from emulator.service.emulator_control import move_clock

        seconds = (delta or timedelta(**units)).total_seconds()
        answer = self._emulator.call(move_clock(self._emulator.environment, {"advanceSeconds": seconds}))
        return _parse(answer["now"])

    def set(self, moment: datetime) -> datetime:
        """Move forward to ``moment`` (naive times are UTC)."""
        from emulator.service.emulator_control import move_clock

        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        answer = self._emulator.call(move_clock(self._emulator.environment, {"set": moment.timestamp()}))
        return _parse(answer["now"])

    @property
    def auto(self) -> bool:
        return self.mode == "auto"

    @auto.setter
    def auto(self, value: bool) -> None:
        self._set_mode("auto" if value else "virtual")

    def _set_mode(self, mode: str) -> None:
        from emulator.service.emulator_control import set_clock_mode

        async def switch() -> None:
            set_clock_mode(self._emulator.environment, mode)

        self._emulator.call(switch())


class SfnEmulator:
    """The session's emulator as a test sees it (the ``sfn_emulator`` fixture)."""

    def __init__(self, emulator: InProcessEmulator) -> None:
        self._emulator = emulator
        self._clients: dict[tuple[str, str], Any] = {}
        self.clock = SfnClock(emulator)

    @property
    def url(self) -> str:
        return self._emulator.url

    @property
    def region(self) -> str:
        return self._emulator.settings.region

    @property
    def account_id(self) -> str:
        return self._emulator.settings.account_id

    def client(self, service: str = "stepfunctions", region: str | None = None, **options: Any) -> Any:
        """A boto3 client for ``service`` pointed at the emulator (Step Functions, or any AWS service
        the in-process backends serve: ``client("sqs")``). Plain ones are made once per session."""
        import boto3
        from botocore.config import Config

        key = (service, region or self.region)
        if not options and key in self._clients:
            return self._clients[key]
        options.setdefault("config", Config(inject_host_prefix=False, retries={"max_attempts": 1}))
        client = boto3.client(
            service,
            endpoint_url=self.url,
            region_name=key[1],
            aws_access_key_id="test",
            aws_secret_access_key="test",
            **options,
        )
        if len(options) == 1 and "config" in options:
            self._clients[key] = client
        return client

    # --- state machines and executions ---------------------------------------------------------

    def create_state_machine(
        self, definition: Mapping[str, Any] | str, name: str | None = None, **request: Any
    ) -> str:
        """Create a state machine (a definition dict or JSON text); returns its ARN."""
        text = definition if isinstance(definition, str) else json.dumps(definition)
        answer = self.client().create_state_machine(
            name=name or f"machine-{uuid.uuid4().hex[:8]}",
            definition=text,
            roleArn=request.pop("roleArn", ROLE_ARN),
            **request,
        )
        return str(answer["stateMachineArn"])

    def start(self, state_machine_arn: str, input: Any = None, test_case: str | None = None) -> str:
        """Start an execution (``test_case``: a mock-config test case); returns its ARN."""
        arn = f"{state_machine_arn}#{test_case}" if test_case else state_machine_arn
        text = input if isinstance(input, str) else json.dumps({} if input is None else input)
        return str(self.client().start_execution(stateMachineArn=arn, input=text)["executionArn"])

    def wait(self, execution_arn: str, timeout: float = DEFAULT_WAIT_SECONDS) -> dict[str, Any]:
        """DescribeExecution once the execution has ended. With the clock on ``virtual`` (not
        ``auto``) an execution waiting on time ends only when the test advances the clock."""
        from emulator.service.emulator_control import wait_for_execution
        from emulator.service.environment import RequestContext

        parts = execution_arn.split(":")
        region, account = (parts[3], parts[4]) if len(parts) > 4 else (self.region, self.account_id)
        context = RequestContext(account, region, str(uuid.uuid4()))
        try:
            self._emulator.call(
                wait_for_execution(self._emulator.environment, context, execution_arn), timeout
            )
        except TimeoutError:
            raise TimeoutError(
                f"execution {execution_arn} still running after {timeout} s (clock: {self.clock.mode}; "
                f"timers pending: {[t.isoformat() for t in self.clock.pending]})"
            ) from None
        return dict(self.client(region=region).describe_execution(executionArn=execution_arn))

    def run(
        self,
        definition: Mapping[str, Any] | str,
        input: Any = None,
        *,
        name: str | None = None,
        test_case: str | None = None,
    ) -> dict[str, Any]:
        """Create a state machine, run one execution of it to its end and describe it."""
        arn = self.create_state_machine(definition, name=name)
        return self.wait(self.start(arn, input, test_case))

    def history(self, execution_arn: str) -> list[dict[str, Any]]:
        """The execution's history events, oldest first, as GetExecutionHistory returns them."""
        events: list[dict[str, Any]] = []
        for page in self.client().get_paginator("get_execution_history").paginate(executionArn=execution_arn):
            events.extend(page["events"])
        return events

    # --- mocks and functions (undone by the reset after each test) ---------------------------------

    def add_mock_config(self, document: Mapping[str, Any]) -> dict[str, Any]:
        """Add a Step Functions Local mock configuration document; start its test cases with
        ``start(arn, test_case=…)``."""
        from emulator.service.emulator_control import add_mock_config

        return self._on_loop(lambda env: add_mock_config(env, dict(document)))

    def mock(
        self,
        function: Callable[[Any], Any],
        *,
        state_machine: str | None = None,
        state: str | None = None,
        resource: str | None = None,
    ) -> None:
        """A Python mock: ``function(invocation)`` returns the state's result or raises
        ``StatesError(error, cause)`` (``emulator.language.errors``)."""
        from emulator.service.emulator_control import register_mock

        self._on_loop(
            lambda env: register_mock(
                env, function, state_machine=state_machine, state=state, resource=resource
            )
        )

    def lambda_handler(self, function_name: str, handler: Callable[[Any, Any], Any]) -> None:
        """Run ``handler(event, context)`` in this process for the Lambda function ``function_name``."""
        from emulator.service.emulator_control import register_lambda_handler

        self._on_loop(lambda env: register_lambda_handler(env, function_name, handler))

    def reset(self) -> None:
        """Forget everything (resources, executions, mocks, AWS backends; the clock restarts now)."""
        from emulator.service.emulator_control import reset_emulator

        self._emulator.call(reset_emulator(self._emulator.environment))

    def _on_loop(self, action: Callable[[Any], Any]) -> Any:
        async def run() -> Any:
            return action(self._emulator.environment)

        return self._emulator.call(run())


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
