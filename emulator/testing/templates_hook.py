"""Where ``run --template`` and ``test --template`` get a state machine from a SAM / CloudFormation
template: the templates room (emulator/templates, ``load_template``) once it is part of the build.

The one function the commands call is ``state_machine_definition(template, logical_id)`` ->
``(state machine name, definition JSON text)``; wiring the templates room in means implementing it
over the room's entry point, nothing else in the commands changes.
"""

from __future__ import annotations

import importlib.util

from emulator.testing.local_run import DefinitionProblem


def state_machine_definition(template: str, logical_id: str | None) -> tuple[str, str]:
    if importlib.util.find_spec("emulator.templates") is None:
        raise DefinitionProblem(
            "--template needs the templates support (emulator/templates), which this build lacks"
        )
    raise DefinitionProblem(
        "--template: the templates support is present but not wired to the run / test commands yet "
        "(emulator/testing/templates_hook.py)"
    )
