"""`make bench`: start the emulator, run the scenarios, print median/min/max per scenario, write JSON.

    python -m bench.perf [--rounds 3] [--duration 5] [--peer moto] [--express-executions 100000]
                         [--soak-executions 100000]
                         [--only exec1000 sync … soak] [--quick] [--profile] [--out FILE]
                         [--data-dir [--stored-executions 100000]]

Each round starts a fresh emulator with the command ``make run`` uses (``python -m emulator --port P``)
on a free port. The standard scenarios come from ``../shared/tools/peer_bench.py`` when it exists (the
harness that measured the other emulators), else from ``bench.core``. The request-rate phases also run
against ``../shared/tools/echo_server.py`` (an aiohttp server doing no work: the ceiling), and with
``--peer moto`` every scenario runs against moto's server too. With ``--data-dir`` every round also runs
against an emulator started with ``--data-dir`` (a fresh directory), plus the start-up with
``--stored-executions`` stored executions (bench/durable.py), printed side by side with memory.
Results go to ``.bench/results-<time>.json``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
import types
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import core as own_core
from bench import durable, scenarios
from bench import templates as bench_templates
from bench.compat import free_port
from bench.report import Summary, format_table, ratio, summarise

REPO = Path(__file__).resolve().parent.parent
OUTPUT_DIRECTORY = REPO / ".bench"
STANDARD_PHASES = ("exec1000", "sync", "map", "tp1", "tp8")
EXTRA_PHASES = ("jsonata", "choice", "parallel", "sqs", "express", "soak", "templates", "testkit", "stored")
PHASES = STANDARD_PHASES + EXTRA_PHASES


def load_core(shared: Path | None) -> types.ModuleType:
    """The shared harness module when ``shared/tools/peer_bench.py`` exists, else ``bench.core``."""
    if shared is not None:
        path = shared / "tools" / "peer_bench.py"
        if path.is_file():
            spec = importlib.util.spec_from_file_location("peer_bench", path)
            if spec is not None and spec.loader is not None:
                module = importlib.util.module_from_spec(spec)
                spec.loader.exec_module(module)
                return module
    return own_core


# --- servers ---------------------------------------------------------------------------------------


@dataclass
class Server:
    """A server under test, started as its own process group so its whole tree can be stopped."""

    name: str
    command: list[str]
    port: int
    env: dict[str, str] = field(default_factory=dict)
    after_start: Callable[[str], None] | None = None
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None
    data_dir: str | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, core: types.ModuleType, timeout: float = 60) -> float:
        """Spawn and wait for the first answer to ListStateMachines; returns the seconds that took."""
        OUTPUT_DIRECTORY.mkdir(exist_ok=True)
        self.log_path = OUTPUT_DIRECTORY / f"server-{self.name}.log"
        log = open(self.log_path, "wb")  # noqa: SIM115 - the child keeps writing to it
        began = time.perf_counter()
        self.process = subprocess.Popen(
            self.command,
            cwd=REPO,
            env={**os.environ, **self.env},
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        log.close()
        client = core.Sfn(self.endpoint, timeout=5)
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}; see {self.log_path}")
            try:
                client.call("ListStateMachines", {})
                break
            except Exception:  # noqa: BLE001 - not listening yet
                client.close()
                if time.perf_counter() - began > timeout:
                    self.stop()
                    raise RuntimeError(
                        f"{self.name} did not answer within {timeout} s; see {self.log_path}"
                    ) from None
                time.sleep(0.005)
        elapsed = time.perf_counter() - began
        client.close()
        if self.after_start is not None:
            self.after_start(self.endpoint)
        return elapsed

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def stop(self, sig: int = signal.SIGTERM) -> None:
        process = self.process
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def emulator_server(
    command_prefix: list[str] | None = None, data_dir: str | None = None, env: dict[str, str] | None = None
) -> Server:
    port = free_port()
    command = [*(command_prefix or [sys.executable]), "-m", "emulator", "--port", str(port)]
    if data_dir is None:
        return Server("emulator", command, port, env={"LOG_LEVEL": "WARNING", **(env or {})})
    command += ["--data-dir", data_dir]
    return Server("data-dir", command, port, env={"LOG_LEVEL": "WARNING", **(env or {})}, data_dir=data_dir)


def _stored_server(core: types.ModuleType) -> Callable[[Path], Server]:
    """Starts an emulator on a directory of stored executions, retention off (all of them kept)."""

    def start(directory: Path) -> Server:
        server = emulator_server(data_dir=str(directory), env={"SFN_RETAINED_EXECUTIONS": "0"})
        server.name = "stored"
        server.start(core)
        return server

    return start


def echo_server(shared: Path | None) -> Server | None:
    path = shared / "tools" / "echo_server.py" if shared is not None else None
    if path is None or not path.is_file():
        return None
    port = free_port()
    return Server("echo", [sys.executable, str(path), "--port", str(port)], port)


MOTO_VENV = OUTPUT_DIRECTORY / "peer-moto"


def ensure_moto() -> Path:
    """moto's server in its own venv (so its dependencies never touch ours); returns its python."""
    python = MOTO_VENV / "bin" / "python"
    if not (MOTO_VENV / ".installed").exists():
        print(f"installing moto[server] into {MOTO_VENV} …", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(MOTO_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "moto[server]>=5,<6"], check=True)
        (MOTO_VENV / ".installed").touch()
    return python


def _moto_executes(endpoint: str) -> None:
    """moto 5 only records executions unless its Step Functions 'execute_state_machine' config is on."""
    body = json.dumps({"stepfunctions": {"execute_state_machine": True}}).encode()
    request = urllib.request.Request(f"{endpoint}/moto-api/config", data=body, method="POST")
    with urllib.request.urlopen(request, timeout=10):
        pass


def moto_server() -> Server:
    python = ensure_moto()
    port = free_port()
    command = [str(python), "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    return Server("moto", command, port, after_start=_moto_executes)


# --- one round -------------------------------------------------------------------------------------


def _options(args: argparse.Namespace, endpoint: str) -> argparse.Namespace:
    return argparse.Namespace(**{**vars(args), "endpoint": endpoint, "sigv4": False})


def _selected(args: argparse.Namespace, phase: str) -> bool:
    if phase == "express" and not args.express_executions:
        return False
    if phase == "soak" and not args.soak_executions:
        return False
    if phase == "stored" and not getattr(args, "data_dir", False):
        return False
    return not args.only or phase in args.only


def run_round(
    core: types.ModuleType, server: Server, args: argparse.Namespace, number: int
) -> dict[str, Any]:
    """Start ``server`` afresh, run every selected phase against it, stop it; the flat results."""
    result: dict[str, Any] = {"round": number, "skipped": {}}
    result["startup_s"] = round(server.start(core), 4)
    options = _options(args, server.endpoint)
    pid = server.pid
    try:
        time.sleep(args.settle)
        if pid:
            result["rss_start_mb"] = core.tree_rss_mb(pid)
        client = core.Sfn(server.endpoint)
        machine10 = core.create_sm(client, "bench-pass10", core.chain_of_pass(10))
        machine1 = core.create_sm(client, "bench-tp", core.chain_of_pass(1))
        express10 = core.create_sm(client, "bench-express10", core.chain_of_pass(10), "EXPRESS")
        machine_map = core.create_sm(client, "bench-map", core.map_of_pass())
        # warm-up on twin machines: lazy initialisation is not measured, measured machines stay clean
        for definition in (core.chain_of_pass(10), core.map_of_pass()):
            twin = core.create_sm(client, "bench-warm", definition)
            started = client.call(
                "StartExecution", {"stateMachineArn": twin, "input": json.dumps({"items": [1, 2]})}
            )
            core.wait_execution(client, started["executionArn"], 60)
        client.close()

        phases: list[tuple[str, Callable[[], dict[str, Any]]]] = [
            ("exec1000", lambda: core.bench_exec_1000(options, machine10)),
            ("sync", lambda: core.bench_sync(options, express10)),
            ("map", lambda: core.bench_map(options, machine_map)),
            ("jsonata", lambda: scenarios.bench_jsonata_map(options)),
            ("choice", lambda: scenarios.bench_choice_loop(options)),
            ("parallel", lambda: scenarios.bench_parallel(options)),
            ("sqs", lambda: scenarios.bench_sqs(options)),
            ("tp1", lambda: core.bench_throughput(options, machine1, 1, "1")),
            ("tp8", lambda: core.bench_throughput(options, machine1, 8, "8")),
            ("express", lambda: scenarios.bench_express_memory(options, pid)),
            ("soak", lambda: scenarios.bench_soak(options, pid)),
            # its own emulator process, started with --template on 50 resources (bench/templates.py)
            ("templates", lambda: bench_templates.bench_template_startup(options, server.name)),
            # --data-dir: start-up on a directory of stored executions (made once, kept in .bench)
            (
                "stored",
                lambda: durable.bench_stored_startup(
                    core,
                    args.stored_executions,
                    _stored_server(core),
                    OUTPUT_DIRECTORY / f"stored-{args.stored_executions}",
                ),
            ),
        ]
        for name, phase in phases:
            if not _selected(args, name) or (name == "stored" and server.data_dir is None):
                continue
            outcome = _measure(core, name, phase, pid)
            if isinstance(outcome, str):
                result["skipped"][name] = outcome
                print(f"  [{server.name} {number}] {name}: skipped ({outcome})", flush=True)
                continue
            result.update(outcome)
            print(f"  [{server.name} {number}] {name}: {json.dumps(outcome)}", flush=True)
            if name == "exec1000" and pid:
                time.sleep(args.settle)
                result["rss_after_1000_mb"] = core.tree_rss_mb(pid)
        if pid:
            result["rss_end_mb"] = core.tree_rss_mb(pid)
    finally:
        server.stop()
    return result


def _measure(
    core: types.ModuleType, name: str, phase: Callable[[], dict[str, Any]], pid: int | None
) -> dict[str, Any] | str:
    """Run one phase with its server CPU seconds; a string (the reason) when it was skipped."""
    cpu_before = core.tree_cpu_s(pid) if pid else 0.0
    host_before, client_before = own_core.host_busy_s(), time.process_time()
    began = time.perf_counter()
    try:
        outcome = phase()
    except scenarios.Skip as skip:
        return str(skip)
    except Exception as error:  # noqa: BLE001 - a peer failing one scenario must not end the run
        return f"failed: {error!r}"[:300]
    outcome[f"{name}_phase_wall_s"] = round(time.perf_counter() - began, 3)
    client_cpu = time.process_time() - client_before
    host = own_core.host_busy_s() - host_before
    if pid:
        server_cpu = core.tree_cpu_s(pid) - cpu_before
        outcome[f"{name}_server_cpu_s"] = round(server_cpu, 2)
        # CPU burnt by anything else on the host meanwhile (2 cores: up to 2 x wall): high = contended
        outcome[f"{name}_other_cpu_s"] = round(max(0.0, host - server_cpu - client_cpu), 2)
    return outcome


def run_echo_round(
    core: types.ModuleType, server: Server, args: argparse.Namespace, number: int
) -> dict[str, Any]:
    """The request-rate phases against the echo server."""
    server.start(core)
    options = _options(args, server.endpoint)
    try:
        result: dict[str, Any] = {"round": number}
        arn = core.create_sm(core.Sfn(server.endpoint), "echo", core.chain_of_pass(1))
        for threads in (1, 8):
            if args.only and f"tp{threads}" not in args.only:
                continue
            outcome = core.bench_throughput(options, arn, threads, str(threads))
            result.update(outcome)
            print(f"  [echo {number}] tp{threads}: {json.dumps(outcome)}", flush=True)
        return result
    finally:
        server.stop()


# --- main ------------------------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--shared", default=str(REPO.parent / "shared"), help="the shared folder (peer harness, echo)"
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--peer", choices=["moto"], help="also run every scenario against this peer")
    parser.add_argument("--peer-rounds", type=int, default=1)
    parser.add_argument("--no-echo", action="store_true", help="skip the echo-server ceiling")
    parser.add_argument("--only", nargs="*", choices=PHASES, help="run only these phases")
    parser.add_argument("--executions", type=int, default=1000)
    parser.add_argument("--submit-threads", type=int, default=8)
    parser.add_argument("--sync-n", type=int, default=300)
    parser.add_argument("--sync-warmup", type=int, default=20)
    parser.add_argument("--map-items", type=int, default=1000)
    parser.add_argument("--parallel-n", type=int, default=50)
    parser.add_argument("--sqs-n", type=int, default=200)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per request-rate phase")
    parser.add_argument(
        "--express-executions", type=int, default=0, help="EXPRESS memory scenario size (0 = off; try 100000)"
    )
    parser.add_argument(
        "--soak-executions",
        type=int,
        default=0,
        help="STANDARD soak under the default retention: RSS start/middle/end, p99 (0 = off; try 100000)",
    )
    parser.add_argument("--settle", type=float, default=1.0, help="pause before reading RSS")
    parser.add_argument("--drain-timeout", type=float, default=600)
    parser.add_argument("--quick", action="store_true", help="tiny counts: checks the harness, not the speed")
    parser.add_argument(
        "--profile", action="store_true", help="profile the emulator per scenario (bench.profile)"
    )
    parser.add_argument("--out", help="results JSON (default .bench/results-<time>.json)")
    parser.add_argument(
        "--data-dir",
        action="store_true",
        help="also run every round with --data-dir (a fresh directory), side by side with memory",
    )
    parser.add_argument(
        "--stored-executions", type=int, default=100_000, help="--data-dir: start-up with this many stored"
    )
    return parser


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    args = _parser().parse_args(argv)
    if args.quick:
        args.rounds = min(args.rounds, 1)
        args.executions, args.sync_n, args.sync_warmup, args.map_items = 20, 10, 2, 20
        args.parallel_n, args.sqs_n, args.duration, args.settle = 3, 5, 0.3, 0.1
        args.express_executions = min(args.express_executions, 200)
        args.soak_executions = min(args.soak_executions, 200)
        args.stored_executions = min(args.stored_executions, 2_000)
    return args


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Every round of every server; the document written as JSON."""
    shared = Path(args.shared) if args.shared else None
    core = load_core(shared)
    harness = getattr(core, "__file__", "bench/core.py")
    print(f"harness: {harness}", flush=True)
    rounds: dict[str, list[dict[str, Any]]] = {"emulator": []}
    for number in range(1, args.rounds + 1):
        rounds["emulator"].append(run_round(core, emulator_server(), args, number))
        if args.data_dir:
            directory = durable.data_dir_for_round()
            try:
                rounds.setdefault("data-dir", []).append(
                    run_round(core, emulator_server(data_dir=directory), args, number)
                )
            finally:
                durable.remove(directory)
        echo = (
            None
            if args.no_echo or (args.only and not {"tp1", "tp8"} & set(args.only))
            else echo_server(shared)
        )
        if echo is not None:
            rounds.setdefault("echo", []).append(run_echo_round(core, echo, args, number))
    if args.peer == "moto":
        own_core.NAME_EXECUTIONS = True  # see bench.core: moto needs explicit execution names
        try:
            for number in range(1, args.peer_rounds + 1):
                # the EXPRESS memory run is ours alone: 100,000 executions at a peer's rate take an hour
                peer_args = argparse.Namespace(**{**vars(args), "express_executions": 0})
                rounds.setdefault("moto", []).append(run_round(own_core, moto_server(), peer_args, number))
        finally:
            own_core.NAME_EXECUTIONS = False
    kit = None
    if _selected(args, "testkit"):  # the pytest plugin and the virtual clock (bench/testing_kit.py)
        from bench import testing_kit

        kit = {key: vars_of(s) for key, s in testing_kit.measure(args.rounds).items()}
    return {
        "testing_kit": kit,
        "when": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "harness": str(harness),
        "host": {"nproc": os.cpu_count(), "python": sys.version.split()[0]},
        "options": {k: v for k, v in vars(args).items() if k != "only"} | {"only": args.only},
        "rounds": rounds,
        "summary": {name: {k: vars_of(s) for k, s in summarise(rs).items()} for name, rs in rounds.items()},
    }


def vars_of(summary: Summary) -> dict[str, float]:
    return {
        "median": summary.median,
        "min": summary.minimum,
        "max": summary.maximum,
        "rounds": summary.rounds,
    }


def render(document: dict[str, Any]) -> str:
    """The table, then the emulator's request rates as fractions of the echo server's."""
    summaries = {name: summarise(rs) for name, rs in document["rounds"].items()}
    ours = summaries["emulator"]
    peers = {name: s for name, s in summaries.items() if name not in ("emulator", "echo", "data-dir")}
    skipped: dict[str, str] = {}
    for result in document["rounds"]["emulator"]:
        skipped.update(result.get("skipped", {}))
    lines = [format_table(ours, peers, skipped)]
    echo = summaries.get("echo")
    if echo:
        for threads in ("1", "8"):
            key = f"start_rps_{threads}"
            fraction = ratio(
                ours[key].median if key in ours else None, echo[key].median if key in echo else None
            )
            if fraction is not None:
                lines.append(
                    f"StartExecution req/s, {threads} thread(s): {ours[key].median:,.0f} = {fraction:.0%} of the echo "
                    f"server's {echo[key].median:,.0f} (target for 8 threads: >= 50%)"
                )
    if "data-dir" in summaries:
        lines.append("")
        lines.append(durable.render(ours, summaries["data-dir"]))
    if document.get("testing_kit"):
        from bench import testing_kit

        kit = {
            key: Summary(v["median"], v["min"], v["max"], int(v["rounds"]))
            for key, v in document["testing_kit"].items()
        }
        lines.extend(testing_kit.render(kit))
    for name, rs in document["rounds"].items():
        if name == "emulator":
            continue
        for result in rs:
            for phase, reason in result.get("skipped", {}).items():
                lines.append(f"skipped on {name}: {phase}: {reason}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.profile:
        from bench.profile import profile_all

        return profile_all(args)
    document = run(args)
    OUTPUT_DIRECTORY.mkdir(exist_ok=True)
    out = Path(args.out) if args.out else OUTPUT_DIRECTORY / f"results-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(document, indent=1, default=str))
    print()
    print(render(document))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
