"""Run a definition through compile -> Engine in-process, with a fake clock."""

from __future__ import annotations

import json
import random
from typing import Any

from emulator.integrations.registry import IntegrationRegistry
from emulator.language.parse import compile_definition
from emulator.model.records import Execution, StateMachine, StateMachineType
from emulator.runtime.engine import Engine
from tests.fakes import ManualClock

ACCOUNT = "111111111111"
REGION = "us-east-1"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/unit-test-role"
MACHINE_NAME = "unit_machine_0123"
EXECUTION_NAME = "unit_execution_0123"


def make_execution(
    definition: dict[str, Any],
    input_text: str = "{}",
    express: bool = False,
    clock: ManualClock | None = None,
) -> Execution:
    clock = clock or ManualClock()
    machine_arn = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:{MACHINE_NAME}"
    machine = StateMachine(
        arn=machine_arn,
        name=MACHINE_NAME,
        definition=json.dumps(definition),
        role_arn=ROLE_ARN,
        type=StateMachineType.EXPRESS if express else StateMachineType.STANDARD,
        creation_date=clock.now(),
        compiled=compile_definition(definition),
        revision_id="r1",
    )
    kind = "express" if express else "execution"
    return Execution(
        arn=f"arn:aws:states:{REGION}:{ACCOUNT}:{kind}:{MACHINE_NAME}:{EXECUTION_NAME}",
        name=EXECUTION_NAME,
        state_machine=machine,
        state_machine_arn=machine_arn,
        input=input_text,
        start_date=clock.now(),
        express=express,
    )


async def run_definition(
    definition: dict[str, Any],
    input_text: str = "{}",
    integrations: IntegrationRegistry | None = None,
    clock: ManualClock | None = None,
    seed: int = 7,
    **engine_options: Any,
) -> Execution:
    clock = clock or ManualClock()
    engine = Engine(clock, integrations or IntegrationRegistry(), random.Random(seed), **engine_options)
    execution = make_execution(definition, input_text, clock=clock)
    engine.start(execution)
    await engine.wait(execution)
    return execution


def events(execution: Execution) -> list[tuple[int, int, str]]:
    return [(event.id, event.previous_event_id, event.type) for event in execution.history.events]
