"""What a state machine target of an EventBridge rule starts with (EventBridge API reference,
Target: Input, InputPath)."""

from __future__ import annotations

from emulator.service.event_targets import rate_seconds, scheduled_event, target_input

EVENT = {"source": "shop", "detail": {"order": {"id": "o-1"}}}


def test_the_event_itself_by_default() -> None:
    assert target_input({"Arn": "a"}, EVENT) == '{"source":"shop","detail":{"order":{"id":"o-1"}}}'


def test_input_replaces_the_event_with_its_constant_json() -> None:
    assert target_input({"Arn": "a", "Input": '{"fixed": 1}'}, EVENT) == '{"fixed": 1}'


def test_input_path_selects_part_of_the_event() -> None:
    assert target_input({"Arn": "a", "InputPath": "$.detail.order"}, EVENT) == '{"id":"o-1"}'


def test_a_transformed_text_is_passed_as_it_is() -> None:
    assert target_input({"Arn": "a"}, "order o-1 placed") == "order o-1 placed"


def test_rate_expressions() -> None:
    assert [
        rate_seconds(text) for text in ("rate(1 minute)", "rate(5 minutes)", "rate(2 hours)", "rate(1 day)")
    ] == [
        60,
        300,
        7200,
        86400,
    ]
    assert rate_seconds("cron(0 2 * * ? *)") is None


def test_the_scheduled_event() -> None:
    event = scheduled_event("123456789012", "eu-west-1", "arn:aws:events:eu-west-1:123456789012:rule/r", 0.0)
    assert event["detail-type"] == "Scheduled Event" and event["source"] == "aws.events"
    assert (
        event["time"] == "1970-01-01T00:00:00Z" and event["detail"] == {} and event["region"] == "eu-west-1"
    )
