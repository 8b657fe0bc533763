"""How a state's work ends other than with a result, as typed data the executor acts on.

``StatesError`` (language layer) is a failure Retry / Catch can match. The runtime adds:

* ``Terminal``: an error no Retry or Catch may handle (States.Runtime, a state's DataLimitExceeded …);
* ``TimedOut``: the execution's TimeoutSeconds elapsed (not a States error: it ends the execution);
* ``EvaluationReported``: a JSONata evaluation failure whose ``EvaluationFailed`` event is already
  recorded (so the states it passes through on its way out do not record it again);
* ``AttemptFailed``: one attempt of a state's work failed; it carries the ``AttemptFailure`` the
  executor's retry loop needs (which error, and the event the attempt's history ended on).
"""

from __future__ import annotations

from dataclasses import dataclass

from emulator.language.errors import StatesError


class Terminal(StatesError):
    """An error no Retry or Catch may handle (States.Runtime, a state's DataLimitExceeded …)."""


class TimedOut(Exception):
    """The execution's TimeoutSeconds elapsed."""


class EvaluationReported(StatesError):
    """A States.QueryEvaluationError already recorded as ``EvaluationFailed`` (cause prefixed)."""


@dataclass(frozen=True, slots=True)
class AttemptFailure:
    """What the retry loop needs of a failed attempt: the failure itself and ``last_event``, the
    event the attempt's history ended on (a failed branch's last event, ``MapRunFailed`` …), which
    the next attempt or the state's ``<Type>StateFailed`` follows."""

    failure: StatesError
    last_event: int


class AttemptFailed(Exception):
    """Raised by a unit of work when one attempt failed in a way a retrier may take."""

    def __init__(self, attempt: AttemptFailure) -> None:
        super().__init__(attempt.failure.error)
        self.attempt = attempt
