"""The speed suite: the page against the bare-Pyodide floor, side by side in one run.

    python3 bench/run.py              (or: python3 build.py bench)
    python3 bench/run.py --runs 7     more cold runs of each page
    python3 bench/run.py --profile    also print where one cold start spends its time

Builds the site (into $RNN_BUILD_DIR/site when set), serves it on 127.0.0.1, drives headless
Chromium and prints one Markdown table of medians, ratios and budgets (issue 12). Measured:

- cold start, interleaved with a floor page that only runs `loadPyodide()` and `1+1` from the
  same vendored files (a fresh browser context each run, service workers blocked): ready time
  (until html[data-py-ready]), first contentful paint, first real numbers (the Timesteps table
  has a row of numbers, stamped at the next animation frame);
- a repeat visit answered by the service worker's cache;
- a slider drag (200 `input` events, one per animation frame), the training and search
  animations and, when the page has it, the loss-landscape computation: handling time, frames
  per second, the longest main-thread task (Long Tasks API);
- BPTT epochs and random-search trials per second in the page's own Pyodide and on this CPython,
  and characters per second of BPTT training on text for each cell (n = 16, 30 characters);
- every file a cold visit loads, raw and gzip -9 bytes: those requested until the page is ready
  and shows its first numbers (the cold-transfer budget), and apart, those fetched at idle after.

Figures, not tests: nothing here fails when a budget is missed.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import platform
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

from report import Budget, Row, median, percentile, ratio, table  # noqa: E402

import build  # noqa: E402

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

# The same Python runs here on CPython and in the page's Pyodide.
WORK_PY = r"""
import json, time
from collections import deque
from rnn_py import Params, make_sequence, random_search, train_bptt

def _bptt(n, length):
    xs = make_sequence("sine", length, normalized=True)
    start = Params.random(n, seed=0)
    def run(epochs):
        (last,) = deque(train_bptt(start, xs, "tanh", lr=0.01, epochs=epochs), maxlen=1)
        assert last.status == "done", last.message
    return run

def _search(length):
    xs = make_sequence("sine", length, normalized=True)
    def run(trials):
        (last,) = deque(random_search(xs, "tanh", n=1, trials=trials, seed=0), maxlen=1)
        assert last.evaluations == trials
    return run

JOBS = {f"bptt n={n} T={t}": (_bptt, (n, t)) for n in (1, 2, 8) for t in (12, 64)}
JOBS["search n=1 T=12"] = (_search, (12,))

from rnn_py.cells import random_params

def _gated(cell, n, length):  # issue 15: GRU and LSTM epochs per second, same sequence
    xs = make_sequence("sine", length, normalized=True)
    start = random_params(cell, n, 0)
    def run(epochs):
        (last,) = deque(train_bptt(start, xs, "tanh", lr=0.01, epochs=epochs), maxlen=1)
        assert last.status == "done", last.message
    return run

for _cell in ("gru", "lstm"):
    for _n in (1, 4, 8):
        for _t in (12, 64):
            JOBS[f"bptt {_cell} n={_n} T={_t}"] = (_gated, (_cell, _n, _t))

from rnn_py.text import text_params, train_text

def _text(cell):  # issue 16: 2,000 characters from a 30-character vocabulary, n = 16
    import random
    chars = "abcdefghijklmnopqrstuvwxyz ,.\n"
    rng = random.Random(0)
    text = chars + "".join(rng.choice(chars) for _ in range(2000 - len(chars)))
    start = text_params(cell, 16, 30, seed=0)
    def run(count):  # count characters, in windows of 25
        (last,) = deque(train_text(start, text, windows=max(1, count // 25)), maxlen=1)
        assert last.status == "done", last.message
    return run

for _cell in ("vanilla", "gru", "lstm"):
    JOBS[f"text {_cell} n=16 V=30"] = (_text, (_cell,))

def per_second(name, count, reps=3):
    make, args = JOBS[name]
    run = make(*args)
    run(max(1, count // 10))  # warm up
    best = float("inf")
    for _ in range(reps):
        begin = time.perf_counter()
        run(count)
        best = min(best, time.perf_counter() - begin)
    return count / best

def calibrate(target=0.15):
    counts = {}
    for name, (make, args) in JOBS.items():
        run = make(*args)
        begin = time.perf_counter()
        run(20)
        took = (time.perf_counter() - begin) / 20
        counts[name] = max(20, int(target / took))
    return counts
"""


# --imports: main.py runs behind this prefix, which times every module's import (its own code
# and, separately, the imports it triggers) and main.py as a whole; the suffix hands the
# profile to the benchmark as JSON.
IMPORT_PREFIX = r"""
import sys as _sys
import time as _time

_t_main = _time.perf_counter()
_first_line = __import__("js").performance.now()
_stack, _profile = [], []


class _Timed:
    def __init__(self, loader):
        self._loader = loader

    def __getattr__(self, name):
        return getattr(self._loader, name)

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        began = _time.perf_counter()
        _stack.append(0.0)
        try:
            self._loader.exec_module(module)
        finally:
            inner = _stack.pop()
            took = _time.perf_counter() - began
            if _stack:
                _stack[-1] += took
            _profile.append((module.__name__, took * 1000, (took - inner) * 1000))


class _Timer:
    @staticmethod
    def find_spec(name, path=None, target=None):
        for finder in _sys.meta_path:
            if finder is _Timer or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _Timed(spec.loader)
                return spec
        return None


_sys.meta_path.insert(0, _Timer)
_modules_before = set(_sys.modules)

import pyscript as _pyscript  # noqa: E402

_when = [0.0, 0]  # ms spent binding handlers with @when, and how many
_plain_when = _pyscript.when


def _timed_when(*args, **kwargs):
    began = _time.perf_counter()
    bind = _plain_when(*args, **kwargs)

    def apply(handler):
        began_apply = _time.perf_counter()
        try:
            return bind(handler)
        finally:
            _when[0] += (_time.perf_counter() - began_apply) * 1000

    _when[0] += (_time.perf_counter() - began) * 1000
    _when[1] += 1
    return apply


_pyscript.when = _timed_when
"""
IMPORT_SUFFIX = r"""
_sys.meta_path.remove(_Timer)
import json as _json

_pyscript.window.__importProfile = _json.dumps({
    "main": (_time.perf_counter() - _t_main) * 1000,
    "modules": _profile,
    "before": sorted(_modules_before),
    "when": _when,
    "first_line": _first_line,
})
"""


def import_profile(browser, url):
    """One cold start with main.py timed module by module (--imports): the rows to print."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    try:
        context.add_init_script(PROBES)
        page = context.new_page()

        def timed_main(route):
            body = route.fetch().text()
            route.fulfill(body=IMPORT_PREFIX + body + IMPORT_SUFFIX, content_type="text/plain")

        page.route("**/main.py", timed_main)
        page.goto(url)
        page.locator(READY).wait_for(state="attached", timeout=TIMEOUT)
        page.wait_for_function("window.__importProfile !== undefined", timeout=TIMEOUT)
        got = json.loads(page.evaluate("window.__importProfile"))
        stamps = page.evaluate("window.__bench")
    finally:
        context.close()
    modules = sorted(got["modules"], key=lambda m: -m[2])
    ours = [m for m in modules if m[0].split(".")[0] in ("rnn_py", "page", "panels")]
    own = sum(m[2] for m in modules)
    lines = [
        f"main.py imports (one cold start): main.py ran {got['main']:.0f} ms; "
        f"{len(modules)} modules imported during it, their own code {own:.0f} ms "
        f"(ours: {len(ours)} modules, {sum(m[2] for m in ours):.0f} ms); "
        f"{got['when'][1]} handlers bound with @when in {got['when'][0]:.0f} ms (inside the "
        "imports' time); the rest is page.start(), the first repaint and ready()",
        "",
        "| module | self ms | with its imports ms |",
        "|---|--:|--:|",
    ]
    began = next((t for name, t in stamps["progress"] if name == "py:ready"), None)
    if began is not None:
        lines[0] += (
            f". py:ready → main.py's first line {got['first_line'] - began:.0f} ms, "
            f"→ controls enabled {stamps['ready'] - began:.0f} ms"
        )
    lines += [f"| {name} | {own:.1f} | {total:.1f} |" for name, total, own in modules[:40]]
    if len(modules) > 40:
        lines.append(f"| …{len(modules) - 40} more | {sum(m[2] for m in modules[40:]):.1f} | |")
    return "\n".join(lines)


def stamp(page, key):
    return page.evaluate(f"window.__bench && window.__bench.{key}")


def longest_task(page, start, end):
    """The longest main-thread task that started between start and end (page ms), or None."""
    tasks = page.evaluate("window.__bench.longtasks")
    if tasks is None:
        return None
    inside = [d for s, d in tasks if start <= s <= end]
    return max(inside, default=0.0)


def cold_run(browser, url, requests=None):
    """One cold visit in a fresh context without service workers: the page's stamps (ms)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    try:
        context.add_init_script(PROBES)
        page = context.new_page()
        if requests is not None:
            page.on("request", lambda r: requests.append(r.url))
        page.goto(url)
        page.locator(READY).wait_for(state="attached", timeout=TIMEOUT)
        page.wait_for_function("window.__bench.numbers !== null || !window.__bench", timeout=5000)
        page.wait_for_timeout(50)
        got = page.evaluate(
            """() => {
              const fcp = performance.getEntriesByName("first-contentful-paint")[0];
              const b = window.__bench;
              return { ready: b.ready, numbers: b.numbers, fcp: fcp ? fcp.startTime : null,
                       firstPaint: b.firstPaint, progress: b.progress,
                       resources: performance.getEntriesByType("resource").map((r) =>
                         [r.name, r.startTime, r.responseEnd]) };
            }"""
        )
        if requests is not None:  # what the page fetches after that, at idle (lazy files)
            with contextlib.suppress(Exception):  # still fetching: take what came so far
                page.wait_for_load_state("networkidle", timeout=5000)
            got["later"] = page.evaluate(
                """(after) => performance.getEntriesByType("resource")
                     .filter((r) => r.startTime > after).map((r) => r.name)""",
                max(got["ready"] or 0, got["numbers"] or 0),
            )
    finally:
        context.close()
    return got


def start_up(run):
    """Milliseconds of our own Python at start-up: from PyScript's py:ready (the runtime and our
    files are in, main.py starts) to the controls being enabled (data-py-ready)."""
    began = next((t for name, t in run["progress"] if name == "py:ready"), None)
    return None if began is None or run["ready"] is None else run["ready"] - began


def cold_floor(browser, url):
    context = browser.new_context(service_workers="block")
    try:
        context.add_init_script(PROBES)
        page = context.new_page()
        page.goto(url + FLOOR)
        page.locator(READY).wait_for(state="attached", timeout=TIMEOUT)
        return page.evaluate("window.__bench.ready")
    finally:
        context.close()


def repeat_visits(browser, url, reloads=3):
    """Ready times (ms) of reloads answered by the service worker after one visit."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        context.add_init_script(PROBES)
        page = context.new_page()
        page.goto(url)
        page.locator(READY).wait_for(state="attached", timeout=TIMEOUT)
        page.wait_for_function(
            "navigator.serviceWorker && navigator.serviceWorker.controller !== null",
            timeout=TIMEOUT,
        )
        times, served = [], []
        for _ in range(reloads):
            page.reload()
            page.locator(READY).wait_for(state="attached", timeout=TIMEOUT)
            times.append(page.evaluate("window.__bench.ready"))
            served.append(
                page.evaluate(
                    """() => performance.getEntriesByType("resource")
                         .filter((r) => r.workerStart > 0).length"""
                )
            )
        return times, served
    finally:
        context.close()


# Events into one control, one per animation frame, as a drag or a person's typing produces
# them: each event's handling time, from dispatch until the painter has returned.
EVENTS = """async ({ selector, type, values, count, drag }) => {
  const control = document.querySelector(selector);
  if (!control) return null;
  const rnn = window.RnnPage;
  const paint = rnn.paint;
  let paints = 0, lastEnd = 0;
  rnn.paint = function (...args) {
    const result = paint.apply(this, args); paints++; lastEnd = performance.now(); return result;
  };
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  const times = [];
  await frame();
  const start = performance.now();
  try {
    for (let i = 0; i < count; i++) {
      await frame();
      const before = paints;
      const t0 = performance.now();
      control.value = String(values[i % values.length]);
      if (drag) control.dataset.dragging = "1";
      control.dispatchEvent(new Event(type, { bubbles: true }));
      let t1 = performance.now();
      // A painter that defers its work still counts until it is done (at most 100 ms).
      while (paints === before && performance.now() - t0 < 100) {
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      times.push(Math.max(t1, paints > before ? lastEnd : t1) - t0);
    }
  } finally { rnn.paint = paint; if (drag) delete control.dataset.dragging; }
  return { times, start, end: performance.now(), paints };
}"""

# The same events as fast as they come (no frame in between): a long session, for memory.
FLOOD = """({ selector, type, values, count, drag }) => {
  const control = document.querySelector(selector);
  if (drag) control.dataset.dragging = "1";
  for (let i = 0; i < count; i++) {
    control.value = String(values[i % values.length]);
    control.dispatchEvent(new Event(type, { bubbles: true }));
  }
  if (drag) delete control.dataset.dragging;
}"""

# Click a run button and count repaints until the status line says the run ended.
ANIMATE = """async ({ button, done }) => {
  const rnn = window.RnnPage;
  const paint = rnn.paint;
  let paints = 0;
  rnn.paint = function (...args) { paints++; return paint.apply(this, args); };
  const status = document.getElementById("train-status");
  const finished = new RegExp(done);
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  await frame();
  const start = performance.now();
  let frames = 0, changed = 0, seen = 0;
  try {
    document.querySelector(button).click();
    while (performance.now() - start < 30000) {
      await frame();
      frames++;
      if (paints !== seen) { changed++; seen = paints; }
      if (finished.test(status.textContent)) break;
    }
  } finally { rnn.paint = paint; }
  return { start, end: performance.now(), paints, frames, changed, status: status.textContent };
}"""

WEIGHT_SLIDES = [round(-1.5 + i / 100, 2) for i in range(300)]  # the Hidden weight slider
LR_SLIDES = [round(-3 + i / 100, 2) for i in range(300)]  # the learning-rate slider (log10)
CELL_VALUES = [round(0.3 + i / 100, 2) for i in range(50)]  # typed into one weight
# Sizes measured (issue 18's budgets): the address, a slider, a committed weight, the budget.
SIZES = [
    ("1 unit, T = 12", "seq=sine&norm=1",
     ("#w_hh", "input", WEIGHT_SLIDES), ("#w_hh-num", "change", CELL_VALUES), 4.0),
    ("8 units, T = 12", "seq=sine&norm=1&n=8",
     ("#lr", "input", LR_SLIDES),
     ('#weight-grid .wg-cell[data-param="w_hh"][data-index="0,0"]', "change", CELL_VALUES), 8.0),
    ("8 units, T = 64", "seq=sine&norm=1&n=8&len=64",
     ("#lr", "input", LR_SLIDES),
     ('#weight-grid .wg-cell[data-param="w_hh"][data-index="0,0"]', "change", CELL_VALUES), 16.0),
]  # fmt: skip
# The cells measured (CELL_QUERY is added to the address; CELL_PROBE says whether the page has
# the cell). A gated cell always shows grids, so where the vanilla cell at 1 unit has its Hidden
# weight slider, a gated cell's drag is a drag on the grid cell of its candidate's recurrent
# weight (input events with data-dragging set, as js/weights.js sends them), and its typed
# weight is that cell.
CELLS = ["vanilla", "gru", "lstm"]
CELL_QUERY = "cell={}"
CELL_PROBE = (
    "(name) => name === 'vanilla' || !!document.querySelector(`#cell option[value=${name}]`)"
)
RECURRENT = {"vanilla": "w_hh", "gru": "w_hh", "lstm": "w_hc"}  # the candidate's W_h·


def controls(cell, slider, typed):
    """The size's slider and typed controls for this cell: a grid cell named by RECURRENT."""
    grid_cell = f'#weight-grid .wg-cell[data-param="{RECURRENT[cell]}"][data-index="0,0"]'
    if cell == "vanilla":
        return slider, typed
    if slider[0] == "#w_hh":
        slider = (grid_cell, "drag", WEIGHT_SLIDES)
    return slider, (grid_cell, "change", CELL_VALUES)


RUNS = [
    ("training (300 BPTT epochs)", "#train", "epochs|diverged"),
    ("search (300 random tries)", "#search", "tries"),
]


def open_view(browser, url, query):
    """A fresh context and page at url#query, ready, with the probes; returns both."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    context.add_init_script(PROBES)
    context.add_init_script(EXPOSE_INTERPRETER)
    page = context.new_page()
    page.goto(url + "#" + query)
    page.locator(READY).wait_for(state="attached", timeout=TIMEOUT)
    return context, page


def handling(page, label, control, budget):
    """Rows for 200 events into one control: p50, p95 (with the budget), the longest task."""
    selector, kind, values = control
    names = {"input": "slider drag", "drag": "grid cell drag", "change": "weight typed (committed)"}
    what = names[kind]
    args = {"selector": selector, "type": "input" if kind == "drag" else kind, "values": values,
            "drag": kind == "drag"}  # fmt: skip
    if page.evaluate(EVENTS, {**args, "count": 20}) is None:  # warm up the handler's code paths
        return [Row(f"{label}: {what}, handling p95", None, "ms", Budget("<=", budget),
                    note=f"no {selector} on the page")]  # fmt: skip
    got = page.evaluate(EVENTS, {**args, "count": 200})
    times = got["times"]
    return [
        Row(
            f"{label}: {what}, handling p95",
            percentile(times, 95),
            "ms",
            Budget("<=", budget),
            note=f"p50 {percentile(times, 50):.1f} ms, longest event {max(times):.1f} ms, 200 "
            f"events; longest task {longest_task(page, got['start'], got['end']):.0f} ms "
            "(0: none over 50 ms)",
        )
    ]


def animations(page, label):
    rows = []
    for name, button, done in RUNS:
        # the run before has ended (on a very busy machine it may outlast ANIMATE's 30 s)
        page.wait_for_function("document.getElementById('stop').disabled", timeout=TIMEOUT)
        run = page.evaluate(ANIMATE, {"button": button, "done": done})
        seconds = (run["end"] - run["start"]) / 1000
        fps = run["paints"] / seconds if seconds else None
        task = longest_task(page, run["start"], run["end"])
        rows += [
            Row(
                f"{label}: {name}, repaints per second",
                fps,
                "fps",
                Budget(">=", 58.0),
                note=f"{run['paints']} repaints in {seconds:.2f} s",
            ),
            Row(f"{label}: {name}, longest task", task, "ms", Budget("<=", 50.0)),
        ]
    return rows


MEMORY = """() => {
  const py = window.__interpreter;
  return { wasm: py ? py._module.HEAP8.length : null };
}"""


def memory(context, page):
    """JS heap in use after a forced GC (CDP) and WebAssembly memory, in MB."""
    cdp = context.new_cdp_session(page)
    cdp.send("HeapProfiler.collectGarbage")
    js = cdp.send("Runtime.getHeapUsage")["usedSize"] / 2**20
    wasm = page.evaluate(MEMORY)["wasm"]
    return js, None if wasm is None else wasm / 2**20


def interactions(browser, url, cells=True):
    """Handling time per event at every size, the animations, memory and the landscape (with
    cells=False only the text task's rows)."""
    rows = []
    for cell in CELLS if cells else ():
        for label, query, slider, typed, budget in SIZES:
            name = f"{cell}, {label}"
            if cell != "vanilla":
                query += "&" + CELL_QUERY.format(cell)
            context, page = open_view(browser, url, query)
            try:
                if not page.evaluate(CELL_PROBE, cell):
                    rows.append(Row(f"{name}: handling and animations", None,
                                    note=f"slot: no {cell} cell on this page yet"))  # fmt: skip
                    break
                drag, typed_in = controls(cell, slider, typed)
                rows += handling(page, name, drag, budget)
                rows += handling(page, name, typed_in, budget)
                if "T = 64" not in label:
                    rows += animations(page, name)
                if label.startswith("1 unit"):
                    rows += session_memory(context, page, drag, cell)
                if cell == "vanilla" and label.startswith("1 unit"):
                    rows += landscape(page)
            finally:
                context.close()
    for label, query in TEXT_SIZES:
        context, page = open_view(browser, url, query)
        try:
            rows += text_animation(page, label)
        finally:
            context.close()
    return rows


# Text mode's training animation (issue 18): click Train, count the frames in which the text
# view was repainted (Python sends it RnnPage.panel("text", …)) until ~10 s have passed or the
# run ends; then Stop, and wait until the page is idle again.
TEXT_ANIMATE = """async ({ seconds }) => {
  const rnn = window.RnnPage;
  const send = rnn.panel;
  let paints = 0;
  rnn.panel = function (name, json) {
    if (name === "text") paints++;
    return send.apply(this, arguments);
  };
  const stage = document.getElementById("text-stage");
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  await frame();
  const start = performance.now();
  let frames = 0, changed = 0, seen = paints, started = false;
  try {
    document.getElementById("text-train").click();
    while (performance.now() - start < seconds * 1000) {
      await frame();
      frames++;
      if (paints !== seen) { changed++; seen = paints; }
      if (stage.dataset.state === "busy") started = true;
      else if (started) break;
    }
  } finally { rnn.panel = send; }
  const end = performance.now();
  const windows = Number(document.getElementById("text-loss").dataset.windows);
  document.getElementById("text-stop").click();
  return { start, end, paints, frames, changed, windows, started };
}"""
# The text view at its defaults (vanilla, 16 units, windows of 25) and the largest LSTM the
# page offers (32 units, windows of 100 characters).
TEXT_SIZES = [
    ("text task, vanilla n = 16, windows of 25", "task=text"),
    ("text task, LSTM n = 32, windows of 100", "task=text&tcell=lstm&tn=32&tlen=100"),
]
TEXT_SECONDS = 10


def text_animation(page, label):
    """Rows for one Train run of ~10 s in text mode: repaints per second, the longest task."""
    if not page.evaluate("!!document.getElementById('text-train')"):
        return [Row(f"{label}: training animation", None, "fps", Budget(">=", 58.0),
                    note="no text task on this page")]  # fmt: skip
    page.wait_for_function("!document.getElementById('text-train').disabled", timeout=TIMEOUT)
    run = page.evaluate(TEXT_ANIMATE, {"seconds": TEXT_SECONDS})
    seconds = (run["end"] - run["start"]) / 1000
    page.wait_for_function("document.getElementById('text-stage').dataset.state === 'idle'",
                           timeout=TIMEOUT)  # fmt: skip
    return [
        Row(
            f"{label}: training, repaints per second",
            run["changed"] / seconds if seconds and run["started"] else None,
            "fps",
            Budget(">=", 58.0),
            note=f"{run['changed']} of {run['frames']} frames repainted in {seconds:.2f} s, "
            f"{run['windows']:,} windows",
        ),
        Row(f"{label}: training, longest task", longest_task(page, run["start"], run["end"]),
            "ms", Budget("<=", 50.0)),
    ]  # fmt: skip


def session_memory(context, page, slider, cell="vanilla"):
    """JS heap and WebAssembly memory after load and after a session of 5,000 drag events."""
    page.wait_for_function("window.__interpreter !== undefined", timeout=TIMEOUT)
    js0, wasm0 = memory(context, page)
    selector, kind, values = slider
    args = {"selector": selector, "type": "input", "values": values, "count": 500,
            "drag": kind == "drag"}  # fmt: skip
    for _ in range(10):
        page.evaluate(FLOOD, args)
    page.wait_for_timeout(400)  # the full repaint after the drag
    js1, wasm1 = memory(context, page)
    return [
        Row(f"memory, {cell}: JS heap after load → after 5,000 drag events", js1, "MB",
            note=f"after load {js0:.1f} MB ({js1 - js0:+.1f})"),
        Row(f"memory, {cell}: WebAssembly memory after load → after 5,000 events", wasm1, "MB",
            note=f"after load {wasm0:.0f} MB ({wasm1 - wasm0:+.0f})"),
    ]  # fmt: skip


# Open the loss-landscape panel and wait for its map: Python sends the painter a "done"
# message (RnnPage.panel("landscape", {kind: "done"})) when the last row is computed.
LANDSCAPE = """async () => {
  const panel = document.getElementById("landscape-panel");
  if (!panel) return null;
  const rnn = window.RnnPage;
  const send = rnn.panel;
  let doneAt = null, messages = 0;
  rnn.panel = function (name, json) {
    if (name === "landscape") {
      messages++;
      if (JSON.parse(json).kind === "done" && doneAt === null) doneAt = performance.now();
    }
    return send.apply(this, arguments);
  };
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  await frame();
  const start = performance.now();
  try {
    panel.open = true;
    while (doneAt === null && performance.now() - start < 60000) await frame();
  } finally { rnn.panel = send; }
  return { start, end: doneAt === null ? performance.now() : doneAt, done: doneAt !== null,
           messages };
}"""


def landscape(page):
    """The loss-landscape panel's computation, when the page has that panel."""
    got = page.evaluate(LANDSCAPE)
    if not got or not got["done"]:
        note = "no landscape panel yet" if not got else "did not signal completion"
        return [
            Row("landscape: computation, total", None, "s", note=note),
            Row("landscape: longest task", None, "ms", Budget("<=", 50.0), note=note),
        ]
    return [
        Row(
            "landscape: computation, total",
            (got["end"] - got["start"]) / 1000,
            "s",
            note=f"{got['messages']} messages to the painter",
        ),
        Row(
            "landscape: longest task",
            longest_task(page, got["start"], got["end"]),
            "ms",
            Budget("<=", 50.0),
        ),
    ]


def throughput(browser, url, rounds=3):
    """BPTT epochs/s and search trials/s in the page's Pyodide and on this CPython.

    The same counts run on both; the two alternate job by job for `rounds` rounds and each
    keeps its best, so a busy moment on the machine does not land on one side only."""
    namespace: dict = {}
    exec(compile(WORK_PY, "<bench work>", "exec"), namespace)  # noqa: S102 - our own code
    counts = namespace["calibrate"]()
    cpython = dict.fromkeys(counts, 0.0)
    pyodide = dict.fromkeys(counts, 0.0)
    on_cpu = {}  # text jobs: chars per second of the page's main-thread CPU time
    context = browser.new_context(service_workers="block")
    try:
        context.add_init_script(EXPOSE_INTERPRETER)
        page = context.new_page()
        page.goto(url)
        page.locator(READY).wait_for(state="attached", timeout=TIMEOUT)
        page.wait_for_function("window.__interpreter !== undefined", timeout=TIMEOUT)
        run = "(code) => window.__interpreter.runPython(code)"
        # The work lives in a module of its own, away from main.py's globals.
        page.evaluate(
            run,
            "import sys, types\n_bench = types.ModuleType('_bench')\n"
            f"exec({WORK_PY!r}, _bench.__dict__)\nsys.modules['_bench'] = _bench",
        )
        cdp = context.new_cdp_session(page)
        cdp.send("Performance.enable")

        def thread_time():  # CPU seconds the page's main thread has used
            metrics = cdp.send("Performance.getMetrics")["metrics"]
            return next(m["value"] for m in metrics if m["name"] == "ThreadTime")

        for _ in range(rounds):
            for name, count in counts.items():
                here = namespace["per_second"](name, count, 1)
                cpython[name] = max(cpython[name], here)
                before = thread_time()
                there = page.evaluate(
                    run, f"import _bench; _bench.per_second({name!r}, {count}, 1)"
                )
                used = thread_time() - before  # the run and its warm-up, in windows of 25
                if name.startswith("text") and used > 0:
                    chars = 25 * (count // 25 + max(1, count // 10 // 25))
                    on_cpu[name] = max(on_cpu.get(name, 0.0), chars / used)
                pyodide[name] = max(pyodide[name], there)
    finally:
        context.close()
    rows = []
    text_budgets = {"text vanilla n=16 V=30": 3_000, "text lstm n=16 V=30": 1_000}
    for name in counts:
        unit = {"search": "trials/s", "text": "chars/s"}.get(name.split()[0], "epochs/s")
        budget = Budget(">=", 10_000) if name == "bptt n=1 T=12" else None
        if name in text_budgets:  # BPTT training on text, characters per second (issue 16)
            budget = Budget(">=", text_budgets[name])
        rows.append(Row(f"Pyodide {name}", pyodide[name], unit, budget))
        if name in on_cpu:  # the same, by the main thread's CPU time: steady on a busy machine
            rows.append(Row(f"  Pyodide {name}, by CPU time", on_cpu[name], unit, budget))
        rows.append(
            Row(
                f"  Pyodide time / CPython time ({name})",
                ratio(cpython[name], pyodide[name]),
                "×",
                Budget("<=", 2.0),
                note=f"CPython {cpython[name]:,.0f} {unit}",
            )
        )
    return rows


def assets(site: Path, urls, base, later=()):
    """Raw and gzip -9 bytes of every distinct file the cold visit requested, and when: "start"
    (requested before the page was ready and showed its first numbers: the cold-transfer figure)
    or "idle" (requested after that, as the lazy files are: reported apart)."""
    seen, files = set(), []
    later = set(later)
    for url in urls:
        parts = urlsplit(url)
        if not url.startswith(base):
            continue
        path = unquote(parts.path)[len(urlsplit(base).path) :] or "index.html"
        if path.endswith("/"):
            path += "index.html"
        if path in seen or path == FLOOR:
            continue
        seen.add(path)
        file = site / path
        data = file.read_bytes() if file.is_file() else b""
        gz = len(gzip.compress(data, 9, mtime=0)) if data else 0
        files.append((path, len(data), gz, "idle" if url in later else "start"))
    return sorted(files, key=lambda f: (f[3] != "start", -f[2]))


def asset_table(files) -> str:
    lines = ["| file | raw bytes | gzip -9 bytes | requested |", "|---|--:|--:|---|"]
    lines += [f"| {path} | {raw:,} | {gz:,} | {when} |" for path, raw, gz, when in files]
    groups = (("start", "until ready and first numbers"), ("idle", "after that, at idle"))
    for when, label in groups:
        group = [f for f in files if f[3] == when]
        if group:
            raw, gz = sum(f[1] for f in group), sum(f[2] for f in group)
            lines.append(f"| **{label}, {len(group)} files** | **{raw:,}** | **{gz:,}** | |")
    return "\n".join(lines)


def profile(runs, floor_ready):
    """Where a cold start spends its time: the median of each stamp over the cold runs."""

    def when(run, prefix):
        for name, start, end in run["resources"]:
            if urlsplit(name).path.endswith(prefix):
                return start, end
        return None, None

    def progress(run, label):
        return next((t for name, t in run["progress"] if name == label), None)

    marks = [
        ("first contentful paint", lambda r: r["fcp"]),
        ("boot.js fetched", lambda r: when(r, "/boot.js")[1]),
        ("core.js requested", lambda r: when(r, "/core.js")[0]),
        ("pyscript.json fetched", lambda r: when(r, "/pyscript.json")[1]),
        ("pyodide.mjs requested", lambda r: when(r, "/pyodide.mjs")[0]),
        ("py:progress Loading interpreter", lambda r: progress(r, "Loading interpreter")),
        ("pyodide.asm.wasm fetched", lambda r: when(r, "/pyodide.asm.wasm")[1]),
        ("pyodide-lock.json requested", lambda r: when(r, "/pyodide-lock.json")[0]),
        ("python_stdlib.zip fetched", lambda r: when(r, "/python_stdlib.zip")[1]),
        ("py:progress Loaded interpreter", lambda r: progress(r, "Loaded interpreter")),
        ("rnn-page.zip fetched", lambda r: when(r, "/rnn-page.zip")[1]),
        ("py:progress Loaded files", lambda r: progress(r, "Loaded files")),
        ("py:progress Loaded Pyodide", lambda r: progress(r, "Loaded Pyodide")),
        ("main.py fetched", lambda r: when(r, "/main.py")[1]),
        ("py:ready (main.py starts)", lambda r: progress(r, "py:ready")),
        ("first RnnPage.paint call", lambda r: (r["firstPaint"] or [None])[0]),
        ("first RnnPage.paint returned", lambda r: (r["firstPaint"] or [None, None])[1]),
        ("ready (data-py-ready)", lambda r: r["ready"]),
        ("py:done (main.py finished)", lambda r: progress(r, "py:done")),
        ("first real numbers shown", lambda r: r["numbers"]),
    ]
    lines = [
        f"Cold start, median of {len(runs)} runs (ms since navigation); floor ready "
        f"{floor_ready:.0f} ms",
        "",
        "| stamp | ms |",
        "|---|--:|",
    ]
    for label, get in marks:
        value = median([get(r) for r in runs])
        lines.append(f"| {label} | {'n/a' if value is None else f'{value:.0f}'} |")
    files = [
        (urlsplit(n).path, s, e)
        for n, s, e in runs[0]["resources"]
        if "/rnn_py/" in n or n.endswith((".py", ".zip", ".tar", ".json"))
    ]
    if files:
        lines += ["", "Run 1, our own files and the runtime's data (start → end, ms):"]
        lines += [f"  {path}: {s:.0f} → {e:.0f}" for path, s, e in files]
    return "\n".join(lines)


def machine() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        chromium = subprocess.run(
            [build.chromium_path() or "chromium", "--version"], capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        chromium = "Chromium (version unknown)"
    return (
        f"{cpu or platform.processor()}, {os.cpu_count()} cores, {platform.system()}; "
        f"{chromium} headless, software rendering (--disable-gpu); "
        f"CPython {platform.python_version()}; local server on 127.0.0.1"
    )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="cold runs of each page (default 5)")
    parser.add_argument("--profile", action="store_true", help="print the cold-start timeline")
    parser.add_argument(
        "--imports", action="store_true", help="print main.py's import profile (one cold start)"
    )
    parser.add_argument(
        "--skip",
        default="",
        help="comma list: cold,repeat,interact,work; cells (of interact: only the text rows)",
    )
    parser.add_argument(
        "--site", type=Path, help="measure this already built site folder instead of building"
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        help="another build's site folder, cold-started interleaved with this one (before/after)",
    )
    args = parser.parse_args(argv)
    skip = set(filter(None, args.skip.split(",")))
    from playwright.sync_api import sync_playwright

    began = time.perf_counter()
    site = args.site.resolve() if args.site else build.build()
    (site / FLOOR).write_text(FLOOR_HTML)
    server = build.make_server(site, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/"
    if args.baseline:
        other = build.make_server(args.baseline.resolve(), "127.0.0.1", 0)
        threading.Thread(target=other.serve_forever, daemon=True).start()
        baseline_url = f"http://127.0.0.1:{other.server_port}/"
    rows: list = []
    files = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=build.chromium_path(), args=ARGS)
            if "cold" not in skip:
                cold_floor(browser, url)  # warm the server's and the OS's file cache once
                floors, pages, requests, baselines = [], [], [], []
                for i in range(args.runs):
                    floors.append(cold_floor(browser, url))
                    pages.append(cold_run(browser, url, requests if i == 0 else None))
                    if args.baseline:
                        baselines.append(cold_run(browser, baseline_url))
                floor, ready = median(floors), median(p["ready"] for p in pages)
                each = ", ".join(f"{p['ready'] / 1000:.2f}" for p in pages)
                rows += [
                    f"Cold visit, {args.runs} interleaved runs each (medians)",
                    Row(
                        "floor: bare loadPyodide() + 1+1, ready",
                        floor / 1000,
                        "s",
                        note="runs: " + ", ".join(f"{f / 1000:.2f}" for f in floors),
                    ),
                    Row("page: ready (controls enabled)", ready / 1000, "s", note="runs: " + each),
                    Row(
                        "page ready / floor ready",
                        ratio(ready, floor),
                        "×",
                        Budget("<=", 1.10),
                        note=f"{(ready - floor) / 1000:+.2f} s over the floor",
                    ),
                    Row(
                        "page: Python start-up, main.py starts (py:ready) → controls enabled",
                        median(start_up(p) for p in pages),
                        "ms",
                        Budget("<=", 300.0),
                        note="runs: " + ", ".join(f"{start_up(p):.0f}" for p in pages),
                    ),
                    Row("page: first contentful paint", median(p["fcp"] for p in pages), "ms"),
                    Row(
                        "page: first real numbers (Timesteps table)",
                        median(p["numbers"] for p in pages),
                        "ms",
                        Budget("<=", 500.0),
                    ),
                ]
                if baselines:
                    before = median(p["ready"] for p in baselines)
                    rows += [
                        Row(
                            f"baseline ({args.baseline}): ready",
                            before / 1000,
                            "s",
                            note="runs: "
                            + ", ".join(f"{p['ready'] / 1000:.2f}" for p in baselines),
                        ),
                        Row("baseline ready / floor ready", ratio(before, floor), "×"),
                        Row(
                            "baseline: Python start-up",
                            median(start_up(p) for p in baselines),
                            "ms",
                            note="runs: " + ", ".join(f"{start_up(p):.0f}" for p in baselines),
                        ),
                        Row(
                            "baseline: first real numbers",
                            median(p["numbers"] for p in baselines),
                            "ms",
                        ),
                    ]
                files = assets(site, requests, url, pages[0].get("later", ()))
                start = [f for f in files if f[3] == "start"]
                raw, gz = sum(f[1] for f in start), sum(f[2] for f in start)
                idle = [f for f in files if f[3] == "idle"]
                rows += [
                    Row(
                        "cold transfer until ready and first numbers, gzip -9 (estimate)",
                        gz / 1e6,
                        "MB",
                        Budget("<=", 5.0),
                        note=f"{raw / 1e6:.2f} MB raw, {len(start)} requests",
                    ),
                    Row(
                        "  then at idle after ready (lazy files), gzip -9",
                        sum(f[2] for f in idle) / 1e6,
                        "MB",
                        note=f"{len(idle)} requests: " + ", ".join(f[0] for f in idle),
                    ),
                ]
            if "repeat" not in skip:
                times, served = repeat_visits(browser, url)
                rows += [
                    "Repeat visit (service worker cache)",
                    Row(
                        "page: ready",
                        median(times) / 1000,
                        "s",
                        Budget("<=", 1.5),
                        note="runs: "
                        + ", ".join(f"{t / 1000:.2f}" for t in times)
                        + f"; {min(served)}+ files from the worker",
                    ),
                ]
            if "interact" not in skip:
                cells = "cells" not in skip
                rows += ["Interaction, animations and memory", *interactions(browser, url, cells)]
            if "work" not in skip:
                rows += ["Python throughput (best of 3)", *throughput(browser, url)]
            imports = import_profile(browser, url) if args.imports else None
            browser.close()
    finally:
        server.shutdown()
        if args.baseline:
            other.shutdown()
        (site / FLOOR).unlink(missing_ok=True)
    print(f"Machine: {machine()}")
    print(f"Build: {site} (version {(site / 'build-version.txt').read_text().strip()})")
    print()
    print(table(rows))
    if files:
        print()
        print(asset_table(files))
    if args.profile and "cold" not in skip:
        print()
        print(profile(pages, floor))
        if baselines:
            print()
            print("Baseline:", profile(baselines, floor))
    if imports:
        print()
        print(imports)
    print(f"\n(suite took {time.perf_counter() - began:.0f} s)")


if __name__ == "__main__":
    main()
