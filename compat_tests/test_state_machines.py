"""CreateStateMachine / Describe / Update / Delete / List through boto3 against a live server."""

from __future__ import annotations

import contextlib
import json
import uuid
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from compat_tests.conftest import ROLE_ARN

PASS = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
PASS_2 = json.dumps({"Comment": "two", "StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
LOG_GROUP = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/vendedlogs/states/x:*"


def unique(prefix: str = "sm") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def create(sfn: Any, **extra: Any) -> str:
    request = {"name": unique(), "definition": PASS, "roleArn": ROLE_ARN, **extra}
    return str(sfn.create_state_machine(**request)["stateMachineArn"])


def error_of(raised: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


def test_create_then_describe_returns_the_configuration(sfn: Any) -> None:
    name = unique()
    arn = sfn.create_state_machine(name=name, definition=PASS, roleArn=ROLE_ARN)["stateMachineArn"]
    assert arn == f"arn:aws:states:us-east-1:123456789012:stateMachine:{name}"
    described = sfn.describe_state_machine(stateMachineArn=arn)
    assert described["name"] == name
    assert described["status"] == "ACTIVE"
    assert described["type"] == "STANDARD"
    assert described["definition"] == PASS
    assert described["loggingConfiguration"] == {"level": "OFF", "includeExecutionData": False}
    assert described["tracingConfiguration"] == {"enabled": False}
    assert "revisionId" not in described  # AWS has no revision id before the first update


def test_create_is_idempotent_for_the_same_configuration_even_with_another_role(sfn: Any) -> None:
    name = unique()
    first = sfn.create_state_machine(name=name, definition=PASS, roleArn=ROLE_ARN)
    again = sfn.create_state_machine(name=name, definition=PASS, roleArn=ROLE_ARN + "-other")
    assert again["stateMachineArn"] == first["stateMachineArn"]
    assert again["creationDate"] == first["creationDate"]
    assert sfn.describe_state_machine(stateMachineArn=first["stateMachineArn"])["roleArn"] == ROLE_ARN


def test_create_with_another_definition_is_state_machine_already_exists(sfn: Any) -> None:
    name = unique()
    arn = sfn.create_state_machine(name=name, definition=PASS, roleArn=ROLE_ARN)["stateMachineArn"]
    with pytest.raises(ClientError) as raised:
        sfn.create_state_machine(name=name, definition=PASS_2, roleArn=ROLE_ARN)
    assert error_of(raised) == ("StateMachineAlreadyExists", f"State Machine Already Exists: '{arn}'")


@pytest.mark.parametrize("name", ["a b", "a*b", "a/b", "tab\there", "x" * 81, "semi;colon"])
def test_invalid_names_are_rejected(sfn: Any, name: str) -> None:
    with pytest.raises(ClientError) as raised:
        sfn.create_state_machine(name=name, definition=PASS, roleArn=ROLE_ARN)
    code, _ = error_of(raised)
    assert code in ("InvalidName", "ValidationException")


def test_invalid_definition_is_rejected_with_aws_message(sfn: Any) -> None:
    with pytest.raises(ClientError) as raised:
        sfn.create_state_machine(name=unique(), definition="{}", roleArn=ROLE_ARN)
    code, message = error_of(raised)
    assert code == "InvalidDefinition"
    assert message.startswith("Invalid State Machine Definition: ")


def test_version_description_without_publish_is_a_validation_exception(sfn: Any) -> None:
    with pytest.raises(ClientError) as raised:
        sfn.create_state_machine(name=unique(), definition=PASS, roleArn=ROLE_ARN, versionDescription="d")
    assert error_of(raised) == (
        "ValidationException",
        "Version description can only be set when publish is true",
    )


@pytest.mark.parametrize(
    "configuration",
    [
        {"level": "ALL"},
        {"level": "ERROR", "destinations": []},
        {
            "level": "ALL",
            "destinations": [
                {"cloudWatchLogsLogGroup": {"logGroupArn": LOG_GROUP}},
                {"cloudWatchLogsLogGroup": {"logGroupArn": LOG_GROUP}},
            ],
        },
    ],
)
def test_logging_without_exactly_one_destination_is_invalid(sfn: Any, configuration: dict[str, Any]) -> None:
    with pytest.raises(ClientError) as raised:
        sfn.create_state_machine(
            name=unique(), definition=PASS, roleArn=ROLE_ARN, loggingConfiguration=configuration
        )
    assert error_of(raised) == (
        "InvalidLoggingConfiguration",
        "Invalid Logging Configuration: Must specify exactly one Log Destination.",
    )


def test_logging_and_tracing_configuration_are_kept(sfn: Any, live_server: Any) -> None:
    logs = boto3.client(
        "logs",
        endpoint_url=live_server.url,
        region_name="us-east-1",
        aws_access_key_id="123456789012",
        aws_secret_access_key="test",
    )
    with contextlib.suppress(logs.exceptions.ResourceAlreadyExistsException):
        logs.create_log_group(logGroupName="/aws/vendedlogs/states/x")
    logging = {
        "level": "ALL",
        "includeExecutionData": True,
        "destinations": [{"cloudWatchLogsLogGroup": {"logGroupArn": LOG_GROUP}}],
    }
    arn = create(sfn, loggingConfiguration=logging, tracingConfiguration={"enabled": True})
    described = sfn.describe_state_machine(stateMachineArn=arn)
    assert described["loggingConfiguration"] == logging
    assert described["tracingConfiguration"] == {"enabled": True}


def test_express_type_is_described(sfn: Any) -> None:
    arn = create(sfn, type="EXPRESS")
    assert sfn.describe_state_machine(stateMachineArn=arn)["type"] == "EXPRESS"


def test_describe_unknown_machine_is_state_machine_does_not_exist(sfn: Any) -> None:
    arn = "arn:aws:states:us-east-1:123456789012:stateMachine:nope-" + uuid.uuid4().hex
    with pytest.raises(ClientError) as raised:
        sfn.describe_state_machine(stateMachineArn=arn)
    assert error_of(raised) == ("StateMachineDoesNotExist", f"State Machine Does Not Exist: '{arn}'")


def test_describe_with_malformed_arn_is_invalid_arn(sfn: Any) -> None:
    with pytest.raises(ClientError) as raised:
        sfn.describe_state_machine(stateMachineArn="not-an-arn")
    assert error_of(raised) == ("InvalidArn", "Invalid Arn: 'Invalid ARN prefix: not-an-arn'")


def test_update_changes_definition_revision_and_update_date(sfn: Any) -> None:
    arn = create(sfn)
    updated = sfn.update_state_machine(stateMachineArn=arn, definition=PASS_2)
    described = sfn.describe_state_machine(stateMachineArn=arn)
    assert described["definition"] == PASS_2
    assert described["revisionId"] == updated["revisionId"]
    assert "updateDate" in updated
    again = sfn.update_state_machine(stateMachineArn=arn, roleArn=ROLE_ARN + "-2")
    assert again["revisionId"] != updated["revisionId"]


def test_update_with_nothing_to_update_is_missing_required_parameter(sfn: Any) -> None:
    arn = create(sfn)
    with pytest.raises(ClientError) as raised:
        sfn.update_state_machine(stateMachineArn=arn)
    assert error_of(raised) == (
        "MissingRequiredParameter",
        "Either the definition, the role ARN, the LoggingConfiguration, or the TracingConfiguration must be specified",
    )


def test_update_rejects_invalid_definition_and_logging(sfn: Any) -> None:
    arn = create(sfn)
    with pytest.raises(ClientError) as raised:
        sfn.update_state_machine(stateMachineArn=arn, definition='{"StartAt": "X"}')
    assert error_of(raised)[0] == "InvalidDefinition"
    with pytest.raises(ClientError) as raised:
        sfn.update_state_machine(stateMachineArn=arn, loggingConfiguration={"level": "ALL"})
    assert error_of(raised)[0] == "InvalidLoggingConfiguration"
    with pytest.raises(ClientError) as raised:
        sfn.update_state_machine(stateMachineArn=arn, definition=PASS_2, versionDescription="x")
    assert error_of(raised)[0] == "ValidationException"


def test_update_unknown_machine_is_state_machine_does_not_exist(sfn: Any) -> None:
    arn = "arn:aws:states:us-east-1:123456789012:stateMachine:nope-" + uuid.uuid4().hex
    with pytest.raises(ClientError) as raised:
        sfn.update_state_machine(stateMachineArn=arn, definition=PASS)
    assert error_of(raised)[0] == "StateMachineDoesNotExist"


def test_delete_then_describe_is_state_machine_does_not_exist_and_delete_is_idempotent(sfn: Any) -> None:
    arn = create(sfn)
    sfn.delete_state_machine(stateMachineArn=arn)
    with pytest.raises(ClientError) as raised:
        sfn.describe_state_machine(stateMachineArn=arn)
    assert error_of(raised)[0] == "StateMachineDoesNotExist"
    sfn.delete_state_machine(stateMachineArn=arn)


def test_delete_with_running_execution_leaves_the_machine_deleting(sfn: Any) -> None:
    activity = sfn.create_activity(name=unique("act"))["activityArn"]
    waiting = json.dumps(
        {"StartAt": "W", "States": {"W": {"Type": "Task", "Resource": activity, "End": True}}}
    )
    arn = create(sfn, definition=waiting)
    execution = sfn.start_execution(stateMachineArn=arn)["executionArn"]
    sfn.delete_state_machine(stateMachineArn=arn)
    assert sfn.describe_state_machine(stateMachineArn=arn)["status"] == "DELETING"
    with pytest.raises(ClientError) as raised:
        sfn.start_execution(stateMachineArn=arn)
    assert error_of(raised)[0] == "StateMachineDeleting"
    with pytest.raises(ClientError) as raised:
        sfn.update_state_machine(stateMachineArn=arn, definition=PASS)
    assert error_of(raised)[0] == "StateMachineDeleting"
    sfn.stop_execution(executionArn=execution)
    with pytest.raises(ClientError) as raised:
        sfn.describe_state_machine(stateMachineArn=arn)
    assert error_of(raised)[0] == "StateMachineDoesNotExist"
    assert sfn.describe_execution(executionArn=execution)["status"] == "ABORTED"


def test_list_state_machines_newest_first_with_pagination(live_server: Any) -> None:
    from compat_tests.conftest import make_client

    client = make_client(live_server.url, region="eu-west-3")
    names = [unique("page") for _ in range(5)]
    for name in names:
        client.create_state_machine(name=name, definition=PASS, roleArn=ROLE_ARN)
    first = client.list_state_machines(maxResults=2)
    assert [m["name"] for m in first["stateMachines"]] == names[::-1][:2]
    assert first["stateMachines"][0]["type"] == "STANDARD"
    second = client.list_state_machines(maxResults=2, nextToken=first["nextToken"])
    third = client.list_state_machines(maxResults=2, nextToken=second["nextToken"])
    listed = [m["name"] for page in (first, second, third) for m in page["stateMachines"]]
    assert listed == names[::-1]
    assert "nextToken" not in third


def test_list_with_a_bad_token_is_invalid_token(sfn: Any) -> None:
    with pytest.raises(ClientError) as raised:
        sfn.list_state_machines(nextToken="garbage!")
    assert error_of(raised) == ("InvalidToken", "Invalid Token: 'Invalid token'")


def test_max_results_over_1000_is_a_validation_exception(sfn: Any) -> None:
    with pytest.raises(ClientError) as raised:
        sfn.list_state_machines(maxResults=1001)
    assert error_of(raised) == (
        "ValidationException",
        "1 validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: "
        "Member must have value less than or equal to 1000",
    )


def test_validate_state_machine_definition_returns_diagnostics(sfn: Any) -> None:
    ok = sfn.validate_state_machine_definition(definition=PASS)
    assert (ok["result"], ok["diagnostics"], ok["truncated"]) == ("OK", [], False)
    failed = sfn.validate_state_machine_definition(definition="{}")
    assert failed["result"] == "FAIL"
    assert failed["diagnostics"] == [
        {
            "severity": "ERROR",
            "code": "SCHEMA_VALIDATION_FAILED",
            "message": "These fields are required: [States, StartAt]",
            "location": "/",
        }
    ]
