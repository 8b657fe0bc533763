from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config

from compat_tests.helpers import ROLE_ARN
from compat_tests.server import LiveServer

__all__ = ["ROLE_ARN", "make_client"]  # ROLE_ARN is imported from here by the test modules


@pytest.fixture(scope="session")
def live_server() -> Iterator[LiveServer]:
    server = LiveServer().start()
    yield server
    server.stop()


def make_client(url: str, region: str = "us-east-1", access_key: str = "test") -> Any:
    return boto3.client(
        "stepfunctions",
        endpoint_url=url,
        region_name=region,
        aws_access_key_id=access_key,
        aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 0}, read_timeout=70, inject_host_prefix=False),
    )


@pytest.fixture(scope="session")
def sfn(live_server: LiveServer) -> Any:
    return make_client(live_server.url)
