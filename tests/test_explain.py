"""The page's explanations follow the task and the cell on screen (issue 25.3): every claim in
them recomputed from rnn_py on CPython."""

from __future__ import annotations

import doctest
import math
from dataclasses import replace

import pytest

from rnn_py import cells
from rnn_py.page import explain, view
from rnn_py.page.state import DemoState
from rnn_py.text import task as text


def test_doctests():
    assert doctest.testmod(explain).failed == 0


@pytest.mark.parametrize("cell", list(cells.LABELS))
def test_the_cell_note_states_the_starting_gate_biases_of_that_cell_only(cell):
    note = explain.cell_note(cell)
    params = cells.random_params(cell, 3, 5)
    starts = {gate: getattr(params, f"b_{gate}") for gate in params.GATES}
    if all(b == 0 for biases in starts.values() for b in biases):  # the vanilla cell
        assert note == ""
        return
    assert cells.LABELS[cell] in note
    for gate, biases in starts.items():
        if all(b == 0 for b in biases):
            assert f"b_{gate}" not in note
        else:  # what the note says is where a new cell starts, for every unit
            assert f"b_{gate} starts at {biases[0]:g} by default" in note
            assert biases == [biases[0]] * 3
            # "keeping most of its memory": the gate passes more than half with a zero input
            assert 1 / (1 + math.exp(-biases[0])) > 0.5
    others = {"gru": "LSTM", "lstm": "GRU"}
    assert others[cell] not in note


def test_the_numbers_task_keeps_the_page_own_cards_and_text_mode_gets_its_own():
    numbers = DemoState()
    assert explain.about(numbers) is None
    assert view.settings(numbers)["about"] is None
    for cell in cells.LABELS:
        state = DemoState(mode="text", text_cell=cell, text_hidden=7, seq_length=13,
                          text_optimizer="gd")  # fmt: skip
        cards = dict(explain.about(state))
        assert view.settings(state)["about"] == explain.about(state)
        whole = " ".join(cards.values())
        for word in ("One-hot", "softmax", "cross-entropy", "Sample", "temperature"):
            assert word in whole, word
        assert "7 numbers" in cards["The parts"] and "13 characters" in cards["Training"]
        assert "gradient-descent step" in cards["Training"]
        assert "Adam" in " ".join(
            dict(explain.about(replace(state, text_optimizer="adam"))).values()
        )
        title = "The vanilla cell" if cell == "vanilla" else f"The {cells.LABELS[cell]}"
        assert cards[title].endswith(explain.note_line(cell) or ".")
        for other in set(cells.LABELS) - {cell}:
            other_title = "The vanilla cell" if other == "vanilla" else f"The {cells.LABELS[other]}"
            assert other_title not in cards
        # the numbers task's own words are not in text mode's cards
        for numbers_word in ("Fibonacci", "Random Search", "W_hh[", "Reset, then"):
            assert numbers_word not in whole


def test_the_text_cards_claims_hold():
    # the vanilla cell in text mode squashes with tanh, as its card says
    from rnn_py.text import view as textview

    assert textview.ACTIVATION == "tanh"
    assert "tanh" in explain.CELL_WORKINGS["vanilla"]
    # a temperature below 1 sharpens: the likeliest character gets more of the probability
    logits = [2.0, 1.0, 0.0]
    sharp = [math.exp(v / 0.5) for v in logits]
    flat = [math.exp(v / 1.5) for v in logits]
    assert sharp[0] / sum(sharp) > flat[0] / sum(flat)
    assert "temperature" in text.sample_steps.__doc__
