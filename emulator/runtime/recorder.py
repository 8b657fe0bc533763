"""Recording history events of one execution, and the JSON text they carry.

``previousEventId`` follows AWS's causal chain: each flow of control (the execution, a Parallel
branch, a Map iteration) has a ``Chain`` whose ``last`` is the id of its latest event. Events
that report an outcome to a parent (``MapIterationSucceeded``, ``MapStateSucceeded`` …) do not
move the chain, which is what AWS's recorded histories show.

JSON text: AWS passes the caller's input text on untouched until a state changes it (the
execution input ``[1, 2]`` appears as ``[1, 2]`` in the first state's events), and builds a
Parallel state's output from its branches' texts. ``text`` keeps those texts per container object
and serialises everything else compactly, once per event.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Mapping, MutableMapping
from typing import TYPE_CHECKING

from emulator.language.errors import ErrorName, StatesError
from emulator.model.history import MAX_HISTORY_EVENTS, History
from emulator.model.jsontext import to_json_text
from emulator.model.types import Json, JsonObject
from emulator.runtime.clock import Clock

if TYPE_CHECKING:
    from emulator.runtime.work.frames import BranchFrame, Frame

MAX_PAYLOAD_BYTES = 262_144  # 256 KiB


class HistoryLimitExceeded(StatesError):
    pass


class StoredSizes:
    """The sizes (UTF-8 bytes of their JSON text) of the variables one scope stored, and the total
    stored in the execution as this scope sees it: its enclosing scopes' total when it began plus
    its own (workflow-variables.html: at most 10 MiB of stored variables per execution)."""

    __slots__ = ("outer", "sizes", "total")

    def __init__(self, outer: int = 0) -> None:
        self.outer = outer
        self.sizes: dict[str, int] = {}
        self.total = outer

    def store(self, sizes: Mapping[str, int]) -> int:
        """Record the sizes of the variables just assigned; the new total."""
        own = self.sizes
        total = self.total
        for name, size in sizes.items():
            total += size - own.get(name, 0)
            own[name] = size
        self.total = total
        return total


class Chain:
    """One flow of control (the execution, a Parallel branch, a Map iteration): ``last`` is the id
    of its latest event, ``variables`` its workflow-variable scope (a branch / iteration reads the
    outer scope through a ``ChainMap`` and writes only its own first map), and ``assigned`` what
    the state running in it assigns once it is done (None: nothing).

    ``active`` is the type prefix (``Task``, ``Map`` …) of the state running in the flow, kept after
    a Task fails (AWS records ``TaskStateAborted`` for it when its branch is given up), and
    ``frame`` the Map / Parallel / Map Run that state runs: what an abort has to record.

    For RedriveExecution a flow remembers where it stopped: ``state`` / ``value`` (the name and
    input of the state it entered last), ``last_frame`` (the Map / Parallel attempt that state
    ran) and, while being resumed, ``resume`` (that attempt, for the resumed state to take up).

    ``concurrent``: the flow runs beside others (a Parallel's branches, a Map's iterations when more
    than one runs at once, and every flow inside those): what it records interleaves with theirs.
    ``stored``: the sizes of the variables this flow stored (created at its first Assign; see
    ``StoredSizes``)."""

    __slots__ = (
        "last",
        "variables",
        "assigned",
        "active",
        "frame",
        "state",
        "value",
        "last_frame",
        "resume",
        "concurrent",
        "stored",
    )

    def __init__(
        self,
        last: int,
        variables: MutableMapping[str, Json] | None = None,
        concurrent: bool = False,
        stored: StoredSizes | None = None,
    ) -> None:
        self.last = last
        self.variables: MutableMapping[str, Json] = {} if variables is None else variables
        self.stored = stored
        self.assigned: dict[str, Json] | None = None
        self.active: str | None = None
        self.frame: Frame | None = None
        self.state: str | None = None
        self.value: Json = None
        self.last_frame: BranchFrame | None = None
        self.resume: BranchFrame | None = None
        self.concurrent = concurrent

    def inner(self, last: int, concurrent: bool = False) -> Chain:
        """The flow of a branch or iteration started from this one (its own variable scope);
        ``concurrent``: it runs beside others (a flow inside a concurrent one is concurrent too)."""
        outer = self.stored
        return Chain(
            last,
            ChainMap({}, self.variables),
            self.concurrent or concurrent,
            None if outer is None else StoredSizes(outer.total),
        )


class Recorder:
    __slots__ = ("history", "clock", "closed", "_texts")

    def __init__(self, history: History, clock: Clock) -> None:
        self.history = history
        self.clock = clock
        self.closed = False
        self._texts: dict[int, tuple[Json, str]] = {}

    def add(
        self, type_: str, previous: int, key: str | None = None, details: JsonObject | None = None
    ) -> int:
        """Append an event and return its id. Nothing is recorded once the execution has ended."""
        if self.closed:
            return self.history.last_id
        if len(self.history.events) >= MAX_HISTORY_EVENTS - 1 and not type_.startswith("Execution"):
            raise HistoryLimitExceeded(
                ErrorName.RUNTIME,
                f"The execution reached the maximum number of history events ({MAX_HISTORY_EVENTS}).",
            )
        return self.history.add(type_, self.clock.now(), previous, key, details).id

    def remember_text(self, value: Json, text: str) -> None:
        """Keep ``text`` as the JSON text of the container ``value`` (only when it differs)."""
        if isinstance(value, dict | list):
            self._texts[id(value)] = (value, text)

    def text(self, value: Json) -> str:
        if isinstance(value, dict | list):
            known = self._texts.get(id(value))
            if known is not None and known[0] is value:
                return known[1]
        return to_json_text(value)


def too_large(text: str) -> bool:
    return len(text) > MAX_PAYLOAD_BYTES // 4 and len(text.encode("utf-8", "replace")) > MAX_PAYLOAD_BYTES
