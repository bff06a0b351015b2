"""The Challenges panel in the browser: ticks checked by rnn_py.lessons, remembered across a
reload, opened by a link, reset, and working when the browser denies storage."""

import json
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import address, build, screenshot
from test_robust import AXE_RUN

import rnn_py
from rnn_py.lessons import CHALLENGES, STORAGE_KEY, dump_progress
from rnn_py.page.state import DemoState

LINEAR = "#seq=linear&norm=1&act=tanh"
TOTAL = len(CHALLENGES)
PANEL = "#challenges-panel"
# Makes every use of localStorage throw, as browsers do in a cross-origin iframe that may not
# store anything.
DENY_STORAGE = """
Object.defineProperty(window, "localStorage", {
  configurable: true,
  get() { throw new DOMException("The operation is insecure.", "SecurityError"); },
});
"""


def count(page, solved):
    """Wait until the count beside the panel's title says `solved` of all."""
    page.locator("#challenges-count").filter(has_text=f"({solved} of {TOTAL} solved)").wait_for()


def open_panel(page):
    panel = page.locator(PANEL)
    if panel.get_attribute("open") is None:
        panel.locator("summary").first.click()
    page.locator("#challenge-list > li").nth(TOTAL - 1).wait_for()
    return panel


def tune_by_hand(page):
    """Challenge 1 by hand: two number boxes and twenty presses of the Output bias slider."""
    for name, value in (("Hidden weight", "0"), ("Input weight", "1")):
        box = page.get_by_role("spinbutton", name=name)
        box.fill(value)
        box.press("Enter")
    slider = page.get_by_role("slider", name="Output bias")
    slider.focus()
    for _ in range(20):
        page.keyboard.press("ArrowRight")
    assert float(slider.input_value()) == pytest.approx(0.2)
    params = rnn_py.Params.scalar(w_xh=1.0, w_hh=0.0, w_hy=1.0, b_y=0.2)
    xs = rnn_py.make_sequence("linear", 12, normalized=True)
    loss = rnn_py.forward(params, xs, "tanh").loss
    assert loss < 0.05
    page.locator("output#loss").filter(has_text=f"{loss:.4g}").wait_for()


def stored(page):
    return page.evaluate(f"localStorage.getItem({json.dumps(STORAGE_KEY)})")


def test_challenge_1_is_ticked_after_setting_weights_by_hand_and_survives_a_reload(open_page):
    page = open_page(LINEAR)
    count(page, 0)
    tune_by_hand(page)
    count(page, 1)
    assert stored(page) == dump_progress({"by-hand"})
    open_panel(page)
    first = page.locator("#challenge-1")
    assert first.get_attribute("data-solved") is not None
    assert first.locator(".solved-badge").inner_text() == "Solved"
    assert first.locator(".tick").inner_text() == "✓"
    assert first.locator(".explanation").inner_text() == CHALLENGES[0].explanation
    assert first.locator(".progress").is_hidden()
    # the others are not ticked, show their goal and a closed hint, and no explanation
    second = page.locator("#challenge-2")
    assert second.get_attribute("data-solved") is None
    assert second.locator(".solved-badge").is_hidden()
    assert second.locator(".explanation").is_hidden()
    assert second.locator(".goal").inner_text() == CHALLENGES[1].goal
    assert second.locator(".progress").inner_text() == "Pick the sigmoid activation."
    hint = second.get_by_text("Hint", exact=True)
    assert second.get_by_text(CHALLENGES[1].hint).is_hidden()
    hint.click()
    assert second.get_by_text(CHALLENGES[1].hint).is_visible()

    page.reload()
    page.locator("html[data-py-ready]").wait_for(state="attached", timeout=60_000)
    count(page, 1)
    open_panel(page)
    assert page.locator("#challenge-1").get_attribute("data-solved") is not None
    assert page.locator("#challenge-2").get_attribute("data-solved") is None


def test_training_then_a_slider_does_not_count_as_by_hand(open_page):
    page = open_page(LINEAR + "&lr=0.1")
    page.get_by_role("button", name="Train (BPTT)").click()
    page.locator("#train-status").filter(has_text="BPTT:").wait_for(timeout=30_000)
    slider = page.get_by_role("slider", name="Output bias")
    slider.focus()
    page.keyboard.press("ArrowRight")
    open_panel(page)
    progress = page.locator("#challenge-1 .progress")
    progress.filter(has_text="not all set with the sliders").wait_for()
    assert page.locator("#challenge-1").get_attribute("data-solved") is None
    count(page, 0)


# The moment the page is ready, before the challenges panel (which loads with the later
# archive) has arrived, a person takes the Output bias slider.
TAKE_A_CONTROL = """new MutationObserver((_, observer) => {
  if (!document.documentElement?.dataset.pyReady) return;
  observer.disconnect();
  document.getElementById("b_y").focus();
  window.__scrolled = window.scrollY;
}).observe(document, { attributes: true, subtree: true, attributeFilter: ["data-py-ready"] });"""


def test_a_link_s_challenge_does_not_take_a_control_a_person_has_taken(open_page, context):
    """A challenge=N link focuses its challenge when the panel arrives, unless the person has
    already taken a control: keyboard presses on a slider taken at once must all land there."""
    context.add_init_script(TAKE_A_CONTROL)
    page = open_page(LINEAR + "&challenge=1")
    page.locator("#challenge-1.focus").wait_for()  # the panel arrived and marked its challenge
    assert page.evaluate("document.activeElement.id") == "b_y"
    assert page.evaluate("window.scrollY") == page.evaluate("window.__scrolled")
    for _ in range(20):
        page.keyboard.press("ArrowRight")
    assert float(page.get_by_role("slider", name="Output bias").input_value()) == pytest.approx(0.2)


def test_a_link_opens_the_panel_at_its_challenge_and_keeps_it(open_page):
    page = open_page("#challenge=4")
    panel = page.locator(PANEL)
    page.locator("#challenge-4.focus").wait_for()
    assert panel.get_attribute("open") is not None
    assert page.evaluate("document.activeElement.closest('li').id") == "challenge-4"
    top = page.evaluate("document.getElementById('challenge-4').getBoundingClientRect().top")
    assert -1 <= top < page.viewport_size["height"]  # scrolled into view (to the subpixel)
    assert page.locator("#challenge-4 .name").inner_text() == f"4. {CHALLENGES[3].title}"
    assert page.locator("#challenge-4 .progress").inner_text() == CHALLENGES[3].progress(
        DemoState(), []
    )
    assert "challenge=4" in address(page)
    # a classroom link made from this view keeps it, and the teacher can pick another
    page.locator("#teachers summary").click()
    link = page.locator("#teach-link")
    # the panel fills the link when it opens (its toggle event comes a moment after the click)
    page.wait_for_function("document.getElementById('teach-link').value.includes('challenge=4')")
    pick = page.get_by_role("combobox", name="Open at challenge")
    assert pick.locator("option").all_inner_texts() == ["none"] + [
        f"{number}. {c.title}" for number, c in enumerate(CHALLENGES, 1)
    ]
    pick.select_option(label=f"5. {CHALLENGES[4].title}")
    assert "challenge=5" in link.input_value()
    pick.select_option(label="none")
    assert "challenge" not in link.input_value()


def test_a_link_to_a_challenge_that_does_not_exist_says_so(open_page):
    page = open_page(f"#challenge={TOTAL + 1}")
    notices = page.locator("#notices")
    notices.filter(has_text="Challenge").wait_for()
    assert page.locator(PANEL).get_attribute("open") is None


def test_reset_progress_forgets_the_ticks(open_page):
    page = open_page(LINEAR)
    tune_by_hand(page)
    count(page, 1)
    open_panel(page)
    page.get_by_role("button", name="Reset progress").click()
    count(page, 0)
    assert page.locator("#challenge-1").get_attribute("data-solved") is None
    assert json.loads(stored(page)) == {"solved": []}
    page.reload()
    page.locator("html[data-py-ready]").wait_for(state="attached", timeout=60_000)
    count(page, 0)


def test_diverge_then_put_back_and_tame_it(open_page):
    page = open_page("#seq=linear&norm=1&act=linear&lr=0.5&clip=0")
    page.get_by_role("button", name="Train (BPTT)").click()
    status = page.locator("#train-status")
    status.filter(has_text="Training stopped").wait_for(timeout=30_000)
    open_panel(page)
    third = page.locator("#challenge-3")
    third.locator(".progress").filter(has_text="Training diverged at epoch").wait_for()
    put_back = third.get_by_role(
        "button", name="Put back the weights the diverged run started from"
    )
    put_back.click()
    assert page.get_by_role("spinbutton", name="Hidden weight").input_value() == "0.8"
    put_back.wait_for(state="hidden")
    lr = page.get_by_role("spinbutton", name="Learning rate")
    lr.fill("0.1")
    lr.press("Enter")
    page.get_by_role("button", name="Train (BPTT)").click()
    status.filter(has_text="BPTT:").wait_for(timeout=30_000)
    page.locator("#challenge-3[data-solved]").wait_for()
    # the diverged weights also made the gradient explode (challenge 7): two are ticked
    count(page, 2)
    assert page.locator("#challenge-7").get_attribute("data-solved") is not None


def test_storage_denied_keeps_the_ticks_in_memory_and_says_so(open_page, browser, guard):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    ctx.add_init_script(DENY_STORAGE)
    try:
        page = open_page(LINEAR, ctx=ctx)
        with pytest.raises(Exception, match="insecure"):
            page.evaluate("localStorage.getItem('x')")
        tune_by_hand(page)
        count(page, 1)
        open_panel(page)
        note = page.locator("#challenges-note")
        assert "last until you leave the page" in note.inner_text()
        assert page.locator("#challenge-1").get_attribute("data-solved") is not None
        page.get_by_role("button", name="Reset progress").click()
        count(page, 0)
    finally:
        ctx.close()


def test_screenshots_desktop_and_phone(open_page, browser):
    page = open_page(LINEAR + "&challenge=1")
    tune_by_hand(page)
    count(page, 1)
    page.locator("#challenge-2").get_by_text("Hint", exact=True).click()
    page.locator(PANEL).scroll_into_view_if_needed()
    page.set_viewport_size({"width": 1366, "height": 900})
    screenshot(page, "challenges-1366")
    phone = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme="dark")
    try:
        small = open_page(
            "#" + rnn_py.to_query(replace(DemoState(), activation="sigmoid", challenge=2)),
            ctx=phone,
        )
        count(small, 1)
        small.locator("#challenge-2.focus").wait_for()
        width = small.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
        screenshot(small, "challenges-390-dark")
    finally:
        phone.close()


def test_axe_finds_no_violations_in_the_panel_light_and_dark(open_page):
    page = open_page("#" + rnn_py.to_query(replace(DemoState(), activation="sigmoid", challenge=2)))
    count(page, 1)
    page.locator("#challenge-2.focus").wait_for()
    page.evaluate(
        "document.querySelectorAll('#challenges-panel details').forEach((d) => d.open = true)"
    )
    page.evaluate(Path(build.test_assets() / "axe.min.js").read_text())
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        page.wait_for_timeout(100)
        violations = page.evaluate(
            AXE_RUN.replace("axe.run(document", "axe.run('#challenges-panel'")
        )
        assert violations == [], f"axe, {scheme} scheme: {violations}"
