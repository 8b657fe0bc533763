"""API errors: one class per AWS ``__type``, each carrying the exact code and HTTP status.

Raised anywhere in ``service/`` and ``server/``; ``server/error_responses.py`` is the only
place that turns them into HTTP responses.
"""

from __future__ import annotations


class ApiError(Exception):
    """An error answered to the client as ``{"__type": code, "message": message}``, plus the members
    the error's shape has beside ``message`` (``fields``): ``resourceName`` of ResourceNotFound and
    TooManyTags, ``reason`` of ValidationException (botocore's ``stepfunctions`` model)."""

    code: str = "InternalFailure"
    status: int = 400

    def __init__(self, message: str = "", **fields: str) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields


def _error(code: str, status: int = 400) -> type[ApiError]:
    return type(code, (ApiError,), {"code": code, "status": status, "__doc__": f"AWS error {code}."})


# Protocol-level errors
UnknownOperationException = _error("UnknownOperationException")
SerializationException = _error("SerializationException")
ValidationException = _error("ValidationException")
InternalFailure = _error("InternalFailure", 500)
UnsupportedOperation = _error("UnsupportedOperation")
MissingAuthenticationToken = _error("MissingAuthenticationTokenException", 403)
# The emulator's own front door (server/browser_guard.py, server/protocol.py): the names AWS services
# use for these HTTP statuses.
AccessDeniedException = _error("AccessDeniedException", 403)
RequestEntityTooLargeException = _error("RequestEntityTooLargeException", 413)
UnsupportedMediaTypeException = _error("UnsupportedMediaTypeException", 415)

# ValidationException's ``reason`` (the model's ValidationExceptionReason enum)
LABELED_ARN_NOT_SUPPORTED = "API_DOES_NOT_SUPPORT_LABELED_ARNS"
MISSING_REQUIRED_PARAMETER = "MISSING_REQUIRED_PARAMETER"
CANNOT_UPDATE_COMPLETED_MAP_RUN = "CANNOT_UPDATE_COMPLETED_MAP_RUN"
INVALID_ROUTING_CONFIGURATION = "INVALID_ROUTING_CONFIGURATION"

# Step Functions errors (botocore's stepfunctions model)
ActivityAlreadyExists = _error("ActivityAlreadyExists")
ActivityDoesNotExist = _error("ActivityDoesNotExist")
ActivityLimitExceeded = _error("ActivityLimitExceeded")
ActivityWorkerLimitExceeded = _error("ActivityWorkerLimitExceeded")
ConflictException = _error("ConflictException")
ExecutionAlreadyExists = _error("ExecutionAlreadyExists")
ExecutionDoesNotExist = _error("ExecutionDoesNotExist")
ExecutionLimitExceeded = _error("ExecutionLimitExceeded")
ExecutionNotRedrivable = _error("ExecutionNotRedrivable")
InvalidArn = _error("InvalidArn")
InvalidDefinition = _error("InvalidDefinition")
InvalidEncryptionConfiguration = _error("InvalidEncryptionConfiguration")
InvalidExecutionInput = _error("InvalidExecutionInput")
InvalidLoggingConfiguration = _error("InvalidLoggingConfiguration")
InvalidName = _error("InvalidName")
InvalidOutput = _error("InvalidOutput")
InvalidToken = _error("InvalidToken")
InvalidTracingConfiguration = _error("InvalidTracingConfiguration")
MissingRequiredParameter = _error("MissingRequiredParameter")
ResourceNotFound = _error("ResourceNotFound")
ServiceQuotaExceededException = _error("ServiceQuotaExceededException")
StateMachineAlreadyExists = _error("StateMachineAlreadyExists")
StateMachineDeleting = _error("StateMachineDeleting")
StateMachineDoesNotExist = _error("StateMachineDoesNotExist")
StateMachineLimitExceeded = _error("StateMachineLimitExceeded")
StateMachineTypeNotSupported = _error("StateMachineTypeNotSupported")
TaskDoesNotExist = _error("TaskDoesNotExist")
TaskTimedOut = _error("TaskTimedOut")
TooManyTags = _error("TooManyTags")
