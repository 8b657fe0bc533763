// State machines: the list, and one machine (graph beside its definition, diagnostics, versions,
// aliases, its executions and the start form).
import { markDiagnostics, renderGraph, statesOf } from "./graph.js";
import { call, debounce, escapeHtml, formatDate, nameOfArn, onListChange, prettyJson, statusBadge, toast } from "./util.js";

async function listAll(operation, body, key) {
  const items = [];
  let nextToken;
  do {
    const page = await call(operation, { ...body, maxResults: 1000, ...(nextToken ? { nextToken } : {}) });
    items.push(...(page[key] || []));
    nextToken = page.nextToken;
  } while (nextToken && items.length < 10000);
  return items;
}

export async function showMachines(view) {
  const machines = await listAll("ListStateMachines", {}, "stateMachines");
  view.innerHTML = `<h1>State machines <span class="muted">(${machines.length})</span></h1>
    <div class="toolbar"><input id="filter" placeholder="Filter by name" aria-label="Filter by name"><button id="refresh">Refresh</button></div>
    <div class="scroll"><table class="list machines"><thead><tr><th>Name</th><th>Type</th><th>Created</th><th>Versions</th><th>Aliases</th></tr></thead>
    <tbody>${machines.map((m) => `<tr data-arn="${escapeHtml(m.stateMachineArn)}" data-name="${escapeHtml(m.name.toLowerCase())}">
      <td><a href="#/machine/${encodeURIComponent(m.stateMachineArn)}">${escapeHtml(m.name)}</a></td><td>${escapeHtml(m.type)}</td>
      <td>${formatDate(m.creationDate)}</td><td class="versions">…</td><td class="aliases">…</td></tr>`).join("")}</tbody></table></div>
    ${machines.length ? "" : `<p class="muted">No state machines in this account and region yet: create one with an SDK or the AWS CLI.</p>`}`;
  view.querySelector("#refresh").onclick = () => showMachines(view);
  view.querySelector("#filter").oninput = (event) => {
    const wanted = event.target.value.toLowerCase();
    for (const row of view.querySelectorAll("tbody tr")) row.hidden = !row.dataset.name.includes(wanted);
  };
  // Versions and aliases per machine (the API lists them per machine), first 200 rows only.
  await Promise.all(machines.slice(0, 200).map(async (m) => {
    const row = view.querySelector(`tr[data-arn="${CSS.escape(m.stateMachineArn)}"]`);
    if (!row) return; // the page moved on
    try {
      const [versions, aliases] = await Promise.all([
        call("ListStateMachineVersions", { stateMachineArn: m.stateMachineArn, maxResults: 1000 }),
        call("ListStateMachineAliases", { stateMachineArn: m.stateMachineArn, maxResults: 100 }),
      ]);
      if (!row.isConnected) return;
      row.querySelector(".versions").textContent = String(versions.stateMachineVersions.length);
      row.querySelector(".aliases").textContent = aliases.stateMachineAliases.map((a) => nameOfArn(a.stateMachineAliasArn).split(":").pop()).join(", ") || "0";
    } catch {
      row.querySelector(".versions").textContent = row.querySelector(".aliases").textContent = "–";
    }
  }));
  return null;
}

export async function showMachine(view, arn) {
  const machine = await call("DescribeStateMachine", { stateMachineArn: arn });
  const [versions, aliases] = await Promise.all([
    call("ListStateMachineVersions", { stateMachineArn: arn, maxResults: 1000 }).catch(() => ({ stateMachineVersions: [] })),
    call("ListStateMachineAliases", { stateMachineArn: arn, maxResults: 100 }).catch(() => ({ stateMachineAliases: [] })),
  ]);
  const express = machine.type === "EXPRESS";
  const targets = [arn, ...versions.stateMachineVersions.map((v) => v.stateMachineVersionArn), ...aliases.stateMachineAliases.map((a) => a.stateMachineAliasArn)];
  view.innerHTML = `<h1>${escapeHtml(machine.name)} <span class="muted">${escapeHtml(machine.type)}</span></h1>
    <div class="panel"><dl class="facts"><dt>ARN</dt><dd>${escapeHtml(arn)}</dd><dt>Created</dt><dd>${formatDate(machine.creationDate)}</dd>
      <dt>Query language</dt><dd>${escapeHtml(JSON.parse(machine.definition || "{}").QueryLanguage || "JSONPath")}</dd>
      <dt>Versions</dt><dd>${versions.stateMachineVersions.map((v) => escapeHtml(v.stateMachineVersionArn.split(":").pop())).join(", ") || "none"}</dd>
      <dt>Aliases</dt><dd>${aliases.stateMachineAliases.map((a) => escapeHtml(a.stateMachineAliasArn.split(":").pop())).join(", ") || "none"}</dd></dl></div>
    <div class="row">
      <div class="grow"><h2>Graph</h2><div class="graph-box" id="graph"></div><div id="diagnostics"></div></div>
      <div class="side"><h2>Definition</h2><textarea class="code" id="definition" rows="24" spellcheck="false" aria-label="Definition">${escapeHtml(prettyJson(machine.definition))}</textarea>
        <div class="toolbar"><button id="validate">Validate and redraw</button><button id="reset">Reset</button></div></div>
    </div>
    <h2>Start an execution</h2>
    <div class="panel"><div class="toolbar">
      <label>Target <select id="target">${targets.map((t) => `<option value="${escapeHtml(t)}">${escapeHtml(t === arn ? "latest" : t.split(":").pop())}</option>`).join("")}</select></label>
      <label>Name <input id="exec-name" placeholder="(generated)"></label>
      <label>Mock test case <select id="test-case"><option value="">(none)</option></select></label>
      <button class="primary" id="start">Start execution</button></div>
      <textarea class="code" id="input" rows="6" spellcheck="false" aria-label="Execution input">{}</textarea></div>
    ${express ? `<p class="muted">EXPRESS executions are not listed (as on AWS: their history goes to CloudWatch Logs).</p>` : `<h2>Executions</h2>
    <div class="toolbar"><label>Status <select id="status"><option value="">All</option>${["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"].map((s) => `<option>${s}</option>`).join("")}</select></label>
      <label>Page size <select id="page-size"><option>25</option><option selected>100</option><option>1000</option></select></label>
      <button id="prev">Previous</button><button id="next">Next</button><span id="page-info" class="muted"></span></div>
    <div class="scroll" id="executions"></div>`}`;

  const graph = view.querySelector("#graph");
  const draw = async (text) => {
    let definition;
    try { definition = JSON.parse(text); } catch (error) {
      view.querySelector("#diagnostics").innerHTML = `<p class="error">Not JSON: ${escapeHtml(error.message)}</p>`;
      return;
    }
    const svg = renderGraph(graph, definition, null);
    graph.dataset.states = String(statesOf(definition).size);
    const { diagnostics } = await call("ValidateStateMachineDefinition", { definition: text, type: machine.type, severity: "WARNING" });
    const { general } = markDiagnostics(svg, diagnostics);
    view.querySelector("#diagnostics").innerHTML = diagnostics.length
      ? `<ul class="diagnostics">${diagnostics.map((d) => `<li class="${d.severity === "ERROR" ? "error" : ""}">${escapeHtml(d.severity)} ${escapeHtml(d.code)} ${escapeHtml(d.location || "")}: ${escapeHtml(d.message)}</li>`).join("")}</ul>`
      : `<p class="muted">ValidateStateMachineDefinition: no diagnostics.</p>`;
    view.querySelector("#diagnostics").dataset.general = String(general.length);
  };
  await draw(machine.definition);
  view.querySelector("#validate").onclick = () => draw(view.querySelector("#definition").value);
  view.querySelector("#reset").onclick = () => { view.querySelector("#definition").value = prettyJson(machine.definition); draw(machine.definition); };

  fetch("/_emulator/mock-config").then((r) => (r.ok ? r.json() : null)).then((config) => {
    const cases = (config && config.stateMachines && config.stateMachines[machine.name]) || [];
    view.querySelector("#test-case").insertAdjacentHTML("beforeend", cases.map((c) => `<option>${escapeHtml(c)}</option>`).join(""));
  }).catch(() => {});

  view.querySelector("#start").onclick = async () => {
    const input = view.querySelector("#input").value;
    try { JSON.parse(input); } catch (error) { toast(`Input is not JSON: ${error.message}`, true); return; }
    const testCase = view.querySelector("#test-case").value;
    const body = { stateMachineArn: view.querySelector("#target").value + (testCase ? `#${testCase}` : ""), input };
    const name = view.querySelector("#exec-name").value.trim();
    if (name) body.name = name;
    try {
      const started = await call("StartExecution", body);
      toast("Execution started");
      if (!express) location.hash = `#/execution/${encodeURIComponent(started.executionArn)}`;
    } catch (error) { toast(error.message, true); }
  };
  if (express) return null;
  return executionList(view, { stateMachineArn: arn });
}

// A paged execution list (for a state machine or a Map Run) that refreshes itself when the server
// pushes a change to one of its executions. Returns the teardown.
export function executionList(view, scope) {
  const box = view.querySelector("#executions");
  const tokens = [undefined];
  let page = 0;
  let nextToken;
  const load = async () => {
    const body = { ...scope, maxResults: Number(view.querySelector("#page-size").value) };
    const status = view.querySelector("#status").value;
    if (status) body.statusFilter = status;
    if (tokens[page]) body.nextToken = tokens[page];
    const started = performance.now();
    const { executions, nextToken: next } = await call("ListExecutions", body);
    nextToken = next;
    box.innerHTML = `<table class="list executions"><thead><tr><th>Name</th><th>Status</th><th>Started</th><th>Ended</th></tr></thead><tbody>${executions.map((e) => `<tr data-arn="${escapeHtml(e.executionArn)}">
      <td><a href="#/execution/${encodeURIComponent(e.executionArn)}">${escapeHtml(e.name)}</a></td><td>${statusBadge(e.status)}</td>
      <td>${formatDate(e.startDate)}</td><td>${formatDate(e.stopDate)}</td></tr>`).join("")}</tbody></table>`;
    box.dataset.count = String(executions.length);
    box.dataset.renderMs = String(Math.round(performance.now() - started));
    view.querySelector("#page-info").textContent = `page ${page + 1}, ${executions.length} shown`;
    view.querySelector("#prev").disabled = page === 0;
    view.querySelector("#next").disabled = !nextToken;
  };
  view.querySelector("#status").onchange = view.querySelector("#page-size").onchange = () => { tokens.length = 1; page = 0; load(); };
  view.querySelector("#prev").onclick = () => { page = Math.max(0, page - 1); load(); };
  view.querySelector("#next").onclick = () => { if (nextToken) { tokens[page + 1] = nextToken; page += 1; load(); } };
  const refresh = debounce(() => load().catch(() => {}), 250);
  const stop = onListChange((change) => {
    const ours = scope.mapRunArn ? change.mapRunArn === scope.mapRunArn : change.stateMachineArn === scope.stateMachineArn && !change.mapRunArn;
    if (ours && change.type.startsWith("Execution")) refresh();
  });
  load().catch((error) => { box.innerHTML = `<p class="error">${escapeHtml(error.message)}</p>`; });
  return stop;
}
