import random

from emulator.language.evaluate.retry import find_catcher, find_retrier, next_retry_delay, retry_delay
from emulator.language.states.common import Catcher, Retrier


def test_first_matching_retrier_wins_and_states_all_matches_task_errors() -> None:
    retriers = (Retrier(("Custom",)), Retrier(("States.ALL",)))
    assert find_retrier(retriers, "Custom") == 0
    assert find_retrier(retriers, "Lambda.Unknown") == 1


def test_states_all_does_not_match_states_runtime() -> None:
    assert find_retrier((Retrier(("States.ALL",)),), "States.Runtime") is None
    assert find_catcher((Catcher(("States.ALL",), "Next", None),), "States.Runtime") is None


def test_states_task_failed_matches_task_errors_but_not_timeouts() -> None:
    catchers = (Catcher(("States.TaskFailed",), "Handler", None),)
    assert find_catcher(catchers, "Exception") is catchers[0]
    assert find_catcher(catchers, "States.Timeout") is None


def test_delay_grows_by_backoff_rate() -> None:
    retrier = Retrier(("X",), interval_seconds=3, backoff_rate=2)
    assert [retry_delay(retrier, attempt) for attempt in range(3)] == [3.0, 6.0, 12.0]


def test_retry_delay_is_capped_by_max_delay_seconds() -> None:
    retrier = Retrier(("X",), interval_seconds=3, backoff_rate=2, max_delay_seconds=5)
    assert retry_delay(retrier, 2) == 5.0


def test_full_jitter_draws_from_the_injected_generator() -> None:
    retrier = Retrier(("X",), interval_seconds=4, backoff_rate=1, jitter_full=True)
    expected = random.Random(3).uniform(0.0, 4.0)
    assert retry_delay(retrier, 0, random.Random(3)) == expected


def test_max_attempts_zero_never_retries() -> None:
    assert next_retry_delay((Retrier(("X",), max_attempts=0),), [0], "X") is None


def test_attempts_are_counted_per_retrier() -> None:
    retriers = (Retrier(("X",), max_attempts=2, interval_seconds=1),)
    attempts = [0]
    assert next_retry_delay(retriers, attempts, "X") == 1.0
    assert next_retry_delay(retriers, attempts, "X") == 2.0
    assert next_retry_delay(retriers, attempts, "X") is None
