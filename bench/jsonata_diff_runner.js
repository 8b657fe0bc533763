// The jsonata-js side of bench/jsonata_diff.py: one JSON object per stdin line
// ({"id", "expression", "input"?}), one answer per stdout line, in order:
//   {"id", "kind": "value", "json": <JSON.stringify of the result>}
//   {"id", "kind": "undefined" | "function" | "nonfinite"}
//   {"id", "kind": "error", "code", "message"}
// The expression is evaluated as Step Functions evaluates a field: no context item, the data under
// $states (input, context).
"use strict";
const path = require("path");
const readline = require("readline");
const jsonata = require(path.join(process.argv[2], "node_modules", "jsonata"));

const CONTEXT = JSON.parse(process.argv[3] || "{}");

function inspect(value, seen) {
  if (typeof value === "function") return "function";
  if (typeof value === "number" && !Number.isFinite(value)) return "nonfinite";
  if (value !== null && typeof value === "object") {
    if (seen.has(value)) return null;
    seen.add(value);
    if (value._jsonata_lambda || value._jsonata_function) return "function";
    for (const key of Object.keys(value)) {
      const found = inspect(value[key], seen);
      if (found) return found;
    }
  }
  return null;
}

// jsonata-js names a function in its signature errors (T0410 …) by the name it was last called by,
// stored on the shared built-in function object; each case starts as in a fresh process.
let builtIns = null;
async function forgetCallSites() {
  if (builtIns === null) {
    const listed = await jsonata(
      "[" + BUILT_IN_NAMES.map((name) => "$" + name).join(",") + "]"
    ).evaluate(undefined);
    builtIns = listed.filter((item) => item && typeof item === "object");
  }
  for (const item of builtIns) {
    delete item.token;
    delete item.position;
  }
}

const BUILT_IN_NAMES = (
  "sum count max min average string substring substringBefore substringAfter lowercase uppercase " +
  "length trim pad match contains replace split join formatNumber formatBase formatInteger " +
  "parseInteger number floor ceil round abs sqrt power random boolean not map zip filter single " +
  "reduce sift keys lookup append exists spread merge reverse each error assert sort shuffle " +
  "distinct base64encode base64decode encodeUrlComponent encodeUrl decodeUrlComponent decodeUrl " +
  "eval toMillis fromMillis clone type now millis"
).split(" ");

async function answer(request) {
  let expression;
  try {
    expression = jsonata(request.expression);
  } catch (error) {
    return { kind: "error", code: error.code, message: error.message, phase: "parse" };
  }
  const states = {};
  if ("input" in request) states.input = request.input;
  states.context = CONTEXT;
  await forgetCallSites();
  try {
    const result = await expression.evaluate(undefined, { states });
    if (result === undefined) return { kind: "undefined" };
    const special = inspect(result, new Set());
    if (special) return { kind: special };
    return { kind: "value", json: JSON.stringify(result) };
  } catch (error) {
    return { kind: "error", code: error.code, message: error.message };
  }
}

const lines = readline.createInterface({ input: process.stdin });
const requests = [];
lines.on("line", (line) => {
  if (line.trim()) requests.push(JSON.parse(line));
});
lines.on("close", async () => {
  // one case after the other: forgetCallSites must not interleave with another case
  for (const request of requests) {
    const result = await answer(request);
    result.id = request.id;
    process.stdout.write(JSON.stringify(result) + "\n");
  }
});
