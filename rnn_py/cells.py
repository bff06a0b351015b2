"""The three cells side by side, and the network around any of them.

A cell is the recurrent core: the vanilla cell (`model`), the GRU (`gru`) and the LSTM (`lstm`).
Each module has the same small interface: `Params` (its weights by name, with `random`, `flat`,
`from_flat`, `to_dict`, `from_dict`), and `Cell` with `step(p, u, h, c)` → (gates, h, c) and its
mirror `step_back`. This module runs a whole sequence through whichever cell the weights belong
to (`forward`, `backward`) without asking which one it is; the vanilla cell keeps its own tight
loops in `model`, which this dispatches to. `reach` carries each gated cell's per-step Jacobian
back from the gate values of the forward pass (the same numbers its `step_back` would send back
from unit vectors, without the weights' gradients), reusing the trace of the `backward` just
made for the same weights and inputs, as the page asks for both.

    y_t = W_hy·h_t + b_y,  h_{−1} = c_{−1} = 0,  L = mean squared error of y_t against its target
"""

# ruff: noqa: B905  (the hot loops zip vectors whose lengths check_params fixed once per pass)

import math
from array import array
from itertools import repeat
from operator import add, mul

from . import gru, lstm, model
from .cellbase import CellParams, gate_names
from .model import Gradients, Trace, _activation, _check_sequence, dot, loss_of, output_grads

CELLS = ("vanilla", "gru", "lstm")
LABELS = {"vanilla": "Vanilla RNN", "gru": "GRU", "lstm": "LSTM"}
_MODULES = {"vanilla": model, "gru": gru, "lstm": lstm}


def module(cell):
    """The module of a cell by name ('vanilla', 'gru' or 'lstm')."""
    if cell not in _MODULES:
        raise ValueError(f"Unknown cell {cell!r}. Choose one of: {', '.join(CELLS)}.")
    return _MODULES[cell]


def params_class(cell):
    """The weights class of a cell."""
    return module(cell).Params


def make_cell(cell, activation="tanh"):
    """The `Cell` object of a cell; the activation applies to the vanilla cell only."""
    return model.Cell(activation) if cell == "vanilla" else module(cell).Cell()


def cell_of(params):
    """The name of the cell these weights belong to."""
    return params.CELL


def random_params(cell, n, seed):
    """Random starting weights of a cell, as the page and the CLI draw them."""
    return params_class(cell).random(n, seed)


def params_from_dict(d, cell="vanilla"):
    """Weights of the named cell from a dict of lists by weight name (a weights file)."""
    return params_class(cell).from_dict(d)


def check_params(params):
    """ValueError unless params are some cell's weights with shapes that fit together."""
    if isinstance(params, model.Params):
        model._check_params(params)
        return
    if not isinstance(params, CellParams):
        raise ValueError(f"Expected a cell's weights, not {type(params).__name__}.")
    if not _well_formed(params):  # then say what is wrong, as a weights file would be told
        type(params).from_dict(params.to_dict())  # every name present, every shape n and n×n


def _well_formed(params):
    """True when every weight is there with its shape (n, n×n, or one number) and every entry
    is a finite number: the common case, checked without copying the weights. False (never an
    exception) when anything is off, for `check_params` to name it."""
    try:
        n = len(params.w_hy)
        for g in params.GATES:
            w_x, w_h, b = (getattr(params, name) for name in gate_names(g))
            if len(w_x) != n or len(b) != n or len(w_h) != n or any(len(row) != n for row in w_h):
                return False
        values = params.flat()
        return n > 0 and len(values) == type(params).size(n) and all(map(math.isfinite, values))
    except (AttributeError, TypeError, OverflowError):
        return False


def zero_grads(params):
    """A zero of the same shape as params, to add gradients into."""
    return type(params).from_flat(params.n, [0.0] * type(params).size(params.n))


def input_terms(params, gates, x):
    """u[g][i] = W_xg[i]·x_t for a number x_t: each gate's input term."""
    return {g: [w * x for w in getattr(params, "w_x" + g)] for g in gates}


def forward(params, xs, activation="tanh", targets=None):
    """Run any cell over the numbers xs; y_t predicts targets[t] (by default x_{t+1}).

    Returns a Trace with h, y and the loss, and for gated cells the gate values per step (and
    the LSTM's c). Extreme weights give inf or nan rather than an exception."""
    xs = _check_sequence(xs)
    check_params(params)
    if isinstance(params, model.Params):
        f, _ = _activation(activation)
        return model._forward(params, xs, f, targets)
    trace = _forward(params, xs, make_cell(params.CELL), targets)
    _remember_trace(params, xs, trace)  # h, c and the gates do not depend on the targets
    return trace


def _forward(params, xs, cell, targets=None):
    n = params.n
    h, c = [0.0] * n, [0.0] * n  # h_{−1} = c_{−1} = 0
    hs, cs, ys, gs = [], [], [], []
    w_hy, b_y = params.w_hy, params.b_y
    for x in xs:
        gates, h, c = cell.step(params, input_terms(params, cell.gates, x), h, c)
        hs.append(h)
        cs.append(c)
        gs.append(gates)
        # y_t = W_hy·h_t + b_y
        ys.append(dot(w_hy, h) + b_y)
    # L = mean of (y_t − target_t)² over the steps that have a target (by default x_{t+1})
    loss = loss_of(ys, xs, targets)
    return Trace([], hs, ys, loss, c=cs if cell.has_c else None, gates=gs)


def backward(params, xs, activation="tanh", targets=None):
    """Exact gradients of the loss by BPTT, for any cell: Gradients with the loss, ∂L/∂ every
    weight (in the weights' own class), dh[t] = ∂L/∂h_t and, for the LSTM, dc[t] = ∂L/∂c_t."""
    xs = _check_sequence(xs)
    check_params(params)
    if isinstance(params, model.Params):
        f, df = _activation(activation)
        return model._backward(params, xs, f, df, targets)
    g = _backward(params, xs, make_cell(params.CELL), targets)
    _remember_trace(params, xs, g.trace)
    return g


# The last forward trace `forward` or `backward` made, for `reach` and `cell_state_reach` of the
# same weights and inputs (the page asks for all three of one model). Kept with a copy of the
# weights (they may be changed in place later) and compared by the exact bytes of every weight
# and input, so -0.0 and 0.0, or two nans, are never taken for each other.
_LAST = ["", [], [], None]  # cell, weights, inputs, trace


def _remember_trace(params, xs, trace):
    _LAST[:] = params.CELL, params.flat(), xs, trace


def _same_numbers(a, b):
    return len(a) == len(b) and array("d", a).tobytes() == array("d", b).tobytes()


def _last_trace(params, xs):
    """The trace `forward` or `backward` last made if it was of these weights and inputs."""
    cell, weights, inputs, trace = _LAST
    if cell == params.CELL and _same_numbers(inputs, xs) and _same_numbers(weights, params.flat()):
        return trace
    return None


def _backward(params, xs, cell, targets=None):
    tr = _forward(params, xs, cell, targets)
    # dy_t = ∂L/∂y_t = 2·(y_t − target_t) / (number of targets), 0 where there is none
    dys = output_grads(tr.y, xs, targets)
    # every gradient starts at 0, and nothing comes back from after the last step
    T, n = len(xs), params.n
    grads = zero_grads(params)
    zeros = [0.0] * n
    dh_all, dc_all = [None] * T, [None] * T
    dh_next, dc_next = zeros, zeros  # what step t+1 sends back to h_t and c_t
    w_hy = params.w_hy
    # from the last step back to the first
    for t in reversed(range(T)):
        dy = dys[t]
        h_prev = tr.h[t - 1] if t > 0 else zeros
        c_prev = tr.c[t - 1] if (cell.has_c and t > 0) else zeros
        # y_t = W_hy·h_t + b_y  ⇒  ∂L/∂W_hy += dy_t·h_t, ∂L/∂b_y += dy_t
        grads.w_hy[:] = [g + dy * hk for g, hk in zip(grads.w_hy, tr.h[t])]
        grads.b_y += dy
        # dh_t = W_hy·dy_t + what step t+1 sent back
        dh = [w * dy + d for w, d in zip(w_hy, dh_next)]
        dh_all[t] = dh
        # back through step t with the cell's own step_back: du per gate, dh_{t−1}, dc_{t−1}
        c = tr.c[t] if cell.has_c else None
        du, dh_next, dc_prev = cell.step_back(
            params, tr.gates[t], h_prev, c_prev, c, dh, dc_next, grads
        )
        # for the LSTM, ∂L/∂c_t: what step t+1 sent, plus the path through h_t = o_t ⊙ tanh(c_t)
        if cell.has_c:
            o, tc = tr.gates[t]["o"], tr.gates[t]["tc"]
            dc_all[t] = [d + e * ok * (1.0 - tk * tk) for d, e, ok, tk in zip(dc_next, dh, o, tc)]
            dc_next = dc_prev
        # u_g = W_xg·x_t  ⇒  ∂L/∂W_xg += du_g·x_t
        x = xs[t]
        for g in cell.gates:
            gw = getattr(grads, "w_x" + g)
            gw[:] = [w + d * x for w, d in zip(gw, du[g])]
    return Gradients(tr.loss, grads, dh_all, tr, dc=dc_all if cell.has_c else None)


def state_grads(params, xs, activation="tanh", targets=None):
    """dh[t] = ∂L/∂h_t (and the LSTM's dc[t] = ∂L/∂c_t) by BPTT, without the weights' gradients:
    what the page's gradient chart and the unrolled network's c lane draw. Gradients with
    grads=None. dh and dc are exactly `backward`'s numbers: `_backward`'s steps back in the same
    order, with step_back's grads=None; the forward pass is shared with `reach` when it was
    just made for the same weights and inputs."""
    if isinstance(params, model.Params):
        return backward(params, xs, activation, targets)
    xs = _check_sequence(xs)
    check_params(params)
    cell = make_cell(params.CELL)
    tr = _last_trace(params, xs)
    if tr is None:
        tr = _forward(params, xs, cell, targets)
        _remember_trace(params, xs, tr)
    else:  # h, c and the gates are the same; the outputs' loss depends on the targets
        tr = Trace(tr.z, tr.h, tr.y, loss_of(tr.y, xs, targets), c=tr.c, gates=tr.gates)
    dys = output_grads(tr.y, xs, targets)
    zeros = [0.0] * params.n
    dh_all, dc_all = [None] * len(xs), [None] * len(xs)
    dh_next, dc_next = zeros, zeros
    for t in reversed(range(len(xs))):
        dh = dh_all[t] = [w * dys[t] + d for w, d in zip(params.w_hy, dh_next)]
        h_prev = tr.h[t - 1] if t > 0 else zeros
        c_prev = tr.c[t - 1] if (cell.has_c and t > 0) else zeros
        c = tr.c[t] if cell.has_c else None
        _, dh_next, dc_prev = cell.step_back(
            params, tr.gates[t], h_prev, c_prev, c, dh, dc_next, None
        )
        if cell.has_c:
            o, tc = tr.gates[t]["o"], tr.gates[t]["tc"]
            dc_all[t] = [d + e * ok * (1.0 - tk * tk) for d, e, ok, tk in zip(dc_next, dh, o, tc)]
            dc_next = dc_prev
    return Gradients(tr.loss, None, dh_all, tr, dc=dc_all if cell.has_c else None)


def reach(params, xs, activation="tanh"):
    """‖∂h_{T−1}/∂h_t‖ for every t, through every path, for any cell (the Frobenius norm).

    For a gated cell the Jacobian ∂h_{T−1}/∂h_t (holding c_t fixed for the LSTM) is carried back
    one step at a time, J_{t−1} = J_t·∂h_t/∂h_{t−1} (with the LSTM's c_t beside h_t), from the
    gate values of the forward pass; each row is what the cell's own `step_back` would send back
    from a unit vector at h_{T−1}, without the weights' gradients. For the vanilla cell it is
    `model.memory_reach`. Overflow gives inf, not an exception."""
    if isinstance(params, model.Params):
        return model.memory_reach(params, xs, activation)
    xs = _check_sequence(xs)
    check_params(params)
    tr = _last_trace(params, xs)
    if tr is None:
        tr = _forward(params, xs, make_cell(params.CELL))
    rows = _lstm_reach_rows(params, tr) if params.CELL == "lstm" else _gru_reach_rows(params, tr)
    return [math.sqrt(sum(sum(map(mul, row, row)) for row in J)) for J in rows]


# The reach's matrix products: [col·v for col in columns], with math.sumprod where the Python
# has it (3.12 and the page's Pyodide), else sum(map(mul, …)).
_sumprod = getattr(math, "sumprod", None)
if _sumprod is not None:

    def _dots(columns, v):
        return list(map(_sumprod, columns, repeat(v)))

else:

    def _dots(columns, v):
        return [sum(map(mul, col, v)) for col in columns]


def _columns(*matrices):
    """The columns of the matrices stacked on top of each other (rows = units fed)."""
    return [list(col) for col in zip(*(row for m in matrices for row in m), strict=True)]


def _gru_reach_rows(params, tr):
    """J_t = ∂h_{T−1}/∂h_t for t = 0 … T−1 (rows = units of h_{T−1}), for the GRU.

    Row by row this is `gru.Cell.step_back` with grads=None: with dh a row of J_t,
        dh_{t−1} = dh ⊙ z + e ⊙ r + W_hzᵀ·(dh ⊙ α) + W_hrᵀ·(e ⊙ s),  e = W_hhᵀ·(dh ⊙ β),
    α = (h_{t−1} − h̃) ⊙ z(1 − z), β = (1 − z) ⊙ (1 − h̃²), s = h_{t−1} ⊙ r(1 − r); the
    per-step factors go into the columns once, so each row is two rounds of dot products."""
    n, T = params.n, len(tr.h)
    cols_hh, cols_hz, cols_hr = (_columns(w) for w in (params.w_hh, params.w_hz, params.w_hr))
    J = [[1.0 if i == k else 0.0 for i in range(n)] for k in range(n)]
    out = [None] * T
    out[T - 1] = J
    for t in range(T - 1, 0, -1):
        g, h_prev = tr.gates[t], tr.h[t - 1]
        r, z, hc = g["r"], g["z"], g["hc"]
        alpha = [(hp - hk) * zk * (1.0 - zk) for hp, hk, zk in zip(h_prev, hc, z)]
        beta = [(1.0 - zk) * (1.0 - hk * hk) for zk, hk in zip(z, hc)]
        s = [hp * rk * (1.0 - rk) for hp, rk in zip(h_prev, r)]
        # e_j = column j of diag(β)·W_hh, times dh
        cols_e = [list(map(mul, beta, col)) for col in cols_hh]
        # dh_{t−1}[j] = column j of [diag(α)·W_hz + diag(z); diag(s)·W_hr + diag(r)], times [dh; e]
        cols_back = []
        for j, (col_z, col_r) in enumerate(zip(cols_hz, cols_hr)):
            col = [*map(mul, alpha, col_z), *map(mul, s, col_r)]
            col[j] += z[j]
            col[n + j] += r[j]
            cols_back.append(col)
        J = out[t - 1] = [_dots(cols_back, [*dh, *_dots(cols_e, dh)]) for dh in J]
    return out


def _lstm_reach_rows(params, tr):
    """J_t = ∂h_{T−1}/∂h_t (c_t held fixed) for t = 0 … T−1, for the LSTM.

    Each row carries (dh, dc) back as `lstm.Cell.step_back` does with grads=None, starting from
    (unit vector, 0) at T−1: dc ← dc + dh ⊙ o(1 − tanh²c_t), then
        dh_{t−1} = W_hoᵀ·(dh ⊙ tanh(c_t) o(1 − o)) + Cᵀ·dc,   dc_{t−1} = dc ⊙ f,
    where C = ∂c_t/∂h_{t−1} = diag(c̃ i(1 − i))·W_hi + diag(c_{t−1} f(1 − f))·W_hf
    + diag(i(1 − c̃²))·W_hc, made once per step for all n rows."""
    n, T = params.n, len(tr.h)
    cols_o = _columns(params.w_ho)
    cols_ifc = list(zip(_columns(params.w_hi), _columns(params.w_hf), _columns(params.w_hc)))
    J = [[1.0 if i == k else 0.0 for i in range(n)] for k in range(n)]
    D = [[0.0] * n for _ in range(n)]  # ∂h_{T−1}/∂c_t, row by row
    out = [None] * T
    out[T - 1] = J
    for t in range(T - 1, 0, -1):
        g, c_prev = tr.gates[t], tr.c[t - 1]
        i_, f, o, cc, tc = g["i"], g["f"], g["o"], g["cc"], g["tc"]
        through_h = [ok * (1.0 - tk * tk) for ok, tk in zip(o, tc)]
        go = [tk * ok * (1.0 - ok) for tk, ok in zip(tc, o)]
        gi = [gk * ik * (1.0 - ik) for gk, ik in zip(cc, i_)]
        gf = [cp * fk * (1.0 - fk) for cp, fk in zip(c_prev, f)]
        gc = [ik * (1.0 - gk * gk) for ik, gk in zip(i_, cc)]
        # column j of [W_ho; C]: what row j of W_hoᵀ and of Cᵀ multiply
        # (gi·x + gf·y) + gc·z element by element, in C (map) rather than a loop in Python
        cols = [
            [*col_o, *map(add, map(add, map(mul, gi, ci), map(mul, gf, cf)), map(mul, gc, cc_))]
            for col_o, (ci, cf, cc_) in zip(cols_o, cols_ifc)
        ]
        new_j, new_d = [], []
        for dh, dc in zip(J, D):
            dc = list(map(add, dc, map(mul, dh, through_h)))
            new_j.append(_dots(cols, [*map(mul, dh, go), *dc]))
            new_d.append(list(map(mul, dc, f)))
        J = out[t - 1] = new_j
        D = new_d
    return out


def cell_state_reach(params, xs):
    """The LSTM only: ‖∂c_{T−1}/∂c_t‖ along the cell state alone, = ‖diag(f_{t+1} ⊙ … ⊙ f_{T−1})‖,
    the constant error carousel; one norm per t."""
    if getattr(params, "CELL", None) != "lstm":
        raise ValueError("Only the LSTM has a cell state c.")
    xs = _check_sequence(xs)
    tr = _last_trace(params, xs) or _forward(params, xs, lstm.Cell())
    T, n = len(xs), params.n
    product = [1.0] * n
    out = [0.0] * T
    for t in reversed(range(T)):
        out[t] = math.sqrt(sum(v * v for v in product))
        product = [product[i] * tr.gates[t]["f"][i] for i in range(n)]
    return out
