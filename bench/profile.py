"""`make bench BENCH_ARGS=--profile`: each scenario against its own emulator running under cProfile.

The emulator is started as ``python -m cProfile -o .bench/profile-<phase>.prof -m emulator …``; aiohttp
turns SIGTERM into a clean exit, so cProfile writes its file. The top functions by own time go to
``.bench/profile-<phase>.txt`` and are printed. Start-up and the round's warm-up are in the profile too:
read own time (tottime), not cumulative time, for the scenario's hot spots.
"""

from __future__ import annotations

import argparse
import io
import pstats
import sys
from pathlib import Path

from bench import perf

DEFAULT_PHASES = ("sync", "exec1000", "map", "tp8", "choice", "parallel", "jsonata", "sqs")


def top_functions(profile_path: Path, limit: int = 25, sort: str = "tottime") -> str:
    """The ``limit`` most expensive functions of a cProfile file, as pstats prints them."""
    buffer = io.StringIO()
    stats = pstats.Stats(str(profile_path), stream=buffer)
    stats.strip_dirs().sort_stats(sort).print_stats(limit)
    return buffer.getvalue()


def profile_phase(args: argparse.Namespace, phase: str) -> Path | None:
    """Run one phase against a profiled emulator; the text report's path (None when it was skipped)."""
    perf.OUTPUT_DIRECTORY.mkdir(exist_ok=True)
    profile_path = perf.OUTPUT_DIRECTORY / f"profile-{phase}.prof"
    profile_path.unlink(missing_ok=True)
    server = perf.emulator_server([sys.executable, "-m", "cProfile", "-o", str(profile_path)])
    options = argparse.Namespace(**{**vars(args), "only": [phase]})
    if phase == "express" and not options.express_executions:
        options.express_executions = 20000
    result = perf.run_round(perf.load_core(Path(args.shared) if args.shared else None), server, options, 1)
    if phase in result.get("skipped", {}) or not profile_path.exists():
        return None
    report = perf.OUTPUT_DIRECTORY / f"profile-{phase}.txt"
    report.write_text(top_functions(profile_path))
    return report


def profile_all(args: argparse.Namespace) -> int:
    phases = args.only or DEFAULT_PHASES
    for phase in phases:
        print(f"== profiling {phase}", flush=True)
        report = profile_phase(args, phase)
        if report is None:
            print(f"   {phase}: skipped", flush=True)
            continue
        print(report.read_text(), flush=True)
        print(f"   wrote {report}", flush=True)
    return 0
