"""The Exercises panel's bookkeeping on CPython (rnn_py.page.practice): stored progress is read
back safely, and page_trace_json's answers become the page's numbers or a plain reason."""

from __future__ import annotations

import doctest
import json

from rnn_py import cells
from rnn_py.exercises import EXERCISES, page_step_json, page_trace_json
from rnn_py.page import practice
from rnn_py.page.state import EXERCISE_COUNT, DemoState, from_query, to_query
from rnn_py.page.view import snapshot

NUMBERS = tuple(e.number for e in EXERCISES)
SOURCES = {str(e.number): e.solution for e in EXERCISES}


def test_doctests():
    assert doctest.testmod(practice).failed == 0


def test_the_state_knows_how_many_exercises_there_are():
    assert len(EXERCISES) == EXERCISE_COUNT
    assert tuple(range(1, EXERCISE_COUNT + 1)) == NUMBERS


def test_stored_progress_round_trips_and_junk_is_dropped():
    progress = {"drafts": {1: "x = 1", 3: "y"}, "passed": {1: "x = 1"}}
    assert practice.load_progress(practice.dump_progress(progress), NUMBERS) == progress
    for junk in (None, "", "[]", "nope", '{"drafts": [1]}', '{"passed": {"1": ["code"]}}',
                 '{"drafts": {"0": "a", "1.0": "b", "__import__": "c"}}',
                 json.dumps({"drafts": {"1": "x" * (practice.MAX_SOURCE + 1)}})):  # fmt: skip
        assert practice.load_progress(junk, NUMBERS) == practice.empty_progress(), junk


def test_a_link_chooses_exercises_in_its_order():
    state, notices = from_query("exercises=3,1,zz,3,99")
    assert practice.chosen(state, NUMBERS) == (3, 1)
    assert len(notices) == 1 and "'zz'" in notices[0]
    assert practice.chosen(DemoState(), NUMBERS) == NUMBERS


def test_the_reference_solution_gives_exactly_the_pages_own_table():
    e = next(e for e in EXERCISES if e.role == "vanilla_step")
    for query in ("seq=linear&len=6&step=4", "seq=sine&n=3&act=relu", "seq=fibonacci&norm=1"):
        state, _ = from_query(query)
        answer = page_trace_json(json.dumps({str(e.number): e.solution}), to_query(state))
        own = practice.own_numbers(state, answer)
        assert own["ok"] and own["used"] == [e.number], own
        page = snapshot(state)
        assert own["cells"] == [[r[2], r[-3], r[-1]] for r in page["rows"]]
        assert own["loss"] == page["loss"]


def test_answers_that_cannot_stand_in_give_a_reason():
    state = DemoState(sequence="linear", length=3)
    bad = {
        "not json": "could not be read",
        '{"ok": false, "message": "Line 3: ZeroDivisionError"}': "ZeroDivisionError",
        '{"ok": true, "hs": [[1], [2]], "ys": [1, 2, 3], "loss": 1}': "not finite, or not one",
        '{"ok": true, "hs": [[1], [2], [NaN]], "ys": [1, 2, 3], "loss": 1}': "not finite",
        '{"ok": true, "hs": [[1], [2], [3]], "ys": [1, 2, 3], "loss": Infinity}': "loss",
        '{"ok": true, "hs": [[1, 2], [2, 1], [3, 1]], "ys": [1, 2, 3], "loss": 1}': "1 numbers",
    }
    for answer, reason in bad.items():
        own = practice.own_numbers(state, answer)
        assert not own["ok"] and reason in own["message"], (answer, own)


def test_the_reference_backward_step_gives_exactly_the_pages_own_gradient_chart():
    for query in ("seq=sine&len=12", "seq=linear&n=3&act=relu&clip=0", "seq=remember&gap=4",
                  "seq=fibonacci&norm=1&n=2&act=sigmoid&step=3"):  # fmt: skip
        state, _ = from_query(query)
        for sources in (SOURCES, {k: v for k, v in SOURCES.items() if k in ("1", "3")}):
            own = practice.own_numbers(state, page_trace_json(json.dumps(sources), to_query(state)))
            assert own["ok"] and 3 in own["used"], own
            assert own["grad"] == snapshot(state)["charts"]["grad"], query
    # without their backward step (or on a gated cell) the chart keeps rnn_py's: no series
    state, _ = from_query("seq=sine&cell=gru&n=2")
    own = practice.own_numbers(state, page_trace_json(json.dumps(SOURCES), to_query(state)))
    assert own["ok"] and own["grad"] is None and 3 not in own["used"]
    state = DemoState()
    own = practice.own_numbers(state, page_trace_json(json.dumps({"1": SOURCES["1"]}),
                                                      to_query(state)))  # fmt: skip
    assert own["ok"] and own["grad"] is None


def test_gradients_that_cannot_stand_in_give_a_reason():
    state = DemoState(sequence="linear", length=3)
    base = '{"ok": true, "hs": [[1], [2], [3]], "ys": [1, 2, 3], "loss": 1, '
    for dhs in ('"dhs": [[1], [2]]', '"dhs": [[1], [NaN], [1]]', '"dhs": [[1], [1, 2], [1]]',
                '"dhs": 3'):  # fmt: skip
        own = practice.own_numbers(state, base + dhs + "}")
        assert not own["ok"] and "∂L/∂h_t" in own["message"], dhs
    own = practice.own_numbers(state, base + '"dhs": [[0.5], [-2], [0]]}')
    assert own["ok"] and own["grad"] == [0.5, 2.0, None]  # 0 cannot go on a log scale


def test_a_training_steps_answer_is_checked_before_the_page_adopts_it():
    state = DemoState()
    answer = page_step_json(json.dumps(SOURCES), to_query(state))
    new = json.loads(answer)["params"]
    read = practice.read_step(state, answer)
    assert read["ok"] and read["used"] == [1, 2, 3, 4]
    assert read["params"].to_dict() == new and read["params"].flat() != state.params.flat()
    bad = {
        None: "could not be read",
        "{": "could not be read",
        '{"ok": false, "message": "Exercise 3: your backward_step at t = 2 gave"}': "at t = 2",
        '{"ok": true, "params": {"w_xh": [1]}, "loss": 1}': "no 'w_hh'",
        '{"ok": true, "params": "x", "loss": 1}': "params must be",
    }
    for answer, reason in bad.items():
        read = practice.read_step(state, answer)
        assert not read["ok"] and reason in read["message"], (answer, read)
        assert read["message"].startswith("The page keeps its weights")
    read = practice.read_step(DemoState(params=cells.random_params("gru", 1, 0)),
                              json.dumps({"ok": True, "params": new, "loss": 1}))  # fmt: skip
    assert not read["ok"] and "GRU" in read["message"]


def test_the_step_says_when_it_cannot_run():
    roles = {"vanilla_step", "backward_step", "clip"}
    assert practice.step_problem(DemoState(), roles) == ""
    gru = DemoState(params=cells.random_params("gru", 1, 0))
    assert "vanilla cell" in practice.step_problem(gru, roles)
    assert "long-lag" in practice.step_problem(DemoState(sequence="remember"), roles)
    assert "backward step" in practice.step_problem(DemoState(clip=False), {"clip"})
    assert "clipping" in practice.step_problem(DemoState(), {"backward_step"})


def test_the_step_button_is_offered_with_its_reason_and_says_what_it_did():
    both = {"vanilla_step", "backward_step", "clip"}
    assert practice.step_offer(DemoState(), {"vanilla_step"})["shown"] is False
    offer = practice.step_offer(DemoState(), {"backward_step"})
    assert offer["shown"] and not offer["enabled"] and "clipping" in offer["note"]
    assert practice.step_offer(DemoState(), both) == {"shown": True, "enabled": True, "note": ""}
    offer = practice.step_offer(DemoState(optimizer="adam"), both)
    assert offer["enabled"] and "plain gradient descent" in offer["note"]
    state = DemoState(lr=0.2)
    read = practice.read_step(state, page_step_json(json.dumps(SOURCES), to_query(state)))
    loss = snapshot(state)["loss"].split(" ")[0]
    assert read["message"] == (f"One step of gradient descent with your backward_step and clip "
                               f"(learning rate 0.2): the loss was {loss} before it; the page "
                               "took the new weights.")  # fmt: skip
    assert read["step"].method == "bptt" and read["step"].params is read["params"]
