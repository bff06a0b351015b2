"""The loss landscape: the loss over a grid of two weights, all the others held fixed.

Pick any two of the network's numbers (a single weight or bias each) as the axes x and y, and a
range for each; `landscape_rows` then measures the loss at every point of a size × size grid,
one row (fixed y) at a time, so that a page can draw the map band by band. With
gradients=True it also gives ‖∂L/∂θ‖, the length of the whole gradient, at every point: where
that length towers over its median the map has a cliff (Pascanu, Mikolov and Bengio, 2013).

For one hidden unit the loss is computed by a tight loop written for the scalar network (the
same arithmetic as `rnn_py.forward`, in the same order, so the numbers agree to the last bit);
for more units every point is a call to `rnn_py.forward` or `rnn_py.backward`.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from itertools import islice
from operator import mul

from ..cells.vanilla import ACTIVATIONS, Params, backward, forward, relu, sigmoid
from ..cells.vanilla import linear as _identity
from ..i18n import N_, _
from ..sequences import make_sequence
from ..train import PARAM_LIMIT, clip

CELL = Params.CELL  # the cell whose two weights the map's axes are (the vanilla cell's)
DEFAULT_SIZE = 48
MAX_SIZE = 200
NAMES_1 = {  # the names the one-unit page gives its five sliders
    "w_xh[1]": N_("Input weight"),
    "w_hh[1,1]": N_("Hidden weight"),
    "w_hy[1]": N_("Output weight"),
    "b_h[1]": N_("Hidden bias"),
    "b_y": N_("Output bias"),
}


@dataclass(frozen=True)
class Axis:
    """One number of the network that a landscape axis can vary.

    key names it in code and links ("w_hh[1,2]", 1-based like the page's formulas), label is
    what the page calls it ("Hidden weight" for one unit, "W_hh[1,2]" for more), index is its
    position in `Params.flat()`.
    """

    key: str
    label: str
    index: int


def axes(n: int) -> tuple[Axis, ...]:
    """Every single weight and bias of a network with n hidden units, in `Params.flat()` order.

    >>> [a.label for a in axes(1)]
    ['Input weight', 'Hidden weight', 'Output weight', 'Hidden bias', 'Output bias']
    >>> [a.key for a in axes(2)][:6]
    ['w_xh[1]', 'w_xh[2]', 'w_hh[1,1]', 'w_hh[1,2]', 'w_hh[2,1]', 'w_hh[2,2]']
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"The number of hidden units must be a whole number ≥ 1, not {n!r}.")
    units = range(1, n + 1)
    keys = [
        *(f"w_xh[{i}]" for i in units),
        *(f"w_hh[{i},{j}]" for i in units for j in units),
        *(f"w_hy[{i}]" for i in units),
        *(f"b_h[{i}]" for i in units),
        "b_y",
    ]
    if n == 1:
        return tuple(Axis(key, _(NAMES_1[key]), k) for k, key in enumerate(keys))
    return tuple(
        Axis(key, "W" + key[1:] if key[0] == "w" else key, k) for k, key in enumerate(keys)
    )


def axis(n: int, key: str) -> Axis:
    """The axis called key in a network with n hidden units; ValueError if there is none.

    >>> axis(1, "w_hh[1,1]").label
    'Hidden weight'
    """
    for a in axes(n):
        if a.key == key:
            return a
    raise ValueError(
        _(
            "A network with {n} hidden unit(s) has no weight called {key}; "
            "pick one from the list of weights."
        ).format(n=n, key=repr(key))
    )


def grid_values(low: float, high: float, size: int = DEFAULT_SIZE) -> list[float]:
    """size evenly spaced numbers from low to high, both ends included.

    >>> grid_values(-1.0, 1.0, 5)
    [-1.0, -0.5, 0.0, 0.5, 1.0]
    """
    return [low + (high - low) * k / (size - 1) for k in range(size)]


@dataclass(frozen=True)
class Band:
    """A piece of the map: rows[k][c] is the loss at (x_{col0+c}, y_{row0+k}), and grad_norms
    likewise holds ‖∂L/∂θ‖ (None when not asked for). A band holds whole rows (col0 = 0), or
    part of one row when the rows are split into pieces. Losses may be inf or nan where the
    network overflows."""

    row0: int
    rows: list[list[float]]
    grad_norms: list[list[float]] | None = None
    col0: int = 0


def landscape_rows(
    params,
    xs,
    activation,
    x_key="w_xh[1]",
    y_key="w_hh[1,1]",
    x_range=(-2.0, 2.0),
    y_range=(-2.0, 2.0),
    size=DEFAULT_SIZE,
    band=1,
    gradients=False,
    columns=None,
):
    """The loss over a size × size grid of two weights, as a generator of `Band`s of rows.

    Row i holds the points with y = grid_values(*y_range, size)[i], from the lowest y up;
    column j has x = grid_values(*x_range, size)[j]. Every other number keeps its value in
    params. Each Band has `band` rows (the last may have fewer); with columns=k each Band is
    instead k points of one row (or the row's rest), for networks so large that a whole row
    takes too long. The arguments are checked at once, before the first row, and a bad one
    raises ValueError with a message for the page.

    >>> from rnn_py import make_sequence
    >>> xs = make_sequence("linear", 5, normalized=True)
    >>> bands = list(landscape_rows(Params.scalar(0.5, 0.8, 1.0), xs, "tanh", size=4, band=3))
    >>> [(b.row0, len(b.rows), len(b.rows[0])) for b in bands]
    [(0, 3, 4), (3, 1, 4)]
    >>> pieces = landscape_rows(Params.scalar(0.5, 0.8, 1.0), xs, "tanh", size=4, columns=3)
    >>> [(b.row0, b.col0, len(b.rows[0])) for b in pieces][:3]
    [(0, 0, 3), (0, 3, 1), (1, 0, 3)]
    """
    if not isinstance(params, Params):  # the map's two axes are the vanilla cell's w_xh, w_hh
        raise ValueError(f"Expected Params, not {type(params).__name__}.")
    forward(params, xs, activation)  # checks the weights, the sequence and the activation
    xs = [float(x) for x in xs]
    x_axis, y_axis = axis(params.n, x_key), axis(params.n, y_key)
    if x_axis == y_axis:
        raise ValueError(_("Pick two different weights for the two axes of the landscape."))
    for a, (low, high) in ((x_axis, x_range), (y_axis, y_range)):
        _check_range(a.label, low, high)
    if isinstance(size, bool) or not isinstance(size, int) or not 2 <= size <= MAX_SIZE:
        raise ValueError(f"The grid size must be a whole number from 2 to {MAX_SIZE}.")
    for count, name in ((band, "band"), (columns or 1, "number of columns")):
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ValueError(f"The {name} must be a whole number ≥ 1.")
    x_values = grid_values(float(x_range[0]), float(x_range[1]), size)
    y_values = grid_values(float(y_range[0]), float(y_range[1]), size)
    point = _point(params.n, xs, activation, gradients)
    kx, ky = x_axis.index, y_axis.index
    if columns:
        return _pieces(point, params.flat(), kx, ky, x_values, y_values, columns, gradients)
    return _bands(point, params.flat(), kx, ky, x_values, y_values, band, gradients)


def _check_range(label, low, high):
    for v in (low, high):
        if isinstance(v, bool) or not isinstance(v, int | float) or not abs(v) <= PARAM_LIMIT:
            raise ValueError(
                _("The range of {label} must be two numbers between -1e6 and 1e6.").format(
                    label=label
                )
            )
    if not low < high:
        raise ValueError(
            _("The range of {label} must go from a smaller number to a larger one.").format(
                label=label
            )
        )


def _point(n, xs, activation, gradients):
    """A function of the flat weights θ giving (loss, ‖∂L/∂θ‖ or None) at one grid point."""
    if n == 1 and not gradients:
        f = _SCALAR[activation]
        return lambda theta: (_loss_1(*theta, xs, f), None)
    if n == 1:
        f, df = _SCALAR[activation], _SLOPE[activation]
        return lambda theta: _loss_and_norm_1(*theta, xs, f, df)
    if not gradients:
        f = _SCALAR[activation]
        return lambda theta: (_loss_n(theta, n, xs, f), None)

    def point(theta):
        g = backward(Params.from_flat(n, theta), xs, activation)
        return g.loss, math.hypot(*g.grads.flat())

    return point


def _row(point, theta, kx, xs_part):
    losses, norms = [], []
    for x in xs_part:
        theta[kx] = x
        loss, norm = point(theta)
        losses.append(loss)
        norms.append(norm)
    return losses, norms


def _bands(point, theta, kx, ky, x_values, y_values, band, gradients):
    for row0 in range(0, len(y_values), band):
        rows, norms = [], []
        for y in y_values[row0 : row0 + band]:
            theta[ky] = y
            losses, row_norms = _row(point, theta, kx, x_values)
            rows.append(losses)
            norms.append(row_norms)
        yield Band(row0, rows, norms if gradients else None)


def _pieces(point, theta, kx, ky, x_values, y_values, columns, gradients):
    for i, y in enumerate(y_values):
        for col0 in range(0, len(x_values), columns):
            theta[ky] = y
            losses, norms = _row(point, theta, kx, x_values[col0 : col0 + columns])
            yield Band(i, [losses], [norms] if gradients else None, col0)


@dataclass(frozen=True)
class Landscape:
    """A whole map: the grid's x_values and y_values, losses[i][j] at (x_j, y_i), and
    grad_norms[i][j] = ‖∂L/∂θ‖ there (None when not computed)."""

    x_values: list[float]
    y_values: list[float]
    losses: list[list[float]]
    grad_norms: list[list[float]] | None


def loss_map(params, xs, activation, x_key, y_key, x_range, y_range, size=DEFAULT_SIZE,
              gradients=False):  # fmt: skip
    """The whole map at once: `landscape_rows` collected into a `Landscape`."""
    losses, norms = [], []
    bands = landscape_rows(params, xs, activation, x_key, y_key, x_range, y_range, size,
                           band=size, gradients=gradients)  # fmt: skip
    for b in bands:
        losses.extend(b.rows)
        if gradients:
            norms.extend(b.grad_norms)
    return Landscape(
        grid_values(float(x_range[0]), float(x_range[1]), size),
        grid_values(float(y_range[0]), float(y_range[1]), size),
        losses,
        norms if gradients else None,
    )


@dataclass(frozen=True)
class Wall:
    """The steepest point of a map: row i, column j, the gradient's length there, its median
    over the map's finite values, and ratio = norm / median."""

    i: int
    j: int
    norm: float
    median: float
    ratio: float


def steepest(grad_norms) -> Wall:
    """Where a map of gradient lengths is largest, and how far that stands above its median.

    Points where the network overflowed (inf or nan) are left out of both.

    >>> steepest([[1.0, 2.0], [3.0, 400.0]])
    Wall(i=1, j=1, norm=400.0, median=2.5, ratio=160.0)
    """
    finite = [(g, i, j) for i, row in enumerate(grad_norms) for j, g in enumerate(row)
              if g is not None and math.isfinite(g)]  # fmt: skip
    if not finite:
        raise ValueError(_("The gradient overflows everywhere on this map; narrow its ranges."))
    norm, i, j = max(finite)
    values = sorted(g for g, _i, _j in finite)
    k = len(values) // 2
    median = values[k] if len(values) % 2 else (values[k - 1] + values[k]) / 2
    return Wall(i, j, norm, median, norm / median if median > 0 else math.inf)


@dataclass(frozen=True)
class CliffStep:
    """One gradient-descent step from `start`, taken twice: with every gradient entry clipped
    to [−limit, limit] and without. *_move is how far the weights moved (the Euclidean length
    of θ_new − θ over all weights), *_loss the loss where the step landed."""

    start: Params
    grad_norm: float
    clipped: Params
    unclipped: Params
    clipped_move: float
    unclipped_move: float
    clipped_loss: float
    unclipped_loss: float


def cliff_step(params, xs, activation, lr=0.05, limit=5.0) -> CliffStep:
    """One BPTT step θ ← θ − lr·∂L/∂θ from params, with clipping and without.

    This is the step `train_bptt` takes in its first epoch (computed here with `backward` and
    `clip`, so that the unclipped step is shown even where training would call it diverged).

    >>> from rnn_py import make_sequence
    >>> xs = make_sequence("alternating", 64, normalized=True)
    >>> s = cliff_step(CLIFFS.params, xs, "tanh")
    >>> round(s.clipped_move, 2), round(s.unclipped_move), s.unclipped_move > 100 * s.clipped_move
    (0.44, 136, True)
    """
    if isinstance(lr, bool) or not isinstance(lr, int | float) or not 0 < lr < math.inf:
        raise ValueError(f"The learning rate must be a positive number, not {lr!r}.")
    g = backward(params, xs, activation)
    raw = g.grads.flat()
    if not all(map(math.isfinite, raw)):
        raise ValueError(_("The gradient overflows at these weights, so no step can be taken."))
    theta = params.flat()
    moved = []
    for grads in (clip(g.grads, limit).flat(), raw):
        new = Params.from_flat(params.n, [w - lr * d for w, d in zip(theta, grads, strict=True)])
        distance = math.hypot(*(a - b for a, b in zip(new.flat(), theta, strict=True)))
        moved.append((new, distance, forward(new, xs, activation).loss))
    (clipped, clipped_move, clipped_loss), (unclipped, unclipped_move, unclipped_loss) = moved
    return CliffStep(params, math.hypot(*raw), clipped, unclipped, clipped_move, unclipped_move,
                     clipped_loss, unclipped_loss)  # fmt: skip


def search_samples(n, trials, seed, low=-2.0, high=2.0):
    """The weights `random_search(xs, activation, n, trials, seed, low, high)` tries, in order,
    as flat lists: every trial, not only the best (the search's steps carry only the best)."""
    return list(islice(search_sampler(n, seed, low, high), trials))


def search_sampler(n, seed, low=-2.0, high=2.0):
    """The same tries one at a time, without end: a page following a running search draws
    each try once instead of all of them again at every frame."""
    rng = random.Random(seed)
    size = Params.size(n)
    while True:
        yield [rng.uniform(low, high) for _k in range(size)]


def point_text(x_label, y_label, x, y, loss):
    """What the page says about the point under the marker.

    >>> point_text("Hidden weight", "Hidden bias", 1.5, -0.25, 0.123456)
    'Loss at (Hidden weight, Hidden bias) = (1.5, -0.25) = 0.1235'
    """
    value = f"{loss:.4g}" if math.isfinite(loss) else _("too large to compute (overflow)")
    return _("Loss at ({x_label}, {y_label}) = ({x}, {y}) = {value}").format(
        x_label=x_label, y_label=y_label, x=f"{x:.4g}", y=f"{y:.4g}", value=value
    )


def wall_text(wall, x_label, y_label, x, y):
    """What the page says about the steepest point of a map (a `Wall` at (x, y)).

    >>> wall = Wall(i=1, j=2, norm=2715.5, median=1.5716, ratio=1727.9)
    >>> wall_text(wall, "Hidden weight", "Hidden bias", 1.32, 0.05)[73:]
    'where the gradient ‖∂L/∂θ‖ is 2716 long, 1728 × its median over the map (1.572).'
    """
    return _(
        "Steepest point on this map: ({x_label}, {y_label}) = ({x}, {y}), where the "
        "gradient ‖∂L/∂θ‖ is {norm} long, {ratio} × its median over the map "
        "({median})."
    ).format(
        x_label=x_label,
        y_label=y_label,
        x=f"{x:.4g}",
        y=f"{y:.4g}",
        norm=f"{wall.norm:.4g}",
        ratio=f"{wall.ratio:.0f}",
        median=f"{wall.median:.4g}",
    )


def step_text(step, lr, start_loss, on_map):
    """What the page says after "Step with and without clipping": how far each step moved the
    weights.

    on_map says whether the unclipped step landed inside the map's ranges.
    """
    if on_map:
        text = _(
            "One step at learning rate {lr} from a loss of {start}. With clipping the "
            "weights move {clipped_move} and the loss becomes {clipped_loss}. "
            "Without clipping they move {unclipped_move}, "
            "{ratio} × farther, still on the map, and the loss becomes "
            "{unclipped_loss}. The arrows show each move in the two weights of the map; the "
            "other weights move too."
        )
    else:
        text = _(
            "One step at learning rate {lr} from a loss of {start}. With clipping the "
            "weights move {clipped_move} and the loss becomes {clipped_loss}. "
            "Without clipping they move {unclipped_move}, "
            "{ratio} × farther, off the map, and the loss becomes "
            "{unclipped_loss}. The arrows show each move in the two weights of the map; the "
            "other weights move too."
        )
    return text.format(
        lr=f"{lr:g}",
        start=f"{start_loss:.4g}",
        clipped_move=f"{step.clipped_move:.4g}",
        clipped_loss=f"{step.clipped_loss:.4g}",
        unclipped_move=f"{step.unclipped_move:.4g}",
        ratio=f"{step.unclipped_move / step.clipped_move:.0f}",
        unclipped_loss=f"{step.unclipped_loss:.4g}",
    )


# ---- the Cliffs preset (Pascanu, Mikolov and Bengio, 2013) -----------------------------------


@dataclass(frozen=True)
class Preset:
    """Settings for the demo and for the landscape's axes, applied together by one button."""

    sequence: str
    length: int
    normalized: bool
    activation: str
    lr: float
    params: Params
    x_key: str
    y_key: str
    x_range: tuple[float, float]
    y_range: tuple[float, float]

    def xs(self):
        """The preset's sequence."""
        return make_sequence(self.sequence, self.length, normalized=self.normalized)


_W_HH = grid_values(0.0, 2.0)  # the preset's map, W_hh × b_h on the default 48 × 48 grid
_B_H = grid_values(-0.5, 0.5)
# One tanh unit reading 1, −1, 1, … . With W_hh > 1 it has two stable states, near +1 and near
# −1, and b_h decides which one it falls into: crossing that border flips all 64 states at once,
# so the loss jumps between two plateaus along a thin wall. The weights start on the wall: the
# grid point where the gradient is longest (tests/test_landscape.py checks that it is).
CLIFFS = Preset(
    sequence="alternating",
    length=64,
    normalized=True,
    activation="tanh",
    lr=0.05,
    params=Params.scalar(w_xh=-0.5, w_hh=_W_HH[31], w_hy=1.0, b_h=_B_H[26], b_y=0.5),
    x_key="w_hh[1,1]",
    y_key="b_h[1]",
    x_range=(0.0, 2.0),
    y_range=(-0.5, 0.5),
)


# ---- one hidden unit: the scalar network, unrolled by hand -----------------------------------

_SCALAR = {"tanh": math.tanh, "relu": relu, "sigmoid": sigmoid, "linear": _identity}
# f′ from z and h = f(z), as in the model
_SLOPE = {
    "tanh": lambda z, h: 1.0 - h * h,
    "relu": lambda z, h: 1.0 if z > 0.0 else 0.0,
    "sigmoid": lambda z, h: h * (1.0 - h),
    "linear": lambda z, h: 1.0,
}
assert set(_SCALAR) == set(_SLOPE) == set(ACTIVATIONS)


def _loss_1(w_xh, w_hh, w_hy, b_h, b_y, xs, f):
    """The loss of the one-unit network: `forward(...).loss` without the trace."""
    h, total, x = 0.0, 0.0, xs[0]
    for target in xs[1:]:
        h = f(w_xh * x + w_hh * h + b_h)
        e = w_hy * h + b_y - target
        total += e * e
        x = target
    return total / (len(xs) - 1)


def _dot(a, b):
    return sum(map(mul, a, b))  # as the model sums: 0 + a[0]·b[0] + a[1]·b[1] + …


def _loss_n(theta, n, xs, f):
    """The loss of a network with n units from its flat weights: `forward(...).loss` without
    the trace, in the same order of arithmetic."""
    W_xh, b_h, b_y = theta[:n], theta[n + n * n + n : n + n * n + 2 * n], theta[-1]
    W_hh = [theta[n + i * n : n + (i + 1) * n] for i in range(n)]
    W_hy = theta[n + n * n : n + n * n + n]
    units = list(zip(W_xh, W_hh, b_h, strict=True))
    h, total, x = [0.0] * n, 0.0, xs[0]
    for target in xs[1:]:
        h = [f(w_xh * x + _dot(row, h) + b) for w_xh, row, b in units]
        e = _dot(W_hy, h) + b_y - target
        total += e * e
        x = target
    return total / (len(xs) - 1)


def _loss_and_norm_1(w_xh, w_hh, w_hy, b_h, b_y, xs, f, df):
    """The loss of the one-unit network and the length of its gradient ‖∂L/∂θ‖, by BPTT:
    `backward` without the trace, in the same order of arithmetic."""
    T = len(xs)
    zs, hs = [0.0] * T, [0.0] * T
    h, total = 0.0, 0.0
    for t in range(T):
        z = w_xh * xs[t] + w_hh * h + b_h
        h = f(z)
        zs[t], hs[t] = z, h
        if t < T - 1:
            e = w_hy * h + b_y - xs[t + 1]
            total += e * e
    loss = total / (T - 1)
    d_xh = d_hh = d_hy = d_bh = d_by = 0.0
    dz_next = 0.0  # ∂L/∂z_{t+1}: nothing comes after the last step
    for t in range(T - 1, -1, -1):
        h = hs[t]
        dy = 2.0 * (w_hy * h + b_y - xs[t + 1]) / (T - 1) if t < T - 1 else 0.0  # ∂L/∂y_t
        d_hy += dy * h
        d_by += dy
        dz = (w_hy * dy + w_hh * dz_next) * df(zs[t], h)  # ∂L/∂z_t, through y_t and z_{t+1}
        d_xh += dz * xs[t]
        d_hh += dz * (hs[t - 1] if t else 0.0)
        d_bh += dz
        dz_next = dz
    return loss, math.hypot(d_xh, d_hh, d_hy, d_bh, d_by)
