"""What the text task's challenges check (rnn_py.lessons): "text_run" and "text_sample" events
(see rnn_py.lessons.goals for every kind of event)."""

from __future__ import annotations

from ..i18n import _, ngettext
from ..lessons.goals import finite
from .task import PRESETS, unigram_bits

TEXT_MARGIN = 1.0  # bits per character below the unigram baseline, on the Python preset
COUNTING_UNITS = 2  # … with at most this many hidden units
HELLO_UNITS = 3  # hidden units at most for the hello world challenge
HELLO = "hello world"  # what a sample of the hello preset must write, HELLO_TIMES times
HELLO_TIMES = 3
HELLO_TEMPERATURE = 1.0  # the lowest temperature that counts: no help from a cold softmax


# ---- 8. beat counting (text) -----------------------------------------------------------


def _small(e, units):
    hidden = e.get("hidden")
    return isinstance(hidden, int) and not isinstance(hidden, bool) and 1 <= hidden <= units


def _text_runs(events, text):
    return [
        e
        for e in events
        if e.get("kind") == "text_run" and e.get("text") == text and finite(e.get("bits"))
    ]


def _python_goal():
    return unigram_bits(PRESETS["python"]) - TEXT_MARGIN


def check_counting(state, events):
    runs = _text_runs(events, PRESETS["python"])
    return any(e["bits"] <= _python_goal() and _small(e, COUNTING_UNITS) for e in runs)


def progress_counting(state, events):
    goal, base = _python_goal(), unigram_bits(PRESETS["python"])
    runs = _text_runs(events, PRESETS["python"])
    if not runs:
        return _(
            "Choose the Text task and the Python preset, then train: the page measures the "
            "whole text's loss when you stop."
        )
    e = runs[-1]
    text = _(
        "Your last network on it: {bits} bits per character with {hidden} "
        "hidden units; counting gives {base}."
    ).format(bits=f"{e['bits']:.2f}", hidden=e.get("hidden"), base=f"{base:.2f}")
    if not _small(e, COUNTING_UNITS):
        more = _("Now do it with at most {n} hidden units.").format(n=COUNTING_UNITS)
        return f"{text} {more}"
    return "{} {}".format(text, _("The goal is {goal} or less.").format(goal=f"{goal:.2f}"))


# ---- 9. hello world (text) ----------------------------------------------------------------


def _hello_samples(events):
    return [
        e
        for e in events
        if e.get("kind") == "text_sample"
        and e.get("text") == PRESETS["hello"]
        and isinstance(e.get("sample"), str)
        and finite(e.get("temperature"))
    ]


def check_hello(state, events):
    return any(
        e["temperature"] >= HELLO_TEMPERATURE
        and e["sample"].count(HELLO) >= HELLO_TIMES
        and _small(e, HELLO_UNITS)
        for e in _hello_samples(events)
    )


def progress_hello(state, events):
    samples = _hello_samples(events)
    if not samples:
        return _("Choose the Text task and the hello world preset, train, then Sample.")
    e = samples[-1]
    times = e["sample"].count(HELLO)
    if not _small(e, HELLO_UNITS):
        return ngettext(
            "Your last sample wrote “{hello}” {n} time, with {hidden} hidden units: "
            "use at most {most}.",
            "Your last sample wrote “{hello}” {n} times, with {hidden} hidden units: "
            "use at most {most}.",
            times,
        ).format(hello=HELLO, n=times, hidden=e.get("hidden"), most=HELLO_UNITS)
    if e["temperature"] < HELLO_TEMPERATURE:
        return ngettext(
            "Your last sample wrote “{hello}” {n} time, at temperature {t}: "
            "sample at {least} or above.",
            "Your last sample wrote “{hello}” {n} times, at temperature {t}: "
            "sample at {least} or above.",
            times,
        ).format(hello=HELLO, n=times, t=f"{e['temperature']:g}", least=f"{HELLO_TEMPERATURE:g}")
    return ngettext(
        "Your last sample wrote “{hello}” {n} time; the goal is {goal}.",
        "Your last sample wrote “{hello}” {n} times; the goal is {goal}.",
        times,
    ).format(hello=HELLO, n=times, goal=HELLO_TIMES)
