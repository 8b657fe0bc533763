"""One module per family of resource types; ``HANDLERS`` maps a CloudFormation type to the
coroutine that creates (or, on reload, updates) it and answers its ``Ref`` / ``Fn::GetAtt`` values."""

from __future__ import annotations

from emulator.templates.resources.aws import AWS_HANDLERS
from emulator.templates.resources.base import Handler, LoadContext
from emulator.templates.resources.functions import FUNCTION_HANDLERS
from emulator.templates.resources.state_machines import STATE_MACHINE_HANDLERS

HANDLERS: dict[str, Handler] = {**STATE_MACHINE_HANDLERS, **FUNCTION_HANDLERS, **AWS_HANDLERS}

__all__ = ["HANDLERS", "Handler", "LoadContext"]
