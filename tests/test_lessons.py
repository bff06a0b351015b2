"""The challenges: every goal is reachable with rnn_py, and every check can fail.

Each test builds the events the page records (see rnn_py/lessons/__init__.py) from real rnn_py
runs, so a challenge is solved here exactly the way a learner would solve it on the page.
"""

import doctest
import json
import math
import statistics
from dataclasses import replace

import numpy as np
import pytest
import reference

from rnn_py import (
    DemoState,
    Params,
    backward,
    forward,
    lessons,
    make_sequence,
    random_search,
    train_bptt,
)
from rnn_py.lessons import (
    BY_ID,
    CHALLENGES,
    CLIFF_RATIO,
    RESET,
    RUN_LENGTH,
    dump_progress,
    load_progress,
    panel_data,
    restore_point,
    since_reset,
    solved_now,
)
from rnn_py.page.state import WEIGHT_LIMIT, default_params, from_query, to_query, with_weight
from rnn_py.train import clip

LINEAR = replace(DemoState(), sequence="linear", normalized=True, activation="tanh")


def check(cid, state, events=()):
    return BY_ID[cid].check(state, list(events))


def progress(cid, state, events=()):
    return BY_ID[cid].progress(state, list(events))


HAND = {"kind": "weights", "how": "hand"}  # as site/main.py records a slider move
DEFAULT = {"kind": "weights", "how": "default"}  # the Default weights button


def by_hand(state, **weights):
    """Move the one-unit sliders to these values, one slider at a time: the state that results
    and the events the page records (one for a series of slider moves)."""
    params = state.params
    for name, value in weights.items():
        assert abs(value) <= WEIGHT_LIMIT and round(value * 100) == value * 100  # a slider stop
        params = with_weight(params, name, value)
    return replace(state, params=params), [HAND]


def run_record(method, settings, first, last, finished=True):
    """The "run" event as site/main.py's record_run makes it."""
    return {
        "kind": "run",
        "method": method,
        "status": last.status if finished else "stopped",
        "evaluations": last.evaluations,
        "first_loss": first.loss,
        "last_loss": last.loss,
        "best_loss": last.best_loss,
        "lr": settings.lr,
        "clip": settings.clip,
        "sequence": settings.sequence,
        "custom": settings.custom,
        "normalized": settings.normalized,
        "activation": settings.activation,
        "hidden": settings.hidden,
        "length": settings.length,
        "params": settings.params,
    }


def run(method, state, epochs=RUN_LENGTH, seed=None):
    """One run as the page makes it (the same calls as site/main.py), its event and the state
    it leaves behind."""
    xs = state.xs()
    if method == "bptt":
        limit = 5.0 if state.clip else None
        steps = list(train_bptt(state.params, xs, state.activation, state.lr, limit, epochs))
        after = steps[-1].params
    else:
        seed = state.seed if seed is None else seed
        steps = list(random_search(xs, state.activation, state.hidden, epochs, seed, -2.0, 2.0))
        after = steps[-1].params
    event = run_record(method, state, steps[0], steps[-1])
    return event, replace(state, params=after)


def reach_at_0(params, xs, activation):
    """‖∂h_{T−1}/∂h_0‖ computed independently with the NumPy reference: the product of the
    Jacobians diag(f′(z_t))·W_hh for t = T−1 down to 1."""
    _, df = reference.ACTIVATIONS[activation]
    _, W_hh, _, _, _ = reference.arrays(params)
    Z, _, _, _ = reference.forward(params, xs, activation)
    J = np.eye(params.n)
    for t in range(len(xs) - 1, 0, -1):
        J = J @ (df(Z[t])[:, None] * W_hh)
    return float(np.linalg.norm(J))


# ---- the list --------------------------------------------------------------------------------


def test_at_least_six_challenges_in_the_issues_order_each_complete():
    assert [c.id for c in CHALLENGES[:6]] == [
        "by-hand",
        "vanish",
        "diverge",
        "beat-random",
        "sine",
        "cliff",
    ]
    assert len({c.id for c in CHALLENGES}) == len(CHALLENGES) >= 6
    for c in CHALLENGES:
        assert c.title and c.goal.endswith(".") and c.hint[-1] in ".?"
        assert c.explanation.endswith(".") and len(c.explanation) > 100
        # every goal can fail: the page's first state solves none of them
        assert c.check(DemoState(), []) is False
        assert c.progress(DemoState(), []).endswith(".")


# ---- 1. by hand ------------------------------------------------------------------------------


def test_1_is_solved_with_slider_values_on_linear_normalized_tanh():
    state, events = by_hand(LINEAR, w_hh=0.0, w_xh=1.0, b_y=0.2)
    loss = forward(state.params, state.xs(), "tanh").loss
    assert loss < 0.05
    ref_loss = reference.forward(state.params, state.xs(), "tanh")[3]
    assert math.isclose(loss, ref_loss, rel_tol=1e-12)
    assert check("by-hand", state, events)
    assert progress("by-hand", state, events) == f"The loss is {loss:.3g}; the goal is below 0.05."


def test_1_starts_unsolved_and_says_where_the_loss_is():
    loss = forward(LINEAR.params, LINEAR.xs(), "tanh").loss
    assert loss >= 0.05  # the default weights do not solve it
    assert not check("by-hand", LINEAR, [])
    assert progress("by-hand", LINEAR) == f"The loss is {loss:.3g}; the goal is below 0.05."
    assert progress("by-hand", DemoState()).startswith("Choose the Linear sequence")


@pytest.mark.parametrize(
    "change",
    [{"activation": "relu"}, {"normalized": False}, {"sequence": "sine"}],
)
def test_1_needs_linear_normalized_tanh(change):
    state, events = by_hand(LINEAR, w_hh=0.0, w_xh=1.0, b_y=0.2)
    assert not check("by-hand", replace(state, **change), events)


def test_1_is_not_solved_by_a_good_loss_that_is_not_low_enough():
    state, events = by_hand(LINEAR, w_hh=0.0)
    assert forward(state.params, state.xs(), "tanh").loss >= 0.05
    assert not check("by-hand", state, events)


def test_1_is_not_solved_by_training_then_nudging_a_slider():
    trained_event, trained = run("bptt", LINEAR)
    assert forward(trained.params, trained.xs(), "tanh").loss < 0.05  # training does reach it
    nudged, hand = by_hand(trained, b_y=round(trained.params.b_y, 2))
    assert forward(nudged.params, nudged.xs(), "tanh").loss < 0.05
    events = [trained_event, *hand]
    assert not check("by-hand", nudged, events)
    assert "not all set with the sliders" in progress("by-hand", nudged, events)
    # Default weights starts a clean slate: then the sliders alone solve it
    fresh = replace(nudged, params=default_params(1))
    state, hand = by_hand(fresh, w_hh=0.0, w_xh=1.0, b_y=0.2)
    assert check("by-hand", state, [*events, DEFAULT, *hand])


def test_1_is_not_solved_when_the_weights_came_from_elsewhere():
    state, events = by_hand(LINEAR, w_hh=0.0, w_xh=1.0, b_y=0.2)
    # weights set by another source after the sliders: recorded, or not recorded at all
    other = replace(state, params=Params.scalar(1.0, 0.0, 1.0, 0.0, 0.19))
    assert forward(other.params, other.xs(), "tanh").loss < 0.05
    for how in ("import", "console", "landscape"):
        assert not check("by-hand", other, [*events, {"kind": "weights", "how": how}])
        assert not check("by-hand", other, [{"kind": "weights", "how": how}, *events])
    # a hand event that names its weights must match the current ones
    assert check("by-hand", state, [{**HAND, "params": state.params}])
    assert not check("by-hand", other, [{**HAND, "params": state.params}])
    # a stopped run recorded after the slider move that stopped it
    stopped = {"kind": "run", "method": "bptt", "status": "stopped", "params": LINEAR.params}
    assert not check("by-hand", state, [*events, stopped])


# ---- 2. vanishing ----------------------------------------------------------------------------


def test_2_sigmoid_makes_the_reach_vanish_with_the_default_weights():
    state = replace(DemoState(), activation="sigmoid")
    xs = state.xs()
    reach = reach_at_0(state.params, xs, "sigmoid")
    assert reach < 1e-3
    assert check("vanish", state)
    assert progress("vanish", state) == (
        f"The gradient reach at t = 0 is {reach:.3g}; the goal is below 0.001."
    )


def test_2_is_not_solved_with_tanh_or_with_a_strong_short_recurrence():
    assert reach_at_0(DemoState().params, DemoState().xs(), "tanh") >= 1e-3
    assert not check("vanish", DemoState())
    state = replace(
        DemoState(),
        activation="sigmoid",
        length=3,
        params=Params.scalar(w_xh=0.5, w_hh=5.0, w_hy=1.0, b_h=-2.5),
    )
    assert reach_at_0(state.params, state.xs(), "sigmoid") >= 1e-3
    assert not check("vanish", state)


def test_2_explanation_sigmoid_slope_is_at_most_a_quarter():
    z = np.linspace(-20, 20, 4001)
    _, df = reference.ACTIVATIONS["sigmoid"]
    assert df(z).max() == pytest.approx(0.25) and df(np.array([0.0]))[0] == 0.25


# ---- 3. diverge, then converge ---------------------------------------------------------------

RAW_FIB = replace(DemoState(), sequence="fibonacci", activation="linear", lr=0.001, clip=False)
LIN_LIN = replace(DemoState(), sequence="linear", normalized=True, activation="linear")


def test_3_diverge_then_clipping_back_on_converges():
    bad, after = run("bptt", RAW_FIB)
    assert bad["status"] == "diverged"
    assert not check("diverge", after, [bad])
    assert progress("diverge", after, [bad]).startswith(
        f"Training diverged at epoch {bad['evaluations']}. Put back"
    )
    again = replace(after, params=RAW_FIB.params, clip=True)  # Default weights, clipping on
    good, done = run("bptt", again)
    assert good["status"] == "done" and good["last_loss"] < good["first_loss"]
    assert check("diverge", done, [bad, good])


def test_3_diverge_then_a_lower_learning_rate_converges():
    bad, after = run("bptt", replace(LIN_LIN, lr=0.5, clip=False))
    assert bad["status"] == "diverged"
    good, done = run("bptt", replace(LIN_LIN, lr=0.1, clip=False))
    assert good["status"] == "done" and good["last_loss"] < 1e-3
    assert check("diverge", done, [bad, good])


def test_3_needs_the_same_start_the_same_data_a_real_fix_and_the_right_order():
    bad, after = run("bptt", replace(LIN_LIN, lr=0.5, clip=False))
    # training from other weights is not the same start
    moved = with_weight(LIN_LIN.params, "b_y", 0.1)
    other_start, _ = run("bptt", replace(LIN_LIN, lr=0.1, clip=False, params=moved))
    assert other_start["status"] == "done"
    assert not check("diverge", after, [bad, other_start])
    assert "started from other weights" in progress("diverge", after, [bad, other_start])
    # the same start and a lower rate, but on other data
    other_data, _ = run("bptt", replace(LIN_LIN, lr=0.1, sequence="alternating"))
    assert other_data["status"] == "done"
    assert not check("diverge", after, [bad, other_data])
    # converging first and diverging afterwards is the wrong way round
    good, _ = run("bptt", replace(LIN_LIN, lr=0.1, clip=False))
    assert not check("diverge", after, [good, bad])
    # clipping on at the same rate does not converge here: it is not counted
    clipped, _ = run("bptt", replace(LIN_LIN, lr=0.5, clip=True))
    assert clipped["status"] == "done" and clipped["last_loss"] > clipped["first_loss"]
    assert not check("diverge", after, [bad, clipped])
    assert "did not end with a lower loss" in progress("diverge", after, [bad, clipped])
    # the same settings again
    same, _ = run("bptt", replace(LIN_LIN, lr=0.5, clip=False))
    assert not check("diverge", after, [bad, same])


# ---- 4. beat random search -------------------------------------------------------------------


def test_4_bptt_from_the_default_weights_beats_random_search_on_the_first_screen():
    state = DemoState()  # sine, tanh, lr 0.05, the page's first screen
    search, after_search = run("random", state)
    bptt, done = run("bptt", replace(after_search, params=state.params))  # Default weights
    assert bptt["last_loss"] < search["best_loss"] <= bptt["first_loss"]
    assert check("beat-random", done, [search, bptt])
    assert check("beat-random", done, [bptt, search])  # either order
    text = progress("beat-random", done, [search])
    assert text == (
        f"Random Search's best after 300 tries: {search['best_loss']:.3g}. "
        "Now train with BPTT for 300 epochs on the same settings."
    )


def test_4_training_from_random_searchs_best_does_not_count():
    search, after_search = run("random", DemoState())
    bptt, done = run("bptt", after_search)  # starts at the search's best
    assert bptt["last_loss"] < search["best_loss"] == bptt["first_loss"]  # it did go lower
    assert not check("beat-random", done, [search, bptt])
    assert "start from worse weights" in progress("beat-random", done, [search, bptt])


def test_4_is_not_solved_when_bptt_loses_or_the_settings_differ():
    raw = replace(DemoState(), sequence="fibonacci", activation="linear")
    search, _ = run("random", raw)
    bptt, done = run("bptt", raw)  # raw Fibonacci: clipped steps hop across the valley
    assert bptt["last_loss"] > search["best_loss"]
    assert not check("beat-random", done, [search, bptt])
    assert progress("beat-random", done, [search, bptt]).endswith(
        f"Your BPTT run ended at {bptt['last_loss']:.3g}."
    )
    sine_search, _ = run("random", DemoState())
    sine_bptt, _ = run("bptt", replace(DemoState(), activation="linear"))
    assert sine_bptt["last_loss"] < sine_search["best_loss"]
    assert not check("beat-random", done, [sine_search, sine_bptt])  # another activation
    fast = replace(DemoState(), lr=0.3)
    steps = list(train_bptt(fast.params, fast.xs(), "tanh", 0.3, 5.0, RUN_LENGTH))
    stopped = run_record("bptt", fast, steps[0], steps[199], finished=False)
    assert stopped["status"] == "stopped" and stopped["last_loss"] < sine_search["best_loss"]
    assert not check("beat-random", done, [sine_search, stopped])  # not 300 evaluations
    full = run_record("bptt", fast, steps[0], steps[-1])
    assert check("beat-random", done, [sine_search, full])


# ---- 5. sine ---------------------------------------------------------------------------------


def rotation():
    """Two linear units that rotate by π/4 per step: y_t = sin(π(t+1)/4) exactly.

    With W_xh = 0 the state is h_t = (I − R^{t+1})·u for u = (I − R)^{-1}·b_h; choosing
    u = (1, 0) and W_hy = (0, −1) leaves y_t = sin((t+1)·π/4), the next sample."""
    c, s = math.cos(math.pi / 4), math.sin(math.pi / 4)
    return Params(
        w_xh=[0.0, 0.0], w_hh=[[c, -s], [s, c]], w_hy=[0.0, -1.0], b_h=[1 - c, -s], b_y=0.0
    )


def test_5_two_units_can_be_exact():
    state = replace(DemoState(), activation="linear", params=rotation())
    loss = forward(state.params, state.xs(), "linear").loss
    assert loss < 1e-20 and reference.forward(state.params, state.xs(), "linear")[3] < 1e-20
    assert check("sine", state)
    assert check("sine", replace(state, length=64, normalized=True))


def test_5_hint_two_linear_units_get_there_in_one_train_click():
    state = replace(DemoState(), activation="linear").with_hidden(2)
    _, trained = run("bptt", state)
    loss = forward(trained.params, trained.xs(), "linear").loss
    assert loss < 1e-3
    assert check("sine", trained)
    assert progress("sine", state).endswith("with 2 hidden units; the goal is below 0.001.")


@pytest.mark.parametrize("activation", ["linear", "tanh"])
def test_5_hint_one_unit_stalls_above_0_04(activation):
    state = replace(DemoState(), activation=activation)
    _, trained = run("bptt", state, epochs=2000)
    best = min(forward(trained.params, trained.xs(), activation).loss, 1.0)
    assert 0.04 < best < 0.06
    assert not check("sine", trained)
    assert progress("sine", trained) == (
        f"The loss is {best:.3g} with 1 hidden unit; the goal is below 0.001."
    )


def test_5_needs_sine_of_length_12_or_more():
    state = replace(DemoState(), activation="linear", params=rotation())
    assert forward(state.params, make_sequence("sine", 6), "linear").loss < 1e-20
    assert not check("sine", replace(state, length=6))
    assert not check("sine", replace(state, sequence="alternating"))


# ---- 6. cliff --------------------------------------------------------------------------------


def cliff_event(params, xs, lr=0.05):
    """The cliff_step event for one step from params with clipping at 5 and without."""
    _, grads, _ = reference.gradients(params, xs, "tanh")
    g = np.concatenate([np.ravel(v) for v in grads.values()])
    clipped = np.clip(g, -5.0, 5.0)
    return {
        "kind": "cliff_step",
        "clipped_move": float(lr * np.linalg.norm(clipped)),
        "unclipped_move": float(lr * np.linalg.norm(g)),
    }


def test_6_a_wall_on_the_alternating_landscape_is_a_cliff_and_the_plateau_is_not():
    xs = make_sequence("alternating", 64, normalized=True)
    points = []  # a 48 × 48 map over W_hh × b_h, as the landscape panel draws it
    for i in range(48):
        for j in range(48):
            w_hh, b_h = -3 + 6 * i / 47, -3 + 6 * j / 47
            p = Params.scalar(w_xh=0.5, w_hh=w_hh, w_hy=2.0, b_h=b_h)
            points.append((math.hypot(*backward(p, xs, "tanh").grads.flat()), p))
    points.sort(key=lambda item: item[0])
    steepest, median = points[-1], points[len(points) // 2]
    assert steepest[0] > 20 * statistics.median(n for n, _ in points)
    wall = cliff_event(steepest[1], xs)
    assert wall["unclipped_move"] >= CLIFF_RATIO * wall["clipped_move"]
    assert check("cliff", DemoState(), [wall])
    flat = cliff_event(median[1], xs)
    assert flat["unclipped_move"] < CLIFF_RATIO * flat["clipped_move"]
    assert not check("cliff", DemoState(), [flat])
    ratio = flat["unclipped_move"] / flat["clipped_move"]
    assert f"{ratio:.3g} times as far" in progress("cliff", DemoState(), [flat])
    # rnn_py's clip agrees with the event's clipped step
    grads = backward(steepest[1], xs, "tanh").grads
    clipped = clip(grads, 5.0).flat()
    assert math.isclose(0.05 * math.hypot(*clipped), wall["clipped_move"], rel_tol=1e-9)


def test_6_the_landscape_panels_step_at_the_cliffs_preset_solves_it():
    from rnn_py.studies.landscape import CLIFFS, cliff_step

    step = cliff_step(CLIFFS.params, CLIFFS.xs(), CLIFFS.activation, lr=CLIFFS.lr)
    event = {"kind": "cliff_step", "clipped_move": step.clipped_move,
             "unclipped_move": step.unclipped_move}  # fmt: skip
    assert check("cliff", DemoState(), [event])
    # a step from the first screen's weights, on a gentle slope, is not a cliff step
    gentle = cliff_step(DemoState().params, DemoState().xs(), "tanh")
    event = {"kind": "cliff_step", "clipped_move": gentle.clipped_move,
             "unclipped_move": gentle.unclipped_move}  # fmt: skip
    assert gentle.unclipped_move < CLIFF_RATIO * gentle.clipped_move
    assert not check("cliff", DemoState(), [event])
    assert progress("cliff", DemoState()) == "No step at a wall yet: open the Loss landscape panel."


@pytest.mark.parametrize(
    "moves",
    [(0.0, 1.0), (math.nan, 1.0), (0.1, math.nan), (None, 5.0), (0.1, "9")],
)
def test_6_malformed_steps_never_count(moves):
    event = {"kind": "cliff_step", "clipped_move": moves[0], "unclipped_move": moves[1]}
    assert not check("cliff", DemoState(), [event])


def test_6_an_unclipped_step_that_overflows_counts():
    event = {"kind": "cliff_step", "clipped_move": 0.5, "unclipped_move": math.inf}
    assert check("cliff", DemoState(), [event])


# ---- 7. explode ------------------------------------------------------------------------------


def test_7_linear_with_w_hh_2_explodes_to_2_to_the_11():
    state = replace(
        DemoState(), activation="linear", params=with_weight(DemoState().params, "w_hh", 2.0)
    )
    assert reach_at_0(state.params, state.xs(), "linear") == pytest.approx(2048.0)
    assert check("explode", state)
    assert not check("explode", replace(state, length=10))  # 2⁹ = 512


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
@pytest.mark.parametrize("w_hh", [2.0, 3.0, 5.0])
def test_7_explanation_tanh_and_sigmoid_saturate_at_large_w_hh(activation, w_hh):
    state = replace(
        DemoState(), activation=activation, params=with_weight(DemoState().params, "w_hh", w_hh)
    )
    assert reach_at_0(state.params, state.xs(), activation) < 1.0
    assert not check("explode", state)


# ---- robustness, the panel's data and storage ------------------------------------------------


def test_checks_survive_junk_events_and_a_bad_custom_sequence():
    junk = [{}, {"kind": "run"}, {"kind": "run", "method": "bptt", "status": "diverged"},
            {**HAND, "params": "x"}, {"kind": "cliff_step"}, {"kind": "weights"}]  # fmt: skip
    bad = replace(DemoState(), sequence="custom", custom="1, 2, abc")
    for c in CHALLENGES:
        for state in (DemoState(), bad, replace(LINEAR, activation="relu")):
            assert c.check(state, junk) is False
            assert isinstance(c.progress(state, junk), str)


def test_solved_now_checks_only_what_is_not_ticked_yet():
    state, events = by_hand(LINEAR, w_hh=0.0, w_xh=1.0, b_y=0.2)
    assert solved_now(state, events) == ["by-hand"]
    assert solved_now(state, events, {"by-hand"}) == []
    sigmoid = replace(DemoState(), activation="sigmoid")
    assert solved_now(sigmoid, []) == ["vanish"]


def test_panel_data_is_json_and_shows_explanations_only_when_solved():
    data = panel_data(DemoState(), [], {"vanish"}, focus=3)
    json.dumps(data, allow_nan=False)
    assert [item["number"] for item in data["items"]] == list(range(1, len(CHALLENGES) + 1))
    assert data["focus"] == 3 and data["count"] == 1
    assert data["summary"] == f"1 of {len(CHALLENGES)} solved"
    for item, c in zip(data["items"], CHALLENGES, strict=True):
        assert item["solved"] == (c.id == "vanish")
        assert item["explanation"] == (c.explanation if item["solved"] else "")
        assert item["progress"] == ("" if item["solved"] else c.progress(DemoState(), []))
    for focus in (0, len(CHALLENGES) + 1, None, "2"):
        assert panel_data(DemoState(), [], set(), focus=focus)["focus"] is None


def test_stored_progress_round_trips_and_junk_is_ignored():
    ids = {"by-hand", "cliff"}
    assert load_progress(dump_progress(ids)) == ids
    assert load_progress(dump_progress(set())) == set()
    for text in (None, "", "[]", "null", '{"solved": "by-hand"}', '{"solved": [["sine"]]}',
                 "[" * 5000, '{"solved": ["sine"]}' + " " * 20000):  # fmt: skip
        assert load_progress(text) == set()


def test_reset_forgets_the_events_before_it():
    state, events = by_hand(LINEAR, w_hh=0.0, w_xh=1.0, b_y=0.2)
    assert check("by-hand", state, since_reset(events))
    after = [*events, {"kind": RESET}]
    assert since_reset(after) == [] and not check("by-hand", state, since_reset(after))
    assert since_reset([*after, HAND]) == [HAND]
    assert check("by-hand", state, since_reset([*after, HAND]))


def test_challenge_3_offers_to_put_back_the_diverged_runs_start():
    start = replace(LIN_LIN, lr=1.0, clip=False, params=default_params(2, 1))
    bad, after = run("bptt", start)
    assert bad["status"] == "diverged" and after.params != start.params
    assert restore_point([bad]) == start.params and restore_point([]) is None
    item = panel_data(after, [bad], set())["items"][2]
    assert item["id"] == "diverge" and item["restore"] is True
    assert (
        panel_data(replace(after, params=start.params), [bad], set())["items"][2]["restore"]
        is False
    )
    assert panel_data(after, [bad], {"diverge"})["items"][2]["restore"] is False
    assert not any(item["restore"] for item in panel_data(after, [], set())["items"])


def test_a_link_names_a_challenge_by_number():
    state, notices = from_query("challenge=3")
    assert state.challenge == 3 and notices == []
    assert "challenge=3" in to_query(state)
    assert "challenge" not in to_query(DemoState())
    for bad in ("0", str(len(CHALLENGES) + 1), "two", "1.5"):
        state, notices = from_query("challenge=" + bad)
        assert state.challenge is None and len(notices) == 1 and "Challenge" in notices[0]


def test_the_module_examples_run():
    assert doctest.testmod(lessons).failed == 0


# ---- every threshold, just either side -------------------------------------------------------


def either_side(measure, make, low, high, threshold):
    """Bisect a weight t in [low, high] (measure(make(t)) crossing threshold between them) to
    two states whose measured values lie just below and just above the threshold, within one
    part in 10⁶ of it; the measure is computed independently of rnn_py.lessons."""
    below_at_low = measure(make(low)) < threshold
    assert below_at_low != (measure(make(high)) < threshold)
    for _ in range(200):
        mid = (low + high) / 2
        if (measure(make(mid)) < threshold) == below_at_low:
            low = mid
        else:
            high = mid
        values = [measure(make(low)), measure(make(high))]
        if all(abs(v / threshold - 1) < 1e-6 for v in values):
            break
    below, above = (make(low), make(high)) if below_at_low else (make(high), make(low))
    assert (
        measure(below) < threshold < measure(above) and abs(measure(above) / threshold - 1) < 1e-6
    )
    return below, above


def ref_loss(state):
    return float(reference.forward(state.params, state.xs(), state.activation)[3])


def test_threshold_1_loss_below_0_05():
    trained = run("bptt", LINEAR)[1]  # a low loss, then b_y moved until the loss is 0.05
    b = trained.params.b_y

    def make(t):
        return replace(trained, params=with_weight(trained.params, "b_y", t))

    below, above = either_side(ref_loss, make, b, b + 1.0, 0.05)
    assert check("by-hand", below, [HAND]) and not check("by-hand", above, [HAND])


def test_threshold_2_reach_below_0_001():
    state = replace(DemoState(), activation="sigmoid")

    def make(t):  # b_h = −W_hh/2 keeps z near 0, where the sigmoid's slope is largest
        return replace(state, params=replace(state.params, w_hh=[[t]], b_h=[-t / 2]))

    def reach(s):
        return reach_at_0(s.params, s.xs(), s.activation)

    below, above = either_side(reach, make, 1.0, 4.0, 1e-3)
    assert check("vanish", below) and not check("vanish", above)


def test_threshold_7_reach_above_1000():
    state = replace(DemoState(), activation="linear")

    def make(t):
        return replace(state, params=with_weight(state.params, "w_hh", t))

    def reach(s):
        return reach_at_0(s.params, s.xs(), s.activation)

    below, above = either_side(reach, make, 1.0, 2.0, 1e3)
    assert check("explode", above) and not check("explode", below)


def test_threshold_5_sine_loss_below_0_001_and_length_12():
    from rnn_py.studies.units import exact_two_units

    state = replace(DemoState(), normalized=True, activation="linear")
    exact = exact_two_units(state.xs())

    def make(t):  # every prediction off by t: the loss is t² (up to rounding)
        return replace(state, params=replace(exact, b_y=exact.b_y + t))

    below, above = either_side(ref_loss, make, 0.0, 0.1, 1e-3)
    assert check("sine", below) and not check("sine", above)
    short = replace(state, length=lessons.MIN_SINE_LENGTH - 1)
    exact_short = replace(short, params=exact_two_units(short.xs()))
    assert ref_loss(exact_short) < 1e-20 and not check("sine", exact_short)
    assert lessons.MIN_SINE_LENGTH == 12  # the goal's text: "length at least 12"


@pytest.mark.parametrize(("unclipped", "solved"), [(10.0, True), (10.0 * (1 - 1e-9), False)])
def test_threshold_6_cliff_ratio_10(unclipped, solved):
    step = {"kind": "cliff_step", "clipped_move": 1.0, "unclipped_move": unclipped}
    assert check("cliff", DemoState(), [step]) is solved
    assert "at least 10 times" in BY_ID["cliff"].goal


def test_threshold_4_beat_just_either_side():
    settings = DemoState()
    common = {k: v for k, v in run_record("bptt", settings, *[_S(1.0)] * 2).items()}

    def record(method, first, last, best):
        return {**common, "method": method, "status": "done", "evaluations": RUN_LENGTH,
                "first_loss": first, "last_loss": last, "best_loss": best}  # fmt: skip

    search = record("random", 0.5, 0.5, 0.1)
    eps = 1e-12
    assert check("beat-random", settings, [search, record("bptt", 0.2, 0.1 - eps, 0.1 - eps)])
    assert not check("beat-random", settings, [search, record("bptt", 0.2, 0.1, 0.1)])
    assert check("beat-random", settings, [search, record("bptt", 0.1 + eps, 0.05, 0.05)])
    assert not check("beat-random", settings, [search, record("bptt", 0.1, 0.05, 0.05)])


def test_threshold_3_a_rate_just_lower_counts_the_same_rate_does_not():
    bad, _ = run("bptt", replace(LIN_LIN, lr=0.5, clip=False))
    good, _ = run("bptt", replace(LIN_LIN, lr=0.1, clip=False))
    assert check("diverge", LIN_LIN, [bad, {**good, "lr": 0.5 * (1 - 1e-12)}])
    assert not check("diverge", LIN_LIN, [bad, {**good, "lr": 0.5}])
    assert check("diverge", LIN_LIN, [bad, {**good, "lr": 0.5, "clip": True}])


class _S:
    """A stand-in Step for run_record: only the fields it reads."""

    def __init__(self, loss):
        self.status, self.evaluations, self.loss, self.best_loss = "done", RUN_LENGTH, loss, loss


def test_links_accept_exactly_the_challenges_there_are():
    """state.CHALLENGE_COUNT (kept there so the first screen need not import the lessons)."""
    from rnn_py import lessons
    from rnn_py.page import state

    assert len(lessons.CHALLENGES) == state.CHALLENGE_COUNT
    n = len(lessons.CHALLENGES)
    assert state.from_query(f"challenge={n}")[0].challenge == n
    good, notices = state.from_query(f"challenge={n + 1}")
    assert good.challenge is None and notices
