"""``sfn-emulator test``: every test case of a Step Functions Local mock configuration, run against
its state machine and checked against its expectations (emulator/testing/expectations.py).

    sfn-emulator test mocks.json [--definition Orders=orders.asl.json] [--junit report.xml]

A state machine's definition comes from ``--definition NAME=FILE``, else ``--template``, else a
file ``NAME.asl.json`` / ``.asl.yaml`` / ``.asl.yml`` beside the mock configuration. Prints one line
per case and ``N passed, N failed``; exit status 1 when any case failed, 2 when the command line or
the mock configuration is wrong. Each case runs on a fresh emulator (nothing leaks between cases)
on the ``auto`` clock (Wait states and retry intervals take no time).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from emulator.settings import Settings
from emulator.testing.expectations import ExpectationError, check, parse_expectations
from emulator.testing.junit import CaseResult, junit_xml
from emulator.testing.local_run import DefinitionProblem, LocalEmulator, read_definition, run_local

EXIT_PASSED, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
# The definition is read from the template, loaded into each case's emulator (its functions too).
FROM_TEMPLATE = "<template>"
DEFINITION_SUFFIXES = (".asl.json", ".asl.yaml", ".asl.yml")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sfn-emulator test",
        description="Run a mock configuration's test cases and check their expectations.",
    )
    parser.add_argument(
        "mock_config", help="Step Functions Local mock configuration file (with Expectations)"
    )
    parser.add_argument(
        "--definition",
        action="append",
        default=[],
        metavar="NAME=FILE",
        help="definition of state machine NAME",
    )
    parser.add_argument("--template", help="SAM / CloudFormation template holding the state machines")
    parser.add_argument("--junit", metavar="FILE", help="write a JUnit XML report")
    parser.add_argument("--clock", default="auto", choices=("auto", "virtual", "real"), help="default auto")
    parser.add_argument(
        "--timeout", type=float, default=60.0, help="real seconds a case may take (default 60)"
    )
    parser.add_argument("-k", dest="select", help="only cases whose 'Machine/Case' contains this text")
    return parser


def main(argv: list[str], out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    args = build_parser().parse_args(argv)
    try:
        document = _read_config(args.mock_config)
        explicit = dict(_definition_argument(item) for item in args.definition)
    except DefinitionProblem as problem:
        print(f"sfn-emulator test: {problem}", file=err)
        return EXIT_USAGE
    results = run_local(_run_all(args, document, explicit, out))
    passed = sum(1 for result in results if result.passed)
    failed = len(results) - passed
    print(f"{passed} passed, {failed} failed", file=out)
    if args.junit:
        Path(args.junit).write_bytes(junit_xml(results))
    return EXIT_FAILED if failed else EXIT_PASSED


def _read_config(path: str) -> dict[str, Any]:
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise DefinitionProblem(f"cannot read {path}: {error.strerror}") from None
    except ValueError as error:
        raise DefinitionProblem(f"{path} is not valid JSON: {error}") from None
    if not isinstance(document, dict) or not isinstance(document.get("StateMachines"), dict):
        raise DefinitionProblem(f"{path} has no 'StateMachines' object")
    return document


def _definition_argument(item: str) -> tuple[str, str]:
    name, separator, file = item.partition("=")
    if not separator or not name or not file:
        raise DefinitionProblem(f"--definition {item!r} is not NAME=FILE")
    return name, file


def find_definition(name: str, mock_config: str, explicit: dict[str, str], template: str | None) -> str:
    """The definition text of state machine ``name``."""
    if name in explicit:
        return read_definition(explicit[name])
    if template:
        return FROM_TEMPLATE
    folder = Path(mock_config).resolve().parent
    for suffix in DEFINITION_SUFFIXES:
        candidate = folder / f"{name}{suffix}"
        if candidate.exists():
            return read_definition(str(candidate))
    raise DefinitionProblem(
        f"no definition for state machine {name!r}: give --definition {name}=FILE or put {name}.asl.json "
        f"beside {Path(mock_config).name}"
    )


async def _run_all(
    args: argparse.Namespace, document: dict[str, Any], explicit: dict[str, str], out: TextIO
) -> list[CaseResult]:
    settings = dataclasses.replace(Settings.from_environment(), clock=args.clock)
    results: list[CaseResult] = []
    for machine, raw_machine in document["StateMachines"].items():
        raw_machine = raw_machine if isinstance(raw_machine, dict) else {}
        cases = raw_machine.get("TestCases") or {}
        expectations = raw_machine.get("Expectations") or {}
        try:
            definition: str | None = find_definition(machine, args.mock_config, explicit, args.template)
            problem = None
        except DefinitionProblem as error:
            definition, problem = None, str(error)
        for case in cases:
            if args.select and args.select not in f"{machine}/{case}":
                continue
            started = time.perf_counter()
            if definition is None:
                result = CaseResult(machine, case, 0.0, error=problem)
            else:
                result = await _run_case(
                    settings, document, machine, case, definition, expectations.get(case), args
                )
            result = dataclasses.replace(result, seconds=time.perf_counter() - started)
            results.append(result)
            print(_line(result), file=out, flush=True)
    return results


async def _run_case(
    settings: Settings,
    document: dict[str, Any],
    machine: str,
    case: str,
    definition: str,
    raw_expectations: Any,
    args: argparse.Namespace,
) -> CaseResult:
    import asyncio

    try:
        expected = parse_expectations(raw_expectations, f"StateMachines.{machine}.Expectations.{case}")
    except ExpectationError as error:
        return CaseResult(machine, case, 0.0, error=str(error))
    try:
        async with LocalEmulator(settings) as emulator:
            emulator.add_mock_config(document)
            if definition == FROM_TEMPLATE:
                from emulator.testing.templates_hook import definition_from_template

                definition = (await definition_from_template(emulator.env, args.template, machine))[1]
            arn = await emulator.create_state_machine(machine, definition)
            async with asyncio.timeout(args.timeout):
                outcome = await emulator.execute(arn, json.dumps(expected.input), case)
    except DefinitionProblem as error:
        return CaseResult(machine, case, 0.0, error=str(error))
    except TimeoutError:
        return CaseResult(machine, case, 0.0, problems=(f"did not end within {args.timeout} s",))
    return CaseResult(
        machine, case, 0.0, problems=tuple(check(expected, outcome.description, outcome.events))
    )


def _line(result: CaseResult) -> str:
    verdict = "PASS" if result.passed else ("ERROR" if result.error else "FAIL")
    line = f"{verdict}  {result.state_machine}/{result.test_case}  ({result.seconds * 1000:.0f} ms)"
    details = [result.error] if result.error else list(result.problems)
    return "\n".join([line, *(f"      {detail}" for detail in details)])
