"""The Python cost of one repaint and one training epoch for each cell, before and after a change.

    python3 bench/bench_cells_speed.py                 (base: where this branch left main)
    python3 bench/bench_cells_speed.py --base 5aba49d  (any commit)
    python3 bench/bench_cells_speed.py --rounds 9 --quick

The base commit's rnn_py is exported with `git archive` into a temporary folder as the package
`rnn_py_base` (rnn_py imports itself only relatively, so both live in one process), and every
figure is timed for the base and for this worktree in turns (interleaved rounds), as CPU time of
this process (time.process_time), so other sessions on the machine disturb both sides alike. A
figure is the median over the rounds of the mean per call within a round, in milliseconds.

Rows, for seq=sine&norm=1 with n = 8 hidden units (and n = 1) and T = 12 and 64:
- snapshot: rnn_py.page.view.snapshot_json of the state, with view's one-entry model cache cleared
  first, as after a slider drag or a typed weight (everything a repaint computes);
- backward, reach: cells.backward and cells.reach alone (reach after a backward of the same
  weights, as view calls them);
- epoch: one BPTT epoch of train_bptt (gradient descent), the step the training animation runs;
- to_query, weight_cells, check_params: the per-snapshot overheads on their own.
With --pyodide the same table is timed in the page's own Pyodide, run by Node.js from the
build's vendored copy (CPU time from Node's process.cpuUsage). No assertions: figures only.
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def export_base(commit: str, folder: Path) -> None:
    """rnn_py at commit, unpacked as folder/rnn_py_base."""
    data = subprocess.run(
        ["git", "archive", "--format=tar", commit, "rnn_py"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=BytesIO(data)) as tar:
        tar.extractall(folder, filter="data")
    (folder / "rnn_py").rename(folder / "rnn_py_base")


def default_base() -> str:
    out = subprocess.run(
        ["git", "merge-base", "HEAD", "main"], cwd=ROOT, capture_output=True, text=True
    )
    return out.stdout.strip() or "HEAD"


class Version:
    """One version of rnn_py and the calls that are timed on it."""

    def __init__(self, package: str):
        self.state = importlib.import_module(package + ".state")
        self.view = importlib.import_module(package + ".view")
        self.cells = importlib.import_module(package + ".cells")
        self.grid = importlib.import_module(package + ".grid")
        self.train = importlib.import_module(package + ".train")

    def cases(self, cell: str, n: int, T: int) -> dict:
        state, _ = self.state.from_query(f"seq=sine&norm=1&n={n}&cell={cell}&len={T}")
        params, xs = state.params, state.xs()
        view, cells, train = self.view, self.cells, self.train

        def snapshot():
            view._model_part.cache_clear()
            view.snapshot_json(state, view.History(), running="bptt")

        def backward():
            cells.backward(params, xs, state.activation)

        def reach():
            cells.backward(params, xs, state.activation)
            cells.reach(params, xs, state.activation)

        epochs = train.train_bptt(params, xs, state.activation, lr=1e-4, epochs=10**9)

        def epoch():
            next(epochs)

        return {
            "snapshot": snapshot,
            "backward": backward,
            "backward+reach": reach,
            "epoch": epoch,
            "to_query": lambda: self.state.to_query(state),
            "weight_cells": lambda: self.grid.weight_cells(params),
            "check_params": lambda: cells.check_params(params),
        }


def per_call_ms(fn, seconds: float, clock=time.process_time) -> float:
    """The mean CPU time of one call, over about `seconds` of calls."""
    fn()
    calls, start = 0, clock()
    while True:
        fn()
        calls += 1
        spent = clock() - start
        if spent >= seconds:
            return 1000.0 * spent / calls


def table(rounds: int, quick: bool, clock=time.process_time) -> None:
    """Print the table rows, timing rnn_py_base and rnn_py (both importable) in turns."""
    versions = {"base": Version("rnn_py_base"), "now": Version("rnn_py")}
    seconds = 0.05 if quick else 0.1
    sizes = [(8, 12), (8, 64)] if quick else [(1, 12), (8, 12), (8, 64)]
    print("| cell | n | T | what | base ms | now ms | now/base |")
    print("|---|--:|--:|---|--:|--:|--:|")
    for cell in ("vanilla", "gru", "lstm"):
        for n, T in sizes:
            cases = {name: v.cases(cell, n, T) for name, v in versions.items()}
            for what in cases["now"]:
                times = {"base": [], "now": []}
                for _ in range(rounds):
                    for name in versions:
                        times[name].append(per_call_ms(cases[name][what], seconds, clock))
                b, a = statistics.median(times["base"]), statistics.median(times["now"])
                print(f"| {cell} | {n} | {T} | {what} | {b:.3f} | {a:.3f} | {a / b:.2f} |")
            sys.stdout.flush()


# Runs `table` inside Pyodide under Node.js, from the build's vendored copy (python3 build.py
# first): the worktree and the base export are mounted, and CPU time is Node's
# process.cpuUsage() (user + system), the nearest thing to process_time there.
PYODIDE_MJS = """
const [indexURL, root, base, rounds, quick] = process.argv.slice(2);
const { loadPyodide } = await import(indexURL + "pyodide.mjs");
const pyodide = await loadPyodide({ indexURL });
for (const [dir, at] of [[root, "/wt"], [base, "/base"]]) {
  pyodide.FS.mkdir(at);
  pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: dir }, at);
}
pyodide.runPython(`
import sys, js
sys.path[:0] = ["/wt", "/wt/bench", "/base"]
import bench_cells_speed as b
def cpu():
    u = js.process.cpuUsage()
    return (u.user + u.system) / 1e6
print("Pyodide", sys.version.split()[0])
b.table(${rounds}, ${quick === "1" ? "True" : "False"}, cpu)
`);
"""


def run_in_pyodide(folder: Path, rounds: int, quick: bool) -> None:
    import build

    index = build.OUT / "vendor" / "pyodide"
    if not (index / "pyodide.mjs").exists():
        sys.exit(f"No Pyodide at {index}: run python3 build.py first.")
    script = folder / "bench.mjs"
    script.write_text(PYODIDE_MJS)
    subprocess.run(
        ["node", str(script), f"{index}/", str(ROOT), str(folder), str(rounds), str(int(quick))],
        check=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", default=None, help="the commit to compare with")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="n = 8 only, shorter rounds")
    parser.add_argument("--pyodide", action="store_true", help="in Pyodide under Node.js")
    args = parser.parse_args()
    base = args.base or default_base()
    folder = Path(tempfile.mkdtemp(prefix="rnn_base_"))
    export_base(base, folder)
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    clock = "Node's process.cpuUsage" if args.pyodide else "process_time"
    print(f"CPU ms per call ({clock}), median of {args.rounds} interleaved rounds")
    print(f"base = {base[:10]}, now = worktree at {head} (with uncommitted changes, if any)")
    print()
    sys.stdout.flush()
    if args.pyodide:
        run_in_pyodide(folder, args.rounds, args.quick)
        return
    sys.path.insert(0, str(folder))
    table(args.rounds, args.quick)


if __name__ == "__main__":
    main()
