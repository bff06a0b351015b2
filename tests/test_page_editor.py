"""The Exercises panel's code editor (site/js/editor.js, CodeMirror 6 from vendor/codemirror/),
tested on the real built page: imported into a test-only container between two buttons, driven
with the keyboard alone, under the page's own Content-Security-Policy; and never loaded by the
first view, while kept in the offline cache."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import ARTIFACTS
from test_robust import AXE_RUN

import build
from buildsite.editor import STATIC, module_files

LABEL = "Exercise code"

# A container with a button before and after the editor (for Tab in and out); the editor's
# handle is window.ed, its onChange calls land in window.changes, CSP violations in
# window.violations.
MAKE = """async ([doc, label]) => {
  window.violations = [];
  document.addEventListener("securitypolicyviolation",
    (e) => window.violations.push(e.violatedDirective));
  const box = document.createElement("section");
  box.id = "editor-test"; box.style.padding = "1rem";
  box.setAttribute("aria-label", "Editor test");
  const before = document.createElement("button");
  before.id = "before"; before.textContent = "Before";
  const after = document.createElement("button"); after.id = "after"; after.textContent = "After";
  box.append(before);
  document.querySelector("main").prepend(box);
  const { createEditor, editorHint } = await import("./js/editor.js");
  const hint = document.createElement("p"); hint.textContent = editorHint(); box.append(hint);
  window.changes = [];
  const onChange = (text) => window.changes.push(text);
  window.ed = await createEditor(box, { doc, label, onChange });
  box.append(after);
  return editorHint();
}"""

ACTIVE = """() => {
  const a = document.activeElement;
  return a.shadowRoot ? "editor:" + a.shadowRoot.activeElement.className : a.id;
}"""


def editor_page(open_page, doc="", path=""):
    page = open_page(path)
    hint = page.evaluate(MAKE, [doc, LABEL])
    assert hint == "Tab indents · Esc then Tab leaves the editor"
    page.locator(".cm-content").wait_for()
    return page


def value(page) -> str:
    return page.evaluate("ed.getValue()")


def tab_in(page):
    page.focus("#before")
    page.keyboard.press("Tab")
    assert page.evaluate(ACTIVE).startswith("editor:cm-content")


def test_typing_enter_tab_undo_and_leaving_with_escape_tab(open_page):
    page = editor_page(open_page)
    tab_in(page)
    page.keyboard.type("def f(x):")
    page.keyboard.press("Enter")
    assert value(page) == "def f(x):\n    "  # the body is indented
    page.keyboard.type("y = x * 2")
    page.keyboard.press("Enter")
    page.keyboard.type("return y")
    assert value(page) == "def f(x):\n    y = x * 2\n    return y"
    assert page.evaluate("changes.at(-1)") == value(page)
    page.keyboard.press("Shift+Tab")  # dedents the line
    assert value(page) == "def f(x):\n    y = x * 2\nreturn y"
    page.keyboard.press("Tab")  # Tab indents it again and does not leave the editor
    assert value(page) == "def f(x):\n    y = x * 2\n    return y"
    assert page.evaluate(ACTIVE).startswith("editor:cm-content")
    page.keyboard.press("Control+z")
    assert value(page) == "def f(x):\n    y = x * 2\nreturn y"
    page.keyboard.press("Control+y")  # and redo does it again
    assert value(page) == "def f(x):\n    y = x * 2\n    return y"
    page.keyboard.type("(")  # brackets close themselves; typing the closer steps over it
    page.keyboard.type("1)")
    assert value(page).endswith("return y(1)")
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    assert page.evaluate(ACTIVE) == "after"
    page.keyboard.press("Shift+Tab")  # back in, where the cursor was
    assert page.evaluate(ACTIVE).startswith("editor:cm-content")
    page.keyboard.press("Escape")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(ACTIVE) == "before"


def test_the_content_is_a_labelled_multiline_textbox(open_page):
    page = editor_page(open_page, "x = 1\n")
    box = page.get_by_role("textbox", name=LABEL)
    assert box.get_attribute("aria-multiline") == "true"
    assert box.get_attribute("contenteditable") == "true"
    assert page.locator(".cm-lineNumbers .cm-gutterElement", has_text="1").count() >= 1


def test_set_value_and_set_line(open_page):
    page = editor_page(open_page, "a = 1\n")
    doc = "\n".join(f"v{i} = {i}" for i in range(1, 61))
    page.evaluate("(doc) => ed.setValue(doc)", doc)
    assert value(page) == doc
    assert page.evaluate("changes.length") == 0  # setValue is not the learner's edit
    page.evaluate("ed.setLine(50)")
    marked = page.locator(".cm-marked-line")
    marked.wait_for()
    assert marked.count() == 1 and marked.text_content() == "v50 = 50"
    box, line = page.locator(".cm-scroller").bounding_box(), marked.bounding_box()
    assert box["y"] <= line["y"] and line["y"] + line["height"] <= box["y"] + box["height"]
    page.evaluate("ed.setLine(1000)")  # past the end: the last line
    assert marked.text_content() == "v60 = 60"
    page.evaluate("ed.focus()")
    page.keyboard.type("z")
    assert marked.count() == 0  # the next edit clears the mark
    page.evaluate("ed.setLine(2)")
    assert marked.text_content() == "v2 = 2"
    page.evaluate("ed.setLine(null)")
    assert marked.count() == 0
    # setValue starts a fresh history: undo does not bring the old text back
    page.evaluate("ed.setValue('b = 2')")
    page.evaluate("ed.focus()")
    page.keyboard.press("Control+z")
    assert value(page) == "b = 2"


SAMPLE = '''def step(x, h=None):
    """Doc."""
    # a comment
    return [1.5 * v for v in x if True] + "s"
'''


def test_python_tokens_get_distinct_classes_and_colours(open_page):
    page = editor_page(open_page, SAMPLE)
    texts = page.evaluate("""() => {
      const out = {};
      for (const kind of ["kw", "def", "builtin", "num", "str", "com"]) {
        const root = document.querySelector(".code-editor").shadowRoot;
        const els = [...root.querySelectorAll(".tok-" + kind)];
        out[kind] = { texts: els.map((e) => e.textContent),
                      color: els.length ? getComputedStyle(els[0]).color : null };
      }
      return out;
    }""")
    assert texts["kw"]["texts"] == ["def", "return", "for", "in", "if"]
    assert texts["def"]["texts"] == ["step"]
    assert texts["builtin"]["texts"] == ["None", "True"]
    assert texts["num"]["texts"] == ["1.5"]
    assert texts["str"]["texts"] == ['"""Doc."""', '"s"']
    assert texts["com"]["texts"] == ["# a comment"]
    colours = {kind: t["color"] for kind, t in texts.items()}
    assert len(set(colours.values())) == len(colours), colours


def test_styles_apply_under_the_pages_csp_without_violations(open_page, site_dir):
    csp = re.search(
        r'Content-Security-Policy" content="([^"]+)"', (site_dir / "index.html").read_text()
    )
    assert "style-src 'self';" in csp[1]  # unchanged: no 'unsafe-inline', no nonce
    page = editor_page(open_page, "x = 1\n")
    page.evaluate("ed.focus()")
    page.keyboard.type("y = (2)")
    page.evaluate("ed.setLine(1)")
    assert page.evaluate("violations") == []
    look = page.evaluate("""() => {
      const root = document.querySelector(".code-editor").shadowRoot;
      const editor = getComputedStyle(root.querySelector(".cm-editor"));
      const probe = document.createElement("div"); probe.style.color = "var(--focus)";
      document.body.append(probe); const focus = getComputedStyle(probe).color; probe.remove();
      return { outline: editor.outlineColor, outlineWidth: editor.outlineWidth, focus,
               font: getComputedStyle(root.querySelector(".cm-content")).fontFamily,
               sheets: root.adoptedStyleSheets.length,
               styles: root.querySelectorAll("style").length };
    }""")
    assert look["outline"] == look["focus"] and look["outlineWidth"] == "3px"
    assert "monospace" in look["font"]
    assert look["sheets"] >= 1 and look["styles"] == 0


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violations_in_the_editor(open_page, scheme):
    page = editor_page(open_page, SAMPLE)
    page.emulate_media(color_scheme=scheme)
    page.evaluate("ed.setLine(2)")
    page.evaluate((build.test_assets() / "axe.min.js").read_text())
    violations = page.evaluate(AXE_RUN.replace("axe.run(document", "axe.run('#editor-test'"))
    assert violations == [], violations


@pytest.mark.parametrize("width", [1280, 390])
def test_it_fits_and_wraps_long_lines_at_desktop_and_phone_width(open_page, context, width):
    page = editor_page(open_page, SAMPLE + "    total = " + " + ".join(["weight"] * 20) + "\n")
    page.set_viewport_size({"width": width, "height": 900})
    page.evaluate("ed.focus()")
    page.keyboard.press("Control+End")
    sizes = page.evaluate("""() => {
      const host = document.querySelector(".code-editor");
      const scroller = host.shadowRoot.querySelector(".cm-scroller");
      const lines = [...host.shadowRoot.querySelectorAll(".cm-line")];
      const long = lines[4].getBoundingClientRect();
      return { right: host.getBoundingClientRect().right,
               page: document.documentElement.clientWidth,
               scroll: scroller.scrollWidth - scroller.clientWidth,
               tall: long.height / lines[0].getBoundingClientRect().height };
    }""")
    assert sizes["right"] <= sizes["page"] and sizes["scroll"] <= 1, sizes
    assert sizes["tall"] >= 1.9, sizes  # the long line wraps instead of scrolling sideways
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#editor-test").screenshot(path=str(ARTIFACTS / f"editor-{width}.png"))


def test_the_first_view_loads_no_editor_file_but_the_offline_copy_has_them(
    context, open_page, site_dir
):
    requests = []
    context.on("request", lambda request: requests.append(urlsplit(request.url).path))
    page = open_page()
    # the files fetched at idle once the page is ready, too
    page.wait_for_function(
        "performance.getEntriesByType('resource').some((e) => e.name.endsWith('-later.zip'))"
    )
    page.wait_for_load_state("networkidle")
    assert not [p for p in requests if "codemirror" in p or p.endswith("/editor.js")]
    files = ["js/editor.js"] + [f"vendor/codemirror/{f}" for f in module_files().values()]
    text = (site_dir / "sw.js").read_text()
    cached = set(json.loads(re.search(r"const FILES = (\[.*?\]);", text, re.S).group(1)))
    assert {"./" + f for f in files} <= cached
    with zipfile.ZipFile(build.BUNDLE) as bundle:
        assert {"rnn-demo/site/" + f for f in files} <= set(bundle.namelist())
    # Opening the editor then fetches exactly these, all from the page's own origin (the
    # guard fails the test on any other request).
    requests.clear()
    page.evaluate(MAKE, ["", LABEL])
    loaded = {p.lstrip("/") for p in requests}
    assert loaded == set(files), loaded ^ set(files)
    licences = sorted((site_dir / "vendor/codemirror/licenses").glob("*.txt"))
    assert len(licences) == len(files) - 1 and all("Marijn" in p.read_text() for p in licences)


def test_the_vendored_modules_import_only_each_other(site_dir):
    folder = site_dir / "vendor" / "codemirror"
    names = {Path(f).name for f in module_files().values()}
    for path in folder.glob("*.js"):
        text = path.read_text()
        specs = [m["spec"] for m in STATIC.finditer(text)]
        assert specs or path.name in {
            "crelt.js",
            "w3c-keyname.js",
            "style-mod.js",
            "find-cluster-break.js",
            "streamparser.js",
            "lezer-common.js",
        }
        for spec in specs:
            assert spec.startswith("./") and spec[2:] in names, (path.name, spec)
