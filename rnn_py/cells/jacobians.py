"""Carrying a gated cell's Jacobians back from the gate values of a forward pass: the memory
reach ‖∂h_{T−1}/∂h_t‖ for every t and, in the same sweep, the gradients along the states
(dh_t = ∂L/∂h_t, the LSTM's dc_t = ∂L/∂c_t) that the page draws.

The rows of J_t = ∂h_{T−1}/∂h_t are what the cell's own `step_back` sends back from the unit
vectors at h_{T−1}, without the weights' gradients: n rows, each carried back one step at a time
by the same per-step factors. The loss's gradient is one more row, started at 0 and given W_hy·dy_t
at each step on the way, so it comes out of the sweep almost for free. Both are the numbers of
`step_back` up to the last bits (the sums run in another order); `cells.backward` remains the
exact definition, and the tests hold the two together.

Each step's factors are made once for all the rows, from the gate values alone, so every row is a
round of dot products (math.sumprod where the Python has it: 3.12 and the page's Pyodide).
"""

# ruff: noqa: B905  (the hot loops zip vectors whose lengths check_params fixed once per pass)

import math
from itertools import repeat
from operator import add, mul

_sumprod = getattr(math, "sumprod", None)
if _sumprod is not None:

    def _dots(columns, v):
        """[col·v for col in columns], each dot in C."""
        return list(map(_sumprod, columns, repeat(v)))

else:  # Python before 3.12

    def _sumprod(a, b):
        return sum(map(mul, a, b))

    def _dots(columns, v):
        return [sum(map(mul, col, v)) for col in columns]


def _columns(*matrices):
    """The columns of the matrices stacked on top of each other (rows = units fed)."""
    return [list(col) for col in zip(*(row for m in matrices for row in m), strict=True)]


def _flat_columns(matrix):
    """The columns of an n×n matrix one after the other, as one list of n·n numbers."""
    return [v for col in zip(*matrix) for v in col]


def lstm(params, tr, dys=None, reach=True):
    """The LSTM's sweep: (squares, dh, dc), where squares[t] = ‖∂h_{T−1}/∂h_t‖² (c_t held
    fixed) and, when the outputs' gradients dys are given, dh[t] and dc[t] are ∂L/∂h_t and
    ∂L/∂c_t (else both None). With reach=False only the gradients are carried (squares are 0).

    Every row (dh, dc) goes back as `lstm.Cell.step_back` carries it:
    dc ← dc + dh ⊙ o(1 − tanh²c_t), then
        dh_{t−1} = W_hoᵀ·(dh ⊙ tanh(c_t) o(1 − o)) + Cᵀ·dc,   dc_{t−1} = dc ⊙ f,
    where C = ∂c_t/∂h_{t−1} = diag(c̃ i(1 − i))·W_hi + diag(c_{t−1} f(1 − f))·W_hf
    + diag(i(1 − c̃²))·W_hc. The n rows of J (and of D = ∂h_{T−1}/∂c_t) are kept in one flat list
    of n·n numbers, so the element-wise steps are one pass over all of them."""
    n, T = params.n, len(tr.h)
    nn = n * n
    starts = rows = range(0, nn, n)  # where each column of Cᵀ, and each row of J and D, begins
    cols_o = _columns(params.w_ho)
    w_hi, w_hf, w_hc = (_flat_columns(w) for w in (params.w_hi, params.w_hf, params.w_hc))
    if not reach:
        rows = ()
    J = [1.0 if i == k else 0.0 for k in range(len(rows)) for i in range(n)]  # J_{T−1} = I
    D = [0.0] * len(J)
    squares = [0.0] * T
    dh_all = dc_all = None
    if dys is not None:
        dh_all, dc_all = [None] * T, [None] * T
        w_hy, dh, dc = params.w_hy, [0.0] * n, [0.0] * n  # nothing comes back from after T−1
    for t in range(T - 1, -1, -1):
        squares[t] = _sumprod(J, J)
        g = tr.gates[t]
        i_, f, o, cc, tc = g["i"], g["f"], g["o"], g["cc"], g["tc"]
        through_h = [ok * (1.0 - tk * tk) for ok, tk in zip(o, tc)]
        if dys is not None:  # dh_t = W_hy·dy_t + what step t+1 sent back; c_t gets dh's share
            dh = dh_all[t] = [w * dys[t] + d for w, d in zip(w_hy, dh)]
            dc = dc_all[t] = list(map(add, dc, map(mul, dh, through_h)))
        if t == 0:
            break
        c_prev = tr.c[t - 1]
        go = [tk * ok * (1.0 - ok) for tk, ok in zip(tc, o)]
        gi = [gk * ik * (1.0 - ik) for gk, ik in zip(cc, i_)]
        gf = [cp * fk * (1.0 - fk) for cp, fk in zip(c_prev, f)]
        gc = [ik * (1.0 - gk * gk) for ik, gk in zip(i_, cc)]
        # column j of Cᵀ: (gi·W_hi[:, j] + gf·W_hf[:, j]) + gc·W_hc[:, j], all j in one pass
        c_cols = list(map(add, map(add, map(mul, gi * n, w_hi), map(mul, gf * n, w_hf)),
                          map(mul, gc * n, w_hc)))  # fmt: skip
        # column j of [W_ho; C]: what row j of W_hoᵀ and of Cᵀ multiply
        cols = [[*col_o, *c_cols[s : s + n]] for col_o, s in zip(cols_o, starts)]
        DC = list(map(add, D, map(mul, J, through_h * n)))
        A = list(map(mul, J, go * n))
        J = []
        for s in rows:
            J += _dots(cols, A[s : s + n] + DC[s : s + n])
        D = list(map(mul, DC, f * n))
        if dys is not None:
            dh = _dots(cols, [*map(mul, dh, go), *dc])
            dc = list(map(mul, dc, f))
    return squares, dh_all, dc_all


def gru(params, tr, dys=None, reach=True):
    """The GRU's sweep: (squares, dh), where squares[t] = ‖∂h_{T−1}/∂h_t‖² and, when the
    outputs' gradients dys are given, dh[t] = ∂L/∂h_t (else None). With reach=False only the
    gradients are carried (squares are 0).

    Row by row this is `gru.Cell.step_back` with grads=None: with dh a row,
        dh_{t−1} = dh ⊙ z + e ⊙ r + W_hzᵀ·(dh ⊙ α) + W_hrᵀ·(e ⊙ s),  e = W_hhᵀ·(dh ⊙ β),
    α = (h_{t−1} − h̃) ⊙ z(1 − z), β = (1 − z) ⊙ (1 − h̃²), s = h_{t−1} ⊙ r(1 − r); the
    per-step factors go into the columns once, so each row is two rounds of dot products."""
    n, T = params.n, len(tr.h)
    cols_hh, cols_hz, cols_hr = (_columns(w) for w in (params.w_hh, params.w_hz, params.w_hr))
    J = [[1.0 if i == k else 0.0 for i in range(n)] for k in range(n if reach else 0)]
    squares = [0.0] * T
    dh_all = None
    if dys is not None:
        dh_all, w_hy, dh = [None] * T, params.w_hy, [0.0] * n
    for t in range(T - 1, -1, -1):
        squares[t] = sum(_sumprod(row, row) for row in J)
        if dys is not None:
            dh = dh_all[t] = [w * dys[t] + d for w, d in zip(w_hy, dh)]
        if t == 0:
            break
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
        J = [_dots(cols_back, [*row, *_dots(cols_e, row)]) for row in J]
        if dys is not None:
            dh = _dots(cols_back, [*dh, *_dots(cols_e, dh)])
    return squares, dh_all
