"""Requirement setups for the AWS services a case uses: ``sqs``, ``sns``, ``dynamodb``, ``s3``, ``events``,
``apigateway``, ``ecs``, ``batch``, ``glue``, ``aws-sdk:<service>`` and ``cloudformation``.

Every ``setup`` call of the case is carried out, whatever the combination, through the emulator's own
port (the in-process moto behind it answers), in the account the conformance runner's Step Functions
client uses, so the state machines see the resources:

* ``aws_client.<service>.<operation>`` (e.g. ``aws_client.s3.put_object``): that boto3 call, with the
  case's tokens substituted; a body given as bytes (``{"__bytes__": base64}``, ``"b'…'"``) or empty
  is sent as such. A read (``get_…``, ``list_…``, ``describe_…``, ``head_…``, ``receive_…``) made
  before anything exists may fail without failing the case.
* the test suite's fixtures (``FIXTURES``): queues, topics, subscriptions (SNS → SQS, with its
  attributes such as ``RawMessageDelivery``), tables, buckets, event buses and rules, streams, secrets.
* a call no module knows is a skip naming it (never a silent partial setup).

A call's ``result_placeholder`` takes the attribute its origin names (``TopicArn``, ``QueueUrl`` …) or
the resource's natural identifier. Names the recording test generated (a token whose origin says
"generated name passed to this call", whether or not the call is in ``setup``) get fresh unique values;
values with a recorded form are mapped back.
"""

from __future__ import annotations

import ast
import base64
import contextlib
import json
import re
import uuid
from collections.abc import Callable
from types import ModuleType
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

_TOKEN = re.compile(r"\{\{[^{}]+\}\}")
_SKIPPED_CALLS = {"sfn_events_to_sqs_queue": "EventBridge events of execution status changes"}
# Calls other setup modules carry out.
OTHER_MODULES = {
    "create_lambda_function",
    "create_activity",
    "sfn_activity_consumer",
    "create_cross_account_admin_role_and_policy",
    "sfn_create_log_group",
    "sqs_send_task_success_state_machine",
    "sqs_send_task_failure_state_machine",
    "deploy_cfn_template",
    "create_state_machine",
}
_READS = ("get_", "list_", "describe_", "head_", "receive_")
_BYTES_KEYS = ("__bytes__", "__base64__", "$binary", "base64", "bytes")


def _client(ctx: Any, service: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=ctx.runner.endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 0}, s3={"addressing_style": "path"}),
    )


def _generated(token: str, lower: bool = False) -> str:
    base = token.strip("{}").removeprefix("name:").replace("_X", "").replace("-X", "")
    base = re.sub(r"[^A-Za-z0-9-]", "-", base).strip("-") or "res"
    value = f"{base}-{uuid.uuid4().hex[:10]}"
    return value.lower() if lower else value


def _resolve(ctx: Any, value: Any) -> Any:
    """Substitute tokens in setup arguments, generating names the recording test generated."""
    placeholders = ctx.case.data.get("placeholders") or {}
    text = json.dumps(value)
    for token in sorted(set(_TOKEN.findall(text))):
        if token not in ctx.tokens:
            info = placeholders.get(token) or {}
            ctx.tokens[token] = _generated(token)
            if info.get("recorded_as"):
                ctx.reverse.append((ctx.tokens[token], info["recorded_as"]))
        text = text.replace(token, ctx.tokens[token])
    return json.loads(text)


def _produce(ctx: Any, step: dict[str, Any], response: Any, natural: Any) -> None:
    """Bind the step's result placeholder to the attribute its origin names, else ``natural``."""
    token = step.get("result_placeholder")
    if not token:
        return
    info = (ctx.case.data.get("placeholders") or {}).get(token) or {}
    attribute = (info.get("origin") or {}).get("attribute") or token.strip("{}").partition(".")[2]
    value = natural
    if attribute and isinstance(response, dict):
        found: Any = response
        for part in str(attribute).strip(".").split("."):
            found = found.get(part) if isinstance(found, dict) else None
        if found is not None:
            value = found
    ctx.tokens[token] = str(value)
    recorded = info.get("recorded_as")
    if recorded:
        # before shorter values inside it (the queue name inside its URL) are mapped back
        ctx.reverse.insert(0, (str(value), recorded))


def body_bytes(value: Any) -> bytes:
    """An object body as the recording test sent it: text, bytes (in any of the forms a JSON file
    can hold them) or nothing at all."""
    if value is None:
        return b""
    if isinstance(value, dict) and len(value) == 1 and next(iter(value)) in _BYTES_KEYS:
        return base64.b64decode(str(next(iter(value.values()))))
    if (
        isinstance(value, str)
        and len(value) >= 3
        and value[0] == "b"
        and value[1] in "'\""
        and value[-1] == value[1]
    ):
        with contextlib.suppress(ValueError, SyntaxError):
            literal = ast.literal_eval(value)
            if isinstance(literal, bytes):
                return literal
    if isinstance(value, str):
        return value.encode()
    return json.dumps(value).encode()


def _queue_arn(ctx: Any, url: str) -> str:
    return str(
        _client(ctx, "sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
    )


# --- the test suite's fixtures: (ctx, kwargs) -> (response, natural identifier) ---------------------


def _sqs_create_queue(ctx: Any, kwargs: dict[str, Any]) -> tuple[Any, Any]:
    sqs = _client(ctx, "sqs")
    kwargs.setdefault("QueueName", _generated("queue"))
    response = sqs.create_queue(**kwargs)
    url = response["QueueUrl"]
    ctx.add_cleanup(lambda: sqs.delete_queue(QueueUrl=url))
    return response, url


def _sqs_queue_arn(ctx: Any, kwargs: dict[str, Any]) -> tuple[Any, Any]:
    url = kwargs.get("queue_url") or kwargs.get("QueueUrl")
    arn = _queue_arn(ctx, str(url))
    return {"QueueArn": arn}, arn


def _sns_create_topic(ctx: Any, kwargs: dict[str, Any]) -> tuple[Any, Any]:
    sns = _client(ctx, "sns")
    kwargs.setdefault("Name", _generated("topic"))
    response = sns.create_topic(**kwargs)
    arn = response["TopicArn"]
    ctx.add_cleanup(lambda: sns.delete_topic(TopicArn=arn))
    return response, arn


def _sns_subscribe(ctx: Any, kwargs: dict[str, Any]) -> tuple[Any, Any]:
    """``sns_create_sqs_subscription(topic_arn, queue_url, **attributes)`` or ``sns_subscription(TopicArn,
    Protocol, Endpoint, Attributes)``: a queue's ARN is looked up from its URL."""
    topic = kwargs.pop("topic_arn", None) or kwargs.pop("TopicArn")
    endpoint = kwargs.pop("Endpoint", None)
    queue_url = kwargs.pop("queue_url", None) or kwargs.pop("QueueUrl", None)
    protocol = kwargs.pop("Protocol", "sqs")
    if endpoint is None and queue_url is not None:
        endpoint = _queue_arn(ctx, str(queue_url))
    attributes = dict(kwargs.pop("Attributes", None) or {})
    attributes.update({key: str(value) for key, value in kwargs.items() if key[:1].isupper()})
    response = _client(ctx, "sns").subscribe(
        TopicArn=topic,
        Protocol=protocol,
        Endpoint=endpoint,
        Attributes=attributes,
        ReturnSubscriptionArn=True,
    )
    return response, response["SubscriptionArn"]


def _nothing(ctx: Any, kwargs: dict[str, Any]) -> tuple[Any, Any]:
    """Permissions the local backend does not enforce (``sns_allow_topic_sqs_queue`` …)."""
    return {}, None


def _dynamodb_create_table(ctx: Any, kwargs: dict[str, Any]) -> tuple[Any, Any]:
    dynamodb = _client(ctx, "dynamodb")
    name = kwargs.get("table_name") or kwargs.get("TableName") or _generated("table")
    if "KeySchema" in kwargs:
        request = {key: value for key, value in kwargs.items() if key[:1].isupper()}
        request.setdefault("BillingMode", "PAY_PER_REQUEST")
    else:
        key = kwargs.get("partition_key", "id")
        request = {
            "TableName": name,
            "KeySchema": [{"AttributeName": key, "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": key, "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST",
        }
    response = dynamodb.create_table(**request)
    ctx.add_cleanup(lambda: dynamodb.delete_table(TableName=name))
    return response, name


def _s3_create_bucket(ctx: Any, kwargs: dict[str, Any]) -> tuple[Any, Any]:
    s3 = _client(ctx, "s3")
    bucket = kwargs.get("Bucket") or _generated("bucket", lower=True)
    # a fixed name the recording used (``result-bucket``) may exist from an earlier case
    with contextlib.suppress(s3.exceptions.BucketAlreadyOwnedByYou):
        s3.create_bucket(Bucket=bucket)
    return {"Bucket": bucket}, bucket


def _events_to_sqs_queue(ctx: Any, kwargs: dict[str, Any]) -> tuple[Any, Any]:
    """A queue receiving every event of a bus (the default one) through a rule."""
    events = _client(ctx, "events")
    _, url = _sqs_create_queue(ctx, {})
    bus = kwargs.get("event_bus_name") or "default"
    rule = _generated("rule")
    pattern = kwargs.get("event_pattern") or {"source": [{"prefix": ""}]}
    events.put_rule(Name=rule, EventBusName=bus, EventPattern=json.dumps(pattern))
    events.put_targets(Rule=rule, EventBusName=bus, Targets=[{"Id": "queue", "Arn": _queue_arn(ctx, url)}])

    def remove() -> None:
        events.remove_targets(Rule=rule, EventBusName=bus, Ids=["queue"])
        events.delete_rule(Name=rule, EventBusName=bus)

    ctx.add_cleanup(remove)
    return {"QueueUrl": url}, url


def _events_create_event_bus(ctx: Any, kwargs: dict[str, Any]) -> tuple[Any, Any]:
    events = _client(ctx, "events")
    name = kwargs.get("Name") or _generated("bus")
    response = events.create_event_bus(Name=name)
    ctx.add_cleanup(lambda: events.delete_event_bus(Name=name))
    return response, response["EventBusArn"]


def _kinesis_create_stream(ctx: Any, kwargs: dict[str, Any]) -> tuple[Any, Any]:
    kinesis = _client(ctx, "kinesis")
    name = kwargs.get("StreamName") or _generated("stream")
    kinesis.create_stream(StreamName=name, ShardCount=int(kwargs.get("ShardCount", 1)))
    ctx.add_cleanup(lambda: kinesis.delete_stream(StreamName=name))
    return {"StreamName": name}, name


def _secretsmanager_create_secret(ctx: Any, kwargs: dict[str, Any]) -> tuple[Any, Any]:
    secrets = _client(ctx, "secretsmanager")
    kwargs.setdefault("Name", _generated("secret"))
    response = secrets.create_secret(**kwargs)
    ctx.add_cleanup(lambda: secrets.delete_secret(SecretId=response["ARN"], ForceDeleteWithoutRecovery=True))
    return response, response["ARN"]


def _apigateway_create_rest_api(ctx: Any, kwargs: dict[str, Any]) -> tuple[Any, Any]:
    """A REST API (``create_rest_apigw(name=…)``): its id is the natural identifier (the host of
    ``<id>.execute-api.<region>.amazonaws.com`` that an ``apigateway:invoke`` task names)."""
    gateway = _client(ctx, "apigateway")
    request = {key: value for key, value in kwargs.items() if key[:1].isupper()}
    request.setdefault("name", kwargs.get("name") or _generated("api"))
    response = gateway.create_rest_api(**{key[:1].lower() + key[1:]: value for key, value in request.items()})
    api_id = response["id"]
    ctx.add_cleanup(lambda: gateway.delete_rest_api(restApiId=api_id))
    return response, api_id


FIXTURES: dict[str, Callable[[Any, dict[str, Any]], tuple[Any, Any]]] = {
    "sqs_create_queue": _sqs_create_queue,
    "sqs_queue": _sqs_create_queue,
    "sqs_get_queue_arn": _sqs_queue_arn,
    "sqs_queue_arn": _sqs_queue_arn,
    "sns_create_topic": _sns_create_topic,
    "sns_topic": _sns_create_topic,
    "sns_create_sqs_subscription": _sns_subscribe,
    "sns_subscription": _sns_subscribe,
    "sns_allow_topic_sqs_queue": _nothing,
    "sqs_allow_topic": _nothing,
    "dynamodb_create_table": _dynamodb_create_table,
    "dynamodb_create_table_with_parameters": _dynamodb_create_table,
    "s3_create_bucket": _s3_create_bucket,
    "s3_bucket": _s3_create_bucket,
    "events_to_sqs_queue": _events_to_sqs_queue,
    "events_create_event_bus": _events_create_event_bus,
    "kinesis_create_stream": _kinesis_create_stream,
    "secretsmanager_create_secret": _secretsmanager_create_secret,
    "create_secret": _secretsmanager_create_secret,
    "create_rest_apigw": _apigateway_create_rest_api,
    "apigateway_create_rest_api": _apigateway_create_rest_api,
}


def _aws_client_call(ctx: Any, call: str, kwargs: dict[str, Any]) -> tuple[Any, Any]:
    """``aws_client.<service>.<operation>(**kwargs)`` made as the recording test made it."""
    _, service, operation = call.split(".", 2)
    client = _client(ctx, service)
    if "Body" in kwargs:
        kwargs["Body"] = body_bytes(kwargs["Body"])
    try:
        response = getattr(client, operation)(**kwargs)
    except ClientError:
        if operation.startswith(_READS):
            return {}, None  # read before the execution wrote what it reads
        raise
    if hasattr(response, "get"):
        response = {key: value for key, value in response.items() if key != "ResponseMetadata"}
    return response, None


def _create(ctx: Any, step: dict[str, Any]) -> None:
    call = str(step.get("call", ""))
    kwargs = _resolve(ctx, step.get("kwargs") or {})
    kwargs.pop("client", None)  # the fixture's client argument: ours is the emulator's port
    if call.startswith(("aws_client.", "aws_client_no_retry.")) and call.count(".") == 2:
        response, natural = _aws_client_call(ctx, call, kwargs)
    else:
        response, natural = FIXTURES[call](ctx, kwargs)
    _produce(ctx, step, response, natural)


def _generated_names(ctx: Any) -> None:
    """Tokens of names the recording test generated for a call (``{{file-key}}`` passed to the
    ``get_object`` it made after the execution): fresh unique names."""
    for token, info in (ctx.case.data.get("placeholders") or {}).items():
        origin = (info or {}).get("origin") or {}
        if token in ctx.tokens or "generated name" not in str(origin.get("note", "")):
            continue
        ctx.tokens[token] = _generated(token, lower=True)
        if info.get("recorded_as"):
            ctx.reverse.append((ctx.tokens[token], info["recorded_as"]))


def _unreachable_urls(ctx: Any) -> None:
    """A queue URL the test made up (``http://no-such-queue-…``): use the host the recording names."""
    for token, info in (ctx.case.data.get("placeholders") or {}).items():
        fake = str((info or {}).get("fake_value", ""))
        if token in ctx.tokens or not fake.startswith("http://") or (info.get("origin") or {}).get("call"):
            continue
        recorded = re.search(r"no-such-queue-[0-9a-f]+", json.dumps(ctx.case.data.get("expected")))
        ctx.tokens[token] = f"http://{recorded.group(0) if recorded else _generated('no-such-queue')}"
        if info.get("recorded_as"):
            ctx.reverse.append((ctx.tokens[token], info["recorded_as"]))


def is_handled(call: str) -> bool:
    return call in FIXTURES or (
        call.startswith(("aws_client.", "aws_client_no_retry.")) and call.count(".") == 2
    )


def register(runner: ModuleType) -> None:
    def setup(ctx: Any, requirement: str) -> None:
        if getattr(ctx, "_aws_services_created", False):
            return
        ctx._aws_services_created = True
        steps = ctx.case.data.get("setup") or []
        for step in steps:
            call = str(step.get("call", ""))
            if call in _SKIPPED_CALLS:
                raise runner.SkipCase(f"{call} ({_SKIPPED_CALLS[call]} are not emitted)")
            if call not in OTHER_MODULES and not is_handled(call):
                raise runner.SkipCase(f"setup call {call} has no local equivalent")
        for step in steps:
            if is_handled(str(step.get("call", ""))):
                _create(ctx, step)
        _generated_names(ctx)
        _unreachable_urls(ctx)

    for kind in ("sqs", "sns", "dynamodb", "s3", "events", "aws-sdk", "apigateway", "ecs", "batch", "glue"):
        runner.requirement_handler(kind)(setup)

    @runner.requirement_handler("cloudformation")
    def _cloudformation(ctx: Any, requirement: str) -> None:
        """The recording's stack came from a template of the recording suite, which is not here; a
        machine that needs nothing the stack made (no value of it in its definition) runs as it is."""
        if re.search(r"<[a-z][a-z0-9-]*:\d+>", json.dumps(ctx.case.data.get("definition"))):
            paths = [
                (step.get("kwargs") or {}).get("template_path")
                for step in ctx.case.data.get("setup") or []
                if step.get("call") == "deploy_cfn_template"
            ]
            raise runner.SkipCase(f"cloudformation (the stack of {paths} is not available locally)")
        setup(ctx, requirement)
