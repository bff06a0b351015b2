"""The page in other languages: start.js's choice of the file, the language menu, links that
keep the language, <html lang>, and the pseudo-locale qps finding every string that does not go
through the catalogue (locale/, buildsite/translated.py)."""

from __future__ import annotations

import re

import pytest

from buildsite.paths import ROOT
from buildsite.po import read_po
from rnn_py.i18n import LANGUAGES

READY = "html[data-py-ready]"


def arrive(open_page, path: str, ctx=None):
    """Open path and wait until start.js has settled on a file and Python is ready there."""
    page = open_page(path, wait=False, ctx=ctx)
    page.locator(READY).wait_for(state="attached", timeout=60_000)
    return page


def translation(lang: str, message: str) -> str:
    """message's msgstr in locale/<lang>.po (the test fails if it is not translated)."""
    _, entries = read_po((ROOT / "locale" / f"{lang}.po").read_text(encoding="utf-8"))
    found = next(e.msgstr[0] for e in entries if e.msgid == message)
    assert found and found != message, f"{message!r} is not translated in {lang}.po"
    return found


def file_of(page) -> str:
    return page.evaluate("location.pathname").rsplit("/", 1)[-1]


@pytest.fixture
def german_browser(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block",
                              locale="de-DE")  # fmt: skip
    yield ctx
    ctx.close()


def test_lang_in_the_query_or_hash_picks_the_file_and_keeps_the_address(open_page):
    page = arrive(open_page, "?lang=fr#seq=fibonacci")
    assert file_of(page) == "index.fr.html"
    assert page.evaluate("document.documentElement.lang") == "fr"
    assert "lang=fr" in page.evaluate("location.search")  # the search and hash are kept
    assert "seq=fibonacci" in page.evaluate("location.hash")
    assert page.locator("#sequence").input_value() == "fibonacci"
    # the French page: its title and the Sequence menu's label from locale/fr.po
    assert page.title() == translation(
        "fr", "RNN, step by step: an interactive recurrent neural network"
    )
    assert page.get_by_role("combobox", name=translation("fr", "Sequence"), exact=True).count() == 1
    page = arrive(open_page, "#seq=linear&lang=zh")
    assert file_of(page) == "index.zh.html"
    assert page.evaluate("document.documentElement.lang") == "zh"
    assert "seq=linear" in page.evaluate("location.hash")


def test_the_browser_language_picks_the_file_unless_the_link_says_otherwise(
    open_page, german_browser
):
    page = arrive(open_page, "", ctx=german_browser)
    assert file_of(page) == "index.de.html"
    assert page.locator("#language").input_value() == "de"
    page = arrive(open_page, "?lang=en", ctx=german_browser)  # English asked for: it stays
    assert file_of(page) == ""
    assert page.evaluate("document.documentElement.lang") == "en"
    page = arrive(open_page, "index.de.html?lang=en", ctx=german_browser)  # back to English
    assert file_of(page) == "index.html"
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.evaluate("document.getElementById('catalogue')") is None


def test_an_unknown_language_gets_a_notice_and_the_browser_language(open_page):
    page = arrive(open_page, "#lang=xx&seq=linear")
    assert file_of(page) == ""  # an English browser: English, no redirect
    notices = page.locator("#notices").text_content()
    assert "Language ('xx')" in notices


def test_a_translated_file_opened_directly_stays_in_its_language(open_page):
    page = arrive(open_page, "index.es.html#seq=sine")
    assert file_of(page) == "index.es.html"
    assert page.evaluate("document.documentElement.lang") == "es"


def test_the_language_menu_works_by_keyboard_and_keeps_the_settings(open_page):
    page = arrive(open_page, "#seq=fibonacci&len=20")
    menu = page.get_by_role("combobox", name="Language")  # English here
    options = menu.locator("option")
    assert options.all_text_contents() == [name for name, _ in LANGUAGES.values()]
    assert options.evaluate_all("os => os.map(o => o.lang)") == list(LANGUAGES)
    menu.focus()
    page.keyboard.press("ArrowDown")  # English -> Español, chosen by keyboard alone
    page.wait_for_url(re.compile(r"index\.es\.html"))
    page.locator(READY).wait_for(state="attached", timeout=60_000)
    assert "len=20" in page.evaluate("location.hash")
    assert page.locator("#language").input_value() == "es"
    assert page.evaluate("document.documentElement.lang") == "es"


def test_copy_link_embed_code_and_the_full_demo_keep_the_language(open_page, context):
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = arrive(open_page, "index.de.html#seq=linear")
    page.locator("#copy-link").click()
    page.wait_for_function("navigator.clipboard.readText().then(t => t.length > 0)")
    link = page.evaluate("navigator.clipboard.readText()")
    assert "lang=de" in link and "seq=linear" in link
    assert "lang=de" in page.locator("#open-full").get_attribute("href")
    page.locator("#teachers summary").click()  # its module fills the boxes once it has arrived
    page.wait_for_function("document.getElementById('teach-embed').value.includes('lang=de')")
    again = arrive(open_page, link.split("/", 3)[3])
    assert again.evaluate("document.documentElement.lang") == "de"


def test_numbers_in_the_address_keep_their_point(open_page):
    page = arrive(open_page, "index.fr.html#seq=sine&lr=0.25")
    page.evaluate("window.RnnPage.flushAddress()")
    assert "lr=0.25" in page.evaluate("location.hash")
    assert "w=0.5,0.8" in page.evaluate("location.hash")


def test_a_translated_first_view_is_prerendered_before_python(context, base_url, guard):
    """index.qps.html has its own initial view: its numbers are painted with Python held back,
    in a page whose <html lang> and title are already in the language."""
    page = context.new_page()
    page.on("console", guard.console)
    page.route("**/pyodide.asm.wasm", lambda route: None)  # Python never arrives
    page.goto(base_url + "index.qps.html")
    page.wait_for_function("document.querySelectorAll('#timesteps-body tr').length === 12")
    assert page.evaluate("document.documentElement.lang") == "qps"
    assert page.title().startswith("⟦") and page.title().endswith("⟧")
    first = page.locator("#timesteps-body tr").first.locator("td").all_text_contents()
    assert first[0] == "0.0000"  # x₀ of the sine: numbers, painted from the build's snapshot
    data = page.evaluate("JSON.parse(document.getElementById('catalogue').textContent)")
    assert data["lang"] == "qps" and data["plural"].startswith("nplurals=2")
    forms = data["messages"]["{n} unit"]  # a count's message: one string per plural form
    assert len(forms) == 2 and all(f.startswith("⟦") and "{n}" in f for f in forms)
    page.close()


@pytest.mark.parametrize("rule, forms", [  # the form for n = 0, 1, 2
    ("nplurals=2; plural=(n != 1);", ["many", "one", "many"]),  # es, de
    ("nplurals=2; plural=(n > 1);", ["one", "one", "many"]),  # fr
    ("nplurals=1; plural=0;", ["one", "one", "one"]),  # zh
])  # fmt: skip
def test_tn_follows_the_languages_plural_rule(open_page, rule, forms):
    page = open_page("index.es.html", wait=False)
    got = page.evaluate(
        """async (rule) => {
          const i18n = await import("./js/i18n.js");
          i18n.install({ "{n} step": ["one", "many"] }, rule);
          return [0, 1, 2].map((n) => i18n.tn("{n} step", "{n} steps", n));
        }""",
        rule,
    )
    assert got == forms


def test_an_embed_on_another_origin_keeps_its_language(open_page, base_url, tmp_path, guard):
    from conftest import start_server

    host = f'<!doctype html><title>Cours</title><link rel="icon" href="data:,"><iframe id="rnn" \
src="{base_url}?embed=1&lang=fr#seq=linear" width="360" height="800"></iframe>'
    (tmp_path / "index.html").write_text(host)
    server, host_url = start_server(tmp_path, host="localhost")  # another origin
    try:
        guard.origin = (guard.origin, host_url.rstrip("/"))
        page = open_page(url=host_url, wait=False)
        frame = page.frame_locator("#rnn")
        frame.locator(READY).wait_for(state="attached", timeout=60_000)
        html = frame.locator("html")
        assert html.evaluate("(el) => el.lang") == "fr"
        assert html.evaluate("() => location.pathname").endswith("/index.fr.html")
        assert html.evaluate("() => document.body.classList.contains('embed')")
        assert frame.locator("#sequence").input_value() == "linear"
    finally:
        server.shutdown()


def test_the_checkers_python_speaks_the_pages_language(open_page):
    """The exercises' checker is a second Pyodide in a worker: the page hands it its catalogue
    first, so a check's message (made there by rnn_py.exercises) is in the page's language."""
    page = arrive(open_page, "index.qps.html#seq=linear&len=5&exercise=1")
    page.locator("#ex-status").filter(has_text="⟦").wait_for(timeout=60_000)
    page.evaluate(
        "(t) => window.RnnPage.loadPanel('exercises').then((m) => m.setValue(t))",
        "def vanilla_step(w_xh, w_hh, b_h, x, h_prev, activation):\n    return [\n\n",
    )
    page.locator("#ex-check").click()
    page.wait_for_function("document.getElementById('ex-result').dataset.checks > 0",
                           timeout=60_000)  # fmt: skip
    text = page.locator("#ex-result").text_content().strip()
    assert text.startswith("⟦"), text  # a syntax error's message, from the worker's catalogue
