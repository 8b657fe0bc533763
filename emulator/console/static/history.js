// An execution's history read as AWS's console reads it: every event belongs to one entry of one
// state (found through previousEventId), and each state is coloured from its entries: in progress,
// succeeded, failed, caught (failed, then a Catch moved on) or cancelled (ended by the execution).

const TERMINAL = new Set(["ExecutionSucceeded", "ExecutionFailed", "ExecutionTimedOut", "ExecutionAborted"]);

function isFailure(type) {
  return type.endsWith("Failed") || type.endsWith("TimedOut");
}

export class ExecutionModel {
  constructor(states) {
    this.states = states; // Map name -> {type, ...} from graph.statesOf
    this.events = [];
    this.owners = [null]; // event id -> entry
    this.entries = new Map(); // state name -> [entry]
    this.terminal = null; // the terminal event, if any
    this.failureEvent = null;
  }

  add(event) {
    this.events.push(event);
    const type = event.type;
    const previous = this.owners[event.previousEventId] || null;
    let entry = previous;
    if (type.endsWith("StateEntered")) {
      const details = event.stateEnteredEventDetails || {};
      entry = { state: details.name, enteredId: event.id, exitedId: 0, parent: previous, failed: false, caught: false,
        input: details.input, output: undefined, variables: undefined, events: [] };
      if (!this.entries.has(entry.state)) this.entries.set(entry.state, []);
      this.entries.get(entry.state).push(entry);
    } else if (type.endsWith("StateExited")) {
      const details = event.stateExitedEventDetails || {};
      entry = this.climb(previous, (e) => e.state === details.name) || previous;
      if (entry) {
        entry.exitedId = event.id;
        entry.output = details.output;
        entry.variables = details.assignedVariables;
        const before = this.events[event.previousEventId - 1];
        entry.caught = Boolean(before && isFailure(before.type) && before.id !== entry.enteredId);
      }
    } else if (type.startsWith("Map") || type.startsWith("Parallel")) {
      const wanted = type.startsWith("Map") ? "Map" : "Parallel";
      entry = this.climb(previous, (e) => this.typeOf(e.state) === wanted) || previous;
    } else if (TERMINAL.has(type)) {
      this.terminal = event;
    } else if (type === "ExecutionRedriven") {
      this.terminal = null;
    }
    this.owners[event.id] = entry;
    if (entry && !TERMINAL.has(type)) entry.events.push(event);
    if (isFailure(type)) {
      if (entry) entry.failed = true;
      if (previous && previous !== entry) previous.failed = true; // a branch's Fail state, a failed iteration
      if (type === "ExecutionFailed" || type === "ExecutionTimedOut") this.failureEvent = event;
      else if (entry && !this.failureEvent) this.firstFailure = this.firstFailure || { entry, event };
    }
    return entry;
  }

  typeOf(name) {
    const state = this.states.get(name);
    return state ? state.type : undefined;
  }

  climb(entry, test) {
    for (let e = entry; e; e = e.parent) if (test(e)) return e;
    return null;
  }

  stateOf(event) {
    const entry = this.owners[event.id];
    return entry ? entry.state : "";
  }

  entryStatus(entry) {
    if (entry.exitedId) return entry.caught ? "caught" : "succeeded";
    if (!this.terminal) return "running";
    if (this.terminal.type === "ExecutionAborted") return "cancelled";
    return entry.failed ? "failed" : "cancelled";
  }

  statuses() {
    const order = ["failed", "running", "caught", "cancelled", "succeeded"];
    const out = new Map();
    for (const [name, entries] of this.entries) {
      let best = "succeeded";
      for (const entry of entries) {
        const status = this.entryStatus(entry);
        if (order.indexOf(status) < order.indexOf(best)) best = status;
      }
      out.set(name, best);
    }
    return out;
  }

  failingState() {
    // Where the execution failed: an unfinished entry that failed, a state doing work before a
    // Parallel or Map that merely passed its branch's failure on.
    let found = null;
    for (const entries of this.entries.values()) {
      for (const entry of entries) {
        if (this.entryStatus(entry) !== "failed") continue;
        const container = ["Map", "Parallel"].includes(this.typeOf(entry.state));
        const rank = (container ? 1e9 : 0) + entry.enteredId;
        if (!found || rank < found.rank) found = { rank, entry };
      }
    }
    return found ? found.entry.state : null;
  }

  failureDetails(entry) {
    for (let i = entry.events.length - 1; i >= 0; i--) {
      const event = entry.events[i];
      if (!isFailure(event.type)) continue;
      for (const [key, value] of Object.entries(event)) {
        if (key.endsWith("EventDetails") && value && (value.error !== undefined || value.cause !== undefined)) return value;
      }
    }
    const terminal = this.terminal;
    if (terminal && this.owners[terminal.id] === entry) return terminal.executionFailedEventDetails || null;
    return null;
  }
}

export function detailsOf(event) {
  for (const [key, value] of Object.entries(event)) if (key.endsWith("EventDetails")) return value;
  return null;
}
