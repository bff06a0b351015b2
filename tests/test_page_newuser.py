"""The first minute of a visit, tried as a new user would (issue 9): the first click, number
boxes that must keep following the model, the equation on a phone, the embed's first screen."""

from __future__ import annotations

import pytest
from conftest import address, screenshot
from test_page import expected_rows, table

import rnn_py
from rnn_py.page.state import default_params, from_query

SINE = rnn_py.make_sequence("sine", 12)


def state_of(page):
    """The DemoState the page's address holds."""
    state, notices = from_query(address(page)[1:])
    assert notices == []
    return state


# ---- 1. Step Forward on a fresh page ----------------------------------------------------------


@pytest.mark.parametrize("path", ["", "?embed=1", "#step=12", "#step=3"])
def test_step_forward_works_on_a_fresh_page(open_page, path):
    page = open_page(path)
    step = page.get_by_role("button", name="Step Forward")
    assert step.is_enabled()
    before = len(table(page))
    step.click()
    if before >= 12:  # everything was read: the press starts over and reads x₀
        assert table(page) == expected_rows(SINE, default_params(), "tanh", upto=1)
        assert "x₀" in page.locator("#step-caption").text_content()
    else:  # a classroom link that starts part-way: the press reads the next input
        assert table(page) == expected_rows(SINE, default_params(), "tanh", upto=before + 1)
    assert page.locator("#timesteps-body tr.current th").text_content() == str(len(table(page)) - 1)


# ---- 2. number boxes keep following the model ----------------------------------------------

WEIGHT_BOXES = ["w_xh-num", "w_hh-num", "w_hy-num", "b_h-num", "b_y-num"]
OTHER_BOXES = {"length": "length", "lr-num": "lr", "seed": "seed"}


def weight_values(state):
    p = state.params
    return {
        "w_xh-num": p.w_xh[0],
        "w_hh-num": p.w_hh[0][0],
        "w_hy-num": p.w_hy[0],
        "b_h-num": p.b_h[0],
        "b_y-num": p.b_y,
    }


def assert_boxes_follow(page):
    state = state_of(page)
    for box, value in weight_values(state).items():
        shown = float(page.locator(f"#{box}").input_value())
        assert shown == pytest.approx(round(value, 4), abs=1e-9), box
    for box, attr in OTHER_BOXES.items():
        assert float(page.locator(f"#{box}").input_value()) == getattr(state, attr), box


@pytest.mark.parametrize("leave", ["Enter", "Escape", "Tab"])
def test_a_box_edited_without_a_change_still_follows_training(open_page, leave):
    page = open_page("#seq=linear&norm=1")
    for box in [*WEIGHT_BOXES, *OTHER_BOXES]:
        el = page.locator(f"#{box}")
        value = el.input_value()
        el.click()
        el.press_sequentially("9")  # an edit in progress…
        el.fill(value)  # …that ends with the value the box already held: no change event
        el.press(leave)
    train = page.get_by_role("button", name="Train (BPTT)")
    train.click()
    page.wait_for_function("document.getElementById('train').textContent === 'Train (BPTT)'")
    state = state_of(page)
    assert state.params != default_params()  # training moved the weights…
    assert_boxes_follow(page)  # …and every box shows the model's values
    page.get_by_role("button", name="Reset").click()
    assert_boxes_follow(page)


def test_escape_abandons_a_typed_value(open_page):
    page = open_page()
    box = page.locator("#w_hh-num")
    box.click()
    box.fill("3.3")
    box.press("Escape")
    assert box.input_value() == "0.8"
    assert state_of(page).params.w_hh[0][0] == 0.8


# ---- 3. the substituted equation on a phone -------------------------------------------------


@pytest.mark.parametrize("width", [360, 390])
@pytest.mark.parametrize("n", [1, 4])
def test_phone_equation_shows_every_number(browser, open_page, width, n):
    context = browser.new_context(viewport={"width": width, "height": 800}, service_workers="block")
    try:
        page = open_page(f"#seq=sine&n={n}", ctx=context)  # its guard fails on console errors
        page.get_by_role("button", name="Reset").click()
        for _ in range(12):
            page.get_by_role("button", name="Step Forward").click()
        box = page.locator("#live-equation")
        # Nothing overflows the card: every formula lies within it, so every number is visible.
        overflow = box.evaluate(
            """box => {
              const edge = box.getBoundingClientRect().right + 0.5;
              return [...box.querySelectorAll("math")].filter(
                m => m.getBoundingClientRect().right > edge).length
                + (box.scrollWidth > box.clientWidth + 1 ? 1 : 0);
            }"""
        )
        assert overflow == 0
        trace = rnn_py.forward(state_of(page).params, SINE, "tanh")
        text = box.text_content()
        for v in trace.z[11]:
            assert f"{abs(v):.3f}" in text
        box.scroll_into_view_if_needed()
        screenshot(page, f"phone-equation-{width}-n{n}")
    finally:
        context.close()


# ---- 4. the embed's first screen ------------------------------------------------------------


def text_fits(page, selector):
    """Whether a select's chosen option is drawn in full (its text narrower than the box)."""
    return page.locator(selector).evaluate(
        """el => {
          const ctx = document.createElement("canvas").getContext("2d");
          const style = getComputedStyle(el);
          ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
          const text = ctx.measureText(el.options[el.selectedIndex].text).width;
          const pad = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
          const room = el.clientWidth - pad - 16;  // 16 px for the arrow
          return text <= room;
        }"""
    )


@pytest.mark.parametrize(("width", "height"), [(760, 620), (390, 700)])
def test_embed_first_screen_shows_the_network(browser, open_page, width, height):
    context = browser.new_context(
        viewport={"width": width, "height": height}, service_workers="block"
    )
    try:
        page = open_page("?embed=1", ctx=context)  # its guard fails on console errors

        def top(selector):
            return page.locator(selector).first.bounding_box()["y"]

        # Step Forward, the unrolled network and the sequence chart are on the first screen.
        assert top("#step") < height
        assert page.locator(".unrolled").bounding_box()["y"] + 150 < height
        assert top("#chart-seq") < height
        assert top("#step") < top(".unrolled") < top("#chart-seq")
        if width < 560:  # one column: the controls come after the sequence chart
            assert top("#controls") > top("#chart-seq")
        else:  # the controls sit beside the stage
            assert top("#controls") < height / 4
        for select in ("#sequence", "#activation", "#hidden"):
            assert text_fits(page, select), select
        screenshot(page, f"embed-first-screen-{width}x{height}")
    finally:
        context.close()
