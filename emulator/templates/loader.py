"""``load_template(env, path, parameters)``: read a template (or every stack of a cloud assembly),
apply the SAM transform, and create its resources in dependency order through the service layer.

A mistake stops only what depends on it: a resource that cannot be created is reported (with the
file, its logical id and the property) and the resources that name it are reported as not
created; everything else loads and is served.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from emulator.service.environment import RequestContext, ServiceEnvironment
from emulator.templates import report as outcome
from emulator.templates.errors import TemplateError
from emulator.templates.intrinsics import (
    NO_VALUE,
    Created,
    Resolver,
    StackScope,
    attribute_uses,
    references,
)
from emulator.templates.parameters import evaluate_conditions, resolve_parameters
from emulator.templates.reading import StackSource, read_stacks
from emulator.templates.report import LoadReport, ResourceOutcome, Schedule, StackReport

log = logging.getLogger("emulator.templates")


@dataclass(slots=True)
class LoadState:
    """What outlives one load: generated names (a reload keeps them), the exports of the stacks
    loaded so far (``Fn::ImportValue``), the folder inline function code is written to."""

    names: dict[tuple[str, str], str] = field(default_factory=dict)
    exports: dict[str, Any] = field(default_factory=dict)
    work_dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="sfn-emulator-templates-")))
    generations: dict[str, int] = field(default_factory=dict)


async def load_template(
    env: ServiceEnvironment, path: str, parameters: Mapping[str, str], state: LoadState | None = None
) -> LoadReport:
    """Create what the template at ``path`` declares; ``parameters`` override its Parameters
    (``--parameter-overrides``). The report says, per resource, what was created or why not."""
    from emulator.templates.resources import HANDLERS

    state = state or LoadState()
    generation = state.generations.get(path, 0) + 1
    state.generations[path] = generation
    started = time.perf_counter()
    try:
        sources = await asyncio.to_thread(read_stacks, path)  # YAML parsing off the event loop
    except TemplateError as error:
        return LoadReport(path, error=str(error), loaded_at=time.time(), generation=generation, files=(path,))
    context = RequestContext(env.settings.account_id, env.settings.region, "template-load")
    stacks: list[StackReport] = []
    files: list[str] = []
    schedules: list[Schedule] = []
    for source in sources:
        extra: set[str] = set()
        stacks.append(await _load_stack(env, context, source, parameters, state, extra, HANDLERS, schedules))
        files.extend([*source.files, *sorted(extra)])
    return LoadReport(
        path,
        tuple(stacks),
        files=tuple(dict.fromkeys(files)),
        loaded_at=time.time(),
        duration_seconds=time.perf_counter() - started,
        generation=generation,
        schedules=tuple(schedules),
    )


async def _load_stack(
    env: ServiceEnvironment,
    context: RequestContext,
    source: StackSource,
    overrides: Mapping[str, str],
    state: LoadState,
    files: set[str],
    handlers: Mapping[str, Any],
    schedules: list[Schedule],
) -> StackReport:
    from emulator.templates.resources import LoadContext

    document = source.document
    try:
        parameters = resolve_parameters(source.file, document, overrides)
        scope = StackScope(
            file=source.file,
            stack_name=source.stack_name,
            account=context.account,
            region=context.region,
            parameters=parameters,
            mappings=document.get("Mappings") or {},
            resource_ids=frozenset(),
            exports=state.exports,
        )
        from emulator.templates import sam

        sam.check_transforms(document, source.file)
        if sam.is_sam(document):
            document = sam.package_locally(document, source.file, source.base_dir, files)
            # the translator (its import and its work) off the event loop: requests are served meanwhile
            document = await asyncio.to_thread(sam.transform, document, source.file, parameters, scope.pseudo)
        resources = document.get("Resources")
        if not isinstance(resources, dict) or not resources:
            raise TemplateError(
                source.file, "a template needs a Resources section with at least one resource"
            )
        scope.resource_ids = frozenset(resources)
        scope.attribute_uses = attribute_uses(document)
        resolver = Resolver(scope)
        evaluate_conditions(resolver, document)
    except TemplateError as error:
        return StackReport(source.stack_name, source.file, error=str(error))
    load = LoadContext(env, context, scope, source.base_dir, state.work_dir, state.names, files, schedules)
    outcomes: dict[str, ResourceOutcome] = {}
    for logical_id in _creation_order(resources):
        outcomes[logical_id] = await _create(load, resolver, logical_id, resources[logical_id], handlers)
    await load.flush()
    for logical_id, pending in load.pending.items():  # the backend calls submitted along the way
        try:
            outcomes[logical_id] = replace(outcomes[logical_id], status=await pending)
        except TemplateError as error:
            outcomes[logical_id] = replace(outcomes[logical_id], status=outcome.FAILED, message=str(error))
        except Exception as error:  # a backend's surprise: this resource failed, the load goes on
            message = str(TemplateError(scope.file, f"{type(error).__name__}: {error}", logical_id))
            outcomes[logical_id] = replace(outcomes[logical_id], status=outcome.FAILED, message=message)
    for logical_id, resource in resources.items():
        policy = resource.get("DeletionPolicy") if isinstance(resource, dict) else None
        if isinstance(policy, str) and policy:
            outcomes[logical_id] = replace(outcomes[logical_id], deletion_policy=policy)
    report = StackReport(
        source.stack_name,
        source.file,
        tuple(outcomes[logical_id] for logical_id in resources),
        _outputs(resolver, document, state),
    )
    return report


async def _create(
    load: Any, resolver: Resolver, logical_id: str, resource: Any, handlers: Mapping[str, Any]
) -> ResourceOutcome:
    scope = resolver.scope
    if not isinstance(resource, dict) or not isinstance(resource.get("Type"), str):
        scope.missing[logical_id] = "it has no Type"
        return ResourceOutcome(
            logical_id,
            "",
            outcome.FAILED,
            message=str(TemplateError(scope.file, "needs a Type", logical_id, "Type")),
        )
    kind = resource["Type"]
    condition = resource.get("Condition")
    if condition is not None:
        try:
            enabled = resolver.condition(condition, logical_id, "Condition")
        except TemplateError as error:
            scope.missing[logical_id] = "its Condition is not defined"
            return ResourceOutcome(logical_id, kind, outcome.FAILED, message=str(error))
        if not enabled:
            scope.missing[logical_id] = f"its condition {condition} is false"
            return ResourceOutcome(
                logical_id, kind, outcome.SKIPPED, message=f"condition {condition} is false"
            )
    handler = handlers.get(kind)
    if handler is None:
        reason = _unsupported_reason(kind)
        scope.missing[logical_id] = f"{kind} is not supported"
        return ResourceOutcome(logical_id, kind, outcome.NOT_SUPPORTED, message=reason)
    try:
        properties = resolver.resolve(resource.get("Properties") or {}, logical_id, "")
        if properties is NO_VALUE or not isinstance(properties, dict):
            properties = {}
        created: Created = await handler(load, logical_id, properties, resource)
    except TemplateError as error:
        scope.missing[logical_id] = "it failed"
        return ResourceOutcome(logical_id, kind, outcome.FAILED, message=str(error.at(logical_id)))
    except Exception as error:  # a backend's surprise: this resource fails, the load goes on
        log.debug("creating %s failed", logical_id, exc_info=True)
        scope.missing[logical_id] = "it failed"
        message = str(TemplateError(scope.file, f"{type(error).__name__}: {error}", logical_id))
        return ResourceOutcome(logical_id, kind, outcome.FAILED, message=message)
    scope.created[logical_id] = created
    return ResourceOutcome(
        logical_id, kind, created.status, str(created.physical_id or created.ref), created.note
    )


def _unsupported_reason(kind: str) -> str:
    if kind.startswith("Custom::") or kind == "AWS::CloudFormation::CustomResource":
        return "custom resources run code in AWS during deployment; the emulator does not run them"
    if kind.startswith("AWS::Serverless::"):
        return f"{kind} is not a SAM resource type the transform knows"
    return f"the emulator cannot create {kind} resources; the resources that name it are not created either"


def _creation_order(resources: dict[str, Any]) -> list[str]:
    """Dependencies first (Ref, GetAtt, Sub and DependsOn), in template order otherwise; the
    members of a cycle come last (and report what they name as not created yet)."""
    names = set(resources)
    needs: dict[str, set[str]] = {}
    for logical_id, resource in resources.items():
        found = references(resource.get("Properties") if isinstance(resource, dict) else None)
        depends = resource.get("DependsOn") if isinstance(resource, dict) else None
        found.update([depends] if isinstance(depends, str) else depends or [])
        needs[logical_id] = {name for name in found if name in names and name != logical_id}
    order: list[str] = []
    done: set[str] = set()
    remaining = list(resources)
    while remaining:
        ready = [name for name in remaining if needs[name] <= done]
        if not ready:
            order.extend(remaining)
            break
        for name in ready:
            order.append(name)
            done.add(name)
        remaining = [name for name in remaining if name not in done]
    return order


def _outputs(resolver: Resolver, document: dict[str, Any], state: LoadState) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, output in (document.get("Outputs") or {}).items():
        if not isinstance(output, dict):
            continue
        try:
            if "Condition" in output and not resolver.condition(output["Condition"], "Outputs", name):
                continue
            value = resolver.resolve(output.get("Value"), "Outputs", name)
            out[name] = value
            export = (output.get("Export") or {}).get("Name")
            if export is not None:
                state.exports[str(resolver.resolve(export, "Outputs", name))] = value
        except TemplateError as error:
            out[name] = {"error": str(error)}
    return out
