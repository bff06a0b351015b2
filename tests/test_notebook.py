"""The downloadable notebook: valid nbformat 4, the model's own code, this experiment as
literals, and the page's loss and training run when executed (in-process, and once for real
under nbclient with a Jupyter kernel)."""

import ast
import contextlib
import io
import json
import re
from dataclasses import replace
from pathlib import Path

import nbformat
import pytest
import reference

import rnn_py
from rnn_py import DemoState, Params
from rnn_py.page import notebook, source

STATES = [
    DemoState(),
    DemoState(sequence="fibonacci", normalized=True, activation="relu", lr=0.2, clip=False),
    DemoState(
        sequence="linear",
        length=20,
        normalized=True,
        activation="sigmoid",
        params=Params.random(3, 5),
    ),
    DemoState(sequence="custom", custom="1, 0.5, -2, 3e-3, 7", activation="linear"),
    # diverges: raw Fibonacci with a linear unit and no clipping
    DemoState(sequence="fibonacci", length=30, activation="linear", lr=1.0, clip=False),
]


def cells(state, kind="code"):
    nb = json.loads(notebook.notebook(state))
    return {c["id"]: "".join(c["source"]) for c in nb["cells"] if c["cell_type"] == kind}


def execute(state):
    """Run the notebook's code cells in a fresh namespace; (printed text, namespace)."""
    namespace, out = {}, io.StringIO()
    with contextlib.redirect_stdout(out):
        for code in cells(state).values():
            exec(compile(code, "<notebook>", "exec"), namespace)
    return out.getvalue(), namespace


@pytest.mark.parametrize("state", STATES)
def test_the_notebook_is_valid_nbformat_4(state):
    nb = nbformat.reads(notebook.notebook(state), as_version=4)
    nbformat.validate(nb)
    assert nb.nbformat == 4
    assert [c.cell_type for c in nb.cells] == ["markdown", "markdown", "code"] + [
        "markdown",
        "code",
    ] * 3
    assert nb.metadata.kernelspec.name == "python3"


@pytest.mark.parametrize("state", STATES)
def test_the_notebook_prints_the_pages_loss_and_trains_like_the_page(state):
    xs = state.xs()
    printed, ns = execute(state)
    loss = rnn_py.forward(state.params, xs, state.activation).loss
    assert f"loss = {loss:.4g}\n" in printed
    _, _, _, ref_loss = reference.forward(state.params, xs, state.activation)
    assert f"loss = {ref_loss:.4g}\n" in printed
    steps = list(
        rnn_py.train_bptt(
            state.params, xs, state.activation, lr=state.lr, clip=5.0 if state.clip else None
        )
    )
    ran = [s for s in steps if s.status != "diverged"]
    assert ns["losses"] == [s.loss for s in ran]
    last = ran[-1] if ran else None
    final = state.params if last is None else last.params
    assert ns["theta"].w_hh == final.w_hh and ns["theta"].b_y == final.b_y
    assert (
        f"after {len(ran)} epochs: loss {rnn_py.forward(final, xs, state.activation).loss:.4g}\n"
        in printed
    )
    if steps[-1].status == "diverged":
        assert "training stops here" in printed
    else:
        assert f"epoch 300: loss {steps[-1].loss:.4g}\n" in printed


def test_the_experiment_is_written_as_literals():
    state = STATES[2]
    setup = cells(state)["setup"]
    tree = ast.parse(setup)
    values = {}
    for node in tree.body:
        target = node.targets[0].id
        if target == "params":
            values[target] = {k.arg: ast.literal_eval(k.value) for k in node.value.keywords}
        else:
            values[target] = ast.literal_eval(node.value)
    assert values["xs"] == state.xs()
    assert values["activation"] == "sigmoid"
    assert values["params"] == state.params.to_dict()
    assert values["lr"] == state.lr and values["clip"] == 5.0 and values["epochs"] == 300
    assert cells(replace(state, clip=False))["setup"].count("clip = None") == 1


def test_the_model_cell_is_the_code_panels_source():
    model = cells(DemoState())["model"]
    assert model == source.model_code()
    for function in source.SHOWN:
        assert source.inspect.getsource(function) in model
    # Independently of inspect: each shown function, cut from the file on disk from its `def`
    # line to the next top-level statement, is in the cell word for word.
    text = Path(rnn_py.cells.vanilla.__file__).read_text(encoding="utf-8")
    for function in source.SHOWN:
        start = text.index(f"\ndef {function.__name__}(") + 1
        end = re.search(r"\n(?=[^\s#])", text[start + 1 :]).start() + start + 1
        body = text[start:end].rstrip()
        assert body.count("\n") >= 5 and body in model, function.__name__
    imports = {
        n.module if isinstance(n, ast.ImportFrom) else n.names[0].name
        for n in ast.walk(ast.parse("\n".join(cells(DemoState()).values())))
        if isinstance(n, ast.Import | ast.ImportFrom)
    }
    assert imports == {"math", "dataclasses", "operator"}


def test_a_sequence_that_cannot_be_used_gets_a_message():
    with pytest.raises(ValueError, match="number"):
        notebook.notebook(DemoState(sequence="custom", custom="1, two, 3"))


def test_the_notebook_runs_in_a_real_kernel():
    """Executed by nbclient in a fresh python3 kernel, as Jupyter would."""
    from nbclient import NotebookClient

    state = STATES[2]
    nb = nbformat.reads(notebook.notebook(state), as_version=4)
    NotebookClient(nb, timeout=60, kernel_name="python3").execute()
    outputs = {
        c.id: "".join(o.get("text", "") for o in c.outputs if o.output_type == "stream")
        for c in nb.cells
        if c.cell_type == "code"
    }
    assert not any(
        o.output_type == "error" for c in nb.cells if c.cell_type == "code" for o in c.outputs
    )
    xs = state.xs()
    loss = rnn_py.forward(state.params, xs, state.activation).loss
    assert re.search(r"^loss = (\S+)$", outputs["forward"], re.M).group(1) == f"{loss:.4g}"
    steps = list(rnn_py.train_bptt(state.params, xs, state.activation, lr=state.lr))
    assert f"epoch 300: loss {steps[-1].loss:.4g}" in outputs["train"]
    after = rnn_py.forward(steps[-1].params, xs, state.activation).loss
    assert f"after 300 epochs: loss {after:.4g}" in outputs["train"]
