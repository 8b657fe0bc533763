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
# Real seconds between two looks for a waiting task token (the emulator runs in between).
_TOKEN_POLL_SECONDS = 0.005


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

        context = self._context(execution_arn)
        region = context.region
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

    # --- callback tasks (.waitForTaskToken) ---------------------------------------------------------

    def task_token(
        self, execution_arn: str, state: str | None = None, timeout: float = DEFAULT_WAIT_SECONDS
    ) -> str:
        """The token a ``.waitForTaskToken`` task of the execution (of its state ``state``) waits
        on, once one does (the oldest when several do); answer it with ``send_task_success`` /
        ``send_task_failure`` (or the boto3 client's). Raises if the execution ends first."""
        from emulator.service.emulator_control import waiting_task_tokens

        context = self._context(execution_arn)

        async def first_token() -> str:
            import asyncio

            while True:
                answer = waiting_task_tokens(self._emulator.environment, context, execution_arn)
                for row in answer["tokens"]:
                    if state is None or row["stateName"] == state:
                        return str(row["taskToken"])
                if answer["status"] != "RUNNING":
                    where = f" in state {state!r}" if state is not None else ""
                    raise LookupError(
                        f"execution {execution_arn} ended ({answer['status']}) with no task token waiting{where}"
                    )
                await asyncio.sleep(_TOKEN_POLL_SECONDS)  # real time: the executions run meanwhile

        try:
            return self._emulator.call(first_token(), timeout)
        except TimeoutError:
            raise TimeoutError(
                f"no task token waiting in execution {execution_arn} after {timeout} s"
                + (f" (state {state!r})" if state is not None else "")
            ) from None

    def task_tokens(self, execution_arn: str) -> dict[str, str]:
        """The tokens the execution's ``.waitForTaskToken`` tasks wait on now: {token: state name}."""
        from emulator.service.emulator_control import waiting_task_tokens

        context = self._context(execution_arn)
        answer = self._on_loop(lambda env: waiting_task_tokens(env, context, execution_arn))
        return {str(row["taskToken"]): str(row["stateName"]) for row in answer["tokens"]}

    def send_task_success(self, token: str, output: Any = None, region: str | None = None) -> None:
        """SendTaskSuccess with ``output`` (JSON text, or a value to encode). Unlike a boto3 call it
        may be made inside a Lambda handler (which runs on the emulator's own loop)."""
        from emulator.service.task_tokens import send_task_success

        text = output if isinstance(output, str) else json.dumps({} if output is None else output)
        self._now_or_on_loop(
            lambda env: send_task_success(
                env, self._token_context(env, token, region), {"taskToken": token, "output": text}
            )
        )

    def send_task_failure(
        self, token: str, error: str | None = None, cause: str | None = None, region: str | None = None
    ) -> None:
        """SendTaskFailure (also callable inside a Lambda handler)."""
        from emulator.service.task_tokens import send_task_failure

        request = {"taskToken": token, "error": error, "cause": cause}
        self._now_or_on_loop(
            lambda env: send_task_failure(env, self._token_context(env, token, region), request)
        )

    def send_task_heartbeat(self, token: str, region: str | None = None) -> None:
        """SendTaskHeartbeat (also callable inside a Lambda handler)."""
        from emulator.service.task_tokens import send_task_heartbeat

        self._now_or_on_loop(
            lambda env: send_task_heartbeat(
                env, self._token_context(env, token, region), {"taskToken": token}
            )
        )

    def reset(self) -> None:
        """Forget everything (resources, executions, mocks, AWS backends; the clock restarts now)."""
        from emulator.service.emulator_control import reset_emulator

        self._emulator.call(reset_emulator(self._emulator.environment))

    def _on_loop(self, action: Callable[[Any], Any]) -> Any:
        async def run() -> Any:
            return action(self._emulator.environment)

        return self._emulator.call(run())

    def _now_or_on_loop(self, action: Callable[[Any], Any]) -> Any:
        """``action`` on the emulator's loop: at once when already there (inside a Lambda handler,
        where waiting for the loop would wait forever), else handed to it."""
        import asyncio

        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is not None and running is self._emulator.loop:
            return action(self._emulator.environment)
        return self._on_loop(action)

    def _token_context(self, env: Any, token: str, region: str | None) -> Any:
        """The context of the partition whose task handed out ``token`` (``region`` overrides)."""
        from emulator.service.environment import RequestContext

        pending = env.task_tokens.find(token) if region is None else None
        if pending is not None:
            return RequestContext(pending.account, pending.region, str(uuid.uuid4()))
        return self._context(None, region)

    def _context(self, execution_arn: str | None, region: str | None = None) -> Any:
        """The request context of the execution's account and region (else the emulator's)."""
        from emulator.service.environment import RequestContext

        parts = execution_arn.split(":") if execution_arn else []
        if len(parts) > 4:
            return RequestContext(parts[4], parts[3], str(uuid.uuid4()))
        return RequestContext(self.account_id, region or self.region, str(uuid.uuid4()))


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
