"""CreateActivity, DescribeActivity, DeleteActivity, ListActivities, GetActivityTask."""

from __future__ import annotations

from typing import Any

from emulator.errors import ActivityAlreadyExists, ActivityDoesNotExist, ActivityWorkerLimitExceeded
from emulator.model.arns import activity_arn
from emulator.model.records import Activity
from emulator.runtime.activities import TooManyPollers
from emulator.service import tags
from emulator.service.common import check_name, in_partition, paginate, parse_arn, put_if
from emulator.service.environment import RequestContext, ServiceEnvironment, partition_of
from emulator.service.request_rules import DEFAULT_ENCRYPTION, check_encryption_configuration


def get_activity(env: ServiceEnvironment, context: RequestContext, arn: str) -> Activity:
    parsed = parse_arn(arn, "activity")
    found = partition_of(env, context).activities.get(arn) if in_partition(parsed, context) else None
    if found is None:
        raise ActivityDoesNotExist(f"Activity Does Not Exist: '{arn}'")
    return found


def create_activity(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]
) -> dict[str, Any]:
    """Idempotent by name: a second call returns the first activity (different tags are ignored)."""
    name = request["name"]
    check_name(name)
    arn = activity_arn(context.region, context.account, name)
    partition = partition_of(env, context)
    encryption = check_encryption_configuration(request.get("encryptionConfiguration"))
    existing = partition.activities.get(arn)
    if existing is not None:
        if (existing.encryption_configuration or DEFAULT_ENCRYPTION) != encryption:
            raise ActivityAlreadyExists(f"Activity Already Exists: '{arn}'")
        return {"activityArn": arn, "creationDate": existing.creation_date}
    tag_map = tags.check_new_tags(arn, request.get("tags") or [], {})
    activity = Activity(arn, name, env.clock.now(), encryption)
    partition.activities.put(arn, activity)
    if tag_map:
        partition.tags[arn] = tag_map
    return {"activityArn": arn, "creationDate": activity.creation_date}


def describe_activity(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]
) -> dict[str, Any]:
    activity = get_activity(env, context, request["activityArn"])
    return {
        "activityArn": activity.arn,
        "name": activity.name,
        "creationDate": activity.creation_date,
        "encryptionConfiguration": activity.encryption_configuration or DEFAULT_ENCRYPTION,
    }


def delete_activity(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]
) -> dict[str, Any]:
    arn = request["activityArn"]
    parsed = parse_arn(arn, "activity")
    if in_partition(parsed, context):
        partition = partition_of(env, context)
        if partition.activities.delete(arn) is not None:
            partition.tags.pop(arn, None)
            env.activities.discard(arn)
    return {}


def list_activities(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]
) -> dict[str, Any]:
    found = list(reversed(partition_of(env, context).activities.values()))
    page, token = paginate(found, request, scope="ListActivities", now=env.clock.now())
    out: dict[str, Any] = {
        "activities": [{"activityArn": a.arn, "name": a.name, "creationDate": a.creation_date} for a in page]
    }
    put_if(out, "nextToken", token)
    return out


async def get_activity_task(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]
) -> dict[str, Any]:
    """Long-poll (up to 60 s, scaled by the clock) for a task; no task -> an empty answer."""
    activity = get_activity(env, context, request["activityArn"])
    try:
        task = await env.activities.poll(activity.arn, request.get("workerName"))
    except TooManyPollers:
        raise ActivityWorkerLimitExceeded(
            "The maximum number of workers concurrently polling for activity tasks has been reached."
        ) from None
    if task is None:
        return {}
    return {"taskToken": task.token, "input": task.input}
