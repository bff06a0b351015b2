// Starts PyScript (which starts Pyodide) and reports a failure to load it on the page.
// paint.js, a classic script, has already handled file:// and set a watchdog.
import("./vendor/pyscript/core.js").catch((error) => {
  window.RnnPage?.failed(
    "The Python runtime could not be loaded (" + error.message + "). " +
    "Reload the page; if that does not help, serve the folder with: python3 build.py serve",
  );
});
