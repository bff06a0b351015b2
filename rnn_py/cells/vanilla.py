"""A recurrent network with one hidden layer: its weights, its forward pass and backpropagation
through time (BPTT), in plain Python lists.

    z_t = W_xh·x_t + W_hh·h_{t−1} + b_h        h_{−1} = 0
    h_t = f(z_t)
    y_t = W_hy·h_t + b_y                       y_t predicts x_{t+1}
    L   = mean over t = 0..T−2 of (y_t − x_{t+1})²

x_t and y_t are numbers; h_t and z_t are vectors of n numbers (n = 1 is a scalar RNN).
Nothing here mutates its arguments, and no overflow raises: a pass that blows up shows inf or
nan in its results, for the caller to notice.
"""

import math
import random
from dataclasses import dataclass
from operator import mul
from typing import ClassVar

from .maths import (  # noqa: F401 - the shared maths, still importable from here
    _FUNCTIONS,
    ACTIVATIONS,
    Gradients,
    Trace,
    _activation,
    _check_n,
    _check_sequence,
    _linear_grad,
    _number,
    _relu_grad,
    _sigmoid_grad,
    _tanh_grad,
    dot,
    linear,
    loss_of,
    output_grads,
    relu,
    sigmoid,
)

ROLES = {}  # each gate's role, by gate (gru.ROLES, lstm.ROLES): the vanilla cell has none


@dataclass
class Params:
    """The weights and biases of the network with n hidden units.

    w_xh[i] and b_h[i] feed unit i, w_hh[i][j] is the weight from unit j at the previous step into
    unit i (row i = weights into unit i), w_hy[i] carries unit i to the output, and b_y is the
    output bias.

    >>> p = Params.scalar(w_xh=0.5, w_hh=0.8, w_hy=1.0)
    >>> p.n, p.w_hh
    (1, [[0.8]])
    >>> p.flat()
    [0.5, 0.8, 1.0, 0.0, 0.0]
    """

    w_xh: list[float]
    w_hh: list[list[float]]
    w_hy: list[float]
    b_h: list[float]
    b_y: float

    CELL: ClassVar[str] = "vanilla"
    GATES: ClassVar[tuple] = ("h",)
    MEMORY_GATE: ClassVar[str] = ""  # no gate keeps its state: nothing to set a memory bias on

    def check(self):
        """ValueError unless the weights' shapes fit together (n, n×n)."""
        _check_shapes(self.w_xh, self.w_hh, self.w_hy, self.b_h)

    @classmethod
    def names(cls):
        """Every weight's name: w_xh, w_hh, b_h (the one "gate"), then w_hy, b_y."""
        return ("w_xh", "w_hh", "b_h", "w_hy", "b_y")

    @classmethod
    def flat_names(cls):
        """The weights' names in the order of flat()."""
        return ("w_xh", "w_hh", "w_hy", "b_h", "b_y")

    @property
    def n(self):
        """The number of hidden units."""
        return len(self.w_xh)

    @classmethod
    def scalar(cls, w_xh, w_hh, w_hy, b_h=0.0, b_y=0.0):
        """Parameters of a one-unit (scalar) RNN from five numbers."""
        return cls(
            w_xh=[_number(w_xh, "w_xh")],
            w_hh=[[_number(w_hh, "w_hh")]],
            w_hy=[_number(w_hy, "w_hy")],
            b_h=[_number(b_h, "b_h")],
            b_y=_number(b_y, "b_y"),
        )

    @classmethod
    def zeros(cls, n):
        """All weights and biases zero."""
        return cls.from_flat(n, [0.0] * cls.size(n))

    @classmethod
    def random(cls, n, seed, memory_bias=None, identity=False):
        """Random starting weights, the same for the same seed.

        Drawn from random.Random(seed) in the order w_xh, w_hh (row by row), w_hy, each uniform in
        [−1, 1], with W_hh then scaled by 1/√n so that the recurrence starts out neither exploding
        nor vanishing; the biases start at 0. With identity=True, W_hh starts as the identity
        instead (Le, Jaitly & Hinton 2015), so each unit starts out copying itself; the other
        weights are the same. The vanilla cell has no gate, so no memory bias: memory_bias must
        be None.

        >>> Params.random(2, seed=1) == Params.random(2, seed=1)
        True
        """
        _check_n(n)
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise ValueError(f"The seed must be a whole number, not {seed!r}.")
        if memory_bias is not None:
            raise ValueError("The vanilla RNN has no gate, so it has no memory bias to set.")
        rng = random.Random(seed)
        scale = 1.0 / math.sqrt(n)
        w_xh = [rng.uniform(-1.0, 1.0) for _ in range(n)]
        w_hh = [[scale * rng.uniform(-1.0, 1.0) for _ in range(n)] for _ in range(n)]
        w_hy = [rng.uniform(-1.0, 1.0) for _ in range(n)]
        if identity:
            w_hh = [[float(i == j) for j in range(n)] for i in range(n)]
        return cls(w_xh, w_hh, w_hy, [0.0] * n, 0.0)

    @staticmethod
    def size(n):
        """How many numbers n hidden units need: n (W_xh) + n² (W_hh) + n (W_hy) + n (b_h) + 1."""
        return n * n + 3 * n + 1

    def flat(self):
        """All the numbers in one list: w_xh, w_hh row by row, w_hy, b_h, b_y."""
        return [
            *self.w_xh,
            *(w for row in self.w_hh for w in row),
            *self.w_hy,
            *self.b_h,
            self.b_y,
        ]

    @classmethod
    def from_flat(cls, n, values):
        """The inverse of `flat`: Params.from_flat(p.n, p.flat()) == p."""
        _check_n(n)
        try:
            values = [float(v) for v in values]
        except (TypeError, ValueError, OverflowError):
            raise ValueError("Params.from_flat needs a list of numbers.") from None
        if len(values) != cls.size(n):
            raise ValueError(
                f"{n} hidden unit(s) need {cls.size(n)} numbers (n² + 3n + 1), "
                f"but {len(values)} were given."
            )
        w_hh_end = n + n * n
        return cls(
            w_xh=values[:n],
            w_hh=[values[n + i * n : n + (i + 1) * n] for i in range(n)],
            w_hy=values[w_hh_end : w_hh_end + n],
            b_h=values[w_hh_end + n : w_hh_end + 2 * n],
            b_y=values[-1],
        )

    def is_finite(self):
        """True when no weight or bias is inf or nan."""
        return all(map(math.isfinite, self.flat()))

    def to_dict(self):
        """A plain dict of lists and floats, ready for json.dumps; `from_dict` reads it back."""
        return {
            "w_xh": [float(w) for w in self.w_xh],
            "w_hh": [[float(w) for w in row] for row in self.w_hh],
            "w_hy": [float(w) for w in self.w_hy],
            "b_h": [float(b) for b in self.b_h],
            "b_y": float(self.b_y),
        }

    @classmethod
    def from_dict(cls, d):
        """Params from a dict such as `to_dict` writes, checked number by number.

        Meant for imported JSON files: anything malformed (a missing key, a wrong shape, text,
        inf or nan) raises ValueError saying what is wrong. Keys other than the five are ignored.

        >>> Params.from_dict({"w_xh": [1], "w_hh": [[0.5]], "w_hy": [2], "b_h": [0], "b_y": 0})
        Params(w_xh=[1.0], w_hh=[[0.5]], w_hy=[2.0], b_h=[0.0], b_y=0.0)
        >>> Params.from_dict({"w_xh": [1], "w_hh": [0.5], "w_hy": [2], "b_h": [0], "b_y": 0})
        Traceback (most recent call last):
        ...
        ValueError: w_hh must be a 1×1 grid: a list of 1 row(s), each a list of 1 number(s).
        """
        if not isinstance(d, dict):
            raise ValueError(
                "Saved weights must be a JSON object with the keys w_xh, w_hh, w_hy, b_h and b_y."
            )
        for key in ("w_xh", "w_hh", "w_hy", "b_h", "b_y"):
            if key not in d:
                raise ValueError(f"The saved weights have no '{key}'.")
        _check_shapes(d["w_xh"], d["w_hh"], d["w_hy"], d["b_h"])
        return cls(
            w_xh=[_number(w, f"w_xh[{i}]") for i, w in enumerate(d["w_xh"])],
            w_hh=[
                [_number(w, f"w_hh[{i}][{j}]") for j, w in enumerate(row)]
                for i, row in enumerate(d["w_hh"])
            ],
            w_hy=[_number(w, f"w_hy[{i}]") for i, w in enumerate(d["w_hy"])],
            b_h=[_number(b, f"b_h[{i}]") for i, b in enumerate(d["b_h"])],
            b_y=_number(d["b_y"], "b_y"),
        )


def _check_shapes(w_xh, w_hh, w_hy, b_h):
    """The weights fit together: w_xh, w_hy and b_h have n entries and w_hh is n×n."""
    n = len(w_xh) if isinstance(w_xh, list | tuple) else 0
    if n == 0:
        raise ValueError("w_xh must be a list of numbers, one per hidden unit.")
    if not (
        isinstance(w_hh, list | tuple)
        and len(w_hh) == n
        and all(isinstance(row, list | tuple) and len(row) == n for row in w_hh)
    ):
        raise ValueError(
            f"w_hh must be a {n}×{n} grid: a list of {n} row(s), each a list of {n} number(s)."
        )
    for name, v in (("w_hy", w_hy), ("b_h", b_h)):
        if not isinstance(v, list | tuple) or len(v) != n:
            raise ValueError(f"{name} must be a list of {n} number(s), one per hidden unit.")


def _check_params(params):
    if not isinstance(params, Params):
        raise ValueError(f"Expected Params, not {type(params).__name__}.")
    _check_shapes(params.w_xh, params.w_hh, params.w_hy, params.b_h)


def forward(params, xs, activation):
    """Run the network over the sequence xs and measure how well y_t predicted x_{t+1}.

    Extreme weights give inf or nan in the trace rather than an exception.

    >>> tr = forward(Params.scalar(w_xh=1.0, w_hh=0.0, w_hy=1.0), [1, 2, 3], "linear")
    >>> tr.h, tr.y, tr.loss
    ([[1.0], [2.0], [3.0]], [1.0, 2.0, 3.0], 1.0)
    """
    f, _ = _activation(activation)
    _check_params(params)
    return _forward(params, _check_sequence(xs), f)


def step(params, x, h_prev, f):
    """One timestep forward: read x_t, update the hidden state from h_{t−1} to h_t, predict y_t."""
    W_xh, W_hh, b_h = params.w_xh, params.w_hh, params.b_h
    # z_t = W_xh·x_t + W_hh·h_{t−1} + b_h
    z = [W_xh[i] * x + dot(W_hh[i], h_prev) + b_h[i] for i in range(len(b_h))]
    # h_t = f(z_t)
    h = list(map(f, z))
    # y_t = W_hy·h_t + b_y
    y = dot(params.w_hy, h) + params.b_y
    return z, h, y


def _forward(params, xs, f, targets=None):
    """The forward pass: one `step` per value of xs, then the loss.

    targets[t] is what y_t should be (None: no target at t); by default y_t predicts x_{t+1}."""
    h = [0.0] * params.n  # h_{−1} = 0
    zs, hs, ys = [], [], []
    for x in xs:
        z, h, y = step(params, x, h, f)
        zs.append(z)
        hs.append(h)
        ys.append(y)
    if targets is not None:  # a task that sets its own targets (the long-lag task)
        return Trace(zs, hs, ys, loss_of(ys, xs, targets))
    # L = mean over t = 0..T−2 of (y_t − x_{t+1})²; the last output has no target
    errors = [ys[t] - xs[t + 1] for t in range(len(xs) - 1)]
    loss = sum(e * e for e in errors) / len(errors)
    return Trace(zs, hs, ys, loss)


def backward(params, xs, activation):
    """Exact gradients of the loss by backpropagation through time.

    Walks the forward pass backwards from the last step, carrying dz_{t+1} = ∂L/∂z_{t+1} so that
    each h_t gets both its direct effect on y_t and its effect on every later step.

    >>> g = backward(Params.scalar(w_xh=1.0, w_hh=0.0, w_hy=1.0), [1, 2, 3], "linear")
    >>> g.loss, g.grads.w_hy, g.dh
    (1.0, [-3.0], [[-1.0], [-1.0], [0.0]])
    """
    f, df = _activation(activation)
    _check_params(params)
    return _backward(params, _check_sequence(xs), f, df)


def step_back(params, x, h_prev, z, h, dy, dz_next, df, grads):
    """One timestep of BPTT, the mirror of `step`: from dy_t = ∂L/∂y_t and dz_{t+1} = ∂L/∂z_{t+1}
    find dh_t and dz_t, and add this step's share of every gradient to grads (a Params)."""
    W_hh, W_hy = params.w_hh, params.w_hy
    dW_xh, dW_hh, dW_hy, db_h = grads.w_xh, grads.w_hh, grads.w_hy, grads.b_h
    units = range(len(h))
    # y_t = W_hy·h_t + b_y  ⇒  ∂L/∂W_hy += dy_t·h_t,  ∂L/∂b_y += dy_t
    for i in units:
        dW_hy[i] += dy * h[i]
    grads.b_y += dy
    # dh_t = W_hy·dy_t + W_hhᵀ·dz_{t+1}, as h_t feeds both y_t and z_{t+1}
    W_hh_T = list(zip(*W_hh, strict=True))  # row j of W_hhᵀ: the weights out of unit j
    dh = [W_hy[j] * dy + dot(W_hh_T[j], dz_next) for j in units]
    # dz_t = dh_t·f′(z_t), as h_t = f(z_t)
    dz = [dh[i] * df(z[i], h[i]) for i in units]
    # z_t = W_xh·x_t + W_hh·h_{t−1} + b_h  ⇒
    #     ∂L/∂W_xh += dz_t·x_t,  ∂L/∂W_hh += dz_t·h_{t−1}ᵀ,  ∂L/∂b_h += dz_t
    for i in units:
        dW_xh[i] += dz[i] * x
        for j in units:
            dW_hh[i][j] += dz[i] * h_prev[j]
        db_h[i] += dz[i]
    return dh, dz


def _backward(params, xs, f, df, targets=None):
    """Backpropagation through time: the forward pass, then one `step_back` per timestep, from
    the last to the first."""
    tr = _forward(params, xs, f, targets)
    dys = None if targets is None else output_grads(tr.y, xs, targets)
    T, n = len(xs), params.n
    grads = Params([0.0] * n, [[0.0] * n for _ in range(n)], [0.0] * n, [0.0] * n, 0.0)
    dh = [None] * T
    dz = [0.0] * n  # dz_T = 0: nothing comes after the last step
    for t in reversed(range(T)):
        h_prev = tr.h[t - 1] if t > 0 else [0.0] * n  # h_{−1} = 0
        # dy_t = 2·(y_t − x_{t+1}) / (T−1), from L = mean of (y_t − x_{t+1})²
        dy = 2.0 * (tr.y[t] - xs[t + 1]) / (T - 1) if t < T - 1 else 0.0
        if dys is not None:  # a task with its own targets: 2·(y_t − target_t) / their count
            dy = dys[t]
        # back through step t: dh_t, dz_t, and step t's share of every gradient
        dh[t], dz = step_back(params, xs[t], h_prev, tr.z[t], tr.h[t], dy, dz, df, grads)
    return Gradients(tr.loss, grads, dh, tr)


def loss_and_grads(params, xs, activation):
    """The loss and its gradient (as Params): a shortcut for `backward` when dh is not needed."""
    g = backward(params, xs, activation)
    return g.loss, g.grads


def memory_reach(params, xs, activation):
    """How strongly the last hidden state still depends on each earlier one: ‖∂h_{T−1}/∂h_t‖.

    The chain rule makes this a product of one factor per step in between,
    ∂h_{t+1}/∂h_t = diag(f′(z_{t+1}))·W_hh, so it shrinks geometrically when those factors are
    small (the gradient vanishes) and grows when they are large (it explodes). Returns one
    Frobenius norm per t; the last is ‖I‖ = √n. Overflow gives inf, not an exception.

    >>> memory_reach(Params.scalar(w_xh=1.0, w_hh=0.5, w_hy=1.0), [1, 2, 3], "linear")
    [0.25, 0.5, 1.0]
    """
    f, df = _activation(activation)
    _check_params(params)
    tr = _forward(params, _check_sequence(xs), f)
    W_hh = params.w_hh
    T, n = len(xs), params.n
    units = range(n)
    J = [[1.0 if i == j else 0.0 for j in units] for i in units]  # ∂h_{T−1}/∂h_{T−1} = I
    columns = [list(column) for column in zip(*W_hh, strict=True)]  # column j of W_hh
    reach = [0.0] * T
    for t in reversed(range(T)):
        reach[t] = math.sqrt(sum(v * v for row in J for v in row))
        if t == 0:
            break
        # ∂h_t/∂h_{t−1} = diag(f′(z_t))·W_hh, so J ← J·diag(f′(z_t))·W_hh
        slope = [df(z, h) for z, h in zip(tr.z[t], tr.h[t], strict=True)]
        rows = [list(map(mul, row, slope)) for row in J]
        J = [[dot(row, column) for column in columns] for row in rows]
    return reach


class Cell:
    """The vanilla cell in the shape every cell shares: `step` and `step_back` over the input
    terms u (u["h"][i] = W_xh[i]·x_t, or a column of W_xh for a one-hot character)."""

    name = "vanilla"
    gates = ("h",)
    has_c = False
    gated = False  # one line, h_t = f(z_t): no gates to show (no ROLES)
    has_activation = True  # the page's activation select applies to this cell
    own_loops = True  # it runs a whole sequence in its own tight loops (forward, backward, reach)

    def __init__(self, activation="tanh"):
        self.activation = activation
        self.f, self.df = _activation(activation)

    def forward(self, p, xs, targets=None):
        """The whole forward pass over checked weights and inputs: `_forward`."""
        return _forward(p, xs, self.f, targets)

    def backward(self, p, xs, targets=None):
        """BPTT over checked weights and inputs: `_backward`, with the weights' gradients."""
        return _backward(p, xs, self.f, self.df, targets)

    def reach(self, p, xs):
        """‖∂h_{T−1}/∂h_t‖ for every t: `memory_reach`."""
        return memory_reach(p, xs, self.activation)

    def step(self, p, u, h_prev, c_prev=None):
        """z_t = u + W_hh·h_{t−1} + b_h, h_t = f(z_t); no cell state."""
        u_h, W_hh, b_h = u["h"], p.w_hh, p.b_h
        # z_t = u_t + W_hh·h_{t−1} + b_h
        z = [u_h[i] + dot(W_hh[i], h_prev) + b_h[i] for i in range(len(b_h))]
        # h_t = f(z_t)
        h = list(map(self.f, z))
        return {"z": z, "h": h}, h, None

    def step_back(self, p, gates, h_prev, c_prev, c, dh, dc, grads):
        """From dh = ∂L/∂h_t: du = dz_t, this step's share of ∂L/∂W_hh and ∂L/∂b_h, and
        ∂L/∂h_{t−1} = W_hhᵀ·dz_t."""
        z, h, df, W_hh = gates["z"], gates["h"], self.df, p.w_hh
        units = range(len(h))
        # dz_t = dh_t ⊙ f′(z_t)
        dz = [dh[i] * df(z[i], h[i]) for i in units]
        # z_t = u_t + W_hh·h_{t−1} + b_h  ⇒  ∂L/∂W_hh += dz_t·h_{t−1}ᵀ, ∂L/∂b_h += dz_t
        if grads is not None:  # None: only the derivatives are wanted (the gradient reach)
            for i in units:
                row, d = grads.w_hh[i], dz[i]
                for j in units:
                    row[j] += d * h_prev[j]
                grads.b_h[i] += d
        # dh_{t−1} = W_hhᵀ·dz_t
        dh_prev = [dot([W_hh[i][j] for i in units], dz) for j in units]
        return {"h": dz}, dh_prev, None


# What the Code panel lists for this cell, in reading order: it runs a sequence in its own loops
# (Cell.own_loops), so its own forward step and pass, then the backward ones.
SHOWN = (step, _forward, step_back, _backward)
