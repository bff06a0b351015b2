// Starts PyScript (which starts Pyodide) and reports a failure to load it on the page.
// paint.js, a classic script, has already handled file:// and set a watchdog.

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

import("./vendor/pyscript/core.js").catch((error) => {
  window.RnnPage?.failed(
    "The Python runtime could not be loaded (" + error.message + "). " +
    "Reload the page; if that does not help, serve the folder with: python3 serve.py",
  );
});

// Keep every file of this build for offline use. Where service workers are unavailable
// (some embedding frames, private windows) the page simply works online only.
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("./sw.js").catch((error) => {
    console.info("Offline copy not available here:", error.message);
  });
}
