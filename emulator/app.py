"""Composition root: the only place that builds clocks, stores, engines and the web application."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import importlib
import logging
import random
from typing import TYPE_CHECKING, Any

from aiohttp import web

from emulator.console import install as install_console
from emulator.integrations.clients import AwsClients
from emulator.integrations.lambda_functions import FunctionConfig, LocalFunctions
from emulator.model.records import Execution, MapRun
from emulator.runtime.activities import ActivityQueues
from emulator.runtime.clock import Clock, SystemClock
from emulator.runtime.execution_logs import CloudWatchLogsWriter, ExecutionLogs
from emulator.runtime.virtual_clock import VirtualClock, is_virtual
from emulator.server.aws_passthrough import install as install_aws_passthrough
from emulator.server.browser_guard import install as install_browser_guard
from emulator.server.emulator_admin import install as install_emulator_admin
from emulator.server.mock_admin import install as install_mock_admin
from emulator.server.operations import SERVICE_MODULES
from emulator.server.protocol import ENVIRONMENT, MAX_REQUEST_BYTES, handle, health
from emulator.server.request_log import request_log_middleware
from emulator.service.environment import ServiceEnvironment
from emulator.service.execution_log_lines import install_execution_log_lines
from emulator.service.retention import DAY_SECONDS, ExecutionRetention
from emulator.settings import Settings
from emulator.store.memory import MemoryStore
from emulator.store.partition import Store

if TYPE_CHECKING:
    from emulator.runtime.engine import Engine


class PartitionMapRuns:
    """The engine's ``MapRunSink``: Map Runs and their child executions become visible to
    DescribeMapRun / ListMapRuns / ListExecutions(mapRunArn) in their (account, region)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def map_run_started(self, account: str, region: str, map_run: MapRun) -> None:
        self.store.partition(account, region).map_runs.put(map_run.arn, map_run)

    def child_execution_started(self, account: str, region: str, execution: Execution) -> None:
        self.store.partition(account, region).executions.put(execution.arn, execution)


def build_environment(settings: Settings, clients: AwsClients | None = None) -> ServiceEnvironment:
    """The control plane's collaborators. The engine (the interpreter and its integrations, the
    bulk of the imports) is built on first use, or at once when a mock configuration, mock module
    or Lambda handlers are configured (a broken one then fails at start-up, as before)."""
    clients = clients or AwsClients(settings)
    clock = build_clock(settings)
    env = ServiceEnvironment(
        settings=settings,
        store=build_store(settings),
        clock=clock,
        # GetActivityTask's long poll is the API's own wait: real time, whatever the clock.
        activities=ActivityQueues(SystemClock()) if is_virtual(clock) else None,
        engine_builder=lambda env: build_engine(env, settings, clients),
        local_functions=local_functions_from(settings),
        aws_clients=clients,
    )
    env.retention = _retention(env, settings)
    if settings.data_dir:
        env.execution_events.subscribe(env.store.execution_event)  # type: ignore[attr-defined]
    env.reset_hooks.append(clients.reset)
    env.definition_accepted = _warm_backends_for(clients)
    env.execution_logs = ExecutionLogs(CloudWatchLogsWriter(clients))
    if settings.mock_config_path or getattr(settings, "mock_module", None) or settings.lambda_handlers:
        env.engine  # noqa: B018 - builds it now
    return env


def build_store(settings: Settings) -> Store:
    """Memory, or with ``--data-dir`` the SQLite store (emulator/store/sqlite.py), which reads the
    directory back now (raising ``IncompatibleDataDir`` when it cannot, before writing anything)."""
    if not settings.data_dir:
        return MemoryStore()
    from emulator.store.sqlite import SqliteStore

    def compile_definition(text: str, type_: str) -> Any:
        from emulator.service.definitions import compile_or_reject

        return compile_or_reject(text, type_)

    return SqliteStore(settings.data_dir, compile_definition)


def local_functions_from(settings: Settings) -> LocalFunctions:
    """The functions declared on the command line or in a handlers file, with their options."""
    functions = LocalFunctions()
    for name, handler in settings.lambda_handlers.items():
        options = settings.lambda_options.get(name, {})
        environment = {str(k): str(v) for k, v in dict(options.get("environment") or {}).items()}  # type: ignore[call-overload]
        environment.update(settings.lambda_environment.get(name, {}))
        timeout, memory = options.get("timeout"), options.get("memory")
        reserved = options.get("reservedConcurrency")
        functions.put(
            FunctionConfig(
                name,
                handler,
                code_dir=str(options["codeDir"]) if options.get("codeDir") else None,
                environment=environment,
                timeout_seconds=float(timeout) if isinstance(timeout, int | float) else None,
                memory_size_mb=int(memory) if isinstance(memory, int) else None,
                runtime=str(options["runtime"]) if options.get("runtime") else None,
                reserved_concurrency=reserved if isinstance(reserved, int) else None,
                source="file" if options else "cli",
            )
        )
    return functions


def _retention(env: ServiceEnvironment, settings: Settings) -> ExecutionRetention:
    def forget(execution_arn: str) -> None:  # an evicted mocked execution's test-case binding
        if env.engine_built:
            mocks = getattr(env.engine.integrations, "mocks", None)
            if mocks is not None:
                mocks.release(execution_arn)

    return ExecutionRetention(
        env.clock, settings.retained_executions, settings.retention_days * DAY_SECONDS, on_evict=forget
    )


def build_clock(settings: Settings) -> Clock:
    """``--clock real`` (wall time; WAIT_TIME_SCALE scales waits), ``virtual`` or ``auto``
    (emulator/runtime/virtual_clock.py: every timer and timestamp follows the virtual time)."""
    if settings.clock in ("virtual", "auto"):
        return VirtualClock(auto=settings.clock == "auto")
    return SystemClock(settings.wait_time_scale)


def build_engine(env: ServiceEnvironment, settings: Settings, clients: AwsClients) -> Engine:
    """The interpreter with every integration wired to ``env``'s stores, tokens and queues."""
    from emulator.integrations.aws_services import register_aws_services
    from emulator.integrations.registry import IntegrationRegistry
    from emulator.runtime.callbacks import CallbackWaiter
    from emulator.runtime.engine import Engine
    from emulator.runtime.evaluation import Evaluations
    from emulator.runtime.task_events import TaskLabels

    # A virtual clock times task deadlines and heartbeats too (the scale is for real time only).
    virtual = env.clock if is_virtual(env.clock) else None
    timeout_scale = 1.0 if virtual is not None else settings.timeout_scale
    engine = Engine(
        env.clock,
        IntegrationRegistry(judges_fields=True),
        rng=random.Random(),
        callbacks=CallbackWaiter(env.task_tokens, timeout_scale, clock=virtual),
        timeout_scale=timeout_scale,
        map_runs=PartitionMapRuns(env.store),
        observer=env.execution_events,
        task_labels=TaskLabels.STEP_FUNCTIONS_LOCAL if settings.sfn_local_compat else TaskLabels.AWS,
        map_exit_follows_run_start=settings.map_exit_link == "run-started",
        evaluations=Evaluations(settings.evaluation_timeout, clock=env.clock),
    )
    register_aws_services(engine.integrations, clients, SystemClock().sleep)  # real-time .sync polling
    wire_task_integrations(env, engine, settings, clients)
    wire_mocks(env, engine, settings)
    return engine


def wire_mocks(env: ServiceEnvironment, engine: Engine, settings: Settings) -> None:
    """The mock layer in front of the integrations: SFN_MOCK_CONFIG, SFN_MOCK_MODULE, and
    ``POST /_emulator/mock-config`` documents (see emulator/integrations/mocks.py)."""
    from emulator.integrations.mocks import Mocks, load_mock_module
    from emulator.model.jsontext import to_json_text

    def settle_token(token: str, value: Any, error: str | None, cause: str | None) -> None:
        pending = env.task_tokens.find(token)
        if pending is None:
            return
        if error is None:
            env.task_tokens.succeed(pending, to_json_text(value))
        else:
            env.task_tokens.fail(pending, error, cause)

    mocks = Mocks(settings.mock_config_path, settle_token)
    engine.integrations.mocks = mocks
    module = getattr(settings, "mock_module", None)
    if module:
        load_mock_module(module, mocks)


def wire_task_integrations(
    env: ServiceEnvironment, engine: Engine, settings: Settings, clients: Any = None
) -> None:
    """Callbacks, activities, Lambda and nested executions. Task deadlines and heartbeats run on
    real time (times ``timeout_scale``), never on the Wait-state clock."""
    from emulator.integrations.apigateway import ApiGatewayIntegration
    from emulator.integrations.aws_lambda import LambdaIntegration
    from emulator.integrations.http import HttpIntegration
    from emulator.integrations.lambda_handlers import LocalHandlers
    from emulator.integrations.lambda_logs import FunctionLogs
    from emulator.integrations.registry import ACTIVITY, AWS_SDK, LAMBDA_FUNCTION
    from emulator.integrations.stepfunctions import StepFunctionsIntegration
    from emulator.runtime.activities import ActivityIntegration
    from emulator.service.nested_executions import ControlPlaneStarter

    registry = engine.integrations
    # A virtual clock times task deadlines and heartbeats too (the scale is for real time only).
    virtual = env.clock if is_virtual(env.clock) else None
    store = env.store

    def activity_exists(arn: str) -> bool:
        parts = arn.split(":")
        return len(parts) >= 7 and store.partition(parts[4], parts[3]).activities.get(arn) is not None

    registry.register(
        ACTIVITY,
        ActivityIntegration(
            env.activities,
            env.task_tokens,
            virtual or SystemClock(settings.timeout_scale),
            exists=activity_exists,
        ),
    )
    if clients is None and settings.endpoints.get("lambda"):
        from emulator.integrations.clients import AwsClients

        clients = AwsClients(settings)
    lambda_integration = LambdaIntegration(
        LocalHandlers(env.local_functions, sandbox=lambda_sandbox(settings), logs=FunctionLogs(clients)),
        clients,
    )
    registry.register("lambda", lambda_integration)
    registry.register(LAMBDA_FUNCTION, lambda_integration)
    registry.register("states", StepFunctionsIntegration(ControlPlaneStarter(env)))
    registry.register("http", HttpIntegration())
    registry.register("apigateway", ApiGatewayIntegration(clients, lambda_integration))
    sdk = registry.named(AWS_SDK)
    if sdk is not None:
        sdk.functions = lambda_integration  # type: ignore[attr-defined]  # aws-sdk:lambda:invoke of local handlers


def lambda_sandbox(settings: Settings) -> Any:
    """Where local functions' SDK calls go (back to this emulator) and their defaults."""
    from emulator.integrations.lambda_sandbox import Sandbox

    host = settings.host
    if host in ("0.0.0.0", "", "::"):
        host = "127.0.0.1"
    elif ":" in host:
        host = f"[{host}]"
    return Sandbox(
        endpoint_url=f"http://{host}:{settings.port}",
        account=settings.account_id,
        region=settings.region,
        endpoints=dict(settings.endpoints),
        memory_mb=settings.lambda_memory_mb,
        lambda_paths=settings.lambda_trace_paths == "lambda",
    )


async def _start_local_functions(app: web.Application) -> None:
    """Warm one worker per declared local function in the background; a handler that cannot be
    imported is reported now, naming the function and its file."""
    env = app[ENVIRONMENT]
    if not env.local_functions:
        return
    integration = env.engine.integrations.named("lambda") if env.engine_built else None
    local = getattr(integration, "local", None)
    if local is not None:
        app[_LOCAL_START] = asyncio.get_running_loop().create_task(local.start())


async def _stop_local_functions(app: web.Application) -> None:
    task = app.get(_LOCAL_START)
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def _warm_backends_for(clients: AwsClients) -> Any:
    """Start loading the in-process AWS backends (moto, ~80 MB and ~1 s of CPU) in the background
    once a definition calls a service integration, not at start-up: idle memory stays small and
    the first task of such a machine does not pay the cold start."""

    def definition_accepted(definition: str) -> None:
        if ":states:::" in definition or ":lambda:" in definition:
            clients.start_warming()

    return definition_accepted


async def _close_integrations(app: web.Application) -> None:
    env = app[ENVIRONMENT]
    if env.engine_built:
        await env.engine.integrations.close()
    if isinstance(env.clock, VirtualClock):
        await env.clock.close()


log = logging.getLogger("emulator.app")

# What the first requests of a session need, bottom-up, so that each import is a small step.
WARM_UP_MODULES = (
    "emulator.language.evaluate.jsonpath",
    "emulator.language.evaluate.intrinsics",
    "emulator.language.evaluate.templates",
    "emulator.language.evaluate.jsonata",
    "emulator.language.evaluate.choice",
    "emulator.language.states.common",
    "emulator.language.states.task_state",
    "emulator.language.states.map_state",
    "emulator.language.parse",
    "emulator.language.validate",
    "emulator.integrations.registry",
    "emulator.runtime.recorder",
    "emulator.runtime.dataflow",
    "emulator.runtime.work.distributed_map",
    "emulator.runtime.executor",
    "emulator.runtime.engine",
    "emulator.integrations.aws_services",
    "emulator.integrations.mocks",
    "emulator.runtime.test_state",
    *SERVICE_MODULES,
)
# Let the server listen and answer its first request before the background imports begin.
WARM_UP_DELAY_SECONDS = 0.05
_WARM_UP: web.AppKey[asyncio.Task[None]] = web.AppKey("warm_up", asyncio.Task)
_LOCAL_START: web.AppKey[asyncio.Task[None]] = web.AppKey("local_functions_start", asyncio.Task)


async def warm_up(env: ServiceEnvironment, delay: float = WARM_UP_DELAY_SECONDS, freeze: bool = True) -> None:
    """Import what the first requests need and build the engine, one module per event-loop step
    (requests are served in between: no thread, no import races), then (``freeze``) spare all that
    was loaded the collector's full passes: it lives as long as the process."""
    await asyncio.sleep(delay)
    try:
        for name in WARM_UP_MODULES:
            importlib.import_module(name)
            await asyncio.sleep(0)
        env.engine  # noqa: B018 - builds it
    except Exception:  # the request that needs it meets the same error (and answers it)
        log.exception("background warm-up failed")
        return
    if freeze:
        gc.freeze()


async def _start_warm_up(app: web.Application) -> None:
    app[_WARM_UP] = asyncio.get_running_loop().create_task(warm_up(app[ENVIRONMENT]))


async def _stop_warm_up(app: web.Application) -> None:
    task = app[_WARM_UP]
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def environment_of(app: web.Application) -> ServiceEnvironment:
    """The control plane's collaborators of an app ``build_app`` made (for in-process embedders)."""
    return app[ENVIRONMENT]


def build_app(settings: Settings, background_warm_up: bool = False) -> web.Application:
    """The web application. ``background_warm_up`` (the server process): import the interpreter
    and build the engine right after the server starts listening instead of on first need."""
    app = web.Application(client_max_size=MAX_REQUEST_BYTES)
    install_browser_guard(app, settings)
    clients = AwsClients(settings)  # the one seam to moto / configured endpoints (nothing imported yet)
    app[ENVIRONMENT] = build_environment(settings, clients)
    if background_warm_up:
        app.on_startup.append(_start_warm_up)
        app.on_cleanup.append(_stop_warm_up)
    app.on_startup.append(_start_local_functions)
    app.on_cleanup.append(_stop_local_functions)
    install_execution_log_lines(app[ENVIRONMENT])
    app.middlewares.append(request_log_middleware)
    app.router.add_get("/_emulator/health", health)
    install_mock_admin(app)
    install_templates(app, app[ENVIRONMENT], settings)  # before the catch-all AWS routes
    if settings.console:
        install_console(app, app[ENVIRONMENT])
    install_emulator_admin(app)
    app.on_cleanup.append(_close_integrations)
    app.router.add_post("/", handle)
    app.router.add_post("/{tail:.*}", handle)
    app.router.add_route("*", "/{tail:.*}", handle)  # other AWS services' REST calls (S3 GET/PUT …)
    install_aws_passthrough(app, clients)
    app.on_startup.append(_deliver_rule_events(app[ENVIRONMENT], clients))
    if settings.data_dir:
        install_durability(app, app[ENVIRONMENT], clients)
    return app


_RECOVERY: web.AppKey[asyncio.Task[int]] = web.AppKey("recovery", asyncio.Task)
# Retention sweeps what the data directory held this long after start-up (first answers first).
STARTUP_SWEEP_DELAY_SECONDS = 1.0


def install_durability(app: web.Application, env: ServiceEnvironment, clients: AwsClients) -> None:
    """``--data-dir``: at start-up the executions that were running resume (service/recovery.py);
    at shut-down the store is closed before the loop cancels what still runs, so a clean stop
    leaves them RUNNING on disk, to resume at the next start, as a kill would. The in-process AWS
    services are snapshotted in the same directory (integrations/moto_snapshot.py): restored
    before moto's first call, written after changes and at a clean stop."""
    from emulator.integrations.moto_snapshot import MotoSnapshots

    snapshots = MotoSnapshots(env.settings.data_dir or "", clients.run_on_moto_thread)
    snapshots.check()  # a snapshot in a format we do not know: refused now, nothing touched
    clients.snapshots = snapshots

    async def start(_: web.Application) -> None:
        from emulator.service.recovery import recover

        app[_RECOVERY] = asyncio.get_running_loop().create_task(recover(env, STARTUP_SWEEP_DELAY_SECONDS))

    async def stop(_: web.Application) -> None:
        task = app.get(_RECOVERY)
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await asyncio.get_running_loop().run_in_executor(None, snapshots.flush)
        env.store.close()  # type: ignore[attr-defined]

    app.on_startup.append(start)
    app.on_shutdown.append(stop)


def _deliver_rule_events(env: ServiceEnvironment, clients: AwsClients) -> Any:
    """EventBridge rules that target a state machine start it (a PutEvents from an SDK client, a
    state machine's events:putEvents task, a template's rule): the in-process backend matches,
    the loop starts the execution (emulator/service/event_targets.py)."""

    async def bind(_: web.Application) -> None:
        loop = asyncio.get_running_loop()

        def start(account: str, region: str, target: dict[str, Any], event: Any) -> None:
            from emulator.service.event_targets import start_execution_for_event

            start_execution_for_event(env, account, region, target, event)

        def deliver(account: str, region: str, target: dict[str, Any], event: Any) -> None:
            with contextlib.suppress(RuntimeError):  # the server is shutting down
                loop.call_soon_threadsafe(start, account, region, target, event)

        clients.state_machine_events = deliver

    return bind


# The TemplateSet once the load has begun (the app is frozen by then: a holder, set later).
_TEMPLATES: web.AppKey[dict[str, Any]] = web.AppKey("templates", dict)


def install_templates(app: web.Application, env: ServiceEnvironment, settings: Settings) -> None:
    """``--template``: load each template once the server listens (its first request does not
    wait, nor does it pay for the templates room's imports), reload on change, and answer
    ``GET /_emulator/templates``."""
    holder: dict[str, Any] = {}
    app[_TEMPLATES] = holder

    async def show(_: web.Request) -> web.StreamResponse:
        templates = holder.get("set")
        if templates is None:
            ready = not settings.template_paths
            return web.json_response({"ready": ready, "parameterOverrides": {}, "templates": []})
        return web.json_response(templates.to_json())

    app.router.add_get("/_emulator/templates", show)
    if not settings.template_paths:
        return
    tasks: list[asyncio.Task[None]] = []

    async def load() -> None:
        await asyncio.sleep(WARM_UP_DELAY_SECONDS)  # the server answers its first request first
        from emulator.templates.templates import TemplateSet

        templates = holder["set"] = TemplateSet(
            env,
            list(settings.template_paths),
            settings.parameter_overrides,
            # schedules follow a virtual clock (a test advances it); else the wall clock, unscaled
            clock=env.clock if is_virtual(env.clock) else SystemClock(),
        )
        await templates.load_all()
        if settings.template_reload:
            await _watching(templates)

    async def start(_: web.Application) -> None:
        tasks.append(asyncio.get_running_loop().create_task(load()))

    async def stop(_: web.Application) -> None:
        if "set" in holder:
            holder["set"].close()
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    app.on_startup.append(start)
    app.on_cleanup.append(stop)


async def _watching(templates: Any) -> None:
    try:
        await templates.watch()
    except Exception:  # reload is a convenience: the templates stay loaded as they are
        log.exception("watching the templates for changes failed; reload is off")
