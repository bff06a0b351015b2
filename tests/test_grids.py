"""Hidden units 1–8 and the weight grids: links, files, cells, the snapshot the painter gets.

Checked against the independent NumPy reference (tests/reference.py) where a number is computed.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace

import numpy as np
import pytest
import reference
from hypothesis import given, settings
from hypothesis import strategies as st

import rnn_py
from rnn_py.page.state import (
    MAX_HIDDEN,
    SAVED_LIMIT,
    DemoState,
    cell_label,
    default_params,
    export_weights,
    from_query,
    import_weights,
    to_query,
    weight_cells,
    with_cell,
)
from rnn_py.page.view import snapshot, snapshot_json

PARAM_NAMES = ("w_xh", "w_hh", "w_hy", "b_h", "b_y")


def eight(seed: int = 3) -> rnn_py.Params:
    return rnn_py.Params.random(8, seed)


def test_the_page_offers_up_to_eight_units():
    assert MAX_HIDDEN == 8
    assert DemoState().with_hidden(8).hidden == 8


# ---- links, weight files, classroom links ----------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, MAX_HIDDEN),
    data=st.data(),
)
def test_links_round_trip_every_hidden_size(n, data):
    weight = st.floats(-SAVED_LIMIT, SAVED_LIMIT, allow_nan=False)
    values = data.draw(
        st.lists(weight, min_size=rnn_py.Params.size(n), max_size=rnn_py.Params.size(n))
    )
    state = DemoState(sequence="fibonacci", params=rnn_py.Params.from_flat(n, values))
    back, notices = from_query(to_query(state))
    assert back == state and not notices


def test_an_eight_unit_link_carries_all_89_weights():
    state = DemoState(params=eight())
    query = to_query(state)
    assert "n=8&" in query
    w = dict(part.split("=", 1) for part in query.split("&"))["w"]
    assert len(w.split(",")) == 8 * 8 + 3 * 8 + 1 == 89
    assert from_query(query) == (state, [])


@pytest.mark.parametrize(
    ("query", "hidden", "says"),
    [
        ("n=9", 1, "Hidden units ('9') is outside 1–8"),
        ("n=0", 1, "outside 1–8"),
        ("n=8.5", 1, "is not a number"),
        ("n=8&w=1,2,3", 8, "The link has 3 weights; 8 hidden units need 89"),
        ("n=8&w=" + ",".join(["0.5"] * 88) + ",nan", 8, "must be numbers from"),
        ("n=8&w=" + ",".join(["0.5"] * 88) + ",1e7", 8, "must be numbers from"),
        ("n=2&w=" + ",".join(["0.5"] * 89), 2, "The link has 89 weights; 2 hidden units need 11"),
    ],
)
def test_tampered_hidden_size_falls_back_with_a_notice(query, hidden, says):
    state, notices = from_query("seq=linear&" + query)
    assert state.sequence == "linear"  # the good part of the link still applies
    assert state.hidden == hidden and state.params == default_params(hidden, 1)
    assert len(notices) == 1 and says in notices[0], notices


def test_weight_files_round_trip_eight_units():
    state = DemoState(activation="relu", params=eight())
    text = export_weights(state)
    assert json.loads(text)["hidden_units"] == 8
    back = import_weights(text, DemoState())
    assert back.params == state.params and back.hidden == 8 and back.activation == "relu"


def test_a_weight_file_with_nine_units_is_refused_with_a_message():
    document = json.loads(export_weights(DemoState(params=rnn_py.Params.random(9, 1))))
    with pytest.raises(ValueError, match="9 hidden units; the most here is 8"):
        import_weights(json.dumps(document), DemoState())
    document["params"]["w_hh"][7] = document["params"]["w_hh"][7][:8]  # a ragged grid
    with pytest.raises(ValueError, match="w_hh must be a 9×9 grid"):
        import_weights(json.dumps(document), DemoState())


def test_classroom_link_keeps_eight_units_and_its_weights():
    # What the teacher panel builds: the current view plus hide/step/explain.
    state = DemoState(sequence="sine", params=eight(5))
    classroom = replace(state, hide=("hidden", "train"), step=3, explain=False)
    back, notices = from_query(to_query(classroom))
    assert back == classroom and back.hidden == 8 and not notices


# ---- cells: labels and one-cell edits ----------------------------------------------------------


@pytest.mark.parametrize("n", range(1, MAX_HIDDEN + 1))
def test_weight_cells_follow_flat_order_with_one_based_labels(n):
    params = rnn_py.Params.random(n, n)
    cells = weight_cells(params)
    assert [c["value"] for c in cells] == params.flat()
    labels = [c["label"] for c in cells]
    assert len(set(labels)) == len(labels) == rnn_py.Params.size(n)
    assert labels[0] == "W_xh[1]" and labels[-1] == "b_y"
    assert f"W_hh[{n},{n}]" in labels and f"W_hy[{n}]" in labels and f"b_h[{n}]" in labels
    assert "W_hh[0,0]" not in labels and f"W_xh[{n + 1}]" not in labels
    for c in cells:  # every cell's label and index describe the same weight
        assert cell_label(c["param"], tuple(c["index"])) == c["label"]
        value = getattr(params, c["param"])
        for k in c["index"]:
            value = value[k]
        assert value == c["value"]


def test_with_cell_changes_exactly_one_number_in_every_position():
    params = eight(7)
    before = params.flat()
    for position, c in enumerate(weight_cells(params)):
        changed = with_cell(params, c["param"], c["index"], 4.25)
        flat = changed.flat()
        assert flat[position] == 4.25
        assert flat[:position] + flat[position + 1 :] == before[:position] + before[position + 1 :]
    assert params.flat() == before  # never mutated


def test_with_cell_reads_rows_into_and_columns_from_units():
    # W_hh[i,j] (1-based) carries unit j's previous state into unit i.
    params = with_cell(rnn_py.Params.zeros(3), "w_hh", (0, 2), 0.5)
    params = with_cell(params, "w_xh", 2, 1.0)  # a plain int works for the vectors
    params = with_cell(params, "b_y", None, -0.25)
    trace = rnn_py.forward(params, [1.0, 0.0, 0.0], "linear")
    assert trace.h[0] == [0.0, 0.0, 1.0]  # x_0 reaches unit 3 only
    assert trace.h[1] == [0.5, 0.0, 0.0]  # unit 3's state moves into unit 1
    assert params.b_y == -0.25


@pytest.mark.parametrize(
    ("name", "index", "value", "says"),
    [
        ("w_qq", (0,), 1.0, "There is no weight called 'w_qq'."),
        (
            "w_hh",
            (0, 2),
            1.0,
            "There is no W_hh[1,3]: with 2 hidden units, W_hh has rows and columns 1 to 2.",
        ),  # fmt: skip
        ("w_xh", (-1,), 1.0, "There is no W_xh[0]: with 2 hidden units, W_xh has entries 1 to 2."),
        ("w_hy", (0, 0), 1.0, "W_hy takes one unit number."),
        ("w_hh", (1,), 1.0, "W_hh takes a row and a column."),
        ("b_y", (0,), 1.0, "b_y is one number."),
        ("b_h", (0.5,), 1.0, "A cell of b_h is numbered by whole numbers."),
        ("b_h", (True,), 1.0, "A cell of b_h is numbered by whole numbers."),
        ("w_hh", (1, 1), float("nan"), "W_hh[2,2] must be a number from -1000000 to 1000000."),
        ("w_hh", (1, 1), float("inf"), "W_hh[2,2] must be a number from"),
        ("b_h", (1,), 2e6, "b_h[2] must be a number from"),
        ("w_xh", (0,), "abc", "W_xh[1] must be a number, not 'abc'."),
        ("w_xh", (0,), True, "W_xh[1] must be a number from"),
    ],
)
def test_with_cell_refuses_with_a_message_naming_the_cell(name, index, value, says):
    with pytest.raises(ValueError) as caught:
        with_cell(rnn_py.Params.zeros(2), name, index, value)
    assert str(caught.value) == says or str(caught.value).startswith(says)


def test_with_cell_on_one_unit_agrees_with_the_sliders():
    from rnn_py.page.state import with_weight

    params = default_params()
    for name in PARAM_NAMES:
        index = () if name == "b_y" else (0, 0) if name == "w_hh" else (0,)
        assert with_cell(params, name, index, -1.5) == with_weight(params, name, -1.5)


# ---- the snapshot for n = 8, against the NumPy reference ----------------------------------------


@pytest.mark.parametrize("activation", rnn_py.ACTIVATIONS)
def test_forward_with_eight_units_matches_numpy(activation):
    params = eight(11)
    xs = rnn_py.make_sequence("sine", 64, normalized=True)
    trace = rnn_py.forward(params, xs, activation)
    Z, H, Y, loss = reference.forward(params, xs, activation)
    assert np.allclose(trace.z, Z, rtol=1e-12, atol=1e-12)
    assert np.allclose(trace.h, H, rtol=1e-12, atol=1e-12)
    assert np.allclose(trace.y, Y, rtol=1e-12, atol=1e-12)
    assert math.isclose(trace.loss, loss, rel_tol=1e-12)


@pytest.mark.parametrize("activation", rnn_py.ACTIVATIONS)
def test_backward_with_eight_units_matches_numpy(activation):
    params = eight(12)
    xs = rnn_py.make_sequence("fibonacci", 20, normalized=True)
    g = rnn_py.backward(params, xs, activation)
    loss, grads, dH = reference.gradients(params, xs, activation)
    assert math.isclose(g.loss, loss, rel_tol=1e-12)
    assert np.allclose(g.dh, dH, rtol=1e-10, atol=1e-13)
    for name in PARAM_NAMES:
        assert np.allclose(getattr(g.grads, name), grads[name], rtol=1e-10, atol=1e-13), name


def test_snapshot_with_eight_units_keeps_h_as_a_vector_and_one_series_per_unit():
    state = DemoState(sequence="sine", length=16, normalized=True, params=eight(), step=10)
    snap = snapshot(state)
    _, H, Y, _ = reference.forward(state.params, state.xs(), "tanh")
    assert snap["n"] == 8 and len(snap["rows"]) == 10
    for t, row in enumerate(snap["rows"]):
        assert row[2] == "[" + ", ".join(f"{v:.4f}" for v in H[t]) + "]"
        assert row[3] == f"{Y[t]:.4f}"
    hidden = snap["charts"]["h"]
    assert len(hidden) == 8 and all(len(series) == 16 for series in hidden)
    for i, series in enumerate(hidden):
        assert np.allclose(series[:10], H[:10, i], rtol=1e-12, atol=1e-15)
        assert series[10:] == [None] * 6  # not read yet


def test_snapshot_cells_are_the_weights_the_model_uses():
    params = with_cell(eight(), "w_hh", (7, 0), -2.5)
    state = DemoState(sequence="linear", length=6, params=params)
    data = json.loads(snapshot_json(state))
    cells = {c["label"]: c for c in data["cells"]}
    assert len(cells) == 89 and cells["W_hh[8,1]"]["value"] == -2.5
    assert cells["W_hh[8,1]"]["param"] == "w_hh" and cells["W_hh[8,1]"]["index"] == [7, 0]
    assert [c["value"] for c in data["cells"]] == params.flat()
    assert data["weights"]["w_hh"][7][0] == -2.5
    # The table is computed with exactly those weights.
    _, H, _, _ = reference.forward(params, state.xs(), "tanh")
    assert data["rows"][5][2] == "[" + ", ".join(f"{v:.4f}" for v in H[5]) + "]"


def test_cell_edit_then_reload_from_the_link_reproduces_the_view():
    state = DemoState(sequence="alternating", params=eight(2))
    for label_index, value in (((0,), 0.05), ((3, 4), -1.25)):
        name = "w_xh" if len(label_index) == 1 else "w_hh"
        state = replace(state, params=with_cell(state.params, name, label_index, value))
    back, notices = from_query(to_query(state))
    assert not notices and snapshot_json(back) == snapshot_json(state)
