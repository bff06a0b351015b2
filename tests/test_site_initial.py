"""The default view drawn before Python is ready (issue 12: real numbers within 500 ms).

build.py computes the default view's snapshot with rnn_py on CPython and puts it into
index.html; js/index.js paints it at once, but only for an address without settings. These
tests hold Pyodide's WebAssembly back (the request never gets an answer), so whatever the page
shows came from the build, and check it is exactly the view Python paints afterwards."""

from __future__ import annotations

import json
import re

import pytest
from conftest import settled

from rnn_py.page.state import from_query
from rnn_py.page.view import History, snapshot_json

# Hands the test every snapshot Python sends to the painter (not index.js's own first paint).
RECORD_PAINTS = """
window.__paints = [];
(() => {
  let page;
  Object.defineProperty(window, "RnnPage", { configurable: true, get: () => page, set(value) {
    const paint = value.paint;
    value.paint = (json) => { window.__paints.push(json); return paint(json); };
    page = value;
  }});
})();
"""


def hold_python_back(page):
    """Let every request through except Pyodide's WebAssembly, which never arrives."""
    page.route("**/pyodide.asm.wasm", lambda route: None)


def default_snapshot():
    state, notices = from_query("")
    return json.loads(
        snapshot_json(
            state, History(), running=None, status="", status_warn=False, notices=tuple(notices)
        )  # fmt: skip
    )


def same_view(a, b, path="snapshot"):
    """a and b hold the same view: equal text, structure and flags; floats equal to 1e-12
    relative (CPython's and Pyodide's maths libraries may differ in the last bit of tanh or
    exp, which no chart can show and no text rounds to)."""
    if isinstance(a, float) or isinstance(b, float):
        assert isinstance(a, int | float) and isinstance(b, int | float), path
        assert a == pytest.approx(b, rel=1e-12, abs=1e-300), path
    elif isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), path
        for key in a:
            same_view(a[key], b[key], f"{path}.{key}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            same_view(x, y, f"{path}[{i}]")
    else:
        assert a == b, path


def table_rows(page):
    return settled(page).evaluate(
        """() => [...document.querySelectorAll("#timesteps-body tr")].map(
             (tr) => [...tr.cells].map((cell) => cell.textContent))"""
    )


def test_without_python_the_table_and_charts_hold_rnn_pys_numbers(context, base_url, guard):
    page = context.new_page()
    page.route("**/*", guard.route)
    hold_python_back(page)
    page.on("console", guard.console)
    page.on("pageerror", lambda error: guard.errors.append(f"pageerror: {error}"))
    page.goto(base_url)
    page.wait_for_function("window.RnnPage !== undefined")
    expected = default_snapshot()
    assert table_rows(page) == expected["rows"]
    assert page.locator("#loss").text_content() == expected["loss"]
    assert page.locator("#chart-seq canvas").count() > 0  # the sequence chart is drawn
    assert page.evaluate("document.documentElement.dataset.pyReady") is None
    # Nothing can be used yet: the controls wait for Python.
    assert page.locator("#train").is_disabled()
    guard.check()


def test_pythons_first_paint_is_the_same_view(context, base_url, guard):
    context.add_init_script(RECORD_PAINTS)
    page = context.new_page()
    page.route("**/*", guard.route)
    page.on("console", guard.console)
    page.on("pageerror", lambda error: guard.errors.append(f"pageerror: {error}"))
    page.goto(base_url)
    page.locator("html[data-py-ready]").wait_for(state="attached", timeout=60_000)
    built = json.loads(page.locator("#initial-view").text_content())
    first = json.loads(page.evaluate("window.__paints[0]"))
    assert built == default_snapshot()
    same_view(first, built)
    guard.check()


def test_an_address_with_settings_waits_for_python(context, base_url, guard):
    page = context.new_page()
    page.route("**/*", guard.route)
    hold_python_back(page)
    page.on("console", guard.console)
    page.on("pageerror", lambda error: guard.errors.append(f"pageerror: {error}"))
    page.goto(base_url + "#seq=fibonacci&len=8")
    page.wait_for_function("window.RnnPage !== undefined")
    assert table_rows(page) == []  # the built view is not this address's view: nothing drawn
    assert page.evaluate("location.hash") == "#seq=fibonacci&len=8"
    page.goto("about:blank")
    page.goto(base_url + "?embed=1")
    page.wait_for_function("window.RnnPage !== undefined")
    assert table_rows(page) == []
    guard.check()


def _imports(module, seen):
    """Every module the file site/js/<module> imports statically, transitively."""
    from pathlib import Path

    source = (Path(__file__).parent.parent / "site" / "js" / module).read_text()
    # import { a } from "./x.js"; and a bare import "./x.js"; (js/i18n.js, run for its effect)
    pattern = r'^import (?:[^;"]*? from )?"\./([\w-]+\.js)";'
    for name in re.findall(pattern, source, re.M | re.S):
        if name not in seen:
            seen.add(name)
            _imports(name, seen)
    return seen


def test_the_painters_modules_are_fetched_beside_index_js():
    """index.html asks for every module js/index.js imports (modulepreload) while it is read, so
    the first numbers do not wait for index.js to be parsed before its imports are requested."""
    from pathlib import Path

    html = (Path(__file__).parent.parent / "site" / "index.html").read_text()
    preloaded = set(re.findall(r'<link rel="modulepreload" href="\./js/([\w-]+\.js)">', html))
    assert _imports("index.js", set()) == preloaded
