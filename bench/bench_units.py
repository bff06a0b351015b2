"""Figures for the Memory panel's "Compare hidden sizes" in headless Chromium: how long the
comparison of 1, 2 and 3 units (2000 epochs each) takes, and the main thread's long tasks
(over 50 ms) while it runs; and the CPython time of the same comparison for reference.

    python3 bench/bench_units.py

Builds the site (RNN_BUILD_DIR is honoured), serves it on 127.0.0.1 and prints a table.
No assertions: on a busy machine the long tasks include time the process was not running.
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import build  # noqa: E402
from rnn_py import make_sequence  # noqa: E402
from rnn_py.studies.units import COMPARE_EPOCHS, loss_curves  # noqa: E402

ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-gpu"]  # fmt: skip
LONG_TASKS = """
window.__long = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.__long.push(e.duration);
}).observe({ entryTypes: ["longtask"] });
"""
RUNS = 3


def main() -> None:
    from playwright.sync_api import sync_playwright

    xs = make_sequence("sine", 12, normalized=True)
    start = time.perf_counter()
    loss_curves(xs, "linear", (1, 2, 3), 0, 0.05, 5.0, COMPARE_EPOCHS)
    cpython = time.perf_counter() - start

    site = build.build()
    server = build.make_server(site, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/#seq=sine&norm=1&act=linear&seed=0"
    rows = [(f"CPython: 1, 2, 3 units × {COMPARE_EPOCHS} epochs", f"{cpython:.2f} s")]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=build.chromium_path(), args=ARGS)
        page = browser.new_page()
        page.add_init_script(LONG_TASKS)
        page.goto(url)
        page.locator("html[data-py-ready]").wait_for(state="attached", timeout=120_000)
        page.locator("#units-panel > summary").click()
        for run in range(RUNS):
            page.wait_for_timeout(500)
            page.evaluate("window.__long = []")
            start = time.perf_counter()
            page.click("#units-compare")
            page.locator("#units-panel[data-compare=running]").wait_for()
            page.locator("#units-panel[data-compare=done]").wait_for(timeout=300_000)
            took = time.perf_counter() - start
            long = page.evaluate("window.__long")
            rows.append((f"page: compare hidden sizes, run {run + 1}", f"{took:.2f} s"))
            worst = f"{max(long):.0f} ms" if long else "none"
            rows.append(
                (f"  long tasks (> 50 ms) during run {run + 1}", f"{len(long)}, worst {worst}")
            )
        browser.close()
    server.shutdown()
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label.ljust(width)}  {value}")


if __name__ == "__main__":
    main()
