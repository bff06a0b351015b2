"""How fast the loss landscape is computed on CPython: one 48 × 48 map, and its slowest row.

Run with `python bench/bench_landscape.py`. Each figure is the best of five timings of
`landscape_rows` over Input weight × Hidden weight on the normalized sine sequence with tanh
(the page's default axes), computed one row at a time as the page does. The slowest row is what
one band of a single row costs; the page sends a band per frame, so it bounds a frame's work.
"""

import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rnn_py import Params, make_sequence  # noqa: E402
from rnn_py.studies.landscape import landscape_rows  # noqa: E402


def timing(n, length, gradients, size=48):
    """The best of five timings: (whole map, slowest row) in seconds."""
    xs = make_sequence("sine", length, normalized=True)
    params = Params.random(n, seed=0)
    best_map, best_row = float("inf"), float("inf")
    for _ in range(5):
        rows = landscape_rows(params, xs, "tanh", "w_xh[1]", "w_hh[1,1]", (-2, 2), (-2, 2),
                              size, band=1, gradients=gradients)  # fmt: skip
        slowest = 0.0
        begin = last = time.perf_counter()
        for _ in rows:
            now = time.perf_counter()
            slowest, last = max(slowest, now - last), now
        best_map = min(best_map, time.perf_counter() - begin)
        best_row = min(best_row, slowest)
    return best_map, best_row


def main():
    print(f"landscape_rows, 48 × 48, on {platform.python_implementation()} "
          f"{platform.python_version()}")  # fmt: skip
    print()
    print("|  n |  T | gradients | whole map (ms) | slowest row (ms) |")
    print("|---:|---:|:---------:|---------------:|-----------------:|")
    for n, length, gradients in (
        (1, 12, False), (1, 64, False), (1, 12, True), (1, 64, True),
        (2, 12, False), (2, 64, False), (4, 64, False), (8, 64, False),
    ):  # fmt: skip
        whole, row = timing(n, length, gradients)
        yes = "yes" if gradients else "no"
        print(f"| {n:2d} | {length:2d} | {yes:^9} | {whole * 1e3:14.1f} | {row * 1e3:16.2f} |")


if __name__ == "__main__":
    main()
