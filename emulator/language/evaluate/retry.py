"""Retry policy, pure: which retrier handles an error, and how long to wait before the next attempt.

Retriers are consulted in order; the first whose ``ErrorEquals`` matches the error decides. Each
retrier counts its own attempts (``MaxAttempts`` 0 means "never retry"). The delay before retry
number ``n`` (0-based) is ``IntervalSeconds * BackoffRate ** n``, capped by ``MaxDelaySeconds``;
``JitterStrategy: FULL`` draws uniformly from ``[0, delay]`` with the injected generator.
"""

from __future__ import annotations

import random

from emulator.language.states.common import Catcher, Retrier, error_matches


def find_retrier(retriers: tuple[Retrier, ...], error: str, heartbeat: bool = False) -> int | None:
    """Index of the first retrier whose ErrorEquals matches ``error``, or None (``heartbeat``: a
    missed heartbeat, see ``error_matches``)."""
    for index, retrier in enumerate(retriers):
        if error_matches(retrier.error_equals, error, heartbeat):
            return index
    return None


def find_catcher(catchers: tuple[Catcher, ...], error: str, heartbeat: bool = False) -> Catcher | None:
    for catcher in catchers:
        if error_matches(catcher.error_equals, error, heartbeat):
            return catcher
    return None


def retry_delay(retrier: Retrier, attempt: int, rng: random.Random | None = None) -> float:
    """Seconds to wait before retry ``attempt`` (0 for the first retry)."""
    delay = float(retrier.interval_seconds) * float(retrier.backoff_rate) ** attempt
    if retrier.max_delay_seconds is not None:
        delay = min(delay, float(retrier.max_delay_seconds))
    if retrier.jitter_full:
        delay = (rng or random.Random()).uniform(0.0, delay)
    return delay


def next_retry_delay(
    retriers: tuple[Retrier, ...],
    attempts: list[int],
    error: str,
    rng: random.Random | None = None,
    heartbeat: bool = False,
) -> float | None:
    """Decide whether ``error`` is retried. ``attempts`` holds the retries already made per retrier
    (updated in place). Returns the delay before the retry, or None when the error is not retried."""
    index = find_retrier(retriers, error, heartbeat)
    if index is None:
        return None
    retrier = retriers[index]
    made = attempts[index]
    if made >= retrier.max_attempts:
        return None
    attempts[index] = made + 1
    return retry_delay(retrier, made, rng)
