"""The model: Params, the forward pass and BPTT, checked against an independent NumPy version
and against finite differences."""

import doctest
import json
import math
import random

import numpy as np
import pytest
import reference
from hypothesis import given, settings
from hypothesis import strategies as st

import rnn_py
from rnn_py import (
    ACTIVATIONS,
    Params,
    backward,
    forward,
    loss_and_grads,
    make_sequence,
    sequences,
    train,
)
from rnn_py.cells import vanilla as model
from rnn_py.page import state, view

QUICK = settings(max_examples=40, deadline=None)


def random_case(n, seed, length=None):
    """Random weights in [−1.5, 1.5] and a random sequence (named and normalized, or noise)."""
    rng = random.Random(seed)
    params = Params.from_flat(n, [rng.uniform(-1.5, 1.5) for _ in range(Params.size(n))])
    length = length or rng.randint(2, 20)
    if seed % 2:
        xs = [rng.gauss(0.0, 1.0) for _ in range(length)]
    else:
        xs = make_sequence(rng.choice(rnn_py.SEQUENCES), max(length, 3), normalized=True)
    return params, xs


CASES = [
    (n, activation, seed) for n in (1, 2, 3, 4) for activation in ACTIVATIONS for seed in (1, 2, 3)
]


def close(a, b):
    np.testing.assert_allclose(np.asarray(a, dtype=float), b, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(("n", "activation", "seed"), CASES)
def test_forward_matches_numpy_reference(n, activation, seed):
    params, xs = random_case(n, seed)
    trace = forward(params, xs, activation)
    Z, H, Y, loss = reference.forward(params, xs, activation)
    close(trace.z, Z)
    close(trace.h, H)
    close(trace.y, Y)
    close(trace.loss, loss)


@pytest.mark.parametrize(("n", "activation", "seed"), CASES)
def test_backward_matches_numpy_reference(n, activation, seed):
    params, xs = random_case(n, seed)
    g = backward(params, xs, activation)
    loss, grads, dH = reference.gradients(params, xs, activation)
    close(g.loss, loss)
    for name, expected in grads.items():
        close(getattr(g.grads, name), expected)
    close(g.dh, dH)
    assert g.trace == forward(params, xs, activation)


@pytest.mark.parametrize(("n", "activation", "seed"), CASES[::3])
def test_loss_and_grads_is_backward(n, activation, seed):
    params, xs = random_case(n, seed)
    loss, grads = loss_and_grads(params, xs, activation)
    g = backward(params, xs, activation)
    assert (loss, grads) == (g.loss, g.grads)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("n", [1, 2, 3])
def test_gradients_match_central_finite_differences(n, activation):
    params, xs = random_case(n, seed=10 + n, length=8)
    if activation == "relu":  # keep clear of the kink, where the derivative jumps
        assert min(abs(z) for zt in forward(params, xs, "relu").z for z in zt) > 1e-4
    analytic = loss_and_grads(params, xs, activation)[1].flat()
    theta, eps = params.flat(), 1e-6
    for k in range(len(theta)):
        up, down = list(theta), list(theta)
        up[k] += eps
        down[k] -= eps
        numeric = (
            forward(Params.from_flat(n, up), xs, activation).loss
            - forward(Params.from_flat(n, down), xs, activation).loss
        ) / (2 * eps)
        assert numeric == pytest.approx(analytic[k], rel=1e-5, abs=1e-7), k


def test_scalar_rnn_by_hand():
    # h_0 = tanh(0.5·1) and y_0 = 2·h_0 − 0.1 predicts x_1 = 2; one error, so L = (y_0 − 2)².
    p = Params.scalar(w_xh=0.5, w_hh=0.3, w_hy=2.0, b_y=-0.1)
    trace = forward(p, [1.0, 2.0], "tanh")
    h0 = math.tanh(0.5)
    assert trace.h[0] == [pytest.approx(h0)]
    assert trace.loss == pytest.approx((2 * h0 - 0.1 - 2.0) ** 2)
    g = backward(p, [1.0, 2.0], "tanh")
    dy = 2 * (2 * h0 - 0.1 - 2.0)
    assert g.grads.w_hy == [pytest.approx(dy * h0)]
    assert g.grads.b_y == pytest.approx(dy)
    assert g.grads.w_xh == [pytest.approx(dy * 2.0 * (1 - h0 * h0) * 1.0)]
    assert g.grads.w_hh == [[pytest.approx(0.0)]]  # h_{−1} = 0
    assert g.dh == [[pytest.approx(2.0 * dy)], [0.0]]  # the last output has no target


def test_dh_includes_the_paths_through_later_steps():
    # With W_hy = 0 no output depends on h directly; only the path through h_{t+1} is left.
    p = Params.scalar(w_xh=1.0, w_hh=0.5, w_hy=0.0, b_y=0.0)
    g = backward(p, [1.0, 0.0, 0.0], "linear")
    assert all(d == [0.0] for d in g.dh)
    p = Params.scalar(w_xh=1.0, w_hh=0.5, w_hy=1.0)
    g = backward(p, [1.0, 0.0, 0.0], "linear")
    # y = h: h_0 = 1, h_1 = 0.5; dy_0 = h_0 − 0 = 1, dy_1 = 0.5 (each scaled by 2/(T−1) = 1)
    assert g.dh[1] == [pytest.approx(0.5)]
    assert g.dh[0] == [pytest.approx(1.0 + 0.5 * 0.5)]


def test_relu_derivative_at_zero_is_zero():
    p = Params.scalar(w_xh=0.0, w_hh=1.0, w_hy=1.0)  # every z_t is exactly 0
    g = backward(p, [1.0, 2.0, 3.0], "relu")
    assert g.grads.w_xh == [0.0] and g.grads.w_hh == [[0.0]] and g.grads.b_h == [0.0]


def test_activations_are_robust_for_large_inputs():
    assert model.sigmoid(1000.0) == 1.0 and model.sigmoid(-1000.0) == 0.0
    assert model.sigmoid(0.0) == 0.5
    assert math.isnan(model.sigmoid(math.nan)) and math.isnan(model.relu(math.nan))
    assert model.relu(-2.0) == 0.0 and model.relu(3.0) == 3.0


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_forward_and_backward_never_raise_on_extreme_weights(activation):
    huge = Params.from_flat(
        2, [1e300, -1e300, 1e300, 1e300, -1e300, 1e300, 1e300, 1e300, -1e3, 1e300, 1e308]
    )
    xs = make_sequence("exponential", 64)
    trace = forward(huge, xs, activation)
    g = backward(huge, xs, activation)
    assert not math.isfinite(trace.loss) or trace.loss > 1e30
    assert len(g.dh) == 64


@QUICK
@given(
    n=st.integers(1, 3),
    activation=st.sampled_from(ACTIVATIONS),
    data=st.data(),
)
def test_no_finite_weights_or_sequence_make_the_passes_raise(n, activation, data):
    weight = st.floats(allow_nan=False, allow_infinity=False)
    params = Params.from_flat(
        n, data.draw(st.lists(weight, min_size=Params.size(n), max_size=Params.size(n)))
    )
    xs = data.draw(st.lists(weight, min_size=2, max_size=20))
    forward(params, xs, activation)
    backward(params, xs, activation)


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda: forward(Params.zeros(1), [1, 2], "softmax"), "Unknown activation"),
        (lambda: forward(Params.zeros(1), [1], "tanh"), "at least 2"),
        (lambda: forward(Params.zeros(1), [1, math.inf], "tanh"), "finite"),
        (lambda: forward(Params.zeros(1), [1, "a"], "tanh"), "only numbers"),
        (lambda: forward(Params.zeros(1), "123", "tanh"), "list of numbers"),
        (lambda: forward(Params([1.0], [[1.0, 2.0]], [1.0], [0.0], 0.0), [1, 2], "tanh"), "1×1"),
        (
            lambda: forward(
                Params([1.0, 2.0], [[1.0, 0.0], [0.0, 1.0]], [1.0], [0.0, 0.0], 0.0), [1, 2], "tanh"
            ),
            "w_hy",
        ),
        (lambda: backward(Params([], [], [], [], 0.0), [1, 2], "tanh"), "w_xh"),
        (lambda: backward({"w_xh": [1]}, [1, 2], "tanh"), "Params"),
    ],
)
def test_forward_and_backward_explain_bad_input(call, words):
    with pytest.raises(ValueError, match=words):
        call()


def test_forward_does_not_mutate_its_arguments():
    params, xs = random_case(2, seed=5)
    before, xs_before = params.to_dict(), list(xs)
    backward(params, xs, "tanh")
    assert params.to_dict() == before and xs == xs_before


# Params


def test_params_constructors():
    p = Params.scalar(0.5, 0.8, 1.0)
    assert p == Params([0.5], [[0.8]], [1.0], [0.0], 0.0) and p.n == 1
    z = Params.zeros(3)
    assert z.n == 3 and z.flat() == [0.0] * 19 and Params.size(3) == 19
    r = Params.random(4, seed=7)
    assert r == Params.random(4, seed=7) != Params.random(4, seed=8)
    assert all(abs(w) <= 1.0 for w in r.w_xh + r.w_hy)
    assert all(abs(w) <= 0.5 for row in r.w_hh for w in row)  # scaled by 1/√4
    assert r.b_h == [0.0] * 4 and r.b_y == 0.0


@pytest.mark.parametrize("n", [1, 2, 5])
def test_flat_round_trip(n):
    p = Params.random(n, seed=n)
    assert len(p.flat()) == Params.size(n)
    assert Params.from_flat(n, p.flat()) == p
    assert p.flat()[n : n + n * n] == [w for row in p.w_hh for w in row]


@pytest.mark.parametrize(
    "call",
    [
        lambda: Params.from_flat(2, [0.0] * 10),
        lambda: Params.from_flat(0, []),
        lambda: Params.from_flat(1, ["a", 1, 2, 3, 4]),
        lambda: Params.from_flat(1, [10**400, 1, 2, 3, 4]),
        lambda: Params.random(0, seed=1),
        lambda: Params.random(2, seed="one"),
        lambda: Params.random(True, seed=1),
        lambda: Params.scalar(math.nan, 0, 0),
        lambda: Params.scalar("1", 0, 0),
    ],
)
def test_params_constructors_raise_value_error(call):
    with pytest.raises(ValueError):
        call()


def test_is_finite():
    assert Params.zeros(2).is_finite()
    assert not Params([math.nan], [[0.0]], [0.0], [0.0], 0.0).is_finite()
    assert not Params([0.0], [[0.0]], [0.0], [0.0], math.inf).is_finite()


@QUICK
@given(
    st.integers(1, 4).flatmap(
        lambda n: st.lists(
            st.floats(allow_nan=False, allow_infinity=False),
            min_size=Params.size(n),
            max_size=Params.size(n),
        ).map(lambda v: Params.from_flat(n, v))
    )
)
def test_to_dict_json_round_trip_is_exact(params):
    d = params.to_dict()
    text = json.dumps(d, allow_nan=False)
    again = Params.from_dict(json.loads(text))
    assert again == params
    assert again.to_dict() == d


GOOD = {
    "w_xh": [1.0, 2.0],
    "w_hh": [[0.1, 0.2], [0.3, 0.4]],
    "w_hy": [1.0, -1.0],
    "b_h": [0.0, 0.5],
    "b_y": 0.25,
}


def with_(**changes):
    d = json.loads(json.dumps(GOOD))
    for key, value in changes.items():
        if value is ...:
            del d[key]
        else:
            d[key] = value
    return d


@pytest.mark.parametrize(
    ("d", "words"),
    [
        ([1, 2, 3], "JSON object"),
        ("w_xh", "JSON object"),
        (with_(w_hh=...), "no 'w_hh'"),
        (with_(w_xh=[]), "w_xh"),
        (with_(w_xh=3.0), "w_xh"),
        (with_(w_hh=[[0.1, 0.2]]), "2×2"),
        (with_(w_hh=[[0.1, 0.2], [0.3]]), "2×2"),
        (with_(w_hh=[0.1, 0.2]), "2×2"),
        (with_(w_hy=[1.0]), "w_hy"),
        (with_(b_h={"0": 1}), "b_h"),
        (with_(b_y=[0.0]), "b_y"),
        (with_(b_y="0.5"), "b_y"),
        (with_(b_y=True), "b_y"),
        (with_(b_y=None), "b_y"),
        (with_(w_xh=[1.0, math.nan]), r"w_xh\[1\]"),
        (with_(w_hh=[[0.1, 0.2], [math.inf, 0.4]]), r"w_hh\[1\]\[0\]"),
        (with_(w_hy=[1.0, 10**400]), "too large"),
        (json.loads('{"w_xh": [1], "w_hh": [[NaN]], "w_hy": [1], "b_h": [0], "b_y": 0}'), "finite"),
    ],
)
def test_from_dict_explains_what_is_malformed(d, words):
    with pytest.raises(ValueError, match=words) as info:
        Params.from_dict(d)
    assert "\n" not in str(info.value)


def test_from_dict_accepts_ints_and_ignores_extra_keys():
    p = Params.from_dict({**GOOD, "b_y": 1, "note": "exported"})
    assert p.b_y == 1.0 and isinstance(p.b_y, float) and p.n == 2


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=12,
)


@QUICK
@given(st.one_of(json_values, st.fixed_dictionaries({k: json_values for k in GOOD})))
def test_from_dict_raises_only_value_error(d):
    try:
        p = Params.from_dict(d)
    except ValueError:
        return
    assert p.is_finite()


@pytest.mark.parametrize("module", [model, sequences, train, state, view])
def test_docstring_examples(module):
    assert doctest.testmod(module).failed == 0


@pytest.mark.parametrize(
    ("n", "activation", "seed"), [(2, "tanh", 3), (3, "linear", 4), (3, "relu", 5)]
)
def test_memory_reach_with_several_units_matches_the_numpy_jacobian_product(n, activation, seed):
    """‖∂h_{T−1}/∂h_t‖ = ‖J_{T−1}·…·J_{t+1}‖ with J_s = diag(f′(z_s))·W_hh, computed with NumPy.
    W_hh is not symmetric here, so a transposed Jacobian gives other norms."""
    from rnn_py.cells.vanilla import memory_reach

    params = Params.random(n, seed)
    params = Params(params.w_xh, params.w_hh, params.w_hy, [0.1 * (i + 1) for i in range(n)], 0.2)
    W = np.array(params.w_hh)
    assert not np.allclose(W, W.T)
    xs = make_sequence("sine", 9)
    _, df = reference.ACTIVATIONS[activation]
    Z, _, _, _ = reference.forward(params, xs, activation)
    expected, J = [], np.eye(n)
    for t in range(len(xs) - 1, -1, -1):
        expected.append(np.linalg.norm(J))
        J = J @ (df(Z[t])[:, None] * W)
    np.testing.assert_allclose(memory_reach(params, xs, activation), expected[::-1], rtol=1e-12)


@pytest.mark.parametrize("n", [1, 2, 4, 8])
def test_random_w_hh_is_scaled_by_one_over_root_n(n):
    """Params.random draws w_xh, then W_hh row by row, then w_hy from random.Random(seed),
    each uniform in [−1, 1], and scales W_hh by 1/√n."""
    for seed in (0, 7):
        rng = random.Random(seed)
        w_xh = [rng.uniform(-1, 1) for _ in range(n)]
        w_hh = [[rng.uniform(-1, 1) / math.sqrt(n) for _ in range(n)] for _ in range(n)]
        w_hy = [rng.uniform(-1, 1) for _ in range(n)]
        p = Params.random(n, seed)
        assert p.w_xh == w_xh and p.w_hy == w_hy and p.b_h == [0.0] * n and p.b_y == 0.0
        np.testing.assert_allclose(p.w_hh, w_hh, rtol=1e-15)
