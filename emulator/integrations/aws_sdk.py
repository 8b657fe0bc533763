"""AWS SDK integrations: ``arn:aws:states:::aws-sdk:<service>:<action>`` for any service and action
botocore knows, served through the client seam (moto in process, or the configured endpoint).

| piece      | rule                                                                                     |
|------------|------------------------------------------------------------------------------------------|
| service    | the AWS SDK for Java v2 name (``sfn``, ``eventbridge``, ``cloudwatchlogs``, ``s3`` …),   |
|            | mapped to botocore's (``stepfunctions``, ``events``, ``logs``)                          |
| action     | camelCase (``listObjectsV2``) → botocore's operation (``ListObjectsV2``)                |
| parameters | PascalCase member names (``StateMachineArn``) matched to the model's casing; a blob      |
|            | member given a non-string value is sent as its JSON text                                  |
| output     | member names in PascalCase, timestamps as ISO-8601 text, blobs as text                     |
| errors     | ``<Service>.<Exception>`` (``S3.NoSuchKeyException``, ``DynamoDb.…``), unmodelled codes  |
|            | ``<Service>.<Service>Exception``; cause in the SDK v2 form                                 |

Patterns: request-response and ``.waitForTaskToken``. An action the backend lacks fails the task with
``<Service>.<Service>Exception`` naming the missing operation.
"""

from __future__ import annotations

import functools
import json
import re
import uuid
from typing import Any

from emulator.integrations import service_rules
from emulator.integrations.clients import AwsClients, ServiceError, json_safe
from emulator.integrations.registry import TaskInvocation
from emulator.integrations.request_validation import check_call
from emulator.integrations.service_task import json_text
from emulator.language.errors import StatesError
from emulator.model.types import Json

# AWS SDK for Java v2 client names whose botocore name differs beyond dashes.
SERVICE_NAMES = {
    "sfn": "stepfunctions",
    "eventbridge": "events",
    "cloudwatchlogs": "logs",
    "cloudwatchevents": "events",
    "elasticloadbalancingv2": "elbv2",
    "elasticloadbalancing": "elb",
    "cognitoidentityprovider": "cognito-idp",
    "databasemigration": "dms",
    "costexplorer": "ce",
    "configservice": "config",
    "applicationautoscaling": "application-autoscaling",
    "emrcontainers": "emr-containers",
    "emr": "emr",
    "sesv2": "sesv2",
    "ses": "ses",
}
# How the AWS SDK for Java v2 turns a model's serviceId into its client name (``DynamoDB`` ->
# ``DynamoDb``, ``SESv2`` -> ``SesV2``, ``IoT`` -> ``Iot``, ``Config Service`` -> ``Config``): the
# word-boundary rules of its code generator, each word capitalised, a trailing "Service" dropped.
_WORD_BOUNDARIES = (
    (re.compile(r"[^A-Za-z0-9]+"), " "),
    (re.compile(r"([^a-z]{2,})v([0-9]+)"), r"\1 v\2 "),
    (re.compile(r"([^A-Z]{2,})V([0-9]+)"), r"\1 V\2 "),
    (re.compile(r"(?<=[a-z])(?=[A-Z]([a-zA-Z]|[0-9]))"), " "),
    (re.compile(r"([A-Z]+)([A-Z][a-z])"), r"\1 \2"),
    (re.compile(r"([0-9])([a-zA-Z])"), r"\1 \2"),
)


def botocore_service(sdk_name: str) -> str:
    """botocore's name of the service an ``aws-sdk:<name>`` resource names: the table above, else
    the botocore service whose name without dashes it is (``acmpca`` -> ``acm-pca``)."""
    named = SERVICE_NAMES.get(sdk_name)
    if named is not None:
        return named
    return _dashless_services().get(sdk_name.lower(), sdk_name)


@functools.lru_cache(maxsize=1)
def _dashless_services() -> dict[str, str]:
    import botocore.session

    names = botocore.session.get_session().get_available_services()
    return {name.replace("-", "").lower(): name for name in names}


def error_prefix(service_id: str) -> str:
    """The SDK v2 client name from a model's ``serviceId`` (``DynamoDB`` → ``DynamoDb``, ``SFN`` → ``Sfn``)."""
    name = _java_pascal(service_id)
    for leading in ("Amazon", "Aws"):
        if name.startswith(leading) and len(name) > len(leading):
            name = name[len(leading) :]
    if name.endswith("Service") and len(name) > len("Service"):
        name = name[: -len("Service")]
    return name or service_id


def _java_pascal(text: str) -> str:
    for boundary, replacement in _WORD_BOUNDARIES:
        text = boundary.sub(replacement, text)
    return "".join(word[:1].upper() + word[1:].lower() for word in text.split())


def exception_name(shape: str) -> str:
    """The AWS SDK for Java v2 exception class of a modelled error shape, which names the error: a
    "Fault" suffix becomes "Exception", "Exception" is added where missing, and the words are cased as
    in client names (``NoSuchKey`` -> ``NoSuchKeyException``, ``DBInstanceNotFoundFault`` ->
    ``DbInstanceNotFoundException``, ``KMSAccessDeniedException`` -> ``KmsAccessDeniedException``,
    ``EFSIOException`` -> ``EfsioException``)."""
    if shape.endswith("Fault") and len(shape) > len("Fault"):
        shape = shape[: -len("Fault")]
    name = _java_pascal(shape)
    return name if name.endswith("Exception") else name + "Exception"


class AwsSdkIntegration:
    """One integration for every ``aws-sdk:*`` resource type."""

    def __init__(self, clients: AwsClients) -> None:
        self.clients = clients
        self._models: dict[str, Any] = {}
        # The Lambda integration (aws_lambda.LambdaIntegration), so that ``lambda:invoke`` reaches
        # local handlers as the optimized integration does; the composition root sets it.
        self.functions: Any = None

    async def _local_invoke(self, invocation: TaskInvocation, request: dict[str, Any]) -> Json | None:
        """Lambda's Invoke answer for a function a local handler serves (None: not a local one)."""
        name = request.get("FunctionName")
        region = invocation.resource.region or invocation.region
        if self.functions is None or not isinstance(name, str):
            return None
        if not self.functions.is_local(name, region, invocation.account):
            return None
        invocation_type = str(request.get("InvocationType") or "RequestResponse")
        tail = request.get("LogType") == "Tail" and invocation_type == "RequestResponse"
        payload = request.get("Payload")
        text = payload.decode() if isinstance(payload, bytes) else str(payload or "")
        qualifier = request.get("Qualifier")
        reply, version = await self.functions.invoke_local(
            invocation, name, text, invocation_type, tail, qualifier if isinstance(qualifier, str) else None
        )
        output: dict[str, Json] = {"StatusCode": {"Event": 202, "DryRun": 204}.get(invocation_type, 200)}
        if reply.function_error:
            output["FunctionError"] = "Unhandled"
        if tail:
            from emulator.integrations.aws_lambda import log_result

            output["LogResult"] = log_result(reply.log or "")
        output["ExecutedVersion"] = version
        output["Payload"] = reply.body
        return output

    async def _lambda_invoke(
        self, invocation: TaskInvocation, request: dict[str, Any]
    ) -> tuple[Json | None, dict[str, Any], Any]:
        """Lambda's Invoke: what Lambda refuses before running anything (``ServiceError``), a local
        function's answer, else the request for the backend and the function it names."""
        from emulator.integrations.aws_lambda import backend_request, service_refusal

        payload = request.get("Payload")
        text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else str(payload or "")
        qualifier = request.get("Qualifier")
        refused = service_refusal(
            str(request.get("FunctionName", "")),
            qualifier if isinstance(qualifier, str) else None,
            text,
            str(request.get("InvocationType") or "RequestResponse"),
        )
        if refused is not None:
            raise refused
        local = await self._local_invoke(invocation, request)
        if local is not None:
            return local, request, None
        region = invocation.resource.region or invocation.region
        backend, function = backend_request(request, region, invocation.account)
        return None, backend, function

    async def invoke(self, invocation: TaskInvocation) -> Json:
        resource = invocation.resource
        sdk_name = resource.resource_type.removeprefix("aws-sdk:")
        service = botocore_service(sdk_name)
        model = await self._model(service)
        if model is None:
            raise StatesError(
                f"{sdk_name[:1].upper()}{sdk_name[1:]}.SdkClientException",
                f"The service '{sdk_name}' of resource '{resource.arn}' is not known to this emulator.",
            )
        prefix = error_prefix(model.metadata.get("serviceId", sdk_name))
        operation = find_operation(model, resource.action)
        if operation is None:
            raise StatesError(
                f"{prefix}.{prefix}Exception",
                f"The action '{resource.action}' is not an operation of {sdk_name}.",
            )
        parameters = invocation.parameters if isinstance(invocation.parameters, dict) else {}
        request = _to_model(parameters, operation.input_shape)
        if service == "s3":
            _s3_request_defaults(operation.name, request)
        rejected = service_rules.refused(service, operation.name, request)
        if rejected is None:
            rejected = check_call(model, service, operation.name, request)
        if rejected is not None:
            raise sdk_failure(prefix, rejected, service)
        function = None  # Lambda's Invoke: the function the request names
        if service == "lambda" and operation.name == "Invoke":
            try:
                local, request, function = await self._lambda_invoke(invocation, request)
            except ServiceError as error:
                raise sdk_failure(prefix, error, service) from None
            if local is not None:
                return local
        try:
            response = await self.clients.call(
                service,
                operation.name,
                request,
                account=invocation.account,
                region=resource.region or invocation.region,
            )
        except ServiceError as error:
            if function is not None and error.code == "ResourceNotFoundException":
                from emulator.integrations.aws_lambda import not_found

                # the ARN Lambda looked for, qualifier included, in Lambda's words
                error = not_found(function, error.request_id)
            corrected = service_rules.corrected(service, operation.name, error)
            if service == "s3":
                _s3_head_not_found(operation.name, corrected)
            raise sdk_failure(prefix, corrected, service) from None
        service_rules.corrected_output(service, operation.name, request, response.output)
        body = response.output.get("Body")
        if service == "s3" and isinstance(body, bytes | bytearray):
            # the object's content as the Java SDK's UTF-8 string (an undecodable byte becomes U+FFFD)
            response.output["Body"] = bytes(body).decode("utf-8", "replace")
        output = json_safe(_from_model(response.output, operation.output_shape))
        if service == "s3" and isinstance(output, dict) and operation.name in _S3_OBJECT_OPERATIONS:
            _s3_object_defaults(output, operation.name, request)
        if (
            service == "s3"
            and isinstance(output, dict)
            and operation.name in ("ListObjectsV2", "ListObjects")
        ):
            _s3_listing_defaults(output, request)
        if service == "dynamodb" and isinstance(output, dict) and "ReturnConsumedCapacity" not in request:
            output.pop("ConsumedCapacity", None)  # reported only when asked for
        return output

    async def _model(self, service: str) -> Any:
        if service not in self._models:
            self._models[service] = await self.clients.service_model(service)
        return self._models[service]


def sdk_failure(prefix: str, error: ServiceError, service: str) -> StatesError:
    if not error.reachable:
        return StatesError(f"{prefix}.SdkClientException", error.message)
    if error.status == 501 and error.code == "NotImplemented":
        return StatesError(
            f"{prefix}.{prefix}Exception",
            f"{error.message} (the emulator's local {service} backend lacks this action)",
        )
    exception = exception_name(error.error_shape) if error.error_shape else f"{prefix}Exception"
    details = (
        f"Service: {prefix}, Status Code: {error.status}, Request ID: {error.request_id or uuid.uuid4()}"
    )
    if service == "s3":
        details += f", Extended Request ID: {error.extended_request_id or uuid.uuid4().hex}"
    return StatesError(f"{prefix}.{exception}", f"{error.message} ({details}) (SDK Attempt Count: 1)")


_S3_OBJECT_OPERATIONS = {"PutObject", "GetObject", "HeadObject", "CopyObject", "CompleteMultipartUpload"}


# S3 answers an object's checksums to a read only when asked (``ChecksumMode: ENABLED``):
# https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html#API_GetObject_RequestSyntax
_S3_CHECKSUM_ON_REQUEST = {"GetObject", "HeadObject"}
# Step Functions sends an S3 object body as text (RequestBody.fromString), whatever JSON value it is.
S3_TEXT_CONTENT_TYPE = "text/plain; charset=UTF-8"


def _s3_object_defaults(output: dict[str, Json], operation: str, request: dict[str, Any]) -> None:
    """S3 encrypts every object (SSE-S3) and reports full-object checksums; the local backend omits
    both, and answers a read's checksums even when the request did not ask for them."""
    output.setdefault("ServerSideEncryption", "AES256")
    if operation in _S3_CHECKSUM_ON_REQUEST and request.get("ChecksumMode") != "ENABLED":
        for key in [key for key in output if key.startswith("Checksum")]:
            del output[key]
    if any(key.startswith("Checksum") for key in output):
        output.setdefault("ChecksumType", "FULL_OBJECT")


def _s3_listing_defaults(output: dict[str, Json], request: dict[str, Any]) -> None:
    """The AWS SDK for Java v2 asks for no ``EncodingType`` (botocore asks for ``url`` on its own,
    and the backend echoes it); a listed object with a checksum has a full-object checksum type
    (https://docs.aws.amazon.com/AmazonS3/latest/API/API_Object.html: ChecksumType)."""
    if "EncodingType" not in request:
        output.pop("EncodingType", None)
    for item in output.get("Contents") or []:  # type: ignore[union-attr]
        if isinstance(item, dict) and item.get("ChecksumAlgorithm"):
            item.setdefault("ChecksumType", "FULL_OBJECT")


# A HEAD answer has no body, so S3's 404 to HeadObject / HeadBucket carries no error code or message
# (HeadObject, https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html: "If the object you
# request doesn't exist, the error that Amazon S3 returns depends on whether you also have the
# s3:ListBucket permission": 404 Not Found, with no body). The AWS SDK for Java v2 names it
# NoSuchKeyException / NoSuchBucketException, its message being the absent one ("null").
_S3_HEAD_NOT_FOUND = {"HeadObject": "NoSuchKey", "HeadBucket": "NoSuchBucket"}


def _s3_head_not_found(operation: str, error: ServiceError) -> None:
    shape = _S3_HEAD_NOT_FOUND.get(operation)
    if shape is not None and error.status == 404 and error.reachable:
        error.error_shape = shape
        error.message = "null"


def _s3_request_defaults(operation: str, request: dict[str, Any]) -> None:
    if operation == "PutObject" and "Body" in request and "ContentType" not in request:
        request["ContentType"] = S3_TEXT_CONTENT_TYPE


def find_operation(model: Any, action: str) -> Any:
    """The operation of a botocore service model whose name is ``action`` in any casing (None: none)."""
    wanted = action.lower()
    for name in model.operation_names:
        if name.lower() == wanted:
            return model.operation_model(name)
    return None


# Blob members. One the operation sends or answers as the HTTP body itself (its ``payload`` member: S3
# PutObject / GetObject ``Body``, Lambda Invoke ``Payload``) is that body's text. Any other blob member
# (KMS Encrypt ``Plaintext`` / ``CiphertextBlob``, Kinesis ``Data``, DynamoDB ``B``) travels inside a
# document, where the AWS SDK for Java reads and writes binary data as base64 text: a parameter's
# base64 text is the bytes it encodes and an answer's bytes are written as base64 (so a ciphertext
# Encrypt answers is what Decrypt takes). Text that is not base64 is sent as its UTF-8 bytes.
def blob_parameter(value: str) -> bytes | str:
    import base64
    import binascii

    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return value


def _payload_member(shape: Any) -> str | None:
    payload = shape.serialization.get("payload")
    return payload if isinstance(payload, str) else None


def _to_model(value: Any, shape: Any, body: bool = False) -> Any:
    """Parameters in Step Functions' casing → botocore's member names and types (``body``: the value is
    the operation's HTTP body member)."""
    if shape is None:
        return value
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        members = {name.lower(): name for name in shape.members}
        if "Equals" in shape.members:
            members["equalsvalue"] = "Equals"  # see _EQUALS
        payload = _payload_member(shape)
        result = {}
        for key, item in value.items():
            name = members.get(str(key).lower(), key)
            member = shape.members.get(name)
            if item is None and member is not None:
                continue  # a null member is an absent one
            result[name] = _to_model(item, member, body=name == payload)
        return result
    if kind == "list" and isinstance(value, list):
        return [_to_model(item, shape.member) for item in value]
    if kind == "map" and isinstance(value, dict):
        return {key: _to_model(item, shape.value) for key, item in value.items()}
    if kind == "blob" and shape.serialization.get("streaming") and not isinstance(value, bytes):
        # A streaming body (S3 PutObject's Body) is the value's JSON text, a string's quotes included
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    if kind in ("blob", "string") and not isinstance(value, str | bytes):
        return json_text(value)  # Step Functions sends a JSON value given for a text member as its JSON text
    if kind == "blob" and isinstance(value, str) and not body:
        return blob_parameter(value)
    return value


def _from_model(value: Any, shape: Any, body: bool = False) -> Any:
    """botocore's output → Step Functions' PascalCase member names; blob members not the HTTP body as
    base64 (see blob_parameter; the body's bytes become text in ``json_safe``)."""
    if shape is None:
        return value
    kind = shape.type_name
    if kind == "blob" and isinstance(value, bytes | bytearray) and not body:
        import base64

        return base64.b64encode(bytes(value)).decode()
    if kind == "structure" and isinstance(value, dict):
        payload = _payload_member(shape)
        # a member without a value is absent: the SDK's response object holds null for it, which the
        # answer does not write (the backend's parser hands some over as None)
        return {
            _pascal(key): _from_model(item, shape.members.get(key), body=key == payload)
            for key, item in value.items()
            if item is not None
        }
    if kind == "list" and isinstance(value, list):
        return [_from_model(item, shape.member) for item in value]
    if kind == "map" and isinstance(value, dict):
        return {key: _from_model(item, shape.value) for key, item in value.items()}
    return value


# "AWS SDK service integrations" (https://docs.aws.amazon.com/step-functions/latest/dg/
# supported-services-awssdk.html), API naming conventions: "API fields for equals will be referred to
# in your state machines as: EqualsValue" (CloudTrail's AdvancedFieldSelector, GuardDuty's Condition …):
# a parameter ``EqualsValue`` is the API's ``Equals`` and an answer's ``Equals`` is ``EqualsValue``.
_EQUALS = {"Equals": "EqualsValue"}


def _pascal(name: str) -> str:
    pascal = name[:1].upper() + name[1:]
    return _EQUALS.get(pascal, pascal)
