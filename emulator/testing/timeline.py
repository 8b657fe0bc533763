"""An execution's history as a readable timeline: one line per state (when it was entered, how
long it took, input → output), its failed attempts and errors, then the execution's outcome.

Works on GetExecutionHistory's wire events (``timestamp`` as epoch seconds or a ``datetime``)."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

# Characters of an input or output shown on a timeline line.
PREVIEW = 60
_FAILURE_SUFFIXES = ("Failed", "TimedOut", "Aborted")


@dataclass(slots=True)
class StateSpan:
    """One visit of a state: entered, exited (or not), with the failures recorded meanwhile."""

    name: str
    type: str
    entered: float
    input: str | None
    exited: float | None = None
    output: str | None = None
    failures: list[str] = field(default_factory=list)
    depth: int = 0


def epoch(value: Any) -> float:
    return value.timestamp() if isinstance(value, datetime) else float(value)


def details_of(event: Mapping[str, Any]) -> Mapping[str, Any]:
    for key, value in event.items():
        if key.endswith("EventDetails") and isinstance(value, Mapping):
            return value
    return {}


def state_spans(events: Iterable[Mapping[str, Any]]) -> list[StateSpan]:
    """The states in the order they were entered (a state inside a Parallel or Map is one deeper)."""
    spans: list[StateSpan] = []
    open_spans: list[StateSpan] = []
    for event in events:
        kind = str(event["type"])
        details = details_of(event)
        stamp = epoch(event["timestamp"])
        if kind.endswith("StateEntered"):
            span = StateSpan(
                str(details.get("name")),
                kind.removesuffix("StateEntered"),
                stamp,
                details.get("input"),
                depth=len(open_spans),
            )
            spans.append(span)
            open_spans.append(span)
        elif kind.endswith("StateExited"):
            name = details.get("name")
            for index in range(len(open_spans) - 1, -1, -1):
                if open_spans[index].name == name:
                    span = open_spans.pop(index)
                    span.exited, span.output = stamp, details.get("output")
                    break
        elif kind.endswith(_FAILURE_SUFFIXES) and not kind.startswith("Execution") and open_spans:
            error = details.get("error")
            cause = details.get("cause")
            text = f"{kind}: {error}" if error else kind
            if cause:
                text += f" ({preview(str(cause), 100)})"
            open_spans[-1].failures.append(text)
    return spans


def describe_duration(seconds: float) -> str:
    seconds = max(seconds, 0.0)
    if seconds < 1:
        return f"{seconds * 1000:.0f}ms"
    if seconds < 60:
        return f"{seconds:.3g}s"
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    parts = [
        f"{amount}{unit}"
        for amount, unit in ((days, "d"), (hours, "h"), (minutes, "m"), (secs, "s"))
        if amount
    ]
    return " ".join(parts[:3])


def preview(text: str | None, width: int = PREVIEW) -> str:
    if text is None:
        return "-"
    with contextlib.suppress(ValueError):
        text = json.dumps(json.loads(text), separators=(",", ":"))
    return text if len(text) <= width else text[: width - 1] + "…"


def iso(stamp: float) -> str:
    return datetime.fromtimestamp(stamp, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def render_timeline(description: Mapping[str, Any], events: Sequence[Mapping[str, Any]]) -> str:
    """The text ``sfn-emulator run`` prints."""
    lines: list[str] = []
    if not events:  # an EXPRESS execution: AWS keeps no history of it
        lines.append(f"{description.get('status')} (an EXPRESS execution keeps no history)")
        if description.get("status") == "SUCCEEDED":
            lines.append(f"output {description.get('output', 'null')}")
        for key in ("error", "cause"):
            if description.get(key):
                lines.append(f"{key} {description[key]}")
        return "\n".join(lines)
    start = epoch(events[0]["timestamp"])
    started = details_of(events[0])
    lines.append(
        f"{iso(start)}  started  {description.get('name', '')}  input {preview(started.get('input'))}"
    )
    spans = state_spans(events)
    width = max([len("  " * span.depth + span.name) for span in spans] + [10])
    for span in spans:
        offset = "+" + describe_duration(span.entered - start)
        took = describe_duration(span.exited - span.entered) if span.exited is not None else "(not exited)"
        label = ("  " * span.depth + span.name).ljust(width)
        lines.append(
            f"  {offset:>10}  {label}  {span.type:<8} {took:>10}  "
            f"{preview(span.input, 40)} → {preview(span.output, 40) if span.exited is not None else '…'}"
        )
        for failure in span.failures:
            lines.append(f"  {'':>10}  {'':{width}}  ! {failure}")
    end = epoch(events[-1]["timestamp"])
    status = str(description.get("status"))
    summary = f"{iso(end)}  {status} after {describe_duration(end - start)}"
    if status == "SUCCEEDED":
        summary += f"\noutput {description.get('output', 'null')}"
    else:
        error, cause = description.get("error"), description.get("cause")
        if error:
            summary += f"  error {error}"
        if cause:
            summary += f"\ncause {cause}"
    lines.append(summary)
    return "\n".join(lines)


def states_visited(events: Iterable[Mapping[str, Any]]) -> list[str]:
    """Names of the top-level states in the order they were entered (retries are not repeats)."""
    return [span.name for span in state_spans(events) if span.depth == 0]
