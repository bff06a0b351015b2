"""What the page shows, computed: table rows, the substituted equation, chart series, notices.

The page's own Python only reads controls and hands ``snapshot(...)`` to the painter, so
everything a learner reads is computed (and unit-tested) here. Non-finite or absurdly large
numbers never reach a chart: they become gaps, and a notice says why.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace

from .forecast import forecast, true_continuation
from .model import backward, forward, memory_reach
from .state import DemoState, to_query, weight_cells

DISPLAY_LIMIT = 1e12  # larger magnitudes are not drawn; the table shows them in e-notation
LOG_FLOOR = 1e-30  # log-scale charts leave out smaller values (they have vanished entirely)
ACTIVATION_NAMES = {"tanh": "tanh", "relu": "ReLU", "sigmoid": "σ", "linear": "linear"}


def cell(v: float) -> str:
    """A table value: 4 decimals, e-notation when large, words when not a number.

    >>> cell(0.5), cell(-1234567.0), cell(float("inf")), cell(float("nan"))
    ('0.5000', '-1.2346e+06', 'overflow (+∞)', 'undefined (NaN)')
    """
    if math.isnan(v):
        return "undefined (NaN)"
    if math.isinf(v):
        return "overflow (+∞)" if v > 0 else "overflow (−∞)"
    if abs(v) >= 1e6:
        return f"{v:.4e}"
    return f"{v:.4f}"


def short(v: float) -> str:
    """A number inside an equation: 3 decimals, e-notation when large."""
    if not math.isfinite(v):
        return cell(v)
    if v != 0 and (abs(v) >= 1e5 or abs(v) < 1e-3):
        return f"{v:.2e}"
    return f"{v:.3f}"


def drawable(v: float | None) -> float | None:
    """v if a chart can draw it, else None (a gap)."""
    if v is None or not math.isfinite(v) or abs(v) > DISPLAY_LIMIT:
        return None
    return v


def log_drawable(v: float | None) -> float | None:
    """v if a log-scale chart can draw it (positive, not vanishingly small), else None."""
    v = drawable(v)
    return v if v is not None and v >= LOG_FLOOR else None


@dataclass
class History:
    """Loss curves of BPTT and Random Search, by evaluations, for the comparison chart."""

    bptt: list[tuple[int, float]] = field(default_factory=list)
    random: list[tuple[int, float]] = field(default_factory=list)

    def add(self, step, offset: int = 0) -> None:
        """Record one step (BPTT: its loss; search: the best so far), evaluations + offset."""
        if step.method == "bptt":
            self.bptt.append((offset + step.evaluations, step.loss))
        else:
            best = min(step.best_loss, self.random[-1][1]) if self.random else step.best_loss
            self.random.append((offset + step.evaluations, best))

    def evaluations(self, method: str) -> int:
        """How many evaluations method has used so far (where its next run's curve starts)."""
        points = self.bptt if method == "bptt" else self.random
        return points[-1][0] if points else 0

    def clear(self) -> None:
        self.bptt.clear()
        self.random.clear()


# ---- the live equation: lines of MathML tokens -----------------------------------------------
# A token is [tag, text] or [tag, text, subscript], tag one of "mi" (a name), "mn" (a number),
# "mo" (an operator); the painter turns each into the MathML element of that name.


def _mi(name, sub=None):
    return ["mi", name] if sub is None else ["mi", name, sub]


def _num(v):
    """A number token, in brackets when negative so 0.8·(−0.5) reads right."""
    text = short(v).replace("-", "−")
    if v < 0:
        return [["mo", "("], ["mn", text], ["mo", ")"]]
    return [["mn", text]]


def _vec(vs):
    out = [["mo", "["]]
    for i, v in enumerate(vs):
        if i:
            out.append(["mo", ","])
        out.append(["mn", short(v).replace("-", "−")])
    return out + [["mo", "]"]]


def equation(state: DemoState, xs, trace, t: int) -> list[list[list[str]]]:
    """The three model equations at timestep t with this state's numbers substituted."""
    p, f = state.params, ACTIVATION_NAMES[state.activation]
    ts, tp = str(t), str(t - 1) if t else "−1"
    if p.n == 1:
        h_prev = trace.h[t - 1][0] if t else 0.0
        z, h, y = trace.z[t][0], trace.h[t][0], trace.y[t]
        line_z = [_mi("z", ts), ["mo", "="], *_num(p.w_xh[0]), ["mo", "·"], *_num(xs[t]),
                  ["mo", "+"], *_num(p.w_hh[0][0]), ["mo", "·"], *_num(h_prev),
                  ["mo", "+"], *_num(p.b_h[0]), ["mo", "="], *_num(z)]  # fmt: skip
        line_h = [_mi("h", ts), ["mo", "="], ["mi", f], ["mo", "("], *_num(z), ["mo", ")"],
                  ["mo", "="], *_num(h)]  # fmt: skip
        line_y = [_mi("y", ts), ["mo", "="], *_num(p.w_hy[0]), ["mo", "·"], *_num(h),
                  ["mo", "+"], *_num(p.b_y), ["mo", "="], *_num(y)]  # fmt: skip
    else:
        line_z = [_mi("z", ts), ["mo", "="], _mi("W", "xh"), _mi("x", ts), ["mo", "+"],
                  _mi("W", "hh"), _mi("h", tp), ["mo", "+"], _mi("b", "h"), ["mo", "="],
                  *_vec(trace.z[t])]  # fmt: skip
        line_h = [_mi("h", ts), ["mo", "="], ["mi", f], ["mo", "("], _mi("z", ts), ["mo", ")"],
                  ["mo", "="], *_vec(trace.h[t])]  # fmt: skip
        line_y = [_mi("y", ts), ["mo", "="], _mi("W", "hy"), ["mo", "·"], _mi("h", ts),
                  ["mo", "+"], _mi("b", "y"), ["mo", "="], *_num(trace.y[t])]  # fmt: skip
    lines = [line_z, line_h, line_y]
    if t + 1 < len(xs):
        error = trace.y[t] - xs[t + 1]
        gap = "\u00a0"  # a space MathML keeps
        lines.append([["mtext", f"target{gap}"], _mi("x", str(t + 1)), ["mo", "="],
                      *_num(xs[t + 1]), ["mtext", f",{gap}error{gap}"], ["mo", "="],
                      *_num(error)])  # fmt: skip
    return lines


# ---- the snapshot ----------------------------------------------------------------------------


def _loss_series(points):
    kept = [(e, loss) for e, loss in points if log_drawable(loss) is not None]
    return [[e for e, _ in kept], [loss for _, loss in kept]]


def settings(state: DemoState) -> dict:
    """The controls' values for this state (the weights travel separately, as ``weights``)."""
    return {
        "sequence": state.sequence,
        "length": state.length,
        "custom": state.custom,
        "normalized": state.normalized,
        "activation": state.activation,
        "hidden": state.hidden,
        "lr": state.lr,
        "clip": state.clip,
        "seed": state.seed,
        "hide": list(state.hide),
        "explain": state.explain,
        "embed": state.embed,
        "forecast": state.forecast,
        "forecast_steps": state.forecast_steps,
    }


def snapshot(
    state: DemoState,
    history: History | None = None,
    running: str | None = None,
    status: str = "",
    status_warn: bool = False,
    notices: tuple[str, ...] = (),
) -> dict:
    """Everything the page paints for this state, as JSON-safe data.

    Keys: ``ok`` and ``error`` (a custom sequence the user must fix), ``T``, ``step`` (how
    many timesteps are revealed), ``current`` (the highlighted t or None), ``rows`` (the
    Timesteps table), ``loss`` (text for the Loss output), ``equation`` (MathML tokens),
    ``charts`` (series with gaps as None), ``notices``, ``weights`` (Params.to_dict), ``cells``
    (every weight with its 1-based label, see state.weight_cells), ``settings`` and
    ``query``; ``running``, ``status`` and ``notices`` pass the session's own through.
    With the forecast on and every timestep read, ``rows`` goes on past the data from row
    ``forecast_from`` = T and ``charts["forecast"]`` holds the forecast's series (see
    `forecast_part`); otherwise ``forecast_from`` is None.
    """
    history = history or History()
    base = {
        "query": to_query(state),
        "full_query": to_query(replace(state, embed=False)),
        "settings": settings(state),
        "running": running,
        "status": status,
        "status_warn": status_warn,
        "weights": state.params.to_dict(),
        "cells": weight_cells(state.params),
        "n": state.hidden,
        "charts_loss": {"bptt": _loss_series(history.bptt), "random": _loss_series(history.random)},
    }
    try:
        xs = state.xs()
    except ValueError as error:
        empty = {"T": 0, "step": 0, "current": None, "rows": [], "loss": "—", "equation": []}
        return {**base, **empty, "ok": False, "error": str(error), "charts": None,
                "notices": list(notices)}  # fmt: skip
    T = len(xs)
    step = T if state.step is None else max(0, min(state.step, T))
    grads = backward(state.params, xs, state.activation)
    trace = grads.trace
    current = step - 1 if step > 0 else None

    rows = []
    for t in range(step):
        h = trace.h[t]
        h_text = cell(h[0]) if len(h) == 1 else "[" + ", ".join(cell(v) for v in h) + "]"
        target = xs[t + 1] if t + 1 < T else None
        rows.append([
            str(t), cell(xs[t]), h_text, cell(trace.y[t]),
            "—" if target is None else cell(target),
            "—" if target is None else cell(trace.y[t] - target),
        ])  # fmt: skip

    notices = list(notices)
    values = [*xs, *trace.y, *(v for h in trace.h for v in h)]
    if any(drawable(v) is None for v in values):
        notices.append(
            "Some values are too large to draw (beyond ±10¹², or overflowed): the model is "
            "exploding. Try |hidden weight| < 1, tanh or sigmoid, or Normalized inputs."
        )
    grad_h = [math.sqrt(sum(d * d for d in dh)) for dh in grads.dh]
    reach = memory_reach(state.params, xs, state.activation)
    loss = trace.loss
    if math.isfinite(loss):
        loss_text = f"{loss:.4g} (mean squared error over {T - 1} predictions)"
    else:
        loss_text = "overflow: the loss is too large to compute"

    shown = [drawable(v) for v in trace.y]
    hidden = [[drawable(trace.h[t][i]) if t < step else None for t in range(T)]
              for i in range(state.hidden)]  # fmt: skip
    charts = {
        "t": list(range(T)),
        "x": [drawable(v) for v in xs],
        "target": [drawable(v) for v in xs[1:]] + [None],
        "y": [v if t < step else None for t, v in enumerate(shown)],
        "h": hidden,
        # log-scale chart: zeros and non-finite values become gaps
        "reach": [log_drawable(r) for r in reach],
        "grad": [log_drawable(g) for g in grad_h],
        "activation": state.activation,
    }
    equation_lines = equation(state, xs, trace, current) if current is not None else []
    forecast_from = None
    if state.forecast and step == T:
        forecast_rows, charts["forecast"] = forecast_part(state, xs, trace)
        forecast_from = len(rows)
        rows.extend(forecast_rows)
    return {
        **base,
        "forecast_from": forecast_from,
        "ok": True,
        "error": "",
        "T": T,
        "step": step,
        "current": current,
        "rows": rows,
        "loss": loss_text,
        "equation": equation_lines,
        "charts": charts,
        "notices": notices,
    }


def forecast_part(state: DemoState, xs, trace) -> tuple[list[list[str]], dict]:
    """The forecast's Timesteps rows and chart series, for a state with every timestep read.

    Rows t = T, T+1, … (the t cell says "(forecast)"): x_t is the network's own prediction fed
    back, y_t the free-running output, and the target the true x_{t+1} for a named sequence
    ("—" for custom numbers, which have no known continuation). Chart series run over
    t = 0 … T+steps−1: "y" continues the prediction from t = T−1, "truth" continues the
    target x_{t+1} from t = T−2 (None throughout for custom numbers).
    """
    T, k = len(xs), state.forecast_steps
    fc = forecast(state.params, xs, state.activation, k)
    truth = None
    if state.sequence != "custom":
        truth = true_continuation(state.sequence, T, state.normalized, k)  # x_T … x_{T+k}
    rows = []
    for j in range(k):
        h = fc.h[j]
        h_text = cell(h[0]) if len(h) == 1 else "[" + ", ".join(cell(v) for v in h) + "]"
        target = None if truth is None else truth[j + 1]
        rows.append([
            f"{T + j} (forecast)", cell(fc.x[j]), h_text, cell(fc.y[j]),
            "—" if target is None else cell(target),
            "—" if target is None else cell(fc.y[j] - target),
        ])  # fmt: skip
    gap = [None] * (T - 2)
    series = {
        "t": list(range(T + k)),
        "y": [*gap, None, drawable(trace.y[-1]), *map(drawable, fc.y)],
        "truth": None if truth is None else [*gap, drawable(xs[-1]), *map(drawable, truth)],
    }
    return rows, series


def _finite_or_none(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite_or_none(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite_or_none(v) for v in value]
    return value


def snapshot_json(state: DemoState, history: History | None = None, **session) -> str:
    """snapshot() as a JSON string for the painter; strictly JSON (no NaN or Infinity)."""
    data = snapshot(state, history, **session)
    try:
        return json.dumps(data, allow_nan=False)
    except ValueError:  # a non-finite number slipped through: it becomes a gap, never NaN
        return json.dumps(_finite_or_none(data), allow_nan=False)


def timesteps_csv(state: DemoState) -> str:
    """The Timesteps table at full precision, as CSV (one h column per hidden unit).

    >>> print(timesteps_csv(DemoState(sequence="linear", length=3)).splitlines()[1])
    0,1.0,0.46211715726000974,0.46211715726000974,2.0,-1.5378828427399902
    """
    xs = state.xs()
    trace = forward(state.params, xs, state.activation)
    n = state.hidden
    h_names = ["h_t"] if n == 1 else [f"h_t[{i + 1}]" for i in range(n)]
    lines = [",".join(["t", "x_t", *h_names, "y_t", "target", "error"])]
    for t, x in enumerate(xs):
        target = xs[t + 1] if t + 1 < len(xs) else None
        error = "" if target is None else repr(trace.y[t] - target)
        cells = [str(t), repr(x), *map(repr, trace.h[t]), repr(trace.y[t])]
        lines.append(",".join([*cells, "" if target is None else repr(target), error]))
    return "\n".join(lines) + "\n"


def run_summary(method, first, last, clipped):
    """The line the page announces when a run ends: first and last are its first and last
    Step, clipped how many of its epochs had a gradient entry clipped.

    >>> from rnn_py import Params, make_sequence, train_bptt
    >>> steps = list(train_bptt(Params.scalar(0.5, 1.5, 1.0), make_sequence("sine", 12),
    ...                         "linear", lr=0.05, epochs=300))
    >>> run_summary("bptt", steps[0], steps[-1], sum(s.clipped for s in steps))
    'BPTT: 300 epochs, loss 111.8 → 0.106. Clipping engaged in 2 of them.'
    """
    if last.status == "diverged":
        return last.message
    if method == "bptt":
        text = f"BPTT: {last.evaluations} epochs, loss {first.loss:.4g} → {last.loss:.4g}."
        if clipped:
            text += f" Clipping engaged in {clipped} of them."
        return text
    return f"Random Search: {last.evaluations} random tries, best loss {last.best_loss:.4g}."
