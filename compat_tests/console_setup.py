"""What the web console's browser tests and its benchmark share: Chromium, and the state machines
they look at (a nested order flow, a failing one, a callback one, a 200-state one, a long history)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("SFN_CHROMIUM", "/usr/bin/chromium")
HANDLERS = "compat_tests.handlers.functions"
REPO = Path(__file__).resolve().parent.parent


def chromium_missing() -> str | None:
    """Why the browser tests cannot run here (None: they can): Debian's chromium and playwright."""
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"{CHROMIUM} is not installed (make test-browser installs it)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (make test-browser installs it)"
    return None


def launch(playwright: Any) -> Any:
    """Debian's Chromium driven by playwright: no browser download; no sandbox as root."""
    arguments = ["--no-sandbox"] if os.geteuid() == 0 else []
    return playwright.chromium.launch(executable_path=CHROMIUM, args=arguments)


def order_flow() -> dict[str, Any]:
    """Choice, Parallel (two branches, one holding an inline Map), Wait, Catch, Succeed: 9 states."""
    return {
        "Comment": "An order: checked, then split in parallel, then a short wait",
        "StartAt": "Check",
        "States": {
            "Check": {"Type": "Pass", "Result": {"items": [1, 2, 3]}, "Next": "Route"},
            "Route": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.items[0]", "NumericEquals": 1, "Next": "Fanout"}],
                "Default": "Reject",
            },
            "Fanout": {
                "Type": "Parallel",
                "Branches": [
                    {"StartAt": "Bill", "States": {"Bill": {"Type": "Pass", "End": True}}},
                    {
                        "StartAt": "EachItem",
                        "States": {
                            "EachItem": {
                                "Type": "Map",
                                "ItemsPath": "$.items",
                                "ItemProcessor": {
                                    "ProcessorConfig": {"Mode": "INLINE"},
                                    "StartAt": "Pack",
                                    "States": {"Pack": {"Type": "Pass", "End": True}},
                                },
                                "End": True,
                            }
                        },
                    },
                ],
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Reject"}],
                "Next": "Pause",
            },
            "Pause": {"Type": "Wait", "Seconds": 1, "Next": "Done"},
            "Done": {"Type": "Succeed"},
            "Reject": {"Type": "Fail", "Error": "Order.Rejected", "Cause": "not routable"},
        },
    }


def failing() -> dict[str, Any]:
    """Fails in a Task-free way at "Charge" (a Fail state) after two states succeeded."""
    return {
        "StartAt": "Prepare",
        "States": {
            "Prepare": {"Type": "Pass", "Next": "Decide"},
            "Decide": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.ok", "BooleanEquals": True, "Next": "Ship"}],
                "Default": "Charge",
            },
            "Ship": {"Type": "Succeed"},
            "Charge": {"Type": "Fail", "Error": "Payment.Declined", "Cause": "card expired"},
        },
    }


def callback() -> dict[str, Any]:
    """Waits on a task token handed to a local Lambda handler (``token``), then succeeds."""
    return {
        "StartAt": "Approve",
        "States": {
            "Approve": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                "Parameters": {"FunctionName": "token", "Payload": {"token.$": "$$.Task.Token"}},
                "Next": "Approved",
            },
            "Approved": {"Type": "Succeed"},
        },
    }


def wide(states: int = 200) -> dict[str, Any]:
    """``states`` states: a chain of Pass states with a Choice every tenth, some jumping ahead."""
    names = [f"Step{i:03d}" for i in range(states)]
    definition: dict[str, Any] = {}
    for i, name in enumerate(names):
        last = i == len(names) - 1
        if i % 10 == 5 and i + 3 < len(names):
            definition[name] = {
                "Type": "Choice",
                "Choices": [{"Variable": "$.skip", "BooleanEquals": True, "Next": names[i + 3]}],
                "Default": names[i + 1],
            }
        else:
            definition[name] = {"Type": "Pass", **({"End": True} if last else {"Next": names[i + 1]})}
    return {"StartAt": names[0], "States": definition}


def long_history(items: int) -> dict[str, Any]:
    """An inline Map over ``items`` items of one Pass state: about 4 events per item."""
    return {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "INLINE"},
                    "StartAt": "Touch",
                    "States": {"Touch": {"Type": "Pass", "End": True}},
                },
                "End": True,
            }
        },
    }


def count_states(definition: dict[str, Any]) -> int:
    total = 0
    for state in definition.get("States", {}).values():
        total += 1
        for branch in state.get("Branches", []):
            total += count_states(branch)
        processor = state.get("ItemProcessor") or state.get("Iterator")
        if processor:
            total += count_states(processor)
    return total


def create(sfn: Any, name: str, definition: dict[str, Any], role: str) -> str:
    arn: str = sfn.create_state_machine(name=name, definition=json.dumps(definition), roleArn=role)[
        "stateMachineArn"
    ]
    return arn


def caught() -> dict[str, Any]:
    """A Parallel whose first branch fails while the second waits; its Catch moves on to Recover."""
    return {
        "StartAt": "Both",
        "States": {
            "Both": {
                "Type": "Parallel",
                "Branches": [
                    {
                        "StartAt": "Boom",
                        "States": {"Boom": {"Type": "Fail", "Error": "Oops", "Cause": "boom"}},
                    },
                    {"StartAt": "Slow", "States": {"Slow": {"Type": "Wait", "Seconds": 30, "End": True}}},
                ],
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Recover"}],
                "End": True,
            },
            "Recover": {"Type": "Pass", "End": True},
        },
    }


def distributed(execution_type: str = "STANDARD") -> dict[str, Any]:
    """A Distributed Map over its input: one child execution (of ``execution_type``) per item."""
    return {
        "StartAt": "Fan",
        "States": {
            "Fan": {
                "Type": "Map",
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": execution_type},
                    "StartAt": "Item",
                    "States": {"Item": {"Type": "Pass", "End": True}},
                },
                "End": True,
            }
        },
    }


def mocked() -> dict[str, Any]:
    """One Lambda task, answered by the mock configuration's test case when one is picked."""
    return {
        "StartAt": "Call",
        "States": {
            "Call": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": "not-deployed", "Payload.$": "$"},
                "OutputPath": "$.Payload",
                "End": True,
            }
        },
    }


def mock_config(machine: str) -> dict[str, Any]:
    return {
        "StateMachines": {machine: {"TestCases": {"HappyPath": {"Call": "Answer"}}}},
        "MockedResponses": {"Answer": {"0": {"Return": {"StatusCode": 200, "Payload": {"mocked": True}}}}},
    }
