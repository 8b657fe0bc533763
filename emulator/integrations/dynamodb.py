"""Amazon DynamoDB optimized integration (``arn:aws:states:::dynamodb:<action>``).

| action     | parameters                                                                           |
|------------|--------------------------------------------------------------------------------------|
| getItem    | TableName, Key, AttributesToGet, ConsistentRead, ExpressionAttributeNames,           |
|            | ProjectionExpression, ReturnConsumedCapacity                                         |
| putItem    | TableName, Item, ConditionExpression, ConditionalOperator, Expected,                 |
|            | ExpressionAttributeNames, ExpressionAttributeValues, ReturnConsumedCapacity,         |
|            | ReturnItemCollectionMetrics, ReturnValues                                            |
| updateItem | TableName, Key, UpdateExpression, ConditionExpression, AttributeUpdates, Expected,   |
|            | ConditionalOperator, ExpressionAttributeNames, ExpressionAttributeValues,            |
|            | ReturnConsumedCapacity, ReturnItemCollectionMetrics, ReturnValues                    |
| deleteItem | TableName, Key, ConditionExpression, ConditionalOperator, Expected,                  |
|            | ExpressionAttributeNames, ExpressionAttributeValues, ReturnConsumedCapacity,         |
|            | ReturnItemCollectionMetrics, ReturnValues                                            |

Patterns: request-response, ``.waitForTaskToken``. Outputs keep DynamoDB's typed attribute values
(``{"S": "…"}``) and carry the SDK HTTP metadata. Requests DynamoDB rejects before looking at a table
(a null member, a table name outside ``[a-zA-Z0-9_.-]+``) fail with its ``ValidationException`` text.
"""

from __future__ import annotations

import base64
import json
import re
import zlib
from typing import Any

from emulator.integrations.aws_sdk import blob_parameter
from emulator.integrations.clients import AwsClients, ServiceResponse, json_safe
from emulator.integrations.registry import TaskInvocation
from emulator.integrations.service_task import (
    JSON_1_0,
    Action,
    OptimizedIntegration,
    ServiceLabels,
    validation_error,
    with_http_metadata,
)
from emulator.model.types import Json

LABELS = ServiceLabels("DynamoDB", "AmazonDynamoDBv2", "AmazonDynamoDBException")
_TABLE_NAME = re.compile(r"[a-zA-Z0-9_.-]+")
_COMMON = ("ExpressionAttributeNames", "ReturnConsumedCapacity")
_WRITE = (
    "ConditionExpression",
    "ConditionalOperator",
    "Expected",
    "ExpressionAttributeValues",
    "ReturnItemCollectionMetrics",
    "ReturnValues",
    *_COMMON,
)


# Binary attribute values (``B``, ``BS``) are base64 text in DynamoDB's JSON, as its AttributeValue
# reference writes them ("B: An attribute of type Binary … Type: Base64-encoded binary data object",
# https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_AttributeValue.html): a Task's text
# is the bytes it encodes, an answer's bytes are written back as base64 (the same rule as aws_sdk.py).
_ATTRIBUTE_MAPS = ("Item", "Key", "ExpressionAttributeValues", "Attributes")


def _attribute(value: Any, decode: bool) -> Any:
    if not isinstance(value, dict):
        return value
    result = dict(value)
    if "B" in result:
        result["B"] = _binary(result["B"], decode)
    if isinstance(result.get("BS"), list):
        result["BS"] = [_binary(item, decode) for item in result["BS"]]
    if isinstance(result.get("M"), dict):
        result["M"] = {key: _attribute(item, decode) for key, item in result["M"].items()}
    if isinstance(result.get("L"), list):
        result["L"] = [_attribute(item, decode) for item in result["L"]]
    return result


def _binary(value: Any, decode: bool) -> Any:
    if decode and isinstance(value, str):
        return blob_parameter(value)
    if not decode and isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode()
    return value


def _binary_attributes(document: dict[str, Any], decode: bool) -> dict[str, Any]:
    """``document`` with the binary values of its attribute maps decoded (request) or encoded (answer)."""
    result = dict(document)
    for name in _ATTRIBUTE_MAPS:
        attributes = result.get(name)
        if isinstance(attributes, dict):
            result[name] = {key: _attribute(item, decode) for key, item in attributes.items()}
    return result


def _requested(parameters: dict[str, Any]) -> dict[str, Any]:
    return _binary_attributes(parameters, decode=True)


def _normalise(response: ServiceResponse) -> Json:
    output = json_safe(_binary_attributes(response.output, decode=False))
    assert isinstance(output, dict)
    body = json.dumps(output, separators=(",", ":"), ensure_ascii=False).encode("utf-8", "replace")
    return with_http_metadata(output, JSON_1_0, len(body), {"x-amz-crc32": str(zlib.crc32(body))})


ACTIONS = {
    "getItem": Action(
        "GetItem",
        ("TableName", "Key", "AttributesToGet", "ConsistentRead", "ProjectionExpression", *_COMMON),
        shape=_requested,
        normalise=_normalise,
    ),
    "putItem": Action("PutItem", ("TableName", "Item", *_WRITE), shape=_requested, normalise=_normalise),
    "updateItem": Action(
        "UpdateItem",
        ("TableName", "Key", "UpdateExpression", "AttributeUpdates", *_WRITE),
        shape=_requested,
        normalise=_normalise,
    ),
    "deleteItem": Action("DeleteItem", ("TableName", "Key", *_WRITE), shape=_requested, normalise=_normalise),
}
_REQUIRED = {"getItem": ("Key",), "putItem": ("Item",), "updateItem": ("Key",), "deleteItem": ("Key",)}


def request_problems(action: str, parameters: dict[str, Any]) -> list[str]:
    """DynamoDB's own request validation, in its wording (member names in camelCase)."""
    problems = []
    table = parameters.get("TableName")
    if table is None:
        problems.append("Value null at 'tableName' failed to satisfy constraint: Member must not be null")
    elif isinstance(table, str):
        if not _TABLE_NAME.fullmatch(table):
            problems.append(
                f"Value '{table}' at 'tableName' failed to satisfy constraint: Member must satisfy "
                "regular expression pattern: [a-zA-Z0-9_.-]+"
            )
        if not 3 <= len(table) <= 255:
            problems.append(
                f"Value '{table}' at 'tableName' failed to satisfy constraint: Member must have "
                "length greater than or equal to 3"
                if len(table) < 3
                else f"Value '{table}' at 'tableName' failed to satisfy constraint: Member must have "
                "length less than or equal to 255"
            )
    for member in _REQUIRED.get(action, ()):
        if parameters.get(member) is None:
            name = member[:1].lower() + member[1:]
            problems.append(f"Value null at '{name}' failed to satisfy constraint: Member must not be null")
    return problems


class DynamoDbIntegration(OptimizedIntegration):
    def __init__(self, clients: AwsClients) -> None:
        super().__init__(clients, "dynamodb", LABELS, ACTIONS)

    async def invoke(self, invocation: TaskInvocation) -> Json:
        parameters = invocation.parameters if isinstance(invocation.parameters, dict) else {}
        problems = request_problems(invocation.resource.action, parameters)
        if problems:
            count = len(problems)
            message = f"{count} validation error{'s' if count > 1 else ''} detected: " + "; ".join(problems)
            raise self.failure(validation_error("dynamodb", message))
        return await super().invoke(invocation)
