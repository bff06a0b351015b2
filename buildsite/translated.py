"""index.<lang>.html: index.html in each language of locale/ and in the pseudo-locale qps.

Translated at build time, not in the browser: every unit, the title, the meta description and
the attributes (buildsite/htmlunits.py), <html lang> set, the language's own prerendered
initial view (rnn_py on CPython with the language installed), and a
<script type="application/json" id="catalogue"> block with the messages the JS and Python
show (never the HTML's units) and the plural rule. English stays index.html, untouched.
"""

from __future__ import annotations

import json
from pathlib import Path

from .extract import LOCALE, TEMPLATE
from .po import LANGUAGES, PSEUDO, Entry, header_field, read_po
from .pseudo import pseudo_entries


def catalogues(locale: Path = LOCALE) -> dict[str, tuple[str, list[Entry]]]:
    """Every language the build writes: code -> (Plural-Forms, entries)."""
    found = {}
    for lang in LANGUAGES:
        path = locale / f"{lang}.po"
        if path.exists():
            head, entries = read_po(path.read_text())
            found[lang] = (header_field(head, "Plural-Forms") or LANGUAGES[lang][1], entries)
    found[PSEUDO] = pseudo_entries(read_po(TEMPLATE.read_text())[1])
    return found


def runtime_messages(entries: list[Entry]) -> dict[str, str | list[str]]:
    """The translated messages that Python or the JS show (those only index.html holds are
    translated in the HTML already): msgid -> msgstr, or -> the plural forms."""
    messages: dict[str, str | list[str]] = {}
    for e in entries:
        if not e.translated or all(r.startswith("site/index.html:") for r in e.references):
            continue
        messages[e.msgid] = list(e.msgstr) if e.msgid_plural else e.msgstr[0]
    return messages


MENU = "<!-- languages: filled in by the build (buildsite/translated.py) -->"


def language_menu(html: str, lang: str) -> str:
    """index.html with the language menu's options, one per language named in itself, and
    lang's selected (the list is rnn_py.i18n.LANGUAGES; qps is reached by lang=qps only)."""
    from rnn_py.i18n import LANGUAGES

    if html.count(MENU) != 1:
        raise SystemExit("build.py: index.html needs the language menu's marker once: " + MENU)
    options = "".join(
        f'<option value="{code}" lang="{code}"{" selected" if code == lang else ""}>{name}</option>'
        for code, (name, _plurals) in LANGUAGES.items()
    )
    if lang not in LANGUAGES:  # the pseudo-locale shows itself as chosen
        options += f'<option value="{lang}" selected>{lang}</option>'
    return html.replace(MENU, options)


def script_block(block_id: str, data: str) -> str:
    data = data.replace("<", "\\u003c")  # nothing inside can close the <script> block
    return f'<script type="application/json" id="{block_id}">{data}</script>\n'


def write_translations(out: Path, source: str, initial_view) -> list[str]:
    """Write out/index.<lang>.html for every language; return their names.
    initial_view() gives the default view's snapshot JSON in the language installed."""
    from rnn_py import i18n

    from .htmlunits import translate

    names = []
    for lang, (plural_forms, entries) in catalogues().items():
        table = {e.msgid: e.msgstr[0] for e in entries if not e.msgid_plural}
        page = translate(language_menu(source, lang), lambda m, t=table: t.get(m) or m, lang)
        runtime = runtime_messages(entries)
        catalogue = json.dumps(
            {"lang": lang, "plural": plural_forms, "messages": runtime},
            ensure_ascii=False, separators=(",", ":"),
        )  # fmt: skip
        i18n.install(i18n.Catalogue(runtime, plural_forms), lang)
        try:
            view = initial_view()
        finally:
            i18n.install(None)
        blocks = script_block("catalogue", catalogue) + script_block("initial-view", view)
        if page.count("</body>") != 1:
            raise SystemExit(f"build.py: index.{lang}.html needs exactly one </body>")
        name = f"index.{lang}.html"
        (out / name).write_text(page.replace("</body>", blocks + "</body>"))
        names.append(name)
    return names
