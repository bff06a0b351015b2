"""Light snapshots (issue 18): a drag's input events and an animation's frames compute only the
views on screen. Each view's data in a light snapshot must be exactly the full snapshot's, the
work for views left out must not be done, and the address must wait for the full one."""

from __future__ import annotations

import json
from itertools import combinations

import pytest

from rnn_py import cells, train_bptt
from rnn_py.page.state import from_query
from rnn_py.page.view import (
    VIEWS,
    History,
    _model_part,
    all_drawable,
    drawable,
    snapshot,
    snapshot_json,
)

# Which snapshot keys each view's painter reads (site/js/index.js, charts.js, unrolled.js).
KEYS = {
    # the grid's values (js/weights.js reads each cell's value from "weights"); its cells, which
    # only build the grid, come in full snapshots (test_the_grid_is_built_from_full_snapshots)
    "grid": lambda s: s["weights"],
    "table": lambda s: (s["rows"], s["forecast_from"], s["columns"]),
    "equation": lambda s: s["equation"],
    "seq": lambda s: {k: s["charts"].get(k) for k in ("t", "x", "target", "y", "forecast")},
    "hidden": lambda s: (s["charts"]["t"], s["charts"]["h"]),
    "grad": lambda s: {k: s["charts"].get(k) for k in ("t", "reach", "grad", "reach_c")},
    "loss": lambda s: s["charts_loss"],
    "unrolled": lambda s: (
        s["T"], s["step"], s["current"],
        {k: s["charts"].get(k) for k in ("x", "y", "h", "c", "reach", "c_flow", "activation")},
    ),
}  # fmt: skip
ALWAYS = ("settings", "running", "status", "status_warn", "ok", "error", "T", "step", "loss",
          "notices", "n", "cell")  # fmt: skip

QUERIES = [
    "seq=sine&norm=1",
    "seq=sine&norm=1&n=3&len=9&forecast=1",
    "seq=fib&n=2&cell=gru",
    "seq=sine&norm=1&n=2&cell=lstm&step=4",
    "seq=remember&gap=3&n=2&cell=lstm",
]


def _history():
    """A visit with one short BPTT run, so the loss chart has something to draw."""
    state, _ = from_query("seq=sine&norm=1")
    history = History()
    for step in train_bptt(state.params, state.xs(), state.activation, lr=0.05, epochs=5):
        history.add(step)
    return history


@pytest.mark.parametrize("query", QUERIES)
def test_the_grid_is_built_from_full_snapshots(query):
    """A full snapshot lists every grid cell, whose value is the one the painter finds in the
    weights by its param and index; a light one lists none (it never changes the grid's shape)."""
    state, _ = from_query(query)
    full = json.loads(snapshot_json(state))
    assert [c["value"] for c in full["cells"]] == state.params.flat()
    for c in full["cells"]:
        value = full["weights"][c["param"]]
        for i in c["index"]:
            value = value[i]
        assert value == c["value"], c
    assert json.loads(snapshot_json(state, views=("grid",)))["cells"] == []


@pytest.mark.parametrize("query", QUERIES)
def test_every_view_of_a_light_snapshot_is_the_full_snapshots(query):
    state, _ = from_query(query)
    history = _history()
    full = json.loads(snapshot_json(state, history, running="bptt", status="Training…"))
    assert full["views"] is None and full["query"]
    for size in (1, 2, 3):
        for views in combinations(VIEWS, size):
            light = json.loads(snapshot_json(state, history, running="bptt", status="Training…",
                                             views=views))  # fmt: skip
            assert light["views"] == [v for v in VIEWS if v in views]
            assert "query" not in light and "full_query" not in light
            for key in ALWAYS:
                assert light[key] == full[key], (views, key)
            for view in views:
                assert KEYS[view](light) == KEYS[view](full), (query, views, view)


def test_an_empty_light_snapshot_still_carries_the_status_and_loss():
    state, _ = from_query("seq=sine&norm=1&n=4")
    light = snapshot(state, views=())
    full = snapshot(state)
    assert light["views"] == [] and light["loss"] == full["loss"]
    assert light["rows"] == [] and light["equation"] == [] and light["cells"] == []
    assert "reach" not in light["charts"] and "charts_loss" not in light


def test_views_off_screen_are_not_computed(monkeypatch):
    """The reach and backward pass run only for the views that draw them (unrolled, grad)."""
    calls = []
    real_backward, real_reach = cells.state_grads, cells.reach
    real_both = cells.state_grads_and_reach
    monkeypatch.setattr(
        cells, "state_grads", lambda *a, **k: calls.append("b") or real_backward(*a, **k)
    )
    monkeypatch.setattr(cells, "reach", lambda *a, **k: calls.append("r") or real_reach(*a, **k))
    monkeypatch.setattr(
        cells, "state_grads_and_reach", lambda *a, **k: calls.append("br") or real_both(*a, **k)
    )
    state, _ = from_query("seq=sine&norm=1&n=3&cell=gru")
    _model_part.cache_clear()
    snapshot(state, views=("table", "equation", "seq", "hidden", "grid", "loss"))
    assert calls == []
    snapshot(state, views=("unrolled",))  # the GRU's unrolled network draws the reach only
    assert calls == ["r"]
    snapshot(state, views=("grad",))  # the same model: the reach is kept, the gradients come
    assert calls == ["r", "b"]
    snapshot(state, views=("unrolled", "grad"))
    assert calls == ["r", "b"]
    lstm, _ = from_query("seq=sine&norm=1&n=3&cell=lstm")
    snapshot(lstm, views=("unrolled",))  # its c lane draws the gradient along c: one sweep
    assert calls == ["r", "b", "br"]


def test_a_light_snapshot_of_a_bad_sequence_keeps_the_message():
    state, _ = from_query("seq=custom&custom=1,2,zebra")
    light = snapshot(state, views=("table",))
    assert light["ok"] is False and "zebra" in light["error"]


def test_a_light_snapshot_brings_the_address_only_when_asked():
    state, _ = from_query("seq=sine&norm=1&n=2")
    full = snapshot(state)
    asked = snapshot(state, views=("unrolled",), address=True)
    assert asked["query"] == full["query"] and asked["full_query"] == full["full_query"]
    assert "query" not in snapshot(state, views=("unrolled",), address=False)


@pytest.mark.parametrize(
    ("values", "ok"),
    [
        ([], True),
        ([0.5, -1e12, 1e12, 3], True),
        ([0.5, 1e12 * (1 + 1e-15)], False),
        ([float("nan"), 0.5], False),  # nan first: max() keeps it
        ([0.5, float("nan")], False),  # nan later: max() skips it, the sum does not
        ([0.5, float("inf")], False),
        ([float("-inf"), 0.5], False),
    ],
)
def test_all_drawable_agrees_with_drawable(values, ok):
    assert all_drawable(values) is ok
    assert ok == all(drawable(v) is not None for v in values)


@pytest.mark.parametrize(
    "query",
    [
        "seq=sine&norm=1&n=3&cell=lstm&step=5",
        "seq=sine&n=2&act=relu&w=1,1,30,0,0,30,1,1,0,0,0&len=64",  # explodes: gaps, a notice
        "seq=sine&norm=1&n=2&cell=gru",
    ],
)
def test_chart_series_are_the_drawable_values(query):
    """The charts' x, y, h (and c) series are drawable(v) of every value, None after the step
    shown, whether the whole snapshot is drawable (the fast path) or not."""
    state, _ = from_query(query)
    s = snapshot(state)
    trace = cells.forward(state.params, state.xs(), state.activation, state.targets())
    step, T = s["step"], s["T"]
    assert s["charts"]["x"] == [drawable(v) for v in state.xs()]
    assert s["charts"]["y"] == [drawable(v) if t < step else None for t, v in enumerate(trace.y)]
    for key, states in (("h", trace.h), ("c", trace.c)):
        if states is None:
            continue
        want = [[drawable(states[t][i]) if t < step else None for t in range(T)]
                for i in range(state.hidden)]  # fmt: skip
        assert s["charts"][key] == want
    assert ("too large to draw" in " ".join(s["notices"])) == (
        not all_drawable([*state.xs(), *trace.y, *(v for h in trace.h for v in h)])
    )
