"""Local Lambda functions: what the rooms (templates, testing kit) call to add, replace and list them.

The Lambda integration reads ``env.local_functions`` at each invoke, so a change here applies to
the next invocation; a replaced function's warm workers are retired.
"""

from __future__ import annotations

from emulator.integrations.lambda_functions import FunctionConfig
from emulator.service.environment import ServiceEnvironment


def put_local_function(env: ServiceEnvironment, config: FunctionConfig) -> None:
    """Run function ``config.name`` (or every name its trailing ``*`` prefixes) locally from now on."""
    env.local_functions.put(config)


def remove_local_function(env: ServiceEnvironment, name: str) -> None:
    """Stop running ``name`` locally (invocations then go to the Lambda endpoint or in-process Lambda)."""
    env.local_functions.remove(name)


def list_local_functions(env: ServiceEnvironment) -> list[FunctionConfig]:
    return env.local_functions.all()
