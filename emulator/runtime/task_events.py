"""The history events of one Task attempt, in the family AWS uses for its resource: ``Task*`` for
service integrations, ``LambdaFunction*`` for Lambda function ARNs, ``Activity*`` for activities.

``TaskLabels`` chooses how an AWS SDK integration is named in those events: AWS's form
(``resourceType: "aws-sdk:comprehend"``, ``resource: "detectSentiment"``) or, opt-in
(``SFN_LOCAL_COMPAT=1``), the form Step Functions Local records (``resourceType: "aws-sdk"``,
``resource: "comprehend:detectSentiment"``), which test suites written against it assert."""

from __future__ import annotations

from enum import StrEnum

from emulator.language.errors import ErrorName, StatesError
from emulator.language.states.task_state import TaskResource
from emulator.model.types import Json, JsonObject
from emulator.runtime.recorder import Chain, Recorder

_NOT_TRUNCATED = {"truncated": False}
_AWS_SDK_PREFIX = "aws-sdk:"


class TaskLabels(StrEnum):
    """How history names a service integration's resource."""

    AWS = "aws"
    STEP_FUNCTIONS_LOCAL = "step-functions-local"


def service_fields(resource: TaskResource, labels: TaskLabels = TaskLabels.AWS) -> JsonObject:
    """``resourceType`` / ``resource`` of a service integration's Task events."""
    if labels is TaskLabels.STEP_FUNCTIONS_LOCAL and resource.resource_type.startswith(_AWS_SDK_PREFIX):
        service = resource.resource_type.removeprefix(_AWS_SDK_PREFIX)
        return {"resourceType": "aws-sdk", "resource": f"{service}:{resource.resource}"}
    return {"resourceType": resource.resource_type, "resource": resource.resource}


class TaskEvents:
    __slots__ = ("recorder", "chain", "resource", "region", "kind", "fields")

    def __init__(
        self,
        recorder: Recorder,
        chain: Chain,
        resource: TaskResource,
        region: str,
        labels: TaskLabels = TaskLabels.AWS,
    ) -> None:
        self.recorder = recorder
        self.chain = chain
        self.resource = resource
        self.region = region
        self.kind = resource.kind if resource.kind in ("lambda", "activity") else "service"
        self.fields = service_fields(resource, labels) if self.kind == "service" else {}

    def _add(
        self, event_type: str, details_key: str | None = None, details: JsonObject | None = None
    ) -> None:
        self.chain.last = self.recorder.add(event_type, self.chain.last, details_key, details)

    def _service_fields(self) -> JsonObject:
        return dict(self.fields)

    def scheduled(
        self,
        parameters: Json,
        timeout: int | None,
        heartbeat: int | None,
        task_credentials: JsonObject | None = None,
        text: str | None = None,
    ) -> None:
        """``text``: the parameters' JSON text when the caller has it already."""
        if text is None:
            text = self.recorder.text(parameters)
        details: JsonObject
        if self.kind == "service":
            details = {
                **self._service_fields(),
                "region": self.resource.region or self.region,
                "parameters": text,
            }
        else:
            details = {"resource": self.resource.arn, "input": text, "inputDetails": dict(_NOT_TRUNCATED)}
        if timeout is not None:
            details["timeoutInSeconds"] = timeout
        if heartbeat is not None and self.kind != "lambda":
            details["heartbeatInSeconds"] = heartbeat
        if task_credentials is not None:
            details["taskCredentials"] = task_credentials
        if self.kind == "lambda":
            self._add("LambdaFunctionScheduled", "lambdaFunctionScheduledEventDetails", details)
        elif self.kind == "activity":
            self._add("ActivityScheduled", "activityScheduledEventDetails", details)
        else:
            self._add("TaskScheduled", "taskScheduledEventDetails", details)

    def started(self, worker_name: str | None = None) -> None:
        if self.kind == "lambda":
            self._add("LambdaFunctionStarted")
        elif self.kind == "activity":
            details: JsonObject = {} if worker_name is None else {"workerName": worker_name}
            self._add("ActivityStarted", "activityStartedEventDetails", details)
        else:
            self._add("TaskStarted", "taskStartedEventDetails", self._service_fields())

    def submitted(self, output: Json) -> None:
        details: JsonObject = {
            **self._service_fields(),
            "output": self.recorder.text(output),
            "outputDetails": dict(_NOT_TRUNCATED),
        }
        self._add("TaskSubmitted", "taskSubmittedEventDetails", details)

    def succeeded(self, text: str) -> None:
        details: JsonObject = {"output": text, "outputDetails": dict(_NOT_TRUNCATED)}
        if self.kind == "lambda":
            self._add("LambdaFunctionSucceeded", "lambdaFunctionSucceededEventDetails", details)
        elif self.kind == "activity":
            self._add("ActivitySucceeded", "activitySucceededEventDetails", details)
        else:
            self._add("TaskSucceeded", "taskSucceededEventDetails", {**self._service_fields(), **details})

    def failed(self, failure: StatesError) -> None:
        details: JsonObject = {}
        if failure.error is not None:
            details["error"] = failure.error
        if failure.cause is not None:
            details["cause"] = failure.cause
        timed_out = failure.error in (ErrorName.TIMEOUT, ErrorName.HEARTBEAT_TIMEOUT)
        outcome = "TimedOut" if timed_out else "Failed"
        if self.kind == "lambda":
            self._add(f"LambdaFunction{outcome}", f"lambdaFunction{outcome}EventDetails", details)
        elif self.kind == "activity":
            self._add(f"Activity{outcome}", f"activity{outcome}EventDetails", details)
        else:
            self._add(f"Task{outcome}", f"task{outcome}EventDetails", {**details, **self._service_fields()})
