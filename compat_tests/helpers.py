"""Helpers the end-to-end tests share: SDK clients for the live server, and running a machine."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import boto3
from botocore.config import Config

ROLE_ARN = "arn:aws:iam::123456789012:role/test-role"


def aws_client(live_server: Any, service: str, access_key: str = "test", region: str = "us-east-1") -> Any:
    """A boto3 client of ``service`` pointed at the live emulator (no ``sync-`` host prefix, no
    retries, S3 path-style). A 12-digit ``access_key`` selects that account."""
    return boto3.client(
        service,
        endpoint_url=live_server.url,
        region_name=region,
        aws_access_key_id=access_key,
        aws_secret_access_key="test",
        config=Config(
            retries={"max_attempts": 0},
            read_timeout=70,
            inject_host_prefix=False,
            s3={"addressing_style": "path"},
        ),
    )


def wait_finished(sfn: Any, execution_arn: str, attempts: int = 2000) -> dict[str, Any]:
    """DescribeExecution once the execution has ended (bounded: ``attempts`` reads 5 ms apart)."""
    for _ in range(attempts):
        described: dict[str, Any] = sfn.describe_execution(executionArn=execution_arn)
        if described["status"] != "RUNNING":
            return described
        time.sleep(0.005)
    raise AssertionError(f"{execution_arn} did not finish")


def run_machine(sfn: Any, states: dict[str, Any], prefix: str, with_types: bool = False) -> dict[str, Any]:
    """Create a STANDARD machine of ``states`` (the first one starts), run it on ``{}``, and return
    its DescribeExecution answer once it ended (with the history's event ``types`` if asked)."""
    definition = {"StartAt": next(iter(states)), "States": states}
    arn = sfn.create_state_machine(
        name=f"{prefix}-{uuid.uuid4().hex[:12]}", definition=json.dumps(definition), roleArn=ROLE_ARN
    )["stateMachineArn"]
    execution = sfn.start_execution(stateMachineArn=arn, input="{}")["executionArn"]
    described = wait_finished(sfn, execution)
    if with_types:
        events = sfn.get_execution_history(executionArn=execution)["events"]
        described = dict(described, types=[event["type"] for event in events])
    return described
