"""Every sentence the page gets from Python goes through the catalogue (rnn_py.i18n).

A fake catalogue wraps each message in ⟦…⟧; then the page-facing outputs (a snapshot's status
and notices, the explanations, an exercise's check message, the message for bad custom input,
the notebook's markdown cells, the embed titles) must hold no English word outside the
brackets: what is left is numbers, symbols, the user's own input and names that are not
translated (cells, functions).
"""

from __future__ import annotations

import gettext
import json
import re

import pytest

from rnn_py import i18n
from rnn_py.page import embed, explain, view
from rnn_py.page.notebook import notebook
from rnn_py.page.state import DemoState, default_params, from_query, import_weights


class Wrapped(gettext.NullTranslations):
    """Every message, singular or plural, as ⟦message⟧."""

    def gettext(self, message):
        return f"⟦{message}⟧"

    def ngettext(self, singular, plural, n):
        return f"⟦{singular if n == 1 else plural}⟧"


@pytest.fixture
def wrapped():
    i18n.install(Wrapped(), "qps")
    try:
        yield
    finally:
        i18n.install(None)


# Words that may stand outside the brackets: names nobody translates and the user's own input.
NAMES = {"GRU", "LSTM", "tanh", "relu", "sigmoid", "linear", "vanilla", "gru", "lstm", "sine"}


def escaped(text: str, allowed=()) -> list[str]:
    """The words of text outside every ⟦…⟧ (nested ones too), besides NAMES and allowed."""
    outside = text
    while True:
        inner = re.sub(r"⟦[^⟦⟧]*⟧", " ", outside)
        if inner == outside:
            break
        outside = inner
    outside = re.sub(r"\$\$.*?\$\$|\$[^$]*\$", " ", outside, flags=re.S)  # maths, in markdown
    outside = re.sub(r"`[^`]*`", " ", outside)  # code, in markdown
    words = re.findall(r"[A-Za-z]{2,}", outside)
    return [w for w in words if w not in NAMES and w not in allowed]


def test_escaped_finds_an_unwrapped_sentence():
    assert escaped("⟦Read⟧ 3 of 5 timesteps.") == ["of", "timesteps"]
    assert escaped("⟦The link's ⟦Length⟧ ('99') is outside 3–64.⟧") == []
    assert escaped("⟦x⟧ $x_t$ `step` tanh") == []


def test_link_notices_are_wrapped(wrapped):
    query = "seq=fibonacci&len=999&act=relux&zzz=1&cell=bogus&w=a,b&panel=cells&norm=7&open=x"
    _, notices = from_query(query)
    assert len(notices) >= 6
    for notice in notices:
        assert escaped(notice, {"zzz", "relux", "bogus", "cells", "embed"}) == [], notice
    _, notices = from_query("seq=custom&custom=1,2,banana")
    assert notices and all(escaped(n, {"banana"}) == [] for n in notices), notices


def test_snapshot_status_notices_and_loss_are_wrapped(wrapped):
    state = DemoState(params=default_params(1), sequence="linear", length=60, activation="linear")
    state.params.w_hh[0][0] = 3.0
    snap = view.snapshot(state, status=i18n._("Trained."), notices=(i18n._("A notice."),))
    assert escaped(snap["status"]) == []
    assert len(snap["notices"]) == 2  # the session's own and the exploding values'
    assert all(escaped(n) == [] for n in snap["notices"]), snap["notices"]
    assert escaped(snap["loss"]) == [], snap["loss"]
    bad = view.snapshot(DemoState(sequence="custom", custom="1, 2, pear"))
    assert bad["ok"] is False and escaped(bad["error"], {"pear"}) == [], bad["error"]
    forecast = view.snapshot(DemoState(forecast=True))
    assert escaped(forecast["rows"][-1][0]) == []
    equation = view.snapshot(DemoState(step=3))["equation"]
    mtext = [tok[1] for line in equation for tok in line if tok[0] == "mtext"]
    assert mtext and all(escaped(t) == [] for t in mtext)


def test_weight_file_errors_are_wrapped(wrapped):
    for text in ("not json", "[1]", json.dumps({"cell": "tree"}), json.dumps({"w_xh": 1})):
        with pytest.raises(ValueError) as caught:
            import_weights(text, DemoState())
        assert escaped(str(caught.value), {"tree", "w_xh"}) == [], str(caught.value)


@pytest.mark.parametrize("cell", ["vanilla", "gru", "lstm"])
def test_explanations_are_wrapped(wrapped, cell):
    assert escaped(explain.cell_note(cell)) == []
    cards = explain.about(DemoState(mode="text", text_cell=cell))
    assert len(cards) == 5
    for title, text in cards:
        assert escaped(title) == [] and escaped(text) == [], (title, text)


def test_embed_titles_are_wrapped(wrapped):
    for name in ["", *(p.name for p in embed.PANELS)]:
        assert escaped(embed.snippet_title(name)) == [], name


@pytest.mark.parametrize(
    "state",
    [
        DemoState(),
        DemoState(sequence="remember", params=default_params(1, 1, "gru"), optimizer="adam"),
        DemoState(params=default_params(2, 1, "lstm")),
    ],
)
def test_notebook_markdown_is_wrapped(wrapped, state):
    cells = json.loads(notebook(state))["cells"]
    markdown = ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
    assert len(markdown) >= 4
    for text in markdown:
        assert escaped(text) == [], text


def test_english_is_unchanged_without_a_catalogue():
    assert embed.snippet_title("") == "Interactive recurrent neural network"
    _, notices = from_query("len=999")
    assert notices == ["The link's Length ('999') is outside 3–64. Using the default instead."]


STEP = "def vanilla_step(w_xh, w_hh, b_h, x, h_prev, activation):\n"


@pytest.mark.parametrize(
    "source",
    [
        STEP + "    return [0.0] * len(b_h)\n",
        STEP + "    return 1\n",
        STEP + "    raise NotImplementedError\n",
        "def other():\n    pass\n",
        "def vanilla_step(:\n",
    ],
)
def test_exercise_check_messages_are_wrapped(wrapped, source):
    from rnn_py.exercises import check

    result = check(1, source)
    assert not result.passed
    # the case's call and label are code and maths: the first two lines are checked apart
    lines = result.message.split("\n")
    if lines[0].startswith("⟦Case"):
        assert escaped(lines[0], {"tanh", "relu", "sigmoid", "linear"}) == [], lines[0]
        lines = lines[2:]
    allowed = {"vanilla_step", "h_t", "NotImplementedError", "SyntaxError", "other", "def"}
    for line in lines:
        assert escaped(line, allowed) == [], result.message


def test_an_exercise_that_passes_says_so_in_the_catalogue(wrapped):
    from rnn_py.exercises import EXERCISES, check

    result = check(2, EXERCISES[1].solution)
    assert result.passed and escaped(result.message, {"mse_loss", "rnn_py"}) == [], result.message


def test_the_teachers_open_labels_are_the_controls_labels():
    for name, label in embed.OPENABLE_LABELS.items():
        assert embed.CONTROLS[name].removesuffix(" panel") == label


def test_challenges_panel_is_wrapped(wrapped):
    from rnn_py.lessons import CHALLENGES, panel_data

    events = [
        {"kind": "run", "method": "bptt", "status": "diverged", "evaluations": 7},
        {"kind": "text_sample", "text": "x", "sample": "", "temperature": 1.0},
    ]
    for solved in (set(), {c.id for c in CHALLENGES}):
        data = panel_data(DemoState(), events, solved)
        assert escaped(data["summary"]) == []
        for item in data["items"]:
            for key in ("title", "goal", "hint", "progress", "explanation"):
                assert escaped(item[key], {"hello", "world"}) == [], (key, item[key])
