"""The in-process AWS services' state survives a restart on the same --data-dir: queues with their
messages, tables with their items, buckets with their objects, log groups with their events,
topics with their subscriptions, event rules. After kill -9 once the snapshot window has passed
(emulator/integrations/moto_snapshot.py: a change is written within ~1 s), and after a clean stop
(SIGTERM writes what changed at once); ``POST /_emulator/reset`` forgets it.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
import urllib.request
from typing import Any

import boto3
from botocore.config import Config

from compat_tests.test_crash_recovery import Server

ACCOUNT = "123456789012"
# A snapshot is written INTERVAL_SECONDS (1 s) after a change, plus the time to take it.
SNAPSHOT_WINDOW_SECONDS = 2.5


def _client(server: Server, service: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=f"http://127.0.0.1:{server.port}",
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 0}, s3={"addressing_style": "path"}),
    )


def _create_everything(server: Server) -> None:
    sqs = _client(server, "sqs")
    url = sqs.create_queue(QueueName="orders")["QueueUrl"]
    for index in range(3):
        sqs.send_message(QueueUrl=url, MessageBody=f"order {index}")
    dynamodb = _client(server, "dynamodb")
    dynamodb.create_table(
        TableName="items",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    for index in range(20):
        dynamodb.put_item(TableName="items", Item={"pk": {"S": f"k{index}"}, "n": {"N": str(index)}})
    s3 = _client(server, "s3")
    s3.create_bucket(Bucket="durable-bucket")
    s3.put_object(Bucket="durable-bucket", Key="data/one.json", Body=b'{"one": 1}')
    logs = _client(server, "logs")
    logs.create_log_group(logGroupName="/app/durable")
    logs.create_log_stream(logGroupName="/app/durable", logStreamName="s")
    logs.put_log_events(
        logGroupName="/app/durable",
        logStreamName="s",
        logEvents=[{"timestamp": int(time.time() * 1000), "message": "kept"}],
    )
    sns = _client(server, "sns")
    topic = sns.create_topic(Name="news")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=f"arn:aws:sqs:us-east-1:{ACCOUNT}:orders")
    _client(server, "events").put_rule(Name="on-order", EventPattern=json.dumps({"source": ["shop"]}))


def _assert_everything(server: Server) -> None:
    sqs = _client(server, "sqs")
    url = sqs.get_queue_url(QueueName="orders")["QueueUrl"]
    bodies: list[str] = []
    for _ in range(3):
        received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=60)
        bodies += [message["Body"] for message in received.get("Messages", [])]
    assert sorted(bodies) == ["order 0", "order 1", "order 2"]
    dynamodb = _client(server, "dynamodb")
    assert dynamodb.scan(TableName="items")["Count"] == 20
    assert dynamodb.get_item(TableName="items", Key={"pk": {"S": "k7"}})["Item"]["n"] == {"N": "7"}
    s3 = _client(server, "s3")
    assert s3.get_object(Bucket="durable-bucket", Key="data/one.json")["Body"].read() == b'{"one": 1}'
    events = _client(server, "logs").get_log_events(logGroupName="/app/durable", logStreamName="s")
    assert [event["message"] for event in events["events"]] == ["kept"]
    sns = _client(server, "sns")
    topic = f"arn:aws:sns:us-east-1:{ACCOUNT}:news"
    subscriptions = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert [s["Endpoint"] for s in subscriptions] == [f"arn:aws:sqs:us-east-1:{ACCOUNT}:orders"]
    rule = _client(server, "events").describe_rule(Name="on-order")
    assert json.loads(rule["EventPattern"]) == {"source": ["shop"]}


def test_aws_services_survive_kill_9_after_the_snapshot_window() -> None:
    with tempfile.TemporaryDirectory(prefix="sfn-aws-durable-") as directory:
        server = Server(directory)
        try:
            server.start()
            _create_everything(server)
            time.sleep(SNAPSHOT_WINDOW_SECONDS)
            server.kill()
            server.start()
            _assert_everything(server)
        finally:
            server.stop()


def test_a_clean_stop_writes_the_last_changes_and_reset_forgets_them() -> None:
    with tempfile.TemporaryDirectory(prefix="sfn-aws-durable-") as directory:
        server = Server(directory)
        try:
            server.start()
            sqs = _client(server, "sqs")
            url = sqs.create_queue(QueueName="last-moment")["QueueUrl"]
            sqs.send_message(QueueUrl=url, MessageBody="just before the stop")
            server.stop()  # SIGTERM at once: no snapshot was due yet
            server = Server(directory)
            server.start()
            sqs = _client(server, "sqs")
            url = sqs.get_queue_url(QueueName="last-moment")["QueueUrl"]
            received = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)
            assert [m["Body"] for m in received["Messages"]] == ["just before the stop"]
            request = urllib.request.Request(
                f"http://127.0.0.1:{server.port}/_emulator/reset",
                data=b"",
                method="POST",
                headers={"Content-Type": "application/json"},  # the browser guard wants JSON
            )
            urllib.request.urlopen(request, timeout=10).read()
            assert not os.path.exists(os.path.join(directory, "data", "aws-services.pickle"))
            server.stop()
            server = Server(directory)
            server.start()
            queues = _client(server, "sqs").list_queues().get("QueueUrls", [])
            assert queues == []
        finally:
            server.stop()
