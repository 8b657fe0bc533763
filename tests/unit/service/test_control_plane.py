"""Service functions called directly, with a fake engine: no HTTP, no interpreter."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from emulator.errors import (
    ConflictException,
    InvalidLoggingConfiguration,
    InvalidToken,
    StateMachineDeleting,
    StateMachineDoesNotExist,
)
from emulator.model.records import Alias, Execution, ExecutionStatus, RoutingEntry
from emulator.service import aliases, executions, state_machines, versions
from emulator.service.common import paginate
from emulator.service.environment import RequestContext, ServiceEnvironment
from emulator.settings import Settings
from emulator.store.memory import MemoryStore

PASS = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
ROLE = "arn:aws:iam::123456789012:role/r"
CONTEXT = RequestContext("123456789012", "us-east-1", "req")


class FixedClock:
    def __init__(self) -> None:
        self.time = 1_000.0

    def now(self) -> float:
        self.time += 1
        return self.time

    async def sleep(self, seconds: float) -> None:
        return None


class FakeEngine:
    """Executions start RUNNING; ``finish_all`` ends them; express runs end at once."""

    def __init__(self) -> None:
        self.started: list[Execution] = []
        self.deleted: dict[str, str] = {}  # execution ARN -> machine name (DeleteStateMachine ran)

    def start(self, execution: Execution) -> None:
        if execution.express:
            execution.status = ExecutionStatus.SUCCEEDED
            execution.output = execution.input
            return
        self.started.append(execution)

    async def wait(self, execution: Execution) -> None:
        return None

    def stop(self, execution: Execution, error: str | None, cause: str | None) -> None:
        execution.status = ExecutionStatus.ABORTED
        execution.error, execution.cause = error, cause

    def machine_deleted(self, execution: Execution, machine_name: str) -> None:
        self.deleted[execution.arn] = machine_name

    def finish_all(self) -> None:
        for execution in self.started:
            execution.status = ExecutionStatus.SUCCEEDED
        self.started.clear()


@pytest.fixture
def env() -> ServiceEnvironment:
    return ServiceEnvironment(
        settings=Settings(),
        store=MemoryStore(),
        clock=FixedClock(),
        engine=FakeEngine(),
        rng=random.Random(7),
    )


def create(env: ServiceEnvironment, name: str = "m", **extra: Any) -> str:
    request = {"name": name, "definition": PASS, "roleArn": ROLE, **extra}
    return str(state_machines.create_state_machine(env, CONTEXT, request)["stateMachineArn"])


def test_alias_routing_follows_the_weights_of_the_injected_generator() -> None:
    alias = Alias("a", "a", "m", (RoutingEntry("v1", 20), RoutingEntry("v2", 80)), 0.0)
    rng = random.Random(1)
    picks = [aliases.pick_version(alias, rng) for _ in range(2000)]
    share = picks.count("v1") / len(picks)
    assert 0.15 < share < 0.25
    replay = random.Random(1)
    assert picks == [aliases.pick_version(alias, replay) for _ in range(2000)]


def test_single_version_alias_needs_no_draw() -> None:
    alias = Alias("a", "a", "m", (RoutingEntry("v1", 100),), 0.0)

    class NoDraws(random.Random):
        def randrange(self, *args: Any, **kwargs: Any) -> int:
            raise AssertionError("no draw expected")

    assert aliases.pick_version(alias, NoDraws()) == "v1"


def test_pagination_tokens_are_bound_to_their_listing() -> None:
    items = list(range(5))
    page, token = paginate(items, {"maxResults": 2}, scope="A")
    assert page == [0, 1] and token is not None
    assert paginate(items, {"maxResults": 2, "nextToken": token}, scope="A")[0] == [2, 3]
    with pytest.raises(InvalidToken) as raised:
        paginate(items, {"nextToken": token}, scope="B")
    assert raised.value.message == "Invalid Token: 'Invalid token'"


# Every List* page (nextToken): "Each pagination token expires after 24 hours. Using an expired
# pagination token will return an HTTP 400 InvalidToken error."
@pytest.mark.parametrize(
    ("elapsed", "accepted"), [(60.0, True), (24 * 3600.0, True), (24 * 3600.0 + 1, False)]
)
def test_pagination_tokens_expire_after_24_hours(elapsed: float, accepted: bool) -> None:
    items = list(range(5))
    _, token = paginate(items, {"maxResults": 2}, scope="A", now=1_000.0)
    request = {"maxResults": 2, "nextToken": token}
    if accepted:
        assert paginate(items, request, scope="A", now=1_000.0 + elapsed)[0] == [2, 3]
        return
    with pytest.raises(InvalidToken):
        paginate(items, request, scope="A", now=1_000.0 + elapsed)


def test_list_state_machines_token_expires_on_the_clock(env: ServiceEnvironment) -> None:
    for index in range(3):
        create(env, f"m{index}")
    token = state_machines.list_state_machines(env, CONTEXT, {"maxResults": 1})["nextToken"]
    env.clock.time += 24 * 3600  # type: ignore[attr-defined]
    with pytest.raises(InvalidToken):
        state_machines.list_state_machines(env, CONTEXT, {"maxResults": 1, "nextToken": token})


@pytest.mark.parametrize(
    ("configuration", "message"),
    [
        ({"level": "ALL"}, "Invalid Logging Configuration: Must specify exactly one Log Destination."),
        (
            {"level": "ALL", "destinations": [{"cloudWatchLogsLogGroup": {"logGroupArn": "nonsense"}}]},
            "Invalid Logging Configuration: Log Destination not found.",
        ),
    ],
)
def test_logging_configuration_rules(configuration: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidLoggingConfiguration) as raised:
        state_machines.check_logging_configuration(configuration)
    assert raised.value.message == message


def test_logging_defaults_to_off() -> None:
    assert state_machines.check_logging_configuration(None) == {"level": "OFF", "includeExecutionData": False}


def test_deleting_machine_disappears_when_its_last_execution_ends(env: ServiceEnvironment) -> None:
    arn = create(env)
    execution = executions.start_execution(env, CONTEXT, {"stateMachineArn": arn})["executionArn"]
    state_machines.delete_state_machine(env, CONTEXT, {"stateMachineArn": arn})
    assert (
        state_machines.describe_state_machine(env, CONTEXT, {"stateMachineArn": arn})["status"] == "DELETING"
    )
    with pytest.raises(StateMachineDeleting):
        executions.start_execution(env, CONTEXT, {"stateMachineArn": arn})
    # the running execution is told: it ends at its next state transition (API_DeleteStateMachine)
    assert env.engine.deleted == {execution: arn.rsplit(":", 1)[1]}
    env.engine.finish_all()
    with pytest.raises(StateMachineDoesNotExist):
        state_machines.describe_state_machine(env, CONTEXT, {"stateMachineArn": arn})
    assert executions.describe_execution(env, CONTEXT, {"executionArn": execution})["status"] == "SUCCEEDED"


def test_a_recreated_machine_does_not_list_the_old_executions(env: ServiceEnvironment) -> None:
    arn = create(env)
    executions.start_execution(env, CONTEXT, {"stateMachineArn": arn, "name": "old"})
    env.engine.finish_all()
    state_machines.delete_state_machine(env, CONTEXT, {"stateMachineArn": arn})
    create(env)
    assert executions.list_executions(env, CONTEXT, {"stateMachineArn": arn})["executions"] == []


def test_publish_returns_the_existing_version_while_the_revision_is_unchanged(
    env: ServiceEnvironment,
) -> None:
    arn = create(env)
    first = versions.publish_state_machine_version(env, CONTEXT, {"stateMachineArn": arn})
    again = versions.publish_state_machine_version(env, CONTEXT, {"stateMachineArn": arn, "description": "x"})
    assert first == again
    # an update that changes nothing keeps the revision, so publishing stays idempotent
    state_machines.update_state_machine(env, CONTEXT, {"stateMachineArn": arn, "definition": PASS})
    assert versions.publish_state_machine_version(env, CONTEXT, {"stateMachineArn": arn}) == first


def test_publish_with_a_revision_id_that_is_not_current_is_a_conflict(env: ServiceEnvironment) -> None:
    arn = create(env)
    with pytest.raises(ConflictException):
        versions.publish_state_machine_version(env, CONTEXT, {"stateMachineArn": arn, "revisionId": "stale"})


def test_express_executions_are_not_kept(env: ServiceEnvironment) -> None:
    arn = create(env, type="EXPRESS")
    partition = env.store.partition(CONTEXT.account, CONTEXT.region)
    for _ in range(100_000):
        executions.start_execution(env, CONTEXT, {"stateMachineArn": arn})
    assert len(partition.executions) == 0
    assert len(env.task_tokens) == 0


def test_resources_of_another_partition_are_not_found(env: ServiceEnvironment) -> None:
    arn = create(env)
    elsewhere = RequestContext("123456789012", "eu-west-1", "req")
    with pytest.raises(StateMachineDoesNotExist):
        state_machines.describe_state_machine(env, elsewhere, {"stateMachineArn": arn})
