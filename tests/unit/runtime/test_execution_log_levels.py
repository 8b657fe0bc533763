"""Which history events each log level sends to CloudWatch Logs.

Every row of the table in "Log levels" (Step Functions developer guide, cloudwatch-log-level.html,
https://docs.aws.amazon.com/step-functions/latest/dg/cloudwatch-log-level.html): "No event types log
when set to OFF and all event types do when set to ALL. For ERROR and FATAL, see the following table."
"""

from __future__ import annotations

import pytest

from emulator.runtime.execution_logs import level_selects

FATAL = {"ALL", "ERROR", "FATAL"}
ERROR = {"ALL", "ERROR"}
ALL = {"ALL"}

# (event type, the levels that log it)
LOG_LEVEL_TABLE = [
    ("ChoiceStateEntered", ALL),
    ("ChoiceStateExited", ALL),
    ("ExecutionAborted", FATAL),
    ("ExecutionFailed", FATAL),
    ("ExecutionStarted", ALL),
    ("ExecutionSucceeded", ALL),
    ("ExecutionTimedOut", FATAL),
    ("FailStateEntered", ERROR),
    ("LambdaFunctionFailed", ERROR),
    ("LambdaFunctionScheduled", ALL),
    ("LambdaFunctionScheduleFailed", ERROR),
    ("LambdaFunctionStarted", ALL),
    ("LambdaFunctionStartFailed", ERROR),
    ("LambdaFunctionSucceeded", ALL),
    ("LambdaFunctionTimedOut", ERROR),
    ("MapIterationAborted", ERROR),
    ("MapIterationFailed", ERROR),
    ("MapIterationStarted", ALL),
    ("MapIterationSucceeded", ALL),
    ("MapStateAborted", ERROR),
    ("MapStateEntered", ALL),
    ("MapStateExited", ALL),
    ("MapStateFailed", ERROR),
    ("MapStateStarted", ALL),
    ("MapStateSucceeded", ALL),
    ("ParallelStateAborted", ERROR),
    ("ParallelStateEntered", ALL),
    ("ParallelStateExited", ALL),
    ("ParallelStateFailed", ERROR),
    ("ParallelStateStarted", ALL),
    ("ParallelStateSucceeded", ALL),
    ("PassStateEntered", ALL),
    ("PassStateExited", ALL),
    ("SucceedStateEntered", ALL),
    ("SucceedStateExited", ALL),
    ("TaskFailed", ERROR),
    ("TaskScheduled", ALL),
    ("TaskStarted", ALL),
    ("TaskStartFailed", ERROR),
    ("TaskStateAborted", ERROR),
    ("TaskStateEntered", ALL),
    ("TaskStateExited", ALL),
    ("TaskSubmitFailed", ERROR),
    ("TaskSubmitted", ALL),
    ("TaskSucceeded", ALL),
    ("TaskTimedOut", ERROR),
    ("WaitStateAborted", ERROR),
    ("WaitStateEntered", ALL),
    ("WaitStateExited", ALL),
]


@pytest.mark.parametrize(("event_type", "levels"), LOG_LEVEL_TABLE)
@pytest.mark.parametrize("level", ["ALL", "ERROR", "FATAL", "OFF"])
def test_each_level_logs_the_event_types_of_the_documented_table(
    level: str, event_type: str, levels: set[str]
) -> None:
    assert level_selects(level, event_type) is (level in levels)
