"""The context object's Execution part."""

from __future__ import annotations

import datetime
import math
import random

from emulator.runtime.context import execution_context, iso_timestamp
from tests.unit.runtime.harness import make_execution

PASS = {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}


def test_standard_executions_carry_their_redrive_count() -> None:
    execution = make_execution(PASS)
    execution.redrive_count = 2
    assert execution_context(execution, {})["Execution"]["RedriveCount"] == 2


def test_express_executions_have_no_redrive_count() -> None:
    context = execution_context(make_execution(PASS, express=True), {"a": 1})
    assert "RedriveCount" not in context["Execution"]
    assert context["Execution"]["Input"] == {"a": 1}


def _reference_timestamp(epoch_seconds: float) -> str:
    moment = datetime.datetime.fromtimestamp(epoch_seconds, datetime.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def test_iso_timestamp_writes_what_datetime_writes() -> None:
    rng = random.Random(5)
    moments = [0.0, 1.0, -1.5, 1_700_000_000.0, 1_700_000_000.9999995, 1_700_000_000.9999994]
    moments += [1_700_000_000 + k / 1000 for k in range(-1500, 1500, 7)]
    moments += [1_700_000_000 + k / 1e6 + 5e-7 for k in range(0, 3000, 13)]  # half-microsecond ties
    moments += [rng.uniform(0, 4_000_000_000) for _ in range(2000)]
    moments += [math.nextafter(float(s), -math.inf) for s in range(1_700_000_000, 1_700_000_050)]
    for moment in moments:
        assert iso_timestamp(moment) == _reference_timestamp(moment), repr(moment)
    assert iso_timestamp(1_704_067_200.25) == "2024-01-01T00:00:00.250Z"
