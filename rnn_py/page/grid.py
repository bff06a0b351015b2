"""One cell of the weight grids: with a gated cell, or two or more hidden units, every weight
is a number a person can edit on the page.

Weights are named as in every cell's Params (`w_xh`, `w_hh`, `b_h` for the vanilla cell; per
gate `w_xg`, `w_hg`, `b_g` for the GRU and the LSTM; `w_hy`, `b_y` for the readout). A name's
shape follows from it: `w_x·`, `b_·`, `w_hy` hold one number per hidden unit, `w_h·` (but not
`w_hy`) a row per unit, `b_y` one number.
"""

from __future__ import annotations

import math
from functools import lru_cache

from .. import cells
from ..i18n import _, ngettext
from .numbers import SAVED_LIMIT, _shown, format_number


def _all_names():
    names = []
    for cell in cells.CELLS:
        names += [name for name in cells.params_class(cell).names() if name not in names]
    return tuple(names)


WEIGHT_NAMES = _all_names()  # every weight name of any cell


def symbol(name: str) -> str:
    """The name a formula gives a weight: 'w_hf' → 'W_hf', 'b_f' stays 'b_f'."""
    if name not in WEIGHT_NAMES:
        raise ValueError(_("There is no weight called {name}.").format(name=repr(name)))
    return "W" + name[1:] if name.startswith("w_") else name


def rank(name: str) -> int:
    """How many indices one number of this weight takes: 0 (b_y), 1 (vectors), 2 (w_h· grids)."""
    if name == "b_y":
        return 0
    return 2 if name.startswith("w_h") and name != "w_hy" else 1


def gate_of(name: str) -> str:
    """The gate a weight belongs to ('f' for w_xf, w_hf, b_f), or 'y' for the readout."""
    return "y" if name in ("w_hy", "b_y") else name[-1]


def cell_label(name: str, index: tuple[int, ...] = ()) -> str:
    """The name a person reads for one weight, counting units from 1 as the formulas do.

    index is 0-based, as in the weights' lists: (i,) for vectors, (i, j) for a recurrent grid
    (row i feeds unit i, column j comes from unit j), () for b_y.

    >>> cell_label("w_hh", (0, 1)), cell_label("w_xf", (2,)), cell_label("b_y")
    ('W_hh[1,2]', 'W_xf[3]', 'b_y')
    """
    base = symbol(name)
    if not index:
        return base
    return base + "[" + ",".join(str(k + 1) for k in index) + "]"


def _order(params) -> tuple[str, ...]:
    """The weights' names in the order of params.flat()."""
    return tuple(params.flat_names())


def _indices(name, n):
    r = rank(name)
    if r == 0:
        return [()]
    if r == 1:
        return [(i,) for i in range(n)]
    return [(i, j) for i in range(n) for j in range(n)]


def weight_cells(params) -> list[dict]:
    """Every weight and bias of params (any cell) as one grid cell: its weights' field
    ``param``, its 0-based ``index`` (a list: [i], [i, j] or [] for b_y), the ``label`` a person
    reads (1-based, as cell_label gives it), its ``gate`` (see gate_of) and its ``value``. In the
    order of params.flat().

    >>> from rnn_py.cells.vanilla import Params
    >>> [c["label"] for c in weight_cells(Params.zeros(2))][:6]
    ['W_xh[1]', 'W_xh[2]', 'W_hh[1,1]', 'W_hh[1,2]', 'W_hh[2,1]', 'W_hh[2,2]']
    """
    values = params.flat()  # in the same order as the cells' templates
    return [{**cell, "index": list(cell["index"]), "value": float(v)}
            for cell, v in zip(_templates(params.CELL, params.n), values, strict=True)]  # fmt: skip


@lru_cache(maxsize=8)
def _templates(cell_name, n):
    """Every grid cell of a cell's weights with n units, without its value: the same for all
    weights of that shape, so made once (weight_cells copies what it hands out)."""
    order = _order(cells.params_class(cell_name))
    return tuple(
        {"param": name, "index": index, "label": cell_label(name, index), "gate": gate_of(name)}
        for name in order
        for index in _indices(name, n)
    )


def _value(params, name, index):
    value = getattr(params, name)
    for k in index:
        value = value[k]
    return float(value)


def with_cell(params, name: str, index, value: float):
    """params (any cell) with one weight or bias replaced; params itself is left as it was.

    name is one of the weights' names (params.names()); index is 0-based like the weights'
    lists: i or (i,) for vectors, (i, j) for a recurrent grid, () or None for b_y. A bad name,
    index or value (not finite, or beyond ±SAVED_LIMIT) raises ValueError with a message that
    names the cell as the page does, counting from 1.

    >>> from rnn_py.cells.vanilla import Params
    >>> p = with_cell(Params.zeros(2), "w_hh", (0, 1), 0.5)
    >>> p.w_hh
    [[0.0, 0.5], [0.0, 0.0]]
    >>> with_cell(p, "w_hh", (2, 0), 1.0)
    Traceback (most recent call last):
    ...
    ValueError: There is no W_hh[3,1]: with 2 hidden units, W_hh has rows and columns 1 to 2.
    """
    name_symbol = symbol(name)
    if name not in params.names():
        what = cells.LABELS[params.CELL]
        raise ValueError(_("The {cell} has no {name}.").format(cell=what, name=name_symbol))
    index = () if index is None else (index,) if isinstance(index, int) else tuple(index)
    if any(isinstance(k, bool) or not isinstance(k, int) for k in index):
        raise ValueError(
            _("A cell of {name} is numbered by whole numbers.").format(name=name_symbol)
        )
    n, wanted = params.n, rank(name)
    if len(index) != wanted:
        shape = {
            0: _("{name} is one number."),
            1: _("{name} takes one unit number."),
            2: _("{name} takes a row and a column."),
        }
        raise ValueError(shape[wanted].format(name=name_symbol))
    if not all(0 <= k < n for k in index):
        if wanted == 2:
            message = ngettext(
                "There is no {cell}: with {n} hidden unit, {name} has rows and columns 1 to {n}.",
                "There is no {cell}: with {n} hidden units, {name} has rows and columns 1 to {n}.",
                n,
            )
        else:
            message = ngettext(
                "There is no {cell}: with {n} hidden unit, {name} has entries 1 to {n}.",
                "There is no {cell}: with {n} hidden units, {name} has entries 1 to {n}.",
                n,
            )
        raise ValueError(message.format(cell=cell_label(name, index), n=n, name=name_symbol))
    label, limit = cell_label(name, index), format_number(SAVED_LIMIT)
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(
            _("{label} must be a number, not {value}.").format(
                label=label, value=_shown(str(value))
            )
        ) from None
    if isinstance(value, bool) or not math.isfinite(number) or abs(number) > SAVED_LIMIT:
        raise ValueError(
            _("{label} must be a number from -{limit} to {limit}.").format(label=label, limit=limit)
        )
    d = params.to_dict()
    if wanted == 0:
        d[name] = number + 0.0
    elif wanted == 2:
        d[name][index[0]][index[1]] = number + 0.0
    else:
        d[name][index[0]] = number + 0.0
    return type(params)(**d)  # a fresh copy of numbers already checked: no from_dict needed
