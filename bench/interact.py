"""Interaction: handling time of events into a control at every size and cell, the training and
search animations, memory over a long session, the loss landscape and the text task's training
animation.
Imported by run.py, which puts bench/ and the project on sys.path."""

from __future__ import annotations

from probes import TIMEOUT, longest_task, open_view
from report import Budget, Row, percentile

# Events into one control, one per animation frame, as a drag or a person's typing produces
# them: each event's handling time, from dispatch until the painter has returned.
EVENTS = """async ({ selector, type, values, count, drag, nudge }) => {
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
      if (nudge) {  // a step up or down, as a number box's arrows give it: input, then change
        if (i % 20 < 10) control.stepUp(); else control.stepDown();
        control.dispatchEvent(new Event("input", { bubbles: true }));
      } else control.value = String(values[i % values.length]);
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
NUDGED = "8 units, T = 12"  # the size whose typed weight is also nudged by a step
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


def handling(page, label, control, budget):
    """Rows for 200 events into one control: p50, p95 (with the budget), the longest task."""
    selector, kind, values = control
    names = {"input": "slider drag", "drag": "grid cell drag", "change": "weight typed (committed)",
             "nudge": "grid cell nudged (stepUp, input, change)"}  # fmt: skip
    what = names[kind]
    args = {"selector": selector, "type": {"drag": "input", "nudge": "change"}.get(kind, kind),
            "values": values, "drag": kind == "drag", "nudge": kind == "nudge"}  # fmt: skip
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
                if label == NUDGED:  # a weight cell's arrows (issue 25: 8.9 ms p95 measured)
                    rows += handling(page, name, (typed_in[0], "nudge", CELL_VALUES), budget)
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


# The "Remember across 100 steps" preset (issue 27): a GRU with b_z = 5 trained for 300 epochs
# of 16 examples of the long-lag task with gap 100, on the page's main thread. BPTT yields after
# each example, so a frame holds about one example's work; frames that finish no epoch repaint
# nothing. Measured: the frames the browser delivered per second while it ran, its longest task,
# and how long the whole run took (the budget: a minute).
PRESET_RUN = """async ({ limit }) => {
  const status = document.getElementById("train-status");
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  await frame();
  const start = performance.now();
  let frames = 0;
  document.getElementById("preset-remember-100").click();
  while (performance.now() - start < limit * 1000) {
    await frame();
    frames++;
    if (/^BPTT: /.test(status.textContent)) break;
  }
  return { start, end: performance.now(), frames, status: status.textContent };
}"""
PRESET_LIMIT = 240  # seconds before the measurement gives up


def memory_preset(browser, url):
    context, page = open_view(browser, url, "seq=sine")
    try:
        run = page.evaluate(PRESET_RUN, {"limit": PRESET_LIMIT})
        seconds = (run["end"] - run["start"]) / 1000
        done = run["status"].startswith("BPTT: 300 epochs")
        task = longest_task(page, run["start"], run["end"])
        label = "memory preset (GRU, b_z = 5, gap 100, 300 epochs × 16)"
        return [
            Row(f"{label}: whole run", seconds if done else None, "s", Budget("<=", 60.0),
                note=run["status"] if done else f"not done after {PRESET_LIMIT} s"),  # fmt: skip
            Row(f"{label}: frames per second", run["frames"] / seconds, "fps",
                Budget(">=", 58.0), note=f"{run['frames']} frames"),  # fmt: skip
            Row(f"{label}: longest task", task, "ms", Budget("<=", 50.0)),
        ]
    finally:
        context.close()
