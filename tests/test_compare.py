"""Compare cells: the reach of the vanilla RNN, the GRU and the LSTM from their seeded starts,
against cells.reach, with a reading computed from the numbers."""

import doctest
import json
import math
import re

import pytest

from rnn_py import cells, make_sequence
from rnn_py.studies import compare


@pytest.mark.parametrize(("n", "seed", "activation"), [(1, 1, "tanh"), (3, 0, "sigmoid")])
def test_the_reaches_are_cells_reach_of_each_seeded_start(n, seed, activation):
    xs = make_sequence("sine", 12)
    got = compare.reaches(xs, n, seed, activation)
    assert list(got) == list(cells.CELLS)
    for cell in cells.CELLS:
        start = cells.random_params(cell, n, seed)
        assert got[cell] == cells.reach(start, xs, activation)
        assert got[cell][-1] == pytest.approx(math.sqrt(n))  # ‖I‖ at t = T−1
    data = compare.panel_data(xs, n, seed, activation)
    json.dumps(data, allow_nan=False)
    assert data["t"] == list(range(12)) and data["labels"] == ["Vanilla RNN", "GRU", "LSTM"]
    assert data["series"] == got  # all positive and finite here
    assert f"seed {seed}" in data["note"] and f"{n} hidden unit" in data["note"]


def numbers(sentence):
    return [float(v) for v in re.findall(r"(?<![\w.])(\d[\d.e+-]*)(?= for the )", sentence)]


def test_the_reading_is_computed_from_the_numbers():
    xs = make_sequence("sine", 64)
    values = compare.reaches(xs, 1, 1)
    text = compare.reading(values)
    assert text.startswith("63 steps back from the end (t = 0)")
    shown = numbers(text)
    assert shown == [float(f"{values[c][0]:.3g}") for c in cells.CELLS]
    most = max(cells.CELLS, key=lambda c: values[c][0])
    least = min(cells.CELLS, key=lambda c: values[c][0])
    assert f"the {cells.LABELS[most]} keeps the most" in text
    ratio = values[most][0] / values[least][0]
    assert f"{compare.times(ratio)} times as much as the {cells.LABELS[least]}." in text
    # the other way round the sentence follows the numbers, not a script
    swapped = {"vanilla": values["lstm"], "gru": values["gru"], "lstm": values["vanilla"]}
    assert "the Vanilla RNN keeps the most" in compare.reading(swapped)


def test_readings_for_zero_overflow_and_equal_reaches():
    same = {c: [0.5, 1.0] for c in cells.CELLS}
    assert compare.reading(same).endswith("all three keep the same.")
    assert compare.reading(same).startswith("One step back")
    zero = {"vanilla": [0.0, 1.0], "gru": [0.3, 1.0], "lstm": [0.1, 1.0]}
    assert "for the Vanilla RNN it has vanished to exactly 0." in compare.reading(zero)
    inf = {"vanilla": [math.inf, 1.0], "gru": [0.3, 1.0], "lstm": [math.nan, 1.0]}
    text = compare.reading(inf)
    assert "infinite for the Vanilla RNN" in text and "undefined (NaN) for the LSTM" in text
    assert "for the Vanilla RNN and the LSTM it overflowed" in text


def test_the_chart_leaves_out_what_a_log_scale_cannot_draw():
    # a vanilla ReLU unit with large weights explodes; over 100 steps a sigmoid one vanishes
    xs = make_sequence("sine", 64)
    data = compare.panel_data(xs, 1, 3, "linear")
    assert all(v is None or (math.isfinite(v) and v >= compare.FLOOR)
               for s in data["series"].values() for v in s)  # fmt: skip
    tiny = compare.panel_data([0.5] * 100, 1, 1, "sigmoid")
    raw = compare.reaches([0.5] * 100, 1, 1, "sigmoid")
    for t, v in enumerate(raw["vanilla"]):
        assert tiny["series"]["vanilla"][t] == (v if v >= compare.FLOOR else None)
    assert tiny["series"]["vanilla"][0] is None  # below 1e-30: not drawn, but read out
    assert f"{raw['vanilla'][0]:.3g} for the Vanilla RNN" in tiny["reading"]


def test_the_module_examples_run():
    assert doctest.testmod(compare).failed == 0
