"""A handler as users write them: SDK clients without an endpoint, HTTP libraries, the
environment, the root logger, and a Timeout it can outlive."""

import http.client
import logging
import os
import time
import urllib.request

import boto3
import requests

logger = logging.getLogger()
dynamodb = boto3.client("dynamodb")  # no endpoint: AWS_ENDPOINT_URL brings it to the emulator


def find_order(event, context):
    item = dynamodb.get_item(TableName=os.environ["TABLE_NAME"], Key={"id": {"S": event["id"]}})["Item"]
    logger.info("found order %s", event["id"])
    endpoint = os.environ["AWS_ENDPOINT_URL"]
    health = requests.get(f"{endpoint}/_emulator/health", timeout=5).json()
    with urllib.request.urlopen(f"{endpoint}/_emulator/health", timeout=5) as answer:
        also = answer.status
    connection = http.client.HTTPConnection(endpoint.split("//", 1)[1], timeout=5)
    connection.request("GET", "/_emulator/health")
    third = connection.getresponse().status
    return {
        "item": item["total"]["N"],
        "stage": os.environ["STAGE"],
        "health": [health["status"], also, third],
        "remaining_ms": context.get_remaining_time_in_millis(),
    }


def slow(event, context):
    time.sleep(30)
    return "never"
