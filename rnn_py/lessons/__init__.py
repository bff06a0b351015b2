"""Challenges: small exercises whose goals rnn_py checks from the page's settings and this
visit's history.

Each `Challenge` has a goal, a hint, an explanation shown once it is solved, and two pure
functions of (state, events): `check` says whether the goal is met, `progress` says in one
sentence where the learner stands. They live in rnn_py.lessons.goals (and rnn_py.text.goals for the
text task), which also says what the events are. Nothing here reads the page; every check
recomputes from these two arguments, so the same checks run on CPython in the tests.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from ..i18n import N_, _
from ..studies import remember
from ..text import goals as textgoals
from ..text.goals import (
    COUNTING_UNITS,
    HELLO,
    HELLO_TEMPERATURE,
    HELLO_TIMES,
    HELLO_UNITS,
    TEXT_MARGIN,
)
from . import goals
from .goals import (  # noqa: F401 (RUN_LENGTH, VANILLA, held_out_loss: used through this module)
    BEAT_MEASURED,
    CLIFF_RATIO,
    LONG_GAP,
    MIN_SINE_LENGTH,
    REACH_RATIO,
    RUN_LENGTH,
    TEST_EXAMPLES,
    VANILLA,
    held_out_loss,
)

STORAGE_KEY = "rnn-demo-challenges"
RESET = "challenges_reset"  # the event "Reset progress" records


@dataclass(frozen=True)
class Challenge:
    """One exercise: what to do, a hint, what it teaches, and how rnn_py checks it."""

    id: str
    title: str  # marked with N_; translated where shown
    goal_message: str  # the English texts, with {names} of FIGURES
    hint_message: str
    explanation_message: str
    check: Callable[[object, list], bool]
    progress: Callable[[object, list], str]

    @property
    def goal(self) -> str:
        """What to do, in the language in place."""
        return _(self.goal_message).format(**FIGURES)

    @property
    def hint(self) -> str:
        """The hint, in the language in place."""
        return _(self.hint_message).format(**FIGURES)

    @property
    def explanation(self) -> str:
        """What the challenge teaches, in the language in place."""
        return _(self.explanation_message).format(**FIGURES)


# The figures the texts quote, formatted once (they are the same in every language)
FIGURES = {
    "runs": RUN_LENGTH,
    "lower": BEAT_MEASURED["lower"],
    "total": BEAT_MEASURED["total"],
    "tenfold": BEAT_MEASURED["tenfold"],
    "first_bptt": BEAT_MEASURED["first-bptt"],
    "first_random": BEAT_MEASURED["first-random"],
    "sine_length": MIN_SINE_LENGTH,
    "cliff_ratio": f"{CLIFF_RATIO:g}",
    "reach_ratio": f"{REACH_RATIO:,.0f}",
    "long_gap": LONG_GAP,
    "solved": f"{remember.SOLVED:g}",
    "test_examples": TEST_EXAMPLES,
    "counting_units": COUNTING_UNITS,
    "text_margin": f"{TEXT_MARGIN:g}",
    "hello_units": HELLO_UNITS,
    "hello_temperature": f"{HELLO_TEMPERATURE:g}",
    "hello": HELLO,
    "hello_times": HELLO_TIMES,
}


CHALLENGES = (
    Challenge(
        id="by-hand",
        title=N_("Tune it by hand"),
        goal_message=N_(
            "With the sliders alone (no training), get the loss under 0.05 on the Linear "
            "sequence, Normalized, with tanh."
        ),
        hint_message=N_(
            "Predicting xₜ₊₁ from xₜ on a straight line needs no memory: try a hidden weight of "
            "0, then make yₜ follow xₜ and add the constant step with the output bias."
        ),
        explanation_message=N_(
            "Each step of the normalized line adds the same amount, so the next value is the "
            "current one plus a constant. With the hidden weight at 0 the unit only passes xₜ "
            "through tanh, which is nearly straight for small inputs, and the output bias adds "
            "the step. Training does the same search for you, but it is worth knowing what the "
            "numbers mean."
        ),
        check=goals.check_by_hand,
        progress=goals.progress_by_hand,
    ),
    Challenge(
        id="vanish",
        title=N_("Make the gradient vanish"),
        goal_message=N_("With sigmoid, make the gradient reach at t = 0 fall below 0.001."),
        hint_message=N_(
            "Watch the bars of the gradient chart. What is the steepest slope sigmoid ever has, "
            "and how many steps lie between t = 0 and the end?"
        ),
        explanation_message=N_(
            "Sigmoid's slope is at most 1/4, at z = 0. Going back one step multiplies the "
            "gradient by Wₕₕ times that slope, so while |Wₕₕ| is below 4 every step shrinks "
            "it, and after ten or so steps almost nothing is left: the first inputs barely "
            "influence learning. This is the vanishing gradient problem."
        ),
        check=goals.check_vanish,
        progress=goals.progress_vanish,
    ),
    Challenge(
        id="diverge",
        title=N_("Diverge, then tame it"),
        goal_message=N_(
            "Make BPTT training diverge. Then, with the same sequence and the same starting "
            "weights, make it converge by turning clipping back on or lowering the learning rate."
        ),
        hint_message=N_(
            "A large learning rate with clipping off does it, especially with the linear "
            "activation. A diverged run leaves its last finite weights behind, so put back the "
            "ones it started from (Default weights, or the button here) before training again."
        ),
        explanation_message=N_(
            "Gradient descent moves each weight by the learning rate times its gradient. When "
            "that move overshoots the valley, the loss grows, the next gradient is larger and "
            "the weights fly off. A smaller learning rate shortens every move; clipping caps "
            "each gradient entry at 5, so no single step can be huge."
        ),
        check=goals.check_tame,
        progress=goals.progress_tame,
    ),
    Challenge(
        id="beat-random",
        title=N_("Beat random search"),
        goal_message=N_(
            "Run Random Search ({runs} tries) and BPTT ({runs} epochs) on the same "
            "sequence, activation and hidden units. Starting from weights worse than Random "
            "Search's best, BPTT must end below that best."
        ),
        hint_message=N_(
            "Each run uses the same budget of evaluations. Start BPTT from the default weights "
            "rather than from the weights Random Search found."
        ),
        explanation_message=N_(
            "Random search draws weights blindly, so most of its tries land far from a good "
            "point. BPTT measures which way is downhill for every weight at once and walks that "
            "way. From the default weights, with the same number of evaluations, it ends lower "
            "in {lower} of the {total} settings of sequence, "
            "activation and Normalized, ten times lower or more in {tenfold} of "
            "them; on the first screen (Sine, tanh) only a little: {first_bptt} "
            "against {first_random}."
        ),
        check=goals.check_beat,
        progress=goals.progress_beat,
    ),
    Challenge(
        id="sine",
        title=N_("Sine below 0.001"),
        goal_message=N_("Get the loss on Sine below 0.001 (length at least {sine_length})."),
        hint_message=N_(
            "With one hidden unit the loss stalls above 0.04. Give the network 2 hidden units "
            "and train; with the linear activation one Train click is enough."
        ),
        explanation_message=N_(
            "The next sample of a sine wave depends on the last two: xₜ₊₁ = 2cos(ω)·xₜ − "
            "xₜ₋₁. One hidden number cannot hold both, but two can, because a rotation in "
            "the plane of two units is exactly an oscillation."
        ),
        check=goals.check_sine,
        progress=goals.progress_sine,
    ),
    Challenge(
        id="cliff",
        title=N_("Find a cliff"),
        goal_message=N_(
            "On the loss landscape, find a cliff and take one step with clipping and one without:"
            " the unclipped step must move the weights at least {cliff_ratio} times as far."
        ),
        hint_message=N_(
            "In the Loss landscape panel, the Cliffs preset maps a steep wall between two flat "
            "regions. Once the map is drawn, Step with and without clipping steps from its "
            "steepest point."
        ),
        explanation_message=N_(
            "On a cliff the loss changes so sharply that the gradient is huge, and a plain "
            "gradient step throws the weights far beyond the place where that slope was "
            "measured. Clipping keeps each entry's sign but caps its size at 5, so the step "
            "stays short. This is why RNNs are trained with clipping (Pascanu, Mikolov and "
            "Bengio, 2013)."
        ),
        check=goals.check_cliff,
        progress=goals.progress_cliff,
    ),
    Challenge(
        id="explode",
        title=N_("Make the gradient explode"),
        goal_message=N_("Make the gradient reach at t = 0 rise above 1000."),
        hint_message=N_(
            "Every step back multiplies by Wₕₕ times the activation's slope. Which activation "
            "never flattens out, and what happens with Wₕₕ a little above 1?"
        ),
        explanation_message=N_(
            "When every factor Wₕₕ·f′(z) is above 1, their product grows geometrically with "
            "the number of steps: with Wₕₕ = 2 and the linear activation, eleven steps give "
            "2¹¹ = 2048. Tanh and sigmoid fight back: large Wₕₕ pushes them into their flat "
            "ends, where the slope is small. Exploding gradients are why clipping exists."
        ),
        check=goals.check_explode,
        progress=goals.progress_explode,
    ),
    Challenge(
        id="lstm-reach",
        title=N_("Keep the gradient alive"),
        goal_message=N_(
            "With the LSTM, make the gradient reach at t = 0 more than "
            "{reach_ratio} times the vanilla RNN's on the same sequence (your vanilla "
            "weights as you last had them, or its starting weights)."
        ),
        hint_message=N_(
            "Along the cell state the gradient is multiplied only by the forget gate fₜ at "
            "each step. Open the forget gate (a large b_f) and make the sequence long; the "
            "vanilla cell's reach shrinks with every step."
        ),
        explanation_message=N_(
            "The LSTM's cell state cₜ = fₜ ⊙ cₜ₋₁ + iₜ ⊙ c̃ₜ is carried forward with no "
            "weight matrix and no squashing: going back one step multiplies its gradient by "
            "fₜ alone. With fₜ near 1 the gradient survives dozens of steps (the constant "
            "error carousel of Hochreiter and Schmidhuber, 1997), while the vanilla cell "
            "multiplies by W_hh·f′(z) at every step and fades geometrically."
        ),
        check=goals.check_lstm_reach,
        progress=goals.progress_lstm_reach,
    ),
    Challenge(
        id="long-lag",
        title=N_("Solve the long-lag task"),
        goal_message=N_(
            "On Remember the first number with a gap of at least "
            "{long_gap}, train with BPTT until the trained weights score below "
            "{solved} on {test_examples} fresh examples."
        ),
        hint_message=N_(
            "Try the GRU or the LSTM with the Adam optimizer and a learning rate near 0.05; "
            "press Train again if the first run does not get there."
        ),
        explanation_message=N_(
            "Only the last prediction counts and it must repeat x₀, so the network has to "
            "carry one number through every step of the gap. A gated cell can hold it: its "
            "update or forget gate learns to keep the state, and the gradient reaches x₀ "
            "through the kept state. Always answering 0 scores 1/3."
        ),
        check=goals.check_long_lag,
        progress=goals.progress_long_lag,
    ),
    Challenge(
        id="text-counting",
        title=N_("Beat counting"),
        goal_message=N_(
            "In text mode, on the Python preset and with at most {counting_units} hidden units, "
            "get the loss at least {text_margin} bit per character below the unigram baseline "
            "(always guessing the character frequencies)."
        ),
        hint_message=N_(
            "Set Hidden units to 2, train until the smoothed loss levels off (a few hundred "
            "windows), then Stop: the page measures the whole text. One unit is not enough."
        ),
        explanation_message=N_(
            "Counting knows how often each character comes, but not what comes after what. Even "
            "two hidden numbers carry enough of the characters before (after “retu” comes “r”) "
            "to beat it. "
            "Each bit per character saved halves the number of equally likely guesses "
            "(the perplexity) at every step."
        ),
        check=textgoals.check_counting,
        progress=textgoals.progress_counting,
    ),
    Challenge(
        id="text-hello",
        title=N_("Hello, world"),
        goal_message=N_(
            "With at most {hello_units} hidden units, train on the hello world preset until a "
            "Sample at temperature {hello_temperature} or above writes “{hello}” "
            "{hello_times} times."
        ),
        hint_message=N_(
            "After an “l” comes “l”, “o” or “d”: which one depends on the characters before, so "
            "the network must remember them. Three units and a few hundred windows will do."
        ),
        explanation_message=N_(
            "At temperature 1 the sample follows the network's own probabilities, so the words "
            "come out right only when it is confident at every step: it has learned to carry "
            "where it is in the word in its hidden state. A low temperature would hide "
            "uncertainty by always taking the likeliest character."
        ),
        check=textgoals.check_hello,
        progress=textgoals.progress_hello,
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
    diverged = goals.diverged_runs(events)
    params = goals.weights_of(diverged[-1][1].get("params")) if diverged else None
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
                "title": _(c.title),
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
        "summary": _("{n} of {total} solved").format(n=count, total=len(CHALLENGES)),
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
