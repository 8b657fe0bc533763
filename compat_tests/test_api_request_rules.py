"""Every operation's request members through boto3, by class of rule: names, ARN shapes, which
"does not exist" error each operation answers, pagination tokens and page sizes, payload sizes.

Each table cites the API reference page its rows come from; each rule is tested both ways where it
has an accepted side.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from compat_tests.conftest import ROLE_ARN

PASS = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
PREFIX = "arn:aws:states:us-east-1:123456789012:"
UNKNOWN_MACHINE = PREFIX + "stateMachine:no-such-machine"
UNKNOWN_EXECUTION = PREFIX + "execution:no-such-machine:no-such-execution"
UNKNOWN_ACTIVITY = PREFIX + "activity:no-such-activity"
UNKNOWN_MAP_RUN = PREFIX + "mapRun:no-such-machine/label:0c53d5b8-2e23-3a48-8a7e-8c6d5a4e9a10"


def _unique(prefix: str = "api") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def _error(raised: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    return raised.value.response["Error"]["Code"], raised.value.response["Error"]["Message"]


@pytest.fixture(scope="module")
def machine(sfn: Any) -> str:
    arn: str = sfn.create_state_machine(name=_unique("machine"), definition=PASS, roleArn=ROLE_ARN)[
        "stateMachineArn"
    ]
    return arn


# --- names -------------------------------------------------------------------------------------
# https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachine.html and
# API_CreateActivity.html / API_StartExecution.html (name): "A name must not contain: white space,
# brackets < > { } [ ], wildcard characters ? *, special characters " # % \ ^ | ~ ` $ & , ; : /,
# control characters (U+0000-001F, U+007F-009F, U+FFFE-FFFF), surrogates (U+D800-DFFF), invalid
# characters (U+10FFFF)"; length 1..80 (the service model: ValidationException).
NAME_CHARACTERS = [
    ("dash-and_underscore.dot", True),
    ("café-ñ-日本", True),
    ("emoji-😀", True),
    ("white space", False),
    ("no-break\u3000space", False),
    ("tab\tname", False),
    ("new\nline", False),
    *[(f"x{character}y", False) for character in '<>{}[]?*"#%\\^|~`$&,;:/'],
    ("nul\u0000char", False),
    ("unit\u001fseparator", False),
    ("delete\u007fchar", False),
    ("c1\u0085control", False),
    ("c1\u009fcontrol", False),
    ("non\ufffecharacter", False),
    ("non\uffffcharacter", False),
    ("last\U0010ffffpoint", False),
]


def _name_kinds(sfn: Any, machine: str) -> dict[str, Callable[[str], Any]]:
    return {
        "state machine": lambda name: sfn.create_state_machine(name=name, definition=PASS, roleArn=ROLE_ARN),
        "activity": lambda name: sfn.create_activity(name=name),
        "execution": lambda name: sfn.start_execution(stateMachineArn=machine, name=name),
    }


@pytest.mark.parametrize("kind", ["state machine", "activity", "execution"])
@pytest.mark.parametrize(("name", "accepted"), NAME_CHARACTERS)
def test_names_of_machines_activities_and_executions(
    sfn: Any, machine: str, kind: str, name: str, accepted: bool
) -> None:
    name = f"{name}-{uuid.uuid4().hex[:6]}"
    create = _name_kinds(sfn, machine)[kind]
    if accepted:
        create(name)
        return
    with pytest.raises(ClientError) as raised:
        create(name)
    assert _error(raised) == ("InvalidName", f"Invalid Name: '{name}'")


@pytest.mark.parametrize("kind", ["state machine", "activity", "execution"])
def test_name_length_is_the_models_1_to_80(sfn: Any, machine: str, kind: str) -> None:
    create = _name_kinds(sfn, machine)[kind]
    create(uuid.uuid4().hex[:16] + "n" * 64)
    long_name = "n" * 81
    with pytest.raises(ClientError) as raised:
        create(long_name)
    assert _error(raised) == (
        "ValidationException",
        f"1 validation error detected: Value '{long_name}' at 'name' failed to satisfy constraint: "
        "Member must have length less than or equal to 80",
    )


# --- ARN shapes --------------------------------------------------------------------------------
# Each operation's page lists InvalidArn ("The provided Amazon Resource Name (ARN) is not valid");
# API_DescribeStateMachine.html, API_DeleteStateMachine.html, API_UpdateStateMachine.html and
# API_StartExecution.html: "If you provide a qualified state machine ARN that refers to a Distributed
# Map state, the request fails with ValidationException" (stateMachine:<name>/<mapStateLabel>).
def _label_arn(machine: str) -> str:
    return f"{machine}/mapStateLabel"


ARN_OPERATIONS: list[tuple[str, str, dict[str, Any], str]] = [
    # (operation, ARN member, other members, the resource type the member takes)
    ("describe_state_machine", "stateMachineArn", {}, "stateMachine"),
    ("update_state_machine", "stateMachineArn", {"definition": PASS}, "stateMachine"),
    ("delete_state_machine", "stateMachineArn", {}, "stateMachine"),
    ("start_execution", "stateMachineArn", {}, "stateMachine"),
    ("list_executions", "stateMachineArn", {}, "stateMachine"),
    ("publish_state_machine_version", "stateMachineArn", {}, "stateMachine"),
    ("list_state_machine_versions", "stateMachineArn", {}, "stateMachine"),
    ("describe_execution", "executionArn", {}, "execution"),
    ("stop_execution", "executionArn", {}, "execution"),
    ("get_execution_history", "executionArn", {}, "execution"),
    ("describe_state_machine_for_execution", "executionArn", {}, "execution"),
    ("redrive_execution", "executionArn", {}, "execution"),
    ("list_map_runs", "executionArn", {}, "execution"),
    ("describe_activity", "activityArn", {}, "activity"),
    ("delete_activity", "activityArn", {}, "activity"),
    ("get_activity_task", "activityArn", {}, "activity"),
    ("describe_map_run", "mapRunArn", {}, "mapRun"),
    ("update_map_run", "mapRunArn", {"maxConcurrency": 1}, "mapRun"),
]
_OTHER_TYPE = {
    "stateMachine": "activity",
    "execution": "stateMachine",
    "activity": "stateMachine",
    "mapRun": "execution",
}


@pytest.mark.parametrize(("operation", "member", "members", "resource_type"), ARN_OPERATIONS)
def test_an_arn_that_is_no_arn_is_invalid_arn(
    sfn: Any, operation: str, member: str, members: dict[str, Any], resource_type: str
) -> None:
    with pytest.raises(ClientError) as raised:
        getattr(sfn, operation)(**{member: "not-an-arn", **members})
    assert _error(raised) == ("InvalidArn", "Invalid Arn: 'Invalid ARN prefix: not-an-arn'")


@pytest.mark.parametrize(("operation", "member", "members", "resource_type"), ARN_OPERATIONS)
def test_an_arn_of_another_resource_type_is_invalid_arn(
    sfn: Any, operation: str, member: str, members: dict[str, Any], resource_type: str
) -> None:
    other = _OTHER_TYPE[resource_type]
    with pytest.raises(ClientError) as raised:
        getattr(sfn, operation)(**{member: f"{PREFIX}{other}:a:b", **members})
    assert _error(raised) == (
        "InvalidArn",
        f"Invalid Arn: 'Resource type not valid in this context: {other}'",
    )


@pytest.mark.parametrize(
    ("operation", "members"),
    [
        ("describe_state_machine", {}),
        ("update_state_machine", {"definition": PASS}),
        ("delete_state_machine", {}),
        ("start_execution", {}),
    ],
)
def test_a_machine_arn_qualified_by_a_map_state_label_is_a_validation_exception(
    sfn: Any, machine: str, operation: str, members: dict[str, Any]
) -> None:
    arn = _label_arn(machine)
    with pytest.raises(ClientError) as raised:
        getattr(sfn, operation)(stateMachineArn=arn, **members)
    code, message = _error(raised)
    assert code == "ValidationException"
    assert arn in message
    assert raised.value.response["reason"] == "API_DOES_NOT_SUPPORT_LABELED_ARNS"
    assert sfn.describe_state_machine(stateMachineArn=machine)["status"] == "ACTIVE"


# --- what each operation answers for a resource that does not exist ------------------------------
# The Errors section of each page: StateMachineDoesNotExist (API_DescribeStateMachine,
# API_UpdateStateMachine, API_StartExecution, API_StartSyncExecution, API_ListExecutions,
# API_PublishStateMachineVersion, API_ListStateMachineVersions, API_ListStateMachineAliases),
# ExecutionDoesNotExist (API_DescribeExecution, API_StopExecution, API_GetExecutionHistory,
# API_DescribeStateMachineForExecution, API_RedriveExecution, API_ListMapRuns), ActivityDoesNotExist
# (API_DescribeActivity, API_GetActivityTask), ResourceNotFound (API_TagResource, API_UntagResource,
# API_ListTagsForResource, API_DescribeMapRun, API_UpdateMapRun, API_DescribeStateMachineAlias,
# API_UpdateStateMachineAlias, API_DeleteStateMachineAlias); DeleteStateMachine, DeleteActivity and
# DeleteStateMachineVersion of nothing succeed (they list no "does not exist" error).
NOT_FOUND = [
    ("describe_state_machine", {"stateMachineArn": UNKNOWN_MACHINE}, "StateMachineDoesNotExist"),
    (
        "update_state_machine",
        {"stateMachineArn": UNKNOWN_MACHINE, "definition": PASS},
        "StateMachineDoesNotExist",
    ),
    ("start_execution", {"stateMachineArn": UNKNOWN_MACHINE}, "StateMachineDoesNotExist"),
    ("list_executions", {"stateMachineArn": UNKNOWN_MACHINE}, "StateMachineDoesNotExist"),
    ("publish_state_machine_version", {"stateMachineArn": UNKNOWN_MACHINE}, "StateMachineDoesNotExist"),
    ("list_state_machine_versions", {"stateMachineArn": UNKNOWN_MACHINE}, "StateMachineDoesNotExist"),
    ("list_state_machine_aliases", {"stateMachineArn": UNKNOWN_MACHINE}, "StateMachineDoesNotExist"),
    ("describe_execution", {"executionArn": UNKNOWN_EXECUTION}, "ExecutionDoesNotExist"),
    ("stop_execution", {"executionArn": UNKNOWN_EXECUTION}, "ExecutionDoesNotExist"),
    ("get_execution_history", {"executionArn": UNKNOWN_EXECUTION}, "ExecutionDoesNotExist"),
    ("describe_state_machine_for_execution", {"executionArn": UNKNOWN_EXECUTION}, "ExecutionDoesNotExist"),
    ("redrive_execution", {"executionArn": UNKNOWN_EXECUTION}, "ExecutionDoesNotExist"),
    ("list_map_runs", {"executionArn": UNKNOWN_EXECUTION}, "ExecutionDoesNotExist"),
    ("describe_activity", {"activityArn": UNKNOWN_ACTIVITY}, "ActivityDoesNotExist"),
    ("get_activity_task", {"activityArn": UNKNOWN_ACTIVITY}, "ActivityDoesNotExist"),
    (
        "tag_resource",
        {"resourceArn": UNKNOWN_MACHINE, "tags": [{"key": "k", "value": "v"}]},
        "ResourceNotFound",
    ),
    ("untag_resource", {"resourceArn": UNKNOWN_ACTIVITY, "tagKeys": ["k"]}, "ResourceNotFound"),
    ("list_tags_for_resource", {"resourceArn": UNKNOWN_MACHINE}, "ResourceNotFound"),
    ("describe_map_run", {"mapRunArn": UNKNOWN_MAP_RUN}, "ResourceNotFound"),
    ("update_map_run", {"mapRunArn": UNKNOWN_MAP_RUN, "maxConcurrency": 1}, "ResourceNotFound"),
    ("describe_state_machine_alias", {"stateMachineAliasArn": UNKNOWN_MACHINE + ":PROD"}, "ResourceNotFound"),
    (
        "update_state_machine_alias",
        {"stateMachineAliasArn": UNKNOWN_MACHINE + ":PROD", "description": "d"},
        "ResourceNotFound",
    ),
    ("delete_state_machine_alias", {"stateMachineAliasArn": UNKNOWN_MACHINE + ":PROD"}, "ResourceNotFound"),
]
_NOT_FOUND_MESSAGES = {
    "StateMachineDoesNotExist": "State Machine Does Not Exist: '{arn}'",
    "ExecutionDoesNotExist": "Execution Does Not Exist: '{arn}'",
    "ActivityDoesNotExist": "Activity Does Not Exist: '{arn}'",
}


@pytest.mark.parametrize(("operation", "members", "code"), NOT_FOUND)
def test_each_operation_names_what_does_not_exist(
    sfn: Any, operation: str, members: dict[str, Any], code: str
) -> None:
    with pytest.raises(ClientError) as raised:
        getattr(sfn, operation)(**members)
    actual_code, message = _error(raised)
    assert actual_code == code
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    if code in _NOT_FOUND_MESSAGES:
        arn = next(value for key, value in members.items() if key.endswith("Arn"))
        assert message == _NOT_FOUND_MESSAGES[code].format(arn=arn)


@pytest.mark.parametrize(
    ("operation", "members"),
    [
        ("delete_state_machine", {"stateMachineArn": UNKNOWN_MACHINE}),
        ("delete_activity", {"activityArn": UNKNOWN_ACTIVITY}),
        ("delete_state_machine_version", {"stateMachineVersionArn": UNKNOWN_MACHINE + ":7"}),
    ],
)
def test_deleting_what_does_not_exist_succeeds(sfn: Any, operation: str, members: dict[str, Any]) -> None:
    response = getattr(sfn, operation)(**members)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200


# The error shapes of the service model: ResourceNotFound and TooManyTags carry ``resourceName``;
# ValidationException carries a ``reason`` (ValidationExceptionReason: API_DOES_NOT_SUPPORT_LABELED_ARNS,
# MISSING_REQUIRED_PARAMETER, CANNOT_UPDATE_COMPLETED_MAP_RUN, INVALID_ROUTING_CONFIGURATION).
# https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListExecutions.html ("You can
# specify either a mapRunArn or a stateMachineArn, but not both"), API_CreateStateMachineAlias.html
# (routingConfiguration: versions of one state machine, weights summing to 100).
@pytest.mark.parametrize(
    ("operation", "members", "arn"),
    [
        ("tag_resource", {"resourceArn": UNKNOWN_MACHINE, "tags": []}, UNKNOWN_MACHINE),
        ("list_tags_for_resource", {"resourceArn": UNKNOWN_ACTIVITY}, UNKNOWN_ACTIVITY),
        ("describe_map_run", {"mapRunArn": UNKNOWN_MAP_RUN}, UNKNOWN_MAP_RUN),
        (
            "describe_state_machine_alias",
            {"stateMachineAliasArn": UNKNOWN_MACHINE + ":PROD"},
            UNKNOWN_MACHINE + ":PROD",
        ),
    ],
)
def test_resource_not_found_names_the_resource(
    sfn: Any, operation: str, members: dict[str, Any], arn: str
) -> None:
    with pytest.raises(ClientError) as raised:
        getattr(sfn, operation)(**members)
    assert raised.value.response["Error"]["Code"] == "ResourceNotFound"
    assert raised.value.response["resourceName"] == arn


def test_list_executions_takes_a_machine_or_a_map_run_but_not_both(sfn: Any, machine: str) -> None:
    with pytest.raises(ClientError) as raised:
        sfn.list_executions()
    assert raised.value.response["reason"] == "MISSING_REQUIRED_PARAMETER"
    with pytest.raises(ClientError) as raised:
        sfn.list_executions(stateMachineArn=machine, mapRunArn=UNKNOWN_MAP_RUN)
    assert raised.value.response["Error"]["Code"] == "ValidationException"
    assert sfn.list_executions(stateMachineArn=machine)["ResponseMetadata"]["HTTPStatusCode"] == 200


@pytest.mark.parametrize(
    ("weights", "accepted"),
    [
        ((100,), True),
        ((60, 40), True),
        ((100, 0), True),
        ((50, 40), False),
        ((100, 100), False),
        ((0,), False),
    ],
)
def test_alias_routing_weights_sum_to_100(sfn: Any, weights: tuple[int, ...], accepted: bool) -> None:
    arn = sfn.create_state_machine(name=_unique("routing"), definition=PASS, roleArn=ROLE_ARN, publish=True)[
        "stateMachineArn"
    ]
    sfn.update_state_machine(stateMachineArn=arn, definition=PASS.replace('"P"', '"Q"'), publish=True)
    routing = [
        {"stateMachineVersionArn": f"{arn}:{number}", "weight": weight}
        for number, weight in enumerate(weights, start=1)
    ]
    if accepted:
        sfn.create_state_machine_alias(name="live", routingConfiguration=routing)
        return
    with pytest.raises(ClientError) as raised:
        sfn.create_state_machine_alias(name="live", routingConfiguration=routing)
    assert _error(raised) == (
        "ValidationException",
        f"Sum of routing configuration weights must equal 100. Received: {sum(weights)}",
    )
    assert raised.value.response["reason"] == "INVALID_ROUTING_CONFIGURATION"


# --- pagination --------------------------------------------------------------------------------
# Each List* page: "nextToken … An invalid token returns an HTTP 400 InvalidToken error"; maxResults:
# "Valid Range: Minimum value of 0. Maximum value of 1000" (API_ListStateMachines, API_ListExecutions,
# API_ListActivities, API_GetExecutionHistory, API_ListMapRuns, API_ListStateMachineVersions,
# API_ListStateMachineAliases).
def _listings(machine: str, execution: str) -> list[tuple[str, dict[str, Any]]]:
    return [
        ("list_state_machines", {}),
        ("list_activities", {}),
        ("list_executions", {"stateMachineArn": machine}),
        ("get_execution_history", {"executionArn": execution}),
        ("list_map_runs", {"executionArn": execution}),
        ("list_state_machine_versions", {"stateMachineArn": machine}),
        ("list_state_machine_aliases", {"stateMachineArn": machine}),
    ]


LISTINGS = [name for name, _ in _listings("", "")]


@pytest.fixture(scope="module")
def execution(sfn: Any, machine: str) -> str:
    arn: str = sfn.start_execution(stateMachineArn=machine)["executionArn"]
    return arn


@pytest.mark.parametrize("operation", LISTINGS)
def test_an_unusable_page_token_is_invalid_token(
    sfn: Any, machine: str, execution: str, operation: str
) -> None:
    members = dict(_listings(machine, execution))[operation]
    with pytest.raises(ClientError) as raised:
        getattr(sfn, operation)(nextToken="not-a-token-we-gave", **members)
    assert _error(raised) == ("InvalidToken", "Invalid Token: 'Invalid token'")


@pytest.mark.parametrize("operation", LISTINGS)
def test_page_size_is_0_to_1000(sfn: Any, machine: str, execution: str, operation: str) -> None:
    members = dict(_listings(machine, execution))[operation]
    getattr(sfn, operation)(maxResults=0, **members)
    getattr(sfn, operation)(maxResults=1000, **members)
    with pytest.raises(ClientError) as raised:
        getattr(sfn, operation)(maxResults=1001, **members)
    assert _error(raised) == (
        "ValidationException",
        "1 validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: "
        "Member must have value less than or equal to 1000",
    )


# --- payload sizes -----------------------------------------------------------------------------
# https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html (input):
# "Length constraints apply to the payload size, and are expressed as bytes in UTF-8 encoding"
# (Maximum length of 262144); the value is sensitive, so the message redacts it.
_TOO_LARGE_INPUT = (
    "1 validation error detected: Value '*** Sensitive Data Redacted ***' at 'input' failed to satisfy "
    "constraint: Member must have length less than or equal to 262144"
)


@pytest.mark.parametrize(
    ("characters", "accepted"),
    [
        (262_144 // 2 - 1, True),  # 262,142 bytes of 'é' plus the two quotes: exactly the limit
        (262_144 // 2, False),  # 131,074 characters but 262,146 bytes
    ],
)
def test_execution_input_size_counts_utf8_bytes(
    sfn: Any, machine: str, characters: int, accepted: bool
) -> None:
    text = json.dumps("é" * characters, ensure_ascii=False)
    if accepted:
        sfn.start_execution(stateMachineArn=machine, input=text)
        return
    with pytest.raises(ClientError) as raised:
        sfn.start_execution(stateMachineArn=machine, input=text)
    assert _error(raised) == ("ValidationException", _TOO_LARGE_INPUT)


# https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html (input: "The
# string that contains the JSON input data for the execution"; InvalidExecutionInput: "The provided JSON
# input data is not valid"). AWS reads it with Jackson, whose reason the message quotes.
INPUTS = [
    ('{"first_name" : "test"}', None),
    ("[1, 2]", None),
    ('"text"', None),
    ("42", None),
    (
        "not json",
        "Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', "
        "'true' or 'false')",
    ),
    ("{'a': 1}", "Unexpected character (''' (code 39)): was expecting double-quote to start field name"),
]


@pytest.mark.parametrize(("text", "problem"), INPUTS)
def test_execution_input_is_one_json_value(sfn: Any, machine: str, text: str, problem: str | None) -> None:
    if problem is None:
        sfn.start_execution(stateMachineArn=machine, input=text)
        return
    with pytest.raises(ClientError) as raised:
        sfn.start_execution(stateMachineArn=machine, input=text)
    assert _error(raised) == ("InvalidExecutionInput", f"Invalid State Machine Execution Input: '{problem}'")


# --- versions and aliases ----------------------------------------------------------------------
# https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachineAlias.html
# (routingConfiguration: "up to two state machine versions" of the same state machine, weights summing
# to 100; name: the model's pattern, which needs a letter, '_', '-' or '.'; description: up to 256,
# sensitive) and API_PublishStateMachineVersion.html (description up to 256).
@pytest.fixture(scope="module")
def versions(sfn: Any) -> list[str]:
    arn = sfn.create_state_machine(name=_unique("versions"), definition=PASS, roleArn=ROLE_ARN, publish=True)[
        "stateMachineArn"
    ]
    for state in ("Q", "R"):
        sfn.update_state_machine(
            stateMachineArn=arn, definition=PASS.replace('"P"', f'"{state}"'), publish=True
        )
    return [arn, f"{arn}:1", f"{arn}:2", f"{arn}:3"]


def _routing(*pairs: tuple[str, int]) -> list[dict[str, Any]]:
    return [{"stateMachineVersionArn": arn, "weight": weight} for arn, weight in pairs]


def test_alias_routing_rules(sfn: Any, machine: str, versions: list[str]) -> None:
    unqualified, first, second, third = versions
    other = sfn.publish_state_machine_version(stateMachineArn=machine)["stateMachineVersionArn"]
    refused = [
        (
            _routing((unqualified, 100)),
            f"Routing configuration must contain state machine version ARNs. Received: [{unqualified}]",
        ),
        (
            _routing((first, 50), (other, 50)),
            "Routing configuration must contain versions of the same state machine. "
            f"Received: [{first}, {other}]",
        ),
        (
            _routing((first, 50), (first, 50)),
            f"Routing configuration must contain distinct state machine version ARNs. Received: [{first}, {first}]",
        ),
    ]
    for routing, message in refused:
        with pytest.raises(ClientError) as raised:
            sfn.create_state_machine_alias(name="rules", routingConfiguration=routing)
        assert _error(raised) == ("ValidationException", message)
        assert raised.value.response["reason"] == "INVALID_ROUTING_CONFIGURATION"
    with pytest.raises(ClientError) as raised:
        sfn.create_state_machine_alias(
            name="rules", routingConfiguration=_routing((first, 40), (second, 30), (third, 30))
        )
    code, message = _error(raised)
    assert code == "ValidationException"
    assert message.endswith(
        "at 'routingConfiguration' failed to satisfy constraint: Member must have length less than or equal to 2"
    )
    alias = sfn.create_state_machine_alias(
        name="rules", routingConfiguration=_routing((first, 90), (second, 10))
    )
    assert alias["stateMachineAliasArn"] == f"{unqualified}:rules"


@pytest.mark.parametrize(
    ("name", "accepted"),
    [("PROD", True), ("v1.0-blue_green", True), ("1", False), ("123", False), ("a b", False)],
)
def test_alias_names(sfn: Any, versions: list[str], name: str, accepted: bool) -> None:
    routing = _routing((versions[1], 100))
    if accepted:
        sfn.create_state_machine_alias(name=name, routingConfiguration=routing)
        return
    with pytest.raises(ClientError) as raised:
        sfn.create_state_machine_alias(name=name, routingConfiguration=routing)
    assert _error(raised) == (
        "ValidationException",
        f"1 validation error detected: Value '{name}' at 'name' failed to satisfy constraint: Member must "
        "satisfy regular expression pattern: ^(?=.*[a-zA-Z_\\-\\.])[a-zA-Z0-9_\\-\\.]+$",
    )


@pytest.mark.parametrize("operation", ["create_state_machine_alias", "publish_state_machine_version"])
def test_descriptions_are_at_most_256_characters(sfn: Any, versions: list[str], operation: str) -> None:
    if operation == "create_state_machine_alias":
        members: dict[str, Any] = {
            "name": _unique("described"),
            "routingConfiguration": _routing((versions[1], 100)),
        }
    else:
        members = {"stateMachineArn": versions[0]}
    getattr(sfn, operation)(description="d" * 256, **members)
    if operation == "create_state_machine_alias":
        members["name"] = _unique("described")
    with pytest.raises(ClientError) as raised:
        getattr(sfn, operation)(description="d" * 257, **members)
    code, message = _error(raised)
    assert code == "ValidationException"
    assert message.endswith(
        "at 'description' failed to satisfy constraint: Member must have length less than or equal to 256"
    )


# https://docs.aws.amazon.com/step-functions/latest/apireference/API_PublishStateMachineVersion.html
# (revisionId: "If the specified revision ID doesn't match the state machine's current revision ID, the
# API returns ConflictException. To specify an initial revision ID for a state machine with no revision
# ID assigned, specify the string INITIAL")
@pytest.mark.parametrize(
    ("updated", "revision", "accepted"),
    [
        (False, "INITIAL", True),
        (False, "3f1b2c4d-0000-4000-8000-000000000000", False),
        (True, "INITIAL", False),
        (True, "current", True),
    ],
)
def test_publish_checks_the_revision_id(sfn: Any, updated: bool, revision: str, accepted: bool) -> None:
    arn = sfn.create_state_machine(name=_unique("revision"), definition=PASS, roleArn=ROLE_ARN)[
        "stateMachineArn"
    ]
    current = None
    if updated:
        current = sfn.update_state_machine(stateMachineArn=arn, definition=PASS.replace('"P"', '"Q"'))[
            "revisionId"
        ]
    revision_id = current if revision == "current" else revision
    if accepted:
        published = sfn.publish_state_machine_version(stateMachineArn=arn, revisionId=revision_id)
        assert published["stateMachineVersionArn"] == f"{arn}:1"
        return
    with pytest.raises(ClientError) as raised:
        sfn.publish_state_machine_version(stateMachineArn=arn, revisionId=revision_id)
    assert _error(raised)[0] == "ConflictException"
