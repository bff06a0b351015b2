"""Text mode's view (rnn_py.text.view), its state in links, and the two text challenges: each
threshold tested either side, and each solvable with settings the page offers."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from rnn_py import lessons
from rnn_py.page.state import DemoState, from_query, to_query
from rnn_py.text import task as tx
from rnn_py.text import view as tv


def text_state(preset="python", **settings):
    return DemoState(mode="text", text=tx.PRESETS[preset], **settings)


def trained(state, windows):
    model = tv.new_model(state)
    for _ in range(windows):
        tv.advance(model)
    return model


# ---- training in pieces is one run ----------------------------------------------------------


@pytest.mark.parametrize("cell", ["vanilla", "gru", "lstm"])
def test_windows_trained_in_any_pieces_give_the_weights_of_one_run(cell):
    state = text_state("rhyme", text_cell=cell, text_hidden=5, seq_length=9)
    model = trained(state, 23)
    start = tx.text_params(cell, 5, tx.Vocab(state.text).size, state.seed)
    steps = list(tx.train_text(start, state.text, seq_length=9, lr=state.lr, clip=5.0,
                               optimizer="adam", windows=23))  # fmt: skip
    assert model.params.flat() == steps[-1].params.flat()
    assert model.windows == 23
    assert model.chars == sum(s.length for s in steps)
    assert model.smooth == pytest.approx(steps[-1].smooth_loss / math.log(2), rel=1e-12)


def test_model_key_changes_with_every_training_setting_and_not_with_sampling():
    state = text_state()
    key = tv.model_key(state)
    for change in ({"text": "abab"}, {"text_cell": "gru"}, {"text_hidden": 3},
                   {"seq_length": 7}, {"text_optimizer": "gd"}, {"lr": 0.01}, {"clip": False},
                   {"seed": 9}):  # fmt: skip
        assert tv.model_key(replace(state, **change)) != key, change
    for change in ({"temperature": 0.5}, {"sample_length": 9}, {"sample_seed": 4},
                   {"text_from": 3}, {"trained": 40}):  # fmt: skip
        assert tv.model_key(replace(state, **change)) == key, change


def test_history_is_thinned_but_keeps_its_last_point_order():
    model = trained(text_state("abc", text_hidden=2, seq_length=2), tv.HISTORY * 2 + 10)
    windows = [w for w, _ in model.history]
    assert len(windows) <= tv.HISTORY
    assert windows == sorted(windows) and windows[-1] <= model.windows
    assert all(w % model.every == 0 for w in windows)


# ---- what the network sees -------------------------------------------------------------------


def test_sees_gives_every_column_its_probabilities_target_and_top_five():
    model = trained(text_state("rhyme", text_hidden=6), 10)
    d = tv.sees(model, 5)
    a, b = d["from"], d["to"]
    assert (a, b) == (5, 5 + tv.STRETCH)
    assert len(d["columns"]) == len(d["probs"]) == len(d["hidden"]) == tv.STRETCH
    chars = model.vocab.chars
    assert d["vocab"] == [tv.show_char(ch) for ch in chars]
    trace = tx.forward(model.params, model.vocab.encode(model.text[a : b + 1]))
    for t, col in enumerate(d["columns"]):
        assert col["char"] == tv.show_char(model.text[a + t])
        assert col["next"] == chars.index(model.text[a + t + 1])
        probs = trace.probs[t]
        assert d["probs"][t] == [round(p, 4) for p in probs]
        assert sum(d["probs"][t]) == pytest.approx(1, abs=1e-3)
        assert col["bits"] == pytest.approx(-math.log2(probs[col["next"]]))
        top = sorted(range(len(probs)), key=lambda k: -probs[k])[:5]
        assert col["top"] == [[tv.show_char(chars[k]), round(probs[k], 4)] for k in top]
        assert d["hidden"][t] == [round(v, 4) for v in trace.h[t]]


def test_a_stretch_at_the_end_is_kept_inside_and_its_last_column_has_no_target():
    model = tv.new_model(text_state("python"))
    T = len(model.text)
    d = tv.sees(model, 10_000)
    assert (d["from"], d["to"]) == (T - 2, T)
    assert d["columns"][-1]["next"] is None and d["columns"][-1]["bits"] is None
    assert d["columns"][0]["next"] is not None


def test_step_lines_show_the_first_units_and_say_how_many_are_left_out():
    model = tv.new_model(text_state("python", text_hidden=32))
    lines = tv.step_lines(model, 0, 3)
    texts = ["".join(tok[1] for tok in line) for line in lines]
    assert texts[0].startswith("read x₃ = ‘␣’")
    assert "… 26 more units" in texts[1] and "… 26 more units" in texts[2]
    V = model.vocab.size
    assert f"… {V - tv.SHOWN} more characters" in texts[3]
    trace = tx.forward(model.params, model.vocab.encode(model.text[:4]))
    p = trace.probs[3]
    best = max(range(V), key=lambda k: p[k])
    assert f"‘{tv.show_char(model.vocab.chars[best])}’{tv.GAP}" in texts[4]
    nxt = model.vocab.index(model.text[4])
    assert texts[-1].endswith(f"{-math.log2(p[nxt]):.2f}{tv.GAP}bits")


@pytest.mark.parametrize("cell,symbols", [("gru", "rzh̃h"), ("lstm", "ifoc̃ch")])
def test_step_lines_of_gated_cells_have_a_line_per_gate(cell, symbols):
    model = tv.new_model(text_state("abc", text_cell=cell, text_hidden=2))
    lines = tv.step_lines(model, 0, 0)
    names = [line[0][1] for line in lines[1:-3]]
    assert "".join(names) == symbols


def test_show_char_makes_whitespace_visible():
    assert [tv.show_char(c) for c in " \n\ta\u00a0"] == ["␣", "↵", "⇥", "a", "⍽"]
    assert tv.show_char("\u0301") == "◌\u0301"


def test_exported_text_weights_carry_the_vocabulary():
    import json

    model = trained(text_state("hello", text_hidden=3), 2)
    doc = json.loads(tv.export_weights(model, text_state("hello")))
    assert doc["vocabulary"] == model.vocab.chars and doc["windows_trained"] == 2
    assert tx.TextParams.from_dict(doc["params"]) == model.params


# ---- links --------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "hello world\n" * 3,
    "שלום עולם, hello & = # % + ?",
    "emoji 😀 ok 🎉😀",
    "tab\there; a, b = 0, 1",
])  # fmt: skip
def test_a_link_carries_the_task_text_and_settings(text):
    state = DemoState(mode="text", text=text, text_cell="lstm", text_hidden=7, seq_length=11,
                      text_optimizer="gd", trained=123, temperature=0.35, sample_length=77,
                      sample_start=text[1], sample_seed=5, text_from=3)  # fmt: skip
    back, notices = from_query(to_query(state))
    assert notices == []
    assert back == state


def test_a_link_with_unusable_text_falls_back_and_says_why():
    for text, words in (("", "empty"), ("aaaa", "one distinct"), ("a\x00b", "control"),
                        ("x" * 2001, "longer than 2000")):  # fmt: skip
        state, notices = from_query("task=text&" + to_query(DemoState(text="ab")).replace(
            "text=ab", "text=" + text))  # fmt: skip
        assert state.text == DemoState().text
        assert len(notices) == 1 and words in notices[0], notices


def test_a_link_with_windows_line_breaks_reads_them_as_line_breaks():
    state, notices = from_query("task=text&text=ab%0D%0Aba%0Dc")
    assert state.text == "ab\nba\nc" and notices == []


def test_numbers_links_are_unchanged():
    assert "task" not in to_query(DemoState()) and "text" not in to_query(DemoState())


# ---- the text challenges --------------------------------------------------------------------


def run_event(bits, hidden=2, text=tx.PRESETS["python"]):
    return {"kind": "text_run", "text": text, "cell": "vanilla", "hidden": hidden,
            "windows": 300, "bits": bits}  # fmt: skip


def sample_event(sample, temperature=1.0, hidden=3, text=tx.PRESETS["hello"]):
    return {"kind": "text_sample", "text": text, "hidden": hidden, "sample": sample,
            "temperature": temperature, "windows": 300}  # fmt: skip


def test_counting_threshold_either_side():
    c = lessons.BY_ID["text-counting"]
    goal = tx.unigram_bits(tx.PRESETS["python"]) - lessons.TEXT_MARGIN
    state = DemoState()
    assert c.check(state, [run_event(goal)])
    assert c.check(state, [run_event(goal - 1e-9)])
    assert not c.check(state, [run_event(goal + 1e-9)])
    assert not c.check(state, [run_event(goal - 1, hidden=3)])  # too many units
    assert c.check(state, [run_event(goal - 1, hidden=1)])
    assert not c.check(state, [run_event(goal - 1, text=tx.PRESETS["rhyme"])])
    assert not c.check(state, [run_event(float("nan"))])
    assert "with 3 hidden units" in c.progress(state, [run_event(goal - 1, hidden=3)])
    assert f"{goal:.2f} or less" in c.progress(state, [run_event(goal + 0.5)])
    assert "Python preset" in c.progress(state, [])


def test_hello_threshold_either_side():
    c = lessons.BY_ID["text-hello"]
    state = DemoState()
    three = "hello world\nhello world\nhello world"
    assert c.check(state, [sample_event(three)])
    assert not c.check(state, [sample_event(three[:-1])])  # only twice whole
    assert not c.check(state, [sample_event(three, temperature=0.99)])
    assert c.check(state, [sample_event(three, temperature=1.5)])
    assert not c.check(state, [sample_event(three, hidden=4)])
    assert not c.check(state, [sample_event(three, text=tx.PRESETS["abc"])])
    assert "2 times" in c.progress(state, [sample_event(three[:-1])])
    assert "temperature 0.5" in c.progress(state, [sample_event(three, temperature=0.5)])


def test_counting_is_solvable_with_two_units_and_not_with_one():
    """The hint's settings: 2 hidden units and a few hundred windows (page defaults else)."""
    goal = tx.unigram_bits(tx.PRESETS["python"]) - lessons.TEXT_MARGIN
    two = trained(text_state("python", text_hidden=2), 200)
    assert tx.bits_per_char(two.params, two.text) < goal
    one = trained(text_state("python", text_hidden=1), 200)
    assert tx.bits_per_char(one.params, one.text) > goal


def test_hello_is_solvable_with_three_units():
    model = trained(text_state("hello", text_hidden=3), 200)
    sample = "h" + tx.sample(model.params, model.vocab, "h", 200, temperature=1.0, seed=0)
    event = sample_event(sample)
    assert sample.count("hello world") >= lessons.HELLO_TIMES
    assert lessons.BY_ID["text-hello"].check(DemoState(), [event])


def test_doctests():
    import doctest

    assert doctest.testmod(tv).failed == 0
