"""The Forecast switch on the page: free-running rows in the Timesteps table equal rnn_py's
forecast (itself checked against the NumPy reference in test_forecast.py), the chart draws the
forecast and the true continuation, and the settings travel in the link."""

from __future__ import annotations

from conftest import address, screenshot
from test_page import COLOUR_PIXELS_JS, colour_pixels, fmt, table

import rnn_py
from rnn_py.page.state import default_params

LEGEND_JS = "els => els.map(e => e.textContent.trim())"


def h_text(h):
    return fmt(h[0]) if len(h) == 1 else "[" + ", ".join(fmt(v) for v in h) + "]"


def expected_forecast_rows(kind, length, normalized, params, activation, steps, xs=None):
    """The forecast rows, computed here with rnn_py.forecast and the true continuation."""
    if xs is None:
        xs = rnn_py.make_sequence(kind, length, normalized=normalized)
    fc = rnn_py.forecast(params, xs, activation, steps)
    truth = None if kind == "custom" else rnn_py.true_continuation(kind, len(xs), normalized, steps)
    rows = []
    for k in range(steps):
        target = None if truth is None else truth[k + 1]
        rows.append([
            f"{len(xs) + k} (forecast)", fmt(fc.x[k]), h_text(fc.h[k]), fmt(fc.y[k]),
            "—" if target is None else fmt(target),
            "—" if target is None else fmt(fc.y[k] - target),
        ])  # fmt: skip
    return rows


def legend(page):
    return page.eval_on_selector_all("#chart-seq .u-legend .u-series", LEGEND_JS)


def set_steps(page, value):
    box = page.get_by_role("spinbutton", name="Forecast steps")
    box.fill(str(value))
    box.press("Enter")


# Pixels of a CSS variable's colour in the right third of the sequence chart's canvas: with the
# forecast on, t = 0..23 are drawn and the data (t ≤ 11) stay left of it, so only the forecast's
# dashed line (--c-pred) and the true continuation (--c-target) can colour it.
def right_pixels(page):
    """Pixels of the prediction's and the target's colours in the sequence chart's right third."""
    return [colour_pixels(page, "#chart-seq", name, 2 / 3) for name in ("--c-pred", "--c-target")]


def test_forecast_line_and_true_continuation_are_drawn(open_page):
    page = open_page()
    assert right_pixels(page) != [0, 0]  # without the forecast the data reach the right edge
    page.get_by_role("switch", name="Forecast").check()
    page.wait_for_function(
        f"""() => ['--c-pred', '--c-target'].every((name) =>
             ({COLOUR_PIXELS_JS})(['#chart-seq', name, 2 / 3]) > 80)""",
        timeout=10_000,
    )


def test_forecast_rows_equal_rnn_py(open_page):
    page = open_page()
    assert len(table(page)) == 12 and len(legend(page)) == 3
    page.get_by_role("switch", name="Forecast").check()
    rows = table(page)
    params = default_params()
    assert rows[12:] == expected_forecast_rows("sine", 12, False, params, "tanh", 12)
    assert page.locator("#timesteps-body tr.forecast").count() == 12
    assert page.locator("#timesteps-body tr:not(.forecast)").count() == 12
    assert any("forecast y_t (free running)" in s for s in legend(page))
    assert any("true continuation" in s for s in legend(page))
    set_steps(page, 5)
    assert table(page)[12:] == expected_forecast_rows("sine", 12, False, params, "tanh", 5)
    assert "fc=1" in address(page) and "fcn=5" in address(page)
    page.get_by_role("switch", name="Forecast").uncheck()
    assert len(table(page)) == 12 and len(legend(page)) == 3


def test_csv_download_has_the_forecast_rows(open_page, tmp_path):
    import csv

    page = open_page("#seq=linear&len=5&fc=1&fcn=3")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download table (CSV)").click()
    path = tmp_path / "t.csv"
    info.value.save_as(path)
    rows = list(csv.DictReader(path.read_text().splitlines()))
    assert [(r["t"], r["kind"]) for r in rows[4:]] == [
        ("4", "data"), ("5", "forecast"), ("6", "forecast"), ("7", "forecast")
    ]  # fmt: skip
    shown = table(page)[5:]  # the page's forecast rows, to 4 significant digits
    xs = rnn_py.make_sequence("linear", 5)
    fc = rnn_py.forecast(default_params(), xs, "tanh", 3)
    for k, (row, cells) in enumerate(zip(rows[5:], shown, strict=True)):
        assert float(row["x_t"]) == fc.x[k] and float(row["y_t"]) == fc.y[k]
        assert [fmt(float(row[c])) for c in ("x_t", "y_t", "target")] == [
            cells[1], cells[3], cells[4]
        ]  # fmt: skip
    assert [float(r["target"]) for r in rows[5:]] == [7.0, 8.0, 9.0]


def test_forecast_of_trained_two_units_on_normalized_fibonacci(open_page):
    """After the exact two-unit solution the forecast follows the true continuation, which
    runs past 1 because it keeps the normalisation of the values shown."""
    page = open_page("#seq=fibonacci&len=12&norm=1&act=linear&fc=1&fcn=6")
    page.locator("#units-panel > summary").click()
    page.get_by_role("button", name="Exact two-unit solution").click()
    xs = rnn_py.make_sequence("fibonacci", 12, normalized=True)
    params = rnn_py.exact_fibonacci(xs)
    rows = table(page)
    assert rows[12:] == expected_forecast_rows("fibonacci", 12, True, params, "linear", 6)
    truth = rnn_py.true_continuation("fibonacci", 12, True, 6)
    assert [r[4] for r in rows[12:]] == [fmt(v) for v in truth[1:]]
    assert [r[1] for r in rows[12:]] == [fmt(v) for v in truth[:-1]]  # fed back = the truth
    assert float(rows[-1][4]) > 1


def test_custom_numbers_forecast_without_a_true_continuation(open_page):
    page = open_page("#seq=custom&custom=1,3,2,4,3,5&act=relu&fc=1&fcn=4")
    xs = [1.0, 3.0, 2.0, 4.0, 3.0, 5.0]
    rows = table(page)
    assert rows[6:] == expected_forecast_rows(
        "custom", 6, False, default_params(), "relu", 4, xs=xs
    )
    assert [r[4] for r in rows[6:]] == ["—"] * 4
    names = legend(page)
    assert any("forecast" in s for s in names) and not any("true continuation" in s for s in names)


def test_no_forecast_rows_until_every_value_is_read(open_page):
    page = open_page("#seq=linear&fc=1&fcn=3&step=4")
    assert len(table(page)) == 4
    page.get_by_role("button", name="Step Forward").click()
    assert len(table(page)) == 5
    page.get_by_role("switch", name="Forecast").uncheck()
    page.get_by_role("switch", name="Forecast").check()  # turning it on shows every value
    assert len(table(page)) == 12 + 3


def test_forecast_steps_box_acts_only_with_the_forecast_on(open_page):
    page = open_page("#seq=linear")
    steps = page.get_by_role("spinbutton", name="Forecast steps")
    assert steps.is_disabled()  # it would change nothing on screen
    page.get_by_role("switch", name="Forecast").check()
    assert steps.is_enabled()
    set_steps(page, 5)
    assert len(table(page)) == 12 + 5
    page.get_by_role("switch", name="Forecast").uncheck()
    assert steps.is_disabled()


BAD_STEPS = [  # typed, shown after it (from 12 steps), the message
    ("100", "64", "Forecast steps goes from 1 to 64, so 100 became 64."),
    ("2.6", "3", "Forecast steps is a whole number, so it became 3."),
    ("", "12", "Type a number for Forecast steps, from 1 to 64."),
]


def test_forecast_steps_box_explains_bad_values(open_page):
    page = open_page("#fc=1")  # one page for every case, each from 12 steps
    for typed, shown, words in BAD_STEPS:
        set_steps(page, 12)
        assert len(table(page)) == 12 + 12
        set_steps(page, typed)
        assert words in page.locator("#forecast-steps-msg").text_content(), typed
        assert page.get_by_role("spinbutton", name="Forecast steps").input_value() == shown
        assert len(table(page)) == 12 + int(shown), typed


def test_bad_forecast_link_falls_back_with_a_notice(open_page):
    page = open_page("#fc=1&fcn=999")
    assert "Forecast steps ('999') is outside 1–64" in page.locator("#notices").text_content()
    assert len(table(page)) == 12 + 12


def test_forecast_screenshot(open_page):
    page = open_page("#seq=sine&norm=1&act=tanh&fc=1&fcn=12")
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(300)  # the charts follow the resize after 100 ms
        screenshot(page, f"units-forecast-{width}")
        box = page.locator("#chart-seq").bounding_box()
        assert box["width"] <= width
