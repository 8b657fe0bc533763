"""The evaluation budget: time (an injected timer, never the wall clock), size caps, RE2 regexes."""

from __future__ import annotations

import pytest

from emulator.language.errors import StatesError
from emulator.language.evaluate import budget as budgets
from emulator.language.evaluate.jsonata import JsonataBindings, compile_expression


class StepTimer:
    """A timer that moves ``step`` seconds each time it is read."""

    def __init__(self, step: float) -> None:
        self.now = 0.0
        self.step = step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def evaluate(text: str, value: object = None, budget: budgets.Budget | None = None) -> object:
    expression = compile_expression("{% " + text + " %}", "Output")
    budgets.ACTIVE.budget = budget
    try:
        return expression.evaluate(JsonataBindings(states_input=value or {}, context={}))
    finally:
        budgets.ACTIVE.budget = None


RUNAWAY = "( $f := function($x){ $f($x+1) }; $f(0) )"


def test_a_runaway_fails_with_d1012_when_its_timeout_passes() -> None:
    with pytest.raises(StatesError) as raised:
        evaluate(RUNAWAY, budget=budgets.Budget(timeout=5.0, timer=StepTimer(0.01)))
    assert raised.value.error == "States.QueryEvaluationError"
    assert "D1012: Evaluation timeout after 5000 milliseconds. Check for infinite loop" in (
        raised.value.cause or ""
    )


def test_an_exhausted_slice_interrupts_without_failing_so_the_runtime_moves_the_step() -> None:
    with pytest.raises(budgets.SliceExhausted):
        evaluate(RUNAWAY, budget=budgets.Budget(timeout=5.0, timer=StepTimer(0.001), slice_seconds=0.02))


def test_a_cancelled_budget_interrupts_at_its_next_check() -> None:
    budget = budgets.Budget(timeout=5.0, timer=StepTimer(0.0))
    budget.cancel()
    with pytest.raises(budgets.EvaluationCancelled):
        evaluate(RUNAWAY, budget=budget)


def test_a_cheap_expression_never_reads_the_timer_more_than_rarely() -> None:
    timer = StepTimer(0.0)
    assert evaluate("$sum([1, 2, 3]) + 1", budget=budgets.Budget(timer=timer)) == 7
    assert timer.now == 0.0  # only the start was read (stepping 0): fewer ticks than CHECK_EVERY


@pytest.mark.parametrize(
    "text",
    [
        "$pad('', 1e9)",
        "$pad('x', -1e9)",
        "( $s := $pad('', 200000, 'x'); $s & $s )",
        "$join([$pad('', 200000, 'x'), $pad('', 200000, 'y')])",
        "$replace('aaa', 'a', $pad('', 200000, 'x'))",
        "$replace('aaa', /a/, $pad('', 200000, 'x'))",
        "( $a := [1..100000]; $append($a, $a) )",
        "( $s := $pad('', 100000, 'x'); $string([$s, $s, $s]) )",
        "( $s := $pad('', 100000, 'x'); [$s, $s, $s] )",
    ],
)
def test_values_past_the_payload_limit_fail_with_data_limit_exceeded(text: str) -> None:
    with pytest.raises(StatesError) as raised:
        evaluate(text)
    assert raised.value.error == "States.DataLimitExceeded"
    assert "262144 bytes" in (raised.value.cause or "")


def test_values_within_the_limit_are_untouched() -> None:
    assert evaluate("$length($pad('', 1000, 'x'))") == 1000
    assert evaluate("$distinct([1, true, 1, 'a', {'a': 1}, {'a': 1}])") == [1, True, "a", {"a": 1}]


# JSONata regular expressions (https://docs.jsonata.org/regex) on RE2.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$match('abcabc', /(b)(c)/).groups", ["b", "c", "b", "c"]),
        ("$replace('abcabc', /(b)(c)/, '$2$1$$')", "acb$acb$"),
        ("$replace('x1y22', /[0-9]+/, '<$0>')", "x<1>y<22>"),
        ("$replace('abc', /b/, function($m){ $uppercase($m.match) })", "aBc"),
        ("$split('a1b2c', /[0-9]/)", ["a", "b", "c"]),
        ("$contains('abc', /B/i)", True),
        ("$count($match($states.input.s, /(a+)+$/))", 0),
        ("$match('\u00e9', /\\u00e9/).match", "\u00e9"),
    ],
)
def test_regex_forms_run_on_re2(text: str, expected: object) -> None:
    assert evaluate(text, {"s": "a" * 30 + "!"}) == expected


@pytest.mark.parametrize(
    ("pattern", "feature"),
    [("(a)\\1", "backreferences"), ("a(?=b)", "lookaround assertions"), ("(?<!a)b", "lookaround assertions")],
)
def test_a_pattern_re2_cannot_run_fails_when_used_naming_what_is_unsupported(
    pattern: str, feature: str
) -> None:
    with pytest.raises(StatesError) as raised:
        evaluate(f"$match('ab', /{pattern}/)")
    assert raised.value.error == "States.QueryEvaluationError"
    assert f"uses {feature}" in (raised.value.cause or "")
