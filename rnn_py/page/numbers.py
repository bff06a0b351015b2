"""How the page writes a number: in the table, the equations' MathML, the charts and the address."""

import math

from ..i18n import _
from ..train import PARAM_LIMIT

# Links and weight files accept what training can reach (it stops at PARAM_LIMIT), so trained
# weights beyond the sliders' range still round-trip.
SAVED_LIMIT = PARAM_LIMIT
DISPLAY_LIMIT = 1e12  # larger magnitudes are not drawn; the table shows them in e-notation
LOG_FLOOR = 1e-30  # log-scale charts leave out smaller values (they have vanished entirely)


def cell(v: float) -> str:
    """A table value: 4 decimals, e-notation when large, words when not a number.

    >>> cell(0.5), cell(-1234567.0), cell(float("inf")), cell(float("nan"))
    ('0.5000', '-1.2346e+06', 'overflow (+∞)', 'undefined (NaN)')
    """
    if math.isnan(v):
        return _("undefined (NaN)")
    if math.isinf(v):
        return _("overflow (+∞)") if v > 0 else _("overflow (−∞)")
    if abs(v) >= 1e6:
        return f"{v:.4e}"
    return f"{v:.4f}"


def short(v: float) -> str:
    """A number inside an equation: 3 decimals, e-notation when large."""
    if not math.isfinite(v):
        return cell(v)
    if v != 0 and (abs(v) >= 1e5 or abs(v) < 1e-3):
        return f"{v:.2e}"
    return f"{v:.3f}"


def drawable(v: float | None) -> float | None:
    """v if a chart can draw it, else None (a gap)."""
    if v is None or not math.isfinite(v) or abs(v) > DISPLAY_LIMIT:
        return None
    return v


def all_drawable(values) -> bool:
    """True when drawable(v) is v for every v in values (floats): one pass in C, not a call each."""
    if not values:
        return True
    top = max(map(abs, values))  # a nan first makes top nan, and the comparison false
    return top <= DISPLAY_LIMIT and math.isfinite(sum(values))  # a nan later makes the sum nan


def log_drawable(v: float | None) -> float | None:
    """v if a log-scale chart can draw it (positive, not vanishingly small), else None."""
    v = drawable(v)
    return v if v is not None and v >= LOG_FLOOR else None


def _mi(name, sub=None):
    return ["mi", name] if sub is None else ["mi", name, sub]


def _num(v):
    """A number token, in brackets when negative so 0.8·(−0.5) reads right."""
    text = short(v).replace("-", "−")
    if v < 0:
        return [["mo", "("], ["mn", text], ["mo", ")"]]
    return [["mn", text]]


def _vec(vs):
    out = [["mo", "["]]
    for i, v in enumerate(vs):
        if i:
            out.append(["mo", ","])
        out.append(["mn", short(v).replace("-", "−")])
    return out + [["mo", "]"]]


def format_number(x: float) -> str:
    """The shortest text that reads back as exactly x (0.1 stays '0.1')."""
    if type(x) is float and x - x == 0.0:  # a finite float: repr is already the shortest text
        text = repr(x)  # whole numbers below 1e16 read "12.0" (never e-notation)
        if text[-2:] == ".0" and -1e15 < x < 1e15:
            return "0" if x == 0.0 else text[:-2]  # "-0.0" reads "0", like int(-0.0)
        return text
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return repr(x)


def _shown(text: str) -> str:
    """A bad value as it may be quoted back in a notice: short and on one line."""
    text = " ".join(text.split())
    return repr(text if len(text) <= 24 else text[:21] + "...")
