"""Invocation latency of a local Lambda handler that imports boto3 (``make bench-lambda``).

* cold: the first invocation starts the worker (Python start-up, import of boto3 and the handler);
* after start: the first invocation once ``LocalHandlers.start`` warmed a worker, as the server does
  at start-up for the functions it is given;
* warm: p50 / p99 of further invocations (one worker, one event at a time);
* reload check: the per-invocation cost of looking for edited files (one ``stat`` per source file
  the worker loaded from the function's folder).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from emulator.integrations.lambda_functions import FunctionConfig, LocalFunctions
from emulator.integrations.lambda_handlers import LocalHandlers

HANDLER = """import boto3

client = boto3.client("dynamodb", region_name="us-east-1")


def handler(event, context):
    return {"ok": True, "function": context.function_name}
"""
ARN = "arn:aws:lambda:us-east-1:123456789012:function:bench"


async def measure(invocations: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "app.py").write_text(HANDLER)
        config = FunctionConfig("bench", "app.handler", code_dir=folder, memory_size_mb=512)
        handlers = LocalHandlers(LocalFunctions([config]))
        try:
            started = time.perf_counter()
            await handlers.invoke("bench", "{}", "cold", ARN)
            cold = time.perf_counter() - started
        finally:
            await handlers.close()
        handlers = LocalHandlers(LocalFunctions([config]))
        try:
            await handlers.start()
            started = time.perf_counter()
            await handlers.invoke("bench", "{}", "first", ARN)
            after_start = time.perf_counter() - started
            warm = []
            for number in range(invocations):
                started = time.perf_counter()
                await handlers.invoke("bench", "{}", f"warm-{number}", ARN)
                warm.append(time.perf_counter() - started)
            function = next(iter(handlers._functions.values()))  # noqa: SLF001 - measuring its check
            started = time.perf_counter()
            for _ in range(1000):
                function.code_changed()
            check = (time.perf_counter() - started) / 1000
        finally:
            await handlers.close()
    warm.sort()
    return {
        "cold_ms": cold * 1000,
        "after_start_ms": after_start * 1000,
        "warm_p50_ms": statistics.median(warm) * 1000,
        "warm_p99_ms": warm[int(len(warm) * 0.99) - 1] * 1000,
        "reload_check_us": check * 1e6,
        "watched_files": float(len(function.files)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--invocations", type=int, default=200)
    args = parser.parse_args()
    result = asyncio.run(measure(args.invocations))
    for name, value in result.items():
        print(f"{name:>18}: {value:.2f}")


if __name__ == "__main__":
    main()
