"""Two ways to find good weights — gradient descent with BPTT, and random search — as generators
that yield one `Step` per evaluation, so that a page can run a few steps per animation frame and
draw each one.

An evaluation is one pass over the sequence that measures the loss: a BPTT epoch (forward and
backward) counts as one, and so does a random-search trial (forward only). Divergence is a
state, not a crash: a diverged step keeps the last finite weights and says what to try.
"""

import math
import random
from dataclasses import dataclass

from .model import (
    Params,
    _activation,
    _backward,
    _check_n,
    _check_params,
    _check_sequence,
    _forward,
)

LOSS_LIMIT = 1e30  # a loss above this counts as diverged
PARAM_LIMIT = 1e6  # so does a weight or bias of larger magnitude


@dataclass(frozen=True)
class Step:
    """One evaluation of a training run or search, as the page draws it.

    method is "bptt" or "random"; evaluations counts passes so far (1, 2, …); loss is the loss
    measured at this evaluation (for BPTT, of the weights before this update; it may be inf or nan
    on a diverged step); best_loss is the lowest finite loss so far (inf until there is one);
    params are, for BPTT, the weights after this update and, for random search, the best so far —
    always finite. grad_h[t] = |∂L/∂h_t| (BPTT only, empty for random search); clipped says
    whether clipping changed any gradient entry; status is "running", "done" on the last step, or
    "diverged" (then message explains what happened and the generator ends).
    """

    method: str
    evaluations: int
    loss: float
    best_loss: float
    params: Params
    grad_h: tuple[float, ...]
    clipped: bool
    status: str
    message: str = ""


def clip(grads, limit=5.0):
    """Clip every gradient entry to [−limit, limit]; ±inf become ±limit.

    NaN is not a number that can be put in a range, so it is left as it is: check that the
    gradients are finite before clipping (train_bptt does, and reports divergence).

    >>> grads = Params.from_flat(1, [7.0, -0.5, float("-inf"), float("nan"), 0.0])
    >>> clip(grads, limit=1.0).flat()
    [1.0, -0.5, -1.0, nan, 0.0]
    """
    _check_params(grads)
    _check_limit(limit)
    clipped, _ = _clip_values(grads.flat(), limit)
    return Params.from_flat(grads.n, clipped)


def _clip_values(values, limit):
    """The values clipped to [−limit, limit], and whether any changed."""
    out, changed = [], False
    for v in values:
        if v > limit:
            v, changed = limit, True
        elif v < -limit:
            v, changed = -limit, True
        out.append(v)
    return out, changed


def train_bptt(params, xs, activation, lr=0.1, clip=5.0, epochs=300):
    """Gradient descent with backpropagation through time, one Step per epoch.

    Each epoch computes the loss and its gradients, clips them to [−clip, clip] (clip=None turns
    clipping off) and takes θ ← θ − lr·∂L/∂θ. The arguments are checked at once, before the first
    step. Training stops with status "diverged" when the loss or a gradient stops being finite,
    the loss passes LOSS_LIMIT or a weight passes ±PARAM_LIMIT.

    >>> from rnn_py import make_sequence
    >>> xs = make_sequence("sine", 12)
    >>> steps = list(train_bptt(Params.random(1, seed=0), xs, "tanh", epochs=200))
    >>> len(steps), steps[-1].status, steps[-1].loss < steps[0].loss
    (200, 'done', True)
    """
    _activation(activation)
    xs = _check_sequence(xs)
    _check_start(params)
    if isinstance(lr, bool) or not isinstance(lr, int | float) or not 0 < lr < math.inf:
        raise ValueError(f"The learning rate must be a positive number, not {lr!r}.")
    if clip is not None:
        _check_limit(clip)
    _check_count(epochs, "epochs")
    return _bptt_steps(params, xs, activation, float(lr), clip, epochs)


def _bptt_steps(params, xs, activation, lr, limit, epochs):
    f, df = _activation(activation)
    best_loss = math.inf
    for epoch in range(1, epochs + 1):
        g = _backward(params, xs, f, df)
        loss = g.loss
        grad_h = tuple(math.hypot(*dh_t) for dh_t in g.dh)
        grads = g.grads.flat()
        problem = None
        if not loss <= LOSS_LIMIT:  # also true for nan
            problem = "loss"
        elif not all(map(math.isfinite, grads)):
            problem = "gradient"
        else:
            best_loss = min(best_loss, loss)
            clipped = False
            if limit is not None:
                grads, clipped = _clip_values(grads, limit)
            theta = [w - lr * dw for w, dw in zip(params.flat(), grads, strict=True)]
            if all(abs(w) <= PARAM_LIMIT for w in theta):
                params = Params.from_flat(params.n, theta)
                status = "done" if epoch == epochs else "running"
                yield Step("bptt", epoch, loss, best_loss, params, grad_h, clipped, status)
                continue
            problem = "param"
        message = _diverged_message(problem, epoch, loss, lr, limit, xs, activation, params)
        yield Step("bptt", epoch, loss, best_loss, params, grad_h, False, "diverged", message)
        return


def random_search(xs, activation, n=1, trials=300, seed=0, low=-2.0, high=2.0):
    """Try random weights and keep the best, one Step per trial.

    Every trial draws each weight and bias uniformly from [low, high] with random.Random(seed),
    so the same seed gives the same search. A trial whose loss is not finite never becomes the
    best; until some trial has a finite loss, the first trial's weights stand in as `params`.

    >>> steps = list(random_search([0, 1, 0, 1, 0], "linear", trials=50, seed=3))
    >>> steps[-1].evaluations, steps[-1].status, steps[-1].best_loss <= steps[0].loss
    (50, 'done', True)
    """
    f, _ = _activation(activation)
    xs = _check_sequence(xs)
    _check_n(n)
    _check_count(trials, "trials")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValueError(f"The seed must be a whole number, not {seed!r}.")
    for name, v in (("low", low), ("high", high)):
        if isinstance(v, bool) or not isinstance(v, int | float) or not abs(v) <= PARAM_LIMIT:
            raise ValueError(f"{name} must be a number between -1e6 and 1e6, not {v!r}.")
    if not low < high:
        raise ValueError(f"low must be below high, but low = {low} and high = {high}.")
    return _random_steps(xs, f, n, trials, seed, float(low), float(high))


def _random_steps(xs, f, n, trials, seed, low, high):
    rng = random.Random(seed)
    size = Params.size(n)
    best, best_loss = None, math.inf
    for trial in range(1, trials + 1):
        params = Params.from_flat(n, [rng.uniform(low, high) for _ in range(size)])
        loss = _forward(params, xs, f).loss
        if best is None:
            best = params  # stands in until some trial has a finite loss
        if loss < best_loss:  # never true for nan or inf
            best, best_loss = params, loss
        status = "done" if trial == trials else "running"
        yield Step("random", trial, loss, best_loss, best, (), False, status)


def _check_start(params):
    _check_params(params)
    if not all(abs(w) <= PARAM_LIMIT for w in params.flat()):
        raise ValueError(
            "The starting weights must be finite numbers between -1e6 and 1e6. "
            "Reset them or pick a new random start."
        )


def _check_limit(limit):
    if isinstance(limit, bool) or not isinstance(limit, int | float) or not 0 < limit < math.inf:
        raise ValueError(f"The clipping limit must be a positive number, not {limit!r}.")


def _check_count(count, name):
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValueError(f"The number of {name} must be a whole number ≥ 1, not {count!r}.")


def _diverged_message(problem, epoch, loss, lr, limit, xs, activation, params):
    """What went wrong at this epoch, and what to try, for a student."""
    if problem == "loss":
        if math.isnan(loss):
            what = "the loss became undefined (NaN): the outputs grew out of control"
        elif math.isinf(loss):
            what = "the loss became infinite: the outputs grew out of control"
        else:
            what = f"the loss grew to {loss:.3g}, past the limit of 1e30"
    elif problem == "gradient":
        what = (
            "the gradients overflowed: going back through time, each step multiplied them "
            "again until they exploded"
        )
    else:
        what = "an update would have pushed a weight beyond ±1,000,000"
    tips = []
    largest = max(abs(x) for x in xs)
    if largest > 1.0:
        tips.append(f"normalize the sequence (its values reach {largest:.3g})")
    if epoch == 1 and problem != "param":
        what = "with the starting weights, before any update, " + what
    else:  # the updates did it
        tips.append(f"lower the learning rate (it is {lr:g} now)")
        if limit is None:
            tips.append("turn gradient clipping back on")
        else:
            tips.append(f"keep gradient clipping on, perhaps with a limit below {limit:g}")
    if max(sum(map(abs, row)) for row in params.w_hh) >= 1.0:
        tips.append("keep the recurrent weights small, |W_hh| < 1")
    if activation in ("linear", "relu"):
        tips.append("or use tanh or sigmoid, which keep h_t between bounds")
    return (
        f"Training stopped at epoch {epoch}: {what}. The weights shown are the last finite ones. "
        f"Try: {'; '.join(tips)}."
    )
