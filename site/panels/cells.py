"""Handlers of the Compare cells panel: the gradient reach of the vanilla RNN, the GRU and the
LSTM on one log chart, each from its own seeded random start (rnn_py.studies.compare).

The reaches depend only on the sequence, the number of hidden units, the seed and the
activation, not on the current weights, so an open panel recomputes only when one of those
changes, a moment after the changes settle, one cell per piece of work; js/panels/cells.js
draws them.
"""

import asyncio
import time
from dataclasses import dataclass

import page
from page import when
from pyscript import document

from rnn_py.i18n import _

SETTLE = 0.15  # seconds without a change before the reaches are recomputed


@dataclass
class Compare:
    """What the chart shows now, and the check waiting for the changes to settle."""

    signature: tuple | None = None
    pending: bool = False
    changed: float = 0.0


compare = Compare()


def _open():
    return bool(document.getElementById("cells-panel").open)


def _signature(state):
    try:
        xs = tuple(state.xs())
    except ValueError:
        xs = None
    return xs, state.hidden, state.seed, state.activation


async def _draw_later():
    """Recompute once no change has come for SETTLE seconds."""
    while (wait := compare.changed + SETTLE - time.monotonic()) > 0:
        await asyncio.sleep(wait)
    compare.pending = False
    if not _open():
        return
    state = page.session.state
    signature = _signature(state)
    if signature == compare.signature:
        return
    xs, n, seed, activation = signature
    if xs is None:
        compare.signature = signature
        page.panel(
            "cells",
            {"kind": "error", "text": _("No sequence to compare on: fix the custom values above.")},
        )
        return
    from rnn_py.cells import CELLS
    from rnn_py.studies.compare import cell_reach, panel_data  # loaded on first opening

    page.panel("cells", {"kind": "busy"})
    values = {}
    for cell in CELLS:  # one cell per piece of work, with a frame for the page in between
        await asyncio.sleep(0.02)
        if _signature(page.session.state) != signature:
            return  # changed meanwhile: the listener has scheduled the next one
        values[cell] = cell_reach(cell, list(xs), n, seed, activation)
    data = panel_data(list(xs), n, seed, activation, values)
    compare.signature = signature
    page.panel("cells", {"kind": "reach", **data})


def follow(session):
    """The page listener: an open panel recomputes once a change of its inputs settles."""
    if not _open() or _signature(session.state) == compare.signature:
        return
    compare.changed = time.monotonic()
    if not compare.pending:
        compare.pending = True
        asyncio.ensure_future(_draw_later())


@when("toggle", "#cells-panel")
def on_toggle(event):
    if _open():
        follow(page.session)


page.listeners.append(follow)
