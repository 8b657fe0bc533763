"""A CDK-bundled Lambda asset (lambda.Code.fromAsset): an ordinary handler file."""

import os


def handler(event, context):
    return {"greeting": f"hello {event['name']}", "table": os.environ["TABLE_NAME"]}
