"""The context object (``$$``) as AWS shapes it, and AWS's timestamp text."""

from __future__ import annotations

import datetime
from typing import Any

from emulator.model.records import Execution
from emulator.model.types import Json


def iso_timestamp(epoch_seconds: float) -> str:
    """``2024-01-01T00:00:00.000Z`` (UTC, milliseconds), as AWS writes context timestamps."""
    moment = datetime.datetime.fromtimestamp(epoch_seconds, datetime.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def execution_context(execution: Execution, input_value: Json) -> dict[str, Any]:
    """The execution-wide part of the context object; states add ``State`` (and ``Map``/``Task``)."""
    machine = execution.state_machine
    info: dict[str, Any] = {
        "Id": execution.arn,
        "Input": input_value,
        "StartTime": iso_timestamp(execution.start_date),
        "Name": execution.name,
        "RoleArn": machine.role_arn,
    }
    # Express executions cannot be redriven: AWS gives them no RedriveCount.
    if not execution.express:
        info["RedriveCount"] = execution.redrive_count
    return {"Execution": info, "StateMachine": {"Id": machine.arn, "Name": machine.name}}


def state_context(base: dict[str, Any], name: str, entered: float, retry_count: int | None) -> dict[str, Any]:
    state: dict[str, Any] = {"Name": name, "EnteredTime": iso_timestamp(entered)}
    if retry_count is not None:
        state["RetryCount"] = retry_count
    context = dict(base)
    context["State"] = state
    return context
