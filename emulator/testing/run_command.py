"""``sfn-emulator run``: one execution, its history as a readable timeline, and its output.

    sfn-emulator run flow.asl.json --input '{"id": 1}' [--mock-config mocks.json --test-case HappyPath]
    sfn-emulator run --endpoint http://127.0.0.1:8083 --state-machine Orders --input @order.json

Without ``--endpoint`` the execution runs in this process (no server) on the ``auto`` clock by
default: Wait states and retry intervals take no time while the history keeps their timestamps.
Exit status: 0 when the execution SUCCEEDED, 1 when it FAILED, TIMED_OUT or was ABORTED, 2 when the
definition, the input or the command line is wrong.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
import uuid
from pathlib import Path
from typing import Any, TextIO

from emulator.settings import Settings
from emulator.testing.local_run import DefinitionProblem, LocalEmulator, Outcome, read_definition, run_local
from emulator.testing.timeline import render_timeline

EXIT_SUCCEEDED, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
# Client-side reading of a remote execution's status (the remote emulator's API has no push).
_REMOTE_POLL_SECONDS = 0.05


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sfn-emulator run", description="Run one execution and show it.")
    parser.add_argument("definition", nargs="?", help="state machine definition file (.json, .yaml)")
    parser.add_argument("--input", default="{}", help="execution input: JSON text, or @file")
    parser.add_argument("--name", help="state machine name (default: the file's name, or the mock config's)")
    parser.add_argument("--type", default="STANDARD", choices=("STANDARD", "EXPRESS"))
    parser.add_argument("--mock-config", help="Step Functions Local mock configuration file")
    parser.add_argument("--test-case", help="mock configuration test case to run")
    parser.add_argument("--template", help="SAM / CloudFormation template holding the state machine")
    parser.add_argument(
        "--state-machine", help="state machine: logical id (--template), name or ARN (--endpoint)"
    )
    parser.add_argument("--endpoint", help="run on a running emulator at this URL instead of in process")
    parser.add_argument("--clock", default="auto", choices=("auto", "virtual", "real"), help="default auto")
    parser.add_argument("--output", default="text", choices=("text", "json"), help="timeline or raw history")
    parser.add_argument("--timeout", type=float, default=None, help="give up after this many real seconds")
    return parser


def main(argv: list[str], out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    args = build_parser().parse_args(argv)
    try:
        input_text = read_input(args.input)
        if args.endpoint:
            outcome = run_remote(args, input_text)
        else:
            outcome = run_local(_run_in_process(args, input_text))
    except DefinitionProblem as problem:
        print(f"sfn-emulator run: {problem}", file=err)
        return EXIT_USAGE
    except TimeoutError:
        print(f"sfn-emulator run: the execution did not end within {args.timeout} s", file=err)
        return EXIT_FAILED
    if args.output == "json":
        print(
            json.dumps({"execution": outcome.description, "events": outcome.events}, default=str, indent=2),
            file=out,
        )
    else:
        print(render_timeline(outcome.description, outcome.events), file=out)
    return EXIT_SUCCEEDED if outcome.status == "SUCCEEDED" else EXIT_FAILED


def read_input(value: str) -> str:
    text = value
    if value.startswith("@"):
        try:
            text = Path(value[1:]).read_text(encoding="utf-8")
        except OSError as error:
            raise DefinitionProblem(f"cannot read the input file {value[1:]}: {error.strerror}") from None
    try:
        json.loads(text)
    except ValueError as error:
        raise DefinitionProblem(f"the input is not JSON: {error}") from None
    return text


def definition_from(args: argparse.Namespace) -> tuple[str, str]:
    """(state machine name, definition text) from a file."""
    if not args.definition:
        raise DefinitionProblem("give a definition file, --template, or --endpoint with --state-machine")
    name = args.name or args.state_machine or Path(args.definition).name.split(".")[0]
    return name, read_definition(args.definition)


async def _run_in_process(args: argparse.Namespace, input_text: str) -> Outcome:
    import asyncio

    if not args.template:
        name, definition = definition_from(args)
    settings = dataclasses.replace(
        Settings.from_environment(), clock=args.clock, mock_config_path=args.mock_config
    )
    async with LocalEmulator(settings) as emulator:
        if args.template:  # loaded into this emulator: its functions and resources exist too
            from emulator.testing.templates_hook import definition_from_template

            name, definition = await definition_from_template(emulator.env, args.template, args.state_machine)
            name = args.name or name
        if args.mock_config and not args.name and not (args.state_machine and not args.template):
            name = _only_machine(args.mock_config) or name
        arn = await emulator.create_state_machine(name, definition, args.type)
        work = emulator.execute(arn, input_text, args.test_case, express=args.type == "EXPRESS")
        async with asyncio.timeout(args.timeout or None):
            return await work


def _only_machine(mock_config: str) -> str | None:
    try:
        document = json.loads(Path(mock_config).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise DefinitionProblem(f"cannot read the mock config {mock_config}: {error}") from None
    machines = list((document.get("StateMachines") or {}) if isinstance(document, dict) else {})
    return machines[0] if len(machines) == 1 else None


def run_remote(args: argparse.Namespace, input_text: str) -> Outcome:
    """Start the execution on a running emulator and read it back (boto3)."""
    import boto3
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError

    settings = Settings.from_environment()
    client = boto3.client(
        "stepfunctions",
        endpoint_url=args.endpoint,
        region_name=settings.region,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(inject_host_prefix=False, retries={"max_attempts": 1}),
    )
    try:
        arn = _remote_machine(client, args, settings)
        target = f"{arn}#{args.test_case}" if args.test_case else arn
        execution = client.start_execution(stateMachineArn=target, input=input_text)["executionArn"]
        deadline = None if args.timeout is None else time.monotonic() + args.timeout
        while (described := client.describe_execution(executionArn=execution))["status"] == "RUNNING":
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError()
            time.sleep(_REMOTE_POLL_SECONDS)
        events: list[dict[str, Any]] = []
        for page in client.get_paginator("get_execution_history").paginate(executionArn=execution):
            events.extend(page["events"])
    except ClientError as error:
        raise DefinitionProblem(str(error)) from None
    except BotoCoreError as error:
        raise DefinitionProblem(f"cannot reach {args.endpoint}: {error}") from None
    description = {key: value for key, value in described.items() if key != "ResponseMetadata"}
    return Outcome(description, events)


def _remote_machine(client: Any, args: argparse.Namespace, settings: Settings) -> str:
    if args.template:
        raise DefinitionProblem(
            "--template runs in process: start the emulator at --endpoint with --template instead"
        )
    if args.definition:
        name, definition = definition_from(args)
        return str(
            client.create_state_machine(
                name=f"{name}-{uuid.uuid4().hex[:8]}", definition=definition, roleArn=_ROLE, type=args.type
            )["stateMachineArn"]
        )
    if not args.state_machine:
        raise DefinitionProblem("--endpoint needs --state-machine (a name or ARN) or a definition file")
    if args.state_machine.startswith("arn:"):
        return str(args.state_machine)
    return f"arn:aws:states:{settings.region}:{settings.account_id}:stateMachine:{args.state_machine}"


_ROLE = "arn:aws:iam::123456789012:role/sfn-emulator-run"
