// The console's shell: the partition picker, the router (#/…), toasts and the live-list stream.
import { consoleGet, escapeHtml, listeners, partition, streamUrl, toast } from "./util.js";
import { showMachines, showMachine } from "./machines.js";
import { showExecution, showMapRun } from "./execution.js";
import { showWaiting } from "./waiting.js";

const view = document.getElementById("view");
let cleanup = null; // the current view's teardown (closes its streams)
let partitionStream = null;

function openPartitionStream() {
  if (partitionStream) partitionStream.close();
  const live = document.getElementById("live");
  partitionStream = new EventSource(streamUrl({ account: partition.account, region: partition.region }));
  partitionStream.onopen = () => live.classList.add("on");
  partitionStream.onerror = () => live.classList.remove("on");
  partitionStream.onmessage = (message) => {
    for (const change of JSON.parse(message.data)) for (const listener of listeners) listener(change);
  };
}

async function loadPartitions() {
  const select = document.getElementById("partition");
  const { partitions } = await consoleGet("partitions");
  if (!partition.account || !partitions.some((p) => p.account === partition.account && p.region === partition.region)) {
    if (!partition.account) partition.set(partitions[0].account, partitions[0].region);
  }
  const options = partitions.map((p) => `${p.account}/${p.region}`);
  const current = `${partition.account}/${partition.region}`;
  if (!options.includes(current)) options.push(current);
  select.innerHTML = options.map((o) => `<option ${o === current ? "selected" : ""}>${escapeHtml(o)}</option>`).join("") +
    `<option value="__other">Other…</option>`;
}

async function route() {
  if (cleanup) cleanup();
  cleanup = null;
  for (const key of Object.keys(view.dataset)) delete view.dataset[key]; // "loaded" is per view
  const hash = decodeURIComponent(location.hash.slice(1) || "/");
  const [, kind, ...rest] = hash.split("/");
  const arg = rest.join("/");
  for (const link of document.querySelectorAll("[data-nav]")) {
    link.classList.toggle("active", link.dataset.nav === (kind === "waiting" ? "waiting" : "machines"));
  }
  try {
    if (kind === "machine") cleanup = await showMachine(view, arg);
    else if (kind === "execution") cleanup = await showExecution(view, arg);
    else if (kind === "maprun") cleanup = await showMapRun(view, arg);
    else if (kind === "waiting") cleanup = await showWaiting(view);
    else cleanup = await showMachines(view);
  } catch (error) {
    view.innerHTML = `<p class="error">${escapeHtml(error.message)}</p>`;
  }
}

async function start() {
  await loadPartitions();
  document.getElementById("partition").addEventListener("change", async (event) => {
    let value = event.target.value;
    if (value === "__other") value = prompt("Account id / region (e.g. 111122223333/eu-west-1)", `${partition.account}/${partition.region}`) || "";
    const [account, region] = value.split("/");
    if (/^\d{12}$/.test(account || "") && /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(region || "")) partition.set(account, region);
    else if (value) toast("Account must be 12 digits and region like us-east-1", true);
    await loadPartitions();
    openPartitionStream();
    if (location.hash === "#/" || !location.hash) route();
    else location.hash = "#/";
  });
  openPartitionStream();
  window.addEventListener("hashchange", route);
  route();
}

start();
