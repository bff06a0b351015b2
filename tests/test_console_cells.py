"""The Python console with a gated cell: params is the running cell's weights by name, edits
are adopted after the same checks as a weights file, and the help names the gates."""

import pytest

from rnn_py import cells
from rnn_py.page.console import Console, check_params, welcome_text
from rnn_py.page.state import MAX_HIDDEN, SAVED_LIMIT, DemoState


@pytest.fixture
def console():
    return Console(time_limit=2.0)


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_params_is_the_gated_cells_own_and_an_edit_is_adopted(console, cell):
    state = DemoState().with_hidden(2).with_cell(cell)
    out = console.run("print(type(params).__module__, cell, optimizer, params.n)", state)
    assert out.output == f"rnn_py.cells.{cell} {cell} gd 2\n" and out.params is None
    gate = cells.module(cell).GATES[1]
    r = console.run(f"params.w_h{gate}[1][0] = 0.25; params.b_{gate}[0] = -3", state)
    assert r.message == "" and isinstance(r.params, cells.params_class(cell))
    assert getattr(r.params, f"w_h{gate}")[1][0] == 0.25 and getattr(r.params, f"b_{gate}")[0] == -3
    expected = state.params.to_dict()
    expected[f"w_h{gate}"][1][0], expected[f"b_{gate}"][0] = 0.25, -3.0
    assert r.params.to_dict() == expected
    assert console.run("params.n", state).params is None  # no change, nothing to adopt


def test_an_lstm_edit_is_checked_like_a_weights_file(console):
    state = DemoState().with_cell("lstm")
    cases = {
        "params.w_hf = [[1, 2]]": "w_hf must be a 1×1 grid",
        "params.b_o[0] = float('nan')": "b_o[0] must be a finite number",
        f"params.w_xc[0] = {SAVED_LIMIT * 2}": "must lie between",
        "del params.w_xi": "w_xi must be a list",
        "params = rnn_py.Params.random(1, 0)": "holds Vanilla RNN weights",
        "params = rnn_py.cells.gru.Params.random(1, 0)": (
            "holds GRU weights, but the page runs the LSTM"
        ),
        "params = 'weights'": "params must be rnn_py.cells.lstm.Params",
        "params = {'w_hy': [1]}": "have no 'w_xi' (gate i)",
    }
    for entry, message in cases.items():
        r = console.run(entry, state)
        assert r.params is None and message in r.message, (entry, r.message)
        assert r.message.startswith("The page keeps its weights")
    big = cells.random_params("lstm", MAX_HIDDEN + 1, 0)
    with pytest.raises(ValueError, match="hidden units"):
        check_params(big, "lstm")
    # a dict of the LSTM's weights by name is adopted too
    r = console.run("params = params.to_dict(); params['b_f'] = [2.0]", state)
    assert r.params.b_f == [2.0]


def test_a_vanilla_console_refuses_gated_weights_and_notes_copies(console):
    state = DemoState()
    r = console.run("params = rnn_py.cells.lstm.Params.random(1, 0)", state)
    assert r.params is None and "choose the LSTM in the Cell select" in r.message
    r = console.run("cell = 'gru'; optimizer = 'adam'", state)
    assert "cell and optimizer here are copies" in r.message


@pytest.mark.parametrize("cell", cells.CELLS)
def test_the_welcome_names_the_cells_weights_and_its_example_runs(console, cell):
    text = welcome_text(cell)
    assert console.welcome(cell) == text
    state = DemoState().with_cell(cell)
    example = text.rstrip("\n").rsplit("\n", 1)[-1].strip()
    out = console.run(example, state).output
    assert float(out) == cells.forward(state.params, state.xs(), state.activation).loss
    if cell != "vanilla":
        m = cells.module(cell)
        for g in m.GATES:
            assert f"w_x{g}, w_h{g}, b_{g}: the {m.ROLES[g]}" in text
