"""Take it to Jupyter: the current experiment as a notebook that runs anywhere.

``notebook(state)`` writes an nbformat-4 notebook (plain JSON, built with the standard library)
holding a short explanation, the running cell's own code (the same source the Code panel shows,
so it runs with no install; the long-lag task's code too when that is the sequence), this
experiment's sequence, activation, weights by name, learning rate and optimizer as literals, a
cell that runs the forward pass and prints the loss as the page does, and a cell that trains
with BPTT (gradient descent or Adam) like the page's Train button and prints the end of the loss
curve.
"""

from __future__ import annotations

import json
import math

from ..cells import LABELS, cell_class
from ..i18n import N_, _
from ..train import OPTIMIZER_LABELS
from . import source
from .ipynb import _code, _lines, _markdown  # noqa: F401
from .state import DemoState

RUN_LENGTH = 300  # epochs per Train click on the page
CLIP_LIMIT = 5.0  # the page's gradient clipping limit

_FORWARD_CELL = """\
f, df = _FUNCTIONS[activation]  # the activation and its slope f′
trace = _forward(params, xs, f, targets)
for t in range(len(xs)):
    h = ", ".join(f"{v: .4f}" for v in trace.h[t])
    print(f"t = {t:2d}   x_t = {xs[t]: .4f}   h_t = [{h}]   y_t = {trace.y[t]: .4f}")
print(f"loss = {trace.loss:.4g}")
"""

_GATED_FORWARD_CELL = """\
cell = Cell()  # one step forward (step) and back (step_back) of the {label}
trace = _forward(params, xs, cell, targets)
for t in range(len(xs)):
    h = ", ".join(f"{{v: .4f}}" for v in trace.h[t])
    line = f"t = {{t:2d}}   x_t = {{xs[t]: .4f}}   h_t = [{{h}}]"
    if trace.c is not None:  # the LSTM's cell state
        line += "   c_t = [" + ", ".join(f"{{v: .4f}}" for v in trace.c[t]) + "]"
    print(f"{{line}}   y_t = {{trace.y[t]: .4f}}")
print(f"loss = {{trace.loss:.4g}}")
"""

# How each cell's weights go to and from one flat list of numbers, and its backward pass.
_VANILLA_HELPERS = """\
def flat(p):
    return [*p.w_xh, *(w for row in p.w_hh for w in row), *p.w_hy, *p.b_h, p.b_y]


def unflat(p, values):
    n = p.n
    return Params(
        w_xh=values[:n],
        w_hh=[values[n + i * n : n + (i + 1) * n] for i in range(n)],
        w_hy=values[n + n * n : 2 * n + n * n],
        b_h=values[2 * n + n * n : 3 * n + n * n],
        b_y=values[-1],
    )


def backward_pass(p, xs, targets):
    return _backward(p, xs, f, df, targets)
"""

_GATED_HELPERS = """\
def flat(p):
    return p.flat()


def unflat(p, values):
    return Params.from_flat(p.n, values)


def backward_pass(p, xs, targets):
    return _backward(p, xs, cell, targets)
"""

_TRAIN_CELL = """\
# BPTT as the page's Train button runs it: each epoch measures the loss and its gradients (on
# the sequence, or the mean over the task's batch for that epoch), clips every gradient to
# [−clip, clip] (clip = None turns that off) and updates the weights with the optimizer:
# "gd" takes θ ← θ − lr·∂L/∂θ, "adam" Adam's bias-corrected step (Kingma & Ba 2015). It stops,
# as the page does, when the loss or a gradient stops being finite, the loss passes 1e30 or a
# weight would pass ±1e6.
{helpers}

def gradients(p, epoch):
    examples = task.batch(epoch) if task is not None else [(xs, targets)]
    loss, total = 0.0, None
    for example, example_targets in examples:
        g = backward_pass(p, example, example_targets)
        loss += g.loss
        dtheta = flat(g.grads)
        total = dtheta if total is None else [a + b for a, b in zip(total, dtheta)]
    if len(examples) == 1:
        return loss, total
    return loss / len(examples), [v / len(examples) for v in total]


theta, losses = params, []
m, v = [0.0] * len(flat(params)), [0.0] * len(flat(params))  # Adam's running moments
for epoch in range(1, epochs + 1):
    loss, g = gradients(theta, epoch)
    if not (loss <= 1e30 and all(map(math.isfinite, g))):
        print(f"epoch {{epoch}}: the loss or a gradient blew up; training stops here.")
        break
    if clip is not None:
        g = [max(-clip, min(clip, gk)) for gk in g]
    w = flat(theta)
    if optimizer == "adam":
        c1, c2 = 1.0 - 0.9**epoch, 1.0 - 0.999**epoch
        new = []
        for k in range(len(w)):
            m[k] = 0.9 * m[k] + (1.0 - 0.9) * g[k]
            v[k] = 0.999 * v[k] + (1.0 - 0.999) * g[k] * g[k]
            new.append(w[k] - lr * (m[k] / c1) / (math.sqrt(v[k] / c2) + 1e-8))
    else:
        new = [wk - lr * gk for wk, gk in zip(w, g)]
    if not all(abs(wk) <= 1e6 for wk in new):
        print(f"epoch {{epoch}}: a weight would pass ±1e6; training stops here.")
        break
    losses.append(loss)
    theta = unflat(theta, new)

for epoch in range(max(1, len(losses) - 4), len(losses) + 1):
    print(f"epoch {{epoch:3d}}: loss {{losses[epoch - 1]:.4g}}")
print(f"after {{len(losses)}} epochs: loss {{{final}.loss:.4g}}")
print("trained weights:", theta)
"""

# Each cell's introduction: a sentence for the catalogue (N_), then its formulas.
INTROS = {
    "vanilla": (
        N_(
            "The model reads one value x_t at a time, keeps a hidden state h_t, and guesses the "
            "next value with y_t:"
        ),
        "\n"
        "\n"
        "$$z_t = W_{xh}\\,x_t + W_{hh}\\,h_{t-1} + b_h, \\qquad h_t = f(z_t), \\qquad "
        "y_t = W_{hy}\\,h_t + b_y, \\qquad h_{-1} = 0$$\n",
    ),
    "gru": (
        N_(
            "The model is a gated recurrent unit (GRU, as *Dive into Deep Learning* writes it; σ "
            "is the logistic sigmoid and ⊙ the elementwise product):"
        ),
        "\n"
        "\n"
        "$$r_t = \\sigma(W_{xr} x_t + W_{hr} h_{t-1} + b_r), \\qquad "
        "z_t = \\sigma(W_{xz} x_t + W_{hz} h_{t-1} + b_z)$$\n"
        "$$\\tilde h_t = \\tanh(W_{xh} x_t + W_{hh} (r_t \\odot h_{t-1}) + b_h), \\qquad "
        "h_t = z_t \\odot h_{t-1} + (1 - z_t) \\odot \\tilde h_t$$\n"
        "$$y_t = W_{hy} h_t + b_y, \\qquad h_{-1} = 0$$\n",
    ),
    "lstm": (
        N_(
            "The model is a long short-term memory cell (LSTM, as *Dive into Deep Learning* "
            "writes it; σ is the logistic sigmoid and ⊙ the elementwise product):"
        ),
        "\n"
        "\n"
        "$$i_t = \\sigma(W_{xi} x_t + W_{hi} h_{t-1} + b_i), \\quad "
        "f_t = \\sigma(W_{xf} x_t + W_{hf} h_{t-1} + b_f), \\quad "
        "o_t = \\sigma(W_{xo} x_t + W_{ho} h_{t-1} + b_o)$$\n"
        "$$\\tilde c_t = \\tanh(W_{xc} x_t + W_{hc} h_{t-1} + b_c), \\qquad "
        "c_t = f_t \\odot c_{t-1} + i_t \\odot \\tilde c_t, \\qquad "
        "h_t = o_t \\odot \\tanh(c_t)$$\n"
        "$$y_t = W_{hy} h_t + b_y, \\qquad h_{-1} = c_{-1} = 0$$\n",
    ),
}


def _section(title: str, text: str) -> str:
    """A markdown cell's text: a level-2 heading and one paragraph."""
    return f"## {title}\n\n{text}\n"


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
    """The cell that sets up this experiment: sequence (or the long-lag task), activation, the
    weights by name, learning rate, clipping and optimizer."""
    xs = state.xs()  # ValueError (with a message for the page) for a bad custom sequence
    p = state.params
    task = state.task()
    if task is not None:
        described = (
            f"Remember the first number, gap {state.gap}: the example the page shows; "
            f"training draws {state.batch} fresh examples per epoch"
        )
    else:
        name = state.sequence if state.sequence != "custom" else "custom values"
        described = f"{name}, {len(xs)} values" + (
            ", normalized onto [−1, 1]" if state.normalized else ""
        )
    weights = [f"    {name}={_literal(getattr(p, name))}," for name in p.names()]
    lines = [
        f"# The sequence ({described})",
        f"xs = {_literal([float(x) for x in xs])}",
    ]
    if task is not None:
        lines += [
            f"targets = {_literal(state.targets())}  # only the last output counts: it is x_0",
            f"task = Remember(gap={state.gap!r}, batch={state.batch!r}, seed={state.seed!r})",
        ]
    else:
        lines += ["targets = None  # y_t predicts x_{t+1}", "task = None"]
    if cell_class(state.cell).has_activation:
        lines.append(f"activation = {state.activation!r}")
    if p.MEMORY_GATE:
        lines.append(
            f"memory_bias = {state.memory_bias!r}  # the page's Memory bias: a fresh network "
            f"starts with every b_{p.MEMORY_GATE} here (these weights may have trained since)"
        )
    lines += [
        "params = Params(",
        *weights,
        ")",
        f"lr = {state.lr!r}  # learning rate",
        f"clip = {CLIP_LIMIT if state.clip else None!r}  # gradient clipping limit (None: off)",
        f"optimizer = {state.optimizer!r}  # {OPTIMIZER_LABELS[state.optimizer]}",
        f"epochs = {RUN_LENGTH}",
        "",
    ]
    return "\n".join(lines)


def notebook(state: DemoState) -> str:
    """The current experiment as an nbformat-4 notebook, as JSON text ready to download.

    Raises ValueError (with a message for the page) when the sequence can't be used.

    >>> nb = json.loads(notebook(DemoState()))
    >>> nb["nbformat"], [c["cell_type"] for c in nb["cells"]][:3]
    (4, ['markdown', 'markdown', 'code'])
    """
    if state.mode == "text":  # the character-level network: its own notebook
        from ..text.notebook import notebook as text_notebook  # noqa: PLC0415

        return text_notebook(state)
    setup = experiment_code(state)
    cell = state.cell
    label = LABELS[cell]
    loss_text = (
        _("The loss is the mean of $(y_t - x_{t+1})^2$ over $t = 0 \\ldots T-2$.")
        if state.task() is None
        else _(
            "The loss is $(y_T - x_0)^2$: only the last prediction counts, and it must repeat "
            "the first number."
        )
    )
    sentence, formulas = INTROS[cell]
    intro = (
        "# " + _("A recurrent network, step by step") + "\n"
        "\n"
        + _(
            "This notebook is the experiment you had open in the interactive RNN page: the same "
            "sequence, cell, weights, learning rate and optimizer, and the same Python that "
            "computed every number on the page. It needs nothing beyond the standard library, so "
            "any Jupyter kernel runs it."
        )
        + "\n\n"
        + _(sentence)
        + formulas
        + "\n"
        + loss_text
        + "\n"
    )
    own_loops = cell_class(cell).own_loops  # its module's own step and loops (source.cell_code)
    if own_loops:
        code_note = _(
            "Copied from the package `rnn_py` that runs the page (`rnn_py/cells/{cell}.py`): "
            "`step` is one timestep forward, `_forward` the whole pass; `step_back` is one "
            "timestep of backpropagation through time and `_backward` walks all of them from the "
            "last step to the first. `Params` is trimmed to its fields."
        ).format(cell=cell)
    else:
        code_note = _(
            "Copied from the package `rnn_py` that runs the page: the {label}'s weights by name "
            "and its `Cell` (`rnn_py/cells/{cell}.py`: `step` is one timestep forward, "
            "`step_back` the "
            "same timestep backwards), the class its weights share with the other gated cell "
            "(`rnn_py/cells/base.py`), and the loop around any cell (`rnn_py/cells/__init__.py`: "
            "`_forward` runs the whole sequence, `_backward` is backpropagation through time)."
        ).format(label=label, cell=cell)
    code_note = _section(_("The model's code"), code_note)
    setup_note = _section(
        _("This experiment"), _("Change any of these and run the cells below again.")
    )
    forward_note = _section(
        _("The forward pass"),
        _(
            "One `step` per value of the sequence; the loss printed last is the one the page "
            "showed."
        ),
    )
    if state.optimizer == "adam":
        run = _("{n} epochs of Adam: the same run as one click of Train on the page.")
    else:
        run = _("{n} epochs of gradient descent: the same run as one click of Train on the page.")
    train_note = _section(_("Training with BPTT"), run.format(n=RUN_LENGTH))
    if own_loops:  # its _forward takes the activation f; the loop around any other takes the cell
        helpers, final = _VANILLA_HELPERS, "_forward(theta, xs, f, targets)"
        forward_cell = _FORWARD_CELL
    else:
        helpers, final = _GATED_HELPERS, "_forward(theta, xs, cell, targets)"
        forward_cell = _GATED_FORWARD_CELL.format(label=label)
    cells = [
        _markdown("intro", intro),
        _markdown("model-note", code_note),
        _code("model", source.cell_code(cell)),
    ]
    if state.task() is not None:
        task_note = _section(
            _("The long-lag task"),
            _(
                "Copied from `rnn_py/studies/remember.py`: each example is "
                "x_0, uniform in [−1, 1], then a gap of small noise; `Remember.batch(epoch)` draws "
                "the examples of one epoch, the same for the same seed."
            ),
        )
        cells += [_markdown("task-note", task_note), _code("task", source.task_code())]
    cells += [
        _markdown("setup-note", setup_note),
        _code("setup", setup),
        _markdown("forward-note", forward_note),
        _code("forward", forward_cell),
        _markdown("train-note", train_note),
        _code("train", _TRAIN_CELL.format(helpers=helpers, final=final)),
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
