"""The weight grids (two or more hidden units) and hidden sizes up to 8, used as a person would.

Every number read off the page is recomputed on CPython with rnn_py.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from conftest import ARTIFACTS, address
from test_page import fmt, table
from test_robust import AXE_RUN, type_into, wait_for_run

import build
import rnn_py
from rnn_py.page.state import (
    DemoState,
    default_params,
    from_query,
    to_query,
    weight_cells,
    with_cell,
)

STEP = 0.05  # what Page Up adds to a cell
DRAG = 0.01  # what dragging one pixel up adds


def expected_rows(xs, params, activation):
    """The Timesteps table with h_t as a vector, computed on CPython."""
    trace = rnn_py.forward(params, xs, activation)
    rows = []
    for t, x in enumerate(xs):
        h = trace.h[t]
        h_text = fmt(h[0]) if len(h) == 1 else "[" + ", ".join(map(fmt, h)) + "]"
        target = xs[t + 1] if t + 1 < len(xs) else None
        rows.append([
            str(t), fmt(x), h_text, fmt(trace.y[t]),
            "—" if target is None else fmt(target),
            "—" if target is None else fmt(trace.y[t] - target),
        ])  # fmt: skip
    return rows


def shown_precision(text):
    """How far a number written with this many decimals can be from the value it rounds."""
    decimals = len(text.split(".")[1]) if "." in text else 0
    return 0.5 * 10**-decimals + 1e-9


def page_state(page):
    """The DemoState the page's address describes (the page keeps it up to date)."""
    state, notices = from_query(address(page))
    assert not notices
    return state


def cell(page, label):
    return page.get_by_role("spinbutton", name=label, exact=True)


def shot(page, locator, name):
    ARTIFACTS.mkdir(exist_ok=True)
    locator.screenshot(path=str(ARTIFACTS / f"grids-{name}.png"))


def test_grid_cells_change_the_model(open_page):
    page = open_page("#seq=linear&len=8&n=3&act=tanh")
    assert page.locator("#scalar-weights").is_hidden()
    labels = [c["label"] for c in weight_cells(default_params(3, 1))]
    assert len(labels) == 19
    for label in labels:  # every weight has its own box, named as in the formulas
        assert cell(page, label).is_visible(), label
    params = default_params(3, 1)
    xs = rnn_py.make_sequence("linear", 8)
    assert table(page) == expected_rows(xs, params, "tanh")

    type_into(page, "[aria-label='W_hh[1,2]']", "0.75")
    type_into(page, "[aria-label='b_y']", "-0.3")
    type_into(page, "[aria-label='W_hy[3]']", "2")
    for name, index, value in (("w_hh", (0, 1), 0.75), ("b_y", (), -0.3), ("w_hy", (2,), 2.0)):
        params = with_cell(params, name, index, value)
    assert page_state(page).params == params
    assert table(page) == expected_rows(xs, params, "tanh")
    loss = rnn_py.forward(params, xs, "tanh").loss
    assert page.locator("output#loss").text_content().startswith(f"{loss:.4g} ")
    # The colour follows the value: orange for positive, blue for negative.
    tint = "el => getComputedStyle(el).getPropertyValue('--tint')"
    assert cell(page, "W_hy[3]").evaluate(tint).startswith("rgba(230, 159, 0")
    assert cell(page, "b_y").evaluate(tint).startswith("rgba(0, 114, 178")
    assert page.locator("#grid-msg").text_content() == ""


def test_bad_cell_values_get_a_message_and_change_nothing(open_page):
    page = open_page("#seq=sine&n=2")
    before = page_state(page).params
    type_into(page, "[aria-label='W_xh[2]']", "7")
    message = page.locator("#grid-msg")
    assert message.text_content() == "W_xh[2] goes from -5 to 5, so 7 became 5."
    assert page_state(page).params == with_cell(before, "w_xh", (1,), 5.0)
    assert cell(page, "W_xh[2]").get_attribute("aria-invalid") == "false"
    assert cell(page, "W_xh[2]").input_value() == "5"  # the value the model uses
    type_into(page, "[aria-label='W_xh[2]']", "8")  # the weight stays 5: the box still follows
    assert cell(page, "W_xh[2]").input_value() == "5"
    assert message.text_content() == "W_xh[2] goes from -5 to 5, so 8 became 5."
    before = page_state(page).params
    for text in ("", "1e", "-"):
        type_into(page, "[aria-label='W_hh[2,1]']", text)
        assert message.text_content().startswith("Type a number for W_hh[2,1], from -5 to 5")
        assert cell(page, "W_hh[2,1]").get_attribute("aria-invalid") == "true"
        assert page_state(page).params == before
    # Leaving the box shows the model's value again; a good value clears the message.
    page.keyboard.press("Tab")
    page.wait_for_function("() => document.querySelector(\"[aria-label='W_hh[2,1]']\").value")
    text = cell(page, "W_hh[2,1]").input_value()
    assert float(text) == pytest.approx(before.w_hh[1][0], abs=shown_precision(text))
    type_into(page, "[aria-label='W_hh[2,1]']", "0.5")
    assert message.text_content() == ""
    assert cell(page, "W_hh[2,1]").get_attribute("aria-invalid") == "false"
    assert page_state(page).params.w_hh[1][0] == 0.5


def snapped(v, steps):
    """Where a native number box with min -5 and step 0.05 goes after steps ArrowUp presses."""
    k = (v + 5) / STEP
    k = math.floor(k + 1e-9) + 1 if steps > 0 else math.ceil(k - 1e-9) - 1
    return round(-5 + (k + (steps - 1 if steps > 0 else steps + 1)) * STEP, 10)


def focused_label(page):
    return page.evaluate("document.activeElement.getAttribute('aria-label')")


def test_page_keys_nudge_a_cell(open_page):
    page = open_page("#seq=fibonacci&norm=1&n=2")
    state = page_state(page)
    box = cell(page, "W_xh[2]")
    box.focus()
    start = float(box.input_value())  # a focused box shows the value to 4 decimals
    assert start == round(state.params.w_xh[1], 4)
    page.keyboard.press("PageUp")
    page.keyboard.press("PageUp")
    up = snapped(start, 2)
    params = with_cell(state.params, "w_xh", (1,), up)
    assert page_state(page).params.flat() == pytest.approx(params.flat(), abs=1e-12)
    assert float(box.input_value()) == pytest.approx(up)
    page.keyboard.press("PageDown")
    assert page_state(page).params.w_xh[1] == pytest.approx(up - STEP)
    page.keyboard.press("Alt+ArrowUp")  # the same, for keyboards without Page Up
    page.keyboard.press("Alt+ArrowUp")
    page.keyboard.press("Alt+ArrowDown")
    assert page_state(page).params.w_xh[1] == pytest.approx(up)
    assert focused_label(page) == "W_xh[2]"  # nudging stays on the cell
    xs = state.xs()
    assert table(page) == expected_rows(xs, page_state(page).params, state.activation)
    for _ in range(120):  # the box's range ends at 5
        page.keyboard.press("PageUp")
    assert page_state(page).params.w_xh[1] == 5.0


def walk(page, key, times):
    labels = []
    for _ in range(times):
        page.keyboard.press(key)
        labels.append(focused_label(page))
    return labels


def test_the_grid_is_one_tab_stop_with_arrow_keys_between_cells(open_page):
    """Keyboard alone, eight units: 89 cells, one Tab stop; arrows reach every cell by name."""
    page = open_page("#seq=sine&norm=1&n=8")
    grid = page.get_by_role("grid", name="Weights of the hidden units")
    assert grid.get_by_role("row").count() == 9
    assert grid.get_by_role("gridcell").count() == 89
    labels = [c["label"] for c in weight_cells(page_state(page).params)]
    for label in labels:  # every cell keeps its accessible name, and the keys are described
        box = grid.get_by_role("spinbutton", name=label, exact=True)
        assert box.get_attribute("aria-describedby") == "grid-msg grid-keys"
    assert "arrow keys move between cells" in page.locator("#grid-keys").text_content()
    tab_stops = "[...document.querySelectorAll('#weight-grid input')].filter(e => e.tabIndex >= 0)"
    assert page.evaluate(f"{tab_stops}.length") == 1
    # Shift+Tab from the button after the grid lands on its first cell, and again leaves it.
    page.get_by_role("button", name="Default weights").focus()
    page.keyboard.press("Shift+Tab")
    assert focused_label(page) == "W_xh[1]"
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.textContent") == "About activations"
    page.keyboard.press("Tab")
    assert focused_label(page) == "W_xh[1]"
    # Along row 1: W_xh[1], W_hh[1,1..8], b_h[1]; then down the b_h column and into b_y.
    assert walk(page, "ArrowRight", 10) == [f"W_hh[1,{j}]" for j in range(1, 9)] + ["b_h[1]"] * 2
    assert walk(page, "ArrowDown", 9) == [f"b_h[{i}]" for i in range(2, 9)] + ["b_y", "b_y"]
    assert walk(page, "ArrowLeft", 9) == [f"W_hy[{j}]" for j in range(8, 0, -1)] + ["W_hy[1]"]
    assert walk(page, "ArrowUp", 1) == ["W_hh[8,1]"]
    assert walk(page, "Home", 1) + walk(page, "End", 1) == ["W_xh[8]", "b_h[8]"]
    assert walk(page, "Control+Home", 1) + walk(page, "Control+End", 1) == ["W_xh[1]", "b_y"]
    # Every cell, row by row with Home and ArrowRight: all 89, each once.
    page.keyboard.press("Control+Home")
    seen = ["W_xh[1]"]
    for r in range(9):
        if r:
            seen += walk(page, "ArrowDown", 1) + walk(page, "Home", 1)[-1:]
            seen.pop(-2)
        seen += walk(page, "ArrowRight", 9 if r < 8 else 8)
    assert sorted(seen) == sorted(labels)
    # The grid is one stop: Tab leaves it, Shift+Tab comes back to the cell last used.
    cell(page, "W_hh[3,4]").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "default-weights"
    page.keyboard.press("Shift+Tab")
    assert focused_label(page) == "W_hh[3,4]"
    assert page.evaluate(f"{tab_stops}.map(e => e.getAttribute('aria-label'))") == ["W_hh[3,4]"]
    # Cells at rest paint on their own (contain: paint); the focused one is left free, so its
    # focus ring, drawn outside its box, is not clipped.
    ring = page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
          const rest = getComputedStyle(document.querySelector('#weight-grid input:not(:focus)'));
          return [s.contain, s.outlineStyle, parseFloat(s.outlineWidth), rest.contain]; }"""
    )
    assert ring[0] == "none" and ring[1] != "none" and ring[2] > 0 and ring[3] == "paint", ring


def test_typing_then_arrows_edit_the_text(open_page):
    page = open_page("#seq=sine&n=2")
    state = page_state(page)
    cell(page, "W_hh[1,1]").focus()
    page.keyboard.type("0.35")  # replaces the selected value; the arrow keys now edit the text
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Backspace")
    page.keyboard.press("Enter")  # sets it, and the arrow keys move between cells again
    assert page_state(page).params == with_cell(state.params, "w_hh", (0, 0), 0.5)
    page.keyboard.press("ArrowRight")
    assert focused_label(page) == "W_hh[1,2]"
    page.keyboard.press("F2")  # edit without typing first
    page.keyboard.press("ArrowLeft")
    assert focused_label(page) == "W_hh[1,2]"
    page.keyboard.press("Escape")  # back to moving, the value untouched
    page.keyboard.press("ArrowDown")
    assert focused_label(page) == "W_hh[2,2]"
    assert page_state(page).params == with_cell(state.params, "w_hh", (0, 0), 0.5)


def test_dragging_a_cell_changes_its_weight(open_page):
    page = open_page("#seq=sine&n=2&act=linear")
    state = page_state(page)
    box = cell(page, "W_hh[2,2]")
    box.scroll_into_view_if_needed()
    r = box.bounding_box()
    x, y = r["x"] + r["width"] / 2, r["y"] + r["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x, y - 20, steps=4)
    page.mouse.move(x, y - 60, steps=4)
    # While dragging, every move is applied at once: the address already has the new value.
    moving = page_state(page).params.w_hh[1][1]
    assert moving == pytest.approx(round(state.params.w_hh[1][1] + 60 * DRAG, 2))
    page.mouse.up()
    params = with_cell(state.params, "w_hh", (1, 1), moving)
    assert page_state(page).params == params
    assert table(page) == expected_rows(state.xs(), params, "linear")
    # Dragging down past the limit stops at -5.
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x, y + 900, steps=6)
    page.mouse.up()
    assert page_state(page).params.w_hh[1][1] == -5.0
    # A click without a drag opens the box for typing.
    cell(page, "b_h[1]").click()
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "b_h[1]"
    page.keyboard.type("0.25")
    page.keyboard.press("Enter")
    assert page_state(page).params.b_h[0] == 0.25


def test_eight_units_train_and_show_every_unit(open_page):
    page = open_page("#seq=sine&norm=1&len=16")
    page.get_by_role("combobox", name="Hidden units").select_option("8")
    assert page.locator("#weight-grid input").count() == 89
    before = page_state(page).params
    assert before.n == 8 and before == default_params(8, 1)
    page.get_by_role("button", name="Train (BPTT)").click()
    wait_for_run(page, timeout=120_000)
    assert "BPTT: 300 epochs" in page.locator("#train-status").text_content()
    state = page_state(page)
    assert state.params != before
    # The table: h_t is a vector of 8 values, equal to rnn_py.forward on the trained weights.
    rows = table(page)
    assert rows == expected_rows(state.xs(), state.params, "tanh")
    assert all(len(row[2].strip("[]").split(", ")) == 8 for row in rows)
    # The cells show the trained weights (to the precision that fits in them).
    shown = page.eval_on_selector_all(
        "#weight-grid input", "els => els.map(el => [el.getAttribute('aria-label'), el.value])"
    )
    texts = dict(shown)
    assert len(texts) == 89
    for c in weight_cells(state.params):
        text = texts[c["label"]]
        assert float(text) == pytest.approx(c["value"], abs=shown_precision(text)), c["label"]
    # The hidden-state chart has one trace per unit, each with its own label.
    legend = page.locator("#chart-hidden .u-legend .u-series").all_text_contents()
    assert [text.strip() for text in legend] == [f"h_t[{i}]" for i in range(1, 9)]
    series = page.evaluate(
        """() => {
          const styles = getComputedStyle(document.documentElement);
          return [...Array(8).keys()].map((i) => styles.getPropertyValue(`--c-h${i + 1}`).trim());
        }"""
    )
    assert len(set(series)) == 8 and all(series)
    # The unrolled network shows 8 bars per step, as long as each unit's |h| (full length 15
    # px at |h| = 1 for tanh), right for a positive value and left for a negative one.
    trace = rnn_py.forward(state.params, state.xs(), "tanh")
    paths = page.eval_on_selector_all(
        "#unrolled .bars", "els => els.map(el => [el.classList[1], el.getAttribute('d')])"
    )
    assert len(paths) == 2 * 16
    for t in range(16):
        bars = {}
        for sign, d in paths[2 * t : 2 * t + 2]:
            for y, w in re.findall(r"M[\d.]+ ([\d.]+)h(-?[\d.]+)v", d):
                assert (float(w) < 0) == (sign == "neg")
                bars[float(y)] = float(w)
        top = 95 - (8 * 6 + 4) / 2 + 2.5  # the h row's centre, less half the box, plus a margin
        widths = [bars.get(top + 6 * i, 0.0) for i in range(8)]
        assert len(bars) == sum(h != 0 for h in trace.h[t])
        expected = [math.copysign(min(1, abs(h)) * 15, h) for h in trace.h[t]]
        assert widths == pytest.approx(expected, abs=0.006), t


def test_a_link_with_eight_units_round_trips(open_page, context, base_url):
    params = rnn_py.Params.random(8, 42)
    params = with_cell(params, "w_hh", (7, 0), 3.5)
    state = DemoState(sequence="fibonacci", normalized=True, activation="relu", params=params)
    query = to_query(state)
    page = open_page("#" + query)
    assert address(page) == "#" + query  # written back unchanged
    assert page_state(page) == state
    assert page.get_by_role("combobox", name="Hidden units").input_value() == "8"
    assert float(cell(page, "W_hh[8,1]").input_value()) == pytest.approx(3.5)
    assert table(page) == expected_rows(state.xs(), params, "relu")
    assert page.locator("#timesteps-body tr").count() == 12
    # Copy link gives the same address; opening it shows the same table.
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Copy link").click()
    page.locator("#share-status").filter(has_text="Link copied").wait_for()  # the copy is async
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == base_url + "#" + query
    again = open_page(url=copied)
    assert table(again) == table(page)
    # A mangled one falls back with a notice.
    bad = open_page("#seq=fibonacci&n=9&w=1,2")
    notices = bad.locator("#notices").text_content()
    assert "Hidden units ('9') is outside 1–8" in notices
    assert bad.get_by_role("combobox", name="Hidden units").input_value() == "1"


def test_one_unit_keeps_its_sliders(open_page):
    page = open_page("#seq=sine&n=4")
    page.get_by_role("combobox", name="Hidden units").select_option("1")
    assert page.locator("#matrix-weights").is_hidden()
    assert page.get_by_role("slider", name="Hidden weight").is_visible()
    page.get_by_role("combobox", name="Hidden units").select_option("5")
    assert page.locator("#scalar-weights").is_hidden()
    assert page.locator("#weight-grid input").count() == 5 * 5 + 3 * 5 + 1


@pytest.mark.parametrize(
    ("width", "height", "path", "name"),
    [
        (1280, 900, "#seq=sine&norm=1&n=8", "1280"),
        (390, 844, "#seq=sine&norm=1&n=8", "390"),
        (1366, 800, "?embed=1#seq=sine&norm=1&n=8", "embed"),
        (800, 700, "?embed=1#seq=sine&norm=1&n=4", "embed-800"),
    ],
)
def test_weights_panel_fits_and_passes_axe(browser, base_url, guard, width, height, path, name):
    context = browser.new_context(viewport={"width": width, "height": height},
                                  service_workers="block")  # fmt: skip
    try:
        page = context.new_page()
        page.route("**/*", guard.route)
        page.on("console", guard.console)
        page.goto(base_url + path)
        page.locator("html[data-py-ready]").wait_for(state="attached", timeout=60_000)
        grid = page.locator("#weight-grid")
        panel = page.locator("#weights-panel")
        # No cell sticks out of the panel, and none is narrower than a finger-width's third.
        box, cells = panel.bounding_box(), grid.locator("input").all()
        for c in (cells[0], cells[-1]):
            r = c.bounding_box()
            assert box["x"] <= r["x"] and r["x"] + r["width"] <= box["x"] + box["width"]
            assert r["width"] >= 14 and r["height"] >= 20
        axe = build.test_assets() / "axe.min.js"
        page.evaluate(Path(axe).read_text())
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            page.wait_for_timeout(100)
            violations = page.evaluate(AXE_RUN)
            assert violations == [], f"axe, {scheme}, {name}: {violations}"
            shot(page, panel, f"{name}-{scheme}")
        cell(page, "W_hh[1,2]").focus()
        shot(page, panel, f"{name}-focused")
    finally:
        context.close()
    guard.check()


def test_link_weights_in_the_address_match_the_cells(open_page):
    values = [0.1, 0.2, 0.3, 0.4, 0.5, -0.6, -0.7, -0.8, -0.9, 1.25, -1.5]
    page = open_page("#seq=linear&n=2&w=" + ",".join(map(str, values)))
    pairs = dict(parse_qsl(address(page)[1:]))
    assert pairs["n"] == "2" and [float(v) for v in pairs["w"].split(",")] == values
    for c, v in zip(weight_cells(rnn_py.Params.from_flat(2, values)), values, strict=True):
        text = cell(page, c["label"]).input_value()
        assert float(text) == pytest.approx(v, abs=shown_precision(text))
    assert cell(page, "b_h[2]").input_value() == "1.25"  # two units leave room for two decimals


def test_touch_swipe_on_a_cell_scrolls_and_a_held_cell_drags(browser, base_url, guard):
    """At 390 px on a touch screen: a vertical swipe that starts on a weight cell scrolls the
    page and leaves the weight alone; a finger held still first drags the weight instead."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True,
                                  is_mobile=True, service_workers="block")  # fmt: skip
    try:
        page = context.new_page()
        page.route("**/*", guard.route)
        page.on("console", guard.console)
        page.goto(base_url + "#seq=sine&n=8&act=linear")
        page.locator("html[data-py-ready]").wait_for(state="attached", timeout=60_000)
        state = page_state(page)
        box = cell(page, "W_hh[4,4]")
        box.scroll_into_view_if_needed()
        page.evaluate("window.scrollBy(0, 200)")  # room to scroll both ways
        cdp = context.new_cdp_session(page)

        def swipe(dy, hold_ms=0):
            r = box.bounding_box()
            x, y = r["x"] + r["width"] / 2, r["y"] + r["height"] / 2
            points = [{"x": x, "y": y}]
            cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": points})
            if hold_ms:
                page.wait_for_timeout(hold_ms)
            for k in range(1, 11):
                points = [{"x": x, "y": y + dy * k / 10}]
                cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": points})
                page.wait_for_timeout(16)
            cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
            page.wait_for_timeout(300)

        for dy in (-150, 150):  # finger up: the page scrolls down; finger down: back up
            before = page.evaluate("scrollY")
            swipe(dy)
            moved = page.evaluate("scrollY") - before
            assert moved * dy < 0 and abs(moved) > 60, (dy, moved)
            assert page_state(page).params == state.params
            assert focused_label(page) is None  # a swipe does not open the box for typing
        before = page.evaluate("scrollY")
        swipe(-100, hold_ms=600)  # hold still, then move up 100 px: +1.00
        assert page.evaluate("scrollY") == before
        params = with_cell(state.params, "w_hh", (3, 3), round(state.params.w_hh[3][3] + 1, 2))
        assert page_state(page).params == params
        assert table(page) == expected_rows(state.xs(), params, "linear")
        r = box.bounding_box()  # a tap opens the box for typing
        page.touchscreen.tap(r["x"] + r["width"] / 2, r["y"] + r["height"] / 2)
        page.wait_for_function("document.activeElement.getAttribute('aria-label') === 'W_hh[4,4]'")
    finally:
        context.close()
    guard.check()
