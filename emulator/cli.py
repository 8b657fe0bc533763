"""Command line: ``sfn-emulator`` / ``python -m emulator``."""

from __future__ import annotations

import argparse
import dataclasses
import gc
import logging
import sys

from emulator.settings import CLOCK_MODES, Settings, parse_handler_mapping


def parse_settings(argv: list[str] | None = None) -> Settings:
    base = Settings.from_environment()
    parser = argparse.ArgumentParser(prog="sfn-emulator", description="AWS Step Functions local emulator")
    parser.add_argument("--host", default=base.host, help="address to bind (default %(default)s)")
    parser.add_argument("--port", type=int, default=base.port, help="port (default %(default)s)")
    parser.add_argument("--account-id", default=base.account_id, help="AWS account id (AWS_ACCOUNT_ID)")
    parser.add_argument("--region", default=base.region, help="default region (AWS_DEFAULT_REGION)")
    parser.add_argument("--log-level", default=base.log_level, help="DEBUG, INFO, WARNING, ERROR (LOG_LEVEL)")
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
        "--timeout-scale",
        type=float,
        default=base.timeout_scale,
        help="scale for task TimeoutSeconds/HeartbeatSeconds (SFN_TIMEOUT_SCALE)",
    )
    parser.add_argument(
        "--clock",
        choices=CLOCK_MODES,
        default=base.clock if base.clock in CLOCK_MODES else "real",
        help="real (default), virtual (moved by POST /_emulator/clock) or auto (virtual, skipping "
        "to the next timer when every execution waits on one) (SFN_CLOCK)",
    )
    args = parser.parse_args(argv)
    handlers = dict(base.lambda_handlers)
    for item in args.lambda_handler:
        handlers.update(parse_handler_mapping(item))
    return dataclasses.replace(
        base,
        host=args.host,
        port=args.port,
        account_id=args.account_id,
        region=args.region,
        log_level=args.log_level.upper(),
        wait_time_scale=args.wait_time_scale,
        mock_config_path=args.mock_config,
        mock_module=args.mock_module,
        lambda_handlers=handlers,
        timeout_scale=args.timeout_scale,
        clock=args.clock,
    )


# ``sfn-emulator <command> …``: commands other than serving (the flags alone still start the server).
COMMANDS = {"run": "emulator.testing.run_command", "test": "emulator.testing.suite_command"}


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    if arguments and arguments[0] in COMMANDS:
        import importlib

        return int(importlib.import_module(COMMANDS[arguments[0]]).main(arguments[1:]))
    settings = parse_settings(argv)
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from aiohttp import web

    from emulator.app import build_app

    app = build_app(settings, background_warm_up=True)
    # Everything built so far lives as long as the process: spare it the collector's full passes.
    gc.freeze()
    print(f"sfn-emulator listening on http://{settings.host}:{settings.port}", file=sys.stderr, flush=True)
    web.run_app(app, host=settings.host, port=settings.port, print=None, access_log=None)
    return 0
