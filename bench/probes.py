"""What every page the speed suite opens shares: Chromium's arguments, the probes each page gets
(paint and long-task stamps, the interpreter exposed), the floor page, and opening a view.
Imported by run.py, which puts bench/ and the project on sys.path."""

from __future__ import annotations

ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-gpu",
]  # fmt: skip  (as in tests/conftest.py)
READY = "html[data-py-ready]"
TIMEOUT = 90_000
FLOOR = "bench-floor.html"

# The floor: bare Pyodide from the same vendored files, one line of Python, then "ready".
FLOOR_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Pyodide floor</title>
<script type="module">
import { loadPyodide } from "./vendor/pyodide/pyodide.mjs";
const pyodide = await loadPyodide();
pyodide.runPython("1+1");
document.documentElement.dataset.pyReady = "1";
</script></head><body><p>Bare Pyodide: loadPyodide() and 1+1.</p></body></html>
"""

# Page-side probes, installed before any of the page's scripts run. Times are
# performance.now(), milliseconds since navigation started.
PROBES = """
(() => {
  const b = (window.__bench = { longtasks: [], progress: [], ready: null, numbers: null,
                                firstPaint: null, paintCalls: 0 });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) b.longtasks.push([e.startTime, e.duration]);
    }).observe({ type: "longtask", buffered: true });
  } catch (e) { b.longtasks = null; }
  addEventListener("py:progress", (e) => b.progress.push([String(e.detail), performance.now()]));
  // PyScript's events around main.py: "py:ready" just before it runs, "py:done" after.
  for (const name of ["py:ready", "py:done"]) {
    addEventListener(name, () => b.progress.push([name, performance.now()]), true);
  }
  const hasNumbers = () => {
    const body = document.getElementById("timesteps-body");
    return !!(body && body.rows.length && /\\d/.test(body.textContent));
  };
  let stamping = false;
  const check = () => {
    if (b.ready === null && document.documentElement &&
        document.documentElement.hasAttribute("data-py-ready")) b.ready = performance.now();
    if (b.numbers === null && !stamping && hasNumbers()) {
      stamping = true;  // the frame that shows them
      requestAnimationFrame(() => { b.numbers = performance.now(); });
    }
    if (b.ready !== null && stamping) observer.disconnect();
  };
  const observer = new MutationObserver(check);
  observer.observe(document, { subtree: true, childList: true, attributes: true,
                               attributeFilter: ["data-py-ready"] });
  // The first call Python makes to the painter, and how long it took.
  let page;
  Object.defineProperty(window, "RnnPage", { configurable: true, get: () => page, set(value) {
    const paint = value && value.paint;
    if (typeof paint === "function") {
      value.paint = function (...args) {
        const t = performance.now();
        const result = paint.apply(this, args);
        b.paintCalls++;
        if (b.firstPaint === null) b.firstPaint = [t, performance.now()];
        return result;
      };
    }
    page = value;
  }});
})();
"""

# Test-only, as in tests/test_robust.py: the page's interpreter through PyScript's public hooks
# (the same module URL as boot.js imports, so the same PyScript instance), plus when the
# interpreter was ready and when main.py started and finished.
EXPOSE_INTERPRETER = """
if (location.protocol.startsWith("http")) {
  window.__hooks = {};
  import(location.origin + "/vendor/pyscript/core.js").then(({ hooks }) => {
    hooks.main.onReady.add((wrap) => {
      window.__interpreter = wrap.interpreter; window.__hooks.ready = performance.now(); });
    hooks.main.onBeforeRun.add(() => { window.__hooks.before = performance.now(); });
    hooks.main.onAfterRun.add(() => { window.__hooks.after = performance.now(); });
  });
}
"""


def stamp(page, key):
    return page.evaluate(f"window.__bench && window.__bench.{key}")


def longest_task(page, start, end):
    """The longest main-thread task that started between start and end (page ms), or None."""
    tasks = page.evaluate("window.__bench.longtasks")
    if tasks is None:
        return None
    inside = [d for s, d in tasks if start <= s <= end]
    return max(inside, default=0.0)


def open_view(browser, url, query):
    """A fresh context and page at url#query, ready, with the probes; returns both."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    context.add_init_script(PROBES)
    context.add_init_script(EXPOSE_INTERPRETER)
    page = context.new_page()
    page.goto(url + "#" + query)
    page.locator(READY).wait_for(state="attached", timeout=TIMEOUT)
    return context, page
