"""The shared conformance runner with this project's requirement setups plugged in.

    python -m bench.conformance_plugin --endpoint URL --corpus ../shared/corpus [runner args…]

``../shared/tools/conformance.py`` skips a case whose ``requires`` has no handler. Each module in
``bench/setups/`` registers handlers for some requirements (``lambda``, ``sqs``, ``nested-sfn`` …)
through the runner's ``requirement_handler`` decorator: a module exposes ``register(runner_module)``.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import pkgutil
import sys
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SHARED = REPO.parent / "shared"


def load_runner(shared: Path) -> ModuleType:
    path = shared / "tools" / "conformance.py"
    spec = importlib.util.spec_from_file_location("sfn_conformance", path)
    if spec is None or spec.loader is None:
        raise RuntimeError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules["sfn_conformance"] = module
    spec.loader.exec_module(module)
    return module


def register_setups(runner: ModuleType) -> list[str]:
    """Import every bench/setups module and let it register its requirement handlers."""
    import bench.setups as setups

    names = []
    for info in sorted(pkgutil.iter_modules(setups.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"bench.setups.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(runner)
            names.append(info.name)
    return names


def setups_environment() -> dict[str, str]:
    """Environment the emulator needs for the setups (a module may expose ``emulator_env()``)."""
    import bench.setups as setups

    environment: dict[str, str] = {}
    for info in sorted(pkgutil.iter_modules(setups.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"bench.setups.{info.name}")
        provide = getattr(module, "emulator_env", None)
        if provide is not None:
            environment.update(provide())
    return environment


def main(argv: list[str] | None = None) -> int:
    shared = Path(os.environ.get("SFN_SHARED", DEFAULT_SHARED))
    runner = load_runner(shared)
    register_setups(runner)
    return int(runner.main(argv))


if __name__ == "__main__":
    sys.exit(main())
