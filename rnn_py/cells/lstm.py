"""The long short-term memory cell (LSTM; Hochreiter & Schmidhuber 1997, with the forget gate of
Gers et al. 2000), written as Dive into Deep Learning writes it:

    i_t = σ(W_xi·x_t + W_hi·h_{t−1} + b_i)      input gate
    f_t = σ(W_xf·x_t + W_hf·h_{t−1} + b_f)      forget gate
    o_t = σ(W_xo·x_t + W_ho·h_{t−1} + b_o)      output gate
    c̃_t = tanh(W_xc·x_t + W_hc·h_{t−1} + b_c)   candidate memory
    c_t = f_t ⊙ c_{t−1} + i_t ⊙ c̃_t             cell state
    h_t = o_t ⊙ tanh(c_t)

Along the cell state the gradient is only multiplied by f_t at each step (∂c_t/∂c_{t−1} =
diag(f_t)): with the forget gate open it survives many steps, the "constant error carousel".
"""

# ruff: noqa: B905  (the hot loops zip vectors whose lengths check_params fixed once per pass)

import math
from operator import mul

from .base import CellParams
from .maths import dot, sigmoid

GATES = ("i", "f", "o", "c")
ROLES = {
    "i": "input gate i: how much of the candidate is written into the cell state",
    "f": "forget gate f: how much of the cell state is kept",
    "o": "output gate o: how much of the cell state is shown as h",
    "c": "candidate c̃: the new content that could be written",
}


class Params(CellParams):
    """LSTM weights: w_xi w_hi b_i, w_xf w_hf b_f, w_xo w_ho b_o, w_xc w_hc b_c, then w_hy b_y;
    b_f starts at 1."""

    CELL = "lstm"
    GATES = GATES
    BIAS_START = {"f": 1.0}
    MEMORY_GATE = "f"


class Cell:
    """One LSTM timestep forward (`step`) and back (`step_back`)."""

    name = "lstm"
    gates = GATES
    has_c = True
    gated = True  # its gates each have a line and a role (ROLES)
    has_activation = False  # its gates have their own fixed σ and tanh
    own_loops = False  # the loop around any cell runs it, one `step` at a time

    def __init__(self, activation=None):
        pass  # no activation to choose

    def step(self, p, u, h_prev, c_prev):
        """From the input terms u, h_{t−1} and c_{t−1}: the gate values, h_t and c_t."""
        # i_t = σ(W_xi·x_t + W_hi·h_{t−1} + b_i)
        i_ = [sigmoid(a + dot(w, h_prev) + b) for a, w, b in zip(u["i"], p.w_hi, p.b_i)]
        # f_t = σ(W_xf·x_t + W_hf·h_{t−1} + b_f)
        f = [sigmoid(a + dot(w, h_prev) + b) for a, w, b in zip(u["f"], p.w_hf, p.b_f)]
        # o_t = σ(W_xo·x_t + W_ho·h_{t−1} + b_o)
        o = [sigmoid(a + dot(w, h_prev) + b) for a, w, b in zip(u["o"], p.w_ho, p.b_o)]
        # c̃_t = tanh(W_xc·x_t + W_hc·h_{t−1} + b_c)
        cc = [math.tanh(a + dot(w, h_prev) + b) for a, w, b in zip(u["c"], p.w_hc, p.b_c)]
        # c_t = f_t ⊙ c_{t−1} + i_t ⊙ c̃_t
        c = [fk * ck + ik * gk for fk, ck, ik, gk in zip(f, c_prev, i_, cc)]
        # h_t = o_t ⊙ tanh(c_t)
        tc = list(map(math.tanh, c))
        h = list(map(mul, o, tc))
        return {"i": i_, "f": f, "o": o, "cc": cc, "tc": tc}, h, c

    def step_back(self, p, gates, h_prev, c_prev, c, dh, dc, grads):
        """The mirror of `step`: from dh = ∂L/∂h_t and dc = ∂L/∂c_t (from later steps) find ∂L/∂
        of each gate's input (du), add this step's share of the recurrent weights' and biases'
        gradients to grads (unless grads is None), and return (du, ∂L/∂h_{t−1}, ∂L/∂c_{t−1})
        through this step."""
        i_, f, o, cc, tc = gates["i"], gates["f"], gates["o"], gates["cc"], gates["tc"]
        # h_t = o ⊙ tanh(c_t): c_t gets dh·o·(1 − tanh²c_t) on top of what later steps sent
        dc = [d + e * ok * (1.0 - t * t) for d, e, ok, t in zip(dc, dh, o, tc)]
        # o = σ(a_o): da_o = dh·tanh(c_t)·o(1 − o)
        da_o = [e * t * ok * (1.0 - ok) for e, t, ok in zip(dh, tc, o)]
        # c_t = f ⊙ c_{t−1} + i ⊙ c̃  ⇒  ∂f = dc·c_{t−1}, ∂i = dc·c̃, ∂c̃ = dc·i, ∂c_{t−1} = dc·f
        da_f = [d * cp * fk * (1.0 - fk) for d, cp, fk in zip(dc, c_prev, f)]
        da_i = [d * gk * ik * (1.0 - ik) for d, gk, ik in zip(dc, cc, i_)]
        da_c = [d * ik * (1.0 - gk * gk) for d, ik, gk in zip(dc, i_, cc)]
        dc_prev = list(map(mul, dc, f))
        # a_g = u_g + W_hg·h_{t−1} + b_g  ⇒  ∂L/∂W_hg += da_g·h_{t−1}ᵀ, ∂L/∂b_g += da_g,
        # and h_{t−1} gets W_hgᵀ·da_g from every gate: Σ_g W_hgᵀ·da_g, the four stacked
        du = {"i": da_i, "f": da_f, "o": da_o, "c": da_c}
        W_h, da = [*p.w_hi, *p.w_hf, *p.w_ho, *p.w_hc], [*da_i, *da_f, *da_o, *da_c]
        dh_prev = [dot(column, da) for column in zip(*W_h)]
        if grads is not None:
            for g in GATES:
                gw, gb = getattr(grads, "w_h" + g), getattr(grads, "b_" + g)
                for k, d in enumerate(du[g]):
                    gw[k] = [v + d * hp for v, hp in zip(gw[k], h_prev)]
                    gb[k] += d
        return du, dh_prev, dc_prev
