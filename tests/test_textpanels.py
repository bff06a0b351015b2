"""Text mode's Code panel listing and Python console scope (rnn_py.page.source,
rnn_py.page.console): the text model's own running source, its blocks found from formula
comments, and text, vocab and text_params in the console's scope."""

import inspect
import json
from dataclasses import replace
from pathlib import Path

import pytest

from rnn_py import cells
from rnn_py.page import source
from rnn_py.page.console import Console, read_result, run_json, welcome_text
from rnn_py.page.state import DemoState, to_query
from rnn_py.text import model as textmodel
from rnn_py.text import task as tx

ROOT = Path(cells.__file__).parent.parent.parent


def lines_of(listing):
    return {
        (f["name"], n): "".join(t for _, t in spans)
        for f in listing["functions"]
        for n, spans in f["lines"]
    }


@pytest.mark.parametrize("cell", ["vanilla", "gru", "lstm"])
def test_the_text_listing_is_textmodels_passes_around_the_cells_own_step(cell):
    listing = source.listing(cell, "text")
    json.dumps(listing, allow_nan=False)
    own = "rnn_py/cells/vanilla.py" if cell == "vanilla" else f"rnn_py/cells/{cell}.py"
    kind = type(cells.make_cell(cell))
    expected = [
        (textmodel.forward, "rnn_py/text/model.py"),
        (kind.step, own),
        (textmodel.backward, "rnn_py/text/model.py"),
        (kind.step_back, own),
    ]
    assert listing["task"] == "text" and listing["cell"] == cell
    for shown, (function, file) in zip(listing["functions"], expected, strict=True):
        assert shown["name"] == function.__name__ and shown["file"] == file
        file_lines = (ROOT / file).read_text(encoding="utf-8").splitlines()
        for number, spans in shown["lines"]:
            assert "".join(t for _, t in spans) == file_lines[number - 1]
        text = "\n".join("".join(t for _, t in spans) for _, spans in shown["lines"])
        assert text == inspect.getsource(function).rstrip("\n")


@pytest.mark.parametrize("cell", ["vanilla", "gru", "lstm"])
def test_text_blocks_open_with_their_formula_and_hold_the_lines_that_compute_it(cell):
    listing = source.listing(cell, "text")
    lines = lines_of(listing)
    keys = [b["key"] for b in listing["blocks"]]
    assert len(keys) == len(set(keys))
    step = [b for b in listing["blocks"] if b["kind"] == "step"]
    train = [b for b in listing["blocks"] if b["kind"] == "train"]
    assert [b["key"] for b in step[:2]] == ["u", "y"] and step[-1]["key"] == "h"
    assert {b["function"] for b in step} == {"forward", "step"}
    assert {b["function"] for b in train} == {"backward", "step_back"}
    for b in listing["blocks"]:
        own = [lines[(b["function"], n)].strip() for n in range(b["first"], b["last"] + 1)]
        assert own[0].startswith("#") and b["formula"].startswith(own[0][2:])
        assert any(not line.startswith("#") for line in own), b["key"]
    # what each block computes is there in its code
    code = {b["key"]: " ".join(lines[(b["function"], n)] for n in range(b["first"], b["last"] + 1))
            for b in listing["blocks"]}  # fmt: skip
    assert "row[k]" in code["u"] and "w_hy" in code["y"] and "softmax" in code["y"]
    assert "cell.step_back(" in code["back"] and "du[g]" in code["din"]
    assert "1.0 / T" in code["dy"]
    assert listing["computes"].startswith("u, ") and listing["computes"].endswith("h and y")


def test_the_numbers_listing_is_unchanged_and_a_bad_task_is_refused():
    assert "task" not in source.listing("gru") or source.listing("gru")["task"] == "numbers"
    assert [f["name"] for f in source.listing("vanilla")["functions"]] == [
        "step", "_forward", "step_back", "_backward"]  # fmt: skip
    with pytest.raises(ValueError, match="task"):
        source.listing("vanilla", "words")


def test_the_comments_added_for_marking_change_no_number():
    p = textmodel.text_params("lstm", 3, 4, seed=1)
    g = textmodel.backward(p, [0, 1, 2, 3, 1], [1, 2, 3, 1, 0])
    loss, grads, _, _ = textmodel.loss_and_grads(p, [0, 1, 2, 3, 1], [1, 2, 3, 1, 0])
    assert g.loss == pytest.approx(loss, rel=1e-12)
    assert g.grads.flat() == pytest.approx(grads.flat(), rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("cell", ["vanilla", "lstm"])
def test_text_mode_puts_text_vocab_and_the_seeded_text_weights_in_the_console(cell):
    state = replace(DemoState(), mode="text", text=tx.PRESETS["rhyme"], text_cell=cell,
                    text_hidden=5, seed=7)  # fmt: skip
    console = Console()
    out = read_result(run_json(console, "len(vocab.chars), text_params.n, text == state.text",
                               to_query(state))).output  # fmt: skip
    assert out == f"({len(set(tx.PRESETS['rhyme']))}, 5, True)\n"
    same = tx.text_params(cell, 5, tx.Vocab(state.text).size, 7)
    console.run("given = text_params", state, finish=True)
    assert console.locals["given"] == same
    # the welcome's training recipe runs as written and learns
    welcome = welcome_text(cell, "text")
    recipe = [line.strip() for line in welcome.splitlines() if line.startswith("    steps")]
    r = console.run("\n".join(recipe), replace(state, text=tx.PRESETS["abc"]), finish=True)
    loss = console.locals["steps"][-1].loss
    assert "Error" not in r.output and loss < console.locals["steps"][0].loss
    assert r.params is None  # nothing goes back to the page


def test_numbers_mode_has_no_text_names():
    console = Console()
    r = console.run("vocab", DemoState(), finish=True)
    assert "NameError" in r.output
