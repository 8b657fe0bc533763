"""The web console in a real browser: Debian's Chromium driven by playwright (no browser download).

Skipped when /usr/bin/chromium or playwright is missing; ``make test-browser`` installs both.
``SFN_CONSOLE_SCREENSHOTS=1`` rewrites the screenshots in docs/ that the README shows.
"""

from __future__ import annotations

import json
import os
import urllib.request
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

import pytest

from compat_tests import console_setup as setup
from compat_tests.helpers import ROLE_ARN, aws_client, wait_finished
from compat_tests.server import LiveServer
from emulator.settings import Settings

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(setup.chromium_missing() is not None, reason=str(setup.chromium_missing())),
]

SCREENSHOTS = os.environ.get("SFN_CONSOLE_SCREENSHOTS") == "1"
VIEWPORT = {"width": 1200, "height": 760}


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    handlers = {"token": f"{setup.HANDLERS}:token"}
    live = LiveServer(Settings(wait_time_scale=1.0, lambda_handlers=handlers)).start()
    yield live
    live.stop()


@pytest.fixture(scope="module")
def sfn(server: LiveServer) -> Any:
    return aws_client(server, "stepfunctions")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = setup.launch(playwright)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=VIEWPORT)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    context.close()
    assert errors == [], f"the page raised: {errors}"


def screenshot(page: Any, name: str) -> None:
    if SCREENSHOTS:
        page.evaluate("window.scrollTo(0, 0); document.getElementById('toast').replaceChildren()")
        page.screenshot(path=str(setup.REPO / "docs" / f"console-{name}.png"))


def box(page: Any, selector: str) -> dict[str, float]:
    found: dict[str, float] = page.locator(selector).first.bounding_box()
    return found


def inside(inner: dict[str, float], outer: dict[str, float]) -> bool:
    return (
        inner["x"] >= outer["x"]
        and inner["y"] >= outer["y"]
        and inner["x"] + inner["width"] <= outer["x"] + outer["width"]
        and inner["y"] + inner["height"] <= outer["y"] + outer["height"]
    )


def test_list_graph_live_execution_failure_and_task_token(server: LiveServer, sfn: Any, page: Any) -> None:
    order = setup.create(sfn, "OrderFlow", setup.order_flow(), ROLE_ARN)
    failing = setup.create(sfn, "Payment", setup.failing(), ROLE_ARN)
    callback = setup.create(sfn, "Approval", setup.callback(), ROLE_ARN)
    failed = sfn.start_execution(stateMachineArn=failing, input='{"ok": false}')["executionArn"]
    waiting = sfn.start_execution(stateMachineArn=callback, input="{}")["executionArn"]
    assert wait_finished(sfn, failed)["status"] == "FAILED"

    version = sfn.publish_state_machine_version(stateMachineArn=order)["stateMachineVersionArn"]
    sfn.create_state_machine_alias(
        name="prod", routingConfiguration=[{"stateMachineVersionArn": version, "weight": 100}]
    )

    # The list: every machine, with its type, versions and aliases.
    page.goto(server.url + "/_console/")
    page.wait_for_selector("table.machines tbody tr")
    names = page.locator("table.machines tbody td:first-child").all_inner_texts()
    assert {"OrderFlow", "Payment", "Approval"} <= set(names)
    row = page.locator("table.machines tr", has_text="OrderFlow")
    page.wait_for_selector('table.machines td.aliases:text("prod")')
    assert row.locator("td.versions").inner_text() == "1"
    screenshot(page, "machines")

    # One machine: one node per state, the Parallel's branches and the Map's processor nested inside.
    page.click("text=OrderFlow")
    page.wait_for_selector("#graph svg [data-state]")
    assert unquote(page.url).endswith(f"#/machine/{order}")
    page.wait_for_selector("#diagnostics p, #diagnostics ul")
    nodes = page.locator("#graph [data-state]")
    assert nodes.count() == setup.count_states(setup.order_flow()) == 9
    assert sorted(nodes.evaluate_all("nodes => nodes.map(n => n.dataset.state)")) == sorted(
        ["Check", "Route", "Fanout", "Bill", "EachItem", "Pack", "Pause", "Done", "Reject"]
    )
    fanout = box(page, '[data-state="Fanout"] .box')
    each_item = box(page, '[data-state="EachItem"] .box')
    assert inside(box(page, '[data-state="Bill"] .box'), fanout)
    assert inside(each_item, fanout)
    assert inside(box(page, '[data-state="Pack"] .box'), each_item)
    assert not inside(box(page, '[data-state="Pause"] .box'), fanout)
    labels = page.locator("#graph .edge-label text").evaluate_all("texts => texts.map(t => t.textContent)")
    assert {"Default", "States.ALL", "$.items[0] NumericEquals 1"} <= set(labels)
    screenshot(page, "machine")

    # Start from the page and watch it run, then succeed, without a reload.
    page.evaluate("window.sameDocument = true")
    page.fill("#input", json.dumps({"order": 7}))
    page.click("#start")
    page.wait_for_selector('#graph [data-state="Pause"].status-running', timeout=10_000)
    assert page.inner_text("#status") == "RUNNING"
    assert "status-succeeded" in (page.get_attribute('[data-state="Route"]', "class") or "")
    page.click('#graph [data-state="Pause"]')
    assert page.get_attribute("#state-detail", "data-state") == "Pause"
    screenshot(page, "execution-running")
    page.wait_for_selector("#status >> text=SUCCEEDED", timeout=15_000)
    page.wait_for_selector('#graph [data-state="Done"].status-succeeded')
    assert page.evaluate("window.sameDocument") is True
    assert page.locator('#graph [data-state="Reject"].status-succeeded').count() == 0
    assert page.get_attribute("#events", "data-count") == page.inner_text("#event-count").strip("()")

    # A failed execution opens at its failing state, with the error and cause.
    page.goto(f"{server.url}/_console/#/machine/{failing}")
    page.wait_for_selector('#executions[data-count="1"]')
    page.click("table.executions a")
    page.wait_for_selector("[data-loaded=true]")
    assert page.get_attribute("#state-detail", "data-state") == "Charge"
    assert page.inner_text("#state-error") == "Payment.Declined"
    assert page.inner_text("#state-cause") == "card expired"
    assert "status-failed" in (page.get_attribute('#graph [data-state="Charge"]', "class") or "")
    assert "status-succeeded" in (page.get_attribute('#graph [data-state="Decide"]', "class") or "")
    screenshot(page, "execution-failed")
    page.click('#events .ev[data-id]:has-text("ExecutionFailed")')
    assert "Payment.Declined" in page.inner_text("#events pre.event-json")

    # The list follows executions started elsewhere, pushed by the server.
    page.go_back()
    page.wait_for_selector('#executions[data-count="1"]')
    page.evaluate("window.sameDocument = true")
    sfn.start_execution(stateMachineArn=failing, input='{"ok": true}')
    page.wait_for_selector('#executions[data-count="2"]')
    assert page.evaluate("window.sameDocument") is True

    # The waiting callback, answered from the page.
    page.click("text=Waiting tasks")
    form = page.locator(".callback").first
    form.wait_for()
    assert "Approve" in page.inner_text("#callbacks")
    form.locator("textarea").fill('{"approved": true}')
    screenshot(page, "waiting")
    form.locator(".send-success").click()
    page.wait_for_selector("#toast >> text=Task success sent")
    described = wait_finished(sfn, waiting)
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"]) == {"approved": True}


def test_a_thousand_executions_and_a_five_thousand_event_history(
    server: LiveServer, sfn: Any, page: Any
) -> None:
    many = setup.create(
        sfn, "Many", {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}, ROLE_ARN
    )
    for _ in range(1000):
        sfn.start_execution(stateMachineArn=many, input="{}")
    page.goto(f"{server.url}/_console/#/machine/{many}")
    page.wait_for_selector("#executions table")
    page.select_option("#page-size", "1000")
    page.wait_for_selector('#executions[data-count="1000"]')
    assert page.locator("#executions tbody tr").count() == 1000

    long = setup.create(sfn, "LongHistory", setup.long_history(1250), ROLE_ARN)
    arn = sfn.start_execution(stateMachineArn=long, input=json.dumps(list(range(1250))))["executionArn"]
    wait_finished(sfn, arn)
    events = 0
    for history_page in sfn.get_paginator("get_execution_history").paginate(executionArn=arn):
        events += len(history_page["events"])
    assert events >= 5000
    page.goto(f"{server.url}/_console/#/execution/{arn}")
    page.wait_for_selector("[data-loaded=true]", timeout=60_000)
    assert page.get_attribute("#events", "data-count") == str(events)
    assert page.locator("#events .ev[data-id]").count() < 100  # only the rows in view are in the page
    assert "status-succeeded" in (page.get_attribute('#graph [data-state="Touch"]', "class") or "")
    page.eval_on_selector("#events", "box => { box.scrollTop = box.scrollHeight; }")
    page.click('#events .ev[data-id]:has-text("ExecutionSucceeded")')
    assert '"type": "ExecutionSucceeded"' in page.inner_text("#events pre.event-json")
    page.select_option("#type-filter", "PassStateEntered")
    page.wait_for_selector('#events[data-count="1250"]')


def post_json(url: str, document: dict[str, Any]) -> None:
    request = urllib.request.Request(
        url, data=json.dumps(document).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


def state_class(page: Any, name: str) -> str:
    return str(page.get_attribute(f'#graph [data-state="{name}"]', "class") or "")


def test_colours_diagnostics_stop_redrive_map_runs_and_mock_test_cases(
    server: LiveServer, sfn: Any, page: Any
) -> None:
    page.on("dialog", lambda dialog: dialog.accept())

    # Caught and cancelled: a Parallel's failing branch is caught; the other branch is cut short.
    caught = setup.create(sfn, "Caught", setup.caught(), ROLE_ARN)
    arn = sfn.start_execution(stateMachineArn=caught, input="{}")["executionArn"]
    assert wait_finished(sfn, arn)["status"] == "SUCCEEDED"
    page.goto(f"{server.url}/_console/#/execution/{arn}")
    page.wait_for_selector("[data-loaded=true]")
    assert "status-caught" in state_class(page, "Both")
    assert "status-failed" in state_class(page, "Boom")
    assert "status-cancelled" in state_class(page, "Slow")
    assert "status-succeeded" in state_class(page, "Recover")

    # A state's panel: its input, output and the variables it assigned.
    page.click('#graph [data-state="Recover"]')
    assert "Variables assigned" not in page.inner_text("#state-detail")
    assigning = {
        "StartAt": "Total",
        "States": {"Total": {"Type": "Pass", "Assign": {"total": 3}, "End": True}},
    }
    arn = sfn.start_execution(
        stateMachineArn=setup.create(sfn, "Assigning", assigning, ROLE_ARN), input="{}"
    )["executionArn"]
    wait_finished(sfn, arn)
    page.goto(f"{server.url}/_console/#/execution/{arn}")
    page.wait_for_selector("[data-loaded=true]")
    page.click('#graph [data-state="Total"]')
    detail = page.inner_text("#state-detail")
    assert "Variables assigned" in detail and '"total": 3' in detail

    # ValidateStateMachineDefinition's diagnostics on the graph, for an edited definition.
    page.goto(f"{server.url}/_console/#/machine/{caught}")
    page.wait_for_selector("#diagnostics p")
    edited = setup.caught()
    edited["States"]["Recover"] = {"Type": "Pass", "Next": "Nowhere"}
    page.fill("#definition", json.dumps(edited))
    page.click("#validate")
    page.wait_for_selector('#graph [data-state="Recover"].diagnostic-error')
    assert "MISSING_TRANSITION_TARGET" in page.inner_text("#diagnostics")

    # Stop from the page (the running state turns cancelled), then redrive it.
    sleepy = setup.create(
        sfn,
        "Sleepy",
        {"StartAt": "Nap", "States": {"Nap": {"Type": "Wait", "Seconds": 60, "End": True}}},
        ROLE_ARN,
    )
    page.goto(f"{server.url}/_console/#/machine/{sleepy}")
    page.click("#start")
    page.wait_for_selector('#graph [data-state="Nap"].status-running')
    page.click("#stop")
    page.wait_for_selector("#status >> text=ABORTED")
    page.wait_for_selector('#graph [data-state="Nap"].status-cancelled')
    execution = unquote(page.url).split("#/execution/", 1)[1]
    page.click("#redrive")
    page.wait_for_selector("#status >> text=RUNNING")
    page.wait_for_selector('#graph [data-state="Nap"].status-running')
    assert sfn.describe_execution(executionArn=execution)["redriveCount"] == 1
    sfn.stop_execution(executionArn=execution)

    # A Distributed Map: its Map Run, the run's child executions, one child.
    fan = setup.create(sfn, "Fan", setup.distributed(), ROLE_ARN)
    arn = sfn.start_execution(stateMachineArn=fan, input="[1, 2, 3]")["executionArn"]
    assert wait_finished(sfn, arn)["status"] == "SUCCEEDED"
    page.goto(f"{server.url}/_console/#/execution/{arn}")
    page.click("#map-runs a")
    page.wait_for_selector('#executions[data-count="3"]')
    page.click("#executions tbody a >> nth=0")
    page.wait_for_selector("[data-loaded=true]")
    assert "status-succeeded" in state_class(page, "Item")

    # Its EXPRESS children too: no history through the API (as on AWS), the console still draws them.
    fast = setup.create(sfn, "FastFan", setup.distributed("EXPRESS"), ROLE_ARN)
    arn = sfn.start_execution(stateMachineArn=fast, input="[1, 2]")["executionArn"]
    assert wait_finished(sfn, arn)["status"] == "SUCCEEDED"
    page.goto(f"{server.url}/_console/#/execution/{arn}")
    page.click("#map-runs a")
    page.wait_for_selector('#executions[data-count="2"]')
    page.click("#executions tbody a >> nth=0")
    page.wait_for_selector("[data-loaded=true]")
    assert ":express:" in unquote(page.url)
    assert "status-succeeded" in state_class(page, "Item")
    assert page.locator("#stop").is_disabled() and page.locator("#redrive").is_disabled()

    # A test case of the mock configuration, picked when starting.
    mocked = setup.create(sfn, "Mocked", setup.mocked(), ROLE_ARN)
    post_json(server.url + "/_emulator/mock-config", setup.mock_config("Mocked"))
    page.goto(f"{server.url}/_console/#/machine/{mocked}")
    page.wait_for_selector('#test-case option:text("HappyPath")', state="attached")
    page.select_option("#test-case", "HappyPath")
    page.click("#start")
    page.wait_for_selector("#status >> text=SUCCEEDED")
    assert '"mocked": true' in page.inner_text("#io")

    # Another account and region, picked at the top: its own machines only.
    other = aws_client(server, "stepfunctions", access_key="111122223333", region="eu-west-1")
    setup.create(other, "Elsewhere", setup.failing(), "arn:aws:iam::111122223333:role/r")
    page.goto(f"{server.url}/_console/")
    page.wait_for_selector("table.machines tbody tr")
    page.select_option("#partition", "111122223333/eu-west-1")
    page.wait_for_selector("table.machines a:text('Elsewhere')")
    assert page.locator("table.machines tbody tr").all_inner_texts()[0].startswith("Elsewhere")
    assert page.locator("table.machines tbody tr").count() == 1


def test_an_activity_task_is_taken_and_answered_from_the_page(
    server: LiveServer, sfn: Any, page: Any
) -> None:
    activity = sfn.create_activity(name="review")["activityArn"]
    machine = setup.create(
        sfn,
        "Reviewed",
        {"StartAt": "Review", "States": {"Review": {"Type": "Task", "Resource": activity, "End": True}}},
        ROLE_ARN,
    )
    execution = sfn.start_execution(stateMachineArn=machine, input='{"doc": 42}')["executionArn"]
    page.goto(f"{server.url}/_console/#/waiting")
    page.wait_for_selector("#activities button[data-activity]")
    assert "review" in page.inner_text("#activities")
    page.click("#activities button[data-activity]")
    taken = page.locator("#taken .callback")
    taken.wait_for()
    assert '"doc": 42' in page.inner_text("#taken")
    taken.locator("textarea").fill('{"approved": "yes"}')
    taken.locator(".send-success").click()
    described = wait_finished(sfn, execution)
    assert (described["status"], json.loads(described["output"])) == ("SUCCEEDED", {"approved": "yes"})
