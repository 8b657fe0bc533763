"""A rule with a rate(…) schedule that targets a state machine starts it every period with
EventBridge's scheduled event; a cron(…) schedule is created and said not to fire."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from emulator.app import build_environment
from emulator.service.environment import RequestContext
from emulator.service.executions import list_executions
from emulator.settings import Settings
from emulator.templates.templates import TemplateSet

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
      ScheduleExpression: cron(0 2 * * ? *)
      Targets: [{Id: m, Arn: !Ref Machine, Input: '{"nightly": true}'}]
"""


def test_a_rate_schedule_starts_its_machine_each_period(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    periods: list[float] = []

    async def scenario() -> tuple[list[dict[str, str]], TemplateSet]:
        release = asyncio.Event()

        async def sleep(seconds: float) -> None:  # the first period passes at once, then time stops
            periods.append(seconds)
            if len(periods) > 1:
                await release.wait()

        env = build_environment(Settings())
        templates = TemplateSet(env, [str(tmp_path / "template.yaml")], {}, sleep=sleep)
        await templates.load_all()
        while len(periods) < 2:
            await asyncio.sleep(0)
        context = RequestContext("123456789012", "us-east-1", "t")
        arn = "arn:aws:states:us-east-1:123456789012:stateMachine:scheduled"
        executions = list_executions(env, context, {"stateMachineArn": arn})["executions"]
        inputs = [
            env.store.partition("123456789012", "us-east-1").executions.get(e["executionArn"]).input
            for e in executions
        ]
        templates.close()
        return [json.loads(text) for text in inputs], templates

    events, templates = asyncio.run(scenario())
    assert periods == [300, 300]
    assert len(events) == 1
    event = events[0]
    assert (
        event["detail-type"] == "Scheduled Event"
        and event["source"] == "aws.events"
        and event["detail"] == {}
    )
    assert event["resources"] == ["arn:aws:events:us-east-1:123456789012:rule/every-5-minutes"]
    outcomes = {
        item.logical_id: item
        for item in templates.reports[str(tmp_path / "template.yaml")].stacks[0].resources
    }
    assert "every 300 s" in outcomes["Every5Minutes"].message
    assert "cron schedules are not fired" in outcomes["Nightly"].message
