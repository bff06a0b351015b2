"""The gated recurrent unit (GRU; Cho et al. 2014), written as Dive into Deep Learning writes it:

    r_t = σ(W_xr·x_t + W_hr·h_{t−1} + b_r)               reset gate
    z_t = σ(W_xz·x_t + W_hz·h_{t−1} + b_z)               update gate
    h̃_t = tanh(W_xh·x_t + W_hh·(r_t ⊙ h_{t−1}) + b_h)    candidate state
    h_t = z_t ⊙ h_{t−1} + (1 − z_t) ⊙ h̃_t

The update gate decides how much of the old state to keep; where z_t is near 1, h_t ≈ h_{t−1}
and the gradient passes back through that step almost untouched. The input terms W_x·x_t come in
as `u` (one list per gate), so the same cell serves a number or a one-hot character.
"""

# ruff: noqa: B905  (the hot loops zip vectors whose lengths check_params fixed once per pass)

import math
from operator import mul

from .base import CellParams
from .maths import dot, sigmoid

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
    MEMORY_GATE = "z"


class Cell:
    """One GRU timestep forward (`step`) and back (`step_back`)."""

    name = "gru"
    gates = GATES
    has_c = False
    gated = True  # its gates each have a line and a role (ROLES)
    has_activation = False  # its gates have their own fixed σ and tanh
    own_loops = False  # the loop around any cell runs it, one `step` at a time

    def __init__(self, activation=None):
        pass  # no activation to choose

    def step(self, p, u, h_prev, c_prev=None):
        """From the input terms u and h_{t−1}: the gate values, h_t, and no cell state."""
        # r_t = σ(W_xr·x_t + W_hr·h_{t−1} + b_r)
        r = [sigmoid(a + dot(w, h_prev) + b) for a, w, b in zip(u["r"], p.w_hr, p.b_r)]
        # z_t = σ(W_xz·x_t + W_hz·h_{t−1} + b_z)
        z = [sigmoid(a + dot(w, h_prev) + b) for a, w, b in zip(u["z"], p.w_hz, p.b_z)]
        # h̃_t = tanh(W_xh·x_t + W_hh·(r_t ⊙ h_{t−1}) + b_h)
        rh = list(map(mul, r, h_prev))
        hc = [math.tanh(a + dot(w, rh) + b) for a, w, b in zip(u["h"], p.w_hh, p.b_h)]
        # h_t = z_t ⊙ h_{t−1} + (1 − z_t) ⊙ h̃_t
        h = [zk * hp + (1.0 - zk) * hk for zk, hp, hk in zip(z, h_prev, hc)]
        return {"r": r, "z": z, "hc": hc}, h, None

    def step_back(self, p, gates, h_prev, c_prev, c, dh, dc, grads):
        """The mirror of `step`: from dh = ∂L/∂h_t find ∂L/∂ of each gate's input (du), add this
        step's share of the recurrent weights' and biases' gradients to grads (unless grads is
        None), and return (du, ∂L/∂h_{t−1} through this step, None)."""
        r, z, hc = gates["r"], gates["z"], gates["hc"]
        # h_t = z ⊙ h_{t−1} + (1 − z) ⊙ h̃  ⇒  ∂h̃ = dh·(1 − z), ∂z = dh·(h_{t−1} − h̃)
        dh_prev = list(map(mul, dh, z))
        # h̃ = tanh(a_h): da_h = ∂h̃·(1 − h̃²)
        da_h = [e * (1.0 - zk) * (1.0 - hk * hk) for e, zk, hk in zip(dh, z, hc)]
        # z = σ(a_z): da_z = ∂z·z(1 − z)
        da_z = [e * (hp - hk) * zk * (1.0 - zk) for e, hp, hk, zk in zip(dh, h_prev, hc, z)]
        # a_h = u_h + W_hh·(r ⊙ h_{t−1}) + b_h  ⇒  ∂(r ⊙ h_{t−1}) = W_hhᵀ·da_h
        rh = list(map(mul, r, h_prev))
        drh = [dot(column, da_h) for column in zip(*p.w_hh)]
        # r = σ(a_r): da_r = ∂r·r(1 − r), with ∂r = ∂(r ⊙ h_{t−1})·h_{t−1}
        da_r = [e * hp * rk * (1.0 - rk) for e, hp, rk in zip(drh, h_prev, r)]
        # dh_{t−1} also flows through r ⊙ h_{t−1} and through the gates: W_hrᵀ·da_r + W_hzᵀ·da_z
        da_rz = [*da_r, *da_z]  # the two gates stacked: W_hrᵀ·da_r + W_hzᵀ·da_z in one
        through_gates = [dot(column, da_rz) for column in zip(*p.w_hr, *p.w_hz)]
        dh_prev = [a + e * rk + b for a, e, rk, b in zip(dh_prev, drh, r, through_gates)]
        # a_g = … + W_hg·(its input) + b_g  ⇒  ∂L/∂W_hg += da_g·(its input)ᵀ, ∂L/∂b_g += da_g
        if grads is not None:
            for da, src, gw, gb in (
                (da_r, h_prev, grads.w_hr, grads.b_r),
                (da_z, h_prev, grads.w_hz, grads.b_z),
                (da_h, rh, grads.w_hh, grads.b_h),
            ):
                for k, d in enumerate(da):
                    gw[k] = [g + d * s for g, s in zip(gw[k], src)]
                    gb[k] += d
        return {"r": da_r, "z": da_z, "h": da_h}, dh_prev, None
