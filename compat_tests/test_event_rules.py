"""EventBridge rules that target a state machine start it when a put event matches, as AWS does:
from an SDK client, from a state machine's ``events:putEvents`` task, for rules a template declares
or an SDK client creates; with the target's Input, InputPath or InputTransformer."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Any

from compat_tests.helpers import ROLE_ARN, aws_client, wait_finished
from compat_tests.server import LiveServer
from compat_tests.template_server import resources_of, start_with, wait_loaded

TEMPLATE = """
Resources:
  Receiver:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      StateMachineName: receiver
      RoleArn: arn:aws:iam::123456789012:role/r
      Definition: {StartAt: P, States: {P: {Type: Pass, End: true}}}
  Sender:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      StateMachineName: sender
      RoleArn: arn:aws:iam::123456789012:role/r
      DefinitionSubstitutions: {Bus: !Ref Bus}
      Definition:
        StartAt: Publish
        States:
          Publish:
            Type: Task
            Resource: arn:aws:states:::events:putEvents
            Parameters:
              Entries:
                - EventBusName: ${Bus}
                  Source: billing
                  DetailType: InvoiceDue
                  Detail: {invoice: {id.$: $.id, amount.$: $.amount}}
            End: true
  Bus:
    Type: AWS::Events::EventBus
    Properties: {Name: billing-bus}
  LargeInvoices:
    Type: AWS::Events::Rule
    Properties:
      EventBusName: !Ref Bus
      EventPattern:
        source: [billing]
        detail:
          invoice:
            amount: [{numeric: [">", 100]}]
      Targets:
        - Id: receiver
          Arn: !Ref Receiver
          InputPath: $.detail.invoice
"""


def _executions(sfn: Any, arn: str) -> list[dict[str, Any]]:
    return list(sfn.list_executions(stateMachineArn=arn)["executions"])


def _wait_for_count(sfn: Any, arn: str, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = _executions(sfn, arn)
        if len(found) >= count:
            return found
        time.sleep(0.02)
    raise AssertionError(f"{arn}: {len(_executions(sfn, arn))} executions, expected {count}")


def test_a_put_events_task_starts_the_machine_its_rule_targets_when_the_pattern_matches(
    tmp_path: Path,
) -> None:
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    server = start_with("--template", str(tmp_path / "template.yaml"))
    try:
        resources = resources_of(wait_loaded(server))
        sfn = aws_client(server, "stepfunctions")
        sender, receiver = resources["Sender"]["physicalId"], resources["Receiver"]["physicalId"]
        small = sfn.start_execution(stateMachineArn=sender, input=json.dumps({"id": "i-1", "amount": 50}))
        assert wait_finished(sfn, small["executionArn"])["status"] == "SUCCEEDED"
        large = sfn.start_execution(stateMachineArn=sender, input=json.dumps({"id": "i-2", "amount": 500}))
        assert wait_finished(sfn, large["executionArn"])["status"] == "SUCCEEDED"
        (started,) = _wait_for_count(sfn, receiver, 1)
        described = wait_finished(sfn, started["executionArn"])
        assert json.loads(described["input"]) == {"id": "i-2", "amount": 500}  # InputPath $.detail.invoice
        time.sleep(0.2)
        assert len(_executions(sfn, receiver)) == 1  # amount 50 did not match
    finally:
        server.stop()


def test_a_rule_an_sdk_client_creates_delivers_through_its_input_transformer(live_server: LiveServer) -> None:
    sfn, events = aws_client(live_server, "stepfunctions"), aws_client(live_server, "events")
    name = f"transformed-{uuid.uuid4().hex[:8]}"
    definition = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
    arn = sfn.create_state_machine(name=name, definition=json.dumps(definition), roleArn=ROLE_ARN)[
        "stateMachineArn"
    ]
    events.put_rule(
        Name=name, EventPattern=json.dumps({"source": [name], "detail-type": [{"prefix": "Order"}]})
    )
    events.put_targets(
        Rule=name,
        Targets=[
            {
                "Id": "machine",
                "Arn": arn,
                "RoleArn": ROLE_ARN,
                "InputTransformer": {
                    "InputPathsMap": {"order": "$.detail.order", "kind": "$.detail-type"},
                    "InputTemplate": '{"order": <order>, "kind": "<kind>"}',
                },
            },
            {"Id": "constant", "Arn": arn, "RoleArn": ROLE_ARN, "Input": '{"constant": true}'},
        ],
    )
    entries = [
        {"Source": name, "DetailType": "OrderPlaced", "Detail": json.dumps({"order": "o-9"})},
        {"Source": name, "DetailType": "Refund", "Detail": json.dumps({"order": "o-10"})},
    ]
    assert events.put_events(Entries=entries)["FailedEntryCount"] == 0
    started = _wait_for_count(sfn, arn, 2)
    inputs = sorted(
        (json.loads(wait_finished(sfn, item["executionArn"])["input"]) for item in started), key=json.dumps
    )
    assert inputs == [{"constant": True}, {"kind": "OrderPlaced", "order": "o-9"}]
