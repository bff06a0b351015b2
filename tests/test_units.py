"""rnn_py.studies.units: comparing hidden sizes, the exact two-unit Fibonacci solution, `units` on
the command line, and every claim the page and README make about units, recomputed.

The measured claims (site/index.html "About the sequences" and "What one unit cannot do", the
Memory panel's presets) are rerun here with the settings the page states.
"""

import doctest
import importlib
import math

import numpy as np
import pytest
import reference
from test_cli import rnn_py, strict_json

from rnn_py import Params, forward, make_sequence, train_bptt
from rnn_py.studies.units import (
    COMPARE_EPOCHS,
    PRESETS,
    best_losses,
    exact_fibonacci,
    exact_loss,
    fibonacci_rule,
    loss_curves,
    race,
)


def test_docstring_examples():
    assert doctest.testmod(importlib.import_module("rnn_py.studies.units")).failed == 0


# ---- comparing hidden sizes ------------------------------------------------------------------


def test_race_trains_every_size_from_the_same_seed_with_the_same_budget():
    xs = make_sequence("sine", 12, normalized=True)
    pairs = list(race(xs, "tanh", sizes=(1, 2, 3), seed=5, lr=0.1, epochs=20))
    assert [n for n, _ in pairs] == [1, 2, 3] * 20  # in turn, one epoch each
    for n in (1, 2, 3):
        alone = list(train_bptt(Params.random(n, 5), xs, "tanh", 0.1, 5.0, 20))
        assert [step for m, step in pairs if m == n] == alone


def test_a_diverged_size_stops_and_the_others_go_on():
    xs = make_sequence("exponential", 20)  # raw: 1 … 524288
    curves = loss_curves(xs, "linear", sizes=(1, 2), seed=0, lr=1.0, clip=None, epochs=30)
    assert len(curves[1]) < 30 and len(curves[2]) < 30  # both diverge early on raw values
    xs = make_sequence("sine", 12)
    curves = loss_curves(xs, "tanh", sizes=(2, 1), seed=0, epochs=30)
    assert list(curves) == [2, 1] and all(len(c) == 30 for c in curves.values())


def test_best_losses_takes_the_lowest_over_the_seeds():
    xs = make_sequence("alternating", 8, normalized=True)
    best = best_losses(xs, "tanh", sizes=(1, 2), seeds=3, lr=0.1, epochs=40)
    for n in (1, 2):
        runs = [
            min(s.loss for s in train_bptt(Params.random(n, seed), xs, "tanh", 0.1, 5.0, 40))
            for seed in range(3)
        ]
        assert best[n] == (min(runs), runs.index(min(runs)))


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda xs: loss_curves(xs, "tanh", sizes=()), "at least one hidden size"),
        (lambda xs: loss_curves(xs, "tanh", sizes=(0, 1)), "whole numbers ≥ 1"),
        (lambda xs: best_losses(xs, "tanh", seeds=0), "number of seeds"),
        (lambda xs: loss_curves(xs, "tanh", epochs=0), "epochs"),
        (lambda xs: loss_curves(xs, "swish"), "Unknown activation"),
    ],
)
def test_bad_arguments_are_explained(call, words):
    with pytest.raises(ValueError, match=words):
        call(make_sequence("sine", 12))


# ---- the exact two-unit Fibonacci solution ---------------------------------------------------


@pytest.mark.parametrize("normalized", [False, True])
@pytest.mark.parametrize("length", [3, 4, 12, 40, 64])
def test_exact_fibonacci_loss_is_below_1e_12(length, normalized):
    xs = make_sequence("fibonacci", length, normalized=normalized)
    params = exact_fibonacci(xs)
    assert params.n == 2
    assert exact_loss(xs) == forward(params, xs, "linear").loss < 1e-12
    *_, loss = reference.forward(params, xs, "linear")  # the independent NumPy pass agrees
    assert loss < 1e-12


def test_normalized_fibonacci_obeys_the_shifted_rule():
    """Normalizing is affine, x' = a·x + c, so x'_{t+1} = x'_t + x'_{t−1} − c."""
    raw = np.array(make_sequence("fibonacci", 12))
    xs = np.array(make_sequence("fibonacci", 12, normalized=True))
    a = 2 / (raw.max() - raw.min())
    c = -1 - a * raw.min()
    np.testing.assert_allclose(xs, a * raw + c, atol=1e-15)
    np.testing.assert_allclose(xs[2:], xs[1:-1] + xs[:-2] - c, atol=1e-15)
    assert fibonacci_rule(xs) == pytest.approx((c, c), abs=1e-15)  # and x_{−1} = a·0 + c = c


@pytest.mark.parametrize("scale", [1.0, 0.5, -3.0])
def test_each_unit_holds_a_scaled_shifted_term(scale):
    """Unit 1 holds s·(x_t − c), unit 2 the same one step later, s·(x_{t−1} − c)."""
    xs = make_sequence("fibonacci", 12, normalized=True)
    c, _ = fibonacci_rule(xs)
    trace = forward(exact_fibonacci(xs, scale), xs, "linear")
    previous = [c, *xs[:-1]]  # x_{−1} = c
    for t, h in enumerate(trace.h):
        assert h[0] == pytest.approx(scale * (xs[t] - c), abs=1e-14)
        assert h[1] == pytest.approx(scale * (previous[t] - c), abs=1e-14)
    assert forward(exact_fibonacci(xs, scale), xs, "linear").loss < 1e-12


def test_exact_solution_needs_the_linear_activation():
    xs = make_sequence("fibonacci", 12, normalized=True)
    assert forward(exact_fibonacci(xs), xs, "tanh").loss > 1e-3  # tanh bends what units hold


def test_other_rules_are_recognised_too():
    lucas = [2, 1, 3, 4, 7, 11, 18]  # the same rule with another start
    assert forward(exact_fibonacci(lucas), lucas, "linear").loss == 0.0


@pytest.mark.parametrize(
    ("xs", "words"),
    [
        (make_sequence("sine", 12), "does not follow the Fibonacci rule"),
        ([1, 1, 2, 3, 5, 9], "breaks at t = 5"),
        ([1, 1], "at least 3 terms"),
        ([1, "a", 2], "list of numbers"),
        ([1, math.inf, 2], "finite"),
    ],
)
def test_sequences_without_the_rule_are_refused(xs, words):
    with pytest.raises(ValueError, match=words):
        exact_fibonacci(xs)


@pytest.mark.parametrize("scale", [0, math.nan, True, "1"])
def test_bad_scale_is_refused(scale):
    with pytest.raises(ValueError, match="scale"):
        exact_fibonacci([1, 1, 2], scale)


# ---- the claims the page makes, recomputed ---------------------------------------------------


def preset_curves(name):
    p = PRESETS[name]
    xs = make_sequence(p["sequence"], p["length"], normalized=p["normalized"])
    clip = 5.0 if p["clip"] else None
    return loss_curves(xs, p["activation"], (1, 2, 3), p["seed"], p["lr"], clip, COMPARE_EPOCHS)


def test_sine_preset_one_unit_stays_above_0_04_two_and_three_drop_below_1e_4():
    curves = preset_curves("sine")
    assert all(len(c) == COMPARE_EPOCHS for c in curves.values())
    assert min(curves[1]) > 0.04
    assert curves[2][-1] < 1e-4 and curves[3][-1] < 1e-4


def test_fibonacci_preset_one_unit_gets_to_about_4e_6():
    curves = preset_curves("fibonacci")
    assert 3e-6 < curves[1][-1] < 5e-6
    assert min(curves[2]) > 1e-9  # training does not find the exact two-unit weights
    xs = make_sequence("fibonacci", 12, normalized=True)
    assert exact_loss(xs) < 1e-12


def test_sine_one_unit_stays_above_0_04_with_four_seeds():
    """The card "What one unit cannot do": best of seeds 0–3, 2000 epochs, lr 0.05, both
    activations; and two units (seed 0) below 1e-3."""
    xs = make_sequence("sine", 12, normalized=True)
    for activation in ("tanh", "linear"):
        best = best_losses(xs, activation, sizes=(1,), seeds=4, epochs=COMPARE_EPOCHS)
        assert best[1][0] > 0.04, activation
        two = best_losses(xs, activation, sizes=(2,), seeds=1, epochs=COMPARE_EPOCHS)
        assert two[2][0] < 1e-3, activation


def test_sine_next_term_needs_the_last_two():
    """A sampled sine obeys x_{t+1} = 2cos(ω)·x_t − x_{t−1}; here ω = 2π/8, so 2cos(ω) = √2."""
    xs = np.array(make_sequence("sine", 64))
    np.testing.assert_allclose(xs[2:], math.sqrt(2) * xs[1:-1] - xs[:-2], atol=1e-14)


@pytest.mark.parametrize("kind", ["linear", "alternating", "exponential"])
def test_counting_flipping_doubling_follow_from_the_current_term_alone(kind):
    """One unit needs no memory for these: x_{t+1} = k·x_t + b exactly (normalized too)."""
    for normalized in (False, True):
        xs = np.array(make_sequence(kind, 12, normalized=normalized))
        A = np.column_stack([xs[:-1], np.ones(11)])
        (k, b), *_ = np.linalg.lstsq(A, xs[1:], rcond=None)
        np.testing.assert_allclose(A @ [k, b], xs[1:], atol=1e-9)
        params = Params.scalar(w_xh=1.0, w_hh=0.0, w_hy=k, b_y=b)  # y_t = k·x_t + b
        assert forward(params, xs.tolist(), "linear").loss < 1e-18


# ---- the command line ------------------------------------------------------------------------


def test_units_json_gives_the_best_loss_per_hidden_size():
    out = rnn_py("units", "--sequence", "sine", "--normalized", "--hidden", "1,2", "--epochs",
                 "60", "--seeds", "2", "--lr", "0.1", "--json")  # fmt: skip
    assert out.returncode == 0 and out.stderr == ""
    result = strict_json(out.stdout)
    assert result["hidden"] == [1, 2] and list(result["losses"]) == ["1", "2"]
    assert (result["epochs"], result["seeds"], result["lr"]) == (60, 2, 0.1)
    assert [result[k] for k in ("sequence", "activation", "normalized")] == ["sine", "tanh", True]
    xs = make_sequence("sine", 12, normalized=True)
    best = best_losses(xs, "tanh", (1, 2), seeds=2, lr=0.1, epochs=60)
    assert result["losses"] == {str(n): loss for n, (loss, _) in best.items()}
    assert result["best_seed"] == {str(n): seed for n, (_, seed) in best.items()}


def test_units_text_table():
    out = rnn_py("units", "--custom", "1, 2, 4, 8, 16", "--normalized", "--activation",
                 "linear", "--epochs", "30", "--seeds", "1")  # fmt: skip
    assert out.returncode == 0
    rows = [line for line in out.stdout.splitlines() if line.startswith("| ")]
    assert [r.split("|")[1].strip() for r in rows] == ["hidden units", "1", "2", "3"]
    assert "custom (length 5, normalized), linear" in out.stdout


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--hidden", "0"], "not a list of hidden sizes"),
        (["--hidden", "1,x"], "not a list of hidden sizes"),
        (["--seeds", "0"], "number of seeds"),
        (["--epochs", "0"], "epochs"),
        (["--lr", "0"], "learning rate"),
    ],
)
def test_units_bad_flags(args, words):
    out = rnn_py("units", *args)
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.startswith("rnn-py: error: ") and words in out.stderr


def test_fibonacci_soon_grows_by_about_1_618_each_step():
    xs = make_sequence("fibonacci", 12)
    golden = (1 + math.sqrt(5)) / 2
    ratios = [b / a for a, b in zip(xs[5:], xs[6:], strict=False)]
    assert all(abs(r - golden) < 0.01 for r in ratios) and len(ratios) == 6
