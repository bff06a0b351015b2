"""Take it to Jupyter: the current experiment as a notebook that runs anywhere.

``notebook(state)`` writes an nbformat-4 notebook (plain JSON, built with the standard library)
holding a short explanation, the model's own code (the same source the Code panel shows, so it
runs with no install), this experiment's sequence, activation, weights and learning rate as
literals, a cell that runs the forward pass and prints the loss as the page does, and a cell that
trains with BPTT like the page's Train button and prints the end of the loss curve.
"""

from __future__ import annotations

import json
import math

from . import source
from .state import DemoState

RUN_LENGTH = 300  # epochs per Train click on the page
CLIP_LIMIT = 5.0  # the page's gradient clipping limit

_FORWARD_CELL = """\
f, df = _FUNCTIONS[activation]  # the activation and its slope f′
trace = _forward(params, xs, f)
for t in range(len(xs)):
    h = ", ".join(f"{v: .4f}" for v in trace.h[t])
    print(f"t = {t:2d}   x_t = {xs[t]: .4f}   h_t = [{h}]   y_t = {trace.y[t]: .4f}")
print(f"loss = {trace.loss:.4g}")
"""

_TRAIN_CELL = """\
# Gradient descent with BPTT, as the page's Train button runs it: each epoch measures the loss
# and its gradients, clips every gradient to [−clip, clip] (clip = None turns that off) and takes
# θ ← θ − lr·∂L/∂θ. It stops, as the page does, when the loss or a gradient stops being finite,
# the loss passes 1e30 or a weight would pass ±1e6.


def flat(p):
    return [*p.w_xh, *(w for row in p.w_hh for w in row), *p.w_hy, *p.b_h, p.b_y]


def update(w, dw):
    if clip is not None:
        dw = max(-clip, min(clip, dw))
    return w - lr * dw


theta, losses = params, []
for epoch in range(1, epochs + 1):
    g = _backward(theta, xs, f, df)
    d = g.grads
    if not (g.loss <= 1e30 and all(map(math.isfinite, flat(d)))):
        print(f"epoch {epoch}: the loss or a gradient blew up; training stops here.")
        break
    new = Params(
        w_xh=[update(w, dw) for w, dw in zip(theta.w_xh, d.w_xh)],
        w_hh=[[update(w, dw) for w, dw in zip(r, dr)] for r, dr in zip(theta.w_hh, d.w_hh)],
        w_hy=[update(w, dw) for w, dw in zip(theta.w_hy, d.w_hy)],
        b_h=[update(w, dw) for w, dw in zip(theta.b_h, d.b_h)],
        b_y=update(theta.b_y, d.b_y),
    )
    if max(map(abs, flat(new))) > 1e6:
        print(f"epoch {epoch}: a weight would pass ±1e6; training stops here.")
        break
    losses.append(g.loss)
    theta = new

for epoch in range(max(1, len(losses) - 4), len(losses) + 1):
    print(f"epoch {epoch:3d}: loss {losses[epoch - 1]:.4g}")
print(f"after {len(losses)} epochs: loss {_forward(theta, xs, f).loss:.4g}")
print("trained weights:", theta)
"""


def _lines(text: str) -> list[str]:
    """Cell source as nbformat stores it: a list of lines, each keeping its newline."""
    return text.splitlines(keepends=True)


def _markdown(cell_id: str, text: str) -> dict:
    return {"cell_type": "markdown", "id": cell_id, "metadata": {}, "source": _lines(text)}


def _code(cell_id: str, text: str) -> dict:
    return {
        "cell_type": "code",
        "id": cell_id,
        "metadata": {},
        "execution_count": None,
        "outputs": [],
        "source": _lines(text),
    }


def _literal(value) -> str:
    """A Python literal that reads back as exactly value (floats at full precision)."""
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("The experiment holds a number that is not finite.")
        return repr(value)
    return repr(value)


def experiment_code(state: DemoState) -> str:
    """The cell that sets up this experiment: sequence, activation, weights, lr, clipping."""
    xs = state.xs()  # ValueError (with a message for the page) for a bad custom sequence
    p = state.params
    name = state.sequence if state.sequence != "custom" else "custom values"
    described = f"{name}, {len(xs)} values" + (
        ", normalized onto [−1, 1]" if state.normalized else ""
    )
    return "\n".join([
        f"# The sequence ({described})",
        f"xs = {_literal([float(x) for x in xs])}",
        f"activation = {state.activation!r}",
        "params = Params(",
        f"    w_xh={_literal(p.w_xh)},",
        f"    w_hh={_literal(p.w_hh)},",
        f"    w_hy={_literal(p.w_hy)},",
        f"    b_h={_literal(p.b_h)},",
        f"    b_y={_literal(p.b_y)},",
        ")",
        f"lr = {state.lr!r}  # learning rate",
        f"clip = {CLIP_LIMIT if state.clip else None!r}  # gradient clipping limit (None: off)",
        f"epochs = {RUN_LENGTH}",
        "",
    ])  # fmt: skip


def notebook(state: DemoState) -> str:
    """The current experiment as an nbformat-4 notebook, as JSON text ready to download.

    Raises ValueError (with a message for the page) when the sequence can't be used.

    >>> nb = json.loads(notebook(DemoState()))
    >>> nb["nbformat"], [c["cell_type"] for c in nb["cells"]][:3]
    (4, ['markdown', 'markdown', 'code'])
    """
    setup = experiment_code(state)
    intro = (
        "# A recurrent network, step by step\n"
        "\n"
        "This notebook is the experiment you had open in the interactive RNN page: the same "
        "sequence, activation, weights and learning rate, and the same Python that computed "
        "every number on the page. It needs nothing beyond the standard library, so any "
        "Jupyter kernel runs it.\n"
        "\n"
        "The model reads one value x_t at a time, keeps a hidden state h_t, and guesses the next "
        "value with y_t:\n"
        "\n"
        "$$z_t = W_{xh}\\,x_t + W_{hh}\\,h_{t-1} + b_h, \\qquad h_t = f(z_t), \\qquad "
        "y_t = W_{hy}\\,h_t + b_y, \\qquad h_{-1} = 0$$\n"
        "\n"
        "The loss is the mean of $(y_t - x_{t+1})^2$ over $t = 0 \\ldots T-2$.\n"
    )
    code_note = (
        "## The model's code\n"
        "\n"
        "Copied from the package `rnn_py` that runs the page (`rnn_py/model.py`): `step` is one "
        "timestep forward, `_forward` the whole pass; `step_back` is one timestep of "
        "backpropagation through time and `_backward` walks all of them from the last step to "
        "the first. `Params` is trimmed to its fields.\n"
    )
    setup_note = "## This experiment\n\nChange any of these and run the cells below again.\n"
    forward_note = (
        "## The forward pass\n"
        "\n"
        "One `step` per value of the sequence; the loss printed last is the one the page showed.\n"
    )
    train_note = (
        f"## Training with BPTT\n"
        f"\n"
        f"{RUN_LENGTH} epochs of gradient descent: the same run as one click of Train on the "
        f"page.\n"
    )
    cells = [
        _markdown("intro", intro),
        _markdown("model-note", code_note),
        _code("model", source.model_code()),
        _markdown("setup-note", setup_note),
        _code("setup", setup),
        _markdown("forward-note", forward_note),
        _code("forward", _FORWARD_CELL),
        _markdown("train-note", train_note),
        _code("train", _TRAIN_CELL),
    ]
    document = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        },
        "cells": cells,
    }
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"
