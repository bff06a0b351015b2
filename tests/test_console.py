"""The Python console: the page's objects in scope, params edits handed back checked, output
captured and capped, runaway entries stopped."""

import sys
import time
from dataclasses import replace

import pytest

import rnn_py
from rnn_py import DemoState, Params
from rnn_py.page.console import Console, check_params
from rnn_py.page.state import MAX_HIDDEN

LIMIT = 0.5  # seconds; the page uses 5


@pytest.fixture
def console():
    return Console(time_limit=LIMIT)


def test_the_console_computes_the_pages_loss(console):
    state = DemoState(sequence="fibonacci", normalized=True, activation="relu")
    result = console.run("rnn_py.forward(params, xs, activation).loss", state)
    expected = rnn_py.forward(state.params, state.xs(), state.activation).loss
    assert result.output == f"{expected!r}\n"
    assert result.transcript == ">>> rnn_py.forward(params, xs, activation).loss\n" + result.output
    assert result.params is None and not result.stopped and not result.more


def test_names_are_refreshed_from_the_page_before_every_entry(console):
    console.run("mine = 41", DemoState())
    state = DemoState(activation="sigmoid", sequence="linear", length=5)
    result = console.run("print(mine + 1, activation, xs, state.sequence, params.n)", state)
    assert result.output == f"42 sigmoid {state.xs()} linear 1\n"


def test_an_in_place_edit_is_handed_back_and_the_page_state_is_untouched(console):
    state = DemoState()
    before = state.params.to_dict()
    result = console.run("params.w_hh[0][0] = 0.3", state)
    assert result.params == Params.scalar(w_xh=0.5, w_hh=0.3, w_hy=1.0)
    assert state.params.to_dict() == before
    assert result.message == ""


def test_rebinding_params_is_handed_back(console):
    state = DemoState(params=Params.random(2, 3))
    result = console.run("params = rnn_py.Params.random(3, seed=7)", state)
    assert result.params == Params.random(3, 7)
    result = console.run("params = params.to_dict(); params['b_y'] = 2", state)
    assert result.params.b_y == 2.0 and result.params.w_hh == Params.random(2, 3).w_hh


def test_unchanged_params_give_nothing_to_adopt(console):
    state = DemoState()
    for entry in ["params", "params = rnn_py.Params.scalar(0.5, 0.8, 1.0)", "p = params; 1 + 1"]:
        assert console.run(entry, state).params is None


@pytest.mark.parametrize(
    ("entry", "words"),
    [
        ("params.w_hh[0][0] = float('nan')", "w_hh[0][0] must be a finite number"),
        ("params.w_xh = 'big'", "w_xh must be a list"),
        ("params.w_hh = [[1, 2]]", "w_hh must be a 1×1 grid"),
        ("params = 5", "params must be rnn_py.Params"),
        (f"params = rnn_py.Params.random({MAX_HIDDEN + 1}, 0)", "hidden units; the most here is"),
        ("params.b_y = 1e7", "between -1000000 and 1000000"),
        ("params.b_y = True", "b_y must be a number"),
        ("del params.w_hy", "w_hy"),
    ],
)
def test_bad_params_get_a_message_and_nothing_breaks(console, entry, words):
    state = DemoState()
    result = console.run(entry, state)
    assert result.params is None
    assert result.message.startswith("The page keeps its weights:")
    assert words in result.message
    again = console.run("params.w_hh", state)  # the next entry sees the page's weights again
    assert again.output == "[[0.8]]\n"


def test_check_params_is_as_strict_as_an_imported_file():
    good = Params.random(4, 1)
    assert check_params(good) == good and check_params(good) is not good
    text = rnn_py.page.state.export_weights(replace(DemoState(), params=good))
    imported = rnn_py.page.state.import_weights(text, DemoState())
    assert imported.params == check_params(good.to_dict())
    with pytest.raises(ValueError, match="must be a finite number"):
        check_params({**good.to_dict(), "b_y": float("inf")})


def test_other_names_do_not_go_back_but_say_so(console):
    result = console.run("xs = [1, 2]; activation = 'relu'", DemoState())
    assert result.params is None
    assert "Only params goes back to the page; xs and activation here are copies" in result.message


def test_output_errors_and_syntax_errors_are_text(console):
    state = DemoState()
    result = console.run("for i in range(3):\n    print(i)\n1 / 0", state)
    assert result.output.startswith("0\n1\n2\nTraceback (most recent call last):")
    assert "ZeroDivisionError: division by zero" in result.output
    assert "1 / 0" in result.output  # the line is quoted in the traceback
    assert "console.py" not in result.output  # no frames of the console itself
    result = console.run("def f(:", state)
    assert "SyntaxError" in result.output and result.transcript.startswith(">>> def f(:\n")
    result = console.run("exit()", state)
    assert "do nothing here" in result.output
    result = console.run("input('name? ')", state)
    assert "input() can't wait for typing here" in result.output


def test_an_unfinished_entry_runs_nothing(console):
    state = DemoState()
    result = console.run("x = (1,", state)
    assert result.more and result.output == "" and result.transcript == ""
    assert "NameError" in console.run("x", state).output
    assert console.run("x = (1,\n 2)\nx", state).output == "(1, 2)\n"


@pytest.mark.parametrize(
    "entry",
    [
        "while True: pass",
        "while True:\n    try:\n        pass\n    except Exception:\n        pass",
        "def spin():\n    while True: pass\n\nspin()",
        "list(rnn_py.train_bptt(params, xs, activation, epochs=10**9))",
    ],
)
def test_a_runaway_entry_is_stopped(console, entry):
    tracer = sys.gettrace()
    begin = time.monotonic()
    result = console.run(entry, DemoState())
    took = time.monotonic() - begin
    assert result.stopped
    assert f"Stopped: this entry ran for more than {LIMIT} s" in result.output
    assert took < LIMIT + 2.5
    assert sys.gettrace() is tracer
    assert console.run("1 + 1", DemoState()).output == "2\n"  # still usable


def test_a_flood_of_output_is_capped():
    console = Console(time_limit=LIMIT, output_limit=1000)
    result = console.run("while True: print('x' * 99)", DemoState())
    assert result.stopped
    assert result.output.startswith("x" * 99 + "\n")
    assert "(output cut at 1,000 characters)" in result.output
    assert len(result.output) < 1300


def test_a_huge_entry_is_refused(console):
    result = console.run("x = 1\n" * 5000, DemoState())
    assert "longer than 20,000 characters; it was not run" in result.output
    assert "NameError" in console.run("x", DemoState()).output


def test_a_bad_custom_sequence_still_leaves_a_console(console):
    state = DemoState(sequence="custom", custom="1, two")
    assert console.run("xs", state).output == "[]\n"


# ---- across the worker boundary: run_json in the worker, read_result on the page ---------------


def test_run_json_takes_the_page_state_from_its_link_and_read_result_checks_params():
    from rnn_py.page.console import read_result, run_json
    from rnn_py.page.state import to_query

    state = DemoState(sequence="linear", length=4, params=Params.random(2, 3))
    answer = run_json(
        Console(time_limit=LIMIT), "print(len(xs), params.n); params.b_y = 1.5", to_query(state)
    )
    result = read_result(answer)
    assert result.output == "4 2\n" and not result.stopped
    assert result.params == replace(state.params, b_y=1.5)


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        ("not json", "can't read"),
        ("[1, 2]", "can't read"),
        ('{"params": {"w_xh": [1], "w_hh": [[0.5]], "w_hy": [1], "b_h": [0], "b_y": 1e9}}',
         "The page keeps its weights: Every weight in params must lie between"),
        ('{"params": "import os"}', "The page keeps its weights: params must be rnn_py.Params"),
    ],
)  # fmt: skip
def test_read_result_trusts_nothing_from_the_worker(answer, words):
    from rnn_py.page.console import read_result

    result = read_result(answer)
    assert result.params is None
    assert words in result.output + result.message
    forged = read_result('{"output": 7, "transcript": ["x"], "stopped": "yes", "more": 1}')
    assert (forged.output, forged.transcript, forged.stopped, forged.more) == ("", "", False, False)


def test_an_ended_entry_says_its_names_are_gone():
    from rnn_py.page.console import HARD_LIMIT, TIME_LIMIT, ended

    result = ended("sum(range(10**10))\r\n")
    assert result.stopped and result.params is None and HARD_LIMIT > TIME_LIMIT
    assert result.transcript == ">>> sum(range(10**10))\n" + result.output
    assert "still running after 7 s" in result.output and "are gone" in result.output
