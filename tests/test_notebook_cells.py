"""The notebook for every cell: the cell's own code (standard library only), the weights by
name, the forward pass printing the page's loss and one BPTT run with the page's optimizer
(Adam included), executed in-process and once per cell for real under nbclient."""

import ast
import contextlib
import io
import json
import re
from dataclasses import replace

import nbformat
import pytest

from rnn_py import DemoState, cells, train_bptt
from rnn_py.page import notebook, source

STATES = {
    "vanilla-adam": replace(DemoState(), optimizer="adam", lr=0.05),
    "gru": DemoState().with_cell("gru"),
    "gru-adam-2": replace(DemoState().with_hidden(2).with_cell("gru"), optimizer="adam"),
    "lstm-adam": replace(DemoState(sequence="linear", normalized=True).with_cell("lstm"),
                         optimizer="adam", lr=0.03, clip=False),
    "lstm-remember": replace(DemoState(sequence="remember", gap=4, batch=2).with_cell("lstm"),
                             optimizer="adam", lr=0.05),
    "vanilla-remember": DemoState(sequence="remember", gap=3, batch=3, lr=0.2),
    # diverges: a GRU with a huge learning rate and no clipping
    "gru-diverges": replace(DemoState(sequence="fibonacci", length=40).with_cell("gru"),
                            lr=1.0, clip=False),
}  # fmt: skip


def code_cells(state):
    nb = json.loads(notebook.notebook(state))
    return {c["id"]: "".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"}


def execute(state):
    namespace, out = {}, io.StringIO()
    with contextlib.redirect_stdout(out):
        for code in code_cells(state).values():
            exec(compile(code, "<notebook>", "exec"), namespace)
    return out.getvalue(), namespace


def page_run(state):
    """What the page's Train button computes for this state (site/main.py)."""
    return list(
        train_bptt(
            state.params, state.training_data(), state.activation, lr=state.lr,
            clip=5.0 if state.clip else None, optimizer=state.optimizer,
        )
    )  # fmt: skip


@pytest.mark.parametrize("key", STATES)
def test_the_notebook_prints_the_pages_loss_and_trains_with_its_optimizer(key):
    state = STATES[key]
    nbformat.validate(nbformat.reads(notebook.notebook(state), as_version=4))
    printed, ns = execute(state)
    loss = cells.forward(state.params, state.xs(), state.activation, state.targets()).loss
    assert f"loss = {loss:.4g}\n" in printed
    steps = page_run(state)
    ran = [s for s in steps if s.status != "diverged"]
    assert ns["losses"] == [s.loss for s in ran]  # bit for bit, Adam's moments included
    final = ran[-1].params if ran else state.params
    assert ns["flat"](ns["theta"]) == final.flat()
    if steps[-1].status == "diverged":
        assert "training stops here" in printed
    else:
        assert f"epoch 300: loss {steps[-1].loss:.4g}\n" in printed


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_the_model_cell_is_the_cells_own_code_and_the_weights_are_named(cell):
    state = DemoState().with_cell(cell)
    code = code_cells(state)
    assert code["model"] == source.cell_code(cell)
    m = cells.module(cell)
    for function in (m.Cell.step, m.Cell.step_back, cells._forward, cells._backward):
        assert source.inspect.getsource(function).strip() in code["model"]
    tree = ast.parse("\n".join(code.values()))
    imports = {
        n.module if isinstance(n, ast.ImportFrom) else n.names[0].name
        for n in ast.walk(tree)
        if isinstance(n, ast.Import | ast.ImportFrom)
    }
    assert imports <= {"math", "random", "dataclasses", "operator"}
    call = next(n.value for n in ast.parse(code["setup"]).body if n.targets[0].id == "params")
    named = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
    assert named == state.params.to_dict() and list(named) == list(m.Params.names())
    assert "activation =" not in code["setup"]  # it applies to the vanilla cell only


def run_in_kernel(state):
    from nbclient import NotebookClient

    nb = nbformat.reads(notebook.notebook(state), as_version=4)
    NotebookClient(nb, timeout=60, kernel_name="python3").execute()
    assert not any(o.output_type == "error" for c in nb.cells for o in c.get("outputs", []))
    return {
        c.id: "".join(o.get("text", "") for o in c.outputs if o.output_type == "stream")
        for c in nb.cells
        if c.cell_type == "code"
    }


@pytest.mark.parametrize("key", ["gru-adam-2", "lstm-adam"])
def test_the_gated_notebook_runs_in_a_real_kernel(key):
    state = STATES[key]
    outputs = run_in_kernel(state)
    loss = cells.forward(state.params, state.xs()).loss
    assert re.search(r"^loss = (\S+)$", outputs["forward"], re.M).group(1) == f"{loss:.4g}"
    steps = page_run(state)
    assert f"epoch 300: loss {steps[-1].loss:.4g}" in outputs["train"]
    after = cells.forward(steps[-1].params, state.xs()).loss
    assert f"after 300 epochs: loss {after:.4g}" in outputs["train"]
