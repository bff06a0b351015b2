"""The panels with the GRU and the LSTM, in the browser: the Code panel marks each gate's line,
the console edits an LSTM weight, the notebook of a GRU runs with the page's loss, the two
challenges about gates tick, Compare cells draws three curves, and the Landscape says why it
maps the vanilla cell."""

import re

import nbformat
import pytest
from conftest import ARTIFACTS, screenshot

from rnn_py import cells
from rnn_py.lessons import CHALLENGES
from rnn_py.page import source
from rnn_py.page.state import from_query
from rnn_py.studies import compare

LSTM = "#cell=lstm"
GRU_TASK = "#seq=remember&gap=10&batch=4&cell=gru&n=2&opt=adam&lr=0.1&seed=1"


def open_panel(page, name):
    panel = page.locator(f"#{name}-panel")
    if panel.get_attribute("open") is None:
        panel.locator("summary").first.click()
    return panel


def panel_shot(page, name, panel_id):
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator(f"#{panel_id}").screenshot(path=str(ARTIFACTS / f"{name}.png"))


def block_lines(cell, kind):
    return sorted(
        (b["function"], n)
        for b in source.listing(cell)["blocks"]
        if b["kind"] == kind
        for n in range(b["first"], b["last"] + 1)
    )


MARKED = """() => [...document.querySelectorAll('.code-fn')].flatMap(fn => {
  const name = fn.querySelector('.code-caption').textContent.split(': ').pop();
  return [...fn.querySelectorAll('.code-line.marked')].map(r => [name, Number(r.dataset.line)]);
}).sort((a, b) => a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1])"""


def wait_marked(page, want, timeout=20_000):
    want = sorted([list(w) for w in want])
    page.wait_for_function(
        f"want => JSON.stringify(({MARKED})()) === JSON.stringify(want)", arg=want,
        timeout=timeout,
    )  # fmt: skip


def test_code_panel_marks_each_lstm_gate_while_stepping_and_the_backward_pass_training(
    open_page,
):
    page = open_page(LSTM)
    open_panel(page, "code")
    page.locator(".code-caption").first.filter(has_text="rnn_py/cells/lstm.py").wait_for()
    listing = source.listing("lstm")
    captions = page.locator(".code-caption").all_text_contents()
    assert captions == [
        f"{f['file']}, lines {f['first']}–{f['last']}: {f['name']}" for f in listing["functions"]
    ]
    assert page.locator(".code-note").count() == len(listing["blocks"])
    page.get_by_role("button", name="Reset").click()
    step = page.get_by_role("button", name="Step Forward")
    for t in range(2):
        step.click()
        page.locator("#code-status").filter(has_text=f"t = {t}:").wait_for()
    assert "i₁, f₁, o₁, c̃₁, c₁, h₁ and y₁" in page.locator("#code-status").text_content()
    wait_marked(page, block_lines("lstm", "step"))
    live = page.locator("#live-equation .eq-line").all_text_contents()
    for key, symbol in (("i", "i"), ("f", "f"), ("o", "o"), ("cc", "c̃"), ("c", "c"), ("h", "h")):
        shown = page.locator(f'.code-note[data-block="{key}"] .code-values').text_content()
        assert shown and shown in live and shown.startswith(symbol)
    screenshot(page, "cellpanels-code-lstm-1280")
    panel_shot(page, "cellpanels-code-lstm-panel-1280", "code-panel")
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_function("document.documentElement.scrollWidth <= 390")  # after the resize
    panel_shot(page, "cellpanels-code-lstm-panel-390", "code-panel")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Train (BPTT)").click()
    wait_marked(page, block_lines("lstm", "train"))
    assert "step_back" in page.locator("#code-status").text_content()
    page.get_by_role("button", name="Stop").click()
    # switching the cell shows the GRU's own code
    page.locator("#cell").select_option("gru")
    page.locator(".code-caption").first.filter(has_text="rnn_py/cells/gru.py").wait_for()
    assert page.locator(".code-note").count() == len(source.listing("gru")["blocks"])


def run(page, entry):
    box = page.get_by_role("textbox", name="Python input")
    before = page.locator("#console-output .console-in").count()
    box.fill(entry)
    box.press("Enter")
    page.wait_for_function(
        f"document.querySelectorAll('#console-output .console-in').length > {before}",
        timeout=20_000,
    )
    return page.locator("#console-output .console-text").last.text_content()


def test_console_edits_an_lstm_weight_and_the_page_takes_it(open_page):
    page = open_page(LSTM)
    open_panel(page, "console")
    page.locator("#console-output .console-note").filter(has_text="forget gate f").wait_for()
    state, _ = from_query(LSTM[1:])
    loss = cells.forward(state.params, state.xs()).loss
    assert float(run(page, "rnn_py.cells.forward(params, xs).loss")) == pytest.approx(loss, 1e-12)
    assert run(page, "print(cell, optimizer)") == "lstm gd\n"
    assert run(page, "params.b_f[0] = 3.0") == ""
    d = state.params.to_dict()
    d["b_f"] = [3.0]
    new = type(state.params).from_dict(d)
    new_loss = cells.forward(new, state.xs()).loss
    page.locator("output#loss").filter(has_text=f"{new_loss:.4g} ").wait_for()
    assert "The page took the new params" in page.locator("#console-msg").text_content()
    assert run(page, "params.b_f") == "[3.0]\n"
    run(page, "params.w_hf = [[1, 2]]")
    assert "w_hf must be a 1×1 grid" in page.locator("#console-msg").text_content()
    assert run(page, "params.b_f") == "[3.0]\n"  # the page kept its weights
    # a new cell: the console names the GRU's gates
    page.locator("#cell").select_option("gru")
    page.locator("#console-output .console-note").filter(has_text="update gate z").wait_for()


def test_the_downloaded_gru_notebook_runs_with_the_pages_loss(open_page, tmp_path):
    from nbclient import NotebookClient

    query = "#cell=gru&n=2&opt=adam&seq=linear&norm=1"
    page = open_page(query)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download notebook (.ipynb)").click()
    path = tmp_path / "nb.ipynb"
    info.value.save_as(path)
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    state, notices = from_query(query[1:])
    assert not notices and state.cell == "gru"
    page_loss = page.locator("output#loss").text_content().split()[0]
    assert page_loss == f"{cells.forward(state.params, state.xs()).loss:.4g}"
    assert "".join(nb.cells[2].source) == source.cell_code("gru")
    NotebookClient(nb, timeout=60, kernel_name="python3").execute()
    forward_cell = next(c for c in nb.cells if c.get("id") == "forward")
    printed = "".join(o.get("text", "") for o in forward_cell.outputs)
    assert re.search(r"^loss = (\S+)$", printed, re.M).group(1) == page_loss
    train_cell = next(c for c in nb.cells if c.get("id") == "train")
    assert "epoch 300: loss" in "".join(o.get("text", "") for o in train_cell.outputs)


def ticked(page, cid):
    number = [c.id for c in CHALLENGES].index(cid) + 1
    page.locator(f"#challenge-{number}[data-solved]").wait_for(timeout=60_000)


def test_the_two_challenges_about_gates_tick(open_page):
    # 8: the vanilla cell on a long sine is kept as the page's vanilla weights; then the LSTM
    page = open_page("#len=40")
    open_panel(page, "challenges")
    page.locator("#challenge-list > li").nth(len(CHALLENGES) - 1).wait_for()
    assert page.locator("#challenge-8[data-solved]").count() == 0
    page.locator("#cell").select_option("lstm")
    ticked(page, "lstm-reach")
    # 9: a GRU with Adam trained on the page for one click solves gap 10
    page = open_page(GRU_TASK)
    open_panel(page, "challenges")
    page.locator("#challenge-9 .progress").filter(has_text="Train these weights").wait_for()
    page.get_by_role("button", name="Train (BPTT)").click()
    ticked(page, "long-lag")


def colour_pixels(page, colours):
    return page.evaluate(
        """colours => {
          const canvas = document.querySelector('#chart-cells canvas');
          const px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
          const hex = (c) => [1, 3, 5].map(i => parseInt(c.slice(i, i + 2), 16));
          const want = colours.map(hex);
          const counts = colours.map(() => 0);
          for (let i = 0; i < px.length; i += 4) {
            want.forEach(([r, g, b], k) => {
              if (Math.abs(px[i] - r) + Math.abs(px[i + 1] - g) + Math.abs(px[i + 2] - b) < 30
                  && px[i + 3] > 200) counts[k]++;
            });
          }
          return counts;
        }""",
        colours,
    )


@pytest.mark.parametrize("width", [1280, 390])
def test_compare_cells_draws_three_curves_and_reads_them(open_page, width):
    page = open_page("#len=40&n=2&seed=3")
    page.set_viewport_size({"width": width, "height": 900})
    panel = open_panel(page, "cells")
    page.locator("#cells-panel[data-state=done]").wait_for(timeout=30_000)
    state, _ = from_query("len=40&n=2&seed=3")
    want = compare.panel_data(state.xs(), 2, 3, "tanh")
    assert page.locator("#cells-reading").text_content() == want["reading"]
    assert page.locator("#cells-status").text_content() == want["note"]
    colours = page.evaluate(
        "() => ['--c-grad', '--c-h1', '--c-bptt'].map(v => getComputedStyle("
        "document.documentElement).getPropertyValue(v).trim())"
    )
    counts = colour_pixels(page, colours)
    assert all(c > 60 for c in counts), counts  # the LSTM's curve is dotted
    page.wait_for_function(f"document.documentElement.scrollWidth <= {width}")
    panel.scroll_into_view_if_needed()
    panel_shot(page, f"cellpanels-compare-{width}", "cells-panel")
    # another sequence: the reading follows
    page.locator("#sequence").select_option("alternating")
    other = compare.panel_data(from_query("seq=alternating&len=40")[0].xs(), 2, 3, "tanh")
    assert other["reading"] != want["reading"]
    page.locator("#cells-reading").filter(has_text=other["reading"]).wait_for(timeout=30_000)


def test_compare_cells_chart_narrows_with_the_window(open_page):
    """Drawn at 1280 px, then the window narrows to a phone's: the chart follows it, and the
    panel (a grid item) no longer holds the page wider than the window."""
    page = open_page("#len=40&n=2&seed=3")
    open_panel(page, "cells")
    page.locator("#cells-panel[data-state=done]").wait_for(timeout=30_000)
    assert page.evaluate("document.querySelector('#chart-cells canvas').clientWidth") > 1000
    page.set_viewport_size({"width": 390, "height": 800})
    page.wait_for_function(
        "document.documentElement.scrollWidth <= 390"
        " && document.querySelector('#chart-cells canvas').clientWidth <= 390"
    )


def test_landscape_and_units_with_a_gated_cell_say_why_and_switch(open_page):
    page = open_page(LSTM)
    open_panel(page, "landscape")
    note = page.locator("#ls-cell-note")
    note.wait_for()
    assert "vanilla RNN" in note.text_content()
    assert page.locator("#landscape-panel .ls-layout").is_hidden()
    open_panel(page, "units")
    page.locator("#units-cell-note").wait_for()
    page.get_by_role("button", name="Switch to the vanilla RNN").click()
    page.locator("#ls-progress[value='1']").wait_for(timeout=30_000)
    assert note.is_hidden() and page.locator("#units-cell-note").is_hidden()
    assert page.locator("#cell").input_value() == "vanilla"
