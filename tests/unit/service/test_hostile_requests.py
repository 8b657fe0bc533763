"""Requests the fuzzer found answered 500 (each failed before its fix): now AWS-style errors."""

from __future__ import annotations

import json
import random

import pytest

from emulator.errors import InvalidDefinition, InvalidName, ValidationException
from emulator.integrations.stepfunctions import StartFailed
from emulator.service import activities, state_machines
from emulator.service.common import check_name
from emulator.service.environment import ServiceEnvironment
from emulator.service.nested_executions import ControlPlaneStarter
from emulator.service.test_state import test_state as run_test_state
from emulator.settings import Settings
from emulator.store.memory import MemoryStore
from tests.unit.service.test_control_plane import CONTEXT, PASS, ROLE, FakeEngine, FixedClock


def _env() -> ServiceEnvironment:
    return ServiceEnvironment(
        settings=Settings(),
        store=MemoryStore(),
        clock=FixedClock(),
        engine=FakeEngine(),
        rng=random.Random(1),
    )


@pytest.mark.parametrize("name", ["a\ud800", "\udfff", "x\udbffy"])
def test_a_lone_surrogate_in_a_name_is_an_invalid_name(name: str) -> None:
    with pytest.raises(InvalidName):
        check_name(name)
    with pytest.raises(InvalidName):
        activities.create_activity(_env(), CONTEXT, {"name": name})


def test_a_null_tag_is_a_validation_error() -> None:
    with pytest.raises(ValidationException, match="Value null at 'tags.1.member'"):
        state_machines.create_state_machine(
            _env(), CONTEXT, {"name": "m", "definition": PASS, "roleArn": ROLE, "tags": [None]}
        )


async def test_a_nested_start_without_a_state_machine_arn_is_refused_as_aws_would() -> None:
    starter = ControlPlaneStarter(_env())
    with pytest.raises(StartFailed) as caught:
        await starter.start_execution(
            CONTEXT.account, CONTEXT.region, {"stateMachineArn": None, "input": "{}"}
        )
    assert caught.value.code == "ValidationException"
    with pytest.raises(StartFailed) as caught:
        await starter.start_execution(CONTEXT.account, CONTEXT.region, {"stateMachineArn": "arn", "name": 5})
    assert caught.value.code == "SerializationException"


@pytest.mark.parametrize(
    "state",
    [
        {"Type": {"a": 1}, "End": True},
        {"Type": "Wait", "Seconds": "{% 1 %}", "Next": "X"},  # an expression in a JSONPath state
        {"Type": "Wait", "Next": "X"},
        {"Type": "Wait", "Seconds": "x", "End": True},
    ],
)
async def test_a_state_teststate_cannot_compile_is_an_invalid_definition(state: dict[str, object]) -> None:
    with pytest.raises(InvalidDefinition):
        await run_test_state(
            _env(), CONTEXT, {"definition": json.dumps(state), "roleArn": ROLE, "input": "{}"}
        )
