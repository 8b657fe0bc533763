"""Nested executions: ``arn:aws:states:::states:startExecution`` (request-response, ``.sync``,
``.sync:2``, ``.waitForTaskToken``). The child runs in this emulator, through an ``ExecutionStarter``
the composition root wires to the control plane (the engine never imports service/ or store/).

Results as AWS shapes them: request-response and TaskSubmitted carry ``{ExecutionArn, StartDate}``
plus the SDK's HTTP metadata; ``.sync`` returns the DescribeExecution-like object with Input/Output
as JSON text (``.sync:2``: as JSON values); a child that does not succeed fails the task with
``States.TaskFailed`` and that object as cause. A ``.sync`` task that is cancelled while it waits
(execution stopped, branch aborted, TimeoutSeconds) stops its child (``cancel_job``).
"""

from __future__ import annotations

import datetime
import email.utils
import uuid
from typing import Any, Protocol

from emulator.integrations.registry import TaskInvocation
from emulator.language.errors import ErrorName, StatesError
from emulator.language.states.task_state import RUN_JOB_V2
from emulator.model.jsontext import from_json_text, to_json_text
from emulator.model.types import Json

JSON_1_0 = "application/x-amz-json-1.0"


class StartFailed(Exception):
    """StartExecution was refused (the control plane's error code and message)."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status


class ExecutionStarter(Protocol):
    """The port to the control plane for nested executions."""

    async def start_execution(self, account: str, region: str, request: dict[str, Any]) -> dict[str, Any]:
        """StartExecution (wire member names); returns ``{executionArn, startDate}`` or raises StartFailed."""
        ...

    async def wait_for_execution(self, account: str, region: str, execution_arn: str) -> dict[str, Any]:
        """Wait until the execution ends; return its DescribeExecution answer (wire member names)."""
        ...

    async def stop_execution(self, account: str, region: str, execution_arn: str) -> None:
        """StopExecution without error or cause (the child of a ``.sync`` task that was cancelled)."""
        ...


def timestamp_text(epoch_seconds: float) -> str:
    moment = datetime.datetime.fromtimestamp(epoch_seconds, datetime.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def epoch_number_text(epoch_seconds: float) -> str:
    """A timestamp as Step Functions' JSON 1.0 responses write it: epoch seconds with microseconds in
    Java's ``Double.toString`` form (``1.720769697123456E9``). Recordings since mid-2024 measure
    StartExecution bodies three characters longer than millisecond ``1.688118139123E9`` would give."""
    micros = round(epoch_seconds * 1_000_000)
    whole, fraction = divmod(micros, 1_000_000)
    digits = f"{whole}{fraction:06d}".rstrip("0") if fraction else str(whole).rstrip("0") or "0"
    exponent = len(str(whole)) - 1
    mantissa = digits[0] + "." + (digits[1:] or "0")
    return f"{mantissa}E{exponent}" if exponent >= 7 else repr(micros / 1_000_000)


def start_execution_body_length(execution_arn: str, start_date: float) -> int:
    """Content-Length of AWS's StartExecution answer ``{"executionArn":…,"startDate":…}``."""
    body = f'{{"executionArn":{to_json_text(execution_arn)},"startDate":{epoch_number_text(start_date)}}}'
    return len(body.encode("utf-8", "replace"))


def input_text(value: Json) -> str:
    """The child's input: an object or array as JSON, JSON text as it is, nothing as ``{}``."""
    if value is None:
        return "{}"
    if isinstance(value, str):
        try:
            from_json_text(value)
        except ValueError:
            return to_json_text(value)
        return value
    return to_json_text(value)


def sdk_http_metadata(body_length: int, request_id: str) -> dict[str, Json]:
    headers: dict[str, Json] = {
        "connection": "keep-alive",
        "Content-Length": str(body_length),
        "Content-Type": JSON_1_0,
        "Date": email.utils.formatdate(usegmt=True),
        "x-amzn-RequestId": request_id,
    }
    return {
        "AllHttpHeaders": {name: [value] for name, value in headers.items()},
        "HttpHeaders": headers,
        "HttpStatusCode": 200,
    }


def job_object(described: dict[str, Any], as_json: bool) -> dict[str, Json]:
    """DescribeExecution in the integration's member names (``.sync``: Input/Output as text), every
    member DescribeExecution answers (https://docs.aws.amazon.com/step-functions/latest/apireference/
    API_DescribeExecution.html#API_DescribeExecution_ResponseSyntax): the version / alias the child ran,
    its Map Run, its trace header and its redrive state too."""

    def data(text: str | None) -> Json:
        if not as_json or text is None:
            return text
        return from_json_text(text)

    out: dict[str, Json] = {"ExecutionArn": described["executionArn"]}
    if "input" in described:
        out["Input"] = data(described["input"])
    out["InputDetails"] = {"Included": True}
    out["Name"] = described["name"]
    if described.get("output") is not None:
        out["Output"] = data(described["output"])
        out["OutputDetails"] = {"Included": True}
    if described.get("error") is not None:
        out["Error"] = described["error"]
    if described.get("cause") is not None:
        out["Cause"] = described["cause"]
    out["StartDate"] = timestamp_text(described["startDate"])
    out["StateMachineArn"] = described["stateMachineArn"]
    out["Status"] = described["status"]
    if described.get("stopDate") is not None:
        out["StopDate"] = timestamp_text(described["stopDate"])
    for member in ("traceHeader", "mapRunArn", "stateMachineVersionArn", "stateMachineAliasArn"):
        if described.get(member) is not None:
            out[member[:1].upper() + member[1:]] = described[member]
    if "redriveCount" in described:
        out["RedriveCount"] = described["redriveCount"]
        if described.get("redriveDate") is not None:
            out["RedriveDate"] = timestamp_text(described["redriveDate"])
        out["RedriveStatus"] = described.get("redriveStatus")
        if described.get("redriveStatusReason"):
            out["RedriveStatusReason"] = described["redriveStatusReason"]
    return out


class StepFunctionsIntegration:
    """Registered under ``states``."""

    def __init__(self, starter: ExecutionStarter) -> None:
        self.starter = starter

    async def invoke(self, invocation: TaskInvocation) -> Json:
        if invocation.resource.action != "startExecution":
            raise StatesError(ErrorName.RUNTIME, f"Unsupported action: {invocation.resource.resource}")
        parameters = invocation.parameters if isinstance(invocation.parameters, dict) else {}
        request: dict[str, Any] = {
            "stateMachineArn": parameters.get("StateMachineArn"),
            "input": input_text(parameters.get("Input")),
        }
        if parameters.get("Name") is not None:
            request["name"] = parameters["Name"]
        if parameters.get("TraceHeader") is not None:
            request["traceHeader"] = parameters["TraceHeader"]
        request_id = str(uuid.uuid4())
        account, region = _partition_of(str(request["stateMachineArn"]), invocation)
        try:
            started = await self.starter.start_execution(account, region, request)
        except StartFailed as failure:
            raise StatesError(
                f"StepFunctions.{failure.code}Exception"
                if not failure.code.endswith("Exception")
                else f"StepFunctions.{failure.code}",
                f"{failure.message} (Service: AWSStepFunctions; Status Code: {failure.status}; "
                f"Error Code: {failure.code}; Request ID: {request_id}; Proxy: null)",
            ) from None
        body_length = start_execution_body_length(started["executionArn"], started["startDate"])
        return {
            "ExecutionArn": started["executionArn"],
            "SdkHttpMetadata": sdk_http_metadata(body_length, request_id),
            "SdkResponseMetadata": {"RequestId": request_id},
            "StartDate": timestamp_text(started["startDate"]),
        }

    async def run_job(self, invocation: TaskInvocation, submitted: Json) -> Json:
        assert isinstance(submitted, dict)
        execution_arn = str(submitted["ExecutionArn"])
        account, region = _partition_of(execution_arn, invocation)
        described = await self.starter.wait_for_execution(account, region, execution_arn)
        job = job_object(described, as_json=invocation.resource.pattern == RUN_JOB_V2)
        if described["status"] == "SUCCEEDED":
            return job
        job.pop("RedriveCount", None)
        job.pop("RedriveStatus", None)
        job.pop("RedriveStatusReason", None)
        raise StatesError(ErrorName.TASK_FAILED, to_json_text(job))

    async def cancel_job(self, invocation: TaskInvocation, submitted: Json) -> None:
        """The waiting task was cancelled (the parent stopped, its branch aborted, TimeoutSeconds):
        stop the child, as the ``states:StopExecution`` permission AWS asks ``.sync`` for is used."""
        if not isinstance(submitted, dict) or not isinstance(submitted.get("ExecutionArn"), str):
            return
        execution_arn = str(submitted["ExecutionArn"])
        account, region = _partition_of(execution_arn, invocation)
        await self.starter.stop_execution(account, region, execution_arn)


def _partition_of(arn: str, invocation: TaskInvocation) -> tuple[str, str]:
    parts = arn.split(":")
    if len(parts) >= 5 and parts[0] == "arn" and parts[3] and parts[4]:
        return parts[4], parts[3]
    return invocation.account, invocation.region
