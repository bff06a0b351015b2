"""Handlers of the weight grids (two or more hidden units): every weight is a number box.

js/weights.js builds the boxes, each with data-param (a Params field) and data-index (0-based,
"i" or "i,j", empty for b_y); events bubble up to #weight-grid, which is in the static markup.
A committed box ("change": Enter, leaving it, an arrow key, the end of a drag) is read with
read_number, so a bad value gets a message naming the cell; a drag's "input" events apply at
once. Typing alone ("input" without a drag) waits for the commit. Both repaint light: the views
on screen at once, the rest a moment later (page.repaint, js/views.js).
"""

import page
from page import when
from pyscript import document

from rnn_py.page.state import WEIGHT_LIMIT, cell_label, read_number, with_cell

MESSAGE = "grid-msg"


def _cell(box):
    """(param, index) of a grid box, from its data attributes."""
    param = box.getAttribute("data-param") or ""
    index = tuple(int(k) for k in (box.getAttribute("data-index") or "").split(",") if k)
    return param, index


def _mark(box, invalid):
    """Only the box whose text was refused is marked invalid."""
    for other in document.querySelectorAll("#weight-grid [aria-invalid=true]"):
        other.setAttribute("aria-invalid", "false")
    box.setAttribute("aria-invalid", "true" if invalid else "false")


def _apply(box, text, light=False):
    """Read one box's text and set its weight: clamped to ±WEIGHT_LIMIT, refused if no number."""
    param, index = _cell(box)
    try:
        label = cell_label(param, index)
    except ValueError:
        return  # not a weight box
    value, message = read_number(text, -WEIGHT_LIMIT, WEIGHT_LIMIT, label)
    if value is not None:
        try:
            params = with_cell(page.session.state.params, param, index, value)
        except ValueError as error:  # the grid was for another number of units
            value, message = None, str(error)
    page.message(MESSAGE, message, value is not None)
    _mark(box, value is None)
    if value is None:
        return
    events = page.session.events
    if not events or events[-1] != {"kind": "weights", "how": "hand"}:
        page.record("weights", how="hand")
    page.change(light=light, touched=("grid",), params=params)


@when("change", "#weight-grid")
def on_cell_change(event):
    _apply(event.target, str(event.target.value), light=True)  # the rest when typing pauses


@when("input", "#weight-grid")
def on_cell_drag(event):
    box = event.target
    if box.getAttribute("data-dragging") == "1":
        _apply(box, str(box.value), light=True)
