import pytest

from emulator.language.errors import StatesError
from emulator.language.parse import compile_definition
from emulator.language.states.fail_state import failure_of
from emulator.language.states.wait_state import wait_seconds


def _state(raw: dict):
    return compile_definition({"StartAt": "S", "States": {"S": raw}}).states["S"]


def test_timestamp_wait_counts_from_now_and_never_goes_negative() -> None:
    state = _state({"Type": "Wait", "Timestamp": "2024-01-01T00:01:00Z", "End": True})
    assert wait_seconds(state, {}, {}, 1704067200.0) == 60.0
    assert wait_seconds(state, {}, {}, 1704067300.0) == 0.0


@pytest.mark.parametrize(
    ("seconds", "cause"),
    [
        (1.5, "The SecondsPath parameter cannot be parsed as a long value: $.s == 1.5"),
        (-1, "The SecondsPath parameter references a negative value: $.s == -1"),
    ],
)
def test_seconds_path_errors_use_aws_wording(seconds: float, cause: str) -> None:
    state = _state({"Type": "Wait", "SecondsPath": "$.s", "End": True})
    with pytest.raises(StatesError) as raised:
        wait_seconds(state, {"s": seconds}, {}, 0.0)
    assert (raised.value.error, raised.value.cause) == ("States.Runtime", cause)


def test_timestamp_path_requires_an_offset() -> None:
    state = _state({"Type": "Wait", "TimestampPath": "$.t", "End": True})
    with pytest.raises(StatesError) as raised:
        wait_seconds(state, {"t": "2026-11-27T22:25:04"}, {}, 0.0)
    assert "does not reference a valid ISO-8601 extended offset date-time" in raised.value.cause


def test_fail_paths_read_input_context_and_intrinsics() -> None:
    state = _state({"Type": "Fail", "ErrorPath": "$$.State.Name", "CausePath": "States.Format('c={}', $.c)"})
    failure = failure_of(state, {"c": 1}, {"State": {"Name": "S"}}, None)
    assert (failure.error, failure.cause) == ("S", "c=1")


def test_fail_path_missing_names_the_field() -> None:
    state = _state({"Type": "Fail", "ErrorPath": "$.nope"})
    with pytest.raises(StatesError) as raised:
        failure_of(state, {"a": 1}, {}, None)
    assert raised.value.cause == (
        "The JSONPath '$.nope' specified for the field 'ErrorPath' could not be found in the input '{\"a\":1}'"
    )
