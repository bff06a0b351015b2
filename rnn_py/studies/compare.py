"""Compare cells: how far back the gradient reaches in the vanilla RNN, the GRU and the LSTM.

For one sequence, each cell starts from its own seeded random weights (`cells.random_params` at
the same n and seed, so the GRU's update bias and the LSTM's forget bias start at 1) and
`cells.reach` measures ‖∂h_{T−1}/∂h_t‖ through every path. The page draws the three on one log
chart and says in one sentence, computed from these numbers, which cell keeps the most.
"""

import math

from ..cells import CELLS, LABELS, random_params, reach
from ..i18n import N_, _, ngettext

VANILLA = N_("Vanilla RNN")  # the one cell name a language translates (GRU and LSTM stay)


def _label(cell: str) -> str:
    """A cell's name as the page shows it, in the page's language."""
    return _(LABELS[cell])


FLOOR = 1e-30  # the log chart's lowest decade: smaller reaches are left out of the chart


def reaches(xs, n, seed, activation="tanh"):
    """{cell: [‖∂h_{T−1}/∂h_t‖ for t = 0..T−1]} for every cell at its seeded random start.

    The activation applies to the vanilla cell only; gated cells use σ and tanh.

    >>> r = reaches([0.0, 0.5, 1.0], 1, 0)
    >>> sorted(r), [v[-1] for v in r.values()]
    (['gru', 'lstm', 'vanilla'], [1.0, 1.0, 1.0])
    """
    return {cell: cell_reach(cell, xs, n, seed, activation) for cell in CELLS}


def cell_reach(cell, xs, n, seed, activation="tanh"):
    """One cell's reach at its seeded random start: a piece of work the page can do alone."""
    return reach(random_params(cell, n, seed), xs, activation)


def _size(v):
    """A reach for a sentence: 3 significant digits, or what it became."""
    if math.isnan(v):
        return "undefined (NaN)"
    if math.isinf(v):
        return "infinite"
    return f"{v:.3g}"


_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def times(ratio):
    """A ratio for a sentence: two significant digits, as a power of ten from a million on.

    >>> times(2718.3), times(6.1e17), times(1.5)
    ('2,700', '6.1×10¹⁷', '1.5')
    """
    if ratio >= 1e6:
        exponent = math.floor(math.log10(ratio))
        mantissa = ratio / 10**exponent
        if round(mantissa, 1) >= 10:
            mantissa, exponent = mantissa / 10, exponent + 1
        return f"{mantissa:.1f}×10{str(exponent).translate(_SUPERSCRIPTS)}"
    rounded = float(f"{ratio:.2g}")
    return f"{rounded:,.0f}" if rounded >= 100 else f"{rounded:g}"


def reading(values):
    """One sentence on what the reach at t = 0 says, from the numbers in `values` (reaches()).

    >>> reading({"vanilla": [1e-4, 1.0], "gru": [0.2, 1.0], "lstm": [0.02, 1.0]})
    'One step back from the end (t = 0), the gradient that reaches h₀ is 0.0001 for the \
Vanilla RNN, 0.2 for the GRU and 0.02 for the LSTM: the GRU keeps the most, 2,000 times as \
much as the Vanilla RNN.'
    """
    steps = len(next(iter(values.values()))) - 1
    at0 = {cell: values[cell][0] for cell in CELLS}
    where = ngettext(
        "One step back from the end (t = 0)", "{n} steps back from the end (t = 0)", steps
    ).format(n=steps)
    where = where[0].upper() + where[1:]
    parts = [_("{size} for the {cell}").format(size=_size(at0[c]), cell=_label(c)) for c in CELLS]
    said = _("{where}, the gradient that reaches h₀ is {a}, {b} and {c}").format(
        where=where, a=parts[0], b=parts[1], c=parts[2]
    )
    finite = {c: v for c, v in at0.items() if math.isfinite(v)}
    if len(finite) < len(CELLS):
        odd = [_label(c) for c in CELLS if c not in finite]
        cells = odd[0]
        for other in odd[1:]:
            cells = _("{a} and the {b}").format(a=cells, b=other)
        message = _("{said}: for the {cells} it overflowed, an exploding gradient.")
        return message.format(said=said, cells=cells)
    most = max(CELLS, key=lambda c: finite[c])
    least = min(CELLS, key=lambda c: finite[c])
    if finite[most] == finite[least]:
        return _("{said}: all three keep the same.").format(said=said)
    if finite[least] == 0.0:
        return _(
            "{said}: the {most} keeps the most, while for the {least} it has vanished to exactly 0."
        ).format(said=said, most=_label(most), least=_label(least))
    ratio = finite[most] / finite[least]
    return _("{said}: the {most} keeps the most, {times} times as much as the {least}.").format(
        said=said, most=_label(most), times=times(ratio), least=_label(least)
    )


def panel_data(xs, n, seed, activation="tanh", values=None):
    """What the Compare cells panel draws: t, one series per cell (None where a reach is not a
    finite number of at least FLOOR, which the log chart leaves out), the labels and the
    reading. values are reaches(xs, n, seed, activation), computed here unless given."""
    if values is None:
        values = reaches(xs, n, seed, activation)
    series = {
        cell: [v if math.isfinite(v) and v >= FLOOR else None for v in values[cell]]
        for cell in CELLS
    }
    return {
        "t": list(range(len(xs))),
        "cells": list(CELLS),
        "labels": [_label(c) for c in CELLS],
        "series": series,
        "reading": reading(values),
        "note": ngettext(
            "Each cell starts from its own random weights for seed {seed} with {n} hidden "
            "unit (the GRU's b_z and the LSTM's b_f at 1), not your network's; "
            "the activation ({activation}) applies to the vanilla cell only.",
            "Each cell starts from its own random weights for seed {seed} with {n} hidden "
            "units (the GRU's b_z and the LSTM's b_f at 1), not your network's; "
            "the activation ({activation}) applies to the vanilla cell only.",
            n,
        ).format(seed=seed, n=n, activation=activation),
    }
