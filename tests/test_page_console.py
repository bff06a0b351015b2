"""The Python console's own interpreter, a web worker: a long built-in call is ended without
freezing the page, the next entry works, and the worker loads only the page's own files, every
one of them in the offline cache."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

from conftest import address
from test_page_code import open_panel, run

from rnn_py.page.state import from_query


def test_a_long_builtin_call_is_ended_and_the_page_stays_responsive(open_page):
    page = open_page("#seq=linear&len=5")
    open_panel(page, "console")
    page.locator("#console-output .console-note").wait_for()
    assert run(page, "kept = 6") == ""
    box = page.get_by_role("textbox", name="Python input")
    box.fill("sum(range(10**10))")  # one C call: no line of Python for a time check to stop at
    box.press("Enter")
    page.locator("#console-msg").filter(has_text="Running…").wait_for()
    # Meanwhile the page answers: Step Forward reads x₀ while the entry is still running.
    page.get_by_role("button", name="Step Forward").click()
    page.locator("#step-caption").filter(has_text="Read x₀").wait_for(timeout=3_000)
    assert page.locator("#console-output .console-in").count() == 1  # the long one has not ended
    assert page.locator("#console-msg").text_content() == "Running…"
    page.wait_for_function(
        "document.querySelectorAll('#console-output .console-in').length === 2", timeout=30_000
    )
    out = page.locator("#console-output .console-text").last.text_content()
    assert out.startswith("Stopped: this entry was still running after 7 s")
    assert "Names you defined earlier are gone" in out
    assert page.locator("#console-output .console-stopped").count() == 1
    # A new interpreter takes the next entries: it computes, has lost `kept`, and its params
    # edits still go back to the page, checked.
    assert run(page, "6 * 7") == "42\n"
    assert "NameError: name 'kept' is not defined" in run(page, "kept")
    run(page, "params.b_y = 0.25")
    page.locator("#console-msg").filter(has_text="The page took the new params").wait_for()
    state, _ = from_query(address(page))
    assert state.params.b_y == 0.25 and state.step == 1


def test_the_console_worker_loads_only_cached_files_of_the_page(open_page, base_url, site_dir):
    page = open_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    open_panel(page, "console")
    page.locator("#console-output .console-note").wait_for()
    assert run(page, "import fractions; fractions.Fraction(3, 6)") == "Fraction(1, 2)\n"
    assert [w.url for w in page.workers] == [base_url + "console-worker.js"]
    paths = {"./" + urlsplit(url).path.lstrip("/") for url in requests}
    assert "./vendor/pyodide/pyodide.asm.wasm" in paths and "./rnn-page.zip" in paths
    text = (site_dir / "sw.js").read_text()
    cached = set(json.loads(re.search(r"const FILES = (\[.*?\]);", text, re.S).group(1)))
    assert paths <= cached, paths - cached
    # the guard fails the test if any request (the worker's too) left the page's origin
