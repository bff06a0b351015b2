"""The gated recurrent unit (GRU; Cho et al. 2014), written as Dive into Deep Learning writes it:

    r_t = σ(W_xr·x_t + W_hr·h_{t−1} + b_r)               reset gate
    z_t = σ(W_xz·x_t + W_hz·h_{t−1} + b_z)               update gate
    h̃_t = tanh(W_xh·x_t + W_hh·(r_t ⊙ h_{t−1}) + b_h)    candidate state
    h_t = z_t ⊙ h_{t−1} + (1 − z_t) ⊙ h̃_t

The update gate decides how much of the old state to keep; where z_t is near 1, h_t ≈ h_{t−1}
and the gradient passes back through that step almost untouched. The input terms W_x·x_t come in
as `u` (one list per gate), so the same cell serves a number or a one-hot character.
"""

import math

from .cellbase import CellParams
from .model import dot, sigmoid

GATES = ("r", "z", "h")
ROLES = {
    "r": "reset gate r: how much of h_{t−1} the candidate may look at",
    "z": "update gate z: how much of h_{t−1} is kept rather than replaced",
    "h": "candidate h̃: the new content the unit could take on",
}


class Params(CellParams):
    """GRU weights: w_xr w_hr b_r, w_xz w_hz b_z, w_xh w_hh b_h, then w_hy b_y; b_z starts at 1."""

    CELL = "gru"
    GATES = GATES
    BIAS_START = {"z": 1.0}


class Cell:
    """One GRU timestep forward (`step`) and back (`step_back`)."""

    name = "gru"
    gates = GATES
    has_c = False

    def step(self, p, u, h_prev, c_prev=None):
        """From the input terms u and h_{t−1}: the gate values, h_t, and no cell state."""
        units = range(len(h_prev))
        u_r, u_z, u_h = u["r"], u["z"], u["h"]
        # r_t = σ(W_xr·x_t + W_hr·h_{t−1} + b_r)
        r = [sigmoid(u_r[i] + dot(p.w_hr[i], h_prev) + p.b_r[i]) for i in units]
        # z_t = σ(W_xz·x_t + W_hz·h_{t−1} + b_z)
        z = [sigmoid(u_z[i] + dot(p.w_hz[i], h_prev) + p.b_z[i]) for i in units]
        # h̃_t = tanh(W_xh·x_t + W_hh·(r_t ⊙ h_{t−1}) + b_h)
        rh = [r[i] * h_prev[i] for i in units]
        hc = [math.tanh(u_h[i] + dot(p.w_hh[i], rh) + p.b_h[i]) for i in units]
        # h_t = z_t ⊙ h_{t−1} + (1 − z_t) ⊙ h̃_t
        h = [z[i] * h_prev[i] + (1.0 - z[i]) * hc[i] for i in units]
        return {"r": r, "z": z, "hc": hc}, h, None

    def step_back(self, p, gates, h_prev, c_prev, c, dh, dc, grads):
        """The mirror of `step`: from dh = ∂L/∂h_t find ∂L/∂ of each gate's input (du), add this
        step's share of the recurrent weights' and biases' gradients to grads, and return
        (du, ∂L/∂h_{t−1} through this step, None)."""
        r, z, hc = gates["r"], gates["z"], gates["hc"]
        units = range(len(h_prev))
        # h_t = z ⊙ h_{t−1} + (1 − z) ⊙ h̃  ⇒  ∂h̃ = dh·(1 − z), ∂z = dh·(h_{t−1} − h̃)
        dh_prev = [dh[i] * z[i] for i in units]
        # h̃ = tanh(a_h): da_h = ∂h̃·(1 − h̃²)
        da_h = [dh[i] * (1.0 - z[i]) * (1.0 - hc[i] * hc[i]) for i in units]
        # z = σ(a_z): da_z = ∂z·z(1 − z)
        da_z = [dh[i] * (h_prev[i] - hc[i]) * z[i] * (1.0 - z[i]) for i in units]
        # a_h = u_h + W_hh·(r ⊙ h_{t−1}) + b_h  ⇒  ∂(r ⊙ h_{t−1}) = W_hhᵀ·da_h
        rh = [r[i] * h_prev[i] for i in units]
        drh = [dot([p.w_hh[i][j] for i in units], da_h) for j in units]
        # r = σ(a_r): da_r = ∂r·r(1 − r), with ∂r = ∂(r ⊙ h_{t−1})·h_{t−1}
        da_r = [drh[i] * h_prev[i] * r[i] * (1.0 - r[i]) for i in units]
        # dh_{t−1} also flows through r ⊙ h_{t−1} and through the gates: W_hrᵀ·da_r + W_hzᵀ·da_z
        for j in units:
            dh_prev[j] += drh[j] * r[j]
            dh_prev[j] += dot([p.w_hr[i][j] for i in units], da_r)
            dh_prev[j] += dot([p.w_hz[i][j] for i in units], da_z)
        # a_g = … + W_hg·(its input) + b_g  ⇒  ∂L/∂W_hg += da_g·(its input)ᵀ, ∂L/∂b_g += da_g
        for name, da, src in (("r", da_r, h_prev), ("z", da_z, h_prev), ("h", da_h, rh)):
            gw, gb = getattr(grads, "w_h" + name), getattr(grads, "b_" + name)
            for i in units:
                row, d = gw[i], da[i]
                for j in units:
                    row[j] += d * src[j]
                gb[i] += d
        return {"r": da_r, "z": da_z, "h": da_h}, dh_prev, None
