"""`make jsonata-diff`: our JSONata evaluation against jsonata-js, the implementation AWS runs.

    python -m bench.jsonata_diff [--family NAME ...] [--all] [--json FILE] [--write-table FILE]
                                 [--cache DIR] [--version 2.0.6]

Step Functions "implements JSONata based on the 2.0.6 specification" (Transforming data with JSONata,
https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html), and runs jsonata-js. This
tool installs that package from npm into a cache folder (``npm install --prefix``; ``.venv/`` when the
repository has one, else the system's temporary folder), evaluates every case of ``bench.jsonata_cases``
with it (one node process, cases as JSON lines on stdin) and with our evaluator as a state's ``Output``
evaluates it (``compile_template`` + ``JsonataBindings``: the result conversion, the error causes), and
prints each case where the two differ: the value (as JSON text, numbers written the JavaScript way), the
kind of answer (undefined, function, error) or the error's code and message.

Both sides see the case's input as ``$states.input`` and no context item, as in a state.
``--write-table`` writes jsonata-js's answers as the table tests/unit/language/evaluate/
test_jsonata_reference_table.py reads (the test itself needs no node). Exits 0 when node or npm is
missing (with a message saying so), 1 when a difference was found, else 0.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.jsonata_cases import CONTEXT, FAMILIES, Case
from emulator.language.errors import DefinitionError, StatesError
from emulator.language.evaluate.jsonata import JsonataBindings, compile_template
from emulator.language.evaluate.jsonata_values import js_json_text

REPO = Path(__file__).resolve().parent.parent
RUNNER = Path(__file__).resolve().parent / "jsonata_diff_runner.js"
DEFAULT_VERSION = "2.0.6"
EVALUATION_ERROR = "threw an error during evaluation. "


@dataclass(frozen=True)
class Answer:
    """One side's answer: ``kind`` is value / undefined / function / nonfinite / error."""

    kind: str
    json: str | None = None
    code: str | None = None
    message: str | None = None

    def as_row(self) -> dict[str, Any]:
        if self.kind == "value":
            return {"result": json.loads(self.json or "null")}
        if self.kind == "error":
            return {"error": {"code": self.code, "message": self.message}}
        return {"kind": self.kind}

    def show(self) -> str:
        if self.kind == "value":
            return str(self.json)
        if self.kind == "error":
            return f"{self.code}: {self.message}"
        return f"<{self.kind}>"


def default_cache(version: str) -> Path:
    venv = REPO / ".venv"
    base = venv if venv.is_dir() else Path(tempfile.gettempdir())
    return base / f"jsonata-js-{version}"


def install(cache: Path, version: str) -> Path | None:
    """The folder holding ``node_modules/jsonata`` at ``version``; None (and why, printed) if it cannot be."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        print("jsonata-diff: skipped, node and npm are needed (install Node.js) to run jsonata-js")
        return None
    package = cache / "node_modules" / "jsonata" / "package.json"
    if package.is_file() and json.loads(package.read_text()).get("version") == version:
        return cache
    cache.mkdir(parents=True, exist_ok=True)
    print(f"jsonata-diff: npm install --prefix {cache} jsonata@{version}", file=sys.stderr)
    done = subprocess.run(
        [
            "npm",
            "install",
            "--prefix",
            str(cache),
            "--no-audit",
            "--no-fund",
            "--silent",
            f"jsonata@{version}",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0 or not package.is_file():
        print(f"jsonata-diff: skipped, npm could not install jsonata@{version}: {done.stderr.strip()[-400:]}")
        return None
    return cache


def reference_answers(cache: Path, cases: list[Case]) -> list[Answer]:
    """jsonata-js's answers, from one node process fed every case."""
    requests = "".join(
        json.dumps({"id": index, "expression": case.expression, "input": case.input}) + "\n"
        for index, case in enumerate(cases)
    )
    done = subprocess.run(
        ["node", str(RUNNER), str(cache), json.dumps(CONTEXT)],
        input=requests,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    answers: dict[int, Answer] = {}
    for line in done.stdout.splitlines():
        reply = json.loads(line)
        answers[reply["id"]] = Answer(
            reply["kind"], reply.get("json"), reply.get("code"), reply.get("message")
        )
    return [answers[index] for index in range(len(cases))]


def our_answer(case: Case) -> Answer:
    """Our evaluator's answer, through the entry point a state's ``Output`` field uses."""
    try:
        template = compile_template("{% " + case.expression + " %}", "Output")
    except DefinitionError as error:
        code = getattr(error.__cause__, "error", None)
        return Answer("error", code=code, message=error.message)
    try:
        value = template.evaluate(JsonataBindings(states_input=case.input, context=CONTEXT))
    except StatesError as error:
        return _failure_answer(error.cause or "")
    return Answer("value", json=js_json_text(value) or "null")


def _failure_answer(cause: str) -> Answer:
    if cause.endswith("returned nothing (undefined)."):
        return Answer("undefined")
    if cause.endswith("returned an unsupported result type."):
        return Answer("function")
    if EVALUATION_ERROR in cause:
        detail = cause.split(EVALUATION_ERROR, 1)[1]
        code, _, message = detail.partition(": ")
        if code == "D1001" and message == "Number out of range: null":
            return Answer("nonfinite")
        return Answer("error", code=code, message=message)
    return Answer("error", code="?", message=cause)


def same(reference: Answer, ours: Answer) -> bool:
    # A non-finite result is no JSON value: our conversion fails it with the error jsonata-js raises
    # when such a number is used (D1001 "Number out of range: null"); the two are one answer here.
    if reference.kind == "error" and (reference.code, reference.message) == (
        "D1001",
        "Number out of range: null",
    ):
        reference = Answer("nonfinite")
    if reference.kind != ours.kind:
        return False
    if reference.kind == "value":
        return reference.json == ours.json
    if reference.kind == "error":
        return (reference.code, reference.message) == (ours.code, ours.message)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--family", nargs="*", help="only these families (default: all)")
    parser.add_argument("--all", action="store_true", help="print every case, not only the differences")
    parser.add_argument("--json", type=Path, help="write every case's two answers to this file")
    parser.add_argument(
        "--write-table", type=Path, help="write jsonata-js's answers as the unit test's table"
    )
    parser.add_argument("--version", default=DEFAULT_VERSION, help="jsonata-js version (AWS: 2.0.6)")
    parser.add_argument("--cache", type=Path, help="npm --prefix folder (default: .venv/ or the temp folder)")
    args = parser.parse_args(argv)
    if hasattr(sys.stdout, "reconfigure"):  # a lone surrogate in an answer must not end the report
        sys.stdout.reconfigure(errors="backslashreplace")

    cache = install(args.cache or default_cache(args.version), args.version)
    if cache is None:
        return 0
    families = [family for family in FAMILIES if not args.family or family.name in args.family]
    cases = [case for family in families for case in family.cases]
    started = time.perf_counter()
    reference = reference_answers(cache, cases)
    reference_seconds = time.perf_counter() - started
    started = time.perf_counter()
    ours = [our_answer(case) for case in cases]
    our_seconds = time.perf_counter() - started

    differences: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    records: list[dict[str, Any]] = []
    index = 0
    for family in families:
        for case in family.cases:
            theirs, mine = reference[index], ours[index]
            index += 1
            totals[family.name] += 1
            agree = same(theirs, mine)
            if not agree:
                differences[family.name] += 1
            if not agree or args.all:
                mark = "  " if agree else "!="
                print(f"{mark} [{family.name}] {case.expression}   input={json.dumps(case.input)[:80]}")
                print(f"     jsonata-js: {theirs.show()}")
                print(f"     ours:       {mine.show()}")
            records.append(
                {
                    "family": family.name,
                    "expression": case.expression,
                    "input": case.input,
                    "reference": theirs.as_row(),
                    "ours": mine.as_row(),
                    "same": agree,
                }
            )

    print()
    print(f"{'family':<22}{'cases':>7}{'differ':>8}")
    for family in families:
        print(f"{family.name:<22}{totals[family.name]:>7}{differences[family.name]:>8}")
    print(f"{'total':<22}{sum(totals.values()):>7}{sum(differences.values()):>8}")
    print(f"(jsonata-js {args.version}: {reference_seconds:.2f} s; ours: {our_seconds:.2f} s)")
    if args.json:
        args.json.write_text(json.dumps(records, indent=1) + "\n")
    if args.write_table:
        write_table(args.write_table, families, reference, args.version)
    return 1 if differences else 0


def write_table(path: Path, families: list[Any], reference: list[Answer], version: str) -> None:
    """jsonata-js's answers, one table per family with the documentation page its rows come from. A
    table lists its input documents once; a row names its input by position, one row per line."""
    lines = [
        "{",
        f' "generator": {json.dumps(f"python -m bench.jsonata_diff --write-table (jsonata-js {version})")},',
    ]
    lines.append(' "tables": [')
    index = 0
    for number, family in enumerate(families):
        inputs: list[str] = []
        rows = []
        for case in family.cases:
            text = json.dumps(case.input, sort_keys=False)
            if text not in inputs:
                inputs.append(text)
            row = {"expression": case.expression, "input": inputs.index(text), **reference[index].as_row()}
            rows.append("   " + json.dumps(row))
            index += 1
        lines.append(f'  {{"family": {json.dumps(family.name)}, "source": {json.dumps(family.source)},')
        lines.append('   "inputs": [' + ", ".join(inputs) + "],")
        lines.append('   "rows": [')
        lines.append(",\n".join(rows))
        lines.append("  ]}" + ("," if number < len(families) - 1 else ""))
    lines.append(" ]")
    lines.append("}")
    path.write_text("\n".join(lines) + "\n")
    print(f"wrote {index} rows to {os.path.relpath(path)}")


if __name__ == "__main__":
    sys.exit(main())
