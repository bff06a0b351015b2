"""The Code panel, the Python console and the notebook download, in the browser."""

import json
import re

import nbformat
from conftest import ARTIFACTS, screenshot

import rnn_py
from rnn_py.page import source
from rnn_py.page.state import default_params, from_query

EXPERIMENT = (
    "#seq=fibonacci&len=10&norm=1&act=relu&n=2"
    "&w=0.3,-0.6,0.5,0.2,0.9,-0.4,0.7,0.1,-0.2,0.05,0.3&lr=0.2&seed=1&clip=0"
)


def open_panel(page, name):
    panel = page.locator(f"#{name}-panel")
    if panel.get_attribute("open") is None:
        panel.locator("summary").first.click()
    return panel


def panel_shot(page, name, *ids):
    """Screenshots of single panels, easier to look at than the whole page."""
    ARTIFACTS.mkdir(exist_ok=True)
    for panel_id in ids:
        page.locator(f"#{panel_id}").screenshot(path=str(ARTIFACTS / f"{name}-{panel_id}.png"))


def marked_lines(page):
    return [int(n) for n in page.locator(".code-line.marked").evaluate_all(
        "rows => rows.map(r => r.dataset.line)")]  # fmt: skip


def block_lines(kind):
    return sorted(
        n
        for b in source.listing()["blocks"]
        if b["kind"] == kind
        for n in range(b["first"], b["last"] + 1)
    )


def wait_marked(page, lines, timeout=20_000):
    page.wait_for_function(
        "want => JSON.stringify([...document.querySelectorAll('.code-line.marked')]"
        ".map(r => Number(r.dataset.line))) === JSON.stringify(want)",
        arg=lines,
        timeout=timeout,
    )


def test_code_panel_shows_the_running_source_and_marks_follow_the_page(open_page):
    page = open_page()
    open_panel(page, "code")
    page.locator(".code-line").first.wait_for()
    listing = source.listing()
    shown = page.locator(".code-line").evaluate_all(
        "rows => rows.map(r => [Number(r.dataset.line), r.querySelector('.src').textContent])"
    )
    expected = [
        [n, "".join(t for _, t in spans) or "\n"]
        for f in listing["functions"]
        for n, spans in f["lines"]
    ]
    assert shown == expected
    # Independently of rnn_py.page.source: every shown line is that line of the file on disk, and
    # each shown function starts at its `def` line there.
    from conftest import ROOT

    file_lines = (ROOT / listing["file"]).read_text(encoding="utf-8").splitlines()
    for number, text in shown:
        assert text.rstrip("\n") == file_lines[number - 1], number
    starts = {n for n, text in shown if text.startswith("def ")}
    for f in listing["functions"]:
        (def_line,) = [
            i + 1 for i, line in enumerate(file_lines) if line.startswith(f"def {f['name']}(")
        ]
        assert def_line in starts
    assert page.locator(".code-line .tok-kw").first.text_content() == "def"
    assert page.locator(".code-line .tok-def").first.text_content() == "step"
    assert page.locator(".code-note").count() == len(listing["blocks"])
    for block in listing["blocks"]:
        assert (
            page.locator(f'.code-note[data-block="{block["key"]}"] .code-why').text_content()
            == (block["text"])
        )

    # All 12 timesteps read: the lines of the last one are marked, beside its equation.
    wait_marked(page, block_lines("step"))
    assert "t = 11" in page.locator("#code-status").text_content()
    page.get_by_role("button", name="Reset").click()
    wait_marked(page, [])
    assert "Nothing read yet" in page.locator("#code-status").text_content()
    step = page.get_by_role("button", name="Step Forward")
    xs = rnn_py.make_sequence("sine", 12)
    trace = rnn_py.forward(default_params(), xs, "tanh")
    for t in range(3):
        step.click()
        page.locator("#code-status").filter(has_text=f"t = {t}:").wait_for()
        assert marked_lines(page) == block_lines("step")
        live = page.locator("#live-equation .eq-line")
        for i, key in enumerate(["z", "h", "y"]):
            note = page.locator(f'.code-note[data-block="{key}"] .code-values').text_content()
            assert note == live.nth(i).text_content()
        z_note = page.locator('.code-note[data-block="z"] .code-values').text_content()
        assert f"{trace.z[t][0]:.3f}" in z_note
    screenshot(page, "code-panel-step")
    panel_shot(page, "code-step", "code-panel")

    # Training: the backward pass is marked while it runs, then the step's lines again.
    page.get_by_role("button", name="Train (BPTT)").click()
    wait_marked(page, block_lines("train"))
    panel_shot(page, "code-train", "code-panel")
    assert "step_back" in page.locator("#code-status").text_content()
    page.get_by_role("button", name="Train (BPTT)").filter(has_text="Train (BPTT)").wait_for(
        timeout=60_000
    )
    wait_marked(page, block_lines("step"), timeout=60_000)


def run(page, entry):
    """Type an entry into the console, press Enter and wait until it has run."""
    box = page.get_by_role("textbox", name="Python input")
    before = page.locator("#console-output .console-in").count()
    box.fill(entry)
    box.press("Enter")
    page.wait_for_function(
        f"document.querySelectorAll('#console-output .console-in').length > {before}",
        timeout=20_000,
    )
    return page.locator("#console-output .console-text").last.text_content()


def test_console_computes_the_pages_loss_and_its_params_edit_moves_the_sliders(open_page):
    page = open_page()
    open_panel(page, "console")
    page.locator("#console-output .console-note").wait_for()
    xs = rnn_py.make_sequence("sine", 12)
    loss = rnn_py.forward(default_params(), xs, "tanh").loss
    assert run(page, "rnn_py.forward(params, xs, activation).loss") == f"{loss!r}\n"
    assert page.locator("output#loss").text_content().startswith(f"{loss:.4g} ")

    # An in-place edit of params: the page adopts it, the slider and the loss follow.
    assert run(page, "params.w_hh[0][0] = 0.3") == ""
    slider = page.get_by_role("slider", name="Hidden weight")
    page.wait_for_function("() => document.getElementById('w_hh').value === '0.3'")
    assert float(slider.input_value()) == 0.3
    new = rnn_py.Params.scalar(w_xh=0.5, w_hh=0.3, w_hy=1.0)
    new_loss = rnn_py.forward(new, xs, "tanh").loss
    page.locator("output#loss").filter(has_text=f"{new_loss:.4g} ").wait_for()
    assert "The page took the new params" in page.locator("#console-msg").text_content()
    assert run(page, "params.w_hh") == "[[0.3]]\n"  # the next entry sees the page's weights

    # Bad values: a message, the page keeps its weights.
    run(page, "params.w_hh[0][0] = float('nan')")
    assert (
        "The page keeps its weights: w_hh[0][0] must be a finite number"
        in page.locator("#console-msg").text_content()
    )
    assert float(slider.input_value()) == 0.3

    # Errors come back as text; Shift+Enter adds a line, Enter runs; ↑ recalls.
    assert "ZeroDivisionError" in run(page, "1 / 0")
    box = page.get_by_role("textbox", name="Python input")
    box.fill("for i in range(2):")
    box.press("Enter")  # unfinished: a new, indented line instead of running
    assert box.input_value() == "for i in range(2):\n    "
    box.type("print(i * 10)")
    box.press("Shift+Enter")
    assert box.input_value() == "for i in range(2):\n    print(i * 10)\n"
    before = page.locator("#console-output .console-in").count()
    box.press("Enter")
    page.wait_for_function(
        f"document.querySelectorAll('#console-output .console-in').length > {before}"
    )
    assert page.locator("#console-output .console-text").last.text_content() == "0\n10\n"
    box.press("ArrowUp")
    assert box.input_value() == "for i in range(2):\n    print(i * 10)"
    box.fill("")
    page.set_viewport_size({"width": 1366, "height": 900})
    screenshot(page, "code-console-1366")
    panel_shot(page, "code-1366", "console-panel", "share-panel")


def test_a_runaway_entry_is_stopped_and_the_page_lives_on(open_page):
    page = open_page()
    open_panel(page, "console")
    page.locator("#console-output .console-note").wait_for()
    out = run(page, "while True: pass")
    assert "Stopped: this entry ran for more than 5 s" in out
    assert run(page, "6 * 7") == "42\n"
    page.get_by_role("button", name="Step Forward").click()  # the page still answers
    page.locator("#step-caption").filter(has_text="Read x₀").wait_for()


PAYLOAD = "__import__('js').window.__pwned = 1"


def test_payloads_in_links_files_and_storage_never_reach_the_console(open_page, context, tmp_path):
    dialogs = []
    context.add_init_script(
        "try { localStorage.setItem('rnn-console', " + json.dumps(PAYLOAD) + ");"
        " localStorage.setItem('console', " + json.dumps(PAYLOAD) + "); } catch (e) {}"
    )
    query = f"console={PAYLOAD}&code={PAYLOAD}&custom={PAYLOAD}&seq=custom"
    page = open_page(f"?console={PAYLOAD}#" + query.replace("'", "%27"))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    weights = tmp_path / "weights.json"
    weights.write_text(
        json.dumps(
            {
                "format": "rnn_py weights",
                "console": PAYLOAD,
                "code": PAYLOAD,
                "params": {"w_xh": [1], "w_hh": [[0.5]], "w_hy": [1], "b_h": [0], "b_y": 0},
            }
        )
    )
    page.locator("#import-weights").set_input_files(str(weights))
    page.locator("#share-status").filter(has_text="Weights loaded.").wait_for()
    open_panel(page, "console")
    page.locator("#console-output .console-note").wait_for()
    box = page.get_by_role("textbox", name="Python input")
    assert box.input_value() == ""
    assert page.locator("#console-output .console-in").count() == 0
    assert page.evaluate("window.__pwned") is None
    # What the learner types is not saved: not in the link, not in storage.
    run(page, "marker_4711 = 'typed'")
    assert page.evaluate("window.__pwned") is None and not dialogs
    assert "marker_4711" not in page.evaluate("location.href")
    stored = page.evaluate(
        "JSON.stringify({...localStorage}) + JSON.stringify({...sessionStorage})"
    )
    assert "marker_4711" not in stored


def test_the_downloaded_notebook_runs_with_the_pages_loss(open_page, tmp_path):
    from nbclient import NotebookClient

    page = open_page(EXPERIMENT)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download notebook (.ipynb)").click()
    download = info.value
    assert download.suggested_filename == "rnn-experiment.ipynb"
    path = tmp_path / "nb.ipynb"
    download.save_as(path)
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    state, notices = from_query(EXPERIMENT[1:])
    assert not notices
    page_loss = page.locator("output#loss").text_content().split()[0]
    loss = rnn_py.forward(state.params, state.xs(), state.activation).loss
    assert page_loss == f"{loss:.4g}"
    NotebookClient(nb, timeout=60, kernel_name="python3").execute()
    forward_cell = next(c for c in nb.cells if c.get("id") == "forward")
    printed = "".join(o.get("text", "") for o in forward_cell.outputs)
    assert re.search(r"^loss = (\S+)$", printed, re.M).group(1) == page_loss
    assert "Notebook saved" in page.locator("#share-status").text_content()


def test_phone_screenshots(browser, base_url, guard):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, service_workers="block")
    page = ctx.new_page()
    page.route("**/*", guard.route)
    page.on("console", guard.console)
    page.goto(base_url)
    page.locator("html[data-py-ready]").wait_for(state="attached", timeout=60_000)
    open_panel(page, "code")
    page.locator(".code-line").first.wait_for()
    open_panel(page, "console")
    page.locator("#console-output .console-note").wait_for()
    run(page, "rnn_py.forward(params, xs, activation).loss")
    for scheme in ("light", "dark"):  # one page, both schemes
        page.emulate_media(color_scheme=scheme)
        page.wait_for_timeout(100)
        page.locator("#code-panel").scroll_into_view_if_needed()
        # nothing of the panels sticks out past the phone's width
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, scheme
        screenshot(page, f"code-phone-{scheme}")
        panel_shot(page, f"code-phone-{scheme}", "code-panel", "console-panel")
    ctx.close()
    guard.check()
