"""The Code panel for the GRU and the LSTM: the gated cell's own step/step_back and the loop
around them, read from the running source, each gate's line found from its formula comment."""

import ast
import inspect
import json
import textwrap
from pathlib import Path

import pytest

from rnn_py import cells
from rnn_py.page import source

ROOT = Path(cells.__file__).parent.parent

# The statement each "step" block must assign, gate by gate, in the order of the equations.
ASSIGNS = {
    "gru": {"r": "r", "z": "z", "hc": "hc", "h": "h", "y": "ys"},
    "lstm": {"i": "i_", "f": "f", "o": "o", "cc": "cc", "c": "c", "h": "h", "y": "ys"},
}


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_the_listing_is_the_cells_own_running_source_with_its_line_numbers(cell):
    listing = source.listing(cell)
    json.dumps(listing, allow_nan=False)
    m = cells.module(cell)
    expected = [
        (m.Cell.step, f"rnn_py/cells/{cell}.py"),
        (cells._forward, "rnn_py/cells/__init__.py"),
        (m.Cell.step_back, f"rnn_py/cells/{cell}.py"),
        (cells._backward, "rnn_py/cells/__init__.py"),
    ]
    assert listing["file"] == f"rnn_py/cells/{cell}.py" and listing["cell"] == cell
    for shown, (function, file) in zip(listing["functions"], expected, strict=True):
        assert shown["name"] == function.__name__ and shown["file"] == file
        file_lines = (ROOT.parent / file).read_text(encoding="utf-8").splitlines()
        for number, spans in shown["lines"]:
            assert "".join(t for _, t in spans) == file_lines[number - 1]
        text = "\n".join("".join(t for _, t in spans) for _, spans in shown["lines"])
        assert text == inspect.getsource(function).rstrip("\n")


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_each_gates_line_is_marked_while_stepping(cell):
    listing = source.listing(cell)
    lines = {
        (f["name"], n): "".join(t for _, t in spans)
        for f in listing["functions"]
        for n, spans in f["lines"]
    }
    step = [b for b in listing["blocks"] if b["kind"] == "step"]
    assert [b["key"] for b in step] == list(ASSIGNS[cell])
    for b in step:
        own = [lines[(b["function"], n)] for n in range(b["first"], b["last"] + 1)]
        assert own[0].strip().startswith("#") and own[0].strip()[2:] == b["formula"]
        code = [ast.parse(line.strip()) for line in own[1:]]
        stored = {
            t.id if isinstance(t, ast.Name) else t.value.id
            for tree in code
            for node in ast.walk(tree)
            for t in getattr(node, "targets", [getattr(node, "func", None)])
            if isinstance(t, ast.Name) or (isinstance(t, ast.Attribute) and b["key"] == "y")
        }
        assert ASSIGNS[cell][b["key"]] in stored, (b["key"], own)
        # the symbol the page's substituted equation opens with (fₜ = …)
        assert b["formula"].startswith(b["symbol"] + "_t =")


# What the backward pass reads before it computes: left unmarked while training.
FETCHES = {"tr", "r", "z", "hc", "i_", "f", "o", "cc", "tc", "units", "dy", "h_prev", "c_prev",
           "w_hy"}  # fmt: skip


def _stored(node):
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    names = set()
    for t in targets:
        for n in ast.walk(t):
            if isinstance(n, ast.Name):
                names.add(n.id)
    return names


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_training_marks_every_computing_line_of_the_backward_pass(cell):
    listing = source.listing(cell)
    train = [b for b in listing["blocks"] if b["kind"] == "train"]
    marked = {(b["function"], n) for b in train for n in range(b["first"], b["last"] + 1)}
    m = cells.module(cell)
    for function in (m.Cell.step_back, cells._backward):
        lines, first = inspect.getsourcelines(function)
        tree = ast.parse(textwrap.dedent("".join(lines)))
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign | ast.AugAssign):
                if _stored(node) <= FETCHES:
                    continue
                for k in range(node.lineno, node.end_lineno + 1):
                    assert (function.__name__, first + k - 1) in marked, (cell, lines[k - 1])


@pytest.mark.parametrize("cell", ["vanilla", "gru", "lstm"])
def test_blocks_never_overlap_so_each_gets_its_own_note(cell):
    listing = source.listing(cell)
    seen = set()
    for b in listing["blocks"]:
        own = {(b["function"], n) for n in range(b["first"], b["last"] + 1)}
        assert not own & seen, b["key"]
        seen |= own


def test_every_gated_cell_code_runs_alone_and_computes_what_rnn_py_computes():
    for cell in ("gru", "lstm"):
        ns = {}
        exec(compile(source.cell_code(cell), f"<{cell}>", "exec"), ns)
        p = cells.random_params(cell, 3, 2)
        mine = ns["Params"].from_dict(p.to_dict())
        xs = [0.1, -0.4, 0.8, 0.3, -0.9]
        got = ns["_backward"](mine, xs, ns["Cell"](), None)
        want = cells.backward(p, xs)
        assert got.loss == want.loss and got.grads.flat() == want.grads.flat()
        assert got.dh == want.dh and got.dc == want.dc


def test_the_vanilla_listing_is_unchanged():
    assert source.listing() == source.listing("vanilla")
    assert [b["key"] for b in source.listing()["blocks"]] == [b.key for b in source.BLOCKS]
    assert source.cell_code("vanilla") == source.model_code()
