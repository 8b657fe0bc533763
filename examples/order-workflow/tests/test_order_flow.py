"""The order workflow, tested with the emulator's pytest plugin: no server to start, no sleeping."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import pytest

DEFINITION = (Path(__file__).parent.parent / "OrderFlow.asl.json").read_text()
ROLE = "arn:aws:iam::123456789012:role/orders"


def create_order_flow(sfn):
    return sfn.create_state_machine(name="OrderFlow", definition=DEFINITION, roleArn=ROLE)["stateMachineArn"]


def test_an_order_is_shipped_a_day_after_it_is_charged(sfn, sfn_emulator):
    sfn_emulator.lambda_handler("charge", lambda event, context: {"receipt": f"r-{event['id']}"})
    arn = create_order_flow(sfn)
    execution = sfn.start_execution(stateMachineArn=arn, input=json.dumps({"id": "o-1"}))["executionArn"]

    described = sfn_emulator.wait(execution)  # the day's Wait takes no time on the auto clock

    assert described["status"] == "SUCCEEDED"
    output = json.loads(described["output"])
    assert output["receipt"] == "r-o-1"
    history = sfn_emulator.history(execution)
    charged = next(e for e in history if e["type"] == "TaskSucceeded")["timestamp"]
    shipped = next(e for e in history if e["type"] == "PassStateEntered")["timestamp"]
    assert shipped - charged == timedelta(days=1)


def test_a_busy_payment_service_is_retried_after_2_then_4_seconds(sfn, sfn_emulator):
    attempts = []

    def charge(event, context):
        attempts.append(event)
        if len(attempts) < 3:
            raise type("PaymentServiceBusy", (Exception,), {})("try again")
        return {"receipt": "r-2"}

    sfn_emulator.lambda_handler("charge", charge)
    execution = sfn.start_execution(stateMachineArn=create_order_flow(sfn), input='{"id": "o-2"}')[
        "executionArn"
    ]

    assert sfn_emulator.wait(execution)["status"] == "SUCCEEDED"
    history = sfn_emulator.history(execution)
    failed = [e["timestamp"] for e in history if e["type"] == "TaskFailed"]
    scheduled = [e["timestamp"] for e in history if e["type"] == "TaskScheduled"]
    assert [b - a for a, b in zip(failed, scheduled[1:], strict=False)] == [
        timedelta(seconds=2),
        timedelta(seconds=4),
    ]


def test_a_declined_card_fails_the_order(sfn, sfn_emulator):
    def charge(event, context):
        raise type("CardDeclined", (Exception,), {})("insufficient funds")

    sfn_emulator.lambda_handler("charge", charge)
    execution = sfn.start_execution(stateMachineArn=create_order_flow(sfn), input='{"id": "o-3"}')[
        "executionArn"
    ]

    described = sfn_emulator.wait(execution)
    assert (described["status"], described["error"]) == ("FAILED", "OrderDeclined")


@pytest.mark.sfn_clock("virtual")
def test_during_the_cooling_off_day_the_order_waits(sfn, sfn_emulator, sfn_clock):
    sfn_emulator.lambda_handler("charge", lambda event, context: {"receipt": "r-4"})
    execution = sfn.start_execution(stateMachineArn=create_order_flow(sfn), input='{"id": "o-4"}')[
        "executionArn"
    ]

    sfn_clock.advance(hours=23)
    assert sfn.describe_execution(executionArn=execution)["status"] == "RUNNING"
    sfn_clock.advance(hours=1)
    assert sfn.describe_execution(executionArn=execution)["status"] == "SUCCEEDED"


def test_a_mock_config_test_case_runs_too(sfn, sfn_emulator):
    sfn_emulator.add_mock_config(json.loads((Path(__file__).parent.parent / "mocks.json").read_text()))
    described = sfn_emulator.wait(
        sfn_emulator.start(create_order_flow(sfn), {"id": "o-5"}, test_case="Declined")
    )
    assert described["error"] == "OrderDeclined"


# Isolation: each test starts from an empty emulator, whatever ran before it (in any order, on any
# xdist worker): the same state machine name is created again without a conflict, and nothing of
# another test's is visible.
@pytest.mark.parametrize("run", range(4))
def test_every_test_starts_from_an_empty_emulator(sfn, sfn_emulator, run):
    assert sfn.list_state_machines()["stateMachines"] == []
    assert sfn_emulator.client("sqs").list_queues().get("QueueUrls", []) == []
    create_order_flow(sfn)
    sfn_emulator.client("sqs").create_queue(QueueName="orders")
    report = os.environ.get("ORDER_FLOW_WORKERS_REPORT")
    if report:  # the emulator each xdist worker got (checked by the sfn-emulator project's own tests)
        with open(report, "a") as handle:
            handle.write(f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')} {sfn_emulator.url}\n")
