// A state machine definition as a graph: dagre lays out each scope (the machine, every Parallel
// branch, every Map item processor) on its own; a Parallel or Map state is drawn as a box sized to
// hold its laid-out scopes, so nesting is exact and no edge crosses a group's border.
import { graphlib, layout } from "./dagre.js";
import { escapeHtml } from "./util.js";

const CHAR = 7; // approximate width of one 12px character
const NODE_HEIGHT = 40;
const HEADER = 34; // a group's title band
const PAD = 14; // inside a group, around its scopes
const GAP = 16; // between Parallel branches
const LABEL_MAX = 32;
const TERMINAL = "\u0000"; // prefix of the Start/End pseudo nodes (no state name can hold it)

export function statesOf(scope, out = new Map(), parent = null) {
  // Every state of the machine by name (ASL names are unique across the whole machine).
  for (const [name, state] of Object.entries((scope && scope.States) || {})) {
    out.set(name, { name, type: state.Type, parent, definition: state });
    for (const inner of innerScopes(state)) statesOf(inner, out, name);
  }
  return out;
}

function innerScopes(state) {
  if (!state || typeof state !== "object") return [];
  if (state.Type === "Parallel") return Array.isArray(state.Branches) ? state.Branches : [];
  if (state.Type === "Map") {
    const processor = state.ItemProcessor || state.Iterator;
    return processor ? [processor] : [];
  }
  return [];
}

function truncate(text) {
  return text.length > LABEL_MAX ? text.slice(0, LABEL_MAX - 1) + "\u2026" : text;
}

export function ruleLabel(rule, index) {
  // What a Choice rule tests, shortly: "$.x NumericGreaterThan 3", a JSONata condition, or its Comment.
  if (!rule || typeof rule !== "object") return `Rule #${index + 1}`;
  if (typeof rule.Comment === "string" && rule.Comment) return rule.Comment;
  if (typeof rule.Condition === "string") return rule.Condition;
  for (const combinator of ["And", "Or", "Not"]) if (combinator in rule) return `${combinator}(\u2026)`;
  const test = Object.keys(rule).find((key) => !["Variable", "Next", "Comment", "Assign", "Output"].includes(key));
  if (test && typeof rule.Variable === "string") return `${rule.Variable} ${test} ${JSON.stringify(rule[test])}`;
  return `Rule #${index + 1}`;
}

function edgesOf(name, state, names, top) {
  const edges = [];
  const to = (target, label, kind) => {
    if (typeof target === "string" && names.has(target)) edges.push({ from: name, to: target, label, kind });
  };
  if (!state || typeof state !== "object") return edges;
  to(state.Next, "", "next");
  if (state.Type === "Choice") {
    (Array.isArray(state.Choices) ? state.Choices : []).forEach((rule, i) => to(rule && rule.Next, ruleLabel(rule, i), "choice"));
    to(state.Default, "Default", "default");
  }
  for (const catcher of Array.isArray(state.Catch) ? state.Catch : []) {
    const errors = catcher && Array.isArray(catcher.ErrorEquals) ? catcher.ErrorEquals.join(", ") : "";
    to(catcher && catcher.Next, errors, "catch");
  }
  const ends = state.End === true || state.Type === "Succeed" || state.Type === "Fail";
  if (top && ends) edges.push({ from: name, to: TERMINAL + "end", label: "", kind: "next" });
  return edges;
}

function layoutScope(scope, top) {
  const states = (scope && scope.States && typeof scope.States === "object") ? scope.States : {};
  const names = new Set(Object.keys(states));
  const graph = new graphlib.Graph({ multigraph: true });
  // network-simplex ranks most neatly; longest-path is several times faster on big scopes.
  const ranker = Object.keys(states).length > 60 ? "longest-path" : "network-simplex";
  graph.setGraph({ ranker, rankdir: "TB", nodesep: 28, ranksep: 38, edgesep: 14, marginx: 10, marginy: 10 });
  graph.setDefaultEdgeLabel(() => ({}));
  const groups = new Map();
  for (const [name, state] of Object.entries(states)) {
    const scopes = innerScopes(state);
    const titleWidth = CHAR * (name.length + String(state && state.Type).length + 3) + 28;
    if (state && (state.Type === "Parallel" || state.Type === "Map")) {
      const inner = scopes.map((s) => layoutScope(s, false));
      const width = inner.reduce((sum, l) => sum + l.width, 0) + GAP * Math.max(0, inner.length - 1) + 2 * PAD;
      const height = HEADER + Math.max(30, ...inner.map((l) => l.height)) + PAD;
      groups.set(name, inner);
      graph.setNode(name, { width: Math.max(width, titleWidth), height });
    } else {
      graph.setNode(name, { width: Math.max(110, CHAR * name.length + 28), height: NODE_HEIGHT });
    }
  }
  const edges = [];
  if (top) {
    graph.setNode(TERMINAL + "start", { width: 64, height: 26 });
    graph.setNode(TERMINAL + "end", { width: 64, height: 26 });
    if (names.has(scope.StartAt)) edges.push({ from: TERMINAL + "start", to: scope.StartAt, label: "", kind: "next" });
  }
  for (const [name, state] of Object.entries(states)) edges.push(...edgesOf(name, state, names, top));
  edges.forEach((edge, i) => {
    const label = truncate(edge.label);
    graph.setEdge(edge.from, edge.to, {
      label, kind: edge.kind, title: edge.label,
      width: label ? CHAR * label.length * 0.86 + 8 : 0, height: label ? 16 : 0, labelpos: "c",
    }, String(i));
  });
  layout(graph);
  const size = graph.graph();
  return {
    width: size.width || 20,
    height: size.height || 20,
    nodes: graph.nodes().map((id) => ({ id, ...graph.node(id), state: states[id], inner: groups.get(id) })),
    edges: graph.edges().map((e) => graph.edge(e)),
  };
}

function pathOf(points, ox, oy) {
  return points.map((p, i) => `${i ? "L" : "M"}${(p.x + ox).toFixed(1)},${(p.y + oy).toFixed(1)}`).join("");
}

function renderScope(scope, ox, oy, out) {
  for (const edge of scope.edges) {
    out.push(`<path class="edge ${edge.kind}" d="${pathOf(edge.points, ox, oy)}" marker-end="url(#arrow)"/>`);
    if (edge.label) {
      const x = edge.x + ox, y = edge.y + oy;
      out.push(`<g class="edge-label"><title>${escapeHtml(edge.title)}</title><rect x="${x - edge.width / 2}" y="${y - 8}" width="${edge.width}" height="16" rx="3"/>` +
        `<text x="${x}" y="${y + 4}">${escapeHtml(edge.label)}</text></g>`);
    }
  }
  for (const node of scope.nodes) {
    const left = node.x - node.width / 2 + ox, topY = node.y - node.height / 2 + oy;
    if (node.id.startsWith(TERMINAL)) {
      const label = node.id === TERMINAL + "start" ? "Start" : "End";
      out.push(`<g class="terminal"><rect x="${left}" y="${topY}" width="${node.width}" height="${node.height}" rx="13"/>` +
        `<text x="${node.x + ox}" y="${node.y + oy + 4}">${label}</text></g>`);
      continue;
    }
    const name = escapeHtml(node.id);
    const type = escapeHtml(String(node.state && node.state.Type));
    if (node.inner) {
      out.push(`<g class="state group" data-state="${name}" data-type="${type}"><title>${name} (${type})</title>` +
        `<rect class="box" x="${left}" y="${topY}" width="${node.width}" height="${node.height}" rx="8"/>` +
        `<text class="name" x="${left + 12}" y="${topY + 21}">${name}</text>` +
        `<text class="type" x="${left + node.width - 10}" y="${topY + 21}" text-anchor="end">${type}</text></g>`);
      let x = left + PAD;
      for (const inner of node.inner) {
        out.push(`<rect class="branch" x="${x}" y="${topY + HEADER}" width="${inner.width}" height="${inner.height}" rx="6"/>`);
        renderScope(inner, x, topY + HEADER, out);
        x += inner.width + GAP;
      }
    } else {
      out.push(`<g class="state" data-state="${name}" data-type="${type}"><title>${name} (${type})</title>` +
        `<rect class="box" x="${left}" y="${topY}" width="${node.width}" height="${node.height}" rx="6"/>` +
        `<text class="name" x="${node.x + ox}" y="${topY + 17}">${name}</text>` +
        `<text class="type" x="${node.x + ox}" y="${topY + 32}">${type}</text></g>`);
    }
  }
}

// Renders ``definition`` (parsed JSON) into ``container``; returns the SVG element (null when the
// definition has no States). State nodes carry data-state / data-type; clicking one calls onSelect.
export function renderGraph(container, definition, onSelect) {
  const started = performance.now();
  if (!definition || typeof definition !== "object" || typeof definition.States !== "object") {
    container.innerHTML = `<p class="muted">No states to draw.</p>`;
    return null;
  }
  const scope = layoutScope(definition, true);
  const laidOut = performance.now();
  const out = [];
  renderScope(scope, 0, 0, out);
  container.innerHTML =
    `<svg class="graph" xmlns="http://www.w3.org/2000/svg" width="${Math.ceil(scope.width)}" height="${Math.ceil(scope.height)}" viewBox="0 0 ${Math.ceil(scope.width)} ${Math.ceil(scope.height)}">` +
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z"/></marker></defs>` +
    out.join("") + `</svg>`;
  const svg = container.querySelector("svg");
  svg.addEventListener("click", (event) => {
    const node = event.target.closest("[data-state]");
    if (node && onSelect) onSelect(node.getAttribute("data-state"));
  });
  addZoom(container, svg, scope.width, scope.height);
  svg.getBBox(); // forces the browser's own layout of the drawing, so the time below includes it
  svg.dataset.renderMs = String(Math.round(performance.now() - started));
  svg.dataset.layoutMs = String(Math.round(laidOut - started));
  return svg;
}

export function nodeOf(svg, name) {
  if (!svg) return null;
  for (const node of svg.querySelectorAll("[data-state]")) if (node.getAttribute("data-state") === name) return node;
  return null;
}

export function markStates(svg, statuses) {
  // statuses: Map name -> one of running, succeeded, failed, caught, cancelled
  if (!svg) return;
  for (const node of svg.querySelectorAll("[data-state]")) {
    const status = statuses.get(node.getAttribute("data-state"));
    const wanted = status ? `status-${status}` : "";
    if (node.dataset.status !== (status || "")) {
      node.classList.remove("status-running", "status-succeeded", "status-failed", "status-caught", "status-cancelled");
      if (wanted) node.classList.add(wanted);
      node.dataset.status = status || "";
    }
  }
}

export function markSelected(svg, name) {
  if (!svg) return;
  for (const node of svg.querySelectorAll(".selected")) node.classList.remove("selected");
  const node = nodeOf(svg, name);
  if (node) {
    node.classList.add("selected");
    node.scrollIntoView({ block: "center", inline: "nearest" });
  }
}

export function markDiagnostics(svg, diagnostics) {
  // ValidateStateMachineDefinition locations look like /States/A/Next or /States/P/Branches/0/States/B.
  const byState = new Map();
  const general = [];
  for (const diagnostic of diagnostics) {
    const parts = String(diagnostic.location || "").split("/");
    let name = null;
    for (let i = 0; i + 1 < parts.length; i++) if (parts[i] === "States") name = parts[i + 1];
    if (name === null) { general.push(diagnostic); continue; }
    if (!byState.has(name)) byState.set(name, []);
    byState.get(name).push(diagnostic);
  }
  if (svg) {
    for (const [name, found] of byState) {
      const node = nodeOf(svg, name);
      if (!node) { general.push(...found); continue; }
      const severity = found.some((d) => d.severity === "ERROR") ? "error" : "warning";
      node.classList.add(`diagnostic-${severity}`);
      const title = node.querySelector("title");
      if (title) title.textContent += "\n" + found.map((d) => `${d.severity} ${d.code}: ${d.message}`).join("\n");
    }
  }
  return { byState, general };
}

function addZoom(container, svg, width, height) {
  // Zoom buttons over the drawing (big machines are easier to read zoomed out).
  const bar = document.createElement("div");
  bar.className = "zoom";
  bar.innerHTML = `<button data-zoom="0.8" title="Zoom out">−</button><button data-zoom="1" title="Actual size">100%</button><button data-zoom="1.25" title="Zoom in">+</button>`;
  let zoom = 1;
  bar.addEventListener("click", (event) => {
    const factor = Number(event.target.dataset.zoom);
    if (!factor) return;
    zoom = factor === 1 ? 1 : Math.min(3, Math.max(0.1, zoom * factor));
    svg.setAttribute("width", String(Math.ceil(width * zoom)));
    svg.setAttribute("height", String(Math.ceil(height * zoom)));
  });
  container.prepend(bar);
}
