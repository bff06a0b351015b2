"""Figures for the gated cells on the page in headless Chromium: how long one grid-cell edit
and one change of cell take with an LSTM of 8 units, and the longest main-thread task meanwhile.

    python3 bench/bench_page_cells.py

Builds the site if needed, serves it on 127.0.0.1 and prints a table. The budget is no
main-thread task over 50 ms (a "long task" as the browser counts it). No assertions.
"""

from __future__ import annotations

import statistics
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import build  # noqa: E402

ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-gpu"]  # fmt: skip
READY = "html[data-py-ready]"

# Edits a grid cell `count` times, one event per task as a person would, and returns each
# event's time from dispatch until the painter has drawn it, with the long tasks seen meanwhile.
EDIT_JS = """
async ([label, count, kind]) => {
  const long = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) long.push(e.duration);
  });
  observer.observe({ type: "longtask", buffered: false });
  const times = [];
  for (let k = 0; k < count; k++) {
    await new Promise((r) => setTimeout(r, 30));
    const start = performance.now();
    if (kind === "cell") {
      const box = document.querySelector(`#weight-grid input[aria-label='${label}']`);
      box.value = String(((k % 7) - 3) * 0.3);
      box.dispatchEvent(new Event("change", { bubbles: true }));
    } else {
      const select = document.getElementById("cell");
      select.value = k % 2 ? "lstm" : "gru";
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }
    times.push(performance.now() - start);
  }
  await new Promise((r) => setTimeout(r, 200));
  observer.disconnect();
  return { times, long };
}
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
        page = browser.new_page()
        cases = [("vanilla", 12, "cell", "W_hh[3,5]"), ("lstm", 12, "cell", "W_hf[3,5]"),
                 ("lstm", 12, "select", ""), ("lstm", 64, "cell", "W_hf[3,5]")]  # fmt: skip
        for cell, length, kind, label in cases:
            page.goto(f"{url}#seq=sine&len={length}&cell={cell}&n=8")
            page.reload()
            page.locator(READY).wait_for(state="attached", timeout=60_000)
            result = page.evaluate(EDIT_JS, [label, 20, kind])
            times, long = result["times"], result["long"]
            what = "grid-cell edit" if kind == "cell" else "cell change GRU ⇄ LSTM"
            name = "Vanilla" if cell == "vanilla" else "LSTM"
            rows.append((
                f"{name} n = 8, T = {length}: {what} (median / max of 20)",
                f"{statistics.median(times):.1f} / {max(times):.1f} ms",
                f"{len(long)} over 50 ms" + (f" (longest {max(long):.0f} ms)" if long else ""),
            ))  # fmt: skip
        browser.close()
    server.shutdown()
    width = max(len(r[0]) for r in rows)
    for name, value, long in rows:
        print(f"{name:<{width}}  {value:>18}  {long}")


if __name__ == "__main__":
    main()
