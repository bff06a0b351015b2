"""Figures for the Loss landscape panel in headless Chromium: how long a 48 × 48 map takes in
the page and the longest main-thread task while it is computed.

    python3 bench/bench_page_landscape.py

A PerformanceObserver records every long task (over 50 ms) from the moment the panel opens
until the map is complete. No assertions: figures to read and compare between changes.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import build  # noqa: E402

ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-gpu"]  # fmt: skip
READY = "html[data-py-ready]"
COMPLETE = "() => document.getElementById('ls-status').textContent.startsWith('Map complete')"
# The preset's map is complete when its wall is reported (tests/test_landscape.py: 1728 ×).
CLIFF_WALL = "() => document.getElementById('ls-wall').textContent.includes('1728 ×')"
OBSERVE = """() => {
  window.__long = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__long.push(e.duration);
  }).observe({type: "longtask"});
  window.__t0 = performance.now();
}"""
CASES = [
    ("1 unit, T = 12, default axes", "#seq=sine&len=12&n=1", False),
    ("1 unit, T = 64, with gradients (Cliffs preset)", "#seq=sine&len=12&n=1", True),
    ("4 units, T = 64", "#seq=sine&len=64&n=4", False),
    ("8 units, T = 64", "#seq=sine&len=64&n=8", False),
]


def main() -> None:
    from playwright.sync_api import sync_playwright

    site = build.build()
    server = build.make_server(site, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/"
    print("| map | time to complete | long tasks (> 50 ms) | longest |")
    print("|---|---:|---:|---:|")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=build.chromium_path(), args=ARGS)
        for name, hash_, cliffs in CASES:
            context = browser.new_context(service_workers="block")
            page = context.new_page()
            page.goto(url + hash_)
            page.locator(READY).wait_for(state="attached", timeout=60_000)
            page.wait_for_timeout(500)
            if cliffs:
                page.locator("#landscape-panel > summary").click()
                page.wait_for_function(COMPLETE, timeout=120_000)
                page.evaluate(OBSERVE)
                page.get_by_role("button", name="Cliffs (Pascanu et al., 2013)").click()
                page.wait_for_function(CLIFF_WALL, timeout=300_000, polling=10)
            else:
                page.evaluate(OBSERVE)
                page.locator("#landscape-panel > summary").click()
            page.wait_for_function(COMPLETE, timeout=300_000, polling=10)
            seconds = page.evaluate("(performance.now() - window.__t0) / 1000")
            page.wait_for_timeout(200)  # the observer reports a moment later
            long = page.evaluate("window.__long")
            longest = f"{max(long):.0f} ms" if long else "—"
            print(f"| {name} | {seconds:.2f} s | {len(long)} | {longest} |")
            context.close()
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
