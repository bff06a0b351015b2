"""What the page shows, computed: table rows, the substituted equation, chart series, notices.

The page's own Python only reads controls and hands ``snapshot(...)`` to the painter, so
everything a learner reads is computed (and unit-tested) here. Non-finite or absurdly large
numbers never reach a chart: they become gaps, and a notice says why.
"""

from __future__ import annotations

import json
import math
from array import array
from dataclasses import dataclass, field

from .. import cells
from ..forecast import forecast, true_continuation
from ..i18n import _
from . import explain
from .embed import hidden_controls
from .numbers import (  # noqa: F401 (DISPLAY_LIMIT, cell, log_drawable: rnn_py.page.view's names)
    DISPLAY_LIMIT,
    LOG_FLOOR,
    _mi,
    _num,
    _vec,
    all_drawable,
    cell,
    drawable,
    log_drawable,
    short,
)
from .state import REMEMBER, DemoState, full_view, to_query, weight_cells

ACTIVATION_NAMES = {"tanh": "tanh", "relu": "ReLU", "sigmoid": "σ", "linear": "linear"}


def _series(states, n, step, T, ok):
    """Each of n units' series over time from states[t][unit], drawable, None from step on."""
    if ok and states:
        tail = [None] * (T - step)
        return [[*unit[:step], *tail] for unit in zip(*states, strict=True)]
    return [[drawable(states[t][i]) if t < step else None for t in range(T)] for i in range(n)]


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


def target_at(xs, targets, t: int):
    """What y_t is scored against: x_{t+1} (the last step has none), or for a task its own
    targets[t] (None where there is none)."""
    if targets is not None:
        return targets[t]
    return xs[t + 1] if t + 1 < len(xs) else None


def equation(state: DemoState, xs, trace, t: int, targets=None) -> list[list[list[str]]]:
    """The model's equations at timestep t with this state's numbers substituted: for the
    vanilla cell z_t, h_t, y_t; for a gated cell each gate's line (rnn_py.page.gateview), then y_t;
    then the target and the error where step t has a target."""
    p, f = state.params, ACTIVATION_NAMES.get(state.activation, state.activation)
    ts, tp = str(t), str(t - 1) if t else "−1"
    if cells.cell_class(p.CELL).gated:
        from . import gateview

        lines = gateview.equation(p, xs, trace, t)
        if p.n == 1:
            lines.append([_mi("y", ts), ["mo", "="], *_num(p.w_hy[0]), ["mo", "·"],
                          *_num(trace.h[t][0]), ["mo", "+"], *_num(p.b_y), ["mo", "="],
                          *_num(trace.y[t])])  # fmt: skip
        else:
            lines.append([_mi("y", ts), ["mo", "="], _mi("W", "hy"), ["mo", "·"], _mi("h", ts),
                          ["mo", "+"], _mi("b", "y"), ["mo", "="], *_num(trace.y[t])])  # fmt: skip
        return lines + _target_line(xs, trace, t, targets)
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
    return [line_z, line_h, line_y] + _target_line(xs, trace, t, targets)


def _target_line(xs, trace, t, targets):
    target = target_at(xs, targets, t)
    if target is None:
        return []
    error = trace.y[t] - target
    gap = "\u00a0"  # a space MathML keeps
    name = _mi("x", "0") if targets is not None else _mi("x", str(t + 1))
    return [[["mtext", _("target") + gap], name, ["mo", "="], *_num(target),
             ["mtext", f",{gap}{_('error')}{gap}"], ["mo", "="], *_num(error)]]  # fmt: skip


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
        "hide": list(hidden_controls(state)),
        "explain": state.explain,
        "embed": state.embed,
        "forecast": state.forecast,
        "forecast_steps": state.forecast_steps,
        "cell": state.cell,
        "optimizer": state.optimizer,
        "gap": state.gap,
        "batch": state.batch,
        "memory_bias": state.memory_bias,
        "memory_gate": state.params.MEMORY_GATE,  # "" for a cell without one (vanilla)
        # the explanations for the task and cell on screen (rnn_py.page.explain)
        "cell_note": explain.cell_note(state.cell),
        "about": explain.about(state),
    }


class _Model:
    """The model's inputs, as a cache key taken when made; their bytes tell -0.0 from 0.0."""

    def __init__(self, params, xs, activation, targets=None):
        self.params, self.xs, self.activation = params, list(xs), activation
        self.targets = None if targets is None else list(targets)
        self.key = (params.CELL, params.n, array("d", params.flat()).tobytes(),
                    array("d", self.xs).tobytes(), activation,
                    None if targets is None else tuple(map(repr, targets)))  # fmt: skip

    def __eq__(self, other):
        return isinstance(other, _Model) and self.key == other.key

    def __hash__(self):
        return hash(self.key)


_last_model: list = [None, None]  # the last model's key and (gradients, reach)
_last_trace: list = [None, None]  # the last forward-only trace's key and trace


_last_reach: list = [None, None]  # the last reach computed without the gradients


def _model_part(model: _Model):
    if _last_model[0] != model:
        args = model.params, model.xs, model.activation, model.targets
        if _last_reach[0] == model:
            grads, reach = cells.state_grads(*args), _last_reach[1]
        else:
            grads, reach = cells.state_grads_and_reach(*args)
        _last_model[:] = [model, (grads, reach)]
    return _last_model[1]


def _clear():
    _last_model[:] = [None, None]
    _last_trace[:] = [None, None]
    _last_reach[:] = [None, None]


_model_part.cache_clear = _clear  # tests and benchmarks time the work without the cache


def model_part(params, xs, activation, targets=None):
    """BPTT's gradients along the states (dh, the LSTM's dc; with the forward trace; the weights'
    own gradients only for the vanilla cell, whose loops make them anyway) and the memory reach
    for these weights, sequence and activation: the costly part of a snapshot.

    The last result is kept, so a change that leaves the model alone (the learning rate, a
    Step Forward, the forecast) costs only the drawing data. Results are never modified."""
    return _model_part(_Model(params, xs, activation, targets))


def trace_part(params, xs, activation, targets=None):
    """The forward trace alone, for a light snapshot whose visible views need no gradient:
    taken from the last model_part when it is for these inputs, else one forward pass."""
    model = _Model(params, xs, activation, targets)
    if _last_model[0] == model:
        return _last_model[1][0].trace
    if _last_trace[0] != model:
        _last_trace[:] = [model, cells.forward(params, model.xs, activation, model.targets)]
    return _last_trace[1]


def reach_part(params, xs, activation, targets=None):
    """The memory reach alone, for a light snapshot that draws it (the unrolled network's
    arrows) but not the gradients: from the last model_part when it is for these inputs."""
    model = _Model(params, xs, activation, targets)
    if _last_model[0] == model:
        return _last_model[1][1]
    if _last_reach[0] != model:
        _last_reach[:] = [model, cells.reach(params, model.xs, activation)]
    return _last_reach[1]


# The views a snapshot can leave out (light=...): each is a part of the page the painter draws
# from its own keys. A light snapshot computes only the views on screen; the page repaints in
# full once a drag or an animation ends, or when a view it left out scrolls into sight.
VIEWS = ("grid", "unrolled", "equation", "table", "seq", "hidden", "grad", "loss")


def snapshot(
    state: DemoState,
    history: History | None = None,
    running: str | None = None,
    status: str = "",
    status_warn: bool = False,
    notices: tuple[str, ...] = (),
    views=None,
    address: bool | None = None,
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

    ``views`` (a collection of names from VIEWS, or None for all) makes a light snapshot: only
    those views' data is computed, ``"views"`` lists them, and the address (``query`` and
    ``full_query``) is left out unless ``address`` is true; the painter leaves every other view
    as it was. None gives the full snapshot, with ``"views": None``.
    """
    history = history or History()
    want = frozenset(VIEWS if views is None else views)
    base = {
        "views": None if views is None else [v for v in VIEWS if v in want],
        "settings": settings(state),
        "running": running,
        "status": status,
        "status_warn": status_warn,
        "weights": state.params.to_dict(),
        # the grid's cells, in full snapshots only: a light one's changes never change the
        # grid's shape, and its values are in "weights" (js/weights.js)
        "cells": weight_cells(state.params) if views is None else [],
        "n": state.hidden,
        "cell": state.cell,
        "roles": _roles(state.cell),
        "columns": _columns(state),
    }
    if views is None if address is None else address:
        base["query"] = to_query(state)
        base["full_query"] = to_query(full_view(state))
    if "loss" in want:
        base["charts_loss"] = {"bptt": _loss_series(history.bptt),
                               "random": _loss_series(history.random)}  # fmt: skip
    try:
        xs = state.xs()
    except ValueError as error:
        empty = {"T": 0, "step": 0, "current": None, "rows": [], "loss": "—", "equation": []}
        return {**base, **empty, "ok": False, "error": str(error), "charts": None,
                "notices": list(notices)}  # fmt: skip
    T = len(xs)
    step = T if state.step is None else max(0, min(state.step, T))
    targets = state.targets()
    # The reach chart draws the gradients and the reach; the unrolled network draws the reach,
    # and for a cell with a cell state (the LSTM) the gradient along its c lane.
    if "grad" in want or ("unrolled" in want and cells.cell_class(state.cell).has_c):
        grads, reach = model_part(state.params, xs, state.activation, targets)
        trace = grads.trace
    else:
        grads = None
        trace = trace_part(state.params, xs, state.activation, targets)
        reach = None
        if "unrolled" in want:
            reach = reach_part(state.params, xs, state.activation, targets)
    current = step - 1 if step > 0 else None
    gated = cells.cell_class(state.cell).gated
    if gated:
        from . import gateview

    rows = []
    for t in range(step if "table" in want else 0):
        h = trace.h[t]
        h_text = cell(h[0]) if len(h) == 1 else "[" + ", ".join(cell(v) for v in h) + "]"
        target = target_at(xs, targets, t)
        gate_cells = gateview.gate_cells(state.cell, trace, t) if gated else []
        rows.append([
            str(t), cell(xs[t]), h_text, *gate_cells, cell(trace.y[t]),
            "—" if target is None else cell(target),
            "—" if target is None else cell(trace.y[t] - target),
        ])  # fmt: skip

    notices = list(notices)
    values = [*xs, *trace.y, *(v for h in trace.h for v in h)]
    if trace.c:
        values += [v for c in trace.c for v in c]
    ok = all_drawable(values)
    if not ok:
        notices.append(
            _(
                "Some values are too large to draw (beyond ±10¹², or overflowed): the model is "
                "exploding. Try |hidden weight| < 1, tanh or sigmoid, or Normalized inputs."
            )
        )
    loss = trace.loss
    if math.isfinite(loss) and targets is not None:
        loss_text = _(
            "{loss} (squared error of the last prediction against x₀, this example)"
        ).format(loss=f"{loss:.4g}")
    elif math.isfinite(loss):
        loss_text = _("{loss} (mean squared error over {n} predictions)").format(
            loss=f"{loss:.4g}", n=T - 1
        )
    else:
        loss_text = _("overflow: the loss is too large to compute")

    shown = list(trace.y) if ok else [drawable(v) for v in trace.y]
    hidden = _series(trace.h, state.hidden, step, T, ok)
    charts = {
        "t": list(range(T)),
        "x": list(xs) if ok else [drawable(v) for v in xs],
        "target": [drawable(target_at(xs, targets, t)) for t in range(T)],
        "y": [v if t < step else None for t, v in enumerate(shown)],
        "h": hidden,
        "activation": "tanh" if gated else state.activation,
    }
    if reach is not None:  # log-scale chart: zeros and non-finite values become gaps
        charts["reach"] = [log_drawable(r) for r in reach]
    if grads is not None and "grad" in want:
        grad_h = [math.sqrt(sum(d * d for d in dh)) for dh in grads.dh]
        charts["grad"] = [log_drawable(g) for g in grad_h]
    if grads is not None and trace.c:  # the reach chart's c series; the unrolled c lane's flow
        charts.update(gateview.cell_state_part(state.params, xs, grads, "grad" in want))
    if trace.c:
        charts["c"] = _series(trace.c, state.hidden, step, T, ok)
    equation_lines = []
    if current is not None and "equation" in want:
        equation_lines = equation(state, xs, trace, current, targets)
    forecast_from = None
    if state.forecast and step == T and targets is None and want & {"table", "seq"}:
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


def _roles(cell_name: str) -> dict:
    """Each gate's name and role, for the grids' labels (empty for the vanilla cell)."""
    return {gate: _(role) for gate, role in cells.module(cell_name).ROLES.items()}


def _columns(state: DemoState) -> list[list[str]]:
    from .gateview import columns

    return columns(state.cell, state.sequence == REMEMBER)


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
    forecast_label = _("{t} (forecast)")
    for j in range(k):
        h = fc.h[j]
        h_text = cell(h[0]) if len(h) == 1 else "[" + ", ".join(cell(v) for v in h) + "]"
        target = None if truth is None else truth[j + 1]
        rows.append([
            forecast_label.format(t=T + j), cell(fc.x[j]), h_text, cell(fc.y[j]),
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
    """snapshot() as a JSON string for the painter; strictly JSON (no NaN or Infinity).
    Keyword arguments are snapshot's (``views=`` for a light snapshot)."""
    data = snapshot(state, history, **session)
    try:
        return json.dumps(data, allow_nan=False)
    except ValueError:  # a non-finite number slipped through: it becomes a gap, never NaN
        return json.dumps(_finite_or_none(data), allow_nan=False)


def timesteps_csv(state: DemoState) -> str:
    """The Timesteps table at full precision, as CSV (one column per hidden unit for h_t and,
    for a gated cell, for each gate column of the table).

    The last column, ``kind``, says "data" for the rows that read the sequence; with the forecast
    on, the forecast's rows follow (t = T, T+1, …), marked "forecast": x_t is the network's own
    prediction fed back, and target and error are empty where the continuation is unknown
    (custom numbers).

    >>> print(timesteps_csv(DemoState(sequence="linear", length=3)).splitlines()[1])
    0,1.0,0.46211715726000974,0.46211715726000974,2.0,-1.5378828427399902,data
    """
    from .gateview import GATE_COLUMNS

    xs, targets = state.xs(), state.targets()
    trace = cells.forward(state.params, xs, state.activation, targets)
    n = state.hidden

    def names(base):
        return [f"{base}_t"] if n == 1 else [f"{base}_t[{i + 1}]" for i in range(n)]

    gates = GATE_COLUMNS[state.cell]
    header = ["t", "x_t", *names("h"), *(v for g in gates for v in names(g)), "y_t"]
    lines = [",".join([*header, "target", "error", "kind"])]

    def line(t, x, h, gate_values, y, target, kind):
        error = "" if target is None else repr(y - target)
        row = [str(t), repr(x), *map(repr, h), *gate_values, repr(y)]
        lines.append(",".join([*row, "" if target is None else repr(target), error, kind]))

    for t, x in enumerate(xs):
        gate_values = [v for g in gates for v in (trace.c[t] if g == "c" else trace.gates[t][g])]
        line(
            t, x, trace.h[t], map(repr, gate_values), trace.y[t], target_at(xs, targets, t), "data"
        )
    if state.forecast and state.task() is None:
        T, k = len(xs), state.forecast_steps
        fc = forecast(state.params, xs, state.activation, k)
        truth = None
        if state.sequence != "custom":
            truth = true_continuation(state.sequence, T, state.normalized, k)  # x_T … x_{T+k}
        blank = [""] * (len(gates) * n)  # the forecast's gate values are not shown
        for j in range(k):
            target = None if truth is None else truth[j + 1]
            line(T + j, fc.x[j], fc.h[j], blank, fc.y[j], target, "forecast")
    return "\n".join(lines) + "\n"
