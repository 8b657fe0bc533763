"""Lambda handlers the end-to-end tests run as local functions."""

import os
import time


def echo(event, context):
    return {"event": event, "function": context.function_name}


def fail(event, context):
    raise ValueError("bad input")


def slow(event, context):
    time.sleep(30)
    return event


def crash(event, context):
    os._exit(3)


def token(event, context):
    return {"token": event.get("token")}


def api_proxy(event, context):
    """A Lambda proxy integration's function: answers the request it was given."""
    import json

    body = json.loads(event["body"]) if event.get("body") else None
    if event.get("version") == "2.0":  # an HTTP API's payload format 2.0
        return {"route": event["routeKey"], "pathParameters": event.get("pathParameters"), "body": body}
    if isinstance(body, dict) and body.get("fail"):
        return {"statusCode": 400, "body": json.dumps({"errors": ["Errors.Failure"]})}
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(
            {
                "method": event["httpMethod"],
                "path": event["path"],
                "resource": event["resource"],
                "query": event["multiValueQueryStringParameters"],
                "pathParameters": event["pathParameters"],
                "body": body,
                "stage": event["requestContext"]["stage"],
            }
        ),
    }
