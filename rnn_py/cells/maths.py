"""What every cell shares: the activations and their slopes, dot and σ, the checks of a size,
a number and a sequence, the forward pass's Trace and BPTT's Gradients, and the loss with its
gradients at the outputs."""

import math
from dataclasses import dataclass
from operator import mul

ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear")


# Each activation f comes with its derivative f′, written in terms of z and h = f(z).


def _tanh_grad(z, h):
    return 1.0 - h * h


def relu(z):
    """max(0, z), passing nan through."""
    return 0.0 if z <= 0.0 else z


def _relu_grad(z, h):
    return 1.0 if z > 0.0 else 0.0  # f′(0) = 0


def sigmoid(z):
    """1 / (1 + e^−z), computed without overflow for any z."""
    if z >= 0.0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)  # z < 0 (or nan), so e ≤ 1
    return e / (1.0 + e)


def _sigmoid_grad(z, h):
    return h * (1.0 - h)


def linear(z):
    """The identity: h = z."""
    return z


def _linear_grad(z, h):
    return 1.0


_FUNCTIONS = {
    "tanh": (math.tanh, _tanh_grad),
    "relu": (relu, _relu_grad),
    "sigmoid": (sigmoid, _sigmoid_grad),
    "linear": (linear, _linear_grad),
}


def dot(a, b):
    """a·b, the dot product of two lists of numbers: a[0]·b[0] + a[1]·b[1] + …"""
    return sum(map(mul, a, b))


def _check_n(n):
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"The number of hidden units must be a whole number ≥ 1, not {n!r}.")


def _number(v, name):
    """v as a finite float, or a ValueError naming the entry."""
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise ValueError(f"{name} must be a number, not {v!r}.")
    try:
        v = float(v)
    except OverflowError:
        raise ValueError(f"{name} is too large.") from None
    if not math.isfinite(v):
        raise ValueError(f"{name} must be a finite number, not {v}.")
    return v


def _check_sequence(xs):
    """xs as a list of finite floats, at least two of them (one to read, one to predict)."""
    if isinstance(xs, str) or not hasattr(xs, "__iter__"):
        raise ValueError("The sequence must be a list of numbers.")
    try:
        xs = [float(x) for x in xs]
    except (TypeError, ValueError, OverflowError):
        raise ValueError("The sequence must contain only numbers.") from None
    if len(xs) < 2:
        raise ValueError("The sequence needs at least 2 values: one to read and one to predict.")
    if not all(map(math.isfinite, xs)):
        raise ValueError("The sequence must contain only finite numbers (no inf or nan).")
    return xs


def _activation(name):
    """The pair (f, f′) for an activation's name."""
    if name not in _FUNCTIONS:
        raise ValueError(f"Unknown activation {name!r}. Choose one of: {', '.join(ACTIVATIONS)}.")
    return _FUNCTIONS[name]


@dataclass(frozen=True)
class Trace:
    """Everything the forward pass computed: z[t] and h[t] (vectors, h[t] after reading x_t),
    the outputs y[t], and the loss."""

    z: list[list[float]]
    h: list[list[float]]
    y: list[float]
    loss: float
    c: list[list[float]] | None = None  # the LSTM's cell state c[t]; None for other cells
    gates: list[dict] | None = None  # a gated cell's gate values per step, by name


@dataclass(frozen=True)
class Gradients:
    """What backpropagation through time found: the loss, ∂L/∂θ for every weight (as Params,
    unclipped), and dh[t] = ∂L/∂h_t, the total derivative including every path through later steps.
    The forward pass it differentiated is kept as `trace`."""

    loss: float
    grads: object  # ∂L/∂θ, as the cell's own Params
    dh: list[list[float]]
    trace: Trace
    dc: list[list[float]] | None = None  # the LSTM's ∂L/∂c_t; None for other cells


def loss_of(ys, xs, targets=None):
    """The mean squared error of the outputs against their targets."""
    if targets is None:  # y_t predicts x_{t+1}; the last output has no target
        errors = [ys[t] - xs[t + 1] for t in range(len(xs) - 1)]
    else:
        errors = [y - target for y, target in zip(ys, targets, strict=True) if target is not None]
    return sum(e * e for e in errors) / len(errors)


def output_grads(ys, xs, targets=None):
    """dy_t = ∂L/∂y_t for every t: 2·(y_t − target_t) / (number of targets), 0 without one."""
    if targets is None:
        T = len(xs)
        return [2.0 * (ys[t] - xs[t + 1]) / (T - 1) if t < T - 1 else 0.0 for t in range(T)]
    count = sum(target is not None for target in targets)
    return [0.0 if g is None else 2.0 * (y - g) / count for y, g in zip(ys, targets, strict=True)]
