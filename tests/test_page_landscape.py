"""The Loss landscape panel in the page: clicks and keys set weights whose loss is the map's,
the map follows the model, and the Cliffs preset shows its wall and its two steps."""

from __future__ import annotations

import pytest
import reference
from conftest import address, screenshot

import rnn_py
import rnn_py.studies.landscape
from rnn_py.page.state import from_query
from rnn_py.studies.landscape import (
    CLIFFS,
    axis,
    cliff_step,
    grid_values,
    loss_map,
    point_text,
    search_samples,
    steepest,
    step_text,
    wall_text,
)

SIZE = 48
COMPLETE = "() => document.getElementById('ls-status').textContent.startsWith('Map complete')"
ONE_RUN = ".startsWith('Drawn over the map: 1 BPTT run of this visit')"


def state_of(page):
    """The page's DemoState, read back from its address (which holds every weight exactly)."""
    state, notices = from_query(address(page)[1:])
    assert not notices
    return state


def open_panel(page):
    page.locator("#landscape-panel > summary").click()
    wait_complete(page)


def wait_complete(page):
    page.wait_for_function(COMPLETE, timeout=60_000)


def click_cell(page, i, j):
    """Click the middle of grid cell (row i from the bottom, column j)."""
    page.locator("#ls-canvas").scroll_into_view_if_needed()
    box = page.locator("#ls-canvas").bounding_box()
    x = box["x"] + (j + 0.5) / SIZE * box["width"]
    y = box["y"] + (1 - (i + 0.5) / SIZE) * box["height"]
    before = page.evaluate("location.hash")
    page.mouse.click(x, y)
    page.wait_for_function(f"() => location.hash !== {before!r}")


def the_map(state, x_key, y_key, x_range, y_range, gradients=False):
    return loss_map(state.params, state.xs(), state.activation, x_key, y_key, x_range, y_range,
                    SIZE, gradients=gradients)  # fmt: skip


def test_click_sets_the_weights_and_the_page_shows_the_maps_loss(open_page):
    page = open_page()
    assert page.locator("#ls-status").text_content() == ""  # closed: nothing computed
    open_panel(page)
    x_select = page.get_by_role("combobox", name="Landscape x")
    y_select = page.get_by_role("combobox", name="Landscape y")
    assert x_select.input_value() == "w_xh[1]" and y_select.input_value() == "w_hh[1,1]"
    assert x_select.locator("option:checked").text_content() == "Input weight"
    assert y_select.locator("option:checked").text_content() == "Hidden weight"
    before = state_of(page)
    expected = the_map(before, "w_xh[1]", "w_hh[1,1]", (-2, 2), (-2, 2))
    for i, j in ((10, 5), (40, 44)):
        click_cell(page, i, j)
        after = state_of(page)
        assert after.params.w_xh == [expected.x_values[j]]
        assert after.params.w_hh == [[expected.y_values[i]]]
        assert after.params.w_hy == before.params.w_hy and after.params.b_y == before.params.b_y
        shown = expected.losses[i][j]
        assert shown == rnn_py.forward(after.params, after.xs(), after.activation).loss
        # and independently: the grid's points, and the loss there by the NumPy reference
        assert expected.x_values[j] == pytest.approx(-2 + 4 * j / (SIZE - 1), abs=1e-15)
        assert expected.y_values[i] == pytest.approx(-2 + 4 * i / (SIZE - 1), abs=1e-15)
        ref = float(reference.forward(after.params, after.xs(), after.activation)[3])
        assert shown == pytest.approx(ref, rel=1e-12)
        assert page.locator("output#loss").text_content().startswith(f"{shown:.4g} ")
        text = point_text("Input weight", "Hidden weight", expected.x_values[j],
                          expected.y_values[i], shown)  # fmt: skip
        assert page.locator("#ls-point").text_content() == text
    assert page.locator("#ls-point").get_attribute("aria-live") == "polite"
    # Setting the two weights of the map does not recompute it.
    assert page.locator("#ls-status").text_content().startswith("Map complete")


def test_arrow_keys_move_the_marker_one_grid_step(open_page):
    page = open_page()
    open_panel(page)
    click_cell(page, 20, 20)
    values = grid_values(-2.0, 2.0, SIZE)
    marker = page.get_by_role("button", name="Marker on the loss landscape", exact=False)
    marker.focus()
    for key, (i, j) in (("ArrowRight", (20, 21)), ("ArrowUp", (21, 21)), ("ArrowUp", (22, 21)),
                        ("ArrowLeft", (22, 20)), ("ArrowDown", (21, 20))):  # fmt: skip
        before = page.evaluate("location.hash")
        page.keyboard.press(key)
        page.wait_for_function(f"() => location.hash !== {before!r}")
        state = state_of(page)
        assert state.params.w_xh == [values[j]] and state.params.w_hh == [[values[i]]], key
        loss = rnn_py.forward(state.params, state.xs(), state.activation).loss
        text = point_text("Input weight", "Hidden weight", values[j], values[i], loss)
        page.wait_for_function(
            f"() => document.getElementById('ls-point').textContent === {text!r}"
        )
    assert page.evaluate("document.activeElement.id") == "ls-marker"


def test_the_map_follows_the_fixed_weights_only_while_open(open_page):
    page = open_page()
    open_panel(page)
    state = state_of(page)
    wall = steepest(the_map(state, "w_xh[1]", "w_hh[1,1]", (-2, 2), (-2, 2), True).grad_norms)
    assert page.locator("#ls-wall").text_content() == expected_wall_text(state, wall)
    # A weight off the axes changes: the map is computed again, for the new weights.
    box = page.get_by_role("spinbutton", name="Output weight")
    box.fill("-1.5")
    box.press("Enter")
    page.wait_for_function("() => location.hash.includes('w=0.5,0.8,-1.5,')")
    wait_complete(page)
    state = state_of(page)
    assert state.params.w_hy == [-1.5]
    wall = steepest(the_map(state, "w_xh[1]", "w_hh[1,1]", (-2, 2), (-2, 2), True).grad_norms)
    page.wait_for_function(
        f"() => document.getElementById('ls-wall').textContent === "
        f"{expected_wall_text(state, wall)!r}"
    )
    # Closed, it computes nothing; opened again, it catches up.
    page.locator("#landscape-panel > summary").click()
    page.get_by_role("combobox", name="Activation").select_option(label="Sigmoid")
    page.wait_for_timeout(300)
    assert page.locator("#ls-status").text_content().startswith("Map complete")
    open_panel(page)
    state = state_of(page)
    assert state.activation == "sigmoid"
    wall = steepest(the_map(state, "w_xh[1]", "w_hh[1,1]", (-2, 2), (-2, 2), True).grad_norms)
    page.wait_for_function(
        f"() => document.getElementById('ls-wall').textContent === "
        f"{expected_wall_text(state, wall)!r}"
    )


def expected_wall_text(state, wall, x_key="w_xh[1]", y_key="w_hh[1,1]", ranges=((-2, 2),) * 2):
    x = grid_values(*map(float, ranges[0]), SIZE)[wall.j]
    y = grid_values(*map(float, ranges[1]), SIZE)[wall.i]
    labels = axis(state.hidden, x_key).label, axis(state.hidden, y_key).label
    return wall_text(wall, *labels, x, y)


def test_axes_and_ranges_can_be_chosen(open_page):
    page = open_page()
    open_panel(page)
    page.get_by_role("combobox", name="Landscape y").select_option(label="Output bias")
    wait_complete(page)
    page.get_by_role("spinbutton", name="Landscape x from").fill("-1")
    page.get_by_role("spinbutton", name="Landscape x from").press("Enter")
    page.wait_for_function("() => document.getElementById('ls-x-low-tick').textContent === '−1'")
    wait_complete(page)
    click_cell(page, 47, 0)  # top left: x from, y to
    state = state_of(page)
    assert state.params.w_xh == [-1.0] and state.params.b_y == 2.0  # b_y was 0: range ±2
    # A range the wrong way round is refused with a message; the map keeps its range.
    page.get_by_role("spinbutton", name="Landscape y to").fill("-5")
    page.get_by_role("spinbutton", name="Landscape y to").press("Enter")
    page.wait_for_function("() => document.getElementById('ls-msg').textContent !== ''")
    assert "must be above" in page.locator("#ls-msg").text_content()
    assert page.locator("#ls-y-high-tick").text_content() == "2"
    # Picking the same weight on both axes swaps them.
    page.get_by_role("combobox", name="Landscape x").select_option(label="Output bias")
    page.wait_for_function("() => document.getElementById('ls-y').value === 'w_xh[1]'")
    wait_complete(page)


def test_cliffs_preset_wall_and_one_step(open_page):
    page = open_page()
    open_panel(page)
    page.get_by_role("button", name="Cliffs (Pascanu et al., 2013)").click()
    page.wait_for_function("() => document.getElementById('ls-x').value === 'w_hh[1,1]'")
    wait_complete(page)
    state = state_of(page)
    assert (state.sequence, state.length, state.normalized, state.activation) == (
        "alternating", 64, True, "tanh"
    )  # fmt: skip
    assert state.params == CLIFFS.params and state.clip
    assert page.get_by_role("combobox", name="Landscape y").input_value() == "b_h[1]"
    m = the_map(state, CLIFFS.x_key, CLIFFS.y_key, CLIFFS.x_range, CLIFFS.y_range, True)
    wall = steepest(m.grad_norms)
    assert wall.ratio >= 100
    ranges = (CLIFFS.x_range, CLIFFS.y_range)
    text = expected_wall_text(state, wall, CLIFFS.x_key, CLIFFS.y_key, ranges)
    assert page.locator("#ls-wall").text_content() == text
    page.get_by_role("button", name="Step with and without clipping").click()
    page.wait_for_function("() => document.getElementById('ls-step-text').textContent !== ''")
    step = cliff_step(CLIFFS.params, state.xs(), "tanh", lr=state.lr, limit=5.0)
    assert step.unclipped_move >= 10 * step.clipped_move
    expected = step_text(step, state.lr, m.losses[wall.i][wall.j], on_map=False)
    assert page.locator("#ls-step-text").text_content() == expected
    assert state_of(page).params == CLIFFS.params  # the marker sits on the wall
    # The step is recorded for the challenges: "Find a cliff" is solved.
    page.locator("#challenges-panel > summary").click()
    page.locator("#challenge-6[data-solved]").wait_for()
    assert "cliff" in page.locator("#challenge-6").text_content()
    page.locator("#challenges-panel > summary").click()
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.locator("#landscape-panel").scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        screenshot(page, f"landscape-cliffs-{width}")


# The overlay draws BPTT paths as white lines and Random Search tries as white dots.
WHITE_PIXELS_JS = """() => {
  const canvas = document.getElementById('ls-canvas');
  const px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let count = 0;
  for (let i = 0; i < px.length; i += 4) {
    const [r, g, b] = [px[i], px[i + 1], px[i + 2]];  // white, or white at 85 % over the map
    if (Math.min(r, g, b) > 205 && Math.max(r, g, b) - Math.min(r, g, b) < 25) count++;
  }
  return count;
}"""


def test_training_paths_and_search_tries_are_drawn(open_page):
    page = open_page()
    open_panel(page)
    assert "Train or search" in page.locator("#ls-drawn").text_content()
    bare = page.evaluate(WHITE_PIXELS_JS)
    page.get_by_role("button", name="Train (BPTT)").click()
    page.wait_for_function(f"() => document.getElementById('ls-drawn').textContent{ONE_RUN}")
    wait_complete(page)  # the run moved every weight: the map is computed again
    # the white line of the BPTT path (polled: the map is repainted a few rows per frame)
    page.wait_for_function(f"n => ({WHITE_PIXELS_JS})() > n", arg=bare + 100, timeout=30_000)
    state = state_of(page)
    page.get_by_role("button", name="Random Search").click()
    page.wait_for_function("() => document.getElementById('ls-drawn').textContent"
                           ".endsWith('and 300 Random Search tries.')", timeout=60_000)  # fmt: skip
    # The dots are the tries the search made: the best of them is where the search ended.
    xs = state.xs()
    tries = search_samples(1, 300, state.seed, -2.0, 2.0)
    losses = [rnn_py.forward(rnn_py.Params.from_flat(1, w), xs, "tanh").loss for w in tries]
    best = tries[min(range(300), key=losses.__getitem__)]
    page.wait_for_function(
        "() => document.getElementById('search').textContent === 'Random Search'"
    )
    assert state_of(page).params.flat() == best
    wait_complete(page)  # 300 dots, each several pixels
    page.wait_for_function(f"n => ({WHITE_PIXELS_JS})() > n", arg=bare + 1000, timeout=30_000)
    screenshot(page, "landscape-paths")


def test_progressive_and_superseded(open_page):
    page = open_page("#seq=sine&len=64&n=4&act=tanh")
    page.evaluate("""() => {
        window.__seen = [];
        const bar = document.getElementById('ls-progress');
        const poll = () => { window.__seen.push(bar.value); requestAnimationFrame(poll); };
        requestAnimationFrame(poll);
    }""")
    page.locator("#landscape-panel > summary").click()
    page.wait_for_function("() => window.__seen.some(v => v > 0.05 && v < 0.5)", timeout=60_000)
    # A change of activation mid-way starts over (a new computation's "start" message: the bar
    # goes back to 0, however quickly the new computation then moves on); the old one stops.
    page.evaluate("""() => {
        const rnn = window.RnnPage, panel = rnn.panel;
        window.__starts = 0;
        rnn.panel = function (name, json) {
            if (name === "landscape" && JSON.parse(json).kind === "start") window.__starts++;
            return panel.apply(this, arguments);
        };
    }""")
    page.get_by_role("combobox", name="Activation").select_option(label="ReLU")
    page.wait_for_function("() => window.__starts >= 1")
    # Closed mid-way, it stops computing; opened again, it starts over and finishes.
    page.wait_for_function("() => document.getElementById('ls-progress').value > 0.02")
    page.locator("#landscape-panel > summary").click()
    page.wait_for_timeout(300)  # the toggle event reaches Python a moment later
    stopped = page.locator("#ls-progress").evaluate("b => b.value")
    page.wait_for_timeout(1500)
    assert page.locator("#ls-progress").evaluate("b => b.value") == stopped < 1
    page.locator("#landscape-panel > summary").click()
    wait_complete(page)
    seen = page.evaluate("window.__seen")
    assert any(0 < v < 1 for v in seen)  # drawn over many frames, with a visible progress
    assert page.locator("#ls-progress").evaluate("b => b.value") == 1
    state = state_of(page)
    assert state.activation == "relu" and state.hidden == 4
    loss = rnn_py.forward(state.params, state.xs(), "relu").loss
    flat = state.params.flat()
    text = point_text("W_xh[1]", "W_hh[1,1]", flat[0], flat[4], loss)
    assert page.locator("#ls-point").text_content() == text


def test_any_weight_of_a_larger_network_can_be_an_axis(open_page):
    page = open_page("#seq=linear&len=12&norm=1&n=2")
    open_panel(page)
    x_select = page.get_by_role("combobox", name="Landscape x")
    labels = x_select.locator("option").all_text_contents()
    assert labels == [a.label for a in rnn_py.studies.landscape.axes(2)]
    assert labels[3] == "W_hh[1,2]"
    x_select.select_option(label="W_hh[1,2]")
    page.get_by_role("combobox", name="Landscape y").select_option(label="b_h[2]")
    page.wait_for_function("() => document.getElementById('ls-xlabel').textContent === 'W_hh[1,2]'")
    wait_complete(page)
    before = state_of(page)
    click_cell(page, 7, 31)
    after = state_of(page)
    # A new axis spans its value now, rounded, ± 2.
    x_range = (round(before.params.w_hh[0][1]) - 2.0, round(before.params.w_hh[0][1]) + 2.0)
    y_range = (round(before.params.b_h[1]) - 2.0, round(before.params.b_h[1]) + 2.0)
    m = the_map(before, "w_hh[1,2]", "b_h[2]", x_range, y_range)
    assert after.params.w_hh[0][1] == m.x_values[31] and after.params.b_h[1] == m.y_values[7]
    flat_before, flat_after = before.params.flat(), after.params.flat()
    changed = [k for k in range(11) if flat_before[k] != flat_after[k]]
    assert changed == [axis(2, "w_hh[1,2]").index, axis(2, "b_h[2]").index]
    loss = rnn_py.forward(after.params, after.xs(), after.activation).loss
    assert loss == m.losses[7][31]
    assert page.locator("output#loss").text_content().startswith(f"{loss:.4g} ")
    text = point_text("W_hh[1,2]", "b_h[2]", m.x_values[31], m.y_values[7], loss)
    assert page.locator("#ls-point").text_content() == text
