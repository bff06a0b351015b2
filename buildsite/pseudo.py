"""The pseudo-locale qps, made from the template: every message wrapped in ⟦…⟧, its letters
accented and the text lengthened by 40% (about as much longer as German runs), with numbered
tags, {placeholders} and figure markers left intact. lang=qps shows at once any visible text
that does not come through the catalogue (tests/test_page_i18n.py), and how the layout takes
longer words (tests/test_page_i18n_layout.py)."""

from __future__ import annotations

from .po import KEPT, PSEUDO_PLURALS, Entry

ACCENTS = str.maketrans("aceinosuyzACEINOSUYZ", "áçéîñóšûýžÁÇÉÎÑÓŠÛÝŽ")
GROWTH = 0.4


def pseudo(message: str) -> str:
    """⟦message, accented, 40% longer⟧ (tags, placeholders and figure markers untouched)."""
    pieces, pos = [], 0
    for m in KEPT.finditer(message):
        pieces.append((message[pos : m.start()], False))
        pieces.append((m.group(0), True))
        pos = m.end()
    pieces.append((message[pos:], False))
    letters = sum(ch.isalpha() for text, kept in pieces if not kept for ch in text)
    extra = round(GROWTH * sum(len(text) for text, kept in pieces if not kept))
    out, seen = [], 0
    for text, kept in pieces:
        if kept:
            out.append(text)
            continue
        for ch in text:
            out.append(ch.translate(ACCENTS))
            if ch.isalpha() and letters:  # every word longer: a letter doubled, evenly spread
                before = seen * extra // letters
                seen += 1
                out.append(ch.translate(ACCENTS) * (seen * extra // letters - before))
    return "⟦" + "".join(out) + "⟧"


def pseudo_entries(template: list[Entry]) -> tuple[str, list[Entry]]:
    """(Plural-Forms, entries) of qps: every msgstr filled."""
    entries = []
    for e in template:
        forms = [pseudo(e.msgid), pseudo(e.msgid_plural)] if e.msgid_plural else [pseudo(e.msgid)]
        entries.append(Entry(e.msgid, e.msgid_plural, forms, list(e.references), list(e.flags)))
    return PSEUDO_PLURALS, entries
