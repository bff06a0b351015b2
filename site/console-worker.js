// The Python console's own interpreter, and the Exercises panel's checker: a second Pyodide in a
// web worker, so that an entry or a learner's function that runs long, even one built-in call that
// no time check can interrupt (sum(range(10**10))), never freezes the page. js/panels/console.js
// and js/panels/exercises.js each start one (two workers, from this one file) on first use and
// terminate theirs when an entry, a check or a trace outlives its time limit. It loads the same local runtime as the page (every file
// is in the offline cache) and the page's own rnn-page.zip and rnn-page-later.zip; it asks nothing
// of any other origin.
// In: {kind: "language", json} first (see below), then {entry, query} (the page's state as its link), {kind: "check", number, source}
// (rnn_py.exercises.check_json), {kind: "trace", sources, query} (rnn_py.exercises.page_trace_json,
// "Run the page on my code") or {kind: "step", sources, query} (rnn_py.exercises.page_step_json,
// "One training step on my code"). Out: {kind: "ready", welcome, ms}, {kind: "result", json} or
// {kind: "failed", message}. rnn_py.exercises is imported at the first check or trace.
import { loadPyodide } from "./vendor/pyodide/pyodide.mjs";

const here = (path) => new URL(path, import.meta.url).href;
const begun = performance.now();

// The page's language comes first of all, before any request: {kind: "language", json} with the
// page's catalogue block ("" in English, js/i18n.js catalogueJson). The worker's Python installs
// it, so its sentences (a check's message, the console's notes) are in the page's language.
const language = new Promise((resolve) => {
  self.onmessage = (event) => {
    if (event.data && event.data.kind === "language") resolve(String(event.data.json || ""));
  };
});

// As in boot.js: a module stdlib-page.zip leaves out comes from the whole standard library,
// fetched once, synchronously (Python's import is synchronous; a worker may do that).
function wholeStdlib(pyodide, path) {
  const request = new XMLHttpRequest();
  request.open("GET", here("./vendor/pyodide/python_stdlib.zip"), false);
  request.responseType = "arraybuffer";
  request.send();
  if (request.status !== 200) throw new Error(`python_stdlib.zip: HTTP ${request.status}`);
  pyodide.FS.writeFile(path, new Uint8Array(request.response));
}

function archive(name) {
  return fetch(here(name)).then((response) => {
    if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
    return response.arrayBuffer();
  });
}

async function start() {
  const [pyodide, first, later] = await Promise.all([
    loadPyodide({
      indexURL: here("./vendor/pyodide/"),
      stdLibURL: here("./vendor/pyodide/stdlib-page.zip"),
      stdout: () => {},
      stderr: () => {},
    }),
    // The page's Python: the first screen's bytecode, then every source and the other modules.
    archive("./rnn-page.zip"),
    archive("./rnn-page-later.zip"),
  ]);
  pyodide.registerJsModule("_stdlib_full", { load: (path) => wholeStdlib(pyodide, path) });
  pyodide.runPython("import _stdlib_net");
  pyodide.unpackArchive(first, "zip", { extractDir: "/home/pyodide/page" });
  pyodide.unpackArchive(later, "zip", { extractDir: "/home/pyodide/page" });
  pyodide.runPython("import _rnn_later; _rnn_later.arrived('/home/pyodide/page')");
  pyodide.globals.set("_catalogue", await language);
  const ns = pyodide.runPython(`
import sys
sys.path.insert(0, "/home/pyodide/page")
if _catalogue:
    import json
    from rnn_py import i18n
    i18n.install(i18n.Catalogue.from_json(_catalogue), json.loads(_catalogue).get("lang", ""))
from rnn_py.page.console import Console, run_json
console = Console()
def check(number, source):
    from rnn_py.exercises import check_json
    return check_json(int(number), source)
def trace(sources, query):
    from rnn_py.exercises import page_trace_json
    return page_trace_json(sources, query)
def step(sources, query):
    from rnn_py.exercises import page_step_json
    return page_step_json(sources, query)
{"welcome": console.welcome(), "run": lambda entry, query: run_json(console, entry, query),
 "check": check, "trace": trace, "step": step}
`).toJs({ dict_converter: Object.fromEntries });
  self.onmessage = (event) => {
    const data = event.data;
    let json;
    try {
      if (data.kind === "check") json = ns.check(Number(data.number), String(data.source));
      else if (data.kind === "trace") json = ns.trace(String(data.sources), String(data.query));
      else if (data.kind === "step") json = ns.step(String(data.sources), String(data.query));
      else json = ns.run(String(data.entry), String(data.query));
    } catch (error) { // a fault of ours, not the learner's: said in plain words, never hung
      const message = `The checker itself failed: ${String(error.message || error).slice(-300)}`;
      json = JSON.stringify({ ok: false, passed: false, message, line: null, cases: 0 });
    }
    postMessage({ kind: "result", json });
  };
  postMessage({ kind: "ready", welcome: ns.welcome, ms: performance.now() - begun });
}

start().catch((error) => postMessage({ kind: "failed", message: String(error.message || error) }));
