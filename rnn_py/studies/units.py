"""How many hidden units a sequence needs, measured: train n = 1, 2, 3 … from the same seed with
the same budget and compare their losses, and the exact two-unit solution for Fibonacci.

One hidden unit carries one number from step to step. That is enough for a sequence whose next
term follows from the current one (a geometric or almost geometric growth such as Fibonacci,
each term ≈ 1.618 × the last), but not for one whose rule needs the two last terms with their
own weights: a sampled sine obeys x_{t+1} = 2cos(ω)·x_t − x_{t−1}, a rotation in two numbers.
"""

import math
from operator import mul

from ..cells.vanilla import Params, forward
from ..train import train_bptt

CELL = Params.CELL  # the cell these comparisons train (the vanilla cell, in its own loops)
DEFAULT_SIZES = (1, 2, 3)
DEFAULT_EPOCHS = 4000
DEFAULT_LR = 0.05
DEFAULT_SEEDS = 4
COMPARE_EPOCHS = 2000  # the page's "Compare hidden sizes" budget, per size

# The page's one-click presets: the settings they set before comparing 1, 2 and 3 units.
# The linear activation makes both rules exact linear recurrences (and its arithmetic is the
# same in every Python, so the page shows exactly what the tests measured).
PRESETS = {
    kind: {
        "sequence": kind,
        "length": 12,
        "normalized": True,
        "activation": "linear",
        "seed": 0,
        "lr": DEFAULT_LR,
        "clip": True,
    }
    for kind in ("sine", "fibonacci")
}


def _check_sizes(sizes):
    sizes = list(sizes)
    if not sizes:
        raise ValueError("Give at least one hidden size to compare, like 1, 2, 3.")
    for n in sizes:
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"Hidden sizes must be whole numbers ≥ 1, not {n!r}.")
    return list(dict.fromkeys(sizes))


def race(xs, activation, sizes=DEFAULT_SIZES, seed=0, lr=DEFAULT_LR, clip=5.0, epochs=2000):
    """Train one network per hidden size, all from Params.random(n, seed) with the same budget,
    one epoch of each size in turn; yields (n, Step) pairs.

    Taking the sizes in turn lets a page draw every curve as it grows, a few epochs per frame.
    A run that diverges stops (its last Step says so) while the others go on.

    >>> from rnn_py import make_sequence
    >>> pairs = list(race(make_sequence("sine", 12), "tanh", sizes=(1, 2), epochs=3))
    >>> [(n, step.evaluations) for n, step in pairs]
    [(1, 1), (2, 1), (1, 2), (2, 2), (1, 3), (2, 3)]
    """
    sizes = _check_sizes(sizes)
    runs = {n: train_bptt(Params.random(n, seed), xs, activation, lr, clip, epochs) for n in sizes}
    return _interleave(runs)


def _interleave(runs):
    while runs:
        for n in list(runs):
            step = next(runs[n], None)
            if step is None:
                del runs[n]
                continue
            yield n, step


def loss_curves(xs, activation, sizes=DEFAULT_SIZES, seed=0, lr=DEFAULT_LR, clip=5.0,
                epochs=2000):  # fmt: skip
    """The loss at every epoch for each hidden size, trained as `race` trains them.

    Returns {n: [loss at epoch 1, 2, …]}; a diverged run's list ends where it stopped.

    >>> from rnn_py import make_sequence
    >>> curves = loss_curves(make_sequence("sine", 12), "linear", sizes=(1, 2), epochs=50)
    >>> sorted(curves), len(curves[1]), curves[2][-1] < curves[2][0]
    ([1, 2], 50, True)
    """
    curves = {n: [] for n in _check_sizes(sizes)}
    for n, step in race(xs, activation, sizes, seed, lr, clip, epochs):
        curves[n].append(step.loss)
    return curves


def best_losses(xs, activation, sizes=DEFAULT_SIZES, seeds=DEFAULT_SEEDS, lr=DEFAULT_LR,
                clip=5.0, epochs=DEFAULT_EPOCHS):  # fmt: skip
    """The lowest loss each hidden size reached, over the starting seeds 0, 1, …, seeds − 1.

    Every (size, seed) pair trains from Params.random(n, seed) for the same number of epochs.
    Returns {n: (best loss, the seed that reached it)}. More seeds make it less likely that a
    size looks weak only because one start got stuck.

    >>> from rnn_py import make_sequence
    >>> best = best_losses(make_sequence("sine", 12), "linear", (1, 2), seeds=1, epochs=300)
    >>> best[2][0] < best[1][0]
    True
    """
    sizes = _check_sizes(sizes)
    if isinstance(seeds, bool) or not isinstance(seeds, int) or seeds < 1:
        raise ValueError(f"The number of seeds must be a whole number ≥ 1, not {seeds!r}.")
    best = {}
    for n in sizes:
        best[n] = (math.inf, 0)
        for seed in range(seeds):
            steps = train_bptt(Params.random(n, seed), xs, activation, lr, clip, epochs)
            loss = min(step.best_loss for step in steps)  # best_loss only falls; inf if diverged
            if loss < best[n][0]:
                best[n] = (loss, seed)
    return best


def fibonacci_rule(xs, tolerance=1e-9):
    """The constant c for which xs obeys x_{t+1} = x_t + x_{t−1} − c, and the term x_{−1} before
    the first that the same rule implies; ValueError when xs follows no such rule.

    Any affine image x ↦ a·x + c of Fibonacci obeys it with that c, since a·(F_t + F_{t−1}) + c
    = (x_t − c) + (x_{t−1} − c) + c; for raw Fibonacci c = 0 and x_{−1} = 0.

    >>> fibonacci_rule([1, 1, 2, 3, 5])
    (0.0, 0.0)
    >>> fibonacci_rule([-1.0, -1.0, -0.5, 0.0, 1.0])
    (-1.5, -1.5)
    """
    try:
        xs = [float(x) for x in xs]
    except (TypeError, ValueError, OverflowError):
        raise ValueError("The sequence must be a list of numbers.") from None
    if not all(map(math.isfinite, xs)):
        raise ValueError("The sequence must contain only finite numbers (no inf or nan).")
    if len(xs) < 3:
        raise ValueError("The Fibonacci rule needs at least 3 terms to be recognised.")
    c = xs[0] + xs[1] - xs[2]
    scale = max(1.0, *map(abs, xs))
    for t in range(1, len(xs) - 1):
        if abs(xs[t] + xs[t - 1] - c - xs[t + 1]) > tolerance * scale:
            raise ValueError(
                "This sequence does not follow the Fibonacci rule (each term the sum of the two "
                f"before it, up to a constant shift): it breaks at t = {t + 1}."
            )
    return c, xs[1] - xs[0] + c


def exact_fibonacci(xs, scale=1.0):
    """Two linear hidden units that continue xs exactly, for Fibonacci raw or normalized (any
    sequence with x_{t+1} = x_t + x_{t−1} − c; see `fibonacci_rule`).

    Derivation. Normalizing is affine, x' = a·x + c, so x'_{t+1} = x'_t + x'_{t−1} − c: the
    next term needs the last two, which two units can hold. Let s = scale and p = x_{−1}, the
    term before the first (p = c for Fibonacci). Unit 1 holds h_t[1] = s·(x_t − p): W_xh[1] = s,
    b_h[1] = −s·p, no recurrent input. Unit 2 copies unit 1's previous value, h_t[2] =
    h_{t−1}[1] = s·(x_{t−1} − p): W_hh[2,1] = 1, everything else 0; at t = 0 it reads h_{−1} = 0,
    which is exactly s·(x_{−1} − p). Then x_{t+1} = (h_t[1] + h_t[2])/s + 2p − c, so W_hy = (1/s,
    1/s) and b_y = 2p − c. With the linear activation (the identity; tanh would bend the stored
    values) every prediction is exact up to rounding.

    >>> p = exact_fibonacci([1, 1, 2, 3, 5, 8])
    >>> p.w_xh, p.w_hh, p.w_hy, p.b_h, p.b_y
    ([1.0, 0.0], [[0.0, 0.0], [1.0, 0.0]], [1.0, 1.0], [0.0, 0.0], 0.0)
    >>> forward(p, [1, 1, 2, 3, 5, 8], "linear").loss
    0.0
    """
    if isinstance(scale, bool) or not isinstance(scale, int | float):
        raise ValueError(f"The scale must be a number, not {scale!r}.")
    if scale == 0 or not math.isfinite(scale):
        raise ValueError(f"The scale must be a finite number other than 0, not {scale!r}.")
    c, p = fibonacci_rule(xs)
    s = float(scale)
    return Params(
        w_xh=[s, 0.0],
        w_hh=[[0.0, 0.0], [1.0, 0.0]],
        w_hy=[1.0 / s, 1.0 / s],
        b_h=[0.0 - s * p, 0.0],  # 0.0 − …: no −0 in the weights
        b_y=2.0 * p - c,
    )


EXACT_ACTIVATION = "linear"  # the activation exact_fibonacci's weights are meant for


def exact_loss(xs):
    """The loss of `exact_fibonacci(xs)` with the linear activation (zero up to rounding)."""
    return forward(exact_fibonacci(xs), xs, EXACT_ACTIVATION).loss


def exact_two_units(xs):
    """Two linear hidden units that continue xs exactly when it obeys a second-order linear
    rule x_{t+1} = α·x_t + β·x_{t−1} + γ (a sampled sine, raw or normalized: α = 2cos ω, β = −1).

    The rule is read off the first terms and checked on the rest. Unit 1 holds x_t − p, where
    p = x_{−1} is the term the rule puts before the first; unit 2 copies unit 1 one step later.
    Then y_t = α·h_t[1] + β·h_t[2] + (α + β)·p + γ = x_{t+1}. `exact_fibonacci` is the case
    α = β = 1.

    >>> from rnn_py import make_sequence
    >>> xs = make_sequence("sine", 12, normalized=True)
    >>> forward(exact_two_units(xs), xs, "linear").loss < 1e-30
    True
    """
    xs = [float(x) for x in xs]
    if len(xs) < 5:
        raise ValueError("A two-term rule needs at least 5 terms to be recognised.")
    # α·x_t + β·x_{t−1} + γ = x_{t+1} for t = 1, 2, 3: three equations, three unknowns
    rows = [[xs[t], xs[t - 1], 1.0, xs[t + 1]] for t in (1, 2, 3)]
    for k in range(3):  # Gaussian elimination with partial pivoting
        pivot = max(range(k, 3), key=lambda r: abs(rows[r][k]))
        rows[k], rows[pivot] = rows[pivot], rows[k]
        if abs(rows[k][k]) < 1e-12:
            raise ValueError("This sequence follows no rule x_{t+1} = α·x_t + β·x_{t−1} + γ.")
        for r in range(3):
            if r != k:
                factor = rows[r][k] / rows[k][k]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[k], strict=True)]
    alpha, beta, gamma = (rows[k][3] / rows[k][k] for k in range(3))
    scale = max(1.0, *map(abs, xs))
    for t in range(1, len(xs) - 1):
        if abs(alpha * xs[t] + beta * xs[t - 1] + gamma - xs[t + 1]) > 1e-9 * scale:
            raise ValueError("This sequence follows no rule x_{t+1} = α·x_t + β·x_{t−1} + γ.")
    if abs(beta) < 1e-12:
        raise ValueError("This sequence follows from its current term alone; one unit will do.")
    p = (xs[1] - alpha * xs[0] - gamma) / beta  # x_{−1}
    return Params(
        w_xh=[1.0, 0.0],
        w_hh=[[0.0, 0.0], [1.0, 0.0]],
        w_hy=[alpha, beta],
        b_h=[0.0 - p, 0.0],
        b_y=(alpha + beta) * p + gamma,
    )


def best_one_unit(xs, activation, starts=150, bound=5.0, seed=0, iterations=300):
    """The lowest loss one hidden unit reaches when its five weights are optimised directly:
    L-BFGS (with `backward`'s exact gradient) from `starts` random points drawn uniformly from
    [−bound, bound]⁵, every weight kept within ±bound. Returns (loss, Params).

    This is a search, not a proof: it says how low one unit gets as far as this search finds.

    >>> from rnn_py import make_sequence
    >>> xs = make_sequence("linear", 12, normalized=True)
    >>> loss, params = best_one_unit(xs, "linear", starts=3)
    >>> loss < 1e-12
    True
    """
    import random

    from ..cells.vanilla import loss_and_grads

    def fg(theta):
        loss, grads = loss_and_grads(Params.from_flat(1, theta), xs, activation)
        return loss, grads.flat()

    rng = random.Random(seed)
    best = (math.inf, None)
    for _ in range(starts):
        theta = [rng.uniform(-bound, bound) for _ in range(5)]
        best = min(best, _lbfgs(fg, theta, bound, iterations), key=lambda pair: pair[0])
    return best[0], Params.from_flat(1, best[1])


def _lbfgs(fg, x, bound, iterations, memory=6):
    """Minimise fg (x ↦ (f, ∇f)) from x by L-BFGS with a backtracking line search, every
    coordinate projected back into [−bound, bound]; returns (f, x)."""

    def project(v):
        return [min(bound, max(-bound, a)) for a in v]

    f, g = fg(x)
    pairs = []  # (s, y, 1 / y·s) of the last steps
    for _ in range(iterations):
        q = list(g)  # two-loop recursion: d = −H·g
        alphas = []
        for s, y, rho in reversed(pairs):
            a = rho * sum(map(mul, s, q))
            q = [qi - a * yi for qi, yi in zip(q, y, strict=True)]
            alphas.append(a)
        if pairs:
            s, y, _ = pairs[-1]
            gamma = sum(map(mul, s, y)) / sum(map(mul, y, y))
            q = [gamma * qi for qi in q]
        for (s, y, rho), a in zip(pairs, reversed(alphas), strict=True):
            b = rho * sum(map(mul, y, q))
            q = [qi + (a - b) * si for qi, si in zip(q, s, strict=True)]
        d = [-qi for qi in q]
        slope = sum(map(mul, g, d))
        if not slope < 0:  # not a descent direction: restart from steepest descent
            pairs, d = [], [-gi for gi in g]
            slope = -sum(map(mul, g, g))
        step, moved = 1.0, False
        while step > 1e-12:
            new = project([a + step * b for a, b in zip(x, d, strict=True)])
            f_new, g_new = fg(new)
            if f_new <= f + 1e-4 * step * slope:
                moved = True
                break
            step *= 0.5
        if not moved:
            break
        s = [a - b for a, b in zip(new, x, strict=True)]
        y = [a - b for a, b in zip(g_new, g, strict=True)]
        ys = sum(map(mul, y, s))
        if ys > 1e-16:
            pairs = [*pairs[-(memory - 1) :], (s, y, 1.0 / ys)]
        done = f - f_new <= 1e-15 * max(1.0, abs(f))
        x, f, g = new, f_new, g_new
        if done:
            break
    return f, x
