"""`make bench-console`: the web console's weight and speed in Debian's Chromium.

    python -m bench.console [--rounds 3] [--states 200] [--items 1250] [--executions 1000]

Measures, on a fresh emulator on a free port (median of ``--rounds`` fresh page loads each):
* page weight: bytes transferred (headers and bodies) for a first load of ``/_console/``, and the
  same files uncompressed;
* a ``--states``-state graph: layout and drawing (dagre, SVG, the browser's layout of it), and the
  time from opening the machine to the graph being shown;
* a history of ``4 × --items`` events: from opening the execution to every event in the table and
  the graph coloured, and the longest main-thread task meanwhile (what "freezing" would be);
* ``--executions`` executions listed on one page.
Needs /usr/bin/chromium and playwright (``make test-browser`` installs both).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from typing import Any

from compat_tests import console_setup as setup
from compat_tests.helpers import ROLE_ARN, aws_client, wait_finished
from compat_tests.server import LiveServer
from emulator.settings import Settings

# Records long main-thread tasks (Chromium reports those over 50 ms) from the page's start.
LONG_TASKS = """
window.__longTasks = [];
new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push(e.duration); })
  .observe({ type: "longtask", buffered: true });
"""


def page_weight(browser: Any, url: str) -> dict[str, int]:
    context = browser.new_context()
    page = context.new_page()
    requests: list[Any] = []
    page.on("requestfinished", lambda request: requests.append(request))
    page.goto(url + "/_console/")
    page.wait_for_selector("table.machines")
    page.wait_for_load_state("networkidle")
    transferred = body = 0
    files = 0
    for request in requests:
        if "/_console/" not in request.url or "/api/" in request.url:
            continue
        sizes = request.sizes()
        transferred += sizes["responseHeadersSize"] + sizes["responseBodySize"]
        response = request.response()
        body += len(response.body()) if response is not None else 0
        files += 1
    context.close()
    return {"files": files, "transferred_bytes": transferred, "uncompressed_bytes": body}


def graph_times(browser: Any, url: str, machine: str) -> tuple[float, float]:
    page = browser.new_page()
    page.goto(url + "/_console/")
    page.wait_for_selector("table.machines")
    started = time.perf_counter()
    page.evaluate("arn => { location.hash = '#/machine/' + encodeURIComponent(arn); }", machine)
    page.wait_for_selector("#graph svg")
    shown = (time.perf_counter() - started) * 1000
    render = float(page.get_attribute("#graph svg", "data-render-ms") or "nan")
    page.close()
    return render, shown


def history_times(browser: Any, url: str, execution: str) -> tuple[float, float, int]:
    page = browser.new_page()
    page.add_init_script(LONG_TASKS)
    page.goto(url + "/_console/")
    page.wait_for_selector("table.machines")
    page.evaluate("window.__longTasks = []")
    page.evaluate("arn => { location.hash = '#/execution/' + encodeURIComponent(arn); }", execution)
    page.wait_for_selector("[data-loaded=true]", timeout=120_000)
    loaded = float(page.get_attribute("#view", "data-history-ms") or "nan")
    rows = int(page.get_attribute("#events", "data-count") or "0")
    longest = float(page.evaluate("Math.max(0, ...window.__longTasks)"))
    page.close()
    return loaded, longest, rows


def list_time(browser: Any, url: str, machine: str, count: int) -> float:
    page = browser.new_page()
    page.goto(f"{url}/_console/#/machine/{machine}")
    page.wait_for_selector("#executions table")
    page.select_option("#page-size", "1000")
    page.wait_for_selector(f'#executions[data-count="{count}"]')
    elapsed = float(page.get_attribute("#executions", "data-render-ms") or "nan")
    page.close()
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.console", description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--states", type=int, default=200)
    parser.add_argument("--items", type=int, default=1250)
    parser.add_argument("--executions", type=int, default=1000)
    args = parser.parse_args(argv)
    missing = setup.chromium_missing()
    if missing:
        print(f"bench.console: {missing}")
        return 1
    from playwright.sync_api import sync_playwright

    server = LiveServer(Settings(wait_time_scale=0.0)).start()
    try:
        sfn = aws_client(server, "stepfunctions")
        wide = setup.create(sfn, "Wide", setup.wide(args.states), ROLE_ARN)
        long = setup.create(sfn, "Long", setup.long_history(args.items), ROLE_ARN)
        execution = sfn.start_execution(stateMachineArn=long, input=json.dumps(list(range(args.items))))
        wait_finished(sfn, execution["executionArn"])
        many = setup.create(
            sfn, "Many", {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}, ROLE_ARN
        )
        for _ in range(args.executions):
            sfn.start_execution(stateMachineArn=many, input="{}")
        with sync_playwright() as playwright:
            browser = setup.launch(playwright)
            weight = page_weight(browser, server.url)
            graphs = [graph_times(browser, server.url, wide) for _ in range(args.rounds)]
            histories = [
                history_times(browser, server.url, execution["executionArn"]) for _ in range(args.rounds)
            ]
            lists = [list_time(browser, server.url, many, args.executions) for _ in range(args.rounds)]
            browser.close()
    finally:
        server.stop()
    median = statistics.median
    print(
        f"page weight, first load: {weight['transferred_bytes']:,} bytes transferred in {weight['files']} files "
        f"({weight['uncompressed_bytes']:,} bytes uncompressed)"
    )
    print(
        f"{args.states}-state graph: layout + drawing {median(g[0] for g in graphs):.0f} ms; "
        f"opened to shown {median(g[1] for g in graphs):.0f} ms"
    )
    print(
        f"{histories[0][2]:,}-event history: opened to fully shown {median(h[0] for h in histories):.0f} ms; "
        f"longest main-thread task {median(h[1] for h in histories):.0f} ms"
    )
    print(f"{args.executions:,} executions listed: fetch + table {median(lists):.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
