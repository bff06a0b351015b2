"""The three cells side by side, and the network around any of them.

A cell is the recurrent core: the vanilla cell (`model`), the GRU (`gru`) and the LSTM (`lstm`).
Each module has the same small interface: `Params` (its weights by name, with `random`, `flat`,
`from_flat`, `to_dict`, `from_dict`), and `Cell` with `step(p, u, h, c)` → (gates, h, c) and its
mirror `step_back`. This module runs a whole sequence through whichever cell the weights belong
to (`forward`, `backward`, `reach`) without asking which one it is; the vanilla cell keeps its
own tight loops in `model`, which this dispatches to.

    y_t = W_hy·h_t + b_y,  h_{−1} = c_{−1} = 0,  L = mean squared error of y_t against its target
"""

import math

from . import gru, lstm, model
from .cellbase import CellParams
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
    type(params).from_dict(params.to_dict())  # every name present, every shape n and n×n


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
    return _forward(params, xs, make_cell(params.CELL), targets)


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
    return _backward(params, xs, make_cell(params.CELL), targets)


def _backward(params, xs, cell, targets=None):
    tr = _forward(params, xs, cell, targets)
    # dy_t = ∂L/∂y_t = 2·(y_t − target_t) / (number of targets), 0 where there is none
    dys = output_grads(tr.y, xs, targets)
    # every gradient starts at 0, and nothing comes back from after the last step
    T, n = len(xs), params.n
    grads = zero_grads(params)
    zeros = [0.0] * n
    units = range(n)
    dh_all, dc_all = [None] * T, [None] * T
    dh_next, dc_next = zeros, zeros  # what step t+1 sends back to h_t and c_t
    w_hy = params.w_hy
    # from the last step back to the first
    for t in reversed(range(T)):
        dy = dys[t]
        h_prev = tr.h[t - 1] if t > 0 else zeros
        c_prev = tr.c[t - 1] if (cell.has_c and t > 0) else zeros
        # y_t = W_hy·h_t + b_y  ⇒  ∂L/∂W_hy += dy_t·h_t, ∂L/∂b_y += dy_t
        h = tr.h[t]
        for i in units:
            grads.w_hy[i] += dy * h[i]
        grads.b_y += dy
        # dh_t = W_hy·dy_t + what step t+1 sent back
        dh = [w_hy[i] * dy + dh_next[i] for i in units]
        dh_all[t] = dh
        # back through step t with the cell's own step_back: du per gate, dh_{t−1}, dc_{t−1}
        c = tr.c[t] if cell.has_c else None
        du, dh_next, dc_prev = cell.step_back(
            params, tr.gates[t], h_prev, c_prev, c, dh, dc_next, grads
        )
        # for the LSTM, ∂L/∂c_t: what step t+1 sent, plus the path through h_t = o_t ⊙ tanh(c_t)
        if cell.has_c:
            o, tc = tr.gates[t]["o"], tr.gates[t]["tc"]
            dc_all[t] = [dc_next[i] + dh[i] * o[i] * (1.0 - tc[i] * tc[i]) for i in units]
            dc_next = dc_prev
        # u_g = W_xg·x_t  ⇒  ∂L/∂W_xg += du_g·x_t
        x = xs[t]
        for g in cell.gates:
            gw, d = getattr(grads, "w_x" + g), du[g]
            for i in units:
                gw[i] += d[i] * x
    return Gradients(tr.loss, grads, dh_all, tr, dc=dc_all if cell.has_c else None)


def reach(params, xs, activation="tanh"):
    """‖∂h_{T−1}/∂h_t‖ for every t, through every path, for any cell (the Frobenius norm).

    For a gated cell each row of the Jacobian is found by sending a unit vector back from
    h_{T−1} through the cells' own `step_back` (holding c_t fixed for the LSTM); for the vanilla
    cell it is `model.memory_reach`. Overflow gives inf, not an exception."""
    if isinstance(params, model.Params):
        return model.memory_reach(params, xs, activation)
    xs = _check_sequence(xs)
    check_params(params)
    cell = make_cell(params.CELL)
    tr = _forward(params, xs, cell)
    T, n = len(xs), params.n
    zeros = [0.0] * n
    squares = [0.0] * T
    for k in range(n):
        dh = [1.0 if i == k else 0.0 for i in range(n)]  # row k of ∂h_{T−1}/∂h_{T−1} = I
        dc = zeros
        for t in reversed(range(T)):
            squares[t] += sum(v * v for v in dh)
            if t == 0:
                break
            h_prev = tr.h[t - 1]
            c_prev = tr.c[t - 1] if cell.has_c else zeros
            c = tr.c[t] if cell.has_c else None
            _, dh, dc = cell.step_back(params, tr.gates[t], h_prev, c_prev, c, dh, dc, None)
            dc = dc if cell.has_c else zeros
    return [math.sqrt(s) for s in squares]


def cell_state_reach(params, xs):
    """The LSTM only: ‖∂c_{T−1}/∂c_t‖ along the cell state alone, = ‖diag(f_{t+1} ⊙ … ⊙ f_{T−1})‖,
    the constant error carousel; one norm per t."""
    if getattr(params, "CELL", None) != "lstm":
        raise ValueError("Only the LSTM has a cell state c.")
    xs = _check_sequence(xs)
    tr = _forward(params, xs, lstm.Cell())
    T, n = len(xs), params.n
    product = [1.0] * n
    out = [0.0] * T
    for t in reversed(range(T)):
        out[t] = math.sqrt(sum(v * v for v in product))
        product = [product[i] * tr.gates[t]["f"][i] for i in range(n)]
    return out
