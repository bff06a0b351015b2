"""The cases every exercise is checked on: random ones (n = 1..4, every activation) and edge ones
(saturated gates, huge logits, tiny temperatures, ±inf gradients), each with the answer
rnn_py's own functions give. The backward step's cases also carry central finite differences
of the forward step, as a second, independent opinion."""

from __future__ import annotations

import functools
import random
import re
from dataclasses import dataclass

from .. import cells
from ..cells import gru, lstm, vanilla
from ..cells.maths import ACTIVATIONS, _activation, loss_of
from ..i18n import N_, _
from ..text import core as textcore
from ..train import clip as rnn_clip

EPS = 1e-6  # the finite differences' step


@dataclass(frozen=True)
class Case:
    """One call of the learner's function: its arguments (by name), rnn_py's answer, and for
    the backward step the finite differences' answer."""

    label: str
    args: tuple  # ((name, value), …) in the signature's order
    expected: object
    fd: object = None


# What each exercise returns, by name, for messages: one name, or one per tuple entry.
OUTPUTS = {
    1: "h",
    2: "L",
    3: ("dw_xh", "dw_hh", "db_h", "dh_prev"),
    4: "clipped",
    5: "h",
    6: ("h", "c"),
    7: ("p", "loss"),
    8: "k",
}


def _vec(rng, n, a=1.0):
    return [rng.uniform(-a, a) for _ in range(n)]


def _mat(rng, n, a=1.0):
    return [_vec(rng, n, a) for _ in range(n)]


def _vanilla_params(w_xh, w_hh, b_h):
    n = len(b_h)
    return vanilla.Params(list(w_xh), [list(r) for r in w_hh], [0.0] * n, list(b_h), 0.0)


def vanilla_ref(w_xh, w_hh, b_h, x, h_prev, activation):
    """rnn_py's vanilla step: h_t."""
    f, _ = _activation(activation)
    return vanilla.step(_vanilla_params(w_xh, w_hh, b_h), x, h_prev, f)[1]


def backward_ref(w_xh, w_hh, b_h, x, h_prev, h, dh, activation):
    """rnn_py's vanilla Cell.step_back for one step: (dw_xh, dw_hh, db_h, dh_prev)."""
    p = _vanilla_params(w_xh, w_hh, b_h)
    cell = cells.make_cell("vanilla", activation)
    gates, _, _ = cell.step(p, cells.input_terms(p, cell.gates, x), h_prev)
    grads = cells.zero_grads(p)
    du, dh_prev, _ = cell.step_back(p, gates, h_prev, None, None, dh, None, grads)
    return [d * x for d in du["h"]], grads.w_hh, grads.b_h, dh_prev


def backward_fd(w_xh, w_hh, b_h, x, h_prev, h, dh, activation):
    """The same gradients by central finite differences of ℓ = Σ_i dh_i·h_t[i] (whose gradient
    is exactly what dh sends back through this step), with rnn_py's forward step."""
    n = len(b_h)

    def loss(w_xh, w_hh, b_h, h_prev):
        out = vanilla_ref(w_xh, w_hh, b_h, x, h_prev, activation)
        return sum(d * v for d, v in zip(dh, out, strict=True))

    def slope(change):
        plus, minus = change(EPS), change(-EPS)
        return (loss(*plus) - loss(*minus)) / (2 * EPS)

    def bump_vec(which, i):
        def change(e):
            args = [list(w_xh), [list(r) for r in w_hh], list(b_h), list(h_prev)]
            args[which][i] += e
            return args

        return change

    def bump_hh(i, j):
        def change(e):
            rows = [list(r) for r in w_hh]
            rows[i][j] += e
            return [list(w_xh), rows, list(b_h), list(h_prev)]

        return change

    return (
        [slope(bump_vec(0, i)) for i in range(n)],
        [[slope(bump_hh(i, j)) for j in range(n)] for i in range(n)],
        [slope(bump_vec(2, i)) for i in range(n)],
        [slope(bump_vec(3, j)) for j in range(n)],
    )


def _gated(module, w, x, h_prev, c_prev=None):
    n = len(h_prev)
    p = module.Params(**w, w_hy=[0.0] * n, b_y=0.0)
    _, h, c = module.Cell().step(p, cells.input_terms(p, module.GATES, x), h_prev, c_prev)
    return h, c


def gru_ref(w, x, h_prev):
    """rnn_py's GRU step: h_t."""
    return _gated(gru, w, x, h_prev)[0]


def lstm_ref(w, x, h_prev, c_prev):
    """rnn_py's LSTM step: (h_t, c_t)."""
    return _gated(lstm, w, x, h_prev, c_prev)


def softmax_ref(logits, target):
    """rnn_py's softmax (log-sum-exp) and the text task's loss −log p[target]."""
    p, lse = textcore.softmax(logits)
    return p, lse - logits[target]


def sample_ref(logits, temperature, u):
    """rnn_py's Sample: softmax(l / T), then the index u draws."""
    p, _ = textcore.softmax([v / temperature for v in logits])
    return textcore.draw(p, u)


def clip_ref(grads, limit):
    """rnn_py's training clip, entry by entry."""
    n = next(n for n in range(1, 10) if vanilla.Params.size(n) == len(grads))
    return rnn_clip(vanilla.Params.from_flat(n, grads), limit).flat()


def _vanilla_cases(rng, relu_margin=0.0):
    """(label, w_xh, w_hh, b_h, x, h_prev, activation) for the vanilla exercises."""
    out = [("n = 1, tanh, small numbers", [0.5], [[0.8]], [0.1], 1.0, [0.2], "tanh")]
    for n in (1, 2, 3, 4):
        for act in ACTIVATIONS:
            while True:
                w_xh, w_hh, b_h = _vec(rng, n, 1.5), _mat(rng, n), _vec(rng, n)
                x, h_prev = rng.uniform(-2, 2), _vec(rng, n)
                z = [w_xh[i] * x + vanilla.dot(w_hh[i], h_prev) + b_h[i] for i in range(n)]
                if act != "relu" or min(map(abs, z)) > relu_margin:
                    break
            out.append((f"n = {n}, {act}", w_xh, w_hh, b_h, x, h_prev, act))
    out += [
        ("n = 2, tanh, saturated", [3.0, -3.0], [[2.0, 1.0], [-1.0, 2.5]], [1.0, -2.0], 8.0,
         [0.9, -0.9], "tanh"),
        ("n = 2, sigmoid, saturated", [5.0, -5.0], [[1.0, 0.0], [0.5, 1.0]], [2.0, -1.0], 8.0,
         [0.5, 0.5], "sigmoid"),
        ("n = 3, relu, every unit below 0", [-1.0, -2.0, -0.5], _mat(rng, 3, 0.1),
         [-0.5, -0.5, -0.5], 1.0, [0.1, 0.2, 0.3], "relu"),
    ]  # fmt: skip
    return out


def _vanilla_step_cases(rng):
    names = ("w_xh", "w_hh", "b_h", "x", "h_prev", "activation")
    return [
        Case(label, tuple(zip(names, args, strict=True)), vanilla_ref(*args))
        for label, *args in _vanilla_cases(rng)
    ]


def _mse_cases(rng):
    out = []
    for T in (2, 3, 5, 8, 12):
        xs, ys = _vec(rng, T, 2.0), _vec(rng, T, 2.0)
        out.append((f"T = {T}", ys, xs))
    xs = _vec(rng, 6, 1.0)
    out.append(("T = 6, every guess right", xs[1:] + [0.0], xs))
    out.append(("T = 4, large numbers", [1000.0, -2000.0, 500.0, 3.0], [10.0, 900.0, -1500.0, 0.0]))
    return [Case(label, (("ys", ys), ("xs", xs)), loss_of(ys, xs)) for label, ys, xs in out]


def _backward_cases(rng):
    names = ("w_xh", "w_hh", "b_h", "x", "h_prev", "h", "dh", "activation")
    out = []
    for label, w_xh, w_hh, b_h, x, h_prev, act in _vanilla_cases(rng, relu_margin=1e-3):
        h = vanilla_ref(w_xh, w_hh, b_h, x, h_prev, act)
        dh = _vec(rng, len(h), 2.0)
        args = (w_xh, w_hh, b_h, x, h_prev, h, dh, act)
        out.append(Case(label, tuple(zip(names, args, strict=True)), backward_ref(*args),
                        backward_fd(*args)))  # fmt: skip
    return out


def _clip_cases(rng):
    out = []
    for n, limit in ((1, 5.0), (2, 1.0), (3, 2.5), (4, 0.5)):
        size = vanilla.Params.size(n)
        out.append((f"{size} entries, limit {limit:g}", _vec(rng, size, 8.0), limit))
    out += [
        ("every entry inside the limit", [0.5, -1.0, 2.0, -3.0, 4.5], 5.0),
        ("entries exactly at ±limit", [5.0, -5.0, 0.0, 1.0, -1.0], 5.0),
        ("one huge entry among small ones", [0.1, -0.2, 1e6, 0.3, -0.1], 5.0),
        ("±inf after an explosion", [float("inf"), -1.0, float("-inf"), 7.0, -7.0], 5.0),
        ("all negative", [-9.0, -0.5, -6.0, -1e300, -5.5], 5.0),
    ]
    return [Case(label, (("grads", g), ("limit", lim)), clip_ref(g, lim)) for label, g, lim in out]


def _gated_weights(module, rng, n, bias=None):
    p = module.Params.from_flat(n, _vec(rng, module.Params.size(n), 1.5))
    w = {k: v for k, v in p.to_dict().items() if k not in ("w_hy", "b_y")}
    for name, value in (bias or {}).items():
        w[name] = [value] * n
    return w


def _gru_cases(rng):
    out = [(f"n = {n}", _gated_weights(gru, rng, n), rng.uniform(-2, 2), _vec(rng, n))
           for n in (1, 2, 3, 4)]  # fmt: skip
    for label, bias in (
        ("update gate shut, z ≈ 1: h_t ≈ h_{t−1}", {"b_z": 30.0}),
        ("update gate open, z ≈ 0: h_t ≈ the candidate", {"b_z": -30.0}),
        ("reset gate shut, r ≈ 0", {"b_r": -30.0}),
    ):
        out.append((f"n = 2, {label}", _gated_weights(gru, rng, 2, bias), 1.5, _vec(rng, 2)))
    return [Case(label, (("w", w), ("x", x), ("h_prev", h)), gru_ref(w, x, h))
            for label, w, x, h in out]  # fmt: skip


def _lstm_cases(rng):
    out = [(f"n = {n}", _gated_weights(lstm, rng, n), rng.uniform(-2, 2), _vec(rng, n),
            _vec(rng, n, 2.0)) for n in (1, 2, 3, 4)]  # fmt: skip
    for label, bias, c_prev in (
        ("forget gate open, input gate shut: c_t ≈ c_{t−1}", {"b_f": 30.0, "b_i": -30.0}, None),
        ("output gate shut, o ≈ 0", {"b_o": -30.0}, None),
        ("a large cell state: tanh(c_t) saturates", {"b_f": 30.0}, [25.0, -25.0]),
    ):
        c = c_prev or _vec(rng, 2, 2.0)
        out.append((f"n = 2, {label}", _gated_weights(lstm, rng, 2, bias), 1.0, _vec(rng, 2), c))
    names = ("w", "x", "h_prev", "c_prev")
    return [Case(label, tuple(zip(names, args, strict=True)), lstm_ref(*args))
            for label, *args in out]  # fmt: skip


def _softmax_cases(rng):
    out = []
    for V in (2, 3, 4, 6):
        out.append((f"{V} logits", _vec(rng, V, 4.0), rng.randrange(V)))
    out += [
        ("huge logits", [1000.0, 999.0, 998.0], 1),
        ("a hugely negative target", [0.0, -1000.0], 1),
        ("huge and hugely negative", [1000.0, -1000.0, 0.0], 0),
        ("all equal", [5.0, 5.0, 5.0, 5.0], 2),
        ("one logit", [3.0], 0),
    ]
    return [Case(label, (("logits", v), ("target", t)), softmax_ref(v, t)) for label, v, t in out]


def _away_from_totals(rng, p):
    """A u in [0, 1) at least 1e-9 from every running total of p (no rounding decides it)."""
    totals, s = [], 0.0
    for v in p:
        s += v
        totals.append(s)
    while True:
        u = rng.random()
        if all(abs(u - t) > 1e-9 for t in totals):
            return u


def _sample_cases(rng):
    out = []
    for V, T in ((2, 1.0), (3, 0.5), (4, 1.5), (5, 2.0), (6, 0.8), (4, 1.0), (3, 1.25)):
        logits = _vec(rng, V, 3.0)
        p, _ = textcore.softmax([v / T for v in logits])
        out.append((f"{V} logits, T = {T:g}", logits, T, _away_from_totals(rng, p)))
    out += [
        ("u = 0", [0.5, 1.0, -0.3], 1.0, 0.0),
        ("huge logits, tiny temperature", [1000.0, 999.5, 990.0], 0.1, 0.4),
        ("a tiny temperature", [1.0, 2.0, 3.0], 0.02, 0.3),
        ("a high temperature flattens", [2.0, 0.0, -2.0], 2.0, 0.93),
    ]
    names = ("logits", "temperature", "u")
    return [Case(label, tuple(zip(names, args, strict=True)), sample_ref(*args))
            for label, *args in out]  # fmt: skip


_MAKERS = {
    1: _vanilla_step_cases,
    2: _mse_cases,
    3: _backward_cases,
    4: _clip_cases,
    5: _gru_cases,
    6: _lstm_cases,
    7: _softmax_cases,
    8: _sample_cases,
}


@functools.cache
def cases(number):
    """Every case of exercise `number`, the same every time (a fixed seed per exercise)."""
    return tuple(_MAKERS[number](random.Random(1000 + number)))


# The words in the cases' labels, marked for the catalogue: a label stays English (the notebook's
# checks quote it as code) and is translated part by part (its ", "-separated pieces) where shown.
LABEL_PARTS = frozenset((
    N_("small numbers"), N_("saturated"), N_("every unit below 0"),
    N_("update gate shut"), N_("update gate open"), N_("z ≈ 0: h_t ≈ the candidate"),
    N_("reset gate shut"), N_("forget gate open"), N_("input gate shut: c_t ≈ c_{t−1}"),
    N_("output gate shut"), N_("a large cell state: tanh(c_t) saturates"),
    N_("every guess right"), N_("large numbers"), N_("every entry inside the limit"),
    N_("entries exactly at ±limit"), N_("one huge entry among small ones"),
    N_("±inf after an explosion"), N_("all negative"), N_("huge logits"),
    N_("a hugely negative target"), N_("huge and hugely negative"), N_("all equal"),
    N_("one logit"), N_("tiny temperature"), N_("a tiny temperature"),
    N_("a high temperature flattens"),
))  # fmt: skip
_COUNTED = (
    (re.compile(r"(\d+) logits"), N_("{n} logits")),
    (re.compile(r"(\d+) entries"), N_("{n} entries")),
    (re.compile(r"limit (\S+)"), N_("limit {n}")),
)


def shown_label(label: str) -> str:
    """A case's label in the language in place, piece by piece (maths and names stay).

    >>> shown_label("n = 2, tanh, saturated"), shown_label("12 entries, limit 2.5")
    ('n = 2, tanh, saturated', '12 entries, limit 2.5')
    """
    parts = []
    for part in label.split(", "):
        if part in LABEL_PARTS:
            part = _(part)
        else:
            for pattern, message in _COUNTED:
                m = pattern.fullmatch(part)
                if m:
                    part = _(message).format(n=m.group(1))
                    break
        parts.append(part)
    return ", ".join(parts)
