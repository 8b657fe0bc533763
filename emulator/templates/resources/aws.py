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

from emulator.service.aws_resources import AwsCallFailed, call_aws, endpoint_of, in_process_queue_url
from emulator.service.cron import CronError, parse_cron
from emulator.service.event_targets import rate_seconds
from emulator.templates.intrinsics import Created
from emulator.templates.report import Schedule
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


Call = tuple[str, dict[str, Any], str]  # (operation, request, the property to blame)


async def _calls(
    load: LoadContext, logical_id: str, service: str, calls: list[Call]
) -> list[dict[str, Any] | None]:
    return [
        await _call(load, logical_id, prop, service, operation, request) for operation, request, prop in calls
    ]


async def _create(
    load: LoadContext, logical_id: str, service: str, calls: list[Call], planned: Created | None
) -> list[dict[str, Any] | None] | None:
    """Run ``calls`` (in order). With the in-process backends and a ``planned`` answer (names and
    ARNs known beforehand) they are only submitted now and awaited at the end of the load: the
    template's machines do not wait for the backends to start, and, as the in-process backends
    serve calls one at a time in order, anything a machine does later finds the resource there.
    None then; else the outputs."""
    if planned is not None and endpoint_of(load.env, service) is None:

        async def complete() -> str:
            outputs = await _calls(load, logical_id, service, calls)
            return _status(outputs[0])

        load.later(logical_id, complete())
        return None
    await load.flush()  # what this waits for comes after what was declared before it
    return await _calls(load, logical_id, service, calls)


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
    arn = load.arn("sqs", name)
    planned_url = in_process_queue_url(load.env, load.context, name)
    planned = Created(
        planned_url, {"Arn": arn, "QueueName": name, "QueueUrl": planned_url}, physical_id=planned_url
    )
    outputs = await _create(load, logical_id, "sqs", [("CreateQueue", request, "QueueName")], planned)
    if outputs is None:
        return planned
    url = (outputs[0] or {}).get("QueueUrl") or (
        await _call(load, logical_id, "QueueName", "sqs", "GetQueueUrl", {"QueueName": name}) or {}
    ).get("QueueUrl")
    url = str(url)
    return Created(url, {"Arn": arn, "QueueName": name, "QueueUrl": url}, _status(outputs[0]), url)


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
    arn = load.arn("sns", name)
    calls: list[Call] = [("CreateTopic", {"Name": name, "Attributes": attributes}, "TopicName")]
    for index, item in enumerate(properties.get("Subscription") or []):
        subscribe = {"TopicArn": arn, "Protocol": item.get("Protocol"), "Endpoint": item.get("Endpoint")}
        calls.append(("Subscribe", subscribe, f"Subscription[{index}]"))
    planned = Created(arn, {"TopicArn": arn, "TopicName": name}, physical_id=arn)
    outputs = await _create(load, logical_id, "sns", calls, planned)
    if outputs is not None:
        planned.status = _status(outputs[0])
    return planned


async def subscription(
    load: LoadContext, logical_id: str, properties: dict[str, Any], _: dict[str, Any]
) -> Created:
    request: dict[str, Any] = {
        key: properties[key] for key in ("TopicArn", "Protocol", "Endpoint") if key in properties
    }
    if properties.get("RawMessageDelivery") is not None:
        request["Attributes"] = {"RawMessageDelivery": _attribute_text(properties["RawMessageDelivery"])}
    await load.flush()
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
    arn = load.arn("dynamodb", f"table/{name}")
    calls: list[Call] = [("CreateTable", request, "TableName")]
    ttl = properties.get("TimeToLiveSpecification")
    if isinstance(ttl, dict) and ttl.get("Enabled") in (True, "true"):
        specification = {"Enabled": True, "AttributeName": ttl.get("AttributeName")}
        ttl_request = {"TableName": name, "TimeToLiveSpecification": specification}
        calls.append(("UpdateTimeToLive", ttl_request, "TimeToLiveSpecification"))
    # the stream's ARN holds the time the backend created it: known only from its answer
    planned = None if properties.get("StreamSpecification") else Created(name, {"Arn": arn}, physical_id=arn)
    outputs = await _create(load, logical_id, "dynamodb", calls[:1] if planned is None else calls, planned)
    if outputs is None and planned is not None:
        return planned
    output = (outputs or [None])[0]
    description = (output or {}).get("TableDescription") or {}
    if output is None:  # there already (a reload): its stream as it is
        found = await _call(load, logical_id, "TableName", "dynamodb", "DescribeTable", {"TableName": name})
        description = (found or {}).get("Table") or {}
    elif len(calls) > 1:
        await _calls(load, logical_id, "dynamodb", calls[1:])
    attributes = {"Arn": description.get("TableArn") or arn}
    if description.get("LatestStreamArn"):
        attributes["StreamArn"] = description["LatestStreamArn"]
    return Created(name, attributes, _status(output), attributes["Arn"])


async def bucket(
    load: LoadContext, logical_id: str, properties: dict[str, Any], _: dict[str, Any]
) -> Created:
    name = properties.get("BucketName") or load.generated_name(logical_id, 63, lower=True)
    request: dict[str, Any] = {"Bucket": name}
    if load.context.region != "us-east-1":
        request["CreateBucketConfiguration"] = {"LocationConstraint": load.context.region}
    region = load.context.region
    attributes = {
        "Arn": f"arn:{load.scope.pseudo['AWS::Partition']}:s3:::{name}",
        "DomainName": f"{name}.s3.amazonaws.com",
        "RegionalDomainName": f"{name}.s3.{region}.amazonaws.com",
        "DualStackDomainName": f"{name}.s3.dualstack.{region}.amazonaws.com",
        "WebsiteURL": f"http://{name}.s3-website-{region}.amazonaws.com",
    }
    planned = Created(name, attributes, physical_id=name)
    outputs = await _create(load, logical_id, "s3", [("CreateBucket", request, "BucketName")], planned)
    if outputs is not None:
        planned.status = _status(outputs[0])
    return planned


async def event_bus(
    load: LoadContext, logical_id: str, properties: dict[str, Any], _: dict[str, Any]
) -> Created:
    name = properties.get("Name")
    if not isinstance(name, str) or not name:
        raise load.error("is required", logical_id, "Name")
    arn = load.arn("events", f"event-bus/{name}")
    planned = Created(name, {"Arn": arn, "Name": name}, physical_id=arn)
    outputs = await _create(load, logical_id, "events", [("CreateEventBus", {"Name": name}, "Name")], planned)
    if outputs is not None:
        planned.status = _status(outputs[0])
    return planned


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
    targets = []
    for target in properties.get("Targets") or []:
        item = {key: target[key] for key in _TARGET_MEMBERS if key in target}
        if isinstance(item.get("Input"), dict | list):
            item["Input"] = json.dumps(item["Input"])
        targets.append(item)
    calls: list[Call] = [("PutRule", request, "EventPattern")]
    if targets:
        calls.append(("PutTargets", {"Rule": name, "EventBusName": bus_name, "Targets": targets}, "Targets"))
    arn = load.arn("events", f"rule/{name}" if bus_name == "default" else f"rule/{bus_name}/{name}")
    ref = name if bus_name == "default" else f"{bus_name}|{name}"
    created = Created(ref, {"Arn": arn}, physical_id=arn)
    expression = str(request.get("ScheduleExpression") or "")
    note = _schedule(load, logical_id, "ScheduleExpression", expression, None) if expression else ""
    await _create(load, logical_id, "events", calls, created)
    machines = [target for target in targets if _is_state_machine(target.get("Arn"))]
    if expression and machines and request["State"] == "ENABLED":
        created.note = f"{expression}: starts {len(machines)} state machine(s) {note}"
        load.schedules.append(Schedule(arn, expression, tuple(machines)))
    return created


def _schedule(load: LoadContext, logical_id: str, prop: str, expression: str, timezone: str | None) -> str:
    """How often ``expression`` fires (a sentence's end); a TemplateError for one EventBridge
    refuses."""
    period = rate_seconds(expression)
    if period is not None:
        return f"every {period:.0f} s"
    try:
        parse_cron(expression, timezone)
    except CronError as error:
        raise load.error(f"{expression}: {error}", logical_id, prop) from None
    return f"at the times of {expression} ({timezone or 'UTC'})"


def _is_state_machine(arn: Any) -> bool:
    return ":states:" in str(arn) and ":stateMachine:" in str(arn)


async def schedule(
    load: LoadContext, logical_id: str, properties: dict[str, Any], _: dict[str, Any]
) -> Created:
    """An EventBridge Scheduler schedule (AWS::Scheduler::Schedule, a SAM ``ScheduleV2`` event):
    its ``rate(…)`` / ``cron(…)`` expression starts a state machine target with the target's
    ``Input`` (``{}`` without one). Other targets and ``at(…)`` one-time schedules are not run."""
    name = properties.get("Name") or load.generated_name(logical_id, 64)
    group = properties.get("GroupName") or "default"
    expression = properties.get("ScheduleExpression")
    if not isinstance(expression, str) or not expression:
        raise load.error("is required", logical_id, "ScheduleExpression")
    target = properties.get("Target")
    if not isinstance(target, dict) or not target.get("Arn"):
        raise load.error("is required (with an Arn)", logical_id, "Target")
    timezone = properties.get("ScheduleExpressionTimezone")
    arn = load.arn("scheduler", f"schedule/{group}/{name}")
    created = Created(name, {"Arn": arn}, physical_id=arn)
    if expression.startswith("at("):
        created.note = f"{expression}: one-time schedules are not run by the emulator"
        return created
    note = _schedule(load, logical_id, "ScheduleExpression", expression, timezone)
    if not _is_state_machine(target["Arn"]):
        created.note = f"{expression}: only state machine targets are run by the emulator's schedules"
    elif (properties.get("State") or "ENABLED") == "ENABLED":
        machine = {"Arn": target["Arn"], "Input": target.get("Input") or "{}"}
        if isinstance(machine["Input"], dict | list):
            machine["Input"] = json.dumps(machine["Input"])
        created.note = f"{expression}: starts {target['Arn']} {note}"
        load.schedules.append(Schedule(arn, expression, (machine,), timezone, scheduler=True))
    return created


async def log_group(
    load: LoadContext, logical_id: str, properties: dict[str, Any], _: dict[str, Any]
) -> Created:
    name = properties.get("LogGroupName") or load.generated_name(logical_id, 512)
    calls: list[Call] = [("CreateLogGroup", {"logGroupName": name}, "LogGroupName")]
    if properties.get("RetentionInDays") is not None:
        retention = {"logGroupName": name, "retentionInDays": int(properties["RetentionInDays"])}
        calls.append(("PutRetentionPolicy", retention, "RetentionInDays"))
    arn = load.arn("logs", f"log-group:{name}:*")
    planned = Created(name, {"Arn": arn}, physical_id=arn)
    outputs = await _create(load, logical_id, "logs", calls, planned)
    if outputs is not None:
        planned.status = _status(outputs[0])
    return planned


async def role(load: LoadContext, logical_id: str, properties: dict[str, Any], _: dict[str, Any]) -> Created:
    name = properties.get("RoleName") or load.generated_name(logical_id, 64)
    document = properties.get("AssumeRolePolicyDocument") or {}
    request: dict[str, Any] = {
        "RoleName": name,
        "AssumeRolePolicyDocument": document if isinstance(document, str) else json.dumps(document),
        "Path": properties.get("Path") or "/",
    }
    arn = load.arn("iam", f"role{request['Path']}{name}", region=False)
    # the role id is the backend's: known from its answer only (wait for it when the template uses it)
    planned = (
        None
        if load.scope.uses_attribute(logical_id, "RoleId")
        else Created(name, {"Arn": arn}, physical_id=arn)
    )
    outputs = await _create(load, logical_id, "iam", [("CreateRole", request, "RoleName")], planned)
    if outputs is None and planned is not None:
        return planned
    output = (outputs or [None])[0]
    if output is None:
        output = await _call(load, logical_id, "RoleName", "iam", "GetRole", {"RoleName": name})
    details = (output or {}).get("Role") or {}
    arn = details.get("Arn") or arn
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
    "AWS::Scheduler::Schedule": schedule,
    "AWS::Logs::LogGroup": log_group,
    "AWS::IAM::Role": role,
    "AWS::IAM::Policy": accepted,
    "AWS::IAM::ManagedPolicy": accepted,
    "AWS::Lambda::Permission": accepted,
    "AWS::SQS::QueuePolicy": accepted,
    "AWS::SNS::TopicPolicy": accepted,
    "AWS::CDK::Metadata": accepted,
}
