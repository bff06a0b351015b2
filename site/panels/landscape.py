"""Handlers of the Loss landscape panel: the map of the loss over two weights.

The map is computed by rnn_py.studies.landscape a few grid points at a time, about 10 ms of work per
frame (`await asyncio.sleep(…)` for the rest of the frame), and sent to js/panels/landscape.js
as it comes. A new computation starts when a weight off the map's axes, the sequence or the
activation changes; it bumps `generation`, so a computation that is no longer wanted stops at
its next piece. Only an open panel computes. While training runs the map keeps its picture and
is recomputed when the run ends; the run's path and the search's tries are drawn over it.
"""

import asyncio
import math
import time
from dataclasses import dataclass, field
from itertools import islice

import page
from page import when
from pyscript import document

from rnn_py import Params, forward
from rnn_py.i18n import N_, _, ngettext
from rnn_py.page.state import read_number
from rnn_py.studies.landscape import (
    CELL,
    CLIFFS,
    DEFAULT_SIZE,
    axes,
    axis,
    cliff_step,
    grid_values,
    landscape_rows,
    point_text,
    search_sampler,
    steepest,
    step_text,
    wall_text,
)
from rnn_py.train import PARAM_LIMIT

BUDGET = 0.010  # seconds of computing per frame, well under the 50 ms of a long task
FRAME = 1 / 60  # the rest of each frame is left to the browser: drawing, input, other work
# Grid points per piece, the unit of work between two checks of the budget: a point of one unit
# takes microseconds, one of eight units with T = 64 about a millisecond (CPython).
COLUMNS = {1: 8}
CLIP_LIMIT = 5.0  # the limit Train uses when clipping is on (main.py)
DEFAULT_AXES = ("w_xh[1]", "w_hh[1,1]")
DEFAULT_RANGE = (-2.0, 2.0)
KEEP_PATHS, KEEP_SAMPLES = 50, 3000  # this visit's history, the most recent kept
MESSAGE = "ls-msg"


@dataclass
class Landscape:
    """The panel's state: the axes and ranges, the map being computed, and this visit's paths."""

    x_key: str = DEFAULT_AXES[0]
    y_key: str = DEFAULT_AXES[1]
    x_range: tuple = DEFAULT_RANGE
    y_range: tuple = DEFAULT_RANGE
    size: int = DEFAULT_SIZE
    generation: int = 0  # bumped to start a new map; older computations stop
    signature: tuple | None = None  # what the current map was computed for
    done: bool = False
    losses: list = field(default_factory=list)
    norms: list | None = None
    setup: tuple | None = None  # what the painter's controls show
    paths: list = field(default_factory=list)  # [(n, [flat weights, …]), …] one per BPTT run
    samples: list = field(default_factory=list)  # [(n, flat weights), …] Random Search's tries
    tries: int = 0  # how many tries were ever noted (the painter is sent them when it changes)
    tries_sent: tuple | None = None
    run_id: int = -1  # the run being followed
    search: list | None = None  # [n, sampler, offset, tries noted] of the search followed
    arrows: dict | None = None
    arrows_at: tuple | None = None  # (signature, flat weights) the arrows were drawn for


panel = Landscape()


def _details():
    return document.getElementById("landscape-panel")


def _index(key):
    return axis(page.session.state.hidden, key).index


def _fixed_signature(state):
    """What the map depends on: everything but the two weights on its axes; None if the
    sequence cannot be read (a custom sequence with a mistake)."""
    try:
        xs = tuple(state.xs())
    except ValueError:
        return None
    flat = state.params.flat()
    kx, ky = _index(panel.x_key), _index(panel.y_key)
    fixed = tuple(v for k, v in enumerate(flat) if k not in (kx, ky))
    ranges = (panel.x_range, panel.y_range, panel.size)
    return (state.hidden, state.activation, xs, fixed, panel.x_key, panel.y_key, ranges)


def _finite(values):
    return [v if v is not None and math.isfinite(v) else None for v in values]


def _check_axes(n):
    """Keep the axes valid for n hidden units (back to the defaults if a key no longer exists)."""
    keys = {a.key for a in axes(n)}
    if panel.x_key not in keys or panel.y_key not in keys:
        panel.x_key, panel.y_key = DEFAULT_AXES
        panel.x_range = panel.y_range = DEFAULT_RANGE


def _send_setup(n):
    labels = {a.key: a.label for a in axes(n)}
    setup = (n, panel.x_key, panel.y_key, panel.x_range, panel.y_range)
    if setup == panel.setup:
        return
    panel.setup = setup
    page.panel(
        "landscape",
        {
            "kind": "setup",
            "axes": [[a.key, a.label] for a in axes(n)],
            "x": {"key": panel.x_key, "label": labels[panel.x_key], "range": panel.x_range},
            "y": {"key": panel.y_key, "label": labels[panel.y_key], "range": panel.y_range},
            "size": panel.size,
        },
    )


# ---- the map, computed progressively ----------------------------------------------------------


def _restart(signature):
    """Start a new map for the current settings; the one being computed stops."""
    panel.generation += 1
    panel.signature = signature
    panel.done = False
    panel.losses = [[None] * panel.size for _row in range(panel.size)]
    panel.norms = None
    asyncio.ensure_future(_compute(panel.generation))


async def _compute(generation):
    if generation != panel.generation:
        return  # superseded before it began
    state = page.session.state
    n = state.hidden
    gradients = n == 1  # ‖∂L/∂θ‖ is cheap for one unit: it finds the wall
    try:
        rows = landscape_rows(state.params, state.xs(), state.activation, panel.x_key,
                              panel.y_key, panel.x_range, panel.y_range, panel.size,
                              gradients=gradients, columns=COLUMNS.get(n, 1))  # fmt: skip
    except ValueError as error:
        page.panel("landscape", {"kind": "error", "gen": generation, "text": str(error)})
        return
    if gradients:
        panel.norms = [[None] * panel.size for _row in range(panel.size)]
    total, count = panel.size * panel.size, 0
    page.panel("landscape", {"kind": "start", "gen": generation, "size": panel.size})
    pieces, start = [], time.perf_counter()
    for band in rows:
        if generation != panel.generation:
            return  # superseded: a newer map is being computed
        i, j0, losses = band.row0, band.col0, band.rows[0]
        panel.losses[i][j0 : j0 + len(losses)] = losses
        if gradients:
            panel.norms[i][j0 : j0 + len(losses)] = band.grad_norms[0]
        pieces.append([i, j0, _finite(losses)])
        count += len(losses)
        if time.perf_counter() - start > BUDGET:
            _send_rows(generation, pieces, count / total)
            pieces = []
            # Let the browser draw and handle input for the rest of the frame.
            await asyncio.sleep(max(0.002, FRAME - (time.perf_counter() - start)))
            if generation != panel.generation:
                return
            start = time.perf_counter()
    _send_rows(generation, pieces, 1.0)
    panel.done = True
    page.panel("landscape", {"kind": "done", "gen": generation, "wall": _wall_text()})


def _send_rows(generation, pieces, progress):
    page.panel("landscape", {"kind": "rows", "gen": generation, "pieces": pieces,
                             "progress": progress})  # fmt: skip


def _wall():
    """The steepest grid point of the finished map (one hidden unit only), or None."""
    if not panel.done or panel.norms is None:
        return None
    try:
        return steepest(panel.norms)
    except ValueError:
        return None


def _labels():
    n = page.session.state.hidden
    return axis(n, panel.x_key).label, axis(n, panel.y_key).label


def _wall_text():
    wall = _wall()
    if wall is None:
        return ""
    x_label, y_label = _labels()
    x = grid_values(*panel.x_range, panel.size)[wall.j]
    y = grid_values(*panel.y_range, panel.size)[wall.i]
    return wall_text(wall, x_label, y_label, x, y)


# ---- following the model: the current point, BPTT's path, Random Search's tries ---------------


def _follow_runs(session):
    """Note this visit's BPTT weights and Random Search tries as the runs go."""
    state = session.state
    if session.running and session.run_id != panel.run_id:
        panel.run_id = session.run_id
        if session.running == "bptt":
            panel.paths.append((state.hidden, []))
            del panel.paths[:-KEEP_PATHS]
            panel.search = None
        elif state.cell == CELL:  # the search run draws with this seed (page.search_seed)
            offset = session.history.evaluations("random")
            sampler = search_sampler(state.hidden, page.search_seed(), *page.SEARCH_RANGE)
            panel.search = [state.hidden, sampler, offset, 0]
        else:  # a gated cell's search: its tries are not points of this map
            panel.search = None
    if session.running == "bptt" and panel.paths:
        flat = state.params.flat()
        path = panel.paths[-1][1]
        if not path or path[-1] != flat:
            path.append(flat)
    if panel.search is not None:
        n, sampler, offset, have = panel.search
        done = session.history.evaluations("random") - offset
        if done > have:
            new = list(islice(sampler, done - have))
            panel.samples.extend((n, flat) for flat in new)
            panel.tries += len(new)
            del panel.samples[:-KEEP_SAMPLES]
            panel.search[3] = done
        if not session.running:
            panel.search = None


def _projected(flat_list, n):
    kx, ky = _index(panel.x_key), _index(panel.y_key)
    return [[flat[kx], flat[ky]] for flat in flat_list if len(flat) == Params.size(n)]


def _overlay(session, announce):
    state = session.state
    n = state.hidden
    flat = state.params.flat()
    kx, ky = _index(panel.x_key), _index(panel.y_key)
    paths = [_projected(path, n) for m, path in panel.paths if m == n and path]
    samples = [w for m, w in panel.samples if m == n]
    runs = len(paths)
    if runs or samples:
        drawn = ngettext(
            "Drawn over the map: {runs} BPTT run of this visit ({points} points along the path) "
            "and {tries} Random Search tries.",
            "Drawn over the map: {runs} BPTT runs of this visit ({points} points along the path) "
            "and {tries} Random Search tries.",
            runs,
        ).format(runs=runs, points=sum(map(len, paths)), tries=len(samples))
    else:
        drawn = _("Train or search, and the path of each run and every try appear over the map.")
    data = {
        "kind": "overlay",
        "point": [flat[kx], flat[ky]],
        "paths": paths,
        "arrows": panel.arrows,
        "drawn": drawn,
        "running": bool(session.running),
    }
    key = (panel.tries, n, kx, ky)
    if key != panel.tries_sent:  # the tries only when they changed: there may be thousands
        panel.tries_sent = key
        data["samples"] = _projected(samples, n)
    if announce:
        x_label, y_label = _labels()
        try:
            loss = forward(state.params, state.xs(), state.activation).loss
            text = point_text(x_label, y_label, flat[kx], flat[ky], loss)
        except ValueError as error:
            text = str(error)
        data["pointText"] = text
    page.panel("landscape", data)


def _vanilla_only(session):
    """The map's axes are weights of the vanilla cell: with a GRU or an LSTM the panel says
    so (with a button to switch) instead of a map, and stops any computation. True when the
    vanilla cell runs."""
    vanilla = session.state.cell == CELL
    document.getElementById("ls-cell-note").hidden = vanilla
    document.querySelector("#landscape-panel .ls-layout").hidden = not vanilla
    if not vanilla and panel.signature is not None:
        panel.generation += 1  # a computation in progress stops at its next piece
        panel.signature = None
    return vanilla


def follow(session):
    """The page.listeners entry: called after every repaint, so it must stay cheap."""
    _follow_runs(session)
    if not _details().open or not _vanilla_only(session):
        return
    n = session.state.hidden
    _check_axes(n)
    _send_setup(n)
    signature = _fixed_signature(session.state)
    if panel.arrows is not None and panel.arrows_at != (signature, session.state.params.flat()):
        panel.arrows = None  # the arrows belong to the point and map they started from
    if signature is None:
        if panel.signature is not None:
            panel.generation += 1
            panel.signature = None
            text = _("Fix the custom sequence to see its landscape.")
            page.panel("landscape", {"kind": "error", "gen": panel.generation, "text": text})
    elif signature != panel.signature and not session.running:
        _restart(signature)
    _overlay(session, announce=not session.running)


page.listeners.append(follow)


# ---- the person's actions ---------------------------------------------------------------------


@when("toggle", "#landscape-panel")
def on_toggle(event):
    if _details().open:
        panel.setup = None  # repaint the controls too
        follow(page.session)
    elif not panel.done:  # closed mid-way: stop, and start again when it opens
        panel.generation += 1
        panel.signature = None


def _set_point(i, j):
    """Set the two weights of the map to its grid point (x_j, y_i): the page then shows the very
    loss the map showed there."""
    state = page.session.state
    if state.cell != CELL:
        return
    flat = state.params.flat()
    flat[_index(panel.x_key)] = grid_values(*panel.x_range, panel.size)[j]
    flat[_index(panel.y_key)] = grid_values(*panel.y_range, panel.size)[i]
    events = page.session.events
    if not events or events[-1] != {"kind": "weights", "how": "landscape"}:
        page.record("weights", how="landscape")
    page.change(params=Params.from_flat(state.hidden, flat))


def _cell_of(value, low, high):
    """The grid index nearest to value, kept on the grid."""
    k = round((value - low) / (high - low) * (panel.size - 1))
    return min(panel.size - 1, max(0, k))


@when("click", "#ls-canvas")
def on_map_click(event):
    rect = event.target.getBoundingClientRect()
    if not rect.width or not rect.height:
        return
    fx = (event.clientX - rect.left) / rect.width
    fy = (event.clientY - rect.top) / rect.height
    j = min(panel.size - 1, max(0, math.floor(fx * panel.size)))
    i = min(panel.size - 1, max(0, panel.size - 1 - math.floor(fy * panel.size)))
    _set_point(i, j)


STEPS = {"ArrowRight": (0, 1), "ArrowLeft": (0, -1), "ArrowUp": (1, 0), "ArrowDown": (-1, 0)}


@when("keydown", "#ls-marker")
def on_marker_key(event):
    if event.key not in STEPS:
        return
    event.preventDefault()
    di, dj = STEPS[event.key]
    flat = page.session.state.params.flat()
    j = _cell_of(flat[_index(panel.x_key)], *panel.x_range)
    i = _cell_of(flat[_index(panel.y_key)], *panel.y_range)
    last = panel.size - 1
    _set_point(min(last, max(0, i + di)), min(last, max(0, j + dj)))


def _new_axes(x_key, y_key):
    state = page.session.state
    flat = state.params.flat()
    ranges = {}
    for key in (x_key, y_key):
        if key in (panel.x_key, panel.y_key):
            ranges[key] = panel.x_range if key == panel.x_key else panel.y_range
        else:  # a new axis: ±2 around its value now, in whole numbers
            centre = round(flat[_index(key)])
            ranges[key] = (float(centre - 2), float(centre + 2))
    panel.x_key, panel.y_key = x_key, y_key
    panel.x_range, panel.y_range = ranges[x_key], ranges[y_key]
    page.message(MESSAGE, "")
    follow(page.session)


@when("change", "#ls-x")
def on_x_axis(event):
    key = str(event.target.value)
    _new_axes(key, panel.x_key if key == panel.y_key else panel.y_key)  # same key: swap


@when("change", "#ls-y")
def on_y_axis(event):
    key = str(event.target.value)
    _new_axes(panel.y_key if key == panel.x_key else panel.x_key, key)


RANGE_BOXES = {
    "ls-x-low": ("x", 0, N_("Landscape x from")),
    "ls-x-high": ("x", 1, N_("Landscape x to")),
    "ls-y-low": ("y", 0, N_("Landscape y from")),
    "ls-y-high": ("y", 1, N_("Landscape y to")),
}


@when("change", "#ls-x-low, #ls-x-high, #ls-y-low, #ls-y-high")
def on_range(event):
    which, end, label = RANGE_BOXES[str(event.target.id)]
    value, message = read_number(str(event.target.value), -PARAM_LIMIT, PARAM_LIMIT, _(label))
    old = panel.x_range if which == "x" else panel.y_range
    if value is not None:
        new = (value, old[1]) if end == 0 else (old[0], value)
        if new[0] < new[1]:
            if which == "x":
                panel.x_range = new
            else:
                panel.y_range = new
        else:
            if end == 0:
                message = _("{label} must be below Landscape {which} to.")
            else:
                message = _("{label} must be above Landscape {which} from.")
            message = message.format(label=_(label), which=which)
            value = None
    page.message(MESSAGE, message, value is not None)
    panel.setup = None  # the painter writes the ranges in use back into the boxes
    follow(page.session)


@when("click", "#ls-vanilla")
def on_switch_to_vanilla(event):
    """The button beside the one-line reason: the vanilla cell, with its starting weights."""
    page.record("weights", how="cell")
    vanilla = page.session.state.with_cell("vanilla")
    page.adopt(vanilla.params, status=_("Switched to the vanilla RNN, with its starting weights."))


@when("click", "#ls-cliffs")
def on_cliffs(event):
    panel.x_key, panel.y_key = CLIFFS.x_key, CLIFFS.y_key
    panel.x_range, panel.y_range = CLIFFS.x_range, CLIFFS.y_range
    page.message(MESSAGE, "")
    page.start_over()
    page.record("weights", how="preset", preset="cliffs", params=CLIFFS.params)
    page.change(
        sequence=CLIFFS.sequence,
        length=CLIFFS.length,
        normalized=CLIFFS.normalized,
        activation=CLIFFS.activation,
        lr=CLIFFS.lr,
        clip=True,
        params=CLIFFS.params,
        step=None,
    )


@when("click", "#ls-step")
def on_cliff_step(event):
    state = page.session.state
    wall = _wall()
    if state.cell != CELL:
        return
    if state.hidden != 1:
        page.message(
            MESSAGE,
            _("Step with and without clipping needs one hidden unit: try the Cliffs preset."),
        )
        return
    if wall is None:
        page.message(
            MESSAGE, _("Wait for the map to finish: the wall is its steepest point."), True
        )
        return
    flat = state.params.flat()
    kx, ky = _index(panel.x_key), _index(panel.y_key)
    flat[kx] = grid_values(*panel.x_range, panel.size)[wall.j]
    flat[ky] = grid_values(*panel.y_range, panel.size)[wall.i]
    start = Params.from_flat(1, flat)
    xs = state.xs()
    try:
        step = cliff_step(start, xs, state.activation, lr=state.lr, limit=CLIP_LIMIT)
    except ValueError as error:
        page.message(MESSAGE, str(error))
        return
    page.message(MESSAGE, "")
    end = step.unclipped.flat()
    on_map = (panel.x_range[0] <= end[kx] <= panel.x_range[1]
              and panel.y_range[0] <= end[ky] <= panel.y_range[1])  # fmt: skip
    text = step_text(step, state.lr, panel.losses[wall.i][wall.j], on_map)
    page.record("cliff_step", clipped_move=step.clipped_move, unclipped_move=step.unclipped_move)
    page.change(params=start)
    signature = _fixed_signature(page.session.state)
    panel.arrows = {
        "from": [flat[kx], flat[ky]],
        "clipped": [step.clipped.flat()[kx], step.clipped.flat()[ky]],
        "unclipped": [end[kx], end[ky]],
    }
    panel.arrows_at = (signature, start.flat())
    page.panel("landscape", {"kind": "step", "text": text})
    _overlay(page.session, announce=True)
