"""Figures for the page in headless Chromium: start-up, slider response, training animation.

    python3 bench/bench_page.py

Builds the site if needed, serves it on 127.0.0.1 and prints a table. No assertions: these are
figures to read and compare between changes, not pass/fail tests.
"""

from __future__ import annotations

import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import build  # noqa: E402

ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-gpu"]  # fmt: skip
READY = "html[data-py-ready]"
# Counts and times RnnPage.paint, the one call Python makes per repaint.
COUNT_PAINTS = """
window.__paints = {n: 0, ms: 0};
Object.defineProperty(window, "RnnPage", {configurable: true, set(page) {
  const paint = page.paint;
  page.paint = (json) => { const t = performance.now(); paint(json);
    __paints.n++; __paints.ms += performance.now() - t; };
  Object.defineProperty(window, "RnnPage", {value: page, writable: true, configurable: true});
}});
"""


def main() -> None:
    from playwright.sync_api import sync_playwright

    site = build.build()
    server = build.make_server(site, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/"
    rows = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=build.chromium_path(), args=ARGS)
        boots = []
        for i in range(3):
            context = browser.new_context()  # a cold cache each time
            page = context.new_page()
            start = time.perf_counter()
            page.goto(url)
            page.locator(READY).wait_for(state="attached", timeout=60_000)
            boots.append(time.perf_counter() - start)
            if i < 2:
                context.close()
        rows.append(
            ("cold start to controls enabled (median of 3)", f"{statistics.median(boots):.2f} s")
        )

        page.add_init_script(COUNT_PAINTS)
        page.reload()
        page.locator(READY).wait_for(state="attached", timeout=60_000)
        # A drag's own "input" events, dispatched in the page: each runs the Python handler,
        # rnn_py's snapshot and the painter synchronously, so the time per event is the
        # page's whole response to it (the screen itself is drawn after the loop).
        events = 500
        per_event = page.evaluate(
            """(count) => {
              const slider = document.getElementById("w_hh");
              __paints.n = 0; __paints.ms = 0;
              const start = performance.now();
              for (let i = 0; i < count; i++) {
                slider.value = String(-1.5 + (i % 300) / 100);
                slider.dispatchEvent(new Event("input", { bubbles: true }));
              }
              return (performance.now() - start) / count;
            }""",
            events,
        )
        paint_ms = page.evaluate("__paints.ms / __paints.n")
        rows.append(("slider input event, handled and repainted (mean)", f"{per_event:.1f} ms"))
        rows.append(("  of which drawing in JS (js/index.js paint)", f"{paint_ms:.1f} ms"))

        # The same for a weight-grid cell dragged (n ≥ 2): each "input" event the drag dispatches
        # is applied by panels/weights.py and repainted, as a slider's is.
        for n, length in ((2, 12), (8, 12), (8, 64)):
            page.goto("about:blank")
            page.goto(f"{url}#seq=sine&norm=1&n={n}&len={length}")
            page.locator(READY).wait_for(state="attached", timeout=60_000)
            per_cell = page.evaluate(
                """(count) => {
                  const box = document.querySelector("#weight-grid [aria-label='W_hh[1,2]']");
                  box.dataset.dragging = "1";
                  __paints.n = 0; __paints.ms = 0;
                  const start = performance.now();
                  for (let i = 0; i < count; i++) {
                    box.value = String(-1.5 + (i % 300) / 100);
                    box.dispatchEvent(new Event("input", { bubbles: true }));
                  }
                  return (performance.now() - start) / count;
                }""",
                200,
            )
            cell_paint = page.evaluate("__paints.ms / __paints.n")
            name = f"grid cell drag event, n={n}, T={length} (mean; JS drawing)"
            rows.append((name, f"{per_cell:.1f} ms; {cell_paint:.1f} ms"))

        for query in (
            "#seq=fibonacci&norm=1",
            "#seq=sine&len=64&norm=1",
            "#seq=fibonacci&norm=1&n=4",
        ):
            page.goto("about:blank")
            page.goto(url + query)
            page.locator(READY).wait_for(state="attached", timeout=60_000)
            page.evaluate("__paints.n = 0; __paints.ms = 0")
            start = time.perf_counter()
            page.get_by_role("button", name="Train (BPTT)").click()
            page.locator("#train-status").filter(has_text="epochs").wait_for(timeout=60_000)
            elapsed = time.perf_counter() - start
            frames = page.evaluate("__paints.n")
            rows.append(
                (f"300 BPTT epochs, animated, {query[1:]}", f"{elapsed:.2f} s, {frames} frames")
            )
        browser.close()
    server.shutdown()
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
