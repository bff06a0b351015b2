"""The sequences the network learns to continue, and how to read one that a student typed."""

import math
import re

from .i18n import _

SEQUENCES = ("fibonacci", "linear", "alternating", "exponential", "sine")
MIN_LENGTH = 3
MAX_LENGTH = 64
DEFAULT_LENGTH = 12

_LARGEST = 1e9  # typed values must lie in [-1e9, 1e9]
_SEPARATORS = re.compile(r"[,;\s]+")


def make_sequence(kind, length=DEFAULT_LENGTH, normalized=False):
    """The first `length` terms of a named sequence, as floats.

    fibonacci is 1, 1, 2, 3, 5, …; linear is 1, 2, 3, …; alternating is 1, 0, 1, 0, …;
    exponential is 1, 2, 4, 8, …; sine is sin(2π·t/8) for t = 0, 1, … (one period every 8 steps).
    With normalized=True the terms are mapped onto [−1, 1] by `normalize`.

    >>> make_sequence("fibonacci", 6)
    [1.0, 1.0, 2.0, 3.0, 5.0, 8.0]
    >>> make_sequence("exponential", 4, normalized=True)
    [-1.0, -0.7142857142857143, -0.1428571428571429, 1.0]
    """
    if kind not in SEQUENCES:
        raise ValueError(f"Unknown sequence {kind!r}. Choose one of: {', '.join(SEQUENCES)}.")
    if isinstance(length, bool) or not isinstance(length, int):
        raise ValueError(f"The length must be a whole number, not {length!r}.")
    if not MIN_LENGTH <= length <= MAX_LENGTH:
        raise ValueError(
            f"The length must be between {MIN_LENGTH} and {MAX_LENGTH}; {length} is out of range."
        )
    xs = terms(kind, length)
    return normalize(xs) if normalized else xs


def terms(kind, count):
    """The first `count` terms of a named sequence, with no limit on count (make_sequence checks
    its arguments; a forecast's true continuation runs past MAX_LENGTH)."""
    if kind == "fibonacci":
        xs = [1.0, 1.0]
        while len(xs) < count:
            xs.append(xs[-1] + xs[-2])
        return xs[:count]
    if kind == "linear":
        return [float(t + 1) for t in range(count)]
    if kind == "alternating":
        return [1.0 if t % 2 == 0 else 0.0 for t in range(count)]
    if kind == "exponential":
        return [math.ldexp(1.0, t) for t in range(count)]
    # sine; sin(π) is 1.2e-16 in floating point, so the exact zeros are written as 0
    return [math.sin(2 * math.pi * t / 8) if t % 4 else 0.0 for t in range(count)]


def normalize(xs):
    """Rescale a sequence so that its smallest value becomes −1 and its largest +1.

    The map is affine (x ↦ a·x + b), so the shape of the sequence is kept. A constant sequence
    has no spread to rescale and maps to all zeros.

    >>> normalize([1, 2, 3, 5])
    [-1.0, -0.5, 0.0, 1.0]
    >>> normalize([4, 4, 4])
    [0.0, 0.0, 0.0]
    """
    xs = [float(x) for x in xs]
    if not xs:
        raise ValueError("There is nothing to normalize: the sequence is empty.")
    if not all(math.isfinite(x) for x in xs):
        raise ValueError("Only finite numbers can be normalized (no inf or nan).")
    lo, hi = min(xs), max(xs)
    if lo == hi:
        return [0.0] * len(xs)
    span = hi - lo
    if math.isfinite(span):
        scaled = [2.0 * ((x - lo) / span) - 1.0 for x in xs]
    else:  # hi − lo overflowed: measure from the midpoint, in halves
        mid, half = lo / 2 + hi / 2, hi / 2 - lo / 2
        scaled = [(x - mid) / half for x in xs]
    return [
        1.0 if x == hi else -1.0 if x == lo else min(1.0, max(-1.0, s))
        for x, s in zip(xs, scaled, strict=True)
    ]


def parse_sequence(text):
    """Read the numbers a student typed, separated by commas, semicolons and/or spaces.

    Every problem is reported as a ValueError whose message can be shown on the page as it is:
    something that is not a number, fewer than 3 or more than 64 values, nan or inf, or a value
    beyond ±1e9.

    >>> parse_sequence("1, 2; 3 5.5")
    [1.0, 2.0, 3.0, 5.5]
    >>> parse_sequence("1, 2, abc")
    Traceback (most recent call last):
    ...
    ValueError: 'abc' (item 3) is not a number. Type numbers separated by commas, like 1, 2, 3.
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_sequence expects a string, not {type(text).__name__}")
    items = [item for item in _SEPARATORS.split(text) if item]
    xs = []
    for k, item in enumerate(items, start=1):
        shown = item if len(item) <= 20 else item[:20] + "…"
        try:
            x = float(item)
        except ValueError:
            raise ValueError(
                _(
                    "'{item}' (item {k}) is not a number. "
                    "Type numbers separated by commas, like 1, 2, 3."
                ).format(item=shown, k=k)
            ) from None
        if math.isnan(x) or (math.isinf(x) and "inf" in item.lower()):
            raise ValueError(
                _(
                    "'{item}' (item {k}) is not an ordinary number. Use numbers like 0.5 or -3."
                ).format(item=shown, k=k)
            )
        if not abs(x) <= _LARGEST:
            raise ValueError(
                _(
                    "'{item}' (item {k}) is too large. Keep every value between -1e9 and 1e9."
                ).format(item=shown, k=k)
            )
        xs.append(x)
    if len(xs) < MIN_LENGTH:
        if xs:
            message = _(
                "Type at least {least} numbers ({n} so far), separated by commas, like 1, 2, 3."
            )
        else:
            message = _(
                "Type at least {least} numbers (none so far), separated by commas, like 1, 2, 3."
            )
        raise ValueError(message.format(least=MIN_LENGTH, n=len(xs)))
    if len(xs) > MAX_LENGTH:
        raise ValueError(
            _(
                "That is {n} numbers; the most this page handles is {most}. Shorten the sequence."
            ).format(n=len(xs), most=MAX_LENGTH)
        )
    return xs
