"""DemoState and its URL form; what the page is told to show (rnn_py.page.view)."""

from __future__ import annotations

import json
import math

from hypothesis import given, settings
from hypothesis import strategies as st

import rnn_py
from rnn_py.page.embed import OPENABLE, PANELS_BY_NAME
from rnn_py.page.state import (
    HIDEABLE,
    MAX_HIDDEN,
    SAVED_LIMIT,
    WEIGHT_LIMIT,
    DemoState,
    default_params,
    from_query,
    read_number,
    to_query,
    with_weight,
)
from rnn_py.page.view import History, cell, snapshot, snapshot_json

finite = st.floats(-WEIGHT_LIMIT, WEIGHT_LIMIT) | st.floats(-SAVED_LIMIT, SAVED_LIMIT)


@st.composite
def states(draw):
    n = draw(st.integers(1, MAX_HIDDEN))
    params = rnn_py.Params.from_flat(n, draw(st.lists(finite, min_size=n * n + 3 * n + 1,
                                                      max_size=n * n + 3 * n + 1)))  # fmt: skip
    sequence = draw(st.sampled_from((*rnn_py.SEQUENCES, "custom")))
    embed = draw(st.booleans())
    return DemoState(
        sequence=sequence,
        length=draw(st.integers(3, 64)),
        custom=draw(st.text(max_size=40)),
        normalized=draw(st.booleans()),
        activation=draw(st.sampled_from(rnn_py.ACTIVATIONS)),
        params=params,
        lr=draw(st.floats(0.0001, 1.0)),
        seed=draw(st.integers(0, 2**31 - 1)),
        clip=draw(st.booleans()),
        step=draw(st.none() | st.integers(0, 64)),
        hide=tuple(draw(st.lists(st.sampled_from(HIDEABLE), unique=True, max_size=4))),
        explain=draw(st.booleans()),
        embed=embed,
        panel=draw(st.sampled_from(("", *PANELS_BY_NAME))) if embed else "",
        open=tuple(draw(st.lists(st.sampled_from(tuple(OPENABLE)), unique=True, max_size=3))),
    )


@settings(max_examples=200, deadline=None)
@given(states())
def test_url_round_trips_exactly(state):
    back, notices = from_query(to_query(state))
    assert back == state
    assert all("custom sequence" in notice for notice in notices)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_as_a_url_gives_a_valid_state(text):
    state, notices = from_query(text)
    assert isinstance(state, DemoState)
    assert state.sequence in (*rnn_py.SEQUENCES, "custom")
    assert 3 <= state.length <= 64 and state.activation in rnn_py.ACTIVATIONS
    assert all(math.isfinite(v) and abs(v) <= SAVED_LIMIT for v in state.params.flat())
    assert all(isinstance(n, str) and len(n) < 400 for n in notices)


def test_tampered_link_keeps_the_good_parts_and_explains_the_bad():
    query = (
        "seq=fibonacci&len=99999&act=<script>alert(1)</script>&norm=1&w=1,2,nan,4,5"
        "&lr=-3&evil=1&hide=train,bogus&step=2"
    )
    state, notices = from_query(query)
    assert state.sequence == "fibonacci" and state.normalized and state.step == 2
    assert state.length == 12 and state.activation == "tanh" and state.lr == 0.05
    assert state.params == default_params() and state.hide == ("train",)  # bogus is dropped
    text = " ".join(notices)
    for label in ("Length", "Activation", "weights", "Learning rate", "Hidden controls", "evil"):
        assert label in text, label
    assert "<script>alert(1)</script>" not in text  # quoted back only shortened


def test_trained_weights_beyond_the_sliders_survive_a_link():
    xs = rnn_py.make_sequence("fibonacci", 12)
    params = rnn_py.Params.scalar(0.5, 5.0, 1.0)
    *_, last = rnn_py.train_bptt(params, xs, "relu", lr=1.0, epochs=40)
    assert max(abs(v) for v in last.params.flat()) > WEIGHT_LIMIT  # training went past ±5
    state = DemoState(sequence="fibonacci", activation="relu", params=last.params)
    back, notices = from_query(to_query(state))
    assert back == state and not notices


def test_weights_must_match_hidden_units():
    state, notices = from_query("n=2&w=1,2,3")
    assert state.hidden == 2 and len(notices) == 1 and "need 11" in notices[0]


def test_default_link_is_short_and_readable():
    assert to_query(DemoState()) == (
        "seq=sine&len=12&norm=0&act=tanh&n=1&w=0.5,0.8,1,0,0&lr=0.05&seed=1&clip=1"
    )


def test_read_number_refuses_or_clamps():
    assert read_number("0.25", -5, 5, "Input weight") == (0.25, "")
    assert read_number("-0", -5, 5, "Input weight") == (0.0, "")
    assert math.copysign(1, read_number("-0", -5, 5, "W")[0]) == 1
    for junk in ("", "abc", "nan", "inf", "1e999", "-1e999"):
        value, message = read_number(junk, -5, 5, "Input weight")
        assert value is None and "Input weight" in message, junk
    assert read_number("1e10", -5, 5, "W") == (5.0, "W goes from -5 to 5, so 1e10 became 5.")
    assert read_number("1e-300", -5, 5, "W")[0] == 1e-300
    assert read_number("64.4", 3, 64, "Length", integer=True)[0] == 64


def test_with_weight_sets_one_named_weight():
    p = with_weight(default_params(), "w_hh", 1.5)
    assert p.w_hh == [[1.5]] and p.w_xh == [0.5]


def test_cell_formats_every_kind_of_number():
    assert cell(0.12345) == "0.1235"
    assert cell(2.0**63) == "9.2234e+18"
    assert cell(float("-inf")) == "overflow (−∞)"


def test_snapshot_matches_forward_and_marks_the_current_step():
    state = DemoState(sequence="linear", step=3)
    snap = snapshot(state)
    trace = rnn_py.forward(state.params, state.xs(), "tanh")
    assert len(snap["rows"]) == 3 and snap["current"] == 2
    assert snap["rows"][2][2] == f"{trace.h[2][0]:.4f}"
    assert snap["charts"]["y"][3] is None and snap["charts"]["y"][2] == trace.y[2]
    text = "".join(token[1] for line in snap["equation"] for token in line)
    assert f"{trace.z[2][0]:.3f}" in text and "tanh" in text


def test_gradient_series_shows_vanishing_and_exploding():
    """‖∂h_{T−1}/∂h_t‖ shrinks towards t = 0 for a small hidden weight, grows for a large one."""

    def grads(w_hh, activation):
        p = rnn_py.Params.scalar(0.5, w_hh, 1.0)
        return snapshot(DemoState(sequence="sine", length=20, params=p, activation=activation))[
            "charts"]["reach"]  # fmt: skip

    small = grads(0.3, "sigmoid")
    assert small[0] < small[10] * 1e-6
    large = grads(1.5, "linear")
    assert large[0] > large[10] * 50  # 1.5 ** 10 = 57.7


def test_exploding_settings_never_put_nan_in_the_payload():
    state = DemoState(
        sequence="exponential", length=64, activation="relu",
        params=rnn_py.Params.scalar(5, 5, 5, 5, 5),
    )  # fmt: skip
    payload = snapshot_json(state)
    assert "NaN" not in payload and "Infinity" not in payload
    data = json.loads(payload)
    assert data["notices"] and "too large to draw" in data["notices"][0]
    assert any("e+" in row[2] or "overflow" in row[2] for row in data["rows"])


def test_bad_custom_sequence_is_a_message_not_a_crash():
    snap = snapshot(DemoState(sequence="custom", custom="1, 2, x"))
    assert not snap["ok"] and "'x'" in snap["error"] and snap["rows"] == []


def test_history_continues_across_runs():
    history = History()
    xs = rnn_py.make_sequence("sine", 12)
    for step in rnn_py.train_bptt(default_params(), xs, "tanh", epochs=5):
        history.add(step)
    offset = history.evaluations("bptt")
    for step in rnn_py.train_bptt(default_params(), xs, "tanh", epochs=5):
        history.add(step, offset)
    assert [e for e, _ in history.bptt] == list(range(1, 11))
    for step in rnn_py.random_search(xs, "tanh", trials=20, seed=3):
        history.add(step)
    best = [loss for _, loss in history.random]
    assert best == sorted(best, reverse=True)


def test_a_text_link_takes_exactly_the_hidden_units_the_text_network_takes():
    """A link's limit (rnn_py.text.settings, read without the text network) is the network's."""
    from rnn_py.text import model as textmodel
    from rnn_py.text import view as textview

    most = textmodel.MAX_HIDDEN_TEXT
    state, notices = from_query(f"task=text&tn={most}")
    assert notices == [] and state.text_hidden == most
    assert textview.new_model(state).params.n == most
    state, notices = from_query(f"task=text&tn={most + 1}")
    assert state.text_hidden < most + 1 and "Hidden units" in " ".join(notices)
