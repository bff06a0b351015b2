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


# ---- 5. each task shows only the controls that act on it (issue 25) --------------------------

VISIBLE_CONTROLS = """() => [...document.querySelectorAll(
    '#controls :is(input, select, textarea, button)')]
  .filter((el) => el.checkVisibility()).map((el) => el.id || 'preset-' + el.dataset.preset)"""
NUMBERS_CONTROLS = {
    "task", "sequence", "length", "normalized", "forecast", "forecast-steps", "cell",
    "activation", "hidden", "preset-forget-open", "preset-forget-shut", "w_xh", "w_xh-num",
    "w_hh", "w_hh-num", "w_hy", "w_hy-num", "b_h", "b_h-num", "b_y", "b_y-num",
    "default-weights", "lr", "lr-num", "optimizer", "seed", "clip", "train", "search", "stop",
    "preset-remember-100",
}  # fmt: skip
TEXT_CONTROLS = {
    "task", "text-input", "preset-hello", "preset-rhyme", "preset-python", "preset-abc",
    "text-cell", "text-hidden", "seq-length", "text-opt", "lr", "lr-num", "seed", "clip",
    "text-train", "text-stop", "text-reset",
}  # fmt: skip


def text_windows(page):
    return int(page.locator("#text-loss").get_attribute("data-windows"))


def text_result(page):
    """Train a few windows, stop, and read the whole-text loss the page measured, with the
    state (and windows trained) it was measured for."""
    page.locator("#text-train").click()
    page.wait_for_function(
        "+document.getElementById('text-loss').dataset.windows >= 2", timeout=60_000
    )
    page.locator("#text-stop").click()
    page.wait_for_function("document.getElementById('text-loss').dataset.whole", timeout=60_000)
    bits = float(page.locator("#text-loss").get_attribute("data-whole"))
    return bits, state_of(page)


def expected_bits(state):
    from rnn_py.text import task as tx
    from rnn_py.text import view as tv

    model = tv.new_model(state)
    for _ in range(state.trained):
        tv.advance(model)
    return tx.bits_per_char(model.params, model.text, tv.ACTIVATION)


def test_numbers_task_shows_no_text_control(open_page):
    page = open_page()
    assert set(page.evaluate(VISIBLE_CONTROLS)) == NUMBERS_CONTROLS
    assert page.get_by_role("heading", name="The parts").is_visible()
    assert page.locator("#about").filter(has_text="Fibonacci").is_visible()


def test_text_task_shows_only_controls_that_change_its_network(open_page):
    """In text mode every control shown acts on the text network: each setting, changed,
    changes the whole-text loss after training (recomputed on CPython for the new setting and
    for the old one), and the numbers task's Optimizer (text mode has its own) is gone."""
    from dataclasses import replace

    page = open_page("#task=text&tn=3&tlen=6&text=abcab%20cabca")
    page.wait_for_function("document.getElementById('text-loss').dataset.windows === '0'")
    assert set(page.evaluate(VISIBLE_CONTROLS)) == TEXT_CONTROLS
    assert page.get_by_role("combobox", name="Optimizer").count() == 1  # the text network's
    assert page.locator("#text-opt").is_visible() and page.locator("#optimizer").is_hidden()

    def change_box(element_id, value):
        def act():
            box = page.locator(f"#{element_id}")
            box.fill(value)
            box.press("Enter")

        return act

    def pick(element_id, value):
        return lambda: page.locator(f"#{element_id}").select_option(value)

    def press(element_id, key):
        return lambda: page.locator(f"#{element_id}").press(key)

    settings = [  # (control, how, the state field it sets)
        ("text-cell", pick("text-cell", "gru"), "text_cell"),
        ("text-hidden", change_box("text-hidden", "4"), "text_hidden"),
        ("seq-length", change_box("seq-length", "5"), "seq_length"),
        ("text-opt", pick("text-opt", "gd"), "text_optimizer"),
        ("lr", press("lr", "ArrowRight"), "lr"),
        ("lr-num", change_box("lr-num", "0.2"), "lr"),
        ("seed", change_box("seed", "7"), "seed"),
        ("clip", lambda: page.locator("#clip").click(), "clip"),
        (
            "text-input",
            lambda: (page.fill("#text-input", "xyzzy xyzy"), page.locator("#text-input").blur()),
            "text",
        ),  # fmt: skip
        ("preset-abc", lambda: page.locator("[data-preset=abc]").click(), "text"),
        ("preset-hello", lambda: page.locator("[data-preset=hello]").click(), "text"),
        ("preset-rhyme", lambda: page.locator("[data-preset=rhyme]").click(), "text"),
        ("preset-python", lambda: page.locator("[data-preset=python]").click(), "text"),
    ]
    checked = set()
    for control, act, field in settings:
        before = state_of(page)
        act()
        page.wait_for_function(
            "(v) => document.getElementById('text-loss').dataset.windows === '0'", arg=None
        )
        bits, state = text_result(page)
        assert getattr(state, field) != getattr(before, field), control
        assert bits == pytest.approx(expected_bits(state), abs=1e-7), control
        old = expected_bits(replace(state, **{field: getattr(before, field)}))
        if control != "clip":
            assert abs(old - bits) > 1e-9, f"{control} did not change the text network's loss"
        # Clipping acts only when a gradient entry passes ±5, which a few windows of a small
        # text network never reach (the loss is a mean over the window): the page's network
        # is the one trained with the new setting (checked above), and its loss is the same.
        checked.add(control)
    # the run buttons: Train trains on, Stop stops, Reset starts a new network from the seed
    trained = text_windows(page)
    text_result(page)
    assert text_windows(page) > trained
    stopped = text_windows(page)
    page.wait_for_timeout(300)  # (not a timed assertion: nothing may train while stopped)
    assert text_windows(page) == stopped
    page.locator("#text-reset").click()
    page.wait_for_function("document.getElementById('text-loss').dataset.windows === '0'")
    checked |= {"text-train", "text-stop", "text-reset"}
    # the Task select: back to the numbers, whose table and controls return
    page.locator("#task").select_option("numbers")
    page.locator("#timesteps-body tr").first.wait_for()
    assert set(page.evaluate(VISIBLE_CONTROLS)) == NUMBERS_CONTROLS
    checked.add("task")
    assert checked == TEXT_CONTROLS


@pytest.mark.parametrize("width", [1280, 390])
def test_how_it_works_and_the_cell_hint_follow_the_task_and_cell(browser, open_page, width):
    from rnn_py.page import explain
    from rnn_py.page.state import DemoState

    ctx = browser.new_context(viewport={"width": width, "height": 900}, service_workers="block")
    page = open_page("#seq=sine", ctx=ctx)
    note = page.locator("#bias-note")
    about = page.locator("#about")
    assert note.is_hidden()  # the vanilla cell: no gate hint
    assert about.filter(has_text="Hidden weight").is_visible()
    for cell in ("gru", "lstm", "vanilla"):
        page.get_by_role("combobox", name="Cell", exact=True).select_option(cell)
        if cell == "vanilla":
            page.wait_for_function("document.getElementById('bias-note').hidden")
        else:
            page.locator("#bias-note").filter(has_text=explain.cell_note(cell)).wait_for()
            assert (
                page.get_by_role("combobox", name="Cell", exact=True).get_attribute(
                    "aria-describedby"
                )
                == "bias-note"
            )
    page.locator("#task").select_option("text")
    page.locator("#about-text").filter(has_text="The vanilla cell").wait_for(timeout=30_000)
    assert page.locator("#about-numbers").is_hidden()
    for word in ("Press Reset", "Fibonacci", "Hidden weight"):
        assert word not in about.inner_text()
    for cell in ("lstm", "gru"):
        page.locator("#text-cell").select_option(cell)
        state = DemoState(mode="text", text_cell=cell)
        cards = dict(explain.about(state))
        heading = f"The {cell.upper()}"
        about.get_by_role("heading", name=heading).wait_for()
        assert (
            about.locator("article", has_text=heading).locator("p").text_content()
            == (cards[heading])
        )
    screenshot(page, f"about-text-{width}")
    page.locator("#task").select_option("numbers")
    about.get_by_role("heading", name="Why gradients vanish and explode").wait_for()
    assert page.locator("#about-text").is_hidden()
    ctx.close()


# ---- 6. every control the numbers task shows changes its result (issue 25) -------------------

# Which controls of the panel are on screen, a weight grid's cells named by the grid's id.
SHOWN_CONTROLS = """() => [...document.querySelectorAll(
    '#controls :is(input, select, textarea, button)')]
  .filter((el) => el.checkVisibility())
  .map((el) => el.closest('#weight-grid') ? 'weight-grid'
    : el.id || 'preset-' + el.dataset.preset)"""


def trained(state):
    """The weights the page's Train reaches from state, computed on CPython (site/main.py)."""
    from rnn_py.lessons import RUN_LENGTH

    last = None
    for step in rnn_py.train_bptt(
        state.params, state.training_data(), state.activation, lr=state.lr,
        clip=5.0 if state.clip else None, epochs=RUN_LENGTH, optimizer=state.optimizer,
        pieces=True,
    ):  # fmt: skip
        last = step or last
    return last.params


def searched(state):
    """The weights a visit's first Random Search finds from state, on CPython (site/main.py)."""
    from rnn_py.lessons import RUN_LENGTH

    steps = rnn_py.random_search(
        state.xs(), state.activation, n=state.hidden, trials=RUN_LENGTH, seed=state.seed,
        low=-2.0, high=2.0, cell=state.cell,
    )  # fmt: skip
    return list(steps)[-1].params


def close(a, b):
    """Whether two sets of weights agree to a few ulps' worth of drift along a tame run."""
    pairs = zip(a.flat(), b.flat(), strict=True)
    return all(x == pytest.approx(y, rel=1e-7, abs=1e-9) for x, y in pairs)


def test_numbers_task_every_control_shown_changes_the_result(browser, open_page):
    """Issue 25.2 for the numbers task: each control the panel shows, on the default page and in
    the states where more appear (a gated cell, the long-lag task, a custom sequence, the
    forecast on), changed as a person would changes what the page shows: the Timesteps table
    (equal to rnn_py's on CPython for the new settings) or, for the training settings, the
    weights Train or Random Search reaches (equal to CPython's, and unlike the old setting's)."""
    from dataclasses import replace

    from test_robust import page_state, type_into

    from rnn_py.page import view

    ctx = browser.new_context(  # runs computed in slices, not animated: they end sooner
        viewport={"width": 1280, "height": 900}, service_workers="block", reduced_motion="reduce"
    )
    page = open_page("#seq=linear&len=6", ctx=ctx)
    shown, walked = set(), set()

    def look():
        shown.update(page.evaluate(SHOWN_CONTROLS))

    def rows():
        """The table, checked against rnn_py's for the state the page's address holds."""
        rows = table(page)
        assert rows == view.snapshot(page_state(page))["rows"]
        return rows

    def acts(control, act):
        """act changes the table (and the page's state)."""
        before, state = rows(), page_state(page)
        act()
        assert page_state(page) != state, control
        assert rows() != before, f"{control} did not change the table"
        walked.add(control)

    def pick(selector, value):
        return lambda: page.select_option(selector, value)

    def typed(selector, text):
        return lambda: type_into(page, selector, text)

    def key(selector, name="ArrowRight"):
        return lambda: page.press(selector, name)

    def click(selector):
        return lambda: page.click(selector)

    def run(button):
        page.evaluate("document.getElementById('train-status').textContent = '…marker'")
        page.click(button)
        page.wait_for_function(
            """() => { const s = document.getElementById("train-status").textContent;
              return document.getElementById("stop").disabled && s && s !== "…marker"
                && !s.endsWith("…"); }""",
            timeout=60_000,
        )

    def trains(control, act, field):
        """act sets field; Train then reaches CPython's weights for the new value, which differ
        from those of the old value. It starts from the default weights: on these settings
        the run is tame, so the browser's maths library (which may differ from CPython's in
        the last bit) cannot lead it elsewhere."""
        page.click("#default-weights")
        old = getattr(page_state(page), field)
        act()
        state = page_state(page)
        assert getattr(state, field) != old, control
        run("#train")
        assert close(page_state(page).params, trained(state)), control
        assert not close(trained(replace(state, **{field: old})), trained(state)), control
        walked.add(control)

    # the plain sequences, one vanilla unit
    look()
    assert shown == NUMBERS_CONTROLS
    for control, act in [
        ("sequence", pick("#sequence", "fibonacci")),
        ("length", typed("#length", "8")),
        ("normalized", click("#normalized")),
        ("activation", pick("#activation", "relu")),
        *[(name, key(f"#{name}")) for name in ("w_xh", "w_hh", "w_hy", "b_h", "b_y")],
        *[(f"{name}-num", typed(f"#{name}-num", "0.3")) for name in ("w_xh", "w_hh", "w_hy")],
        *[(f"{name}-num", typed(f"#{name}-num", "0.2")) for name in ("b_h", "b_y")],
        ("default-weights", click("#default-weights")),
    ]:
        acts(control, act)
    assert page_state(page).params == default_params()
    # the forecast, and its steps with it on
    acts("forecast", click("#forecast"))
    look()
    acts("forecast-steps", typed("#forecast-steps", "3"))
    assert len(table(page)) == 8 + 3
    page.click("#forecast")
    # the training settings act through Train and Random Search
    page.select_option("#sequence", "sine")
    page.select_option("#activation", "tanh")
    trains("lr", key("#lr"), "lr")
    trains("lr-num", typed("#lr-num", "0.02"), "lr")
    trains("optimizer", pick("#optimizer", "adam"), "optimizer")
    page.select_option("#optimizer", "gd")
    # clipping acts once a gradient passes ±5: Sine, the linear activation with W_hh = 1.5 (the
    # training explanation's example); off, the same run diverges
    page.click("#normalized")
    type_into(page, "#length", "12")
    type_into(page, "#lr-num", "0.05")
    page.click("#clip")
    assert page_state(page).clip is False
    walked.add("clip")  # (acts below, as its way back on)
    page.select_option("#activation", "linear")
    trains("clip", lambda: (type_into(page, "#w_hh-num", "1.5"), page.click("#clip")), "clip")
    # the seed draws Random Search's weights (a visit's first search starts at the seed)
    page.select_option("#activation", "tanh")
    type_into(page, "#seed", "7")
    state = page_state(page)
    assert state.seed == 7
    run("#search")
    assert close(page_state(page).params, searched(state))
    assert not close(searched(replace(state, seed=1)), searched(state))
    walked |= {"seed", "search", "train"}
    # more hidden units, then the gated cells with their grid and memory bias
    acts("hidden", pick("#hidden", "2"))
    look()
    acts("weight-grid", typed("#weight-grid input >> nth=0", "0.75"))
    page.select_option("#hidden", "1")
    acts("cell", pick("#cell", "gru"))
    look()
    assert page.locator("#activation").is_disabled()  # the gates have their own squashing
    acts("memory-bias", typed("#memory-bias", "3"))
    acts("weight-grid", typed("#weight-grid input >> nth=0", "0.75"))
    # the long-lag task and its presets
    acts("sequence", pick("#sequence", "remember"))
    look()
    acts("gap", typed("#gap", "10"))
    acts("preset-forget-open", click("#preset-forget-open"))
    acts("preset-forget-shut", click("#preset-forget-shut"))
    look()
    # Remember across 100 steps trains at once (a long run): Stop ends it, and the weights stay
    page.click("#preset-remember-100")
    state = page_state(page)
    assert (state.cell, state.gap, state.memory_bias) == ("gru", 100, 5.0)
    assert page.locator("#train-status").text_content().endswith("…")  # it is training
    page.click("#stop")
    page.locator("#train-status").filter(has_text="Stopped.").wait_for()
    assert page.locator("#stop").is_disabled()
    params = page_state(page).params
    page.wait_for_timeout(300)  # (not a timed assertion: nothing may train while stopped)
    assert page_state(page).params == params
    walked |= {"preset-remember-100", "stop"}
    # a custom sequence
    acts("sequence", lambda: (pick("#sequence", "custom")(), page.fill("#custom", "1, 3, 2, 4")))
    look()
    acts("custom", lambda: page.fill("#custom", "1, 3, 2, 4, 3"))
    assert len(table(page)) == 5
    # the task: the text task's controls replace these
    page.select_option("#task", "text")
    page.locator("#text-input").wait_for()
    assert "text-input" in page.evaluate(SHOWN_CONTROLS)
    assert "sequence" not in page.evaluate(SHOWN_CONTROLS)
    walked.add("task")
    assert shown == walked, f"shown but not walked: {shown - walked}"
    ctx.close()
