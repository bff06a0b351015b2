"""The long-lag task: remember the first number (after Hochreiter & Schmidhuber 1997).

Each example is a fresh random sequence: x_0 uniform in [−1, 1], then `gap` values of small
noise (normal, σ = 0.1). Only the last prediction counts: the loss is (y_T − x_0)², so the
network must carry x_0 through every step of the gap. Always answering 0 scores E[x_0²] = 1/3,
the baseline; a case is solved when the loss is below SOLVED (0.01).
"""

import math
import random

MIN_GAP, MAX_GAP = 2, 100
DEFAULT_GAP = 20
NOISE = 0.1
BASELINE = 1.0 / 3.0  # the loss of always answering 0: the mean of x_0² for x_0 uniform in [−1, 1]
SOLVED = 0.01


def check_gap(gap):
    """gap as an int in MIN_GAP..MAX_GAP, or a ValueError a student can act on."""
    if isinstance(gap, bool) or not isinstance(gap, int) or not MIN_GAP <= gap <= MAX_GAP:
        raise ValueError(
            f"The gap must be a whole number from {MIN_GAP} to {MAX_GAP}, not {gap!r}."
        )
    return gap


def example(rng, gap, noise=NOISE):
    """One example: (xs, targets) with xs = [x_0, gap noise values] and only the last target x_0."""
    x0 = rng.uniform(-1.0, 1.0)
    xs = [x0] + [rng.gauss(0.0, noise) for _ in range(gap)]
    return xs, [None] * gap + [x0]


class Remember:
    """The task with a gap, a batch size and a seed: `batch(epoch)` draws that epoch's examples,
    the same for the same seed and epoch; `shown()` is the one example the page draws."""

    def __init__(self, gap=DEFAULT_GAP, batch=32, seed=0, noise=NOISE):
        self.gap = check_gap(gap)
        if isinstance(batch, bool) or not isinstance(batch, int) or not 1 <= batch <= 1024:
            raise ValueError(
                f"The batch size must be a whole number from 1 to 1024, not {batch!r}."
            )
        self.size, self.seed, self.noise = batch, seed, noise

    def batch(self, epoch):
        """The examples of one epoch (epoch 0 is the fixed batch random search scores on)."""
        rng = random.Random(self.seed * 1_000_003 + epoch)
        return [example(rng, self.gap, self.noise) for _ in range(self.size)]

    def shown(self):
        """The example the page shows in its table and charts."""
        return example(random.Random(self.seed), self.gap, self.noise)

    def test_set(self, count=200):
        """Examples never used in training (their own random stream), to measure a final loss."""
        rng = random.Random(f"test:{self.seed}:{self.gap}")
        return [example(rng, self.gap, self.noise) for _ in range(count)]


def evaluate(params, examples, activation="tanh"):
    """The mean loss of the weights over examples (each scored on its last prediction)."""
    from ..cells import forward

    losses = [forward(params, xs, activation, t).loss for xs, t in examples]
    return math.fsum(losses) / len(losses)  # as statistics.fmean, without importing it
