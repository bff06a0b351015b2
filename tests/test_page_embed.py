"""One panel embedded alone, at three frame sizes; the README's table of link options, walked on
the real page; the messages a course page receives from a cross-origin embed."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import READY, ROOT, address, screenshot, start_server
from test_robust import AXE_RUN

import build
from rnn_py.page.embed import CONTROLS, OPENABLE, PANELS, PANELS_BY_NAME

SIZES = ((360, 640), (760, 620), (1100, 800))
OPERABLE = "input, select, textarea, button, summary"
PROBE_WIDTH = 760  # the snippets' heights are the panels' content heights at this width

# Visible elements that stick out of the frame sideways, outside any element that scrolls.
CUT = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (el) => ["auto", "scroll"].includes(getComputedStyle(el).overflowX);
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height || getComputedStyle(el).visibility === "hidden") continue;
    let inside = false;
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (scrolls(p)) { inside = true; break; }
    }
    if (!inside && (r.left < -1 || r.right > width + 1)) out.push(`${el.tagName}#${el.id}`);
  }
  return out.slice(0, 5);
}"""


def visible(page, element_id):
    return page.locator(f"#{element_id}").is_visible()


def do_network(page):
    page.get_by_role("button", name="Reset").click()
    page.get_by_role("button", name="Step Forward").click()
    page.locator("#step-caption").filter(has_text="1 of 12 timesteps").wait_for()
    assert page.locator("#unrolled .node").count() > 0


def do_sequence(page):
    page.get_by_role("combobox", name="Sequence").select_option("linear")
    page.wait_for_function("location.hash.includes('seq=linear')")
    assert page.locator("#loss").text_content().startswith(("0.", "1", "2", "3", "4", "5"))


def do_reach(page):
    box = page.get_by_role("spinbutton", name="Hidden weight")
    box.fill("1.5")
    box.press("Enter")
    page.wait_for_function("location.hash.includes('w=0.5,1.5,')")
    assert page.locator("#chart-grad canvas").count() > 0


def do_units(page):
    page.get_by_role("button", name="Exact two-unit solution").click()
    page.locator("#units-exact-msg").filter(has_text=re.compile(r"\S")).wait_for()
    assert "n=2" in address(page)


def do_text(page):
    assert page.locator("#text-input").input_value().startswith("hello world")
    page.locator("#text-train").click()
    page.wait_for_function(
        "+document.getElementById('text-loss').dataset.windows >= 3", timeout=60_000
    )
    page.locator("#text-stop").click()
    assert page.locator("#text-chart").is_visible()


def do_cells(page):
    page.locator("#cells-reading").filter(has_text=re.compile(r"\S")).wait_for(timeout=30_000)
    before = page.locator("#cells-reading").text_content()
    page.get_by_role("combobox", name="Hidden units").select_option("2")
    page.wait_for_function(
        f"document.querySelector('#cells-reading').textContent !== {json.dumps(before)}"
        " && /\\S/.test(document.querySelector('#cells-reading').textContent)"
    )
    assert page.locator("#chart-cells canvas").count() > 0


def do_landscape(page):
    page.locator("#ls-status").filter(has_text="complete").wait_for(timeout=30_000)
    before = page.evaluate("location.hash")
    box = page.locator("#ls-canvas").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.3)
    page.wait_for_function(f"location.hash !== {json.dumps(before)}")


def do_code(page):
    page.get_by_role("button", name="Reset").click()
    page.get_by_role("button", name="Step Forward").click()
    page.locator("#code-listing .marked").first.wait_for()


def do_console(page):
    box = page.get_by_role("textbox", name="Python input")
    box.fill("6 * 7")
    box.press("Enter")
    page.locator("#console-output").filter(has_text="42").wait_for()


def do_challenges(page):
    page.get_by_role("combobox", name="Activation").select_option("sigmoid")
    page.locator("#challenges-count").filter(has_text="(1 of").wait_for()


def do_exercises(page):
    page.locator("#ex-status").filter(has_text="Ready").wait_for(timeout=60_000)
    page.get_by_role("button", name="Check", exact=True).click()
    page.locator("#ex-result").filter(has_text=re.compile(r"\S")).wait_for(timeout=30_000)
    assert page.locator("#ex-passed").is_hidden()  # the stub does not pass


ACTIONS = {
    "network": do_network,
    "sequence": do_sequence,
    "reach": do_reach,
    "units": do_units,
    "cells": do_cells,
    "text": do_text,
    "landscape": do_landscape,
    "code": do_code,
    "console": do_console,
    "challenges": do_challenges,
    "exercises": do_exercises,
}


def test_every_panel_has_a_check_here():
    assert set(ACTIONS) == set(PANELS_BY_NAME)


@pytest.fixture(scope="module")
def axe_source():
    return Path(build.test_assets() / "axe.min.js").read_text()


@pytest.mark.parametrize("name", [p.name for p in PANELS])
def test_panel_embed_at_three_sizes(browser, open_page, axe_source, name):
    """One page per panel, resized through the three sizes: only the panel's parts show,
    nothing is cut or scrolls sideways, axe finds nothing, and the panel works."""
    panel = PANELS_BY_NAME[name]
    ctx = browser.new_context(viewport={"width": 360, "height": 640}, service_workers="block")
    try:
        page = open_page(f"?embed=1&panel={name}#seq=sine&n=1", ctx=ctx)
        page.evaluate(axe_source)
        assert page.get_by_role("link", name="Open the full demo").is_visible()
        for part in panel.parts:
            assert visible(page, part), part
        for other in ("share-panel", "about", "table-panel", *OPENABLE.values()):
            if other not in panel.parts:
                assert not visible(page, other), other
        for width, height in SIZES:
            page.set_viewport_size({"width": width, "height": height})
            page.wait_for_timeout(250)  # the charts follow a resize after 100 ms
            scroll = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
            assert scroll[0] <= scroll[1], f"{name} at {width}: scrolls sideways {scroll}"
            assert page.evaluate(CUT) == [], f"{name} at {width}: cut"
            violations = page.evaluate(AXE_RUN)
            assert violations == [], f"axe, {name} at {width}: {violations}"
            if width == PROBE_WIDTH:
                content = page.evaluate("Math.ceil(document.body.getBoundingClientRect().height)")
                assert content <= panel.height <= content + 150, f"{name}: {content} px"
            if width == 360:
                ACTIONS[name](page)
            screenshot(page, f"embed-panel-{name}-{width}")
        full = page.get_by_role("link", name="Open the full demo").get_attribute("href")
        assert "embed" not in full and "panel=" not in full
        if name in OPENABLE:
            assert f"open={name}" in full
    finally:
        ctx.close()


FIRST_LOADS = (360, 760, 800, 1280)
CHART_HOLDERS = ("chart-seq", "chart-hidden", "chart-grad", "chart-loss", "chart-cells",
                 "chart-units")  # fmt: skip

# Every chart on screen, once drawn: its canvas and its plot area (uPlot's .u-over, where the
# timesteps are drawn: the x scale runs from half a step before the first to half a step after
# the last) against its card's inner box, and the frame's own width.
CHART_FIT = """() => {
  const out = [];
  for (const root of document.querySelectorAll(".uplot, #text-chart")) {
    if (!root.checkVisibility()) continue;
    const card = root.closest("figure, .panel, details");
    const box = card.getBoundingClientRect();
    const pad = parseFloat(getComputedStyle(card).paddingRight);
    const canvas = (root.tagName === "CANVAS" ? root : root.querySelector("canvas"))
      .getBoundingClientRect();
    const plot = (root.querySelector(".u-over") || root).getBoundingClientRect();
    out.push({ id: root.closest("[id]").id, cardRight: box.right - pad, cardLeft: box.left,
               canvas: [canvas.left, canvas.right], plot: [plot.left, plot.right] });
  }
  return out;
}"""
SETTLED = "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))"


@pytest.mark.parametrize("name", [p.name for p in PANELS])
def test_panel_embed_first_load_at_each_width(browser, open_page, name):
    """A new page at each width (not a resize, which the test above walks): a one-panel embed
    lays itself out after the first paint has drawn the charts, and the charts follow; nothing
    scrolls sideways, every chart's canvas fits in its card, and its plot area (hence the last
    timestep) lies inside the card and the frame (issue 25: at 760 px the charts kept the
    width of the layout before, 53 px too wide, and the last timestep was cut off)."""
    for width in FIRST_LOADS:
        ctx = browser.new_context(viewport={"width": width, "height": 620}, service_workers="block")
        try:
            page = open_page(f"?embed=1&panel={name}", ctx=ctx)
            if name == "units":  # its chart is drawn once asked
                page.get_by_role("button", name="Compare hidden sizes").click()
            page.wait_for_function(
                """(ids) => ids.every((id) => { const el = document.getElementById(id);
                     return !el || !el.checkVisibility() || el.querySelector("canvas"); })""",
                arg=list(CHART_HOLDERS),
                timeout=30_000,
            )
            page.evaluate(SETTLED)
            scroll = page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            assert scroll[0] <= scroll[1], f"{name} at {width}: scrolls sideways {scroll}"
            for chart in page.evaluate(CHART_FIT):
                where = f"{name} at {width}, {chart['id']}: {chart}"
                left, right = chart["canvas"]
                assert chart["cardLeft"] <= left and right <= chart["cardRight"] + 0.5, where
                left, right = chart["plot"]
                assert chart["cardLeft"] <= left and right <= chart["cardRight"] + 0.5, where
                assert right <= scroll[1], where
            if width == PROBE_WIDTH:
                screenshot(page, f"embed-first-{name}-{width}")
        finally:
            ctx.close()


def test_an_unknown_panel_shows_the_usual_embed_and_says_so(open_page):
    page = open_page("?embed=1&panel=spaceship#seq=linear&hide=train,warp")
    notices = page.locator("#notices p")
    assert notices.count() == 2
    text = " | ".join(notices.all_text_contents())
    assert "Panel ('spaceship')" in text and "'warp'" in text
    # the usual embed: the network, the charts and the controls, without train (hidden)
    assert page.get_by_role("button", name="Step Forward").is_visible()
    assert visible(page, "fig-loss") and visible(page, "controls")
    assert page.get_by_role("button", name="Train (BPTT)").is_hidden()
    assert page.get_by_role("button", name="Random Search").is_visible()


# ---- the README's table of link options, walked ---------------------------------------------


def readme_options():
    """{key: (example value, [names listed in backticks in its meaning])} from the README."""
    text = (ROOT / "README.md").read_text()
    table = text[text.index("| option | meaning |") :].split("\n\n")[0]
    options = {}
    for row in table.splitlines()[2:]:
        cells = [c.strip() for c in row.strip("|").split("|")]
        key, value = cells[0].strip("`").split("=", 1)
        options[key] = (value, [n for n in re.findall(r"`([^`]+)`", cells[1]) if "=" not in n])
    return options


def control_visible(page, name):
    """Whether any control of this name (an input, select, button or panel heading) shows."""
    return page.evaluate(
        """(name) => [...document.querySelectorAll(`[data-hide~="${name}"]`)].some((el) =>
             [el, ...el.querySelectorAll(OPERABLE)].some(
               (c) => c.matches(OPERABLE) && c.checkVisibility()))""".replace(
            "OPERABLE", json.dumps(OPERABLE)
        ),
        name,
    )


TEXT_CONTROLS = ("text", "textnet", "sample")  # shown in text mode only
TEXT_KEYS = ("task", "text", "tcell", "tn", "tlen", "topt", "trained", "temp", "ns", "start",
             "sseed", "tfrom")  # fmt: skip


def test_the_readme_table_lists_every_option_and_each_does_what_it_says(open_page):
    options = readme_options()
    from rnn_py.page.state import FIELDS

    assert set(options) == {f.key for f in FIELDS} | {"w"}
    assert options["hide"][1] == list(CONTROLS)
    assert options["open"][1] == list(OPENABLE)
    assert options["panel"][1] == [p.name for p in PANELS]

    # One page with every setting and every classroom option but hide= and the embed.
    value = {key: v for key, (v, _) in options.items()}
    weights = "0.5,-0.25,0.3,0.1,-0.2,0.9,1,-1,0,0.05,0.2"  # n=2: 11 numbers
    assert value["n"] == "2"
    link = "&".join(
        f"{key}={weights if key == 'w' else value[key]}"
        for key in options
        if key not in ("custom", "hide", "embed", "panel", "cell", "lang", *TEXT_KEYS)
    )
    link = link.replace("open=landscape,code", "open=" + ",".join(options["open"][1]))
    page = open_page("#" + link)
    assert page.locator("#notices p").count() == 0
    assert page.get_by_role("combobox", name="Sequence").input_value() == value["seq"]
    assert page.get_by_role("spinbutton", name="Length").input_value() == value["len"]
    assert page.get_by_role("switch", name="Normalized inputs").is_checked() == (
        value["norm"] == "1"
    )
    assert page.get_by_role("combobox", name="Activation").input_value() == value["act"]
    assert page.get_by_role("combobox", name="Hidden units").input_value() == value["n"]
    assert page.get_by_label("W_hh[1,2]", exact=True).input_value() == "0.1"
    assert page.get_by_role("spinbutton", name="Learning rate").input_value() == value["lr"]
    assert page.get_by_role("combobox", name="Optimizer").input_value() == value["opt"]
    assert page.locator("#gap").input_value() == value["gap"]
    assert page.locator("#batch-size").text_content() == value["batch"]
    assert page.get_by_role("spinbutton", name="Seed").input_value() == value["seed"]
    assert page.get_by_role("switch", name=re.compile("Gradient clipping")).is_checked() is False
    assert page.get_by_role("switch", name="Forecast").is_checked() == (value["fc"] == "1")
    assert page.get_by_role("spinbutton", name="Forecast steps").input_value() == value["fcn"]
    assert page.locator("#timesteps-body tr").count() == int(value["step"])
    assert page.get_by_role("heading", name="How it works").is_hidden()  # explain=0
    for name, element_id in OPENABLE.items():
        assert page.locator(f"#{element_id}").evaluate("(d) => d.open"), name
    challenge = int(value["challenge"])
    page.locator(f"#challenge-{challenge}.focus").wait_for()
    for name in CONTROLS:
        if name not in TEXT_CONTROLS:
            assert control_visible(page, name), name

    # custom= and hide= with every control it lists: nothing a person can operate remains.
    page = open_page(f"#seq=custom&custom={value['custom']}&hide=" + ",".join(options["hide"][1]))
    assert page.locator("#notices p").count() == 0
    assert page.locator("#custom").input_value() == value["custom"]
    assert page.locator("#timesteps-body tr").count() == len(value["custom"].split(","))
    for name in CONTROLS:
        assert not control_visible(page, name), name
    left = page.evaluate(
        """() => [...document.querySelectorAll(OPERABLE)]
             .filter((el) => el.checkVisibility()).map((el) => el.id || el.textContent)""".replace(
            "OPERABLE", json.dumps(OPERABLE)
        )
    )
    assert left == []

    # The text task's options: text mode with every one of them.
    page = open_page("#" + "&".join(f"{key}={value[key]}" for key in TEXT_KEYS))
    assert page.locator("#notices p").count() == 0
    assert page.locator("#task").input_value() == value["task"]
    # text mode's panel is painted once its module has arrived (rnn-page-later.zip, fetched at
    # once for a text link), which may be a moment after the page is ready
    page.wait_for_function(
        "(text) => document.getElementById('text-input').value === text",
        arg=value["text"].replace("%20", " "),
        timeout=30_000,
    )
    for box, key in (("#text-cell", "tcell"), ("#text-hidden", "tn"), ("#seq-length", "tlen"),
                     ("#text-opt", "topt"), ("#temperature-num", "temp"),
                     ("#sample-length", "ns"), ("#sample-start", "start"),
                     ("#sample-seed", "sseed")):  # fmt: skip
        assert page.locator(box).input_value() == value[key], key
    assert page.locator("#sees-from").input_value() == str(int(value["tfrom"]) + 1)
    for name in TEXT_CONTROLS:
        assert control_visible(page, name), name
    page.wait_for_function(
        f"document.getElementById('text-loss').dataset.windows === '{value['trained']}'",
        timeout=60_000,
    )

    # embed= and panel=: the compact layout, one panel alone.
    page = open_page(f"?embed={value['embed']}&panel={value['panel']}#cell={value['cell']}")
    assert page.locator("#notices p").count() == 0
    assert page.locator("#cell").input_value() == value["cell"]
    assert page.get_by_role("link", name="Open the full demo").is_visible()
    assert visible(page, "landscape-panel") and not visible(page, "controls")
    assert page.get_by_role("heading", name="How it works").is_hidden()


# ---- the For teachers panel: a snippet and its live preview ----------------------------------


def test_teachers_build_an_embed_snippet_with_a_preview(open_page):
    page = open_page("#seq=linear")
    page.get_by_text("For teachers: a classroom link").click()
    page.get_by_role("combobox", name="Embed", exact=True).select_option("console")
    page.locator("#teach-hide").get_by_label("Learning rate").check()
    page.locator("#teach-open").get_by_label("Code", exact=True).check()
    assert "open=code" in page.get_by_label("Classroom link").input_value()
    snippet = page.get_by_label("Embed code").input_value()
    height = PANELS_BY_NAME["console"].height
    assert f'height="{height}"' in snippet and "panel=console" in snippet
    assert "hide=lr" in snippet and "seq=linear" in snippet
    assert page.locator("#teach-preview-box iframe").count() == 0  # lazy: not before asked
    page.get_by_role("button", name="Show preview").click()
    frame_el = page.locator("#teach-preview-box iframe")
    assert frame_el.get_attribute("height") == str(height)
    frame = page.frame_locator("#teach-preview-box iframe")
    frame.locator(READY).wait_for(state="attached", timeout=60_000)
    assert frame.get_by_role("textbox", name="Python input").is_visible()
    assert frame.get_by_role("button", name="Step Forward").is_hidden()


# ---- the message API, seen by a host page on another origin -----------------------------------


def readme_host_page(demo_url):
    """The README's host page, pointed at demo_url, with a recorder of every message."""
    text = (ROOT / "README.md").read_text()
    block = text[text.index('<iframe id="rnn"') :]
    block = block[: block.index("```")]
    assert len(block.strip().splitlines()) <= 12
    recorder = (
        "<script>window.seen = []; addEventListener('message', (e) => seen.push(e.data));</script>"
    )
    return (
        '<!doctype html><title>Course page</title><link rel="icon" href="data:,">'
        + recorder
        + "</script>"
        + block.replace("https://YOU.github.io/REPO/", demo_url)
    )


def test_a_host_on_another_origin_hears_ready_height_and_challenge_solved(
    open_page, base_url, tmp_path, guard
):
    (tmp_path / "index.html").write_text(readme_host_page(base_url))
    server, host_url = start_server(tmp_path, host="localhost")  # another origin
    try:
        guard.origin = (guard.origin, host_url.rstrip("/"))
        page = open_page(url=host_url, wait=False)
        frame = page.frame_locator("#rnn")
        frame.locator(READY).wait_for(state="attached", timeout=60_000)
        page.wait_for_function("seen.some((m) => m.type === 'ready')")
        frame.get_by_role("combobox", name="Activation").select_option("sigmoid")
        page.locator("#solved").filter(has_text="Solved: Make the gradient vanish.").wait_for()
        page.wait_for_function("seen.some((m) => m.type === 'settings-changed')")
        seen = page.evaluate("seen")
        assert all(m["source"] == "rnn-demo" for m in seen)
        assert {m["type"] for m in seen} <= {
            "ready",
            "height",
            "challenge-solved",
            "settings-changed",
        }
        ready = next(m for m in seen if m["type"] == "ready")
        assert ready["panel"] == "challenges" and ready["height"] > 300
        assert ready["link"].startswith(base_url) and "embed=1" in ready["link"]
        solved = [m for m in seen if m["type"] == "challenge-solved"]
        assert solved == [{"source": "rnn-demo", "type": "challenge-solved", "id": "vanish",
                           "title": "Make the gradient vanish"}]  # fmt: skip
        changed = [m for m in seen if m["type"] == "settings-changed"][-1]
        assert "act=sigmoid" in changed["link"] and "embed" not in changed["full"]
        # What the parent posts into the frame is never read: nothing changes, nothing fails.
        page.evaluate(
            """() => { const w = document.getElementById("rnn").contentWindow;
              for (const m of [{source: "rnn-demo", type: "settings-changed", link: "#seq=linear"},
                               "#seq=linear", {type: "eval", code: "document.title = 'x'"}])
                w.postMessage(m, "*"); }"""
        )
        page.wait_for_timeout(300)
        assert frame.locator("html").evaluate("() => location.hash").count("act=sigmoid") == 1
        assert frame.get_by_role("combobox", name="Sequence").input_value() == "sine"
        # the README's listener sized the frame to the height reported last (a later report,
        # as the panel settles, may come after `seen` was read above)
        page.wait_for_function(
            """() => document.getElementById("rnn").height ==
                 seen.filter((m) => m.type === "ready" || m.type === "height").at(-1).height"""
        )
    finally:
        server.shutdown()


def test_only_an_embed_sends_and_challenges_count_without_their_panel(
    open_page, tmp_path, base_url, guard
):
    """The full page in a frame sends its parent nothing; a one-panel embed without the
    Challenges panel still sends challenge-solved."""
    host = readme_host_page(base_url)
    (tmp_path / "full.html").write_text(host.replace("?embed=1&panel=challenges", "#act=sigmoid"))
    (tmp_path / "reach.html").write_text(
        host.replace("?embed=1&panel=challenges", "?embed=1&panel=reach#act=sigmoid")
    )
    server, host_url = start_server(tmp_path, host="localhost")
    try:
        guard.origin = (guard.origin, host_url.rstrip("/"))
        page = open_page(url=host_url + "full.html", wait=False)
        frame = page.frame_locator("#rnn")
        frame.locator(READY).wait_for(state="attached", timeout=60_000)
        frame.locator("#challenges-count").filter(has_text="(1 of").wait_for()
        page.wait_for_timeout(600)
        assert page.evaluate("seen") == []

        page = open_page(url=host_url + "reach.html", wait=False)
        page.locator("#solved").filter(has_text="Solved: Make the gradient vanish.").wait_for(
            timeout=60_000
        )
        frame = page.frame_locator("#rnn")
        assert frame.locator("#challenges-panel").is_hidden()
        assert page.evaluate("seen.find((m) => m.type === 'ready').panel") == "reach"
    finally:
        server.shutdown()


def test_the_unrolled_network_shows_where_it_scrolls_on(open_page):
    """Wider than its panel, the unrolled network scrolls sideways, and a shade at the edge
    says there is more that way: at the right while it starts, at the left once at the end.
    (The figure is hidden for the pictures, so that only the scroll box's shades are seen.)"""
    from test_site import decode_png

    page = open_page("?embed=1&panel=network#seq=sine&n=1")
    page.set_viewport_size({"width": 360, "height": 640})
    box = page.locator(".unrolled-scroll")
    assert box.evaluate("e => e.scrollWidth > e.clientWidth + 100")
    box.evaluate("e => { e.querySelector('svg').style.visibility = 'hidden'; }")

    def edges():
        width, height, pixel = decode_png(box.screenshot())
        y = height // 2
        return [sum(pixel(x, y)[:3]) for x in (1, width // 2, width - 2)]

    left, middle, right = edges()
    assert left == middle and right < middle - 30, (left, middle, right)
    box.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
    page.wait_for_timeout(100)
    left, middle, right = edges()
    assert right == middle and left < middle - 30, (left, middle, right)
