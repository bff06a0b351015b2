"""Reading what a person typed into a box: a number (clamped into its range, with a message),
the long-lag task's gap (refused, not clamped), and one weight of a one-unit network.

Names importable from rnn_py.page.state as before.
"""

import math

from ..cells.vanilla import Params
from ..i18n import _
from ..studies import remember
from .numbers import _shown, format_number


def read_number(text: str, low: float, high: float, label: str, integer: bool = False):
    """A typed number, checked: (value, message). value is None when the text is refused.

    Out-of-range values are clamped into [low, high] and the message says so; text that is
    not a finite number is refused. The model never sees NaN or infinity from a text box.

    >>> read_number("7", -5, 5, "Hidden weight")
    (5.0, 'Hidden weight goes from -5 to 5, so 7 became 5.')
    >>> read_number("abc", -5, 5, "Hidden weight")
    (None, "'abc' is not a number. Hidden weight takes a number from -5 to 5.")
    """
    text = text.strip()
    span = {"label": label, "low": format_number(low), "high": format_number(high)}
    if not text:
        return None, _("Type a number for {label}, from {low} to {high}.").format(**span)
    try:
        value = float(text.replace("−", "-"))
    except ValueError:
        message = _("{text} is not a number. {label} takes a number from {low} to {high}.")
        return None, message.format(text=_shown(text), **span)
    if not math.isfinite(value):
        message = _("{label} must be a finite number from {low} to {high}; {text} is not.")
        return None, message.format(text=_shown(text), **span)
    value = value + 0.0  # -0 becomes 0
    message = ""
    if integer and value != int(value):
        value = float(round(value))
        message = _("{label} is a whole number, so it became {value}.").format(
            label=label, value=format_number(value)
        )
    if not low <= value <= high:
        clamped = float(min(max(value, low), high))
        message = _("{label} goes from {low} to {high}, so {text} became {value}.").format(
            text=_shown(text)[1:-1], value=format_number(clamped), **span
        )
        value = clamped
    return (int(value) if integer else value), message


def read_gap(text: str):
    """The long-lag task's gap as typed: (value, message). Anything but a whole number from
    remember.MIN_GAP to MAX_GAP is refused (value None), not clamped: nothing changes.

    >>> read_gap("50"), read_gap("500")[0], read_gap("2.5")[0]
    ((50, ''), None, None)
    >>> read_gap("500")[1]
    "The gap is a whole number from 2 to 100; '500' is not, so nothing changed."
    """
    text = str(text).strip()
    try:
        number = float(text.replace("−", "-"))
        return remember.check_gap(int(number) if number == int(number) else number), ""
    except (ValueError, OverflowError):
        low, high = remember.MIN_GAP, remember.MAX_GAP
        shown = _shown(text) if text else _("an empty box")
        message = _(
            "The gap is a whole number from {low} to {high}; {text} is not, so nothing changed."
        )
        return None, message.format(low=low, high=high, text=shown)


SCALAR_WEIGHTS = ("w_xh", "w_hh", "w_hy", "b_h", "b_y")


def with_weight(params: Params, name: str, value: float) -> Params:
    """A one-unit network's params with one named weight (see SCALAR_WEIGHTS) replaced."""
    if params.n != 1:
        raise ValueError(_("Single weights can only be set when there is one hidden unit."))
    values = {
        "w_xh": params.w_xh[0],
        "w_hh": params.w_hh[0][0],
        "w_hy": params.w_hy[0],
        "b_h": params.b_h[0],
        "b_y": params.b_y,
    }
    if name not in values:
        raise ValueError(_("There is no weight called {name}.").format(name=repr(name)))
    values[name] = value
    return Params.scalar(**values)
