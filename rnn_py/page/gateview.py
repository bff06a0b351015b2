"""What the page shows of a gated cell (GRU, LSTM), computed: the gate columns of the Timesteps
table, each gate's equation with this step's numbers, the LSTM's cell-state lane, and the two
forget-gate presets. rnn_py.page.view calls these for any cell that is not the vanilla one.

    >>> from rnn_py.cells import gru
    >>> cols = columns("gru", remember=False)
    >>> [c[0] + c[1] for c in cols]
    ['t', 'xt', 'ht', 'rt', 'zt', 'yt', 'target xt+1', 'error']
"""

from __future__ import annotations

import math
from operator import mul

from .. import cells
from ..cells import gru, lstm
from ..i18n import N_, _
from .numbers import _mi, _num, _vec, cell, log_drawable

# The gate columns of the Timesteps table: (name in the trace's gates or "c", column symbol)
GATE_COLUMNS = {"vanilla": (), "gru": ("r", "z"), "lstm": ("i", "f", "o", "c")}
ROLES = {"gru": gru.ROLES, "lstm": lstm.ROLES}
# The same roles marked for the catalogue (rnn_py.cells keeps them as code the learner reads);
# tests/test_i18n_strings.py checks that the two agree.
ROLE_MESSAGES = (
    N_("reset gate r: how much of h_{t−1} the candidate may look at"),
    N_("update gate z: how much of h_{t−1} is kept rather than replaced"),
    N_("candidate h̃: the new content the unit could take on"),
    N_("input gate i: how much of the candidate is written into the cell state"),
    N_("forget gate f: how much of the cell state is kept"),
    N_("output gate o: how much of the cell state is shown as h"),
    N_("candidate c̃: the new content that could be written"),
)

# Why the gated cells' biases start where they do, said once on the page.
BIAS_NOTE = (
    "The LSTM's forget bias b_f and the GRU's update bias b_z start at 1, not 0, so that a new "
    "cell starts out keeping most of its memory and the gradient survives many steps back "
    "(Jozefowicz et al. 2015)."
)


def columns(cell_name: str, remember: bool) -> list[list[str]]:
    """The Timesteps table's header: [text, subscript] per column, gate columns after h_t."""
    gates = [[g, "t"] for g in GATE_COLUMNS[cell_name]]
    target = [_("target"), ""] if remember else [_("target x"), "t+1"]
    return [["t", ""], ["x", "t"], ["h", "t"], *gates, ["y", "t"], target, [_("error"), ""]]


_FOUR_PLACES = "{:.4f}".format


def vector_text(v) -> str:
    """A vector in a table cell: one number alone, several in brackets."""
    if len(v) == 1:
        return cell(v[0])
    if sum(map(abs, v)) < 1e6:  # every entry finite and below 1e6: cell's 4 decimals for all
        return "[" + ", ".join(map(_FOUR_PLACES, v)) + "]"
    return "[" + ", ".join(cell(x) for x in v) + "]"


def gate_cells(cell_name: str, trace, t: int) -> list[str]:
    """The gate columns of row t: r_t, z_t (GRU); i_t, f_t, o_t, c_t (LSTM)."""
    out = []
    for g in GATE_COLUMNS[cell_name]:
        out.append(vector_text(trace.c[t] if g == "c" else trace.gates[t][g]))
    return out


# ---- each gate's equation at step t, numbers substituted ---------------------------------------

_SIGMA = ["mi", "σ"]
_TANH = ["mi", "tanh"]


def _affine(p, g, x, h_prev, n, ts, tp, inner=None):
    """The tokens of W_xg·x_t + W_hg·h_{t−1} + b_g: numbers for one unit, symbols for several.
    inner: the GRU candidate's r_t ⊙ h_{t−1} in place of h_{t−1}, as (tokens-1, tokens-n)."""
    if n == 1:
        hp = _num(h_prev[0]) if inner is None else inner[0]
        return [*_num(getattr(p, "w_x" + g)[0]), ["mo", "·"], *_num(x), ["mo", "+"],
                *_num(getattr(p, "w_h" + g)[0][0]), ["mo", "·"], *hp,
                ["mo", "+"], *_num(getattr(p, "b_" + g)[0])]  # fmt: skip
    hp = [_mi("h", tp)] if inner is None else inner[1]
    return [_mi("W", "x" + g), _mi("x", ts), ["mo", "+"], _mi("W", "h" + g), *hp,
            ["mo", "+"], _mi("b", g)]  # fmt: skip


def _value(v, n):
    return _num(v[0]) if n == 1 else _vec(v)


def _gate_line(name, squash, affine, value, n, ts, tilde=False):
    head = ["mi", name + "\u0303", ts] if tilde else _mi(name, ts)
    return [head, ["mo", "="], squash, ["mo", "("], *affine, ["mo", ")"], ["mo", "="],
            *_value(value, n)]  # fmt: skip


def equation(params, xs, trace, t: int) -> list:
    """A gated cell's equations at timestep t with this step's numbers: one line per gate, then
    the new state (h_t for the GRU; c_t and h_t for the LSTM). With one hidden unit every weight
    and value is substituted ("f_t = σ(0.500·0.310 + 0.200·0.100 + 1.000) = 0.790"); with
    several, the weights stay symbols and each side's vector is given."""
    p, n, x = params, params.n, xs[t]
    ts, tp = str(t), str(t - 1) if t else "−1"
    zeros = [0.0] * n
    h_prev = trace.h[t - 1] if t else zeros
    h, gates = trace.h[t], trace.gates[t]
    one = n == 1
    return _LINES[p.CELL](p, x, ts, tp, zeros, h_prev, h, gates, trace, t, n, one)


def _gru_lines(p, x, ts, tp, zeros, h_prev, h, gates, trace, t, n, one):
    """The GRU's lines: r_t, z_t, h̃_t, then h_t."""
    r, z, hc = gates["r"], gates["z"], gates["hc"]
    rh = ([["mo", "("], *_num(r[0]), ["mo", "·"], *_num(h_prev[0]), ["mo", ")"]],
          [["mo", "("], _mi("r", ts), ["mo", "⊙"], _mi("h", tp), ["mo", ")"]])  # fmt: skip
    lines = [
        _gate_line("r", _SIGMA, _affine(p, "r", x, h_prev, n, ts, tp), r, n, ts),
        _gate_line("z", _SIGMA, _affine(p, "z", x, h_prev, n, ts, tp), z, n, ts),
        _gate_line("h", _TANH, _affine(p, "h", x, h_prev, n, ts, tp, rh), hc, n, ts, True),
    ]
    if one:
        new = [*_num(z[0]), ["mo", "·"], *_num(h_prev[0]), ["mo", "+"], ["mo", "("],
               ["mn", "1"], ["mo", "−"], *_num(z[0]), ["mo", ")"], ["mo", "·"],
               *_num(hc[0])]  # fmt: skip
    else:
        new = [_mi("z", ts), ["mo", "⊙"], _mi("h", tp), ["mo", "+"], ["mo", "("], ["mn", "1"],
               ["mo", "−"], _mi("z", ts), ["mo", ")"], ["mo", "⊙"],
               ["mi", "h\u0303", ts]]  # fmt: skip
    lines.append([_mi("h", ts), ["mo", "="], *new, ["mo", "="], *_value(h, n)])
    return lines


def _lstm_lines(p, x, ts, tp, zeros, h_prev, h, gates, trace, t, n, one):
    """The LSTM's lines: i_t, f_t, o_t, c̃_t, then c_t and h_t."""
    i_, f, o, cc = gates["i"], gates["f"], gates["o"], gates["cc"]
    c_prev, c = (trace.c[t - 1] if t else zeros), trace.c[t]
    lines = [
        _gate_line("i", _SIGMA, _affine(p, "i", x, h_prev, n, ts, tp), i_, n, ts),
        _gate_line("f", _SIGMA, _affine(p, "f", x, h_prev, n, ts, tp), f, n, ts),
        _gate_line("o", _SIGMA, _affine(p, "o", x, h_prev, n, ts, tp), o, n, ts),
        _gate_line("c", _TANH, _affine(p, "c", x, h_prev, n, ts, tp), cc, n, ts, True),
    ]
    if one:
        new_c = [*_num(f[0]), ["mo", "·"], *_num(c_prev[0]), ["mo", "+"], *_num(i_[0]),
                 ["mo", "·"], *_num(cc[0])]  # fmt: skip
        new_h = [*_num(o[0]), ["mo", "·"], _TANH, ["mo", "("], *_num(c[0]), ["mo", ")"]]
    else:
        new_c = [_mi("f", ts), ["mo", "⊙"], _mi("c", tp), ["mo", "+"], _mi("i", ts), ["mo", "⊙"],
                 ["mi", "c\u0303", ts]]  # fmt: skip
        new_h = [_mi("o", ts), ["mo", "⊙"], _TANH, ["mo", "("], _mi("c", ts), ["mo", ")"]]
    lines.append([_mi("c", ts), ["mo", "="], *new_c, ["mo", "="], *_value(c, n)])
    lines.append([_mi("h", ts), ["mo", "="], *new_h, ["mo", "="], *_value(h, n)])
    return lines


# Each gated cell's lines, by the cell's name (a new gated cell registers its own here).
_LINES = {"gru": _gru_lines, "lstm": _lstm_lines}


def equation_text(lines) -> list[str]:
    """The equation lines as plain text, as a person reads them ("f_0 = σ(…) = 0.790").

    >>> equation_text([[["mi", "f", "0"], ["mo", "="], ["mn", "0.790"]]])
    ['f_0 = 0.790']
    """
    out = []
    for tokens in lines:
        text = ""
        for token in tokens:
            piece = token[1] + ("_" + token[2] if len(token) > 2 else "")
            if token[0] == "mo" and token[1] in ("=", "+", "−", "⊙"):
                piece = f" {piece} "
            text += piece
        out.append(" ".join(text.split()).replace("( ", "(").replace(" )", ")"))
    return out


# ---- the LSTM's cell state lane and its reach --------------------------------------------------


def cell_state_part(params, xs, grads, reach=True) -> dict:
    """The LSTM's extra series from its gradients: the cell-state reach ‖∂c_{T−1}/∂c_t‖
    along c alone ("reach_c", log scale; left out with reach=False), and "c_flow"[t] =
    ‖∂L/∂c_t ⊙ f_t‖, the gradient that flows back along the c lane from c_t to c_{t−1} (None at
    t = 0)."""
    trace, T = grads.trace, len(xs)
    flow = [None]
    for t in range(1, T):
        along = list(map(mul, grads.dc[t], trace.gates[t]["f"]))
        flow.append(log_drawable(math.sqrt(sum(map(mul, along, along)))))
    part = {"c_flow": flow}
    if reach:
        part["reach_c"] = [log_drawable(r) for r in cells.cell_state_reach(params, xs)]
    return part


# ---- the forget-gate presets -------------------------------------------------------------------


def _one_unit_lstm(b_f):
    """One LSTM unit that writes a little of each input (w_xc = 1, b_i = −2: i ≈ 0.12), shows
    most of its cell state (b_o = 2) and feeds h back faintly into the candidate (w_hc = 0.1);
    only the forget bias b_f differs between the presets."""
    weights = {name: [0.0] for name in ("w_xi", "w_xf", "w_xo", "b_c")}
    weights.update(
        w_hi=[[0.0]], w_hf=[[0.0]], w_ho=[[0.0]], w_hc=[[0.1]], w_xc=[1.0],
        b_i=[-2.0], b_f=[float(b_f)], b_o=[2.0], w_hy=[1.0], b_y=0.0,
    )  # fmt: skip
    return lstm.Params.from_dict(weights)


PRESET_GAP = 63  # T = 64 steps: x_0 and 63 more
PRESETS = {
    "forget-open": {
        "label": "Forget gate open",
        "params": _one_unit_lstm(8.0),
        "text": (
            "b_f = 8, so f_t ≈ 0.9997 at every step: along the cell state 97.9% of the gradient "
            "still arrives 63 steps back, and the reach at t = 0 is no smaller than at t = 62. "
            "Look at the reach chart's bars, level all the way to t = 0, and at the c lane of the "
            "unrolled network, whose arrows stay thick."
        ),
    },
    "forget-shut": {
        "label": "Forget gate shut",
        "params": _one_unit_lstm(-8.0),
        "text": (
            "b_f = −8, so f_t ≈ 0.0003: the cell state keeps almost nothing of itself, and along c "
            "less than 0.001 of the gradient survives a single step; the reach at t = 0 is below "
            "10⁻¹⁰⁰. Look at the reach bars dropping off the chart, and at the c lane's arrows, "
            "thin everywhere but the last step."
        ),
    },
}


def preset_settings(name: str) -> dict:
    """The DemoState fields a forget-gate preset sets: the long-lag task with gap 63 (T = 64),
    seed 1, and the preset's one-unit LSTM."""
    if name not in PRESETS:
        raise ValueError(f"There is no preset called {name!r}.")
    from .state import REMEMBER

    return {"sequence": REMEMBER, "gap": PRESET_GAP, "seed": 1, "params": PRESETS[name]["params"],
            "forecast": False, "step": None}  # fmt: skip


# ---- the memory preset -------------------------------------------------------------------------

# Remember across 100 steps: a GRU whose update bias starts at 5 (z_t ≈ σ(5) ≈ 0.993 before any
# training), on the long-lag task with gap 100, trained with Adam as `python -m rnn_py cells`
# trains it; tests/test_memory.py recomputes what the page says of it.
MEMORY_PRESET = {"cell": "gru", "hidden": 4, "memory_bias": 5.0, "gap": 100, "batch": 16,
                 "seed": 0, "optimizer": "adam", "lr": 0.03, "clip": True}  # fmt: skip


def memory_preset_settings() -> dict:
    """The DemoState fields the "Remember across 100 steps" preset sets: its GRU's seeded start
    with the memory bias, the long-lag task and the training settings."""
    from .state import REMEMBER, default_params

    m = MEMORY_PRESET
    params = default_params(m["hidden"], m["seed"], m["cell"], m["memory_bias"])
    return {"sequence": REMEMBER, "gap": m["gap"], "batch": m["batch"], "seed": m["seed"],
            "memory_bias": m["memory_bias"], "optimizer": m["optimizer"], "lr": m["lr"],
            "clip": m["clip"], "params": params, "forecast": False, "step": None}  # fmt: skip
