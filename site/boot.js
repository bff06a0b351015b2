// Starts Pyodide at once, then PyScript, and reports a failure to load them on the page.
// start.js, a classic script, has already handled file:// and set a watchdog.

// The runtime boots as soon as the storage probe and PyScript's core below are in (a few
// milliseconds; its files are already downloading, index.html preloads them), in parallel with
// everything PyScript does before it would start it (its plugins, PyScript's own storage).
// pyscript.json names this module as PyScript's interpreter ("interpreter": "./boot.js"), so
// PyScript calls the loadPyodide() exported here and receives the runtime already booting.
import { loadPyodide as bootPyodide, version } from "./vendor/pyodide/pyodide.mjs";

// start.js is taking the visitor to the page in their language: start nothing here.
if (window.RnnStart?.language?.leaving) await new Promise(() => {});

const output = { stdout: (text) => console.log(text), stderr: (text) => console.error(text) };
const here = (path) => new URL(path, import.meta.url).href;

function boot() {
  const started = bootPyodide({
    // Only the standard-library modules the page imports (build.py); the rest on demand, below.
    stdLibURL: here("./vendor/pyodide/stdlib-page.zip"),
    stdout: (text) => output.stdout(text),
    stderr: (text) => output.stderr(text),
  }).then((pyodide) => {
    pyodide.registerJsModule("_stdlib_full", { load: (path) => wholeStdlib(pyodide, path) });
    pyodide.registerJsModule("_rnn_later_js", { load: () => laterArchive(pyodide) });
    // _stdlib_net finds left-out modules in the whole library, _rnn_later ours in the later archive.
    pyodide.runPython("import _stdlib_net, _rnn_later");
    runtime = pyodide;
    return pyodide;
  });
  started.catch(() => {}); // PyScript receives the failure when it asks for the runtime
  return started;
}

// Python's import is synchronous, so the first import of a module that stdlib-page.zip left out
// fetches Pyodide's whole python_stdlib.zip synchronously (once, about 2.5 MB; from the offline
// cache when there is one) and puts it where _stdlib_net looks.
function wholeStdlib(pyodide, path) {
  const request = new XMLHttpRequest();
  request.open("GET", here("./vendor/pyodide/python_stdlib.zip"), false);
  request.overrideMimeType("text/plain; charset=x-user-defined"); // bytes, one per character
  request.send();
  if (request.status !== 200) throw new Error(`python_stdlib.zip: HTTP ${request.status}`);
  const text = request.responseText;
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
  pyodide.FS.writeFile(path, bytes);
}

// rnn-page-later.zip: our modules the first screen does not import and every source file
// (build.py). It is fetched once the page is ready and the browser idle, and unpacked beside
// rnn-page.zip (the working directory, where PyScript put that); an import that needs it
// sooner (a panel opened at once) fetches it there and then, synchronously, unless it is in
// already. A link to the text task, whose modules are in it and which main.py imports while
// it starts (panels.task), fetches it at once, beside the runtime.
let runtime = null;
let prefetched = null; // the archive's bytes, once a fetch has them
let fetching = null; // that fetch
const LATER = "./rnn-page-later.zip";

function laterArchive(pyodide, bytes = prefetched) {
  if (!bytes) {
    const request = new XMLHttpRequest();
    request.open("GET", here(LATER), false);
    request.overrideMimeType("text/plain; charset=x-user-defined");
    request.send();
    if (request.status !== 200) throw new Error(`rnn-page-later.zip: HTTP ${request.status}`);
    const text = request.responseText;
    bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
  }
  const root = pyodide.FS.cwd();
  pyodide.unpackArchive(bytes, "zip", { extractDir: root });
  return root;
}

// The idle arrival of rnn-page-later.zip without a long task: the archive's files are written
// one at a time, each inflated by the browser's DecompressionStream between tasks (unpackArchive
// does it all in one task of 20–100 ms here). Where the browser has no DecompressionStream
// ("deflate-raw"), or the archive is not the plain zip build.py writes, unpackArchive does it.
async function unzipGently(pyodide, bytes) {
  const root = pyodide.FS.cwd();
  try {
    if (typeof DecompressionStream !== "function") throw new Error("no DecompressionStream");
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let end = bytes.length - 22; // the end of central directory record, found from the end
    while (end >= 0 && view.getUint32(end, true) !== 0x06054b50) end--;
    if (end < 0) throw new Error("not a zip");
    const names = new TextDecoder();
    const files = [];
    for (let i = 0, at = view.getUint32(end + 16, true); i < view.getUint16(end + 10, true); i++) {
      if (view.getUint32(at, true) !== 0x02014b50) throw new Error("bad central directory");
      const method = view.getUint16(at + 10, true), size = view.getUint32(at + 20, true);
      const nameLength = view.getUint16(at + 28, true);
      const name = names.decode(bytes.subarray(at + 46, at + 46 + nameLength));
      if (method !== 0 && method !== 8) throw new Error("unknown compression");
      files.push({ name, method, size, header: view.getUint32(at + 42, true) });
      at += 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    }
    for (const { name, method, size, header } of files) {
      if (name.endsWith("/") || name.split("/").includes("..")) continue;
      const start = header + 30 + view.getUint16(header + 26, true) + view.getUint16(header + 28, true);
      const packed = bytes.subarray(start, start + size);
      const data = method === 0 ? packed : new Uint8Array(await new Response(
        new Blob([packed]).stream().pipeThrough(new DecompressionStream("deflate-raw"))).arrayBuffer());
      const path = `${root}/${name}`;
      pyodide.FS.mkdirTree(path.slice(0, path.lastIndexOf("/")));
      pyodide.FS.writeFile(path, data);
    }
  } catch (error) {
    console.info("rnn-page-later.zip: unpacked at once:", error.message);
    return laterArchive(pyodide, bytes);
  }
  return root;
}

function prefetchLater() {
  fetching ??= fetch(here(LATER)).then((response) => {
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return response.arrayBuffer().then((buffer) => (prefetched = new Uint8Array(buffer)));
  });
  return fetching;
}

function fetchLater() {
  const later = runtime.pyimport("_rnn_later");
  const loaded = later.loaded; // an import at start (a text link) may have needed it already
  later.destroy();
  if (loaded) return;
  prefetchLater()
    .then((bytes) => unzipGently(runtime, bytes))
    .then((root) => {
      const later = runtime.pyimport("_rnn_later");
      if (!later.loaded) later.arrived(root); // (unless an import needed it meanwhile)
      later.destroy();
    })
    .catch((error) => console.info("rnn-page-later.zip: fetched on first use instead:", error.message));
}

// The address as page.py reads it (the query, then the hash): task=text opens the text task.
if (/(^|&)task=text(&|$)/.test(location.search.slice(1) + "&" + location.hash.slice(1))) {
  prefetchLater().catch(() => {}); // on failure, the import fetches it itself
}

export { version };

export function loadPyodide(options = {}) {
  // indexURL is PyScript's guess from this module's address; the runtime above knows its own.
  const { stdout, stderr, indexURL: _guess, ...rest } = options;
  if (Object.keys(rest).length) {
    // Options this page's config never sets (packages, a lock file): a runtime of their own.
    return bootPyodide({ ...options, indexURL: here("./vendor/pyodide/") });
  }
  if (stdout) output.stdout = stdout;
  if (stderr) output.stderr = stderr;
  return booting; // started below, before PyScript could ask
}

// PyScript opens IndexedDB while it starts (for features this page does not use). Browsers that
// block third-party storage deny it inside an embedding iframe, and PyScript then never starts.
// Where that happens, a small in-memory stand-in takes its place: nothing needs to persist.
async function storageWorks() {
  try {
    return await new Promise((resolve) => {
      const request = indexedDB.open("rnn-demo-probe");
      request.onsuccess = () => {
        request.result.close();
        resolve(true);
      };
      request.onerror = (event) => {
        event.preventDefault();
        resolve(false);
      };
      setTimeout(() => resolve(false), 3000);
    });
  } catch {
    return false; // some browsers throw instead when storage is blocked
  }
}

function memoryIndexedDB() {
  const databases = new Map();
  const later = (request, compute) => {
    setTimeout(() => {
      request.result = compute();
      request.onsuccess?.({ target: request });
    });
    return request;
  };
  const store = (data) => ({
    count: () => later({}, () => data.size),
    clear: () => later({}, () => data.clear()),
    delete: (key) => later({}, () => data.delete(key)),
    get: (key) => later({}, () => data.get(key)),
    getKey: (key) => later({}, () => (data.has(key) ? key : undefined)),
    getAllKeys: () => later({}, () => [...data.keys()]),
    put: (value, key) => later({}, () => data.set(key, value) && key),
  });
  return {
    open(name) {
      if (!databases.has(name)) databases.set(name, new Map());
      const data = databases.get(name);
      const db = {
        objectStoreNames: { length: 1, contains: () => true },
        createObjectStore() {},
        close() {},
        transaction: () => ({ objectStore: () => store(data) }),
      };
      return later({}, () => db);
    },
  };
}

if (!(await storageWorks())) {
  Object.defineProperty(globalThis, "indexedDB", { value: memoryIndexedDB(), configurable: true });
}

// PyScript itself loads next (core.js and its config: a few milliseconds, while the runtime's
// files keep downloading), so that a failure to load it is reported at once rather than after
// the runtime's boot, which keeps the main thread busy. PyScript then waits for this module.
let booting = null;
try {
  await import("./vendor/pyscript/core.js");
  booting = boot();
} catch (error) {
  window.RnnPage?.failed(
    "The Python runtime could not be loaded (" + error.message + "). " +
    "Reload the page; if that does not help, serve the folder with: python3 serve.py",
  );
}

// Keep every file of this build for offline use. Where service workers are unavailable
// (some embedding frames, private windows) the page simply works online only. The worker
// starts once Python is ready: its first install downloads every file again, and doing that
// while the page itself is still loading would slow the first visit down.
function registerWorker() {
  navigator.serviceWorker.register("./sw.js").catch((error) => {
    console.info("Offline copy not available here:", error.message);
  });
}

function whenReady(callback) {
  const root = document.documentElement;
  if (root.dataset.pyReady) callback();
  else {
    const watch = new MutationObserver(() => {
      if (!root.dataset.pyReady) return;
      watch.disconnect();
      callback();
    });
    watch.observe(root, { attributes: true, attributeFilter: ["data-py-ready"] });
  }
}

// Safari has no requestIdleCallback; a short timeout stands in for it (as in main.py). Where
// idle callbacks never come (Chromium in a frame of another site, measured), at most a second.
const whenIdle = (callback) =>
  "requestIdleCallback" in window ? requestIdleCallback(callback, { timeout: 1000 }) : setTimeout(callback, 200);

whenReady(() => whenIdle(fetchLater));
if ("serviceWorker" in navigator) whenReady(registerWorker);
