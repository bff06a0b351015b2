"""The message catalogues (locale/): extraction, the PO reader and writer, the merge, the check
of what a translation must keep, and index.html's units translated at build time."""

from __future__ import annotations

import re

import pytest

from buildsite import extract, htmlunits
from buildsite.po import KEPT, LANGUAGES, Entry, header, mismatches, read_po, write_po

PAGE = """<!doctype html>
<html lang="en"><head><title>A demo</title>
<meta name="description" content="What it does."></head>
<body>
  <p class="lede" id="p1">Read a <strong class="k">hidden   state</strong>,
     then <a href="./x?a=1&amp;b=2" title="Go there">go</a> on.</p>
  <label for="n">Units <select id="n"><option value="4">Four units</option></select></label>
  <p>Loss <!-- figure:loss.x -->0.5<!-- /figure --> at x<sub>0</sub> &lt; 1.</p>
  <button aria-label="Close the panel">×</button>
  <math aria-label="h t"><mi>h</mi></math>
  <p translate="no">Python</p>
</body></html>
"""


def test_units_have_numbered_tags_collapsed_space_and_figure_markers():
    found = [m.msgid for m in htmlunits.messages(PAGE)]
    assert "Read a <0>hidden state</0>, then <1>go</1> on." in found
    assert "Units <0/>" in found and "Four units" in found
    assert "Loss <!-- figure:loss.x -->0.5<!-- /figure --> at x<0>0</0> < 1." in found
    assert {"A demo", "What it does.", "Go there", "Close the panel", "h t"} <= set(found)
    assert "Python" not in found and "h" not in found  # translate="no", inside <math>


def test_translation_restores_tags_and_leaves_attributes_alone():
    table = {
        "Read a <0>hidden state</0>, then <1>go</1> on.": (
            "Lies <1>weiter</1> & einen <0>Zustand</0>."
        ),
        "Units <0/>": "Einheiten <0/>",
        "Four units": "Vier",
        "Go there": "Dorthin",
        "A demo": "Eine Demo",
        "What it does.": "Was sie tut.",
        "Loss <!-- figure:loss.x -->0.5<!-- /figure --> at x<0>0</0> < 1.": "",  # empty: English
    }
    out = htmlunits.translate(PAGE, lambda m: table.get(m, m), "de")
    assert '<html lang="de">' in out
    assert "<title>Eine Demo</title>" in out
    assert 'content="Was sie tut."' in out
    assert ('Lies <a href="./x?a=1&amp;b=2" title="Dorthin">weiter</a> &amp; einen '
            '<strong class="k">Zustand</strong>.') in out  # fmt: skip
    assert 'Einheiten <select id="n"><option value="4">Vier</option></select></label>' in out
    assert "Loss <!-- figure:loss.x -->0.5<!-- /figure --> at x<sub>0</sub> &lt; 1." in out
    assert 'aria-label="Close the panel"' in out  # not in the table: English


def test_identity_translation_gives_back_index_html_byte_for_byte():
    text = (extract.SITE / "index.html").read_text()
    assert htmlunits.translate(text, lambda m: m, "en") == text


def test_a_translation_with_broken_tags_is_refused():
    with pytest.raises(ValueError, match="never closed|does not close"):
        htmlunits.translate(PAGE, lambda m: "Lies <0>x" if m.startswith("Read a") else m, "de")


def test_po_round_trip():
    entries = [
        Entry('Say "hi"\\ to\n{n}', references=["a.py:1", "b.js:2"], flags=["python-brace-format"],
              msgstr=["Sag „hallo“\\\n{n}"], comments=["translator: keep it short"]),
        Entry("{n} step", "{n} steps", ["{n} Schritt", "{n} Schritte"], ["c.py:3"]),
        Entry("Plain"),
    ]
    text = write_po(header("de", LANGUAGES["de"][1]), entries)
    head, back = read_po(text)
    assert head == header("de", LANGUAGES["de"][1])
    assert back == entries
    assert write_po(head, back) == text


def test_merge_keeps_translations_adds_new_and_drops_gone():
    old = [Entry("Kept", msgstr=["Behalten"]), Entry("Gone", msgstr=["Weg"]),
           Entry("{n} step", "{n} steps", ["{n} Schritt", "{n} Schritte"])]  # fmt: skip
    template = [Entry("New"), Entry("Kept", references=["x.py:9"]),
                Entry("{n} step", "{n} steps", ["", ""])]  # fmt: skip
    merged = extract.merge(template, old, 2)
    assert [(e.msgid, e.msgstr) for e in merged] == [
        ("New", [""]), ("Kept", ["Behalten"]), ("{n} step", ["{n} Schritt", "{n} Schritte"])]
    assert merged[1].references == ["x.py:9"]


@pytest.mark.parametrize("msgstr, ok", [
    ("Lies <0>a</0> {n} <!-- figure:x -->1<!-- /figure -->", True),
    ("Lies <0>a</0> <!-- figure:x -->1<!-- /figure -->", False),  # {n} dropped
    ("Lies <1>a</1> {n} <!-- figure:x -->1<!-- /figure -->", False),  # tag renumbered
    ("Lies <0>a</0> {n} <!-- figure:x -->2<!-- /figure -->", False),  # figure changed
    ("Lies <0>a {n} <!-- figure:x -->1<!-- /figure --></0>", True),
    ("Lies </0>a<0> {n} <!-- figure:x -->1<!-- /figure -->", False),  # does not nest
])  # fmt: skip
def test_a_translation_keeps_tags_placeholders_and_figures(msgstr, ok):
    entry = Entry("Read <0>a</0> {n} <!-- figure:x -->1<!-- /figure -->", msgstr=[msgstr])
    assert (mismatches(entry) == []) is ok


def test_extraction_finds_python_js_and_html_messages(tmp_path):
    messages = {e.msgid: e for e in extract.extract()}
    units = messages["{n} unit"]
    assert units.msgid_plural == "{n} units" and "python-brace-format" in units.flags
    assert any(r.startswith("site/js/") for e in messages.values() for r in e.references)
    assert any(r.startswith("rnn_py/") for e in messages.values() for r in e.references)
    assert messages["Skip to the network"].references[0].startswith("site/index.html:")
    js = tmp_path / "x.js"
    js.write_text(
        "a.t('no'); t(\"It\\u2019s {n}\", { n }); tn('{n} cell', \"{n} cells\", n); t(`x`)"
    )
    calls = [(m.group(1), m.group(2), m.group(3)) for m in extract.JS_CALL.finditer(js.read_text())]
    assert calls == [("t", '"It\\u2019s {n}"', None), ("tn", "'{n} cell'", '"{n} cells"')]
    assert extract._js_literal('"It\\u2019s {n}"') == "It’s {n}"


def test_the_catalogues_are_up_to_date_with_the_sources():
    assert not extract.stale(), "locale/messages.pot is out of date: run python3 build.py i18n"
    assert extract.check() == []


def test_staleness_ignores_a_line_shift_but_not_a_new_message(tmp_path, monkeypatch):
    template = tmp_path / "messages.pot"
    monkeypatch.setattr(extract, "TEMPLATE", template)
    now = extract.write_po(extract.header(), extract.extract())
    shifted = re.sub(r"(?m)^(#: site/main\.py):(\d+)$", lambda m: f"{m[1]}:{int(m[2]) + 7}", now)
    assert shifted != now
    template.write_text(shifted)
    assert not extract.stale()
    template.write_text(now.replace('msgid "Weights loaded."', 'msgid "Weights loaded!"'))
    assert extract.stale()
    template.unlink()
    assert extract.stale()


def test_the_python_catalogue_translates_counts_by_the_plural_rule_and_falls_back():
    from rnn_py import i18n

    messages = {"Cell": "Zelle", "Empty": "", "{n} step": ["{n} pas", "{n} pas (pl)"]}
    catalogue = i18n.Catalogue(messages, LANGUAGES["fr"][1])
    i18n.install(catalogue, "fr")
    try:
        assert i18n.language() == "fr"
        assert (i18n._("Cell"), i18n._("Empty"), i18n._("Other")) == ("Zelle", "Empty", "Other")
        forms = [i18n.ngettext("{n} step", "{n} steps", n) for n in (0, 1, 2)]
        assert forms == ["{n} pas", "{n} pas", "{n} pas (pl)"]  # French: 0 is singular
        assert i18n.ngettext("{n} try", "{n} tries", 2) == "{n} tries"  # not in the catalogue
    finally:
        i18n.install(None)
    assert i18n.language() == "en" and i18n._("Cell") == "Cell"


def test_pseudo_keeps_what_a_translation_must_keep_and_is_longer():
    from buildsite.pseudo import pseudo

    msgid = "Read <0>a step</0> of {n} <!-- figure:x.y -->0.5<!-- /figure --> now<1/>"
    out = pseudo(msgid)
    assert out.startswith("⟦") and out.endswith("⟧")
    assert mismatches(Entry(msgid, msgstr=[out])) == []
    text_in, text_out = KEPT.sub("", msgid), KEPT.sub("", out)[1:-1]  # the kept parts as they are
    assert len(text_out) >= 1.38 * len(text_in)
    assert "Read" not in out and "step" not in out
