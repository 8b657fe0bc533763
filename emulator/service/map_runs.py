"""DescribeMapRun, ListMapRuns, UpdateMapRun: the Map Runs of Distributed Map states.

Map Run records are created by the runtime when a distributed Map state starts; these functions
only read and adjust them.
"""

from __future__ import annotations

from typing import Any

from emulator.errors import (
    CANNOT_UPDATE_COMPLETED_MAP_RUN,
    MISSING_REQUIRED_PARAMETER,
    ResourceNotFound,
    ValidationException,
)
from emulator.model.records import MapRun, MapRunStatus
from emulator.service.common import in_partition, paginate, parse_arn, put_if
from emulator.service.environment import RequestContext, ServiceEnvironment, partition_of

NOT_FOUND = "Request references a resource that does not exist."
_COUNT_KEYS = (
    "pending",
    "running",
    "succeeded",
    "failed",
    "timedOut",
    "aborted",
    "total",
    "resultsWritten",
    "failuresNotRedrivable",
    "pendingRedrive",
)


def get_map_run(env: ServiceEnvironment, context: RequestContext, arn: str) -> MapRun:
    parsed = parse_arn(arn, "mapRun")
    found = partition_of(env, context).map_runs.get(arn) if in_partition(parsed, context) else None
    if found is None:
        raise ResourceNotFound(NOT_FOUND, resourceName=arn)
    return found


def _counts(counts: dict[str, int]) -> dict[str, int]:
    return {key: int(counts.get(key, 0)) for key in _COUNT_KEYS}


def describe_map_run(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]
) -> dict[str, Any]:
    run = get_map_run(env, context, request["mapRunArn"])
    out: dict[str, Any] = {
        "mapRunArn": run.arn,
        "executionArn": run.execution_arn,
        "status": run.status.value,
        "startDate": run.start_date,
        "maxConcurrency": run.max_concurrency,
        "toleratedFailurePercentage": run.tolerated_failure_percentage,
        "toleratedFailureCount": run.tolerated_failure_count,
        "itemCounts": _counts(run.item_counts),
        "executionCounts": _counts(run.execution_counts),
        "redriveCount": run.redrive_count,
    }
    put_if(out, "stopDate", run.stop_date)
    return out


def list_map_runs(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]
) -> dict[str, Any]:
    from emulator.service.executions import get_execution

    execution = get_execution(env, context, request["executionArn"])
    runs = [r for r in partition_of(env, context).map_runs.values() if r.execution_arn == execution.arn]
    page, token = paginate(runs, request, scope=f"ListMapRuns:{execution.arn}", now=env.clock.now())
    items = []
    for run in page:
        item: dict[str, Any] = {
            "executionArn": run.execution_arn,
            "mapRunArn": run.arn,
            "stateMachineArn": run.state_machine_arn,
            "startDate": run.start_date,
        }
        put_if(item, "stopDate", run.stop_date)
        items.append(item)
    out: dict[str, Any] = {"mapRuns": items}
    put_if(out, "nextToken", token)
    return out


def update_map_run(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]
) -> dict[str, Any]:
    members = ("maxConcurrency", "toleratedFailurePercentage", "toleratedFailureCount")
    if all(request.get(member) is None for member in members):
        raise ValidationException(
            "Must provide at least one of maxConcurrency, toleratedFailurePercentage or toleratedFailureCount",
            reason=MISSING_REQUIRED_PARAMETER,
        )
    run = get_map_run(env, context, request["mapRunArn"])
    if run.status != MapRunStatus.RUNNING:
        # "Updates an in-progress Map Run's configuration" (API_UpdateMapRun); the model's reason
        raise ValidationException(
            f"Cannot update a completed Map Run: '{run.arn}' is {run.status.value}",
            reason=CANNOT_UPDATE_COMPLETED_MAP_RUN,
        )
    if request.get("maxConcurrency") is not None:
        run.max_concurrency = int(request["maxConcurrency"])
    if request.get("toleratedFailurePercentage") is not None:
        run.tolerated_failure_percentage = float(request["toleratedFailurePercentage"])
    if request.get("toleratedFailureCount") is not None:
        run.tolerated_failure_count = int(request["toleratedFailureCount"])
    partition_of(env, context).map_runs.put(run.arn, run)  # changed in place: stored again
    return {}
