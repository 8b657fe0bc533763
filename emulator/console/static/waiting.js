// Task tokens and activities waiting for an answer, with forms to send success or failure:
// handy for trying callback flows by hand. Answers go through SendTaskSuccess / SendTaskFailure.
import { call, consoleGet, debounce, escapeHtml, formatDate, nameOfArn, onListChange, prettyJson, toast } from "./util.js";

// A small form answering one task token (used here and in an execution's state panel).
export function callbackForm(callback, onDone = () => {}) {
  const box = document.createElement("div");
  box.className = "panel callback";
  box.dataset.token = callback.taskToken;
  box.innerHTML = `<div class="muted">Task token <code>${escapeHtml(callback.taskToken.slice(0, 24))}…</code></div>
    <label>Output (JSON)<textarea class="code" rows="3" spellcheck="false" aria-label="Task output">{}</textarea></label>
    <div class="toolbar"><button class="primary send-success">Send task success</button>
      <input class="error-name" placeholder="Error" aria-label="Error" value="Console.Failure"><input class="cause" placeholder="Cause" aria-label="Cause">
      <button class="send-failure">Send task failure</button></div>`;
  const send = async (operation, body) => {
    try {
      await call(operation, { taskToken: callback.taskToken, ...body });
      toast(operation === "SendTaskSuccess" ? "Task success sent" : "Task failure sent");
      box.remove();
      onDone();
    } catch (error) { toast(error.message, true); }
  };
  box.querySelector(".send-success").onclick = () => {
    const output = box.querySelector("textarea").value;
    try { JSON.parse(output); } catch (error) { toast(`Output is not JSON: ${error.message}`, true); return; }
    send("SendTaskSuccess", { output });
  };
  box.querySelector(".send-failure").onclick = () => send("SendTaskFailure", {
    error: box.querySelector(".error-name").value, cause: box.querySelector(".cause").value,
  });
  return box;
}

export async function showWaiting(view) {
  view.innerHTML = `<h1>Waiting tasks</h1>
    <h2>Callback tasks (.waitForTaskToken) and activity tasks handed to a worker</h2><div id="callbacks"></div>
    <h2>Activities</h2><div id="activities"></div><div id="taken"></div>`;
  const load = async () => {
    const { callbacks, activities } = await consoleGet("waiting");
    const box = view.querySelector("#callbacks");
    const tokens = callbacks.map((c) => c.taskToken).join(" ");
    if (box.dataset.tokens !== tokens || !box.childElementCount) { // else keep what the user typed
      box.dataset.tokens = tokens;
      box.replaceChildren();
      if (!callbacks.length) box.innerHTML = `<p class="muted">No task token is waiting for an answer.</p>`;
      for (const c of callbacks) {
        const row = document.createElement("div");
        row.innerHTML = c.executionArn
          ? `<p><a href="#/execution/${encodeURIComponent(c.executionArn)}">${escapeHtml(nameOfArn(c.executionArn))}</a>, state <b>${escapeHtml(c.stateName)}</b>
             <span class="muted">${escapeHtml(c.resourceType || "")}:${escapeHtml(c.resource || "")}, since ${formatDate(c.scheduledAt)}</span></p>`
          : `<p class="muted">A task token with no callback task in the history (an activity task a worker took).</p>`;
        row.append(callbackForm(c, () => load().catch(() => {})));
        box.append(row);
      }
    }
    view.querySelector("#activities").innerHTML = activities.length
      ? `<table class="list"><thead><tr><th>Activity</th><th>Tasks queued</th><th></th></tr></thead><tbody>${activities.map((a) =>
        `<tr><td>${escapeHtml(a.name)}</td><td>${a.queued}</td><td>${a.queued ? `<button data-activity="${escapeHtml(a.activityArn)}">Take a task (GetActivityTask)</button>` : ""}</td></tr>`).join("")}</tbody></table>`
      : `<p class="muted">No activities.</p>`;
    for (const button of view.querySelectorAll("[data-activity]")) {
      button.onclick = async () => {
        const task = await call("GetActivityTask", { activityArn: button.dataset.activity, workerName: "console" });
        if (!task.taskToken) { toast("No task was queued"); return; }
        const taken = view.querySelector("#taken");
        const row = document.createElement("div");
        row.innerHTML = `<h3>Task of ${escapeHtml(nameOfArn(button.dataset.activity))}</h3><pre>${escapeHtml(prettyJson(task.input))}</pre>`;
        row.append(callbackForm(task, () => row.remove()));
        taken.append(row);
      };
    }
  };
  await load();
  return onListChange(debounce(() => load().catch(() => {}), 250));
}
