"""Schedules that target state machines start them at their times, on the emulator's clock: a
rule's rate(…) every period and cron(…) at the times its fields name (EventBridge's Scheduled
Event as input), an EventBridge Scheduler schedule (its target's Input) in its time zone."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path
from typing import Any

from emulator.app import build_environment
from emulator.runtime.virtual_clock import VirtualClock
from emulator.service.environment import RequestContext, ServiceEnvironment
from emulator.service.executions import list_executions
from emulator.settings import Settings
from emulator.templates.templates import TemplateSet

ACCOUNT, REGION = "123456789012", "us-east-1"
MACHINE = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:scheduled"
TEMPLATE = """
Resources:
  Machine:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      StateMachineName: scheduled
      RoleArn: arn:aws:iam::123456789012:role/r
      Definition: {StartAt: P, States: {P: {Type: Pass, End: true}}}
  Every5Minutes:
    Type: AWS::Events::Rule
    Properties:
      Name: every-5-minutes
      ScheduleExpression: rate(5 minutes)
      Targets: [{Id: m, Arn: !Ref Machine}]
  Nightly:
    Type: AWS::Events::Rule
    Properties:
      Name: nightly
      ScheduleExpression: cron(0 2 * * ? *)
      Targets: [{Id: m, Arn: !Ref Machine, Input: '{"nightly": true}'}]
  MorningInParis:
    Type: AWS::Scheduler::Schedule
    Properties:
      Name: morning
      ScheduleExpression: cron(30 8 ? * MON-FRI *)
      ScheduleExpressionTimezone: Europe/Paris
      FlexibleTimeWindow: {Mode: "OFF"}
      Target: {Arn: !Ref Machine, RoleArn: arn:aws:iam::123456789012:role/r, Input: '{"morning": 1}'}
"""
START = dt.datetime(2026, 12, 7, 0, 0, tzinfo=dt.UTC).timestamp()  # a Monday, 00:00 UTC


def _inputs(env: ServiceEnvironment) -> list[tuple[str, Any]]:
    """(start date, input) of the machine's executions, oldest first."""
    context = RequestContext(ACCOUNT, REGION, "t")
    executions = list_executions(env, context, {"stateMachineArn": MACHINE})["executions"]
    partition = env.store.partition(ACCOUNT, REGION)
    out = []
    for item in executions:
        record = partition.executions.get(item["executionArn"])
        started = item["startDate"]
        when = started.timestamp() if isinstance(started, dt.datetime) else float(started)
        out.append((dt.datetime.fromtimestamp(when, dt.UTC).strftime("%H:%M"), json.loads(record.input)))
    return sorted(out, key=lambda pair: pair[0])


def _run(tmp_path: Path, auto: bool, scenario: Any) -> Any:
    (tmp_path / "template.yaml").write_text(TEMPLATE)

    async def main() -> Any:
        clock = VirtualClock(start=START, auto=auto)
        env = build_environment(Settings())
        env.clock = clock
        templates = TemplateSet(env, [str(tmp_path / "template.yaml")], {}, clock=clock)
        await templates.load_all()
        try:
            return await scenario(env, clock, templates)
        finally:
            templates.close()
            await clock.close()

    return asyncio.run(main())


def test_rate_and_cron_schedules_fire_as_the_virtual_clock_passes_their_times(tmp_path: Path) -> None:
    async def scenario(env: ServiceEnvironment, clock: VirtualClock, templates: TemplateSet) -> Any:
        await clock.advance(4 * 60)
        assert _inputs(env) == []  # the first rate firing comes a period after creation
        await clock.advance(2 * 3600 + 60)  # to 02:05
        fired = _inputs(env)
        await clock.advance(7 * 3600 + 30 * 60)  # to 09:35: 08:30 in Paris is 07:30 UTC
        return fired, _inputs(env), templates

    fired, later, templates = _run(tmp_path, False, scenario)
    rate = [when for when, item in fired if item.get("detail-type") == "Scheduled Event"]
    assert rate == [f"{minute // 60:02d}:{minute % 60:02d}" for minute in range(5, 126, 5)]
    nightly = [(when, item) for when, item in fired if item == {"nightly": True}]
    assert nightly == [("02:00", {"nightly": True})]
    assert [pair for pair in later if pair[1] == {"morning": 1}] == [("07:30", {"morning": 1})]
    rule_event = next(item for _, item in fired if item.get("detail-type") == "Scheduled Event")
    assert rule_event["source"] == "aws.events" and rule_event["detail"] == {}
    assert rule_event["time"] == "2026-12-07T00:05:00Z"
    assert rule_event["resources"] == [f"arn:aws:events:{REGION}:{ACCOUNT}:rule/every-5-minutes"]
    outcomes = {
        item.logical_id: item
        for item in templates.reports[str(tmp_path / "template.yaml")].stacks[0].resources
    }
    assert "every 300 s" in outcomes["Every5Minutes"].message
    assert "cron(0 2 * * ? *) (UTC)" in outcomes["Nightly"].message
    assert "(Europe/Paris)" in outcomes["MorningInParis"].message
    assert outcomes["MorningInParis"].physical_id == (
        f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/default/morning"
    )


def test_an_idle_auto_clock_does_not_jump_to_the_next_schedule(tmp_path: Path) -> None:
    async def scenario(env: ServiceEnvironment, clock: VirtualClock, templates: TemplateSet) -> Any:
        for _ in range(50):
            await asyncio.sleep(0)
        return clock.now(), _inputs(env)

    now, fired = _run(tmp_path, True, scenario)
    assert now == START and fired == []


def test_a_reset_clock_counts_its_schedules_from_the_new_time(tmp_path: Path) -> None:
    async def scenario(env: ServiceEnvironment, clock: VirtualClock, templates: TemplateSet) -> Any:
        clock.reset(START + 3600)  # 01:00
        await clock.advance(60 * 60 + 60)  # to 02:01
        return _inputs(env)

    fired = _run(tmp_path, False, scenario)
    assert [when for when, item in fired if item == {"nightly": True}] == ["02:00"]
    assert [when for when, item in fired if "detail-type" in item][0] == "01:05"


def test_an_invalid_cron_expression_fails_the_rule(tmp_path: Path) -> None:
    template = TEMPLATE.replace("cron(0 2 * * ? *)", "cron(0 2 * * * *)")

    async def main() -> Any:
        (tmp_path / "template.yaml").write_text(template)
        env = build_environment(Settings())
        templates = TemplateSet(env, [str(tmp_path / "template.yaml")], {})
        report = await templates.reload(str(tmp_path / "template.yaml"))
        return {item.logical_id: item for item in report.stacks[0].resources}

    outcomes = asyncio.run(main())
    assert outcomes["Nightly"].status == "CREATE_FAILED"
    assert "exactly one of the day-of-month and day-of-week fields" in outcomes["Nightly"].message


SAM_TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Machine:
    Type: AWS::Serverless::StateMachine
    Properties:
      Name: scheduled
      Definition: {StartAt: P, States: {P: {Type: Pass, End: true}}}
      Events:
        Hourly:
          Type: Schedule
          Properties: {Schedule: "cron(0 * * * ? *)", Input: '{"hourly": true}'}
        Weekly:
          Type: ScheduleV2
          Properties:
            ScheduleExpression: cron(0 12 ? * 2#1 *)
            ScheduleExpressionTimezone: Asia/Tokyo
            Input: '{"first-monday": true}'
"""


def test_sam_schedule_and_schedule_v2_events_become_schedules(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(SAM_TEMPLATE)

    async def main() -> Any:
        env = build_environment(Settings())
        templates = TemplateSet(env, [str(tmp_path / "template.yaml")], {})
        await templates.load_all()
        return templates.reports[str(tmp_path / "template.yaml")]

    report = asyncio.run(main())
    assert report.ok, report.problems()
    found = {(item.expression, item.timezone, item.scheduler): item.targets for item in report.schedules}
    assert set(found) == {("cron(0 * * * ? *)", None, False), ("cron(0 12 ? * 2#1 *)", "Asia/Tokyo", True)}
    weekly = found[("cron(0 12 ? * 2#1 *)", "Asia/Tokyo", True)][0]
    assert weekly == {"Arn": MACHINE, "Input": '{"first-monday": true}'}
