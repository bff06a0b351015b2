"""The Exercises panel on the real page: opened by a link and by the keyboard, exercises chosen
by a link, Check in the worker (a wrong solution names its case, a syntax error marks its line, an
endless loop is ended while the page answers, the reference passes), "Run the page on my code"
(the table's numbers and, with the learner's backward step, the gradient chart equal CPython's
rnn_py, and a failing function falls back with a reason; one training step on their backward step
and clip gives rnn_py's own gradient-descent step),
progress kept across a reload, a host page told exercise-passed, and a link with code-like junk
that runs nothing. One page (and its checker) serves the long walk-through to keep the file quick.
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import READY, address, screenshot, start_server

import rnn_py
from rnn_py import cells
from rnn_py.exercises import EXERCISES, exercise
from rnn_py.page.numbers import cell
from rnn_py.page.state import from_query
from rnn_py.page.view import snapshot

VANILLA = next(e for e in EXERCISES if e.role == "vanilla_step")
CHECK = 30_000  # ms: a check, the first one waiting for the checker's Python to start


def editor_text(page, text):
    """Put text in the editor as "Show a solution" does (typing in the editor itself is
    tests/test_page_editor.py's)."""
    page.evaluate("(t) => window.RnnPage.loadPanel('exercises').then((m) => m.setValue(t))", text)


def check(page):
    before = page.locator("#ex-result").get_attribute("data-checks") or "0"
    page.get_by_role("button", name="Check", exact=True).click()
    page.wait_for_function(
        "(before) => document.getElementById('ex-result').dataset.checks > +before",
        arg=before,
        timeout=CHECK,
    )
    return page.locator("#ex-result").text_content()


def wrapped(body):
    """The reference vanilla step under another name, and a vanilla_step of the given body."""
    signature = VANILLA.solution[VANILLA.solution.index("def vanilla_step(") :].split(":\n")[0]
    return f"{VANILLA.solution}\n\n_reference = vanilla_step\n\n\n{signature}:\n    {body}\n"


def editor_value(page):
    """The editor's whole text (CodeMirror puts only the lines in view into the page)."""
    return page.evaluate("() => window.RnnPage.loadPanel('exercises').then((m) => m.getValue())")


def focused(locator):
    return locator.evaluate("(el) => el === document.activeElement")


def table_numbers(page):
    return page.locator("#timesteps-body tr").evaluate_all(
        "(rows) => rows.map((r) => [...r.cells].map((c) => c.textContent))"
    )


def test_a_learner_checks_runs_the_page_on_their_code_and_comes_back(open_page):
    page = open_page(f"#seq=linear&len=5&exercise={VANILLA.number}")
    panel = page.locator("#exercises-panel")
    page.locator("#ex-status").filter(has_text="Ready").wait_for(timeout=60_000)
    assert panel.evaluate("(d) => d.open")
    assert page.locator("#ex-title").text_content() == f"{VANILLA.number}. {VANILLA.title}"
    assert page.locator("#ex-list button").count() == len(EXERCISES)
    assert page.locator("#ex-result").is_hidden()  # nothing ran on arrival
    assert VANILLA.name in page.locator("#ex-editor .cm-content").text_content()

    # A syntax error: its line is marked in the editor and named in the message.
    editor_text(page, "def vanilla_step(w_xh, w_hh, b_h, x, h_prev, activation):\n"
                      "    return [\n\n")  # fmt: skip
    text = check(page)
    assert "line" in text.lower() and "Traceback" not in text
    page.locator("#ex-editor .cm-marked-line").wait_for()

    # A wrong solution (every unit off by 0.5): the message names the failing case.
    editor_text(page, wrapped("return [v + 0.5 for v in _reference(w_xh, w_hh, b_h, x, h_prev, "
                              "activation)]"))  # fmt: skip
    text = check(page)
    assert page.locator("#ex-passed").is_hidden()
    assert "expected" in text.lower() and "received" in text.lower(), text

    # An endless loop: the page keeps answering, and the check is stopped.
    editor_text(page, "def vanilla_step(w_xh, w_hh, b_h, x, h_prev, activation):\n"
                      "    while True:\n        pass\n")  # fmt: skip
    page.get_by_role("button", name="Check", exact=True).click()
    page.locator("#ex-status").filter(has_text="Checking").wait_for()
    page.get_by_role("button", name="Step Forward").click()
    page.locator("#step-caption").filter(has_text="Read x₀").wait_for(timeout=5_000)
    page.locator("#ex-result").filter(has_text="Stopped").wait_for(timeout=CHECK)

    # Hints one at a time; the solution only after the confirm step; then it passes.
    page.get_by_role("button", name="Show a hint").click()
    assert page.locator("#ex-hints li").count() == 1
    page.get_by_role("button", name="Show a solution").click()
    assert focused(page.get_by_role("button", name="Cancel"))
    page.get_by_role("button", name="Cancel").click()
    assert "while True" in editor_value(page)
    page.get_by_role("button", name="Show a solution").click()
    page.get_by_role("button", name="Yes, replace my code").click()
    text = check(page)
    page.locator("#ex-passed").wait_for()
    assert page.locator("#exercises-count").text_content().startswith("(1 of")

    # Run the page on my code: the table's numbers are the learner's, equal to CPython's rnn_py.
    page.get_by_role("switch", name="Run the page on my code").check()
    page.locator("#timesteps[data-own]").wait_for(timeout=10_000)
    badge = page.locator("#own-badge").text_content()
    assert badge == f"Running on your code (exercise {VANILLA.number})."
    state, _ = from_query(address(page))
    trace = cells.forward(state.params, state.xs(), state.activation)
    rows = table_numbers(page)
    assert [r[2] for r in rows] == [cell(h[0]) for h in trace.h[: len(rows)]]
    assert [r[-3] for r in rows] == [cell(y) for y in trace.y[: len(rows)]]
    assert page.locator("#loss").text_content().startswith(f"{trace.loss:.4g} ")
    screenshot(page, "exercises-own-1280")

    # A passed function that fails on this view (five units; the checks stop at four): rnn_py's
    # numbers come back, and the badge says why.
    editor_text(
        page,
        wrapped(
            "if len(h_prev) > 4:\n        raise ValueError('too many units for me')"
            "\n    return _reference(w_xh, w_hh, b_h, x, h_prev, activation)"
        ),
    )
    check(page)
    page.locator("#ex-passed").wait_for()
    page.get_by_role("combobox", name="Hidden units").select_option("5")
    page.locator("#own-badge").filter(has_text="too many units for me").wait_for(timeout=10_000)
    assert page.locator("#timesteps[data-own]").count() == 0
    page.get_by_role("switch", name="Run the page on my code").uncheck()
    page.locator("#own-badge").wait_for(state="hidden")

    # The progress survives a reload: the draft in the editor, the exercise passed; nothing runs.
    page.reload()
    page.locator(READY).wait_for(state="attached", timeout=60_000)
    page.locator("#ex-status").filter(has_text="Ready").wait_for(timeout=60_000)
    assert "too many units for me" in editor_value(page)
    page.locator("#ex-passed").wait_for()
    assert page.locator("#ex-result").is_hidden()
    assert not page.get_by_role("switch", name="Run the page on my code").is_checked()


def test_a_link_chooses_exercises_and_junk_runs_nothing_keyboard_alone(open_page):
    junk = "__import__('os').system('x')"
    page = open_page(f"#exercises=2,1,zz,2&exercise={junk}")
    notices = " | ".join(page.locator("#notices p").all_text_contents())
    assert "Exercise" in notices and "zz" in notices
    page.wait_for_timeout(500)
    assert not page.locator("#exercises-panel").evaluate("(d) => d.open")
    assert page.workers == []  # no checker was started, let alone given code
    # The keyboard alone: open the panel, take the solution, leave the editor, Check.
    page.locator("#exercises-panel summary").focus()
    page.keyboard.press("Enter")
    page.locator("#ex-status").filter(has_text="Ready").wait_for(timeout=60_000)
    labels = page.locator("#ex-list button").all_text_contents()
    assert [label.split(".")[0].lstrip("✓○ ") for label in labels] == ["2", "1"]
    page.locator("#ex-list button").nth(1).focus()
    page.keyboard.press("Enter")
    page.locator("#ex-title").filter(has_text="1.").wait_for()
    page.locator("#ex-solution").focus()
    page.keyboard.press("Enter")
    assert focused(page.get_by_role("button", name="Cancel"))
    page.keyboard.press("Shift+Tab")
    assert focused(page.get_by_role("button", name="Yes, replace my code"))
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.closest('#ex-editor') !== null")
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    assert focused(page.get_by_role("button", name="Check", exact=True))
    page.keyboard.press("Enter")
    page.locator("#ex-passed").wait_for(timeout=CHECK)
    assert page.locator("#ex-result").text_content()
    screenshot(page, "exercises-keyboard-1280")
    # The notebook holds the learner's code for the exercises listed.
    with page.expect_download() as download:
        page.get_by_role("button", name="Download exercises notebook").click()
    book = json.loads(Path(download.value.path()).read_text())
    code = ["".join(c["source"]) for c in book["cells"] if c["cell_type"] == "code"]
    assert book["nbformat"] == 4 and any(exercise(1).solution.strip() in c for c in code)
    page.set_viewport_size({"width": 390, "height": 800})
    page.wait_for_timeout(200)
    scroll = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    assert scroll[0] <= scroll[1]
    page.locator("#exercises-panel").screenshot(path=str(screenshot(page, "exercises-390")))


def test_an_embed_tells_its_host_page_an_exercise_passed(open_page, base_url, tmp_path, guard):
    number = EXERCISES[0].number
    host = (
        '<!doctype html><title>Course page</title><link rel="icon" href="data:,">'
        "<script>window.seen = []; addEventListener('message', (e) => seen.push(e.data));</script>"
        f'<iframe id="rnn" title="RNN" width="760" height="1400" '
        f'src="{base_url}?embed=1&panel=exercises#exercise={number}"></iframe>'
    )
    (tmp_path / "index.html").write_text(host)
    server, host_url = start_server(tmp_path, host="localhost")  # another origin
    try:
        guard.origin = (guard.origin, host_url.rstrip("/"))
        page = open_page(url=host_url, wait=False)
        frame = page.frame_locator("#rnn")
        frame.locator("#ex-status").filter(has_text="Ready").wait_for(timeout=90_000)
        assert frame.get_by_role("button", name="Step Forward").is_hidden()
        frame.get_by_role("button", name="Show a solution").click()
        frame.get_by_role("button", name="Yes, replace my code").click()
        frame.get_by_role("button", name="Check", exact=True).click()
        page.wait_for_function("seen.some((m) => m.type === 'exercise-passed')", timeout=CHECK)
        passed = [m for m in page.evaluate("seen") if m["type"] == "exercise-passed"]
        assert passed == [{"source": "rnn-demo", "type": "exercise-passed", "exercise": number}]
    finally:
        server.shutdown()


BACKWARD = next(e for e in EXERCISES if e.role == "backward_step")
CLIP = next(e for e in EXERCISES if e.role == "clip")


def pass_with_solution(page, ex):
    """Exercise ex passed with its reference solution as a learner would: picked, the solution
    taken, Check."""
    page.locator(f"#ex-list button[data-number='{ex.number}']").click()
    page.locator("#ex-title").filter(has_text=f"{ex.number}. ").wait_for()
    page.get_by_role("button", name="Show a solution").click()
    page.get_by_role("button", name="Yes, replace my code").click()
    assert check(page)
    page.locator("#ex-passed").wait_for()


def chart(page, key):
    """uPlot's data array of one of the stage's charts, as it is drawn."""
    return page.evaluate("(k) => import('./js/charts.js').then((m) => m.chartData(k))", key)


def same_series(got, want):
    return len(got) == len(want) and all(
        (g is None and w is None) or (g is not None and w is not None
                                      and abs(g - w) <= 1e-12 * abs(w))
        for g, w in zip(got, want, strict=True)
    )  # fmt: skip


def own_grad_chart(page, used):
    """Wait until the gradient chart carries the learner's series; the page's state then."""
    page.locator(f"#chart-grad[data-own='{used}']").wait_for(timeout=10_000)
    state, _ = from_query(address(page))
    return state


def test_the_gradient_chart_and_a_training_step_run_on_the_learners_backward_step(open_page):
    page = open_page(f"#seq=sine&len=9&n=2&exercise={BACKWARD.number}")
    page.locator("#ex-status").filter(has_text="Ready").wait_for(timeout=60_000)
    pass_with_solution(page, BACKWARD)
    train = page.get_by_role("button", name="One training step on my code")
    assert train.is_hidden()  # only while the page runs on the learner's code

    # The gradient chart's |∂L/∂h_t|: from the chain of their backward_step, equal to rnn_py's.
    page.get_by_role("switch", name="Run the page on my code").check()
    state = own_grad_chart(page, str(BACKWARD.number))
    want = snapshot(state)["charts"]["grad"]
    drawn = chart(page, "grad")
    assert drawn[0] == list(range(len(state.xs())))
    assert same_series(drawn[2], want) and sum(v is not None for v in want) >= 5, (drawn, want)
    assert page.locator("#own-badge").text_content() == (
        f"Running on your code (exercise {BACKWARD.number})."
    )

    # The step needs their clip too while the page clips; then one step of gradient descent.
    assert train.is_visible() and train.is_disabled()
    assert "clipping" in page.locator("#ex-train-msg").text_content()
    pass_with_solution(page, CLIP)
    train.wait_for()
    page.wait_for_function("!document.getElementById('ex-train').disabled")
    train.click()
    msg = page.locator("#ex-train-msg")
    msg.filter(has_text="One step of gradient descent with your backward_step and clip").wait_for(
        timeout=CHECK
    )
    after = own_grad_chart(page, f"{BACKWARD.number},{CLIP.number}")
    step = next(iter(rnn_py.train_bptt(state.params, state.xs(), state.activation, lr=state.lr,
                                       clip=5.0, epochs=1, optimizer="gd")))  # fmt: skip
    assert after.params.flat() != state.params.flat()
    assert all(abs(a - b) <= 1e-12 * (1 + abs(b))
               for a, b in zip(after.params.flat(), step.params.flat(), strict=True))  # fmt: skip
    losses = [v for v in chart(page, "loss")[1] if v is not None]  # one point on the loss chart
    assert len(losses) == 1 and abs(losses[0] - step.loss) <= 1e-12 * step.loss
    assert same_series(chart(page, "grad")[2], snapshot(after)["charts"]["grad"])
    assert f"{step.loss:.4g}" in page.locator("#train-status").text_content()
    page.locator(".ex-own").screenshot(path=str(screenshot(page, "exercises-train-1280")))

    # A backward step that fails here (five units; the checks stop at four): the chart falls
    # back to rnn_py's with the reason, and a training step changes nothing and says why.
    signature = "def backward_step(w_xh, w_hh, b_h, x, h_prev, h, dh, activation)"
    page.locator(f"#ex-list button[data-number='{BACKWARD.number}']").click()
    page.locator("#ex-title").filter(has_text=f"{BACKWARD.number}. ").wait_for()
    editor_text(page, f"{BACKWARD.solution}\n\n_reference = backward_step\n\n\n{signature}:\n"
                      "    if len(h_prev) > 4:\n        raise ValueError('too many units for me')\n"
                      "    return _reference(w_xh, w_hh, b_h, x, h_prev, h, dh, activation)\n")
    check(page)
    page.locator("#ex-passed").wait_for()
    page.get_by_role("combobox", name="Hidden units").select_option("5")
    page.locator("#own-badge").filter(has_text="too many units for me").wait_for(timeout=10_000)
    assert page.locator("#chart-grad[data-own]").count() == 0
    before, _ = from_query(address(page))
    assert same_series(chart(page, "grad")[2], snapshot(before)["charts"]["grad"])
    train.focus()  # the keyboard alone
    page.keyboard.press("Enter")
    msg.filter(has_text="The page keeps its weights").wait_for(timeout=CHECK)
    assert "too many units for me" in msg.text_content()
    assert from_query(address(page))[0].params == before.params
    page.set_viewport_size({"width": 390, "height": 800})
    page.locator(".ex-own").screenshot(path=str(screenshot(page, "exercises-train-390")))
