"""Training with BPTT, random search, clipping and divergence."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnn_py import (
    ACTIVATIONS,
    LOSS_LIMIT,
    PARAM_LIMIT,
    SEQUENCES,
    Params,
    Step,
    backward,
    clip,
    forward,
    make_sequence,
    random_search,
    train_bptt,
)

QUICK = settings(max_examples=40, deadline=None)

SINE = make_sequence("sine", 12, normalized=True)


# clipping


@QUICK
@given(
    st.integers(1, 3).flatmap(
        lambda n: st.lists(st.floats(), min_size=Params.size(n), max_size=Params.size(n)).map(
            lambda v: Params.from_flat(n, v)
        )
    ),
    st.floats(min_value=1e-6, max_value=1e6),
)
def test_clip_bounds_every_entry_and_leaves_nan_alone(grads, limit):
    before = grads.flat()
    after = clip(grads, limit).flat()
    assert grads.flat() == before or any(math.isnan(g) for g in before)  # not mutated
    for g, c in zip(before, after, strict=True):
        if math.isnan(g):
            assert math.isnan(c)
        else:
            assert -limit <= c <= limit
            assert c == (g if -limit <= g <= limit else math.copysign(limit, g))


@pytest.mark.parametrize("limit", [0, -1.0, math.nan, math.inf, "5", None, True])
def test_clip_wants_a_positive_limit(limit):
    with pytest.raises(ValueError, match="clipping limit"):
        clip(Params.zeros(1), limit)


# BPTT


def test_training_lowers_the_loss_on_normalized_sine():
    steps = list(train_bptt(Params.random(1, seed=0), SINE, "tanh", lr=0.1, epochs=300))
    assert steps[-1].status == "done"
    assert steps[-1].loss < 0.25 * steps[0].loss
    assert forward(steps[-1].params, SINE, "tanh").loss < steps[0].loss


def test_training_with_more_hidden_units_also_learns():
    steps = list(train_bptt(Params.random(3, seed=1), SINE, "tanh", lr=0.1, epochs=200))
    assert steps[-1].loss < 0.25 * steps[0].loss and steps[-1].params.n == 3


def test_each_bptt_step_is_one_gradient_step():
    start = Params.random(2, seed=4)
    xs = make_sequence("fibonacci", 10)  # raw, so the gradients are large and get clipped
    lr, limit = 0.01, 1.0
    steps = list(train_bptt(start, xs, "linear", lr=lr, clip=limit, epochs=5))
    params = start
    best = math.inf
    for k, step in enumerate(steps, start=1):
        g = backward(params, xs, "linear")
        clipped = clip(g.grads, limit).flat()
        expected = [w - lr * d for w, d in zip(params.flat(), clipped, strict=True)]
        best = min(best, g.loss)
        assert isinstance(step, Step)
        assert (step.method, step.evaluations, step.loss, step.best_loss) == (
            "bptt",
            k,
            g.loss,
            best,
        )
        assert step.params.flat() == pytest.approx(expected, rel=1e-12)
        assert step.grad_h == tuple(math.hypot(*d) for d in g.dh) and len(step.grad_h) == len(xs)
        assert step.clipped == (clipped != g.grads.flat())
        assert step.status == ("done" if k == 5 else "running") and step.message == ""
        params = step.params
    assert any(step.clipped for step in steps)
    assert start == Params.random(2, seed=4)  # the starting params are not mutated


def test_no_clip_never_clips():
    xs = make_sequence("fibonacci", 10)
    steps = list(train_bptt(Params.random(1, seed=0), xs, "tanh", lr=1e-4, clip=None, epochs=20))
    assert not any(s.clipped for s in steps)


def test_train_evaluations_and_best_loss():
    steps = list(train_bptt(Params.random(1, seed=2), SINE, "sigmoid", epochs=37))
    assert [s.evaluations for s in steps] == list(range(1, 38))
    for k, s in enumerate(steps):
        assert s.best_loss == min(t.loss for t in steps[: k + 1])


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"lr": 0}, "learning rate"),
        ({"lr": -0.1}, "learning rate"),
        ({"lr": math.nan}, "learning rate"),
        ({"lr": math.inf}, "learning rate"),
        ({"lr": "0.1"}, "learning rate"),
        ({"clip": 0.0}, "clipping limit"),
        ({"clip": math.nan}, "clipping limit"),
        ({"epochs": 0}, "epochs"),
        ({"epochs": 2.5}, "epochs"),
        ({"epochs": True}, "epochs"),
        ({"activation": "softplus"}, "Unknown activation"),
        ({"xs": [1.0]}, "at least 2"),
        ({"params": Params.scalar(0.5, 0.5, 0.5, b_y=2e6)}, "between -1e6 and 1e6"),
        ({"params": Params([math.nan], [[0.0]], [0.0], [0.0], 0.0)}, "finite"),
    ],
)
def test_train_checks_its_arguments_at_once(kwargs, words):
    args = {"params": Params.zeros(1), "xs": SINE, "activation": "tanh"} | kwargs
    with pytest.raises(ValueError, match=words):
        train_bptt(**args)  # raises before the first next()


def test_diverging_when_the_loss_blows_up():
    start = Params.scalar(w_xh=1e5, w_hh=1e5, w_hy=1e5)
    steps = list(train_bptt(start, make_sequence("linear", 12), "linear", epochs=50))
    assert len(steps) == 1
    (step,) = steps
    assert step.status == "diverged" and step.params == start
    assert not step.loss <= LOSS_LIMIT and step.best_loss == math.inf
    assert "epoch 1" in step.message and "loss" in step.message
    assert "starting weights" in step.message and "normalize" in step.message


def test_diverging_when_the_gradients_overflow():
    # w_xh = 0 keeps every h_t at 0, so the loss is finite, but going back through time each
    # step multiplies dz by W_hh = 1e6: after 63 steps that is far beyond any float.
    start = Params.scalar(w_xh=0.0, w_hh=1e6, w_hy=1.0)
    steps = list(train_bptt(start, make_sequence("sine", 64), "linear", epochs=5))
    step = steps[-1]
    assert len(steps) == 1 and step.status == "diverged" and math.isfinite(step.loss)
    assert step.params == start and "gradients" in step.message
    assert not all(map(math.isfinite, step.grad_h))  # the page draws the explosion


def test_diverging_when_a_weight_would_pass_the_limit():
    steps = list(train_bptt(Params.random(1, seed=0), SINE, "tanh", lr=1e7, clip=5.0, epochs=5))
    assert steps[-1].status == "diverged" and steps[-1].params.is_finite()
    assert all(abs(w) <= PARAM_LIMIT for w in steps[-1].params.flat())
    assert "1,000,000" in steps[-1].message


def test_diverging_raw_exponential_without_clipping():
    xs = make_sequence("exponential", 64)
    start = Params.scalar(0.5, 1.5, 1.0)
    steps = list(train_bptt(start, xs, "relu", lr=1.0, clip=None, epochs=100))
    last = steps[-1]
    assert last.status == "diverged" and all(s.status == "running" for s in steps[:-1])
    assert last.params.is_finite() and last.message
    assert "turn gradient clipping back on" in last.message and "normalize" in last.message


# random search


def test_random_search_is_reproducible_by_seed():
    a = list(random_search(SINE, "tanh", n=2, trials=50, seed=11))
    b = list(random_search(SINE, "tanh", n=2, trials=50, seed=11))
    c = list(random_search(SINE, "tanh", n=2, trials=50, seed=12))
    assert a == b and a != c


def test_random_search_keeps_the_best():
    steps = list(random_search(SINE, "tanh", n=1, trials=100, seed=3, low=-1.0, high=1.0))
    assert [s.evaluations for s in steps] == list(range(1, 101))
    for k, s in enumerate(steps):
        assert (s.method, s.grad_h, s.clipped, s.message) == ("random", (), False, "")
        assert s.status == ("done" if k == 99 else "running")
        assert s.best_loss == min(t.loss for t in steps[: k + 1])
        assert forward(s.params, SINE, "tanh").loss == s.best_loss
        assert all(-1.0 <= w <= 1.0 for w in s.params.flat())
    assert steps[-1].best_loss < steps[0].loss


def test_random_search_ignores_trials_with_non_finite_loss():
    xs = make_sequence("exponential", 64)
    steps = list(random_search(xs, "linear", trials=60, seed=0, low=-1e6, high=1e6))
    assert any(not math.isfinite(s.loss) for s in steps)
    finite = [s.loss for s in steps if math.isfinite(s.loss)]
    assert steps[-1].best_loss == (min(finite) if finite else math.inf)
    assert all(s.params.is_finite() for s in steps)


def test_both_methods_count_evaluations_the_same_way():
    bptt = list(train_bptt(Params.random(1, seed=0), SINE, "tanh", epochs=25))
    rand = list(random_search(SINE, "tanh", trials=25))
    assert len(bptt) == len(rand) == bptt[-1].evaluations == rand[-1].evaluations == 25


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"trials": 0}, "trials"),
        ({"trials": 1.5}, "trials"),
        ({"n": 0}, "hidden units"),
        ({"seed": "seven"}, "seed"),
        ({"seed": 1.5}, "seed"),
        ({"low": 1.0, "high": 1.0}, "below"),
        ({"low": 2.0, "high": -2.0}, "below"),
        ({"low": math.nan}, "low"),
        ({"high": math.inf}, "high"),
        ({"high": 1e7}, "high"),
        ({"activation": "step"}, "Unknown activation"),
        ({"xs": [0.5]}, "at least 2"),
    ],
)
def test_random_search_checks_its_arguments_at_once(kwargs, words):
    args = {"xs": SINE, "activation": "tanh"} | kwargs
    with pytest.raises(ValueError, match=words):
        random_search(**args)


# no NaN params, ever


settings_strategy = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(SEQUENCES),
        "length": st.sampled_from([3, 12, 64]),
        "normalized": st.booleans(),
        "activation": st.sampled_from(ACTIVATIONS),
        "n": st.integers(1, 3),
        "seed": st.integers(0, 2**32),
    }
)


@settings(max_examples=60, deadline=None)
@given(
    settings_strategy,
    st.floats(1e-4, 1e3),
    st.one_of(st.none(), st.floats(0.01, 1e3)),
    st.floats(0.0, 3.0),
)
def test_bptt_never_returns_nan_params(case, lr, limit, scale):
    xs = make_sequence(case["kind"], case["length"], normalized=case["normalized"])
    start = Params.random(case["n"], case["seed"])
    start = Params.from_flat(start.n, [w * scale * 2 for w in start.flat()])  # |W_hh| up to 6
    for step in train_bptt(start, xs, case["activation"], lr=lr, clip=limit, epochs=15):
        assert step.params.is_finite()
        assert all(abs(w) <= PARAM_LIMIT for w in step.params.flat())
        assert step.status in ("running", "done", "diverged")
        if step.status == "diverged":
            assert step.message
    assert step.status in ("done", "diverged")


@settings(max_examples=60, deadline=None)
@given(settings_strategy, st.floats(-1e6, 1e6), st.floats(0.0, 1e6))
def test_random_search_never_returns_nan_params(case, low, width):
    xs = make_sequence(case["kind"], case["length"], normalized=case["normalized"])
    high = min(low + width + 1e-3, 1e6)
    if not low < high:
        return
    steps = list(random_search(xs, case["activation"], case["n"], 10, case["seed"], low, high))
    assert all(s.params.is_finite() for s in steps) and steps[-1].status == "done"


@pytest.mark.parametrize("sign", [1, -1])
def test_clipped_says_whether_any_entry_was_clipped_positive_or_negative(sign):
    """The Step's clipped flag is set when exactly one entry overshoots, upwards or downwards,
    and not when every entry is within the limit."""
    xs = make_sequence("sine", 12)
    for seed in range(50):
        params = Params.random(1, seed)
        g = backward(params, xs, "tanh").grads.flat()
        top = sorted(g, key=abs)
        if sign * top[-1] > 0 and abs(top[-1]) > 1.5 * abs(top[-2]):
            break
    else:
        pytest.fail("no start has a single largest entry of that sign")
    limit = (abs(top[-1]) + abs(top[-2])) / 2  # only the largest entry overshoots
    (step,) = train_bptt(params, xs, "tanh", lr=0.1, clip=limit, epochs=1)
    assert step.clipped is True
    (step,) = train_bptt(params, xs, "tanh", lr=0.1, clip=abs(top[-1]) * 1.01, epochs=1)
    assert step.clipped is False


def test_the_page_says_in_how_many_epochs_clipping_engaged():
    """The page's clipping example (Sine, linear, hidden weight 1.5, lr 0.05, 300 epochs): the
    NumPy reference gradient passes 5 in exactly the epochs run_summary counts."""
    import numpy as np
    import reference

    from rnn_py.page.runtext import run_summary

    xs = make_sequence("sine", 12)
    start = Params.scalar(0.5, 1.5, 1.0, 0.0, 0.0)
    steps = list(train_bptt(start, xs, "linear", lr=0.05, clip=5.0, epochs=300))
    before = [start] + [s.params for s in steps[:-1]]
    over = []
    for p in before:
        _, grads, _ = reference.gradients(p, xs, "linear")
        over.append(max(np.max(np.abs(g)) for g in grads.values()) > 5)
    assert [s.clipped for s in steps] == over and sum(over) == 2
    text = run_summary("bptt", steps[0], steps[-1], sum(s.clipped for s in steps))
    assert text == f"BPTT: 300 epochs, loss {steps[0].loss:.4g} → {steps[-1].loss:.4g}. " + (
        "Clipping engaged in 2 of them."
    )
    quiet = list(train_bptt(Params.scalar(0.5, 0.8, 1.0), xs, "tanh", lr=0.05, epochs=300))
    assert not any(s.clipped for s in quiet)
    assert "Clipping" not in run_summary("bptt", quiet[0], quiet[-1], 0)
    off = list(train_bptt(start, xs, "linear", lr=0.05, clip=None, epochs=300))
    assert off[-1].status == "diverged" and off[-1].evaluations == 2
    assert run_summary("bptt", off[0], off[-1], 0) == off[-1].message
