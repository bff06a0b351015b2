"""What every gated cell's weights have in common: named by gate, stored as plain lists.

A gated cell with gates g₁, g₂, … has, for each gate g, an input weight w_xg (a list of n: one per
hidden unit), a recurrent weight w_hg (n rows of n: row i = weights into unit i) and a bias b_g (a
list of n); the readout w_hy (a list of n) and b_y (a number) turn h_t into the prediction y_t.
`CellParams` stores them under those names (p.w_xr, p.w_hr, p.b_r, …) and gives every cell the
same small set of methods as the vanilla cell's `Params`: n, size, flat, from_flat, random,
zeros, to_dict, from_dict, is_finite.
"""

import math
import random

from .maths import _check_n, _number

MEMORY_BIAS_RANGE = (-10.0, 10.0)  # what the page, links and the command line accept


def check_memory_bias(value):
    """value as a float in MEMORY_BIAS_RANGE, or a ValueError a student can act on."""
    low, high = MEMORY_BIAS_RANGE
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise ValueError(
            f"The memory bias must be a number from {low:g} to {high:g}, not {value!r}."
        )
    return float(value)


def gate_names(gate):
    """The three weight names of one gate: input, recurrent, bias."""
    return f"w_x{gate}", f"w_h{gate}", f"b_{gate}"


class CellParams:
    """The weights of a gated cell: subclasses set CELL (its name), GATES, BIAS_START (the
    starting value of chosen biases, e.g. the LSTM's forget gate) and MEMORY_GATE (the gate whose
    bias sets how much of its state a fresh cell keeps: its memory bias)."""

    CELL = ""
    GATES = ()
    BIAS_START = {}
    MEMORY_GATE = ""

    def __init__(self, **weights):
        names = self.names()
        missing = [name for name in names if name not in weights]
        if missing:
            raise ValueError(f"The {self.CELL.upper()} weights have no '{missing[0]}'.")
        for name in names:
            setattr(self, name, weights[name])

    @classmethod
    def names(cls):
        """Every weight's name in storage order: per gate w_x·, w_h·, b_·, then w_hy, b_y."""
        return (*(name for g in cls.GATES for name in gate_names(g)), "w_hy", "b_y")

    @classmethod
    def flat_names(cls):
        """The weights' names in the order of flat() (storage order)."""
        return cls.names()

    @property
    def n(self):
        """The number of hidden units."""
        return len(self.w_hy)

    @classmethod
    def size(cls, n):
        """How many numbers n hidden units need: n² + 2n per gate, then n + 1 for the readout."""
        return len(cls.GATES) * (n * n + 2 * n) + n + 1

    def flat(self):
        """All the numbers in one list, in the order of `names` (matrices row by row)."""
        out = []
        for g in self.GATES:
            w_x, w_h, b = (getattr(self, name) for name in gate_names(g))
            out.extend(w_x)
            for row in w_h:
                out.extend(row)
            out.extend(b)
        out.extend(self.w_hy)
        out.append(self.b_y)
        return out

    @classmethod
    def from_flat(cls, n, values):
        """The inverse of `flat`: P.from_flat(p.n, p.flat()) == p."""
        _check_n(n)
        try:
            values = [float(v) for v in values]
        except (TypeError, ValueError, OverflowError):
            raise ValueError(f"{cls.__name__}.from_flat needs a list of numbers.") from None
        if len(values) != cls.size(n):
            raise ValueError(
                f"A {cls.CELL.upper()} with {n} hidden unit(s) needs {cls.size(n)} numbers, "
                f"but {len(values)} were given."
            )
        weights, k = {}, 0
        for g in cls.GATES:
            w_x, w_h, b = gate_names(g)
            weights[w_x] = values[k : k + n]
            k += n
            weights[w_h] = [values[k + i * n : k + (i + 1) * n] for i in range(n)]
            k += n * n
            weights[b] = values[k : k + n]
            k += n
        weights["w_hy"] = values[k : k + n]
        weights["b_y"] = values[k + n]
        return cls(**weights)

    @classmethod
    def zeros(cls, n):
        """All weights and biases zero."""
        return cls.from_flat(n, [0.0] * cls.size(n))

    @classmethod
    def random(cls, n, seed, memory_bias=None):
        """Random starting weights, the same for the same seed.

        Drawn from random.Random(seed) gate by gate: w_x· uniform in [−1, 1], then w_h· uniform in
        [−1, 1] scaled by 1/√n, as the vanilla cell does; then w_hy uniform in [−1, 1]. Biases
        start at 0, except those in BIAS_START (the LSTM's forget bias and the GRU's update bias
        start at 1, so that the cell starts out keeping its memory). memory_bias, when given,
        is the MEMORY_GATE's bias instead: the larger, the longer a fresh cell holds its state.
        The other weights do not depend on it.
        """
        _check_n(n)
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise ValueError(f"The seed must be a whole number, not {seed!r}.")
        start = dict(cls.BIAS_START)
        if memory_bias is not None:
            start[cls.MEMORY_GATE] = check_memory_bias(memory_bias)
        rng = random.Random(seed)
        scale = 1.0 / math.sqrt(n)
        weights = {}
        for g in cls.GATES:
            w_x, w_h, b = gate_names(g)
            weights[w_x] = [rng.uniform(-1.0, 1.0) for _ in range(n)]
            weights[w_h] = [[scale * rng.uniform(-1.0, 1.0) for _ in range(n)] for _ in range(n)]
            weights[b] = [start.get(g, 0.0)] * n
        weights["w_hy"] = [rng.uniform(-1.0, 1.0) for _ in range(n)]
        weights["b_y"] = 0.0
        return cls(**weights)

    def is_finite(self):
        """True when no weight or bias is inf or nan."""
        return all(map(math.isfinite, self.flat()))

    def check(self):
        """ValueError naming what is wrong unless every weight is there with its shape (n, n×n,
        or one number) and every entry is a finite number."""
        if not _well_formed(self):  # then say what is wrong, as a weights file would be told
            type(self).from_dict(self.to_dict())  # every name present, every shape n and n×n

    def to_dict(self):
        """A plain dict of lists and floats by weight name, ready for json.dumps."""
        out = {}
        for name in self.names():
            v = getattr(self, name)
            if name == "b_y":
                out[name] = float(v)
            elif name.startswith("w_h") and name != "w_hy":
                out[name] = [[float(w) for w in row] for row in v]
            else:
                out[name] = [float(w) for w in v]
        return out

    @classmethod
    def from_dict(cls, d):
        """Weights from a dict such as `to_dict` writes, checked number by number; ValueError
        naming the first thing wrong (a missing gate, a wrong shape, text, inf or nan)."""
        if not isinstance(d, dict):
            raise ValueError(f"Saved {cls.CELL.upper()} weights must be a JSON object.")
        for name in cls.names():
            if name not in d:
                raise ValueError(
                    f"The saved {cls.CELL.upper()} weights have no '{name}'{_gate_hint(cls, name)}."
                )
        w_hy = d["w_hy"]
        if not isinstance(w_hy, list | tuple) or not w_hy:
            raise ValueError("w_hy must be a list of numbers, one per hidden unit.")
        n = len(w_hy)
        weights = {}
        for name in cls.names():
            v = d[name]
            if name == "b_y":
                weights[name] = _number(v, name)
            elif name.startswith("w_h") and name != "w_hy":
                if not (
                    isinstance(v, list | tuple)
                    and len(v) == n
                    and all(isinstance(row, list | tuple) and len(row) == n for row in v)
                ):
                    raise ValueError(
                        f"{name} must be a {n}×{n} grid: a list of {n} row(s), "
                        f"each a list of {n} number(s)."
                    )
                weights[name] = [cls._numbers(row, f"{name}[{i}]") for i, row in enumerate(v)]
            else:
                if not isinstance(v, list | tuple) or len(v) != n:
                    raise ValueError(
                        f"{name} must be a list of {n} number(s), one per hidden unit."
                    )
                weights[name] = cls._numbers(v, name)
        return cls(**weights)

    @staticmethod
    def _numbers(values, name):
        """values as a list of finite floats, each checked by _number (naming name[i]) unless
        they all are finite floats already, the common case, checked at once."""
        if set(map(type, values)) == {float} and all(map(math.isfinite, values)):
            return list(values)
        return [_number(w, f"{name}[{i}]") for i, w in enumerate(values)]

    def __eq__(self, other):
        return type(self) is type(other) and self.to_dict() == other.to_dict()

    def __repr__(self):
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.names())
        return f"{type(self).__name__}({inner})"


def _gate_hint(cls, name):
    gate = name.rsplit("_", 1)[-1][-1] if name not in ("w_hy", "b_y") else ""
    return f" (gate {gate})" if gate in cls.GATES else ""


def _well_formed(params):
    """True when every weight is there with its shape and every entry is a finite number: the
    common case, checked without copying the weights. False (never an exception) when anything
    is off, for `check` to name it."""
    try:
        n = len(params.w_hy)
        for g in params.GATES:
            w_x, w_h, b = (getattr(params, name) for name in gate_names(g))
            if len(w_x) != n or len(b) != n or len(w_h) != n or any(len(row) != n for row in w_h):
                return False
        values = params.flat()
        return n > 0 and len(values) == type(params).size(n) and all(map(math.isfinite, values))
    except (AttributeError, TypeError, OverflowError):
        return False
