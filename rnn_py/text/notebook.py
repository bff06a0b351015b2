"""Text mode taken to Jupyter: the character-level network as a notebook that runs anywhere.

``notebook(state)`` writes an nbformat-4 notebook (plain JSON) with the page's text and its
vocabulary, the text model's own code (rnn_py/text/model.py's `forward` and `backward` around the
cell's `step` and `step_back`, copied from the running source as the Code panel shows them, with
the few helpers they call; standard library only), the seeded starting weights of the page's
settings, a short training run (truncated BPTT with Adam or gradient descent, written out in the
notebook) and a sample.
"""

from __future__ import annotations

import json

from .. import cells
from ..cells import maths
from ..i18n import _
from ..page.ipynb import _code, _markdown
from ..page.source import _ordered
from . import core as textcore
from . import model as textmodel
from .task import Vocab

# What the copied code needs from rnn_py/cells/maths.py (the activations, dot, sigmoid) and from
# rnn_py/text/model.py (the weights, the passes and their checks).
_ACTIVATION_PARTS = ("ACTIVATIONS", "dot", "_tanh_grad", "relu", "_relu_grad", "sigmoid",
                     "_sigmoid_grad", "linear", "_linear_grad", "_FUNCTIONS",
                     "_activation")  # fmt: skip
_TEXTMODEL_PARTS = ("MAX_VOCAB", "MAX_HIDDEN_TEXT", "gates_of", "TextParams", "_names", "_shapes",
                    "_check_sizes", "TextTrace", "_start", "_check_ixs", "forward",
                    "TextGradients", "backward", "_check_window")  # fmt: skip
WINDOWS = 60  # windows of training in the notebook: a short run, seconds in any kernel
CLIP = 5.0  # the page's gradient clipping limit

_STANDINS = """\
# Stand-ins for the two rnn_py modules the copied code calls by name.
cells = SimpleNamespace(
    module=lambda cell: None,  # (rnn_py checks the cell's name here)
    params_class=lambda cell: SimpleNamespace(GATES={gates!r}, BIAS_START={bias!r}),
    make_cell=lambda cell, activation="tanh": {make},
)
textcore = SimpleNamespace(matvec=matvec, softmax=softmax)
"""

_TRAIN = '''\
# Truncated BPTT: each window of seq_length characters predicts every next character; h (and
# the LSTM's c) carries on to the next window and starts again from zero at the end of the text.
names = params.names()
m = {{name: [0.0] * len(getattr(params, name)) if not isinstance(getattr(params, name)[0], list)
     else [[0.0] * len(row) for row in getattr(params, name)] for name in names}}
v = {{name: [row[:] if isinstance(row, list) else row for row in m[name]] for name in names}}


def update(w, g, m, v, step):
    """One step on one weight vector or matrix, in place: Adam or plain gradient descent."""
    if isinstance(w[0], list):
        for row_w, row_g, row_m, row_v in zip(w, g, m, v):
            update(row_w, row_g, row_m, row_v, step)
        return
    for i, gi in enumerate(g):
        gi = max(-clip, min(clip, gi))
        if optimizer == "adam":
            m[i] = 0.9 * m[i] + 0.1 * gi
            v[i] = 0.999 * v[i] + 0.001 * gi * gi
            w[i] -= lr * (m[i] / (1 - 0.9**step)) / (math.sqrt(v[i] / (1 - 0.999**step)) + 1e-8)
        else:
            w[i] -= lr * gi


data = vocab_encode(text)
at, h, c = 0, None, None
for window in range(1, windows + 1):
    inputs = data[at : at + seq_length]
    targets = data[at + 1 : at + seq_length + 1]
    inputs = inputs[: len(targets)]
    result = backward(params, inputs, targets, h, c)
    for name in names:
        update(getattr(params, name), getattr(result.grads, name), m[name], v[name], window)
    h, c = result.trace.h_last, result.trace.c_last
    at += len(inputs)
    if at >= len(data) - 1:
        at, h, c = 0, None, None
    if window % 10 == 0 or window == 1:
        print(f"window {{window:3d}}   loss {{result.loss:.3f}} nats per character")
'''

_SAMPLE = """\
# Sample: read one character, draw the next from p_t (sharpened by the temperature), repeat.
rng = random.Random(sample_seed)
k, h, c = chars.index(start), None, None
out = [start]
for _ in range(sample_length):
    trace = forward(params, [k], h, c)
    h, c = trace.h_last, trace.c_last
    weights = [p ** (1 / temperature) for p in trace.probs[0]]
    k = rng.choices(range(len(chars)), weights=weights)[0]
    out.append(chars[k])
print("".join(out))
"""


def text_code(cell: str = "vanilla") -> str:
    """The text model's code as one self-contained script (standard library only): the cell's
    `Cell` (step, step_back) and the helpers it calls, textmodel's TextParams, `forward` and
    `backward` with theirs, copied from the running source."""
    m = cells.module(cell)
    cell_parts = _ordered(maths, _ACTIVATION_PARTS)
    # a gated cell's module names its GATES; a cell with an activation is made with it
    cell_parts += _ordered(m, ("GATES", "Cell") if m.Cell.gated else ("Cell",))
    make = "Cell(activation)" if m.Cell.has_activation else "Cell()"
    standins = _STANDINS.format(
        gates=tuple(m.Params.GATES),
        bias=dict(getattr(m.Params, "BIAS_START", {})),
        make=make,
    )
    parts = [
        "import math\nimport random\nfrom dataclasses import dataclass\nfrom itertools import "
        "chain\nfrom operator import add, mul\nfrom types import SimpleNamespace",
        *cell_parts,
        "def matvec(rows, v):\n"
        '    """[row·v for row in rows]."""\n'
        "    return [sum(map(mul, row, v)) for row in rows]",
        *_ordered(textcore, ("_exp", "softmax")),
        standins.rstrip("\n"),
        *_ordered(textmodel, _TEXTMODEL_PARTS),
    ]
    return "\n\n\n".join(parts) + "\n"


def setup_code(state) -> str:
    """The cell with the page's text, its vocabulary and the settings, and the seeded weights."""
    vocab = Vocab(state.text)
    lr = state.lr
    return "\n".join([
        f"text = {state.text!r}",
        f"chars = {vocab.chars!r}  # the vocabulary: character k enters as the one-hot e_k",
        "vocab_encode = lambda s: [chars.index(ch) for ch in s]",
        f"cell, hidden, seed = {state.text_cell!r}, {state.text_hidden!r}, {state.seed!r}",
        f"seq_length = {state.seq_length!r}  # characters per window",
        f"optimizer, lr = {state.text_optimizer!r}, {lr!r}",
        f"clip = {CLIP if state.clip else 'math.inf'}  # each gradient entry kept in ±clip",
        f"windows = {WINDOWS}",
        f"start, sample_length = {(state.sample_start if state.sample_start in vocab.chars else state.text[0])!r}, 80",  # noqa: E501
        f"temperature, sample_seed = {state.temperature!r}, {state.sample_seed!r}",
        "params = TextParams.random(cell, hidden, len(chars), seed)  # the page's starting weights",
        "print(params, '·', len(text), 'characters')",
        "",
    ])  # fmt: skip


def notebook(state) -> str:
    """Text mode as an nbformat-4 notebook, as JSON text ready to download."""
    label = cells.LABELS[state.text_cell]
    cells_ = [
        _markdown("intro", _(
            "# A character-level RNN, step by step\n\n"
            "This notebook is the text experiment you had open in the interactive RNN page: "
            "your text, a {label} with {n} hidden units, and the same Python "
            "that computed the page's numbers. It needs nothing beyond the standard library.\n\n"
        ).format(label=label, n=state.text_hidden) + (
            "$$y_t = W_{hy} h_t + b_y, \\qquad p_t = \\mathrm{softmax}(y_t), \\qquad "
            "L = \\text{" + _("mean of") + " } -\\log p_t[x_{t+1}]$$\n"
        )),
        _markdown("model-note", _(
            "## The model's code\n\n"
            "Copied from the package `rnn_py` that runs the page: `forward` and `backward` from "
            "`rnn_py/text/model.py`, around the cell's own `step` and `step_back`, with the "
            "helpers they call. (The page trains with the same arithmetic arranged for speed "
            "in `rnn_py/text/core.py`.)\n"
        )),
        _code("model", text_code(state.text_cell)),
        _markdown("setup-note", _("## Your text and the settings\n\nThe weights start as the "
                  "page's untrained network does (the same seed).\n")),
        _code("setup", setup_code(state)),
        _markdown("train-note", _("## Training\n\n{n} windows of truncated BPTT, a short "
                  "run with the optimizer step written out here (on the page, Train keeps going "
                  "until you stop it).\n").format(n=WINDOWS)),
        _code("train", _TRAIN.format()),
        _markdown("sample-note", _("## A sample\n\nWhat the network writes now, one character at "
                  "a time.\n")),
        _code("sample", _SAMPLE),
    ]  # fmt: skip
    document = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        },
        "cells": cells_,
    }
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"
