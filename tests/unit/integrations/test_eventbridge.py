"""``arn:aws:states:::events:putEvents`` against the in-process backend: what each entry answers, the
task's failure, and the events a rule's SQS target receives."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from emulator.integrations.clients import AwsClients
from emulator.integrations.eventbridge import EventBridgeIntegration
from emulator.integrations.registry import TaskInvocation
from emulator.language.errors import StatesError
from emulator.language.states.task_state import parse_resource
from emulator.settings import Settings

ACCOUNT = "999999999999"
REGION = "us-east-1"
MACHINE = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:events-machine"
EXECUTION = f"arn:aws:states:{REGION}:{ACCOUNT}:execution:events-machine:run-1"
CONTEXT = {"Execution": {"Id": EXECUTION}, "StateMachine": {"Id": MACHINE}}


@pytest.fixture(scope="module")
def clients() -> Iterator[AwsClients]:
    seam = AwsClients(Settings(port=1))
    yield seam
    seam.close()


async def call(clients: AwsClients, service: str, operation: str, request: dict[str, Any]) -> Any:
    return (await clients.call(service, operation, request, account=ACCOUNT, region=REGION)).output


@pytest.fixture
async def routed(clients: AwsClients) -> dict[str, str]:
    """A queue receiving every event of a fresh source on the default bus and on a bus of its own."""
    source, bus = f"app.{uuid.uuid4().hex[:8]}", f"bus-{uuid.uuid4().hex[:8]}"
    queue = (await call(clients, "sqs", "CreateQueue", {"QueueName": f"events-{uuid.uuid4().hex[:8]}"}))[
        "QueueUrl"
    ]
    attributes = await call(
        clients, "sqs", "GetQueueAttributes", {"QueueUrl": queue, "AttributeNames": ["QueueArn"]}
    )
    await call(clients, "events", "CreateEventBus", {"Name": bus})
    for name in ("default", bus):
        rule = f"to-queue-{uuid.uuid4().hex[:8]}"
        pattern = json.dumps({"source": [source]})
        await call(
            clients, "events", "PutRule", {"Name": rule, "EventBusName": name, "EventPattern": pattern}
        )
        targets = [{"Id": "queue", "Arn": attributes["Attributes"]["QueueArn"]}]
        await call(clients, "events", "PutTargets", {"Rule": rule, "EventBusName": name, "Targets": targets})
    return {"source": source, "bus": bus, "queue": queue}


async def put_events(clients: AwsClients, entries: list[Any]) -> Any:
    resource = parse_resource("arn:aws:states:::events:putEvents")
    invocation = TaskInvocation(resource, {"Entries": entries}, CONTEXT, REGION, ACCOUNT)
    return await EventBridgeIntegration(clients).invoke(invocation)


async def received(clients: AwsClients, queue: str) -> list[dict[str, Any]]:
    answer = await call(clients, "sqs", "ReceiveMessage", {"QueueUrl": queue, "MaxNumberOfMessages": 10})
    return [json.loads(message["Body"]) for message in answer.get("Messages") or []]


def entry(source: str, bus: str | None = None, **extra: Any) -> dict[str, Any]:
    value: dict[str, Any] = {"Detail": {"n": 1}, "DetailType": "thing", "Source": source, **extra}
    if bus is not None:
        value["EventBusName"] = bus
    return value


# "Add EventBridge events with Step Functions" (https://docs.aws.amazon.com/step-functions/latest/dg/
# connect-eventbridge.html): "The execution ARN and the state machine ARN are automatically appended to
# the Resources field of each PutEventsRequestEntry"; "If the response from PutEvents contains a
# non-zero FailedEntryCount then the Task state fails with the error EventBridge.FailedEntry".
# "Sending events with PutEvents" (https://docs.aws.amazon.com/eventbridge/latest/userguide/
# eb-putevents.html): every entry is processed, "a response Entries array can include both successful
# and unsuccessful entries", in the request's order; PutEventsResultEntry
# (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEventsResultEntry.html): an
# unsuccessful entry has ErrorCode and ErrorMessage (InvalidArgument, MalformedDetail …).
RESOURCE_ROWS = [
    ("no resources of its own", {}, [MACHINE, EXECUTION]),
    (
        "resources of its own first",
        {"Resources": ["arn:aws:s3:::bucket"]},
        ["arn:aws:s3:::bucket", MACHINE, EXECUTION],
    ),
]


@pytest.mark.parametrize(("case", "extra", "resources"), RESOURCE_ROWS, ids=[r[0] for r in RESOURCE_ROWS])
async def test_the_state_machine_and_execution_arns_are_appended_to_resources(
    clients: AwsClients, routed: dict[str, str], case: str, extra: dict[str, Any], resources: list[str]
) -> None:
    output = await put_events(clients, [entry(routed["source"], **extra)])
    assert isinstance(output, dict) and output["FailedEntryCount"] == 0
    events = await received(clients, routed["queue"])
    assert [event["resources"] for event in events] == [resources]


async def test_entries_for_several_buses_each_reach_their_bus(
    clients: AwsClients, routed: dict[str, str]
) -> None:
    output = await put_events(clients, [entry(routed["source"]), entry(routed["source"], routed["bus"])])
    assert isinstance(output, dict)
    assert output["FailedEntryCount"] == 0
    assert [set(e) for e in output["Entries"]] == [{"EventId"}, {"EventId"}]  # type: ignore[union-attr]
    assert len(await received(clients, routed["queue"])) == 2


FAILED_ENTRY_ROWS = [
    (
        "missing source",
        [{"Detail": {"n": 1}, "DetailType": "thing"}],
        [("InvalidArgument", "Parameter Source is not valid. Reason: Source is a required argument.")],
        0,
    ),
    (
        "missing detail",
        [{"DetailType": "thing", "Source": "{source}"}],
        [("InvalidArgument", "Parameter Detail is not valid. Reason: Detail is a required argument.")],
        0,
    ),
    (
        "missing detail type",
        [{"Detail": {"n": 1}, "Source": "{source}"}],
        [
            (
                "InvalidArgument",
                "Parameter DetailType is not valid. Reason: DetailType is a required argument.",
            )
        ],
        0,
    ),
    (
        "detail not JSON",
        [{"Detail": "not json", "DetailType": "thing", "Source": "{source}"}],
        [("MalformedDetail", "Detail is malformed.")],
        0,
    ),
    (
        "detail not an object",
        [{"Detail": "[1]", "DetailType": "thing", "Source": "{source}"}],
        [("MalformedDetail", "Detail is malformed.")],
        0,
    ),
    (
        "event bus that does not exist, alone",
        [{"Detail": {"n": 1}, "DetailType": "thing", "Source": "{source}", "EventBusName": "no-such-bus"}],
        [("ResourceNotFoundException", "Event bus no-such-bus does not exist.")],
        0,
    ),
    (
        "event bus that does not exist, among entries that are sent",
        [
            {"Detail": {"n": 1}, "DetailType": "thing", "Source": "{source}"},
            {"Detail": {"n": 2}, "DetailType": "thing", "Source": "{source}", "EventBusName": "no-such-bus"},
            {"Detail": {"n": 3}, "DetailType": "thing", "Source": "{source}", "EventBusName": "{bus}"},
        ],
        [None, ("ResourceNotFoundException", "Event bus no-such-bus does not exist."), None],
        2,
    ),
]


def filled(value: Any, routed: dict[str, str]) -> Any:
    text = json.dumps(value).replace("{source}", routed["source"]).replace("{bus}", routed["bus"])
    return json.loads(text)


@pytest.mark.parametrize(
    ("case", "entries", "expected", "delivered"), FAILED_ENTRY_ROWS, ids=[r[0] for r in FAILED_ENTRY_ROWS]
)
async def test_a_failed_entry_fails_the_task_with_the_whole_answer(
    clients: AwsClients,
    routed: dict[str, str],
    case: str,
    entries: list[Any],
    expected: list[tuple[str, str] | None],
    delivered: int,
) -> None:
    with pytest.raises(StatesError) as caught:
        await put_events(clients, filled(entries, routed))
    assert caught.value.error == "EventBridge.FailedEntry"
    answer = json.loads(caught.value.cause or "")
    assert answer["FailedEntryCount"] == sum(1 for e in expected if e is not None)
    for result, wanted in zip(answer["Entries"], expected, strict=True):
        if wanted is None:
            assert set(result) == {"EventId"}
        else:
            assert (result["ErrorCode"], result["ErrorMessage"]) == wanted
    assert len(await received(clients, routed["queue"])) == delivered


# "Event structure reference" (https://docs.aws.amazon.com/eventbridge/latest/userguide/
# eb-events-structure.html): "The following fields appear in all events delivered to an event bus",
# in this order, the account included.
async def test_a_target_receives_the_event_envelope_in_awss_order(
    clients: AwsClients, routed: dict[str, str]
) -> None:
    await put_events(clients, [entry(routed["source"])])
    (event,) = await received(clients, routed["queue"])
    assert list(event) == [
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
    assert (event["version"], event["account"], event["region"]) == ("0", ACCOUNT, REGION)
    assert (event["source"], event["detail-type"], event["detail"]) == (routed["source"], "thing", {"n": 1})
