"""``--map-exit-link`` / ``SFN_MAP_EXIT_LINK``: which event a Distributed Map's ``MapStateExited`` follows.

AWS's histories disagree by date: recorded up to mid-2024, ``MapStateExited.previousEventId`` names
``MapRunSucceeded``; recorded since November 2024, it names ``MapRunStarted`` (the event chain is
otherwise the same; HistoryEvent reference:
https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html). The default keeps
the older form; ``run-started`` gives the newer one. Each server here is a real one on loopback, driven
by boto3.
"""

from __future__ import annotations

import json
import uuid

import pytest

from compat_tests.conftest import ROLE_ARN, make_client
from compat_tests.helpers import wait_finished
from compat_tests.server import LiveServer
from emulator.cli import UsageError, check_settings, parse_settings
from emulator.settings import Settings

DISTRIBUTED = {
    "StartAt": "Map",
    "States": {
        "Map": {
            "Type": "Map",
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                "StartAt": "P",
                "States": {"P": {"Type": "Pass", "End": True}},
            },
            "End": True,
        }
    },
}


def _exit_link(environment: dict[str, str]) -> tuple[str, str]:
    """(type of the event MapStateExited follows, type of the event before MapStateExited)."""
    server = LiveServer(Settings.from_environment({"WAIT_TIME_SCALE": "0", **environment})).start()
    try:
        sfn = make_client(server.url)
        machine = sfn.create_state_machine(
            name=f"compat-{uuid.uuid4().hex[:10]}", definition=json.dumps(DISTRIBUTED), roleArn=ROLE_ARN
        )["stateMachineArn"]
        execution = sfn.start_execution(stateMachineArn=machine, input="[1, 2]")["executionArn"]
        assert wait_finished(sfn, execution)["status"] == "SUCCEEDED"
        events = sfn.get_execution_history(executionArn=execution)["events"]
    finally:
        server.stop()
    by_id = {event["id"]: event for event in events}
    exited = next(event for event in events if event["type"] == "MapStateExited")
    return by_id[exited["previousEventId"]]["type"], by_id[exited["id"] - 1]["type"]


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({}, ("MapRunSucceeded", "MapStateSucceeded")),
        ({"SFN_MAP_EXIT_LINK": "run-succeeded"}, ("MapRunSucceeded", "MapStateSucceeded")),
        ({"SFN_MAP_EXIT_LINK": "run-started"}, ("MapRunStarted", "MapStateSucceeded")),
    ],
)
def test_map_state_exited_follows_the_configured_event(
    environment: dict[str, str], expected: tuple[str, str]
) -> None:
    assert _exit_link(environment) == expected


def test_the_flag_wins_and_an_unknown_value_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SFN_MAP_EXIT_LINK", "run-started")
    assert parse_settings([]).map_exit_link == "run-started"
    assert parse_settings(["--map-exit-link", "run-succeeded"]).map_exit_link == "run-succeeded"
    with pytest.raises(SystemExit):
        parse_settings(["--map-exit-link", "sometimes"])
    monkeypatch.setenv("SFN_MAP_EXIT_LINK", "sometimes")
    with pytest.raises(UsageError, match="SFN_MAP_EXIT_LINK 'sometimes' is not one of"):
        check_settings(parse_settings([]))
