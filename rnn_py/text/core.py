"""The text task's arithmetic, written for speed: softmax with log-sum-exp, and one window of
truncated BPTT for each cell, forward then backward, as min-char-rnn's `lossFun` does.

These loops compute exactly what the cells' own `step` and `step_back` compute (text.backward
runs those, and the tests hold the two to 1e-12 and to an independent NumPy version), but
arranged for plain Python:

- a one-hot character k is a column pick: the input term of every gate at once is XB[k], column
  k of the stacked input weights plus the biases, prepared once per window, so nothing is ever
  multiplied by the zeros of the one-hot vector;
- the gates' recurrent weights are stacked into one matrix, so W·h_{t−1} is one pass of dot
  products (`math.sumprod` where the Python has it, else sum(map(mul, …))), and its transpose
  for the backward pass is taken once per window, not once per step;
- the weight gradients Σ_t da_t ⊗ h_{t−1} and Σ_t dy_t ⊗ h_t are formed once per window, as dot
  products along time, instead of an outer product added at every step.

Shapes: n hidden units, V characters, G gates (vanilla 1, GRU 3, LSTM 4). Gradients come back
as one flat list in the order of TextParams.flat.

A window can run in pieces (`window_steps`, `Optimizer.steps`): generators that pause after
every time step forward and back, every row of the weight gradients and every slice of the
update, so that a page can spread one window over several frames; `window` runs the same
generator to its end in one go, and the numbers are the same however it is split.
"""

import math
from itertools import chain, repeat
from operator import add, mul

from ..cells.vanilla import _activation

_sumprod = getattr(math, "sumprod", None)  # Python ≥ 3.12 (the page's Pyodide has it)
_tanh, _exp, _log = math.tanh, math.exp, math.log


if _sumprod is not None:

    def matvec(rows, v):
        """[row·v for row in rows]."""
        return list(map(_sumprod, rows, repeat(v)))

else:

    def matvec(rows, v):
        """[row·v for row in rows]."""
        return [sum(map(mul, row, v)) for row in rows]


def outer_sum(As, Bs):
    """Σ_t A_t ⊗ B_t (rows = entries of A, columns = entries of B), as dot products along t."""
    return finish(_outer_rows(As, Bs))


def softmax(logits):
    """The probabilities e^{l_k} / Σ_j e^{l_j}, and log Σ_j e^{l_j} (log-sum-exp), computed by
    subtracting the largest logit first so that no exponential overflows.

    >>> p, lse = softmax([1000.0, 1000.0])
    >>> p, round(lse - 1000.0, 10)
    ([0.5, 0.5], 0.6931471806)
    """
    top = max(logits)
    e = [_exp(v - top) for v in logits]
    s = sum(e)
    return [v / s for v in e], top + _log(s)


def draw(probs, u):
    """The index a uniform number u in [0, 1) picks from the probabilities: the first k whose
    running total p_0 + … + p_k passes u (the last index if rounding leaves u beyond them all).

    >>> draw([0.25, 0.5, 0.25], 0.6)
    1
    """
    k, r, last = 0, u, len(probs) - 1
    while k < last:
        r -= probs[k]
        if r < 0.0:
            break
        k += 1
    return k


def sigmoid_list(a):
    """σ of every entry, as ½ + ½·tanh(a/2): the same function, never overflowing."""
    return [0.5 + 0.5 * _tanh(0.5 * v) for v in a]


class Packed:
    """The weights arranged for one window: stacked, transposed, column tables."""

    __slots__ = ("cell", "n", "V", "G", "XB", "Wh", "Wc", "WcT", "Why", "by", "Wback")

    def __init__(self, p):
        n, V = p.n, p.vocab_size
        gates = p.GATES
        self.cell, self.n, self.V, self.G = p.CELL, n, V, len(gates)
        Wx = list(chain.from_iterable(getattr(p, "w_x" + g) for g in gates))  # G·n rows of V
        b = list(chain.from_iterable(getattr(p, "b_" + g) for g in gates))
        # XB[k] = column k of the stacked input weights + the biases: every gate's input term
        self.XB = [list(map(add, column, b)) for column in zip(*Wx, strict=True)]
        if p.CELL == "gru":  # r and z read h_{t−1}; the candidate reads r ⊙ h_{t−1}
            self.Wh = p.w_hr + p.w_hz
            self.Wc = p.w_hh
            self.WcT = list(zip(*p.w_hh, strict=True))
        else:
            self.Wh = list(chain.from_iterable(getattr(p, "w_h" + g) for g in gates))
            self.Wc = self.WcT = None
        self.Why, self.by = p.w_hy, p.b_y
        # ∂L/∂h_t = W_hyᵀ·dy_t + W_hᵀ·da_{t+1}: one matrix [W_hyᵀ | W_hᵀ] against [dy_t; da_{t+1}]
        self.Wback = [
            a + b
            for a, b in zip(zip(*p.w_hy, strict=True), zip(*self.Wh, strict=True), strict=True)
        ]


def run(P, xs, h, c, activation="tanh"):
    """Forward only, for evaluation and sampling: (hs, cs, logits per step)."""
    n, n2, n3 = P.n, 2 * P.n, 3 * P.n
    XB, Wh, Wc, Why, by = P.XB, P.Wh, P.Wc, P.Why, P.by
    f = _activation(activation)[0] if P.cell == "vanilla" else None
    hs, cs, ls = [], [], []
    # each cell's step written out inline, by name: a call per step would cost sampling speed
    for k in xs:
        a = list(map(add, XB[k], matvec(Wh, h)))
        if P.cell == "vanilla":
            h = list(map(f, a))
        elif P.cell == "gru":
            s = sigmoid_list(a[:n2])
            r, z = s[:n], s[n:]
            rh = list(map(mul, r, h))
            hc = list(map(_tanh, map(add, XB[k][n2:], matvec(Wc, rh))))
            h = [zi * hi + (1.0 - zi) * ci for zi, hi, ci in zip(z, h, hc, strict=True)]
        else:
            s = sigmoid_list(a[:n3])
            g = list(map(_tanh, a[n3:]))
            c = list(map(add, map(mul, s[n:n2], c), map(mul, s[:n], g)))
            h = list(map(mul, s[n2:], map(_tanh, c)))
        hs.append(h)
        cs.append(c)
        ls.append(list(map(add, matvec(Why, h), by)))
    return hs, cs, ls


def window(P, xs, ys, h, c, activation="tanh"):
    """One window of truncated BPTT: the mean cross-entropy (nats) of predicting ys[t] after
    reading xs[t], from the state (h, c); its gradient (flat); and the state after the window.
    The gradient stops at (h, c): nothing flows into earlier windows."""
    return finish(window_steps(P, xs, ys, h, c, activation))


def window_steps(P, xs, ys, h, c, activation="tanh"):
    """`window` a piece at a time, for a page that must draw its frames meanwhile: a generator
    that yields None after every time step forward, every step back and every row of the
    weight gradients, and returns what `window` returns (loss, gradient, h, c). It keeps its
    own state, so the numbers are the same however it is paused and resumed."""
    # each cell's window is its own loop here (written out for speed, see the module's doc)
    if P.cell == "lstm":
        return _lstm(P, xs, ys, h, c)
    if P.cell == "gru":
        return _gru(P, xs, ys, h)
    return _vanilla(P, xs, ys, h, activation)


def finish(steps):
    """Run a generator of pieces to its end: what it returns."""
    try:
        while True:
            next(steps)
    except StopIteration as done:
        return done.value


def _readout(P, h, y, inv):
    """Step t's part of the loss, −log p_t[y] = log-sum-exp − l_y (the caller adds these up in
    the order of t and multiplies by inv = 1/T), and dy_t = (p_t − onehot(y)) / T."""
    logits = list(map(add, matvec(P.Why, h), P.by))
    top = max(logits)
    e = [_exp(v - top) for v in logits]
    s = sum(e)
    scale = inv / s
    dy = [v * scale for v in e]
    dy[y] -= inv
    return top + _log(s) - logits[y], dy


def _outer_rows(As, Bs):
    """`outer_sum`, yielding None after every row; returns the rows."""
    columns = list(zip(*Bs, strict=True))
    rows = []
    for a in zip(*As, strict=True):
        rows.append(matvec(columns, a))
        yield
    return rows


def _readout_grads(dys, hs):
    """∂L/∂W_hy = Σ_t dy_t ⊗ h_t and ∂L/∂b_y = Σ_t dy_t, a row at a time (see _outer_rows)."""
    dWhy = yield from _outer_rows(dys, hs)
    return dWhy, [sum(col) for col in zip(*dys, strict=True)]


def _flat(P, gX, dWh_rows, db, dWhy, dby):
    """The gradient as one list in TextParams.flat order: per gate w_x (n rows of V), w_h, b."""
    n = P.n
    dWx = list(zip(*gX, strict=True))  # G·n rows of V
    out = []
    for g in range(P.G):
        rows = slice(g * n, (g + 1) * n)
        out.extend(chain.from_iterable(dWx[rows]))
        out.extend(chain.from_iterable(dWh_rows[rows]))
        out.extend(db[rows])
    out.extend(chain.from_iterable(dWhy))
    out.extend(dby)
    return out


# The three cells' windows, as generators (see window_steps): forward with the readout of every
# step, then backward, then the weight gradients as dot products along time.


def _vanilla(P, xs, ys, h, activation):
    f, df = _activation(activation)
    tanh = activation == "tanh"
    XB, Wh, Wback = P.XB, P.Wh, P.Wback
    T = len(xs)
    inv = 1.0 / T
    hs, zs, dys, loss = [h], [], [], 0.0
    for k, y in zip(xs, ys, strict=True):
        # z_t = W_xh[:, k] + b_h + W_hh·h_{t−1},  h_t = f(z_t)
        z = list(map(add, XB[k], matvec(Wh, h)))
        h = list(map(f, z))
        zs.append(z)
        hs.append(h)
        part, dy = _readout(P, h, y, inv)
        loss += part
        dys.append(dy)
        yield
    gX = [[0.0] * P.n for _ in range(P.V)]
    dzs = [None] * T
    dz = [0.0] * P.n  # dz_T = 0: nothing comes after the window
    for t in range(T - 1, -1, -1):
        # dh_t = W_hyᵀ·dy_t + W_hhᵀ·dz_{t+1};  dz_t = dh_t·f′(z_t)
        dh = matvec(Wback, dys[t] + dz)
        h = hs[t + 1]
        if tanh:
            dz = [d * (1.0 - v * v) for d, v in zip(dh, h, strict=True)]
        else:
            dz = [d * df(zi, v) for d, zi, v in zip(dh, zs[t], h, strict=True)]
        dzs[t] = dz
        k = xs[t]
        gX[k] = list(map(add, gX[k], dz))  # ∂L/∂W_xh[:, k] += dz_t
        yield
    dWh = yield from _outer_rows(dzs, hs[:-1])
    db = [sum(col) for col in zip(*dzs, strict=True)]
    dWhy, dby = yield from _readout_grads(dys, hs[1:])
    return loss * inv, _flat(P, gX, dWh, db, dWhy, dby), hs[-1], None


def _gru(P, xs, ys, h):
    n, n2 = P.n, 2 * P.n
    XB, Wh, Wc, WcT, Wback = P.XB, P.Wh, P.Wc, P.WcT, P.Wback
    T = len(xs)
    inv = 1.0 / T
    hs, cache, dys, loss = [h], [], [], 0.0
    for k, y in zip(xs, ys, strict=True):
        xb = XB[k]
        # r_t, z_t = σ(W_x[:, k] + b + W_h·h_{t−1}) for the two gates at once
        s = sigmoid_list(list(map(add, xb[:n2], matvec(Wh, h))))
        r, z = s[:n], s[n:]
        # h̃_t = tanh(W_xh[:, k] + b_h + W_hh·(r_t ⊙ h_{t−1}))
        rh = list(map(mul, r, h))
        hc = list(map(_tanh, map(add, xb[n2:], matvec(Wc, rh))))
        # h_t = z_t ⊙ h_{t−1} + (1 − z_t) ⊙ h̃_t
        h = [zi * hi + (1.0 - zi) * ci for zi, hi, ci in zip(z, h, hc, strict=True)]
        cache.append((r, z, hc, rh))
        hs.append(h)
        part, dy = _readout(P, h, y, inv)
        loss += part
        dys.append(dy)
        yield
    gX = [[0.0] * (3 * n) for _ in range(P.V)]
    drz, dhs = [None] * T, [None] * T
    da, dh_next = [0.0] * n2, [0.0] * n  # nothing comes after the window
    for t in range(T - 1, -1, -1):
        r, z, hc, rh = cache[t]
        hp = hs[t]
        # dh_t = W_hyᵀ·dy_t + W_hrᵀ·da_r + W_hzᵀ·da_z (from t+1) + the rest of step t+1's share
        dh = list(map(add, matvec(Wback, dys[t] + da), dh_next))
        da_h = [d * (1.0 - zi) * (1.0 - ci * ci) for d, zi, ci in zip(dh, z, hc, strict=True)]
        da_z = [
            d * (hi - ci) * zi * (1.0 - zi) for d, hi, ci, zi in zip(dh, hp, hc, z, strict=True)
        ]
        drh = matvec(WcT, da_h)  # ∂L/∂(r ⊙ h_{t−1}) = W_hhᵀ·da_h
        da_r = [d * hi * ri * (1.0 - ri) for d, hi, ri in zip(drh, hp, r, strict=True)]
        da = da_r + da_z
        drz[t], dhs[t] = da, da_h
        k = xs[t]
        gX[k] = list(map(add, gX[k], da + da_h))
        # ∂L/∂h_{t−1} = dh ⊙ z + drh ⊙ r + W_hrᵀ·da_r + W_hzᵀ·da_z (the last two: next turn)
        dh_next = [d * zi + e * ri for d, zi, e, ri in zip(dh, z, drh, r, strict=True)]
        yield
    dWh = yield from _outer_rows(drz, hs[:-1])
    dWh += yield from _outer_rows(dhs, [c[3] for c in cache])
    db = [sum(col) for col in zip(*drz, strict=True)] + [sum(col) for col in zip(*dhs, strict=True)]
    dWhy, dby = yield from _readout_grads(dys, hs[1:])
    return loss * inv, _flat(P, gX, dWh, db, dWhy, dby), hs[-1], None


def _lstm(P, xs, ys, h, c):
    n, n2, n3 = P.n, 2 * P.n, 3 * P.n
    XB, Wh, Wback = P.XB, P.Wh, P.Wback
    T = len(xs)
    inv = 1.0 / T
    hs, cs, cache, dys, loss = [h], [c], [], [], 0.0
    for k, y in zip(xs, ys, strict=True):
        a = list(map(add, XB[k], matvec(Wh, h)))
        s = sigmoid_list(a[:n3])  # i_t, f_t, o_t
        i, f, o = s[:n], s[n:n2], s[n2:]
        g = list(map(_tanh, a[n3:]))  # c̃_t
        # c_t = f_t ⊙ c_{t−1} + i_t ⊙ c̃_t,  h_t = o_t ⊙ tanh(c_t)
        c = list(map(add, map(mul, f, c), map(mul, i, g)))
        tc = list(map(_tanh, c))
        h = list(map(mul, o, tc))
        cache.append((i, f, o, g, tc))
        hs.append(h)
        cs.append(c)
        part, dy = _readout(P, h, y, inv)
        loss += part
        dys.append(dy)
        yield
    gX = [[0.0] * (4 * n) for _ in range(P.V)]
    das = [None] * T
    da, dc_next = [0.0] * (4 * n), [0.0] * n  # nothing comes after the window
    for t in range(T - 1, -1, -1):
        i, f, o, g, tc = cache[t]
        cp = cs[t]
        dh = matvec(Wback, dys[t] + da)  # W_hyᵀ·dy_t + W_hᵀ·da_{t+1}
        # c_t also gets dh·o·(1 − tanh²c_t) through h_t = o ⊙ tanh(c_t)
        dc = [e + d * oi * (1.0 - v * v) for e, d, oi, v in zip(dc_next, dh, o, tc, strict=True)]
        da_o = [d * v * oi * (1.0 - oi) for d, v, oi in zip(dh, tc, o, strict=True)]
        da_f = [d * v * fi * (1.0 - fi) for d, v, fi in zip(dc, cp, f, strict=True)]
        da_i = [d * gi * ii * (1.0 - ii) for d, gi, ii in zip(dc, g, i, strict=True)]
        da_c = [d * ii * (1.0 - gi * gi) for d, ii, gi in zip(dc, i, g, strict=True)]
        dc_next = list(map(mul, dc, f))
        da = da_i + da_f + da_o + da_c
        das[t] = da
        k = xs[t]
        gX[k] = list(map(add, gX[k], da))
        yield
    dWh = yield from _outer_rows(das, hs[:-1])
    db = [sum(col) for col in zip(*das, strict=True)]
    dWhy, dby = yield from _readout_grads(dys, hs[1:])
    return loss * inv, _flat(P, gX, dWh, db, dWhy, dby), hs[-1], cs[-1]


# The updates, on flat lists, with the same arithmetic as train._update_rule (bit for bit).

ADAM_BETA1, ADAM_BETA2, ADAM_EPS = 0.9, 0.999, 1e-8


def clip_values(values, limit):
    """Every entry clipped to [−limit, limit], and whether any changed."""
    if max(values) <= limit and min(values) >= -limit:
        return values, False
    low = -limit
    return [limit if v > limit else low if v < low else v for v in values], True


UPDATE_SLICE = 2048  # entries per piece of Optimizer.steps


class Optimizer:
    """θ ← θ − lr·g ("gd"), or Adam's bias-corrected step ("adam") with its moments inside."""

    def __init__(self, kind, lr, size):
        self.kind, self.lr, self.t = kind, lr, 0
        self.m, self.v = [0.0] * size, [0.0] * size

    def __call__(self, theta, g):
        return finish(self.steps(theta, g, max(1, len(theta))))

    def steps(self, theta, g, size=UPDATE_SLICE):
        """The update a slice of `size` entries at a time (each entry's arithmetic is its own,
        so the numbers are those of one pass): yields None after each slice, returns the new θ.
        The moments change when the last slice is done."""
        lr, count = self.lr, len(theta)
        new = []
        if self.kind == "gd":
            for a in range(0, count, size):
                w_, g_ = _cut(theta, a, size), _cut(g, a, size)
                new += [w - lr * d for w, d in zip(w_, g_, strict=True)]
                yield
            return new
        b1, b2, eps, sqrt = ADAM_BETA1, ADAM_BETA2, ADAM_EPS, math.sqrt
        a1, a2 = 1.0 - b1, 1.0 - b2
        t = self.t + 1
        c1, c2 = 1.0 - b1**t, 1.0 - b2**t
        ms, vs = [], []
        for a in range(0, count, size):
            w_, g_ = _cut(theta, a, size), _cut(g, a, size)
            # m ← β1·m + (1 − β1)·g,  v ← β2·v + (1 − β2)·g²
            m = [b1 * x + a1 * d for x, d in zip(_cut(self.m, a, size), g_, strict=True)]
            v = [b2 * x + a2 * d * d for x, d in zip(_cut(self.v, a, size), g_, strict=True)]
            # θ ← θ − lr·(m / c1) / (√(v / c2) + ε)
            new += [
                w - lr * (x / c1) / (sqrt(y / c2) + eps) for w, x, y in zip(w_, m, v, strict=True)
            ]
            ms += m
            vs += v
            yield
        self.t, self.m, self.v = t, ms, vs
        return new


def _cut(values, at, size):
    """values[at : at + size], without a copy when that is all of them."""
    return values if at == 0 and size >= len(values) else values[at : at + size]
