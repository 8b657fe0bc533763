"""A reload deletes the other services' resources the template no longer declares, as a stack
update does, except those whose DeletionPolicy retains them; a resource that fails to update is
UPDATE_FAILED and keeps what it had."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from emulator.app import build_environment
from emulator.service.aws_resources import AwsCallFailed, call_aws
from emulator.service.environment import RequestContext, ServiceEnvironment
from emulator.settings import Settings
from emulator.templates.templates import TemplateSet

MACHINE = """
  Machine:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      StateMachineName: kept
      RoleArn: arn:aws:iam::123456789012:role/r
      Definition: {StartAt: P, States: {P: {Type: Pass, End: true}}}
"""
OTHERS = """
  Queue:
    Type: AWS::SQS::Queue
    Properties: {QueueName: gone-queue}
  KeptQueue:
    Type: AWS::SQS::Queue
    DeletionPolicy: Retain
    Properties: {QueueName: kept-queue}
  Topic:
    Type: AWS::SNS::Topic
    Properties: {TopicName: gone-topic}
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: gone-table
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
  Bucket:
    Type: AWS::S3::Bucket
    Properties: {BucketName: gone-bucket}
  Rule:
    Type: AWS::Events::Rule
    Properties:
      Name: gone-rule
      EventPattern: {source: [orders]}
      Targets: [{Id: m, Arn: !Ref Machine}]
  Logs:
    Type: AWS::Logs::LogGroup
    Properties: {LogGroupName: /gone/logs}
"""


async def _exists(env: ServiceEnvironment, service: str, operation: str, request: dict[str, Any]) -> bool:
    context = RequestContext("123456789012", "us-east-1", "t")
    try:
        output = await call_aws(env, context, service, operation, request)
    except AwsCallFailed:
        return False
    if operation == "DescribeLogGroups":
        return bool(output.get("logGroups"))
    return True


CHECKS = {
    "Queue": ("sqs", "GetQueueUrl", {"QueueName": "gone-queue"}),
    "KeptQueue": ("sqs", "GetQueueUrl", {"QueueName": "kept-queue"}),
    "Topic": ("sns", "GetTopicAttributes", {"TopicArn": "arn:aws:sns:us-east-1:123456789012:gone-topic"}),
    "Table": ("dynamodb", "DescribeTable", {"TableName": "gone-table"}),
    "Bucket": ("s3", "HeadBucket", {"Bucket": "gone-bucket"}),
    "Rule": ("events", "DescribeRule", {"Name": "gone-rule"}),
    "Logs": ("logs", "DescribeLogGroups", {"logGroupNamePrefix": "/gone/logs"}),
}


def test_a_reload_deletes_what_is_no_longer_declared_but_retained_resources(tmp_path: Path) -> None:
    path = tmp_path / "template.yaml"

    async def main() -> tuple[dict[str, bool], dict[str, bool], dict[str, Any]]:
        env = build_environment(Settings())
        path.write_text("Resources:" + MACHINE + OTHERS)
        templates = TemplateSet(env, [str(path)], {})
        await templates.load_all()
        before = {name: await _exists(env, *check) for name, check in CHECKS.items()}
        path.write_text("Resources:" + MACHINE)
        report = await templates.reload(str(path))
        after = {name: await _exists(env, *check) for name, check in CHECKS.items()}
        return before, after, report.to_json()

    before, after, report = asyncio.run(main())
    assert all(before.values()), before
    assert after == {name: name == "KeptQueue" for name in CHECKS}
    assert [item["status"] for item in report["stacks"][0]["resources"]] == ["UPDATE_COMPLETE"]


def test_a_failed_update_is_update_failed_and_a_failed_creation_create_failed(tmp_path: Path) -> None:
    path = tmp_path / "template.yaml"
    broken_machine = MACHINE.replace("StartAt: P,", "StartAt: Nowhere,")
    new_broken = """
  NewTable:
    Type: AWS::DynamoDB::Table
    Properties: {TableName: t, AttributeDefinitions: [], KeySchema: []}
"""

    async def main() -> dict[str, Any]:
        env = build_environment(Settings())
        path.write_text("Resources:" + MACHINE)
        templates = TemplateSet(env, [str(path)], {})
        await templates.load_all()
        path.write_text("Resources:" + broken_machine + new_broken)
        report = await templates.reload(str(path))
        return {item["logicalId"]: item for item in report.to_json()["stacks"][0]["resources"]}

    outcomes = asyncio.run(main())
    assert outcomes["Machine"]["status"] == "UPDATE_FAILED"
    assert outcomes["Machine"]["physicalId"] == "arn:aws:states:us-east-1:123456789012:stateMachine:kept"
    assert "MISSING_TRANSITION_TARGET" in outcomes["Machine"]["message"]
    assert outcomes["NewTable"]["status"] == "CREATE_FAILED"
