"""How fast train_bptt runs on CPython: epochs per second for a few hidden sizes and lengths.

Run with `python bench/bench_train.py`. Each figure is the best of seven timed runs of
train_bptt on the normalized sine sequence with tanh, each about 0.1 s long; the best run is
the one least disturbed by whatever else the machine is doing.
"""

import platform
import sys
import time
from collections import deque
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rnn_py import Params, make_sequence, train_bptt  # noqa: E402


def seconds_per_epoch(n, length, epochs):
    """The best of seven timings of one run of `epochs` epochs, per epoch."""
    xs = make_sequence("sine", length, normalized=True)
    best = float("inf")
    for _ in range(7):
        start = Params.random(n, seed=0)
        begin = time.perf_counter()
        (last,) = deque(train_bptt(start, xs, "tanh", lr=0.01, epochs=epochs), maxlen=1)
        best = min(best, (time.perf_counter() - begin) / last.evaluations)
        assert last.status == "done", last.message
    return best


def main():
    print(f"train_bptt on {platform.python_implementation()} {platform.python_version()}")
    print()
    print("|  n |  T | µs per epoch | epochs per second |")
    print("|---:|---:|-------------:|------------------:|")
    for n in (1, 2, 8):
        for length in (12, 64):
            guess = seconds_per_epoch(n, length, 20)
            epochs = max(20, int(0.1 / guess))
            s = seconds_per_epoch(n, length, epochs)
            print(f"| {n:2d} | {length:2d} | {s * 1e6:12.1f} | {1 / s:17,.0f} |")


if __name__ == "__main__":
    main()
