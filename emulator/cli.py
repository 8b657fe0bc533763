"""Command line: ``sfn-emulator`` / ``python -m emulator``.

A mistake in the command line or the environment is one line naming it and a non-zero exit, never
a traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
import errno
import gc
import logging
import os
import sys
from typing import NoReturn

from emulator.log_format import configure_logging
from emulator.settings import (
    CLOCK_MODES,
    MAP_EXIT_LINKS,
    Settings,
    parse_handler_mapping,
    parse_lambda_environment,
    parse_parameter_overrides,
)

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class UsageError(Exception):
    """A start-up problem the user can fix; printed as one line."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("sfn-emulator")
    except PackageNotFoundError:
        return "unknown"


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"port '{text}' is not a number") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port {port} is out of range (1-65535)")
    return port


def _level(text: str) -> str:
    if text.upper() not in LOG_LEVELS:
        raise argparse.ArgumentTypeError(f"log level '{text}' is not one of {', '.join(LOG_LEVELS)}")
    return text.upper()


def parse_settings(argv: list[str] | None = None) -> Settings:
    try:
        base = Settings.from_environment()
    except (ValueError, OSError) as error:
        raise UsageError(f"the environment's configuration is invalid: {error}") from None
    parser = _Parser(prog="sfn-emulator", description="AWS Step Functions local emulator")
    parser.add_argument("--version", action="version", version=f"sfn-emulator {version()}")
    parser.add_argument("--host", default=base.host, help="address to bind (default %(default)s)")
    parser.add_argument("--port", type=_port, default=base.port, help="port (default %(default)s)")
    parser.add_argument("--account-id", default=base.account_id, help="AWS account id (AWS_ACCOUNT_ID)")
    parser.add_argument("--region", default=base.region, help="default region (AWS_DEFAULT_REGION)")
    parser.add_argument(
        "--log-level", type=_level, default=base.log_level, help="DEBUG, INFO, WARNING, ERROR (LOG_LEVEL)"
    )
    parser.add_argument(
        "--log-format",
        choices=("text", "json"),
        default=base.log_format,
        help="text or json (SFN_LOG_FORMAT)",
    )
    parser.add_argument(
        "--aws-log-level",
        type=_level,
        default=base.aws_log_level,
        help="level of botocore, moto and aiohttp's own logs (default WARNING; SFN_AWS_LOG_LEVEL)",
    )
    parser.add_argument(
        "--wait-time-scale",
        type=float,
        default=base.wait_time_scale,
        help="scale for Wait states and retry delays; 0 = no waiting (WAIT_TIME_SCALE)",
    )
    parser.add_argument(
        "--mock-config", default=base.mock_config_path, help="mock config file (SFN_MOCK_CONFIG)"
    )
    parser.add_argument(
        "--mock-module",
        default=base.mock_module,
        metavar="MODULE",
        help="module whose register(mocks) registers Python mocks at start-up (SFN_MOCK_MODULE)",
    )
    parser.add_argument(
        "--lambda-handler",
        action="append",
        default=[],
        metavar="NAME=MODULE:FUNCTION",
        help="run Lambda function NAME with a local Python handler (repeatable; NAME may end in *)",
    )
    parser.add_argument(
        "--lambda-env",
        action="append",
        default=[],
        metavar="NAME=KEY=VALUE",
        help="environment variable KEY of local function NAME (repeatable)",
    )
    parser.add_argument(
        "--lambda-memory",
        type=int,
        default=base.lambda_memory_mb,
        metavar="MB",
        help="memory cap of local functions that declare no MemorySize (SFN_LAMBDA_MEMORY_MB)",
    )
    parser.add_argument(
        "--timeout-scale",
        type=float,
        default=base.timeout_scale,
        help="scale for task TimeoutSeconds/HeartbeatSeconds (SFN_TIMEOUT_SCALE)",
    )
    parser.add_argument(
        "--cors-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="let web pages of ORIGIN (http://localhost:3000; * = any) call the emulator "
        "(repeatable; SFN_CORS_ORIGINS)",
    )
    parser.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="answer requests for host NAME besides the loopback names when bound to a loopback "
        "address (repeatable; SFN_ALLOWED_HOSTS)",
    )
    parser.add_argument(
        "--evaluation-timeout",
        type=float,
        default=base.evaluation_timeout,
        metavar="SECONDS",
        help="how long one state's JSONata evaluation may run before the state fails with "
        "States.QueryEvaluationError (default %(default)s; SFN_EVALUATION_TIMEOUT)",
    )
    parser.add_argument(
        "--data-dir",
        default=base.data_dir,
        metavar="DIR",
        help="keep state machines, executions (running ones resume) and the in-process AWS services' "
        "state in DIR across restarts (SFN_DATA_DIR; default: memory only)",
    )
    parser.add_argument(
        "--retained-executions",
        type=int,
        default=base.retained_executions,
        metavar="N",
        help="finished executions kept per account and region, oldest evicted first; 0 = no limit "
        "(default %(default)s; SFN_RETAINED_EXECUTIONS)",
    )
    parser.add_argument(
        "--execution-retention-days",
        type=float,
        default=base.retention_days,
        metavar="DAYS",
        help="evict finished executions older than this; 0 = never (default %(default)s, as AWS; "
        "SFN_EXECUTION_RETENTION_DAYS)",
    )
    parser.add_argument(
        "--template",
        action="append",
        default=[],
        metavar="PATH",
        help="SAM / CloudFormation template or CDK cloud assembly (cdk.out) to load (repeatable; SFN_TEMPLATES)",
    )
    parser.add_argument(
        "--parameter-overrides",
        action="extend",
        nargs="+",
        default=[],
        metavar="NAME=VALUE",
        help="template parameter values, as sam deploy takes them (SFN_PARAMETER_OVERRIDES)",
    )
    parser.add_argument(
        "--no-console",
        dest="console",
        action="store_false",
        default=base.console,
        help="do not serve the web console at /_console/ (SFN_CONSOLE=0)",
    )
    parser.add_argument(
        "--clock",
        choices=CLOCK_MODES,
        default=base.clock if base.clock in CLOCK_MODES else "real",
        help="real (default), virtual (moved by POST /_emulator/clock) or auto (virtual, skipping "
        "to the next timer when every execution waits on one) (SFN_CLOCK)",
    )
    parser.add_argument(
        "--sfn-local-compat",
        action="store_true",
        default=base.sfn_local_compat,
        help="name AWS SDK integrations in history as Step Functions Local does: resourceType "
        "'aws-sdk', resource '<service>:<action>' (SFN_LOCAL_COMPAT=1)",
    )
    parser.add_argument(
        "--map-exit-link",
        choices=MAP_EXIT_LINKS,
        default=base.map_exit_link,
        help="which event a Distributed Map's MapStateExited follows in history: run-succeeded "
        "(default, as AWS recorded it until mid-2024) or run-started (as AWS records it since "
        "November 2024) (SFN_MAP_EXIT_LINK)",
    )
    args = parser.parse_args(argv)
    handlers = dict(base.lambda_handlers)
    try:
        for item in args.lambda_handler:
            handlers.update(parse_handler_mapping(item))
        environment = {name: dict(values) for name, values in base.lambda_environment.items()}
        for name, values in parse_lambda_environment(args.lambda_env).items():
            environment.setdefault(name, {}).update(values)
    except ValueError as error:
        parser.error(str(error))
    return dataclasses.replace(
        base,
        host=args.host,
        port=args.port,
        account_id=args.account_id,
        region=args.region,
        log_level=args.log_level,
        log_format=args.log_format,
        aws_log_level=args.aws_log_level,
        wait_time_scale=args.wait_time_scale,
        mock_config_path=args.mock_config,
        mock_module=args.mock_module,
        lambda_handlers=handlers,
        lambda_environment=environment,
        lambda_memory_mb=args.lambda_memory,
        timeout_scale=args.timeout_scale,
        cors_origins=(*base.cors_origins, *args.cors_origin),
        allowed_hosts=(*base.allowed_hosts, *args.allow_host),
        evaluation_timeout=args.evaluation_timeout,
        retained_executions=args.retained_executions,
        retention_days=args.execution_retention_days,
        template_paths=tuple(args.template) or base.template_paths,
        parameter_overrides={**base.parameter_overrides, **_overrides(parser, args.parameter_overrides)},
        console=args.console,
        clock=args.clock,
        sfn_local_compat=args.sfn_local_compat,
        map_exit_link=args.map_exit_link,
        data_dir=args.data_dir,
    )


def check_settings(settings: Settings) -> None:
    """What can be checked before anything starts."""
    if settings.map_exit_link not in MAP_EXIT_LINKS:
        raise UsageError(
            f"SFN_MAP_EXIT_LINK '{settings.map_exit_link}' is not one of: {', '.join(MAP_EXIT_LINKS)}"
        )
    if settings.mock_config_path and not os.path.isfile(settings.mock_config_path):
        raise UsageError(f"mock config file '{settings.mock_config_path}' does not exist")
    if settings.mock_module:
        # Like ``python -m``: a module in the working directory is importable.
        if os.getcwd() not in sys.path:
            sys.path.insert(0, os.getcwd())
        import importlib.util

        try:
            found = importlib.util.find_spec(settings.mock_module)
        except (ImportError, ValueError) as error:
            raise UsageError(f"cannot import mock module '{settings.mock_module}': {error}") from None
        if found is None:
            raise UsageError(
                f"mock module '{settings.mock_module}' not found (looked in {os.getcwd()} and the Python path)"
            )
    if settings.lambda_memory_mb < 128:
        raise UsageError(f"--lambda-memory {settings.lambda_memory_mb} is below Lambda's minimum of 128 MB")


def bind_error(error: OSError, settings: Settings) -> str:
    if error.errno == errno.EADDRINUSE:
        return f"port {settings.port} is in use; choose another with --port"
    if error.errno == errno.EACCES:
        return f"not allowed to listen on port {settings.port}; choose another with --port"
    return f"cannot listen on {settings.host}:{settings.port}: {error.strerror or error}"


def _overrides(parser: argparse.ArgumentParser, items: list[str]) -> dict[str, str]:
    try:
        return parse_parameter_overrides(items)
    except ValueError as error:
        parser.error(str(error))


# ``sfn-emulator <command> …``: commands other than serving (the flags alone still start the server).
COMMANDS = {"run": "emulator.testing.run_command", "test": "emulator.testing.suite_command"}


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    if arguments and arguments[0] in COMMANDS:
        import importlib

        return int(importlib.import_module(COMMANDS[arguments[0]]).main(arguments[1:]))
    try:
        settings = parse_settings(argv)
        check_settings(settings)
    except UsageError as error:
        print(f"sfn-emulator: error: {error}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, settings.log_format, settings.aws_log_level)
    from aiohttp import web

    from emulator.app import build_app

    try:
        app = build_app(settings, background_warm_up=True)
    except Exception as error:  # a broken mock config / module: one line, the detail at DEBUG
        logging.getLogger("emulator").debug("start-up failed", exc_info=True)
        print(f"sfn-emulator: error: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    # Everything built so far lives as long as the process: spare it the collector's full passes.
    gc.freeze()

    def listening(_: str) -> None:
        print(
            f"sfn-emulator listening on http://{settings.host}:{settings.port}", file=sys.stderr, flush=True
        )
        if settings.console:
            print(
                f"web console: http://{settings.host}:{settings.port}/_console/", file=sys.stderr, flush=True
            )

    try:
        web.run_app(app, host=settings.host, port=settings.port, print=listening, access_log=None)
    except OSError as error:
        print(f"sfn-emulator: error: {bind_error(error, settings)}", file=sys.stderr)
        return 1
    return 0
