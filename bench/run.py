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
  and shows its first numbers (the cold-transfer budget), and apart, those fetched at idle after;
- a Check of every exercise's reference solution in the grading worker (median and worst).

Figures, not tests: nothing here fails when a budget is missed. The parts: `probes.py` (what
every page gets, opening a view), `visits.py` (cold and repeat visits, bytes, the start-up
timeline and import profile), `interact.py` (events, animations, memory, the landscape, the
text task), `work.py` (Python throughput), `checks.py` (the exercises' Check), `report.py`
(rows, budgets and the table).
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

from checks import checks  # noqa: E402
from interact import interactions, memory_preset  # noqa: E402
from probes import ARGS, FLOOR, FLOOR_HTML  # noqa: E402
from report import Budget, Row, median, ratio, table  # noqa: E402
from visits import (  # noqa: E402
    asset_table,
    assets,
    cold_floor,
    cold_run,
    import_profile,
    profile,
    repeat_visits,
    start_up,
    translated_visits,
)
from work import throughput  # noqa: E402

import build  # noqa: E402


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
        help="comma list: cold,lang,repeat,interact,preset,work,checks; cells (of interact: "
        "only the text rows)",
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
            if "lang" not in skip:
                rows += translated_visits(browser, url, site, args.runs)
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
            if "preset" not in skip:
                rows += ["Remember across 100 steps", *memory_preset(browser, url)]
            if "work" not in skip:
                rows += ["Python throughput (best of 3)", *throughput(browser, url)]
            if "checks" not in skip:
                rows += ["Exercises: a Check in the grading worker (ms)", *checks(browser, url)]
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
