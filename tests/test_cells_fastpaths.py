"""The gated cells' quicker paths give what the plain definitions give: the reach from per-step
Jacobians against unit vectors sent back through each cell's own step_back, the shared forward
trace, check_params without a dict round trip, the weight grids from cached templates, and a
link's weights text."""

import math
import random
import struct

import pytest

from rnn_py import cells
from rnn_py.cells import gru, lstm
from rnn_py.cells import vanilla as model
from rnn_py.page import grid
from rnn_py.page.state import DemoState, format_number, from_query, to_query

GATED = ("gru", "lstm")


def _params(cell, n, seed, scale=1.0):
    cls = cells.params_class(cell)
    rng = random.Random(seed)
    return cls.from_flat(n, [rng.uniform(-scale, scale) for _ in range(cls.size(n))])


def _xs(seed, T=9):
    rng = random.Random(500 + seed)
    return [rng.uniform(-1.0, 1.0) for _ in range(T)]


def _reach_by_sweeps(params, xs):
    """The definition: row k of ∂h_{T−1}/∂h_t is e_k sent back through step_back (c_t held)."""
    cell = cells.make_cell(params.CELL)
    tr = cells._forward(params, xs, cell)
    T, n = len(xs), params.n
    zeros = [0.0] * n
    squares = [0.0] * T
    for k in range(n):
        dh, dc = [1.0 if i == k else 0.0 for i in range(n)], zeros
        for t in range(T - 1, -1, -1):
            squares[t] += sum(v * v for v in dh)
            if t == 0:
                break
            c_prev = tr.c[t - 1] if cell.has_c else zeros
            c = tr.c[t] if cell.has_c else None
            _, dh, dc = cell.step_back(params, tr.gates[t], tr.h[t - 1], c_prev, c, dh, dc, None)
            dc = dc if cell.has_c else zeros
    return [math.sqrt(s) for s in squares]


@pytest.mark.parametrize("cell", GATED)
@pytest.mark.parametrize("n", [1, 2, 3, 5])
@pytest.mark.parametrize("scale", [1.0, 4.0])
def test_reach_equals_unit_vectors_sent_back_through_step_back(cell, n, scale):
    for seed in range(2):
        params, xs = _params(cell, n, seed, scale), _xs(seed)
        assert cells.reach(params, xs) == pytest.approx(_reach_by_sweeps(params, xs), rel=1e-12)


@pytest.mark.parametrize("cell", GATED)
def test_reach_is_the_same_with_or_without_a_backward_pass_before_it(cell):
    params, xs = _params(cell, 4, 3), _xs(3)
    cells.backward(params, _xs(4))  # another sequence: its trace must not be used
    alone = cells.reach(params, xs)
    assert alone == pytest.approx(_reach_by_sweeps(params, xs), rel=1e-12)
    g = cells.backward(params, xs, targets=[None] * (len(xs) - 1) + [xs[0]])
    assert cells.reach(params, xs) == alone
    if cell == "lstm":
        f = [gates["f"] for gates in g.trace.gates]  # c_{T−1} against c_0: f_1 ⊙ … ⊙ f_{T−1}
        want = math.hypot(*(math.prod(f_t[i] for f_t in f[1:]) for i in range(params.n)))
        assert cells.cell_state_reach(params, xs)[0] == pytest.approx(want, rel=1e-12)
    # the same numbers but one weight changed: a new trace, not the remembered one
    other = type(params).from_flat(params.n, [params.flat()[0] + 0.5, *params.flat()[1:]])
    assert cells.reach(other, xs) == pytest.approx(_reach_by_sweeps(other, xs), rel=1e-12)
    assert cells.reach(other, xs) != alone


def test_reach_overflows_to_inf_or_nan_without_an_exception():
    params = _params("lstm", 3, 1, scale=1e5)
    reach = cells.reach(params, _xs(1, T=30))
    assert len(reach) == 30 and reach[-1] == pytest.approx(math.sqrt(3))


@pytest.mark.parametrize("cell", GATED)
def test_check_params_still_names_what_is_wrong(cell):
    good = _params(cell, 3, 7)
    cells.check_params(good)
    gate = cells.params_class(cell).GATES[1]
    cases = {
        f"w_h{gate}": lambda d: d[f"w_h{gate}"][1].pop(),
        f"b_{gate}": lambda d: d[f"b_{gate}"].append(0.0),
        f"w_x{gate}": lambda d: d[f"w_x{gate}"].__setitem__(0, float("nan")),
        "b_y": lambda d: d.__setitem__("b_y", float("inf")),
    }
    for name, spoil in cases.items():
        d = good.to_dict()
        spoil(d)
        bad = type(good)(**d)  # built without from_dict's checks
        with pytest.raises(ValueError, match=name):
            cells.check_params(bad)
    broken = _params(cell, 2, 1)
    del broken.w_hy
    with pytest.raises((ValueError, AttributeError)):
        cells.check_params(broken)


def test_format_number_is_the_shortest_exact_text():
    """The fast path for floats agrees with the rule 'whole numbers below 1e15 without .0,
    everything else as repr' on random bit patterns and on the edges."""

    def rule(x):
        return str(int(x)) if x == int(x) and abs(x) < 1e15 else repr(x)

    rng = random.Random(0)
    edges = [0.0, -0.0, 1.0, -7.0, 1e15, -1e15, 1e15 - 1, 1e16, 2.0**53, 0.1, 5e-324, 1e-7]
    values = edges + [struct.unpack("d", struct.pack("Q", rng.getrandbits(64)))[0]
                      for _ in range(20000)]  # fmt: skip
    values += [float(rng.randint(-(10**17), 10**17)) for _ in range(5000)]
    for x in values:
        if math.isfinite(x):
            assert format_number(x) == rule(x), x
    assert format_number(-0.0) == "0" and format_number(3) == "3" and format_number(True) == "1"
    with pytest.raises(ValueError):
        format_number(float("nan"))


def test_links_tell_zero_from_minus_zero_and_follow_every_change():
    state, _ = from_query("seq=sine&n=2&cell=gru")
    values = state.params.flat()
    for first in (0.0, -0.0, 0.25, 0.0):
        p = gru.Params.from_flat(2, [first, *values[1:]])
        query = to_query(DemoState(params=p))
        w = dict(part.split("=", 1) for part in query.split("&"))["w"]
        assert w.split(",")[0] == format_number(first)
        assert from_query(query)[0].params == p


@pytest.mark.parametrize("params", [lstm.Params.random(3, 2), model.Params.random(2, 1)])
def test_weight_cells_are_fresh_each_time(params):
    first = grid.weight_cells(params)
    first[0]["index"].append(99)
    first[1]["label"] = "spoilt"
    again = grid.weight_cells(params)
    assert again[0]["index"] == [0] and again[1]["label"] != "spoilt"
    assert [c["value"] for c in again] == params.flat()


def test_reach_sees_weights_changed_in_place_after_backward():
    """The console may set params.w_hh[0][0] = … on the page's own weights: no stale trace."""
    params, xs = _params("gru", 3, 9), _xs(9)
    cells.backward(params, xs)
    before = cells.reach(params, xs)
    params.w_hz[0][1] += 2.0
    params.w_xr[2] = -0.0 if params.w_xr[2] == 0.0 else params.w_xr[2] * 3
    after = cells.reach(params, xs)
    assert after != before
    assert after == pytest.approx(_reach_by_sweeps(params, xs), rel=1e-12)
