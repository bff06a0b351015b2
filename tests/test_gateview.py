"""The page's view of the gated cells on CPython: the weight grids' cells for any cell
(rnn_py.page.grid), the gate columns, gate equations, cell-state lane and forget-gate presets
(rnn_py.page.gateview), the snapshot for every cell against an independent NumPy forward pass, the
forecast for any cell, and bad weight files, links and gaps."""

from __future__ import annotations

import doctest
import json
import math
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from rnn_py import cells
from rnn_py.forecast import forecast
from rnn_py.page import explain, gateview, grid, view
from rnn_py.page.state import (
    REMEMBER,
    DemoState,
    export_weights,
    from_query,
    import_weights,
    read_gap,
    to_query,
)

ROOT = Path(__file__).resolve().parent.parent


def sig(a):
    return 1.0 / (1.0 + np.exp(-a))


def numpy_forward(p, xs):
    """h_t, the gate columns of the table and y_t for a GRU or LSTM, written from the equations
    in array style (independent of rnn_py's loops)."""
    W = {k: np.array(v, dtype=float) for k, v in p.to_dict().items()}
    n = p.n
    h, c = np.zeros(n), np.zeros(n)
    hs, cols, ys = [], [], []
    for x in xs:
        a = {g: W["w_x" + g] * x + W["w_h" + g] @ h + W["b_" + g] for g in p.GATES if g != "h"}
        if p.CELL == "gru":
            r, z = sig(a["r"]), sig(a["z"])
            hc = np.tanh(W["w_xh"] * x + W["w_hh"] @ (r * h) + W["b_h"])
            h = z * h + (1 - z) * hc
            cols.append([r, z])
        else:
            i, f, o, cc = sig(a["i"]), sig(a["f"]), sig(a["o"]), np.tanh(a["c"])
            c = f * c + i * cc
            h = o * np.tanh(c)
            cols.append([i, f, o, c])
        hs.append(h)
        ys.append(float(W["w_hy"] @ h + W["b_y"]))
    return hs, cols, ys


def parse(text):
    """A table cell back into numbers: '0.1234' or '[0.1, -0.2]'."""
    return [float(v) for v in re.findall(r"-?\d+\.\d+(?:e[+-]\d+)?", text)]


@pytest.mark.parametrize("module", [grid, gateview])
def test_docstring_examples(module):
    assert doctest.testmod(module).failed == 0


# ---- the grids' cells ---------------------------------------------------------------------------


@pytest.mark.parametrize("cell", cells.CELLS)
@pytest.mark.parametrize("n", [1, 3])
def test_weight_cells_cover_every_weight_in_flat_order(cell, n):
    p = cells.random_params(cell, n, 4)
    got = grid.weight_cells(p)
    assert [c["value"] for c in got] == p.flat()
    assert len({c["label"] for c in got}) == len(got) == type(p).size(n)
    for c in got:  # each cell's label and gate follow from its weight's name and index
        assert c["label"].startswith(grid.symbol(c["param"]))
        assert c["gate"] == ("y" if c["param"] in ("w_hy", "b_y") else c["param"][-1])
        changed = grid.with_cell(p, c["param"], c["index"], 2.5)
        diff = [k for k, (a, b) in enumerate(zip(p.flat(), changed.flat(), strict=True)) if a != b]
        assert len(diff) <= 1 and changed.flat().count(2.5) >= 1


def test_with_cell_refuses_what_the_cell_does_not_have():
    gru_p = cells.random_params("gru", 2, 1)
    with pytest.raises(ValueError, match="The GRU has no W_xf"):
        grid.with_cell(gru_p, "w_xf", (0,), 1.0)
    with pytest.raises(ValueError, match=r"There is no W_hz\[3,1\]: with 2 hidden units"):
        grid.with_cell(gru_p, "w_hz", (2, 0), 1.0)
    with pytest.raises(ValueError, match="W_xz takes one unit number"):
        grid.with_cell(gru_p, "w_xz", (0, 1), 1.0)
    for bad in (math.inf, math.nan, 2e6, "x", True):
        with pytest.raises(ValueError, match=r"W_hz\[1,2\] must be a number"):
            grid.with_cell(gru_p, "w_hz", (0, 1), bad)
    assert grid.with_cell(gru_p, "b_z", 1, -3.0).b_z == [gru_p.b_z[0], -3.0]


# ---- the snapshot for every cell ----------------------------------------------------------------


@pytest.mark.parametrize("cell", ["gru", "lstm"])
@pytest.mark.parametrize("n", [1, 2])
def test_snapshot_rows_and_series_match_an_independent_forward(cell, n):
    state = DemoState(sequence="sine", length=9).with_cell(cell).with_hidden(n)
    snap = view.snapshot(state)
    xs = state.xs()
    hs, cols, ys = numpy_forward(state.params, xs)
    gates = list(gateview.GATE_COLUMNS[cell])
    assert [c[0] for c in snap["columns"]] == ["t", "x", "h", *gates, "y", "target x", "error"]
    for t, row in enumerate(snap["rows"]):
        assert len(row) == 6 + len(gates)
        assert parse(row[2]) == pytest.approx(hs[t], abs=6e-5)
        for k, values in enumerate(cols[t]):
            assert parse(row[3 + k]) == pytest.approx(values, abs=6e-5)
        assert float(row[3 + len(gates)]) == pytest.approx(ys[t], abs=6e-5)
    charts = snap["charts"]
    assert charts["reach"] == [view.log_drawable(r) for r in cells.reach(state.params, xs)]
    assert [charts["h"][i][t] for t in range(len(xs)) for i in range(n)] == pytest.approx(
        [v for h in hs for v in h]
    )
    if cell == "lstm":
        assert charts["reach_c"] == pytest.approx(cells.cell_state_reach(state.params, xs))
        g = cells.backward(state.params, xs)
        for t in range(1, len(xs)):  # the gradient passed back along c from c_t to c_{t−1}
            f = g.trace.gates[t]["f"]
            flow = math.hypot(*(g.dc[t][i] * f[i] for i in range(n)))
            want = view.log_drawable(flow)  # 0 (no gradient) is a gap on the log scale
            assert charts["c_flow"][t] == (None if want is None else pytest.approx(want))
        assert [charts["c"][i][-1] for i in range(n)] == pytest.approx(list(cols[-1][3]))
    else:
        assert "c" not in charts and "reach_c" not in charts


def test_gate_equations_substitute_this_steps_numbers():
    state = replace(DemoState(sequence="linear", length=5).with_cell("lstm"), step=3)
    p, xs, t = state.params, state.xs(), 2
    hs, cols, ys = numpy_forward(p, xs)
    text = gateview.equation_text(view.snapshot(state)["equation"])

    def num(v):
        s = view.short(float(v)).replace("-", "−")
        return f"({s})" if v < 0 else s

    h1 = hs[1][0]
    for k, g in enumerate("ifo"):
        w_x, w_h, b = (
            p.to_dict()[f"w_x{g}"][0],
            p.to_dict()[f"w_h{g}"][0][0],
            p.to_dict()[f"b_{g}"][0],
        )
        inside = f"{num(w_x)}·{num(xs[t])} + {num(w_h)}·{num(h1)} + {num(b)}"
        want = f"{g}_2 = σ({inside}) = {num(cols[t][k][0])}"
        assert want in text, (want, text)
    c1, c2 = cols[1][3][0], cols[2][3][0]
    assert text[4].startswith(f"c_2 = {num(cols[t][1][0])}·{num(c1)} + {num(cols[t][0][0])}·")
    assert text[4].endswith(f"= {num(c2)}")
    assert text[5] == f"h_2 = {num(cols[t][2][0])}·tanh({num(c2)}) = {num(hs[2][0])}"
    assert text[6].startswith("y_2 = ") and text[6].endswith(num(ys[2]))
    assert text[7].startswith("target x_3")

    gru_state = replace(
        DemoState(sequence="linear", length=5).with_cell("gru").with_hidden(2), step=2
    )
    lines = gateview.equation_text(view.snapshot(gru_state)["equation"])
    assert lines[0].startswith("r_1 = σ(W_xrx_1 + W_hrh_0 + b_r) = [")
    assert lines[2].startswith("h̃_1 = tanh(W_xhx_1 + W_hh(r_1 ⊙ h_0) + b_h) = [")
    assert lines[3].startswith("h_1 = z_1 ⊙ h_0 + (1 − z_1) ⊙ h̃_1 = [")


def test_the_long_lag_task_has_one_target_at_the_last_step():
    state = DemoState(sequence=REMEMBER, gap=6).with_cell("gru")
    snap = view.snapshot(state)
    xs, targets = state.task().shown()
    assert snap["charts"]["target"] == [None] * 6 + [xs[0]]
    assert [row[-2] for row in snap["rows"]] == ["—"] * 6 + [view.cell(xs[0])]
    assert snap["columns"][-2] == ["target", ""]
    loss = cells.forward(state.params, xs, targets=targets).loss
    assert snap["loss"].startswith(f"{loss:.4g} (squared error of the last prediction")
    assert snap["forecast_from"] is None and "forecast" not in snap["charts"]
    csv = view.timesteps_csv(replace(state, forecast=True)).splitlines()
    assert csv[0] == "t,x_t,h_t,r_t,z_t,y_t,target,error,kind"
    assert csv[-1].split(",")[-3] == repr(xs[0]) and csv[1].split(",")[-2] == ""
    assert {line.split(",")[-1] for line in csv[1:]} == {"data"}  # no forecast for the task


@pytest.mark.parametrize("cell", cells.CELLS)
def test_forecast_runs_any_cell_on_its_own_predictions(cell):
    p = cells.random_params(cell, 2, 3)
    xs = [0.1, 0.5, -0.2, 0.3]
    fc = forecast(p, xs, "tanh", 5)
    # Reading the data and then the forecast's own inputs gives the forecast's outputs.
    longer = cells.forward(p, xs + fc.x, "tanh")
    assert longer.y[len(xs) :] == pytest.approx(fc.y, abs=1e-12)
    assert fc.x[1:] == fc.y[:-1]


# ---- the forget-gate presets: every claim the page makes, recomputed -----------------------------


def preset_numbers(name):
    state = replace(DemoState(), **gateview.preset_settings(name))
    xs = state.xs()
    assert len(xs) == 64 and state.cell == "lstm"
    trace = cells.forward(state.params, xs)
    f = [g["f"][0] for g in trace.gates]
    return cells.reach(state.params, xs), cells.cell_state_reach(state.params, xs), f


def test_forget_gate_open_keeps_the_gradient_over_64_steps():
    reach, along_c, f = preset_numbers("forget-open")
    html = (ROOT / "site" / "index.html").read_text()
    assert all(round(v, 4) == 0.9997 for v in f)  # "f_t ≈ 0.9997"
    assert f"{100 * along_c[0]:.1f}%" == "97.9%" and "97.9%" in html
    assert reach[0] >= reach[62]  # "the reach at t = 0 is no smaller than at t = 62"


def test_forget_gate_shut_keeps_the_memory_one_step():
    reach, along_c, f = preset_numbers("forget-shut")
    assert all(round(v, 4) == 0.0003 for v in f)  # "f_t ≈ 0.0003"
    assert along_c[62] < 0.001  # "less than 0.001 of the gradient survives a single step"
    assert reach[0] < 1e-100  # "the reach at t = 0 is below 10⁻¹⁰⁰"
    assert reach[62] > 1e-3  # one step back it is still there


# ---- bad input: a clear message, nothing changed -------------------------------------------------


def test_weight_files_of_every_cell_round_trip_and_bad_ones_are_refused():
    base = DemoState()
    for cell in cells.CELLS:
        state = DemoState().with_cell(cell).with_hidden(3)
        assert import_weights(export_weights(state), base).params == state.params
        query = to_query(state)
        assert from_query(query) == (state, [])
    lstm_doc = json.loads(export_weights(DemoState().with_cell("lstm")))
    bad = {
        "cell": dict(lstm_doc, cell="gru"),  # LSTM weights said to be a GRU's
        "missing gate": dict(
            lstm_doc, params={k: v for k, v in lstm_doc["params"].items() if not k.endswith("f")}
        ),  # fmt: skip
        "shape": dict(lstm_doc, params=dict(lstm_doc["params"], w_hc=[[1.0, 2.0]])),
        "unknown cell": dict(lstm_doc, cell="transformer"),
    }
    messages = {}
    for what, document in bad.items():
        with pytest.raises(ValueError) as error:
            import_weights(json.dumps(document), base)
        messages[what] = str(error.value)
    assert "no 'w_xr'" in messages["cell"]
    assert "(gate f)" in messages["missing gate"]
    assert "w_hc must be a 1×1 grid" in messages["shape"]
    assert "not one of vanilla, gru, lstm" in messages["unknown cell"]
    for text in ('"b_f": [NaN]', '"b_f": [Infinity]', '"b_f": [1e999]'):
        doc = json.dumps(lstm_doc).replace('"b_f": [1.0]', text)
        assert text in doc
        with pytest.raises(ValueError, match="b_f"):
            import_weights(doc, base)


def test_a_link_with_a_bad_cell_falls_back_to_vanilla_and_says_so():
    state, notices = from_query("cell=lstmm&n=2")
    assert state.cell == "vanilla" and state.hidden == 2
    assert notices == [
        "The link's Cell ('lstmm') is not one of vanilla, gru, lstm. "
        "Using the vanilla cell instead."
    ]


@pytest.mark.parametrize("text", ["1", "101", "500", "2.5", "abc", "", "nan", "1e999", "-3"])
def test_a_gap_out_of_range_is_refused(text):
    value, message = read_gap(text)
    assert value is None and message.endswith("so nothing changed.")
    assert "from 2 to 100" in message


def test_a_gap_in_range_is_read():
    assert (
        read_gap(" 100 ") == (100, "") and read_gap("2") == (2, "") and read_gap("7.0") == (7, "")
    )


# ---- the page's sentences about the cells, the task and Adam, recomputed -------------------------


def test_gated_biases_start_at_one_and_the_activation_is_the_vanilla_cells():
    for n in (1, 4):
        assert cells.random_params("lstm", n, 3).b_f == [1.0] * n
        assert cells.random_params("gru", n, 3).b_z == [1.0] * n
    # the page's hint under the Cell select (rnn_py.explain; tests/test_explain.py)
    assert "forget bias b_f starts at 1 by default" in explain.cell_note("lstm")
    assert "update bias b_z starts at 1 by default" in explain.cell_note("gru")
    for cell in ("gru", "lstm"):  # the activation select changes nothing for a gated cell
        state = DemoState(sequence="sine", length=8).with_cell(cell).with_hidden(2)
        rows = view.snapshot(state)["rows"]
        for activation in ("relu", "sigmoid", "linear"):
            assert view.snapshot(replace(state, activation=activation))["rows"] == rows


def test_the_cell_state_reach_is_the_product_of_the_forget_gates():
    p = cells.random_params("lstm", 1, 5)
    xs = [0.3, -0.1, 0.8, 0.2, -0.5]
    f = [g["f"][0] for g in cells.forward(p, xs).gates]
    want = [math.prod(f[t + 1 :]) for t in range(len(xs))]
    assert cells.cell_state_reach(p, xs) == pytest.approx(want)


def test_the_long_lag_task_as_the_page_describes_it():
    state = DemoState(sequence=REMEMBER)
    task = state.training_data()
    assert state.batch == 16 and len(task.batch(1)) == 16
    assert task.batch(1) != task.batch(2)  # a fresh batch each epoch
    xs, targets = task.shown()
    assert len(xs) == state.gap + 1 and targets == [None] * state.gap + [xs[0]]
    zero = cells.params_class("gru").zeros(2)  # always answers 0
    from rnn_py.studies.remember import evaluate

    assert abs(evaluate(zero, task.test_set(4000)) - 1 / 3) < 0.02  # "scores 1/3 ≈ 0.33"


def test_adams_first_step_moves_every_weight_by_about_the_learning_rate():
    """The page: Adam divides each weight's step by a running average of its gradient size,
    so weights with tiny gradients move about as far as steep ones."""
    state = DemoState(sequence=REMEMBER, gap=5).with_cell("lstm")
    start, lr = state.params, 0.01
    g = rnn_py_train_first(start, state, "gd", lr)
    a = rnn_py_train_first(start, state, "adam", lr)
    moved_gd = [abs(x - y) for x, y in zip(g.params.flat(), start.flat(), strict=True)]
    moved_adam = [abs(x - y) for x, y in zip(a.params.flat(), start.flat(), strict=True)]
    nonzero = [k for k, m in enumerate(moved_gd) if m > 0]
    assert max(moved_gd[k] for k in nonzero) / min(moved_gd[k] for k in nonzero) > 100
    assert [moved_adam[k] for k in nonzero] == pytest.approx([lr] * len(nonzero), rel=1e-3)


def rnn_py_train_first(start, state, optimizer, lr):
    from rnn_py.train import train_bptt

    return next(train_bptt(start, state.training_data(), "tanh", lr=lr, clip=5.0, epochs=1,
                           optimizer=optimizer))  # fmt: skip
