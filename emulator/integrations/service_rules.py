"""Requests a service refuses that the in-process backend (moto) accepts, and answers of the backend
that say something other than the service: corrected here for optimized and AWS SDK integrations
alike (``refused`` before the call, ``corrected`` on the error after it). Generic model constraints
(required members, lengths, patterns, enums) are ``request_validation.py``'s; these are the rules a
service states in its API reference beyond its model.

| service / operation          | moto                                | AWS                                               |
|------------------------------|-------------------------------------|---------------------------------------------------|
| SNS Publish, TopicArn not an | a Python unpacking error as message | ``InvalidParameter``: ``Invalid parameter:        |
| SNS topic ARN                |                                     | TopicArn``                                        |
| SNS Publish without a target | a Python error (the backend fails)  | ``InvalidParameter``: ``Invalid parameter: TopicArn|
|                              |                                     | or TargetArn Reason: no value for required        |
|                              |                                     | parameter``                                       |
| SNS Publish, empty Message   | accepted                            | ``InvalidParameter``: ``Invalid parameter: Empty  |
|                              |                                     | message``                                         |
| SNS Publish to a missing     | ``NotFound``: ``Endpoint does not   | ``NotFound``: ``Topic does not exist``            |
| topic                        | exist``                             |                                                   |
| DynamoDB PutItem/DeleteItem  | ``Return values set to invalid      | ``ReturnValues can only be ALL_OLD or NONE``      |
| ReturnValues ALL_NEW …       | value``                             |                                                   |
| JSON-protocol services       | some errors with other statuses     | the status the model gives the error, else 400    |
|                              | (Secrets Manager: 404)              |                                                   |
| SNS Publish, MessageStructure | accepted                           | ``InvalidParameter``: ``Invalid parameter: Message|
| json without a JSON object   |                                     | Structure - JSON message body failed to parse`` / |
| holding ``default``          |                                     | ``- No default entry in JSON message body``       |
| SNS / SQS message attribute  | accepted                            | ``ParameterValueInvalid`` (SNS) /                 |
| without its value            |                                     | ``InvalidParameterValue`` (SQS): ``The message    |
|                              |                                     | attribute '<a>' must contain non-empty message    |
|                              |                                     | attribute value for message attribute type …``    |
| SQS SendMessage, empty body  | accepted                            | ``MissingParameter``                              |
| DynamoDB expressions         | an undefined ``#name`` crashes      | ``Invalid <Field>Expression: An expression        |
| (#names, :values)            | (501); unused ones accepted         | attribute name used in the document path is not   |
|                              |                                     | defined …``; ``Value provided in                  |
|                              |                                     | ExpressionAttributeNames unused in expressions …``|
| DynamoDB answers             | ConsumedCapacity unasked; UpdateItem| ConsumedCapacity only when asked; UPDATED_* only  |
|                              | UPDATED_* with every attribute      | the attributes the update names                   |
| DynamoDB empty key value     | "An AttributeValue may not contain  | "The AttributeValue for a key attribute cannot    |
|                              | an empty string"                    | contain an empty string value"                    |
| SQS SendMessage to a FIFO    | no ``SequenceNumber``               | ``SequenceNumber`` (increasing per queue)         |
| queue                        |                                     |                                                   |
| Secrets Manager CreateSecret | any name                            | ``ValidationException`` for names outside         |
|                              |                                     | ``[A-Za-z0-9/_+=.@-]``                            |
| IAM NoSuchEntity             | ``Role x not found`` / ``Group x not | ``The role with name x cannot be found.`` / group  |
|                              | found`` / ``Policy <arn> not found``| likewise / ``Policy <arn> was not found.``        |
| SQS GetQueueAttributes       | ``CreatedTimestamp`` with a fraction| whole epoch seconds                               |
| EC2 InvalidVpcID.NotFound    | ``VpcID {'vpc-1'} does not exist.`` | ``The vpc ID 'vpc-1' does not exist``             |

Pages: SQS SendMessage
https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
(SequenceNumber: "This parameter applies only to FIFO (first-in-first-out) queues"), SNS Publish
https://docs.aws.amazon.com/sns/latest/api/API_Publish.html (Message: "must not be empty"; errors
InvalidParameter, NotFound), DynamoDB PutItem
https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html#DDB-PutItem-request-ReturnValues
("The ReturnValues parameter is used by several DynamoDB operations; however, PutItem does not
recognize any values other than NONE or ALL_OLD"), Secrets Manager CreateSecret
https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html (Name).
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from emulator.integrations.clients import ServiceError

_TOPIC_ARN = re.compile(r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$")
_SECRET_NAME = re.compile(r"[A-Za-z0-9/_+=.@-]{1,512}")
_WRITE_RETURN_VALUES = ("NONE", "ALL_OLD")

Check = Callable[[Mapping[str, Any]], ServiceError | None]


def _error(service: str, code: str, message: str, shape: str | None, status: int = 400) -> ServiceError:
    return ServiceError(service, code, message, status, str(uuid.uuid4()), shape)


def _sns_publish(request: Mapping[str, Any]) -> ServiceError | None:
    if not any(request.get(member) for member in ("TopicArn", "TargetArn", "PhoneNumber")):
        return _error(
            "sns",
            "InvalidParameter",
            "Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter",
            "InvalidParameterException",
        )
    for member in ("TopicArn", "TargetArn"):
        arn = request.get(member)
        if isinstance(arn, str) and member == "TopicArn" and not _TOPIC_ARN.match(arn):
            return _error(
                "sns", "InvalidParameter", f"Invalid parameter: {member}", "InvalidParameterException"
            )
    message = request.get("Message")
    if message == "":
        return _error(
            "sns", "InvalidParameter", "Invalid parameter: Empty message", "InvalidParameterException"
        )
    if request.get("MessageStructure") == "json" and isinstance(message, str):
        try:
            structured = json.loads(message)
        except ValueError:
            structured = None
            problem = "JSON message body failed to parse"
        else:
            problem = "No default entry in JSON message body"
        if not isinstance(structured, dict) or "default" not in structured:
            return _error(
                "sns",
                "InvalidParameter",
                f"Invalid parameter: Message Structure - {problem}",
                "InvalidParameterException",
            )
    empty = _empty_attribute(request.get("MessageAttributes"))
    if empty is not None:
        return _error("sns", "ParameterValueInvalid", empty, "InvalidParameterValueException")
    return None


def _empty_attribute(attributes: Any) -> str | None:
    """SNS's and SQS's text for a message attribute of a type whose value is missing or empty."""
    if not isinstance(attributes, dict):
        return None
    for name, attribute in attributes.items():
        if not isinstance(attribute, dict):
            continue
        kind = str(attribute.get("DataType") or "")
        value = attribute.get("BinaryValue") if kind.startswith("Binary") else attribute.get("StringValue")
        if kind.startswith(("String", "Number", "Binary")) and value in (None, "", b""):
            return (
                f"The message attribute '{name}' must contain non-empty message attribute value for message "
                f"attribute type '{kind.split('.')[0]}'."
            )
    return None


def _sqs_send_message(request: Mapping[str, Any]) -> ServiceError | None:
    if request.get("MessageBody") == "":
        return _error("sqs", "MissingParameter", "The request must contain the parameter MessageBody.", None)
    empty = _empty_attribute(request.get("MessageAttributes"))
    if empty is not None:
        return _error("sqs", "InvalidParameterValue", empty, None)
    return None


def _dynamodb_write(request: Mapping[str, Any]) -> ServiceError | None:
    value = request.get("ReturnValues")
    if (
        isinstance(value, str)
        and value not in _WRITE_RETURN_VALUES
        and value
        in (
            "ALL_NEW",
            "UPDATED_OLD",
            "UPDATED_NEW",
        )
    ):
        return _error("dynamodb", "ValidationException", "ReturnValues can only be ALL_OLD or NONE", None)
    return None


def _secret_name(request: Mapping[str, Any]) -> ServiceError | None:
    name = request.get("Name")
    if isinstance(name, str) and not _SECRET_NAME.fullmatch(name):
        return _error(
            "secretsmanager",
            "ValidationException",
            "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: "
            "-/_+=.@!",
            None,
        )
    return None


_CHECKS: dict[tuple[str, str], Check] = {
    ("sns", "Publish"): _sns_publish,
    ("sqs", "SendMessage"): _sqs_send_message,
    ("dynamodb", "PutItem"): lambda request: _dynamodb_item_write(request),
    ("dynamodb", "DeleteItem"): lambda request: _dynamodb_item_write(request),
    ("dynamodb", "UpdateItem"): lambda request: _dynamodb_expressions(request),
    ("dynamodb", "GetItem"): lambda request: _dynamodb_expressions(request),
    ("dynamodb", "Query"): lambda request: _dynamodb_expressions(request),
    ("dynamodb", "Scan"): lambda request: _dynamodb_expressions(request),
    ("secretsmanager", "CreateSecret"): _secret_name,
}


def refused(service: str, operation: str, request: Mapping[str, Any]) -> ServiceError | None:
    """The service's error for a request it refuses that the backend would accept, or None."""
    check = _CHECKS.get((service, operation))
    return check(request) if check is not None else None


def corrected(service: str, operation: str, error: ServiceError) -> ServiceError:
    """The backend's error in the service's words."""
    missing = error.code == "NotFound" and error.message == "Endpoint does not exist"
    if service == "sns" and operation == "Publish" and missing:
        error.message = "Topic does not exist"
    empty_key = (
        "One or more parameter values were invalid: An AttributeValue may not contain an empty string. Key: "
    )
    if service == "dynamodb" and error.message.startswith(empty_key):
        error.message = (
            "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain "
            f"an empty string value. Key: {error.message[len(empty_key) :]}"
        )
    if service == "iam" and error.code == "NoSuchEntity":
        for pattern, text in _IAM_NOT_FOUND:
            found = pattern.fullmatch(error.message)
            if found is not None:
                error.message = text.format(found.group(1))
                break
    if service == "ec2" and error.code == "InvalidVpcID.NotFound":
        found = _EC2_VPC_IDS.search(error.message)
        if found is not None:  # moto writes the ids as a Python set
            error.message = f"The vpc ID '{found.group(1)}' does not exist"
    if error.reachable and 400 <= error.status < 500:
        error.status = _json_protocol_status(service, error)
    return error


# IAM's NoSuchEntity (HTTP 404) in the service's words, as the AWS CLI shows them ("An error occurred
# (NoSuchEntity) when calling the GetRole operation: The role with name x cannot be found.", "… GetPolicy
# operation: Policy arn:aws:iam::…:policy/x was not found."); the backend writes "Role x not found".
_IAM_NOT_FOUND = (
    (re.compile(r"Role (.+) not found"), "The role with name {} cannot be found."),
    (re.compile(r"Group (.+) not found"), "The group with name {} cannot be found."),
    (re.compile(r"Policy (arn:\S+) not found"), "Policy {} was not found."),
)


# EC2's "Error codes for the Amazon EC2 API" (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/
# errors-overview.html): InvalidVpcID.NotFound, "The specified VPC does not exist"; its message names
# the id: "The vpc ID 'vpc-…' does not exist".
_EC2_VPC_IDS = re.compile(r"VpcID \{?'?([^'}, ]+)")


def _json_protocol_status(service: str, error: ServiceError) -> int:
    """A JSON-protocol service (``awsJson1_0`` / ``awsJson1_1``: DynamoDB, Secrets Manager, SQS, Step
    Functions …) answers a client error with the status its model gives the error, 400 when it gives
    none (every error of Secrets Manager's API reference is "HTTP Status Code: 400")."""
    from emulator.integrations.result_shapes import service_model

    model = service_model(service)
    if model is None or model.metadata.get("protocol") != "json":
        return error.status
    for shape in model.error_shapes:
        if shape.name == error.error_shape:
            return int(shape.metadata.get("error", {}).get("httpStatusCode", 400))
    return 400


_FIRST_SEQUENCE = 18_000_000_000_000_000_000  # 20 digits, as SQS sends them
_sequences: dict[str, int] = {}


def corrected_output(
    service: str, operation: str, request: Mapping[str, Any], output: dict[str, Any]
) -> None:
    """The service's answer where the backend's differs (in place)."""
    if service == "dynamodb":
        _dynamodb_output(operation, request, output)
    if service == "sqs" and operation == "GetQueueAttributes":
        _sqs_whole_seconds(output.get("Attributes"))
    if service == "sqs" and operation == "SendMessage" and "SequenceNumber" not in output:
        url = request.get("QueueUrl")
        if isinstance(url, str) and url.endswith(".fifo") and "MessageId" in output:
            count = _sequences[url] = _sequences.get(url, 0) + 1
            output["SequenceNumber"] = str(_FIRST_SEQUENCE + count * 65_536)


# SQS GetQueueAttributes (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/
# API_GetQueueAttributes.html): CreatedTimestamp / LastModifiedTimestamp are "the time when the queue
# was created / last changed in seconds (epoch time)", whole seconds; the backend writes a fraction.
_SQS_SECONDS = ("CreatedTimestamp", "LastModifiedTimestamp")


def _sqs_whole_seconds(attributes: Any) -> None:
    if not isinstance(attributes, dict):
        return
    for name in _SQS_SECONDS:
        value = attributes.get(name)
        if isinstance(value, str) and "." in value:
            whole = value.split(".", 1)[0]
            if whole.isdigit():
                attributes[name] = whole


# --- DynamoDB expressions ---------------------------------------------------------------------------
# "Specifying item attributes when using expressions" / "Expression attribute names" / "values"
# (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ExpressionAttributeNames.html,
# Expressions.ExpressionAttributeValues.html): a placeholder an expression uses must be defined, and a
# defined one must be used.
_EXPRESSIONS = (
    "KeyConditionExpression",
    "UpdateExpression",
    "ConditionExpression",
    "FilterExpression",
    "ProjectionExpression",
)
_NAME = re.compile(r"#[A-Za-z0-9_]+")
_VALUE = re.compile(r":[A-Za-z0-9_]+")
_UPDATE_ACTION = re.compile(r"\b(SET|REMOVE|ADD|DELETE)\b", re.IGNORECASE)


def _dynamodb_expressions(request: Mapping[str, Any]) -> ServiceError | None:
    names = request.get("ExpressionAttributeNames")
    values = request.get("ExpressionAttributeValues")
    defined_names = set(names) if isinstance(names, dict) else set()
    defined_values = set(values) if isinstance(values, dict) else set()
    used_names: set[str] = set()
    used_values: set[str] = set()
    for field in _EXPRESSIONS:
        expression = request.get(field)
        if not isinstance(expression, str):
            continue
        for name in _NAME.findall(expression):
            if name not in defined_names:
                return _validation(
                    f"Invalid {field}: An expression attribute name used in the document path is not defined; "
                    f"attribute name: {name}"
                )
            used_names.add(name)
        for value in _VALUE.findall(expression):
            if value not in defined_values:
                return _validation(
                    f"Invalid {field}: An expression attribute value used in expression is not defined; "
                    f"attribute value: {value}"
                )
            used_values.add(value)
    if isinstance(names, dict) and set(names) - used_names:
        unused = ", ".join(sorted(set(names) - used_names))
        return _validation(
            f"Value provided in ExpressionAttributeNames unused in expressions: keys: {{{unused}}}"
        )
    if isinstance(values, dict) and set(values) - used_values:
        unused = ", ".join(sorted(set(values) - used_values))
        return _validation(
            f"Value provided in ExpressionAttributeValues unused in expressions: keys: {{{unused}}}"
        )
    return None


def _validation(message: str) -> ServiceError:
    return _error("dynamodb", "ValidationException", message, None)


def _dynamodb_item_write(request: Mapping[str, Any]) -> ServiceError | None:
    return _dynamodb_write(request) or _dynamodb_expressions(request)


def updated_attributes(request: Mapping[str, Any]) -> set[str]:
    """The top-level attributes an UpdateExpression's actions name (placeholders resolved)."""
    expression = request.get("UpdateExpression")
    names = request.get("ExpressionAttributeNames") or {}
    if not isinstance(expression, str):
        return set(str(key) for key in (request.get("AttributeUpdates") or {}))
    found: set[str] = set()
    parts = _UPDATE_ACTION.split(expression)
    for action, clause in zip(parts[1::2], parts[2::2], strict=False):
        for item in _top_level_split(clause):
            target = item.split("=", 1)[0] if action.upper() == "SET" else item.strip().split(" ", 1)[0]
            path = target.strip()
            first = re.split(r"[.\[]", path, maxsplit=1)[0]
            if first:
                found.add(str(names.get(first, first)) if isinstance(names, dict) else first)
    return found


def _top_level_split(clause: str) -> list[str]:
    items, depth, current = [], 0, ""
    for character in clause:
        if character == "(":
            depth += 1
        elif character == ")":
            depth -= 1
        if character == "," and depth == 0:
            items.append(current)
            current = ""
        else:
            current += character
    if current.strip():
        items.append(current)
    return items


def _dynamodb_output(operation: str, request: Mapping[str, Any], output: dict[str, Any]) -> None:
    """ConsumedCapacity only when asked for (ReturnConsumedCapacity INDEXES / TOTAL); UpdateItem's
    UPDATED_NEW / UPDATED_OLD hold only the attributes the update names
    (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html#DDB-UpdateItem-request-ReturnValues)."""
    if request.get("ReturnConsumedCapacity") not in ("INDEXES", "TOTAL"):
        output.pop("ConsumedCapacity", None)
    attributes = output.get("Attributes")
    updated = request.get("ReturnValues") in ("UPDATED_NEW", "UPDATED_OLD")
    if operation == "UpdateItem" and updated and isinstance(attributes, dict):
        named = updated_attributes(request)
        kept = {key: value for key, value in attributes.items() if key in named}
        if kept:
            output["Attributes"] = kept
        else:
            output.pop("Attributes", None)
