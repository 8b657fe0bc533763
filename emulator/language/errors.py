"""Errors of the language layer.

``StatesError`` is an execution failure that Retry/Catch can match (``error`` is the States
error name, ``cause`` its text). ``DefinitionError`` is a problem with a definition, located by
a JSON pointer-like path (``/States/Foo/Parameters``).
"""

from __future__ import annotations

from enum import StrEnum


class ErrorName(StrEnum):
    ALL = "States.ALL"
    HEARTBEAT_TIMEOUT = "States.HeartbeatTimeout"
    TIMEOUT = "States.Timeout"
    TASK_FAILED = "States.TaskFailed"
    PERMISSIONS = "States.Permissions"
    RESULT_PATH_MATCH_FAILURE = "States.ResultPathMatchFailure"
    PARAMETER_PATH_FAILURE = "States.ParameterPathFailure"
    BRANCH_FAILED = "States.BranchFailed"
    NO_CHOICE_MATCHED = "States.NoChoiceMatched"
    INTRINSIC_FAILURE = "States.IntrinsicFailure"
    EXCEED_TOLERATED_FAILURE_THRESHOLD = "States.ExceedToleratedFailureThreshold"
    ITEM_READER_FAILED = "States.ItemReaderFailed"
    RESULT_WRITER_FAILED = "States.ResultWriterFailed"
    RUNTIME = "States.Runtime"
    DATA_LIMIT_EXCEEDED = "States.DataLimitExceeded"
    QUERY_EVALUATION_ERROR = "States.QueryEvaluationError"


class StatesError(Exception):
    """An execution failure with a States error name and a cause (both as AWS reports them)."""

    def __init__(self, error: str, cause: str | None = None) -> None:
        super().__init__(f"{error}: {cause}")
        self.error = error
        self.cause = cause


class HeartbeatTimedOut(StatesError):
    """A Task that missed its ``HeartbeatSeconds``. AWS records it as ``States.Timeout``
    (https://docs.aws.amazon.com/step-functions/latest/dg/state-task.html: "If more time than the
    specified seconds elapses between heartbeats from the task, this state fails with a
    States.Timeout error name"; the SendTaskHeartbeat reference: "TaskTimedOut" / "ActivityTimedOut");
    a retrier or catcher may also name it ``States.HeartbeatTimeout``
    (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html: "only
    available inside the Catch and Retry fields")."""

    def __init__(self, cause: str | None = None) -> None:
        super().__init__(ErrorName.TIMEOUT, cause)


def required_fields_message(*names: str) -> str:
    """AWS's wording for missing fields, shared by the validator and the compiler's own guards."""
    return f"These fields are required: [{', '.join(names)}]"


class DefinitionError(Exception):
    """A definition problem at ``location`` (``/States/Foo/Next``); ``code`` is AWS's
    diagnostic code (``SCHEMA_VALIDATION_FAILED``, ``MISSING_TRANSITION_TARGET``, …)."""

    def __init__(self, code: str, message: str, location: str = "") -> None:
        super().__init__(f"{code}: {message} at {location}")
        self.code = code
        self.message = message
        self.location = location
