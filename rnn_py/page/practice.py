"""The Exercises panel's bookkeeping: what the browser keeps, and the page's numbers from the
learner's own code.

The exercises themselves, their checks and the trace on the learner's functions are
rnn_py.exercises; this module only reads and writes the panel's progress (drafts and the code
that passed, kept in localStorage as plain text, never run when read) and turns an answer of
``page_trace_json`` into what the page shows in place of rnn_py's numbers: the Timesteps
table's h, y and error cells, the Loss line and the gradient chart's |∂L/∂h_t| (from the
learner's backward step), formatted exactly as rnn_py.page.view formats its own; it also says
when "One training step on my code" can run and reads its new weights back (``read_step``).
"""

from __future__ import annotations

import json
import math

from ..i18n import _
from ..train import Step
from .numbers import cell, log_drawable
from .state import DemoState
from .view import target_at

BACKWARD_CELL = "vanilla"  # the cell whose timestep the backward_step exercise reverses
STORAGE_KEY = "rnn-demo-exercises"
MAX_SOURCE = 20_000  # characters of one exercise's code kept (a draft or a passed solution)


def empty_progress() -> dict:
    """No drafts, nothing passed."""
    return {"drafts": {}, "passed": {}}


def load_progress(text, numbers) -> dict:
    """The drafts and passed code stored in text, for the exercise numbers known; anything else
    (junk, unknown numbers, values that are not text, too long) is dropped, never run.

    >>> load_progress('{"drafts": {"1": "x = 1", "99": "y"}, "passed": {"2": 5}}', (1, 2))
    {'drafts': {1: 'x = 1'}, 'passed': {}}
    >>> load_progress("not json", (1,))
    {'drafts': {}, 'passed': {}}
    """
    progress = empty_progress()
    if not isinstance(text, str) or len(text) > 40 * MAX_SOURCE:
        return progress
    try:
        data = json.loads(text)
    except ValueError:
        return progress
    if not isinstance(data, dict):
        return progress
    known = {str(n): n for n in numbers}
    for kind in progress:
        part = data.get(kind)
        if not isinstance(part, dict):
            continue
        for key, source in part.items():
            if key in known and isinstance(source, str) and len(source) <= MAX_SOURCE:
                progress[kind][known[key]] = source
    return progress


def dump_progress(progress: dict) -> str:
    """The text kept in localStorage.

    >>> dump_progress({"drafts": {2: "b", 1: "a"}, "passed": {1: "a"}})
    '{"drafts": {"1": "a", "2": "b"}, "passed": {"1": "a"}}'
    """
    return json.dumps(
        {kind: {str(n): progress[kind][n] for n in sorted(progress[kind])} for kind in progress}
    )


def chosen(state: DemoState, numbers) -> tuple[int, ...]:
    """The exercises the panel lists: the link's ``exercises=`` (known numbers, in its order),
    or all of them.

    >>> chosen(DemoState(exercises=("3", "1")), (1, 2, 3))
    (3, 1)
    >>> chosen(DemoState(), (1, 2, 3))
    (1, 2, 3)
    """
    picked = tuple(int(n) for n in state.exercises if int(n) in numbers)
    return picked or tuple(numbers)


def _finite_rows(value, depth):
    """Whether value is a list (of lists, depth deep) of finite numbers."""
    if depth == 0:
        return (
            isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
        )
    return isinstance(value, list) and all(_finite_rows(v, depth - 1) for v in value)


def own_numbers(state: DemoState, answer: str) -> dict:
    """What the page shows for state from the learner's code, given ``page_trace_json``'s
    answer: ``{"ok": True, "used": [...], "cells": [[h, y, error] per row read], "loss": text,
    "grad": the gradient chart's |∂L/∂h_t| series from their backward_step, or None}``, or
    ``{"ok": False, "message": why}`` when the answer cannot stand in for rnn_py's numbers (the
    learner's code failed, gave numbers that are not finite, or the wrong number of them).

    >>> s = DemoState(sequence="linear", length=3, step=2)
    >>> answer = '{"ok": true, "used": [1], "hs": [[0.5], [0.25], [0]], "ys": [1, 2, 3], '
    >>> answer += '"loss": 0.5}'
    >>> own_numbers(s, answer)["cells"]
    [['0.5000', '1.0000', '-1.0000'], ['0.2500', '2.0000', '-1.0000']]
    """
    try:
        data = json.loads(answer)
    except (TypeError, ValueError):
        return {"ok": False, "message": _("The check's answer could not be read.")}
    if not isinstance(data, dict):
        return {"ok": False, "message": _("The check's answer could not be read.")}
    if not data.get("ok"):
        message = data.get("message")
        return {"ok": False, "message": str(message)[:2000] if message else _("Your code failed.")}
    xs = state.xs()
    T = len(xs)
    hs, ys, loss = data.get("hs"), data.get("ys"), data.get("loss")
    if not (_finite_rows(hs, 2) and _finite_rows(ys, 1) and len(hs) == T and len(ys) == T):
        return {"ok": False, "message": _("Your code gave numbers that are not finite, or not one "
                "hidden state and output per timestep.")}  # fmt: skip
    if not (all(len(h) == state.hidden for h in hs) and _finite_rows(loss, 0)):
        message = _("Your code gave hidden states that are not {n} numbers each, or a loss that "
                    "is not a finite number.").format(n=state.hidden)  # fmt: skip
        return {"ok": False, "message": message}
    targets = state.targets()
    step = T if state.step is None else max(0, min(state.step, T))
    rows = []
    for t in range(step):
        h = hs[t]
        h_text = cell(h[0]) if len(h) == 1 else "[" + ", ".join(cell(v) for v in h) + "]"
        target = target_at(xs, targets, t)
        rows.append([h_text, cell(ys[t]), "—" if target is None else cell(ys[t] - target)])
    if targets is not None:
        loss_text = _(
            "{loss} (squared error of the last prediction against x₀, this example)"
        ).format(loss=f"{loss:.4g}")
    else:
        loss_text = _("{loss} (mean squared error over {n} predictions)").format(
            loss=f"{loss:.4g}", n=T - 1
        )
    grad, dhs, n = None, data.get("dhs"), state.hidden
    if dhs is not None:
        if not (_finite_rows(dhs, 2) and len(dhs) == T and {len(d) for d in dhs} <= {n}):
            return {"ok": False, "message": _("Your backward step gave gradients ∂L/∂h_t that are "
                    "not finite, or not one per timestep.")}  # fmt: skip
        # as rnn_py.page.view draws rnn_py's own: |∂L/∂h_t|, gaps where a log scale cannot go
        grad = [log_drawable(math.sqrt(sum(d * d for d in dh))) for dh in dhs]
    used = [int(n) for n in data.get("used", []) if isinstance(n, int)]
    return {"ok": True, "used": used, "cells": rows, "loss": loss_text, "grad": grad}


def step_problem(state: DemoState, roles) -> str:
    """Why "One training step on my code" cannot run for state when the passed exercises have
    these roles, or "" when it can.

    >>> step_problem(DemoState(), {"backward_step", "clip"})
    ''
    >>> step_problem(DemoState(clip=False), {"backward_step"})
    ''
    >>> step_problem(DemoState(), {"backward_step"})[:25]
    'Gradient clipping is on: '
    """
    if state.mode == "text" or state.cell != BACKWARD_CELL:
        return _("A training step on your code needs the vanilla cell and the numbers task.")
    if state.task() is not None:
        return (_("The long-lag task trains on a fresh batch of examples each step; a step on your "
                "code trains on a numbers sequence."))  # fmt: skip
    if "backward_step" not in roles:
        return _("Pass the backward step exercise to train on your code.")
    if state.clip and "clip" not in roles:
        return _("Gradient clipping is on: pass the clipping exercise too, or switch clipping "
                 "off, to train on your code.")  # fmt: skip
    return ""


def step_offer(state: DemoState, roles) -> dict:
    """The "One training step on my code" button for state when the passed exercises have these
    roles: shown once the backward step passed, enabled when step_problem has nothing to say,
    and a note (the reason it is off, or that the step is plain gradient descent under Adam).

    >>> step_offer(DemoState(optimizer="adam"), {"backward_step", "clip"})["note"][:30]
    "The page's optimizer is Adam; "
    """
    problem = step_problem(state, roles)
    note = problem
    if not problem and state.optimizer != "gd":
        note = (_("The page's optimizer is Adam; this step is plain gradient descent, "
                "θ ← θ − learning rate·∂L/∂θ."))  # fmt: skip
    return {"shown": "backward_step" in roles, "enabled": not problem, "note": note}


def read_step(state: DemoState, answer) -> dict:
    """``page_step_json``'s answer, trusting nothing in it: ``{"ok": True, "params": checked
    weights of the page's cell, "step": the rnn_py.train.Step for the loss chart, "used": [...],
    "message": what happened}`` or ``{"ok": False, "message": why the page keeps its weights}``.

    >>> read_step(DemoState(), '{"ok": true, "params": {"w_xh": "x"}, "loss": 1}')["message"]
    "The page keeps its weights: The saved weights have no 'w_hh'."
    """
    keeps = _("The page keeps its weights: {problem}")
    try:
        data = json.loads(answer) if isinstance(answer, str) else None
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return {
            "ok": False,
            "message": _("The page keeps its weights: the answer could not be read."),
        }
    if not data.get("ok"):
        message = str(data.get("message") or _("Your code failed."))[:2000]
        return {"ok": False, "message": keeps.format(problem=message)}
    from .console import check_params  # as the console's params are checked (its imports: here)

    try:
        params = check_params(data.get("params"), state.cell)
    except ValueError as error:
        return {"ok": False, "message": keeps.format(problem=error)}
    loss = data.get("loss")
    if not _finite_rows(loss, 0):
        return {"ok": False, "message": _("The page keeps its weights: the loss was not finite.")}
    used = [int(n) for n in data.get("used", []) if isinstance(n, int)]
    step = Step("bptt", 1, float(loss), float(loss), params, (), False, "done")
    if state.clip:
        message = _(
            "One step of gradient descent with your backward_step and clip (learning "
            "rate {lr}): the loss was {loss} before it; the page took the new weights."
        )
    else:
        message = _("One step of gradient descent with your backward_step (learning rate {lr}): "
                    "the loss was {loss} before it; the page took the new weights.")  # fmt: skip
    message = message.format(lr=f"{state.lr:g}", loss=f"{loss:.4g}")
    return {"ok": True, "params": params, "step": step, "used": used, "message": message}
