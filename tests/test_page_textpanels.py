"""Text mode's Code panel, Python console, notebook download and gradient reach chart, in the
real page (one page load). Every expectation is recomputed here with rnn_py on CPython."""

import json
from pathlib import Path

import nbformat
from conftest import screenshot
from test_page_code import open_panel, panel_shot, run, wait_marked
from test_page_text import PRED_PIXELS_JS

from rnn_py.page import source
from rnn_py.page.state import from_query
from rnn_py.text import task as tx
from rnn_py.text import view as tv

QUERY = "task=text&tn=4"


# pixels of the bar colour (--c-pred) on the reach chart
def text_lines(kind):
    return sorted(
        n
        for b in source.listing("vanilla", "text")["blocks"]
        if b["kind"] == kind
        for n in range(b["first"], b["last"] + 1)
    )


def test_code_console_notebook_and_reach_in_text_mode(open_page):
    page = open_page("#" + QUERY)
    page.locator("#text-stage").wait_for()
    state = from_query(QUERY)[0]
    model = tv.new_model(state)

    # The gradient reach over the stretch: one bar per character, and its sentence.
    a, b = tv.stretch_bounds(model, 0)
    expected = [r for r in tv.reach_steps(model, 0) if r is not None][0]
    page.wait_for_function(
        f"document.getElementById('sees-reach').dataset.bars === '{b - a}'", timeout=60_000
    )
    assert page.locator("#sees-reach-text").text_content() == expected["sentence"]
    assert page.evaluate(PRED_PIXELS_JS, "sees-reach") > (b - a) * 10
    panel_shot(page, "textpanels-reach", "text-sees")

    # The Code panel lists textmodel's forward/backward and the cell's step/step_back.
    open_panel(page, "code")
    page.locator(".code-line").first.wait_for()
    listing = source.listing("vanilla", "text")
    shown = page.locator(".code-line").evaluate_all(
        "rows => rows.map(r => [Number(r.dataset.line), r.querySelector('.src').textContent])"
    )
    assert shown == [
        [n, "".join(t for _, t in spans) or "\n"]
        for f in listing["functions"]
        for n, spans in f["lines"]
    ]
    captions = page.locator(".code-caption").all_text_contents()
    files = ["rnn_py/text/model.py", "rnn_py/cells/vanilla.py"] * 2
    assert [c.split(",")[0] for c in captions] == files
    assert page.locator(".code-note").count() == len(listing["blocks"])
    assert "Nothing read yet" in page.locator("#code-status").text_content()
    page.locator("#sees-step").click()
    page.locator("#code-status").filter(has_text="t = 0:").wait_for()
    wait_marked(page, text_lines("step"))
    page.locator("#sees-step").click()
    page.locator("#code-status").filter(has_text="t = 1:").wait_for()
    screenshot(page, "textpanels-code-step")
    panel_shot(page, "textpanels-code-step", "code-panel")

    # Training marks the backward pass; Stop brings back the step's lines.
    page.locator("#text-train").click()
    wait_marked(page, text_lines("train"))
    assert "step_back" in page.locator("#code-status").text_content()
    panel_shot(page, "textpanels-code-train", "code-panel")
    page.locator("#text-stop").click()
    wait_marked(page, text_lines("step"), timeout=30_000)
    # the chart comes back for the trained network
    page.wait_for_function(
        f"document.getElementById('sees-reach').dataset.bars === '{b - a}'", timeout=60_000
    )

    # The console has text, vocab and the seeded starting weights.
    open_panel(page, "console")
    page.locator("#console-output .console-note").wait_for()
    assert "text_params" in page.locator("#console-output").text_content()
    vocab = tx.Vocab(state.text)
    assert run(page, "len(vocab.chars), text_params.n") == f"({vocab.size}, 4)\n"
    start = tx.text_params("vanilla", 4, vocab.size, state.seed)
    assert run(page, "text_params.b_y == [0.0] * len(vocab.chars), text_params.w_hy[0][0]") == (
        f"(True, {start.w_hy[0][0]!r})\n"
    )

    # The notebook is the text one.
    with page.expect_download() as info:
        page.get_by_role("button", name="Download notebook (.ipynb)").click()
    assert info.value.suggested_filename == "rnn-text.ipynb"
    raw = Path(info.value.path()).read_text(encoding="utf-8")
    nb = nbformat.reads(raw, as_version=4)
    nbformat.validate(nb)
    ids = [c.id for c in nb.cells if c.cell_type == "code"]
    assert ids == ["model", "setup", "train", "sample"]
    setup = next(c.source for c in nb.cells if c.id == "setup")
    assert f"chars = {vocab.chars!r}" in setup
    assert json.loads(raw)["cells"][0]["cell_type"] == "markdown"

    # Another cell: the listing follows it, and so does the console's welcome.
    page.locator("#text-cell").select_option("lstm")
    page.locator(".code-caption").filter(has_text="rnn_py/cells/lstm.py").first.wait_for()
    lstm = source.listing("lstm", "text")
    assert page.locator(".code-note").count() == len(lstm["blocks"])
    page.locator("#console-output").filter(has_text="LSTM text network").wait_for()
