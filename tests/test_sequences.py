"""Named sequences, normalisation, and reading the numbers a student types."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnn_py import (
    DEFAULT_LENGTH,
    MAX_LENGTH,
    MIN_LENGTH,
    SEQUENCES,
    make_sequence,
    normalize,
    parse_sequence,
)

QUICK = settings(max_examples=60, deadline=None)


def test_constants():
    assert SEQUENCES == ("fibonacci", "linear", "alternating", "exponential", "sine")
    assert (MIN_LENGTH, MAX_LENGTH, DEFAULT_LENGTH) == (3, 64, 12)


@pytest.mark.parametrize(
    ("kind", "first"),
    [
        ("fibonacci", [1, 1, 2, 3, 5, 8, 13, 21]),
        ("linear", [1, 2, 3, 4, 5, 6, 7, 8]),
        ("alternating", [1, 0, 1, 0, 1, 0, 1, 0]),
        ("exponential", [1, 2, 4, 8, 16, 32, 64, 128]),
    ],
)
def test_named_sequences(kind, first):
    xs = make_sequence(kind, 8)
    assert xs == first and all(isinstance(x, float) for x in xs)
    assert len(make_sequence(kind)) == DEFAULT_LENGTH


def test_sine_has_period_eight():
    xs = make_sequence("sine", 17)
    for t, x in enumerate(xs):
        assert x == pytest.approx(math.sin(2 * math.pi * t / 8), abs=1e-15)
    assert xs[0] == xs[4] == xs[8] == 0.0 and xs[2] == 1.0 and xs[6] == -1.0


@pytest.mark.parametrize("kind", SEQUENCES)
@pytest.mark.parametrize("length", [MIN_LENGTH, 12, MAX_LENGTH])
def test_lengths_and_normalized(kind, length):
    xs = make_sequence(kind, length)
    assert len(xs) == length and all(math.isfinite(x) for x in xs)
    assert make_sequence(kind, length, normalized=True) == normalize(xs)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("fibonacci", 2), "between 3 and 64"),
        (("fibonacci", 65), "between 3 and 64"),
        (("fibonacci", "12"), "whole number"),
        (("fibonacci", 12.0), "whole number"),
        (("fibonacci", True), "whole number"),
        (("squares", 12), "Unknown sequence 'squares'"),
        ((["sine"], 12), "Unknown sequence"),
    ],
)
def test_make_sequence_explains_bad_arguments(args, words):
    with pytest.raises(ValueError, match=words):
        make_sequence(*args)


def test_normalize_examples():
    assert normalize([1, 2, 3, 5]) == [-1.0, -0.5, 0.0, 1.0]
    assert normalize([4, 4, 4]) == [0.0, 0.0, 0.0]
    assert normalize([-1e308, 1e308, 0.0]) == [-1.0, 1.0, 0.0]  # the span itself overflows
    with pytest.raises(ValueError, match="empty"):
        normalize([])
    with pytest.raises(ValueError, match="finite"):
        normalize([1.0, math.nan])


@QUICK
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=1, max_size=64))
def test_normalize_maps_onto_minus_one_to_one(xs):
    ys = normalize(xs)
    assert len(ys) == len(xs) and all(-1.0 <= y <= 1.0 for y in ys)
    if min(xs) == max(xs):
        assert ys == [0.0] * len(xs)
    else:
        assert min(ys) == -1.0 and max(ys) == 1.0
        # affine with a positive slope: the order of the values is kept
        for a, b, ya, yb in zip(xs, xs[1:], ys, ys[1:], strict=False):
            if a < b:
                assert ya <= yb
            elif a > b:
                assert ya >= yb


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1, 2, 3", [1.0, 2.0, 3.0]),
        ("1 2 3", [1.0, 2.0, 3.0]),
        ("1;2;3", [1.0, 2.0, 3.0]),
        ("  1,\t-2.5 ;\n3e2, ", [1.0, -2.5, 300.0]),
        ("1,,2,,3", [1.0, 2.0, 3.0]),
        ("1e9 -1e9 0", [1e9, -1e9, 0.0]),
        (", ".join(["7"] * 64), [7.0] * 64),
    ],
)
def test_parse_sequence(text, expected):
    assert parse_sequence(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "1, 2, abc",
            "'abc' (item 3) is not a number. Type numbers separated by commas, like 1, 2, 3.",
        ),
        ("", "Type at least 3 numbers (none so far), separated by commas, like 1, 2, 3."),
        ("1, 2", "Type at least 3 numbers (2 so far), separated by commas, like 1, 2, 3."),
        (
            ", ".join(["1"] * 65),
            "That is 65 numbers; the most this page handles is 64. Shorten the sequence.",
        ),
        ("1, nan, 3", "'nan' (item 2) is not an ordinary number. Use numbers like 0.5 or -3."),
        ("1, 2, -inf", "'-inf' (item 3) is not an ordinary number. Use numbers like 0.5 or -3."),
        ("1e999 2 3", "'1e999' (item 1) is too large. Keep every value between -1e9 and 1e9."),
        (
            "1 2 -1000000001",
            "'-1000000001' (item 3) is too large. Keep every value between -1e9 and 1e9.",
        ),
        (
            "1 2 " + "x" * 40,
            "'xxxxxxxxxxxxxxxxxxxx…' (item 3) is not a number. "
            "Type numbers separated by commas, like 1, 2, 3.",
        ),
    ],
)
def test_parse_sequence_messages_can_be_shown_as_they_are(text, message):
    with pytest.raises(ValueError) as info:
        parse_sequence(text)
    assert str(info.value) == message


def test_parse_sequence_wants_a_string():
    with pytest.raises(TypeError):
        parse_sequence([1, 2, 3])


@QUICK
@given(st.text())
def test_parse_sequence_on_any_text_gives_a_valid_list_or_value_error(text):
    try:
        xs = parse_sequence(text)
    except ValueError as e:
        assert str(e) and "\n" not in str(e)
        return
    assert MIN_LENGTH <= len(xs) <= MAX_LENGTH
    assert all(isinstance(x, float) and math.isfinite(x) and abs(x) <= 1e9 for x in xs)


@QUICK
@given(
    st.lists(st.floats(-1e9, 1e9), min_size=MIN_LENGTH, max_size=MAX_LENGTH),
    st.lists(st.sampled_from([",", ";", " ", ", ", " ; ", "\n", "\t"]), min_size=1),
)
def test_parse_sequence_reads_back_what_was_written(xs, separators):
    text = "".join(repr(x) + separators[k % len(separators)] for k, x in enumerate(xs))
    assert parse_sequence(text) == xs
