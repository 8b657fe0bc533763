"""The HTTP Task's request parameters: Headers and QueryParameters must be objects (a States error,
never a Python exception escaping the task)."""

from __future__ import annotations

import pytest

from emulator.integrations.http import HttpIntegration
from emulator.integrations.registry import TaskInvocation
from emulator.language.errors import ErrorName, StatesError
from emulator.language.states.task_state import parse_resource


def invocation(**parameters: object) -> TaskInvocation:
    base = {"ApiEndpoint": "http://127.0.0.1:9/", "Method": "GET"}
    return TaskInvocation(
        resource=parse_resource("arn:aws:states:::http:invoke"),
        parameters={**base, **parameters},
        context={},
        region="us-east-1",
        account="123456789012",
    )


@pytest.mark.parametrize("name", ["Headers", "QueryParameters"])
@pytest.mark.parametrize("value", ["a=b", ["a", "b"], 3])
async def test_a_non_object_header_or_query_map_fails_the_task_with_states_runtime(
    name: str, value: object
) -> None:
    http = HttpIntegration()
    with pytest.raises(StatesError) as raised:
        await http.exchange(invocation(**{name: value}))
    assert raised.value.error == ErrorName.RUNTIME
    assert name in (raised.value.cause or "")
    await http.close()
