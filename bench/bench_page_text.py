"""Figures for text mode in headless Chromium: characters per second of training in the page
(truncated BPTT in slices between frames, painting as it goes) and the longest main-thread
tasks meanwhile, for each cell at n = 16 (and the LSTM at 32) on the nursery rhyme (30 distinct
characters).

    python3 bench/bench_page_text.py [windows]

A link with trained=N makes the page replay N windows at start-up; the page reports the rate,
its slowest single piece of work (a window runs in pieces: a time step forward or back, a row
of the gradient, a slice of the update; one window may span frames), how many frames ended with
a window partly done, and how its frames were spent (medians, ms): training's windows,
painting (Python's data and JSON plus text.js's drawing) and how late in the frame Python
started (the browser's drawing of the frame before, and PyScript's scheduling), and the
budget the frame had for all of it (lowered after dropped frames). No assertions:
figures to read, not pass/fail tests.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import build  # noqa: E402
from rnn_py.page.state import DemoState, to_query  # noqa: E402
from rnn_py.text import task as tx  # noqa: E402

ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-gpu"]  # fmt: skip
READY = "html[data-py-ready]"
LONG_TASKS = """window.__long = [];
new PerformanceObserver((list) => list.getEntries().forEach((e) => __long.push(e.duration)))
  .observe({type: "longtask", buffered: true});"""
CASES = (("vanilla", 16), ("gru", 16), ("lstm", 16), ("lstm", 32))


def main() -> None:
    from playwright.sync_api import sync_playwright

    windows = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    site = build.build()
    server = build.make_server(site, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/"
    text = tx.PRESETS["rhyme"]
    print(f"{windows} windows of 25 characters on the nursery rhyme ({len(set(text))} distinct)")
    print(f"{'cell':8} {'n':>3} {'chars/s':>8} {'slowest piece':>14} {'tasks > 50 ms':>14} "
          f"{'longest task':>13} {'frames':>7} {'split':>6} {'windows':>8} {'paint':>6} "
          f"{'late':>6} {'budget':>7}")  # fmt: skip
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=build.chromium_path(), args=ARGS)
        for cell, n in CASES:
            state = DemoState(mode="text", text=text, text_cell=cell, text_hidden=n,
                              trained=windows)  # fmt: skip
            context = browser.new_context(service_workers="block")
            page = context.new_page()
            page.goto(url + "#" + to_query(state))
            page.locator(READY).wait_for(state="attached", timeout=120_000)
            page.evaluate(LONG_TASKS)  # from here on: the replay, not the start-up
            page.wait_for_function("document.getElementById('text-stage').dataset.rate",
                                   timeout=600_000)  # fmt: skip
            figures = page.evaluate("({...document.getElementById('text-stage').dataset})")
            long = page.evaluate("__long")
            longest = max(long, default=0)
            print(f"{cell:8} {n:>3} {figures['rate']:>8} {figures['slowest'] + ' ms':>14} "
                  f"{len(long):>14} {longest:>10.0f} ms {figures.get('frames', '—'):>7} "
                  f"{figures.get('split', '—'):>6} "
                  f"{figures.get('windowsMs', '—'):>8} {figures.get('paintMs', '—'):>6} "
                  f"{figures.get('lateMs', '—'):>6} {figures.get('workMs', '—'):>7}")  # fmt: skip
            context.close()
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
