"""EventBridge's InputTransformer and the delivered event's shape (Amazon EventBridge User Guide,
"Amazon EventBridge input transformation"; API reference, InputTransformer)."""

from __future__ import annotations

from typing import Any

import pytest

from emulator.integrations.event_targets import delivered_event, is_state_machine_target, transformed_input

EVENT = {
    "version": "0",
    "id": "7bf73129",
    "detail-type": "EC2 Instance State-change Notification",
    "source": "aws.ec2",
    "account": "123456789012",
    "time": "2015-11-11T21:29:54Z",
    "region": "us-east-1",
    "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],
    "detail": {"instance-id": "i-0123456789", "state": "RUNNING", "count": 2},
}
PATHS = {"instance": "$.detail.instance-id", "state": "$.detail.state", "resource": "$.resources[0]"}
RULE = "arn:aws:events:us-east-1:123456789012:rule/ec2-changes"

ROWS: list[tuple[str, str, Any]] = [
    (
        "json_outside_quotes",
        '{"instance": <instance>, "state": <state>}',
        {"instance": "i-0123456789", "state": "RUNNING"},
    ),
    (
        "text_inside_quotes",
        '{"message": "<instance> is in state <state>"}',
        {"message": "i-0123456789 is in state RUNNING"},
    ),
    ("plain_text_template", "<instance> is in state <state>", "i-0123456789 is in state RUNNING"),
    ("escaped_quotes", '{"m": "<instance> is \\"<state>\\""}', {"m": 'i-0123456789 is "RUNNING"'}),
    ("array_index", '{"r": <resource>}', {"r": "arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"}),
    ("predefined_rule_name", '{"rule": <aws.events.rule-name>}', {"rule": "ec2-changes"}),
    ("predefined_event_json", '{"e": <aws.events.event.json>}', {"e": EVENT}),
]


@pytest.mark.parametrize(("case", "template", "expected"), ROWS, ids=[row[0] for row in ROWS])
def test_input_transformer(case: str, template: str, expected: Any) -> None:
    assert transformed_input({"InputPathsMap": PATHS, "InputTemplate": template}, EVENT, RULE) == expected


def test_the_delivered_event_has_the_envelope_in_awss_order_and_iso_time() -> None:
    internal = dict(EVENT, time=1447277394.0, **{"ingestion-time": 1447277394.5})
    delivered = delivered_event(internal)
    assert list(delivered) == [
        "version",
        "id",
        "detail-type",
        "source",
        "account",
        "time",
        "region",
        "resources",
        "detail",
    ]
    assert delivered["time"] == "2015-11-11T21:29:54Z"


def test_only_state_machine_arns_are_ours() -> None:
    assert is_state_machine_target({"Arn": "arn:aws:states:us-east-1:123456789012:stateMachine:m"})
    assert not is_state_machine_target({"Arn": "arn:aws:sqs:us-east-1:123456789012:q"})
    assert not is_state_machine_target({"Arn": "arn:aws:states:us-east-1:123456789012:activity:a"})
