"""Light repaints in the page (issue 18): a drag's input events and a run's frames paint the
views on screen at once; the views off screen, and the address, follow once the changes stop."""

from __future__ import annotations

from dataclasses import replace

import pytest
from conftest import address

import rnn_py
from rnn_py.page.state import with_weight

# One input event on the Hidden weight slider (no "change": the drag goes on), then what the
# unrolled network (on screen) and the Timesteps table (off screen) show in the same task.
NUDGE = """(value) => {
  const cell = () => document.querySelector("#unrolled text")?.textContent + "|" +
    [...document.querySelectorAll("#unrolled text")].map((t) => t.textContent).join(",");
  const table = () => document.getElementById("timesteps-body").textContent;
  const before = { unrolled: cell(), table: table() };
  const slider = document.getElementById("w_hh");
  slider.value = String(value);
  slider.dispatchEvent(new Event("input", { bubbles: true }));
  return { before, after: { unrolled: cell(), table: table() },
           views: window.RnnPage.visibleViews() };
}"""


def test_a_drag_paints_what_is_on_screen_and_the_rest_once_it_stops(open_page):
    page = open_page("#seq=sine&norm=1")
    page.wait_for_function("window.RnnPage.visibleViews() !== null")
    got = page.evaluate(NUDGE, 0.9)
    views = got["views"].split(",")
    assert "unrolled" in views and "table" not in views, views  # 1280×900, at the top
    assert got["after"]["unrolled"] != got["before"]["unrolled"]  # painted at once
    assert got["after"]["table"] == got["before"]["table"]  # left for later
    # a moment later the full repaint brings the table and the address to w_hh = 0.9
    page.wait_for_function(
        "(old) => document.getElementById('timesteps-body').textContent !== old",
        arg=got["before"]["table"],
        timeout=5000,
    )
    state, _ = rnn_py.from_query(address(page))
    expected = rnn_py.page.view.snapshot(state)
    assert state.params.w_hh == [[pytest.approx(0.9)]]
    rows = page.locator("#timesteps-body tr")
    assert rows.count() == len(expected["rows"])
    assert rows.last.locator("th, td").all_inner_texts() == expected["rows"][-1]


# A drag that goes on for 40 frames (no change event, so nothing settles), with the table
# scrolled into sight after 10: from then on the table is on screen and follows the drag.
DRAG_AND_SCROLL = """async () => {
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  const slider = document.getElementById("w_hh");
  const table = document.getElementById("timesteps-body");
  const seen = [];
  for (let i = 0; i < 40; i++) {
    await frame();
    if (i === 10) document.getElementById("table-panel").scrollIntoView();
    slider.value = String(-1 + i / 50);
    slider.dispatchEvent(new Event("input", { bubbles: true }));
    seen.push(window.RnnPage.visibleViews());
  }
  const last = table.querySelectorAll("tr:last-child :is(th, td)");
  return { last: [...last].map((td) => td.textContent), pending: window.RnnPage.addressPending(),
           seen };
}"""


def test_a_view_scrolled_into_sight_during_a_drag_follows_it(open_page):
    page = open_page("#seq=sine&norm=1")
    page.wait_for_function("window.RnnPage.visibleViews() !== null")
    got = page.evaluate(DRAG_AND_SCROLL)
    assert "table" not in got["seen"][0].split(",") and "table" in got["seen"][-1].split(",")
    assert got["pending"]  # the drag has not settled: the table was painted as it came in
    state, _ = rnn_py.from_query("seq=sine&norm=1")
    state = replace(state, params=with_weight(state.params, "w_hh", -1 + 39 / 50))
    expected = rnn_py.page.view.snapshot(state)["rows"][-1]
    assert got["last"] == expected


def test_letting_go_of_a_slider_repaints_everything(open_page):
    """A slider's change event (the drag's end) brings the off-screen views at once."""
    page = open_page("#seq=sine&norm=1")
    page.wait_for_function("window.RnnPage.visibleViews() !== null")
    page.locator("#w_hh").fill("1.2")  # input, then change
    state, _ = rnn_py.from_query(address(page))
    assert state.params.w_hh == [[pytest.approx(1.2)]]
    expected = rnn_py.page.view.snapshot(state)["rows"][-1]
    assert page.locator("#timesteps-body tr").last.locator("th, td").all_inner_texts() == expected


# Every paint and address write from a Train click until the run's summary is shown.
RUN = """async (stall) => {
  const rnn = window.RnnPage, paint = rnn.paint, replace = history.replaceState;
  const log = [];
  rnn.paint = function (json) {
    const p = JSON.parse(json);
    log.push({ full: p.views === null, status: p.status, query: "query" in p });
    return paint.apply(this, arguments);
  };
  history.replaceState = function () {
    log.push({ address: true });
    return replace.apply(this, arguments);
  };
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  const start = performance.now();
  document.getElementById("train").click();
  const stop = document.getElementById("stop");
  let frames = 0;
  while (performance.now() - start < 30000 && !stop.disabled) {
    await frame();
    if (++frames === 10 && stall) {  // one frame that takes this long (a busy machine)
      const begin = performance.now();
      while (performance.now() - begin < stall);
    }
  }
  rnn.paint = paint;
  history.replaceState = replace;
  return { log, ms: performance.now() - start };
}"""


def test_a_run_paints_light_frames_and_one_full_repaint_at_its_end(open_page):
    """While a run animates, its frames paint only the views on screen and leave the address
    alone (a full repaint or an address write mid-run would cost the animation frames); the run
    ends with one full repaint carrying the summary and the address, which then holds the
    trained weights."""
    page = open_page("#seq=sine&norm=1&n=4&cell=gru")
    page.wait_for_function("window.RnnPage.visibleViews() !== null")
    before, _ = rnn_py.from_query(address(page))
    got = page.evaluate(RUN, 0)
    paints = [e for e in got["log"] if "full" in e]
    assert got["ms"] > 600 and len(paints) > 20, got["ms"]  # long enough for the old timers
    *frames, last = paints
    assert not [e for e in frames if e["full"] or e["query"]], frames
    assert last["full"] and last["query"] and "epochs" in last["status"]
    assert "address" not in {k for e in got["log"][: got["log"].index(last)] for k in e}
    state, _ = rnn_py.from_query(address(page))
    assert state.hidden == 4 and state.cell == "gru" and state.params != before.params


# One input event on the Hidden weight slider at T = 64, read the last step's y label (off to
# the right of the sideways scroll); then scroll to the end and read it again once the scroll
# event has come. The full repaint that follows light ones is held back (onSettle) so the
# step can only have been painted by coming into sight.
SCROLL_IN = """async (value) => {
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  const y = () => [...document.querySelectorAll("#unrolled g")].at(-1)
    .querySelectorAll("text")[2].textContent;
  window.RnnPage.onSettle(() => {});
  const box = document.querySelector(".unrolled-scroll");
  const before = y();
  const slider = document.getElementById("w_hh");
  slider.value = String(value);
  slider.dispatchEvent(new Event("input", { bubbles: true }));
  const light = y();
  box.scrollLeft = box.scrollWidth;
  await frame();
  await frame();
  return { before, light, scrolled: y(), pending: window.RnnPage.addressPending() };
}"""


def test_a_light_paint_paints_the_steps_in_sight_and_the_rest_as_they_scroll_in(open_page):
    """At T = 64 the unrolled network is wider than its box: a drag's light paint repaints
    the steps in sight (a frame's worth of work), and a step off to the side is brought up
    to date when it scrolls in, without waiting for the full repaint."""
    page = open_page("#seq=sine&norm=1&len=64")
    page.wait_for_function("window.RnnPage.visibleViews() !== null")
    page.wait_for_function("document.querySelector('.unrolled-scroll').scrollWidth > 2000")
    state, _ = rnn_py.from_query(address(page))
    old = rnn_py.forward(state.params, state.xs(), "tanh").y[-1]
    new_params = with_weight(state.params, "w_hh", 0.95)
    new = rnn_py.forward(new_params, state.xs(), "tanh").y[-1]
    assert f"{old:.2f}" != f"{new:.2f}"
    got = page.evaluate(SCROLL_IN, 0.95)
    assert got["before"] == got["light"] == f"{old:.2f}"  # off to the side: left for later
    assert got["scrolled"] == f"{new:.2f}"  # painted as it came into sight
    assert got["pending"]  # and not by the full repaint, which has not come


# Click Train and read, every frame until the run ends, the reading beside the run buttons.
PROGRESS = """async () => {
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  const box = document.getElementById("run-progress");
  const seen = [];
  document.getElementById("train").click();
  const stop = document.getElementById("stop");
  const start = performance.now();
  while (performance.now() - start < 60000 && !stop.disabled) {
    await frame();
    if (!box.hidden) {
      seen.push([document.getElementById("run-bar").value, document.getElementById("run-bar").max,
                 document.getElementById("run-numbers").textContent]);
    }
  }
  return { seen, hidden: box.hidden, status: document.getElementById("train-status").textContent };
}"""


def test_a_run_shows_how_far_it_is_beside_its_buttons(open_page):
    """At 8 LSTM units the charts are far above the Train button: while a run goes, a bar and
    the epoch's loss show beside the buttons (the same numbers as rnn_py's own run), and they go
    when the run ends, leaving its summary."""
    page = open_page("#seq=sine&norm=1&n=8&cell=lstm")
    page.wait_for_function("window.RnnPage.visibleViews() !== null")
    start, _ = rnn_py.from_query(address(page))
    got = page.evaluate(PROGRESS)
    steps = list(rnn_py.train_bptt(start.params, start.xs(), start.activation, lr=start.lr,
                                   clip=5.0, epochs=300, optimizer=start.optimizer))  # fmt: skip
    assert len(got["seen"]) >= 10, got["seen"]
    done = [value for value, _, _ in got["seen"]]
    assert done == sorted(done) and done[-1] > done[0] and done[-1] < 300
    for value, total, text in got["seen"]:
        assert total == 300
        assert text == f"Epoch {value} of 300 · loss {steps[value - 1].loss:.4g}"
    assert got["hidden"]
    assert got["status"].startswith(f"BPTT: 300 epochs, loss {steps[0].loss:.4g}")


def test_a_late_frame_does_not_settle_a_run(open_page):
    """A run's frame that comes 400 ms late (longer than the 250 ms after which light paints
    are followed by a full one) is not the changes stopping: the run goes on painting light
    frames, and its end is still its one full repaint."""
    page = open_page("#seq=sine&norm=1&n=4&cell=gru")
    page.wait_for_function("window.RnnPage.visibleViews() !== null")
    address(page)
    got = page.evaluate(RUN, 400)
    paints = [e for e in got["log"] if "full" in e]
    *frames, last = paints
    assert len(frames) > 20, len(frames)
    assert not [e for e in frames if e["full"] or e["query"]], frames
    assert last["full"] and "epochs" in last["status"]
