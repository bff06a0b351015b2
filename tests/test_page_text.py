"""Text mode in the real page: the whole journey on one page (Task, preset, train, stop, the
whole-text loss, samples at two temperatures, heatmaps, top five by keyboard, Step Forward, bad
input that never costs the trained network, the phone layout), and a link that replays the
training exactly. Every number is recomputed here with rnn_py on CPython."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
from conftest import READY, address, screenshot
from test_robust import AXE_RUN

import build
from rnn_py.page.state import from_query
from rnn_py.text import task as tx
from rnn_py.text import view as tv

TRAIN_TIMEOUT = 120_000
CLOSE = 1e-7  # Pyodide's dot products use math.sumprod, CPython 3.11's do not: last digits differ
# pixels of the prediction colour (--c-pred) on a canvas: the heatmap's outlines, the reach bars
PRED_PIXELS_JS = """(id) => {
  const canvas = document.getElementById(id);
  const px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  const d = document.createElement('div');
  d.style.color = getComputedStyle(document.documentElement).getPropertyValue('--c-pred');
  document.body.append(d);
  const c = getComputedStyle(d).color.match(/\\d+/g).map(Number); d.remove();
  let n = 0;
  for (let i = 0; i < px.length; i += 4) {
    if (Math.abs(px[i] - c[0]) + Math.abs(px[i + 1] - c[1]) + Math.abs(px[i + 2] - c[2]) < 40
        && px[i + 3] > 200) n++;
  }
  return n;
}"""


# Mark, then check, nodes a training frame has no reason to replace: a vocabulary character,
# a character of the strip under the heatmaps, the bold part of the loss line.
KEEP = """(what) => {
  const nodes = ['#text-vocab span', '#sees-strip .sees-char', '#text-loss b']
    .map((selector) => document.querySelector(selector));
  if (what === 'mark') nodes.forEach((node) => { node.kept = true; });
  return nodes.map((node) => node !== null && node.kept === true);
}"""


def windows(page):
    return int(page.locator("#text-loss").get_attribute("data-windows"))


def whole(page):
    """The whole-text loss the page measured (waits for it)."""
    page.wait_for_function(
        "document.getElementById('text-loss').dataset.whole", timeout=TRAIN_TIMEOUT
    )
    return float(page.locator("#text-loss").get_attribute("data-whole"))


def state_of(page):
    return from_query(page.evaluate("location.hash.slice(1)"))[0]


def expected_model(state):
    model = tv.new_model(state)
    for _ in range(state.trained):
        tv.advance(model)
    return model


def sample_with(page, temperature):
    page.fill("#temperature-num", str(temperature))
    page.locator("#temperature-num").blur()
    page.wait_for_function(
        f"document.getElementById('temperature').value === '{temperature}'", timeout=10_000
    )
    page.evaluate("document.getElementById('sample-status').textContent = ''")
    page.get_by_role("button", name="Sample", exact=True).click()
    page.wait_for_function(
        "document.getElementById('sample-status').textContent.includes('characters from')",
        timeout=TRAIN_TIMEOUT,
    )
    return page.locator("#sample-out").text_content()


def set_text(page, value):
    page.fill("#text-input", value)
    page.locator("#text-input").blur()


def test_text_journey(open_page):
    page = open_page()
    page.get_by_role("combobox", name="Task").select_option("text")
    stage = page.locator("#text-stage")
    stage.wait_for()
    assert not page.locator("#stage").is_visible()
    assert not page.get_by_role("button", name="Random Search").is_visible()
    page.get_by_role("button", name="Python").click()
    python = tx.PRESETS["python"]
    page.wait_for_function(
        f"document.getElementById('text-vocab').dataset.size === '{tx.Vocab(python).size}'"
    )
    assert page.locator("#text-input").input_value() == python
    assert page.locator("#text-vocab span").count() == tx.Vocab(python).size
    page.fill("#text-hidden", "2")
    page.locator("#text-hidden").blur()
    page.wait_for_function("location.hash.includes('tn=2')")
    unigram = f"{tx.unigram_bits(python):.2f} bits per character"
    assert unigram in page.locator("#text-loss").text_content()

    # Train, Stop: the page measures the whole text; the link records the windows. A training
    # frame repaints what changed only: the vocabulary and the character strip stay the same nodes.
    page.wait_for_function("document.querySelector('#sees-strip .sees-char')")
    page.evaluate(KEEP, "mark")
    page.get_by_role("button", name="Train", exact=True).click()
    page.wait_for_function(
        "+document.getElementById('text-loss').dataset.windows >= 60", timeout=TRAIN_TIMEOUT
    )
    rate = page.locator("#text-status").text_content()
    page.get_by_role("button", name="Stop").click()
    bits = whole(page)
    state = state_of(page)
    assert state.mode == "text" and state.text == python and state.text_hidden == 2
    assert state.trained == windows(page) >= 60
    assert page.evaluate(KEEP, "check") == [True, True, True]
    model = expected_model(state)
    assert bits == pytest.approx(tx.bits_per_char(model.params, python), rel=CLOSE)
    line = page.locator("#text-loss").text_content()
    assert f"{bits:.2f} bits per character (perplexity {2**bits:.2f})" in line
    print(f"\n{rate}")

    # Samples: reproducible, different at two temperatures, the same as rnn_py writes.
    cold = sample_with(page, 0.5)
    assert sample_with(page, 0.5) == cold
    hot = sample_with(page, 1.5)
    assert hot != cold
    start = python[0]
    for text, temperature in ((cold, 0.5), (hot, 1.5)):
        assert text == start + tx.sample(model.params, model.vocab, start, 200,
                                         temperature=temperature, seed=0)  # fmt: skip

    # The weights go out as JSON with the vocabulary (links never carry them).
    with page.expect_download() as info:
        page.get_by_role("button", name="Download text weights (JSON)").click()
    saved = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    assert saved["vocabulary"] == model.vocab.chars and saved["windows_trained"] == state.trained
    assert tx.TextParams.from_dict(saved["params"]).flat() == pytest.approx(model.params.flat())

    # What the network sees: one column per character, every true next character outlined.
    probs = page.locator("#sees-probs")
    assert probs.get_attribute("data-columns") == str(tv.STRETCH)
    assert probs.get_attribute("data-rows") == str(model.vocab.size)
    assert probs.get_attribute("data-outlined") == str(tv.STRETCH)
    assert page.locator("#sees-hidden").get_attribute("data-rows") == "2"
    assert page.evaluate(PRED_PIXELS_JS, "sees-probs") > 4 * tv.STRETCH * 10
    first = page.locator(".sees-char").first
    first.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    top = page.locator("#sees-top").text_content()
    seen = tv.sees(model, 0)["columns"][2]
    label, p = seen["top"][0]
    assert top.startswith(f"After ‘{seen['char']}’ (character 3): ‘{label}’ {100 * p:.1f}%")
    assert page.evaluate("document.activeElement.dataset.t") == "2"
    for _ in range(3):
        page.get_by_role("button", name="Step Forward").click()
    page.wait_for_function("document.getElementById('sees-equation').textContent.includes('x₂')")
    equation = page.locator("#sees-equation").text_content()
    assert "softmax" in equation and "bits" in equation
    screenshot(page, "text-1280")
    page.evaluate((build.test_assets() / "axe.min.js").read_text())
    assert page.evaluate(AXE_RUN) == []

    # Refused edits: a message, Train off, the trained network kept.
    trained = windows(page)
    for bad, words in (("", "empty"), ("aaaa", "only one distinct"),
                       ("x" * 2001, "the limit is 2,000"), ("a\x07b", "control character"),
                       ("".join(chr(0x4E00 + i) for i in range(65)), "65 distinct")):  # fmt: skip
        set_text(page, bad)
        page.wait_for_function(
            f"document.getElementById('text-msg').textContent.includes({words!r})"
        )
        assert page.get_by_role("button", name="Train", exact=True).is_disabled()
        assert windows(page) == trained and state_of(page).text == python
    # Right-to-left letters and emoji work; the Python network comes back with its preset.
    set_text(page, "שלום עולם 😀 hello")
    page.wait_for_function("location.hash.includes('%F0%9F%98%80')")
    assert page.locator("#text-msg").text_content() == ""
    assert windows(page) == 0
    page.get_by_role("button", name="Python").click()
    page.wait_for_function(f"document.getElementById('text-loss').dataset.windows === '{trained}'")

    # Phone width: nothing sticks out sideways; the heatmaps scroll inside their box.
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(300)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box = page.locator(".sees-scroll").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    screenshot(page, "text-390")

    # The link round trip: the address opens the same view and replays the same network, to
    # the last digit (the same browser, the same arithmetic).
    again = open_page(address(page))
    assert whole(again) == whole(page)
    assert state_of(again) == state_of(page)
    assert again.locator("#text-input").input_value() == python


def test_a_text_link_replays_the_training_exactly(open_page, base_url):
    text = "the cat sat on the mat. " * 4
    query = (f"task=text&text={text.replace(' ', '%20')}&tcell=gru&tn=3&tlen=10&trained=37"
             "&seed=4&lr=0.02&temp=0.8&ns=50&start=t&sseed=3")  # fmt: skip
    page = open_page("#" + query)
    state = from_query(query)[0]
    bits = whole(page)
    assert windows(page) == 37
    model = expected_model(state)
    assert bits == pytest.approx(tx.bits_per_char(model.params, text), rel=CLOSE)
    assert "37 windows" in page.locator("#text-status").text_content()
    page.get_by_role("button", name="Sample", exact=True).click()
    page.wait_for_function(
        "document.getElementById('sample-status').textContent.includes('characters from')",
        timeout=TRAIN_TIMEOUT,
    )
    written = page.locator("#sample-out").text_content()
    assert written == "t" + tx.sample(model.params, model.vocab, "t", 50, temperature=0.8, seed=3)
    assert state_of(page) == state  # the link it shows is the one it was opened with
    assert page.locator(READY).count() == 1
    assert re.search(r"\d", page.locator("#text-loss").text_content())
    assert math.isfinite(bits)


def test_the_largest_lstm_trains_a_window_over_several_frames(open_page):
    """LSTM, 32 units, windows of 95 characters (the whole default text): one window is more
    work than a frame has, so the page trains it in pieces over several frames, painting in
    each. A window cut short (Stop; a change of setting and back) is not counted and goes on at
    the next Train; Reset drops it. After each, the weights are CPython's after the same number
    of whole windows."""
    page = open_page("#task=text&tcell=lstm&tn=32&tlen=100")
    train = page.get_by_role("button", name="Train", exact=True)
    loss = page.locator("#text-loss")

    def train_until(count):
        train.click()
        page.wait_for_function(f"+document.getElementById('text-loss').dataset.windows >= {count}",
                               timeout=TRAIN_TIMEOUT)  # fmt: skip
        assert page.locator("#text-stage").get_attribute("data-state") == "busy"

    def hidden(n):
        page.fill("#text-hidden", str(n))
        page.locator("#text-hidden").blur()
        page.wait_for_function(f"location.hash.includes('tn={n}')")

    def same_as_cpython(at_least):
        bits = whole(page)
        state = state_of(page)
        assert (state.text_cell, state.text_hidden, state.seq_length) == ("lstm", 32, 100)
        assert state.trained == windows(page) >= at_least
        model = expected_model(state)
        assert bits == pytest.approx(tx.bits_per_char(model.params, state.text), rel=CLOSE)
        assert f"Trained {state.trained:,} windows" in page.locator("#text-status").text_content()
        return state.trained

    train_until(2)
    screenshot(page, "text-lstm32-training-1280")
    page.get_by_role("button", name="Stop").click()
    trained = same_as_cpython(2)
    # frames that ended with a window partly done: the windows spanned frames
    assert int(page.locator("#text-stage").get_attribute("data-split")) > 0

    # A change of setting mid-window takes over; the network comes back with its part-window
    page.set_viewport_size({"width": 390, "height": 900})
    train_until(trained + 1)
    screenshot(page, "text-lstm32-training-390")
    hidden(31)
    page.wait_for_function("document.getElementById('text-loss').dataset.windows === '0'")
    hidden(32)
    trained = windows(page)
    train_until(trained + 1)
    page.get_by_role("button", name="Stop").click()
    trained = same_as_cpython(trained + 1)

    # Reset mid-window: a fresh network, whose first window is CPython's first
    train_until(trained + 1)
    page.locator("#text-reset").click()
    page.wait_for_function("document.getElementById('text-loss').dataset.windows === '0'")
    train_until(1)
    page.get_by_role("button", name="Stop").click()
    same_as_cpython(1)
    assert loss.get_attribute("data-windows") == str(state_of(page).trained)
