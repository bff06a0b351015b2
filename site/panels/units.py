"""Handlers of the Memory panel: compare hidden sizes, the two presets, the exact two-unit
Fibonacci solution. rnn_py.studies.units trains and derives; js/panels/units.js draws the loss
curves."""

import asyncio
import time
from dataclasses import dataclass, replace

import page
from page import when
from pyscript import document

from rnn_py import forward
from rnn_py.i18n import _, ngettext
from rnn_py.page.view import log_drawable
from rnn_py.studies.units import (
    CELL,
    COMPARE_EPOCHS,
    DEFAULT_SIZES,
    PRESETS,
    exact_fibonacci,
    fibonacci_rule,
    race,
)

SLICE = 0.015  # seconds of training between two paints: no task comes near 50 ms
PAUSE = 0.005  # then a real pause (a timer, not just the next microtask) for clicks and drawing


@dataclass
class Compare:
    """The comparison running now, if any: bumping run_id stops it at its next slice."""

    run_id: int = 0
    running: bool = False
    settings: tuple = ()


compare = Compare()


def _settings(state):
    """What a comparison depends on: when any of it changes, a running one stops."""
    return (state.sequence, state.length, state.custom, state.normalized, state.activation,
            state.seed, state.lr, state.clip)  # fmt: skip


def _units(n):
    return ngettext("{n} unit", "{n} units", n).format(n=n)


def _stop(text):
    compare.run_id += 1
    compare.running = False
    page.panel("units", {"kind": "done", "status": text})


def _follow(session):
    """A listener: a change of sequence, activation, seed, learning rate or clipping stops a
    running comparison, whose curves would no longer match the page. With a gated cell a line
    says that the comparisons are of vanilla RNNs."""
    document.getElementById("units-cell-note").hidden = session.state.cell == CELL
    if compare.running and _settings(session.state) != compare.settings:
        _stop(_("Stopped: the settings changed. Press Compare hidden sizes to compare again."))


page.listeners.append(_follow)
_follow(page.session)  # imported late (when first opened): show the note for the page as it is


async def run_compare():
    """Train 1, 2 and 3 units side by side, SLICE seconds per frame, sending new points."""
    state = page.session.state
    try:
        xs = state.xs()
    except ValueError as error:
        status = _("Nothing to compare: {error}").format(error=error)
        page.panel("units", {"kind": "done", "status": status})
        return
    compare.run_id += 1
    me = compare.run_id
    compare.running, compare.settings = True, _settings(state)
    clip = 5.0 if state.clip else None
    sizes = list(DEFAULT_SIZES)
    steps = race(xs, state.activation, sizes, state.seed, state.lr, clip, COMPARE_EPOCHS)
    what = state.sequence + (_(", normalized") if state.normalized else "")
    what = _("{sequence}, {activation}, seed {seed}, learning rate {lr}, {clipping}").format(
        sequence=what, activation=state.activation, seed=state.seed, lr=f"{state.lr:g}",
        clipping=_("clipping at 5") if clip else _("no clipping"),
    )  # fmt: skip
    training = _("Training on {what}…").format(what=what)
    page.panel("units", {"kind": "start", "sizes": sizes, "status": training})
    last = {}
    finished = False
    while not finished:
        start = time.perf_counter()
        points = {n: [] for n in sizes}
        first = {}
        finished = True
        for n, step in steps:
            first.setdefault(n, step.evaluations)
            points[n].append(log_drawable(step.loss))
            last[n] = step
            if time.perf_counter() - start > SLICE:
                finished = False
                break
        if me != compare.run_id:
            return  # superseded or stopped meanwhile
        epoch = max((s.evaluations for s in last.values()), default=0)
        page.panel("units", {
            "kind": "points",
            "points": {str(n): {"from": first[n], "loss": points[n]} for n in first},
            "status": _("Training on {what}… epoch {epoch} of {epochs}").format(
                what=what, epoch=epoch, epochs=COMPARE_EPOCHS),
        })  # fmt: skip
        if not finished:
            await asyncio.sleep(PAUSE)  # let the browser draw and handle clicks
            if me != compare.run_id:
                return
    compare.running = False
    parts = []
    for n in sizes:
        step = last[n]
        text = f"{_units(n)} {step.loss:.3g}"
        if step.status == "diverged":
            text = _("{units} diverged at epoch {epoch}").format(
                units=_units(n), epoch=step.evaluations
            )
        parts.append(text)
    status = _("Loss after {epochs} epochs ({what}): {losses}.").format(
        epochs=COMPARE_EPOCHS, what=what, losses=", ".join(parts)
    )
    page.record("compare", sizes=sizes, epochs=COMPARE_EPOCHS, sequence=state.sequence,
                normalized=state.normalized, activation=state.activation,
                losses={n: last[n].loss for n in sizes})  # fmt: skip
    page.panel("units", {"kind": "done", "status": status})


@when("click", "#units-compare")
async def on_compare(event):
    await run_compare()


@when("click", "#units-preset-sine")
async def on_preset_sine(event):
    page.change(**PRESETS["sine"], step=None)
    await run_compare()


@when("click", "#units-preset-fibonacci")
async def on_preset_fibonacci(event):
    page.change(**PRESETS["fibonacci"], step=None)
    await run_compare()


@when("click", "#units-exact")
def on_exact(event):
    """Set the exact two-unit weights for Fibonacci (switching to it first if need be)."""
    state = page.session.state
    if state.sequence == "fibonacci":
        settings = {"activation": "linear"}  # keep its length and normalisation
    else:
        settings = dict(PRESETS["fibonacci"])
    page.stop_run()
    page.session.state = state = replace(state, **settings, step=None)
    xs = state.xs()
    c, _start = fibonacci_rule(xs)
    params = exact_fibonacci(xs)
    page.record("weights", how="exact")
    page.adopt(params, status=_("Exact two-unit weights for Fibonacci set."))
    loss = forward(params, xs, "linear").loss
    page.message(
        "units-exact-msg",
        _(
            "Unit 1 holds x_t − c and unit 2 holds x_(t−1) − c, with c = {c} here "
            "(before x_0 the rule gives x_(−1) = c). Loss: {loss}."
        ).format(c=f"{c:.4f}", loss=f"{loss:.3g}"),
        info=True,
    )
