"""What a resource handler is given, and the naming rules CloudFormation applies."""

from __future__ import annotations

import asyncio
import random
import string
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from emulator.service.environment import RequestContext, ServiceEnvironment
from emulator.templates.errors import TemplateError
from emulator.templates.intrinsics import Created, StackScope
from emulator.templates.report import Schedule

_RANDOM = random.Random()


@dataclass(slots=True)
class LoadContext:
    """One stack's load: the service environment, the caller's partition, the stack's scope, the
    folder its local paths are relative to, and the names given on earlier loads (so a reload
    finds the same generated names)."""

    env: ServiceEnvironment
    context: RequestContext
    scope: StackScope
    base_dir: Path
    work_dir: Path
    names: dict[tuple[str, str], str]
    files: set[str] = field(default_factory=set)  # local files read (definitions), for reload
    # the schedules that start state machines (rules' and Scheduler's)
    schedules: list[Schedule] = field(default_factory=list)
    # resources whose backend calls wait to be submitted (``flush``), then are awaited at the end
    queued: list[tuple[str, Coroutine[Any, Any, str]]] = field(default_factory=list)
    pending: dict[str, asyncio.Task[str]] = field(default_factory=dict)

    def later(self, logical_id: str, completion: Coroutine[Any, Any, str]) -> None:
        """Run ``completion`` (the resource's backend calls; answers its status) at the next
        ``flush``. Until then nothing yields to the event loop (no request is served in between),
        so the calls are submitted before anything a request starts can reach the backends."""
        self.queued.append((logical_id, completion))

    async def flush(self) -> None:
        """Submit the queued calls, in template order (before a handler that waits for a backend,
        and at the end of the stack)."""
        if not self.queued:
            return
        for logical_id, completion in self.queued:
            self.pending[logical_id] = asyncio.ensure_future(completion)
        self.queued.clear()
        await asyncio.sleep(0)  # each task's first step submits its first call, in that order

    @property
    def file(self) -> str:
        return self.scope.file

    def error(self, message: str, logical_id: str, prop: str = "") -> TemplateError:
        return TemplateError(self.scope.file, message, logical_id, prop)

    def generated_name(
        self, logical_id: str, max_length: int = 64, lower: bool = False, with_stack: bool = True
    ) -> str:
        """CloudFormation's name for a resource whose template gives none:
        ``<stack>-<LogicalId>-<RANDOM>`` (``<LogicalId>-<random>`` for state machines)."""
        key = (self.scope.stack_name, logical_id)
        name = self.names.get(key)
        if name is None:
            if with_stack:
                suffix = "".join(_RANDOM.choices(string.ascii_uppercase + string.digits, k=12))
                head = f"{self.scope.stack_name}-{logical_id}"[: max_length - 13]
            else:
                suffix = "".join(_RANDOM.choices(string.ascii_letters + string.digits, k=12))
                head = logical_id[: max_length - 13]
            name = f"{head}-{suffix}"
            name = name.lower() if lower else name
            self.names[key] = name
        return name

    def local_path(self, value: Any, logical_id: str, prop: str) -> Path:
        """A local file or folder named in the template, relative to the template's folder."""
        if not isinstance(value, str) or not value:
            raise self.error("must name a local file or folder", logical_id, prop)
        path = Path(value)
        path = path if path.is_absolute() else (self.base_dir / path)
        if not path.exists():
            raise self.error(f"'{value}' does not exist (looked for {path})", logical_id, prop)
        return path.resolve()

    def arn(self, service: str, resource: str, region: bool = True, account: bool = True) -> str:
        partition = self.scope.pseudo["AWS::Partition"]
        return (
            f"arn:{partition}:{service}:{self.context.region if region else ''}:"
            f"{self.context.account if account else ''}:{resource}"
        )


# (context, logical id, resolved properties, the resource's raw entry) -> what Ref/GetAtt answer
Handler = Callable[[LoadContext, str, dict[str, Any], dict[str, Any]], Awaitable[Created]]


def tag_list(value: Any, key: str = "Key", val: str = "Value") -> list[dict[str, str]]:
    """CloudFormation's ``[{Key, Value}]`` (or a ``{key: value}`` map) as a list of pairs."""
    if isinstance(value, dict):
        return [{key: str(k), val: str(v)} for k, v in value.items()]
    if isinstance(value, list):
        return [
            {key: str(item.get("Key")), val: str(item.get("Value"))}
            for item in value
            if isinstance(item, dict)
        ]
    return []
