"""What the Python console's own interpreter (a web worker with a second Pyodide) costs.

    python3 bench/bench_console.py [--runs 3] [--site DIR]

Builds the site if needed, serves it on 127.0.0.1 and prints, as medians over fresh browser
contexts (a cold cache each time, no service worker): the page's own start (controls enabled;
the worker does not start before the console is opened), the worker's start after the panel is
opened (until its welcome), the first entry's latency when it is typed at once after opening
the panel (Enter to its output, boot included), and a later entry's. No assertions: figures.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import build  # noqa: E402

ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-gpu"]  # fmt: skip
ENTRIES = "document.querySelectorAll('#console-output .console-in').length"


def one_run(browser, url):
    context = browser.new_context(service_workers="block")
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url)
    page.locator("html[data-py-ready]").wait_for(state="attached", timeout=120_000)
    ready = time.perf_counter() - start
    workers_before = len(page.workers)
    opened = time.perf_counter()
    page.locator("#console-panel > summary").click()
    box = page.get_by_role("textbox", name="Python input")
    box.fill("rnn_py.forward(params, xs, activation).loss")
    box.press("Enter")
    page.wait_for_function(f"{ENTRIES} === 1", timeout=120_000)
    first = time.perf_counter() - opened
    welcome = time.perf_counter()
    box.fill("6 * 7")
    box.press("Enter")
    page.wait_for_function(f"{ENTRIES} === 2", timeout=60_000)
    later = time.perf_counter() - welcome
    context.close()
    return ready, workers_before, first, later


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--site", type=Path, help="measure this build instead (no building)")
    args = parser.parse_args()
    site = args.site or build.build()
    server = build.make_server(site, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=build.chromium_path(), args=ARGS)
        runs = [one_run(browser, url) for _ in range(args.runs)]
        browser.close()
    server.shutdown()
    ready, workers, first, later = zip(*runs, strict=True)
    print(f"| figure (median of {args.runs}) | value |")
    print("|---|--:|")
    print(f"| page ready (controls enabled) | {statistics.median(ready):.2f} s |")
    print(f"| workers running before the console is opened | {max(workers)} |")
    print(f"| first console entry, typed at once after opening the panel | "
          f"{statistics.median(first):.2f} s |")  # fmt: skip
    print(f"| a later console entry (6 * 7) | {statistics.median(later) * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
