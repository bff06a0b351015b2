// The Python console's own interpreter: a second Pyodide in a web worker, so that an entry that
// runs long, even one built-in call that no time check can interrupt (sum(range(10**10))), never
// freezes the page. js/panels/console.js starts it on the console's first use and terminates it
// when an entry outlives the time limit. It loads the same local runtime as the page (every file
// is in the offline cache) and the page's own rnn-page.zip and rnn-page-later.zip; it asks nothing
// of any other origin.
// In: {entry, query} (the page's state as its link). Out: {kind: "ready", welcome, ms},
// {kind: "result", json} (rnn_py.page.console.run_json) or {kind: "failed", message}.
import { loadPyodide } from "./vendor/pyodide/pyodide.mjs";

const here = (path) => new URL(path, import.meta.url).href;
const begun = performance.now();

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
  const ns = pyodide.runPython(`
import sys
sys.path.insert(0, "/home/pyodide/page")
from rnn_py.page.console import Console, run_json
console = Console()
{"welcome": console.welcome(), "run": lambda entry, query: run_json(console, entry, query)}
`).toJs({ dict_converter: Object.fromEntries });
  self.onmessage = (event) => {
    const { entry, query } = event.data;
    postMessage({ kind: "result", json: ns.run(String(entry), String(query)) });
  };
  postMessage({ kind: "ready", welcome: ns.welcome, ms: performance.now() - begun });
}

start().catch((error) => postMessage({ kind: "failed", message: String(error.message || error) }));
