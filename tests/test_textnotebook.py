"""The notebook in text mode (rnn_py.text.notebook through rnn_py.page.notebook.notebook): valid
nbformat, the text model's own code copied from the running source, the page's seeded starting
weights, a short training run that learns, and a sample of the text's characters; executed
in-process for every cell and once for real under nbclient."""

import contextlib
import io
import json
import re
from dataclasses import replace

import nbformat
import pytest

from rnn_py import DemoState
from rnn_py.page import notebook
from rnn_py.text import model as textmodel
from rnn_py.text import task as tx

STATES = {
    "vanilla": replace(DemoState(), mode="text"),
    "gru-rhyme": replace(DemoState(), mode="text", text=tx.PRESETS["rhyme"], text_cell="gru",
                         text_hidden=6, seq_length=12, seed=3),
    "lstm-gd": replace(DemoState(), mode="text", text=tx.PRESETS["abc"], text_cell="lstm",
                       text_hidden=4, text_optimizer="gd", lr=0.5, clip=False),
}  # fmt: skip


def execute(state):
    nb = json.loads(notebook.notebook(state))
    namespace, out = {}, io.StringIO()
    outputs = {}
    for c in nb["cells"]:
        if c["cell_type"] == "code":
            with contextlib.redirect_stdout(out):
                exec(compile("".join(c["source"]), "<notebook>", "exec"), namespace)
            outputs[c["id"]] = out.getvalue()
            out.seek(0)
            out.truncate()
    return outputs, namespace


@pytest.mark.parametrize("key", list(STATES))
def test_the_text_notebook_runs_the_pages_network_learns_and_samples(key):
    state = STATES[key]
    nbformat.validate(nbformat.reads(notebook.notebook(state), as_version=4))
    outputs, ns = execute(state)
    vocab = tx.Vocab(state.text)
    assert ns["chars"] == vocab.chars and ns["text"] == state.text
    start = tx.text_params(state.text_cell, state.text_hidden, vocab.size, state.seed)
    fresh = ns["TextParams"].random(ns["cell"], ns["hidden"], len(ns["chars"]), ns["seed"])
    assert fresh.flat() == start.flat()  # the page's starting weights
    # the copied forward and backward compute what rnn_py's do
    ixs = vocab.encode(state.text[:9])
    mine = ns["backward"](fresh, ixs[:-1], ixs[1:])
    theirs = textmodel.backward(start, ixs[:-1], ixs[1:])
    assert mine.loss == theirs.loss and mine.grads.flat() == theirs.grads.flat()
    losses = [float(v) for v in re.findall(r"loss (\S+) nats", outputs["train"])]
    assert len(losses) == 7 and losses[-1] < losses[0]
    sample = outputs["sample"].rstrip("\n")
    assert len(sample) == 81 and set(sample) <= set(vocab.chars)


def test_the_notebooks_model_cell_is_textmodels_own_source():
    nb = json.loads(notebook.notebook(STATES["gru-rhyme"]))
    model = next("".join(c["source"]) for c in nb["cells"] if c.get("id") == "model")
    import inspect

    from rnn_py.cells import gru

    for function in (textmodel.forward, textmodel.backward, gru.Cell):
        assert inspect.getsource(function).strip("\n") in model
    assert "import rnn_py" not in model and "from rnn_py" not in model


def test_the_text_notebook_runs_in_a_real_kernel():
    from nbclient import NotebookClient

    nb = nbformat.reads(notebook.notebook(STATES["gru-rhyme"]), as_version=4)
    NotebookClient(nb, timeout=60, kernel_name="python3").execute()
    assert not any(o.output_type == "error" for c in nb.cells for o in c.get("outputs", []))
    sample = next(
        "".join(o.get("text", "") for o in c.outputs) for c in nb.cells if c.id == "sample"
    )
    assert set(sample.rstrip("\n")) <= set(tx.PRESETS["rhyme"]) and len(sample) > 40
