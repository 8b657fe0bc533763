"""The SAM application's pricing function: a real handler file, run from its CodeUri folder."""

import os

import boto3  # noqa: F401 - what a real handler imports; the emulator's worker must provide it


def handler(event, context):
    return {"total": event.get("quantity", 1) * 10, "stage": os.environ["STAGE"]}
