"""The three cells side by side, and the network around any of them.

A cell is the recurrent core: the vanilla cell (`model`), the GRU (`gru`) and the LSTM (`lstm`).
Each module has the same small interface: `Params` (its weights by name, with `random`, `flat`,
`from_flat`, `to_dict`, `from_dict`, `check`), and `Cell` with `step(p, u, h, c)` → (gates, h, c)
and its mirror `step_back`, and what it declares about itself: `gates`, `has_c` (a cell state),
`has_activation`, and `own_loops` (it runs a whole sequence itself: the vanilla cell's tight
loops, `Cell.forward`, `backward`, `reach`). This module runs a whole sequence through whichever
cell the weights belong to (`forward`, `backward`) without asking which one it is: a cell
without its own loops runs in `_forward` and `_backward` here. `reach` carries such a cell's
per-step Jacobian
back from the gate values of the forward pass (the same numbers its `step_back` would send back
from unit vectors, without the weights' gradients; `jacobians`), reusing the trace of the
`backward` just made for the same weights and inputs; `state_grads_and_reach` gives what the
page draws, the gradients along the states and the reach, from one forward pass and one sweep.

    y_t = W_hy·h_t + b_y,  h_{−1} = c_{−1} = 0,  L = mean squared error of y_t against its target
"""

# ruff: noqa: B905  (the hot loops zip vectors whose lengths check_params fixed once per pass)

import math
from array import array

from . import gru, jacobians, lstm, vanilla
from .maths import Gradients, Trace, _check_sequence, dot, loss_of, output_grads

CELLS = ("vanilla", "gru", "lstm")
LABELS = {"vanilla": "Vanilla RNN", "gru": "GRU", "lstm": "LSTM"}
_MODULES = {"vanilla": vanilla, "gru": gru, "lstm": lstm}
DEFAULT = CELLS[0]  # the cell a link, the page and the command line start with


def module(cell):
    """The module of a cell by name ('vanilla', 'gru' or 'lstm')."""
    if cell not in _MODULES:
        raise ValueError(f"Unknown cell {cell!r}. Choose one of: {', '.join(CELLS)}.")
    return _MODULES[cell]


def cell_class(cell):
    """The `Cell` class of a cell: what it declares (has_c, has_activation, gated, own_loops)."""
    return module(cell).Cell


def params_class(cell):
    """The weights class of a cell."""
    return module(cell).Params


def make_cell(cell, activation="tanh"):
    """The `Cell` object of a cell; the activation applies to a cell that has one
    (`Cell.has_activation`: the vanilla cell)."""
    return module(cell).Cell(activation)


def cell_of(params):
    """The name of the cell these weights belong to."""
    return params.CELL


def random_params(cell, n, seed, memory_bias=None):
    """Random starting weights of a cell, as the page and the CLI draw them; memory_bias, for a
    cell with a memory gate (has_memory_gate), starts that gate's bias there instead of at 1."""
    return params_class(cell).random(n, seed, memory_bias=memory_bias)


def has_memory_gate(cell):
    """True when the cell has a gate whose bias dials how long a fresh cell remembers (the GRU's
    update gate z, the LSTM's forget gate f); the vanilla cell has none."""
    return bool(params_class(cell).MEMORY_GATE)


def params_from_dict(d, cell="vanilla"):
    """Weights of the named cell from a dict of lists by weight name (a weights file)."""
    return params_class(cell).from_dict(d)


def check_params(params):
    """ValueError unless params are some cell's weights with shapes that fit together (the
    weights' own `check`)."""
    own = _MODULES.get(getattr(params, "CELL", None))
    if own is None or not isinstance(params, own.Params):
        raise ValueError(f"Expected a cell's weights, not {type(params).__name__}.")
    params.check()


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
    cell = make_cell(params.CELL, activation)
    if cell.own_loops:
        return cell.forward(params, xs, targets)
    trace = _forward(params, xs, cell, targets)
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
    cell = make_cell(params.CELL, activation)
    if cell.own_loops:
        return cell.backward(params, xs, targets)
    g = _backward(params, xs, cell, targets)
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
    grads=None (the vanilla cell's are `backward`'s, weights' gradients and all). For a gated
    cell the loss's gradient is carried back by the same sweep as `state_grads_and_reach`'s, so
    the page draws the same numbers whichever it called: `backward`'s up to the last bits."""
    return _state_sweep(params, xs, activation, targets, reach=False)[0]


def reach(params, xs, activation="tanh"):
    """‖∂h_{T−1}/∂h_t‖ for every t, through every path, for any cell (the Frobenius norm).

    For a gated cell the Jacobian ∂h_{T−1}/∂h_t (holding c_t fixed for the LSTM) is carried back
    one step at a time from the gate values of the forward pass (`jacobians`); each row is what
    the cell's own `step_back` would send back from a unit vector at h_{T−1}, without the
    weights' gradients. A cell with its own loops gives its own (the vanilla cell's
    `memory_reach`). Overflow gives inf, not an exception."""
    if _own_loops(params):
        return make_cell(params.CELL, activation).reach(params, xs)
    xs = _check_sequence(xs)
    check_params(params)
    cell = make_cell(params.CELL)
    tr = _last_trace(params, xs)
    if tr is None:
        tr = _forward(params, xs, cell)
    return list(map(math.sqrt, getattr(jacobians, cell.name)(params, tr)[0]))


def state_grads_and_reach(params, xs, activation="tanh", targets=None):
    """(Gradients, reach): `state_grads` and `reach` together, as the page draws them, from one
    forward pass and, for a gated cell, one sweep back (`jacobians`) that carries the loss's
    gradient beside the reach's rows. The forward pass is shared with `forward` or `backward`
    when one was just made for the same weights and inputs."""
    return _state_sweep(params, xs, activation, targets, reach=True)


def _own_loops(params):
    """True for the weights of a cell that runs a whole sequence in its own loops."""
    own = _MODULES.get(getattr(params, "CELL", None))
    return own is not None and own.Cell.own_loops and isinstance(params, own.Params)


def _state_sweep(params, xs, activation, targets, reach):
    if _own_loops(params):  # its backward pass is as quick as a sweep without the weights' grads
        grads = backward(params, xs, activation, targets)
        return grads, make_cell(params.CELL, activation).reach(params, xs) if reach else None
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
    squares, dh, *dc = getattr(jacobians, cell.name)(params, tr, dys, reach=reach)
    grads = Gradients(tr.loss, None, dh, tr, dc=dc[0] if dc else None)
    return grads, list(map(math.sqrt, squares)) if reach else None


def cell_state_reach(params, xs):
    """A cell with a cell state (`has_c`: the LSTM): ‖∂c_{T−1}/∂c_t‖ along the cell state alone,
    = ‖diag(f_{t+1} ⊙ … ⊙ f_{T−1})‖, the constant error carousel; one norm per t."""
    cell = module(getattr(params, "CELL", "vanilla")).Cell()
    if not cell.has_c:
        raise ValueError("Only the LSTM has a cell state c.")
    xs = _check_sequence(xs)
    tr = _last_trace(params, xs) or _forward(params, xs, cell)
    T, n = len(xs), params.n
    product = [1.0] * n
    out = [0.0] * T
    for t in reversed(range(T)):
        out[t] = math.sqrt(sum(v * v for v in product))
        product = [product[i] * tr.gates[t]["f"][i] for i in range(n)]
    return out


def weights_cell(value):
    """The name of the cell whose weights value is, or None for anything else."""
    own = _MODULES.get(getattr(value, "CELL", None))
    return own.Params.CELL if own is not None and isinstance(value, own.Params) else None
