"""Challenges: small exercises whose goals rnn_py checks from the page's settings and this
visit's history.

Each `Challenge` has a goal, a hint, an explanation shown once it is solved, and two pure
functions of (state, events): `check` says whether the goal is met, `progress` says in one
sentence where the learner stands. `state` is the page's DemoState; `events` is the list of
dicts the page records as things happen (page.record), each with a "kind":

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
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from . import cells, remember
from .cellbase import CellParams
from .model import Params
from .text import PRESETS, unigram_bits
from .train import RUN_LENGTH  # evaluations per Train or Random Search click on the page

WEIGHTS = "weights"  # the kind of event that says where the weights came from
HAND = "hand"  # its "how" for a slider, a number box or a grid cell
FRESH = ("default",)  # the "how"s of untrained weights: a clean start for challenge 1
# "Beat random search", measured (rnn_py.figures recomputes these; tests/test_figures.py checks)
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
LONG_LAG = "remember"  # the long-lag task's sequence name (state.REMEMBER; state imports us)
MIN_SINE_LENGTH = 12  # the default length: one and a half periods of the wave, not a short piece
TEXT_MARGIN = 1.0  # bits per character below the unigram baseline, on the Python preset
COUNTING_UNITS = 2  # … with at most this many hidden units
HELLO_UNITS = 3  # hidden units at most for the hello world challenge
HELLO = "hello world"  # what a sample of the hello preset must write, HELLO_TIMES times
HELLO_TIMES = 3
HELLO_TEMPERATURE = 1.0  # the lowest temperature that counts: no help from a cold softmax
STORAGE_KEY = "rnn-demo-challenges"
RESET = "challenges_reset"  # the event "Reset progress" records


@dataclass(frozen=True)
class Challenge:
    """One exercise: what to do, a hint, what it teaches, and how rnn_py checks it."""

    id: str
    title: str
    goal: str
    hint: str
    explanation: str
    check: Callable[[object, list], bool]
    progress: Callable[[object, list], str]


# ---- small helpers -------------------------------------------------------------------------


def _xs(state):
    """The state's sequence, or None when its custom text is unusable."""
    try:
        return state.xs()
    except ValueError:
        return None


def _loss(state):
    """The loss of the current weights on the current sequence (None if there is none)."""
    xs = _xs(state)
    if xs is None:
        return None
    return _measured(
        "loss", state.activation, state.params.n, tuple(state.params.flat()), tuple(xs),
        state.cell, _targets(state),
    )  # fmt: skip


def _reach_at_0(state):
    """‖∂h_{T−1}/∂h_0‖ for the current settings (None if there is no sequence or it is nan)."""
    xs = _xs(state)
    if xs is None:
        return None
    return _measured(
        "reach", state.activation, state.params.n, tuple(state.params.flat()), tuple(xs),
        state.cell, _targets(state),
    )  # fmt: skip


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


def _weights(params):
    """Some cell's weights from its weights object or a to_dict() dict; None when neither."""
    if isinstance(params, Params | CellParams):
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
    p = _weights(params)
    return None if p is None else p.flat()


def _same_weights(a, b):
    pa, pb = _weights(a), _weights(b)
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


def _finite(v):
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _num(v):
    """A number for a sentence: 3 significant digits."""
    return f"{v:.3g}"


# ---- 1. by hand ----------------------------------------------------------------------------


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
    return state.cell == "vanilla"


def _on_linear(state):
    return (
        _vanilla(state)
        and state.sequence == "linear"
        and state.normalized
        and state.activation == "tanh"
    )


def _check_by_hand(state, events):
    loss = _loss(state)
    return _on_linear(state) and loss is not None and loss < 0.05 and _set_by_hand(state, events)


def _progress_by_hand(state, events):
    if not _vanilla(state):
        return "Choose the Vanilla RNN cell: its sliders are what this challenge is about."
    if not _on_linear(state):
        return "Choose the Linear sequence, tick Normalized and pick tanh."
    loss = _loss(state)
    if loss is None:
        return "The loss is not a finite number: bring the weights back towards 0."
    by_hand = _set_by_hand(state, events)
    if loss < 0.05 and not by_hand:
        return (
            f"The loss is {_num(loss)}, but these weights were not all set with the sliders. "
            "Press Default weights and use the sliders or number boxes."
        )
    return f"The loss is {_num(loss)}; the goal is below 0.05."


# ---- 2. vanishing ------------------------------------------------------------------------


def _check_vanish(state, events):
    if not _vanilla(state) or state.activation != "sigmoid":
        return False
    reach = _reach_at_0(state)
    return reach is not None and reach < 1e-3


def _progress_vanish(state, events):
    if not _vanilla(state):
        return "Choose the Vanilla RNN cell: the activation applies to it alone."
    if state.activation != "sigmoid":
        return "Pick the sigmoid activation."
    reach = _reach_at_0(state)
    if reach is None:
        return "The gradient cannot be computed for these settings."
    return f"The gradient reach at t = 0 is {_num(reach)}; the goal is below 0.001."


# ---- 3. diverge, then converge ------------------------------------------------------------


def _converged(run):
    """A run that went the whole way and ended with a lower loss than it started with."""
    first, last = run.get("first_loss"), run.get("last_loss")
    return run.get("status") == "done" and _finite(first) and _finite(last) and last < first


def _tamed(bad, good):
    """good repeats the diverged run bad from the same start with clipping on or a lower rate."""
    if not (_same_data(bad, good) and _same_weights(bad.get("params"), good.get("params"))):
        return False
    clip_on = bool(good.get("clip")) and not bad.get("clip")
    lower = _finite(good.get("lr")) and _finite(bad.get("lr")) and good["lr"] < bad["lr"]
    return (clip_on or lower) and _converged(good)


def _diverged_runs(events):
    return [
        (i, e)
        for i, e in enumerate(events)
        if e.get("kind") == "run" and e.get("method") == "bptt" and e.get("status") == "diverged"
    ]


def _check_tame(state, events):
    for i, bad in _diverged_runs(events):
        if any(_tamed(bad, good) for good in _runs(events[i + 1 :], "bptt")):
            return True
    return False


def _progress_tame(state, events):
    diverged = _diverged_runs(events)
    if not diverged:
        return "No training run has diverged yet in this visit."
    i, bad = diverged[-1]
    later = _runs(events[i + 1 :], "bptt")
    text = f"Training diverged at epoch {bad.get('evaluations')}. "
    if not later:
        return text + (
            "Put back the weights it started from, then train again with clipping on "
            "or a lower learning rate."
        )
    good = later[-1]
    if not _same_weights(bad.get("params"), good.get("params")):
        return text + "Your last run started from other weights: put back the ones it started from."
    if not _same_data(bad, good):
        return text + "Your last run used another sequence or activation."
    if not _converged(good):
        return text + "Your last run from there did not end with a lower loss than it started."
    return text + "Your last run changed neither clipping (to on) nor the learning rate (lower)."


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
        and _finite(best)
        and _finite(first)
        and _finite(last)
        and last < best < first
    )


def _check_beat(state, events):
    searches = _runs(events, "random")
    return any(_beats(b, s) for b in _runs(events, "bptt") for s in searches)


def _progress_beat(state, events):
    searches = [s for s in _runs(events, "random") if _full(s) and _finite(s.get("best_loss"))]
    if not searches:
        return (
            f"Run Random Search first: its best loss after {RUN_LENGTH} tries is the mark to beat."
        )
    search = searches[-1]
    text = f"Random Search's best after {RUN_LENGTH} tries: {_num(search['best_loss'])}. "
    runs = [b for b in _runs(events, "bptt") if _full(b) and _same_data(b, search)]
    if not runs:
        return text + f"Now train with BPTT for {RUN_LENGTH} epochs on the same settings."
    bptt = runs[-1]
    first, last = bptt.get("first_loss"), bptt.get("last_loss")
    if _finite(first) and first <= search["best_loss"]:
        return text + "Your BPTT run did not start above that: start from worse weights."
    if _finite(last):
        return text + f"Your BPTT run ended at {_num(last)}."
    return text + "Your BPTT run did not end with a finite loss."


# ---- 5. sine with two units -------------------------------------------------------------


def _on_sine(state):
    return state.sequence == "sine" and state.length >= MIN_SINE_LENGTH


def _check_sine(state, events):
    loss = _loss(state) if _on_sine(state) else None
    return loss is not None and loss < 1e-3


def _progress_sine(state, events):
    if not _on_sine(state):
        return f"Choose the Sine sequence with a length of at least {MIN_SINE_LENGTH}."
    loss = _loss(state)
    if loss is None:
        return "The loss is not a finite number: bring the weights back towards 0."
    units = "1 hidden unit" if state.hidden == 1 else f"{state.hidden} hidden units"
    return f"The loss is {_num(loss)} with {units}; the goal is below 0.001."


# ---- 6. cliff ---------------------------------------------------------------------------


def _cliff_steps(events):
    return [
        e
        for e in events
        if e.get("kind") == "cliff_step"
        and _finite(e.get("clipped_move"))
        and e["clipped_move"] > 0
        and isinstance(e.get("unclipped_move"), int | float)
        and not math.isnan(e["unclipped_move"])
    ]


def _check_cliff(state, events):
    return any(e["unclipped_move"] >= CLIFF_RATIO * e["clipped_move"] for e in _cliff_steps(events))


def _progress_cliff(state, events):
    steps = _cliff_steps(events)
    if not steps:
        return "No step at a wall yet: open the Loss landscape panel."
    e = steps[-1]
    ratio = e["unclipped_move"] / e["clipped_move"]
    return (
        f"Your last step: without clipping the weights moved {_num(e['unclipped_move'])}, "
        f"with clipping {_num(e['clipped_move'])}, {_num(ratio)} times as far. "
        f"The goal is at least {CLIFF_RATIO:g} times."
    )


# ---- 7. explode -------------------------------------------------------------------------


def _check_explode(state, events):
    reach = _reach_at_0(state) if _vanilla(state) else None
    return reach is not None and reach > 1e3


def _progress_explode(state, events):
    if not _vanilla(state):
        return "Choose the Vanilla RNN cell."
    reach = _reach_at_0(state)
    if reach is None:
        return "The gradient cannot be computed for these settings."
    return f"The gradient reach at t = 0 is {_num(reach)}; the goal is above 1000."


# ---- 8. the LSTM keeps its gradient ------------------------------------------------------


def vanilla_reference(state, events):
    """The vanilla cell to compare with: the weights and activation the page last held for it
    in this visit ("vanilla" events), or else its starting weights at this n and seed (the
    default_params the page gives a new vanilla network), with the current activation."""
    for e in reversed(events):
        if e.get("kind") == VANILLA:
            p = _weights(e.get("params"))
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


def _check_lstm_reach(state, events):
    found = _reaches(state, events)
    # a vanilla cell with no memory at all (reach exactly 0) is no comparison
    return found is not None and found[1] > 0.0 and found[0] > REACH_RATIO * found[1]


def _progress_lstm_reach(state, events):
    if state.cell != "lstm":
        return "Choose the LSTM cell (your vanilla weights are kept to compare with)."
    found = _reaches(state, events)
    if found is None:
        return "The gradient reach cannot be computed for these settings."
    mine, theirs = found
    if theirs == 0.0:
        return (
            f"The LSTM's reach at t = 0 is {_num(mine)}; the vanilla cell's is exactly 0, so "
            "no multiple of it can be beaten: give the vanilla cell weights whose reach is "
            "not 0."
        )
    return (
        f"At t = 0 the LSTM's gradient reach is {_num(mine)} and the vanilla cell's "
        f"{_num(theirs)}: {_num(mine / theirs)} times as much; the goal is more than "
        f"{REACH_RATIO:g} times."
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
    flat = tuple(state.params.flat())
    return _held_out(state.cell, state.params.n, flat, state.gap, state.seed)


@lru_cache(maxsize=4)
def _held_out(cell, n, flat, gap, seed):
    params = cells.params_class(cell).from_flat(n, flat)
    task = remember.Remember(gap, 1, seed)
    loss = remember.evaluate(params, task.test_set(TEST_EXAMPLES))
    return loss if math.isfinite(loss) else None


def _long_lag_state(state):
    return state.sequence == LONG_LAG and state.gap >= LONG_GAP


def _check_long_lag(state, events):
    if not _long_lag_state(state) or _trained_on_task(state, events) is None:
        return False
    loss = held_out_loss(state)
    return loss is not None and loss < remember.SOLVED


def _progress_long_lag(state, events):
    if state.sequence != LONG_LAG:
        return "Choose the sequence Remember the first number."
    if state.gap < LONG_GAP:
        return f"Set a gap of at least {LONG_GAP} (it is {state.gap})."
    if _trained_on_task(state, events) is None:
        return "Train these weights with BPTT on this task (gap and batch as they are now)."
    loss = held_out_loss(state)
    shown = _num(loss) if loss is not None else "not a finite number"
    return (
        f"On {TEST_EXAMPLES} fresh examples the trained weights score {shown}; the goal is "
        f"below {remember.SOLVED:g} (always answering 0 scores {remember.BASELINE:.2f})."
    )


# ---- 8. beat counting (text) -----------------------------------------------------------


def _small(e, units):
    hidden = e.get("hidden")
    return isinstance(hidden, int) and not isinstance(hidden, bool) and 1 <= hidden <= units


def _text_runs(events, text):
    return [
        e
        for e in events
        if e.get("kind") == "text_run" and e.get("text") == text and _finite(e.get("bits"))
    ]


def _python_goal():
    return unigram_bits(PRESETS["python"]) - TEXT_MARGIN


def _check_counting(state, events):
    runs = _text_runs(events, PRESETS["python"])
    return any(e["bits"] <= _python_goal() and _small(e, COUNTING_UNITS) for e in runs)


def _progress_counting(state, events):
    goal, base = _python_goal(), unigram_bits(PRESETS["python"])
    runs = _text_runs(events, PRESETS["python"])
    if not runs:
        return (
            "Choose the Text task and the Python preset, then train: the page measures the "
            "whole text's loss when you stop."
        )
    e = runs[-1]
    text = (
        f"Your last network on it: {e['bits']:.2f} bits per character with {e.get('hidden')} "
        f"hidden units; counting gives {base:.2f}."
    )
    if not _small(e, COUNTING_UNITS):
        return text + f" Now do it with at most {COUNTING_UNITS} hidden units."
    return text + f" The goal is {goal:.2f} or less."


# ---- 9. hello world (text) ----------------------------------------------------------------


def _hello_samples(events):
    return [
        e
        for e in events
        if e.get("kind") == "text_sample"
        and e.get("text") == PRESETS["hello"]
        and isinstance(e.get("sample"), str)
        and _finite(e.get("temperature"))
    ]


def _check_hello(state, events):
    return any(
        e["temperature"] >= HELLO_TEMPERATURE
        and e["sample"].count(HELLO) >= HELLO_TIMES
        and _small(e, HELLO_UNITS)
        for e in _hello_samples(events)
    )


def _progress_hello(state, events):
    samples = _hello_samples(events)
    if not samples:
        return "Choose the Text task and the hello world preset, train, then Sample."
    e = samples[-1]
    times = e["sample"].count(HELLO)
    text = f"Your last sample wrote “{HELLO}” {times} time{'s' * (times != 1)}"
    if not _small(e, HELLO_UNITS):
        return text + f", with {e.get('hidden')} hidden units: use at most {HELLO_UNITS}."
    if e["temperature"] < HELLO_TEMPERATURE:
        low = f", at temperature {e['temperature']:g}"
        return text + low + f": sample at {HELLO_TEMPERATURE:g} or above."
    return text + f"; the goal is {HELLO_TIMES}."


CHALLENGES = (
    Challenge(
        id="by-hand",
        title="Tune it by hand",
        goal=(
            "With the sliders alone (no training), get the loss under 0.05 on the Linear "
            "sequence, Normalized, with tanh."
        ),
        hint=(
            "Predicting xₜ₊₁ from xₜ on a straight line needs no memory: try a hidden weight of "
            "0, then make yₜ follow xₜ and add the constant step with the output bias."
        ),
        explanation=(
            "Each step of the normalized line adds the same amount, so the next value is the "
            "current one plus a constant. With the hidden weight at 0 the unit only passes xₜ "
            "through tanh, which is nearly straight for small inputs, and the output bias adds "
            "the step. Training does the same search for you, but it is worth knowing what the "
            "numbers mean."
        ),
        check=_check_by_hand,
        progress=_progress_by_hand,
    ),
    Challenge(
        id="vanish",
        title="Make the gradient vanish",
        goal="With sigmoid, make the gradient reach at t = 0 fall below 0.001.",
        hint=(
            "Watch the bars of the gradient chart. What is the steepest slope sigmoid ever has, "
            "and how many steps lie between t = 0 and the end?"
        ),
        explanation=(
            "Sigmoid's slope is at most 1/4, at z = 0. Going back one step multiplies the "
            "gradient by Wₕₕ times that slope, so while |Wₕₕ| is below 4 every step shrinks "
            "it, and after ten or so steps almost nothing is left: the first inputs barely "
            "influence learning. This is the vanishing gradient problem."
        ),
        check=_check_vanish,
        progress=_progress_vanish,
    ),
    Challenge(
        id="diverge",
        title="Diverge, then tame it",
        goal=(
            "Make BPTT training diverge. Then, with the same sequence and the same starting "
            "weights, make it converge by turning clipping back on or lowering the learning rate."
        ),
        hint=(
            "A large learning rate with clipping off does it, especially with the linear "
            "activation. A diverged run leaves its last finite weights behind, so put back the "
            "ones it started from (Default weights, or the button here) before training again."
        ),
        explanation=(
            "Gradient descent moves each weight by the learning rate times its gradient. When "
            "that move overshoots the valley, the loss grows, the next gradient is larger and "
            "the weights fly off. A smaller learning rate shortens every move; clipping caps "
            "each gradient entry at 5, so no single step can be huge."
        ),
        check=_check_tame,
        progress=_progress_tame,
    ),
    Challenge(
        id="beat-random",
        title="Beat random search",
        goal=(
            f"Run Random Search ({RUN_LENGTH} tries) and BPTT ({RUN_LENGTH} epochs) on the same "
            "sequence, activation and hidden units. Starting from weights worse than Random "
            "Search's best, BPTT must end below that best."
        ),
        hint=(
            "Each run uses the same budget of evaluations. Start BPTT from the default weights "
            "rather than from the weights Random Search found."
        ),
        explanation=(
            "Random search draws weights blindly, so most of its tries land far from a good "
            "point. BPTT measures which way is downhill for every weight at once and walks that "
            "way. From the default weights, with the same number of evaluations, it ends lower "
            f"in {BEAT_MEASURED['lower']} of the {BEAT_MEASURED['total']} settings of sequence, "
            f"activation and Normalized, ten times lower or more in {BEAT_MEASURED['tenfold']} of "
            f"them; on the first screen (Sine, tanh) only a little: {BEAT_MEASURED['first-bptt']} "
            f"against {BEAT_MEASURED['first-random']}."
        ),
        check=_check_beat,
        progress=_progress_beat,
    ),
    Challenge(
        id="sine",
        title="Sine below 0.001",
        goal=f"Get the loss on Sine below 0.001 (length at least {MIN_SINE_LENGTH}).",
        hint=(
            "With one hidden unit the loss stalls above 0.04. Give the network 2 hidden units "
            "and train; with the linear activation one Train click is enough."
        ),
        explanation=(
            "The next sample of a sine wave depends on the last two: xₜ₊₁ = 2cos(ω)·xₜ − "
            "xₜ₋₁. One hidden number cannot hold both, but two can, because a rotation in "
            "the plane of two units is exactly an oscillation."
        ),
        check=_check_sine,
        progress=_progress_sine,
    ),
    Challenge(
        id="cliff",
        title="Find a cliff",
        goal=(
            "On the loss landscape, find a cliff and take one step with clipping and one without:"
            f" the unclipped step must move the weights at least {CLIFF_RATIO:g} times as far."
        ),
        hint=(
            "In the Loss landscape panel, the Cliffs preset maps a steep wall between two flat "
            "regions. Once the map is drawn, Step with and without clipping steps from its "
            "steepest point."
        ),
        explanation=(
            "On a cliff the loss changes so sharply that the gradient is huge, and a plain "
            "gradient step throws the weights far beyond the place where that slope was "
            "measured. Clipping keeps each entry's sign but caps its size at 5, so the step "
            "stays short. This is why RNNs are trained with clipping (Pascanu, Mikolov and "
            "Bengio, 2013)."
        ),
        check=_check_cliff,
        progress=_progress_cliff,
    ),
    Challenge(
        id="explode",
        title="Make the gradient explode",
        goal="Make the gradient reach at t = 0 rise above 1000.",
        hint=(
            "Every step back multiplies by Wₕₕ times the activation's slope. Which activation "
            "never flattens out, and what happens with Wₕₕ a little above 1?"
        ),
        explanation=(
            "When every factor Wₕₕ·f′(z) is above 1, their product grows geometrically with "
            "the number of steps: with Wₕₕ = 2 and the linear activation, eleven steps give "
            "2¹¹ = 2048. Tanh and sigmoid fight back: large Wₕₕ pushes them into their flat "
            "ends, where the slope is small. Exploding gradients are why clipping exists."
        ),
        check=_check_explode,
        progress=_progress_explode,
    ),
    Challenge(
        id="lstm-reach",
        title="Keep the gradient alive",
        goal=(
            "With the LSTM, make the gradient reach at t = 0 more than "
            f"{REACH_RATIO:,.0f} times the vanilla RNN's on the same sequence (your vanilla "
            "weights as you last had them, or its starting weights)."
        ),
        hint=(
            "Along the cell state the gradient is multiplied only by the forget gate fₜ at "
            "each step. Open the forget gate (a large b_f) and make the sequence long; the "
            "vanilla cell's reach shrinks with every step."
        ),
        explanation=(
            "The LSTM's cell state cₜ = fₜ ⊙ cₜ₋₁ + iₜ ⊙ c̃ₜ is carried forward with no "
            "weight matrix and no squashing: going back one step multiplies its gradient by "
            "fₜ alone. With fₜ near 1 the gradient survives dozens of steps (the constant "
            "error carousel of Hochreiter and Schmidhuber, 1997), while the vanilla cell "
            "multiplies by W_hh·f′(z) at every step and fades geometrically."
        ),
        check=_check_lstm_reach,
        progress=_progress_lstm_reach,
    ),
    Challenge(
        id="long-lag",
        title="Solve the long-lag task",
        goal=(
            "On Remember the first number with a gap of at least "
            f"{LONG_GAP}, train with BPTT until the trained weights score below "
            f"{remember.SOLVED:g} on {TEST_EXAMPLES} fresh examples."
        ),
        hint=(
            "Try the GRU or the LSTM with the Adam optimizer and a learning rate near 0.05; "
            "press Train again if the first run does not get there."
        ),
        explanation=(
            "Only the last prediction counts and it must repeat x₀, so the network has to "
            "carry one number through every step of the gap. A gated cell can hold it: its "
            "update or forget gate learns to keep the state, and the gradient reaches x₀ "
            "through the kept state. Always answering 0 scores 1/3."
        ),
        check=_check_long_lag,
        progress=_progress_long_lag,
    ),
    Challenge(
        id="text-counting",
        title="Beat counting",
        goal=(
            f"In text mode, on the Python preset and with at most {COUNTING_UNITS} hidden units, "
            f"get the loss at least {TEXT_MARGIN:g} bit per character below the unigram baseline "
            "(always guessing the character frequencies)."
        ),
        hint=(
            "Set Hidden units to 2, train until the smoothed loss levels off (a few hundred "
            "windows), then Stop: the page measures the whole text. One unit is not enough."
        ),
        explanation=(
            "Counting knows how often each character comes, but not what comes after what. Even "
            "two hidden numbers carry enough of the characters before (after “retu” comes “r”) "
            "to beat it. "
            "Each bit per character saved halves the number of equally likely guesses "
            "(the perplexity) at every step."
        ),
        check=_check_counting,
        progress=_progress_counting,
    ),
    Challenge(
        id="text-hello",
        title="Hello, world",
        goal=(
            f"With at most {HELLO_UNITS} hidden units, train on the hello world preset until a "
            f"Sample at temperature {HELLO_TEMPERATURE:g} or above writes “{HELLO}” "
            f"{HELLO_TIMES} times."
        ),
        hint=(
            "After an “l” comes “l”, “o” or “d”: which one depends on the characters before, so "
            "the network must remember them. Three units and a few hundred windows will do."
        ),
        explanation=(
            "At temperature 1 the sample follows the network's own probabilities, so the words "
            "come out right only when it is confident at every step: it has learned to carry "
            "where it is in the word in its hidden state. A low temperature would hide "
            "uncertainty by always taking the likeliest character."
        ),
        check=_check_hello,
        progress=_progress_hello,
    ),
)

BY_ID = {c.id: c for c in CHALLENGES}


# ---- the panel's data and the stored ticks -----------------------------------------------


def solved_now(state, events, solved=()):
    """The ids of the challenges solved by this state and history, beyond those in `solved`
    (already ticked ones are not checked again, which keeps this cheap)."""
    found = []
    for c in CHALLENGES:
        if c.id not in solved and c.check(state, events):
            found.append(c.id)
    return found


def since_reset(events):
    """The events after the last "Reset progress" (a "challenges_reset" event): a reset
    forgets what was done before it.

    >>> since_reset([{"kind": "run"}, {"kind": RESET}, {"kind": "weights", "how": "hand"}])
    [{'kind': 'weights', 'how': 'hand'}]
    """
    for i in range(len(events) - 1, -1, -1):
        if events[i].get("kind") == RESET:
            return events[i + 1 :]
    return events


def restore_point(events):
    """The weights (of any cell) the last diverged BPTT run started from, or None: challenge 3
    asks to train again from them."""
    diverged = _diverged_runs(events)
    params = _weights(diverged[-1][1].get("params")) if diverged else None
    if params is None:
        return None
    return type(params).from_flat(params.n, params.flat())  # a copy


def panel_data(state, events, solved, focus=None, note=""):
    """What the Challenges panel shows, JSON-safe: each challenge in order with its goal, hint,
    whether it is ticked, its progress sentence (unsolved ones) and its explanation (solved
    ones only). restore is true on challenge 3 while the weights a diverged run started from
    can be put back. focus is the 1-based number a link asked for (or None); note is a quiet
    line about storage."""
    items = []
    start = restore_point(events)
    for number, c in enumerate(CHALLENGES, 1):
        done = c.id in solved
        items.append(
            {
                "number": number,
                "id": c.id,
                "title": c.title,
                "goal": c.goal,
                "hint": c.hint,
                "solved": done,
                "progress": "" if done else c.progress(state, events),
                "explanation": c.explanation if done else "",
                "restore": c.id == "diverge"
                and not done
                and start is not None
                and start != state.params,
            }
        )
    count = sum(item["solved"] for item in items)
    return {
        "items": items,
        "count": count,
        "summary": f"{count} of {len(CHALLENGES)} solved",
        "focus": focus if isinstance(focus, int) and 1 <= focus <= len(CHALLENGES) else None,
        "note": note,
    }


def dump_progress(solved):
    """The text stored in localStorage: only the ids of the ticked challenges.

    >>> dump_progress({"vanish", "by-hand"})
    '{"solved": ["by-hand", "vanish"]}'
    """
    return json.dumps({"solved": [c.id for c in CHALLENGES if c.id in solved]})


def load_progress(text):
    """The ticked challenges' ids from stored text; anything else (junk, unknown ids, a value
    that is not ours) is ignored, never run.

    >>> sorted(load_progress('{"solved": ["sine", "nope", 3]}'))
    ['sine']
    >>> load_progress("not json")
    set()
    """
    if not isinstance(text, str) or len(text) > 10_000:
        return set()
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return set()
    ids = data.get("solved") if isinstance(data, dict) else None
    if not isinstance(ids, list):
        return set()
    return {i for i in ids if isinstance(i, str) and i in BY_ID}
