"""Running the page on the learner's code (page_trace_json) gives rnn_py's own numbers for
correct solutions and falls back with a reason for wrong, raising or slow ones; the exercises'
notebook runs under nbclient with the reference solutions and fails with a planted mistake."""

import json
from dataclasses import replace

import nbformat
import pytest
from test_exercises import PLANTED

import rnn_py
from rnn_py import DemoState, Params, cells, to_query
from rnn_py.exercises import EXERCISES, exercise, notebook, page_step_json, page_trace_json
from rnn_py.exercises.notebook import check_code
from rnn_py.exercises.trace import page_trace

SOLUTIONS = {str(e.number): e.solution for e in EXERCISES}

STATES = {
    "vanilla n=1 tanh": DemoState(),
    "vanilla n=3 relu": DemoState(params=Params.random(3, 4), activation="relu"),
    "vanilla n=2 sigmoid, no clipping": DemoState(
        params=Params.random(2, 7), activation="sigmoid", clip=False, sequence="fibonacci",
        normalized=True,
    ),
    "vanilla n=2 linear, big weights clipped": DemoState(
        params=Params.from_flat(2, [2.0, -1.5, 1.2, 0.9, 1.1, 3.0, -2.5, 0.5, -0.5, 0.3, 0.2]),
        activation="linear", sequence="fibonacci", length=8,
    ),
    "gru n=2": DemoState(params=cells.random_params("gru", 2, 3)),
    "lstm n=3": DemoState(params=cells.random_params("lstm", 3, 5)),
    "lstm n=2, the long-lag task": DemoState(
        params=cells.random_params("lstm", 2, 1), sequence="remember"
    ),
}  # fmt: skip


def trace(sources, state, **kw):
    if kw:
        return page_trace(json.dumps(sources), to_query(state), **kw)
    return json.loads(page_trace_json(json.dumps(sources), to_query(state)))


def close(a, b):
    if isinstance(a, list):
        return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b, strict=True))
    return abs(a - b) <= 1e-12 * (1 + abs(b))


@pytest.mark.parametrize("name", STATES)
def test_correct_solutions_give_rnn_pys_numbers(name):
    state = STATES[name]
    xs, targets = state.xs(), state.targets()
    got = trace(SOLUTIONS, state)
    assert got["ok"], got
    own = cells.backward(state.params, xs, state.activation, targets)
    assert close(got["hs"], own.trace.h) and close(got["ys"], own.trace.y)
    assert close(got["loss"], own.loss)
    if state.cell == "lstm":
        assert close(got["cs"], own.trace.c)
    else:
        assert got["cs"] is None
    grads = rnn_py.clip(own.grads, 5.0) if state.clip else own.grads
    cell_role = {"vanilla": 1, "gru": 5, "lstm": 6}[state.cell]
    expect_used = {cell_role}
    if state.targets() is None:
        expect_used.add(2)
    if state.cell == "vanilla":
        expect_used.add(3)
    if state.clip:
        expect_used.add(4)
    assert set(got["used"]) == expect_used
    if 3 in expect_used or 4 in expect_used:
        want = grads.to_dict()
        assert got["grads"].keys() == want.keys()
        assert all(close(got["grads"][k], want[k]) for k in want)
    else:
        assert got["grads"] is None
    # ∂L/∂h_t from the chain of their backward_step (the gradient chart's series)
    if 3 in expect_used:
        assert close(got["dhs"], [list(dh) for dh in own.dh])
    else:
        assert got["dhs"] is None


def test_the_big_weights_state_really_clips():
    state = STATES["vanilla n=2 linear, big weights clipped"]
    own = cells.backward(state.params, state.xs(), state.activation).grads
    assert rnn_py.clip(own, 5.0).flat() != own.flat()


def test_only_the_chosen_exercises_are_used():
    state = STATES["vanilla n=1 tanh"]
    got = trace({"2": SOLUTIONS["2"], "5": SOLUTIONS["5"]}, state)
    assert got["ok"] and got["used"] == [2] and got["grads"] is None
    assert close(got["hs"], rnn_py.forward(state.params, state.xs(), "tanh").h)
    got = trace({"7": SOLUTIONS["7"]}, state)  # no role on the page
    assert got["ok"] and got["used"] == []


@pytest.mark.parametrize(
    ("number", "plant_name", "state_name"),
    [
        (1, "transposed W_hh", "vanilla n=3 relu"),
        (1, "missing bias", "vanilla n=2 linear, big weights clipped"),
        (3, "W_hh not transposed", "vanilla n=3 relu"),
        (4, "clipped by the norm", "vanilla n=2 linear, big weights clipped"),
        (5, "update gate the other way", "gru n=2"),
        (6, "returns (c, h)", "lstm n=3"),
        (2, "off by one in time", "vanilla n=1 tanh"),
    ],
)
def test_a_wrong_solution_falls_back_with_a_reason(number, plant_name, state_name):
    sources = dict(SOLUTIONS, **{str(number): PLANTED[number][plant_name]})
    got = trace(sources, STATES[state_name])
    assert got["ok"] is False
    ex = exercise(number)
    assert got["message"].startswith(f"Exercise {number}: your {ex.name}")
    assert "rnn_py" in got["message"] and "hs" not in got


def test_a_raising_or_endless_solution_falls_back_with_its_line():
    state = STATES["gru n=2"]
    source = "import math\n\ndef gru_step(w, x, h_prev):\n    return [1 / 0]\n"
    got = trace(dict(SOLUTIONS, **{"5": source}), state)
    assert got["ok"] is False and got["line"] == 4
    assert "ZeroDivisionError" in got["message"] and "at t = 0" in got["message"]
    got = trace({"1": "def vanilla_step(*a)\n"}, STATES["vanilla n=1 tanh"])
    assert got["ok"] is False and got["line"] == 1 and "SyntaxError" in got["message"]
    source = "def gru_step(w, x, h_prev):\n    while True: pass\n"
    got = trace({"5": source}, state, time_limit=0.2)
    assert got["ok"] is False and "stopped after 0.2 s" in got["message"] and got["line"] == 2


def test_unreadable_sources_and_text_mode_get_a_message():
    assert json.loads(page_trace_json("{", ""))["ok"] is False
    assert json.loads(page_trace_json("[1]", ""))["ok"] is False
    got = trace(SOLUTIONS, replace(DemoState(), mode="text"))
    assert got["ok"] is False and "text" in got["message"]


def test_the_notebook_is_nbformat_4_with_the_learners_code():
    progress = {1: exercise(1).solution, "2": "def mse_loss(ys, xs):\n    return 0\n"}
    nb = notebook(progress)
    nbformat.validate(nbformat.reads(json.dumps(nb), as_version=4))
    sources = {c["id"]: "".join(c["source"]) for c in nb["cells"]}
    assert sources["code-1"] == exercise(1).solution
    assert sources["code-2"] == progress["2"]
    assert sources["code-3"] == exercise(3).stub
    assert [c["id"] for c in notebook({}, numbers=[3, 1])["cells"]][2:] == [
        "exercise-3", "code-3", "check-3", "exercise-1", "code-1", "check-1",
    ]  # fmt: skip
    assert "h_t = f(z_t)" in sources["exercise-1"]
    assert 'float("inf")' in check_code(4)  # the clip cases' ±inf, as literals


def test_the_notebook_runs_under_nbclient_and_a_planted_mistake_fails():
    """One kernel: the reference solutions' notebook, then exercise 1 again with a planted
    mistake (errors allowed, so that every cell runs and reports)."""
    from nbclient import NotebookClient

    nb = notebook({e.number: e.solution for e in EXERCISES})
    wrong = notebook({1: PLANTED[1]["missing bias"]}, numbers=[1])["cells"][2:]
    for c in wrong:
        c["id"] = "planted-" + c["id"]
    nb["cells"] += wrong
    doc = nbformat.reads(json.dumps(nb), as_version=4)
    NotebookClient(doc, timeout=60, kernel_name="python3", allow_errors=True).execute()
    errors = {
        c.id: o for c in doc.cells if c.cell_type == "code" for o in c.outputs
        if o.output_type == "error"
    }  # fmt: skip
    assert list(errors) == ["planted-check-1"]
    assert errors["planted-check-1"].ename == "AssertionError"
    assert "case 1 (n = 1, tanh" in errors["planted-check-1"].evalue
    printed = "".join(
        o.get("text", "") for c in doc.cells if c.cell_type == "code" for o in c.outputs
    )
    assert all(f"checks of {e.name} pass" in printed for e in EXERCISES)


def test_the_first_screen_never_imports_the_exercises():
    """The page imports rnn_py.exercises only in its grading worker: not on the first screen."""
    import build

    first = build.first_screen()
    assert "rnn_py.page.state" in first  # the finder sees the first screen's modules
    assert not any(name.startswith("rnn_py.exercises") for name in first)


def test_a_state_that_overflows_runs_on_correct_code_and_keeps_the_overflow():
    """Weights of 1e6 (a link may carry them) overflow rnn_py's forward pass to inf; correct
    code overflows at the same steps, and the JSON carries the overflow as null."""
    state = DemoState(params=Params.from_flat(2, [1e6] * 11), activation="linear",
                      sequence="fibonacci", length=64)  # fmt: skip
    own = rnn_py.forward(state.params, state.xs(), "linear")
    assert own.loss == float("inf")
    got = trace(SOLUTIONS, state)
    assert got["ok"] and got["loss"] is None and 1 in got["used"]
    assert [y is None for y in got["ys"]] == [not abs(y) < float("inf") for y in own.y]
    wrong = dict(SOLUTIONS, **{"1": PLANTED[1]["missing bias"]})
    assert trace(wrong, state)["ok"] is False


def one_gd_step(state):
    """rnn_py's own first step of BPTT training with optimizer "gd" on state."""
    clip = 5.0 if state.clip else None
    step = next(iter(rnn_py.train_bptt(state.params, state.xs(), state.activation, lr=state.lr,
                                       clip=clip, epochs=1, optimizer="gd")))  # fmt: skip
    return step


@pytest.mark.parametrize("name", [n for n in STATES if n.startswith("vanilla")])
@pytest.mark.parametrize("lr", [0.05, 0.7])
def test_one_training_step_on_correct_code_is_rnn_pys_own_step(name, lr):
    state = replace(STATES[name], lr=lr, optimizer="adam")  # the step is plain gd all the same
    got = json.loads(page_step_json(json.dumps(SOLUTIONS), to_query(state)))
    want = one_gd_step(replace(state, optimizer="gd"))
    assert want.status == "done" and got["ok"], got
    assert close(got["loss"], want.loss)
    new = rnn_py.Params(**got["params"])
    assert close(new.flat(), want.params.flat())
    assert new.flat() != state.params.flat()
    assert 3 in got["used"] and (4 in got["used"]) == state.clip


@pytest.mark.parametrize(
    ("number", "plant_name"), [(3, "W_hh not transposed"), (4, "clipped by the norm")]
)
def test_one_training_step_on_wrong_code_changes_nothing_and_says_why(number, plant_name):
    state = STATES["vanilla n=2 linear, big weights clipped"]
    sources = dict(SOLUTIONS, **{str(number): PLANTED[number][plant_name]})
    got = json.loads(page_step_json(json.dumps(sources), to_query(state)))
    assert got["ok"] is False and "params" not in got
    assert got["message"].startswith(f"Exercise {number}: your {exercise(number).name}")


def test_a_step_that_would_diverge_is_not_taken():
    state = DemoState(params=Params.from_flat(1, [1e5, 0.5, 1e5, 0, 0]), activation="linear",
                      sequence="fibonacci", length=12, lr=10.0, clip=False)  # fmt: skip
    assert one_gd_step(state).status == "diverged"
    got = json.loads(page_step_json(json.dumps(SOLUTIONS), to_query(state)))
    assert got["ok"] is False and "not taken" in got["message"], got


def test_one_training_step_needs_the_exercises_and_settings_it_runs_on():
    state = STATES["vanilla n=1 tanh"]
    no_clip = {k: v for k, v in SOLUTIONS.items() if k != "4"}
    for sources, s, reason in [
        (no_clip, state, "clipping exercise"),
        ({"1": SOLUTIONS["1"]}, replace(state, clip=False), "backward step exercise"),
        (SOLUTIONS, STATES["gru n=2"], "vanilla cell"),
        (SOLUTIONS, replace(state, sequence="remember"), "long-lag task"),
    ]:
        got = json.loads(page_step_json(json.dumps(sources), to_query(s)))
        assert got["ok"] is False and reason in got["message"], (reason, got)
    got = json.loads(page_step_json(json.dumps(no_clip), to_query(replace(state, clip=False))))
    assert got["ok"] and got["used"] == [1, 2, 3]
    want = one_gd_step(replace(state, clip=False)).params.flat()
    assert close(rnn_py.Params(**got["params"]).flat(), want)
