"""The memory bias (issue 27) on CPython: where a fresh gated cell's memory gate starts, in the
cells, the settings and their link, training in pieces, and the long-lag check in pieces."""

from dataclasses import replace

import pytest

from rnn_py import train_bptt
from rnn_py.cells import CELLS, has_memory_gate, params_class, random_params
from rnn_py.lessons import goals
from rnn_py.page.gateview import MEMORY_PRESET, memory_preset_settings
from rnn_py.page.notebook import experiment_code
from rnn_py.page.state import DemoState, default_params, from_query, to_query
from rnn_py.studies import remember


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_the_memory_bias_sets_one_gate_s_bias_and_nothing_else(cell):
    gate = params_class(cell).MEMORY_GATE
    assert has_memory_gate(cell) and gate == {"gru": "z", "lstm": "f"}[cell]
    plain, biased = random_params(cell, 3, 7), random_params(cell, 3, 7, memory_bias=-2.5)
    assert getattr(plain, "b_" + gate) == [1.0] * 3  # the default: 1
    assert getattr(biased, "b_" + gate) == [-2.5] * 3
    for name in plain.names():
        if name != "b_" + gate:
            assert getattr(biased, name) == getattr(plain, name), name
    for bad in (10.5, -11, float("nan"), "5", True):
        with pytest.raises(ValueError, match="memory bias must be a number from -10 to 10"):
            random_params(cell, 2, 0, memory_bias=bad)


def test_the_vanilla_cell_has_no_memory_gate():
    assert not has_memory_gate("vanilla") and [c for c in CELLS if has_memory_gate(c)] == [
        "gru", "lstm"
    ]  # fmt: skip
    with pytest.raises(ValueError, match="no gate"):
        random_params("vanilla", 2, 0, memory_bias=5)
    state = DemoState()
    assert state.with_memory_bias(5).params == state.params  # nothing to bias


def test_the_setting_starts_fresh_networks_and_travels_in_the_link():
    state = DemoState().with_cell("gru").with_hidden(2).with_memory_bias(4.5)
    assert state.params == default_params(2, 1, "gru", 4.5) and state.params.b_z == [4.5, 4.5]
    assert "membias=4.5" in to_query(state)
    again, notices = from_query(to_query(state))
    assert not notices and again == state
    assert state.with_cell("lstm").params.b_f == [4.5, 4.5]  # the dial stays with the page
    assert state.with_hidden(3).params.b_z == [4.5] * 3
    # the default is not written; a bad value falls back to it with a notice
    assert "membias" not in to_query(DemoState().with_cell("gru"))
    bad, notices = from_query("cell=gru&membias=12")
    assert bad.memory_bias == 1 and bad.params.b_z == [1.0]
    assert notices == [
        "The link's Memory bias ('12') is outside -10–10. Using the default instead."
    ]
    # the notebook says where a fresh network started; the vanilla cell's has no such line
    assert "memory_bias = 4.5" in experiment_code(state)
    assert "memory_bias" not in experiment_code(DemoState())


def test_training_in_pieces_gives_the_same_steps():
    task = remember.Remember(4, 5, 2)
    start = random_params("lstm", 2, 2, memory_bias=3)
    whole = list(train_bptt(start, task, "tanh", 0.03, 5.0, 4, "adam"))
    pieces = list(train_bptt(start, task, "tanh", 0.03, 5.0, 4, "adam", pieces=True))
    assert [p for p in pieces if p is not None] == whole
    assert len(pieces) == 4 * 5  # one piece after each example but the last of each epoch
    # a plain sequence has no examples to split: one step an epoch, pieces or not
    assert None not in list(train_bptt(start, [0.1, 0.5, -0.2], "tanh", epochs=3, pieces=True))


def test_the_long_lag_check_in_pieces_is_the_held_out_loss():
    state = replace(DemoState(), **{**memory_preset_settings(), "gap": 12})
    events = [{"kind": "run", "method": "bptt", "status": "done", "sequence": "remember",
               "cell": "gru", "gap": 12, "batch": MEMORY_PRESET["batch"]}]  # fmt: skip
    count = sum(1 for _ in goals.long_lag_pieces(state, events))
    assert count == goals.TEST_EXAMPLES
    expected = remember.evaluate(state.params, remember.Remember(12, 1, 0).test_set(100))
    assert goals.held_out_loss(state) == expected
    assert list(goals.long_lag_pieces(state, events)) == []  # known now: nothing left to do
    assert list(goals.long_lag_pieces(state, [])) == []  # not trained on the task: not needed


def test_the_preset_is_the_table_s_gru_from_bias_5():
    s = memory_preset_settings()
    assert s["params"] == random_params("gru", 4, 0, memory_bias=5.0)
    assert (s["gap"], s["batch"], s["optimizer"], s["lr"]) == (100, 16, "adam", 0.03)
