"""rnn_py.forecast against the independent NumPy reference, and the true continuations."""

import doctest
import importlib
import math

import numpy as np
import pytest
import reference

from rnn_py import ACTIVATIONS, Params, forecast, make_sequence
from rnn_py.forecast import MAX_STEPS, true_continuation
from rnn_py.sequences import SEQUENCES
from rnn_py.studies.units import exact_fibonacci, fibonacci_rule


def test_docstring_examples():
    module = importlib.import_module("rnn_py.forecast")  # rnn_py.forecast is the function
    assert doctest.testmod(module).failed == 0


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("n", [1, 2, 3, 8])
def test_forecast_equals_the_reference(activation, n):
    for seed in range(3):
        params = Params.random(n, seed)
        params = Params.from_flat(n, [w + 0.1 * seed for w in params.flat()])  # biases ≠ 0
        xs = make_sequence(SEQUENCES[seed], 10 + seed, normalized=True)
        fc = forecast(params, xs, activation, 20)
        X_hat, H, Y = reference.forecast(params, xs, activation, 20)
        assert len(fc.x) == len(fc.h) == len(fc.y) == 20
        np.testing.assert_allclose(fc.x, X_hat, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(fc.h, H, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(fc.y, Y, rtol=1e-12, atol=1e-12)


def test_each_prediction_is_fed_back_as_the_next_input():
    xs = make_sequence("sine", 12)
    params = Params.random(2, 4)
    fc = forecast(params, xs, "tanh", 5)
    trace = reference.forward(params, xs, "tanh")
    assert fc.x[0] == pytest.approx(trace[2][-1], abs=1e-15)  # x̂_T = y_{T−1}
    assert fc.x[1:] == fc.y[:-1]
    assert fc.values == [fc.x[0], *fc.y]
    # Reading the data followed by the fed-back inputs reproduces the same states and outputs.
    longer = reference.forward(params, [*xs, *fc.x], "tanh")
    np.testing.assert_allclose(longer[1][12:], fc.h, rtol=1e-12)
    np.testing.assert_allclose(longer[2][12:], fc.y, rtol=1e-12)


def test_an_exploding_forecast_gives_inf_or_nan_not_an_error():
    params = Params.scalar(w_xh=1e6, w_hh=1e6, w_hy=1e6)
    fc = forecast(params, [1, 2, 3], "linear", MAX_STEPS)
    first = next(k for k, y in enumerate(fc.y) if not math.isfinite(y))  # StopIteration: fails
    assert first > 0 and not any(map(math.isfinite, fc.y[first:]))
    assert len(fc.y) == MAX_STEPS


@pytest.mark.parametrize("steps", [0, 65, 2.0, True, "3"])
def test_bad_steps_are_refused(steps):
    with pytest.raises(ValueError, match="Forecast steps must be a whole number from 1 to 64"):
        forecast(Params.random(1, 0), [1, 2, 3], "tanh", steps)


def test_bad_activation_is_refused():
    with pytest.raises(ValueError, match="Unknown activation"):
        forecast(Params.random(1, 0), [1, 2, 3], "softmax", 3)


@pytest.mark.parametrize("kind", SEQUENCES)
@pytest.mark.parametrize("length", [3, 12, 30])
def test_true_continuation_raw_is_the_sequence_itself(kind, length):
    steps = 64 - length - 1
    later = true_continuation(kind, length, False, steps)
    assert make_sequence(kind, length) + later == make_sequence(kind, 64)


@pytest.mark.parametrize("kind", SEQUENCES)
@pytest.mark.parametrize("length", [3, 12, 30])
def test_true_continuation_keeps_the_normalisation_of_the_shown_terms(kind, length):
    """The continuation goes through the affine map fixed by the first T terms (found here from
    their smallest and largest raw values), not a renormalisation of the longer sequence."""
    steps = 64 - length - 1
    raw = np.array(make_sequence(kind, 64))
    shown = np.array(make_sequence(kind, length, normalized=True))
    lo, hi = raw[:length].min(), raw[:length].max()
    a, c = 2 / (hi - lo), -2 * lo / (hi - lo) - 1
    np.testing.assert_allclose(shown, a * raw[:length] + c, atol=1e-12)
    later = true_continuation(kind, length, True, steps)
    np.testing.assert_allclose(later, a * raw[length:] + c, rtol=1e-12, atol=1e-12)


def test_normalized_fibonacci_continues_past_one():
    xs = make_sequence("fibonacci", 12, normalized=True)
    later = true_continuation("fibonacci", 12, True, 12)
    assert max(xs) == 1.0 and later[0] > 1.0
    c, _ = fibonacci_rule(xs)
    whole = [*xs, *later]
    for t in range(1, len(whole) - 1):  # the same rule x_{t+1} = x_t + x_{t−1} − c all along
        assert whole[t + 1] == pytest.approx(whole[t] + whole[t - 1] - c, rel=1e-12)


def test_continuation_beyond_the_longest_sequence():
    later = true_continuation("exponential", 64, False, MAX_STEPS)
    assert later[-1] == 2.0 ** (64 + MAX_STEPS) and len(later) == MAX_STEPS + 1


def test_custom_sequences_have_no_known_continuation():
    with pytest.raises(ValueError, match="Only the named sequences"):
        true_continuation("custom", 12, False, 3)


def test_exact_fibonacci_forecasts_the_true_continuation():
    """The exact two-unit weights learned the rule, so the free-running forecast follows it."""
    for normalized in (False, True):
        xs = make_sequence("fibonacci", 12, normalized=normalized)
        fc = forecast(exact_fibonacci(xs), xs, "linear", 12)
        later = true_continuation("fibonacci", 12, normalized, 12)
        np.testing.assert_allclose(fc.values, later, rtol=1e-9)


# ---- what the page shows: rnn_py.page.view and the link --------------------------------------


def test_snapshot_appends_forecast_rows_after_every_value_is_read():
    from rnn_py.page.state import DemoState
    from rnn_py.page.view import cell, snapshot

    state = DemoState(sequence="exponential", normalized=True, forecast=True, forecast_steps=4)
    snap = snapshot(state)
    xs = make_sequence("exponential", 12, normalized=True)
    X_hat, H, Y = reference.forecast(state.params, xs, "tanh", 4)
    truth = true_continuation("exponential", 12, True, 4)
    assert snap["forecast_from"] == 12 and len(snap["rows"]) == 16
    for k, row in enumerate(snap["rows"][12:]):
        assert row[0] == f"{12 + k} (forecast)"
        assert row[1:4] == [cell(X_hat[k]), cell(H[k][0]), cell(Y[k])]
        assert row[4:] == [cell(truth[k + 1]), cell(Y[k] - truth[k + 1])]
    series = snap["charts"]["forecast"]
    assert series["t"] == list(range(16))
    assert series["y"][:11] == [None] * 11 and series["y"][12:] == pytest.approx(Y.tolist())
    assert series["truth"][:10] == [None] * 10 and series["truth"][10] == xs[-1]
    assert series["truth"][11:] == truth  # x_(t+1) at t = T−1 … T+3


def test_snapshot_without_forecast_rows():
    from rnn_py.page.state import DemoState
    from rnn_py.page.view import snapshot

    assert snapshot(DemoState())["forecast_from"] is None
    stepping = snapshot(DemoState(forecast=True, step=5))
    assert stepping["forecast_from"] is None and len(stepping["rows"]) == 5
    assert "forecast" not in stepping["charts"]
    custom = snapshot(DemoState(sequence="custom", custom="1, 5, 2", forecast=True))
    assert custom["forecast_from"] == 3 and custom["charts"]["forecast"]["truth"] is None
    assert [row[4] for row in custom["rows"][3:]] == ["—"] * 12


@pytest.mark.parametrize("n", [1, 3])
def test_csv_has_the_forecast_rows_marked_forecast(n):
    import csv

    from rnn_py.page.state import DemoState
    from rnn_py.page.view import timesteps_csv

    params = Params.random(n, 2)
    state = DemoState(sequence="linear", length=6, normalized=True, params=params,
                      forecast=True, forecast_steps=5)  # fmt: skip
    rows = list(csv.DictReader(timesteps_csv(state).splitlines()))
    assert [r["kind"] for r in rows] == ["data"] * 6 + ["forecast"] * 5
    assert [int(r["t"]) for r in rows] == list(range(11))
    xs = make_sequence("linear", 6, normalized=True)
    X_hat, H, Y = reference.forecast(params, xs, "tanh", 5)
    truth = true_continuation("linear", 6, True, 5)
    h_names = ["h_t"] if n == 1 else [f"h_t[{i + 1}]" for i in range(n)]
    for k, row in enumerate(rows[6:]):
        assert float(row["x_t"]) == pytest.approx(X_hat[k], rel=1e-12)
        assert [float(row[h]) for h in h_names] == pytest.approx(H[k], rel=1e-12)
        assert float(row["y_t"]) == pytest.approx(Y[k], rel=1e-12)
        assert float(row["target"]) == truth[k + 1]
        assert float(row["error"]) == pytest.approx(Y[k] - truth[k + 1], rel=1e-12)
    assert float(rows[0]["x_t"]) == xs[0] and rows[5]["target"] == ""


def test_csv_forecast_of_custom_numbers_has_no_target():
    import csv

    from rnn_py.page.state import DemoState
    from rnn_py.page.view import timesteps_csv

    state = DemoState(sequence="custom", custom="1, 5, 2", forecast=True, forecast_steps=2)
    rows = list(csv.DictReader(timesteps_csv(state).splitlines()))
    assert [(r["kind"], r["target"], r["error"]) for r in rows[3:]] == [("forecast", "", "")] * 2
    plain = timesteps_csv(DemoState(sequence="custom", custom="1, 5, 2"))
    without = list(csv.DictReader(plain.splitlines()))
    assert [r["kind"] for r in without] == ["data"] * 3


def test_forecast_settings_travel_in_the_link():
    from rnn_py.page.state import DemoState, from_query, to_query

    assert "fc" not in to_query(DemoState())  # off by default, and left out of links
    state = DemoState(forecast=True, forecast_steps=30)
    again, notices = from_query(to_query(state))
    assert (again.forecast, again.forecast_steps, notices) == (True, 30, [])
    _, notices = from_query("fc=yes&fcn=0")
    assert len(notices) == 2 and "Forecast steps ('0') is outside 1–64" in notices[1]
