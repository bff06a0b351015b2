"""The gated cells on the page, used as a person would: choosing each cell, editing a gate's
grid cell, Step Forward's gate equations, a link and a weights file round trip for each cell,
the forget-gate presets, the long-lag task trained with Adam, and bad input. Every number read
off the page is recomputed on CPython with rnn_py."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest
from conftest import ARTIFACTS, settled
from test_page import table
from test_robust import page_state, type_into, wait_for_run

import rnn_py
from rnn_py import cells
from rnn_py.lessons import RUN_LENGTH
from rnn_py.page import gateview, view
from rnn_py.page.state import DemoState, default_params, with_cell

HEAD_JS = "ths => ths.map(th => th.textContent)"
EQUATION_JS = "lines => lines.map(line => line.textContent.replace(/\\s+/g, ''))"


def head(page):
    return page.eval_on_selector_all("#timesteps thead th", HEAD_JS)


def expected_head(state):
    return [text + sub for text, sub in view.snapshot(state)["columns"]]


def equation(page):
    return settled(page).eval_on_selector_all("#live-equation .eq-line", EQUATION_JS)


def expected_equation(state):
    """The live equation's lines as the page's text, computed on CPython."""
    lines = view.snapshot(state)["equation"]
    return ["".join(tok[1] + (tok[2] if len(tok) > 2 else "") for tok in line).replace(" ", "")
            .replace("\u00a0", "") for line in lines]  # fmt: skip


def box(page, label):
    return page.get_by_role("spinbutton", name=label, exact=True)


EDITS = {"gru": ("w_hz", (0, 0), "0.75"), "lstm": ("w_hf", (0, 1), "-1.25")}


def test_each_cell_chosen_edited_stepped_linked_and_saved(open_page, tmp_path):
    page = open_page("#seq=linear&len=6")
    for cell, n in (("gru", 1), ("lstm", 2), ("vanilla", 1)):
        page.select_option("#cell", cell)
        if str(n) != page.input_value("#hidden"):
            page.select_option("#hidden", str(n))
        state = page_state(page)
        assert state.cell == cell and state.params == default_params(n, 1, cell)
        assert head(page) == expected_head(state)
        assert table(page) == view.snapshot(state)["rows"]
        gated = cell != "vanilla"
        assert page.locator("#activation").is_disabled() == gated
        assert page.locator("#activation-note").is_visible() == gated
        # a gated cell always has the grids, even with one unit; the vanilla one-unit sliders
        assert page.locator("#scalar-weights").is_visible() == (not gated)
        if gated:
            assert page.locator("#weight-grid input").count() == type(state.params).size(n)
            for role in cells.module(cell).ROLES.values():  # each gate's name and role
                shown = re.sub(r"_\{([^}]*)\}", r"\1", role)[1:]  # h_{t−1} has a subscript
                assert page.locator(".wg-gate", has_text=shown).count() == 1
            name, index, text = EDITS[cell]
            label = rnn_py.page.grid.cell_label(name, index)
            type_into(page, f"#weight-grid input[aria-label='{label}']", text)
            edited = with_cell(state.params, name, index, float(text))
            state = page_state(page)
            assert state.params == edited
            assert table(page) == view.snapshot(state)["rows"]
            # Step Forward shows each gate's equation for the step read
            page.click("#reset")
            page.click("#step")
            page.click("#step")
            assert equation(page) == expected_equation(replace(state, step=2))
            assert len(equation(page)) == (5 if cell == "gru" else 7) + 1
            # a weights file round trip: download, change the cell, load it back
        with page.expect_download() as info:
            page.click("#export-weights")
        saved = tmp_path / f"{cell}.json"
        info.value.save_as(saved)
        assert json.loads(saved.read_text())["cell"] == cell
        page.select_option("#cell", "gru" if cell != "gru" else "lstm")
        page.set_input_files("#import-weights", str(saved))
        page.locator("#share-status").filter(has_text="Weights loaded").wait_for()
        assert page_state(page).params == state.params
        assert page.input_value("#cell") == cell
        # a link round trip: the address opens exactly this view
        query = page.evaluate("location.hash")
        rows = table(page)
        page.reload()
        page.locator("html[data-py-ready]").wait_for(state="attached", timeout=60_000)
        assert page.evaluate("location.hash") == query
        assert page_state(page).params == state.params
        assert table(page) == rows


def c_arrow_widths(page):
    return page.eval_on_selector_all(
        "#unrolled .c-carry", "ls => ls.map(l => Number(l.getAttribute('stroke-width')))"
    )


def test_forget_gate_presets_and_bad_input(open_page, tmp_path):
    page = open_page("#cell=lstmm&n=2")
    notice = page.locator("#notices")
    assert "The link's Cell ('lstmm') is not one of vanilla, gru, lstm." in notice.text_content()
    assert page_state(page).cell == "vanilla"
    for name, thick_at_start in (("forget-open", True), ("forget-shut", False)):
        page.click(f"#preset-{name}")
        state = page_state(page)
        want = gateview.preset_settings(name)
        assert (state.cell, state.sequence, state.gap) == ("lstm", "remember", 63)
        assert state.params == want["params"]
        assert len(table(page)) == 64
        widths = c_arrow_widths(page)
        assert len(widths) == 63
        # the gradient along c: level to t = 0 with the gate open, gone after a step when shut
        assert widths[-1] > 4
        assert (widths[0] > 4) == thick_at_start
        assert (widths[0] < 1) == (not thick_at_start)
        ARTIFACTS.mkdir(exist_ok=True)
        page.locator("figure.unrolled").screenshot(path=str(ARTIFACTS / f"cells-{name}.png"))
    # a weights file with a gate missing: a message, and nothing changes
    before, rows = page_state(page), table(page)
    lstm = DemoState().with_cell("lstm").with_hidden(2)
    document = json.loads(rnn_py.page.state.export_weights(lstm))
    del document["params"]["w_hf"]
    bad = tmp_path / "missing.json"
    bad.write_text(json.dumps(document))
    page.set_input_files("#import-weights", str(bad))
    page.locator("#share-status").filter(has_text="no 'w_hf' (gate f)").wait_for()
    assert page_state(page) == before and table(page) == rows


def test_the_long_lag_task_trained_with_adam(open_page):
    page = open_page("#seq=remember&gap=5&cell=gru&opt=adam&lr=0.05")
    assert page.locator("#gap-row").is_visible() and page.locator("#length-row").is_hidden()
    assert page.locator("#batch-size").text_content() == "16"
    assert page.locator("#forecast").is_disabled()
    # a gap out of range is refused with a message, and nothing changes
    before = page_state(page)
    type_into(page, "#gap", "500")
    assert "so nothing changed" in page.locator("#gap-msg").text_content()
    assert page_state(page) == before and page.input_value("#gap") == "5"
    type_into(page, "#gap", "6")
    assert page_state(page).gap == 6
    type_into(page, "#gap", "5")
    start = page_state(page)
    assert page.input_value("#optimizer") == "adam"
    page.click("#train")
    wait_for_run(page, timeout=120_000)
    task = start.task()
    steps = list(rnn_py.train_bptt(start.params, task, "tanh", lr=0.05, clip=5.0,
                                   epochs=RUN_LENGTH, optimizer="adam"))  # fmt: skip
    first, last = steps[0], steps[-1]
    status = page.locator("#train-status").text_content()
    assert status.startswith(f"BPTT: {RUN_LENGTH} epochs, loss {first.loss:.4g} → {last.loss:.4g}")
    assert "(each epoch's batch)" in status
    trained = page_state(page).params
    assert trained.flat() == pytest.approx(last.params.flat(), rel=1e-6, abs=1e-9)
    assert last.loss < first.loss
    # and not what gradient descent would have reached from the same start
    gd = list(rnn_py.train_bptt(start.params, task, "tanh", lr=0.05, clip=5.0, epochs=RUN_LENGTH))
    assert gd[-1].params.flat() != pytest.approx(last.params.flat(), rel=1e-6, abs=1e-9)
    shown = view.snapshot(replace(start, params=trained))
    assert table(page) == shown["rows"]
