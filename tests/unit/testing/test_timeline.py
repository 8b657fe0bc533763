"""The timeline ``sfn-emulator run`` prints, from wire history events."""

from __future__ import annotations

from emulator.testing.timeline import describe_duration, render_timeline, state_spans, states_visited

T0 = 1_700_000_000.0


def _history() -> list[dict]:
    return [
        {"type": "ExecutionStarted", "timestamp": T0, "executionStartedEventDetails": {"input": '{"id": 1}'}},
        {
            "type": "WaitStateEntered",
            "timestamp": T0,
            "stateEnteredEventDetails": {"name": "Sleep", "input": "{}"},
        },
        {
            "type": "WaitStateExited",
            "timestamp": T0 + 90000,
            "stateExitedEventDetails": {"name": "Sleep", "output": "{}"},
        },
        {
            "type": "TaskStateEntered",
            "timestamp": T0 + 90000,
            "stateEnteredEventDetails": {"name": "Charge", "input": "{}"},
        },
        {
            "type": "TaskFailed",
            "timestamp": T0 + 90000.5,
            "taskFailedEventDetails": {"error": "Busy", "cause": "later"},
        },
        {
            "type": "TaskStateExited",
            "timestamp": T0 + 90002,
            "stateExitedEventDetails": {"name": "Charge", "output": '{"ok":true}'},
        },
        {
            "type": "ExecutionSucceeded",
            "timestamp": T0 + 90002,
            "executionSucceededEventDetails": {"output": '{"ok":true}'},
        },
    ]


def test_durations_read_as_people_write_them() -> None:
    assert [describe_duration(s) for s in (0.004, 2.5, 90, 3600, 90002, 365 * 86400)] == [
        "4ms",
        "2.5s",
        "1m 30s",
        "1h",
        "1d 1h 2s",
        "365d",
    ]


def test_a_state_span_carries_its_times_output_and_failed_attempts() -> None:
    sleep, charge = state_spans(_history())
    assert (sleep.name, sleep.type, sleep.exited - sleep.entered) == ("Sleep", "Wait", 90000)
    assert charge.failures == ["TaskFailed: Busy (later)"] and charge.output == '{"ok":true}'
    assert states_visited(_history()) == ["Sleep", "Charge"]


def test_the_timeline_shows_offsets_durations_failures_and_the_output() -> None:
    text = render_timeline({"status": "SUCCEEDED", "output": '{"ok":true}', "name": "run-1"}, _history())
    lines = text.splitlines()
    assert lines[0].startswith('2023-11-14T22:13:20.000Z  started  run-1  input {"id":1}')
    assert "Sleep" in lines[1] and "Wait" in lines[1] and "1d 1h" in lines[1]
    assert "+1d 1h" in lines[2] and "Charge" in lines[2] and '{} → {"ok":true}' in lines[2]
    assert lines[3].strip() == "! TaskFailed: Busy (later)"
    assert "SUCCEEDED after 1d 1h 2s" in lines[4] and lines[5] == 'output {"ok":true}'
