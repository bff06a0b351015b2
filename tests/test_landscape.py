"""The loss landscape and the Cliffs preset, checked against the NumPy reference."""

import doctest
import math
import random
import sys

import numpy as np
import pytest
import reference

from rnn_py import ACTIVATIONS, Params, backward, forward, make_sequence, train_bptt
from rnn_py import random_search as search
from rnn_py.studies.landscape import (
    CLIFFS,
    axes,
    axis,
    cliff_step,
    grid_values,
    landscape_rows,
    loss_map,
    point_text,
    search_samples,
    steepest,
)


def test_axes_name_every_weight_once_in_flat_order():
    assert [a.label for a in axes(1)] == [
        "Input weight",
        "Hidden weight",
        "Output weight",
        "Hidden bias",
        "Output bias",
    ]
    assert [a.label for a in axes(2)] == [
        "W_xh[1]", "W_xh[2]", "W_hh[1,1]", "W_hh[1,2]", "W_hh[2,1]", "W_hh[2,2]",
        "W_hy[1]", "W_hy[2]", "b_h[1]", "b_h[2]", "b_y",
    ]  # fmt: skip
    for n in (1, 2, 3, 8):
        assert len(axes(n)) == Params.size(n) == len({a.key for a in axes(n)})
        for a in axes(n):
            flat = [0.0] * Params.size(n)
            flat[a.index] = 1.0
            p = Params.from_flat(n, flat).to_dict()
            name, _, rest = a.key.partition("[")
            where = [int(k) - 1 for k in rest.rstrip("]").split(",")] if rest else []
            value = p[name]
            for k in where:
                value = value[k]
            assert value == 1.0, a.key  # the key's 1-based indices name the right entry


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda: axis(1, "w_hh[1,2]"), "no weight called"),
        (lambda: axes(0), "hidden units"),
        (lambda: rows(x_key="b_y", y_key="b_y"), "two different weights"),
        (lambda: rows(x_range=(1.0, 1.0)), "smaller number to a larger"),
        (lambda: rows(x_range=(0.0, math.inf)), "between -1e6 and 1e6"),
        (lambda: rows(y_range=("a", 1)), "between -1e6 and 1e6"),
        (lambda: rows(size=1), "grid size"),
        (lambda: rows(size=48.0), "grid size"),
        (lambda: rows(band=0), "band"),
        (lambda: rows(activation="softmax"), "Unknown activation"),
        (lambda: rows(xs=[1.0]), "at least 2"),
        (lambda: rows(params={"w_xh": [1]}), "Params"),
    ],
)
def test_bad_arguments_are_refused_at_once_with_a_message(call, words):
    with pytest.raises(ValueError, match=words):
        call()  # raises when called, before any row is asked for


def rows(params=None, xs=None, activation="tanh", **options):
    params = params or Params.scalar(0.5, 0.8, 1.0)
    xs = make_sequence("sine", 12) if xs is None else xs
    return landscape_rows(params, xs, activation, **options)


def test_bands_cover_the_grid_in_order():
    bands = list(rows(size=10, band=4, gradients=True))
    assert [b.row0 for b in bands] == [0, 4, 8]
    assert [len(b.rows) for b in bands] == [4, 4, 2]
    assert all(len(r) == 10 for b in bands for r in b.rows + b.grad_norms)
    assert all(b.grad_norms is None for b in rows(size=10, band=4))
    # Split into pieces of 4 points, the rows hold the same numbers.
    pieces = list(rows(size=10, columns=4, gradients=True))
    assert [(b.row0, b.col0, len(b.rows[0])) for b in pieces[:3]] == [
        (0, 0, 4),
        (0, 4, 4),
        (0, 8, 2),
    ]
    for name in ("rows", "grad_norms"):
        whole = [r for b in bands for r in getattr(b, name)]
        joined = [[] for _ in range(10)]
        for b in pieces:
            joined[b.row0][b.col0 : b.col0 + len(b.rows[0])] = getattr(b, name)[0]
        assert joined == whole


def random_params(n, seed):
    rng = random.Random(seed)
    return Params.from_flat(n, [rng.uniform(-1.2, 1.2) for _ in range(Params.size(n))])


CASES = [(n, act, seed) for n in (1, 2, 3) for act in ACTIVATIONS for seed in (1, 2)]


@pytest.mark.parametrize(("n", "activation", "seed"), CASES)
def test_grid_matches_the_numpy_reference(n, activation, seed):
    params = random_params(n, seed)
    xs = make_sequence(("sine", "fibonacci")[seed % 2], 9 + seed, normalized=True)
    keys = [a.key for a in axes(n)]
    rng = random.Random(seed)
    x_key, y_key = rng.sample(keys, 2)
    x_range, y_range = (-1.5, 2.0), (-2.0, 1.0)
    size = 12 if n == 1 else 6
    got = loss_map(params, xs, activation, x_key, y_key, x_range, y_range, size, gradients=True)
    x_values, y_values = grid_values(*x_range, size), grid_values(*y_range, size)
    assert got.x_values == x_values and got.y_values == y_values
    loss, norm = reference.grid(params, xs, activation, x_key, y_key, x_values, y_values)
    np.testing.assert_allclose(got.losses, loss, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(got.grad_norms, norm, rtol=1e-8, atol=1e-12)
    # The loss-only pass gives the same losses.
    only = loss_map(params, xs, activation, x_key, y_key, x_range, y_range, size)
    assert only.losses == got.losses and only.grad_norms is None


@pytest.mark.parametrize("n", [2, 3])
def test_loss_only_grid_equals_rnn_py_to_the_last_bit(n):
    params, xs = random_params(n, 7), make_sequence("sine", 15)
    m = loss_map(params, xs, "sigmoid", "b_h[2]", f"w_hh[{n},1]", (-2, 2), (-1, 1), 5)
    for i in range(5):
        for j in range(5):
            flat = params.flat()
            flat[axis(n, "b_h[2]").index] = m.x_values[j]
            flat[axis(n, f"w_hh[{n},1]").index] = m.y_values[i]
            assert m.losses[i][j] == forward(Params.from_flat(n, flat), xs, "sigmoid").loss
    # and independently of rnn_py: the NumPy reference over the same grid
    loss, _ = reference.grid(params, xs, "sigmoid", "b_h[2]", f"w_hh[{n},1]",
                             grid_values(-2, 2, 5), grid_values(-1, 1, 5))  # fmt: skip
    np.testing.assert_allclose(m.losses, loss, rtol=1e-12)
    np.testing.assert_allclose(m.x_values, np.linspace(-2, 2, 5), atol=1e-15)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_one_unit_grid_equals_rnn_py_to_the_last_bit(activation):
    # The page sets the weights of a clicked point and shows forward()'s loss: it must be the
    # very number the map showed there.
    params = Params.scalar(0.3, -0.7, 1.1, 0.2, -0.1)
    xs = make_sequence("exponential", 20, normalized=True)
    keys = [a.key for a in axes(1)]
    for x_key, y_key in (("w_xh[1]", "w_hh[1,1]"), ("b_y", "w_hy[1]"), ("w_hh[1,1]", "b_h[1]")):
        m = loss_map(params, xs, activation, x_key, y_key, (-2, 2), (-1.5, 3), 9, gradients=True)
        for i in range(0, 9, 2):
            for j in range(0, 9, 3):
                flat = params.flat()
                flat[keys.index(x_key)], flat[keys.index(y_key)] = m.x_values[j], m.y_values[i]
                at = Params.from_flat(1, flat)
                assert m.losses[i][j] == forward(at, xs, activation).loss
                g = backward(at, xs, activation)
                assert m.grad_norms[i][j] == pytest.approx(math.hypot(*g.grads.flat()), rel=1e-12)


@pytest.mark.parametrize("n", [1, 2])
def test_overflow_gives_inf_or_nan_never_an_exception(n):
    params = random_params(n, 3)
    xs = make_sequence("fibonacci", 64)  # raw values up to 1e13
    m = loss_map(params, xs, "linear", "w_hh[1,1]", axes(n)[-1].key, (-1e6, 1e6),
                  (-1e6, 1e6), 5, gradients=True)  # fmt: skip
    values = [v for row in m.losses + m.grad_norms for v in row]
    assert any(not math.isfinite(v) or v > 1e100 for v in values)


def test_steepest_point_and_median_match_numpy():
    rng = np.random.default_rng(4)
    grid = rng.lognormal(size=(7, 7))
    grid[2, 5] = 1e4
    wall = steepest([*grid.tolist(), [math.nan] * 7])
    assert (wall.i, wall.j, wall.norm) == (2, 5, 1e4)
    assert wall.median == pytest.approx(np.median(grid))
    assert wall.ratio == pytest.approx(1e4 / np.median(grid))
    with pytest.raises(ValueError, match="overflows everywhere"):
        steepest([[math.inf, math.nan]])


def cliffs_map():
    return loss_map(CLIFFS.params, CLIFFS.xs(), CLIFFS.activation, CLIFFS.x_key, CLIFFS.y_key,
                     CLIFFS.x_range, CLIFFS.y_range, 48, gradients=True)  # fmt: skip


def test_cliffs_preset_has_a_wall_a_hundred_times_steeper_than_the_median():
    assert (CLIFFS.sequence, CLIFFS.normalized, CLIFFS.length) == ("alternating", True, 64)
    assert CLIFFS.activation == "tanh" and CLIFFS.params.n == 1
    assert (CLIFFS.x_key, CLIFFS.y_key) == ("w_hh[1,1]", "b_h[1]")
    m = cliffs_map()
    wall = steepest(m.grad_norms)
    assert wall.ratio >= 100  # measured: 1728
    # The preset's weights sit on that steepest grid point.
    assert CLIFFS.params.w_hh[0][0] == m.x_values[wall.j]
    assert CLIFFS.params.b_h[0] == m.y_values[wall.i]
    # Two plateaus: the loss on either side of the wall differs by more than a factor of two.
    above, below = m.losses[wall.i + 1][wall.j], m.losses[wall.i - 1][wall.j]
    assert max(above, below) > 2 * min(above, below)


def test_the_unclipped_step_at_the_wall_flies_ten_times_farther():
    xs = CLIFFS.xs()
    s = cliff_step(CLIFFS.params, xs, CLIFFS.activation, lr=CLIFFS.lr, limit=5.0)
    assert s.unclipped_move >= 10 * s.clipped_move  # measured: 136 against 0.44
    # Both are the step train_bptt takes in its first epoch.
    for limit, params in ((5.0, s.clipped), (None, s.unclipped)):
        (first,) = train_bptt(CLIFFS.params, xs, "tanh", lr=CLIFFS.lr, clip=limit, epochs=1)
        assert first.status == "done" and first.params == params
    theta = np.array(CLIFFS.params.flat())
    assert s.clipped_move == pytest.approx(np.linalg.norm(np.array(s.clipped.flat()) - theta))
    assert s.unclipped_move == pytest.approx(np.linalg.norm(np.array(s.unclipped.flat()) - theta))
    assert s.grad_norm == pytest.approx(s.unclipped_move / CLIFFS.lr)
    assert s.clipped_loss == forward(s.clipped, xs, "tanh").loss
    assert s.unclipped_loss == forward(s.unclipped, xs, "tanh").loss


def test_after_the_cliff_only_the_clipped_run_learns():
    # What the preset's explanation says: from the wall, 300 epochs with clipping reach a small
    # loss; without, the first step lands where tanh saturates and the loss stays near 1.
    xs = CLIFFS.xs()
    ends = {}
    for limit in (5.0, None):
        *_, last = train_bptt(CLIFFS.params, xs, "tanh", lr=CLIFFS.lr, clip=limit, epochs=300)
        ends[limit] = last
    assert ends[5.0].loss < 0.01 and ends[5.0].status == "done"  # measured 0.0006
    assert ends[None].loss > 0.9 and ends[None].status == "done"  # measured 0.9997
    assert abs(ends[None].params.b_h[0]) > 100


def test_what_the_cliffs_explanation_says_about_the_wall():
    # On the page: with W_hh above 1 the bias decides which of two states the unit rests in, and
    # across the wall nearly all 64 hidden states change sign at once.
    m, xs = cliffs_map(), CLIFFS.xs()
    wall = steepest(m.grad_norms)
    assert CLIFFS.params.w_hh[0][0] > 1
    sides = []
    for i in (wall.i - 1, wall.i + 1):
        at = Params.scalar(-0.5, m.x_values[wall.j], 1.0, m.y_values[i], 0.5)
        sides.append([h[0] for h in forward(at, xs, "tanh").h])
    below, above = sides
    assert all(h < 0 for h in below[-8:]) and all(h > 0 for h in above[-8:])
    assert sum((a > 0) != (b > 0) for a, b in zip(below, above, strict=True)) >= 56  # of 64
    # The unclipped step lands where tanh is saturated: h = −1 at every step, and the hidden
    # unit's weights (W_xh, W_hh, b_h) get no gradient at all.
    s = cliff_step(CLIFFS.params, xs, "tanh", lr=CLIFFS.lr)
    g = backward(s.unclipped, xs, "tanh")
    assert all(h == [-1.0] for h in g.trace.h)
    assert g.grads.w_xh == [0.0] and g.grads.w_hh == [[0.0]] and g.grads.b_h == [0.0]


def test_cliff_step_refuses_an_overflowing_gradient():
    huge = Params.scalar(1e200, 1e200, 1e200, 0.0, 0.0)
    with pytest.raises(ValueError, match="overflows"):
        cliff_step(huge, make_sequence("exponential", 64), "linear")
    with pytest.raises(ValueError, match="learning rate"):
        cliff_step(CLIFFS.params, CLIFFS.xs(), "tanh", lr=0)


@pytest.mark.parametrize(("n", "seed"), [(1, 0), (2, 5)])
def test_search_samples_are_the_weights_random_search_tries(n, seed):
    xs = make_sequence("linear", 8, normalized=True)
    samples = search_samples(n, 60, seed, -2.0, 2.0)
    best, best_loss = None, math.inf
    for sample, step in zip(samples, search(xs, "tanh", n, 60, seed), strict=True):
        loss = forward(Params.from_flat(n, sample), xs, "tanh").loss
        assert loss == step.loss
        if loss < best_loss:
            best, best_loss = sample, loss
        assert step.params.flat() == best


def test_point_text():
    assert point_text("W_hh[1,2]", "b_y", 0.123456, 2.0, 1e-7) == (
        "Loss at (W_hh[1,2], b_y) = (0.1235, 2) = 1e-07"
    )
    assert "overflow" in point_text("x", "y", 1.0, 1.0, math.inf)


def test_docstring_examples():
    assert doctest.testmod(sys.modules[loss_map.__module__]).failed == 0
