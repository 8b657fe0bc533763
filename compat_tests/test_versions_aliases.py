"""Versions and aliases: publish, list, delete; alias routing; executions through them."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from compat_tests.conftest import ROLE_ARN

PASS = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})


def definition(comment: str) -> str:
    return json.dumps({"Comment": comment, "StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})


def create(sfn: Any, **extra: Any) -> str:
    name = f"ver-{uuid.uuid4().hex[:12]}"
    return str(
        sfn.create_state_machine(name=name, definition=PASS, roleArn=ROLE_ARN, **extra)["stateMachineArn"]
    )


def code(raised: pytest.ExceptionInfo[ClientError]) -> str:
    return str(raised.value.response["Error"]["Code"])


def message(raised: pytest.ExceptionInfo[ClientError]) -> str:
    return str(raised.value.response["Error"]["Message"])


def test_create_with_publish_returns_version_one(sfn: Any) -> None:
    name = f"ver-{uuid.uuid4().hex[:12]}"
    created = sfn.create_state_machine(
        name=name, definition=PASS, roleArn=ROLE_ARN, publish=True, versionDescription="first"
    )
    assert created["stateMachineVersionArn"] == created["stateMachineArn"] + ":1"
    version = sfn.describe_state_machine(stateMachineArn=created["stateMachineVersionArn"])
    assert version["stateMachineArn"] == created["stateMachineVersionArn"]
    assert version["description"] == "first"
    assert version["definition"] == PASS


def test_publish_is_idempotent_until_the_machine_changes(sfn: Any) -> None:
    arn = create(sfn)
    first = sfn.publish_state_machine_version(stateMachineArn=arn)
    again = sfn.publish_state_machine_version(stateMachineArn=arn)
    assert first["stateMachineVersionArn"] == again["stateMachineVersionArn"] == arn + ":1"
    updated = sfn.update_state_machine(stateMachineArn=arn, definition=definition("two"), publish=True)
    assert updated["stateMachineVersionArn"] == arn + ":2"
    listed = sfn.list_state_machine_versions(stateMachineArn=arn)["stateMachineVersions"]
    assert [v["stateMachineVersionArn"] for v in listed] == [arn + ":2", arn + ":1"]


def test_publish_with_a_stale_revision_id_is_a_conflict(sfn: Any) -> None:
    arn = create(sfn)
    revision = sfn.update_state_machine(stateMachineArn=arn, definition=definition("r1"))["revisionId"]
    sfn.update_state_machine(stateMachineArn=arn, definition=definition("r2"))
    with pytest.raises(ClientError) as raised:
        sfn.publish_state_machine_version(stateMachineArn=arn, revisionId=revision)
    assert code(raised) == "ConflictException"


def test_publish_for_unknown_machine_is_state_machine_does_not_exist(sfn: Any) -> None:
    arn = "arn:aws:states:us-east-1:123456789012:stateMachine:missing-" + uuid.uuid4().hex
    with pytest.raises(ClientError) as raised:
        sfn.publish_state_machine_version(stateMachineArn=arn)
    assert (code(raised), message(raised)) == (
        "StateMachineDoesNotExist",
        f"State Machine Does Not Exist: '{arn}'",
    )


def test_deleted_version_numbers_are_not_reused(sfn: Any) -> None:
    arn = create(sfn, publish=True)
    sfn.delete_state_machine_version(stateMachineVersionArn=arn + ":1")
    sfn.delete_state_machine_version(stateMachineVersionArn=arn + ":1")  # idempotent
    with pytest.raises(ClientError) as raised:
        sfn.describe_state_machine(stateMachineArn=arn + ":1")
    assert code(raised) == "StateMachineDoesNotExist"
    sfn.update_state_machine(stateMachineArn=arn, definition=definition("later"))
    assert sfn.publish_state_machine_version(stateMachineArn=arn)["stateMachineVersionArn"] == arn + ":2"


def test_alias_lifecycle_and_execution_through_alias(sfn: Any) -> None:
    arn = create(sfn, publish=True)
    alias = sfn.create_state_machine_alias(
        name="live",
        description="d",
        routingConfiguration=[{"stateMachineVersionArn": arn + ":1", "weight": 100}],
    )
    alias_arn = alias["stateMachineAliasArn"]
    assert alias_arn == arn + ":live"
    same = sfn.create_state_machine_alias(
        name="live",
        description="d",
        routingConfiguration=[{"stateMachineVersionArn": arn + ":1", "weight": 100}],
    )
    assert same["creationDate"] == alias["creationDate"]
    described = sfn.describe_state_machine_alias(stateMachineAliasArn=alias_arn)
    assert described["name"] == "live"
    assert described["routingConfiguration"] == [{"stateMachineVersionArn": arn + ":1", "weight": 100}]
    execution = sfn.start_execution(stateMachineArn=alias_arn)["executionArn"]
    assert execution.startswith(arn.replace(":stateMachine:", ":execution:") + ":")
    result = sfn.describe_execution(executionArn=execution)
    assert result["stateMachineAliasArn"] == alias_arn
    assert result["stateMachineVersionArn"] == arn + ":1"
    assert result["stateMachineArn"] == arn
    by_alias = sfn.list_executions(stateMachineArn=alias_arn)["executions"]
    assert [e["executionArn"] for e in by_alias] == [execution]
    listed = sfn.list_state_machine_aliases(stateMachineArn=arn)["stateMachineAliases"]
    assert [a["stateMachineAliasArn"] for a in listed] == [alias_arn]
    with pytest.raises(ClientError) as raised:
        sfn.delete_state_machine_version(stateMachineVersionArn=arn + ":1")
    assert (code(raised), message(raised)) == (
        "ConflictException",
        "Version to be deleted must not be referenced by an alias. "
        "Current list of aliases referencing this version: [live]",
    )
    sfn.delete_state_machine_alias(stateMachineAliasArn=alias_arn)
    with pytest.raises(ClientError) as raised:
        sfn.describe_state_machine_alias(stateMachineAliasArn=alias_arn)
    assert (code(raised), message(raised)) == (
        "ResourceNotFound",
        "Request references a resource that does not exist.",
    )


def test_alias_splits_between_two_versions_and_can_be_updated(sfn: Any) -> None:
    arn = create(sfn, publish=True)
    sfn.update_state_machine(stateMachineArn=arn, definition=definition("v2"), publish=True)
    alias_arn = sfn.create_state_machine_alias(
        name="split",
        routingConfiguration=[
            {"stateMachineVersionArn": arn + ":1", "weight": 50},
            {"stateMachineVersionArn": arn + ":2", "weight": 50},
        ],
    )["stateMachineAliasArn"]
    versions = {
        sfn.describe_execution(executionArn=sfn.start_execution(stateMachineArn=alias_arn)["executionArn"])[
            "stateMachineVersionArn"
        ]
        for _ in range(40)
    }
    assert versions == {arn + ":1", arn + ":2"}
    updated = sfn.update_state_machine_alias(
        stateMachineAliasArn=alias_arn,
        routingConfiguration=[{"stateMachineVersionArn": arn + ":2", "weight": 100}],
    )
    assert (
        sfn.describe_state_machine_alias(stateMachineAliasArn=alias_arn)["updateDate"]
        == updated["updateDate"]
    )
    for_version = sfn.list_state_machine_aliases(stateMachineArn=arn + ":1")["stateMachineAliases"]
    assert for_version == []


def test_alias_routing_must_name_versions(sfn: Any) -> None:
    arn = create(sfn, publish=True)
    with pytest.raises(ClientError) as raised:
        sfn.create_state_machine_alias(
            name="bad", routingConfiguration=[{"stateMachineVersionArn": arn, "weight": 100}]
        )
    assert (code(raised), message(raised)) == (
        "ValidationException",
        f"Routing configuration must contain state machine version ARNs. Received: [{arn}]",
    )


@pytest.mark.parametrize("weights", [(50, 40), (100, 100)])
def test_alias_weights_must_sum_to_100(sfn: Any, weights: tuple[int, int]) -> None:
    arn = create(sfn, publish=True)
    sfn.update_state_machine(stateMachineArn=arn, definition=definition("w"), publish=True)
    routing = [
        {"stateMachineVersionArn": arn + ":1", "weight": weights[0]},
        {"stateMachineVersionArn": arn + ":2", "weight": weights[1]},
    ]
    with pytest.raises(ClientError) as raised:
        sfn.create_state_machine_alias(name="w", routingConfiguration=routing)
    assert code(raised) == "ValidationException"


def test_alias_on_missing_version_is_resource_not_found(sfn: Any) -> None:
    arn = create(sfn, publish=True)
    with pytest.raises(ClientError) as raised:
        sfn.create_state_machine_alias(
            name="gone", routingConfiguration=[{"stateMachineVersionArn": arn + ":7", "weight": 100}]
        )
    assert code(raised) == "ResourceNotFound"


def test_update_of_unknown_alias_is_resource_not_found(sfn: Any) -> None:
    arn = create(sfn, publish=True)
    with pytest.raises(ClientError) as raised:
        sfn.update_state_machine_alias(stateMachineAliasArn=arn + ":nosuch", description="x")
    assert (code(raised), message(raised)) == (
        "ResourceNotFound",
        "Request references a resource that does not exist.",
    )


def test_list_aliases_with_bad_token_is_invalid_token(sfn: Any) -> None:
    arn = create(sfn)
    with pytest.raises(ClientError) as raised:
        sfn.list_state_machine_aliases(stateMachineArn=arn, nextToken="bad")
    assert (code(raised), message(raised)) == ("InvalidToken", "Invalid Token: 'Invalid token'")


def test_execution_of_a_version_is_described_with_its_definition(sfn: Any) -> None:
    arn = create(sfn, publish=True)
    sfn.update_state_machine(stateMachineArn=arn, definition=definition("newer"))
    execution = sfn.start_execution(stateMachineArn=arn + ":1")["executionArn"]
    described = sfn.describe_state_machine_for_execution(executionArn=execution)
    assert described["definition"] == PASS
    assert described["stateMachineArn"] == arn
    assert "revisionId" not in described


def test_deleting_a_machine_removes_its_versions_and_aliases(sfn: Any) -> None:
    arn = create(sfn, publish=True)
    alias_arn = sfn.create_state_machine_alias(
        name="a", routingConfiguration=[{"stateMachineVersionArn": arn + ":1", "weight": 100}]
    )["stateMachineAliasArn"]
    sfn.delete_state_machine(stateMachineArn=arn)
    with pytest.raises(ClientError) as raised:
        sfn.describe_state_machine(stateMachineArn=arn + ":1")
    assert code(raised) == "StateMachineDoesNotExist"
    with pytest.raises(ClientError) as raised:
        sfn.describe_state_machine_alias(stateMachineAliasArn=alias_arn)
    assert code(raised) == "ResourceNotFound"
