// One execution, live: its graph coloured as events arrive (server push), the selected state's
// input/output/variables/events, the event table with filters, Map Runs, stop and redrive.
import { markSelected, markStates, renderGraph, statesOf } from "./graph.js";
import { ExecutionModel } from "./history.js";
import { EventTable } from "./table.js";
import { executionList } from "./machines.js";
import { callbackForm } from "./waiting.js";
import { call, consoleGet, escapeHtml, formatDate, nameOfArn, prettyJson, statusBadge, streamUrl, toast } from "./util.js";

const LEGEND = ["running", "succeeded", "failed", "caught", "cancelled"];
const CHUNK = 500;

function facts(execution) {
  const machineArn = execution.stateMachineArn;
  return `<dl class="facts two"><dt>Execution ARN</dt><dd>${escapeHtml(execution.executionArn)}</dd>
    <dt>State machine</dt><dd>${execution.mapRunArn ? escapeHtml(nameOfArn(machineArn)) : `<a href="#/machine/${encodeURIComponent(machineArn)}">${escapeHtml(nameOfArn(machineArn))}</a>`}</dd>
    ${execution.mapRunArn ? `<dt>Map Run</dt><dd><a href="#/maprun/${encodeURIComponent(execution.mapRunArn)}">${escapeHtml(execution.mapRunArn.split("/").pop())}</a></dd>` : ""}
    <dt>Started</dt><dd>${formatDate(execution.startDate)}</dd><dt>Ended</dt><dd>${formatDate(execution.stopDate) || "–"}</dd>
    ${execution.redriveCount ? `<dt>Redrives</dt><dd>${execution.redriveCount}</dd>` : ""}
    ${execution.error !== undefined ? `<dt>Error</dt><dd class="error">${escapeHtml(execution.error)}</dd>` : ""}
    ${execution.cause !== undefined ? `<dt>Cause</dt><dd class="error">${escapeHtml(execution.cause)}</dd>` : ""}</dl>`;
}

function inputOutput(execution) {
  return `<div class="grow"><h2>Execution input</h2><pre>${escapeHtml(prettyJson(execution.input))}</pre></div>
    <div class="grow"><h2>Execution output</h2><pre>${execution.output === undefined ? "–" : escapeHtml(prettyJson(execution.output))}</pre></div>`;
}

function variables(assigned) {
  // assignedVariables maps each name to its value's JSON text: show the values.
  const values = {};
  for (const [name, text] of Object.entries(assigned)) {
    try { values[name] = JSON.parse(text); } catch { values[name] = text; }
  }
  return values;
}

export async function showExecution(view, arn) {
  // An EXPRESS child of a Map Run: the API has no history or machine for it (as on AWS); the console's
  // own view draws what the emulator recorded.
  const express = arn.includes(":express:");
  const [execution, machine] = await Promise.all([
    call("DescribeExecution", { executionArn: arn }),
    express ? consoleGet("machine", { execution: arn }) : call("DescribeStateMachineForExecution", { executionArn: arn }),
  ]);
  const started = performance.now();
  let definition = {};
  try { definition = JSON.parse(machine.definition); } catch { /* drawn as "no states" */ }
  const model = new ExecutionModel(statesOf(definition));
  view.innerHTML = `<h1>${escapeHtml(execution.name)} <span id="status">${statusBadge(execution.status)}</span></h1>
    <div class="toolbar"><button id="stop">Stop</button><button id="redrive">Redrive</button></div>
    <div class="panel" id="facts">${facts(execution)}</div>
    <div class="row"><div class="grow"><h2>Graph</h2>
      <div class="legend">${LEGEND.map((s) => `<span><i style="background:var(--${s})"></i>${s === "running" ? "in progress" : s}</span>`).join("")}</div>
      <div class="graph-box" id="graph"></div></div>
      <div class="side"><h2>State</h2><div class="panel" id="state-detail"><p class="muted">Select a state in the graph.</p></div></div></div>
    <div class="row" id="io">${inputOutput(execution)}</div>
    <div id="map-runs"></div>
    <h2>Events <span class="muted" id="event-count"></span></h2>
    <div class="toolbar"><label>Type <select id="type-filter"><option value="">All</option></select></label>
      <label>State <select id="state-filter"><option value="">All</option></select></label>
      <input id="text-filter" placeholder="Search events" aria-label="Search events"></div>
    <div class="events-box" id="events"></div>`;
  const svg = renderGraph(view.querySelector("#graph"), definition, (name) => select(name));
  const table = new EventTable(view.querySelector("#events"), (event) => model.stateOf(event));
  const types = new Set(), states = new Set(), mapRuns = [];
  let selected = null;
  let current = execution;
  const applyFilter = () => {
    const type = view.querySelector("#type-filter").value, state = view.querySelector("#state-filter").value;
    const text = view.querySelector("#text-filter").value.toLowerCase();
    table.setFilter(type || state || text ? (event) => (!type || event.type === type) &&
      (!state || model.stateOf(event) === state) && (!text || JSON.stringify(event).toLowerCase().includes(text)) : null);
  };
  for (const id of ["#type-filter", "#state-filter"]) view.querySelector(id).onchange = applyFilter;
  view.querySelector("#text-filter").oninput = applyFilter;

  const addOptions = (select, values, known) => {
    const fresh = values.filter((v) => v && !known.has(v));
    for (const v of fresh) known.add(v);
    if (fresh.length) select.insertAdjacentHTML("beforeend", fresh.map((v) => `<option>${escapeHtml(v)}</option>`).join(""));
  };

  const select = (name) => {
    selected = name;
    markSelected(svg, name);
    const panel = view.querySelector("#state-detail");
    const entries = model.entries.get(name) || [];
    const info = model.states.get(name);
    panel.dataset.state = name;
    if (!entries.length) {
      panel.innerHTML = `<h3>${escapeHtml(name)}</h3><p class="muted">${escapeHtml(info ? info.type : "")} state: not entered${model.terminal ? "" : " yet"}.</p>`;
      return;
    }
    const status = model.statuses().get(name);
    const showEntry = (index) => {
      const entry = entries[index];
      const failure = model.failureDetails(entry);
      panel.querySelector("#entry").innerHTML = `
        ${entries.length > 1 ? `<p>${statusBadge(model.entryStatus(entry))}</p>` : ""}
        ${failure ? `<h4>Error</h4><p class="error" id="state-error">${escapeHtml(failure.error ?? "")}</p><h4>Cause</h4><pre class="error" id="state-cause">${escapeHtml(prettyJson(failure.cause ?? ""))}</pre>` : ""}
        <h4>Input</h4><pre>${escapeHtml(prettyJson(entry.input))}</pre>
        <h4>Output</h4><pre>${entry.output === undefined ? "–" : escapeHtml(prettyJson(entry.output))}</pre>
        ${entry.variables ? `<h4>Variables assigned</h4><pre>${escapeHtml(prettyJson(variables(entry.variables)))}</pre>` : ""}
        <h4>Events</h4><p>${entry.events.map((e) => `<a href="#" data-event="${e.id}">${e.id} ${escapeHtml(e.type)}</a>`).join("<br>")}</p>
        <div id="callback"></div>`;
      if (!entry.exitedId && !model.terminal && info && /\.waitForTaskToken$/.test(String(info.definition.Resource))) {
        consoleGet("waiting").then(({ callbacks }) => {
          const waiting = callbacks.filter((c) => c.executionArn === arn && c.stateName === name);
          const box = panel.querySelector("#callback");
          if (box && waiting.length) box.replaceChildren(...waiting.map((c) => callbackForm(c)));
        }).catch(() => {});
      }
    };
    panel.innerHTML = `<h3>${escapeHtml(name)} <span class="muted">${escapeHtml(info ? info.type : "")}</span> ${statusBadge(status)}</h3>
      ${entries.length > 1 ? `<label>Entry <select id="entry-pick">${entries.map((e, i) => `<option value="${i}">#${i + 1} (event ${e.enteredId})</option>`).join("")}</select></label> <span class="muted">${entries.length} entries (Map iterations, retries, redrives)</span>` : ""}
      <div id="entry"></div>`;
    const pick = panel.querySelector("#entry-pick");
    if (pick) { pick.value = String(entries.length - 1); pick.onchange = () => showEntry(Number(pick.value)); }
    showEntry(entries.length - 1);
    panel.onclick = (event) => {
      const link = event.target.closest("[data-event]");
      if (!link) return;
      event.preventDefault();
      table.reveal(Number(link.dataset.event));
      view.querySelector("#events").scrollIntoView({ block: "nearest" });
    };
  };

  const buttons = () => {
    view.querySelector("#stop").disabled = current.status !== "RUNNING" || express;
    view.querySelector("#redrive").disabled = !["FAILED", "TIMED_OUT", "ABORTED"].includes(current.status) || Boolean(current.mapRunArn) || express;
  };
  buttons();
  view.querySelector("#stop").onclick = async () => {
    if (!confirm("Stop this execution?")) return;
    try { await call("StopExecution", { executionArn: arn, error: "Console.Stopped", cause: "Stopped from the emulator console" }); toast("Execution stopped"); }
    catch (error) { toast(error.message, true); }
  };
  view.querySelector("#redrive").onclick = async () => {
    try {
      await call("RedriveExecution", { executionArn: arn });
      toast("Execution redriven");
      window.dispatchEvent(new HashChangeEvent("hashchange"));
    } catch (error) { toast(error.message, true); }
  };

  // Events arrive through server push; they are applied once per animation frame.
  let batch = [];
  let scheduled = false;
  let ended = false;
  let closed = false; // the page moved on: late frames and answers are dropped
  const flush = () => {
    if (closed) return;
    scheduled = false;
    // At most CHUNK events a frame: a long history fills in over a few frames, the page stays responsive.
    const events = batch.length > CHUNK ? batch.splice(0, CHUNK) : batch;
    batch = events === batch ? [] : batch;
    if (batch.length) { scheduled = true; requestAnimationFrame(flush); }
    const newTypes = [], newStates = [];
    for (const event of events) {
      model.add(event);
      newTypes.push(event.type);
      newStates.push(model.stateOf(event));
      if (event.type === "MapRunStarted") mapRuns.push(event.mapRunStartedEventDetails.mapRunArn);
    }
    table.append(events);
    addOptions(view.querySelector("#type-filter"), newTypes, types);
    addOptions(view.querySelector("#state-filter"), newStates, states);
    view.querySelector("#event-count").textContent = `(${model.events.length})`;
    markStates(svg, model.statuses());
    if (mapRuns.length) {
      view.querySelector("#map-runs").innerHTML = `<h2>Map Runs</h2><div class="panel">${mapRuns.map((m) => `<a href="#/maprun/${encodeURIComponent(m)}">${escapeHtml(m.split("/").pop())}</a>`).join("<br>")}</div>`;
    }
    if (batch.length) return; // more of the backlog next frame
    if (model.terminal || ended) finish();
    else if (selected) select(selected);
  };
  let finished = false;
  const finish = async () => {
    if (finished) return;
    finished = true;
    view.dataset.historyMs = String(Math.round(performance.now() - started));
    current = await call("DescribeExecution", { executionArn: arn }).catch(() => current);
    if (closed) return;
    view.querySelector("#status").innerHTML = statusBadge(current.status);
    view.querySelector("#facts").innerHTML = facts(current);
    view.querySelector("#io").innerHTML = inputOutput(current);
    buttons();
    const failing = ["FAILED", "TIMED_OUT"].includes(current.status) ? model.failingState() : null;
    if (selected) select(selected);
    else if (failing) select(failing);
    view.dataset.loaded = "true";
  };
  const stream = new EventSource(streamUrl({ execution: arn }));
  let lastId = 0; // a reconnecting EventSource is sent the history again: keep only what is new
  stream.onmessage = (message) => {
    for (const event of JSON.parse(message.data)) {
      if (event.id > lastId) { lastId = event.id; batch.push(event); }
    }
    if (!scheduled) { scheduled = true; requestAnimationFrame(flush); }
  };
  stream.addEventListener("end", () => {
    stream.close();
    ended = true;
    if (!scheduled) { scheduled = true; requestAnimationFrame(flush); }
  });
  return () => { closed = true; stream.close(); };
}

export async function showMapRun(view, arn) {
  const run = await call("DescribeMapRun", { mapRunArn: arn });
  const counts = (c) => Object.entries(c || {}).map(([k, v]) => `${escapeHtml(k)} ${v}`).join(", ");
  view.innerHTML = `<h1>Map Run ${escapeHtml(arn.split("/").pop())} ${statusBadge(run.status)}</h1>
    <div class="panel"><dl class="facts"><dt>Map Run ARN</dt><dd>${escapeHtml(arn)}</dd>
      <dt>Execution</dt><dd><a href="#/execution/${encodeURIComponent(run.executionArn)}">${escapeHtml(nameOfArn(run.executionArn))}</a></dd>
      <dt>Started</dt><dd>${formatDate(run.startDate)}</dd><dt>Ended</dt><dd>${formatDate(run.stopDate) || "–"}</dd>
      <dt>Max concurrency</dt><dd>${run.maxConcurrency}</dd><dt>Items</dt><dd>${counts(run.itemCounts)}</dd><dt>Child executions</dt><dd>${counts(run.executionCounts)}</dd></dl></div>
    <h2>Child executions</h2>
    <div class="toolbar"><label>Status <select id="status"><option value="">All</option>${["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"].map((s) => `<option>${s}</option>`).join("")}</select></label>
      <label>Page size <select id="page-size"><option>25</option><option selected>100</option><option>1000</option></select></label>
      <button id="prev">Previous</button><button id="next">Next</button><span id="page-info" class="muted"></span></div>
    <div class="scroll" id="executions"></div>`;
  return executionList(view, { mapRunArn: arn });
}

