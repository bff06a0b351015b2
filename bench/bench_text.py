"""How fast the text task runs on CPython: characters per second of BPTT training, per cell.

    python bench/bench_text.py             CPython
    python bench/bench_text.py --pyodide   also the page's Pyodide, run by Node (CPU time)

The text is 2,000 characters drawn with a fixed seed from a 30-character vocabulary; each cell
has n = 16 hidden units and trains with train_text's defaults (windows of 25 characters, Adam,
clipping at 5). Each figure is the best of several runs; "CPU" divides by the process's CPU
time rather than the wall clock, the steadier figure on a machine shared with other work.
Sampling is one character at a time, as the page writes. --pyodide builds the site and runs the
same training in its vendored Pyodide under Node (`node` must be installed), timed by
process.cpuUsage(); bench/run.py measures it inside the page itself (wall clock and CPU). The
page's budget: 3,000 chars/s for the vanilla cell and 1,000 for the LSTM.
"""

import json
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import deque
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rnn_py.text import core as textcore  # noqa: E402
from rnn_py.text.task import Vocab, sample, text_params, train_text  # noqa: E402

CHARS = "abcdefghijklmnopqrstuvwxyz ,.\n"  # 30 characters
BUDGET = {"vanilla": 3000, "gru": None, "lstm": 1000}


def corpus(length=2000, seed=0):
    """A text of `length` characters using all 30 of CHARS."""
    rng = random.Random(seed)
    text = CHARS + "".join(rng.choice(CHARS) for _ in range(length - len(CHARS)))
    assert len(set(text)) == 30
    return text


def best_rate(run, count, clock, reps=7):
    """count / the best of reps timings of run()."""
    best = float("inf")
    for _ in range(reps):
        begin = clock()
        run()
        best = min(best, clock() - begin)
    return count / best


def training(cell, text, windows):
    params = text_params(cell, 16, 30, seed=0)

    def run():
        (last,) = deque(train_text(params, text, windows=windows), maxlen=1)
        assert last.status == "done", last.message

    return run


def sampling(cell, text, count):
    params, vocab = text_params(cell, 16, 30, seed=0), Vocab(text)
    return lambda: sample(params, vocab, "a", count, 1.0, seed=0)


# Node: load the vendored Pyodide, copy rnn_py into its file system, time the same training.
NODE_SCRIPT = """
import { loadPyodide } from "%(pyodide)s/pyodide.mjs";
import fs from "node:fs";
const py = await loadPyodide({ indexURL: "%(pyodide)s/" });
for (const f of fs.readdirSync("%(package)s", { recursive: true })) {
  if (!f.endsWith(".py") || f.includes("__pycache__")) continue;
  py.FS.mkdirTree("/bench/rnn_py/" + f.split("/").slice(0, -1).join("/"));
  py.FS.writeFile("/bench/rnn_py/" + f, fs.readFileSync("%(package)s/" + f));
}
py.runPython(`
import sys
sys.path.insert(0, "/bench")
from collections import deque
from rnn_py.text.task import text_params, train_text
def run(cell, text, windows):
    start = text_params(cell, 16, 30, seed=0)
    (last,) = deque(train_text(start, text, windows=windows), maxlen=1)
    assert last.status == "done", last.message
`);
const run = py.globals.get("run");
const text = %(text)s;
const out = { version: py.runPython("import sys; sys.version.split()[0]") };
for (const cell of ["vanilla", "gru", "lstm"]) {
  run(cell, text, 4);
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const before = process.cpuUsage();
    run(cell, text, %(windows)d);
    const used = process.cpuUsage(before);
    best = Math.min(best, (used.user + used.system) / 1e6);
  }
  out[cell] = (25 * %(windows)d) / best;
}
console.log(JSON.stringify(out));
"""


def pyodide_rates(text, windows=40):
    """chars/s of each cell in the page's Pyodide under Node, by CPU time."""
    import build

    node = shutil.which("node")
    if node is None:
        raise SystemExit("--pyodide needs Node.js (`node`) on the PATH")
    site = build.build()
    script = NODE_SCRIPT % {
        "pyodide": (site / "vendor" / "pyodide").as_posix(),
        "package": (ROOT / "rnn_py").as_posix(),
        "text": json.dumps(text),
        "windows": windows,
    }
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench_text.mjs"
        path.write_text(script)
        out = subprocess.run([node, str(path)], capture_output=True, text=True, timeout=900)
    if out.returncode != 0:
        raise SystemExit(out.stderr)
    return json.loads(out.stdout.splitlines()[-1])


def main():
    dot = "math.sumprod" if textcore._sumprod is not None else "sum(map(mul, a, b))"
    print(f"text task on {platform.python_implementation()} {platform.python_version()}, {dot}")
    print("n = 16, V = 30, windows of 25, Adam; chars/s, best of 7")
    print()
    text = corpus()
    pyodide = pyodide_rates(text) if "--pyodide" in sys.argv[1:] else None
    extra = f" Pyodide {pyodide['version']} (CPU) |" if pyodide else ""
    print(f"| cell    | train (wall) | train (CPU) | sample (CPU) |{extra} page budget |")
    print("|:--------|-------------:|------------:|-------------:|" + "-----:|" * bool(pyodide)
          + "------------:|")  # fmt: skip
    for cell in ("vanilla", "gru", "lstm"):
        guess = best_rate(training(cell, text, 4), 100, time.perf_counter, reps=2)
        windows = max(4, int(0.2 * guess / 25))
        run = training(cell, text, windows)
        wall = best_rate(run, 25 * windows, time.perf_counter)
        cpu = best_rate(run, 25 * windows, time.process_time)
        writes = best_rate(sampling(cell, text, 500), 500, time.process_time)
        there = f" {pyodide[cell]:,.0f} |" if pyodide else ""
        budget = f"≥ {BUDGET[cell]:,} in Pyodide" if BUDGET[cell] else ""
        print(f"| {cell:7} | {wall:12,.0f} | {cpu:11,.0f} | {writes:12,.0f} |{there} {budget} |")


if __name__ == "__main__":
    main()
