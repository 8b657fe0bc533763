"""Configuration: CLI flags over environment variables over defaults.

Environment names follow AWS Step Functions Local where it has one, so existing setups carry over.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_PORT = 8083
DEFAULT_ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"
CLOCK_MODES = ("real", "virtual", "auto")

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
# ``SFN_ENDPOINT_<SERVICE>`` names any service by its botocore name (``SFN_ENDPOINT_SECRETSMANAGER``,
# ``SFN_ENDPOINT_COGNITO_IDP`` for ``cognito-idp``); these spellings are accepted too.
GENERIC_ENDPOINT_PREFIX = "SFN_ENDPOINT_"
_ENDPOINT_ALIASES = {
    "sfn": "states",
    "stepfunctions": "states",
    "eventbridge": "events",
    "cloudwatchlogs": "logs",
}


def endpoints_from(env: Mapping[str, str]) -> dict[str, str]:
    """Endpoint overrides by service: Step Functions Local's variables, then ``SFN_ENDPOINT_<SERVICE>``
    (which wins when both name a service)."""
    endpoints = {service: env[name] for service, name in ENDPOINT_VARIABLES.items() if env.get(name)}
    for name, url in env.items():
        if name.startswith(GENERIC_ENDPOINT_PREFIX) and url and len(name) > len(GENERIC_ENDPOINT_PREFIX):
            service = name.removeprefix(GENERIC_ENDPOINT_PREFIX).lower().replace("_", "-")
            endpoints[_ENDPOINT_ALIASES.get(service, service)] = url
    return endpoints


@dataclass(frozen=True, slots=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    account_id: str = DEFAULT_ACCOUNT
    region: str = DEFAULT_REGION
    log_level: str = "INFO"
    wait_time_scale: float = 1.0
    mock_config_path: str | None = None
    # A module whose ``register(mocks)`` registers Python mocks at start-up (SFN_MOCK_MODULE).
    mock_module: str | None = None
    endpoints: Mapping[str, str] = field(default_factory=dict)
    # Local Python Lambda handlers: function name (a trailing ``*`` matches a prefix) ->
    # ``module:function`` or ``path/to/file.py:function`` (SFN_LAMBDA_HANDLERS, SFN_LAMBDA_HANDLERS_FILE).
    lambda_handlers: Mapping[str, str] = field(default_factory=dict)
    # TimeoutSeconds / HeartbeatSeconds of tasks run in real seconds times this (SFN_TIMEOUT_SCALE).
    timeout_scale: float = 1.0
    # "real" (wall-clock time), "virtual" (time moves only by POST /_emulator/clock) or "auto"
    # (virtual, and it jumps to the next timer whenever every execution waits on one) (SFN_CLOCK).
    clock: str = "real"

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        endpoints = endpoints_from(env)
        lambda_handlers = lambda_handlers_from(
            env.get("SFN_LAMBDA_HANDLERS_FILE"), env.get("SFN_LAMBDA_HANDLERS")
        )
        return cls(
            host=env.get("SFN_EMULATOR_HOST", "127.0.0.1"),
            port=int(env.get("SFN_EMULATOR_PORT", env.get("PORT", DEFAULT_PORT))),
            account_id=env.get("AWS_ACCOUNT_ID", DEFAULT_ACCOUNT),
            region=env.get("AWS_DEFAULT_REGION", env.get("AWS_REGION", DEFAULT_REGION)),
            log_level=env.get("LOG_LEVEL", "INFO").upper(),
            wait_time_scale=float(env.get("WAIT_TIME_SCALE", "1")),
            mock_config_path=env.get("SFN_MOCK_CONFIG") or None,
            mock_module=env.get("SFN_MOCK_MODULE") or None,
            endpoints=endpoints,
            lambda_handlers=lambda_handlers,
            timeout_scale=float(env.get("SFN_TIMEOUT_SCALE", "1")),
            clock=env.get("SFN_CLOCK", "real").lower() or "real",
        )


def lambda_handlers_from(path: str | None, text: str | None) -> dict[str, str]:
    """Handlers from a mapping file, then ``name=target,…`` text (which wins on a shared name)."""
    handlers: dict[str, str] = {}
    if path:
        handlers.update(load_handler_file(path))
    if text:
        handlers.update(parse_handler_mapping(text))
    return handlers


def parse_handler_mapping(text: str) -> dict[str, str]:
    """``a=mod:fn,b=dir/file.py:fn`` (commas or newlines) -> ``{"a": "mod:fn", "b": "dir/file.py:fn"}``."""
    mapping: dict[str, str] = {}
    for item in text.replace("\n", ",").split(","):
        item = item.strip()
        if not item or item.startswith("#"):
            continue
        name, separator, target = item.partition("=")
        if not separator or not name.strip() or not target.strip():
            raise ValueError(f"Lambda handler mapping '{item}' is not name=module:function")
        mapping[name.strip()] = target.strip()
    return mapping


def load_handler_file(path: str) -> dict[str, str]:
    """A JSON object ``{"name": "module:function"}`` or ``name=target`` lines."""
    text = Path(path).read_text()
    if text.lstrip().startswith("{"):
        loaded = json.loads(text)
        return {str(name): str(target) for name, target in loaded.items()}
    return parse_handler_mapping(text)
