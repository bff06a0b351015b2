"""A window of truncated BPTT in pieces (textcore.window_steps, train_text(pieces=True),
textview.advance with a stop): split anywhere, paused with other work in between, it gives the
numbers of the unsplit window bit for bit, and those agree with the independent NumPy version
and the cells' own step_back."""

import math
import random

import numpy as np
import pytest
import reference_text as ref

from rnn_py.page.state import DemoState
from rnn_py.text import core as textcore
from rnn_py.text import task as tx
from rnn_py.text import view as tv

CASES = [(cell, "tanh") for cell in ("vanilla", "gru", "lstm")]
CASES += [("vanilla", a) for a in ("relu", "sigmoid", "linear")]
ROWS = {"vanilla": 1, "gru": 3, "lstm": 4}  # rows of W_h· gradient per hidden unit


def case(cell, n, V, T, seed):
    rng = random.Random(seed)
    params = tx.text_params(cell, n, V, seed)
    xs = [rng.randrange(V) for _ in range(T)]
    ys = [rng.randrange(V) for _ in range(T)]
    h = [rng.uniform(-0.9, 0.9) for _ in range(n)]
    c = [rng.uniform(-2.0, 2.0) for _ in range(n)]
    return params, xs, ys, h, c


def in_pieces(steps, splits, meanwhile):
    """Drive a generator of pieces, pausing after each count in splits (then after every
    piece) to run meanwhile(); returns (what it returned, the pieces it yielded)."""
    pieces, counts = 0, iter(splits)
    budget = next(counts, 1)
    try:
        while True:
            assert next(steps) is None
            pieces += 1
            budget -= 1
            if budget == 0:
                meanwhile()
                budget = next(counts, 1)
    except StopIteration as done:
        return done.value, pieces


def bits(values):
    """Floats as exact text (bit for bit, nan included), nested lists kept."""
    if isinstance(values, list | tuple):
        return [bits(v) for v in values]
    return values if values is None else float(values).hex()


@pytest.mark.parametrize(("cell", "activation"), CASES)
@pytest.mark.parametrize(("n", "V", "T"), [(1, 2, 1), (3, 5, 11), (8, 30, 25)])
def test_a_window_split_anywhere_is_the_unsplit_window(cell, activation, n, V, T):
    params, xs, ys, h, c = case(cell, n, V, T, seed=n + V + T)
    P = textcore.Packed(params)
    whole = textcore.window(P, xs, ys, h, c, activation)
    # other windows on the same packed weights between the pieces: nothing is shared
    other = case(cell, n, V, T + 2, seed=99)

    def meanwhile():
        textcore.window(P, *other[1:], activation)

    pieces = 2 * T + ROWS[cell] * n + V  # every time step forward and back, every gradient row
    for splits in ([1] * pieces, [2, 5, 1, 7], [T], [T + 1], [2 * T - 1, 1], [pieces - 1]):
        got, count = in_pieces(textcore.window_steps(P, xs, ys, h, c, activation), splits,
                               meanwhile)  # fmt: skip
        assert count == pieces
        assert bits(got) == bits(whole), splits
    # ... and the unsplit window is the NumPy version and the cells' own step_back
    loss, flat, h_last, c_last = whole
    r_loss, _, r_h, r_c, r_grads = ref.loss_and_grads(params, xs, ys, h, c, activation)
    slow = tx.backward(params, xs, ys, h, c, activation)
    expected = np.concatenate([np.ravel(r_grads[name]) for name in params.names()])
    assert np.allclose(flat, expected, rtol=1e-12, atol=1e-12)
    assert np.allclose(flat, slow.grads.flat(), rtol=1e-12, atol=1e-12)
    assert loss == pytest.approx(r_loss, rel=1e-12) and loss == pytest.approx(slow.loss, rel=1e-12)
    assert np.allclose(h_last, r_h, rtol=1e-12, atol=1e-12)
    if cell == "lstm":
        assert np.allclose(c_last, r_c, rtol=1e-12, atol=1e-12)
    else:
        assert c_last is None


@pytest.mark.parametrize("kind", ["gd", "adam"])
@pytest.mark.parametrize("size", [1, 3, 64, 10_000])
def test_an_update_in_slices_is_one_update(kind, size):
    rng = random.Random(size)
    count = 200
    theta = [rng.uniform(-1, 1) for _ in range(count)]
    whole, sliced = textcore.Optimizer(kind, 0.01, count), textcore.Optimizer(kind, 0.01, count)
    a = b = theta
    for _ in range(3):
        g = [rng.uniform(-2, 2) for _ in range(count)]
        a = whole(a, g)
        steps = sliced.steps(b, g, size)
        b, pieces = in_pieces(steps, [1], lambda: None)
        assert pieces == -(-count // size)
        assert bits(b) == bits(a)
        assert (sliced.t, bits(sliced.m), bits(sliced.v)) == (whole.t, bits(whole.m), bits(whole.v))


def steps_of(run):
    return [(s.window, s.position, s.length, bits(s.loss), bits(s.smooth_loss),
             bits(s.params.flat()), bits(s.h), bits(s.c), s.clipped, s.status, s.message)
            for s in run]  # fmt: skip


@pytest.mark.parametrize(("cell", "optimizer", "lr"),
                         [("vanilla", "adam", 0.03), ("gru", "gd", 0.5), ("lstm", "adam", 0.03),
                          ("lstm", "gd", 1e9)])  # fmt: skip
def test_training_in_pieces_is_training_by_windows(cell, optimizer, lr):
    text = tx.PRESETS["rhyme"]
    params = tx.text_params(cell, 6, tx.Vocab(text).size, seed=2)
    clip = None if lr > 1 else 5.0
    args = {"seq_length": 17, "lr": lr, "optimizer": optimizer, "windows": 30, "clip": clip}
    whole = list(tx.train_text(params, text, **args))
    pieces = list(tx.train_text(params, text, pieces=True, **args))
    assert None in pieces
    assert steps_of(s for s in pieces if s is not None) == steps_of(whole)
    if lr > 1:  # the divergent run stops the same way, at the same window
        assert whole[-1].status == "diverged"


@pytest.mark.parametrize("cell", ["vanilla", "gru", "lstm"])
def test_a_window_stopped_part_way_is_neither_counted_nor_shown_until_done(cell):
    state = DemoState(mode="text", text=tx.PRESETS["python"], text_cell=cell, text_hidden=4,
                      seq_length=13)  # fmt: skip
    whole = tv.new_model(state)
    for _ in range(12):
        tv.advance(whole)
    model = tv.new_model(state)
    rng = random.Random(cell)
    stops = 0
    while model.windows < 12:
        before = (model.windows, model.chars, bits(model.params.flat()), bits(model.history))
        budget = rng.choice([1, 1, 2, 5, 40])

        def stop(left=[budget]):  # noqa: B006  (a countdown of pieces)
            left[0] -= 1
            return left[0] <= 0

        step = tv.advance(model, stop)
        if step is None:  # stopped part way: the page shows and counts what it did before
            stops += 1
            assert model.partial and model.status == "running"
            assert (model.windows, model.chars, bits(model.params.flat()),
                    bits(model.history)) == before  # fmt: skip
            tv.sees(model, 0)  # what a page does between frames disturbs nothing
            tv.summary(model, state)
        else:
            assert not model.partial and model.windows == before[0] + 1
    assert stops > 12  # windows were split, most more than once
    assert bits(model.params.flat()) == bits(whole.params.flat())
    assert (model.chars, bits(model.history)) == (whole.chars, bits(whole.history))
    assert math.isfinite(model.smooth) and model.smooth == whole.smooth
