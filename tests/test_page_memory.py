"""The memory bias on the page, used as a person would: the control that only a gated cell
shows, typed values (and a refused one), the link that keeps it, and the "Remember across 100
steps" preset, whose run is recomputed on CPython with rnn_py."""

from __future__ import annotations

import pytest
from conftest import address
from test_robust import page_state, type_into

import rnn_py
from rnn_py.page.gateview import MEMORY_PRESET, memory_preset_settings
from rnn_py.page.state import default_params


def test_the_memory_bias_starts_a_fresh_gated_cell_where_it_says(open_page):
    page = open_page("#seq=linear&len=6")
    row, box = page.locator("#memory-row"), "#memory-bias"
    assert row.is_hidden()  # the vanilla cell has no gate to bias
    page.focus("#cell")
    page.select_option("#cell", "gru")
    assert row.is_visible() and page.input_value(box) == "1"
    assert page.locator("#memory-gru").is_visible() and page.locator("#memory-lstm").is_hidden()
    assert page_state(page).params == default_params(1, 1, "gru")
    type_into(page, box, "5")
    state = page_state(page)
    assert state.memory_bias == 5 and "membias=5" in address(page)
    assert state.params == default_params(1, 1, "gru", 5.0) and state.params.b_z == [5.0]
    # the other weights are the seed's, as before
    assert state.params.w_xz == default_params(1, 1, "gru").w_xz
    type_into(page, box, "99")  # clamped to the range, and said so
    assert "from -10 to 10" in page.locator("#memory-bias-msg").text_content()
    assert page_state(page).params.b_z == [10.0] and page.input_value(box) == "10"
    page.select_option("#cell", "lstm")  # the same dial, now the forget gate's
    assert page.locator("#memory-lstm").is_visible() and page.locator("#memory-gru").is_hidden()
    assert page_state(page).params == default_params(1, 1, "lstm", 10.0)
    # a link keeps the setting: a fresh page from it starts where this one is
    again = open_page("#" + address(page))
    assert page_state(again).memory_bias == 10 and again.input_value(box) == "10"
    again.select_option("#hidden", "2")
    assert page_state(again).params.b_f == [10.0, 10.0]
    again.select_option("#cell", "vanilla")
    assert again.locator("#memory-row").is_hidden()


def test_the_remember_100_preset_trains_a_gru_that_keeps_x0(open_page):
    page = open_page("#seq=sine")
    page.click("#preset-remember-100")
    want = memory_preset_settings()
    # the run reading beside the buttons moves while the run goes on
    page.wait_for_function(  # a frame may finish more than one epoch on a busy machine
        """() => {
          const m = /Epoch (\\d+) of/.exec(document.getElementById("run-progress").textContent);
          return m && Number(m[1]) >= 3;
        }""",
        timeout=120_000,
    )
    page.click("#stop")
    state = page_state(page)
    assert (state.cell, state.sequence, state.gap, state.hidden) == ("gru", "remember", 100, 4)
    assert (state.memory_bias, state.optimizer, state.lr, state.batch) == (5, "adam", 0.03, 16)
    # the weights are those rnn_py's BPTT reaches after the epochs the page ran
    steps = rnn_py.train_bptt(want["params"], state.task(), "tanh", lr=MEMORY_PRESET["lr"],
                              clip=5.0, epochs=40, optimizer="adam")  # fmt: skip
    flat = state.params.flat()
    assert any(flat == pytest.approx(s.params.flat(), rel=1e-9, abs=1e-12) for s in steps)
    # the gate columns show the update gate near 1 all along the gap: the cell keeps h
    z = page.locator("#timesteps tbody tr td:nth-child(5)").all_text_contents()
    assert len(z) == 101
    assert all(float(v) > 0.97 for cell in z for v in cell.strip("[]").split(","))
