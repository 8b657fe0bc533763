from __future__ import annotations

from bench.setups.lambda_and_callbacks import CODES, recorded_answers, recorded_length, sized_name


def _scheduled(body: object) -> dict[str, object]:
    details = {"resource": "sendMessage.waitForTaskToken", "parameters": {"MessageBody": body}}
    return {"type": "TaskScheduled", "taskScheduledEventDetails": details}


def test_names_take_the_length_of_the_name_the_recording_used() -> None:
    placeholders = {"{{fn}}": {"fake_value": "lambda_func_sid00178"}, "{{arn}}": {"fake_value": "@@R1@@"}}
    assert recorded_length("{{fn}}", placeholders) == 20
    assert recorded_length("{{arn}}", placeholders) is None
    assert recorded_length("statemachine_create_and_record_execution_sid00111", {}) == 49
    name = sized_name(CODES["identity"], 20)
    assert len(name) == 20 and name.startswith(CODES["identity"])
    assert len(sized_name("conf_", None)) == len("conf_") + 8  # never fewer than 8 random characters


def test_behaviour_prefixes_never_prefix_one_another() -> None:
    codes = list(CODES.values())
    assert all(not a.startswith(b) for a in codes for b in codes if a != b)


def test_recorded_answers_follow_the_history_of_each_callback_task() -> None:
    body = {"Message": "txt", "TaskToken": "<task_token:1>"}
    history = [
        _scheduled(body),
        {"type": "TaskSubmitted"},
        {"type": "TaskSucceeded", "taskSucceededEventDetails": {"output": body}},
        _scheduled(body),
        {"type": "TaskSucceeded", "taskSucceededEventDetails": {"output": '"txt"'}},
        _scheduled(body),
        {"type": "TaskFailed", "taskFailedEventDetails": {"resource": "sendMessage.waitForTaskToken"}},
        _scheduled(body),
        {"type": "TaskFailed", "taskFailedEventDetails": {"error": "E", "cause": "C"}},
        _scheduled(body),
        {"type": "TaskTimedOut", "taskTimedOutEventDetails": {"error": "States.Timeout"}},
    ]
    assert recorded_answers({"expected": {"history": history}}) == [
        ("success", "body"),
        ("success", "Message"),
        ("failure", {}),
        ("failure", {"error": "E", "cause": "C"}),
        None,
    ]
