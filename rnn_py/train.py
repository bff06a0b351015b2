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

from . import cells
from .cells.vanilla import Params, _activation, _check_n, _check_sequence
from .i18n import _

OPTIMIZERS = ("gd", "adam")
OPTIMIZER_LABELS = {"gd": "Gradient descent", "adam": "Adam"}
ADAM_BETA1, ADAM_BETA2, ADAM_EPS = 0.9, 0.999, 1e-8

LOSS_LIMIT = 1e30  # a loss above this counts as diverged
RUN_LENGTH = 300  # evaluations per Train or Random Search click on the page
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
    cells.check_params(grads)
    _check_limit(limit)
    clipped, _count = _clip_values(grads.flat(), limit)
    return type(grads).from_flat(grads.n, clipped)


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


def train_bptt(params, xs, activation, lr=0.1, clip=5.0, epochs=300, optimizer="gd",
               pieces=False):  # fmt: skip
    """Gradient descent with backpropagation through time, one Step per epoch, for any cell.

    Each epoch computes the loss and its gradients, clips them to [−clip, clip] (clip=None turns
    clipping off) and updates the weights: with optimizer "gd", θ ← θ − lr·∂L/∂θ; with "adam",
    Adam's step (Kingma & Ba 2015: β1 = 0.9, β2 = 0.999, ε = 1e-8, bias-corrected) on the
    clipped gradient. xs is a list of numbers (y_t predicts x_{t+1}), or a task with a
    `batch(epoch)` method giving a fresh list of (xs, targets) examples each epoch (the loss is
    then their mean). The arguments are checked at once, before the first step. Training stops
    with status "diverged" when the loss or a gradient stops being finite, the loss passes
    LOSS_LIMIT or a weight passes ±PARAM_LIMIT. With pieces=True the generator also yields None
    after each example of a task's batch, before the epoch's Step: a page can stop there and
    draw a frame, so no slice of work is longer than one example (the same Steps either way).

    >>> from rnn_py import make_sequence
    >>> xs = make_sequence("sine", 12)
    >>> steps = list(train_bptt(Params.random(1, seed=0), xs, "tanh", epochs=200))
    >>> len(steps), steps[-1].status, steps[-1].loss < steps[0].loss
    (200, 'done', True)
    """
    _activation(activation)
    if not hasattr(xs, "batch"):
        xs = _check_sequence(xs)
    _check_start(params)
    if isinstance(lr, bool) or not isinstance(lr, int | float) or not 0 < lr < math.inf:
        raise ValueError(f"The learning rate must be a positive number, not {lr!r}.")
    if clip is not None:
        _check_limit(clip)
    _check_count(epochs, "epochs")
    if optimizer not in OPTIMIZERS:
        choices = ", ".join(OPTIMIZERS)
        raise ValueError(f"Unknown optimizer {optimizer!r}. Choose one of: {choices}.")
    steps = _bptt_steps(params, xs, activation, float(lr), clip, epochs, optimizer)
    return steps if pieces else (step for step in steps if step is not None)


def _gradient_source(params, data, activation):
    """A generator function (params, epoch) that returns (loss, flat gradients, |∂L/∂h_t| per t)
    for the data, yielding None after each example of a task's batch (see train_bptt's pieces)."""
    if cells.cell_class(params.CELL).own_loops and not hasattr(data, "batch"):
        fast = cells.make_cell(params.CELL, activation)

        def one_sequence(p, epoch):  # the cell's own tight loops (the vanilla cell's)
            g = fast.backward(p, data)
            return g.loss, g.grads.flat(), tuple(math.hypot(*dh_t) for dh_t in g.dh)
            yield  # a generator function, of one piece

        return one_sequence

    def some_sequences(p, epoch):
        examples = data.batch(epoch) if hasattr(data, "batch") else [(data, None)]
        loss, total, grad_h = 0.0, None, None
        for k, (xs, targets) in enumerate(examples):
            if k:
                yield None  # the examples so far are one piece of this epoch's work
            g = cells.backward(p, xs, activation, targets)
            flat = g.grads.flat()
            sizes = [math.hypot(*dh_t) for dh_t in g.dh]
            loss += g.loss
            if total is None:
                total, grad_h = flat, sizes
            else:
                total = [a + b for a, b in zip(total, flat, strict=True)]
                grad_h = [a + b for a, b in zip(grad_h, sizes, strict=True)]
        m = len(examples)
        if m == 1:
            return loss, total, tuple(grad_h)
        return loss / m, [v / m for v in total], tuple(v / m for v in grad_h)

    return some_sequences


def _update_rule(optimizer, lr, size):
    """A function (θ, g) → θ′: gradient descent, or Adam with its moments kept inside."""
    if optimizer == "gd":
        return lambda theta, grads: [w - lr * dw for w, dw in zip(theta, grads, strict=True)]
    m, v, t = [0.0] * size, [0.0] * size, 0

    def adam(theta, grads):
        nonlocal t
        t += 1
        c1, c2 = 1.0 - ADAM_BETA1**t, 1.0 - ADAM_BETA2**t
        out = []
        for k, (w, g) in enumerate(zip(theta, grads, strict=True)):
            m[k] = ADAM_BETA1 * m[k] + (1.0 - ADAM_BETA1) * g
            v[k] = ADAM_BETA2 * v[k] + (1.0 - ADAM_BETA2) * g * g
            out.append(w - lr * (m[k] / c1) / (math.sqrt(v[k] / c2) + ADAM_EPS))
        return out

    return adam


def _bptt_steps(params, xs, activation, lr, limit, epochs, optimizer="gd"):
    gradient = _gradient_source(params, xs, activation)
    update = _update_rule(optimizer, lr, len(params.flat()))
    best_loss = math.inf
    for epoch in range(1, epochs + 1):
        loss, grads, grad_h = yield from gradient(params, epoch)
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
            theta = update(params.flat(), grads)
            if all(abs(w) <= PARAM_LIMIT for w in theta):
                params = type(params).from_flat(params.n, theta)
                status = "done" if epoch == epochs else "running"
                yield Step("bptt", epoch, loss, best_loss, params, grad_h, clipped, status)
                continue
            problem = "param"
        message = _diverged_message(problem, epoch, loss, lr, limit, xs, activation, params)
        yield Step("bptt", epoch, loss, best_loss, params, grad_h, False, "diverged", message)
        return


def random_search(xs, activation, n=1, trials=300, seed=0, low=-2.0, high=2.0, cell="vanilla"):
    """Try random weights and keep the best, one Step per trial.

    Every trial draws each weight and bias uniformly from [low, high] with random.Random(seed),
    so the same seed gives the same search (for any cell: `cell` names it). A trial whose loss
    is not finite never becomes the best; until some trial has a finite loss, the first
    trial's weights stand in as `params`.

    >>> steps = list(random_search([0, 1, 0, 1, 0], "linear", trials=50, seed=3))
    >>> steps[-1].evaluations, steps[-1].status, steps[-1].best_loss <= steps[0].loss
    (50, 'done', True)
    """
    f, _slope = _activation(activation)
    cells.module(cell)
    if not hasattr(xs, "batch"):
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
    return _random_steps(xs, activation, n, trials, seed, float(low), float(high), cell)


def _random_steps(xs, activation, n, trials, seed, low, high, cell="vanilla"):
    _activation(activation)  # an unknown activation fails here, before any trial
    rng = random.Random(seed)
    cls = cells.params_class(cell)
    size = cls.size(n)
    fast = cells.make_cell(cell, activation) if cells.cell_class(cell).own_loops else None
    best, best_loss = None, math.inf
    examples = xs.batch(0) if hasattr(xs, "batch") else None  # a task: one fixed batch
    for trial in range(1, trials + 1):
        params = cls.from_flat(n, [rng.uniform(low, high) for _i in range(size)])
        if examples is not None:
            losses = [cells.forward(params, e, activation, t).loss for e, t in examples]
            loss = sum(losses) / len(losses)
        elif fast is not None:  # its own tight loop, without checking each trial's weights
            loss = fast.forward(params, xs).loss
        else:
            loss = cells.forward(params, xs, activation).loss
        if best is None:
            best = params  # stands in until some trial has a finite loss
        if loss < best_loss:  # never true for nan or inf
            best, best_loss = params, loss
        status = "done" if trial == trials else "running"
        yield Step("random", trial, loss, best_loss, best, (), False, status)


def _check_start(params):
    cells.check_params(params)
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
            what = _("the loss became undefined (NaN): the outputs grew out of control")
        elif math.isinf(loss):
            what = _("the loss became infinite: the outputs grew out of control")
        else:
            what = _("the loss grew to {loss}, past the limit of 1e30").format(loss=f"{loss:.3g}")
    elif problem == "gradient":
        what = _(
            "the gradients overflowed: going back through time, each step multiplied them "
            "again until they exploded"
        )
    else:
        what = _("an update would have pushed a weight beyond ±1,000,000")
    tips = []
    largest = 1.0 if hasattr(xs, "batch") else max(abs(x) for x in xs)
    if largest > 1.0:
        tips.append(
            _("normalize the sequence (its values reach {largest})").format(
                largest=f"{largest:.3g}"
            )
        )
    if epoch == 1 and problem != "param":
        what = _("with the starting weights, before any update, {what}").format(what=what)
    else:  # the updates did it
        tips.append(_("lower the learning rate (it is {lr} now)").format(lr=f"{lr:g}"))
        if limit is None:
            tips.append(_("turn gradient clipping back on"))
        else:
            tips.append(
                _("keep gradient clipping on, perhaps with a limit below {limit}").format(
                    limit=f"{limit:g}"
                )
            )
    vanilla = cells.cell_class(params.CELL).has_activation  # f and W_hh bound h_t (vanilla)
    if vanilla and max(sum(map(abs, row)) for row in params.w_hh) >= 1.0:
        tips.append(_("keep the recurrent weights small, |W_hh| < 1"))
    if vanilla and activation in ("linear", "relu"):
        tips.append(_("or use tanh or sigmoid, which keep h_t between bounds"))
    return _(
        "Training stopped at epoch {epoch}: {what}. The weights shown are the last finite ones. "
        "Try: {tips}."
    ).format(epoch=epoch, what=what, tips=_("; ").join(tips))
