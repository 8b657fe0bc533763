"""Summaries over rounds (median, min, max) and the printed table."""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Summary:
    median: float
    minimum: float
    maximum: float
    rounds: int


@dataclass(frozen=True, slots=True)
class Metric:
    """A row of the table: a result key, its label, whether lower is better, and the issue's target."""

    key: str
    label: str
    lower_is_better: bool = True
    target: float | None = None


# The rows, in the order printed. Targets are issue #7's.
METRICS: tuple[Metric, ...] = (
    Metric("startup_s", "start-up to first answer (s)", target=0.3),
    Metric("rss_start_mb", "RSS idle (MB)", target=50),
    Metric("rss_after_1000_mb", "RSS after 1,000 executions (MB)", target=80),
    Metric("exec1000_wall_s", "1,000 x 10-Pass STANDARD, 8 threads (s)", target=1.5),
    Metric("exec1000_submit_s", "  of which submitting (s)"),
    Metric("sync_median_ms", "StartSyncExecution 10-Pass p50 (ms)", target=1.5),
    Metric("sync_p95_ms", "StartSyncExecution 10-Pass p95 (ms)"),
    Metric("map_s", "inline Map, 1,000 Pass items (s)", target=0.06),
    Metric("start_rps_1", "StartExecution req/s, 1 thread", lower_is_better=False),
    Metric("start_rps_8", "StartExecution req/s, 8 threads", lower_is_better=False),
    Metric("start_lat_median_ms_8", "  latency p50, 8 threads (ms)"),
    Metric("jsonata_map_s", "JSONata Map, 1,000 items (s)"),
    Metric("choice_loop_s", "Choice loop, 5,000 transitions (s)"),
    Metric("parallel10_ms", "Parallel of 10 branches p50 (ms)"),
    Metric("sqs_per_execution_ms", "SQS sendMessage task, per execution (ms)"),
    Metric("express_rss_growth_mb", "RSS growth over EXPRESS run (MB)"),
    Metric("express_rps", "EXPRESS StartExecution req/s, 8 threads", lower_is_better=False),
    # issue 13: the emulator started with --template on 50 resources (bench/templates.py)
    Metric("template_first_answer_s", "--template 50 resources: first answer (s)", target=1.0),
    Metric("template_machines_ready_s", "  its 10 machines listed (s)", target=2.0),
    Metric("template_all_resources_s", "  all 50 resources created (s)"),
    Metric("template_cpu_to_first_answer_s", "  server CPU until the first answer (s)"),
    Metric("template_cpu_to_machines_s", "  server CPU until the machines are listed (s)"),
)


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def summarise(rounds: Sequence[Mapping[str, Any]]) -> dict[str, Summary]:
    """Median, min and max of every numeric key, over the rounds that have it."""
    keys: list[str] = []
    for result in rounds:
        keys.extend(k for k, v in result.items() if is_number(v) and k not in keys and k != "round")
    out: dict[str, Summary] = {}
    for key in keys:
        values = [float(r[key]) for r in rounds if is_number(r.get(key))]
        out[key] = Summary(round(statistics.median(values), 4), min(values), max(values), len(values))
    return out


def ratio(ours: float | None, theirs: float | None) -> float | None:
    """``ours / theirs``; None when either is missing or the divisor is zero."""
    if ours is None or theirs is None or theirs == 0:
        return None
    return ours / theirs


def _number(value: float | None) -> str:
    if value is None:
        return "-"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3g}" if abs(value) < 1 else f"{value:.4g}"


def _target(metric: Metric, median: float | None) -> str:
    if metric.target is None:
        return ""
    sign = "<=" if metric.lower_is_better else ">="
    if median is None:
        return f"{sign} {_number(metric.target)}"
    met = median <= metric.target if metric.lower_is_better else median >= metric.target
    return f"{sign} {_number(metric.target)} {'ok' if met else 'MISS'}"


def format_table(
    ours: Mapping[str, Summary],
    others: Mapping[str, Mapping[str, Summary]] | None = None,
    skipped: Mapping[str, str] | None = None,
) -> str:
    """The results table; ``others`` adds, per peer, its median and ``ours/peer`` for each row."""
    others = others or {}
    header = ["scenario", "median", "min", "max", "target"]
    for name in others:
        header += [name, f"ours/{name}"]
    rows = [header]
    for metric in METRICS:
        found = ours.get(metric.key)
        if found is None and not any(metric.key in peer for peer in others.values()):
            continue
        row = [metric.label]
        if found is None:
            row += ["-", "-", "-", _target(metric, None)]
        else:
            row += [
                _number(found.median),
                _number(found.minimum),
                _number(found.maximum),
                _target(metric, found.median),
            ]
        for peer in others.values():
            theirs = peer.get(metric.key)
            row.append(_number(theirs.median) if theirs else "-")
            row.append(_ratio_text(ratio(found.median if found else None, theirs.median if theirs else None)))
        rows.append(row)
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = []
    for index, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])] + [cell.rjust(widths[i]) for i, cell in enumerate(row[1:], 1)]
        lines.append("  ".join(cells).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    for name, reason in (skipped or {}).items():
        lines.append(f"skipped {name}: {reason}")
    return "\n".join(lines)


def _ratio_text(value: float | None) -> str:
    return "-" if value is None else f"{value:.3g}"
