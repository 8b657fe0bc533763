"""Resources of the other AWS services, created in the in-process backends (or the endpoints the
settings name) through emulator/service/aws_resources.py, with the names and ARNs CloudFormation
gives them: SQS queues, SNS topics and subscriptions, DynamoDB tables, S3 buckets, EventBridge
buses and rules, CloudWatch Logs log groups and IAM roles. A second load (a reload) finds the
resource there and keeps it.

IAM policies, Lambda permissions and queue / topic policies are accepted without effect: the
emulator does not enforce permissions.
"""

from __future__ import annotations

import json
from typing import Any

from emulator.service.aws_resources import AwsCallFailed, call_aws
from emulator.templates.intrinsics import Created
from emulator.templates.resources.base import LoadContext, tag_list

_EXISTS = {
    "ResourceInUseException",
    "QueueAlreadyExists",
    "BucketAlreadyOwnedByYou",
    "BucketAlreadyExists",
    "ResourceAlreadyExistsException",
    "EntityAlreadyExists",
}


async def _call(
    load: LoadContext, logical_id: str, prop: str, service: str, operation: str, request: dict[str, Any]
) -> dict[str, Any] | None:
    """The call's output; None when the resource exists already (a reload)."""
    try:
        return await call_aws(load.env, load.context, service, operation, request)
    except AwsCallFailed as error:
        if error.code in _EXISTS:
            return None
        raise load.error(f"{service} {operation} failed: {error.code}: {error.message}", logical_id, prop)


def _status(output: dict[str, Any] | None) -> str:
    return "CREATE_COMPLETE" if output is not None else "UPDATE_COMPLETE"


_QUEUE_ATTRIBUTES = (
    "DelaySeconds",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "ReceiveMessageWaitTimeSeconds",
    "VisibilityTimeout",
    "FifoQueue",
    "ContentBasedDeduplication",
    "KmsMasterKeyId",
    "KmsDataKeyReusePeriodSeconds",
    "SqsManagedSseEnabled",
    "DeduplicationScope",
    "FifoThroughputLimit",
)


def _attribute_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value)


async def queue(load: LoadContext, logical_id: str, properties: dict[str, Any], _: dict[str, Any]) -> Created:
    fifo = properties.get("FifoQueue") in (True, "true")
    name = properties.get("QueueName") or load.generated_name(logical_id, 80 - (5 if fifo else 0))
    if fifo and not name.endswith(".fifo"):
        name += ".fifo"
    attributes = {key: _attribute_text(properties[key]) for key in _QUEUE_ATTRIBUTES if key in properties}
    for key in ("RedrivePolicy", "RedriveAllowPolicy"):
        if key in properties:
            attributes[key] = _attribute_text(properties[key])
    request: dict[str, Any] = {"QueueName": name, "Attributes": attributes}
    tags = tag_list(properties.get("Tags"))
    if tags:
        request["tags"] = {item["Key"]: item["Value"] for item in tags}
    output = await _call(load, logical_id, "QueueName", "sqs", "CreateQueue", request)
    url = (output or {}).get("QueueUrl") or (
        await _call(load, logical_id, "QueueName", "sqs", "GetQueueUrl", {"QueueName": name}) or {}
    ).get("QueueUrl")
    url = str(url)
    arn = load.arn("sqs", name)
    return Created(url, {"Arn": arn, "QueueName": name, "QueueUrl": url}, _status(output), url)


async def topic(load: LoadContext, logical_id: str, properties: dict[str, Any], _: dict[str, Any]) -> Created:
    fifo = properties.get("FifoTopic") in (True, "true")
    name = properties.get("TopicName") or load.generated_name(logical_id, 256 - (5 if fifo else 0))
    if fifo and not name.endswith(".fifo"):
        name += ".fifo"
    attributes = {}
    if fifo:
        attributes["FifoTopic"] = "true"
    if "ContentBasedDeduplication" in properties:
        attributes["ContentBasedDeduplication"] = _attribute_text(properties["ContentBasedDeduplication"])
    if "DisplayName" in properties:
        attributes["DisplayName"] = str(properties["DisplayName"])
    output = await _call(
        load, logical_id, "TopicName", "sns", "CreateTopic", {"Name": name, "Attributes": attributes}
    )
    arn = (output or {}).get("TopicArn") or load.arn("sns", name)
    for index, item in enumerate(properties.get("Subscription") or []):
        await _call(
            load,
            logical_id,
            f"Subscription[{index}]",
            "sns",
            "Subscribe",
            {"TopicArn": arn, "Protocol": item.get("Protocol"), "Endpoint": item.get("Endpoint")},
        )
    return Created(arn, {"TopicArn": arn, "TopicName": name}, physical_id=arn)


async def subscription(
    load: LoadContext, logical_id: str, properties: dict[str, Any], _: dict[str, Any]
) -> Created:
    request: dict[str, Any] = {
        key: properties[key] for key in ("TopicArn", "Protocol", "Endpoint") if key in properties
    }
    if properties.get("RawMessageDelivery") is not None:
        request["Attributes"] = {"RawMessageDelivery": _attribute_text(properties["RawMessageDelivery"])}
    output = await _call(load, logical_id, "TopicArn", "sns", "Subscribe", request) or {}
    arn = str(output.get("SubscriptionArn", ""))
    return Created(arn, {"Arn": arn}, physical_id=arn)


_TABLE_MEMBERS = (
    "AttributeDefinitions",
    "KeySchema",
    "BillingMode",
    "ProvisionedThroughput",
    "GlobalSecondaryIndexes",
    "LocalSecondaryIndexes",
    "StreamSpecification",
    "TableClass",
    "DeletionProtectionEnabled",
)


async def table(load: LoadContext, logical_id: str, properties: dict[str, Any], _: dict[str, Any]) -> Created:
    name = properties.get("TableName") or load.generated_name(logical_id, 255)
    request: dict[str, Any] = {"TableName": name}
    request.update({key: properties[key] for key in _TABLE_MEMBERS if key in properties})
    if request.get("BillingMode") != "PAY_PER_REQUEST" and "ProvisionedThroughput" not in request:
        raise load.error(
            "is required unless BillingMode is PAY_PER_REQUEST", logical_id, "ProvisionedThroughput"
        )
    for spec in [
        request.get("ProvisionedThroughput"),
        *[index.get("ProvisionedThroughput") for index in request.get("GlobalSecondaryIndexes") or []],
    ]:
        if isinstance(spec, dict):
            for key in spec:
                spec[key] = int(spec[key])
    tags = tag_list(properties.get("Tags"))
    if tags:
        request["Tags"] = tags
    output = await _call(load, logical_id, "TableName", "dynamodb", "CreateTable", request)
    description = (output or {}).get("TableDescription") or {}
    arn = description.get("TableArn") or load.arn("dynamodb", f"table/{name}")
    ttl = properties.get("TimeToLiveSpecification")
    if output is not None and isinstance(ttl, dict) and ttl.get("Enabled") in (True, "true"):
        await _call(
            load,
            logical_id,
            "TimeToLiveSpecification",
            "dynamodb",
            "UpdateTimeToLive",
            {
                "TableName": name,
                "TimeToLiveSpecification": {"Enabled": True, "AttributeName": ttl.get("AttributeName")},
            },
        )
    attributes = {"Arn": arn}
    stream = description.get("LatestStreamArn")
    if stream or properties.get("StreamSpecification"):
        attributes["StreamArn"] = stream or f"{arn}/stream/1970-01-01T00:00:00.000"
    return Created(name, attributes, _status(output), arn)


async def bucket(
    load: LoadContext, logical_id: str, properties: dict[str, Any], _: dict[str, Any]
) -> Created:
    name = properties.get("BucketName") or load.generated_name(logical_id, 63, lower=True)
    request: dict[str, Any] = {"Bucket": name}
    if load.context.region != "us-east-1":
        request["CreateBucketConfiguration"] = {"LocationConstraint": load.context.region}
    output = await _call(load, logical_id, "BucketName", "s3", "CreateBucket", request)
    region = load.context.region
    attributes = {
        "Arn": f"arn:{load.scope.pseudo['AWS::Partition']}:s3:::{name}",
        "DomainName": f"{name}.s3.amazonaws.com",
        "RegionalDomainName": f"{name}.s3.{region}.amazonaws.com",
        "DualStackDomainName": f"{name}.s3.dualstack.{region}.amazonaws.com",
        "WebsiteURL": f"http://{name}.s3-website-{region}.amazonaws.com",
    }
    return Created(name, attributes, _status(output), name)


async def event_bus(
    load: LoadContext, logical_id: str, properties: dict[str, Any], _: dict[str, Any]
) -> Created:
    name = properties.get("Name")
    if not isinstance(name, str) or not name:
        raise load.error("is required", logical_id, "Name")
    output = await _call(load, logical_id, "Name", "events", "CreateEventBus", {"Name": name})
    arn = (output or {}).get("EventBusArn") or load.arn("events", f"event-bus/{name}")
    return Created(name, {"Arn": arn, "Name": name}, _status(output), arn)


_TARGET_MEMBERS = (
    "Id",
    "Arn",
    "RoleArn",
    "Input",
    "InputPath",
    "InputTransformer",
    "SqsParameters",
    "RetryPolicy",
    "DeadLetterConfig",
)


async def rule(load: LoadContext, logical_id: str, properties: dict[str, Any], _: dict[str, Any]) -> Created:
    name = properties.get("Name") or load.generated_name(logical_id, 64)
    bus = properties.get("EventBusName") or "default"
    bus_name = bus.rsplit("/", 1)[-1] if bus.startswith("arn:") else bus
    request: dict[str, Any] = {
        "Name": name,
        "EventBusName": bus_name,
        "State": properties.get("State") or "ENABLED",
    }
    pattern = properties.get("EventPattern")
    if pattern is not None:
        request["EventPattern"] = pattern if isinstance(pattern, str) else json.dumps(pattern)
    if properties.get("ScheduleExpression"):
        request["ScheduleExpression"] = properties["ScheduleExpression"]
    if properties.get("Description"):
        request["Description"] = properties["Description"]
    if "EventPattern" not in request and "ScheduleExpression" not in request:
        raise load.error("a rule needs EventPattern or ScheduleExpression", logical_id, "EventPattern")
    output = await _call(load, logical_id, "EventPattern", "events", "PutRule", request) or {}
    targets = []
    for target in properties.get("Targets") or []:
        item = {key: target[key] for key in _TARGET_MEMBERS if key in target}
        if isinstance(item.get("Input"), dict | list):
            item["Input"] = json.dumps(item["Input"])
        targets.append(item)
    if targets:
        await _call(
            load,
            logical_id,
            "Targets",
            "events",
            "PutTargets",
            {"Rule": name, "EventBusName": bus_name, "Targets": targets},
        )
    arn = output.get("RuleArn") or load.arn(
        "events", f"rule/{name}" if bus_name == "default" else f"rule/{bus_name}/{name}"
    )
    ref = name if bus_name == "default" else f"{bus_name}|{name}"
    created = Created(ref, {"Arn": arn}, physical_id=arn)
    if "ScheduleExpression" in request:
        created.note = f"schedule {request['ScheduleExpression']}"
    return created


async def log_group(
    load: LoadContext, logical_id: str, properties: dict[str, Any], _: dict[str, Any]
) -> Created:
    name = properties.get("LogGroupName") or load.generated_name(logical_id, 512)
    output = await _call(load, logical_id, "LogGroupName", "logs", "CreateLogGroup", {"logGroupName": name})
    if properties.get("RetentionInDays") is not None:
        await _call(
            load,
            logical_id,
            "RetentionInDays",
            "logs",
            "PutRetentionPolicy",
            {"logGroupName": name, "retentionInDays": int(properties["RetentionInDays"])},
        )
    arn = load.arn("logs", f"log-group:{name}:*")
    return Created(name, {"Arn": arn}, _status(output), arn)


async def role(load: LoadContext, logical_id: str, properties: dict[str, Any], _: dict[str, Any]) -> Created:
    name = properties.get("RoleName") or load.generated_name(logical_id, 64)
    document = properties.get("AssumeRolePolicyDocument") or {}
    request: dict[str, Any] = {
        "RoleName": name,
        "AssumeRolePolicyDocument": document if isinstance(document, str) else json.dumps(document),
        "Path": properties.get("Path") or "/",
    }
    output = await _call(load, logical_id, "RoleName", "iam", "CreateRole", request)
    if output is None:
        output = await _call(load, logical_id, "RoleName", "iam", "GetRole", {"RoleName": name})
    details = (output or {}).get("Role") or {}
    arn = details.get("Arn") or load.arn("iam", f"role{request['Path']}{name}", region=False)
    return Created(name, {"Arn": arn, "RoleId": details.get("RoleId", "")}, physical_id=arn)


async def accepted(
    load: LoadContext, logical_id: str, properties: dict[str, Any], resource: dict[str, Any]
) -> Created:
    """A resource whose only effect is a permission: nothing to create locally."""
    kind = str(resource.get("Type"))
    if kind == "AWS::IAM::ManagedPolicy":
        name = properties.get("ManagedPolicyName") or load.generated_name(logical_id, 128)
        ref = load.arn("iam", f"policy/{name}", region=False)
    elif kind == "AWS::IAM::Policy":
        ref = properties.get("PolicyName") or load.generated_name(logical_id, 128)
    else:
        ref = load.generated_name(logical_id, 64)
    note = "accepted: permissions are not enforced by the emulator"
    if kind == "AWS::CDK::Metadata":
        note = "CDK's analytics metadata: nothing to create"
    return Created(ref, {}, physical_id=ref, note=note)


AWS_HANDLERS = {
    "AWS::SQS::Queue": queue,
    "AWS::SNS::Topic": topic,
    "AWS::SNS::Subscription": subscription,
    "AWS::DynamoDB::Table": table,
    "AWS::S3::Bucket": bucket,
    "AWS::Events::EventBus": event_bus,
    "AWS::Events::Rule": rule,
    "AWS::Logs::LogGroup": log_group,
    "AWS::IAM::Role": role,
    "AWS::IAM::Policy": accepted,
    "AWS::IAM::ManagedPolicy": accepted,
    "AWS::Lambda::Permission": accepted,
    "AWS::SQS::QueuePolicy": accepted,
    "AWS::SNS::TopicPolicy": accepted,
    "AWS::CDK::Metadata": accepted,
}
