// Small helpers shared by the views: escaping (every value the page shows comes from users),
// dates, JSON text, and the wire calls.

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(value) {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

export function formatDate(seconds) {
  if (seconds === undefined || seconds === null) return "";
  const date = new Date(seconds * 1000);
  return date.toISOString().replace("T", " ").replace("Z", "").slice(0, 23);
}

export function prettyJson(text) {
  // The history keeps JSON text; show it indented when it parses, as given when it does not.
  if (text === undefined || text === null) return "";
  if (typeof text !== "string") return JSON.stringify(text, null, 2);
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

export function nameOfArn(arn) {
  const parts = String(arn || "").split(":");
  return parts.length > 6 ? parts.slice(6).join(":") : String(arn || "");
}

export const partition = {
  account: localStorage.getItem("sfn-console-account") || "",
  region: localStorage.getItem("sfn-console-region") || "",
  set(account, region) {
    this.account = account;
    this.region = region;
    localStorage.setItem("sfn-console-account", account);
    localStorage.setItem("sfn-console-region", region);
  },
};

export class ApiError extends Error {
  constructor(type, message) {
    super(`${type}: ${message}`);
    this.type = type;
  }
}

// The emulator's own AWS JSON 1.0 API (same origin). The partition is the credential scope of
// the Authorization header, as for any SDK: a 12-digit access key names the account.
export async function call(operation, body = {}) {
  const date = new Date().toISOString().slice(0, 10).replace(/-/g, "");
  const response = await fetch("/", {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "X-Amz-Target": `AWSStepFunctions.${operation}`,
      Authorization: `AWS4-HMAC-SHA256 Credential=${partition.account}/${date}/${partition.region}/states/aws4_request, SignedHeaders=host, Signature=console`,
    },
    body: JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(data.__type || response.status, data.message || data.Message || response.statusText);
  return data;
}

export async function consoleGet(path, params = {}) {
  const query = new URLSearchParams({ account: partition.account, region: partition.region, ...params });
  const response = await fetch(`/_console/api/${path}?${query}`);
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(data.__type || response.status, data.message || response.statusText);
  return data;
}

export function streamUrl(params) {
  return `/_console/api/stream?${new URLSearchParams(params)}`;
}

export function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

export function statusBadge(status) {
  const s = escapeHtml(status || "");
  return `<span class="badge status-${s.toLowerCase()}">${s}</span>`;
}

// Views are told of the list changes the server pushes (executions starting and ending, tasks
// scheduled and answered); main.js feeds this from the partition stream.
export const listeners = new Set();

export function onListChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function toast(message, bad = false) {
  const box = document.getElementById("toast");
  const item = document.createElement("div");
  item.className = bad ? "bad" : "";
  item.textContent = message;
  box.append(item);
  setTimeout(() => item.remove(), bad ? 8000 : 3000);
}
