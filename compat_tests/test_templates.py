"""Templates end to end: the server started with ``--template`` (a SAM application, a CloudFormation
template using every intrinsic, a CDK cloud assembly), its machines run over real HTTP with boto3,
their outcomes asserted in the backends the template created."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from compat_tests.helpers import aws_client, wait_finished
from compat_tests.server import LiveServer
from compat_tests.template_server import (
    TEMPLATES,
    resources_of,
    start_with,
    wait_loaded,
)


@pytest.fixture(scope="module")
def sam_server() -> Iterator[LiveServer]:
    server = start_with(
        "--template", str(TEMPLATES / "sam_app" / "template.yaml"), "--parameter-overrides", "Stage=dev"
    )
    yield server
    server.stop()


def _machine(sfn: Any, name: str) -> str:
    machines = {item["name"]: item["stateMachineArn"] for item in sfn.list_state_machines()["stateMachines"]}
    assert name in machines, f"{name} not in {sorted(machines)}"
    return machines[name]


def test_sam_application_loads_every_resource_with_the_names_the_template_gives(
    sam_server: LiveServer,
) -> None:
    report = wait_loaded(sam_server)
    resources = resources_of(report)
    assert {item["status"] for item in resources.values()} == {"CREATE_COMPLETE"}
    # the SAM transform's own resources: the function's role, the machine's role, the EventBridge rule
    assert resources["OrderMachineOrderPlaced"]["type"] == "AWS::Events::Rule"
    assert resources["OrdersTable"]["type"] == "AWS::DynamoDB::Table"
    machine = resources["OrderMachine"]["physicalId"]
    assert machine == "arn:aws:states:us-east-1:123456789012:stateMachine:orders-dev"
    sfn = aws_client(sam_server, "stepfunctions")
    described = sfn.describe_state_machine(stateMachineArn=_machine(sfn, "orders-dev"))
    definition = json.loads(described["definition"])
    queue_url = resources["OrdersQueue"]["physicalId"]
    assert definition["States"]["Notify"]["Parameters"]["QueueUrl"] == queue_url  # DefinitionSubstitutions
    table = resources["OrdersTable"]["physicalId"].rsplit("/", 1)[1]
    assert definition["States"]["Save"]["Parameters"]["TableName"] == table
    assert described["roleArn"] == resources["OrderMachineRole"]["physicalId"]
    assert described["tracingConfiguration"] == {"enabled": True}
    assert described["loggingConfiguration"]["level"] == "ALL"
    group = described["loggingConfiguration"]["destinations"][0]["cloudWatchLogsLogGroup"]["logGroupArn"]
    assert (
        group
        == f"arn:aws:logs:us-east-1:123456789012:log-group:{resources['OrderLogs']['physicalId'].split(':')[6]}:*"
    )
    assert (
        aws_client(sam_server, "dynamodb").describe_table(TableName=table)["Table"]["TableStatus"] == "ACTIVE"
    )


def test_sam_state_machine_runs_the_function_then_writes_the_table_and_the_queue(
    sam_server: LiveServer,
) -> None:
    resources = resources_of(wait_loaded(sam_server))
    sfn = aws_client(sam_server, "stepfunctions")
    execution = sfn.start_execution(
        stateMachineArn=_machine(sfn, "orders-dev"), input=json.dumps({"id": "o-1", "quantity": 3})
    )["executionArn"]
    described = wait_finished(sfn, execution)
    assert described["status"] == "SUCCEEDED", (described.get("error"), described.get("cause"))
    assert json.loads(described["output"])["price"] == {"total": 30, "stage": "dev"}
    table = resources["OrdersTable"]["physicalId"].rsplit("/", 1)[1]
    item = aws_client(sam_server, "dynamodb").get_item(TableName=table, Key={"id": {"S": "o-1"}})["Item"]
    assert item["total"] == {"N": "30"}
    messages = aws_client(sam_server, "sqs").receive_message(QueueUrl=resources["OrdersQueue"]["physicalId"])
    assert json.loads(messages["Messages"][0]["Body"])["id"] == "o-1"


def test_a_matching_put_events_starts_the_sam_machine_with_the_event_as_input(sam_server: LiveServer) -> None:
    wait_loaded(sam_server)
    sfn = aws_client(sam_server, "stepfunctions")
    arn = _machine(sfn, "orders-dev")
    events = aws_client(sam_server, "events")
    detail = {"id": "o-evt", "quantity": 1}
    ignored = {"Source": "shop.other", "DetailType": "OrderPlaced", "Detail": json.dumps(detail)}
    matching = {"Source": "shop.orders", "DetailType": "OrderPlaced", "Detail": json.dumps(detail)}
    before = {item["executionArn"] for item in sfn.list_executions(stateMachineArn=arn)["executions"]}
    assert events.put_events(Entries=[ignored, matching])["FailedEntryCount"] == 0
    started = _new_execution(sfn, arn, before)
    event = json.loads(sfn.describe_execution(executionArn=started)["input"])
    assert event["source"] == "shop.orders" and event["detail-type"] == "OrderPlaced"
    assert event["detail"] == detail and event["account"] == "123456789012" and event["region"] == "us-east-1"
    assert set(event) == {
        "version",
        "id",
        "detail-type",
        "source",
        "account",
        "time",
        "region",
        "resources",
        "detail",
    }
    time.sleep(0.2)  # the non-matching event started nothing
    after = {item["executionArn"] for item in sfn.list_executions(stateMachineArn=arn)["executions"]}
    assert after - before == {started}


def _new_execution(sfn: Any, arn: str, before: set[str], timeout: float = 10.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        now = {item["executionArn"] for item in sfn.list_executions(stateMachineArn=arn)["executions"]}
        if now - before:
            return next(iter(now - before))
        time.sleep(0.02)
    raise AssertionError("no execution was started")


def test_cloudformation_template_resolves_every_intrinsic() -> None:
    folder = TEMPLATES / "cfn_intrinsics"
    server = start_with(
        "--template", str(folder / "exports.yaml"), "--template", str(folder / "template.yaml")
    )
    try:
        report = wait_loaded(server)
        resources = resources_of(report)
        assert resources["ProdOnlyTable"]["status"] == "SKIPPED"  # Condition IsProd is false
        assert resources["Machine"]["status"] == "CREATE_COMPLETE", resources["Machine"]
        sfn = aws_client(server, "stepfunctions")
        arn = _machine(sfn, "intrinsics-machine")
        execution = sfn.start_execution(stateMachineArn=arn)["executionArn"]
        output = json.loads(wait_finished(sfn, execution)["output"])
        queue_url = aws_client(server, "sqs").get_queue_url(QueueName="intrinsics-dev-queue")["QueueUrl"]
        assert output == {
            "region": "us-east-1",
            "account": "123456789012",
            "partition": "aws",
            "stack": "cfn-intrinsics",
            "urlSuffix": "amazonaws.com",
            "queueUrl": queue_url,
            "queueArn": "arn:aws:sqs:us-east-1:123456789012:intrinsics-dev-queue",
            "queueName": "intrinsics-dev-queue",
            "logGroup": "/intrinsics/dev",
            "secondRegion": "us-east-1",
            "split": "c",
            "retention": "7",
            "prodOrBig": "yes",
            "base64": "aGVsbG8=",
            "zone": "us-east-1a",
            "subnet": "10.0.1.0/24",
            "imported": "arn:aws:sns:us-east-1:123456789012:shared-topic",
            "literal": "${NotSubstituted}",
        }
        tags = sfn.list_tags_for_resource(resourceArn=arn)["tags"]
        assert tags == [{"key": "stage", "value": "dev"}]  # the !If item chose AWS::NoValue
        groups = aws_client(server, "logs").describe_log_groups(logGroupNamePrefix="/intrinsics/dev")[
            "logGroups"
        ]
        assert groups[0]["retentionInDays"] == 7  # FindInMap
        outputs = report["templates"][1]["stacks"][0]["outputs"]
        assert outputs == {"MachineArn": arn, "TableCreated": "no"}
    finally:
        server.stop()


def test_parameter_overrides_choose_the_other_branch_of_every_condition() -> None:
    folder = TEMPLATES / "cfn_intrinsics"
    server = start_with(
        "--template", str(folder / "exports.yaml"),
        "--template", str(folder / "template.yaml"),
        "--parameter-overrides", "Stage=prod", "Size=4",
    )  # fmt: skip
    try:
        resources = resources_of(wait_loaded(server))
        assert resources["ProdOnlyTable"]["status"] == "CREATE_COMPLETE"
        sfn = aws_client(server, "stepfunctions")
        arn = _machine(sfn, "intrinsics-machine")
        output = json.loads(
            wait_finished(sfn, sfn.start_execution(stateMachineArn=arn)["executionArn"])["output"]
        )
        assert (output["retention"], output["prodOrBig"], output["logGroup"]) == (
            "30",
            "yes",
            "/intrinsics/prod",
        )
        assert {"key": "prod", "value": "yes"} in sfn.list_tags_for_resource(resourceArn=arn)["tags"]
    finally:
        server.stop()


@pytest.fixture(scope="module")
def cdk_server() -> Iterator[LiveServer]:
    server = start_with("--template", str(TEMPLATES / "cdk_app" / "cdk.out"))
    yield server
    server.stop()


def test_cdk_cloud_assembly_loads_its_stack_and_runs_the_join_built_definition(
    cdk_server: LiveServer,
) -> None:
    report = wait_loaded(cdk_server)
    assert [stack["stackName"] for stack in report["templates"][0]["stacks"]] == ["OrdersStack"]
    resources = resources_of(report)
    assert resources["CDKMetadata"]["status"] == "CREATE_COMPLETE"
    flow = resources["Flow5A6B7C8D"]["physicalId"]
    assert flow.split(":")[-1].startswith("Flow5A6B7C8D-")  # CloudFormation's generated name
    sfn = aws_client(cdk_server, "stepfunctions")
    execution = sfn.start_execution(stateMachineArn=flow, input=json.dumps({"id": "cdk-1"}))["executionArn"]
    described = wait_finished(sfn, execution)
    assert described["status"] == "SUCCEEDED", (described.get("error"), described.get("cause"))
    table = resources["OrdersTable1A2B3C4D"]["physicalId"].rsplit("/", 1)[1]
    assert table.startswith("OrdersStack-OrdersTable1A2B3C4D-")
    item = aws_client(cdk_server, "dynamodb").get_item(TableName=table, Key={"id": {"S": "cdk-1"}})
    assert item["Item"] == {"id": {"S": "cdk-1"}}
    queue = resources["OrdersQueue5E6F7A8B"]["physicalId"]
    assert aws_client(cdk_server, "sqs").receive_message(QueueUrl=queue)["Messages"][0]["Body"] == "cdk-1"


def test_cdk_lambda_runs_from_its_asset_folder_with_its_environment(cdk_server: LiveServer) -> None:
    resources = resources_of(wait_loaded(cdk_server))
    sfn = aws_client(cdk_server, "stepfunctions")
    arn = _machine(sfn, "greet-flow")
    described = wait_finished(
        sfn, sfn.start_execution(stateMachineArn=arn, input='{"name": "cdk"}')["executionArn"]
    )
    table = resources["OrdersTable1A2B3C4D"]["physicalId"].rsplit("/", 1)[1]
    assert json.loads(described["output"]) == {"greeting": "hello cdk", "table": table}


def test_the_bench_template_loads_all_fifty_resources(tmp_path: Path) -> None:
    from bench.templates import MACHINES, fifty_resource_template

    template = tmp_path / "template.json"
    template.write_text(json.dumps(fifty_resource_template()))
    server = start_with("--template", str(template))
    try:
        resources = resources_of(wait_loaded(server))
        assert len(resources) == 50
        assert {item["status"] for item in resources.values()} == {"CREATE_COMPLETE"}
        sfn = aws_client(server, "stepfunctions")
        names = {item["name"] for item in sfn.list_state_machines()["stateMachines"]}
        assert {f"bench-template-{index}" for index in range(MACHINES)} <= names
    finally:
        server.stop()
