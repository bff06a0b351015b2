"""Run the page on the learner's code: the forward trace (and the gradients, when their backward
step or clipping is switched on) of the page's state, computed with the learner's functions
where their role applies and rnn_py's elsewhere.

Every value a learner's function gives is held against rnn_py's own for the same inputs; a
wrong, raising, non-finite or slow one ends the run with ok: false and a plain reason, so the
page falls back to rnn_py and never draws a wrong number. With correct functions the numbers
are the learner's own, equal to rnn_py's (the tests hold them to 1e-12).
"""

from __future__ import annotations

import json
import math

from .. import cells
from ..cells.maths import dot, loss_of, output_grads
from ..i18n import _
from ..page.practice import BACKWARD_CELL, step_problem
from ..page.state import from_query
from ..train import LOSS_LIMIT, PARAM_LIMIT, clip
from .cases import backward_ref, gru_ref, lstm_ref, vanilla_ref
from .checking import first_difference, shape_problem, short
from .sandbox import Deadline, Problem, Program
from .texts import EXERCISES

TIME_LIMIT = 5.0  # seconds for the whole run
CLIP_LIMIT = 5.0  # the page's clipping limit when Gradient clipping is on (site/main.py)
_STEP_ROLES = {"vanilla": "vanilla_step", "gru": "gru_step", "lstm": "lstm_step"}


def _at(t):
    return _("at t = {t}").format(t=t)


class _Learner:
    """The learner's functions by role, each called under one deadline and checked against
    rnn_py's answer."""

    def __init__(self, sources, deadline):
        self.fns, self.numbers, self.used = {}, {}, set()
        for ex in EXERCISES:
            source = sources.get(str(ex.number))
            if ex.role and isinstance(source, str):
                try:
                    what = _("your code of exercise {number}").format(number=ex.number)
                    program = Program(source, deadline, what)
                    fn = program.function(ex.name)
                except Problem as p:
                    message = _("Exercise {number} ({name}): {problem}").format(
                        number=ex.number, name=ex.name, problem=p.message
                    )
                    raise Problem(message, p.line) from None
                self.fns[ex.role] = (program, fn, ex)

    def has(self, role):
        return role in self.fns

    def call(self, role, args, want, where, output):
        """The learner's answer for args, if it has rnn_py's shape and agrees with want."""
        program, fn, ex = self.fns[role]
        try:
            doing = _("Exercise {number}: your {name} {where}").format(
                number=ex.number, name=ex.name, where=where
            )
            got = program.call(lambda: fn(*args), doing)
        except Problem as p:
            raise Problem(p.message + " " + _("The page uses rnn_py's."), p.line) from None
        seen, wanted = got, want
        if not _all_finite(want):  # rnn_py overflowed too (huge weights): theirs must as well
            seen, wanted = _marked(got), _marked(want)
        problem = shape_problem(seen, wanted, output)
        found = None if problem else first_difference(seen, wanted, output)
        if problem or found:
            if found:
                path, g, w = found
                problem = _("{path} = {got} where rnn_py gives {want}").format(
                    path=path, got=short(g), want=short(w)
                )
            raise Problem(
                _(
                    "Exercise {number}: your {name} {where} gave {problem}. The page uses rnn_py's."
                ).format(number=ex.number, name=ex.name, where=where, problem=problem)
            )
        self.used.add(ex.number)
        return got


def _all_finite(value):
    if isinstance(value, list | tuple):
        return all(map(_all_finite, value))
    return not isinstance(value, float) or math.isfinite(value)


def _marked(value):
    """inf, −inf and nan as finite stand-ins (±1e308 and 1.5e308), so that an overflow that
    rnn_py's answer shares compares equal and one it does not share still differs."""
    if isinstance(value, list | tuple):
        return type(value)(map(_marked, value))
    if isinstance(value, float) and not math.isfinite(value):
        return 1.5e308 if math.isnan(value) else math.copysign(1e308, value)
    return value


def _forward(learner, params, xs, activation, targets):
    cell = params.CELL
    role = _STEP_ROLES[cell]
    n = params.n
    h, c = [0.0] * n, [0.0] * n
    hs, cs, ys = [], [], []
    w = {k: v for k, v in params.to_dict().items() if k not in ("w_hy", "b_y")}
    for t, x in enumerate(xs):
        if cell == "vanilla":
            args = (params.w_xh, params.w_hh, params.b_h, x, h, activation)
            want = vanilla_ref(*args)
        elif cell == "gru":
            args = (w, x, h)
            want = gru_ref(*args)
        else:
            args = (w, x, h, c)
            want = list(lstm_ref(*args))
        got = learner.call(role, args, want, _at(t), "h") if learner.has(role) else want
        h, c = (list(got[0]), list(got[1])) if cell == "lstm" else (list(got), c)
        hs.append(h)
        cs.append(c)
        # y_t = W_hy·h_t + b_y
        ys.append(dot(params.w_hy, h) + params.b_y)
    loss = loss_of(ys, xs, targets)
    if learner.has("loss") and targets is None:
        loss = learner.call("loss", (ys, xs), loss, "on the page's outputs", "L")
    return hs, cs if cell == "lstm" else None, ys, loss


def _vanilla_grads(learner, params, xs, activation, targets, hs, ys):
    """BPTT with the learner's backward_step at every timestep, last to first: the weights'
    gradients and ∂L/∂h_t per t (W_hy·dy_t plus the dh_prev their step t+1 sent back)."""
    n, T = params.n, len(xs)
    grads = cells.zero_grads(params)
    dys = output_grads(ys, xs, targets)
    dh_next = [0.0] * n
    dhs = [None] * T
    for t in reversed(range(T)):
        dy, h = dys[t], hs[t]
        h_prev = hs[t - 1] if t > 0 else [0.0] * n
        # y_t = W_hy·h_t + b_y  ⇒  ∂L/∂W_hy += dy_t·h_t, ∂L/∂b_y += dy_t
        for i in range(n):
            grads.w_hy[i] += dy * h[i]
        grads.b_y += dy
        # dh_t = W_hy·dy_t + what step t+1 sent back
        dh = [params.w_hy[j] * dy + dh_next[j] for j in range(n)]
        dhs[t] = dh
        args = (params.w_xh, params.w_hh, params.b_h, xs[t], h_prev, h, dh, activation)
        want = backward_ref(*args)
        dw_xh, dw_hh, db_h, dh_next = learner.call(
            "backward_step", args, want, _at(t), "(dw_xh, dw_hh, db_h, dh_prev)"
        )
        for i in range(n):
            grads.w_xh[i] += dw_xh[i]
            grads.b_h[i] += db_h[i]
            for j in range(n):
                grads.w_hh[i][j] += dw_hh[i][j]
    return grads, dhs


def _grads(learner, state, xs, activation, targets, hs, ys):
    """The weights' gradients (clipped by the learner's clip when theirs is passed and the
    page clips) and ∂L/∂h_t per t from their backward_step: each None where none of theirs ran."""
    params = state.params
    backward = learner.has("backward_step") and params.CELL == BACKWARD_CELL
    clipping = learner.has("clip") and state.clip
    if not (backward or clipping):
        return None, None
    dhs = None
    if backward:
        grads, dhs = _vanilla_grads(learner, params, xs, activation, targets, hs, ys)
    else:
        grads = cells.backward(params, xs, activation, targets).grads
    if clipping:
        flat = grads.flat()
        want = clip(grads, CLIP_LIMIT).flat()  # rnn_py's training clip, for any cell
        flat = learner.call("clip", (flat, CLIP_LIMIT), want, "on the page's gradients", "grads")
        grads = type(grads).from_flat(params.n, flat)
    return grads, dhs


def _finite(value):
    """JSON-safe: inf and nan become null."""
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def page_trace(sources, query, time_limit=TIME_LIMIT):
    """page_trace_json's answer as a dict."""
    try:
        chosen = json.loads(sources) if isinstance(sources, str) else sources
    except ValueError:
        chosen = None
    if not isinstance(chosen, dict):
        return {"ok": False, "message": _("No code to run: the sources were not readable.")}
    state, _notices = from_query(query if isinstance(query, str) else "")
    if state.mode == "text":
        return {"ok": False, "message": _("Your code runs the numbers task; the text task uses "
                "rnn_py's.")}  # fmt: skip
    try:
        xs = state.xs()
    except ValueError as e:
        return {"ok": False, "message": str(e)}
    targets, activation = state.targets(), state.activation
    try:
        learner = _Learner(chosen, Deadline(time_limit))
        hs, cs, ys, loss = _forward(learner, state.params, xs, activation, targets)
        grads, dhs = _grads(learner, state, xs, activation, targets, hs, ys)
    except Problem as p:
        return {"ok": False, "message": p.message, "line": p.line}
    return {
        "ok": True,
        "used": sorted(learner.used),
        "hs": _finite(hs),
        "cs": _finite(cs),
        "ys": _finite(ys),
        "loss": _finite(loss),
        "grads": None if grads is None else _finite(grads.to_dict()),
        "dhs": _finite(dhs),
    }


def page_trace_json(sources: str, query: str) -> str:
    """ "Run the page on my code". sources: JSON {"<number>": "<source>"} of the exercises the
    learner passed and switched on (typed in the editor, never from a link or a file); query:
    the page's state as its link. Returns JSON: {"ok": true, "used": [numbers used], "hs": h_t
    per t, "cs": the LSTM's c_t per t (else null), "ys": y_t per t, "loss": L, "grads": ∂L/∂
    each weight by name, or null unless a backward step or clipping of theirs ran, "dhs": ∂L/∂h_t
    per t from their backward_step, or null unless it ran}, or
    {"ok": false, "message": why, "line": the learner's line or null}. inf and nan are null."""
    return json.dumps(page_trace(sources, query), ensure_ascii=False)


def page_step(sources, query, time_limit=TIME_LIMIT):
    """page_step_json's answer as a dict."""
    try:
        chosen = json.loads(sources) if isinstance(sources, str) else sources
    except ValueError:
        chosen = None
    if not isinstance(chosen, dict):
        return {"ok": False, "message": _("No code to run: the sources were not readable.")}
    state, _notices = from_query(query if isinstance(query, str) else "")
    problem = step_problem(state, {ex.role for ex in EXERCISES if str(ex.number) in chosen})
    if problem:
        return {"ok": False, "message": problem}
    try:
        xs = state.xs()
    except ValueError as e:
        return {"ok": False, "message": str(e)}
    activation, params = state.activation, state.params
    try:
        learner = _Learner(chosen, Deadline(time_limit))
        hs, _cs, ys, loss = _forward(learner, params, xs, activation, None)
        grads, _dhs = _grads(learner, state, xs, activation, None, hs, ys)
    except Problem as p:
        return {"ok": False, "message": p.message, "line": p.line}
    # One epoch of rnn_py.train_bptt with optimizer "gd": θ ← θ − lr·∂L/∂θ (clipped above)
    flat = grads.flat()
    if not loss <= LOSS_LIMIT or not all(map(math.isfinite, flat)):
        return {"ok": False, "message": _("With these weights the loss or its gradients overflow, "
                "so no step was taken: reset the weights or normalize the sequence.")}  # fmt: skip
    theta = [w - state.lr * g for w, g in zip(params.flat(), flat, strict=True)]
    if not all(abs(w) <= PARAM_LIMIT for w in theta):
        return {"ok": False, "message": _("This step would push a weight beyond ±1,000,000, so it "
                "was not taken: lower the learning rate.")}  # fmt: skip
    new = type(params).from_flat(params.n, theta)
    return {"ok": True, "used": sorted(learner.used), "loss": loss, "params": new.to_dict()}


def page_step_json(sources: str, query: str) -> str:
    """ "One training step on my code": one step of plain gradient descent, exactly one epoch of
    rnn_py.train_bptt with optimizer "gd" and the page's learning rate, whose gradients come from
    the learner's backward_step (and their clip, when the page clips), on the page's state
    (query, its link). sources as for page_trace_json. Returns JSON: {"ok": true, "used":
    [numbers used], "loss": L before the step, "params": the new weights by name}, or {"ok":
    false, "message": why nothing changed, "line": the learner's line, if any}."""
    return json.dumps(page_step(sources, query), ensure_ascii=False)
