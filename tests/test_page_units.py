"""The Memory panel: comparing hidden sizes draws every size's loss curve, the presets set what
they say, and the exact two-unit Fibonacci solution gives the loss rnn_py computes (< 1e-12),
with the Timesteps table showing what each unit holds."""

from __future__ import annotations

import re

import pytest
from conftest import screenshot
from test_page import fmt, table

import rnn_py
from rnn_py.studies.units import COMPARE_EPOCHS, PRESETS, fibonacci_rule, loss_curves

COMPARE_TIMEOUT = 240_000  # 3 × 2000 epochs in Pyodide, on a busy machine
LEGEND_JS = "els => els.map(e => e.textContent.trim())"
# How many pixels of the chart's canvas have (nearly) each colour: a drawn curve has many.
PIXELS_JS = """colours => {
  const canvas = document.querySelector('#chart-units canvas');
  const ctx = canvas.getContext('2d');
  const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  const rgb = colours.map(c => { const d = document.createElement('div'); d.style.color = c;
    document.body.append(d); const m = getComputedStyle(d).color.match(/\\d+/g).map(Number);
    d.remove(); return m; });
  const counts = rgb.map(() => 0);
  for (let i = 0; i < px.length; i += 4) {
    rgb.forEach((c, k) => { if (Math.abs(px[i] - c[0]) + Math.abs(px[i + 1] - c[1])
      + Math.abs(px[i + 2] - c[2]) < 30 && px[i + 3] > 200) counts[k]++; });
  }
  return counts;
}"""


def open_panel(page):
    page.locator("#units-panel > summary").click()
    return page.locator("#units-panel")


def wait_done(page):
    page.locator("#units-panel[data-compare=done]").wait_for(timeout=COMPARE_TIMEOUT)
    return page.locator("#units-status").text_content()


def curve_colours(page):
    return page.evaluate("[1, 2, 3].map(i => getComputedStyle(document.documentElement)"
                         ".getPropertyValue('--c-h' + i).trim())")  # fmt: skip


def expected_status_losses(curves):
    return [f"{n} unit{'s' if n > 1 else ''} {curves[n][-1]:.3g}" for n in (1, 2, 3)]


def test_compare_draws_one_labelled_curve_per_size(open_page):
    page = open_page("#seq=sine&norm=1&act=linear&seed=0&lr=0.05")
    open_panel(page)
    page.get_by_role("button", name="Compare hidden sizes").click()
    status = wait_done(page)
    legend = page.eval_on_selector_all("#chart-units .u-legend .u-series", LEGEND_JS)
    assert [s for s in legend if "hidden unit" in s] == [
        "1 hidden unit",
        "2 hidden units",
        "3 hidden units",
    ]
    counts = page.evaluate(PIXELS_JS, curve_colours(page))
    assert all(c > 100 for c in counts), counts  # every size's curve is drawn
    xs = rnn_py.make_sequence("sine", 12, normalized=True)
    curves = loss_curves(xs, "linear", (1, 2, 3), 0, 0.05, 5.0, COMPARE_EPOCHS)
    assert f"Loss after {COMPARE_EPOCHS} epochs" in status
    for text in expected_status_losses(curves):  # the page trained exactly what rnn_py trains
        assert text in status
    # The person's own network is left as it is.
    assert page.get_by_role("combobox", name="Hidden units").input_value() == "1"


def test_sine_preset_sets_what_it_says_and_compares(open_page):
    page = open_page("#seq=fibonacci&act=tanh&seed=7&lr=0.2")
    open_panel(page)
    page.get_by_role("button", name="Sine needs two units").click()
    status = wait_done(page)
    p = PRESETS["sine"]
    assert page.get_by_role("combobox", name="Sequence").input_value() == p["sequence"]
    assert page.get_by_role("combobox", name="Activation").input_value() == p["activation"]
    assert page.get_by_role("switch", name="Normalized inputs").is_checked()
    assert page.get_by_role("spinbutton", name="Seed").input_value() == str(p["seed"])
    xs = rnn_py.make_sequence("sine", 12, normalized=True)
    curves = loss_curves(xs, "linear", (1, 2, 3), 0, p["lr"], 5.0, COMPARE_EPOCHS)
    for text in expected_status_losses(curves):
        assert text in status
    # The sentences of the preset, recomputed (test_units.py checks them on CPython too).
    article = " ".join(page.locator(".units-presets article").nth(0).text_content().split())
    assert "never gets below 0.04" in article and "fall below 10⁻⁴" in article
    assert min(curves[1]) > 0.04 and curves[2][-1] < 1e-4 and curves[3][-1] < 1e-4


def test_exact_two_unit_solution_shows_its_loss_and_what_each_unit_holds(open_page):
    page = open_page()
    open_panel(page)
    page.get_by_role("button", name="Fibonacci: one unit almost suffices, two are exact").click()
    status = wait_done(page)
    # The preset's sentences, recomputed: one unit gets to about 4e-6, training does not find
    # the exact weights in 2000 epochs.
    article = " ".join(page.locator(".units-presets article").nth(1).text_content().split())
    assert "about 4·10⁻⁶" in article and "2000 epochs of training do not find" in article
    p = PRESETS["fibonacci"]
    xs = rnn_py.make_sequence("fibonacci", 12, normalized=True)
    curves = loss_curves(xs, "linear", (1, 2, 3), p["seed"], p["lr"], 5.0, COMPARE_EPOCHS)
    assert 3e-6 < curves[1][-1] < 5e-6 and min(curves[2]) > 1e-9
    for text in expected_status_losses(curves):
        assert text in status
    page.get_by_role("button", name="Exact two-unit solution").click()
    params = rnn_py.exact_fibonacci(xs)
    trace = rnn_py.forward(params, xs, "linear")
    loss_text = page.locator("output#loss").text_content()
    loss = float(loss_text.split()[0])
    assert loss < 1e-12 and loss_text.startswith(f"{trace.loss:.4g} ")
    assert page.get_by_role("combobox", name="Hidden units").input_value() == "2"
    c, _ = fibonacci_rule(xs)
    rows = table(page)
    previous = [c, *xs[:-1]]
    for t, row in enumerate(rows):  # unit 1 holds x_t − c, unit 2 holds x_(t−1) − c
        assert row[2] == f"[{fmt(xs[t] - c)}, {fmt(previous[t] - c)}]"
        assert row[3] == fmt(trace.y[t])
    message = page.locator("#units-exact-msg").text_content()
    assert f"c = {c:.4f}" in message and f"Loss: {trace.loss:.3g}" in message
    screenshot(page, "units-exact-1280")


def test_exact_solution_switches_to_fibonacci_keeping_the_length(open_page):
    page = open_page("#seq=fibonacci&len=30&act=tanh")
    open_panel(page)
    page.get_by_role("button", name="Exact two-unit solution").click()
    assert page.get_by_role("combobox", name="Activation").input_value() == "linear"
    xs = rnn_py.make_sequence("fibonacci", 30)  # raw: the weights are exact there too
    assert len(table(page)) == 30
    assert float(page.locator("output#loss").text_content().split()[0]) == 0.0
    assert rnn_py.forward(rnn_py.exact_fibonacci(xs), xs, "linear").loss == 0.0


def test_changing_a_setting_stops_a_comparison(open_page):
    page = open_page()
    open_panel(page)
    page.get_by_role("button", name="Compare hidden sizes").click()
    page.locator("#units-panel[data-compare=running]").wait_for()
    page.get_by_role("combobox", name="Activation").select_option(label="ReLU")
    status = wait_done(page)
    assert status.startswith("Stopped: the settings changed.")


def test_custom_numbers_that_cannot_be_read_are_explained(open_page):
    page = open_page("#seq=custom&custom=1,2")
    open_panel(page)
    page.get_by_role("button", name="Compare hidden sizes").click()
    status = wait_done(page)
    assert status.startswith("Nothing to compare: Type at least 3 numbers")


@pytest.mark.parametrize("width", [1366, 390])
def test_units_panel_screenshot(open_page, width):
    page = open_page("#seq=sine&norm=1&act=linear&seed=0")
    page.set_viewport_size({"width": width, "height": 900})
    panel = open_panel(page)
    page.get_by_role("button", name="Compare hidden sizes").click()
    wait_done(page)
    panel.scroll_into_view_if_needed()
    path = screenshot(page, f"units-panel-{width}")
    panel.screenshot(path=str(path.with_name(f"units-panel-only-{width}.png")))
    box = page.locator("#chart-units").bounding_box()
    assert box["width"] <= width and box["height"] > 200
    assert re.search(r"1 unit \d", page.locator("#units-status").text_content())
