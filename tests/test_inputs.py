"""Anything a student can type or paste — into a URL, a number box or the custom sequence box —
gives a valid state or a message, never an exception and never a non-finite number."""

from __future__ import annotations

import json
import math
from urllib.parse import urlencode

from hypothesis import given, settings
from hypothesis import strategies as st

import rnn_py
from rnn_py.page.state import (
    HIDEABLE,
    KNOWN_KEYS,
    LR_RANGE,
    MAX_HIDDEN,
    MAX_SEED,
    SAVED_LIMIT,
    WEIGHT_LIMIT,
    DemoState,
    from_query,
    read_number,
    to_query,
)
from rnn_py.page.view import DISPLAY_LIMIT, snapshot_json
from rnn_py.sequences import MAX_LENGTH, MIN_LENGTH, parse_sequence

NASTY = [
    "", " ", "nan", "NaN", "-nan", "inf", "-inf", "Infinity", "1e999", "-1e999", "1e309",
    "-0", "+0", "0", "1e-320", "5e-324", "1e308", "-1e308", "9" * 400, "0x10", "1_000",
    "١٢", "−1", "1,2", "1;2", "<img src=x onerror=alert(1)>", "%00", "\x00", "true", "1e",
    ".", "-", "e5", "2.5", "64", "65", "3", "2", "1", "4", "5", "-5.0001", "0.0001", "1.0000001",
]  # fmt: skip
junk = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=30),
    st.floats().map(repr),
    st.integers(-(2**70), 2**70).map(str),
    st.lists(st.sampled_from(NASTY[:20]) | st.floats().map(repr), max_size=25).map(",".join),
)
# (low, high, integer) of the page's number boxes: weights, learning rate, length, seed
BOXES = [(-WEIGHT_LIMIT, WEIGHT_LIMIT, False), (*LR_RANGE, False), (MIN_LENGTH, MAX_LENGTH, True),
         (0, MAX_SEED, True)]  # fmt: skip
SEQUENCE_WORDS = ["1e999", "-1e999", "nan", "NaN", "inf", "-inf", "-0", "1e-320", "1e9", "1e10",
                  "-1e9", "١٢", "1_0", "0x1", "+3", "abc", "<b>1</b>", "−2"]  # fmt: skip
queries = st.dictionaries(st.sampled_from(sorted(KNOWN_KEYS)), junk, max_size=len(KNOWN_KEYS))


def check_state(state: DemoState) -> None:
    """Every field of state holds a value the page and the model can use."""
    assert state.sequence in (*rnn_py.SEQUENCES, "custom")
    assert MIN_LENGTH <= state.length <= MAX_LENGTH and isinstance(state.length, int)
    assert state.activation in rnn_py.ACTIVATIONS
    assert 1 <= state.hidden <= MAX_HIDDEN
    assert all(math.isfinite(v) and abs(v) <= SAVED_LIMIT for v in state.params.flat())
    assert isinstance(state.lr, float | int) and math.isfinite(state.lr)
    assert LR_RANGE[0] <= state.lr <= LR_RANGE[1]
    assert isinstance(state.seed, int) and 0 <= state.seed <= MAX_SEED
    assert state.step is None or (isinstance(state.step, int) and 0 <= state.step <= MAX_LENGTH)
    assert set(state.hide) <= set(HIDEABLE)
    flags = ("normalized", "clip", "explain", "embed")
    assert all(isinstance(getattr(state, name), bool) for name in flags)


@settings(max_examples=400, deadline=None)
@given(queries, st.sampled_from(["", "?", "#"]))
def test_from_query_never_raises_on_real_keys_with_junk_values(pairs, prefix):
    state, notices = from_query(prefix + urlencode(pairs))
    check_state(state)
    assert all(isinstance(n, str) and n and "\n" not in n and len(n) < 400 for n in notices)
    # A length the parser did not complain about is the one in the link.
    if "len" in pairs and not any("Length" in n for n in notices):
        assert state.length == int(pairs["len"])


@settings(max_examples=200, deadline=None)
@given(queries)
def test_any_state_from_a_link_paints_strict_json(pairs):
    state, _ = from_query(urlencode(pairs))
    payload = snapshot_json(state)  # raises on NaN or Infinity (allow_nan=False)
    data = json.loads(payload)
    assert data["query"] == to_query(state)
    if data["ok"]:
        # one row per timestep read, then the forecast's rows (only once every step is read)
        forecast_from = data["forecast_from"]
        assert (len(data["rows"]) if forecast_from is None else forecast_from) == data["step"]
        assert data["forecast_from"] is None or data["step"] == data["T"]


@settings(max_examples=300, deadline=None)
@given(
    junk,
    st.sampled_from(BOXES),
)
def test_read_number_gives_a_finite_value_in_range_or_a_message(text, limits):
    low, high, integer = limits
    value, message = read_number(text, low, high, "Box", integer=integer)
    assert isinstance(message, str) and "\n" not in message and "Traceback" not in message
    if value is None:
        assert "Box" in message  # refused: the message names the box and its range
        return
    assert math.isfinite(value) and low <= value <= high
    assert isinstance(value, int) if integer else isinstance(value, float)
    if message:
        assert "Box" in message and "became" in message


sequence_items = st.one_of(
    st.sampled_from(SEQUENCE_WORDS),
    st.floats().map(repr),
    st.integers(-(10**12), 10**12).map(str),
)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(sequence_items, max_size=70),
    st.lists(st.sampled_from([",", ";", " ", ",,", "\n", "\t", ", ", " ;"]), min_size=1),
)
def test_parse_sequence_on_number_like_text_is_finite_or_a_message(items, separators):
    text = "".join(item + separators[k % len(separators)] for k, item in enumerate(items))
    try:
        xs = parse_sequence(text)
    except ValueError as error:
        assert str(error) and "\n" not in str(error)
        return
    assert MIN_LENGTH <= len(xs) <= MAX_LENGTH
    assert all(math.isfinite(x) and abs(x) <= 1e9 for x in xs)


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(rnn_py.SEQUENCES),
    st.sampled_from(rnn_py.ACTIVATIONS),
    st.lists(st.sampled_from([-WEIGHT_LIMIT, -1.5, 0, 1.5, WEIGHT_LIMIT]), min_size=5, max_size=5),
    st.integers(MIN_LENGTH, MAX_LENGTH),
)
def test_exploding_settings_draw_only_finite_numbers_within_the_display_limit(kind, act, w, length):
    state = DemoState(sequence=kind, length=length, activation=act,
                      params=rnn_py.Params.from_flat(1, w))  # fmt: skip
    data = json.loads(snapshot_json(state))

    def numbers(value):
        if isinstance(value, dict):
            for v in value.values():
                yield from numbers(v)
        elif isinstance(value, list):
            for v in value:
                yield from numbers(v)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            yield value

    drawn = list(numbers(data["charts"])) + list(numbers(data["charts_loss"]))
    assert all(math.isfinite(v) and abs(v) <= max(DISPLAY_LIMIT, MAX_LENGTH) for v in drawn)
    for row in data["rows"]:
        for text in row:
            assert "nan" not in text and "inf" not in text.lower(), row  # words, not Python's repr
