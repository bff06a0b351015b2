"""Pure helpers of the benchmark suite: medians, percentiles, budget verdicts and the table.

No browser and no timing here, so tests/test_bench.py can check them on CPython.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["Budget", "Row", "median", "percentile", "ratio", "format_value", "table"]


def median(values):
    """The median of the numbers that are not None, or None when there are none.

    >>> median([3.0, 1.0, 2.0, None])
    2.0
    """
    xs = sorted(v for v in values if v is not None)
    if not xs:
        return None
    mid = len(xs) // 2
    return xs[mid] if len(xs) % 2 else (xs[mid - 1] + xs[mid]) / 2


def percentile(values, p):
    """The p-th percentile (0–100) by linear interpolation between closest ranks, or None.

    >>> percentile([1, 2, 3, 4, 5], 50), percentile([1, 2, 3, 4, 5], 95)
    (3.0, 4.8)
    """
    xs = sorted(v for v in values if v is not None)
    if not xs:
        return None
    if not 0 <= p <= 100:
        raise ValueError(f"A percentile lies between 0 and 100, not {p}.")
    rank = (len(xs) - 1) * p / 100
    low = math.floor(rank)
    high = min(low + 1, len(xs) - 1)
    return float(xs[low] + (xs[high] - xs[low]) * (rank - low))


def ratio(a, b):
    """a / b, or None when either is missing or b is zero."""
    if a is None or b is None or b == 0:
        return None
    return a / b


def format_value(value, unit="", digits=3):
    """A number with `digits` significant digits (thousands grouped) and its unit; "n/a" for None.

    >>> format_value(2.71828, "s"), format_value(12345.6, "/s"), format_value(None)
    ('2.72 s', '12,346 /s', 'n/a')
    """
    if value is None:
        return "n/a"
    if value == 0 or not math.isfinite(value):
        text = f"{value:g}"
    else:
        decimals = max(0, digits - 1 - math.floor(math.log10(abs(value))))
        text = f"{value:,.{decimals}f}"
    if unit in ("", "×"):
        return text + unit
    return f"{text} {unit}"


@dataclass(frozen=True)
class Budget:
    """A limit a figure must meet: `op` is "<=" (at most) or ">=" (at least)."""

    op: str
    limit: float

    def __post_init__(self):
        if self.op not in ("<=", ">="):
            raise ValueError(f'A budget is "<=" or ">=", not {self.op!r}.')

    def met(self, value) -> bool | None:
        """Whether value meets the budget (None when the value is missing)."""
        if value is None:
            return None
        return value <= self.limit if self.op == "<=" else value >= self.limit

    def verdict(self, value, unit="") -> str:
        """ "met", "missed by X (Y %)" or "n/a".

        >>> Budget("<=", 4.0).verdict(5.0, "ms"), Budget(">=", 50).verdict(40, "fps")
        ('missed by 1.00 ms (+25%)', 'missed by 10.0 fps (-20%)')
        """
        ok = self.met(value)
        if ok is None:
            return "n/a"
        if ok:
            return "met"
        gap = abs(value - self.limit)
        text = f"missed by {format_value(gap, unit)}"
        if self.limit:
            text += f" ({(value - self.limit) / abs(self.limit):+.0%})"
        return text

    def text(self, unit="") -> str:
        sign = "≤" if self.op == "<=" else "≥"
        return f"{sign} {format_value(self.limit, unit)}"


@dataclass(frozen=True)
class Row:
    """One line of the table: a figure, its unit, an optional budget and a note."""

    name: str
    value: float | None
    unit: str = ""
    budget: Budget | None = None
    note: str = ""

    def cells(self) -> list[str]:
        budget = self.budget.text(self.unit) if self.budget else ""
        verdict = self.budget.verdict(self.value, self.unit) if self.budget else ""
        return [self.name, format_value(self.value, self.unit), budget, verdict, self.note]


HEADERS = ["figure", "value", "budget", "verdict", "note"]


def table(rows) -> str:
    """A Markdown table of the rows (a str item becomes a section line in bold).

    >>> print(table([Row("ready", 1.5, "s", Budget("<=", 2.0))]))
    | figure | value | budget | verdict | note |
    |---|--:|--:|---|---|
    | ready | 1.50 s | ≤ 2.00 s | met |  |
    """
    lines = ["| " + " | ".join(HEADERS) + " |", "|---|--:|--:|---|---|"]
    for row in rows:
        if isinstance(row, str):
            lines.append(f"| **{row}** |  |  |  |  |")
        else:
            lines.append("| " + " | ".join(row.cells()) + " |")
    return "\n".join(lines)
