"""Requirement setup for ``logs`` cases: a CloudWatch Logs log group, and EXPRESS async executions.

* ``logs``: a fresh log group is created in the emulator's in-process CloudWatch Logs (through the
  emulator's own port, in the account the runner's Step Functions client uses), and the case's state
  machine is created with a ``loggingConfiguration`` naming it, as the recording test did: the level
  and ``includeExecutionData`` of ``test_partial_log_levels[<template>_<LEVEL>_<True|False>]``, else
  ``ALL`` with execution data. The runner compares what it compares for any execution (history,
  final outcome): the log events themselves are not recorded for those cases.
* EXPRESS ``StartExecution`` cases: the shared runner skips them ("needs CloudWatch logs"), because
  AWS keeps no history of them. With ``SFN_COMPAT_EXPRESS_LOGS=1`` this module extends the runner
  beyond its extension points so that such a case with a recorded ``end_event`` runs: the machine is
  created with logging, the execution started, and its terminal log event read back from the log
  group and compared with ``end_event`` (and ``creation_response``), normalised as the runner
  normalises any response. It is opt-in because it is our own comparison, not the shared runner's:
  the default figures stay comparable with any other emulator measured by the same runner.
"""

from __future__ import annotations

import json
import os
import re
import time
import uuid
from types import ModuleType
from typing import Any

import boto3
from botocore.config import Config

_LEVEL = re.compile(r"_(ALL|ERROR|FATAL|OFF)_(True|False)\]$")
_TERMINAL = {"ExecutionSucceeded", "ExecutionFailed", "ExecutionTimedOut", "ExecutionAborted"}


def logs_client(ctx: Any) -> Any:
    return boto3.client(
        "logs",
        endpoint_url=ctx.runner.endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 0}),
    )


def recorded_logging(case_id: str) -> tuple[str, bool]:
    """The level and includeExecutionData the recording test configured."""
    found = _LEVEL.search(case_id)
    if found is None:
        return "ALL", True
    return found.group(1), found.group(2) == "True"


class LoggingClient:
    """The runner's Step Functions client, creating state machines with the case's logging."""

    def __init__(self, client: Any, logging_configuration: dict[str, Any]) -> None:
        self._client = client
        self._logging = logging_configuration

    def create_state_machine(self, **request: Any) -> Any:
        request.setdefault("loggingConfiguration", self._logging)
        return self._client.create_state_machine(**request)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


def is_express_async(case: Any) -> bool:
    data = case.data
    return (
        data.get("api") == "StartExecution"
        and (data.get("state_machine_type") or "STANDARD") == "EXPRESS"
        and "end_event" in case.recorded
    )


def end_event(logs: Any, group: str, execution_arn: str, deadline: float) -> dict[str, Any] | None:
    """The terminal log event of the execution, once it has been delivered."""
    while True:
        events = logs.filter_log_events(logGroupName=group).get("events") or []
        for event in events:
            document = json.loads(event["message"])
            if document.get("execution_arn") == execution_arn and document.get("type") in _TERMINAL:
                return dict(document)
        if time.monotonic() > deadline:
            return None
        time.sleep(0.05)


def register(runner: ModuleType) -> None:
    @runner.requirement_handler("logs")
    def _logs(ctx: Any, requirement: str) -> None:
        logs = logs_client(ctx)
        name = f"/aws/vendedlogs/states/conf-{uuid.uuid4().hex[:12]}"
        logs.create_log_group(logGroupName=name)
        ctx.add_cleanup(lambda: logs.delete_log_group(logGroupName=name))
        arn = f"arn:aws:logs:{runner.REGION}:{ctx.runner.account}:log-group:{name}:*"
        level, include = recorded_logging(ctx.case.id)
        configuration = {
            "level": level,
            "includeExecutionData": include,
            "destinations": [{"cloudWatchLogsLogGroup": {"logGroupArn": arn}}],
        }
        ctx.client = LoggingClient(ctx.client, configuration)
        ctx.log_group_name = name

    if os.environ.get("SFN_COMPAT_EXPRESS_LOGS") != "1":
        return
    original_classify = runner.classify

    def classify(case: Any) -> tuple[str | None, str | None]:
        if is_express_async(case):
            return "execution", None
        return original_classify(case)

    runner.classify = classify
    original_run = runner.Runner._run_execution

    def run_execution(self: Any, ctx: Any, cmp: Any) -> None:
        if not is_express_async(ctx.case):
            original_run(self, ctx, cmp)
            return
        run_express_async(runner, self, ctx, cmp)

    runner.Runner._run_execution = run_execution


def run_express_async(runner: ModuleType, self: Any, ctx: Any, cmp: Any) -> None:
    """Start the EXPRESS execution and compare its terminal log event with ``end_event``."""
    case = ctx.case
    group = getattr(ctx, "log_group_name", None)
    if group is None:
        raise runner.SkipCase("express async case without a log group (requires: logs)")
    create_response = self._create(ctx, "EXPRESS")
    request = {"stateMachineArn": ctx.sm_arn}
    text = self._input_text(ctx)
    if text is not None:
        request["input"] = text
    arn = ctx.client.start_execution(**request)["executionArn"]
    found = end_event(logs_client(ctx), group, arn, time.monotonic() + self.timeout)
    replacer, literal = runner.build_replacer(ctx, express_arn=arn)
    cmp.literal = literal
    if found is None:
        cmp.add(runner.Diff("recorded:end_event", "$", "no terminal log event was delivered"))
    else:
        cmp.compare("recorded:end_event", case.recorded["end_event"], runner.normalise(found, replacer))
    for key in ("creation_response", "creation_resp"):
        if key in case.recorded:
            cmp.compare(f"recorded:{key}", case.recorded[key], runner.normalise(create_response, replacer))
