"""What each challenge checks (rnn_py.lessons holds the challenges themselves): pure functions
of (state, events). `state` is the page's DemoState; `events` is the list of dicts the page
records as things happen (page.record), each with a "kind":

    "run"         a BPTT or random-search run ended: method ("bptt" or "random"), status
                  ("done", "diverged" or "stopped"), evaluations, first_loss, last_loss,
                  best_loss, and the settings it started from: lr, clip, sequence, custom,
                  normalized, activation, hidden, length, params, and (pages with gated
                  cells) cell, optimizer, gap, batch
    "weights"     the weights were replaced; how = "hand" (a slider, a number box or a grid
                  cell), "default" (the Default weights button) or another source ("import",
                  "console", "landscape", "preset" …); params = the new weights, optional
    "cliff_step"  the landscape's cliff button took one step with clipping and one without;
                  clipped_move and unclipped_move = how far each moved the weights
    "vanilla"     the vanilla cell's weights as the page last held them (recorded when they
                  or the activation change): params, activation; challenge 8 compares with them
    "text_run"    text mode measured a network on its whole text after training: text, cell,
                  hidden, windows, bits (bits per character over the whole text)
    "text_sample" text mode wrote a sample: text (what the network was trained on), hidden,
                  sample (the start character and what followed), temperature, windows

Nothing here reads the page; every check recomputes from these two arguments, so the same
checks run on CPython in the tests.

The text task's two challenges are checked in rnn_py.text.goals.
"""

from __future__ import annotations

import math

from .. import cells
from ..cells.vanilla import Params
from ..i18n import _, ngettext
from ..studies import remember
from ..train import RUN_LENGTH  # evaluations per Train or Random Search click on the page
from .measure import (  # noqa: F401 (finite, weights_of: rnn_py.lessons.goals's names)
    LONG_LAG,
    _flat,
    _loss,
    _measured,
    _now,
    _num,
    _reach_at_0,
    _reach_of,
    _runs,
    _same_data,
    _same_weights,
    _targets,
    _xs,
    finite,
    weights_of,
)

WEIGHTS = "weights"  # the kind of event that says where the weights came from
HAND = "hand"  # its "how" for a slider, a number box or a grid cell
FRESH = ("default",)  # the "how"s of untrained weights: a clean start for challenge 1
# "Beat random search", measured (rnn_py.lessons.figures recomputes them; test_figures.py checks)
BEAT_MEASURED = {
    "lower": 32,
    "total": 40,
    "tenfold": 11,
    "first-bptt": "0.077",
    "first-random": "0.107",
}
CLIFF_RATIO = 10.0  # the unclipped step must move the weights this many times farther
REACH_RATIO = 1000.0  # challenge 8: the LSTM's reach at t = 0 over the vanilla cell's
LONG_GAP = 10  # challenge 9: the shortest gap that counts as a long lag
VANILLA = "vanilla"  # the kind of event that keeps the vanilla cell's weights for challenge 8
MIN_SINE_LENGTH = 12  # the default length: one and a half periods of the wave, not a short piece


# ---- small helpers -------------------------------------------------------------------------


def _set_by_hand(state, events):
    """Whether the current weights are the learner's own: set by hand since the last clean
    start (the visit's start or Default weights), with no run and no other source of weights
    in between. A hand event that names its params must match the current weights."""
    hand = None
    for e in reversed(events):
        kind, how = e.get("kind"), e.get("how")
        if kind == WEIGHTS and how in FRESH:
            break
        if kind == "run" or (kind == WEIGHTS and how != HAND):
            return False
        if kind == WEIGHTS and hand is None:
            hand = e
    if hand is None:
        return False
    return "params" not in hand or _same_weights(hand["params"], state.params)


def _vanilla(state):
    return state.cell == "vanilla"  # these challenges are about the vanilla cell by name


def _on_linear(state):
    return (
        _vanilla(state)
        and state.sequence == "linear"
        and state.normalized
        and state.activation == "tanh"
    )


def check_by_hand(state, events):
    loss = _loss(state)
    return _on_linear(state) and loss is not None and loss < 0.05 and _set_by_hand(state, events)


def progress_by_hand(state, events):
    if not _vanilla(state):
        return _("Choose the Vanilla RNN cell: its sliders are what this challenge is about.")
    if not _on_linear(state):
        return _("Choose the Linear sequence, tick Normalized and pick tanh.")
    loss = _loss(state)
    if loss is None:
        return _("The loss is not a finite number: bring the weights back towards 0.")
    by_hand = _set_by_hand(state, events)
    if loss < 0.05 and not by_hand:
        return _(
            "The loss is {loss}, but these weights were not all set with the sliders. "
            "Press Default weights and use the sliders or number boxes."
        ).format(loss=_num(loss))
    return _("The loss is {loss}; the goal is below 0.05.").format(loss=_num(loss))


# ---- 2. vanishing ------------------------------------------------------------------------


def check_vanish(state, events):
    if not _vanilla(state) or state.activation != "sigmoid":
        return False
    reach = _reach_at_0(state)
    return reach is not None and reach < 1e-3


def progress_vanish(state, events):
    if not _vanilla(state):
        return _("Choose the Vanilla RNN cell: the activation applies to it alone.")
    if state.activation != "sigmoid":
        return _("Pick the sigmoid activation.")
    reach = _reach_at_0(state)
    if reach is None:
        return _("The gradient cannot be computed for these settings.")
    return _("The gradient reach at t = 0 is {reach}; the goal is below 0.001.").format(
        reach=_num(reach)
    )


# ---- 3. diverge, then converge ------------------------------------------------------------


def _converged(run):
    """A run that went the whole way and ended with a lower loss than it started with."""
    first, last = run.get("first_loss"), run.get("last_loss")
    return run.get("status") == "done" and finite(first) and finite(last) and last < first


def _tamed(bad, good):
    """good repeats the diverged run bad from the same start with clipping on or a lower rate."""
    if not (_same_data(bad, good) and _same_weights(bad.get("params"), good.get("params"))):
        return False
    clip_on = bool(good.get("clip")) and not bad.get("clip")
    lower = finite(good.get("lr")) and finite(bad.get("lr")) and good["lr"] < bad["lr"]
    return (clip_on or lower) and _converged(good)


def diverged_runs(events):
    return [
        (i, e)
        for i, e in enumerate(events)
        if e.get("kind") == "run" and e.get("method") == "bptt" and e.get("status") == "diverged"
    ]


def check_tame(state, events):
    for i, bad in diverged_runs(events):
        if any(_tamed(bad, good) for good in _runs(events[i + 1 :], "bptt")):
            return True
    return False


def progress_tame(state, events):
    diverged = diverged_runs(events)
    if not diverged:
        return _("No training run has diverged yet in this visit.")
    i, bad = diverged[-1]
    later = _runs(events[i + 1 :], "bptt")
    text = _("Training diverged at epoch {n}.").format(n=bad.get("evaluations")) + " "
    if not later:
        return text + _(
            "Put back the weights it started from, then train again with clipping on "
            "or a lower learning rate."
        )
    good = later[-1]
    if not _same_weights(bad.get("params"), good.get("params")):
        return text + _(
            "Your last run started from other weights: put back the ones it started from."
        )
    if not _same_data(bad, good):
        return text + _("Your last run used another sequence or activation.")
    if not _converged(good):
        return text + _("Your last run from there did not end with a lower loss than it started.")
    return text + _("Your last run changed neither clipping (to on) nor the learning rate (lower).")


# ---- 4. beat random search --------------------------------------------------------------


def _full(run):
    return run.get("status") == "done" and run.get("evaluations") == RUN_LENGTH


def _beats(bptt, search):
    """BPTT ended below the search's best, from a start worse than that best."""
    best = search.get("best_loss")
    first, last = bptt.get("first_loss"), bptt.get("last_loss")
    return (
        _full(bptt)
        and _full(search)
        and _same_data(bptt, search)
        and finite(best)
        and finite(first)
        and finite(last)
        and last < best < first
    )


def check_beat(state, events):
    searches = _runs(events, "random")
    return any(_beats(b, s) for b in _runs(events, "bptt") for s in searches)


def progress_beat(state, events):
    searches = [s for s in _runs(events, "random") if _full(s) and finite(s.get("best_loss"))]
    if not searches:
        return _(
            "Run Random Search first: its best loss after {n} tries is the mark to beat."
        ).format(n=RUN_LENGTH)
    search = searches[-1]
    text = (
        _("Random Search's best after {n} tries: {loss}.").format(
            n=RUN_LENGTH, loss=_num(search["best_loss"])
        )
        + " "
    )
    runs = [b for b in _runs(events, "bptt") if _full(b) and _same_data(b, search)]
    if not runs:
        return text + _("Now train with BPTT for {n} epochs on the same settings.").format(
            n=RUN_LENGTH
        )
    bptt = runs[-1]
    first, last = bptt.get("first_loss"), bptt.get("last_loss")
    if finite(first) and first <= search["best_loss"]:
        return text + _("Your BPTT run did not start above that: start from worse weights.")
    if finite(last):
        return text + _("Your BPTT run ended at {loss}.").format(loss=_num(last))
    return text + _("Your BPTT run did not end with a finite loss.")


# ---- 5. sine with two units -------------------------------------------------------------


def _on_sine(state):
    return state.sequence == "sine" and state.length >= MIN_SINE_LENGTH


def check_sine(state, events):
    loss = _loss(state) if _on_sine(state) else None
    return loss is not None and loss < 1e-3


def progress_sine(state, events):
    if not _on_sine(state):
        return _("Choose the Sine sequence with a length of at least {n}.").format(
            n=MIN_SINE_LENGTH
        )
    loss = _loss(state)
    if loss is None:
        return _("The loss is not a finite number: bring the weights back towards 0.")
    return ngettext(
        "The loss is {loss} with {n} hidden unit; the goal is below 0.001.",
        "The loss is {loss} with {n} hidden units; the goal is below 0.001.",
        state.hidden,
    ).format(loss=_num(loss), n=state.hidden)


# ---- 6. cliff ---------------------------------------------------------------------------


def _cliff_steps(events):
    return [
        e
        for e in events
        if e.get("kind") == "cliff_step"
        and finite(e.get("clipped_move"))
        and e["clipped_move"] > 0
        and isinstance(e.get("unclipped_move"), int | float)
        and not math.isnan(e["unclipped_move"])
    ]


def check_cliff(state, events):
    return any(e["unclipped_move"] >= CLIFF_RATIO * e["clipped_move"] for e in _cliff_steps(events))


def progress_cliff(state, events):
    steps = _cliff_steps(events)
    if not steps:
        return _("No step at a wall yet: open the Loss landscape panel.")
    e = steps[-1]
    ratio = e["unclipped_move"] / e["clipped_move"]
    return _(
        "Your last step: without clipping the weights moved {unclipped}, "
        "with clipping {clipped}, {ratio} times as far. "
        "The goal is at least {goal} times."
    ).format(
        unclipped=_num(e["unclipped_move"]),
        clipped=_num(e["clipped_move"]),
        ratio=_num(ratio),
        goal=f"{CLIFF_RATIO:g}",
    )


# ---- 7. explode -------------------------------------------------------------------------


def check_explode(state, events):
    reach = _reach_at_0(state) if _vanilla(state) else None
    return reach is not None and reach > 1e3


def progress_explode(state, events):
    if not _vanilla(state):
        return _("Choose the Vanilla RNN cell.")
    reach = _reach_at_0(state)
    if reach is None:
        return _("The gradient cannot be computed for these settings.")
    return _("The gradient reach at t = 0 is {reach}; the goal is above 1000.").format(
        reach=_num(reach)
    )


# ---- 8. the LSTM keeps its gradient ------------------------------------------------------


def vanilla_reference(state, events):
    """The vanilla cell to compare with: the weights and activation the page last held for it
    in this visit ("vanilla" events), or else its starting weights at this n and seed (the
    default_params the page gives a new vanilla network), with the current activation."""
    for e in reversed(events):
        if e.get("kind") == VANILLA:
            p = weights_of(e.get("params"))
            # the vanilla cell's own starting weights, which this goal compares by name
            if isinstance(p, Params) and e.get("activation") in (
                "tanh",
                "relu",
                "sigmoid",
                "linear",
            ):
                return p, e["activation"]
    if state.hidden == 1:
        return Params.scalar(w_xh=0.5, w_hh=0.8, w_hy=1.0), state.activation
    return Params.random(state.hidden, state.seed), state.activation


def _reaches(state, events):
    """(the LSTM's reach at t = 0, the vanilla reference's, on the current sequence), or None."""
    if state.cell != "lstm":
        return None
    mine = _reach_at_0(state)
    params, activation = vanilla_reference(state, events)
    theirs = _reach_of(state, params, activation)
    if mine is None or theirs is None or not math.isfinite(mine):
        return None
    return mine, theirs


def check_lstm_reach(state, events):
    found = _reaches(state, events)
    # a vanilla cell with no memory at all (reach exactly 0) is no comparison
    return found is not None and found[1] > 0.0 and found[0] > REACH_RATIO * found[1]


def progress_lstm_reach(state, events):
    if state.cell != "lstm":
        return _("Choose the LSTM cell (your vanilla weights are kept to compare with).")
    found = _reaches(state, events)
    if found is None:
        return _("The gradient reach cannot be computed for these settings.")
    mine, theirs = found
    if theirs == 0.0:
        return _(
            "The LSTM's reach at t = 0 is {reach}; the vanilla cell's is exactly 0, so "
            "no multiple of it can be beaten: give the vanilla cell weights whose reach is "
            "not 0."
        ).format(reach=_num(mine))
    return _(
        "At t = 0 the LSTM's gradient reach is {mine} and the vanilla cell's "
        "{theirs}: {ratio} times as much; the goal is more than "
        "{goal} times."
    ).format(
        mine=_num(mine), theirs=_num(theirs), ratio=_num(mine / theirs), goal=f"{REACH_RATIO:g}"
    )


# ---- 9. the long-lag task ------------------------------------------------------------------

TEST_EXAMPLES = 100  # fresh examples the trained weights are scored on


def _trained_on_task(state, events):
    """The last BPTT run, if it trained these weights on this long-lag task: it ran on the task
    with the current cell, gap and batch, and no weights came from elsewhere since."""
    for e in reversed(events):
        kind = e.get("kind")
        if kind == WEIGHTS:
            return None
        if kind == "run":
            if e.get("method") != "bptt" or e.get("status") not in ("done", "stopped"):
                return None
            same = (
                e.get("sequence") == LONG_LAG
                and e.get("cell", "vanilla") == state.cell
                and e.get("gap") == state.gap
                and e.get("batch") == state.batch
            )
            return e if same else None
    return None


def held_out_loss(state):
    """The loss of the current weights on TEST_EXAMPLES fresh examples of the long-lag task
    (remember.Remember.test_set, never trained on), or None if not finite."""
    for _piece in held_out_pieces(state):
        pass
    return _HELD_OUT[_held_out_key(state)]


_HELD_OUT = {}  # the last few held-out losses, by cell, weights, gap and seed


def _held_out_key(state):
    return state.cell, state.params.n, tuple(state.params.flat()), state.gap, state.seed


def held_out_pieces(state):
    """Compute held_out_loss(state) in pieces: a generator that yields after each example (at
    gap 100 one example is a 101-step forward pass), so a page can spread the whole over
    several frames; the loss is kept once the last example is done. Nothing to do when it is
    known already."""
    key = _held_out_key(state)
    if key in _HELD_OUT:
        return
    cell, n, flat, gap, seed = key
    params = cells.params_class(cell).from_flat(n, flat)
    examples = remember.Remember(gap, 1, seed).test_set(TEST_EXAMPLES)
    losses = []
    for xs, targets in examples:
        losses.append(cells.forward(params, xs, "tanh", targets).loss)
        yield
    loss = math.fsum(losses) / len(losses)  # as remember.evaluate
    if len(_HELD_OUT) >= 4:
        del _HELD_OUT[next(iter(_HELD_OUT))]
    _HELD_OUT[key] = loss if math.isfinite(loss) else None


def long_lag_pieces(state, events):
    """The work check 9 (the long-lag task) would do now, in pieces (held_out_pieces), or
    nothing when it would not need the held-out loss."""
    if _long_lag_state(state) and _trained_on_task(state, events) is not None:
        yield from held_out_pieces(state)


def _long_lag_state(state):
    return state.sequence == LONG_LAG and state.gap >= LONG_GAP


def check_long_lag(state, events):
    if not _long_lag_state(state) or _trained_on_task(state, events) is None:
        return False
    loss = held_out_loss(state)
    return loss is not None and loss < remember.SOLVED


def progress_long_lag(state, events):
    if state.sequence != LONG_LAG:
        return _("Choose the sequence Remember the first number.")
    if state.gap < LONG_GAP:
        return _("Set a gap of at least {n} (it is {gap}).").format(n=LONG_GAP, gap=state.gap)
    if _trained_on_task(state, events) is None:
        return _("Train these weights with BPTT on this task (gap and batch as they are now).")
    loss = held_out_loss(state)
    shown = _num(loss) if loss is not None else _("not a finite number")
    return _(
        "On {n} fresh examples the trained weights score {shown}; the goal is "
        "below {solved} (always answering 0 scores {baseline})."
    ).format(
        n=TEST_EXAMPLES,
        shown=shown,
        solved=f"{remember.SOLVED:g}",
        baseline=f"{remember.BASELINE:.2f}",
    )
