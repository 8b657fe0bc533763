"""The conformance setups (bench/setups/aws_services.py) create what a case's ``setup`` names, through
the emulator's port, generically: the corpus README's fixtures and any ``aws_client.<service>.<op>``."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest

from bench.setups import aws_services
from compat_tests.helpers import aws_client
from compat_tests.server import LiveServer
from emulator.settings import Settings


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    live = LiveServer(Settings(wait_time_scale=0.0)).start()
    yield live
    live.stop()


@dataclass
class Context:
    """What the shared runner's CaseContext offers a requirement handler."""

    runner: Any
    case: Any
    tokens: dict[str, str] = field(default_factory=dict)
    reverse: list[tuple[str, str]] = field(default_factory=list)
    cleanups: list[Any] = field(default_factory=list)

    def add_cleanup(self, cleanup: Any) -> None:
        self.cleanups.append(cleanup)


def context(
    server: LiveServer, steps: list[dict[str, Any]], placeholders: dict[str, Any] | None = None
) -> Context:
    case = SimpleNamespace(data={"setup": steps, "placeholders": placeholders or {}})
    return Context(SimpleNamespace(endpoint=server.url), case)


def run_steps(ctx: Context) -> None:
    for step in ctx.case.data["setup"]:
        aws_services._create(ctx, step)


def test_queues_topics_and_subscriptions_with_their_attributes(server: LiveServer) -> None:
    ctx = context(
        server,
        [
            {"call": "sqs_create_queue", "kwargs": {}, "result_placeholder": "{{queue}}"},
            {"call": "sns_create_topic", "kwargs": {}, "result_placeholder": "{{topic}}"},
            {
                "call": "sns_create_sqs_subscription",
                "kwargs": {"topic_arn": "{{topic}}", "queue_url": "{{queue}}", "RawMessageDelivery": True},
                "result_placeholder": "{{subscription}}",
            },
        ],
        {
            "{{queue}}": {"origin": {"attribute": "QueueUrl"}},
            "{{topic}}": {"origin": {"attribute": "TopicArn"}, "recorded_as": "<topic>"},
        },
    )
    run_steps(ctx)
    assert ctx.tokens["{{queue}}"].startswith(server.url)
    attributes = aws_client(server, "sns").get_subscription_attributes(
        SubscriptionArn=ctx.tokens["{{subscription}}"]
    )
    assert attributes["Attributes"]["RawMessageDelivery"] == "true"
    assert (ctx.tokens["{{topic}}"], "<topic>") in ctx.reverse


# Object bodies as a JSON file holds them: text, bytes (base64 or a Python bytes literal), nothing.
BODIES = [
    ("text", b"text"),
    ({"__bytes__": base64.b64encode(b"\x00\xff").decode()}, b"\x00\xff"),
    ("b'HelloWorld!'", b"HelloWorld!"),
    (None, b""),
    ("", b""),
]


@pytest.mark.parametrize(("body", "stored"), BODIES)
def test_s3_objects_with_text_binary_and_empty_bodies(server: LiveServer, body: Any, stored: bytes) -> None:
    bucket = f"setup-{uuid.uuid4().hex[:10]}"
    ctx = context(
        server,
        [
            {"call": "s3_create_bucket", "kwargs": {"Bucket": bucket}},
            {"call": "aws_client.s3.put_object", "kwargs": {"Bucket": bucket, "Key": "k", "Body": body}},
        ],
    )
    run_steps(ctx)
    assert aws_client(server, "s3").get_object(Bucket=bucket, Key="k")["Body"].read() == stored


def test_tables_rules_rest_apis_and_secrets(server: LiveServer) -> None:
    ctx = context(
        server,
        [
            {"call": "dynamodb_create_table", "kwargs": {"table_name": "{{table}}", "partition_key": "pk"}},
            {"call": "events_to_sqs_queue", "kwargs": {}, "result_placeholder": "{{events_queue}}"},
            {
                "call": "create_rest_apigw",
                "kwargs": {"name": "{{api_name}}"},
                "result_placeholder": "{{api}}",
            },
            {"call": "secretsmanager_create_secret", "kwargs": {}, "result_placeholder": "{{secret}}"},
        ],
        {"{{api}}": {"origin": {"attribute": "id"}}},
    )
    run_steps(ctx)
    table = aws_client(server, "dynamodb").describe_table(TableName=ctx.tokens["{{table}}"])["Table"]
    assert table["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}]
    assert aws_client(server, "events").list_rules()["Rules"]
    assert aws_client(server, "apigateway").get_rest_api(restApiId=ctx.tokens["{{api}}"])["id"]
    assert aws_client(server, "secretsmanager").describe_secret(SecretId=ctx.tokens["{{secret}}"])["ARN"]
    for cleanup in reversed(ctx.cleanups):
        cleanup()


def test_a_call_no_module_knows_is_not_handled() -> None:
    assert not aws_services.is_handled("make_everything")
    assert aws_services.is_handled("aws_client.kinesis.create_stream")
    assert aws_services.is_handled("create_rest_apigw")
