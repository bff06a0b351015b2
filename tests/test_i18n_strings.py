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


def _wrap(message):
    """⟦message⟧ with each {placeholder} left outside the brackets, so that what is put in later
    must be wrapped itself (a sentence built from an unwrapped fragment shows)."""
    return "⟦" + re.sub(r"\{([a-z_]+)\}", r"⟧{\1}⟦", message) + "⟧"


class Wrapped(gettext.NullTranslations):
    """Every message, singular or plural, as ⟦message⟧ (placeholders outside: _wrap)."""

    def gettext(self, message):
        return _wrap(message)

    def ngettext(self, singular, plural, n):
        return _wrap(singular if n == 1 else plural)


@pytest.fixture
def wrapped():
    i18n.install(Wrapped(), "qps")
    try:
        yield
    finally:
        i18n.install(None)


# Words that may stand outside the brackets: names nobody translates and the user's own input.
NAMES = {"GRU", "LSTM", "RNN", "Vanilla", "tanh", "relu", "sigmoid", "linear", "vanilla"}
NAMES |= {"gru", "lstm", "sine"}


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
    words = re.findall(r"[A-Za-z][A-Za-z_]*[A-Za-z]", outside)
    # names with an underscore (vanilla_step, W_hh, mse_loss) are code or maths
    return [w for w in words if "_" not in w and w not in NAMES and w not in allowed]


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
    # (a cell's own from_dict messages stay English: they are code the exported notebook copies)
    for text in ("not json", "[1]", json.dumps({"cell": "tree"})):
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
    # (Python's own error text, "invalid syntax", is not translated)
    allowed = {"NotImplementedError", "SyntaxError", "other", "def", "invalid", "syntax"}
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


def test_typed_numbers_and_grid_errors_are_wrapped(wrapped):
    from rnn_py.page.grid import with_cell
    from rnn_py.page.typed import read_gap, read_number

    label = i18n._("Hidden weight")
    for text in ("", "abc", "inf", "7", "2.5"):
        _value, message = read_number(text, -5, 5, label, integer=text == "2.5")
        assert message and escaped(message, {"abc", "inf"}) == [], message
    assert escaped(read_gap("500")[1]) == [] and escaped(read_gap("")[1]) == []
    params = default_params(2)
    for name, index, value in [
        ("w_hh", (2, 0), 1.0),
        ("w_xh", (5,), 1.0),
        ("w_hh", (0,), 1.0),
        ("w_xh", (0,), "pear"),
        ("w_xh", (0,), 1e9),
        ("w_xi", (0,), 1.0),
    ]:
        with pytest.raises(ValueError) as caught:
            with_cell(params, name, index, value)
        assert escaped(str(caught.value), {"pear"}) == [], str(caught.value)


def test_run_texts_and_diverged_message_are_wrapped(wrapped):
    from rnn_py import Params, make_sequence, train_bptt
    from rnn_py.page.runtext import run_progress, run_summary

    steps = list(train_bptt(Params.scalar(0.5, 1.5, 1.0), make_sequence("sine", 12), "linear"))
    assert escaped(run_progress("bptt", steps[5], 300)) == []
    assert escaped(run_progress("random", steps[5], 300)) == []
    assert escaped(run_summary("bptt", steps[0], steps[-1], 3, task=True)) == []
    bad = list(train_bptt(Params.scalar(0.5, 3.0, 1.0), make_sequence("linear", 40), "linear",
                          lr=5.0, clip=None))  # fmt: skip
    assert bad[-1].status == "diverged"
    assert escaped(run_summary("bptt", bad[0], bad[-1], 0), {"W_hh", "h_t"}) == [], bad[-1].message


def test_text_mode_messages_are_wrapped(wrapped):
    from rnn_py.text import task as tx
    from rnn_py.text import view as tv

    for text in ("", "aaaa", "a\x01b", "x" * 30_000, "".join(map(chr, range(40, 200)))):
        with pytest.raises(ValueError) as caught:
            tx.check_text(text)
        assert escaped(str(caught.value), {"U", "x"}) == [], str(caught.value)
    assert escaped(tv.reach_sentence([1.0])) == []
    assert escaped(tv.reach_sentence([1e-5, 0.1, 1.0]), {"h_t"}) == []
    state = DemoState(mode="text", text="hello world, hello there", text_hidden=12)
    model = tv.new_model(state)
    mtext = [tok[1] for line in tv.step_lines(model, 0, 2) for tok in line if tok[0] == "mtext"]
    assert len(mtext) >= 4 and all(escaped(t) == [] for t in mtext), mtext


def test_studies_sentences_are_wrapped(wrapped):
    from rnn_py.sequences import make_sequence
    from rnn_py.studies import compare
    from rnn_py.studies import landscape as ls

    data = compare.panel_data(make_sequence("sine", 12), 2, 0)
    assert escaped(data["reading"]) == [] and escaped(data["note"]) == [], data
    labels = [a.label for a in ls.axes(1)]
    assert all(escaped(label) == [] for label in labels), labels
    assert escaped(ls.point_text(labels[0], labels[1], 1.0, 2.0, float("inf"))) == []
    wall = ls.Wall(i=1, j=2, norm=2715.5, median=1.5716, ratio=1727.9)
    assert escaped(ls.wall_text(wall, labels[0], labels[1], 1.0, 2.0)) == []
    with pytest.raises(ValueError) as caught:
        ls.axis(1, "w_zz")
    assert escaped(str(caught.value), {"w_zz"}) == []


def test_console_and_listing_texts_are_wrapped(wrapped):
    from rnn_py.page.console import Console, welcome_text
    from rnn_py.page.source import listing

    for cell in ("vanilla", "gru", "lstm"):
        blocks = listing(cell)["blocks"]
        assert blocks and all(escaped(b["text"]) == [] for b in blocks)
    result = Console().run("xs = [1]\nparams = 3", DemoState())
    assert escaped(result.message, {"xs", "params", "int"}) == [], result.message
    for cell in ("vanilla", "gru", "lstm"):
        assert escaped(welcome_text(cell)) == [], welcome_text(cell)


def test_gate_roles_marked_for_the_catalogue_are_the_cells_roles():
    from rnn_py.cells import gru, lstm
    from rnn_py.page.gateview import ROLE_MESSAGES

    assert sorted(ROLE_MESSAGES) == sorted([*gru.ROLES.values(), *lstm.ROLES.values()])


def test_text_and_exercise_notebooks_are_wrapped(wrapped):
    from rnn_py.exercises.notebook import notebook as exercises_notebook
    from rnn_py.text.notebook import notebook as text_notebook

    cells = json.loads(text_notebook(DemoState(mode="text")))["cells"]
    cells += exercises_notebook({}, [1, 2])["cells"]
    markdown = ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
    assert len(markdown) >= 8
    for text in markdown:
        assert escaped(text) == [], text
