"""How fast the text task runs on CPython: characters per second of BPTT training, per cell.

Run with `python bench/bench_text.py`. The text is 2,000 characters drawn with a fixed seed from
a 30-character vocabulary; each cell has n = 16 hidden units and trains with train_text's
defaults (windows of 25 characters, Adam, clipping at 5). Each figure is the best of seven runs
of about 0.2 s; "CPU" divides by the process's CPU time rather than the wall clock, which is the
steadier figure on a machine shared with other work. Sampling is one character at a time, as
the page writes. The page's budget (Pyodide, in bench/run.py): 3,000 chars/s for the vanilla
cell and 1,000 for the LSTM.
"""

import platform
import random
import sys
import time
from collections import deque
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rnn_py import textcore  # noqa: E402
from rnn_py.text import Vocab, sample, text_params, train_text  # noqa: E402

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


def main():
    dot = "math.sumprod" if textcore._sumprod is not None else "sum(map(mul, a, b))"
    print(f"text task on {platform.python_implementation()} {platform.python_version()}, {dot}")
    print("n = 16, V = 30, windows of 25, Adam; chars/s, best of 7")
    print()
    print("| cell    | train (wall) | train (CPU) | sample (CPU) | page budget |")
    print("|:--------|-------------:|------------:|-------------:|------------:|")
    text = corpus()
    for cell in ("vanilla", "gru", "lstm"):
        guess = best_rate(training(cell, text, 4), 100, time.perf_counter, reps=2)
        windows = max(4, int(0.2 * guess / 25))
        run = training(cell, text, windows)
        wall = best_rate(run, 25 * windows, time.perf_counter)
        cpu = best_rate(run, 25 * windows, time.process_time)
        writes = best_rate(sampling(cell, text, 500), 500, time.process_time)
        budget = f"≥ {BUDGET[cell]:,} in Pyodide" if BUDGET[cell] else ""
        print(f"| {cell:7} | {wall:12,.0f} | {cpu:11,.0f} | {writes:12,.0f} | {budget:>11} |")


if __name__ == "__main__":
    main()
