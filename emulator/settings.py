"""Configuration: CLI flags over environment variables over defaults.

Environment names follow AWS Step Functions Local where it has one, so existing setups carry over.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

DEFAULT_PORT = 8083
DEFAULT_ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"

# Step Functions Local's endpoint overrides (plus our own for services it lacks).
ENDPOINT_VARIABLES = {
    "lambda": "LAMBDA_ENDPOINT",
    "sqs": "SQS_ENDPOINT",
    "sns": "SNS_ENDPOINT",
    "dynamodb": "DYNAMODB_ENDPOINT",
    "states": "STEP_FUNCTIONS_ENDPOINT",
    "ecs": "ECS_ENDPOINT",
    "batch": "BATCH_ENDPOINT",
    "glue": "GLUE_ENDPOINT",
    "events": "EVENTBRIDGE_ENDPOINT",
    "codebuild": "CODEBUILD_ENDPOINT",
    "s3": "S3_ENDPOINT",
}


@dataclass(frozen=True, slots=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    account_id: str = DEFAULT_ACCOUNT
    region: str = DEFAULT_REGION
    log_level: str = "INFO"
    wait_time_scale: float = 1.0
    mock_config_path: str | None = None
    endpoints: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        endpoints = {service: env[name] for service, name in ENDPOINT_VARIABLES.items() if env.get(name)}
        return cls(
            host=env.get("SFN_EMULATOR_HOST", "127.0.0.1"),
            port=int(env.get("SFN_EMULATOR_PORT", env.get("PORT", DEFAULT_PORT))),
            account_id=env.get("AWS_ACCOUNT_ID", DEFAULT_ACCOUNT),
            region=env.get("AWS_DEFAULT_REGION", env.get("AWS_REGION", DEFAULT_REGION)),
            log_level=env.get("LOG_LEVEL", "INFO").upper(),
            wait_time_scale=float(env.get("WAIT_TIME_SCALE", "1")),
            mock_config_path=env.get("SFN_MOCK_CONFIG") or None,
            endpoints=endpoints,
        )
