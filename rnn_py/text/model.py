"""The character-level network's weights and its passes on the cells' own `step` and `step_back`.

Character k enters as a one-hot vector e_k, so its input term is column k of each gate's input
weights W_x· (a column pick, never a product with zeros). The readout gives V logits and a
softmax:

    y_t = W_hy·h_t + b_y,   p_t = softmax(y_t),   L = mean over t of −log p_t[target_t]

`forward` and `backward` run the cells' `step` and `step_back` as they are, for reading and
checking; `loss_and_grads` runs the same arithmetic arranged for speed in `textcore`.
"""

import math
import random
from dataclasses import dataclass
from itertools import chain
from operator import add

from .. import cells
from ..cells.vanilla import _activation, _number
from . import core as textcore

MAX_VOCAB = 64
MAX_HIDDEN_TEXT = 32


def gates_of(cell):
    """The gates of a cell by name: ("h",), ("r", "z", "h") or ("i", "f", "o", "c")."""
    return cells.params_class(cell).GATES


class TextParams:
    """The weights of a cell that reads characters and predicts the next one.

    Per gate g: w_xg, n rows of V (column k is what character k adds to each unit), w_hg, n rows
    of n, and b_g, n numbers; then the readout w_hy, V rows of n, and b_y, V numbers. The cell's
    `step` and `step_back` use these by the same names as for numbers.
    """

    def __init__(self, cell, **weights):
        self.CELL = cell
        self.GATES = gates_of(cell)
        for name in self.names():
            if name not in weights:
                raise ValueError(f"The {cell} text weights have no '{name}'.")
            setattr(self, name, weights[name])

    def names(self):
        """Every weight's name in storage order."""
        return _names(self.GATES)

    @property
    def n(self):
        """The number of hidden units."""
        return len(self.w_hy[0])

    @property
    def vocab_size(self):
        """The number of characters V."""
        return len(self.b_y)

    @staticmethod
    def size(cell, n, vocab_size):
        """How many numbers the weights hold: G·(n·V + n² + n) + V·n + V."""
        return len(gates_of(cell)) * (n * vocab_size + n * n + n) + vocab_size * (n + 1)

    def flat(self):
        """All the numbers in one list, in the order of `names` (matrices row by row)."""
        out = []
        for name in self.names():
            v = getattr(self, name)
            out.extend(chain.from_iterable(v) if v and isinstance(v[0], list) else v)
        return out

    @classmethod
    def from_flat(cls, cell, n, vocab_size, values):
        """The inverse of `flat`."""
        _check_sizes(cell, n, vocab_size)
        values = list(values)
        if len(values) != cls.size(cell, n, vocab_size):
            raise ValueError(
                f"A {cell} with {n} hidden units and {vocab_size} characters needs "
                f"{cls.size(cell, n, vocab_size)} numbers, but {len(values)} were given."
            )
        weights, at = {}, 0
        for name, rows, cols in _shapes(gates_of(cell), n, vocab_size):
            if rows is None:
                weights[name] = values[at : at + cols]
                at += cols
            else:
                weights[name] = [values[at + r * cols : at + (r + 1) * cols] for r in range(rows)]
                at += rows * cols
        return cls(cell, **weights)

    @classmethod
    def random(cls, cell, n, vocab_size, seed):
        """Random starting weights, the same for the same seed: from random.Random(seed), gate
        by gate, w_x· uniform in [−1, 1] and w_h· uniform in [−1, 1]/√n; then w_hy uniform in
        [−1, 1]/√n. Biases start at 0, except the GRU's b_z and the LSTM's b_f at 1."""
        _check_sizes(cell, n, vocab_size)
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise ValueError(f"The seed must be a whole number, not {seed!r}.")
        rng = random.Random(seed)
        scale = 1.0 / math.sqrt(n)
        start = getattr(cells.params_class(cell), "BIAS_START", {})
        weights = {}
        for g in gates_of(cell):
            weights["w_x" + g] = [[rng.uniform(-1.0, 1.0) for _ in range(vocab_size)]
                                  for _ in range(n)]  # fmt: skip
            weights["w_h" + g] = [[scale * rng.uniform(-1.0, 1.0) for _ in range(n)]
                                  for _ in range(n)]  # fmt: skip
            weights["b_" + g] = [start.get(g, 0.0)] * n
        weights["w_hy"] = [[scale * rng.uniform(-1.0, 1.0) for _ in range(n)]
                           for _ in range(vocab_size)]  # fmt: skip
        weights["b_y"] = [0.0] * vocab_size
        return cls(cell, **weights)

    @classmethod
    def zeros(cls, cell, n, vocab_size):
        """All weights and biases zero (a place to add gradients into)."""
        return cls.from_flat(cell, n, vocab_size, [0.0] * cls.size(cell, n, vocab_size))

    def is_finite(self):
        """True when no weight or bias is inf or nan."""
        return all(map(math.isfinite, self.flat()))

    def to_dict(self):
        """A plain dict for json.dumps: "cell", "task": "text", and each weight by name."""
        out = {"task": "text", "cell": self.CELL}
        for name in self.names():
            v = getattr(self, name)
            out[name] = (
                [list(map(float, row)) for row in v]
                if isinstance(v[0], list)
                else [float(w) for w in v]
            )
        return out

    @classmethod
    def from_dict(cls, d):
        """Weights from a dict such as `to_dict` writes, checked entry by entry; ValueError
        naming the first thing wrong."""
        if not isinstance(d, dict):
            raise ValueError("Saved text weights must be a JSON object.")
        cell = d.get("cell", "vanilla")
        if cell not in cells.CELLS:
            raise ValueError(f"Unknown cell {cell!r}. Choose one of: {', '.join(cells.CELLS)}.")
        gates = gates_of(cell)
        for name in _names(gates):
            if name not in d:
                raise ValueError(f"The saved {cell} text weights have no '{name}'.")
        b_y, w_hy = d["b_y"], d["w_hy"]
        if isinstance(b_y, int | float) or (
            isinstance(w_hy, list) and w_hy and not isinstance(w_hy[0], list)
        ):
            raise ValueError(
                "These look like weights for numbers, not for text: a text network's w_hy has "
                "one row per character."
            )
        if not isinstance(b_y, list) or not isinstance(w_hy, list) or not w_hy:
            raise ValueError("b_y and w_hy must be lists, one entry per character.")
        V, n = len(b_y), len(w_hy[0])
        _check_sizes(cell, n, V)
        weights = {}
        for name, rows, cols in _shapes(gates, n, V):
            v = d[name]
            if rows is None:
                if not isinstance(v, list) or len(v) != cols:
                    raise ValueError(f"{name} must be a list of {cols} numbers.")
                weights[name] = [_number(w, f"{name}[{j}]") for j, w in enumerate(v)]
                continue
            if not (
                isinstance(v, list)
                and len(v) == rows
                and all(isinstance(row, list) and len(row) == cols for row in v)
            ):
                raise ValueError(f"{name} must be {rows} rows of {cols} numbers.")
            weights[name] = [
                [_number(w, f"{name}[{i}][{j}]") for j, w in enumerate(row)]
                for i, row in enumerate(v)
            ]
        return cls(cell, **weights)

    def __eq__(self, other):
        return isinstance(other, TextParams) and self.to_dict() == other.to_dict()

    def __repr__(self):
        return f"TextParams({self.CELL!r}, n={self.n}, vocab_size={self.vocab_size})"


def _names(gates):
    return (*(f"{w}{g}" for g in gates for w in ("w_x", "w_h", "b_")), "w_hy", "b_y")


def _shapes(gates, n, V):
    """(name, rows or None for a vector, columns) of every weight, in storage order."""
    for g in gates:
        yield "w_x" + g, n, V
        yield "w_h" + g, n, n
        yield "b_" + g, None, n
    yield "w_hy", V, n
    yield "b_y", None, V


def _check_sizes(cell, n, vocab_size):
    cells.module(cell)
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_HIDDEN_TEXT:
        raise ValueError(f"The hidden units must be a whole number from 1 to {MAX_HIDDEN_TEXT}.")
    if isinstance(vocab_size, bool) or not isinstance(vocab_size, int):
        raise ValueError("The number of characters must be a whole number.")
    if not 2 <= vocab_size <= MAX_VOCAB:
        raise ValueError(f"The characters must number from 2 to {MAX_VOCAB}, not {vocab_size}.")


def text_params(cell, n, vocab_size, seed):
    """Random starting weights for the text task (see TextParams.random)."""
    return TextParams.random(cell, n, vocab_size, seed)


# The forward pass and BPTT on the cells' own step and step_back, for reading and checking.


@dataclass(frozen=True)
class TextTrace:
    """What the forward pass computed at every step t (after reading character t): the logits,
    the probabilities of the next character, h_t, c_t (LSTM; else None), the gate values; the
    mean cross-entropy in nats over the steps that have a next character (None if none), and the
    state after the last step."""

    logits: list
    probs: list
    h: list
    c: list | None
    gates: list
    loss: float | None
    h_last: list
    c_last: list | None


def _start(params, h0, c0):
    n = params.n
    h = [0.0] * n if h0 is None else [float(v) for v in h0]
    c = [0.0] * n if c0 is None else [float(v) for v in c0]
    if len(h) != n or len(c) != n:
        raise ValueError(f"The starting state must have {n} numbers.")
    return h, c


def _check_ixs(params, ixs, what="characters"):
    ixs = list(ixs)
    V = params.vocab_size
    if not ixs:
        raise ValueError(f"There are no {what} to read.")
    for k in ixs:
        if isinstance(k, bool) or not isinstance(k, int) or not 0 <= k < V:
            raise ValueError(f"Each of the {what} must be an index from 0 to {V - 1}, not {k!r}.")
    return ixs


def forward(params, ixs, h0=None, c0=None, activation="tanh"):
    """Read the characters ixs one by one with the cell's `step`, predicting each next one.

    >>> p = text_params("lstm", 3, 4, seed=0)
    >>> tr = forward(p, [0, 1, 2, 3])
    >>> len(tr.probs), round(sum(tr.probs[0]), 12), tr.loss > 0
    (4, 1.0, True)
    """
    _activation(activation)
    ixs = _check_ixs(params, ixs)
    cell = cells.make_cell(params.CELL, activation)
    h, c = _start(params, h0, c0)
    xw = [getattr(params, "w_x" + g) for g in cell.gates]
    logits, probs, hs, cs, gs = [], [], [], [], []
    loss = 0.0
    for t, k in enumerate(ixs):
        # a one-hot x_t = e_k picks column k of each W_x·: u_g = W_xg[:, k]
        u = {g: [row[k] for row in w] for g, w in zip(cell.gates, xw, strict=True)}
        gates, h, c_new = cell.step(params, u, h, c)
        c = c_new if cell.has_c else c
        # y_t = W_hy·h_t + b_y, p_t = softmax(y_t): the next character's probabilities
        y = list(map(add, textcore.matvec(params.w_hy, h), params.b_y))
        p, lse = textcore.softmax(y)
        # the loss adds −log p_t[x_{t+1}] where there is a next character
        if t + 1 < len(ixs):
            loss += lse - y[ixs[t + 1]]
        logits.append(y)
        probs.append(p)
        hs.append(h)
        cs.append(c)
        gs.append(gates)
    count = len(ixs) - 1
    return TextTrace(
        logits,
        probs,
        hs,
        cs if cell.has_c else None,
        gs,
        loss / count if count else None,
        h,
        c if cell.has_c else None,
    )


@dataclass(frozen=True)
class TextGradients:
    """The loss, ∂L/∂ every weight (a TextParams), dh[t] = ∂L/∂h_t, and the forward trace."""

    loss: float
    grads: TextParams
    dh: list
    trace: TextTrace


def backward(params, inputs, targets, h0=None, c0=None, activation="tanh"):
    """BPTT through one window with the cells' own `step_back`: after reading inputs[t] the
    network should predict targets[t]; L = mean over t of −log p_t[targets[t]]. The gradient
    stops at the starting state (h0, c0), as truncated BPTT does."""
    inputs, targets = _check_window(params, inputs, targets)
    cell = cells.make_cell(params.CELL, activation)
    h0, c0 = _start(params, h0, c0)
    tr = forward(params, inputs, h0, c0, activation)
    T, n, V = len(inputs), params.n, params.vocab_size
    grads = TextParams.zeros(params.CELL, n, V)
    # −log p_t[target] = log-sum-exp(y_t) − y_t[target]
    loss = sum(textcore.softmax(y)[1] - y[g] for y, g in zip(tr.logits, targets, strict=True)) / T
    dh_all = [None] * T
    dh_next, dc_next = [0.0] * n, [0.0] * n
    for t in reversed(range(T)):
        # L = mean of −log softmax(y_t)[target]  ⇒  dy_t = (p_t − e_target) / T
        dy = [p / T for p in tr.probs[t]]
        dy[targets[t]] -= 1.0 / T
        h = tr.h[t]
        # y_t = W_hy·h_t + b_y  ⇒  ∂L/∂W_hy += dy_t·h_tᵀ, ∂L/∂b_y += dy_t
        for v in range(V):
            row = grads.w_hy[v]
            for j in range(n):
                row[j] += dy[v] * h[j]
            grads.b_y[v] += dy[v]
        # dh_t = W_hyᵀ·dy_t + what step t+1 sent back to h_t
        dh = [sum(params.w_hy[v][j] * dy[v] for v in range(V)) + dh_next[j] for j in range(n)]
        dh_all[t] = dh

        # back through step t with the cell's own step_back: du per gate, dh_{t−1} (and dc_{t−1})
        h_prev = tr.h[t - 1] if t > 0 else h0
        c_prev = (tr.c[t - 1] if t > 0 else c0) if cell.has_c else None
        c = tr.c[t] if cell.has_c else None
        du, dh_next, dc_next = cell.step_back(
            params, tr.gates[t], h_prev, c_prev, c, dh, dc_next, grads
        )
        # u_g = W_xg[:, k]  ⇒  ∂L/∂W_xg[:, k] += du_g
        k = inputs[t]
        for g in cell.gates:
            w = getattr(grads, "w_x" + g)
            for i in range(n):
                w[i][k] += du[g][i]
    return TextGradients(loss, grads, dh_all, tr)


def _check_window(params, inputs, targets):
    inputs = _check_ixs(params, inputs)
    targets = _check_ixs(params, targets, "targets")
    if len(inputs) != len(targets):
        raise ValueError("There must be one target per input character.")
    return inputs, targets


def loss_and_grads(params, inputs, targets, h0=None, c0=None, activation="tanh"):
    """One window of truncated BPTT, fast: (loss, grads as TextParams, h_last, c_last).

    The same numbers as `backward` (to rounding), from `textcore.window`.
    """
    _activation(activation)
    inputs, targets = _check_window(params, inputs, targets)
    h, c = _start(params, h0, c0)
    P = textcore.Packed(params)
    loss, flat, h, c = textcore.window(P, inputs, targets, h, c, activation)
    grads = TextParams.from_flat(params.CELL, params.n, params.vocab_size, flat)
    return loss, grads, h, c if cells.cell_class(params.CELL).has_c else None


def reach(params, ixs, activation="tanh"):
    """How strongly the last hidden state depends on each earlier one while reading the
    characters ixs from a zero state: ‖∂h_{T−1}/∂h_t‖ (Frobenius) for every t, through every
    path. Each row of the Jacobian is a unit vector sent back from h_{T−1} through the cell's own
    `step_back` (holding c_t fixed for the LSTM), as cells.reach does for numbers."""
    return [r for r in reach_steps(params, ixs, activation) if r is not None][0]


def reach_steps(params, ixs, activation="tanh"):
    """`reach` a step back at a time, for a page that must not freeze: yields None after every
    step_back, then the list `reach` returns."""
    ixs = _check_ixs(params, ixs)
    cell = cells.make_cell(params.CELL, activation)
    tr = forward(params, ixs, activation=activation)
    T, n = len(ixs), params.n
    zeros = [0.0] * n
    scratch = TextParams.zeros(params.CELL, n, params.vocab_size)
    squares = [0.0] * T
    for k in range(n):
        dh = [1.0 if i == k else 0.0 for i in range(n)]  # row k of ∂h_{T−1}/∂h_{T−1} = I
        dc = zeros
        for t in reversed(range(T)):
            squares[t] += sum(v * v for v in dh)
            if t == 0:
                break
            c_prev = tr.c[t - 1] if cell.has_c else zeros
            c = tr.c[t] if cell.has_c else None
            _, dh, dc = cell.step_back(params, tr.gates[t], tr.h[t - 1], c_prev, c, dh, dc, scratch)
            dc = dc if cell.has_c else zeros
            yield None
    yield [math.sqrt(s) for s in squares]
