"""The gated cells (GRU, LSTM) against an independent NumPy implementation and finite
differences, the cell interface shared with the vanilla cell, Adam, and the long-lag task."""

import json
import math
import random

import numpy as np
import pytest
import reference
import reference_gated as ref

from rnn_py import cells, train
from rnn_py.cells import gru, lstm
from rnn_py.cells import vanilla as model
from rnn_py.page.state import DemoState, export_weights, from_query, import_weights, to_query
from rnn_py.studies import remember

GATED = ("gru", "lstm")


def _params(cell, n, seed, scale=1.0):
    """Random weights with every entry in [−scale, scale] (biases too)."""
    cls = cells.params_class(cell)
    rng = random.Random(seed)
    return cls.from_flat(n, [rng.uniform(-scale, scale) for _ in range(cls.size(n))])


def _xs(seed, T=7):
    rng = random.Random(1000 + seed)
    return [rng.uniform(-1.0, 1.0) for _ in range(T)]


def _reference(params, xs, targets=None):
    return (ref.lstm if params.CELL == "lstm" else ref.gru)(params, xs, targets)


@pytest.mark.parametrize("cell", GATED)
@pytest.mark.parametrize("n", [1, 2, 3, 4])
@pytest.mark.parametrize("scale", [1.0, 6.0])  # 6: many gates saturated near 0 or 1
def test_gated_cells_match_numpy(cell, n, scale):
    for seed in range(3):
        params, xs = _params(cell, n, seed, scale), _xs(seed)
        g = cells.backward(params, xs)
        loss, H, C, grads = _reference(params, xs)
        assert g.loss == pytest.approx(loss, rel=1e-10, abs=1e-13)
        assert np.allclose(g.trace.h, H, rtol=1e-10, atol=1e-13)
        if C is not None:
            assert np.allclose(g.trace.c, C, rtol=1e-10, atol=1e-13)
        got = g.grads.to_dict()
        assert set(got) == set(grads)
        for name, value in grads.items():
            assert np.allclose(got[name], value, rtol=1e-8, atol=1e-12), (cell, n, name)


@pytest.mark.parametrize("cell", GATED)
def test_gated_cells_match_numpy_with_a_target_only_at_the_end(cell):
    params, xs = _params(cell, 3, 5), _xs(5, T=9)
    targets = [None] * 8 + [xs[0]]
    g = cells.backward(params, xs, targets=targets)
    loss, _, _, grads = _reference(params, xs, targets)
    assert g.loss == pytest.approx(loss, rel=1e-10)
    assert g.loss == pytest.approx((g.trace.y[-1] - xs[0]) ** 2, rel=1e-12)
    for name, value in grads.items():
        assert np.allclose(g.grads.to_dict()[name], value, rtol=1e-8, atol=1e-12)


def _close_vectors(got, want):
    """Each vector within rounding of backward's: the sums run in another order."""
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        scale = max(map(abs, w), default=0.0) + 1e-300
        assert all(abs(a - b) <= 1e-13 * scale for a, b in zip(g, w, strict=True)), (g, w)


@pytest.mark.parametrize("cell", GATED)
@pytest.mark.parametrize("n", [1, 3, 8])
def test_state_gradients_are_backwards_and_come_with_the_reach(cell, n):
    """cells.state_grads (what the page draws: dh, dc) gives backward's numbers to the last bits,
    with its own forward pass or the one a forward just shared, with and without end-only
    targets; the loss follows the targets even when the shared trace was made without them.
    state_grads_and_reach gives the same gradients bit for bit, and `reach`'s numbers."""
    for seed, targets in ((0, None), (1, "end"), (2, None)):
        params, xs = _params(cell, n, seed, scale=3.0), _xs(seed, T=12)
        targets = None if targets is None else [None] * 11 + [xs[0]]
        full = cells.backward(params, xs, targets=targets)
        cells.forward(params, [*xs[:-1], 0.25])  # another trace is the one kept: no sharing
        alone = cells.state_grads(params, xs, targets=targets)
        cells.forward(params, xs)  # the same inputs' trace is kept (without the targets)
        shared = cells.state_grads(params, xs, targets=targets)
        together, reach = cells.state_grads_and_reach(params, xs, targets=targets)
        for got in (alone, shared, together):
            assert got.grads is None and repr(got.loss) == repr(full.loss)
            assert repr(got.trace.h) == repr(full.trace.h)
            _close_vectors(got.dh, full.dh)
            if cell == "lstm":
                _close_vectors(got.dc, full.dc)
            else:
                assert got.dc is None
        assert repr((alone.dh, alone.dc)) == repr((together.dh, together.dc))
        assert repr((shared.dh, shared.dc)) == repr((together.dh, together.dc))
        assert reach == cells.reach(params, xs)


@pytest.mark.parametrize("cell", [*GATED, "vanilla"])
@pytest.mark.parametrize("n", [1, 3])
def test_every_gradient_matches_central_differences(cell, n):
    params, xs = _params(cell, n, 11), _xs(11, T=6)
    cls, flat = type(params), params.flat()
    analytic = cells.backward(params, xs).grads.flat()
    eps = 1e-6
    for k in range(len(flat)):
        up, down = list(flat), list(flat)
        up[k] += eps
        down[k] -= eps
        numeric = (
            cells.forward(cls.from_flat(n, up), xs).loss
            - cells.forward(cls.from_flat(n, down), xs).loss
        ) / (2 * eps)
        assert analytic[k] == pytest.approx(numeric, rel=1e-5, abs=1e-8), (cell, k)


@pytest.mark.parametrize("n", [1, 2, 4])
def test_the_vanilla_cell_in_the_shared_shape_equals_the_tight_loops(n):
    """model.Cell (the interface the text task uses) computes bitwise what model's own loops do."""
    params = model.Params.random(n, 3)
    xs = _xs(3)
    tight = model.backward(params, xs, "tanh")
    shared = cells._backward(params, xs, model.Cell("tanh"))
    assert shared.trace.h == tight.trace.h and shared.trace.y == tight.trace.y
    assert shared.loss == tight.loss
    assert np.allclose(shared.grads.flat(), tight.grads.flat(), rtol=1e-13, atol=1e-15)
    assert shared.dh == tight.dh


def test_vanilla_numbers_are_unchanged_by_the_cells():
    """The vanilla cell still matches the original NumPy reference exactly as before."""
    params, xs = model.Params.random(3, 4), _xs(4)
    g = cells.backward(params, xs, "relu")
    loss, grads, dH = reference.gradients(params, xs, "relu")
    assert g.loss == pytest.approx(loss, rel=1e-12)
    for name, value in grads.items():
        assert np.allclose(getattr(g.grads, name), value, rtol=1e-9, atol=1e-14)
    assert np.allclose(g.dh, dH, rtol=1e-9, atol=1e-14)


def _h_last_after(params, cell_obj, xs, t, h, c):
    """h_{T−1} when the run is restarted at step t from the state (h, c)."""
    for x in xs[t + 1 :]:
        u = cells.input_terms(params, cell_obj.gates, x)
        _, h, c = cell_obj.step(params, u, h, c)
    return h


@pytest.mark.parametrize("cell", GATED)
def test_reach_is_the_norm_of_the_true_jacobian(cell):
    """‖∂h_{T−1}/∂h_t‖ by finite differences (c_t held fixed), with n = 3 and no symmetry, so a
    transposed Jacobian would not pass."""
    n, params, xs = 3, _params(cell, 3, 21, 1.5), _xs(21, T=6)
    reach = cells.reach(params, xs)
    cell_obj = cells.make_cell(cell)
    tr = cells.forward(params, xs)
    for t in range(len(xs) - 1):
        c = tr.c[t] if tr.c else [0.0] * n
        J = np.zeros((n, n))
        for j in range(n):
            up, down = list(tr.h[t]), list(tr.h[t])
            up[j] += 1e-6
            down[j] -= 1e-6
            J[:, j] = (
                np.array(_h_last_after(params, cell_obj, xs, t, up, c))
                - np.array(_h_last_after(params, cell_obj, xs, t, down, c))
            ) / 2e-6
        assert reach[t] == pytest.approx(np.linalg.norm(J), rel=1e-6)
    assert reach[-1] == pytest.approx(math.sqrt(n))


def test_the_lstm_cell_state_reach_is_the_product_of_forget_gates():
    params, xs = _params("lstm", 2, 8), _xs(8, T=6)
    _, _, _, _ = ref.lstm(params, xs)
    tr = cells.forward(params, xs)
    f = np.array([g["f"] for g in tr.gates])
    expected = [np.linalg.norm(np.prod(f[t + 1 :], axis=0)) for t in range(len(xs))]
    assert np.allclose(cells.cell_state_reach(params, xs), expected, rtol=1e-12)
    with pytest.raises(ValueError, match="Only the LSTM"):
        cells.cell_state_reach(_params("gru", 2, 8), xs)


@pytest.mark.parametrize("cell", GATED)
def test_params_round_trip_and_start_as_documented(cell):
    cls = cells.params_class(cell)
    for n in (1, 3, 8):
        p = cls.random(n, 5)
        assert cls.random(n, 5) == p and cls.random(n, 6) != p
        assert cls.from_flat(n, p.flat()) == p
        assert cls.from_dict(json.loads(json.dumps(p.to_dict()))) == p
        assert len(p.flat()) == cls.size(n) == len(cls.GATES) * (n * n + 2 * n) + n + 1
        kept = "z" if cell == "gru" else "f"
        for g in cls.GATES:
            assert getattr(p, "b_" + g) == [1.0 if g == kept else 0.0] * n
            w_h = np.array(getattr(p, "w_h" + g))
            # uniform in [−1, 1] scaled by 1/√n: within the bound, and reaching close to it
            assert np.abs(w_h).max() <= 1 / math.sqrt(n)
            if n == 8:
                assert np.abs(w_h).max() > 0.8 / math.sqrt(n)


def test_from_dict_names_what_is_wrong():
    d = lstm.Params.random(2, 0).to_dict()
    missing = dict(d)
    del missing["w_hf"]
    with pytest.raises(ValueError, match=r"no 'w_hf' \(gate f\)"):
        lstm.Params.from_dict(missing)
    with pytest.raises(ValueError, match="w_hi must be a 2×2 grid"):
        lstm.Params.from_dict({**d, "w_hi": [[1.0, 2.0]]})
    with pytest.raises(ValueError, match="finite"):
        lstm.Params.from_dict({**d, "b_o": [float("nan"), 0.0]})
    with pytest.raises(ValueError, match="w_xr"):
        gru.Params.from_dict(d)  # LSTM weights are not a GRU's


def test_adam_follows_kingma_and_ba():
    """Five epochs of train_bptt with Adam equal NumPy's Adam on NumPy's own gradients."""
    params, xs = lstm.Params.random(2, 1), _xs(2, T=8)
    steps = list(train.train_bptt(params, xs, "tanh", lr=0.05, clip=5.0, epochs=5,
                                  optimizer="adam"))  # fmt: skip
    theta, grads_seen = np.array(params.flat()), []
    for _ in range(5):
        p = lstm.Params.from_flat(2, list(theta))
        _, _, _, g = ref.lstm(p, xs)
        flat = np.clip(np.array(lstm.Params(**{k: _listify(v) for k, v in g.items()}).flat()),
                       -5, 5)  # fmt: skip
        grads_seen.append(flat)
        theta = ref.adam(params.flat(), grads_seen, 0.05)
    assert np.allclose(steps[-1].params.flat(), theta, rtol=1e-9, atol=1e-12)


def _listify(v):
    v = np.asarray(v, float)
    return float(v) if v.ndim == 0 else v.tolist()


def test_adam_and_gradient_descent_differ_and_bad_optimizer_is_refused():
    params, xs = gru.Params.random(2, 1), _xs(3)
    gd = list(train.train_bptt(params, xs, "tanh", 0.05, 5.0, 3, "gd"))[-1].params
    adam = list(train.train_bptt(params, xs, "tanh", 0.05, 5.0, 3, "adam"))[-1].params
    assert gd != adam
    # gradient descent's first step is exactly θ − lr·g
    g = cells.backward(params, xs).grads.flat()
    first = list(train.train_bptt(params, xs, "tanh", 0.05, None, 1, "gd"))[0].params.flat()
    assert first == [w - 0.05 * d for w, d in zip(params.flat(), g, strict=True)]
    with pytest.raises(ValueError, match="optimizer"):
        train.train_bptt(params, xs, "tanh", optimizer="sgd")


def test_the_remember_task():
    task = remember.Remember(gap=12, batch=4, seed=3)
    batch = task.batch(1)
    assert batch == task.batch(1) and batch != task.batch(2)
    for xs, targets in batch:
        assert len(xs) == 13 and targets[:-1] == [None] * 12 and targets[-1] == xs[0]
        assert -1 <= xs[0] <= 1 and all(abs(x) < 0.6 for x in xs[1:])  # σ 0.1 noise
    x0 = [xs[0] for _ in range(50) for xs, _ in remember.Remember(5, 64, _).batch(0)]
    assert np.mean(np.square(x0)) == pytest.approx(remember.BASELINE, rel=0.05)
    for bad in (1, 101, 2.5, "20", True):
        with pytest.raises(ValueError, match="gap"):
            remember.Remember(gap=bad)


def test_batch_training_averages_the_examples_gradients():
    task = remember.Remember(gap=4, batch=3, seed=2)
    params = gru.Params.random(2, 0)
    step = next(iter(train.train_bptt(params, task, "tanh", lr=0.1, clip=None, epochs=1)))
    per_example = [ref.gru(params, xs, t) for xs, t in task.batch(1)]
    assert step.loss == pytest.approx(np.mean([r[0] for r in per_example]), rel=1e-12)
    mean_grad = {k: np.mean([r[3][k] for r in per_example], axis=0) for k in per_example[0][3]}
    expected = np.array(params.flat()) - 0.1 * np.array(
        gru.Params(**{k: _listify(v) for k, v in mean_grad.items()}).flat()
    )
    assert np.allclose(step.params.flat(), expected, rtol=1e-10, atol=1e-13)


def test_random_search_for_a_gated_cell():
    xs = _xs(1)
    steps = list(train.random_search(xs, "tanh", n=2, trials=20, seed=4, cell="lstm"))
    assert all(s.params.CELL == "lstm" for s in steps)
    assert steps[-1].best_loss == min(s.loss for s in steps)
    assert steps[-1].best_loss == cells.forward(steps[-1].params, xs).loss


@pytest.mark.parametrize("cell", ["vanilla", *GATED])
def test_links_and_weight_files_carry_the_cell(cell):
    state = DemoState().with_cell(cell).with_hidden(3)
    assert state.cell == cell and state.hidden == 3
    back, notices = from_query(to_query(state))
    assert notices == [] and back.params == state.params and back.cell == cell
    loaded = import_weights(export_weights(state), DemoState())
    assert loaded.params == state.params and loaded.cell == cell


def test_bad_cells_in_links_and_files_get_messages():
    state, notices = from_query("cell=transformer&n=1")
    assert state.cell == "vanilla"
    assert any("Cell" in m and "vanilla" in m for m in notices)
    gru_file = json.loads(export_weights(DemoState().with_cell("gru")))
    old = {k: v for k, v in json.loads(export_weights(DemoState())).items() if k != "cell"}
    assert import_weights(json.dumps(old), DemoState()).cell == "vanilla"  # files from before
    with pytest.raises(ValueError, match="not one of"):
        import_weights(json.dumps({**gru_file, "cell": "rnn9"}), DemoState())
    with pytest.raises(ValueError, match="w_xi"):  # says GRU weights are not an LSTM's
        import_weights(json.dumps({**gru_file, "cell": "lstm"}), DemoState())
    del gru_file["params"]["b_r"]
    with pytest.raises(ValueError, match=r"'b_r' \(gate r\)"):
        import_weights(json.dumps(gru_file), DemoState())
