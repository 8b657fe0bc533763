"""The context object (``$$``) as AWS shapes it, and AWS's timestamp text."""

from __future__ import annotations

import datetime
import math

from emulator.model.records import Execution
from emulator.model.types import Json, JsonObject


def iso_timestamp(epoch_seconds: float) -> str:
    """``2024-01-01T00:00:00.000Z`` (UTC, milliseconds), as AWS writes context timestamps.

    Every state entered writes one: the text up to the second is made once per second, and the
    microseconds are rounded as ``datetime.fromtimestamp`` rounds them (half to even, carrying)."""
    global _cached_second
    fraction, whole = math.modf(epoch_seconds)
    micro = round(fraction * 1e6)
    second = int(whole)
    if micro >= 1_000_000:
        second, micro = second + 1, micro - 1_000_000
    elif micro < 0:
        second, micro = second - 1, micro + 1_000_000
    cached, text = _cached_second  # one tuple: read and replaced atomically
    if second != cached:
        text = datetime.datetime.fromtimestamp(second, datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.")
        _cached_second = (second, text)
    return f"{text}{micro // 1000:03d}Z"


_cached_second: tuple[int | None, str] = (None, "")


def execution_context(execution: Execution, input_value: Json) -> JsonObject:
    """The execution-wide part of the context object; states add ``State`` (and ``Map``/``Task``)."""
    machine = execution.state_machine
    info: JsonObject = {
        "Id": execution.arn,
        "Input": input_value,
        "StartTime": iso_timestamp(execution.start_date),
        "Name": execution.name,
        "RoleArn": machine.role_arn,
    }
    # Express executions cannot be redriven: AWS gives them no RedriveCount. RedriveTime is there
    # only once the execution has been redriven ("Accessing execution data from the Context object").
    if not execution.express:
        info["RedriveCount"] = execution.redrive_count
        if execution.redrive_date is not None:
            info["RedriveTime"] = iso_timestamp(execution.redrive_date)
    return {"Execution": info, "StateMachine": {"Id": machine.arn, "Name": machine.name}}


def state_context(base: JsonObject, name: str, entered: float, retry_count: int | None) -> JsonObject:
    state: JsonObject = {"Name": name, "EnteredTime": iso_timestamp(entered)}
    if retry_count is not None:
        state["RetryCount"] = retry_count
    context = dict(base)
    context["State"] = state
    return context
