from __future__ import annotations

import asyncio
from typing import Any

import pytest

from emulator.integrations.mocks import NOT_MOCKED, MockConfigError, Mocks, parse_mock_config
from emulator.integrations.registry import TaskInvocation
from emulator.language.errors import StatesError
from emulator.language.states.task_state import parse_resource

EXECUTION = "arn:aws:states:us-east-1:123456789012:execution:Machine:run"
DOCUMENT = {
    "StateMachines": {"Machine": {"TestCases": {"Case": {"Call": "Flaky"}}}},
    "MockedResponses": {
        "Flaky": {
            "0": {"Throw": {"Error": "Boom", "Cause": "first"}},
            "1-2": {"Return": {"n": 1}},
            "3": {"Return": {"n": 3}},
        }
    },
}


def invocation(state: str = "Call", resource: str = "arn:aws:states:::lambda:invoke") -> TaskInvocation:
    context: dict[str, Any] = {
        "Execution": {"Id": EXECUTION},
        "StateMachine": {"Name": "Machine"},
        "State": {"Name": state},
    }
    return TaskInvocation(parse_resource(resource), {}, context, "us-east-1", "123456789012")


def answer(mocks: Mocks, call: TaskInvocation) -> Any:
    return asyncio.run(mocks.answer(call))


def test_each_call_consumes_the_next_invocation_and_the_last_one_repeats() -> None:
    mocks = Mocks()
    mocks.load_document(DOCUMENT)
    mocks.bind(EXECUTION, "Machine", "Case")
    with pytest.raises(StatesError) as raised:
        answer(mocks, invocation())
    assert (raised.value.error, raised.value.cause) == ("Boom", "first")
    assert [answer(mocks, invocation()) for _ in range(4)] == [{"n": 1}, {"n": 1}, {"n": 3}, {"n": 3}]


def test_states_the_test_case_does_not_name_are_not_mocked() -> None:
    mocks = Mocks()
    mocks.load_document(DOCUMENT)
    mocks.bind(EXECUTION, "Machine", "Case")
    assert answer(mocks, invocation("Other")) is NOT_MOCKED


def test_unbound_executions_are_not_mocked() -> None:
    mocks = Mocks()
    mocks.load_document(DOCUMENT)
    assert answer(mocks, invocation()) is NOT_MOCKED


@pytest.mark.parametrize(
    ("document", "key"),
    [
        ({"MockedResponses": {"R": {"x": {"Return": 1}}}}, "MockedResponses.R.x"),
        ({"MockedResponses": {"R": {"0": {"Return": 1, "Throw": {}}}}}, "MockedResponses.R.0"),
        ({"MockedResponses": {"R": {"2-1": {"Return": 1}}}}, "MockedResponses.R.2-1"),
        ({"StateMachines": {"M": {"TestCases": {"C": {"S": "Missing"}}}}}, "StateMachines.M.TestCases.C.S"),
        (
            {"MockedResponses": {"R": {"0": {"Throw": {"Cause": "no error"}}}}},
            "MockedResponses.R.0.Throw.Error",
        ),
    ],
)
def test_malformed_documents_name_the_offending_key(document: dict[str, Any], key: str) -> None:
    with pytest.raises(MockConfigError) as raised:
        parse_mock_config(document)
    assert raised.value.key == key


def test_python_mocks_by_state_come_before_mocks_by_resource() -> None:
    mocks = Mocks()
    mocks.register(lambda call: "by resource", resource="arn:aws:states:::lambda:invoke")
    mocks.register(lambda call: "by state", state_machine="Machine", state="Call")
    assert answer(mocks, invocation()) == "by state"
    assert answer(mocks, invocation("Other")) == "by resource"


def test_async_python_mocks_may_fail_the_task() -> None:
    async def fail(call: TaskInvocation) -> Any:
        raise StatesError("Custom.Error", "from a mock")

    mocks = Mocks()
    mocks.register(fail, state_machine="Machine", state="Call")
    with pytest.raises(StatesError) as raised:
        answer(mocks, invocation())
    assert raised.value.error == "Custom.Error"


def test_a_mocked_callback_task_answers_its_token() -> None:
    settled: list[tuple[Any, ...]] = []
    mocks = Mocks(settle_token=lambda *args: settled.append(args))
    mocks.register(lambda call: {"ok": True}, state_machine="Machine", state="Call")
    call = invocation(resource="arn:aws:states:::sqs:sendMessage.waitForTaskToken")
    call = TaskInvocation(call.resource, {}, call.context, "us-east-1", "123456789012", task_token="token-1")
    assert answer(mocks, call) == {}
    assert settled == [("token-1", {"ok": True}, None, None)]


def invocation_in(execution: str, resource: str = "arn:aws:states:::lambda:invoke") -> TaskInvocation:
    call = invocation(resource=resource)
    call.context["Execution"] = {"Id": execution}
    return call


def test_distributed_map_children_run_the_parent_test_case_and_share_its_numbering() -> None:
    mocks = Mocks()
    mocks.load_document(DOCUMENT)
    mocks.bind(EXECUTION, "Machine", "Case")
    children = [f"arn:aws:states:us-east-1:123456789012:execution:Machine/Map:child{n}" for n in (1, 2)]
    for child in children:
        mocks.bind_child(child, EXECUTION)
    with pytest.raises(StatesError):
        answer(mocks, invocation_in(children[0]))
    assert answer(mocks, invocation_in(children[1])) == {"n": 1}
    assert answer(mocks, invocation_in(EXECUTION)) == {"n": 1}
    mocks.bind_child("arn:aws:states:us-east-1:123456789012:execution:Other/Map:c", "unbound-parent")
    assert (
        answer(mocks, invocation_in("arn:aws:states:us-east-1:123456789012:execution:Other/Map:c"))
        is NOT_MOCKED
    )


def test_a_function_arn_resource_returns_the_payload_of_the_mocked_invoke_response() -> None:
    document = {
        "StateMachines": {"Machine": {"TestCases": {"Case": {"Call": "Invoke"}}}},
        "MockedResponses": {"Invoke": {"0": {"Return": {"StatusCode": 200, "Payload": {"body": "b"}}}}},
    }
    function = "arn:aws:lambda:us-east-1:123456789012:function:f"
    mocks = Mocks()
    mocks.load_document(document)
    mocks.bind(EXECUTION, "Machine", "Case")
    assert answer(mocks, invocation(resource=function)) == {"body": "b"}
    assert answer(mocks, invocation()) == {"StatusCode": 200, "Payload": {"body": "b"}}


@pytest.mark.parametrize("key", ["StateMachines", "MockedResponses"])
def test_a_document_whose_sections_are_not_objects_is_a_mock_config_error(key: str) -> None:
    # found by the request fuzzer: {"StateMachines": 5} escaped as a TypeError (a 500)
    with pytest.raises(MockConfigError) as caught:
        Mocks(None).load_document({key: 5})
    assert caught.value.key == key
