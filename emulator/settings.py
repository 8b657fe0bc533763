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
# Finished executions kept per (account, region), and for how long (AWS keeps closed executions 90
# days); older or surplus ones are evicted with their history, Map Runs and child executions.
DEFAULT_RETAINED_EXECUTIONS = 10_000
DEFAULT_RETENTION_DAYS = 90.0
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
    # Local functions' own environment variables: function name -> {name: value} (--lambda-env).
    lambda_environment: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    # Options from a handlers file's object form: name -> {"timeout", "memory", "codeDir", "runtime"}.
    lambda_options: Mapping[str, Mapping[str, object]] = field(default_factory=dict)
    # MemorySize of a local function that does not declare one (SFN_LAMBDA_MEMORY_MB).
    lambda_memory_mb: int = 128
    # "lambda": error documents show the function's files as /var/task/… (SFN_LAMBDA_TRACE_PATHS).
    lambda_trace_paths: str = "real"
    log_format: str = "text"  # or "json" (SFN_LOG_FORMAT)
    # Level of botocore, boto3, moto, urllib3 and aiohttp's own loggers (SFN_AWS_LOG_LEVEL).
    aws_log_level: str = "WARNING"
    # Browser safety (server/browser_guard.py): origins whose pages may call the emulator
    # (SFN_CORS_ORIGINS; "*" = any), and host names answered besides the loopback ones (SFN_ALLOWED_HOSTS).
    cors_origins: tuple[str, ...] = ()
    allowed_hosts: tuple[str, ...] = ()
    # What one state's JSONata evaluation may take before it fails with States.QueryEvaluationError
    # (--evaluation-timeout, SFN_EVALUATION_TIMEOUT; runtime/evaluation.py).
    evaluation_timeout: float = 10.0
    # Retention of finished executions (service/retention.py); 0 turns a limit off.
    retained_executions: int = DEFAULT_RETAINED_EXECUTIONS
    retention_days: float = DEFAULT_RETENTION_DAYS
    # SAM / CloudFormation templates and CDK cloud assemblies to load (--template, SFN_TEMPLATES
    # with paths separated by commas), their parameter overrides (--parameter-overrides,
    # SFN_PARAMETER_OVERRIDES "Name=value Name2=value2"), and whether a change reloads them
    # (SFN_TEMPLATE_RELOAD=0 turns it off).
    template_paths: tuple[str, ...] = ()
    parameter_overrides: Mapping[str, str] = field(default_factory=dict)
    template_reload: bool = True
    # The web console at /_console/ (``--no-console`` / SFN_CONSOLE=0 for no UI surface).
    console: bool = True
    # "real" (wall-clock time), "virtual" (time moves only by POST /_emulator/clock) or "auto"
    # (virtual, and it jumps to the next timer whenever every execution waits on one) (SFN_CLOCK).
    clock: str = "real"
    # Record AWS SDK integrations' Task events as Step Functions Local does (resourceType "aws-sdk",
    # resource "<service>:<action>") instead of AWS's form (SFN_LOCAL_COMPAT=1, --sfn-local-compat).
    sfn_local_compat: bool = False
    # Which event a Distributed Map's MapStateExited follows in history: "run-succeeded" (as AWS
    # recorded it up to mid-2024, the default) or "run-started" (as AWS records it since Nov 2024)
    # (--map-exit-link, SFN_MAP_EXIT_LINK).
    map_exit_link: str = "run-succeeded"
    # Where state machines, executions and the in-process AWS services' state are kept across
    # restarts (--data-dir / SFN_DATA_DIR; None: memory only, lost at exit).
    data_dir: str | None = None

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
            lambda_options=lambda_options_from(env.get("SFN_LAMBDA_HANDLERS_FILE")),
            lambda_memory_mb=int(env.get("SFN_LAMBDA_MEMORY_MB", "128")),
            lambda_trace_paths=env.get("SFN_LAMBDA_TRACE_PATHS", "real").lower(),
            log_format=env.get("SFN_LOG_FORMAT", "text").lower(),
            aws_log_level=env.get("SFN_AWS_LOG_LEVEL", "WARNING").upper(),
            cors_origins=split_list(env.get("SFN_CORS_ORIGINS")),
            allowed_hosts=split_list(env.get("SFN_ALLOWED_HOSTS")),
            evaluation_timeout=float(env.get("SFN_EVALUATION_TIMEOUT", "10")),
            retained_executions=int(env.get("SFN_RETAINED_EXECUTIONS", DEFAULT_RETAINED_EXECUTIONS)),
            retention_days=float(env.get("SFN_EXECUTION_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)),
            template_paths=tuple(
                item.strip() for item in env.get("SFN_TEMPLATES", "").split(",") if item.strip()
            ),
            parameter_overrides=parse_parameter_overrides(env.get("SFN_PARAMETER_OVERRIDES", "").split()),
            template_reload=env.get("SFN_TEMPLATE_RELOAD", "1").lower() not in ("0", "false", "no"),
            console=env.get("SFN_CONSOLE", "1").strip().lower() not in ("0", "false", "no", "off"),
            data_dir=env.get("SFN_DATA_DIR") or None,
            clock=env.get("SFN_CLOCK", "real").lower() or "real",
            sfn_local_compat=env.get("SFN_LOCAL_COMPAT", "0").strip().lower() in ("1", "true", "yes", "on"),
            map_exit_link=env.get("SFN_MAP_EXIT_LINK", "run-succeeded").strip().lower() or "run-succeeded",
        )


MAP_EXIT_LINKS = ("run-succeeded", "run-started")


def split_list(text: str | None) -> tuple[str, ...]:
    """``a, b c`` (commas or spaces) -> ``("a", "b", "c")``."""
    return tuple(item for item in (text or "").replace(",", " ").split() if item)


def parse_parameter_overrides(items: list[str]) -> dict[str, str]:
    """``sam deploy``'s ``--parameter-overrides`` forms: ``Name=value`` and
    ``ParameterKey=Name,ParameterValue=value``."""
    overrides: dict[str, str] = {}
    for item in items:
        if not item.strip():
            continue
        if item.startswith("ParameterKey="):
            key, _, value = item.partition(",ParameterValue=")
            overrides[key.removeprefix("ParameterKey=")] = value
            continue
        name, separator, value = item.partition("=")
        if not separator or not name:
            raise ValueError(f"parameter override '{item}' is not Name=value")
        overrides[name] = value
    return overrides


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
    """A JSON object ``{"name": "module:function"}`` (or ``{"name": {"handler": …, "environment":
    {…}, "timeout": 3, "memory": 256, "codeDir": "…", "runtime": "python3.12"}}``) or ``name=target``
    lines."""
    text = Path(path).read_text()
    if text.lstrip().startswith("{"):
        loaded = json.loads(text)
        return {
            str(name): str(target["handler"] if isinstance(target, dict) else target)
            for name, target in loaded.items()
        }
    return parse_handler_mapping(text)


def lambda_options_from(path: str | None) -> dict[str, dict[str, object]]:
    """The object entries of a JSON handlers file (everything but ``handler``)."""
    if not path or not Path(path).is_file():
        return {}
    text = Path(path).read_text()
    if not text.lstrip().startswith("{"):
        return {}
    base = Path(path).resolve().parent
    options: dict[str, dict[str, object]] = {}
    for name, entry in json.loads(text).items():
        if isinstance(entry, dict):
            found = {key: value for key, value in entry.items() if key != "handler"}
            if isinstance(found.get("codeDir"), str):  # relative to the file
                found["codeDir"] = str(base / str(found["codeDir"]))
            options[str(name)] = found
    return options


def parse_lambda_environment(items: list[str]) -> dict[str, dict[str, str]]:
    """``NAME=KEY=VALUE`` items -> ``{NAME: {KEY: VALUE}}`` (a value may contain ``=``)."""
    found: dict[str, dict[str, str]] = {}
    for item in items:
        name, _, assignment = item.partition("=")
        key, separator, value = assignment.partition("=")
        if not name.strip() or not key.strip() or not separator:
            raise ValueError(f"--lambda-env '{item}' is not FUNCTION=NAME=VALUE")
        found.setdefault(name.strip(), {})[key.strip()] = value
    return found
