"""Resource lifecycles of the Step Functions API through boto3, as each operation's API reference
documents them: versions, aliases, tags, executions (StartExecution idempotency, DescribeExecution
members by status, ListExecutions filters and order), UpdateStateMachine and DeleteStateMachine.

Each table cites the API reference page its rows come from
(https://docs.aws.amazon.com/step-functions/latest/apireference/API_<Operation>.html).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from compat_tests.conftest import ROLE_ARN
from compat_tests.helpers import wait_finished

PASS = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})


def _unique(prefix: str = "life") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def _code(call: Any, **kwargs: Any) -> str:
    """The error code ``call`` answers, or "ok"."""
    try:
        call(**kwargs)
    except ClientError as error:
        return str(error.response["Error"]["Code"])
    return "ok"


@pytest.fixture(scope="module")
def raw(live_server: Any) -> Any:
    """A client that sends what it is given (boto3's own checks off): the server's checks answer."""
    return boto3.client(
        "stepfunctions",
        endpoint_url=live_server.url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 0}, parameter_validation=False, inject_host_prefix=False),
    )


def _machine(sfn: Any, definition: str = PASS, **kwargs: Any) -> str:
    arn: str = sfn.create_state_machine(name=_unique(), definition=definition, roleArn=ROLE_ARN, **kwargs)[
        "stateMachineArn"
    ]
    return arn


def _versions(sfn: Any, count: int, **kwargs: Any) -> tuple[str, list[str]]:
    """A machine with ``count`` published versions (each a different definition)."""
    arn = _machine(sfn, **kwargs)
    published = []
    for index in range(count):
        definition = {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": index, "End": True}}}
        published.append(
            sfn.update_state_machine(stateMachineArn=arn, definition=json.dumps(definition), publish=True)[
                "stateMachineVersionArn"
            ]
        )
    return arn, published


def _activity_machine(sfn: Any) -> tuple[str, str]:
    """A machine whose execution waits on an activity task (it stays RUNNING until a worker answers)
    then passes, unless its input is ``{"fast": true}`` (it succeeds at once): -> (machine ARN,
    activity ARN)."""
    activity = sfn.create_activity(name=_unique("act"))["activityArn"]
    definition = {
        "StartAt": "Route",
        "States": {
            "Route": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.fast", "IsPresent": True, "Next": "Done"}],
                "Default": "Work",
            },
            "Work": {"Type": "Task", "Resource": activity, "Next": "After"},
            "After": {"Type": "Pass", "End": True},
            "Done": {"Type": "Succeed"},
        },
    }
    return _machine(sfn, json.dumps(definition)), activity


def _answer_activity(sfn: Any, activity: str) -> None:
    task = sfn.get_activity_task(activityArn=activity)
    sfn.send_task_success(taskToken=task["taskToken"], output="{}")


# --- CreateStateMachineAlias: routingConfiguration ------------------------------------------------
# https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachineAlias.html
# ("points to one or two versions of the same state machine"; routingConfiguration 1..2 items) and
# API_RoutingConfigurationListItem.html (weight 0..100, "The sum of the weights in the routing
# configuration must be equal to 100"; "If you specify the ARN of a second version, it must belong to
# the same state machine as the first version").
ROUTINGS = [
    ("one version at 100", [("v1", 100)], "ok"),
    ("two versions 50/50", [("v1", 50), ("v2", 50)], "ok"),
    ("two versions 0/100", [("v1", 0), ("v2", 100)], "ok"),
    ("weights summing to 90", [("v1", 50), ("v2", 40)], "ValidationException"),
    ("weights summing to 200", [("v1", 100), ("v2", 100)], "ValidationException"),
    ("one version below 100", [("v1", 99)], "ValidationException"),
    ("the same version twice", [("v1", 50), ("v1", 50)], "ValidationException"),
    ("an unqualified state machine ARN", [("machine", 100)], "ValidationException"),
    ("an alias ARN", [("alias", 100)], "ValidationException"),
    ("a version of another machine", [("v1", 50), ("other", 50)], "ValidationException"),
    ("a version never published", [("missing", 100)], "ResourceNotFound"),
    ("three versions", [("v1", 30), ("v2", 30), ("v3", 40)], "ValidationException"),
    ("no version", [], "ValidationException"),
    ("a weight above 100", [("v1", 101)], "ValidationException"),
    ("a negative weight", [("v1", -1), ("v2", 101)], "ValidationException"),
]


@pytest.fixture(scope="module")
def routed(sfn: Any) -> dict[str, str]:
    machine, (v1, v2, v3) = _versions(sfn, 3)
    _, (other,) = _versions(sfn, 1)
    sfn.create_state_machine_alias(
        name="existing", routingConfiguration=[{"stateMachineVersionArn": v1, "weight": 100}]
    )
    return {
        "machine": machine,
        "v1": v1,
        "v2": v2,
        "v3": v3,
        "other": other,
        "alias": f"{machine}:existing",
        "missing": f"{machine}:99",
    }


@pytest.mark.parametrize(("label", "routing", "expected"), ROUTINGS, ids=[row[0] for row in ROUTINGS])
def test_alias_routing_configuration_rules(
    raw: Any, routed: dict[str, str], label: str, routing: list[tuple[str, int]], expected: str
) -> None:
    items = [{"stateMachineVersionArn": routed[key], "weight": weight} for key, weight in routing]
    name = _unique("alias")
    assert _code(raw.create_state_machine_alias, name=name, routingConfiguration=items) == expected
    if expected == "ok":
        described = raw.describe_state_machine_alias(stateMachineAliasArn=f"{routed['machine']}:{name}")
        assert described["routingConfiguration"] == items
        # UpdateStateMachineAlias applies the same rules (API_UpdateStateMachineAlias.html).
    else:
        assert (
            _code(
                raw.update_state_machine_alias,
                stateMachineAliasArn=routed["alias"],
                routingConfiguration=items,
            )
            == expected
        )


# API_CreateStateMachineAlias.html, name: pattern ^(?=.*[a-zA-Z_\-\.])[a-zA-Z0-9_\-\.]+$, 1..80
# characters ("To avoid conflict with version ARNs, don't use an integer in the name of the alias").
ALIAS_NAMES = [
    ("prod", "ok"),
    ("v2", "ok"),
    ("a.b-c_d", "ok"),
    ("x" * 80, "ok"),
    ("123", "ValidationException"),
    ("x" * 81, "ValidationException"),
    ("with space", "ValidationException"),
    ("colon:name", "ValidationException"),
    ("trailing-newline\n", "ValidationException"),
    ("", "ValidationException"),
]


@pytest.mark.parametrize(("name", "expected"), ALIAS_NAMES)
def test_alias_name_rules(raw: Any, routed: dict[str, str], name: str, expected: str) -> None:
    items = [{"stateMachineVersionArn": routed["v2"], "weight": 100}]
    assert _code(raw.create_state_machine_alias, name=name, routingConfiguration=items) == expected


def test_alias_creation_is_idempotent_on_name_description_and_routing(sfn: Any) -> None:
    # API_CreateStateMachineAlias.html: "Step Functions bases the idempotency check on the
    # stateMachineArn, description, name, and routingConfiguration parameters."
    machine, (v1, v2) = _versions(sfn, 2)
    routing = [{"stateMachineVersionArn": v1, "weight": 100}]
    first = sfn.create_state_machine_alias(name="same", routingConfiguration=routing, description="d")
    again = sfn.create_state_machine_alias(name="same", routingConfiguration=routing, description="d")
    assert again["stateMachineAliasArn"] == first["stateMachineAliasArn"] == f"{machine}:same"
    assert again["creationDate"] == first["creationDate"]
    for changed in (
        {"routingConfiguration": [{"stateMachineVersionArn": v2, "weight": 100}], "description": "d"},
        {"routingConfiguration": routing, "description": "other"},
    ):
        assert _code(sfn.create_state_machine_alias, name="same", **changed) == "ConflictException"


def test_alias_describe_list_update_delete(sfn: Any) -> None:
    machine, (v1, v2) = _versions(sfn, 2)
    first = sfn.create_state_machine_alias(
        name="first", routingConfiguration=[{"stateMachineVersionArn": v1, "weight": 100}]
    )["stateMachineAliasArn"]
    second = sfn.create_state_machine_alias(
        name="second", routingConfiguration=[{"stateMachineVersionArn": v2, "weight": 100}]
    )["stateMachineAliasArn"]
    # API_DescribeStateMachineAlias.html, updateDate: "For a newly created state machine, this is the
    # same as the creation date."
    described = sfn.describe_state_machine_alias(stateMachineAliasArn=first)
    assert described["updateDate"] == described["creationDate"]
    assert "description" not in described
    # API_ListStateMachineAliases.html: "Results are sorted by time, with the most recently created
    # aliases listed first"; a version ARN lists the aliases that reference that version.
    listed = sfn.list_state_machine_aliases(stateMachineArn=machine)["stateMachineAliases"]
    assert [item["stateMachineAliasArn"] for item in listed] == [second, first]
    by_version = sfn.list_state_machine_aliases(stateMachineArn=v1)["stateMachineAliases"]
    assert [item["stateMachineAliasArn"] for item in by_version] == [first]
    page = sfn.list_state_machine_aliases(stateMachineArn=machine, maxResults=1)
    assert [item["stateMachineAliasArn"] for item in page["stateMachineAliases"]] == [second]
    rest = sfn.list_state_machine_aliases(stateMachineArn=machine, maxResults=1, nextToken=page["nextToken"])
    assert [item["stateMachineAliasArn"] for item in rest["stateMachineAliases"]] == [first]
    assert "nextToken" not in rest
    # API_UpdateStateMachineAlias.html: at least one of description / routingConfiguration.
    assert _code(sfn.update_state_machine_alias, stateMachineAliasArn=first) == "ValidationException"
    updated = sfn.update_state_machine_alias(
        stateMachineAliasArn=first,
        description="now split",
        routingConfiguration=[
            {"stateMachineVersionArn": v1, "weight": 30},
            {"stateMachineVersionArn": v2, "weight": 70},
        ],
    )
    # "Requests with the same parameters return an idempotent response" (API_UpdateStateMachineAlias)
    repeated = sfn.update_state_machine_alias(stateMachineAliasArn=first, description="now split")
    assert repeated["updateDate"] == updated["updateDate"]
    described = sfn.describe_state_machine_alias(stateMachineAliasArn=first)
    assert described["description"] == "now split"
    assert described["updateDate"] == updated["updateDate"]
    assert [r["weight"] for r in described["routingConfiguration"]] == [30, 70]
    # API_DeleteStateMachineAlias.html: the versions stay; a deleted alias cannot start executions.
    sfn.delete_state_machine_alias(stateMachineAliasArn=first)
    assert _code(sfn.describe_state_machine_alias, stateMachineAliasArn=first) == "ResourceNotFound"
    assert _code(sfn.start_execution, stateMachineArn=first) == "StateMachineDoesNotExist"
    assert sfn.describe_state_machine(stateMachineArn=v1)["stateMachineArn"] == v1


# --- PublishStateMachineVersion / CreateStateMachine publish ----------------------------------------
# https://docs.aws.amazon.com/step-functions/latest/apireference/API_PublishStateMachineVersion.html
# revisionId: "If the specified revision ID doesn't match the state machine's current revision ID, the
# API returns ConflictException. To specify an initial revision ID for a state machine with no revision
# ID assigned, specify the string INITIAL"; idempotent for the current revision.
REVISIONS = [
    ("fresh machine, no revisionId", False, None, "ok"),
    ("fresh machine, INITIAL", False, "INITIAL", "ok"),
    ("fresh machine, another id", False, "0f6b5a3c-0000-4000-8000-000000000000", "ConflictException"),
    ("updated machine, no revisionId", True, None, "ok"),
    ("updated machine, the current id", True, "current", "ok"),
    ("updated machine, INITIAL", True, "INITIAL", "ConflictException"),
    ("updated machine, another id", True, "0f6b5a3c-0000-4000-8000-000000000000", "ConflictException"),
]


@pytest.mark.parametrize(
    ("label", "updated", "revision", "expected"), REVISIONS, ids=[row[0] for row in REVISIONS]
)
def test_publish_revision_id_rules(
    sfn: Any, label: str, updated: bool, revision: str | None, expected: str
) -> None:
    arn = _machine(sfn)
    if updated:
        sfn.update_state_machine(
            stateMachineArn=arn,
            definition=json.dumps(
                {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": 1, "End": True}}}
            ),
        )
    current = sfn.describe_state_machine(stateMachineArn=arn).get("revisionId")
    assert (current is not None) is updated  # a machine never updated has no revision id yet
    kwargs: dict[str, Any] = {"stateMachineArn": arn, "description": "published"}
    if revision is not None:
        kwargs["revisionId"] = current if revision == "current" else revision
    assert _code(sfn.publish_state_machine_version, **kwargs) == expected
    if expected == "ok":
        version = sfn.describe_state_machine(stateMachineArn=f"{arn}:1")
        assert version["stateMachineArn"] == f"{arn}:1"
        assert version["description"] == "published"
        assert version.get("revisionId") == current
        # "It doesn't create a duplicate state machine version if it already exists for the current revision."
        again = sfn.publish_state_machine_version(stateMachineArn=arn)
        assert again["stateMachineVersionArn"] == f"{arn}:1"


def test_create_with_publish_and_version_description(sfn: Any) -> None:
    # API_CreateStateMachine.html: publish / versionDescription ("You can only set the
    # versionDescription parameter if you've set publish to true").
    name = _unique()
    created = sfn.create_state_machine(
        name=name, definition=PASS, roleArn=ROLE_ARN, publish=True, versionDescription="first"
    )
    version = created["stateMachineVersionArn"]
    assert version == f"{created['stateMachineArn']}:1"
    assert sfn.describe_state_machine(stateMachineArn=version)["description"] == "first"
    assert "description" not in sfn.describe_state_machine(stateMachineArn=created["stateMachineArn"])
    # the idempotent repeat publishes nothing new
    again = sfn.create_state_machine(name=name, definition=PASS, roleArn=ROLE_ARN, publish=True)
    assert again["stateMachineVersionArn"] == version
    assert (
        _code(
            sfn.create_state_machine,
            name=_unique(),
            definition=PASS,
            roleArn=ROLE_ARN,
            versionDescription="d",
        )
        == "ValidationException"
    )


# --- ListStateMachineVersions / DeleteStateMachineVersion ------------------------------------------
# https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListStateMachineVersions.html
# ("sorted in descending order of the version creation time"; maxResults 0..1000, 0 = the default)
# and API_DeleteStateMachineVersion.html ("You can't delete a state machine version currently
# referenced by one or more aliases"; "Deleting a state machine version won't terminate its
# in-progress executions").
def test_versions_listed_newest_first_in_pages(raw: Any) -> None:
    machine, published = _versions(raw, 5)
    whole = raw.list_state_machine_versions(stateMachineArn=machine, maxResults=0)
    assert [v["stateMachineVersionArn"] for v in whole["stateMachineVersions"]] == published[::-1]
    seen: list[str] = []
    request: dict[str, Any] = {"stateMachineArn": machine, "maxResults": 2}
    while True:
        page = raw.list_state_machine_versions(**request)
        assert len(page["stateMachineVersions"]) <= 2
        seen += [v["stateMachineVersionArn"] for v in page["stateMachineVersions"]]
        if "nextToken" not in page:
            break
        request["nextToken"] = page["nextToken"]
    assert seen == published[::-1]
    other, _ = _versions(raw, 1)
    first = raw.list_state_machine_versions(stateMachineArn=machine, maxResults=2)
    assert (
        _code(raw.list_state_machine_versions, stateMachineArn=other, nextToken=first["nextToken"])
        == "InvalidToken"
    )
    for bad in (1001, -1):
        assert _code(raw.list_state_machine_versions, stateMachineArn=machine, maxResults=bad) == (
            "ValidationException"
        )


def test_delete_version_referenced_by_an_alias_is_a_conflict(sfn: Any) -> None:
    machine, (v1, v2) = _versions(sfn, 2)
    for name in ("alpha", "beta"):
        sfn.create_state_machine_alias(
            name=name, routingConfiguration=[{"stateMachineVersionArn": v1, "weight": 100}]
        )
    with pytest.raises(ClientError) as raised:
        sfn.delete_state_machine_version(stateMachineVersionArn=v1)
    assert raised.value.response["Error"]["Code"] == "ConflictException"
    assert raised.value.response["Error"]["Message"].endswith("[alpha, beta]")
    sfn.update_state_machine_alias(
        stateMachineAliasArn=f"{machine}:alpha",
        routingConfiguration=[{"stateMachineVersionArn": v2, "weight": 100}],
    )
    sfn.delete_state_machine_alias(stateMachineAliasArn=f"{machine}:beta")
    sfn.delete_state_machine_version(stateMachineVersionArn=v1)
    assert _code(sfn.describe_state_machine, stateMachineArn=v1) == "StateMachineDoesNotExist"
    assert _code(sfn.start_execution, stateMachineArn=v1) == "StateMachineDoesNotExist"
    sfn.delete_state_machine_version(stateMachineVersionArn=v1)  # again: nothing to delete, no error
    remaining = sfn.list_state_machine_versions(stateMachineArn=machine)["stateMachineVersions"]
    assert [v["stateMachineVersionArn"] for v in remaining] == [v2]


def test_deleting_a_version_leaves_its_running_execution_alone(sfn: Any) -> None:
    machine, activity = _activity_machine(sfn)
    version = sfn.publish_state_machine_version(stateMachineArn=machine)["stateMachineVersionArn"]
    execution = sfn.start_execution(stateMachineArn=version)["executionArn"]
    sfn.delete_state_machine_version(stateMachineVersionArn=version)
    _answer_activity(sfn, activity)
    described = wait_finished(sfn, execution)
    assert described["status"] == "SUCCEEDED"
    assert described["stateMachineVersionArn"] == version


# --- StartExecution: idempotency, qualified ARNs -----------------------------------------------------
# https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html: "if you call
# StartExecution with the same name and input as a running execution, the call succeeds and return the
# same response as the original request. If the execution is closed or if the input is different, it
# returns a 400 ExecutionAlreadyExists error"; "StartExecution isn't idempotent for EXPRESS workflows."
def test_start_execution_idempotency(sfn: Any) -> None:
    machine, activity = _activity_machine(sfn)
    first = sfn.start_execution(stateMachineArn=machine, name="once", input='{"a": 1}')
    same = sfn.start_execution(stateMachineArn=machine, name="once", input='{"a": 1}')
    assert (same["executionArn"], same["startDate"]) == (first["executionArn"], first["startDate"])
    assert (
        _code(sfn.start_execution, stateMachineArn=machine, name="once", input='{"a": 2}')
        == "ExecutionAlreadyExists"
    )
    _answer_activity(sfn, activity)
    assert wait_finished(sfn, first["executionArn"])["status"] == "SUCCEEDED"
    assert (
        _code(sfn.start_execution, stateMachineArn=machine, name="once", input='{"a": 1}')
        == "ExecutionAlreadyExists"
    )
    express = _machine(sfn, type="EXPRESS")
    arns = {sfn.start_execution(stateMachineArn=express, name="again")["executionArn"] for _ in range(2)}
    assert len(arns) == 2


# API_StartExecution.html, traceHeader: "Length Constraints: Minimum length of 0. Maximum length of 256.
# Pattern: \p{ASCII}*" (the whole value), and DescribeExecution hands it back.
TRACE_HEADERS = [
    ("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1", "ok"),
    ("", "ok"),
    ("~" * 256, "ok"),
    ("~" * 257, "ValidationException"),
    ("Root=é", "ValidationException"),
    ("snow ☃", "ValidationException"),
]


@pytest.mark.parametrize(("header", "expected"), TRACE_HEADERS)
def test_trace_header_rules(raw: Any, header: str, expected: str) -> None:
    machine = _machine(raw)
    try:
        execution = raw.start_execution(stateMachineArn=machine, traceHeader=header)["executionArn"]
    except ClientError as error:
        assert error.response["Error"]["Code"] == expected
        return
    assert expected == "ok"
    assert raw.describe_execution(executionArn=execution).get("traceHeader", "") == header


# API_StartExecution.html (stateMachineArn: unqualified, version or alias ARN), API_DescribeExecution.html
# (stateMachineVersionArn: "If you start an execution from a StartExecution request without specifying a
# state machine version or alias ARN, Step Functions returns a null value"; stateMachineAliasArn: "If you
# start an execution from a StartExecution request with a state machine version ARN, this field will be
# null") and API_ExecutionStartedEventDetails.html (the same two members).
QUALIFIERS = [("unqualified", False, False), ("version", True, False), ("alias", True, True)]


@pytest.mark.parametrize(("target", "has_version", "has_alias"), QUALIFIERS)
def test_qualified_start_is_recorded_in_describe_list_and_history(
    sfn: Any, target: str, has_version: bool, has_alias: bool
) -> None:
    machine = _machine(sfn, publish=True)
    version = f"{machine}:1"
    sfn.create_state_machine_alias(
        name="live", routingConfiguration=[{"stateMachineVersionArn": version, "weight": 100}]
    )
    start_arn = {"unqualified": machine, "version": version, "alias": f"{machine}:live"}[target]
    execution = sfn.start_execution(stateMachineArn=start_arn)["executionArn"]
    described = wait_finished(sfn, execution)
    assert described["stateMachineArn"] == machine
    assert described.get("stateMachineVersionArn") == (version if has_version else None)
    assert described.get("stateMachineAliasArn") == (f"{machine}:live" if has_alias else None)
    started = sfn.get_execution_history(executionArn=execution)["events"][0]["executionStartedEventDetails"]
    assert started.get("stateMachineVersionArn") == described.get("stateMachineVersionArn")
    assert started.get("stateMachineAliasArn") == described.get("stateMachineAliasArn")
    # ListExecutions of the version / alias ARN lists the executions started through it.
    listed = sfn.list_executions(stateMachineArn=start_arn)["executions"]
    assert [item["executionArn"] for item in listed] == [execution]


# --- DescribeExecution members by status --------------------------------------------------------------
# https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeExecution.html: stopDate
# "If the execution ended"; output "set only if the execution succeeds"; error / cause; redriveStatus
# and redriveStatusReason ("Execution is RUNNING and cannot be redriven", "Execution is SUCCEEDED and
# cannot be redriven"; FAILED / ABORTED executions are redrivable).
DESCRIBED = [
    # (how it ends, status, output present, error present, redriveStatus, redriveStatusReason)
    ("running", "RUNNING", False, False, "NOT_REDRIVABLE", "Execution is RUNNING and cannot be redriven"),
    ("succeeds", "SUCCEEDED", True, False, "NOT_REDRIVABLE", "Execution is SUCCEEDED and cannot be redriven"),
    ("fails", "FAILED", False, True, "REDRIVABLE", None),
    ("is stopped", "ABORTED", False, True, "REDRIVABLE", None),
]


@pytest.mark.parametrize(
    ("ending", "status", "has_output", "has_error", "redrive", "reason"),
    DESCRIBED,
    ids=[r[0] for r in DESCRIBED],
)
def test_describe_execution_members_by_status(
    sfn: Any, ending: str, status: str, has_output: bool, has_error: bool, redrive: str, reason: str | None
) -> None:
    machine, activity = _activity_machine(sfn)
    execution = sfn.start_execution(stateMachineArn=machine, input='{"in": true}')["executionArn"]
    if ending == "succeeds":
        _answer_activity(sfn, activity)
    elif ending == "fails":
        task = sfn.get_activity_task(activityArn=activity)
        sfn.send_task_failure(taskToken=task["taskToken"], error="Oops", cause="broken")
    elif ending == "is stopped":
        sfn.stop_execution(executionArn=execution, error="Stopped", cause="by the test")
    described = (
        wait_finished(sfn, execution)
        if ending != "running"
        else sfn.describe_execution(executionArn=execution)
    )
    assert described["status"] == status
    assert described["input"] == '{"in": true}'
    assert described["inputDetails"] == {"included": True}
    assert ("stopDate" in described) is (status != "RUNNING")
    assert ("output" in described) is has_output
    assert ("outputDetails" in described) is has_output
    assert ("error" in described) is has_error
    assert ("cause" in described) is has_error
    assert described["redriveCount"] == 0
    assert described["redriveStatus"] == redrive
    assert described.get("redriveStatusReason") == reason


def test_stop_execution_error_and_cause_and_an_ended_execution(sfn: Any) -> None:
    # API_StopExecution.html (error, cause); the execution ends ABORTED with them.
    machine, _ = _activity_machine(sfn)
    execution = sfn.start_execution(stateMachineArn=machine)["executionArn"]
    stopped = sfn.stop_execution(executionArn=execution, error="E", cause="C")
    described = sfn.describe_execution(executionArn=execution)
    assert (described["status"], described["error"], described["cause"]) == ("ABORTED", "E", "C")
    assert described["stopDate"] == stopped["stopDate"]
    events = sfn.get_execution_history(executionArn=execution)["events"]
    assert events[-1]["type"] == "ExecutionAborted"
    assert events[-1]["executionAbortedEventDetails"] == {"error": "E", "cause": "C"}
    # stopping it again changes nothing
    sfn.stop_execution(executionArn=execution, error="Other")
    assert sfn.describe_execution(executionArn=execution)["error"] == "E"


# --- ListExecutions -------------------------------------------------------------------------------------
# https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListExecutions.html: statusFilter
# ("If you provide a stateMachineArn and a PENDING_REDRIVE statusFilter, the API returns a validation
# exception"); "You can specify either a mapRunArn or a stateMachineArn, but not both"; maxResults
# 0..1000; "Results are sorted by time, with the most recent execution first. Running executions are
# sorted by their startDate or redriveDate, and other executions are sorted by their stopDate."
@pytest.fixture(scope="module")
def listed(sfn: Any) -> dict[str, Any]:
    machine, _ = _activity_machine(sfn)
    running = sfn.start_execution(stateMachineArn=machine)["executionArn"]
    succeeded = sfn.start_execution(stateMachineArn=machine, input='{"fast": true}')["executionArn"]
    assert wait_finished(sfn, succeeded)["status"] == "SUCCEEDED"
    aborted = sfn.start_execution(stateMachineArn=machine)["executionArn"]
    sfn.stop_execution(executionArn=aborted)
    return {"machine": machine, "RUNNING": running, "SUCCEEDED": succeeded, "ABORTED": aborted}


STATUS_FILTERS = [
    (None, ["ABORTED", "SUCCEEDED", "RUNNING"]),
    ("RUNNING", ["RUNNING"]),
    ("SUCCEEDED", ["SUCCEEDED"]),
    ("ABORTED", ["ABORTED"]),
    ("FAILED", []),
    ("TIMED_OUT", []),
]


@pytest.mark.parametrize(("status_filter", "expected"), STATUS_FILTERS)
def test_list_executions_status_filter(
    sfn: Any, listed: dict[str, Any], status_filter: str | None, expected: list[str]
) -> None:
    request: dict[str, Any] = {"stateMachineArn": listed["machine"]}
    if status_filter is not None:
        request["statusFilter"] = status_filter
    found = [item["executionArn"] for item in sfn.list_executions(**request)["executions"]]
    # the running one sorts by its startDate (the earliest); the ended ones by their stopDate
    assert found == [listed[s] for s in expected]


LIST_REQUESTS = [
    ("PENDING_REDRIVE with a stateMachineArn", {"statusFilter": "PENDING_REDRIVE"}, "ValidationException"),
    ("redriveFilter REDRIVEN", {"redriveFilter": "REDRIVEN"}, "ok"),
    ("redriveFilter NOT_REDRIVEN", {"redriveFilter": "NOT_REDRIVEN"}, "ok"),
    ("both stateMachineArn and mapRunArn", {"mapRunArn": "map-run"}, "ValidationException"),
    ("maxResults 0 (the default)", {"maxResults": 0}, "ok"),
    ("maxResults 1000", {"maxResults": 1000}, "ok"),
    ("maxResults 1001", {"maxResults": 1001}, "ValidationException"),
    ("maxResults -1", {"maxResults": -1}, "ValidationException"),
    ("an unknown statusFilter", {"statusFilter": "DONE"}, "ValidationException"),
]


@pytest.mark.parametrize(("label", "extra", "expected"), LIST_REQUESTS, ids=[row[0] for row in LIST_REQUESTS])
def test_list_executions_request_rules(
    raw: Any, listed: dict[str, Any], label: str, extra: dict[str, Any], expected: str
) -> None:
    request = dict(extra, stateMachineArn=listed["machine"])
    if request.get("mapRunArn") == "map-run":
        request["mapRunArn"] = (
            listed["machine"].replace(":stateMachine:", ":mapRun:")
            + "/m:0c53d5b8-2e23-3a48-8a7e-8c6d5a4e9a10"
        )
    assert _code(raw.list_executions, **request) == expected


def test_list_executions_needs_a_state_machine_or_map_run(raw: Any) -> None:
    assert _code(raw.list_executions) == "ValidationException"


def test_list_executions_orders_ended_executions_by_stop_date(sfn: Any) -> None:
    machine, _ = _activity_machine(sfn)
    early = sfn.start_execution(stateMachineArn=machine, name="early")["executionArn"]
    late = sfn.start_execution(stateMachineArn=machine, name="late")["executionArn"]
    names = lambda: [item["name"] for item in sfn.list_executions(stateMachineArn=machine)["executions"]]  # noqa: E731
    assert names() == ["late", "early"]  # both running: by startDate
    sfn.stop_execution(executionArn=early)
    assert names() == ["early", "late"]  # early ended after late started: its stopDate is the latest
    sfn.stop_execution(executionArn=late)
    assert names() == ["late", "early"]


# --- TagResource / UntagResource / ListTagsForResource ---------------------------------------------
# https://docs.aws.amazon.com/step-functions/latest/apireference/API_TagResource.html and API_Tag.html:
# "Tags may only contain Unicode letters, digits, white space, or these symbols: _ . : / = + - @"
# (pattern ^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$: a tab or a line break is a control character, not \p{Z});
# key 1..128, value 0..256; TooManyTags past the 50 tags per resource of the quotas page
# (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html).
TAG_TEXTS = [
    ("letters and digits", "Env1", "prod42", "ok"),
    ("the symbols", "a_b.c:d/e=f+g-h@i", "_.:/=+-@", "ok"),
    ("a space", "cost center", "a b", "ok"),
    ("Unicode letters", "ünïcödé", "日本語", "ok"),
    ("Unicode numbers", "²½", "Ⅻ", "ok"),
    ("a no-break space", "no\u00a0break", "v", "ok"),
    ("an ideographic space", "wide\u3000space", "v", "ok"),
    ("an empty value", "k", "", "ok"),
    ("a tab in the key", "tab\tkey", "v", "ValidationException"),
    ("a newline in the value", "k", "two\nlines", "ValidationException"),
    ("an exclamation mark", "k!", "v", "ValidationException"),
    ("a combining accent", "k\u0301", "v", "ValidationException"),
    ("a hash in the value", "k", "#1", "ValidationException"),
    ("an empty key", "", "v", "ValidationException"),
    ("a 128-character key", "k" * 128, "v", "ok"),
    ("a 129-character key", "k" * 129, "v", "ValidationException"),
    ("a 256-character value", "k", "v" * 256, "ok"),
    ("a 257-character value", "k", "v" * 257, "ValidationException"),
]


@pytest.fixture(scope="module")
def taggable(sfn: Any) -> dict[str, str]:
    return {
        "stateMachine": _machine(sfn),
        "activity": sfn.create_activity(name=_unique("act"))["activityArn"],
    }


@pytest.mark.parametrize("resource", ["stateMachine", "activity"])
@pytest.mark.parametrize(("label", "key", "value", "expected"), TAG_TEXTS, ids=[row[0] for row in TAG_TEXTS])
def test_tag_text_rules(
    raw: Any, taggable: dict[str, str], resource: str, label: str, key: str, value: str, expected: str
) -> None:
    arn = taggable[resource]
    assert _code(raw.tag_resource, resourceArn=arn, tags=[{"key": key, "value": value}]) == expected
    tags = {tag["key"]: tag["value"] for tag in raw.list_tags_for_resource(resourceArn=arn)["tags"]}
    assert (tags.get(key) == value) is (expected == "ok")
    if expected == "ok":
        raw.untag_resource(resourceArn=arn, tagKeys=[key])


def test_tag_limit_counts_the_tags_already_there(sfn: Any) -> None:
    arn = _machine(sfn, tags=[{"key": f"t{i}", "value": "v"} for i in range(40)])
    sfn.tag_resource(resourceArn=arn, tags=[{"key": f"t{i}", "value": "new"} for i in range(30, 50)])
    assert len(sfn.list_tags_for_resource(resourceArn=arn)["tags"]) == 50  # 10 replaced, 10 added
    assert _code(sfn.tag_resource, resourceArn=arn, tags=[{"key": "one-more", "value": "v"}]) == "TooManyTags"
    sfn.untag_resource(resourceArn=arn, tagKeys=["t0", "never-there"])
    sfn.tag_resource(resourceArn=arn, tags=[{"key": "one-more", "value": "v"}])
    assert len(sfn.list_tags_for_resource(resourceArn=arn)["tags"]) == 50
    assert (
        _code(
            sfn.create_activity, name=_unique("act"), tags=[{"key": f"t{i}", "value": "v"} for i in range(51)]
        )
        == "TooManyTags"
    )


# API_TagResource.html / API_UntagResource.html / API_ListTagsForResource.html errors: InvalidArn,
# ResourceNotFound ("Could not find the referenced resource"): only state machines and activities.
TAG_TARGETS = [
    ("a deleted state machine", "deleted", "ResourceNotFound"),
    ("a version ARN", "version", "ResourceNotFound"),
    ("an execution ARN", "execution", "InvalidArn"),
    ("not an ARN", "not-an-arn", "InvalidArn"),
    ("an unknown activity", "activity", "ResourceNotFound"),
]


@pytest.mark.parametrize(("label", "target", "expected"), TAG_TARGETS, ids=[row[0] for row in TAG_TARGETS])
def test_tag_operations_on_what_cannot_be_tagged(sfn: Any, label: str, target: str, expected: str) -> None:
    machine = _machine(sfn, publish=True)
    arns = {
        "deleted": machine,
        "version": f"{machine}:1",
        "execution": machine.replace(":stateMachine:", ":execution:") + ":run",
        "not-an-arn": "not-an-arn",
        "activity": machine.replace(":stateMachine:", ":activity:"),
    }
    if target == "deleted":
        sfn.delete_state_machine(stateMachineArn=machine)
    arn = arns[target]
    assert _code(sfn.tag_resource, resourceArn=arn, tags=[{"key": "k", "value": "v"}]) == expected
    assert _code(sfn.untag_resource, resourceArn=arn, tagKeys=["k"]) == expected
    assert _code(sfn.list_tags_for_resource, resourceArn=arn) == expected


# --- UpdateStateMachine ---------------------------------------------------------------------------------
# https://docs.aws.amazon.com/step-functions/latest/apireference/API_UpdateStateMachine.html: nothing to
# update -> MissingRequiredParameter; versionDescription only with publish; publish -> a new version
# (stateMachineVersionArn "If the publish parameter isn't set to true, this field returns null");
# revisionId of the updated machine. API_DescribeStateMachine.html: "If called with includedData =
# METADATA_ONLY, the returned definition will be {}."
def test_update_state_machine_lifecycle(sfn: Any) -> None:
    arn = _machine(sfn)
    assert _code(sfn.update_state_machine, stateMachineArn=arn) == "MissingRequiredParameter"
    assert (
        _code(sfn.update_state_machine, stateMachineArn=arn, roleArn=ROLE_ARN, versionDescription="d")
        == "ValidationException"
    )
    changed = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": 1, "End": True}}})
    plain = sfn.update_state_machine(stateMachineArn=arn, definition=changed)
    assert "stateMachineVersionArn" not in plain
    assert sfn.describe_state_machine(stateMachineArn=arn)["revisionId"] == plain["revisionId"]
    again = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": 2, "End": True}}})
    published = sfn.update_state_machine(
        stateMachineArn=arn, definition=again, publish=True, versionDescription="two"
    )
    assert published["revisionId"] != plain["revisionId"]
    assert published["stateMachineVersionArn"] == f"{arn}:1"
    version = sfn.describe_state_machine(stateMachineArn=published["stateMachineVersionArn"])
    assert (version["definition"], version["description"], version["revisionId"]) == (
        again,
        "two",
        published["revisionId"],
    )
    # nothing changed: publishing again returns the version of this revision
    same = sfn.update_state_machine(stateMachineArn=arn, definition=again, publish=True)
    assert same["stateMachineVersionArn"] == f"{arn}:1"
    metadata = sfn.describe_state_machine(stateMachineArn=arn, includedData="METADATA_ONLY")
    assert metadata["definition"] == "{}"
    assert (
        sfn.describe_state_machine(stateMachineArn=f"{arn}:1", includedData="METADATA_ONLY")["definition"]
        == "{}"
    )


# --- DeleteStateMachine ----------------------------------------------------------------------------------
# https://docs.aws.amazon.com/step-functions/latest/apireference/API_DeleteStateMachine.html: "It sets
# the state machine's status to DELETING ... A state machine is deleted only when all its executions are
# completed. On the next state transition, the state machine's executions are terminated." "This API
# action also deletes all versions and aliases associated with a state machine." AWS's knowledge center
# (https://repost.aws/knowledge-center/step-functions-stuck-deleting-status) shows such an execution
# failing with States.Runtime, "State machine <name> has been deleted."
def test_delete_state_machine_ends_running_executions_at_their_next_transition(sfn: Any) -> None:
    machine, activity = _activity_machine(sfn)
    version = sfn.publish_state_machine_version(stateMachineArn=machine)["stateMachineVersionArn"]
    sfn.create_state_machine_alias(
        name="live", routingConfiguration=[{"stateMachineVersionArn": version, "weight": 100}]
    )
    execution = sfn.start_execution(stateMachineArn=f"{machine}:live")["executionArn"]
    sfn.delete_state_machine(stateMachineArn=machine)
    assert sfn.describe_state_machine(stateMachineArn=machine)["status"] == "DELETING"
    for target in (machine, version, f"{machine}:live"):
        assert _code(sfn.start_execution, stateMachineArn=target) == "StateMachineDeleting"
    # API_UpdateStateMachineAlias.html / API_CreateStateMachineAlias.html list StateMachineDeleting
    assert (
        _code(sfn.update_state_machine_alias, stateMachineAliasArn=f"{machine}:live", description="d")
        == "StateMachineDeleting"
    )
    routing = [{"stateMachineVersionArn": version, "weight": 100}]
    assert (
        _code(sfn.create_state_machine_alias, name="late", routingConfiguration=routing)
        == "StateMachineDeleting"
    )
    assert _code(sfn.publish_state_machine_version, stateMachineArn=machine) == "StateMachineDeleting"
    assert sfn.describe_execution(executionArn=execution)["status"] == "RUNNING"  # still in its Task
    _answer_activity(sfn, activity)
    described = wait_finished(sfn, execution)
    name = machine.rsplit(":", 1)[1]
    assert (described["status"], described["error"], described["cause"]) == (
        "FAILED",
        "States.Runtime",
        f"State machine {name} has been deleted.",
    )
    types = [event["type"] for event in sfn.get_execution_history(executionArn=execution)["events"]]
    assert types[-2:] == ["TaskStateExited", "ExecutionFailed"]  # "After" was never entered
    assert _code(sfn.describe_state_machine, stateMachineArn=machine) == "StateMachineDoesNotExist"
    assert _code(sfn.describe_state_machine, stateMachineArn=version) == "StateMachineDoesNotExist"
    assert (
        _code(sfn.describe_state_machine_alias, stateMachineAliasArn=f"{machine}:live") == "ResourceNotFound"
    )
    # its executions stay describable
    assert sfn.describe_execution(executionArn=execution)["stateMachineAliasArn"] == f"{machine}:live"


def test_delete_state_machine_without_executions_is_immediate_and_idempotent(sfn: Any) -> None:
    machine = _machine(sfn, publish=True)
    sfn.delete_state_machine(stateMachineArn=machine)
    assert _code(sfn.describe_state_machine, stateMachineArn=machine) == "StateMachineDoesNotExist"
    sfn.delete_state_machine(stateMachineArn=machine)
    assert machine not in {m["stateMachineArn"] for m in sfn.list_state_machines()["stateMachines"]}
    assert _code(sfn.delete_state_machine, stateMachineArn=f"{machine}:1") == "ValidationException"


# API_UpdateStateMachine.html: "Running executions will continue to use the previous definition and
# roleArn." API_DescribeStateMachineForExecution.html: revisionId "Use the state machine revisionId
# parameter to compare the revision of a state machine with the configuration of the state machine used
# for executions"; updateDate "For a newly created state machine, this is the creation date."
def test_an_update_leaves_running_executions_on_the_configuration_they_started_with(sfn: Any) -> None:
    machine, activity = _activity_machine(sfn)
    before = sfn.describe_state_machine(stateMachineArn=machine)
    running = sfn.start_execution(stateMachineArn=machine)["executionArn"]
    other_role = ROLE_ARN.replace("test-role", "other-role")
    updated = sfn.update_state_machine(stateMachineArn=machine, definition=PASS, roleArn=other_role)
    ran = sfn.describe_state_machine_for_execution(executionArn=running)
    assert (ran["definition"], ran["roleArn"], ran["updateDate"]) == (
        before["definition"],
        ROLE_ARN,
        before["creationDate"],
    )
    assert "revisionId" not in ran  # "The first revision ID when you create the state machine is null."
    later = sfn.start_execution(stateMachineArn=machine)["executionArn"]
    now = sfn.describe_state_machine_for_execution(executionArn=later)
    assert (now["definition"], now["roleArn"], now["revisionId"], now["updateDate"]) == (
        PASS,
        other_role,
        updated["revisionId"],
        updated["updateDate"],
    )
    _answer_activity(sfn, activity)  # the first execution still runs its Task state
    assert wait_finished(sfn, running)["status"] == "SUCCEEDED"
    types = [event["type"] for event in sfn.get_execution_history(executionArn=running)["events"]]
    assert "ActivityScheduled" in types


# API_CreateStateMachineAlias.html: "Step Functions randomly chooses which version runs a given execution
# based on the percentage you specify": a version weighted 0 never runs, one weighted 100 always does.
@pytest.mark.parametrize(("weights", "runs"), [((0, 100), 1), ((100, 0), 0)])
def test_alias_routes_by_weight(sfn: Any, weights: tuple[int, int], runs: int) -> None:
    machine, published = _versions(sfn, 2)
    routing = [
        {"stateMachineVersionArn": arn, "weight": w} for arn, w in zip(published, weights, strict=True)
    ]
    alias = sfn.create_state_machine_alias(name="split", routingConfiguration=routing)["stateMachineAliasArn"]
    for _ in range(8):
        execution = sfn.start_execution(stateMachineArn=alias)["executionArn"]
        described = wait_finished(sfn, execution)
        assert described["stateMachineVersionArn"] == published[runs]
        assert described["output"] == str(runs)  # the version's own definition ran
