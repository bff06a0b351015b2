"""Python throughput: BPTT epochs, random-search trials and text characters per second, the same
code in the page's Pyodide and on this CPython, side by side.
Imported by run.py, which puts bench/ and the project on sys.path."""

from __future__ import annotations

from probes import EXPOSE_INTERPRETER, READY, TIMEOUT
from report import Budget, Row, ratio

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

from rnn_py.text.task import text_params, train_text

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
