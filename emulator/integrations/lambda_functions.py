"""The local Lambda functions the emulator runs itself: what each is and where its code lives.

Functions come from the command line (``--lambda-handler``), a handlers file, a loaded template or
the testing kit, and may be added or replaced while the server runs (a template reload): the Lambda
integration looks a function up here at each invoke.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class FunctionConfig:
    """One local function, in Lambda's own terms where Lambda has one."""

    # Function name; a trailing ``*`` makes this config cover every name with that prefix.
    name: str
    # Lambda's ``module.function`` (``pkg.mod.fn``), or ``path/file.py:function`` / ``module:function``.
    handler: str
    # The function's code folder (Lambda's LAMBDA_TASK_ROOT); None: the current directory.
    code_dir: str | None = None
    environment: Mapping[str, str] = field(default_factory=dict)
    timeout_seconds: float | None = None  # Lambda's Timeout (None: not given)
    memory_size_mb: int | None = None  # Lambda's MemorySize (None: not given)
    runtime: str | None = None  # e.g. ``python3.12``
    # Lambda's reserved concurrency (ReservedConcurrentExecutions): at most this many invocations
    # at once, more are throttled (TooManyRequestsException); 0 throttles every one. None: unset.
    reserved_concurrency: int | None = None
    source: str = "cli"  # where it was declared (a file path, ``cli``, ``api``), for messages

    @property
    def is_prefix(self) -> bool:
        return self.name.endswith("*")


class LocalFunctions:
    """The registry: exact names first, then the longest matching prefix."""

    __slots__ = ("_exact", "_prefixes", "version")

    def __init__(self, configs: list[FunctionConfig] | None = None) -> None:
        self._exact: dict[str, FunctionConfig] = {}
        self._prefixes: list[FunctionConfig] = []
        # Raised on every change, so that holders of derived state (warm workers) can notice.
        self.version = 0
        for config in configs or ():
            self.put(config)

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, str], source: str = "cli") -> LocalFunctions:
        """From ``{name: target}`` (the ``--lambda-handler`` / SFN_LAMBDA_HANDLERS form)."""
        return cls([FunctionConfig(name, target, source=source) for name, target in mapping.items()])

    def put(self, config: FunctionConfig) -> None:
        """Add or replace the function of that name."""
        self._discard(config.name)
        if config.is_prefix:
            self._prefixes.append(config)
            self._prefixes.sort(key=lambda item: -len(item.name))
        else:
            self._exact[config.name] = config
        self.version += 1

    def remove(self, name: str) -> None:
        if self._discard(name):
            self.version += 1

    def _discard(self, name: str) -> bool:
        if self._exact.pop(name, None) is not None:
            return True
        kept = [config for config in self._prefixes if config.name != name]
        if len(kept) == len(self._prefixes):
            return False
        self._prefixes = kept
        return True

    def find(self, function_name: str) -> FunctionConfig | None:
        config = self._exact.get(function_name)
        if config is not None:
            return config
        for prefixed in self._prefixes:
            if function_name.startswith(prefixed.name[:-1]):
                return prefixed
        return None

    def all(self) -> list[FunctionConfig]:
        return [*self._exact.values(), *self._prefixes]

    def __contains__(self, function_name: str) -> bool:
        return self.find(function_name) is not None

    def __bool__(self) -> bool:
        return bool(self._exact or self._prefixes)
