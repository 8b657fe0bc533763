"""The templates given to the server (``--template``, repeatable): loaded once the server listens,
reloaded when one of their files changes (``watchfiles``), listed by ``GET /_emulator/templates``.

A reload runs the same load again: resources that exist are kept, state machines get the new
definition (UpdateStateMachine: running executions finish on the definition they started with),
functions get the new configuration, new resources are created, and what is no longer declared is
deleted (``retire``), as a stack update would.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol

from emulator.service.activities import delete_activity
from emulator.service.aws_resources import AwsCallFailed, call_aws
from emulator.service.cron import parse_cron
from emulator.service.environment import RequestContext, ServiceEnvironment
from emulator.service.event_targets import rate_seconds, scheduled_event, start_execution_for_event
from emulator.service.functions import remove_local_function
from emulator.service.state_machines import delete_state_machine
from emulator.templates.loader import LoadState, load_template
from emulator.templates.report import (
    CREATED,
    FAILED,
    LIVE,
    RETAINED,
    UPDATE_FAILED,
    UPDATED,
    LoadReport,
    ResourceOutcome,
    Schedule,
)

log = logging.getLogger("emulator.templates")


class ScheduleClock(Protocol):
    """The time schedules follow: epoch seconds, and a wait (a virtual clock also has
    ``sleep_in_background``, used instead)."""

    def now(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...


class TemplateSet:
    """What ``--template`` loaded, in the order given (a later stack can import an earlier one's
    exports)."""

    def __init__(
        self,
        env: ServiceEnvironment,
        paths: list[str],
        parameters: Mapping[str, str],
        clock: ScheduleClock | None = None,
    ) -> None:
        self.env = env
        # the time schedules follow (app.py: the emulator's virtual clock, else the wall clock);
        # None: schedules off
        self.clock = clock
        self._schedules: dict[str, list[asyncio.Task[None]]] = {}
        self._last_good: dict[str, LoadReport] = {}  # what a reload compares with to retire
        self.paths = list(paths)
        self.parameters = dict(parameters)
        self.state = LoadState()
        self.reports: dict[str, LoadReport] = {}
        self.ready = asyncio.Event()  # set once every template has loaded the first time
        self._lock = asyncio.Lock()

    async def load_all(self) -> None:
        async with self._lock:
            for path in self.paths:
                await self._load(path)
        self.ready.set()

    async def reload(self, path: str) -> LoadReport:
        async with self._lock:
            return await self._load(path)

    async def _load(self, path: str) -> LoadReport:
        previous = self.reports.get(path)
        try:
            report = await load_template(self.env, path, self.parameters, self.state)
        except Exception as error:  # an emulator bug: reported, and the other templates still load
            log.exception("loading %s failed", path)
            message = f"{path}: the emulator failed to load it: {type(error).__name__}: {error}"
            generation = previous.generation + 1 if previous is not None else 1
            report = LoadReport(path, error=message, loaded_at=time.time(), generation=generation)
        last_good = self._last_good.get(path)
        if last_good is not None:
            report = updates_failed(last_good, report)
        self.reports[path] = report
        if report.ok:  # a template saved half-edited deletes nothing
            if last_good is not None:
                await retire(self.env, last_good, report)
            self._last_good[path] = report
            self._start_schedules(path, report)
        log.info("%s", report.summary())
        for line in report.problems():
            log.warning("%s", line)
        return report

    def _start_schedules(self, path: str, report: LoadReport) -> None:
        for task in self._schedules.pop(path, []):
            task.cancel()
        if self.clock is None:
            return
        self._schedules[path] = [asyncio.ensure_future(self._fire(item)) for item in report.schedules]

    async def _wait(self, seconds: float) -> bool:
        """Wait ``seconds`` on the schedules' clock; False if a virtual clock was reset meanwhile.
        (A virtual clock's ``sleep_in_background``: an idle ``auto`` clock does not jump to it.)"""
        assert self.clock is not None
        background = getattr(self.clock, "sleep_in_background", None)
        if background is not None:
            return bool(await background(seconds))
        await self.clock.sleep(seconds)
        return True

    async def _fire(self, schedule: Schedule) -> None:
        """Start the schedule's state machine targets at each of its times: a ``rate(…)`` every
        period (the first a period after the schedule was created, as EventBridge does), a
        ``cron(…)`` at each time its fields name (in its time zone; UTC by default). A rule's
        targets get EventBridge's Scheduled Event, a Scheduler schedule's target its Input."""
        assert self.clock is not None
        parts = schedule.arn.split(":")
        region, account = parts[3], parts[4]
        period = rate_seconds(schedule.expression)
        cron = None if period is not None else parse_cron(schedule.expression, schedule.timezone)
        while True:
            now = self.clock.now()
            if cron is not None:
                due = cron.next_after(now)
                if due is None:
                    return  # its last year has passed
            else:
                assert period is not None
                due = now + period
            if not await self._wait(due - now):
                continue  # the clock was reset: count again from its new time
            event = scheduled_event(account, region, schedule.arn, due)
            for target in schedule.targets:
                start_execution_for_event(self.env, account, region, dict(target), event)

    def close(self) -> None:
        """Stop the schedules."""
        for tasks in self._schedules.values():
            for task in tasks:
                task.cancel()
        self._schedules.clear()

    def to_json(self) -> dict[str, Any]:
        return {
            "ready": self.ready.is_set(),
            "parameterOverrides": self.parameters,
            "templates": [self.reports[path].to_json() for path in self.paths if path in self.reports],
        }

    # --- reload -------------------------------------------------------------------------------

    def watched(self) -> tuple[set[Path], set[str]]:
        """(folders to watch, the files whose change means a reload)."""
        folders: set[Path] = set()
        files: set[str] = set()
        for path in self.paths:
            target = Path(path).resolve()
            report = self.reports.get(path)
            names = [target] + [Path(item).resolve() for item in (report.files if report else ())]
            for name in names:
                files.add(str(name))
                folders.add(name if name.is_dir() else name.parent)
        return folders, files

    def templates_touched(self, changed: set[str]) -> list[str]:
        """The templates one of whose files (or, for a cloud assembly, anything inside it) changed."""
        touched = []
        for path in self.paths:
            target = Path(path).resolve()
            report = self.reports.get(path)
            own = {str(target), *(str(Path(item).resolve()) for item in (report.files if report else ()))}
            inside = target.is_dir() and any(item.startswith(str(target) + "/") for item in changed)
            if own & changed or inside:
                touched.append(path)
        return touched

    async def watch(self, stop: asyncio.Event | None = None) -> None:
        """Reload templates as their files change, until ``stop`` is set (or cancelled)."""
        from watchfiles import awatch

        await self.ready.wait()
        while stop is None or not stop.is_set():
            folders, files = self.watched()
            existing = [str(folder) for folder in folders if folder.exists()]
            if not existing:
                return
            cdk_dirs = [str(Path(path).resolve()) + "/" for path in self.paths if Path(path).is_dir()]

            relevant = _filter(files, cdk_dirs)

            async for changes in awatch(
                *existing, watch_filter=relevant, stop_event=stop, recursive=bool(cdk_dirs)
            ):
                changed = {str(Path(name).resolve()) for _, name in changes}
                for path in self.templates_touched(changed):
                    started = time.perf_counter()
                    report = await self.reload(path)
                    log.info("reloaded %s in %.0f ms", path, (time.perf_counter() - started) * 1000)
                    del report
                break  # the files to watch may have changed: watch again


def updates_failed(previous: LoadReport, report: LoadReport) -> LoadReport:
    """``report`` with each resource that existed after ``previous`` and failed this time marked
    ``UPDATE_FAILED`` (CloudFormation's status for a failed update; a resource new in this load
    that fails stays ``CREATE_FAILED``), keeping the physical id it still has."""
    before = {
        (stack.stack_name, item.logical_id): item
        for stack in previous.stacks
        for item in stack.resources
        if item.status in LIVE and item.physical_id
    }
    stacks = []
    for stack in report.stacks:
        items = []
        for item in stack.resources:
            old = before.get((stack.stack_name, item.logical_id))
            if item.status == FAILED and old is not None and old.type == item.type:
                item = replace(item, status=UPDATE_FAILED, physical_id=old.physical_id)
            items.append(item)
        stacks.append(replace(stack, resources=tuple(items)))
    return replace(report, stacks=tuple(stacks))


def _replaced(previous: LoadReport, report: LoadReport) -> list[ResourceOutcome]:
    """What ``previous`` created that ``report`` no longer has: a logical id gone from the
    template, or now created under another name. A resource that failed to update keeps what it
    had (as a stack update rolls back)."""
    now = {(stack.stack_name, item.logical_id): item for stack in report.stacks for item in stack.resources}
    gone = []
    for stack in previous.stacks:
        for item in stack.resources:
            if item.status not in LIVE or not item.physical_id:
                continue
            current = now.get((stack.stack_name, item.logical_id))
            if current is None or (
                current.status in (CREATED, UPDATED) and current.physical_id != item.physical_id
            ):
                gone.append(item)
    return gone


def _deletions(kind: str, physical_id: str) -> list[tuple[str, str, dict[str, Any]]] | None:
    """The calls (service, operation, request) that delete another service's resource, from the
    physical id the load recorded; None for a type deleted otherwise or kept (IAM roles)."""
    if kind == "AWS::SQS::Queue":
        return [("sqs", "DeleteQueue", {"QueueUrl": physical_id})]
    if kind == "AWS::SNS::Topic":
        return [("sns", "DeleteTopic", {"TopicArn": physical_id})]
    if kind == "AWS::SNS::Subscription":
        return [("sns", "Unsubscribe", {"SubscriptionArn": physical_id})]
    if kind == "AWS::DynamoDB::Table":
        return [("dynamodb", "DeleteTable", {"TableName": physical_id.split(":table/", 1)[-1]})]
    if kind == "AWS::S3::Bucket":
        return [("s3", "DeleteBucket", {"Bucket": physical_id})]
    if kind == "AWS::Events::EventBus":
        return [("events", "DeleteEventBus", {"Name": physical_id.split(":event-bus/", 1)[-1]})]
    if kind == "AWS::Logs::LogGroup":
        name = physical_id.split(":log-group:", 1)[-1].removesuffix(":*")
        return [("logs", "DeleteLogGroup", {"logGroupName": name})]
    return None


async def _delete_rule(env: ServiceEnvironment, context: RequestContext, arn: str) -> None:
    """A rule's targets first (EventBridge refuses to delete a rule that has some), then the rule."""
    path = arn.split(":rule/", 1)[-1]
    bus, _, name = path.rpartition("/")
    where = {"Rule": name, "EventBusName": bus or "default"}
    listed = await call_aws(env, context, "events", "ListTargetsByRule", where)
    ids = [str(target["Id"]) for target in listed.get("Targets") or []]
    if ids:
        await call_aws(env, context, "events", "RemoveTargets", {**where, "Ids": ids})
    await call_aws(
        env, context, "events", "DeleteRule", {"Name": name, "EventBusName": where["EventBusName"]}
    )


async def retire(env: ServiceEnvironment, previous: LoadReport, report: LoadReport) -> list[str]:
    """After a reload, delete what the template no longer declares (or now names differently), as
    a stack update would: state machines, activities, local functions, and the other services'
    queues, topics, subscriptions, tables, buckets, event buses, rules and log groups (through
    ``service/aws_resources.py``), unless their ``DeletionPolicy`` was ``Retain`` /
    ``RetainExceptOnCreate``. A deletion the service refuses (a bucket that is not empty) is
    logged and the resource stays, as CloudFormation leaves it. The physical ids deleted."""
    context = RequestContext(env.settings.account_id, env.settings.region, "template-reload")
    retired = []
    for item in _replaced(previous, report):
        kind, physical_id = item.type, item.physical_id
        if item.deletion_policy in RETAINED:
            log.info(
                "%s: %s is no longer declared: retained (DeletionPolicy %s)",
                report.path,
                physical_id,
                item.deletion_policy,
            )
            continue
        try:
            if kind == "AWS::StepFunctions::StateMachine":
                delete_state_machine(env, context, {"stateMachineArn": physical_id})
            elif kind == "AWS::StepFunctions::Activity":
                delete_activity(env, context, {"activityArn": physical_id})
            elif kind == "AWS::Lambda::Function":
                remove_local_function(env, physical_id.rsplit(":", 1)[-1])
            elif kind == "AWS::Events::Rule":
                await _delete_rule(env, context, physical_id)
            else:
                calls = _deletions(kind, physical_id)
                if calls is None:
                    continue
                for service, operation, request in calls:
                    await call_aws(env, context, service, operation, request)
        except AwsCallFailed as error:
            log.warning(
                "%s: %s is no longer declared: DELETE_FAILED: %s: %s",
                report.path,
                physical_id,
                error.code,
                error.message,
            )
            continue
        retired.append(physical_id)
        log.info("%s: %s is no longer declared: deleted", report.path, physical_id)
    return retired


def _filter(files: set[str], folders: list[str]) -> Any:
    """watchfiles' filter: a file of a template, or anything inside a cloud assembly."""

    def relevant(_: Any, name: str) -> bool:
        return name in files or any(name.startswith(prefix) for prefix in folders)

    return relevant
