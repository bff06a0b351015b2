// The Exercises panel: the list of exercises, the code editor (js/editor.js, CodeMirror, loaded
// with this module when the panel first opens), the check's result, the hints, the solution's
// confirm step, and the page's numbers from the learner's own code ("Run the page on my code").
// Everything comes from panels/exercises.py; text goes in with textContent only, so whatever a
// learner's code or a check says stays text.
// The checker is a web worker with its own Pyodide (console-worker.js, a second instance beside
// the console's), started when the panel first opens. A check or trace that outlives its limit
// ends the worker, and a new one starts at once; the page itself never runs the learner's code.
import { $ } from "../util.js";
import { catalogueJson, t } from "../i18n.js";
import { setGradSeries } from "../charts.js";

let worker = null;
let booting = null; // a Promise of {ms} once the worker's Python is ready
let pending = null; // the request running: its resolve(json)
let chain = Promise.resolve(); // one request at a time, in order

function boot() {
  if (booting) return booting;
  const started = performance.now();
  worker = new Worker(new URL("../../console-worker.js", import.meta.url), { type: "module" });
  worker.postMessage({ kind: "language", json: catalogueJson() }); // first of all
  const current = worker;
  booting = new Promise((resolve, reject) => {
    current.onmessage = (event) => {
      const data = event.data || {};
      if (data.kind === "ready") resolve({ ms: performance.now() - started });
      else if (data.kind === "failed") reject(new Error(String(data.message)));
      else if (data.kind === "result" && pending) pending(String(data.json));
    };
    current.onerror = (event) => {
      event.preventDefault();
      reject(new Error(event.message || t("the checker's Python could not start")));
    };
  });
  booting.catch(() => { booting = null; }); // the next request tries again
  return booting;
}

// Start the checker's Python (once); resolves with its start-up time as JSON.
export function start() {
  return boot().then(({ ms }) => JSON.stringify({ ms }));
}

// One request to the worker; resolves with its JSON, or undefined when it was still running
// after limitSeconds (counted from when it began): then the worker is ended and a new one starts.
function ask(message, limitSeconds) {
  const run = async () => {
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
      worker.postMessage(message);
    });
  };
  const next = chain.then(run, run);
  chain = next.catch(() => {});
  return next;
}

export function check(number, source, limitSeconds) {
  return ask({ kind: "check", number: Number(number), source: String(source) }, limitSeconds);
}

export function trace(sources, query, limitSeconds) {
  return ask({ kind: "trace", sources: String(sources), query: String(query) }, limitSeconds);
}

export function step(sources, query, limitSeconds) {
  return ask({ kind: "step", sources: String(sources), query: String(query) }, limitSeconds);
}

// ---- the editor ----------------------------------------------------------------------------
let editor = null;
let draftTimer = 0;

function changed() { // the draft is saved by Python a moment after typing stops
  clearTimeout(draftTimer);
  draftTimer = setTimeout(() => $("ex-editor").dispatchEvent(new Event("ex-draft")), 400);
}

async function makeEditor(doc) {
  const parent = $("ex-editor");
  try {
    const { createEditor } = await import("../editor.js");
    const ed = await createEditor(parent, { doc, label: t("Your Python code"), onChange: changed });
    // The whole function in view, no box that scrolls on its own (a scrolling box has to be
    // reachable by the keyboard itself, axe's scrollable-region-focusable): the page scrolls.
    if (ed.view) ed.view.dom.style.maxHeight = "none";
    return ed;
  } catch (error) { // the editor's files are missing: a plain text box still works
    console.warn("exercises: no code editor, a plain text box instead:", error);
    const box = document.createElement("textarea");
    box.className = "ex-plain";
    box.rows = 16;
    box.spellcheck = false;
    box.setAttribute("aria-label", t("Your Python code"));
    box.value = doc;
    box.addEventListener("input", changed);
    parent.append(box);
    return {
      getValue: () => box.value,
      setValue: (text) => { box.value = text; },
      focus: () => box.focus(),
      setLine: (n) => {
        const lines = box.value.split("\n");
        const from = lines.slice(0, n - 1).join("\n").length + (n > 1 ? 1 : 0);
        box.setSelectionRange(from, from + (lines[n - 1] || "").length);
      },
    };
  }
}

// Create the editor (once) with doc in it; resolves once it is on the page.
export async function mount(doc) {
  if (!editor) editor = makeEditor(String(doc));
  await editor;
  return "ready";
}

export async function getValue() {
  return (await editor).getValue();
}

export async function setValue(text) {
  const ed = await editor;
  clearTimeout(draftTimer);
  ed.setValue(String(text));
  if (ed.setLine) $("ex-editor").classList.remove("ex-has-error");
}

export async function setLine(n) {
  const ed = await editor;
  if (n) ed.setLine(Number(n));
}

export async function focusEditor() {
  (await editor).focus();
}

// ---- painting ------------------------------------------------------------------------------
function make(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

function paintList(data) {
  const list = $("ex-list");
  list.replaceChildren(...data.items.map((item) => {
    const li = make("li");
    const button = make("button", "ex-pick");
    button.type = "button";
    button.dataset.number = String(item.number);
    const tick = make("span", "tick", item.passed ? "✓" : "○");
    tick.setAttribute("aria-hidden", "true");
    button.append(tick, make("span", "", `${item.number}. ${item.title}`));
    if (item.passed) button.append(make("span", "ex-badge", "Passed"));
    if (item.number === data.current) button.setAttribute("aria-current", "true");
    li.append(button);
    return li;
  }));
  $("exercises-count").textContent = data.count;
  $("ex-note").textContent = data.note;
}

function paintExercise(data) {
  $("ex-title").textContent = `${data.number}. ${data.title}`;
  $("ex-passed").hidden = !data.passed;
  const hints = $("ex-hints");
  hints.replaceChildren(...data.hints.map((text) => make("li", "", text)));
  const more = $("ex-hint");
  more.textContent = data.hints.length ? t("Show the next hint") : t("Show a hint");
  more.disabled = !data.more_hints;
  paintResult(data.result);
}

function paintResult(result) {
  const box = $("ex-result");
  box.textContent = result ? result.text : "";
  if (result) box.dataset.checks = String(Number(box.dataset.checks || 0) + 1); // results shown
  box.hidden = !result;
  box.className = result ? `ex-result ${result.passed ? "ex-pass" : "ex-fail"}` : "ex-result";
}

function paintOwn(data) {
  const own = $("ex-own");
  own.disabled = !data.enabled;
  own.checked = data.checked;
  $("ex-own-msg").textContent = data.message;
  const train = $("ex-train");
  train.hidden = !data.train.shown;
  train.disabled = !data.train.enabled;
  if (data.train.note !== undefined) $("ex-train-msg").textContent = data.train.note;
}

// The page's numbers from the learner's code: the Timesteps table's h, y and error cells, the
// Loss line and, from their backward step, the gradient chart's |∂L/∂h_t| (until the page's next
// paint, which brings rnn_py's back; Python then asks again).
function paintNumbers(data) {
  const table = $("timesteps");
  const badge = $("own-badge");
  if (data.ok) {
    const body = $("timesteps-body");
    data.cells.forEach(([h, y, error], t) => {
      const tr = body.rows[t];
      if (!tr) return;
      const n = tr.cells.length;
      tr.cells[2].textContent = h;
      tr.cells[n - 3].textContent = y;
      tr.cells[n - 1].textContent = error;
    });
    $("loss").textContent = data.loss;
    const chart = $("chart-grad");
    if (data.grad && setGradSeries(data.grad)) chart.dataset.own = data.used.join(",");
    else delete chart.dataset.own;
    table.dataset.own = data.used.join(",");
  } else {
    delete table.dataset.own;
    delete $("chart-grad").dataset.own;
  }
  badge.textContent = data.badge;
  badge.hidden = !data.badge;
  badge.classList.toggle("warn", !data.ok && Boolean(data.badge));
}

function paintConfirm(data) {
  const box = $("ex-confirm");
  $("ex-confirm-text").textContent = data.text || "";
  box.hidden = !data.text;
  $("ex-confirm-yes").disabled = !data.text;
  $("ex-confirm-no").disabled = !data.text;
  if (data.text) $("ex-confirm-no").focus();
}

export function paint(data) {
  if (data.kind === "list") paintList(data);
  else if (data.kind === "exercise") paintExercise(data);
  else if (data.kind === "result") paintResult(data.result);
  else if (data.kind === "status") $("ex-status").textContent = data.text;
  else if (data.kind === "own") paintOwn(data);
  else if (data.kind === "numbers") paintNumbers(data);
  else if (data.kind === "confirm") paintConfirm(data);
  else if (data.kind === "focus") {
    const el = $(data.id);
    if (el) el.focus();
  }
}
