"""What a local Lambda worker is given: its code (module, folder, dependencies) and its environment.

A handler runs with the import path a real Lambda gives it: the function's own folder first
(Lambda's ``LAMBDA_TASK_ROOT``), then the site-packages of a ``.venv`` / ``venv`` folder beside its
code (when built for this Python version), then the packages of the interpreter running the
emulator (which has boto3, as Lambda's runtime does). The standard library is never shadowed by the
emulator's own modules (the worker runs with ``-P``).

Its environment is Lambda's: the reserved variables (``AWS_REGION``, ``AWS_LAMBDA_FUNCTION_NAME``,
``_HANDLER``, ``LAMBDA_TASK_ROOT`` …), the function's own variables, credentials the SDK accepts
(the access key is the account id, so calls land in the function's account), and
``AWS_ENDPOINT_URL`` pointing back at the emulator, so that ``boto3.client("dynamodb")`` in a
handler reaches the tables the state machine uses.
"""

from __future__ import annotations

import os
import secrets
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from emulator.integrations.lambda_functions import FunctionConfig

DEFAULT_MEMORY_MB = 128  # Lambda's default MemorySize
# botocore's service id as AWS_ENDPOINT_URL_<ID> spells it, for the services whose id differs.
_ENDPOINT_IDS = {"states": "SFN", "events": "EVENTBRIDGE", "logs": "CLOUDWATCH_LOGS"}
# Variables of the emulator's own environment a handler must not inherit (they would point its
# SDK elsewhere, or at real credentials).
_NOT_INHERITED = ("AWS_", "SFN_", "LAMBDA_", "_HANDLER")


class HandlerError(ValueError):
    """A handler that cannot be run at all (unknown runtime, malformed target)."""


@dataclass(frozen=True, slots=True)
class HandlerCode:
    """Where a function's code is: ``module`` and ``function`` importable from ``task_root``."""

    module: str
    function: str
    task_root: str
    paths: tuple[str, ...] = ()

    @property
    def source_file(self) -> str:
        """The module's file (for messages), as Lambda would look it up."""
        base = Path(self.task_root, *self.module.split("."))
        for candidate in (base.with_suffix(".py"), base / "__init__.py"):
            if candidate.exists():
                return str(candidate)
        return str(base.with_suffix(".py"))


@dataclass(frozen=True, slots=True)
class Sandbox:
    """What every worker shares: where the emulator answers, defaults for unknown settings."""

    endpoint_url: str | None = None
    account: str = "123456789012"
    region: str = "us-east-1"
    endpoints: Mapping[str, str] = field(default_factory=dict)
    memory_mb: int = DEFAULT_MEMORY_MB
    timeout_seconds: float = 900.0  # Lambda's maximum; a Task's TimeoutSeconds usually ends it first
    python: str = sys.executable
    # Error documents name the function's files as Lambda does (``/var/task/…``) instead of their
    # real paths, e.g. to compare with recordings made on AWS (SFN_LAMBDA_TRACE_PATHS=lambda).
    lambda_paths: bool = False


def resolve_code(config: FunctionConfig) -> HandlerCode:
    """``module.function`` (Lambda's form, ``folder/module.function`` too), ``module:function`` or
    ``path/file.py:function``, relative to the function's code folder (or the current directory)."""
    runtime = config.runtime
    if runtime is not None and not runtime.startswith("python"):
        raise HandlerError(
            f"function {config.name} has runtime {runtime}; the local runner runs Python handlers only"
        )
    target = config.handler.strip()
    base = Path(config.code_dir or os.getcwd()).resolve()
    location, separator, function = target.rpartition(":")
    if not separator:
        location, _, function = target.rpartition(".")
    if not location or not function or not function.isidentifier():
        raise HandlerError(
            f"handler '{target}' of function {config.name} is not module.function, module:function "
            "or path/file.py:function"
        )
    if location.endswith(".py") or (separator and ("/" in location or os.sep in location)):
        path = (base / location).resolve()
        root = base if config.code_dir and path.is_relative_to(base) else path.parent
        module = ".".join(path.relative_to(root).with_suffix("").parts)
    else:
        root = base
        module = location.replace("/", ".")
    return HandlerCode(module, function, str(root), dependency_paths(root))


def dependency_paths(root: Path) -> tuple[str, ...]:
    """site-packages of a virtual environment beside the code, when made for this Python."""
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    found = []
    for folder in (".venv", "venv"):
        site = root / folder / "lib" / version / "site-packages"
        if site.is_dir():
            found.append(str(site))
    return tuple(found)


def dependencies_hint(code: HandlerCode, message: str) -> str:
    """What to do when the handler could not import a module (``No module named 'x'``) and its
    folder has a ``requirements.txt``: the emulator runs the code as it is on disk and installs
    nothing (that needs the network and time at each start; ``sam build`` does it before a deploy),
    so the dependencies must be installed where a worker finds them. "" when it does not apply."""
    requirements = Path(code.task_root, "requirements.txt")
    if "No module named" not in message or not requirements.is_file():
        return ""
    return (
        f"; {requirements} lists the function's dependencies and they are not installed where it runs:"
        f" pip install -r {requirements} -t {code.task_root} (or into a .venv folder there)"
    )


def function_runtime(config: FunctionConfig) -> str:
    """The function's runtime identifier: its declared one, else the interpreter's version."""
    return config.runtime or f"python{sys.version_info.major}.{sys.version_info.minor}"


def on_amazon_linux_2023(runtime: str | None) -> bool:
    """Whether Lambda runs ``runtime`` on Amazon Linux 2023 (python3.12 and later, per the
    runtimes table of "Building Lambda functions with Python"; a function that declares no runtime
    is taken as one of today's). Those runtimes write non-ASCII characters as they are in the JSON
    they answer (the page's "Response format") and their platform names a function timeout
    ``Sandbox.Timedout``; the Amazon Linux 2 runtimes escape non-ASCII characters and answer a
    timeout with an error message only, which Step Functions reports as ``Lambda.Unknown``."""
    if runtime is None:
        return True
    major, _, minor = runtime.removeprefix("python").partition(".")
    return major.isdigit() and minor.isdigit() and (int(major), int(minor)) >= (3, 12)


def log_stream_name(now: float | None = None) -> str:
    """Lambda's stream name: ``yyyy/mm/dd/[$LATEST]<32 hex digits>`` (one per worker)."""
    day = time.strftime("%Y/%m/%d", time.gmtime(time.time() if now is None else now))
    return f"{day}/[$LATEST]{secrets.token_hex(16)}"


def worker_environment(
    sandbox: Sandbox,
    config: FunctionConfig,
    code: HandlerCode,
    name: str,
    account: str,
    region: str,
    stream: str,
    inherited: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The worker's environment: the user's (minus AWS settings), the function's own variables,
    then Lambda's reserved ones."""
    source = os.environ if inherited is None else inherited
    env = {key: value for key, value in source.items() if not key.startswith(_NOT_INHERITED)}
    env.update(
        {
            "AWS_ACCESS_KEY_ID": account,  # a 12-digit key selects the account in the emulator
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_DISABLE_HOST_PREFIX_INJECTION": "true",
            "PYTHONUNBUFFERED": "1",
            "MALLOC_ARENA_MAX": "2",
        }
    )
    if sandbox.endpoint_url:
        env["AWS_ENDPOINT_URL"] = sandbox.endpoint_url
    for service, url in sandbox.endpoints.items():
        service_id = _ENDPOINT_IDS.get(service, service.upper().replace("-", "_"))
        env[f"AWS_ENDPOINT_URL_{service_id}"] = url
    env.update(config.environment)
    memory = config.memory_size_mb or sandbox.memory_mb
    runtime = function_runtime(config)
    env.update(
        {
            "AWS_REGION": region,
            "AWS_DEFAULT_REGION": region,
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{runtime}",
            "AWS_LAMBDA_FUNCTION_NAME": name,
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(memory),
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{name}",
            "AWS_LAMBDA_LOG_STREAM_NAME": stream,
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            "_HANDLER": config.handler,
            "LAMBDA_TASK_ROOT": code.task_root,
            "LAMBDA_RUNTIME_DIR": str(Path(__file__).parent),
            "TZ": ":UTC",
        }
    )
    return env
