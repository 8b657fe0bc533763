"""Requirement setups for SQS, SNS, DynamoDB, S3, EventBridge and ``aws-sdk:*`` cases.

Resources are created through the emulator's own port (the in-process moto behind it answers), in the
account the conformance runner's Step Functions client uses, so the state machines see them. Names the
recording tests generated get fresh unique values; values with a recorded form are mapped back.
"""

from __future__ import annotations

import contextlib
import json
import re
import uuid
from types import ModuleType
from typing import Any

import boto3
from botocore.config import Config

_TOKEN = re.compile(r"\{\{[^{}]+\}\}")
_SKIPPED_CALLS = {"sfn_events_to_sqs_queue": "EventBridge events of execution status changes"}


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


def _produce(ctx: Any, step: dict[str, Any], value: str) -> None:
    token = step.get("result_placeholder")
    if not token:
        return
    ctx.tokens[token] = value
    recorded = ((ctx.case.data.get("placeholders") or {}).get(token) or {}).get("recorded_as")
    if recorded:
        # before shorter values inside it (the queue name inside its URL) are mapped back
        ctx.reverse.insert(0, (value, recorded))


def _create(ctx: Any, step: dict[str, Any]) -> None:
    call = step.get("call", "")
    kwargs = _resolve(ctx, step.get("kwargs") or {})
    if call == "sqs_create_queue":
        sqs = _client(ctx, "sqs")
        url = sqs.create_queue(**kwargs)["QueueUrl"]
        ctx.add_cleanup(lambda: sqs.delete_queue(QueueUrl=url))
        _produce(ctx, step, url)
    elif call == "sns_create_topic":
        sns = _client(ctx, "sns")
        if "Name" not in kwargs:
            kwargs["Name"] = _generated("topic")
        arn = sns.create_topic(**kwargs)["TopicArn"]
        if "Topic does not exist" in json.dumps(ctx.case.data.get("expected")):
            # The recording ran against a topic its test had deleted; the corpus keeps only creations.
            sns.delete_topic(TopicArn=arn)
        else:
            ctx.add_cleanup(lambda: sns.delete_topic(TopicArn=arn))
        _produce(ctx, step, arn)
    elif call == "dynamodb_create_table":
        dynamodb = _client(ctx, "dynamodb")
        key = kwargs.get("partition_key", "id")
        name = kwargs["table_name"]
        dynamodb.create_table(
            TableName=name,
            KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        ctx.add_cleanup(lambda: dynamodb.delete_table(TableName=name))
    elif call == "s3_create_bucket":
        s3 = _client(ctx, "s3")
        bucket = kwargs.get("Bucket") or _generated("bucket", lower=True)
        # a fixed name the recording used (``result-bucket``) may exist from an earlier case
        with contextlib.suppress(s3.exceptions.BucketAlreadyOwnedByYou):
            s3.create_bucket(Bucket=bucket)
        _produce(ctx, step, bucket)
    elif call == "aws_client.s3.put_object":
        _client(ctx, "s3").put_object(**kwargs)
    elif call == "events_to_sqs_queue":
        pass  # the cases check PutEvents' answer only; nothing has to receive the events


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


def register(runner: ModuleType) -> None:
    mine = {
        "sqs_create_queue",
        "sns_create_topic",
        "dynamodb_create_table",
        "s3_create_bucket",
        "aws_client.s3.put_object",
        "events_to_sqs_queue",
    }

    def setup(ctx: Any, requirement: str) -> None:
        if getattr(ctx, "_aws_services_created", False):
            return
        ctx._aws_services_created = True
        steps = ctx.case.data.get("setup") or []
        for step in steps:
            if step.get("call") in _SKIPPED_CALLS:
                raise runner.SkipCase(f"{step['call']} ({_SKIPPED_CALLS[step['call']]} are not emitted)")
        for step in steps:
            if step.get("call") in mine:
                _create(ctx, step)
        _unreachable_urls(ctx)

    for kind in ("sqs", "sns", "dynamodb", "s3", "events", "aws-sdk"):
        runner.requirement_handler(kind)(setup)
