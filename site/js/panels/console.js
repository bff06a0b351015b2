// The Python console's output: the entries (with their >>> prompts) and what they printed,
// appended as text (textContent only: whatever a learner's code prints stays text). And the
// console's interpreter: a web worker with its own Pyodide (console-worker.js), started on the
// console's first use; an entry that outlives the time limit ends it, and a new one starts.
import { $ } from "../util.js";
import { catalogueJson, t } from "../i18n.js";

let worker = null;
let booting = null; // a Promise of {welcome, ms} once the worker's Python is ready
let pending = null; // the entry running: its resolve(json or null)

function boot() {
  if (booting) return booting;
  const started = performance.now();
  const url = new URL("../../console-worker.js", import.meta.url);
  worker = new Worker(url, { type: "module" });
  worker.postMessage({ kind: "language", json: catalogueJson() }); // first of all
  const current = worker;
  booting = new Promise((resolve, reject) => {
    current.onmessage = (event) => {
      const data = event.data || {};
      if (data.kind === "ready") resolve({ welcome: String(data.welcome), ms: performance.now() - started });
      else if (data.kind === "failed") reject(new Error(String(data.message)));
      else if (data.kind === "result" && pending) pending(String(data.json));
    };
    current.onerror = (event) => {
      event.preventDefault();
      reject(new Error(event.message || t("the console's Python could not start")));
    };
  });
  booting.catch(() => { booting = null; }); // the next entry tries again
  return booting;
}

// Start the console's Python (once); resolves with its welcome text and the start-up time.
export function start() {
  return boot().then(({ welcome, ms }) => JSON.stringify({ welcome, ms }));
}

// Run one entry; resolves with rnn_py.console.run_json's JSON, or undefined when the entry was
// still running after limitSeconds: then the worker is ended and a new one starts at once.
export async function run(entry, query, limitSeconds) {
  await boot();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      pending = null;
      worker.terminate();
      booting = null;
      boot().catch(() => {});
      resolve(undefined);
    }, limitSeconds * 1000);
    pending = (json) => {
      clearTimeout(timer);
      pending = null;
      resolve(json);
    };
    worker.postMessage({ entry: String(entry), query: String(query) });
  });
}

const KEEP = 200_000; // characters of output kept; older entries are dropped first

function make(className, text) {
  const el = document.createElement("span");
  el.className = className;
  el.textContent = text;
  return el;
}

function append(...parts) {
  const out = $("console-output");
  out.append(...parts);
  let size = out.textContent.length;
  while (size > KEEP && out.firstChild) {
    size -= out.firstChild.textContent.length;
    out.firstChild.remove();
  }
  out.scrollTop = out.scrollHeight;
}

export function paint(data) {
  const msg = $("console-msg");
  if (data.kind === "welcome") {
    append(make("console-note", data.text));
  } else if (data.kind === "failed") {
    append(make("console-note", data.text + "\n"));
    msg.textContent = data.text;
  } else if (data.kind === "running") {
    msg.textContent = t("Running…");
  } else if (data.kind === "entry") {
    const output = make(data.stopped ? "console-text console-stopped" : "console-text", data.output);
    append(make("console-in", data.echo), output);
    if (data.message) append(make("console-note", data.message + "\n"));
    msg.textContent = data.message;
  } else if (data.kind === "clear") {
    $("console-output").replaceChildren();
    msg.textContent = "";
  }
}
