"""The Exercises panel's bookkeeping on CPython (rnn_py.page.practice): stored progress is read
back safely, and page_trace_json's answers become the page's numbers or a plain reason."""

from __future__ import annotations

import doctest
import json

from rnn_py.exercises import EXERCISES, page_trace_json
from rnn_py.page import practice
from rnn_py.page.state import EXERCISE_COUNT, DemoState, from_query, to_query
from rnn_py.page.view import snapshot

NUMBERS = tuple(e.number for e in EXERCISES)


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
