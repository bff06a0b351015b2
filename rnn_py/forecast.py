"""Forecasting: after reading the data, the network keeps going on its own predictions.

Free running means each output y_t, the network's guess for x_{t+1}, is fed back in as the
next input. Whether the forecast follows the true continuation shows whether the network
learned the sequence's rule or only fitted the samples it was shown.
"""

from dataclasses import dataclass

from . import cells
from .sequences import SEQUENCES, terms

MAX_STEPS = 64


@dataclass(frozen=True)
class Forecast:
    """The free-running pass after the data x_0 … x_{T−1}, for t = T, T+1, …, T+steps−1.

    x[k] is the input fed at t = T+k, the network's own earlier prediction (x[0] = y_{T−1},
    x[k] = y[k−1]); h[k] is the hidden state h_t (a vector); y[k] = y_t predicts x_{t+1}.
    """

    x: list[float]
    h: list[list[float]]
    y: list[float]

    @property
    def values(self):
        """The predicted continuation x̂_T, x̂_{T+1}, …, x̂_{T+steps}: x[0] followed by every y."""
        return [*self.x[:1], *self.y]


def forecast(params, xs, activation, steps):
    """Read xs, then keep predicting for `steps` more timesteps, feeding each y back as x.
    Any cell: one `step` of its cell (rnn_py.cells) per timestep, carrying h (and the LSTM's c).

    Overflow is not an error: a forecast that blows up holds inf or nan from there on.

    >>> from rnn_py import Params
    >>> p = Params.scalar(w_xh=1.0, w_hh=0.0, w_hy=2.0)  # y_t = 2·x_t: doubling
    >>> fc = forecast(p, [1, 2, 4], "linear", steps=3)
    >>> fc.x, fc.y, fc.values
    ([8.0, 16.0, 32.0], [16.0, 32.0, 64.0], [8.0, 16.0, 32.0, 64.0])
    """
    _check_steps(steps)
    trace = cells.forward(params, xs, activation)  # checks params, xs and the activation
    cell = cells.make_cell(params.CELL, activation)
    h, y = trace.h[-1], trace.y[-1]
    c = trace.c[-1] if cell.has_c else None
    out_x, out_h, out_y = [], [], []
    for _ in range(steps):
        x = y  # the prediction for this step becomes its input
        _, h, c = cell.step(params, cells.input_terms(params, cell.gates, x), h, c)
        y = _dot(params.w_hy, h) + params.b_y
        out_x.append(x)
        out_h.append(h)
        out_y.append(y)
    return Forecast(out_x, out_h, out_y)


def _dot(a, b):
    return sum(a_i * b_i for a_i, b_i in zip(a, b, strict=True))


def true_continuation(kind, length, normalized, steps):
    """The true terms x_T … x_{T+steps} of a named sequence after its first T = length terms.

    Normalized, they go through the same affine map that put the first T terms onto [−1, 1]
    (not a new normalization of the longer sequence), so they may lie beyond ±1: Fibonacci
    keeps growing past the largest value shown.

    >>> true_continuation("linear", 3, False, 2)
    [4.0, 5.0, 6.0]
    >>> true_continuation("linear", 3, True, 2)  # 1, 2, 3 became −1, 0, 1
    [2.0, 3.0, 4.0]
    """
    if kind not in SEQUENCES:
        raise ValueError(
            f"Only the named sequences ({', '.join(SEQUENCES)}) have a known continuation."
        )
    _check_steps(steps)
    all_terms = terms(kind, length + steps + 1)
    shown, later = all_terms[:length], all_terms[length:]
    if not normalized:
        return later
    lo, hi = min(shown), max(shown)
    if lo == hi:  # normalize maps a constant sequence to zeros: x ↦ x − lo
        return [x - lo for x in later]
    span = hi - lo  # the same arithmetic as normalize, term by term
    return [2.0 * ((x - lo) / span) - 1.0 for x in later]


def _check_steps(steps):
    if isinstance(steps, bool) or not isinstance(steps, int) or not 1 <= steps <= MAX_STEPS:
        raise ValueError(f"Forecast steps must be a whole number from 1 to {MAX_STEPS}.")
