"""The Exercises panel's Check (issue 26: "a Check returns within 1 s for every exercise"): each
exercise's reference solution checked in the page's grading worker (console-worker.js), timed
on the page from the request to its answer. Imported by run.py, which puts bench/ and the
project on sys.path."""

from __future__ import annotations

from probes import TIMEOUT, open_view
from report import Budget, Row, median

from rnn_py.exercises import EXERCISES

REPEATS = 5  # checks of each exercise after its first
LIMIT = 7.0  # seconds before the page would end the worker (site/panels/exercises.py: HARD)

# Every exercise in turn: its first check, then REPEATS more; each from the request to the
# answer (js/panels/exercises.js's check, as the Check button's handler calls it).
CHECKS = """async ({ sources, repeats, limit }) => {
  const runner = await window.RnnPage.loadPanel("exercises");
  const out = [];
  for (const [number, source] of sources) {
    const times = [];
    let passed = true;
    for (let i = 0; i <= repeats; i++) {
      const t0 = performance.now();
      const json = await runner.check(number, source, limit);
      times.push(performance.now() - t0);
      passed = passed && Boolean(json) && JSON.parse(json).passed === true;
    }
    out.push({ number, times, passed });
  }
  return out;
}"""


def checks(browser, url):
    """Rows: the worker's first check (it imports rnn_py.exercises), then per exercise the
    median and the worst of its checks (its first included), with the 1 s budget on the worst."""
    number = EXERCISES[0].number
    context, page = open_view(browser, url, f"exercise={number}")
    try:
        page.locator("#ex-status").filter(has_text="Ready").wait_for(timeout=TIMEOUT)
        warm = page.evaluate(CHECKS, {"sources": [[number, EXERCISES[0].stub]], "repeats": 0,
                                      "limit": LIMIT})  # fmt: skip
        sources = [[e.number, e.solution] for e in EXERCISES]
        got = page.evaluate(CHECKS, {"sources": sources, "repeats": REPEATS, "limit": LIMIT})
    finally:
        context.close()
    rows = [Row("the worker's first check (imports rnn_py.exercises; a stub that fails)",
                warm[0]["times"][0], "ms")]  # fmt: skip
    for e, result in zip(EXERCISES, got, strict=True):
        times = result["times"]
        rows.append(
            Row(
                f"exercise {e.number} ({e.name}), reference solution: worst check",
                max(times) if result["passed"] else None,
                "ms",
                Budget("<=", 1000.0),
                note=f"median {median(times):.0f} ms, first {times[0]:.0f} ms, {len(times)} checks"
                if result["passed"] else "the reference solution did not pass",
            )
        )  # fmt: skip
    return rows
