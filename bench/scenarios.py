"""Scenarios beyond the shared harness: JSONata, a Choice loop, Parallel, an SQS task, EXPRESS memory.

Each takes the options namespace and returns a flat dict of results, or raises ``Skip`` with the reason
when the server cannot run it (yet): a rejected definition or a failed first execution.
"""

from __future__ import annotations

import http.client
import json
import statistics
import threading
import time
import uuid
from typing import Any

from bench.core import Sfn, SfnError, create_sm, tree_rss_mb, wait_drained, wait_execution

CHOICE_LOOP_TRANSITIONS = 5000


class Skip(Exception):
    """The scenario cannot run against this server; the message says why."""


def _name() -> str:
    """An explicit execution name: some peers do not generate one when it is missing."""
    return uuid.uuid4().hex


def _error_text(error: SfnError) -> str:
    try:
        document = json.loads(error.body)
        return f"{document.get('__type', '')}: {document.get('message', document.get('Message', ''))}".strip()
    except ValueError:
        return str(error)


def _create(client: Sfn, name: str, definition: dict[str, Any], type_: str = "STANDARD") -> str:
    try:
        return create_sm(client, name, definition, type_)
    except SfnError as error:
        raise Skip(f"CreateStateMachine rejected it ({_error_text(error)})") from None


def _run_once(
    client: Sfn, machine_arn: str, input_value: Any, timeout: float, interval: float
) -> tuple[float, dict[str, Any]]:
    began = time.perf_counter()
    started = client.call(
        "StartExecution", {"stateMachineArn": machine_arn, "input": json.dumps(input_value), "name": _name()}
    )
    described = wait_execution(client, started["executionArn"], timeout, interval=interval)
    elapsed = time.perf_counter() - began
    if described.get("status") != "SUCCEEDED":
        reason = f"{described.get('status')}: {described.get('error', '')} {described.get('cause', '')}"
        raise Skip(f"the execution ended {reason[:300]}")
    return elapsed, described


# --- definitions -----------------------------------------------------------------------------------


def jsonata_map() -> dict[str, Any]:
    """Inline Map whose ItemSelector and iteration Output are JSONata expressions."""
    processor = {
        "ProcessorConfig": {"Mode": "INLINE"},
        "StartAt": "P",
        "States": {
            "P": {"Type": "Pass", "Output": "{% $states.input.v + $count($states.input.tags) %}", "End": True}
        },
    }
    selector = {
        "v": "{% $states.context.Map.Item.Value * 2 %}",
        "tags": "{% [$string($states.context.Map.Item.Index), 'x'] %}",
    }
    return {
        "QueryLanguage": "JSONata",
        "StartAt": "M",
        "States": {
            "M": {
                "Type": "Map",
                "Items": "{% $states.input.items %}",
                "ItemSelector": selector,
                "ItemProcessor": processor,
                "End": True,
            }
        },
    }


def choice_loop(transitions: int = CHOICE_LOOP_TRANSITIONS) -> dict[str, Any]:
    """Check (Choice) and Inc (Pass) alternate from ``{"n": 0}``: ``transitions`` states entered in all."""
    loops = (transitions - 2) // 2  # Check runs loops + 1 times, Inc loops times, Done once
    return {
        "StartAt": "Check",
        "States": {
            "Check": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.n", "NumericLessThan": loops, "Next": "Inc"}],
                "Default": "Done",
            },
            "Inc": {"Type": "Pass", "Parameters": {"n.$": "States.MathAdd($.n, 1)"}, "Next": "Check"},
            "Done": {"Type": "Succeed"},
        },
    }


def parallel_of(branches: int, states_per_branch: int = 2) -> dict[str, Any]:
    def branch(index: int) -> dict[str, Any]:
        states: dict[str, Any] = {}
        for k in range(states_per_branch):
            state: dict[str, Any] = {"Type": "Pass", "Result": {"branch": index, "step": k}}
            if k == states_per_branch - 1:
                state["End"] = True
            else:
                state["Next"] = f"B{index}S{k + 1}"
            states[f"B{index}S{k}"] = state
        return {"StartAt": f"B{index}S0", "States": states}

    return {
        "StartAt": "Fan",
        "States": {
            "Fan": {"Type": "Parallel", "Branches": [branch(i) for i in range(branches)], "End": True}
        },
    }


def sqs_send(queue_url: str) -> dict[str, Any]:
    return {
        "StartAt": "Send",
        "States": {
            "Send": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage",
                "Parameters": {"QueueUrl": queue_url, "MessageBody.$": "$"},
                "End": True,
            }
        },
    }


# --- scenarios -------------------------------------------------------------------------------------


def bench_jsonata_map(args: Any) -> dict[str, Any]:
    client = Sfn(args.endpoint)
    try:
        arn = _create(client, "bench-jsonata", jsonata_map())
        _run_once(client, arn, {"items": [1, 2]}, args.drain_timeout, 0.005)  # warm-up
        elapsed, described = _run_once(
            client, arn, {"items": list(range(args.map_items))}, args.drain_timeout, 0.005
        )
    finally:
        client.close()
    output = json.loads(described["output"])
    if output[:3] != [2, 4, 6]:
        raise Skip(f"unexpected output {described['output'][:80]}")
    return {"jsonata_map_s": round(elapsed, 4), "jsonata_map_items": len(output)}


def bench_choice_loop(args: Any) -> dict[str, Any]:
    client = Sfn(args.endpoint)
    try:
        arn = _create(client, "bench-choice", choice_loop())
        elapsed, described = _run_once(client, arn, {"n": 0}, args.drain_timeout, 0.005)
    finally:
        client.close()
    return {"choice_loop_s": round(elapsed, 4), "choice_loop_final": json.loads(described["output"]).get("n")}


def bench_parallel(args: Any) -> dict[str, Any]:
    """Parallel of 10 branches: StartSyncExecution latency, or start-to-SUCCEEDED where there is none."""
    client = Sfn(args.endpoint)
    latencies: list[float] = []
    method = "sync"
    try:
        try:
            arn = create_sm(client, "bench-parallel", parallel_of(10), "EXPRESS")
            client.call("StartSyncExecution", {"stateMachineArn": arn, "input": "{}"})
        except SfnError:
            method = "poll"
            arn = _create(client, "bench-parallel", parallel_of(10))
            _run_once(client, arn, {}, args.drain_timeout, 0.001)
        for _ in range(args.parallel_n):
            if method == "sync":
                began = time.perf_counter()
                answer = client.call("StartSyncExecution", {"stateMachineArn": arn, "input": "{}"})
                latencies.append((time.perf_counter() - began) * 1000)
                if answer.get("status") != "SUCCEEDED":
                    raise Skip(f"the execution ended {answer.get('status')}: {answer.get('cause', '')}"[:300])
            else:
                elapsed, _ = _run_once(client, arn, {}, args.drain_timeout, 0.001)
                latencies.append(elapsed * 1000)
    finally:
        client.close()
    return {"parallel10_ms": round(statistics.median(latencies), 3), "parallel10_method": method}


def bench_sqs(args: Any) -> dict[str, Any]:
    """sqs:sendMessage tasks against a queue of the server's own (in-process moto) SQS."""
    sqs = Sfn(args.endpoint, service="sqs")
    client = Sfn(args.endpoint)
    try:
        try:
            queue_url = sqs.call("CreateQueue", {"QueueName": f"bench-{uuid.uuid4().hex[:8]}"}, "AmazonSQS")[
                "QueueUrl"
            ]
        except (SfnError, KeyError, ValueError) as error:
            reason = _error_text(error) if isinstance(error, SfnError) else repr(error)
            raise Skip(f"the endpoint does not serve SQS CreateQueue ({reason[:200]})") from None
        arn = _create(client, "bench-sqs", sqs_send(queue_url))
        _run_once(client, arn, {"probe": True}, 30, 0.005)
        count = args.sqs_n
        lock = threading.Lock()
        remaining = iter(range(count))

        def submit(_: int) -> None:
            own = Sfn(args.endpoint)
            while True:
                with lock:
                    index = next(remaining, None)
                if index is None:
                    break
                own.call(
                    "StartExecution",
                    {"stateMachineArn": arn, "input": json.dumps({"i": index}), "name": _name()},
                )
            own.close()

        began = time.perf_counter()
        threads = [threading.Thread(target=submit, args=(k,)) for k in range(args.submit_threads)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        drained = wait_drained(client, arn, args.drain_timeout, interval=0.02)
        wall = time.perf_counter() - began
        attributes = sqs.call(
            "GetQueueAttributes",
            {"QueueUrl": queue_url, "AttributeNames": ["ApproximateNumberOfMessages"]},
            "AmazonSQS",
        )
    finally:
        sqs.close()
        client.close()
    messages = int(attributes.get("Attributes", {}).get("ApproximateNumberOfMessages", -1))
    return {
        "sqs_n": count,
        "sqs_wall_s": round(wall, 3) if drained is not None else None,
        "sqs_per_execution_ms": round(wall * 1000 / count, 3),
        "sqs_messages": messages,
    }


def bench_express_memory(args: Any, pid: int | None) -> dict[str, Any]:
    """``args.express_executions`` EXPRESS StartExecution calls from 8 threads; RSS sampled as they go.

    EXPRESS executions are not kept, so the server's memory should stay flat: growth is measured from
    the first tenth (past warm-up) to the end.
    """
    total = args.express_executions
    client = Sfn(args.endpoint)
    arn = _create(
        client, "bench-express", {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}, "EXPRESS"
    )
    client.close()
    lock = threading.Lock()
    done = [0]
    samples: list[tuple[int, float]] = []
    step = max(total // 10, 1)

    def submit(_: int) -> None:
        own = Sfn(args.endpoint)
        while True:
            with lock:
                if done[0] >= total:
                    break
                done[0] += 1
                number = done[0]
            try:
                own.call("StartExecution", {"stateMachineArn": arn, "input": "{}", "name": _name()})
            except (SfnError, OSError, http.client.HTTPException):
                continue
            if pid and number % step == 0:
                with lock:
                    samples.append((number, tree_rss_mb(pid)))
        own.close()

    began = time.perf_counter()
    threads = [threading.Thread(target=submit, args=(k,)) for k in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    out: dict[str, Any] = {"express_n": total, "express_rps": round(total / elapsed, 1)}
    if pid:
        time.sleep(0.5)
        samples.sort()
        first = samples[0][1] if samples else tree_rss_mb(pid)
        end = tree_rss_mb(pid)
        out.update(
            express_rss_first_tenth_mb=first,
            express_rss_end_mb=end,
            express_rss_growth_mb=round(end - first, 1),
        )
        out["express_rss_samples"] = samples
    return out


def bench_soak(args: Any, pid: int | None) -> dict[str, Any]:
    """``args.soak_executions`` STANDARD ten-state executions from 8 threads against the default
    retention: the server's RSS at the start, middle and end, and every StartExecution's latency.

    Finished STANDARD executions are kept (DescribeExecution, history) until the retention policy
    evicts them, so memory should grow until the retained count is reached and stay flat after.
    """
    from bench.core import chain_of_pass, pct

    total = args.soak_executions
    client = Sfn(args.endpoint)
    arn = _create(client, "bench-soak", chain_of_pass(10))
    client.close()
    lock = threading.Lock()
    issued = [0]
    latencies: list[float] = []
    samples: dict[str, float] = {}
    errors = [0]
    middle = total // 2
    if pid:
        samples["start"] = tree_rss_mb(pid)

    def submit(_: int) -> None:
        own = Sfn(args.endpoint)
        mine: list[float] = []
        while True:
            with lock:
                if issued[0] >= total:
                    break
                issued[0] += 1
                number = issued[0]
            began = time.perf_counter()
            try:
                own.call("StartExecution", {"stateMachineArn": arn, "input": "{}", "name": _name()})
            except (SfnError, OSError, http.client.HTTPException):
                with lock:
                    errors[0] += 1
                continue
            mine.append(time.perf_counter() - began)
            if pid and number == middle:
                samples["middle"] = tree_rss_mb(pid)
        own.close()
        with lock:
            latencies.extend(mine)

    began = time.perf_counter()
    threads = [threading.Thread(target=submit, args=(k,)) for k in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    out: dict[str, Any] = {
        "soak_n": total,
        "soak_rps": round(total / elapsed, 1),
        "soak_errors": errors[0],
        "soak_p50_ms": round((pct(latencies, 50) or 0) * 1000, 3),
        "soak_p99_ms": round((pct(latencies, 99) or 0) * 1000, 3),
    }
    if pid:
        time.sleep(args.settle)
        samples["end"] = tree_rss_mb(pid)
        out.update({f"soak_rss_{moment}_mb": value for moment, value in samples.items()})
        if "middle" in samples:
            out["soak_rss_growth_second_half_mb"] = round(samples["end"] - samples["middle"], 1)
    return out
