"""The small measurements the challenges share (rnn_py.lessons.goals): the state's data, loss
and reach, a run's or a weights event's weights, and whether two runs saw the same data.
Measurements of a network are cached by its weights and data (`_measured`)."""

from __future__ import annotations

import math
from functools import lru_cache

from .. import cells
from ..cells.base import CellParams
from ..cells.vanilla import Params

LONG_LAG = "remember"  # the long-lag task's sequence name (state.REMEMBER; state imports lessons)


def _xs(state):
    """The state's sequence, or None when its custom text is unusable."""
    try:
        return state.xs()
    except ValueError:
        return None


def _now(what, state):
    """_measured(what) for the current weights on the current sequence (None if there is none)."""
    xs = _xs(state)
    if xs is None:
        return None
    return _measured(
        what, state.activation, state.params.n, tuple(state.params.flat()), tuple(xs),
        state.cell, _targets(state),
    )  # fmt: skip


def _loss(state):
    """The loss of the current weights on the current sequence (None if there is none)."""
    return _now("loss", state)


def _reach_at_0(state):
    """‖∂h_{T−1}/∂h_0‖ for the current settings (None if there is no sequence or it is nan)."""
    return _now("reach", state)


def _targets(state):
    """The long-lag task's targets as a tuple (None for a plain sequence)."""
    targets = state.targets()
    return None if targets is None else tuple(targets)


@lru_cache(maxsize=8)
def _measured(what, activation, n, flat, xs, cell="vanilla", targets=None):
    """The loss (None unless finite) or the reach at t = 0 (None if nan) of the weights
    of `cell` from_flat(n, flat) on xs (any cell, rnn_py.cells). Several challenges ask about
    the same state, so the last few answers are kept."""
    params = cells.params_class(cell).from_flat(n, flat)
    if what == "loss":
        loss = cells.forward(params, xs, activation, targets and list(targets)).loss
        return loss if math.isfinite(loss) else None
    reach = cells.reach(params, xs, activation)[0]
    return None if math.isnan(reach) else reach


def _reach_of(state, params, activation):
    """‖∂h_{T−1}/∂h_0‖ of other weights (any cell) on the current sequence, or None."""
    xs = _xs(state)
    if xs is None:
        return None
    flat = tuple(params.flat())
    return _measured("reach", activation, params.n, flat, tuple(xs), params.CELL, None)


def weights_of(params):
    """Some cell's weights from its weights object or a to_dict() dict; None when neither."""
    if isinstance(params, Params | CellParams):  # any cell's weights object (not which cell)
        return params
    if isinstance(params, dict):
        for cell in reversed(cells.CELLS):  # gated first: a GRU's dict also holds w_xh, w_hh, b_h
            try:
                return cells.params_class(cell).from_dict(params)
            except ValueError:
                continue
    return None


def _flat(params):
    """The weights as a flat list, from any cell's weights or a to_dict() dict; None when
    neither."""
    p = weights_of(params)
    return None if p is None else p.flat()


def _same_weights(a, b):
    pa, pb = weights_of(a), weights_of(b)
    return pa is not None and pb is not None and type(pa) is type(pb) and pa.flat() == pb.flat()


def _runs(events, method=None):
    return [
        e
        for e in events
        if e.get("kind") == "run" and (method is None or e.get("method") == method)
    ]


def _same_data(a, b):
    """Two runs used the same sequence (the same typed values, for a custom one; the same gap
    and batch for the long-lag task), activation, cell and number of hidden units."""
    keys = ("sequence", "normalized", "activation", "hidden", "cell")
    if a.get("sequence") == "custom":
        keys += ("custom",)
    elif a.get("sequence") == LONG_LAG:
        keys += ("gap", "batch")
    else:
        keys += ("length",)
    return all(a.get(key) == b.get(key) for key in keys)


def finite(v):
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _num(v):
    """A number for a sentence: 3 significant digits."""
    return f"{v:.3g}"
