"""The HTTP Task's request parameters: Headers and QueryParameters must be objects (a States error,
never a Python exception escaping the task)."""

from __future__ import annotations

import json
from typing import Any

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


# "Call HTTPS APIs in Step Functions workflows" (https://docs.aws.amazon.com/step-functions/latest/dg/
# call-https-apis.html): ApiEndpoint and Method are strings, Authentication / Headers / QueryParameters /
# Transform objects. A field holding another JSON type keeps the task from starting, as Step Functions
# answers an apigateway:invoke QueryParameters string: States.Runtime "The Parameters '<parameters>'
# could not be used to start the Task: [The value of the field '<field>' has an invalid format]".
HTTP_INVALID_FORMATS = [
    ("ApiEndpoint", 7),
    ("Method", ["GET"]),
    ("Authentication", "arn:aws:events:us-east-1:123456789012:connection/c"),
    ("Headers", "content-type: text/plain"),
    ("QueryParameters", "?a=1"),
    ("Transform", "URL_ENCODED"),
]


@pytest.mark.parametrize(("field", "value"), HTTP_INVALID_FORMATS)
async def test_an_http_task_field_of_the_wrong_type_keeps_the_task_from_starting(
    field: str, value: Any
) -> None:
    parameters = {"ApiEndpoint": "https://example.com/x", "Method": "GET", field: value}
    invocation = TaskInvocation(
        parse_resource("arn:aws:states:::http:invoke"), parameters, {}, "us-east-1", "1" * 12
    )
    with pytest.raises(StatesError) as caught:
        await HttpIntegration().prepare(invocation)
    assert caught.value.error == "States.Runtime"
    sent = json.dumps(parameters, separators=(",", ":"))
    assert caught.value.cause == (
        f"The Parameters '{sent}' could not be used to start the Task: "
        f"[The value of the field '{field}' has an invalid format]"
    )


async def test_an_http_task_of_the_documented_types_is_started() -> None:

    parameters = {
        "ApiEndpoint": "https://example.com/x",
        "Method": "POST",
        "Headers": {"a": "b"},
        "QueryParameters": {"q": "1"},
        "RequestBody": [1, 2],
        "Transform": {"RequestBodyEncoding": "NONE"},
    }
    invocation = TaskInvocation(
        parse_resource("arn:aws:states:::http:invoke"), parameters, {}, "us-east-1", "1" * 12
    )
    await HttpIntegration().prepare(invocation)  # nothing refused
