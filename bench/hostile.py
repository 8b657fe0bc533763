"""`make bench-hostile`: what each hostile evaluation costs the emulator, and everyone else meanwhile.

    python -m bench.hostile [--cap 60] [--only tail_recursion match_backtracking …] [--out FILE]

Each case runs against a fresh emulator process (the command ``make run`` uses): one execution whose
definition evaluates something hostile, while a second client times ListStateMachines and
StartExecution (of a one-Pass machine) every 20 ms. Reported per case: seconds until the execution
ended (or ``cap`` if it had not, when the server is killed), its status and error, the server's peak
RSS (VmHWM) growth, and the concurrent requests' latencies (median / worst) and failures (timeouts).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import core
from bench.perf import OUTPUT_DIRECTORY, emulator_server

_PROBE_TIMEOUT = 5.0
_PASS = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}


def _jsonata_pass(output: str) -> dict[str, Any]:
    return {
        "QueryLanguage": "JSONata",
        "StartAt": "P",
        "States": {"P": {"Type": "Pass", "Output": output, "End": True}},
    }


def _string_matches(pattern: str) -> dict[str, Any]:
    return {
        "StartAt": "C",
        "States": {
            "C": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.s", "StringMatches": pattern, "Next": "Yes"}],
                "Default": "No",
            },
            "Yes": {"Type": "Succeed"},
            "No": {"Type": "Succeed"},
        },
    }


# name -> (definition, input): the cases of issue 10, item 1.
CASES: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "tail_recursion": (_jsonata_pass("{% ( $f := function($x){ $f($x+1) }; $f(0) ) %}"), {}),
    "match_backtracking": (
        _jsonata_pass("{% $count($match($states.input.s, /(a+)+$/)) %}"),
        {"s": "a" * 30 + "!"},
    ),
    "glob_s3_key": (_string_matches("*/*/*/*.json"), {"s": "a/" * 768}),
    "glob_stars": (_string_matches("*a*a*a*a*a*a*b"), {"s": "a" * 3072}),
    "pad_1e9": (_jsonata_pass("{% $pad('', 1e9) %}"), {}),
}


@dataclass
class Probe:
    """ListStateMachines / StartExecution latencies of another client while the case runs."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: {"list": [], "start": []})
    failures: int = 0
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self, endpoint: str, pass_arn: str) -> None:
        client = core.Sfn(endpoint, timeout=_PROBE_TIMEOUT)
        calls = (
            ("list", "ListStateMachines", {}),
            ("start", "StartExecution", {"stateMachineArn": pass_arn}),
        )
        turn = 0
        while not self.stop.is_set():
            key, operation, payload = calls[turn % 2]
            turn += 1
            began = time.perf_counter()
            try:
                client.call(operation, payload)
                self.latencies[key].append(time.perf_counter() - began)
            except Exception:  # noqa: BLE001 - a timed-out probe is what we count
                self.failures += 1
                client.close()
            time.sleep(0.02)
        client.close()

    def summary(self) -> dict[str, Any]:
        out: dict[str, Any] = {"probe_failures": self.failures}
        for key, values in self.latencies.items():
            out[f"{key}_n"] = len(values)
            out[f"{key}_median_ms"] = round(statistics.median(values) * 1000, 1) if values else None
            out[f"{key}_worst_ms"] = round(max(values) * 1000, 1) if values else None
        return out


def _peak_rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def run_case(name: str, cap: float) -> dict[str, Any]:
    definition, payload = CASES[name]
    server = emulator_server()
    server.start(core)
    pid = server.pid
    assert pid is not None
    try:
        client = core.Sfn(server.endpoint, timeout=_PROBE_TIMEOUT)
        machine = core.create_sm(client, f"hostile-{name}", definition)
        pass_machine = core.create_sm(client, "hostile-probe", _PASS)
        # one warm execution, so lazy start-up work is not measured
        warm = client.call("StartExecution", {"stateMachineArn": pass_machine})
        core.wait_execution(client, warm["executionArn"], 30)
        rss_before = _peak_rss_mb(pid)
        probe = Probe()
        thread = threading.Thread(target=probe.run, args=(server.endpoint, pass_machine), daemon=True)
        began = time.perf_counter()
        started = client.call("StartExecution", {"stateMachineArn": machine, "input": json.dumps(payload)})
        thread.start()
        described: dict[str, Any] = {"status": "RUNNING"}
        while time.perf_counter() - began < cap:
            try:
                described = client.call("DescribeExecution", {"executionArn": started["executionArn"]})
            except Exception:  # noqa: BLE001 - the server did not answer in time
                client.close()
                continue
            if described["status"] != "RUNNING":
                break
            time.sleep(0.05)
        elapsed = time.perf_counter() - began
        probe.stop.set()
        thread.join(timeout=_PROBE_TIMEOUT + 1)
        result = {
            "case": name,
            "seconds": round(elapsed, 2),
            "ended": described["status"] != "RUNNING",
            "status": described["status"],
            "error": described.get("error"),
            "cause": (described.get("cause") or "")[:160],
            "peak_rss_growth_mb": round(_peak_rss_mb(pid) - rss_before, 1),
            **probe.summary(),
        }
        client.close()
        return result
    finally:
        server.stop(9)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cap", type=float, default=60.0, help="seconds before a case counts as unbounded")
    parser.add_argument("--only", nargs="*", choices=sorted(CASES), help="run only these cases")
    parser.add_argument("--out", help="results JSON (default .bench/hostile-<time>.json)")
    args = parser.parse_args(argv)
    results = []
    for name in args.only or CASES:
        result = run_case(name, args.cap)
        print(json.dumps(result), flush=True)
        results.append(result)
    OUTPUT_DIRECTORY.mkdir(exist_ok=True)
    out = Path(args.out) if args.out else OUTPUT_DIRECTORY / f"hostile-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps({"cap": args.cap, "results": results}, indent=2))
    print(f"written {out}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
