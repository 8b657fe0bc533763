"""Where ``run --template`` and ``test --template`` get a state machine from a SAM / CloudFormation
template (or a CDK cloud assembly): the templates room's ``load_template(env, path, parameters)``.

The template is loaded into the run's emulator (its Lambda functions, queues, tables … exist as the
template declares them), and the state machine named by its logical id (or the template's only
one) is read back with DescribeStateMachine: the commands then create it under the name they run it
as, so a mock configuration's ``StateMachines.<name>`` test cases apply to it.
"""

from __future__ import annotations

import importlib.util
import inspect
from typing import Any

from emulator.testing.local_run import DefinitionProblem

STATE_MACHINE_TYPES = ("AWS::StepFunctions::StateMachine", "AWS::Serverless::StateMachine")
_LOADED = ("CREATE_COMPLETE", "UPDATE_COMPLETE")


async def definition_from_template(env: Any, template: str, logical_id: str | None) -> tuple[str, str]:
    """(logical id, definition JSON text) of a state machine of ``template``, loaded into ``env``."""
    if importlib.util.find_spec("emulator.templates") is None:
        raise DefinitionProblem(
            "--template needs the templates support (emulator/templates), which this build lacks"
        )
    from emulator.templates import load_template

    report = await load_template(env, template, {})
    if report.error:
        raise DefinitionProblem(report.error)
    machines = [
        (stack, resource)
        for stack in report.stacks
        for resource in stack.resources
        if resource.type in STATE_MACHINE_TYPES
    ]
    broken = [stack.error for stack in report.stacks if stack.error]
    if not machines and broken:
        raise DefinitionProblem(broken[0])
    names = sorted(resource.logical_id for _, resource in machines)
    if logical_id is None:
        if len(machines) != 1:
            raise DefinitionProblem(
                f"{template} declares state machines {names}: name one with --state-machine"
            )
        chosen = machines[0][1]
    else:
        found = [
            resource for _, resource in machines if logical_id in (resource.logical_id, resource.physical_id)
        ]
        if not found:
            raise DefinitionProblem(
                f"{template} declares no state machine {logical_id!r} (it declares {names})"
            )
        chosen = found[0]
    if chosen.status not in _LOADED or not chosen.physical_id:
        raise DefinitionProblem(f"{template}: {chosen.logical_id}: {chosen.status}: {chosen.message}")
    return chosen.logical_id, await _definition(env, chosen.physical_id)


async def _definition(env: Any, arn: str) -> str:
    import uuid

    from emulator.service.environment import RequestContext
    from emulator.service.state_machines import describe_state_machine

    parts = arn.split(":")
    context = RequestContext(parts[4], parts[3], str(uuid.uuid4()))
    answer = describe_state_machine(env, context, {"stateMachineArn": arn})
    if inspect.isawaitable(answer):
        answer = await answer
    return str(answer["definition"])
